-- Headless Neovim navigation through the built server: definition moves
-- the cursor to the A4 entry in the Canvas, references list the citing
-- files, completion after `Tests: ` offers the IDs. Exits 0 on success, 1
-- with the received value on failure.
-- Usage: nvim --headless --clean -l navigation.lua <server-binary> <workspace>

local server, root = arg[1], arg[2]

local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))
local fail = h.fail

local bufnr, client = h.open_with_server(server, root, "threads/sales/acme/2-hypothesis.md")

-- The index is ready once the scan published beta's diagnostics.
local beta = vim.uri_to_bufnr(vim.uri_from_fname(root .. "/threads/sales/beta/2-hypothesis.md"))
h.wait_diagnostics(beta, "the workspace was never indexed")

-- Definition: `Tests: A4 - …` is line 3; put the cursor on A4.
vim.api.nvim_win_set_cursor(0, { 3, 8 })
vim.lsp.buf.definition()
local landed = vim.wait(10000, function()
  return vim.api.nvim_buf_get_name(0):match("10%-assumptions%.md$") ~= nil
end, 50)
if not landed then
  fail("definition did not open the assumptions section: " .. vim.api.nvim_buf_get_name(0))
end
local cursor = vim.api.nvim_win_get_cursor(0)
local line = vim.api.nvim_buf_get_lines(0, cursor[1] - 1, cursor[1], false)[1]
if cursor[1] ~= 3 or not line:match("^### A4:") then
  fail("definition landed on line " .. cursor[1] .. ": " .. vim.inspect(line))
end

-- References from the entry (the jump opened a new buffer: attach it).
vim.lsp.buf_attach_client(0, client.id)
local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
params.context = { includeDeclaration = false }
local responses = vim.lsp.buf_request_sync(0, "textDocument/references", params, 10000)
local files = {}
for _, response in pairs(responses or {}) do
  for _, location in ipairs(response.result or {}) do
    table.insert(files, vim.uri_to_fname(location.uri):sub(#root + 2))
  end
end
table.sort(files)
if vim.inspect(files) ~= vim.inspect({ "threads/sales/acme/2-hypothesis.md", "threads/sales/acme/meta.json" }) then
  fail("references: " .. vim.inspect(files) .. " from " .. vim.inspect(responses) .. " at " .. vim.inspect(params))
end

-- Completion after `Tests: ` in a thread file.
vim.cmd.edit(root .. "/threads/sales/beta/1-input.md")
local input = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(input, client.id)
vim.api.nvim_buf_set_lines(input, -1, -1, false, { "Tests: " })
local last = vim.api.nvim_buf_line_count(input)
vim.api.nvim_win_set_cursor(0, { last, 7 })
-- Let the edit reach the server (didChange is sent on the event loop).
vim.wait(300)
local items = {}
local result = vim.lsp.buf_request_sync(input, "textDocument/completion",
  vim.lsp.util.make_position_params(0, client.offset_encoding), 10000)
for _, response in pairs(result or {}) do
  local list = response.result and (response.result.items or response.result) or {}
  for _, item in ipairs(list) do
    table.insert(items, item.label)
  end
end
table.sort(items)
if vim.inspect(items) ~= vim.inspect({ "A4", "H1" }) then
  fail("completion after `Tests: `: " .. vim.inspect(items))
end

-- Rename A4 to A12 from the hypothesis: one edit over markdown and meta.json.
vim.cmd.edit(root .. "/threads/sales/acme/2-hypothesis.md")
vim.lsp.buf_attach_client(0, client.id)
vim.api.nvim_win_set_cursor(0, { 3, 8 })
local rename_params = vim.lsp.util.make_position_params(0, client.offset_encoding)
rename_params.newName = "A12"
local renamed = vim.lsp.buf_request_sync(0, "textDocument/rename", rename_params, 10000)
local touched = {}
for _, response in pairs(renamed or {}) do
  local edit = response.result or {}
  for uri, _ in pairs(edit.changes or {}) do
    table.insert(touched, vim.uri_to_fname(uri):sub(#root + 2))
  end
  for _, change in ipairs(edit.documentChanges or {}) do
    table.insert(touched, vim.uri_to_fname(change.textDocument.uri):sub(#root + 2))
  end
end
table.sort(touched)
local expected = { "strategy/canvas/10-assumptions.md", "threads/sales/acme/2-hypothesis.md", "threads/sales/acme/meta.json" }
if vim.inspect(touched) ~= vim.inspect(expected) then
  fail("rename touched " .. vim.inspect(touched))
end

client:stop()
io.stdout:write("ok: neovim navigated with leanos\n")
os.exit(0)
