-- Headless Neovim as a real LSP client: start the built server on a
-- workspace, open a thread, wait for diagnostics, fix the reference, wait
-- for them to clear. Exits 0 on success, 1 with the received value on
-- failure.
-- Usage: nvim --headless --clean -l diagnostics.lua <server-binary> <workspace>

local server, root = arg[1], arg[2]

local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))
local fail = h.fail
local codes = h.codes

local bufnr, client = h.open_with_server(server, root, "threads/sales/beta/2-hypothesis.md")
h.wait_diagnostics(bufnr, "no diagnostics arrived for 2-hypothesis.md")
local got = codes(bufnr)
if #got ~= 1 or got[1] ~= "assumption-unknown" then
  fail("expected {assumption-unknown}, got " .. vim.inspect(got))
end
local first = vim.diagnostic.get(bufnr)[1]
if first.lnum ~= 2 or first.col ~= 7 or first.source ~= "leanos" then
  fail("unexpected diagnostic " .. vim.inspect(first))
end

-- Fix the reference in the buffer: A9 -> A4 (sent as didChange).
vim.api.nvim_buf_set_text(bufnr, 2, 8, 2, 9, { "4" })
local ok = vim.wait(20000, function()
  return #vim.diagnostic.get(bufnr) == 0
end, 50)
if not ok then
  fail("diagnostics not cleared after the edit: " .. vim.inspect(codes(bufnr)))
end

client:stop()
io.stdout:write("ok: neovim received and cleared leanos diagnostics\n")
os.exit(0)
