-- Shared by the headless Neovim scripts: load with
--   local h = dofile(vim.fs.joinpath(vim.fs.dirname(arg[0]), "helpers.lua"))
local M = {}

--- Exits 1 with `message` on stderr.
function M.fail(message)
  io.stderr:write("FAIL: " .. message .. "\n")
  os.exit(1)
end

--- Opens `path` (relative to `root`) and starts the `server` binary on it;
--- returns the buffer and the LSP client.
function M.open_with_server(server, root, path)
  vim.cmd.edit(root .. "/" .. path)
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start({ name = "leanos", cmd = { server }, root_dir = root })
  if not client_id then
    M.fail("vim.lsp.start returned nil")
  end
  return bufnr, vim.lsp.get_client_by_id(client_id)
end

--- Waits up to 20 s for diagnostics on `bufnr`; fails with `message` if
--- none arrive.
function M.wait_diagnostics(bufnr, message)
  if not vim.wait(20000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50) then
    M.fail(message)
  end
end

--- The sorted diagnostic codes of `bufnr`.
function M.codes(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, tostring(d.code))
  end
  table.sort(found)
  return found
end

--- Waits up to `ms` for `condition`; fails with `message` (a string or a
--- function returning one) if it never holds.
function M.wait(ms, condition, message)
  if not vim.wait(ms, condition, 20) then
    M.fail(type(message) == "function" and message() or message)
  end
end

--- Fails with `message` unless `condition`.
function M.expect(condition, message)
  if not condition then
    M.fail(type(message) == "function" and message() or message)
  end
end

--- Replaces vim.notify with a recorder; returns the list it fills with
--- { msg = …, level = … }.
function M.record_notifications()
  local notes = {}
  vim.notify = function(msg, level)
    table.insert(notes, { msg = msg, level = level })
  end
  return notes
end

--- Opens `path` (relative to `root`) and waits up to 10 s for the leanos
--- client to attach; returns the buffer.
function M.open_attached(root, path)
  vim.cmd.edit(root .. "/" .. path)
  local bufnr = vim.api.nvim_get_current_buf()
  M.wait(10000, function()
    return #vim.lsp.get_clients({ bufnr = bufnr, name = "leanos" }) > 0
  end, "leanos did not attach to " .. path)
  return bufnr
end

return M
