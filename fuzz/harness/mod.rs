//! The checks behind the fuzz targets, shared by `fuzz/fuzz_targets/*`
//! and by `server/tests/fuzz_regressions.rs` (which includes this folder
//! with `#[path]`), so a crash's minimised input replays through the same
//! code without libFuzzer. Everything here uses only leanos-lsp and
//! crates the server already depends on; inputs come in decoded (bytes,
//! file lists, steps), decoding from fuzzer bytes is the targets' part.

pub mod answers;
pub mod config;
pub mod follow_up;
pub mod framing;
pub mod lines;
pub mod lower;
pub mod paths;
pub mod ranges;
pub mod session;
pub mod workspace;
