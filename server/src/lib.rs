//! leanos-lsp: a language server and checker for LeanOS workspaces.
//!
//! Data flows one way (see `ARCHITECTURE.md`):
//! `vfs` (bytes from disk) -> `syntax` (tree-sitter-md outline) -> `facts`
//! (per-file lowering, byte ranges) -> `index` (workspace tables and reverse
//! maps) -> `analysis` (pure functions over a snapshot) -> `lsp` / `cli`.
#![deny(clippy::print_stdout)]

pub mod analysis;
pub mod cli;
pub mod config;
pub mod facts;
pub mod index;
pub mod ingest;
pub mod line_index;
pub mod load;
pub mod lsp;
pub mod paths;
pub mod rules;
pub mod syntax;
pub mod testgen;
pub mod vfs;
pub mod vfs_write;
