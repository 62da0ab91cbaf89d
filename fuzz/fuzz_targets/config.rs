//! `leanos.toml`: any bytes as the file (see `harness/config.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    leanos_lsp_fuzz::in_pool(|| leanos_lsp_fuzz::harness::config::check(data));
});
