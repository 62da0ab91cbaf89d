//! The command line: `leanos-lsp check` (the same engine as the server)
//! and its output formats.

pub mod check;
pub mod fix;
pub mod output;
pub mod rule;
