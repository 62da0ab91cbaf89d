-- Headless Neovim 0.11 has file watching off on Linux (its capabilities
-- offer no dynamic registration for workspace/didChangeWatchedFiles), so
-- the server watches the root itself: an assumption defined in the Canvas
-- from outside the editor clears `assumption-unknown` in an open thread,
-- with no restart. Exits 0 on success, 1 with what it saw on failure.
-- Usage: nvim --headless --clean -l external_edit.lua <server-binary> <workspace>

local server, root = arg[1], arg[2]

local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))

local bufnr, client = h.open_with_server(server, root, "threads/sales/beta/2-hypothesis.md")
h.wait_diagnostics(bufnr, "no diagnostics arrived for 2-hypothesis.md")
local got = h.codes(bufnr)
if #got ~= 1 or got[1] ~= "assumption-unknown" then
  h.fail("expected {assumption-unknown}, got " .. vim.inspect(got))
end

-- Define A9 in the Canvas from outside the editor (not through a buffer).
local canvas = io.open(root .. "/strategy/canvas/10-assumptions.md", "a")
if not canvas then
  h.fail("cannot open the Canvas for appending")
end
canvas:write("\n### A9: Defined from a terminal\n**Status:** testing\n")
canvas:close()

if not vim.wait(20000, function()
  return #vim.diagnostic.get(bufnr) == 0
end, 50) then
  h.fail("diagnostics not cleared after the external edit: " .. vim.inspect(h.codes(bufnr)))
end

client:stop()
io.stdout:write("ok: an external edit cleared the diagnostic\n")
os.exit(0)
