-- The LSP client configuration of leanos-lsp for Neovim 0.11+: used by
-- require("leanos").setup() and by lsp/leanos.lua (nvim-lspconfig style).
local M = {}

--- Whether `dir` is a LeanOS workspace root: it holds `leanos.toml`,
--- `strategy/canvas/` or `threads/`.
---@param dir string
---@return boolean
function M.is_root(dir)
  local uv = vim.uv or vim.loop
  local function exists(path, kind)
    local stat = uv.fs_stat(path)
    return stat ~= nil and (kind == nil or stat.type == kind)
  end
  return exists(dir .. "/leanos.toml", "file")
    or exists(dir .. "/strategy/canvas", "directory")
    or exists(dir .. "/threads", "directory")
end

--- The LeanOS root above `path` (nearest first), or nil.
---@param path string
---@return string|nil
function M.find_root(path)
  if path == nil or path == "" then
    return nil
  end
  local dir = vim.fs.dirname(vim.fs.normalize(path))
  for candidate in vim.fs.parents(path) do
    if M.is_root(candidate) then
      return candidate
    end
  end
  return M.is_root(dir) and dir or nil
end

--- Opens the locations of a `leanos.showReferences` command (code lens)
--- in the quickfix list.
---@param command lsp.Command
---@param ctx table
function M.show_references(command, ctx)
  local locations = (command.arguments or {})[3] or {}
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or "utf-16"
  local items = vim.lsp.util.locations_to_items(locations, encoding)
  vim.fn.setqflist({}, " ", { title = "LeanOS references", items = items })
  if #items > 0 then
    vim.cmd("botright copen")
  end
end

--- The client configuration for `opts` (see README: cmd, settings,
--- root_markers).
---@param opts table|nil
---@return vim.lsp.Config
function M.client_config(opts)
  opts = opts or {}
  local root_markers = opts.root_markers
  return {
    cmd = opts.cmd or { "leanos-lsp" },
    filetypes = opts.filetypes or { "markdown", "json", "yaml" },
    root_dir = function(bufnr, on_dir)
      local name = vim.api.nvim_buf_get_name(bufnr)
      local root
      if root_markers then
        root = vim.fs.root(bufnr, root_markers)
      else
        root = M.find_root(name)
      end
      -- JSON and YAML only for thread metadata.
      local base = vim.fs.basename(name)
      local ft = vim.bo[bufnr].filetype
      if (ft == "json" and base ~= "meta.json") or (ft == "yaml" and base ~= "metadata.yaml") then
        return
      end
      if root then
        on_dir(root)
      end
    end,
    settings = { leanos = opts.settings or vim.empty_dict() },
    init_options = { settings = opts.settings or vim.empty_dict() },
    commands = { ["leanos.showReferences"] = M.show_references },
  }
end

return M
