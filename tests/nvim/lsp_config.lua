-- editors/nvim/lsp/leanos.lua on the runtimepath is picked up by
-- vim.lsp.config / vim.lsp.enable without require("leanos").setup().
local config = vim.lsp.config.leanos
local function fail(message)
  io.stderr:write("FAIL: " .. message .. "\n")
  os.exit(1)
end
if not config then
  fail("vim.lsp.config.leanos is nil")
end
if not vim.deep_equal(config.cmd, { "leanos-lsp" }) then
  fail("cmd: " .. vim.inspect(config.cmd))
end
if not vim.deep_equal(config.filetypes, { "markdown", "json", "yaml" }) then
  fail("filetypes: " .. vim.inspect(config.filetypes))
end
if type(config.root_dir) ~= "function" then
  fail("root_dir: " .. vim.inspect(config.root_dir))
end
-- Root detection: a LeanOS root is found from a thread file; a stray
-- folder is not one.
local find_root = require("leanos.config").find_root
local root = arg[1]
if find_root(root .. "/threads/sales/acme/1-input.md") ~= root then
  fail("root of a thread file: " .. vim.inspect(find_root(root .. "/threads/sales/acme/1-input.md")))
end
if find_root("/") ~= nil then
  fail("/ is not a LeanOS root")
end
io.stdout:write("ok: lsp/leanos.lua\n")
os.exit(0)
