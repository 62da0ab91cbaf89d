//! What an edit invalidates for the loop rules (`loop-feature-not-built`,
//! `loop-content-gap`, `loop-no-attribution`): they are reported on a
//! thread's learning and read other threads, through the edges of
//! `analysis/lineage.rs` both ways (links, metadata relations, `source`
//! attributions), the 09 entries whose evidence leads to a thread, the
//! features marketing files announce, and how many deals cite content.
//! When a file changes what those rules could read of it (its
//! [`LoopKey`]), the learnings of the threads its thread names and of the
//! threads naming its thread are affected; same-thread reads are covered
//! by the thread rule of `invalidation.rs`.

use std::collections::BTreeSet;

use super::candidates::{attribution_keys, link_keys};
use super::solution_change::SolutionChange;
use super::{attribution_source, content_attribution, FileData, Snapshot};
use crate::facts::paths::PathKind;
use crate::facts::solution::{feature_key, SolutionEntry};
use crate::facts::FileFacts;
use crate::paths;

/// What the loop rules read of a file from another thread: the metadata
/// relations and status, the verdict, the links, and the features it
/// announces.
#[derive(Debug, PartialEq, Eq)]
struct LoopKey {
    /// The stage file it is (6 or 7: a learning) and whether it is empty:
    /// a learning appearing, going or filling changes whether its thread
    /// has stopped.
    stage: Option<u8>,
    empty: bool,
    meta: Vec<(&'static str, Option<String>)>,
    verdict: Option<crate::facts::VerdictClass>,
    links: Vec<(smol_str::SmolStr, crate::facts::LinkKind)>,
    announced: BTreeSet<String>,
}

/// The metadata keys the loop reads of another thread.
const META_KEYS: [&str; 6] = [
    "status",
    "type",
    "parent_thread",
    "source_thread",
    "related_threads",
    "source",
];

fn loop_key(facts: &FileFacts) -> LoopKey {
    let meta = facts.meta();
    LoopKey {
        stage: facts.path_kind().stage(),
        empty: facts.empty,
        meta: META_KEYS
            .iter()
            .map(|k| {
                (
                    *k,
                    meta.and_then(|m| m.get(k))
                        .map(|f| format!("{:?}", f.value)),
                )
            })
            .collect(),
        verdict: facts.verdict.as_ref().map(|v| v.class),
        links: facts
            .links
            .iter()
            .map(|l| (l.target.clone(), l.kind))
            .collect(),
        announced: facts
            .solution_updates
            .iter()
            .map(|(name, _)| feature_key(name))
            .collect(),
    }
}

impl Snapshot {
    /// Adds to `affected` the learnings whose loop diagnostics may change
    /// when a file goes from `old` to `new` (either absent), whose facts
    /// are `old_facts` and `new_facts` (empty for an absent file) and
    /// whose 09 entries changed as `solution` says.
    pub(super) fn loop_affects(
        &self,
        (old, new): (Option<&FileData>, Option<&FileData>),
        old_facts: &FileFacts,
        new_facts: &FileFacts,
        solution: &SolutionChange,
        affected: &mut BTreeSet<String>,
    ) {
        let Some(path) = new.or(old).map(|f| f.path.as_str()) else {
            return;
        };
        let mut threads = BTreeSet::new();
        if loop_key(old_facts) != loop_key(new_facts) {
            // The threads this file's thread names (a decision's verdict
            // matters to the thread its metadata names as parent), with
            // what the file named before.
            let thread = new_facts
                .path_kind()
                .thread()
                .or(old_facts.path_kind().thread());
            let members = thread.into_iter().flat_map(|t| self.thread_members(t));
            for file in old.into_iter().chain(members.map(|f| f.as_ref())) {
                for key in self.named_keys(file) {
                    threads.extend(self.threads_at_key(&key));
                }
            }
            // The threads naming this file's thread.
            if let Some(thread) = thread {
                let mut keys = vec![
                    format!("path:{thread}"),
                    format!("thread:{}", paths::file_name(thread)),
                    format!("path:{path}"),
                ];
                keys.extend(
                    self.threads
                        .get(thread)
                        .into_iter()
                        .flat_map(|m| m.iter())
                        .map(|m| format!("path:{m}")),
                );
                for key in keys {
                    for file in self.link_dependents.get(&key).into_iter().flatten() {
                        threads.extend(self.thread_holding(file));
                    }
                }
            }
            // Features announced or no longer: the threads announcing them
            // and those the 09 entries of that name lead to.
            let (before, after) = (loop_key(old_facts).announced, loop_key(new_facts).announced);
            let changed: BTreeSet<&String> = before.symmetric_difference(&after).collect();
            if !changed.is_empty() {
                for file in self.solution_files() {
                    for entry in &file.facts.solution_entries {
                        if changed.contains(&feature_key(&entry.name)) {
                            threads.extend(self.evidence_thread(entry));
                        }
                    }
                }
                for key in changed {
                    for file in self.solution_announcements.get(key).into_iter().flatten() {
                        threads.extend(self.thread_holding(file));
                    }
                }
            }
        }
        // 09 entries: the threads behind those that changed, before and
        // after (the threads every entry's evidence leads to when they
        // moved among themselves).
        match solution {
            SolutionChange::Same => {}
            SolutionChange::Entries(entries) => threads.extend(self.threads_behind(entries)),
            SolutionChange::Reordered => {
                let all = old_facts
                    .solution_entries
                    .iter()
                    .chain(&new_facts.solution_entries);
                threads.extend(all.filter_map(|e| self.evidence_thread(e)));
            }
        }
        // A deal starting or ending to cite content changes the count every
        // unattributed content thread reports.
        let config = &self.config;
        let (cited_before, cited_after) = (
            old.and_then(|f| content_attribution(config, f)),
            new.and_then(|f| content_attribution(config, f)),
        );
        if cited_before != cited_after {
            let marketing = format!("{}/marketing/", self.config.threads_dir);
            threads.extend(
                self.threads
                    .keys()
                    .filter(|dir| dir.starts_with(&marketing))
                    .cloned(),
            );
        }
        for thread in threads {
            for member in self.threads.get(&thread).into_iter().flatten() {
                let learning = self.files.get(&**member).is_some_and(|f| {
                    matches!(f.facts.path_kind(), PathKind::Stage { number: 6 | 7, .. })
                });
                if learning {
                    affected.insert(member.to_string());
                }
            }
        }
    }

    /// The reverse-map keys of everything `file` names (links and its
    /// `source` attribution), as `index_file` files them.
    fn named_keys(&self, file: &FileData) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for link in &file.facts.links {
            keys.extend(link_keys(&self.config, &file.path, link));
        }
        if let Some(source) = attribution_source(file) {
            keys.extend(attribution_keys(&self.config, &source));
        }
        keys
    }

    /// The threads a reverse-map key may stand for: the thread holding a
    /// `path:` key's path, or every thread of a `thread:` key's name.
    fn threads_at_key(&self, key: &str) -> Vec<String> {
        if let Some(path) = key.strip_prefix("path:") {
            return self.thread_holding(path).into_iter().collect();
        }
        if let Some(name) = key.strip_prefix("thread:") {
            return self
                .threads
                .keys()
                .filter(|dir| paths::file_name(dir) == name)
                .cloned()
                .collect();
        }
        Vec::new()
    }

    /// The thread folder holding workspace path `path` (the folder itself
    /// or one of its ancestors), if any.
    fn thread_holding(&self, path: &str) -> Option<String> {
        let mut dir = path.trim_end_matches('/');
        while !dir.is_empty() {
            if self.threads.contains_key(dir) {
                return Some(dir.to_string());
            }
            dir = paths::parent(dir);
        }
        None
    }

    /// The thread a 09 entry's evidence path is in, if any.
    fn evidence_thread(&self, entry: &crate::facts::solution::SolutionEntry) -> Option<String> {
        let (path, _) = entry.evidence.as_ref()?;
        self.thread_holding(&paths::normalize(path.trim_end_matches('/'))?)
    }

    /// The threads behind 09 `entries`: those their evidence leads to
    /// and those holding a file that announces one of their features.
    pub(super) fn threads_behind(&self, entries: &[&SolutionEntry]) -> BTreeSet<String> {
        let mut threads = BTreeSet::new();
        for entry in entries {
            threads.extend(self.evidence_thread(entry));
            let announcing = self.solution_announcements.get(&feature_key(&entry.name));
            for file in announcing.into_iter().flatten() {
                threads.extend(self.thread_holding(file));
            }
        }
        threads
    }

    /// The files of the solution section (Canvas 09).
    fn solution_files(&self) -> impl Iterator<Item = &std::sync::Arc<FileData>> {
        self.files_in(self.canvas.get(&9))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::analysis::diagnostics::fixture::{snapshot, sources};
    use crate::analysis::diagnostics::{file_diagnostics, workspace_diagnostics, Diagnostic};
    use crate::index::Snapshot;
    use crate::ingest::{Content, Policy};

    use crate::analysis::loops::tests::LOOP;

    /// The loop diagnostics of every file, as `(path, code, message)`.
    fn loop_findings(all: &BTreeMap<String, Vec<Diagnostic>>) -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, String)> = all
            .iter()
            .flat_map(|(path, list)| {
                list.iter()
                    .filter(|d| d.code.starts_with("loop-"))
                    .map(move |d| (path.clone(), d.code.to_string(), d.message.clone()))
            })
            .collect();
        out.sort();
        out
    }

    /// Applies each edit (a fixture of new texts, or `-path` to delete)
    /// as the server does, re-diagnosing only the affected files, and
    /// checks after each that the loop findings equal a fresh snapshot's.
    fn follow(edits: &[&str]) {
        let mut snapshot = snapshot(LOOP);
        let mut published = workspace_diagnostics(&snapshot);
        for edit in edits {
            let mut affected = std::collections::BTreeSet::new();
            if let Some(path) = edit.strip_prefix('-') {
                affected.extend(snapshot.remove(path));
            } else {
                for source in sources(edit) {
                    let file = Policy::new(&snapshot.config).lower(
                        &source.path,
                        Content::Disk(source.content),
                        None,
                    );
                    affected.extend(snapshot.upsert(file));
                }
            }
            for path in affected {
                let list = file_diagnostics(&snapshot, &path);
                if list.is_empty() {
                    published.remove(&path);
                } else {
                    published.insert(path, list);
                }
            }
            let fresh = fresh_of(&snapshot);
            assert_eq!(
                loop_findings(&published),
                loop_findings(&workspace_diagnostics(&fresh)),
                "after {edit}"
            );
        }
    }

    fn fresh_of(snapshot: &Snapshot) -> Snapshot {
        let files = snapshot
            .files
            .values()
            .map(|f| crate::ingest::Source::text(f.path.clone(), f.text().to_string()))
            .collect();
        Snapshot::from_sources(&crate::config::Settings::default(), files)
    }

    #[test]
    fn loop_findings_follow_edits_in_other_threads() {
        follow(&[
            // The answering thread stops, then comes back.
            "//- /threads/engineering/bank-feed/4-decision.md\n# Decision\n**Decision:** KILL\n",
            "//- /threads/engineering/bank-feed/4-decision.md\n# Decision\n**Decision:** BUILD\n",
            // The spawned thread completes in metadata without a learning.
            "//- /threads/engineering/sso/meta.json\n{\"status\": \"completed\"}\n",
            // It gets a learning.
            "//- /threads/engineering/sso/6-learning.md\n# Learning\n",
            // The content drops its parent: the engineering thread's gap.
            "//- /threads/marketing/content/case/meta.json\n{}\n",
            // A marketing learning announcing the feature closes it.
            "//- /threads/marketing/content/guide/6-learning.md\n# Learning\n- 09-solution.md → \"Bank Feed SDK\"\n",
            // The deal's source moves to the guide: both content threads
            // and the count change.
            "//- /threads/sales/acme/meta.json\n{\"type\": \"sales\", \"source\": \"marketing/content/guide/\"}\n",
            // A second deal starts citing content.
            "//- /threads/sales/gamma/meta.json\n{\"type\": \"sales\", \"source\": \"marketing/content/case/\"}\n",
            // The 09 entry's evidence moves away, then back.
            "//- /strategy/canvas/09-solution.md\n### Bank Feed SDK\n- **Evidence:** threads/engineering/sso/6-learning.md\n",
            "//- /strategy/canvas/09-solution.md\n### Bank Feed SDK\n- **Evidence:** threads/engineering/bank-feed/6-learning.md\n",
            // The answering thread says `completed` and loses its learning
            // (it has stopped), then gets it back.
            "//- /threads/engineering/bank-feed/meta.json\n{\"parent_thread\": \"sales/acme\", \"status\": \"completed\"}\n",
            "-threads/engineering/bank-feed/6-learning.md",
            "//- /threads/engineering/bank-feed/6-learning.md\n",
            "//- /threads/engineering/bank-feed/6-learning.md\n# Learning\n- shipped\n",
            // A request names a thread still to create; it is created,
            // then goes.
            "//- /threads/sales/acme/6-learning.md\n# Learning\n## Follow-up Actions\n- engineering/ledger-sync: build it\n",
            "//- /threads/engineering/ledger-sync/1-input.md\n# Input\n",
            "-threads/engineering/ledger-sync/1-input.md",
            // Threads go.
            "-threads/engineering/bank-feed/meta.json",
            "-threads/sales/gamma/meta.json",
            "-threads/marketing/content/guide/6-learning.md",
            "-threads/engineering/sso/meta.json",
        ]);
    }
}
