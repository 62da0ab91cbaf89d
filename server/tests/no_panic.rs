//! Any bytes in any kind of LeanOS file: lowering and every rule run
//! without a panic, and every diagnostic range lies inside its file on
//! character boundaries (SPEC §8); completion at every character boundary
//! of such files answers without a panic, and replaces a range inside the
//! file on character boundaries.
#![allow(clippy::unwrap_used)]

use leanos_lsp::analysis::completion;
use leanos_lsp::analysis::diagnostics::workspace_diagnostics;
use leanos_lsp::config::Settings;
use leanos_lsp::index::Snapshot;
use leanos_lsp::ingest::Source;
use leanos_lsp::vfs::FileRead;
use proptest::prelude::*;

const PATHS: &[&str] = &[
    "strategy/canvas/10-assumptions.md",
    "strategy/canvas/09.solution.md",
    "threads/sales/a/1-input.md",
    "threads/sales/a/2-hypothesis.md",
    "threads/sales/a/4-decision.md",
    "threads/sales/a/6-learning.md",
    "threads/sales/a/5-actions/demo.md",
    "threads/sales/a/meta.json",
    "threads/marketing/b/metadata.yaml",
    "strategy/goals/active/g-x.md",
    "leanos.toml",
    "docs/notes.md",
];

/// Markdown-ish fragments that exercise the lowering's paths.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# Stage 2: Hypothesis\n".to_string()),
        Just("### A4: Title ✅ VALIDATED\n**Status:** 60% → 95%\n".to_string()),
        Just("| ID | Assumption | Status |\n|---|---|---|\n| A1 | x | testing |\n".to_string()),
        Just("Tests: A4, H1 and T2 - x\n".to_string()),
        Just("- A1: item\n- [x] **A2:** done\n".to_string()),
        Just("```\nA7: fenced\n```\n".to_string()),
        Just("---\nsource: [x\n---\n".to_string()),
        Just("---\ngoal_id: g-x\nstatus: accepted\n---\n".to_string()),
        Just("**Goal:** g-x (SG2: y)\n**Subgoal:** SG3\n".to_string()),
        Just("[x](../../../../etc/passwd) `canvas/10.md` 10-assumptions.md → A4\n".to_string()),
        Just(
            "{\"type\": \"sales\", \"canvas_assumptions\": [\"A1\", 3], \"source\": \"a/b/\"}"
                .to_string()
        ),
        Just("**Impact score:** 0.9\n**PROCEED**\n".to_string()),
        Just("🚀漢字\r\n\t\u{0}\u{feff}".to_string()),
        "[ -~]{0,40}\n",
        any::<String>(),
    ]
}

fn content() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(fragment(), 0..8).prop_map(|parts| parts.concat().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..300),
    ]
}

/// The files (an index into [`PATHS`] and bytes) indexed as one workspace.
fn snapshot(files: Vec<(usize, Vec<u8>)>) -> Snapshot {
    let sources: Vec<Source> = files
        .into_iter()
        .map(|(i, bytes)| Source {
            path: PATHS[i].to_string(),
            content: FileRead::Bytes(bytes),
        })
        .collect();
    Snapshot::from_sources(&Settings::default(), sources)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_ranges_stay_inside(files in prop::collection::vec((0..PATHS.len(), content()), 1..8)) {
        let snapshot = snapshot(files);
        for (path, diagnostics) in workspace_diagnostics(&snapshot) {
            let text = snapshot.files[path.as_str()].text();
            for d in diagnostics {
                prop_assert!(d.range.start <= d.range.end, "{path}: {d:?}");
                prop_assert!((d.range.end as usize) <= text.len(), "{path}: {d:?}");
                prop_assert!(text.is_char_boundary(d.range.start as usize), "{path}: {d:?}");
                prop_assert!(text.is_char_boundary(d.range.end as usize), "{path}: {d:?}");
            }
        }
    }

    #[test]
    fn completion_anywhere_never_panics(files in prop::collection::vec((0..PATHS.len(), content()), 1..5)) {
        let snapshot = snapshot(files);
        for (path, file) in &snapshot.files {
            let text = file.text();
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                for item in completion::complete(&snapshot, path, offset as u32, "2026-12-04") {
                    let range = &item.replace;
                    prop_assert!(range.start <= range.end && range.end as usize <= text.len(), "{path}@{offset}: {item:?}");
                    prop_assert!(text.is_char_boundary(range.start as usize), "{path}@{offset}: {item:?}");
                    prop_assert!(text.is_char_boundary(range.end as usize), "{path}@{offset}: {item:?}");
                }
            }
        }
    }
}
