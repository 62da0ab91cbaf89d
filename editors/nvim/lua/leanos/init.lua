-- leanos.nvim: the leanos-lsp language server for LeanOS workspaces.
--
--   require("leanos").setup({
--     cmd = { "leanos-lsp" },        -- the server binary
--     settings = { rules = { ["assumption-untested"] = "off" } },
--     root_markers = nil,            -- default: leanos.toml, strategy/canvas, threads
--     codelens = true,               -- refresh code lenses on attach and after edits
--     inlay_hints = true,            -- status and confidence after assumption IDs
--   })
--
-- See :help leanos.
local config = require("leanos.config")

local M = {}

M.options = {}

local function client()
  return vim.lsp.get_clients({ name = "leanos" })[1]
end

local severity = { error = "E", warning = "W", info = "I", hint = "N" }

-- The running :LeanosCheck, if any: a newer one replaces it.
local check_job
local check_generation = 0

--- Fills the quickfix list with the JSON output of `leanos-lsp check`.
---@param root string
---@param result vim.SystemCompleted
local function check_done(root, result)
  if result.code ~= 0 and result.code ~= 1 then
    local reason = vim.trim(result.stderr or "")
    if reason == "" then
      reason = result.signal and result.signal ~= 0 and ("signal " .. result.signal) or ("exit code " .. result.code)
    end
    vim.notify("leanos-lsp check failed: " .. reason, vim.log.levels.ERROR)
    return
  end
  local ok, diagnostics = pcall(vim.json.decode, result.stdout or "")
  if not ok or type(diagnostics) ~= "table" then
    vim.notify("leanos-lsp check: unreadable output", vim.log.levels.ERROR)
    return
  end
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
  vim.notify(string.format("leanos-lsp check: %d problems", #items), vim.log.levels.INFO)
end

--- Runs `leanos-lsp check --format json` in the current root in the
--- background and fills the quickfix list with the result when it ends.
function M.check()
  local cmd = vim.deepcopy(M.options.cmd or { "leanos-lsp" })
  if type(cmd) ~= "table" then
    vim.notify("leanos-lsp check: `cmd` is not a command list", vim.log.levels.ERROR)
    return
  end
  if not config.executable(cmd) then
    vim.notify(config.missing_message(cmd[1]), vim.log.levels.ERROR)
    return
  end
  local root = config.find_root(vim.api.nvim_buf_get_name(0)) or vim.fn.getcwd()
  vim.list_extend(cmd, { "check", root, "--format", "json" })
  if check_job then
    pcall(check_job.kill, check_job, 15)
  end
  check_generation = check_generation + 1
  local generation = check_generation
  local ok, job = pcall(vim.system, cmd, { text = true }, function(result)
    vim.schedule(function()
      if generation ~= check_generation then
        return -- a newer :LeanosCheck replaced this one
      end
      check_job = nil
      check_done(root, result)
    end)
  end)
  if not ok then
    check_job = nil
    if not config.executable(cmd) then
      vim.notify(config.missing_message(cmd[1]), vim.log.levels.ERROR)
    else
      vim.notify("leanos-lsp check failed: " .. tostring(job), vim.log.levels.ERROR)
    end
    return
  end
  check_job = job
  vim.notify("leanos-lsp check: checking " .. root .. " …", vim.log.levels.INFO)
end

--- The `on_attach` of the leanos client (code lenses, inlay hints,
--- omnifunc), for lsp/leanos.lua users who replace `on_attach`.
---@param client vim.lsp.Client
---@param bufnr integer
---@param opts table|nil codelens, inlay_hints (default: setup()'s options)
function M.on_attach(client, bufnr, opts)
  require("leanos.attach").on_attach(client, bufnr, opts or M.options)
end

--- Offers the spawn actions of the current line and applies the choice.
function M.spawn()
  vim.lsp.buf.code_action({
    context = { only = { "refactor.leanos.spawn" }, diagnostics = {} },
  })
end

--- Where :LeanosLoop writes the loop page of `root`.
---@param root string
---@return string
function M.loop_file(root)
  local dir = vim.fs.joinpath(vim.fn.stdpath("cache"), "leanos")
  vim.fn.mkdir(dir, "p")
  return vim.fs.joinpath(dir, "loop-" .. vim.fs.basename(root) .. ".html")
end

--- Asks the server for the loop page of the current buffer's root (the
--- `leanos.loop` command), writes it to the cache folder and opens it
--- with `vim.ui.open`. Calls `done(path)` when written, if given.
---@param done fun(path: string)|nil
function M.loop(done)
  local bufnr = vim.api.nvim_get_current_buf()
  local running = vim.lsp.get_clients({ name = "leanos", bufnr = bufnr })[1] or client()
  if not running then
    vim.notify("leanos: no leanos-lsp is running for this buffer", vim.log.levels.ERROR)
    return
  end
  local root = running.root_dir or config.find_root(vim.api.nvim_buf_get_name(bufnr)) or vim.fn.getcwd()
  local params = { command = "leanos.loop", arguments = { vim.uri_from_fname(root) } }
  running:request("workspace/executeCommand", params, function(err, page)
    if err or type(page) ~= "string" then
      vim.notify("leanos.loop failed: " .. (err and err.message or "no page"), vim.log.levels.ERROR)
      return
    end
    local path = M.loop_file(root)
    local file = io.open(path, "w")
    if not file then
      vim.notify("leanos.loop: cannot write " .. path, vim.log.levels.ERROR)
      return
    end
    file:write(page)
    file:close()
    vim.ui.open(path)
    vim.notify("leanos: the loop page is " .. path, vim.log.levels.INFO)
    if done then
      done(path)
    end
  end, bufnr)
end

--- Restarts the server.
function M.restart()
  local cmd = M.options.cmd or { "leanos-lsp" }
  if not config.executable(cmd) then
    vim.notify(config.missing_message(cmd[1]), vim.log.levels.ERROR)
    return
  end
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
  config.check_executable(M.options.cmd or { "leanos-lsp" })
  vim.lsp.config("leanos", config.client_config(M.options))
  vim.lsp.enable("leanos")
  vim.api.nvim_create_user_command("LeanosCheck", M.check, { desc = "leanos-lsp check into the quickfix list" })
  vim.api.nvim_create_user_command("LeanosSpawn", M.spawn, { desc = "Spawn a follow-up thread from this line" })
  vim.api.nvim_create_user_command("LeanosRestart", M.restart, { desc = "Restart leanos-lsp" })
  vim.api.nvim_create_user_command("LeanosLoop", function()
    M.loop()
  end, { desc = "Open the three-way loop page of this root in a browser" })
end

return M
