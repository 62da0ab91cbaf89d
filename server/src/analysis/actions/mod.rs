//! Code actions: the [`Action`] type, the quick fixes of a file's
//! diagnostics (each rule's own, `analysis/diagnostics/<code>.rs`
//! `fixes`), follow-up thread spawning, and `source.fixAll.leanos` (edit
//! merging and conflicts). Actions are plain [`FileOp`]s over workspace
//! paths; the server turns them into workspace edits the user accepts,
//! `check --fix` applies the unambiguous ones. `today` (`YYYY-MM-DD`) is
//! the date new files and approvals are stamped with, read by the caller.

pub mod edit;
pub mod fix;
pub mod spawn;

use crate::analysis::diagnostics::file_diagnostics;
use crate::index::Snapshot;
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

/// Why `action` must not be applied to the workspace `snapshot` holds, or
/// `None` when it may be: an edit's byte ranges refer to the engine's text
/// of a file, so a file whose text is not its content byte for byte (over
/// the size cap, or not valid UTF-8: [`crate::facts::Fidelity`]), whose
/// text was left on disk and changed there since
/// ([`crate::index::FileData::edit_refusal`]) or that the snapshot does
/// not hold is never edited. Creating and renaming files do not depend on
/// their text.
pub fn refusal(snapshot: &Snapshot, action: &Action) -> Option<String> {
    action.ops.iter().find_map(|op| match op {
        FileOp::Edit { path, .. } => match snapshot.files.get(path.as_str()) {
            None => Some(format!("{path} is not in the workspace")),
            Some(file) => file
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
pub fn quick_fixes(snapshot: &Snapshot, path: &str, range: &ByteRange, today: &str) -> Vec<Action> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    let actions = file_diagnostics(snapshot, path)
        .iter()
        .filter(|d| d.range.start <= range.end && range.start <= d.range.end)
        .flat_map(|d| crate::analysis::diagnostics::fixes(snapshot, file, d, today))
        .collect();
    applicable(snapshot, actions)
}

/// Every fix of every diagnostic of a file (for `fixAll` and `--fix`),
/// including those [`refusal`] refuses: callers filter, and `--fix` says
/// why it left one out.
pub fn all_fixes(snapshot: &Snapshot, path: &str, today: &str) -> Vec<Action> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    file_diagnostics(snapshot, path)
        .iter()
        .flat_map(|d| crate::analysis::diagnostics::fixes(snapshot, file, d, today))
        .collect()
}

/// The unambiguous fixes of a file merged into one action, skipping any
/// that would touch a range another already touches.
pub fn fix_all(snapshot: &Snapshot, path: &str, today: &str) -> Option<Action> {
    let mut ops: Vec<FileOp> = Vec::new();
    let mut count = 0;
    for action in applicable(snapshot, all_fixes(snapshot, path, today))
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

#[cfg(test)]
mod tests;
