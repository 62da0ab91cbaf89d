-- A server command that is not executable: setup() says so once, with the
-- command and how to install it; opening a file in a LeanOS root does not
-- repeat it; :LeanosCheck and :LeanosRestart give the same message instead
-- of a Lua error.
-- Mode "lspconfig": no setup(), lsp/leanos.lua enabled with
-- vim.lsp.config("leanos", { cmd = … }): the message comes once, when a
-- file in a LeanOS root is opened, and not for a file outside one.
-- Usage: nvim --headless --clean --cmd "set rtp^=editors/nvim" -l plugin_missing_binary.lua <workspace> <command> setup|lspconfig

local root, command, mode = arg[1], arg[2], arg[3]
local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))

local notes = h.record_notifications()

local function errors()
  return vim.tbl_filter(function(note)
    return note.level == vim.log.levels.ERROR
  end, notes)
end

local function describe()
  return vim.inspect(notes)
end

if mode == "lspconfig" then
  vim.lsp.config("leanos", { cmd = { command } })
  vim.lsp.enable("leanos")
  local outside = vim.fn.tempname() .. "-notes.md"
  vim.cmd.edit(outside)
  vim.wait(300)
  h.expect(#errors() == 0, function()
    return "a file outside LeanOS got the message: " .. describe()
  end)
  vim.cmd.edit(root .. "/threads/sales/acme/1-input.md")
  vim.wait(300)
else
  require("leanos").setup({ cmd = { command } })
end
h.expect(#errors() == 1, function()
  return "setup: expected one error, got " .. describe()
end)
local message = errors()[1].msg
h.expect(message:find(command, 1, true), "the message does not name the command: " .. message)
h.expect(message:find("cargo install --locked --path server", 1, true), "the message does not say how to install: " .. message)
h.expect(message:find("cmd", 1, true), "the message does not mention `cmd`: " .. message)

-- Attaching to a buffer in a root: no second message.
vim.cmd.edit(root .. "/threads/sales/beta/2-hypothesis.md")
vim.wait(500)
h.expect(#errors() == 1, function()
  return "opening a file repeated the message: " .. describe()
end)

if mode == "lspconfig" then
  io.stdout:write("ok: a missing leanos-lsp is reported once, with how to install it\n")
  os.exit(0)
end

-- :LeanosCheck: the same message, no traceback.
local ok, err = pcall(vim.cmd, "LeanosCheck")
h.expect(ok, function()
  return ":LeanosCheck raised: " .. tostring(err)
end)
vim.wait(200)
h.expect(#errors() == 2 and errors()[2].msg == message, function()
  return ":LeanosCheck: " .. describe()
end)

-- :LeanosRestart: the same.
ok, err = pcall(vim.cmd, "LeanosRestart")
h.expect(ok, function()
  return ":LeanosRestart raised: " .. tostring(err)
end)
vim.wait(400)
h.expect(#errors() == 3 and errors()[3].msg == message, function()
  return ":LeanosRestart: " .. describe()
end)

io.stdout:write("ok: a missing leanos-lsp is reported once, with how to install it\n")
os.exit(0)
