//! Test fixtures: a multi-file workspace written as one string, each file
//! introduced by a `//- /path` line (rust-analyzer's convention), and
//! helpers that render diagnostics as `path:line:col-line:col severity
//! message` (0-based lines, UTF-16 columns).

use crate::config::Settings;
use crate::index::Snapshot;
use crate::ingest::Source;
use crate::line_index::ColumnUnit;

/// Parses a fixture into sources.
pub fn sources(fixture: &str) -> Vec<Source> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in fixture.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- /") {
            out.push((path.trim().to_string(), String::new()));
        } else if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
        }
    }
    out.into_iter()
        .map(|(path, text)| Source::text(path, text))
        .collect()
}

/// The snapshot of a fixture.
pub fn snapshot(fixture: &str) -> Snapshot {
    Snapshot::from_sources(&Settings::default(), sources(fixture))
}

/// Renders the diagnostics of a snapshot whose code is `code` (all when
/// `code` is empty), sorted by path then position.
pub fn render(snapshot: &Snapshot, code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (path, diagnostics) in crate::analysis::diagnostics::workspace_diagnostics(snapshot) {
        let file = &snapshot.files[&path];
        for d in diagnostics
            .iter()
            .filter(|d| code.is_empty() || d.code == code)
        {
            let start = file
                .line_index
                .position(&file.text, d.range.start, ColumnUnit::Utf16);
            let end = file
                .line_index
                .position(&file.text, d.range.end, ColumnUnit::Utf16);
            let mut line = format!(
                "{path}:{}:{}-{}:{} {} {}",
                start.line,
                start.col,
                end.line,
                end.col,
                d.severity.as_str(),
                d.message
            );
            if code.is_empty() {
                line = format!("{line} [{}]", d.code);
            }
            out.push(line);
        }
    }
    out
}

/// The rendered diagnostics of `code` in a fixture.
pub fn check(fixture: &str, code: &str) -> Vec<String> {
    render(&snapshot(fixture), code)
}

/// A fixture with one `$0` cursor: the snapshot (marker removed), the
/// cursor's file and byte offset.
pub fn with_cursor(fixture: &str) -> (Snapshot, String, u32) {
    let mut path = String::new();
    let mut offset = None;
    let mut current = String::new();
    let mut cleaned = String::new();
    let mut in_file = 0usize;
    for line in fixture.split_inclusive('\n') {
        if let Some(p) = line.strip_prefix("//- /") {
            current = p.trim().to_string();
            in_file = 0;
            cleaned.push_str(line);
            continue;
        }
        if let Some(i) = line.find("$0") {
            path = current.clone();
            offset = Some((in_file + i) as u32);
            cleaned.push_str(&line.replacen("$0", "", 1));
            in_file += line.len() - 2;
        } else {
            cleaned.push_str(line);
            in_file += line.len();
        }
    }
    let offset = offset.expect("the fixture has a $0 cursor");
    (snapshot(&cleaned), path, offset)
}

/// Renders a byte range of a file as `path:line:col-line:col` (0-based,
/// UTF-16 columns).
pub fn render_range(snapshot: &Snapshot, path: &str, range: &std::ops::Range<u32>) -> String {
    let Some(file) = snapshot.files.get(path) else {
        // A file that is not lowered (a CSV): only its start is a position.
        return format!("{path}:{range:?}");
    };
    let start = file
        .line_index
        .position(&file.text, range.start, ColumnUnit::Utf16);
    let end = file
        .line_index
        .position(&file.text, range.end, ColumnUnit::Utf16);
    format!(
        "{path}:{}:{}-{}:{}",
        start.line, start.col, end.line, end.col
    )
}
