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
    let text: &str = &file.text();
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
            let position = file.line_index.position(offset, unit);
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
    let ranges = facts.ranges();
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
    for related in diagnostic.related.iter() {
        if let Some(target) = snapshot.files.get(related.path.as_str()) {
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
    check_diagnostics(snapshot)
}

/// Checks every diagnostic of the workspace (not the facts); returns them.
pub fn check_diagnostics(snapshot: &Snapshot) -> BTreeMap<String, Vec<Diagnostic>> {
    let diagnostics = workspace_diagnostics(snapshot);
    for (path, list) in &diagnostics {
        for diagnostic in list {
            check_diagnostic(snapshot, path, diagnostic);
        }
    }
    diagnostics
}
