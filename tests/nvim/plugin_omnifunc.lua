-- Completion through 'omnifunc' keeps working after `:edit` of the current
-- buffer, which runs markdown's ftplugin again (it sets
-- htmlcomplete#CompleteTags). Run once with the normal runtime and once
-- with $VIMRUNTIME behind a symlink, where Neovim no longer recognises the
-- ftplugin's value as a default it may replace.
-- Usage: nvim --headless --clean --cmd "set rtp^=editors/nvim" -l plugin_omnifunc.lua <server> <workspace>

local server, root = arg[1], arg[2]
local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))

require("leanos").setup({ cmd = { server } })

local bufnr = h.open_attached(root, "threads/sales/beta/1-input.md")
local client = vim.lsp.get_clients({ bufnr = bufnr, name = "leanos" })[1]

-- Every completion request leanos receives.
local asked = 0
local function spy(c)
  if c.leanos_spied then
    return
  end
  c.leanos_spied = true
  local request = c.request
  c.request = function(self, method, ...)
    if method == "textDocument/completion" then
      asked = asked + 1
    end
    return request(self, method, ...)
  end
end
spy(client)

--- Calls the buffer's 'omnifunc' as Insert-mode completion would, at the
--- end of a `Tests: ` line; fails unless leanos is asked.
local function complete_through_omnifunc(when)
  local omnifunc = vim.bo[bufnr].omnifunc
  h.expect(omnifunc == "v:lua.vim.lsp.omnifunc", when .. ": omnifunc is " .. vim.inspect(omnifunc))
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { "Tests: " })
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_win_set_cursor(0, { last, 7 })
  local before = asked
  vim.api.nvim_eval(omnifunc .. "(1, '')")
  h.wait(5000, function()
    return asked > before
  end, when .. ": the omnifunc did not ask leanos for completions")
end

complete_through_omnifunc("on attach")
vim.cmd("silent write")

vim.cmd.edit()
h.expect(vim.bo[bufnr].filetype == "markdown", "filetype after :edit: " .. vim.bo[bufnr].filetype)
h.wait(10000, function()
  return #vim.lsp.get_clients({ bufnr = bufnr, name = "leanos" }) > 0
end, "leanos is not attached after :edit")
spy(vim.lsp.get_clients({ bufnr = bufnr, name = "leanos" })[1])
vim.wait(200)
complete_through_omnifunc("after :edit")

-- Leaving and coming back keeps it too.
vim.cmd("enew")
vim.cmd("buffer " .. bufnr)
complete_through_omnifunc("after BufEnter")

io.stdout:write("ok: omnifunc completion survives :edit\n")
os.exit(0)
