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

return M
