//! What every quick fix is built from: the [`Action`] of a diagnostic,
//! line arithmetic, appending a block, stage templates, status text,
//! metadata insertion and the existing paths a broken one may have meant.
//! The fixes themselves live beside their rules, in
//! `analysis/diagnostics/<code>.rs`.

use super::{Action, ActionKind, FileOp};
use crate::analysis::diagnostics::Diagnostic;
use crate::analysis::stage_template::{snippet_to_plain, stage_template_text};
use crate::facts::paths::{canvas_file_number, stage_of_file_name};
use crate::facts::status::AssumptionStatus;
use crate::facts::Heading;
use crate::index::{FileData, Snapshot};
use crate::line_index::line_span;
use crate::paths;
use crate::rules::edit_distance;

pub fn fix(
    title: impl Into<String>,
    diagnostic: &Diagnostic,
    unambiguous: bool,
    ops: Vec<FileOp>,
) -> Action {
    Action {
        title: title.into(),
        kind: ActionKind::QuickFix,
        diagnostic: Some((diagnostic.code, diagnostic.range.clone())),
        preferred: unambiguous,
        unambiguous,
        ops,
    }
}

pub fn line_end(text: &str, offset: u32) -> u32 {
    line_span(text, offset).end
}

pub fn line_start(text: &str, offset: u32) -> u32 {
    line_span(text, offset).start
}

/// Text appended at the end of a file, on its own line(s); `None` when
/// the file changed on disk since it was read
/// ([`FileData::exact_text`]).
pub fn append(file: &FileData, block: &str) -> Option<FileOp> {
    let text = file.exact_text()?;
    let separator = if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    Some(FileOp::insert(
        &file.path,
        text.len() as u32,
        format!("{separator}{block}"),
    ))
}

/// The `NOT in MVP` heading of a solution section (`09-solution.md`),
/// where features left out go, if it has one.
pub fn not_in_mvp_heading(solution: &FileData) -> Option<&Heading> {
    solution
        .facts
        .headings
        .iter()
        .find(|h| h.text.to_lowercase().contains("not in mvp"))
}

/// The plain-text template of stage `number` for the thread of `dir`.
pub fn template(snapshot: &Snapshot, dir: &str, number: u8, today: &str) -> String {
    snippet_to_plain(&stage_template_text(snapshot, dir, number, today))
}

pub fn status_text(status: AssumptionStatus) -> String {
    format!(
        "{} {}",
        crate::analysis::thread::status_emoji(status),
        status.as_str()
    )
}

/// Inserts `"key": "value"` into a thread's `meta.json` (first in its
/// object) or `key: value` at the end of its `metadata.yaml`; `None` when
/// the file changed on disk since it was read.
pub fn meta_insert(file: &FileData, key: &str, value: &str) -> Option<FileOp> {
    let text = file.exact_text()?;
    if file.path.ends_with(".json") {
        let open = text.find('{').map(|i| i as u32 + 1).unwrap_or(0);
        let empty = text[open as usize..].trim_start().starts_with('}');
        let multiline =
            text[open as usize..].starts_with('\n') || text[open as usize..].starts_with("\r\n");
        let insertion = match (multiline, empty) {
            (true, false) => format!("\n  \"{key}\": \"{value}\","),
            (true, true) => format!("\n  \"{key}\": \"{value}\""),
            (false, false) => format!("\"{key}\": \"{value}\", "),
            (false, true) => format!("\"{key}\": \"{value}\""),
        };
        Some(FileOp::insert(&file.path, open, insertion))
    } else {
        append(file, &format!("{key}: {value}\n"))
    }
}

/// Workspace paths similar to `target` that exist: the same Canvas
/// section under another name, or the thread with the nearest name.
///
/// Only paths that `eligible` accepts compete, so a closer thread of the
/// wrong kind never hides the right one.
pub fn retarget_candidates(
    snapshot: &Snapshot,
    target: &str,
    eligible: impl Fn(&str) -> bool,
) -> Vec<String> {
    let trimmed = target.trim_end_matches('/');
    let name = paths::file_name(trimmed);
    // A Canvas section under another name, unless the name is a stage
    // file's (`1-input.md` also reads as a section) outside a `canvas`
    // folder.
    let canvas_path =
        stage_of_file_name(name).is_none() || trimmed.split('/').any(|p| p == "canvas");
    if let Some((number, _)) = canvas_file_number(name).filter(|_| canvas_path) {
        return snapshot
            .canvas
            .get(&number)
            .into_iter()
            .flatten()
            .filter(|path| eligible(path))
            .map(|path| path.to_string())
            .collect();
    }
    // Thread paths: the same last folder under another type, or the
    // closest folder name (edit distance at most 3).
    let wanted = trimmed
        .split('/')
        .rev()
        .find(|p| !p.ends_with(".md"))
        .unwrap_or(name);
    let mut scored: Vec<(usize, String)> = snapshot
        .threads
        .keys()
        .filter(|dir| eligible(dir))
        .map(|dir| (edit_distance(paths::file_name(dir), wanted), dir.clone()))
        .filter(|(d, _)| *d <= 3)
        .collect();
    scored.sort();
    let best = scored.first().map(|(d, _)| *d);
    scored
        .into_iter()
        .filter(|(d, _)| Some(*d) == best)
        .map(|(_, dir)| dir)
        .collect()
}

/// `target` relative to the folder `from_dir` (`../../x/y.md`).
pub fn relative(from_dir: &str, target: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = target.split('/').filter(|p| !p.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(to[common..].iter().map(|p| p.to_string()));
    parts.join("/")
}
