-- What leanos.nvim does in a buffer the leanos client attaches to: code
-- lenses refreshed on attach and after edits, inlay hints, and an
-- 'omnifunc' that survives the markdown ftplugin (`:edit` reruns it and it
-- sets htmlcomplete#CompleteTags).
local M = {}

--- How long after the last edit the code lenses are refreshed (ms).
M.debounce = 200

local OMNIFUNC = "v:lua.vim.lsp.omnifunc"

local timers = {}

local function attached(bufnr)
  return vim.api.nvim_buf_is_valid(bufnr) and #vim.lsp.get_clients({ bufnr = bufnr, name = "leanos" }) > 0
end

local function stop_timer(bufnr)
  local timer = timers[bufnr]
  if timer then
    timers[bufnr] = nil
    if not timer:is_closing() then
      timer:stop()
      timer:close()
    end
  end
end

--- Asks the server for the code lenses of `bufnr` now.
---@param bufnr integer
function M.refresh_codelens(bufnr)
  if attached(bufnr) then
    vim.lsp.codelens.refresh({ bufnr = bufnr })
  end
end

--- Refreshes the code lenses of `bufnr` once edits pause for M.debounce ms.
---@param bufnr integer
function M.refresh_codelens_later(bufnr)
  stop_timer(bufnr)
  local uv = vim.uv or vim.loop
  local timer = uv.new_timer()
  timers[bufnr] = timer
  timer:start(M.debounce, 0, vim.schedule_wrap(function()
    stop_timer(bufnr)
    M.refresh_codelens(bufnr)
  end))
end

local function set_omnifunc(bufnr)
  if attached(bufnr) and vim.bo[bufnr].omnifunc ~= OMNIFUNC then
    vim.bo[bufnr].omnifunc = OMNIFUNC
  end
end

--- The `on_attach` of the leanos client. `opts` are setup()'s options:
--- `codelens` (default true) and `inlay_hints` (default true).
--- Users of lsp/leanos.lua who replace `on_attach` can call
--- require("leanos").on_attach(client, bufnr, opts) from theirs.
---@param client vim.lsp.Client
---@param bufnr integer
---@param opts table|nil
function M.on_attach(client, bufnr, opts)
  opts = opts or {}
  local group = vim.api.nvim_create_augroup("leanos_buffer_" .. bufnr, { clear = true })

  -- Completion: markdown's ftplugin sets htmlcomplete#CompleteTags, and
  -- Neovim keeps it unless it came from $VIMRUNTIME (a symlinked runtime,
  -- a markdown plugin); `:edit` runs the ftplugin again.
  if client:supports_method("textDocument/completion", bufnr) then
    set_omnifunc(bufnr)
    vim.api.nvim_create_autocmd({ "FileType", "BufEnter" }, {
      group = group,
      buffer = bufnr,
      desc = "leanos: keep the LSP omnifunc",
      callback = function(args)
        set_omnifunc(args.buf)
      end,
    })
  end

  if opts.codelens ~= false and client:supports_method("textDocument/codeLens", bufnr) then
    M.refresh_codelens(bufnr)
    vim.api.nvim_create_autocmd({ "TextChanged", "InsertLeave" }, {
      group = group,
      buffer = bufnr,
      desc = "leanos: refresh code lenses after edits",
      callback = function(args)
        M.refresh_codelens_later(args.buf)
      end,
    })
    -- Counts change when other files are edited.
    vim.api.nvim_create_autocmd("BufEnter", {
      group = group,
      buffer = bufnr,
      desc = "leanos: refresh code lenses",
      callback = function(args)
        M.refresh_codelens(args.buf)
      end,
    })
  end

  if opts.inlay_hints ~= false and client:supports_method("textDocument/inlayHint", bufnr) then
    vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
  end

  vim.api.nvim_create_autocmd("LspDetach", {
    group = group,
    buffer = bufnr,
    desc = "leanos: forget the buffer",
    callback = function(args)
      if args.data and args.data.client_id == client.id then
        stop_timer(args.buf)
        pcall(vim.api.nvim_del_augroup_by_id, group)
      end
    end,
  })
end

return M
