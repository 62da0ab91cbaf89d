-- Nothing runs until require("leanos").setup() is called; this only guards
-- against old Neovims.
if vim.fn.has("nvim-0.11") == 0 then
  vim.notify_once("leanos.nvim needs Neovim 0.11 or newer", vim.log.levels.WARN)
end
