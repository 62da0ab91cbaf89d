-- The leanos.nvim plugin in a clean headless Neovim: setup() starts the
-- server on markdown in a LeanOS root; diagnostics appear; definition moves
-- the cursor to the A4 entry; completion after `Tests: ` has the IDs;
-- :LeanosSpawn creates the thread on disk; :LeanosCheck fills the quickfix
-- list; :checkhealth leanos reports the binary and the root.
-- Usage: nvim --headless --clean --cmd "set rtp^=editors/nvim" -l plugin.lua <server> <workspace>

local server, root = arg[1], arg[2]

local function fail(message)
  io.stderr:write("FAIL: " .. message .. "\n")
  os.exit(1)
end

local function expect(condition, message)
  if not condition then
    fail(message)
  end
end

require("leanos").setup({ cmd = { server } })

-- Diagnostics.
vim.cmd.edit(root .. "/threads/sales/beta/2-hypothesis.md")
local beta = vim.api.nvim_get_current_buf()
expect(vim.bo[beta].filetype == "markdown", "filetype: " .. vim.bo[beta].filetype)
expect(vim.wait(20000, function()
  return #vim.diagnostic.get(beta) > 0
end, 50), "no diagnostics through the plugin")
local codes = vim.tbl_map(function(d)
  return d.code
end, vim.diagnostic.get(beta))
expect(vim.deep_equal(codes, { "assumption-unknown" }), "diagnostics: " .. vim.inspect(codes))
local client = vim.lsp.get_clients({ name = "leanos" })[1]
expect(client ~= nil and client.root_dir == root, "client root: " .. vim.inspect(client and client.root_dir))

-- Definition from A4 to its entry.
vim.cmd.edit(root .. "/threads/sales/acme/2-hypothesis.md")
expect(vim.wait(10000, function()
  return #vim.lsp.get_clients({ bufnr = 0, name = "leanos" }) > 0
end, 50), "not attached to acme")
vim.api.nvim_win_set_cursor(0, { 3, 8 })
vim.lsp.buf.definition()
expect(vim.wait(10000, function()
  return vim.api.nvim_buf_get_name(0):match("10%-assumptions%.md$") ~= nil
end, 50), "definition did not jump: " .. vim.api.nvim_buf_get_name(0))
expect(vim.api.nvim_win_get_cursor(0)[1] == 3, "definition line: " .. vim.inspect(vim.api.nvim_win_get_cursor(0)))

-- Completion after `Tests: `.
vim.cmd.edit(root .. "/threads/sales/beta/1-input.md")
local input = vim.api.nvim_get_current_buf()
vim.wait(5000, function()
  return #vim.lsp.get_clients({ bufnr = input, name = "leanos" }) > 0
end, 50)
vim.api.nvim_buf_set_lines(input, -1, -1, false, { "Tests: " })
vim.wait(300)
local last = vim.api.nvim_buf_line_count(input)
local items = {}
local response = vim.lsp.buf_request_sync(input, "textDocument/completion", {
  textDocument = { uri = vim.uri_from_bufnr(input) },
  position = { line = last - 1, character = 7 },
}, 10000)
for _, r in pairs(response or {}) do
  for _, item in ipairs(r.result and (r.result.items or r.result) or {}) do
    table.insert(items, item.label)
  end
end
table.sort(items)
expect(vim.deep_equal(items, { "A4", "H1" }), "completion: " .. vim.inspect(items))

-- :LeanosSpawn on acme's input line, choosing the sales thread.
vim.cmd.edit(root .. "/threads/sales/acme/1-input.md")
vim.wait(5000, function()
  return #vim.lsp.get_clients({ bufnr = 0, name = "leanos" }) > 0
end, 50)
vim.api.nvim_win_set_cursor(0, { 3, 0 })
local chosen
vim.ui.select = function(choices, _, on_choice)
  for i, choice in ipairs(choices) do
    local action = choice.action or choice
    if action.title and action.title:match("^Spawn a sales thread") then
      chosen = action.title
      return on_choice(choice, i)
    end
  end
  on_choice(nil)
end
vim.cmd("LeanosSpawn")
expect(vim.wait(10000, function()
  return chosen ~= nil and vim.fn.glob(root .. "/threads/sales/acme-asked-white-label-demo*/meta.json") ~= ""
end, 50), "spawn: " .. vim.inspect(chosen))
vim.cmd("silent wall")
local meta = vim.fn.readfile(vim.fn.glob(root .. "/threads/sales/acme-asked-white-label-demo*/meta.json"))
expect(table.concat(meta, "\n"):find('"parent_thread": "sales/acme"', 1, true), "spawned meta: " .. vim.inspect(meta))

-- :LeanosCheck runs in the background: the quickfix list fills when the
-- check ends, with a notification of the count.
local notes = {}
local notify = vim.notify
vim.notify = function(msg, level)
  table.insert(notes, { msg = msg, level = level })
end
vim.cmd("LeanosCheck")
expect(vim.fn.getqflist({ title = 0 }).title ~= "leanos-lsp check", ":LeanosCheck filled the quickfix list before returning")
expect(vim.wait(20000, function()
  return vim.fn.getqflist({ title = 0 }).title == "leanos-lsp check"
end, 20), ":LeanosCheck never filled the quickfix list: " .. vim.inspect(notes))
vim.notify = notify
local qf = vim.fn.getqflist()
local found = false
for _, item in ipairs(qf) do
  if item.text:find("[assumption-unknown]", 1, true) and vim.fn.bufname(item.bufnr):find("beta/2%-hypothesis") then
    found = true
  end
end
expect(found, "quickfix: " .. vim.inspect(vim.tbl_map(function(i)
  return i.text
end, qf)))
local counted = false
for _, note in ipairs(notes) do
  if note.msg == string.format("leanos-lsp check: %d problems", #qf) then
    counted = true
  end
end
expect(counted, "no count notification: " .. vim.inspect(notes))

-- :checkhealth leanos.
vim.cmd.edit(root .. "/threads/sales/beta/2-hypothesis.md")
vim.cmd("checkhealth leanos")
local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
expect(report:find("binary: " .. server, 1, true), "health: " .. report)
expect(report:find("LeanOS root: " .. root, 1, true), "health root: " .. report)

io.stdout:write("ok: the leanos.nvim plugin works\n")
os.exit(0)
