-- Headless Neovim as a real LSP client: start the built server on a
-- workspace, open a thread, wait for diagnostics, fix the reference, wait
-- for them to clear. Exits 0 on success, 1 with the received value on
-- failure.
-- Usage: nvim --headless --clean -l diagnostics.lua <server-binary> <workspace>

local server, root = arg[1], arg[2]

local function fail(message)
  io.stderr:write("FAIL: " .. message .. "\n")
  os.exit(1)
end

local function codes(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, tostring(d.code))
  end
  table.sort(found)
  return found
end

vim.cmd.edit(root .. "/threads/sales/beta/2-hypothesis.md")
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start({
  name = "leanos",
  cmd = { server },
  root_dir = root,
})
if not client_id then
  fail("vim.lsp.start returned nil")
end

local ok = vim.wait(20000, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 50)
if not ok then
  fail("no diagnostics arrived for 2-hypothesis.md")
end
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
ok = vim.wait(20000, function()
  return #vim.diagnostic.get(bufnr) == 0
end, 50)
if not ok then
  fail("diagnostics not cleared after the edit: " .. vim.inspect(codes(bufnr)))
end

vim.lsp.get_client_by_id(client_id):stop()
io.stdout:write("ok: neovim received and cleared leanos diagnostics\n")
os.exit(0)
