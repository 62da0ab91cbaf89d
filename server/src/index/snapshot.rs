//! The [`Snapshot`] and its tables: files, paths and folders, Canvas
//! sections, assumption entries, threads, goals and the reverse maps, with
//! the per-file table updates (`index_file`) that building and every edit
//! go through. What an edit invalidates is in `invalidation.rs`.

use std::sync::Arc;

use imbl::{OrdMap, OrdSet};
use smol_str::SmolStr;

use super::{EntryLocation, FileData, PathSet, SmallSet};
use crate::config::Config;
use crate::facts::status::AssumptionStatus;
use crate::paths;

/// An immutable view of the whole workspace.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub config: Arc<Config>,
    /// Source files (markdown, metadata, config) with their facts.
    pub files: OrdMap<SmolStr, Arc<FileData>>,
    /// Every file that exists (source files and others such as CSVs).
    pub paths: OrdSet<SmolStr>,
    /// Every folder that holds at least one file, with how many.
    pub dirs: OrdMap<String, u32>,
    /// Canvas section number -> its files (normally one).
    pub canvas: OrdMap<u8, PathSet>,
    /// Assumption ID -> where it is defined.
    pub assumptions: OrdMap<String, SmallSet<EntryLocation>>,
    /// Assumption ID -> files that reference it.
    pub assumption_refs: OrdMap<String, PathSet>,
    /// Thread folder -> its member files (stage files, action files,
    /// metadata).
    pub threads: OrdMap<String, PathSet>,
    /// Goal ID -> goal files defining it.
    pub goals: OrdMap<String, PathSet>,
    /// Goal ID -> files that reference it.
    pub goal_refs: OrdMap<String, PathSet>,
    /// Link resolution key -> files with a link that could resolve to it.
    pub link_dependents: OrdMap<String, PathSet>,
    /// Feature key ([`crate::facts::solution::feature_key`]) -> files announcing that feature as a
    /// 09 update (`09-solution.md → "Feature"`), in path order.
    pub solution_announcements: OrdMap<String, PathSet>,
    /// Assumption ID -> live learnings (stage 6, or legacy 7, outside
    /// `archive/`) recording a result for it, in path order.
    pub learning_records: OrdMap<String, PathSet>,
    /// Sales deal thread folder -> its files attributing it to marketing
    /// content ([`content_attribution`](super::content_attribution)): the
    /// number of keys is how many deals cite content.
    pub content_attributed: OrdMap<String, PathSet>,
    /// Assumption ID -> the version of its learning records: a number no
    /// other state of any snapshot has had, drawn whenever a live learning
    /// recording a result for the ID is added, removed or replaced. Equal
    /// versions mean the same learnings with the same results.
    pub learning_versions: OrdMap<String, u64>,
    /// Results computed on this snapshot or the snapshots it was cloned
    /// from or into, kept for the next edit (see [`Memo`]).
    pub memo: Arc<Memo>,
}

/// Results that survive an edit: each is keyed by everything it was
/// computed from, so a lookup in a snapshot that differs in those inputs
/// misses. Shared by a snapshot and its clones (a new workspace starts an
/// empty one); one slot per key, so it holds at most one result per
/// assumption ID.
#[derive(Debug, Default)]
pub struct Memo {
    /// `learning-not-applied` at a Canvas entry, by assumption ID.
    pub learning_not_applied: std::sync::Mutex<std::collections::HashMap<String, LearningMemoSlot>>,
    /// `link-broken`'s findings for the links of open documents.
    pub links: super::link_memo::LinkMemo,
}

/// One slot of [`Memo::learning_not_applied`]: the inputs and what the
/// rule found with them (`None`: nothing to report).
pub type LearningMemoSlot = (LearningMemoKey, Option<Arc<LearningFinding>>);

/// What the Canvas end of `learning-not-applied` reads: the entry's
/// status and confidence, and its ID's [`Snapshot::learning_versions`].
pub type LearningMemoKey = (Option<AssumptionStatus>, Option<u8>, u64);

/// What the Canvas end of `learning-not-applied` found for one entry: its
/// message, the learnings it lists (shared by every diagnostic made from
/// this finding, while its key holds: the learnings' texts are unchanged)
/// and their results.
#[derive(Debug)]
pub struct LearningFinding {
    pub message: String,
    pub related: Arc<[Related]>,
    pub results: Arc<[(String, crate::facts::LearningResult)]>,
}

/// Another place involved in a diagnostic (LSP `relatedInformation`):
/// a workspace path, a byte range of that file and a message. Its range is
/// one of the ranges [`crate::facts::FileFacts::ranges`] lists for that
/// file (not a whole block), the file's anchor
/// (`analysis::diagnostics::anchor`), or `0..0`: the server re-sends a
/// diagnostic pointing into an edited file only when those moved
/// (`lsp/moves.rs`). Defined here, below the analyses, so that the memo
/// can hold the lists it shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub path: String,
    pub range: crate::syntax::ByteRange,
    pub message: String,
}

/// The next number of [`Snapshot::learning_versions`], unique in the
/// process (snapshots cloned from one base and edited apart never share
/// a number for different states).
pub(super) fn next_version() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Snapshot {
    /// An empty workspace under `config`.
    pub fn new(config: Config) -> Snapshot {
        Snapshot {
            config: Arc::new(config),
            files: OrdMap::new(),
            paths: OrdSet::new(),
            dirs: OrdMap::new(),
            canvas: OrdMap::new(),
            assumptions: OrdMap::new(),
            assumption_refs: OrdMap::new(),
            threads: OrdMap::new(),
            goals: OrdMap::new(),
            goal_refs: OrdMap::new(),
            link_dependents: OrdMap::new(),
            solution_announcements: OrdMap::new(),
            learning_records: OrdMap::new(),
            content_attributed: OrdMap::new(),
            learning_versions: OrdMap::new(),
            memo: Arc::new(Memo::default()),
        }
    }

    /// Builds a workspace from files and the other paths that exist.
    pub fn build(config: Config, files: Vec<Arc<FileData>>, other_paths: &[String]) -> Snapshot {
        let mut snapshot = Snapshot::new(config);
        for path in other_paths {
            snapshot.add_path(path.into());
        }
        for file in files {
            snapshot.add_file(file);
        }
        snapshot
    }

    /// Adds a file whose path the workspace does not hold yet (the scan's
    /// builder, [`crate::ingest::build`]): its path, its table entries
    /// and the file. [`Snapshot::upsert`] is for a file that may be there.
    pub fn add_file(&mut self, file: Arc<FileData>) {
        let path = file.path.clone();
        self.add_path(path.clone());
        self.index_file(&file, true);
        self.files.insert(path, file);
    }

    /// The first definition of assumption `id` (by file, then position):
    /// where it is and the entry.
    pub fn first_entry(
        &self,
        id: &str,
    ) -> Option<(&EntryLocation, &crate::facts::AssumptionEntry)> {
        let location = self.assumptions.get(id)?.iter().next()?;
        let entry = self
            .files
            .get(location.file.as_str())?
            .facts
            .entries
            .get(location.index)?;
        Some((location, entry))
    }

    /// Whether a file or folder exists at workspace path `path`.
    pub fn exists(&self, path: &str) -> bool {
        path.is_empty() || self.paths.contains(path) || self.dirs.contains_key(path)
    }

    /// Whether `path` is a folder.
    pub fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains_key(path)
    }

    /// The member files of the thread folder `thread`.
    pub fn thread_members(&self, thread: &str) -> impl Iterator<Item = &Arc<FileData>> {
        self.files_in(self.threads.get(thread))
    }

    /// `path` as the file table holds it (its text shared with the table's
    /// key), or a new one when no file has that path.
    pub fn shared_path(&self, path: &str) -> smol_str::SmolStr {
        match self.files.get(path) {
            Some(file) => file.path.clone(),
            None => smol_str::SmolStr::new(path),
        }
    }

    /// The source files of a table's path set (none for a missing key), in
    /// path order: `snapshot.files_in(snapshot.goal_refs.get(id))`.
    pub fn files_in<'a>(
        &'a self,
        paths: Option<&'a PathSet>,
    ) -> impl Iterator<Item = &'a Arc<FileData>> {
        paths
            .into_iter()
            .flat_map(|set| set.iter())
            .filter_map(|path| self.files.get(&**path))
    }

    /// Replaces the configuration (every file is re-lowered by the caller
    /// when prefixes or folders change; severities only need re-diagnosis).
    pub fn set_config(&mut self, config: Config) {
        self.config = Arc::new(config);
    }

    /// Records that `path` exists (the set keeps this very string, shared
    /// with the file's table entry); whether it is new.
    pub(crate) fn add_path(&mut self, path: SmolStr) -> bool {
        if self.paths.contains(path.as_str()) {
            return false;
        }
        let mut dir = paths::parent(&path);
        while !dir.is_empty() {
            *self.dirs.entry(dir.to_string()).or_insert(0) += 1;
            dir = paths::parent(dir);
        }
        self.paths.insert(path);
        true
    }

    pub(super) fn remove_path(&mut self, path: &str) -> bool {
        if self.paths.remove(path).is_none() {
            return false;
        }
        let mut dir = paths::parent(path);
        while !dir.is_empty() {
            let gone = match self.dirs.get_mut(dir) {
                Some(count) => {
                    *count -= 1;
                    *count == 0
                }
                None => false,
            };
            if gone {
                self.dirs.remove(dir);
            }
            dir = paths::parent(dir);
        }
        true
    }

    /// Adds (`add`) or removes the table entries of one file (see
    /// [`super::postings`]).
    pub(super) fn index_file(&mut self, file: &FileData, add: bool) {
        let postings = super::postings::postings(&self.config, file);
        self.post(&file.path, &postings, add);
    }
}
