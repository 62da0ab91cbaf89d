-- Headless Neovim on the real LeanOS example thread: A7 is defined nowhere,
-- so definition returns nothing and no error, while the diagnostics name it.
-- Usage: nvim --headless --clean -l corpus.lua <server-binary> <corpus-copy>

local server, root = arg[1], arg[2]

local function fail(message)
  io.stderr:write("FAIL: " .. message .. "\n")
  os.exit(1)
end

vim.cmd.edit(root .. "/threads/operations/example/2-hypothesis.md")
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start({ name = "leanos", cmd = { server }, root_dir = root })
local client = vim.lsp.get_client_by_id(client_id)
if not vim.wait(20000, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 50) then
  fail("no diagnostics for the example hypothesis")
end
local codes = {}
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(codes, d.code)
end
table.sort(codes)
if vim.inspect(codes) ~= vim.inspect({ "assumption-unknown", "link-broken" }) then
  fail("diagnostics: " .. vim.inspect(codes))
end

-- `**A7:** AI code assistants…` is line 9.
vim.api.nvim_win_set_cursor(0, { 9, 3 })
local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/definition", params, 10000)
for _, response in pairs(responses or {}) do
  if response.err then
    fail("definition errored: " .. vim.inspect(response.err))
  end
  if response.result ~= nil and next(response.result) ~= nil then
    fail("definition of an undefined A7 returned " .. vim.inspect(response.result))
  end
end
if responses == nil then
  fail("definition timed out")
end

client:stop()
io.stdout:write("ok: neovim on the real example\n")
os.exit(0)
