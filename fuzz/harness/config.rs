//! The `config` target: `leanos.toml` text. Input: the file's bytes.
//!
//! Checks: parsing never panics and every problem's range lies inside
//! the text on character boundaries; the settings apply to a
//! configuration (globs, scope, severities); the same keys arriving as
//! client settings (JSON) are accepted or reported; and a small workspace
//! holding this `leanos.toml` is indexed and diagnosed under it with
//! every range in bounds.

use leanos_lsp::config::{parse_client_settings, parse_toml, Config, Settings};
use leanos_lsp::index::Snapshot;
use leanos_lsp::ingest::Source;
use leanos_lsp::vfs::FileRead;

/// A small workspace the configuration is applied to: an assumption, a
/// thread that tests it and one that does not, a goal and a note.
const WORKSPACE: &[(&str, &str)] = &[
    (
        "strategy/canvas/10-assumptions.md",
        "# Assumptions\n\n### A1: Buyers want it\n**Status:** testing\n**Confidence:** 40%\n\n### H2: Unused\n",
    ),
    (
        "threads/sales/acme/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: A1 - buyers, T7 - unknown\n",
    ),
    (
        "threads/sales/acme/4-decision.md",
        "# Stage 4: Decision\n\n**Impact score:** 0.85\n",
    ),
    (
        "threads/sales/acme/meta.json",
        "{\"type\": \"engineering\", \"stage\": 5, \"source\": \"marketing/none\"}",
    ),
    (
        "strategy/goals/active/g-growth.md",
        "---\nid: g-growth\n---\n# Growth\n\n## SG1: First\n",
    ),
    ("docs/notes.md", "See [canvas](../strategy/canvas/10.assumptions.md).\n"),
    ("custom/threads/ops/x/1-input.md", "# Stage 1: Input\n"),
];

/// Runs the `config` checks on one input (panics on a violation).
pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (settings, problems) = parse_toml(&text);
    for problem in &problems {
        let (start, end) = (problem.range.start as usize, problem.range.end as usize);
        assert!(
            start <= end
                && end <= text.len()
                && text.is_char_boundary(start)
                && text.is_char_boundary(end),
            "problem {problem:?} outside or inside a character of a text of {} bytes",
            text.len()
        );
    }
    let mut config = Config::default();
    config.apply(&settings);
    let _ = config.ignore_matcher();
    for path in super::paths::TABLE {
        let _ = config.scope.diagnoses(path);
    }
    if let Ok(value) = toml::from_str::<serde_json::Value>(&text) {
        let _ = parse_client_settings(&value);
    }
    let mut sources: Vec<Source> = WORKSPACE
        .iter()
        .map(|(path, text)| Source::text(*path, *text))
        .collect();
    sources.push(Source {
        path: "leanos.toml".into(),
        content: FileRead::Bytes(data.to_vec()),
    });
    let snapshot = Snapshot::from_sources(&Settings::default(), sources);
    super::ranges::check_snapshot(&snapshot);
}
