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

--- Whether the server command `cmd` (a list, `cmd[1]` the program) can be
--- run. A function `cmd` (an RPC client) counts as runnable.
---@param cmd string[]|function|nil
---@return boolean
function M.executable(cmd)
  if type(cmd) ~= "table" then
    return true
  end
  return type(cmd[1]) == "string" and vim.fn.executable(cmd[1]) == 1
end

--- The message for a server command that cannot be run.
---@param program string
---@return string
function M.missing_message(program)
  return string.format(
    "leanos-lsp: the server command `%s` is not executable. Install it with "
      .. "`cargo install --locked --path server` (from the leanos-lsp repository), "
      .. "or point require(\"leanos\").setup({ cmd = { \"/path/to/leanos-lsp\" } }) at it.",
    tostring(program)
  )
end

local warned = {}

--- Tells the user, once per command, that `cmd` cannot be run; returns
--- whether it can.
---@param cmd string[]|function|nil
---@return boolean
function M.check_executable(cmd)
  if M.executable(cmd) then
    return true
  end
  local program = tostring(cmd[1])
  if not warned[program] then
    warned[program] = true
    vim.notify(M.missing_message(program), vim.log.levels.ERROR)
  end
  return false
end

--- The client configuration for `opts` (see README and `:help leanos`:
--- cmd, settings, root_markers, filetypes, codelens, inlay_hints).
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
    on_attach = function(client, bufnr)
      require("leanos.attach").on_attach(client, bufnr, opts)
    end,
  }
end

--- On a buffer the enabled leanos config would attach to: tells the user
--- (once) when its command cannot be run. Neovim itself checks the command
--- before it asks for the root and only writes to lsp.log.
---@param bufnr integer
function M.check_buffer(bufnr)
  local enabled
  if vim.lsp.is_enabled then
    enabled = vim.lsp.is_enabled("leanos")
  else
    enabled = (vim.lsp._enabled_configs or {}).leanos ~= nil
  end
  if not enabled or vim.bo[bufnr].buftype ~= "" then
    return
  end
  local ok, resolved = pcall(function()
    return vim.lsp.config.leanos
  end)
  if not ok or type(resolved) ~= "table" or M.executable(resolved.cmd) then
    return
  end
  if resolved.filetypes and not vim.tbl_contains(resolved.filetypes, vim.bo[bufnr].filetype) then
    return
  end
  if type(resolved.root_dir) == "function" then
    resolved.root_dir(bufnr, function()
      M.check_executable(resolved.cmd)
    end)
  elseif resolved.root_dir or vim.fs.root(bufnr, resolved.root_markers or {}) then
    M.check_executable(resolved.cmd)
  end
end

return M
