-- Headless Neovim: a definition asked the moment the client attaches (in
-- LspAttach, while the server's first scan of the generated workspace of
-- tests/big_workspace.py is still running) lands on the Canvas entry,
-- never null or empty. Exits 0 on success, 1 with what it got on failure.
-- Usage: nvim --headless --clean -l first_definition.lua <server-binary> <workspace>
--          <file> <line> <character> <target-file> <target-line> <target-character>
-- (lines and characters 0-based, as in LSP)

local server, root, file = arg[1], arg[2], arg[3]
local line, character = tonumber(arg[4]), tonumber(arg[5])
local target, target_line, target_character = arg[6], tonumber(arg[7]), tonumber(arg[8])

local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))

local answer -- { err, result } once the definition is answered
vim.api.nvim_create_autocmd("LspAttach", {
  once = true,
  callback = function(event)
    local client = vim.lsp.get_client_by_id(event.data.client_id)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(event.buf) },
      position = { line = line, character = character },
    }
    client:request("textDocument/definition", params, function(err, result)
      answer = { err = err, result = result }
    end, event.buf)
  end,
})

local _, client = h.open_with_server(server, root, file)
if not vim.wait(20000, function()
  return answer ~= nil
end, 10) then
  h.fail("no answer to the definition within 20 s")
end
if answer.err or type(answer.result) ~= "table" or #answer.result == 0 then
  h.fail("definition answered " .. vim.inspect(answer))
end
local found = {}
for _, location in ipairs(answer.result) do
  local start = (location.targetSelectionRange or location.range).start
  table.insert(found, {
    file = vim.uri_to_fname(location.targetUri or location.uri):sub(#root + 2),
    line = start.line,
    character = start.character,
  })
end
local expected = { { file = target, line = target_line, character = target_character } }
if not vim.deep_equal(found, expected) then
  h.fail("definition landed on " .. vim.inspect(found) .. ", expected " .. vim.inspect(expected))
end

client:stop()
io.stdout:write("ok: neovim's first definition landed on the entry\n")
os.exit(0)
