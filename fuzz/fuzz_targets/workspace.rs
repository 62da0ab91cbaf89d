//! A whole workspace: index, diagnostics, code actions, edits applied,
//! checked again (see `harness/workspace.rs`; input format in
//! `src/generate.rs`). With `LEANOS_FUZZ_DUMP=FILE` the decoded files are
//! written there as JSON before the checks run.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = leanos_lsp_fuzz::generate::workspace(data);
    leanos_lsp_fuzz::dump(&files);
    let _ = leanos_lsp_fuzz::in_pool(|| leanos_lsp_fuzz::harness::workspace::check(&files));
});
