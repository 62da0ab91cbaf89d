-- Nothing runs until require("leanos").setup() is called (or the leanos
-- config of lsp/leanos.lua is enabled); this guards against old Neovims and
-- says when the enabled server's command cannot be run, which Neovim only
-- writes to lsp.log.
if vim.fn.has("nvim-0.11") == 0 then
  vim.notify_once("leanos.nvim needs Neovim 0.11 or newer", vim.log.levels.WARN)
  return
end

vim.api.nvim_create_autocmd("FileType", {
  group = vim.api.nvim_create_augroup("leanos_missing_server", { clear = true }),
  pattern = { "markdown", "json", "yaml" },
  desc = "leanos: say when leanos-lsp is not executable",
  callback = function(args)
    require("leanos.config").check_buffer(args.buf)
  end,
})
