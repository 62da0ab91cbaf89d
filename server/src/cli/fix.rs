//! `check --fix [--dry-run]`: every unambiguous quick fix of a workspace
//! (the ones `source.fixAll.leanos` applies), applied to the files on disk
//! through [`crate::vfs_write`] or printed as a unified diff.
//!
//! A fix is left out, with a line on stderr saying why, when it would edit
//! a file whose text was not read exactly (over the size cap, or not
//! valid UTF-8: [`crate::analysis::actions::refusal`]) or create or rename
//! onto a path where anything is, a dangling symbolic link included. A
//! write that fails (the file changed since it was read, a symbolic link
//! on the way, a full disk) leaves that file as it was and is reported.

use std::collections::BTreeMap;
use std::io::Write;

use super::check::Target;
use crate::analysis::actions::edit::unified_diff;
use crate::analysis::actions::{all_fixes, apply, conflicts, merge_edits, refusal, FileOp};
use crate::config::Settings;
use crate::vfs_write;

/// What a `--fix` run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixOutcome {
    /// Files changed (or, in a dry run, that would change).
    pub changed: usize,
    /// Writes that failed (each reported on stderr).
    pub failed: usize,
}

/// Applies (or, with `dry_run`, prints on `out`) every unambiguous fix of
/// the files `target` covers (a fix may also write files outside them:
/// the Canvas entry a learning updates); `fixed PATH: TITLE` lines go to `out`, fixes
/// left out and failed writes to `err`. Errors are those of writing to
/// `out`/`err`, or of fixes that cannot be combined.
pub fn fix_workspace(
    target: &Target,
    dry_run: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<FixOutcome> {
    let root = target.root.as_path();
    let (snapshot, _) = crate::load::load_workspace(root, &Settings::default());
    let today = crate::clock::today();
    let mut ops: Vec<FileOp> = Vec::new();
    let mut applied: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut paths: Vec<&smol_str::SmolStr> =
        snapshot.files.keys().filter(|p| target.covers(p)).collect();
    paths.sort();
    for path in paths {
        for action in all_fixes(&snapshot, path, &today)
            .into_iter()
            .filter(|a| a.unambiguous)
        {
            if let Some(why) = refusal(&snapshot, &action) {
                writeln!(
                    err,
                    "leanos-lsp check --fix: left out `{}`: {why}",
                    action.title
                )?;
                continue;
            }
            // The fixes are applied to the texts the files were lowered
            // from: a file renamed or edited that changed since is left
            // alone (a rename's text feeds the diff shown).
            let changed = action.ops.iter().flat_map(|op| op.paths()).find(|p| {
                snapshot
                    .files
                    .get(*p)
                    .is_some_and(|f| f.exact_text().is_none())
            });
            if let Some(changed) = changed {
                writeln!(
                    err,
                    "leanos-lsp check --fix: left out `{}`: {changed} changed on disk since it was read",
                    action.title
                )?;
                continue;
            }
            let occupied = action.ops.iter().find_map(|op| match op {
                FileOp::Create { path, .. } | FileOp::Rename { to: path, .. } => {
                    vfs_write::occupied(root, path).then_some(path)
                }
                FileOp::Edit { .. } => None,
            });
            if let Some(occupied) = occupied {
                writeln!(
                    err,
                    "leanos-lsp check --fix: left out `{}`: {occupied} already exists",
                    action.title
                )?;
                continue;
            }
            // Never twice on one range or path: a second run does the rest.
            if action.ops.iter().any(|op| conflicts(&ops, op)) {
                continue;
            }
            let touched = action
                .ops
                .iter()
                .flat_map(|op| op.paths())
                .map(str::to_string)
                .collect();
            // The files written, as the report names them.
            let written: Vec<String> = action
                .ops
                .iter()
                .map(|op| match op {
                    FileOp::Create { path, .. } | FileOp::Edit { path, .. } => path.clone(),
                    FileOp::Rename { from, to } => format!("{from} → {to}"),
                })
                .collect();
            applied.push((written.join(", "), action.title.clone(), touched));
            ops.extend(action.ops);
        }
    }
    let ops = merge_edits(ops);
    // The texts of the files the fixes touch, before and after: the texts
    // they were lowered from (a file that changed on disk since has no
    // text here, and an edit of it fails to apply).
    let before: BTreeMap<String, String> = ops
        .iter()
        .flat_map(|op| op.paths())
        .filter_map(|p| {
            let text = snapshot.files.get(p)?.exact_text()?;
            Some((p.to_string(), text.to_string()))
        })
        .collect();
    let mut after = before.clone();
    apply(&mut after, &ops).map_err(|error| std::io::Error::other(error.to_string()))?;
    let mut changed: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    changed.sort();
    changed.dedup();
    if dry_run {
        for path in &changed {
            let old = before.get(*path).map(String::as_str);
            let new = after.get(*path).map(String::as_str);
            write!(out, "{}", unified_diff(path, old, new))?;
        }
        writeln!(
            out,
            "{} fixes would change {} files",
            applied.len(),
            changed.len()
        )?;
        return Ok(FixOutcome {
            changed: changed.len(),
            failed: 0,
        });
    }
    let mut failed_paths: Vec<&str> = Vec::new();
    for op in &ops {
        let written = match op {
            FileOp::Create { path, .. } => {
                let text = after.get(path).map(String::as_str).unwrap_or_default();
                vfs_write::create_new(root, path, text.as_bytes())
            }
            FileOp::Rename { from, to } => vfs_write::rename_no_replace(root, from, to),
            FileOp::Edit { path, .. } => {
                let old = before.get(path).map(String::as_str).unwrap_or_default();
                let new = after.get(path).map(String::as_str).unwrap_or_default();
                vfs_write::replace(root, path, old.as_bytes(), new.as_bytes())
            }
        };
        if let Err(error) = written {
            writeln!(err, "leanos-lsp check --fix: not written: {error}")?;
            failed_paths.extend(op.paths());
        }
    }
    for (written, title, touched) in &applied {
        if touched.iter().all(|t| !failed_paths.contains(&t.as_str())) {
            writeln!(err, "fixed {written}: {title}")?;
        }
    }
    Ok(FixOutcome {
        changed: changed.len(),
        failed: failed_paths.len(),
    })
}
