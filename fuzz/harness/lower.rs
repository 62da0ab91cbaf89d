//! The `lower` target: one file at any path kind, as the ingest policy
//! lowers it. Input: a selector byte (the path, [`super::paths::TABLE`])
//! then the file's bytes.
//!
//! Checks: no panic; every range of the facts inside the text on
//! character boundaries and stable through positions; the same text
//! lowered as an open document (when it is UTF-8) gives the same facts.

use std::sync::{Arc, LazyLock};

use leanos_lsp::config::Config;
use leanos_lsp::ingest::{Content, Policy};
use leanos_lsp::vfs::FileRead;

/// The default configuration, built once: building its glob sets took
/// more than half of each input's time.
static CONFIG: LazyLock<Config> = LazyLock::new(Config::default);

/// Runs the `lower` checks on one input (panics on a violation).
pub fn check(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let path = super::paths::path(selector);
    let policy = Policy::new(&CONFIG);
    let closed = policy.lower(path, Content::Disk(FileRead::Bytes(bytes.to_vec())), None);
    super::ranges::check_facts(&closed, &closed.facts);
    if let Ok(text) = std::str::from_utf8(bytes) {
        let open = policy.lower(path, Content::Editor(Arc::from(text)), Some(1));
        // Facts hold floats (an impact score): compare their printed form
        // when they differ, so a NaN equal to itself is not a finding.
        if open.facts != closed.facts {
            assert_eq!(
                format!("{:?}", open.facts),
                format!("{:?}", closed.facts),
                "{path}: open and closed lowering differ"
            );
        }
    }
}
