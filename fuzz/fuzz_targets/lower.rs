//! Lowering of one file at every path kind: `[selector][bytes]` (see
//! `harness/lower.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    leanos_lsp_fuzz::harness::lower::check(data);
});
