-- Headless Neovim on the real LeanOS example thread: A7 is defined nowhere,
-- so definition returns nothing and no error, while the diagnostics name it.
-- Usage: nvim --headless --clean -l corpus.lua <server-binary> <corpus-copy>

local server, root = arg[1], arg[2]

local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))
local fail = h.fail

local bufnr, client = h.open_with_server(server, root, "threads/operations/example/2-hypothesis.md")
h.wait_diagnostics(bufnr, "no diagnostics for the example hypothesis")
local codes = h.codes(bufnr)
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
