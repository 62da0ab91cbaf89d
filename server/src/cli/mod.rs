//! The command line: `leanos-lsp check` (the same engine as the server)
//! and its output formats, `rule`, and `loop`.

pub mod check;
pub mod fix;
pub mod loops;
pub mod output;
pub mod rule;
