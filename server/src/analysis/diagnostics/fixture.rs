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
        let file = &snapshot.files[path.as_str()];
        for d in diagnostics
            .iter()
            .filter(|d| code.is_empty() || d.code == code)
        {
            let start = file.line_index.position(d.range.start, ColumnUnit::Utf16);
            let end = file.line_index.position(d.range.end, ColumnUnit::Utf16);
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
    let start = file.line_index.position(range.start, ColumnUnit::Utf16);
    let end = file.line_index.position(range.end, ColumnUnit::Utf16);
    format!(
        "{path}:{}:{}-{}:{}",
        start.line, start.col, end.line, end.col
    )
}

/// Before/after tests of quick fixes: a fix applied to the in-memory
/// workspace, the resulting files, and the round trip (the fixed
/// diagnostic gone, no new error).
pub mod fix_test {
    use std::collections::BTreeMap;

    pub use super::snapshot;
    pub use crate::analysis::actions::{apply, quick_fixes};
    use crate::index::Snapshot;
    use crate::ingest::Source;
    use crate::rules::Severity;

    /// The date fixes stamp new files and approvals with.
    pub const TODAY: &str = "2026-12-02";

    pub fn texts(snapshot: &Snapshot) -> BTreeMap<String, String> {
        snapshot
            .files
            .iter()
            .map(|(p, f)| (p.to_string(), f.text().to_string()))
            .collect()
    }

    pub fn rebuild(files: &BTreeMap<String, String>) -> Snapshot {
        let sources = files
            .iter()
            .map(|(path, text)| Source::text(path.clone(), text.clone()))
            .collect();
        Snapshot::from_sources(&crate::config::Settings::default(), sources)
    }

    pub fn diagnostics(snapshot: &Snapshot) -> Vec<(String, &'static str, Severity, String)> {
        crate::analysis::diagnostics::workspace_diagnostics(snapshot)
            .into_iter()
            .flat_map(|(path, list)| {
                list.into_iter()
                    .map(move |d| (path.clone(), d.code, d.severity, d.message))
            })
            .collect()
    }

    /// Applies the fix whose title contains `title`, offered for the first
    /// `code` diagnostic of `path` in `fixture`, and returns the files after
    /// it; asserts the diagnostic is gone and no error appeared.
    pub fn check_fix(
        fixture: &str,
        path: &str,
        code: &str,
        title: &str,
    ) -> BTreeMap<String, String> {
        let before = snapshot(fixture);
        let diagnostic = crate::analysis::diagnostics::file_diagnostics(&before, path)
            .into_iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code} in {path}: {:#?}", diagnostics(&before)));
        let actions = quick_fixes(&before, path, &diagnostic.range, TODAY);
        let action = actions
            .iter()
            .find(|a| a.title.contains(title))
            .unwrap_or_else(|| {
                panic!(
                    "no action `{title}` among {:?}",
                    actions.iter().map(|a| &a.title).collect::<Vec<_>>()
                )
            });
        let mut files = texts(&before);
        apply(&mut files, &action.ops).unwrap();
        let after = rebuild(&files);
        let old = diagnostics(&before);
        let new = diagnostics(&after);
        let still = new
            .iter()
            .filter(|(p, c, _, m)| {
                *c == code
                    && (p == path || action.ops.iter().any(|o| o.paths().contains(&p.as_str())))
                    && old
                        .iter()
                        .any(|(op, oc, _, om)| op == p && oc == c && om == m)
            })
            .count();
        assert!(
            still < old.iter().filter(|(_, c, _, _)| *c == code).count()
                || !new
                    .iter()
                    .any(|(p, c, _, m)| p == path && *c == code && *m == diagnostic.message),
            "{code} still there: {new:#?}"
        );
        for (p, c, severity, m) in &new {
            if *severity == Severity::Error {
                assert!(
                    old.iter()
                        .any(|(op, oc, _, om)| op == p && oc == c && om == m),
                    "new error {c} in {p}: {m}"
                );
            }
        }
        files
    }
}
