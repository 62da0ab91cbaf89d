-- :LeanosCheck does not block the editor: with a server command that takes
-- a second to start, the command returns at once, timers keep firing while
-- the check runs, and the quickfix list and the count arrive when it ends.
-- Usage: nvim --headless --clean --cmd "set rtp^=editors/nvim" -l plugin_check.lua <server> <workspace>

local server, root = arg[1], arg[2]
local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))
local uv = vim.uv or vim.loop

-- A slow leanos-lsp: sleeps a second, then runs the real one.
local slow = vim.fn.tempname() .. "-slow-leanos-lsp"
vim.fn.writefile({ "#!/bin/sh", "sleep 1", 'exec "' .. server .. '" "$@"' }, slow)
uv.fs_chmod(slow, tonumber("755", 8))

local notes = h.record_notifications()
require("leanos").setup({ cmd = { slow } })
h.expect(#notes == 0, function()
  return "setup notified: " .. vim.inspect(notes)
end)
vim.cmd.edit(root .. "/threads/sales/beta/2-hypothesis.md")

local started = uv.hrtime()
vim.cmd("LeanosCheck")
local blocked_ms = (uv.hrtime() - started) / 1e6
h.expect(blocked_ms < 500, string.format(":LeanosCheck blocked for %.0f ms", blocked_ms))
h.expect(vim.fn.getqflist({ title = 0 }).title ~= "leanos-lsp check", "the quickfix list was filled before the check ran")

local ticks = 0
local timer = uv.new_timer()
timer:start(50, 50, vim.schedule_wrap(function()
  ticks = ticks + 1
end))
h.wait(20000, function()
  return vim.fn.getqflist({ title = 0 }).title == "leanos-lsp check"
end, function()
  return "the quickfix list never filled: " .. vim.inspect(notes)
end)
timer:stop()
timer:close()
h.expect(ticks >= 5, "the editor did not run timers during the check: " .. ticks)

local qf = vim.fn.getqflist()
local found = false
for _, item in ipairs(qf) do
  if item.text:find("[assumption-unknown]", 1, true) and vim.fn.bufname(item.bufnr):find("beta/2%-hypothesis") then
    found = true
  end
end
h.expect(found, function()
  return "quickfix: " .. vim.inspect(vim.tbl_map(function(i)
    return i.text
  end, qf))
end)
local counted = vim.tbl_filter(function(note)
  return note.msg == string.format("leanos-lsp check: %d problems", #qf)
end, notes)
h.expect(#counted == 1, function()
  return "count notification: " .. vim.inspect(notes)
end)

-- A second check started while one runs replaces it: one result.
vim.fn.setqflist({}, " ", { title = "other" })
local before = #notes
vim.cmd("LeanosCheck")
vim.cmd("LeanosCheck")
h.wait(20000, function()
  return vim.fn.getqflist({ title = 0 }).title == "leanos-lsp check"
end, "the repeated check never filled the quickfix list")
vim.wait(1500)
local results = 0
for i = before + 1, #notes do
  if notes[i].msg:find("problems$") then
    results = results + 1
  end
  h.expect(notes[i].level ~= vim.log.levels.ERROR, "repeated check: " .. notes[i].msg)
end
h.expect(results == 1, function()
  return "repeated check results: " .. vim.inspect(notes)
end)

os.remove(slow)
io.stdout:write("ok: :LeanosCheck runs in the background\n")
os.exit(0)
