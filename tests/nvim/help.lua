-- doc/leanos.txt is a valid help file: :helptags on the doc folder succeeds,
-- `:help leanos` opens it at the *leanos* tag, every tag it defines and
-- every |link| it makes opens, and the vimdoc parser finds no error.
-- Usage: nvim --headless --clean --cmd "set rtp^=<copy of editors/nvim>" -l help.lua <copy of editors/nvim>

local plugin = arg[1]
local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))
local doc = plugin .. "/doc"
local file = doc .. "/leanos.txt"

local ok, err = pcall(vim.cmd, "helptags " .. vim.fn.fnameescape(doc))
h.expect(ok, function()
  return ":helptags failed: " .. tostring(err)
end)
h.expect(vim.v.errmsg == "", "helptags: " .. vim.v.errmsg)
local tags = vim.fn.readfile(doc .. "/tags")
h.expect(#tags > 0, "empty tags file")

ok, err = pcall(vim.cmd, "help leanos")
h.expect(ok, function()
  return ":help leanos failed: " .. tostring(err)
end)
h.expect(vim.bo.buftype == "help", "not a help buffer: " .. vim.bo.buftype)
h.expect(vim.fs.basename(vim.api.nvim_buf_get_name(0)) == "leanos.txt", "opened " .. vim.api.nvim_buf_get_name(0))
h.expect(vim.api.nvim_get_current_line():find("*leanos*", 1, true), "cursor line: " .. vim.api.nvim_get_current_line())

-- The first line names the file as a tag, as help files do.
local lines = vim.fn.readfile(file)
h.expect(lines[1]:match("^%*leanos%.txt%*%s+%S"), "first line: " .. lines[1])
h.expect(lines[#lines]:find("vim:", 1, true) and lines[#lines]:find("ft=help", 1, true), "no modeline: " .. lines[#lines])

-- Every tag it defines and every link it makes resolves.
local text = table.concat(lines, "\n")
local defined = {}
for _, line in ipairs(tags) do
  table.insert(defined, (line:match("^([^\t]+)")))
end
for _, tag in ipairs({ "leanos", "leanos-setup", "leanos-options", "leanos-commands", ":LeanosCheck", ":LeanosSpawn",
  ":LeanosRestart", "leanos-health", "leanos-option-codelens", "leanos-option-inlay_hints", "leanos-option-cmd" }) do
  h.expect(vim.tbl_contains(defined, tag), "tag not defined: " .. tag)
end
local links = {}
for link in text:gmatch("|([^|%s]+)|") do
  links[link] = true
end
for link in pairs(links) do
  ok, err = pcall(vim.cmd.help, link)
  h.expect(ok, function()
    return "broken link |" .. link .. "|: " .. tostring(err)
  end)
end

-- The vimdoc parser (used to highlight :help) finds no error but the
-- modeline, which it reports in Neovim's own help files too.
local parsed, parser = pcall(vim.treesitter.get_string_parser, text, "vimdoc")
if parsed then
  local tree = parser:parse()[1]
  local query = vim.treesitter.query.parse("vimdoc", "(ERROR) @error")
  for _, node in query:iter_captures(tree:root(), text) do
    local row = node:range()
    h.expect(lines[row + 1]:match("^%s*vim:"), function()
      return string.format("vimdoc parse error on line %d: %s", row + 1, lines[row + 1])
    end)
  end
end

-- No line longer than 78 columns (textwidth of help files).
for i, line in ipairs(lines) do
  h.expect(vim.fn.strdisplaywidth(line) <= 78, string.format("line %d is %d columns", i, vim.fn.strdisplaywidth(line)))
end

io.stdout:write("ok: :help leanos\n")
os.exit(0)
