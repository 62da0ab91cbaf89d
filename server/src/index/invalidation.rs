//! What an edit invalidates: [`Snapshot::upsert`], [`Snapshot::remove`]
//! and [`Snapshot::add_other_path`] update the tables and return the files
//! whose diagnostics may have changed, found through the reverse maps by
//! diffing the file's old and new facts (never by re-diagnosing the
//! workspace).

use std::collections::BTreeSet;
use std::sync::Arc;

use super::solution_change::SolutionChange;
use super::{FileData, Snapshot};
use crate::facts::paths::PathKind;
use crate::facts::status::AssumptionStatus;
use crate::facts::FileFacts;
use crate::paths;

impl Snapshot {
    /// Replaces (or adds) a file; returns the files whose diagnostics may
    /// have changed, the file itself included.
    pub fn upsert(&mut self, mut file: FileData) -> BTreeSet<String> {
        let old = self.files.get(file.path.as_str()).cloned();
        if let Some(old) = &old {
            // The path every table and set already holds, not a copy.
            file.path = old.path.clone();
        }
        let path = file.path.clone();
        let mut affected = BTreeSet::new();
        affected.insert(path.to_string());
        let created = self.add_path(path.clone());
        let file = Arc::new(file);
        let after = super::postings::postings(&self.config, &file);
        let before = old
            .as_ref()
            .map(|old| super::postings::postings(&self.config, old));
        match before {
            // Filed under the same keys (typing in a title, in prose): the
            // tables stay, and only a learning's results get new versions.
            Some(before) if before == after => self.new_learning_versions(&after),
            Some(before) => {
                self.post(&path, &before, false);
                self.post(&path, &after, true);
            }
            None => self.post(&path, &after, true),
        }
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
        if self.add_path(path.into()) {
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
        // entries changed (added, removed, or with another status or
        // confidence), and through `assumptions` the Canvas section 10 files.
        // Not the title: no diagnostic reads it (hover and completion, which
        // do, are computed on request), and typing in an entry's heading
        // would otherwise re-diagnose every thread citing it.
        type EntryKey<'a> = (&'a str, Option<AssumptionStatus>, Option<u8>);
        fn entry_keys(facts: &FileFacts) -> BTreeSet<EntryKey<'_>> {
            let entries = facts.entries.iter();
            entries
                .map(|e| (e.id.as_str(), e.status, e.confidence))
                .collect()
        }
        let old_entries = entry_keys(old_facts);
        let new_entries = entry_keys(new_facts);
        let changed: BTreeSet<&str> = old_entries
            .symmetric_difference(&new_entries)
            .map(|(id, ..)| *id)
            .collect();
        // A count change (a duplicate appearing or going) changes diagnostics
        // too, even when the entries' data is the same.
        let mut counts: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for entry in old_facts.entries.iter() {
            counts.entry(entry.id.as_str()).or_default().0 += 1;
        }
        for entry in new_facts.entries.iter() {
            counts.entry(entry.id.as_str()).or_default().1 += 1;
        }
        let recounted = counts
            .into_iter()
            .filter(|(_, (old, new))| old != new)
            .map(|(id, _)| id);
        for id in changed.into_iter().chain(recounted) {
            if let Some(files) = self.assumption_refs.get(id) {
                affected.extend(files.iter().map(|p| p.to_string()));
            }
            if let Some(locations) = self.assumptions.get(id) {
                affected.extend(locations.iter().map(|l| l.file.clone()));
            }
        }
        // An assumptions section (Canvas 10) appearing or going: every
        // assumption-unknown names the first such file, or says there is
        // none, whatever entries it holds.
        let section_10 = |file: Option<&FileData>| {
            file.is_some_and(|f| matches!(f.facts.path_kind(), PathKind::Canvas { number: 10, .. }))
        };
        if section_10(old) != section_10(new) {
            for files in self.assumption_refs.values() {
                affected.extend(files.iter().map(|p| p.to_string()));
            }
        }
        // References: the definitions of IDs that gained or lost a citing
        // file (assumption-untested).
        let old_refs: BTreeSet<&str> = old_facts.refs.iter().map(|r| r.id.as_str()).collect();
        let new_refs: BTreeSet<&str> = new_facts.refs.iter().map(|r| r.id.as_str()).collect();
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
            if let Some(locations) = self.assumptions.get(id.as_str()) {
                affected.extend(locations.iter().map(|l| l.file.clone()));
            }
        }
        // Solution drift: 09 entries changed -> the files announcing their
        // features, the threads holding those (an entry without evidence
        // is backed by the threads announcing it, and every learning of
        // such a thread reads it) and the threads their evidence leads to
        // (stale entries are reported at both ends), or, when the
        // unchanged entries moved among themselves, every learning that
        // announces features and every thread learning; a learning's
        // announcements, outcome or a decision's verdict changed -> the
        // solution section.
        let solution = super::solution_change::solution_change(old_facts, new_facts);
        match &solution {
            SolutionChange::Same => {}
            SolutionChange::Entries(entries) => {
                for thread in self.threads_behind(entries) {
                    if let Some(members) = self.threads.get(&thread) {
                        affected.extend(members.iter().map(|p| p.to_string()));
                    }
                }
                for entry in entries {
                    let key = crate::facts::solution::feature_key(&entry.name);
                    if let Some(files) = self.solution_announcements.get(&key) {
                        affected.extend(files.iter().map(|p| p.to_string()));
                    }
                }
            }
            SolutionChange::Reordered => {
                for (path, file) in &self.files {
                    let facts = &file.facts;
                    if !facts.solution_updates.is_empty() || facts.outcome.is_some() {
                        affected.insert(path.to_string());
                    }
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
                affected.extend(files.iter().map(|p| p.to_string()));
            }
        }
        // Goals: files citing a goal whose definition changed as their
        // rules read it (`goal-unknown`: its id, its subgoals' ids, and
        // the range its related information points at, the file's first
        // heading). Its title, status and the subgoals' ranges are for
        // hover, completion and navigation, computed on request: a
        // keystroke in a subgoal reached every thread citing the goal.
        type GoalKey<'a> = (&'a str, Vec<&'a str>, crate::syntax::ByteRange);
        fn goal_key(f: &FileFacts) -> Option<GoalKey<'_>> {
            f.goal.as_ref().map(|g| {
                let subgoals = g.subgoals.iter().map(|(id, _)| id.as_str());
                let anchor = f.headings.first().map_or(&f.first_line, |h| &h.range);
                (g.id.as_str(), subgoals.collect(), anchor.clone())
            })
        }
        if goal_key(old_facts) != goal_key(new_facts) {
            for goal in old_facts.goal.iter().chain(new_facts.goal.iter()) {
                if let Some(files) = self.goal_refs.get(&goal.id) {
                    affected.extend(files.iter().map(|p| p.to_string()));
                }
            }
        }
        self.loop_affects((old, new), old_facts, new_facts, &solution, affected);
        // Thread rules read every member of the thread.
        for facts in [old_facts, new_facts] {
            if let Some(thread) = facts.path_kind().thread() {
                if let Some(members) = self.threads.get(thread) {
                    affected.extend(members.iter().map(|p| p.to_string()));
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
                affected.extend(members.iter().map(|p| p.to_string()));
            }
        }
        for key in keys {
            if let Some(files) = self.link_dependents.get(&key) {
                affected.extend(files.iter().map(|p| p.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::analysis::diagnostics::fixture::{snapshot, sources};
    use crate::index::Snapshot;
    use crate::ingest::{Content, Policy};

    const WORKSPACE: &str = r#"
//- /strategy/canvas/10-assumptions.md
### A1: One
**Status:** testing

### A2: Two
//- /threads/sales/x/2-hypothesis.md
Tests: A1 - x
//- /threads/sales/x/1-input.md
# Input
//- /threads/sales/y/2-hypothesis.md
Tests: A2 - y
//- /threads/sales/z/2-hypothesis.md
Tests: A9 - z
[next](../w/1-input.md)
"#;

    /// Writes the files of `fixture` into `snapshot` one by one, as edits
    /// (new text for an existing file, or a new file); returns every file
    /// the edits affected.
    fn edit(snapshot: &mut Snapshot, fixture: &str) -> BTreeSet<String> {
        let mut affected = BTreeSet::new();
        for source in sources(fixture) {
            let file = Policy::new(&snapshot.config).lower(
                &source.path,
                Content::Disk(source.content),
                None,
            );
            affected.extend(snapshot.upsert(file));
        }
        affected
    }

    #[test]
    fn an_edited_file_keeps_the_path_its_tables_share() {
        let path = "threads/sales/x/2-hypothesis.md";
        let mut snapshot = snapshot(WORKSPACE);
        // Keys changed (A1 -> A2) and unchanged (the same citation again).
        for text in ["Tests: A2 - x", "Tests: A2 - x, retitled"] {
            edit(&mut snapshot, &format!("//- /{path}\n{text}\n"));
            let (key, file) = snapshot.files.get_key_value(path).expect("filed");
            let shared = file.path.as_ptr();
            assert_eq!(key.as_ptr(), shared, "{text}");
            let listed = snapshot.paths.get(path).expect("listed");
            assert_eq!(listed.as_ptr(), shared, "{text}");
            let thread = snapshot.threads.get("threads/sales/x").expect("thread");
            let member = thread.iter().find(|p| p.as_str() == path).expect("member");
            assert_eq!(member.as_ptr(), shared, "{text}");
        }
    }

    /// Edits `workspace` with `fixture` and checks the affected files.
    #[track_caller]
    fn check_affected(workspace: &str, fixture: &str, expected: &[&str]) {
        let mut snapshot = snapshot(workspace);
        let affected = edit(&mut snapshot, fixture);
        let expected: BTreeSet<String> = expected.iter().map(|p| p.to_string()).collect();
        assert_eq!(affected, expected);
    }

    /// Edits `snapshot` with `fixture` and checks that the edit reaches
    /// (at least) the files `reached`.
    #[track_caller]
    fn check_reaches(snapshot: &mut Snapshot, fixture: &str, reached: &[&str]) {
        let affected = edit(snapshot, fixture);
        for path in reached {
            assert!(affected.contains(*path), "{path} not in {affected:?}");
        }
    }

    /// A goal edit reaches the threads citing the goal when what their
    /// rules read of it changed (its id, its subgoals' ids, its first
    /// heading's range), not for a subgoal's title or status.
    #[test]
    fn a_goal_edit_reaches_its_citing_threads_when_their_rules_read_it() {
        let goal = "strategy/goals/active/g-one.md";
        let text = "---\nid: g-one\nstatus: active\n---\n# Goal: One\n\n#### SG1: first\n- **Status:** pending\n\n#### SG2: second\n";
        let workspace = format!(
            "//- /{goal}\n{text}//- /threads/sales/a/1-input.md\n---\ngoal_id: g-one\n---\n# Input\n//- /threads/sales/b/1-input.md\n**Goal:** g-one (SG2: Second)\n"
        );
        let edited = |old: &str, new: &str| format!("//- /{goal}\n{}", text.replace(old, new));
        let citing = [
            goal,
            "threads/sales/a/1-input.md",
            "threads/sales/b/1-input.md",
        ];
        check_affected(&workspace, &edited("SG1: first", "SG1: first one"), &[goal]);
        check_affected(&workspace, &edited("pending", "done"), &[goal]);
        check_affected(&workspace, &edited("SG2: second", "SG3: second"), &citing);
        check_affected(&workspace, &edited("id: g-one", "id: g-two"), &citing);
        check_affected(&workspace, &edited("# Goal: One", "# Goal: One!"), &citing);
    }

    #[test]
    fn an_entry_edit_reaches_only_its_citing_files() {
        check_affected(
            WORKSPACE,
            r#"
//- /strategy/canvas/10-assumptions.md
### A1: One
**Status:** validated

### A2: Two
"#,
            &[
                "strategy/canvas/10-assumptions.md",
                "threads/sales/x/2-hypothesis.md",
            ],
        );
    }

    /// No diagnostic reads an entry's title: typing in it reaches the
    /// section only, and leaves the tables as they were.
    #[test]
    fn retitling_an_entry_reaches_only_its_section() {
        let mut snapshot = snapshot(WORKSPACE);
        let before = snapshot.clone();
        let affected = edit(
            &mut snapshot,
            r#"
//- /strategy/canvas/10-assumptions.md
### A1: One, retitled
**Status:** testing

### A2: Two
"#,
        );
        assert_eq!(
            affected,
            BTreeSet::from(["strategy/canvas/10-assumptions.md".to_string()])
        );
        assert_eq!(snapshot.assumptions, before.assumptions);
        assert_eq!(snapshot.assumption_refs, before.assumption_refs);
    }

    /// A learning edited without a change of its keys still gets new
    /// versions for its results: their ranges may have moved.
    #[test]
    fn a_learning_edited_in_place_gets_new_result_versions() {
        let mut snapshot = snapshot(
            "//- /strategy/canvas/10-assumptions.md\n### A1: One\n\
             //- /threads/sales/x/6-learning.md\n- A1: VALIDATED\n",
        );
        let version = snapshot.learning_versions["A1"];
        let keys = snapshot.learning_records.clone();
        edit(
            &mut snapshot,
            "//- /threads/sales/x/6-learning.md\n# Learning\n\n- A1: VALIDATED\n",
        );
        assert_eq!(snapshot.learning_records, keys);
        assert_ne!(snapshot.learning_versions["A1"], version);
    }

    #[test]
    fn defining_an_id_reaches_files_citing_it() {
        check_affected(
            WORKSPACE,
            r#"
//- /strategy/canvas/10-assumptions.md
### A1: One
**Status:** testing

### A2: Two

### A9: Nine
"#,
            &[
                "strategy/canvas/10-assumptions.md",
                "threads/sales/z/2-hypothesis.md",
            ],
        );
    }

    #[test]
    fn a_citation_change_reaches_the_definition_and_the_thread() {
        // A2 lost its only citing thread, A1 gained one: the Canvas file.
        check_affected(
            WORKSPACE,
            r#"
//- /threads/sales/y/2-hypothesis.md
Tests: A1 - now one
"#,
            &[
                "strategy/canvas/10-assumptions.md",
                "threads/sales/y/2-hypothesis.md",
            ],
        );
    }

    /// An assumptions section without entries still changes what every
    /// assumption-unknown says (which file it names, or that there is
    /// none), created or removed.
    #[test]
    fn an_assumptions_section_appearing_or_going_reaches_every_citing_file() {
        let mut snapshot = snapshot(WORKSPACE);
        snapshot.remove("strategy/canvas/10-assumptions.md");
        let cited = [
            "threads/sales/x/2-hypothesis.md",
            "threads/sales/y/2-hypothesis.md",
            "threads/sales/z/2-hypothesis.md",
        ];
        check_reaches(
            &mut snapshot,
            r#"
//- /strategy/canvas/10.assumptions.md
# Assumptions
"#,
            &cited,
        );
        let affected = snapshot.remove("strategy/canvas/10.assumptions.md");
        for path in cited {
            assert!(affected.contains(path), "{path} not in {affected:?}");
        }
    }

    #[test]
    fn creating_a_link_target_reaches_the_linking_file() {
        let mut snapshot = snapshot(WORKSPACE);
        let created = "threads/sales/w/1-input.md";
        check_reaches(
            &mut snapshot,
            r#"
//- /threads/sales/w/1-input.md
# Input
"#,
            &["threads/sales/z/2-hypothesis.md"],
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
            r#"
//- /strategy/canvas/10-assumptions.md
### A1: One
**Status:** testing
//- /strategy/canvas/09-solution.md
### SDK
- **Evidence:** threads/eng/sdk/6-learning.md
//- /threads/eng/sdk/6-learning.md
**Status:** ✅ VALIDATED
- A1: VALIDATED
"#,
        );
        // A new stated result for A1 reaches the assumptions section and,
        // through the outcome, the solution section.
        check_reaches(
            &mut snapshot,
            r#"
//- /threads/eng/sdk/6-learning.md
**Status:** ❌ INVALIDATED
- A1: INVALIDATED
"#,
            &[
                "strategy/canvas/10-assumptions.md",
                "strategy/canvas/09-solution.md",
            ],
        );
        // An edited 09 entry reaches the learning behind it.
        check_reaches(
            &mut snapshot,
            r#"
//- /strategy/canvas/09-solution.md
### SDK (Validated)
- **Evidence:** threads/eng/sdk/6-learning.md
"#,
            &["threads/eng/sdk/6-learning.md"],
        );
    }

    /// An edit of the solution section reaches the learnings behind the
    /// entries it changed (by evidence, or announcing the old or the new
    /// name), not the other learnings; prose that only moves the entries
    /// reaches no learning.
    #[test]
    fn a_09_edit_reaches_the_learnings_behind_the_entries_it_changed() {
        let workspace = r#"
//- /strategy/canvas/09-solution.md
# Solution

What we built.

### SDK
- **Evidence:** threads/eng/sdk/6-learning.md

### Feed
### Ledger
### Legacy
**Status:** ✅ VALIDATED
//- /threads/eng/legacy/7-learning.md
09-solution.md → "Legacy"
//- /threads/eng/legacy/6-learning.md
**Status:** ❌ INVALIDATED
//- /threads/eng/sdk/6-learning.md
**Status:** ✅ VALIDATED
//- /threads/eng/feed/6-learning.md
**Status:** ✅ VALIDATED
09-solution.md → "Feed"
//- /threads/eng/ledger/6-learning.md
**Status:** ✅ VALIDATED
09-solution.md → "Ledger v2"
//- /threads/eng/other/6-learning.md
**Status:** ✅ VALIDATED
09-solution.md → "Other"
"#;
        let solution = "strategy/canvas/09-solution.md";
        let edited = |old: &str, new: &str| {
            let (_, text) = workspace
                .split_once("//- /strategy/canvas/09-solution.md\n")
                .unwrap();
            let text = text.split("//- ").next().unwrap().replace(old, new);
            format!("//- /{solution}\n{text}")
        };
        check_affected(
            workspace,
            &edited("What we built.", "What we have built."),
            &[solution],
        );
        check_affected(
            workspace,
            &edited("threads/eng/sdk/", "threads/eng/sdk2/"),
            &[solution, "threads/eng/sdk/6-learning.md"],
        );
        check_affected(
            workspace,
            &edited("### Ledger", "### Ledger v2"),
            &[solution, "threads/eng/ledger/6-learning.md"],
        );
        // Every file of a thread announcing the entry reads it.
        check_affected(
            workspace,
            &edited("**Status:** ✅ VALIDATED", "**Status:** ❌ INVALIDATED"),
            &[
                solution,
                "threads/eng/legacy/6-learning.md",
                "threads/eng/legacy/7-learning.md",
            ],
        );
        check_affected(
            workspace,
            &edited("### Feed\n### Ledger", "### Ledger\n### Feed"),
            &[
                solution,
                "threads/eng/feed/6-learning.md",
                "threads/eng/ledger/6-learning.md",
                "threads/eng/legacy/6-learning.md",
                "threads/eng/legacy/7-learning.md",
                "threads/eng/other/6-learning.md",
                "threads/eng/sdk/6-learning.md",
            ],
        );
    }

    #[test]
    fn an_announced_result_reaches_the_solution_section() {
        let mut snapshot = snapshot(
            r#"
//- /strategy/canvas/09-solution.md
### SDK
**Confidence:** 95%
//- /threads/eng/sdk/6-learning.md
09-solution.md → "SDK" (confidence: 95%)
"#,
        );
        check_reaches(
            &mut snapshot,
            r#"
//- /threads/eng/sdk/6-learning.md
09-solution.md → "SDK" (confidence: 90%)
"#,
            &["strategy/canvas/09-solution.md"],
        );
    }

    #[test]
    fn announcements_follow_edits_and_link_unevidenced_entries() {
        use crate::analysis::drift::{evidence_of, solution_entries, Evidence};
        let mut snapshot = snapshot(
            r#"
//- /strategy/canvas/09-solution.md
### Bank Feed SDK
//- /threads/eng/b/6-learning.md
Canvas update: 09-solution.md → "Bank feed SDK"
//- /threads/eng/a/6-learning.md
Canvas update: 09-solution.md → "Bank-Feed SDK (4 banks)"
"#,
        );
        let linked = |s: &Snapshot| {
            let entries = solution_entries(s);
            evidence_of(s, entries[0].2)
        };
        // Both threads announce it; the first in path order wins.
        assert_eq!(linked(&snapshot), Evidence::Thread("threads/eng/a".into()));
        edit(
            &mut snapshot,
            r#"
//- /threads/eng/a/6-learning.md
# Learning
"#,
        );
        assert_eq!(linked(&snapshot), Evidence::Thread("threads/eng/b".into()));
        snapshot.remove("threads/eng/b/6-learning.md");
        assert_eq!(linked(&snapshot), Evidence::Unlinked);
        assert!(snapshot.solution_announcements.is_empty());
    }

    #[test]
    fn a_thread_member_change_reaches_its_siblings_only() {
        check_affected(
            WORKSPACE,
            r#"
//- /threads/sales/x/1-input.md
# Input

More.
"#,
            &[
                "threads/sales/x/1-input.md",
                "threads/sales/x/2-hypothesis.md",
            ],
        );
    }
}
