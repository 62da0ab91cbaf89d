//! The base protocol's frame reader on a client's input:
//! `[capacity][mode][bytes]` (see `harness/framing.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    leanos_lsp_fuzz::harness::framing::check(data);
});
