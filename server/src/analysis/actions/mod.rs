//! Code actions: a quick fix for each diagnostic that has one, follow-up
//! thread spawning, and `source.fixAll.leanos`. Actions are plain
//! [`FileOp`]s over workspace paths; the server turns them into workspace
//! edits the user accepts, `check --fix` applies the unambiguous ones.

pub mod edit;
pub mod spawn;

use crate::analysis::completion::{snippet_to_plain, stage_template_text};
use crate::analysis::diagnostics::{file_diagnostics, Diagnostic};
use crate::analysis::drift::{evidence_of, learning_of, solution_entries, Evidence};
use crate::analysis::resolve::{resolve_link, Resolution};
use crate::analysis::thread::thread_info;
use crate::facts::paths::{canvas_file_number, stage_file_name, CanvasScheme, PathKind};
use crate::facts::solution::SolutionEntry;
use crate::facts::status::AssumptionStatus;
use crate::facts::{AssumptionEntry, EntryForm, LearningResult, LinkKind};
use crate::index::{attribution_source, FileData, Snapshot};
use crate::line_index::line_span;
use crate::paths;
use crate::syntax::ByteRange;
pub use edit::{apply, FileOp};

/// What an action is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// `quickfix`: fixes one diagnostic.
    QuickFix,
    /// `refactor.leanos.spawn`: creates a follow-up thread.
    Spawn,
    /// `source.fixAll.leanos`.
    FixAll,
}

/// A code action in workspace terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    /// The diagnostic this fixes (code and range in the file).
    pub diagnostic: Option<(&'static str, ByteRange)>,
    pub preferred: bool,
    /// Safe to apply without a choice (`source.fixAll`, `check --fix`).
    pub unambiguous: bool,
    pub ops: Vec<FileOp>,
}

fn fix(
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

fn line_end(text: &str, offset: u32) -> u32 {
    line_span(text, offset).end
}

fn line_start(text: &str, offset: u32) -> u32 {
    line_span(text, offset).start
}

/// Text appended at the end of a file, on its own line(s).
fn append(file: &FileData, block: &str) -> FileOp {
    let text = &file.text;
    let separator = if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    FileOp::insert(&file.path, text.len() as u32, format!("{separator}{block}"))
}

/// Why `action` must not be applied to the workspace `snapshot` holds, or
/// `None` when it may be: an edit's byte ranges refer to the engine's text
/// of a file, so a file whose text is not its content byte for byte (over
/// the size cap, or not valid UTF-8: [`crate::facts::Fidelity`]) or that
/// the snapshot does not hold is never edited. Creating and renaming files
/// do not depend on their text.
pub fn refusal(snapshot: &Snapshot, action: &Action) -> Option<String> {
    action.ops.iter().find_map(|op| match op {
        FileOp::Edit { path, .. } => match snapshot.files.get(path) {
            None => Some(format!("{path} is not in the workspace")),
            Some(file) => file
                .facts
                .fidelity
                .edit_refusal()
                .map(|why| format!("{path} is not edited: {why}")),
        },
        FileOp::Create { .. } | FileOp::Rename { .. } => None,
    })
}

/// The actions of `actions` that [`refusal`] lets through.
fn applicable(snapshot: &Snapshot, mut actions: Vec<Action>) -> Vec<Action> {
    actions.retain(|action| refusal(snapshot, action).is_none());
    actions
}

/// Quick fixes for the diagnostics of `path` that overlap `range` (only
/// those [`refusal`] lets through).
pub fn quick_fixes(snapshot: &Snapshot, path: &str, range: &ByteRange) -> Vec<Action> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    let actions = file_diagnostics(snapshot, path)
        .iter()
        .filter(|d| d.range.start <= range.end && range.start <= d.range.end)
        .flat_map(|d| fixes_for(snapshot, file, d))
        .collect();
    applicable(snapshot, actions)
}

/// Every fix of every diagnostic of a file (for `fixAll` and `--fix`),
/// including those [`refusal`] refuses: callers filter, and `--fix` says
/// why it left one out.
pub fn all_fixes(snapshot: &Snapshot, path: &str) -> Vec<Action> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    file_diagnostics(snapshot, path)
        .iter()
        .flat_map(|d| fixes_for(snapshot, file, d))
        .collect()
}

/// The unambiguous fixes of a file merged into one action, skipping any
/// that would touch a range another already touches.
pub fn fix_all(snapshot: &Snapshot, path: &str) -> Option<Action> {
    let mut ops: Vec<FileOp> = Vec::new();
    let mut count = 0;
    for action in applicable(snapshot, all_fixes(snapshot, path))
        .into_iter()
        .filter(|a| a.unambiguous)
    {
        if action.ops.iter().all(|op| !conflicts(&ops, op)) {
            ops.extend(action.ops);
            count += 1;
        }
    }
    (count > 0).then(|| Action {
        title: format!("Fix all auto-fixable LeanOS problems ({count})"),
        kind: ActionKind::FixAll,
        diagnostic: None,
        preferred: false,
        unambiguous: true,
        ops: merge_edits(ops),
    })
}

/// Folds every edit of the same file into one edit (all ranges refer to
/// the original text, as in an LSP `TextDocumentEdit`); creations and
/// renames keep their order, before the edits.
pub fn merge_edits(ops: Vec<FileOp>) -> Vec<FileOp> {
    let mut others = Vec::new();
    let mut edits: Vec<(String, Vec<(ByteRange, String)>)> = Vec::new();
    for op in ops {
        match op {
            FileOp::Edit { path, edits: list } => {
                match edits.iter_mut().find(|(p, _)| *p == path) {
                    Some((_, existing)) => existing.extend(list),
                    None => edits.push((path, list)),
                }
            }
            other => others.push(other),
        }
    }
    others.extend(edits.into_iter().map(|(path, mut list)| {
        list.sort_by_key(|(r, _)| (r.start, r.end));
        FileOp::Edit { path, edits: list }
    }));
    others
}

/// Whether `op` touches what `ops` already touch (the same created or
/// renamed path, or an overlapping range of the same file).
pub fn conflicts(ops: &[FileOp], op: &FileOp) -> bool {
    ops.iter().any(|existing| match (existing, op) {
        (FileOp::Edit { path: a, edits: ea }, FileOp::Edit { path: b, edits: eb }) => {
            a == b
                && ea.iter().any(|(ra, _)| {
                    eb.iter()
                        .any(|(rb, _)| ra.start <= rb.end && rb.start <= ra.end)
                })
        }
        _ => {
            let touched: Vec<&str> = existing.paths();
            op.paths().iter().any(|p| touched.contains(p))
                && !matches!((existing, op), (FileOp::Edit { .. }, FileOp::Edit { .. }))
        }
    })
}

fn fixes_for(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    match d.code {
        "stage-missing" => stage_missing(snapshot, file, d),
        "stage-misnamed" => stage_misnamed(snapshot, file, d),
        "stage-heading" => stage_heading(file, d),
        "assumption-unknown" => assumption_unknown(snapshot, file, d),
        "learning-not-applied" => learning_not_applied(snapshot, file, d),
        "attribution-missing" => attribution_missing(snapshot, file, d),
        "attribution-broken" => attribution_broken(snapshot, file, d),
        "link-broken" => link_broken(snapshot, file, d),
        "meta-mismatch" => meta_mismatch(snapshot, file, d),
        "solution-missing-feature" => solution_missing_feature(snapshot, file, d),
        "solution-stale-entry" => solution_stale_entry(snapshot, file, d),
        "decision-needs-approval" => decision_needs_approval(file, d),
        _ => Vec::new(),
    }
}

/// The plain-text template of stage `number` for the thread of `dir`.
fn template(snapshot: &Snapshot, dir: &str, number: u8) -> String {
    snippet_to_plain(&stage_template_text(
        snapshot,
        dir,
        number,
        &crate::analysis::completion::today(),
    ))
}

fn stage_missing(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    let Some(thread) = file.facts.path_kind().thread() else {
        return Vec::new();
    };
    // The message names the missing stage: `stage 3 (`3-implication.md`)`.
    let Some(number) = d
        .message
        .strip_prefix("stage ")
        .and_then(|rest| rest.chars().next())
        .and_then(|c| c.to_digit(10))
        .map(|n| n as u8)
    else {
        return Vec::new();
    };
    let path = format!("{thread}/{}", stage_file_name(number));
    if snapshot.exists(&path) {
        return Vec::new();
    }
    // A template is placeholders to fill (`**Score:** 0.5`, `…`): offered,
    // never applied without a choice (`--fix`, `source.fixAll`).
    vec![fix(
        format!("Create {} from its template", stage_file_name(number)),
        d,
        false,
        vec![FileOp::Create {
            path,
            text: template(snapshot, thread, number),
        }],
    )]
}

fn stage_misnamed(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    let Some(number) = file.facts.path_kind().stage() else {
        return Vec::new();
    };
    let to = format!("{}/{}", paths::parent(&file.path), stage_file_name(number));
    if snapshot.exists(&to) {
        return Vec::new();
    }
    vec![fix(
        format!("Rename to {}", stage_file_name(number)),
        d,
        true,
        vec![FileOp::Rename {
            from: file.path.clone(),
            to,
        }],
    )]
}

const STAGE_TITLES: [&str; 6] = [
    "Input",
    "Hypothesis",
    "Implication",
    "Decision",
    "Actions",
    "Learning",
];

fn stage_heading(file: &FileData, d: &Diagnostic) -> Vec<Action> {
    let Some(number) = file.facts.path_kind().stage().map(|n| n.min(6)) else {
        return Vec::new();
    };
    let Some(heading) = &file.facts.stage_heading else {
        return Vec::new();
    };
    let title = STAGE_TITLES[number as usize - 1];
    // Keep what follows the stage name (`# Decision: Title` keeps `: Title`).
    let text = &heading.text;
    let rest = text
        .split_once(':')
        .filter(|(head, _)| head.to_lowercase().starts_with("stage"))
        .map(|(_, rest)| rest.trim_start())
        .unwrap_or(text.as_str());
    let tail = rest
        .split_once(':')
        .map(|(_, t)| format!(":{t}"))
        .unwrap_or_default();
    let replacement = if text.to_lowercase().starts_with("stage") {
        format!("Stage {number}: {title}{tail}")
    } else {
        format!("{title}{tail}")
    };
    vec![fix(
        format!("Change the heading to `{replacement}`"),
        d,
        true,
        vec![FileOp::replace(
            &file.path,
            heading.range.clone(),
            replacement,
        )],
    )]
}

fn reference_at<'a>(
    file: &'a FileData,
    range: &ByteRange,
) -> Option<&'a crate::facts::AssumptionRef> {
    file.facts.refs.iter().find(|r| r.range == *range)
}

/// A title for a new entry: the referencing line's text after the ID.
fn title_after(file: &FileData, range: &ByteRange) -> String {
    let end = line_end(&file.text, range.end);
    let rest = file.text[range.end as usize..end as usize]
        .trim_start_matches(['*', ':', ' ', '-', '–', '—'])
        .trim();
    let rest = rest
        .split(" → ")
        .next()
        .unwrap_or(rest)
        .trim_end_matches(['*', '.']);
    if rest.is_empty() || rest.len() > 160 {
        "New assumption".into()
    } else {
        rest.to_string()
    }
}

/// The Canvas 10 file to create when there is none: a name some link
/// already expects, else the scheme the other Canvas files use.
fn new_assumptions_path(snapshot: &Snapshot) -> String {
    let canvas = &snapshot.config.canvas_dir;
    for file in snapshot.files.values() {
        for link in &file.facts.links {
            let name = paths::file_name(&link.target);
            if canvas_file_number(name).map(|(n, _)| n) == Some(10)
                && link.target.contains(canvas.as_str())
                && matches!(
                    resolve_link(snapshot, &file.path, link),
                    Resolution::Missing
                )
            {
                return format!("{canvas}/{name}");
            }
        }
    }
    let dots = snapshot
        .files
        .values()
        .filter(|f| {
            matches!(
                f.facts.path_kind(),
                PathKind::Canvas {
                    scheme: CanvasScheme::Dot,
                    ..
                }
            )
        })
        .count();
    let dashes = snapshot
        .files
        .values()
        .filter(|f| {
            matches!(
                f.facts.path_kind(),
                PathKind::Canvas {
                    scheme: CanvasScheme::Dash,
                    ..
                }
            )
        })
        .count();
    if dots > dashes {
        format!("{canvas}/10.assumptions.md")
    } else {
        format!("{canvas}/10-assumptions.md")
    }
}

fn status_text(status: AssumptionStatus) -> String {
    format!(
        "{} {}",
        crate::analysis::navigation::status_emoji(status),
        status.as_str()
    )
}

fn assumption_unknown(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    let Some(reference) = reference_at(file, &d.range) else {
        return Vec::new();
    };
    let id = &reference.id;
    let title = title_after(file, &d.range);
    let result: Option<&LearningResult> = file
        .facts
        .learning_results
        .iter()
        .find(|r| r.range == d.range);
    let status = result
        .and_then(|r| r.status)
        .unwrap_or(AssumptionStatus::Untested);
    let confidence = result.and_then(|r| r.confidence);
    let evidence = result.map(|_| file.path.clone());
    let Some(canvas_path) = snapshot.canvas.get(&10).and_then(|s| s.iter().next()) else {
        let path = new_assumptions_path(snapshot);
        let text = format!(
            "# Assumptions\n\n{}",
            heading_block(id, &title, status, confidence, evidence.as_deref())
        );
        return vec![fix(
            format!(
                "Define {id} in a new assumptions section ({})",
                paths::file_name(&path)
            ),
            d,
            false,
            vec![FileOp::Create { path, text }],
        )];
    };
    let Some(canvas) = snapshot.files.get(canvas_path) else {
        return Vec::new();
    };
    let entries = &canvas.facts.entries;
    let count = |form: EntryForm| entries.iter().filter(|e| e.form == form).count();
    let form = [EntryForm::Heading, EntryForm::TableRow, EntryForm::ListItem]
        .into_iter()
        .max_by_key(|f| (count(*f), matches!(f, EntryForm::Heading)))
        .unwrap_or(EntryForm::Heading);
    let op = match (form, entries.iter().rev().find(|e| e.form == form)) {
        (EntryForm::TableRow, Some(last)) => {
            let row_text = &canvas.text[last.range.start as usize..last.range.end as usize];
            let columns = row_text.matches('|').count().saturating_sub(1).max(2);
            let mut cells = vec![id.clone(), title.clone(), status.as_str().to_lowercase()];
            cells.push(confidence.map(|c| format!("{c}%")).unwrap_or_default());
            cells.push(evidence.clone().unwrap_or_default());
            cells.truncate(columns);
            while cells.len() < columns {
                cells.push(String::new());
            }
            let end = line_end(&canvas.text, last.range.end);
            FileOp::insert(canvas_path, end, format!("\n| {} |", cells.join(" | ")))
        }
        (EntryForm::ListItem, Some(last)) => {
            let end = line_end(&canvas.text, last.range.end);
            FileOp::insert(canvas_path, end, format!("\n- {id}: {title}"))
        }
        _ => append(
            canvas,
            &heading_block(id, &title, status, confidence, evidence.as_deref()),
        ),
    };
    vec![fix(
        format!("Define {id} in {}", paths::file_name(canvas_path)),
        d,
        false,
        vec![op],
    )]
}

fn heading_block(
    id: &str,
    title: &str,
    status: AssumptionStatus,
    confidence: Option<u8>,
    evidence: Option<&str>,
) -> String {
    let mut block = format!("### {id}: {title}\n**Status:** {}\n", status_text(status));
    if let Some(c) = confidence {
        block.push_str(&format!("**Confidence:** {c}%\n"));
    }
    if let Some(e) = evidence {
        block.push_str(&format!("**Evidence:** {e}\n"));
    }
    block
}

/// The edits that make `entry` show `result` (status, confidence and,
/// when missing, the learning as evidence), in the entry's own form.
fn apply_result_edits(
    canvas: &FileData,
    entry: &AssumptionEntry,
    result: &LearningResult,
    learning_path: &str,
) -> Vec<(ByteRange, String)> {
    let mut edits = Vec::new();
    match entry.form {
        EntryForm::Heading => {
            // New fields go after the entry's last field line.
            let heading_end = [
                Some(&entry.id_range),
                entry.status_range.as_ref(),
                entry.confidence_range.as_ref(),
            ]
            .into_iter()
            .flatten()
            .map(|r| line_end(&canvas.text, r.end))
            .max()
            .unwrap_or_else(|| line_end(&canvas.text, entry.id_range.end));
            let mut inserted = String::new();
            match (result.status, &entry.status_range) {
                (Some(status), Some(range)) if entry.status != Some(status) => {
                    edits.push((range.clone(), status_text(status)));
                }
                (Some(status), None) if entry.status != Some(status) => {
                    inserted.push_str(&format!("\n**Status:** {}", status_text(status)));
                }
                _ => {}
            }
            match (result.confidence, &entry.confidence_range) {
                (Some(c), Some(range)) if entry.confidence != Some(c) => {
                    edits.push((range.clone(), format!("{c}%")))
                }
                (Some(c), None) if entry.confidence != Some(c) => {
                    inserted.push_str(&format!("\n**Confidence:** {c}%"))
                }
                _ => {}
            }
            if entry.evidence.is_none() {
                inserted.push_str(&format!("\n**Evidence:** {learning_path}"));
            }
            if !inserted.is_empty() {
                edits.push((heading_end..heading_end, inserted));
            }
        }
        EntryForm::TableRow => {
            if let (Some(status), Some(range)) = (result.status, &entry.status_range) {
                if entry.status != Some(status) {
                    edits.push((range.clone(), status.as_str().to_lowercase()));
                }
            }
            if let (Some(c), Some(range)) = (result.confidence, &entry.confidence_range) {
                if entry.confidence != Some(c) {
                    edits.push((range.clone(), format!("{c}%")));
                }
            }
        }
        EntryForm::ListItem => {
            let mut badge = Vec::new();
            if let Some(status) = result.status {
                badge.push(status_text(status));
            }
            if let Some(c) = result.confidence {
                badge.push(format!("{c}%"));
            }
            match &entry.status_range {
                Some(range) => edits.push((range.clone(), badge.join(" "))),
                None => {
                    let end = line_end(&canvas.text, entry.id_range.end);
                    edits.push((end..end, format!(" — {}", badge.join(" "))));
                }
            }
        }
    }
    edits
}

fn learning_not_applied(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    // Which learning results: the one at this end, or every learning the
    // Canvas end lists.
    let results: Vec<(LearningResult, String)> = match file
        .facts
        .learning_results
        .iter()
        .find(|r| r.range == d.range)
    {
        Some(result) => vec![(result.clone(), file.path.clone())],
        None => d
            .related
            .iter()
            .filter_map(|related| {
                let learning = snapshot.files.get(&related.path)?;
                let result = learning
                    .facts
                    .learning_results
                    .iter()
                    .find(|r| r.range == related.range)?;
                Some((result.clone(), learning.path.clone()))
            })
            .collect(),
    };
    let Some((first, _)) = results.first() else {
        return Vec::new();
    };
    let id = first.id.clone();
    let Some(location) = snapshot
        .assumptions
        .get(&id)
        .and_then(|l| l.iter().next())
        .cloned()
    else {
        return Vec::new();
    };
    let Some(canvas) = snapshot.files.get(&location.file) else {
        return Vec::new();
    };
    let Some(entry) = canvas.facts.entries.get(location.index) else {
        return Vec::new();
    };
    // Unambiguous when every learning of this ID records the same result.
    let proposals: std::collections::BTreeSet<_> = snapshot
        .learning_records
        .get(&id)
        .into_iter()
        .flatten()
        .filter_map(|p| snapshot.files.get(p))
        .flat_map(|f| f.facts.learning_results.iter().filter(|r| r.id == id))
        .map(|r| (r.status, r.confidence))
        .collect();
    let unambiguous = proposals.len() <= 1;
    let canvas_name = paths::file_name(&location.file);
    let mut seen = std::collections::BTreeSet::new();
    let distinct: Vec<&(LearningResult, String)> = results
        .iter()
        .filter(|(result, _)| seen.insert((result.status, result.confidence)))
        .collect();
    distinct
        .iter()
        .filter_map(|(result, learning_path)| {
            let edits = apply_result_edits(canvas, entry, result, learning_path);
            if edits.is_empty() {
                return None;
            }
            let title = if distinct.len() == 1 {
                format!("Apply the learning to {id} in {canvas_name}")
            } else {
                let thread = crate::analysis::drift::thread_of(snapshot, learning_path)
                    .unwrap_or_else(|| learning_path.clone());
                format!("Apply the learning of {thread} to {id} in {canvas_name}")
            };
            Some(fix(
                title,
                d,
                unambiguous,
                vec![FileOp::Edit {
                    path: location.file.clone(),
                    edits,
                }],
            ))
        })
        .collect()
}

fn meta_insert(file: &FileData, key: &str, value: &str) -> FileOp {
    let text = &file.text;
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
        FileOp::insert(&file.path, open, insertion)
    } else {
        append(file, &format!("{key}: {value}\n"))
    }
}

fn attribution_missing(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    let Some(thread) = file.facts.path_kind().thread() else {
        return Vec::new();
    };
    let info = thread_info(snapshot, thread);
    // Marketing content this lead could have come from, best first: the
    // ones sharing words with the thread's name.
    let own: Vec<String> = paths::file_name(thread)
        .split(['-', '_'])
        .map(str::to_string)
        .collect();
    let mut sources: Vec<(usize, String)> = snapshot
        .threads
        .keys()
        .filter(|dir| dir.starts_with(&format!("{}/marketing/", snapshot.config.threads_dir)))
        .map(|dir| {
            let name = crate::analysis::navigation::thread_name(snapshot, dir).to_string();
            let shared = own
                .iter()
                .filter(|w| w.len() > 2 && name.contains(w.as_str()))
                .count();
            (shared, format!("{name}/"))
        })
        .collect();
    sources.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut values: Vec<String> = sources.into_iter().take(3).map(|(_, s)| s).collect();
    values.push("outbound".into());
    values
        .into_iter()
        .map(|value| {
            let op = match &info.meta_file {
                Some(meta) => meta_insert(meta, "source", &value),
                None => FileOp::Create {
                    path: format!("{thread}/meta.json"),
                    text: format!(
                        "{{\n  \"type\": \"{}\",\n  \"source\": \"{value}\"\n}}\n",
                        info.thread_type
                    ),
                },
            };
            fix(
                format!("Add source attribution `{value}`"),
                d,
                false,
                vec![op],
            )
        })
        .collect()
}

/// Workspace paths similar to `target` that exist: the same Canvas
/// section under another name, or the thread with the nearest name.
fn retarget_candidates(snapshot: &Snapshot, target: &str) -> Vec<String> {
    let trimmed = target.trim_end_matches('/');
    let name = paths::file_name(trimmed);
    if let Some((number, _)) = canvas_file_number(name) {
        return snapshot
            .canvas
            .get(&number)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
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
        .map(|dir| (distance(paths::file_name(dir), wanted), dir.clone()))
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

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            current.push(
                (previous[j] + usize::from(ca != *cb))
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

/// `target` relative to the folder `from_dir` (`../../x/y.md`).
fn relative(from_dir: &str, target: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = target.split('/').filter(|p| !p.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(to[common..].iter().map(|p| p.to_string()));
    parts.join("/")
}

fn link_broken(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    let Some(link) = file.facts.links.iter().find(|l| l.range == d.range) else {
        return Vec::new();
    };
    let candidates = retarget_candidates(snapshot, &link.target);
    let unambiguous = candidates.len() == 1;
    candidates
        .into_iter()
        .map(|candidate| {
            // Written the way the link was written.
            let keeps_slash = link.target.ends_with('/');
            let replacement = match link.kind {
                LinkKind::Markdown => relative(paths::parent(&file.path), &candidate),
                LinkKind::Thread => {
                    crate::analysis::navigation::thread_name(snapshot, &candidate).to_string()
                }
                LinkKind::Path if link.target.starts_with("canvas/") => candidate
                    .strip_prefix("strategy/")
                    .unwrap_or(&candidate)
                    .to_string(),
                LinkKind::Path if !link.target.contains('/') => {
                    paths::file_name(&candidate).to_string()
                }
                _ => candidate.clone(),
            };
            let thread_file = link.target.trim_end_matches('/').ends_with(".md")
                && snapshot.threads.contains_key(&candidate);
            let replacement = if thread_file {
                // A stage file path: keep the file name under the new folder.
                format!("{}/{}", replacement, paths::file_name(&link.target))
            } else if keeps_slash {
                format!("{replacement}/")
            } else {
                replacement
            };
            fix(
                format!("Point the link at `{replacement}`"),
                d,
                unambiguous,
                vec![FileOp::replace(&file.path, link.range.clone(), replacement)],
            )
        })
        .collect()
}

fn attribution_broken(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    let Some((source, range)) = attribution_source(file) else {
        return Vec::new();
    };
    let candidates: Vec<String> = retarget_candidates(snapshot, &source)
        .into_iter()
        .filter(|c| c.contains("/marketing/"))
        .collect();
    let unambiguous = candidates.len() == 1;
    candidates
        .into_iter()
        .map(|dir| {
            let value = format!(
                "{}/",
                crate::analysis::navigation::thread_name(snapshot, &dir)
            );
            fix(
                format!("Point the source at `{value}`"),
                d,
                unambiguous,
                vec![FileOp::replace(&file.path, range.clone(), value)],
            )
        })
        .collect()
}

fn meta_mismatch(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    let Some(thread) = file.facts.path_kind().thread() else {
        return Vec::new();
    };
    let Some(meta) = &file.facts.metadata else {
        return Vec::new();
    };
    let info = thread_info(snapshot, thread);
    let field = meta.fields.iter().find(|f| f.value_range == d.range);
    let Some(field) = field else {
        return Vec::new();
    };
    // The value's range excludes JSON quotes: a string stays quoted, a
    // number stays a number.
    let replacement = match field.key.as_str() {
        "type" => info.thread_type.clone(),
        "stage" => match info.highest_stage() {
            Some(n) => n.to_string(),
            None => return Vec::new(),
        },
        "status" => "active".to_string(),
        _ => return Vec::new(),
    };
    vec![fix(
        format!("Set `{}` to `{replacement}`", field.key),
        d,
        true,
        vec![FileOp::replace(&file.path, d.range.clone(), replacement)],
    )]
}

fn solution_missing_feature(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    let Some((name, _)) = file
        .facts
        .solution_updates
        .iter()
        .find(|(_, r)| *r == d.range)
    else {
        return Vec::new();
    };
    // What the learning states for this feature: its announcement first,
    // then the learning's own outcome (as `solution-stale-entry` reads it).
    let index = file
        .facts
        .solution_updates
        .iter()
        .position(|(_, r)| *r == d.range);
    let stated = index
        .and_then(|i| file.facts.solution_update_results.get(i))
        .copied()
        .unwrap_or_default();
    let status = stated
        .status
        .or_else(|| file.facts.outcome.as_ref().map(|(s, _)| *s))
        .unwrap_or(AssumptionStatus::Validated);
    let mut block = format!(
        "### {name}\n\n- **Evidence:** {}\n- **Status:** {}\n",
        file.path,
        status_text(status)
    );
    if let Some(c) = stated.confidence.or(file.facts.outcome_confidence) {
        block.push_str(&format!("- **Confidence:** {c}%\n"));
    }
    let op = match snapshot
        .canvas
        .get(&9)
        .and_then(|s| s.iter().next())
        .and_then(|p| snapshot.files.get(p))
    {
        Some(solution) => {
            // Before `NOT in MVP` when there is one, else at the end.
            let not_in_mvp = solution
                .facts
                .headings
                .iter()
                .find(|h| h.text.to_lowercase().contains("not in mvp"))
                .map(|h| line_start(&solution.text, h.range.start));
            match not_in_mvp {
                Some(offset) => FileOp::insert(&solution.path, offset, format!("{block}\n")),
                None => append(solution, &block),
            }
        }
        None => FileOp::Create {
            path: format!("{}/09-solution.md", snapshot.config.canvas_dir),
            text: format!("# 09. Solution\n\n## MVP Feature Set\n\n{block}"),
        },
    };
    vec![fix(
        format!("Add `{name}` to the solution section"),
        d,
        true,
        vec![op],
    )]
}

fn solution_stale_entry(snapshot: &Snapshot, file: &FileData, d: &Diagnostic) -> Vec<Action> {
    // From the 09 end: the entry named by the range. (The thread end points
    // at the entry through relatedInformation.)
    let (solution, entry): (&FileData, SolutionEntry) = match file
        .facts
        .solution_entries
        .iter()
        .find(|e| e.name_range == d.range)
    {
        Some(entry) => (file, entry.clone()),
        None => {
            let Some(related) = d.related.first() else {
                return Vec::new();
            };
            let Some(found) = solution_entries(snapshot)
                .into_iter()
                .find(|(f, _, e)| f.path == related.path && e.name_range == related.range)
            else {
                return Vec::new();
            };
            (found.0, found.2.clone())
        }
    };
    let mut actions = Vec::new();
    // 1. Refresh status and confidence from the thread's learning.
    if let Evidence::Thread(dir) = evidence_of(snapshot, &entry) {
        let info = thread_info(snapshot, &dir);
        if let Some(learning) = learning_of(&info) {
            let mut edits = Vec::new();
            // What the learning states for this entry, as the diagnostic
            // reads it (its announcement first, then its own outcome).
            let learned = crate::analysis::drift::learned_for(&entry, learning);
            if let (Some(status), Some(range)) = (learned.status, &entry.status_range) {
                if entry.status != Some(status) {
                    edits.push((range.clone(), status_text(status)));
                }
            } else if let Some(status) = learned.status {
                if entry.status != Some(status)
                    && entry.form == crate::facts::solution::SolutionForm::Heading
                {
                    let end = line_end(&solution.text, entry.name_range.end);
                    edits.push((end..end, format!("\n- **Status:** {}", status_text(status))));
                }
            }
            if let Some(c) = learned.confidence {
                if entry.confidence.is_some_and(|old| old != c) {
                    if let Some(offset) = solution.text
                        [entry.range.start as usize..entry.range.end as usize]
                        .find(&format!("{}%", entry.confidence.unwrap_or(0)))
                    {
                        let start = entry.range.start + offset as u32;
                        let old = format!("{}%", entry.confidence.unwrap_or(0));
                        edits.push((start..start + old.len() as u32, format!("{c}%")));
                    }
                }
            }
            if !edits.is_empty() {
                actions.push(fix(
                    format!(
                        "Refresh `{}` from {}",
                        entry.name,
                        paths::file_name(&learning.path)
                    ),
                    d,
                    false,
                    vec![FileOp::Edit {
                        path: solution.path.clone(),
                        edits,
                    }],
                ));
            }
        }
    }
    // 2. Fix the evidence path: the same file name in a live thread of the
    //    same folder name.
    if let (Evidence::Missing(path) | Evidence::Archived(path), Some((_, range))) =
        (evidence_of(snapshot, &entry), &entry.evidence)
    {
        for dir in retarget_candidates(snapshot, &path) {
            if dir.split('/').any(|p| p == "archive") {
                continue;
            }
            let file_name = paths::file_name(path.trim_end_matches('/'));
            let target = if file_name.ends_with(".md") {
                format!("{dir}/{file_name}")
            } else {
                format!("{dir}/")
            };
            actions.push(fix(
                format!("Point the evidence at `{target}`"),
                d,
                false,
                vec![FileOp::replace(&solution.path, range.clone(), target)],
            ));
        }
    }
    // 3. Move the entry under `NOT in MVP`.
    let block = solution.text[entry.range.start as usize..entry.range.end as usize]
        .trim_end()
        .to_string();
    let mut edits = vec![(entry.range.clone(), String::new())];
    match solution
        .facts
        .headings
        .iter()
        .find(|h| h.text.to_lowercase().contains("not in mvp"))
    {
        Some(heading) => {
            let end = line_end(&solution.text, heading.range.end);
            edits.push((end..end, format!("\n\n{block}")));
        }
        None => {
            let len = solution.text.len() as u32;
            edits.push((len..len, format!("\n## NOT in MVP\n\n{block}\n")));
        }
    }
    if edits
        .windows(2)
        .all(|w| w[0].0.end <= w[1].0.start || w[1].0.end <= w[0].0.start)
    {
        actions.push(fix(
            format!("Move `{}` under NOT in MVP", entry.name),
            d,
            false,
            vec![FileOp::Edit {
                path: solution.path.clone(),
                edits,
            }],
        ));
    }
    actions
}

fn decision_needs_approval(file: &FileData, d: &Diagnostic) -> Vec<Action> {
    let end = line_end(&file.text, d.range.end);
    let start = line_start(&file.text, d.range.start);
    let line = &file.text[start as usize..end as usize];
    let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
    let bullet = if line.trim_start().starts_with("- ") {
        "- "
    } else {
        ""
    };
    let today = crate::analysis::completion::today();
    vec![fix(
        "Record a person's approval",
        d,
        false,
        vec![FileOp::insert(
            &file.path,
            end,
            format!("\n{indent}{bullet}**Approved by:** NAME ({today})"),
        )],
    )]
}

#[cfg(test)]
mod tests;
