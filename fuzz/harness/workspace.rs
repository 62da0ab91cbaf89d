//! The `workspace` target: a small set of files indexed together, every
//! diagnostic, every code action, every edit applied, then the workspace
//! checked again. Input: the files, as workspace paths and bytes (the fuzz
//! target decodes them from its input; a regression fixture is a folder
//! of them).
//!
//! Checks: no panic; every range of facts and diagnostics in bounds (see
//! [`super::ranges`]); every action the server or `check --fix` could
//! offer (quick fixes over the whole file, every applicable fix,
//! `source.fixAll`, spawn actions) has edits inside the file's text on
//! character boundaries that do not overlap, creates only files that do
//! not exist and renames only files that do; its operations applied one
//! after the other (as a client applies `documentChanges`) give the same
//! texts as its edits merged per file (as a client applies `changes`);
//! and the workspace the edit leaves is updated as the server updates it
//! (only the files the edit touched lowered again) and diagnosed again
//! with the same invariants.

use std::collections::BTreeMap;

use leanos_lsp::analysis::actions::spawn::spawn_actions;
use leanos_lsp::analysis::actions::{
    all_fixes, apply, fix_all, merge_edits, quick_fixes, refusal, Action, FileOp,
};
use leanos_lsp::config::Settings;
use leanos_lsp::index::Snapshot;
use leanos_lsp::ingest::{Content, Kind, Policy, Source};
use leanos_lsp::vfs::FileRead;

/// The date new files and approvals are stamped with.
const TODAY: &str = "2026-01-15";

/// At most this many actions are applied and re-checked per input (the
/// others are still checked for valid edits), so an input stays fast.
const APPLIED: usize = 24;

/// A snapshot of `files` (workspace path, bytes), as the scan builds it.
pub fn snapshot_of(files: &[(String, Vec<u8>)]) -> Snapshot {
    let sources = files
        .iter()
        .map(|(path, bytes)| Source {
            path: path.clone(),
            content: FileRead::Bytes(bytes.clone()),
        })
        .collect();
    Snapshot::from_sources(&Settings::default(), sources)
}

/// Runs the `workspace` checks on `files` (panics on a violation) and
/// returns how many actions were checked. Later files of the same path
/// replace earlier ones.
pub fn check(files: &[(String, Vec<u8>)]) -> usize {
    let mut unique: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (path, bytes) in files {
        unique.insert(path.clone(), bytes.clone());
    }
    let files: Vec<(String, Vec<u8>)> = unique.into_iter().collect();
    let snapshot = snapshot_of(&files);
    super::ranges::check_snapshot(&snapshot);
    // The texts an edit applies to: the engine's own text of every file it
    // holds (edits of other files are refused), the bytes of the others.
    let texts: BTreeMap<String, String> = files
        .iter()
        .map(|(path, bytes)| {
            let text = match snapshot.files.get(path.as_str()) {
                Some(file) => file.text().to_string(),
                None => String::from_utf8_lossy(bytes).into_owned(),
            };
            (path.clone(), text)
        })
        .collect();
    let mut actions: Vec<Action> = Vec::new();
    for (path, file) in snapshot.files.iter() {
        let text = file.text();
        let whole = 0..text.len() as u32;
        actions.extend(quick_fixes(&snapshot, path, &whole, TODAY));
        actions.extend(
            all_fixes(&snapshot, path, TODAY)
                .into_iter()
                .filter(|action| refusal(&snapshot, action).is_none()),
        );
        actions.extend(fix_all(&snapshot, path, TODAY));
        let line_starts =
            std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1).take(6));
        for offset in line_starts {
            actions.extend(spawn_actions(&snapshot, path, offset, TODAY));
        }
    }
    for (i, action) in actions.iter().enumerate() {
        let after = check_action(&snapshot, &texts, action);
        if i < APPLIED {
            check_applied(&snapshot, &texts, after);
        }
    }
    actions.len()
}

/// Checks the workspace an applied action leaves (`after`, every file's
/// text) as the server sees it once the client has applied the edit: the
/// files it changed, created or renamed lowered again and updated in a
/// clone of `snapshot` (as `workspace/didChangeWatchedFiles` does), their
/// facts and every diagnostic checked. An edit of `leanos.toml` changes
/// the configuration, so that workspace is built afresh instead.
fn check_applied(
    snapshot: &Snapshot,
    before: &BTreeMap<String, String>,
    after: BTreeMap<String, String>,
) {
    if before.get("leanos.toml") != after.get("leanos.toml") {
        let files: Vec<(String, Vec<u8>)> = after
            .into_iter()
            .map(|(path, text)| (path, text.into_bytes()))
            .collect();
        super::ranges::check_snapshot(&snapshot_of(&files));
        return;
    }
    let mut edited = snapshot.clone();
    for path in before.keys().filter(|path| !after.contains_key(*path)) {
        edited.remove(path);
    }
    let policy = Policy::new(&snapshot.config);
    let mut changed = Vec::new();
    for (path, text) in &after {
        if before.get(path) == Some(text) {
            continue;
        }
        match policy.kind(path) {
            Kind::Ignored => {}
            Kind::Other => {
                edited.add_other_path(path);
            }
            Kind::Source => {
                let bytes = FileRead::Bytes(text.clone().into_bytes());
                edited.upsert(policy.lower(path, Content::Disk(bytes), None));
                changed.push(path);
            }
        }
    }
    for path in changed {
        let file = &edited.files[path.as_str()];
        super::ranges::check_facts(file, &file.facts);
    }
    super::ranges::check_diagnostics(&edited);
}

/// Checks one action's operations against the workspace and returns the
/// texts once it is applied.
fn check_action(
    snapshot: &Snapshot,
    texts: &BTreeMap<String, String>,
    action: &Action,
) -> BTreeMap<String, String> {
    let title = &action.title;
    assert!(
        refusal(snapshot, action).is_none(),
        "{title}: offered although refused"
    );
    let mut exists: std::collections::BTreeSet<&str> = texts.keys().map(String::as_str).collect();
    for op in &action.ops {
        match op {
            FileOp::Create { path, .. } => {
                assert!(
                    leanos_lsp::paths::normalize(path).as_deref() == Some(path.as_str()),
                    "{title}: creates `{path}`, not a normal workspace path"
                );
                assert!(
                    exists.insert(path.as_str()),
                    "{title}: creates `{path}`, which exists"
                );
            }
            FileOp::Rename { from, to } => {
                assert!(
                    leanos_lsp::paths::normalize(to).as_deref() == Some(to.as_str()),
                    "{title}: renames to `{to}`, not a normal workspace path"
                );
                assert!(
                    exists.remove(from.as_str()),
                    "{title}: renames `{from}`, which does not exist"
                );
                assert!(
                    exists.insert(to.as_str()),
                    "{title}: renames onto `{to}`, which exists"
                );
            }
            FileOp::Edit { path, edits } => {
                let text = texts
                    .get(path)
                    .unwrap_or_else(|| panic!("{title}: edits `{path}`, which does not exist"));
                for (range, _) in edits {
                    let (start, end) = (range.start as usize, range.end as usize);
                    assert!(
                        start <= end
                            && end <= text.len()
                            && text.is_char_boundary(start)
                            && text.is_char_boundary(end),
                        "{title}: edit {range:?} of `{path}` is outside its {} bytes or splits a character",
                        text.len()
                    );
                }
            }
        }
    }
    let mut in_order = texts.clone();
    apply(&mut in_order, &action.ops)
        .unwrap_or_else(|error| panic!("{title}: its operations do not apply: {error}"));
    let mut merged = texts.clone();
    apply(&mut merged, &merge_edits(action.ops.clone()))
        .unwrap_or_else(|error| panic!("{title}: its merged edits do not apply: {error}"));
    assert!(
        in_order == merged,
        "{title}: applied in order and merged per file, its edits give different texts"
    );
    in_order
}
