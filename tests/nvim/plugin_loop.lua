-- :LeanosLoop asks the server for the loop page of the buffer's root (the
-- leanos.loop command), writes it to Neovim's cache folder and hands it to
-- vim.ui.open (replaced here, so no browser starts); a sales thread's
-- hover shows its attribution chain.
-- Usage: nvim --headless --clean --cmd "set rtp^=editors/nvim" -l plugin_loop.lua <server> <workspace>

local server, root = arg[1], arg[2]
local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))

local opened = {}
vim.ui.open = function(path)
  table.insert(opened, path)
  return nil, nil
end
local notes = h.record_notifications()
require("leanos").setup({ cmd = { server } })
h.open_attached(root, "threads/sales/acme/2-hypothesis.md")
h.expect(vim.fn.exists(":LeanosLoop") == 2, ":LeanosLoop is not defined")

vim.cmd("LeanosLoop")
h.wait(20000, function()
  return #opened == 1
end, function()
  return "vim.ui.open was not called: " .. vim.inspect(notes)
end)
local path = opened[1]
h.expect(path == require("leanos").loop_file(root), "opened " .. path)
local page = table.concat(vim.fn.readfile(path), "\n")
h.expect(page:find("<!DOCTYPE html>", 1, true) == 1, "not a page: " .. page:sub(1, 80))
h.expect(page:find('data-path="threads/sales/acme"', 1, true) ~= nil, "the acme thread is not drawn")
h.expect(page:find("<svg", 1, true) ~= nil, "no graph")

-- A sales thread's hover in its metadata shows its attribution chain.
local meta = h.open_attached(root, "threads/sales/acme/meta.json")
local replies = vim.lsp.buf_request_sync(meta, "textDocument/hover", {
  textDocument = { uri = vim.uri_from_bufnr(meta) },
  position = { line = 0, character = 2 },
}, 10000)
local text = ""
for _, reply in pairs(replies or {}) do
  if reply.result and reply.result.contents then
    text = text .. (reply.result.contents.value or "")
  end
end
h.expect(text:find("Attribution: [sales/acme](file://", 1, true) ~= nil, "hover: " .. text)
h.expect(text:find("← `outbound`", 1, true) ~= nil, "hover: " .. text)
io.write("ok: :LeanosLoop wrote and opened the loop page\n")
vim.cmd("qa!")
