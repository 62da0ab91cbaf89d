//! Range invariants: every byte range the engine hands on (facts,
//! diagnostics, related information) lies inside its file's text, on
//! character boundaries, and converts to a position and back to itself in
//! every column unit (what `lsp/convert` and the CLI do with it).

use std::collections::BTreeMap;
use std::ops::Range;

use leanos_lsp::analysis::diagnostics::{workspace_diagnostics, Diagnostic};
use leanos_lsp::facts::FileFacts;
use leanos_lsp::index::{FileData, Snapshot};
use leanos_lsp::line_index::ColumnUnit;

/// Panics unless `range` is a range of `file`'s text on character
/// boundaries whose ends survive a round trip through line and column;
/// `what` names the range in the panic message.
pub fn check_range(file: &FileData, range: &Range<u32>, what: &str) {
    let text: &str = &file.text;
    let (start, end) = (range.start as usize, range.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "{}: {what} {range:?} is outside a text of {} bytes",
        file.path,
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{}: {what} {range:?} splits a character",
        file.path
    );
    for unit in [ColumnUnit::Utf16, ColumnUnit::Utf8, ColumnUnit::Chars] {
        for offset in [range.start, range.end] {
            let position = file.line_index.position(text, offset, unit);
            let back = file.line_index.offset(text, position, unit);
            assert_eq!(
                back, offset,
                "{}: {what} {range:?}: offset {offset} is {position:?} in {unit:?}, which is offset {back}",
                file.path
            );
        }
    }
}

/// Checks every byte range of `facts`, the facts of `file`.
pub fn check_facts(file: &FileData, facts: &FileFacts) {
    let mut ranges: Vec<(&str, Range<u32>)> = Vec::new();
    ranges.extend(facts.headings.iter().map(|h| ("heading", h.range.clone())));
    for meta in [&facts.frontmatter, &facts.metadata].into_iter().flatten() {
        ranges.push(("metadata", meta.range.clone()));
        for field in &meta.fields {
            ranges.push(("metadata key", field.key_range.clone()));
            ranges.push(("metadata value", field.value_range.clone()));
            if let leanos_lsp::facts::metadata::MetaValue::List(items) = &field.value {
                ranges.extend(items.iter().map(|(_, r)| ("metadata item", r.clone())));
            }
        }
    }
    for entry in &facts.entries {
        ranges.push(("entry id", entry.id_range.clone()));
        ranges.push(("entry", entry.range.clone()));
        ranges.extend(entry.status_range.clone().map(|r| ("entry status", r)));
        ranges.extend(
            entry
                .confidence_range
                .clone()
                .map(|r| ("entry confidence", r)),
        );
    }
    ranges.extend(facts.refs.iter().map(|r| ("reference", r.range.clone())));
    for link in &facts.links {
        ranges.push(("link", link.range.clone()));
        ranges.extend(link.span.clone().map(|r| ("link span", r)));
    }
    for goal in &facts.goal_refs {
        ranges.push(("goal reference", goal.range.clone()));
        ranges.extend(
            goal.subgoal
                .as_ref()
                .map(|(_, r)| ("subgoal reference", r.clone())),
        );
    }
    if let Some(goal) = &facts.goal {
        ranges.extend(goal.subgoals.iter().map(|(_, r)| ("subgoal", r.clone())));
    }
    ranges.extend(
        facts
            .stage_heading
            .as_ref()
            .map(|h| ("stage heading", h.range.clone())),
    );
    ranges.extend(facts.verdict.as_ref().map(|v| ("verdict", v.range.clone())));
    ranges.extend(facts.impact.as_ref().map(|(_, r)| ("impact", r.clone())));
    ranges.extend(
        facts
            .learning_results
            .iter()
            .map(|r| ("learning result", r.range.clone())),
    );
    ranges.extend(facts.outcome.as_ref().map(|(_, r)| ("outcome", r.clone())));
    ranges.extend(
        facts
            .solution_updates
            .iter()
            .map(|(_, r)| ("solution update", r.clone())),
    );
    for entry in &facts.solution_entries {
        ranges.push(("solution entry", entry.range.clone()));
        ranges.push(("solution name", entry.name_range.clone()));
        ranges.extend(entry.status_range.clone().map(|r| ("solution status", r)));
        ranges.extend(
            entry
                .evidence
                .as_ref()
                .map(|(_, r)| ("solution evidence", r.clone())),
        );
    }
    for request in &facts.feature_requests {
        ranges.push(("feature request", request.range.clone()));
        ranges.extend(
            request
                .thread
                .as_ref()
                .map(|(_, r)| ("requested thread", r.clone())),
        );
    }
    ranges.extend(facts.problems.iter().map(|p| ("problem", p.range.clone())));
    for (what, range) in ranges {
        check_range(file, &range, what);
    }
}

/// Checks one diagnostic of `path`: its range, and the range of each of
/// its related locations in the file it names.
pub fn check_diagnostic(snapshot: &Snapshot, path: &str, diagnostic: &Diagnostic) {
    let file = &snapshot.files[path];
    let what = format!("diagnostic {}", diagnostic.code);
    check_range(file, &diagnostic.range, &what);
    for related in &diagnostic.related {
        if let Some(target) = snapshot.files.get(&related.path) {
            check_range(target, &related.range, &format!("{what} related"));
        }
    }
}

/// Checks the facts of every file of `snapshot` and every diagnostic of
/// the workspace; returns the diagnostics.
pub fn check_snapshot(snapshot: &Snapshot) -> BTreeMap<String, Vec<Diagnostic>> {
    for file in snapshot.files.values() {
        check_facts(file, &file.facts);
    }
    let diagnostics = workspace_diagnostics(snapshot);
    for (path, list) in &diagnostics {
        for diagnostic in list {
            check_diagnostic(snapshot, path, diagnostic);
        }
    }
    diagnostics
}
