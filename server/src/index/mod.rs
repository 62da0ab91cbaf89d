//! Workspace tables built from per-file facts: Canvas sections, assumption
//! entries, threads, goals, the set of existing paths, and reverse maps
//! (assumption ID -> referencing files, goal ID -> referencing files, link
//! target -> files whose links could resolve to it). A [`Snapshot`] is an
//! immutable value (persistent maps: cloning is O(1)); updates return the
//! set of files whose diagnostics may have changed.

use std::collections::BTreeSet;
use std::sync::Arc;

use imbl::OrdMap;

/// The index's persistent hash map, with foldhash instead of SipHash:
/// keys are workspace paths and IDs the workspace itself names, and
/// lookups are most of the time of every query.
pub type HashMap<K, V> =
    imbl::GenericHashMap<K, V, foldhash::fast::RandomState, imbl::shared_ptr::DefaultSharedPtr>;
/// The index's persistent hash set (see [`HashMap`]).
pub type HashSet<A> =
    imbl::GenericHashSet<A, foldhash::fast::RandomState, imbl::shared_ptr::DefaultSharedPtr>;

mod small_set;
pub use small_set::SmallSet;

/// The set of workspace paths an index table maps a key to, in path order.
pub type PathSet = SmallSet<String>;

use crate::config::Config;
use crate::facts::paths::PathKind;
use crate::facts::solution::feature_key;
use crate::facts::{FileFacts, Link, LinkKind, ReadState};
use crate::line_index::LineIndex;
use crate::paths;

/// One file known to the engine: its text, line index, facts and, for an
/// open document, the editor's version.
#[derive(Debug, Clone)]
pub struct FileData {
    /// Workspace path (`/`-separated, relative to the root).
    pub path: String,
    pub text: Arc<str>,
    pub line_index: LineIndex,
    pub facts: FileFacts,
    /// The editor's version of an open document; `None` for disk files.
    pub version: Option<i32>,
}

impl FileData {
    /// Lowers `text` into a new file value.
    pub fn new(
        path: &str,
        text: Arc<str>,
        read: ReadState,
        config: &Config,
        version: Option<i32>,
    ) -> FileData {
        let facts = crate::facts::lower(path, &text, read, config);
        FileData::from_parts(path, text, facts, version)
    }

    /// Builds a file value from already-computed facts.
    pub fn from_parts(
        path: &str,
        text: Arc<str>,
        facts: FileFacts,
        version: Option<i32>,
    ) -> FileData {
        FileData {
            path: path.to_string(),
            line_index: LineIndex::new(&text),
            text,
            facts,
            version,
        }
    }
}

/// Where an assumption entry is: file and index into its facts' entries.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryLocation {
    pub file: String,
    pub index: usize,
}

/// An immutable view of the whole workspace.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub config: Arc<Config>,
    /// Source files (markdown, metadata, config) with their facts.
    pub files: HashMap<String, Arc<FileData>>,
    /// Every file that exists (source files and others such as CSVs).
    pub paths: HashSet<String>,
    /// Every folder that holds at least one file, with how many.
    pub dirs: HashMap<String, u32>,
    /// Canvas section number -> its files (normally one).
    pub canvas: OrdMap<u8, PathSet>,
    /// Assumption ID -> where it is defined.
    pub assumptions: HashMap<String, SmallSet<EntryLocation>>,
    /// Assumption ID -> files that reference it.
    pub assumption_refs: HashMap<String, PathSet>,
    /// Thread folder -> its member files (stage files, action files,
    /// metadata).
    pub threads: OrdMap<String, PathSet>,
    /// Goal ID -> goal files defining it.
    pub goals: HashMap<String, PathSet>,
    /// Goal ID -> files that reference it.
    pub goal_refs: HashMap<String, PathSet>,
    /// Link resolution key -> files with a link that could resolve to it.
    pub link_dependents: HashMap<String, PathSet>,
    /// Feature key ([`feature_key`]) -> files announcing that feature as a
    /// 09 update (`09-solution.md → "Feature"`), in path order.
    pub solution_announcements: HashMap<String, PathSet>,
    /// Assumption ID -> live learnings (stage 6, or legacy 7, outside
    /// `archive/`) recording a result for it, in path order.
    pub learning_records: HashMap<String, PathSet>,
}

impl Snapshot {
    /// An empty workspace under `config`.
    pub fn new(config: Config) -> Snapshot {
        Snapshot {
            config: Arc::new(config),
            files: HashMap::new(),
            paths: HashSet::new(),
            dirs: HashMap::new(),
            canvas: OrdMap::new(),
            assumptions: HashMap::new(),
            assumption_refs: HashMap::new(),
            threads: OrdMap::new(),
            goals: HashMap::new(),
            goal_refs: HashMap::new(),
            link_dependents: HashMap::new(),
            solution_announcements: HashMap::new(),
            learning_records: HashMap::new(),
        }
    }

    /// Builds a workspace from files and the other paths that exist.
    pub fn build(config: Config, files: Vec<Arc<FileData>>, other_paths: &[String]) -> Snapshot {
        let mut snapshot = Snapshot::new(config);
        for path in other_paths {
            snapshot.add_path(path);
        }
        for file in files {
            let path = file.path.clone();
            snapshot.add_path(&path);
            snapshot.index_file(&file, true);
            snapshot.files.insert(path, file);
        }
        snapshot
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
            .get(&location.file)?
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

    fn add_path(&mut self, path: &str) -> bool {
        if self.paths.insert(path.to_string()).is_some() {
            return false;
        }
        let mut dir = paths::parent(path);
        while !dir.is_empty() {
            *self.dirs.entry(dir.to_string()).or_insert(0) += 1;
            dir = paths::parent(dir);
        }
        true
    }

    fn remove_path(&mut self, path: &str) -> bool {
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

    /// Adds (`add`) or removes the table entries of one file.
    fn index_file(&mut self, file: &FileData, add: bool) {
        let path = &file.path;
        let facts = &file.facts;
        match facts.path_kind() {
            PathKind::Canvas { number, .. } => {
                let set = self.canvas.entry(*number).or_default();
                if add {
                    set.insert(path.clone());
                } else {
                    set.remove(path);
                    if set.is_empty() {
                        self.canvas.remove(number);
                    }
                }
            }
            PathKind::Stage { thread, .. } | PathKind::ThreadMeta { thread, .. } => {
                let set = self.threads.entry(thread.clone()).or_default();
                if add {
                    set.insert(path.clone());
                } else {
                    set.remove(path);
                    if set.is_empty() {
                        self.threads.remove(thread);
                    }
                }
            }
            _ => {}
        }
        for (index, entry) in facts.entries.iter().enumerate() {
            let location = EntryLocation {
                file: path.clone(),
                index,
            };
            let set = self.assumptions.entry(entry.id.clone()).or_default();
            if add {
                set.insert(location);
            } else {
                set.remove(&location);
                if set.is_empty() {
                    self.assumptions.remove(&entry.id);
                }
            }
        }
        for id in facts.refs.iter().map(|r| &r.id).collect::<BTreeSet<_>>() {
            update_set(&mut self.assumption_refs, id, path, add);
        }
        if let Some(goal) = &facts.goal {
            update_set(&mut self.goals, &goal.id, path, add);
        }
        for goal in facts
            .goal_refs
            .iter()
            .map(|g| &g.goal)
            .collect::<BTreeSet<_>>()
        {
            update_set(&mut self.goal_refs, goal, path, add);
        }
        for key in facts
            .solution_updates
            .iter()
            .map(|(name, _)| feature_key(name))
            .collect::<BTreeSet<_>>()
        {
            update_set(&mut self.solution_announcements, &key, path, add);
        }
        if matches!(
            facts.path_kind(),
            PathKind::Stage {
                number: 6 | 7,
                archived: false,
                ..
            }
        ) {
            for id in facts
                .learning_results
                .iter()
                .map(|r| &r.id)
                .collect::<BTreeSet<_>>()
            {
                update_set(&mut self.learning_records, id, path, add);
            }
        }
        let mut keys = BTreeSet::new();
        for link in &facts.links {
            keys.extend(link_keys(&self.config, path, link));
        }
        if let Some(source) = attribution_source(file) {
            keys.extend(attribution_keys(&self.config, &source));
        }
        for key in keys {
            update_set(&mut self.link_dependents, &key, path, add);
        }
    }

    /// Replaces (or adds) a file; returns the files whose diagnostics may
    /// have changed, the file itself included.
    pub fn upsert(&mut self, file: FileData) -> BTreeSet<String> {
        let path = file.path.clone();
        let old = self.files.get(&path).cloned();
        let mut affected = BTreeSet::new();
        affected.insert(path.clone());
        if let Some(old) = &old {
            self.index_file(old, false);
        }
        let created = self.add_path(&path);
        let file = Arc::new(file);
        self.index_file(&file, true);
        self.files.insert(path.clone(), file.clone());
        self.collect_affected(old.as_deref(), Some(&file), &mut affected);
        if created {
            self.path_change_affects(&path, &file.facts, &mut affected);
        }
        affected
    }

    /// Records that a non-source file exists (a CSV, an image): links to it
    /// resolve. Returns the affected files.
    pub fn add_other_path(&mut self, path: &str) -> BTreeSet<String> {
        let mut affected = BTreeSet::new();
        if self.add_path(path) {
            self.path_change_affects(path, &FileFacts::default(), &mut affected);
        }
        affected
    }

    /// Removes a file (source or not); returns the affected files (the
    /// removed file included, so its diagnostics can be cleared).
    pub fn remove(&mut self, path: &str) -> BTreeSet<String> {
        let mut affected = BTreeSet::new();
        let old = self.files.remove(path);
        if let Some(old) = &old {
            self.index_file(old, false);
            affected.insert(path.to_string());
            self.collect_affected(Some(old), None, &mut affected);
        }
        if self.remove_path(path) {
            let facts = old.map(|o| o.facts.clone()).unwrap_or_default();
            self.path_change_affects(path, &facts, &mut affected);
        }
        affected
    }

    /// Replaces the configuration (every file is re-lowered by the caller
    /// when prefixes or folders change; severities only need re-diagnosis).
    pub fn set_config(&mut self, config: Config) {
        self.config = Arc::new(config);
    }

    fn collect_affected(
        &self,
        old: Option<&FileData>,
        new: Option<&FileData>,
        affected: &mut BTreeSet<String>,
    ) {
        let empty = FileFacts::default();
        let old_facts = old.map(|f| &f.facts).unwrap_or(&empty);
        let new_facts = new.map(|f| &f.facts).unwrap_or(&empty);
        // Assumption definitions: the files citing or defining an ID whose
        // entries changed (added, removed, or with another title, status or
        // confidence), and through `assumptions` the Canvas section 10 files.
        let entry_key = |e: &crate::facts::AssumptionEntry| {
            (e.id.clone(), e.title.clone(), e.status, e.confidence)
        };
        let old_entries: BTreeSet<_> = old_facts.entries.iter().map(entry_key).collect();
        let new_entries: BTreeSet<_> = new_facts.entries.iter().map(entry_key).collect();
        let changed: BTreeSet<&String> = old_entries
            .symmetric_difference(&new_entries)
            .map(|(id, ..)| id)
            .collect();
        // A count change (a duplicate appearing or going) changes diagnostics
        // too, even when the entries' data is the same.
        let count =
            |facts: &FileFacts, id: &str| facts.entries.iter().filter(|e| e.id == id).count();
        let recounted: Vec<&String> = old_facts
            .entries
            .iter()
            .chain(new_facts.entries.iter())
            .map(|e| &e.id)
            .filter(|id| count(old_facts, id) != count(new_facts, id))
            .collect();
        for id in changed.into_iter().chain(recounted) {
            if let Some(files) = self.assumption_refs.get(id) {
                affected.extend(files.iter().cloned());
            }
            if let Some(locations) = self.assumptions.get(id) {
                affected.extend(locations.iter().map(|l| l.file.clone()));
            }
        }
        // References: the definitions of IDs that gained or lost a citing
        // file (assumption-untested).
        let old_refs: BTreeSet<&String> = old_facts.refs.iter().map(|r| &r.id).collect();
        let new_refs: BTreeSet<&String> = new_facts.refs.iter().map(|r| &r.id).collect();
        for id in old_refs.symmetric_difference(&new_refs) {
            if let Some(locations) = self.assumptions.get(*id) {
                affected.extend(locations.iter().map(|l| l.file.clone()));
            }
        }
        // Learning results: the entries of the IDs whose stated result
        // changed (learning-not-applied at the Canvas end).
        let result_key = |r: &crate::facts::LearningResult| (r.id.clone(), r.status, r.confidence);
        let old_results: BTreeSet<_> = old_facts.learning_results.iter().map(result_key).collect();
        let new_results: BTreeSet<_> = new_facts.learning_results.iter().map(result_key).collect();
        for (id, ..) in old_results.symmetric_difference(&new_results) {
            if let Some(locations) = self.assumptions.get(id) {
                affected.extend(locations.iter().map(|l| l.file.clone()));
            }
        }
        // Solution drift: 09 entries changed -> every learning that
        // announces features and every thread learning (stale entries are
        // reported at both ends); a learning's announcements, outcome or a
        // decision's verdict changed -> the solution section.
        if old_facts.solution_entries != new_facts.solution_entries {
            for (path, file) in &self.files {
                let facts = &file.facts;
                if !facts.solution_updates.is_empty() || facts.outcome.is_some() {
                    affected.insert(path.clone());
                }
            }
        }
        let drift_key = |f: &FileFacts| {
            (
                f.solution_updates.clone(),
                f.solution_update_results.clone(),
                f.outcome.as_ref().map(|(s, _)| *s),
                f.outcome_confidence,
                f.verdict.as_ref().map(|v| v.class),
            )
        };
        if drift_key(old_facts) != drift_key(new_facts) {
            if let Some(files) = self.canvas.get(&9) {
                affected.extend(files.iter().cloned());
            }
        }
        // Goals: files citing a goal whose definition changed.
        if old_facts.goal != new_facts.goal {
            for goal in old_facts.goal.iter().chain(new_facts.goal.iter()) {
                if let Some(files) = self.goal_refs.get(&goal.id) {
                    affected.extend(files.iter().cloned());
                }
            }
        }
        // Thread rules read every member of the thread.
        for facts in [old_facts, new_facts] {
            if let Some(thread) = facts.path_kind().thread() {
                if let Some(members) = self.threads.get(thread) {
                    affected.extend(members.iter().cloned());
                }
            }
        }
    }

    fn path_change_affects(&self, path: &str, facts: &FileFacts, affected: &mut BTreeSet<String>) {
        let mut keys = vec![format!("path:{path}")];
        let mut dir = paths::parent(path);
        while !dir.is_empty() {
            keys.push(format!("path:{dir}"));
            dir = paths::parent(dir);
        }
        if let PathKind::Canvas { number, .. } = facts.path_kind() {
            keys.push(format!("canvas:{number}"));
        }
        if let Some(thread) = facts.path_kind().thread() {
            keys.push(format!("thread:{}", paths::file_name(thread)));
            if let Some(members) = self.threads.get(thread) {
                affected.extend(members.iter().cloned());
            }
        }
        for key in keys {
            if let Some(files) = self.link_dependents.get(&key) {
                affected.extend(files.iter().cloned());
            }
        }
    }

    /// The member files of the thread folder `thread`.
    pub fn thread_members(&self, thread: &str) -> impl Iterator<Item = &Arc<FileData>> {
        self.threads
            .get(thread)
            .into_iter()
            .flat_map(|set| set.iter())
            .filter_map(|path| self.files.get(path))
    }
}

/// Adds `path` under `key`, or removes it and drops the key once its set
/// is empty.
fn update_set(map: &mut HashMap<String, PathSet>, key: &str, path: &str, add: bool) {
    if add {
        map.entry(key.to_string())
            .or_default()
            .insert(path.to_string());
    } else if map.get_mut(key).is_some_and(|set| {
        set.remove(path);
        set.is_empty()
    }) {
        map.remove(key);
    }
}

/// The workspace paths a link is tried at, in order, and whether it
/// climbs out of the root. Shared by resolution and the reverse map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidates {
    pub paths: Vec<String>,
    /// The Canvas section to resolve to by number: a Canvas name's only
    /// candidate, and the fallback of a path into the Canvas folder whose
    /// file name has a section number (`canvas/10.assumptions_validation_methods.md`
    /// is section 10 whatever its file is called now; leanos-formats.md §8.2).
    pub canvas: Option<u8>,
    /// A bare thread name matched against every thread folder's name.
    pub thread_name: Option<String>,
    /// The link leaves the workspace root: never resolved, never read.
    pub outside_root: bool,
}

/// Computes where `link` (in the file at `from`) may point.
pub fn candidates(config: &Config, from: &str, link: &Link) -> Candidates {
    let mut out = Candidates::default();
    let target = link.target.split(['#', '?']).next().unwrap_or("").trim();
    let target = percent_decode(target);
    let target = target.as_str();
    let dir = paths::parent(from);
    let push = |candidate: Option<String>, out: &mut Candidates| match candidate {
        Some(path) => {
            let path = path.trim_end_matches('/').to_string();
            if !out.paths.contains(&path) {
                out.paths.push(path);
            }
        }
        None => out.outside_root = true,
    };
    match link.kind {
        LinkKind::Markdown => {
            if target.is_empty() {
                return out;
            }
            if let Some(absolute) = target.strip_prefix('/') {
                push(paths::normalize(absolute), &mut out);
            } else {
                push(paths::join(dir, target), &mut out);
            }
        }
        LinkKind::Path => {
            if let Some(rest) = target.strip_prefix("canvas/") {
                let strategy = paths::parent(&config.canvas_dir);
                push(paths::join(strategy, &format!("canvas/{rest}")), &mut out);
                push(paths::join(&config.canvas_dir, rest), &mut out);
            } else if target.starts_with("./") || target.starts_with("../") {
                push(paths::join(dir, target), &mut out);
            } else if let Some(absolute) = target.strip_prefix('/') {
                push(paths::normalize(absolute), &mut out);
            } else {
                push(paths::normalize(target), &mut out);
                if !out.outside_root {
                    push(paths::join(dir, target), &mut out);
                    push(paths::join(&config.threads_dir, target), &mut out);
                }
            }
            out.canvas = out.paths.iter().find_map(|path| {
                (paths::parent(path) == config.canvas_dir)
                    .then(|| crate::facts::paths::canvas_file_number(paths::file_name(path)))
                    .flatten()
                    .map(|(number, _)| number)
            });
        }
        LinkKind::Sibling => push(paths::join(dir, target), &mut out),
        LinkKind::CanvasName(number) => {
            out.canvas = Some(number);
        }
        LinkKind::Thread => {
            let trimmed = target.trim_end_matches('/');
            let relative = trimmed
                .strip_prefix(&format!("{}/", config.threads_dir))
                .unwrap_or(trimmed);
            push(paths::join(&config.threads_dir, relative), &mut out);
            if !relative.contains('/') && !out.outside_root {
                out.thread_name = Some(relative.to_string());
            }
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reverse-map keys of a link.
fn link_keys(config: &Config, from: &str, link: &Link) -> Vec<String> {
    let candidates = candidates(config, from, link);
    let mut keys: Vec<String> = candidates
        .paths
        .iter()
        .map(|p| format!("path:{p}"))
        .collect();
    if let Some(number) = candidates.canvas {
        keys.push(format!("canvas:{number}"));
    }
    if let Some(name) = candidates.thread_name {
        keys.push(format!("thread:{name}"));
    }
    keys
}

/// The `source` attribution of a thread metadata file or a stage 1
/// frontmatter, when it is a path.
pub fn attribution_source(file: &FileData) -> Option<(String, std::ops::Range<u32>)> {
    let kind = file.facts.path_kind();
    let applies = matches!(kind, PathKind::ThreadMeta { .. })
        || matches!(kind, PathKind::Stage { number: 1, .. });
    if !applies {
        return None;
    }
    let field = file.facts.meta()?.get("source")?;
    let value = field.value.as_text()?;
    value
        .contains('/')
        .then(|| (value.trim().to_string(), field.value_range.clone()))
}

/// Where an attribution `source` path may point (leanos-formats.md §4.4):
/// `threads/<source>`, the source as a workspace path, then the campaign
/// folders under `threads/marketing/campaigns/` and
/// `artifacts/marketing/campaigns/` named like its last segment.
pub fn attribution_candidates(config: &Config, source: &str) -> Vec<String> {
    let trimmed = source.trim().trim_end_matches('/');
    let mut out = Vec::new();
    let relative = trimmed
        .strip_prefix(&format!("{}/", config.threads_dir))
        .unwrap_or(trimmed);
    out.extend(paths::join(&config.threads_dir, relative));
    out.extend(paths::normalize(trimmed));
    let last = paths::file_name(trimmed);
    if !last.is_empty() && last != ".." {
        out.extend(paths::join(
            &config.threads_dir,
            &format!("marketing/campaigns/{last}"),
        ));
        out.push(format!("artifacts/marketing/campaigns/{last}"));
    }
    out.dedup();
    out
}

fn attribution_keys(config: &Config, source: &(String, std::ops::Range<u32>)) -> Vec<String> {
    attribution_candidates(config, &source.0)
        .into_iter()
        .map(|p| format!("path:{p}"))
        .collect()
}

/// The effective configuration: defaults, then client settings, then
/// `leanos.toml` text (file settings win).
pub fn effective_config(client: &crate::config::Settings, toml_text: Option<&str>) -> Config {
    let mut config = Config::default();
    config.apply(client);
    if let Some(text) = toml_text {
        let (settings, _) = crate::config::parse_toml(text);
        config.apply(&settings);
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::snapshot;

    fn file(snapshot: &Snapshot, path: &str, text: &str) -> FileData {
        FileData::new(
            path,
            Arc::from(text),
            ReadState::Read {
                invalid_utf8_at: None,
            },
            &snapshot.config,
            None,
        )
    }

    const WORKSPACE: &str = "//- /strategy/canvas/10-assumptions.md\n### A1: One\n**Status:** testing\n\n### A2: Two\n//- /threads/sales/x/2-hypothesis.md\nTests: A1 - x\n//- /threads/sales/x/1-input.md\n# Input\n//- /threads/sales/y/2-hypothesis.md\nTests: A2 - y\n//- /threads/sales/z/2-hypothesis.md\nTests: A9 - z\n[next](../w/1-input.md)\n";

    fn set(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn an_entry_edit_reaches_only_its_citing_files() {
        let mut snapshot = snapshot(WORKSPACE);
        let canvas = "strategy/canvas/10-assumptions.md";
        let edited = file(
            &snapshot,
            canvas,
            "### A1: One\n**Status:** validated\n\n### A2: Two\n",
        );
        let affected = snapshot.upsert(edited);
        assert_eq!(affected, set(&[canvas, "threads/sales/x/2-hypothesis.md"]));
    }

    #[test]
    fn defining_an_id_reaches_files_citing_it() {
        let mut snapshot = snapshot(WORKSPACE);
        let canvas = "strategy/canvas/10-assumptions.md";
        let edited = file(
            &snapshot,
            canvas,
            "### A1: One\n**Status:** testing\n\n### A2: Two\n\n### A9: Nine\n",
        );
        let affected = snapshot.upsert(edited);
        assert_eq!(affected, set(&[canvas, "threads/sales/z/2-hypothesis.md"]));
    }

    #[test]
    fn a_citation_change_reaches_the_definition_and_the_thread() {
        let mut snapshot = snapshot(WORKSPACE);
        let path = "threads/sales/y/2-hypothesis.md";
        let affected = snapshot.upsert(file(&snapshot, path, "Tests: A1 - now one\n"));
        // A2 lost its only citing thread, A1 gained one: the Canvas file.
        assert_eq!(affected, set(&["strategy/canvas/10-assumptions.md", path]));
    }

    #[test]
    fn creating_a_link_target_reaches_the_linking_file() {
        let mut snapshot = snapshot(WORKSPACE);
        let created = "threads/sales/w/1-input.md";
        let affected = snapshot.upsert(file(&snapshot, created, "# Input\n"));
        assert!(
            affected.contains("threads/sales/z/2-hypothesis.md"),
            "{affected:?}"
        );
        let affected = snapshot.remove(created);
        assert!(
            affected.contains("threads/sales/z/2-hypothesis.md"),
            "{affected:?}"
        );
        assert!(affected.contains(created));
    }

    #[test]
    fn drift_reaches_the_other_end() {
        let mut snapshot = snapshot(
            "//- /strategy/canvas/10-assumptions.md\n### A1: One\n**Status:** testing\n//- /strategy/canvas/09-solution.md\n### SDK\n- **Evidence:** threads/eng/sdk/6-learning.md\n//- /threads/eng/sdk/6-learning.md\n**Status:** ✅ VALIDATED\n- A1: VALIDATED\n",
        );
        let learning = "threads/eng/sdk/6-learning.md";
        // A new stated result for A1 reaches the assumptions section and,
        // through the outcome, the solution section.
        let affected = snapshot.upsert(file(
            &snapshot,
            learning,
            "**Status:** ❌ INVALIDATED\n- A1: INVALIDATED\n",
        ));
        assert!(
            affected.contains("strategy/canvas/10-assumptions.md"),
            "{affected:?}"
        );
        assert!(
            affected.contains("strategy/canvas/09-solution.md"),
            "{affected:?}"
        );
        // An edited 09 entry reaches the learning behind it.
        let affected = snapshot.upsert(file(
            &snapshot,
            "strategy/canvas/09-solution.md",
            "### SDK (Validated)\n- **Evidence:** threads/eng/sdk/6-learning.md\n",
        ));
        assert!(affected.contains(learning), "{affected:?}");
    }

    #[test]
    fn an_announced_result_reaches_the_solution_section() {
        let mut snapshot = snapshot(
            "//- /strategy/canvas/09-solution.md\n### SDK\n**Confidence:** 95%\n//- /threads/eng/sdk/6-learning.md\n09-solution.md → \"SDK\" (confidence: 95%)\n",
        );
        let affected = snapshot.upsert(file(
            &snapshot,
            "threads/eng/sdk/6-learning.md",
            "09-solution.md → \"SDK\" (confidence: 90%)\n",
        ));
        assert!(
            affected.contains("strategy/canvas/09-solution.md"),
            "{affected:?}"
        );
    }

    #[test]
    fn announcements_follow_edits_and_link_unevidenced_entries() {
        use crate::analysis::drift::{evidence_of, solution_entries, Evidence};
        let mut snapshot = snapshot(
            "//- /strategy/canvas/09-solution.md\n### Bank Feed SDK\n//- /threads/eng/b/6-learning.md\nCanvas update: 09-solution.md → \"Bank feed SDK\"\n//- /threads/eng/a/6-learning.md\nCanvas update: 09-solution.md → \"Bank-Feed SDK (4 banks)\"\n",
        );
        let linked = |s: &Snapshot| {
            let entries = solution_entries(s);
            evidence_of(s, entries[0].2)
        };
        // Both threads announce it; the first in path order wins.
        assert_eq!(linked(&snapshot), Evidence::Thread("threads/eng/a".into()));
        snapshot.upsert(file(
            &snapshot,
            "threads/eng/a/6-learning.md",
            "# Learning\n",
        ));
        assert_eq!(linked(&snapshot), Evidence::Thread("threads/eng/b".into()));
        snapshot.remove("threads/eng/b/6-learning.md");
        assert_eq!(linked(&snapshot), Evidence::Unlinked);
        assert!(snapshot.solution_announcements.is_empty());
    }

    #[test]
    fn a_thread_member_change_reaches_its_siblings_only() {
        let mut snapshot = snapshot(WORKSPACE);
        let path = "threads/sales/x/1-input.md";
        let affected = snapshot.upsert(file(&snapshot, path, "# Input\n\nMore.\n"));
        assert_eq!(affected, set(&[path, "threads/sales/x/2-hypothesis.md"]));
    }
}
