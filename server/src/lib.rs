//! leanos-lsp: a language server and checker for LeanOS workspaces.
//!
//! Data flows one way (see `ARCHITECTURE.md` for the map): `vfs` (bytes
//! from disk) -> `ingest` (one policy: ignored, size cap, decoding) ->
//! `syntax` (an outline of byte ranges: pulldown-cmark for the lowering,
//! tree-sitter-md for open documents' syntax features) -> `facts` (per-file
//! lowering) -> `index` (the `Snapshot`: workspace tables and reverse maps)
//! -> `analysis` (pure functions over a snapshot) -> `lsp` / `cli`. `paths`
//! (workspace-path algebra), `rules` (the registry of diagnostic codes) and
//! `config` sit below all of them.
#![deny(clippy::print_stdout)]

pub mod analysis;
pub mod cli;
pub mod clock;
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
