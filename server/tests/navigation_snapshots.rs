//! Navigation on the bundled example workspace, as insta snapshots:
//! document symbols of the assumptions section, hovers, completions, code
//! lenses and inlay hints. A change in behaviour shows as a reviewed diff.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use leanos_lsp::analysis::{completion, decorations, hover, symbols};
use leanos_lsp::config::Settings;
use leanos_lsp::index::Snapshot;
use leanos_lsp::line_index::ColumnUnit;

fn example() -> Snapshot {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quillfeather");
    leanos_lsp::load::load_workspace(&root, &Settings::default()).0
}

fn offset_of(snapshot: &Snapshot, path: &str, needle: &str, within: usize) -> u32 {
    let text = snapshot.files[path].text();
    (text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {path}"))
        + within) as u32
}

fn position(snapshot: &Snapshot, path: &str, offset: u32) -> String {
    let file = &snapshot.files[path];
    let p = file.line_index.position(offset, ColumnUnit::Utf16);
    format!("{}:{}", p.line, p.col)
}

fn outline(symbols: &[symbols::DocumentSymbol], depth: usize, out: &mut String) {
    for s in symbols {
        out.push_str(&format!(
            "{}{:?} {}{}\n",
            "  ".repeat(depth),
            s.kind,
            s.name,
            s.detail
                .as_deref()
                .map(|d| format!(" — {d}"))
                .unwrap_or_default()
        ));
        outline(&s.children, depth + 1, out);
    }
}

#[test]
fn assumptions_section_symbols() {
    let snapshot = example();
    let file = &snapshot.files["strategy/canvas/10-assumptions.md"];
    let mut out = String::new();
    outline(&symbols::document_symbols(file), 0, &mut out);
    insta::assert_snapshot!(out);
}

#[test]
fn hovers() {
    let snapshot = example();
    let cases = [
        (
            "threads/sales/brightline-accounting/2-hypothesis.md",
            "Tests: A1",
            7,
        ),
        (
            "threads/marketing/content/reconciliation-case-study/2-hypothesis.md",
            "Tests: H1",
            7,
        ),
        (
            "threads/engineering/services/bank-feed-sdk/meta.json",
            "sales/brightline-accounting",
            3,
        ),
        (
            "threads/sales/ledgerworks/1-input.md",
            "g-first-ten-firms (SG2",
            2,
        ),
        ("threads/sales/ledgerworks/1-input.md", "(SG2", 1),
        (
            "threads/operations/support-rotation/7-learning.md",
            "01-context.md",
            1,
        ),
        ("threads/sales/ledgerworks/2-hypothesis.md", "A12", 1),
    ];
    let mut out = String::new();
    for (path, needle, within) in cases {
        let offset = offset_of(&snapshot, path, needle, within);
        let text = hover::hover(&snapshot, path, offset)
            .map(|(_, t)| t)
            .unwrap_or_default();
        out.push_str(&format!(
            "## {path} @ {}\n{text}\n\n",
            position(&snapshot, path, offset)
        ));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn completions() {
    let snapshot = example();
    let cases = [
        ("threads/sales/tallyhouse/2-hypotesis.md", "Tests: H3", 7),
        (
            "threads/sales/ledgerworks/1-input.md",
            "g-first-ten-firms (SG2",
            0,
        ),
        ("threads/sales/ledgerworks/1-input.md", "(SG2", 1),
        ("threads/sales/ledgerworks/4-decision.md", "**PURSUE**", 2),
        (
            "threads/sales/brightline-accounting/5-actions.md",
            "sales:demo",
            0,
        ),
    ];
    let mut out = String::new();
    for (path, needle, within) in cases {
        let offset = offset_of(&snapshot, path, needle, within);
        let items = completion::complete(&snapshot, path, offset, "2026-11-21");
        let mut items: Vec<_> = items
            .iter()
            .map(|i| (i.sort_text.clone(), i.label.clone(), i.detail.clone()))
            .collect();
        items.sort();
        out.push_str(&format!(
            "## {path} @ {}\n",
            position(&snapshot, path, offset)
        ));
        for (_, label, detail) in items.iter().take(12) {
            out.push_str(&format!(
                "{label}{}\n",
                detail
                    .as_deref()
                    .map(|d| format!(" — {d}"))
                    .unwrap_or_default()
            ));
        }
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

#[test]
fn lenses_and_hints() {
    let snapshot = example();
    let mut out = String::new();
    for lens in decorations::code_lenses(&snapshot, "strategy/canvas/10-assumptions.md") {
        let at = position(
            &snapshot,
            "strategy/canvas/10-assumptions.md",
            lens.range.start,
        );
        out.push_str(&format!(
            "lens {at} {} ({} references)\n",
            lens.title,
            lens.references.len()
        ));
    }
    let path = "threads/sales/brightline-accounting/2-hypothesis.md";
    for hint in decorations::inlay_hints(&snapshot, path, &(0..u32::MAX)) {
        out.push_str(&format!(
            "hint {} {}\n",
            position(&snapshot, path, hint.offset),
            hint.label
        ));
    }
    insta::assert_snapshot!(out);
}
