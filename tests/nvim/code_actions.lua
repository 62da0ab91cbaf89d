-- Headless Neovim applies leanos code actions with its own workspace-edit
-- machinery: a quick fix that defines an unknown assumption (the
-- diagnostic clears), and a spawn that creates a new thread on disk.
-- Usage: nvim --headless --clean -l code_actions.lua <server-binary> <workspace>

local server, root = arg[1], arg[2]

local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))
local fail = h.fail

local function read(path)
  local file = io.open(root .. "/" .. path)
  if not file then
    return nil
  end
  local text = file:read("*a")
  file:close()
  return text
end

local beta, client = h.open_with_server(server, root, "threads/sales/beta/2-hypothesis.md")
h.wait_diagnostics(beta, "no diagnostics for beta")

-- Quick fix at the unknown A9.
local diagnostic = vim.diagnostic.get(beta)[1]
local params = {
  textDocument = { uri = vim.uri_from_bufnr(beta) },
  range = {
    start = { line = diagnostic.lnum, character = diagnostic.col },
    ["end"] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
  },
  context = { diagnostics = { diagnostic.user_data.lsp }, only = { "quickfix" } },
}
local responses = vim.lsp.buf_request_sync(beta, "textDocument/codeAction", params, 10000) or {}
local define
for _, response in pairs(responses) do
  for _, action in ipairs(response.result or {}) do
    if action.title:match("^Define A9") then
      define = action
    end
  end
end
if not define then
  fail("no `Define A9` action: " .. vim.inspect(responses))
end
vim.lsp.util.apply_workspace_edit(define.edit, client.offset_encoding)
-- The edited Canvas buffer is sent to the server, then saved.
local canvas = vim.fn.bufnr(root .. "/strategy/canvas/10-assumptions.md")
vim.lsp.buf_attach_client(canvas, client.id)
vim.cmd("silent wall")
if not (read("strategy/canvas/10-assumptions.md") or ""):match("### A9: Referral leads close faster") then
  fail("the Canvas on disk: " .. vim.inspect(read("strategy/canvas/10-assumptions.md")))
end
if not vim.wait(10000, function()
  return #vim.diagnostic.get(beta) == 0
end, 50) then
  fail("A9 still unknown: " .. vim.inspect(vim.diagnostic.get(beta)))
end

-- Spawn a follow-up thread from a line of acme's input.
vim.cmd.edit(root .. "/threads/sales/acme/1-input.md")
local acme = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(acme, client.id)
local spawn_params = {
  textDocument = { uri = vim.uri_from_bufnr(acme) },
  range = { start = { line = 2, character = 0 }, ["end"] = { line = 2, character = 0 } },
  context = { diagnostics = {}, only = { "refactor" } },
}
local spawned
for _, response in pairs(vim.lsp.buf_request_sync(acme, "textDocument/codeAction", spawn_params, 10000) or {}) do
  for _, action in ipairs(response.result or {}) do
    if action.title:match("^Spawn a marketing thread") then
      spawned = action
    end
  end
end
if not spawned then
  fail("no marketing spawn")
end
vim.lsp.util.apply_workspace_edit(spawned.edit, client.offset_encoding)
vim.cmd("silent wall")
local slug = spawned.title:match("marketing/(.+)$")
local meta = read("threads/marketing/" .. slug .. "/meta.json") or ""
local input = read("threads/marketing/" .. slug .. "/1-input.md") or ""
if not meta:find('"parent_thread": "sales/acme"', 1, true) or not input:find("# Stage 1: Input", 1, true) then
  fail("spawned files: " .. vim.inspect({ meta = meta, input = input }))
end
if not (read("threads/sales/acme/1-input.md") or ""):find("→ spawned: threads/marketing/" .. slug, 1, true) then
  fail("no back-link in the parent")
end

client:stop()
io.stdout:write("ok: neovim applied leanos code actions\n")
os.exit(0)
