//! A protocol session against the in-process server (see
//! `harness/session.rs`; the input is decoded with `arbitrary`). With
//! `LEANOS_FUZZ_DUMP=FILE` the decoded session is written there as JSON
//! before it runs; with `LEANOS_FUZZ_REPLAY=FILE` the session in that JSON
//! file runs instead of the input (to cut a fixture down by hand).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(path) = std::env::var_os("LEANOS_FUZZ_REPLAY") {
        let json = std::fs::read(path).expect("LEANOS_FUZZ_REPLAY names a file");
        let session = serde_json::from_slice(&json).expect("LEANOS_FUZZ_REPLAY holds a session");
        leanos_lsp_fuzz::harness::session::run(&session);
        return;
    }
    if let Some(session) = leanos_lsp_fuzz::generate::session(data) {
        leanos_lsp_fuzz::dump(&session);
        leanos_lsp_fuzz::harness::session::run(&session);
    }
});
