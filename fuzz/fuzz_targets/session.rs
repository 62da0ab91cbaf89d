//! A protocol session against the in-process server (see
//! `harness/session.rs`; the input is decoded with `arbitrary`). With
//! `LEANOS_FUZZ_DUMP=FILE` the decoded session is written there as JSON
//! before it runs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(session) = leanos_lsp_fuzz::generate::session(data) {
        leanos_lsp_fuzz::dump(&session);
        leanos_lsp_fuzz::harness::session::run(&session);
    }
});
