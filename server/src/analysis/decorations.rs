//! Code lenses on assumption entries, inlay hints after assumption
//! references, and semantic tokens for both (resolved or not).

use crate::analysis::references::{references_of, testing};
use crate::analysis::target::{Location, Target};
use crate::analysis::thread::{status_emoji, thread_name};
use crate::index::Snapshot;
use crate::syntax::ByteRange;

/// A code lens: where it sits, its title, and the references it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    pub range: ByteRange,
    pub title: String,
    pub references: Vec<Location>,
}

/// `tested by N threads · latest: VALIDATED (sales/acme)` on every
/// assumption entry of the file (the first definition of each ID).
pub fn code_lenses(snapshot: &Snapshot, path: &str) -> Vec<Lens> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in &file.facts.entries {
        let testing = testing(snapshot, &entry.id);
        let count = testing.threads.len();
        let mut title = match count {
            0 => "tested by no thread".to_string(),
            1 => "tested by 1 thread".to_string(),
            n => format!("tested by {n} threads"),
        };
        if let Some((thread, status)) = &testing.latest {
            let result = status.map(|s| s.as_str()).unwrap_or("learning recorded");
            title.push_str(&format!(
                " · latest: {result} ({})",
                thread_name(snapshot, thread)
            ));
        }
        out.push(Lens {
            range: entry.id_range.clone(),
            title,
            references: references_of(snapshot, &Target::Assumption(entry.id.clone()), false),
        });
    }
    out
}

/// An inlay hint: shown after `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: u32,
    pub label: String,
    pub tooltip: String,
}

/// Status and confidence after each reference to a defined assumption in
/// `range` (`✅ 95%`); nothing for unknown IDs or entries without either.
pub fn inlay_hints(snapshot: &Snapshot, path: &str, range: &ByteRange) -> Vec<InlayHint> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for reference in &file.facts.refs {
        if reference.range.end < range.start || reference.range.start > range.end {
            continue;
        }
        let Some((_, entry)) = snapshot.first_entry(&reference.id) else {
            continue;
        };
        let mut parts = Vec::new();
        if let Some(status) = entry.status {
            parts.push(status_emoji(status).to_string());
        }
        if let Some(confidence) = entry.confidence {
            parts.push(format!("{confidence}%"));
        }
        if parts.is_empty() {
            continue;
        }
        out.push(InlayHint {
            offset: reference.range.end,
            label: parts.join(" "),
            tooltip: format!(
                "{}: {}{}",
                entry.id,
                entry.status.map(|s| s.as_str()).unwrap_or("no status"),
                entry
                    .confidence
                    .map(|c| format!(", {c}% confidence"))
                    .unwrap_or_default()
            ),
        });
    }
    out
}

/// Semantic token types, in legend order.
pub const TOKEN_TYPES: &[&str] = &["assumption"];
/// Semantic token modifiers, in legend order (bit 0, bit 1).
pub const TOKEN_MODIFIERS: &[&str] = &["declaration", "unresolved"];

/// A semantic token: a byte range, its type index and modifier bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: ByteRange,
    pub token_type: u32,
    pub modifiers: u32,
}

/// Assumption entries (`declaration`) and references (`unresolved` when
/// the ID is not defined), in document order.
pub fn semantic_tokens(snapshot: &Snapshot, path: &str) -> Vec<Token> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    let mut tokens: Vec<Token> = file
        .facts
        .entries
        .iter()
        .map(|e| Token {
            range: e.id_range.clone(),
            token_type: 0,
            modifiers: 1,
        })
        .chain(file.facts.refs.iter().map(|r| Token {
            range: r.range.clone(),
            token_type: 0,
            modifiers: if snapshot.assumptions.contains_key(r.id.as_str()) {
                0
            } else {
                2
            },
        }))
        .collect();
    tokens.sort_by_key(|t| (t.range.start, t.range.end));
    tokens.dedup_by(|a, b| a.range.start < b.range.end);
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::snapshot;

    const FIXTURE: &str = r#"//- /strategy/canvas/10-assumptions.md
### A4: White-label
**Status:** ✅ VALIDATED
**Confidence:** 60% → 95%
### A5: Untested
//- /threads/sales/acme/2-hypothesis.md
Tests: A4 - x
Tests: A9 - unknown
Tests: A5 - no status
//- /threads/sales/acme/6-learning.md
- A4: confirmed → VALIDATED
//- /threads/ops/b/meta.json
{"canvas_assumptions": ["A4"]}
"#;

    #[test]
    fn lenses_count_threads_and_name_the_latest_result() {
        let snapshot = snapshot(FIXTURE);
        let lenses = code_lenses(&snapshot, "strategy/canvas/10-assumptions.md");
        let titles: Vec<&str> = lenses.iter().map(|l| l.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "tested by 2 threads · latest: VALIDATED (sales/acme)",
                "tested by 1 thread"
            ]
        );
        assert_eq!(lenses[0].references.len(), 3);
    }

    #[test]
    fn hints_after_defined_references_only() {
        let snapshot = snapshot(FIXTURE);
        let hints = inlay_hints(&snapshot, "threads/sales/acme/2-hypothesis.md", &(0..1000));
        let labels: Vec<(u32, &str)> = hints.iter().map(|h| (h.offset, h.label.as_str())).collect();
        assert_eq!(labels, [(9, "✅ 95%")]);
        assert!(inlay_hints(&snapshot, "threads/sales/acme/2-hypothesis.md", &(20..30)).is_empty());
    }

    #[test]
    fn tokens_mark_declarations_and_unresolved_references() {
        let snapshot = snapshot(FIXTURE);
        let tokens = semantic_tokens(&snapshot, "threads/sales/acme/2-hypothesis.md");
        let marks: Vec<(u32, u32)> = tokens
            .iter()
            .map(|t| (t.range.start, t.modifiers))
            .collect();
        assert_eq!(marks, [(7, 0), (21, 2), (41, 0)]);
        let tokens = semantic_tokens(&snapshot, "strategy/canvas/10-assumptions.md");
        assert!(tokens.iter().all(|t| t.modifiers == 1));
        assert_eq!(tokens.len(), 2);
    }
}
