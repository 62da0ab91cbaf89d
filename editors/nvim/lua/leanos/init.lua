-- leanos.nvim: the leanos-lsp language server for LeanOS workspaces.
--
--   require("leanos").setup({
--     cmd = { "leanos-lsp" },        -- the server binary
--     settings = { rules = { ["assumption-untested"] = "off" } },
--     root_markers = nil,            -- default: leanos.toml, strategy/canvas, threads
--   })
local config = require("leanos.config")

local M = {}

M.options = {}

local function client()
  return vim.lsp.get_clients({ name = "leanos" })[1]
end

--- Runs `leanos-lsp check --format json` in the current root and fills the
--- quickfix list with the result.
function M.check()
  local root = config.find_root(vim.api.nvim_buf_get_name(0)) or vim.fn.getcwd()
  local cmd = vim.deepcopy(M.options.cmd or { "leanos-lsp" })
  vim.list_extend(cmd, { "check", root, "--format", "json" })
  local result = vim.system(cmd, { text = true }):wait()
  if result.code ~= 0 and result.code ~= 1 then
    vim.notify("leanos-lsp check failed: " .. (result.stderr or ""), vim.log.levels.ERROR)
    return
  end
  local ok, diagnostics = pcall(vim.json.decode, result.stdout)
  if not ok then
    vim.notify("leanos-lsp check: unreadable output", vim.log.levels.ERROR)
    return
  end
  local severity = { error = "E", warning = "W", info = "I", hint = "N" }
  local items = {}
  for _, d in ipairs(diagnostics) do
    table.insert(items, {
      filename = root .. "/" .. d.path,
      lnum = d.range.start.line + 1,
      col = d.range.start.character + 1,
      type = severity[d.severity] or "W",
      text = string.format("[%s] %s", d.code, d.message),
    })
  end
  vim.fn.setqflist({}, " ", { title = "leanos-lsp check", items = items })
  vim.notify(string.format("leanos-lsp check: %d problems", #items))
end

--- Offers the spawn actions of the current line and applies the choice.
function M.spawn()
  vim.lsp.buf.code_action({
    context = { only = { "refactor.leanos.spawn" }, diagnostics = {} },
  })
end

--- Restarts the server.
function M.restart()
  local running = client()
  if running then
    running:stop()
  end
  vim.defer_fn(function()
    vim.lsp.enable("leanos")
    vim.cmd("doautoall FileType")
  end, 200)
end

--- Configures and enables the server.
---@param opts table|nil
function M.setup(opts)
  M.options = opts or {}
  vim.lsp.config("leanos", config.client_config(M.options))
  vim.lsp.enable("leanos")
  vim.api.nvim_create_user_command("LeanosCheck", M.check, { desc = "leanos-lsp check into the quickfix list" })
  vim.api.nvim_create_user_command("LeanosSpawn", M.spawn, { desc = "Spawn a follow-up thread from this line" })
  vim.api.nvim_create_user_command("LeanosRestart", M.restart, { desc = "Restart leanos-lsp" })
end

return M
