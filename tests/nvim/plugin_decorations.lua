-- Code lenses and inlay hints of the leanos.nvim plugin, with no manual
-- vim.lsp.codelens.refresh(): mode "on" (the defaults) shows the lenses of
-- the assumptions file on attach, refreshes them after an edit (InsertLeave
-- and TextChanged) and shows the status hint after `Tests: A4`; mode "off"
-- (setup({ codelens = false, inlay_hints = false })) shows neither.
-- Usage: nvim --headless --clean --cmd "set rtp^=editors/nvim" -l plugin_decorations.lua <server> <workspace> on|off

local server, root, mode = arg[1], arg[2], arg[3]
local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))

local on = mode == "on"
if on then
  require("leanos").setup({ cmd = { server } })
else
  require("leanos").setup({ cmd = { server }, codelens = false, inlay_hints = false })
end

--- The lens titles shown as virtual text in `bufnr`.
local function shown_lenses(bufnr)
  local titles = {}
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, -1, 0, -1, { details = true })) do
    for _, chunk in ipairs(mark[4].virt_text or {}) do
      if chunk[1]:find("tested by", 1, true) then
        table.insert(titles, chunk[1])
      end
    end
  end
  return titles
end

local function lens_titles(bufnr)
  local titles = {}
  for _, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
    table.insert(titles, lens.command and lens.command.title or "?")
  end
  return titles
end

local hypothesis = h.open_attached(root, "threads/sales/acme/2-hypothesis.md")

local function hint_labels(bufnr)
  local labels = {}
  for _, item in ipairs(vim.lsp.inlay_hint.get({ bufnr = bufnr })) do
    local label = item.inlay_hint.label
    table.insert(labels, type(label) == "string" and label or vim.inspect(label))
  end
  return labels
end

local assumptions = h.open_attached(root, "strategy/canvas/10-assumptions.md")

if not on then
  -- The server is up (diagnostics of other files have arrived or not, the
  -- requests below answer); nothing asks for lenses or hints.
  local response = vim.lsp.buf_request_sync(assumptions, "textDocument/codeLens", {
    textDocument = { uri = vim.uri_from_bufnr(assumptions) },
  }, 10000)
  local served = 0
  for _, r in pairs(response or {}) do
    served = served + #(r.result or {})
  end
  h.expect(served > 0, "the server has no lenses for the assumptions file: " .. vim.inspect(response))
  vim.wait(1000)
  h.expect(#vim.lsp.codelens.get(assumptions) == 0, function()
    return "codelens = false still shows lenses: " .. vim.inspect(lens_titles(assumptions))
  end)
  h.expect(#shown_lenses(assumptions) == 0, "codelens = false still draws lenses")
  h.expect(not vim.lsp.inlay_hint.is_enabled({ bufnr = hypothesis }), "inlay_hints = false still enables hints")
  io.stdout:write("ok: leanos.nvim with codelens and inlay hints off\n")
  os.exit(0)
end

-- Lenses on attach, drawn as virtual text.
h.wait(15000, function()
  return #vim.lsp.codelens.get(assumptions) > 0 and #shown_lenses(assumptions) > 0
end, function()
  return "no code lenses on attach: " .. vim.inspect(lens_titles(assumptions))
end)
local before = #vim.lsp.codelens.get(assumptions)

-- An edit in Insert mode (InsertLeave): a new assumption gets its lens.
vim.api.nvim_set_current_buf(assumptions)
vim.cmd("normal! Go\027")
vim.cmd("normal! o### A7: Fresh assumption\027")
h.wait(10000, function()
  return #vim.lsp.codelens.get(assumptions) == before + 1
end, function()
  return "lenses not refreshed after InsertLeave: " .. vim.inspect(lens_titles(assumptions))
end)

-- A Normal-mode change (TextChanged, which a headless script has to fire
-- itself): deleting the new entry removes its lens.
local last = vim.api.nvim_buf_line_count(assumptions)
vim.api.nvim_buf_set_lines(assumptions, last - 1, last, false, {})
vim.api.nvim_exec_autocmds("TextChanged", { buffer = assumptions })
h.wait(10000, function()
  return #vim.lsp.codelens.get(assumptions) == before
end, function()
  return "lenses not refreshed after TextChanged: " .. vim.inspect(lens_titles(assumptions))
end)

-- Inlay hints, on by default: `✅ 95%` after `Tests: A4`.
h.expect(vim.lsp.inlay_hint.is_enabled({ bufnr = hypothesis }), "inlay hints are not enabled")
vim.api.nvim_set_current_buf(hypothesis)
h.wait(10000, function()
  return vim.tbl_contains(hint_labels(hypothesis), "✅ 95%")
end, function()
  return "inlay hints: " .. vim.inspect(hint_labels(hypothesis))
end)

io.stdout:write("ok: leanos.nvim shows code lenses and inlay hints by itself\n")
os.exit(0)
