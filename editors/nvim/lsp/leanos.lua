-- leanos-lsp for vim.lsp.config / nvim-lspconfig: put this directory on the
-- runtimepath (or copy the file into your config's lsp/ folder), then
-- vim.lsp.enable("leanos").
return require("leanos.config").client_config()
