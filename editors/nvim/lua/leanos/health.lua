-- :checkhealth leanos
local M = {}

function M.check()
  local health = vim.health
  health.start("leanos-lsp")
  local options = require("leanos").options or {}
  local cmd = (options.cmd or { "leanos-lsp" })[1]
  local path = vim.fn.exepath(cmd)
  if path == "" then
    health.error("server binary not found: " .. cmd, {
      "Install it: cargo install --locked --path server (from the leanos-lsp repository)",
      "Or point setup({ cmd = { '/path/to/leanos-lsp' } }) at it",
    })
  else
    health.ok("binary: " .. path)
    local result = vim.system({ path, "--version" }, { text = true }):wait()
    if result.code == 0 then
      health.ok("version: " .. vim.trim(result.stdout))
    else
      health.warn("`" .. path .. " --version` failed: " .. (result.stderr or ""))
    end
  end
  health.info(string.format(
    "options: codelens %s, inlay_hints %s",
    options.codelens == false and "off" or "on",
    options.inlay_hints == false and "off" or "on"
  ))
  -- The report runs in its own buffer: the roots that matter are the
  -- running clients' and the one above the working directory.
  local clients = vim.lsp.get_clients({ name = "leanos" })
  local cwd_root = require("leanos.config").find_root(vim.fn.getcwd() .. "/.")
  if cwd_root then
    health.ok("LeanOS root of the working directory: " .. cwd_root)
  elseif #clients == 0 then
    health.info("the working directory is not inside a LeanOS workspace (leanos.toml, strategy/canvas/ or threads/)")
  end
  for _, client in ipairs(clients) do
    health.ok("LeanOS root: " .. (client.root_dir or "?"))
  end
  if #clients == 0 then
    health.info("no leanos client running")
  end
  for _, client in ipairs(clients) do
    local caps = client.server_capabilities or {}
    local features = {}
    for _, key in ipairs({
      "definitionProvider", "referencesProvider", "hoverProvider", "completionProvider", "renameProvider",
      "codeActionProvider", "codeLensProvider", "inlayHintProvider", "semanticTokensProvider", "callHierarchyProvider",
    }) do
      if caps[key] then
        table.insert(features, (key:gsub("Provider$", "")))
      end
    end
    health.ok(string.format("client %d (%s), encoding %s: %s", client.id, client.root_dir or "?", client.offset_encoding, table.concat(features, ", ")))
  end
end

return M
