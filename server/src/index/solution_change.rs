//! Which 09 entries an edit of the solution section changed, for what
//! the edit invalidates: an entry as the rules over other files read it
//! (its name, status, confidence, evidence path, form and whether it is
//! under `NOT in MVP`), not where it stands. Typing in a description or
//! above the entries moves every entry's ranges; the diagnostics of other
//! files that point at them are re-sent as the text moves (`lsp/moves.rs`),
//! so such an edit changes no entry here. It used to re-diagnose every
//! learning of the workspace on every keystroke in `09-solution.md`.

use crate::facts::solution::{SolutionEntry, SolutionForm};
use crate::facts::status::AssumptionStatus;
use crate::facts::FileFacts;

/// What an edit changed of a file's 09 entries.
#[derive(Debug, PartialEq)]
pub(super) enum SolutionChange<'a> {
    /// Nothing the rules over other files read.
    Same,
    /// These entries, as they were or as they are (one of each for an
    /// entry edited in place); the others are the same, in the same order.
    Entries(Vec<&'a SolutionEntry>),
    /// The unchanged entries are in another order too.
    Reordered,
}

/// An entry as the rules over other files read it.
type Key<'a> = (
    &'a str,
    Option<AssumptionStatus>,
    Option<u8>,
    Option<&'a str>,
    bool,
    SolutionForm,
);

fn key(entry: &SolutionEntry) -> Key<'_> {
    (
        &entry.name,
        entry.status,
        entry.confidence,
        entry.evidence.as_ref().map(|(path, _)| path.as_str()),
        entry.not_in_mvp,
        entry.form,
    )
}

/// What the edit from `old` to `new` changed of their 09 entries.
pub(super) fn solution_change<'a>(old: &'a FileFacts, new: &'a FileFacts) -> SolutionChange<'a> {
    let before: Vec<Key> = old.solution_entries.iter().map(key).collect();
    let after: Vec<Key> = new.solution_entries.iter().map(key).collect();
    if before == after {
        return SolutionChange::Same;
    }
    // The keys on one side only, as many times as they are there more.
    let mut sorted_before = before.clone();
    let mut sorted_after = after.clone();
    sorted_before.sort_unstable();
    sorted_after.sort_unstable();
    let mut changed_keys = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < sorted_before.len() || j < sorted_after.len() {
        match (sorted_before.get(i), sorted_after.get(j)) {
            (Some(b), Some(a)) if b == a => (i, j) = (i + 1, j + 1),
            (Some(b), Some(a)) if b < a => {
                changed_keys.push(*b);
                i += 1;
            }
            (Some(b), None) => {
                changed_keys.push(*b);
                i += 1;
            }
            (_, Some(a)) => {
                changed_keys.push(*a);
                j += 1;
            }
            (None, None) => break,
        }
    }
    changed_keys.sort_unstable();
    let is_changed = |k: &Key| changed_keys.binary_search(k).is_ok();
    let rest = |keys: &[Key<'a>]| {
        keys.iter()
            .filter(|k| !is_changed(k))
            .copied()
            .collect::<Vec<_>>()
    };
    if rest(&before) != rest(&after) {
        return SolutionChange::Reordered;
    }
    let entries = old.solution_entries.iter().chain(&new.solution_entries);
    SolutionChange::Entries(entries.filter(|e| is_changed(&key(e))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::markdown::tests::lowered;

    const PATH: &str = "strategy/canvas/09-solution.md";
    const TEXT: &str = "# Solution\n\nWhat we built.\n\n### Alpha\n**Evidence:** threads/engineering/a/6-learning.md\n\n### Beta\n**Status:** ✅ VALIDATED\n";

    fn names(change: &SolutionChange) -> Vec<String> {
        match change {
            SolutionChange::Entries(entries) => entries.iter().map(|e| e.name.clone()).collect(),
            other => vec![format!("{other:?}")],
        }
    }

    #[test]
    fn moved_entries_are_the_same_and_edited_ones_are_listed() {
        let old = lowered(PATH, TEXT);
        let moved = lowered(
            PATH,
            &TEXT.replace("What we built.", "What we have built so far."),
        );
        assert_eq!(solution_change(&old, &moved), SolutionChange::Same);
        let renamed = lowered(PATH, &TEXT.replace("### Beta", "### Betamax"));
        assert_eq!(names(&solution_change(&old, &renamed)), ["Beta", "Betamax"]);
        let evidence = lowered(PATH, &TEXT.replace("engineering/a/", "engineering/b/"));
        assert_eq!(names(&solution_change(&old, &evidence)), ["Alpha", "Alpha"]);
        let added = lowered(PATH, &format!("{TEXT}\n### Gamma\n"));
        assert_eq!(names(&solution_change(&old, &added)), ["Gamma"]);
        let swapped = "# Solution\n\n### Beta\n**Status:** ✅ VALIDATED\n\n### Alpha\n**Evidence:** threads/engineering/a/6-learning.md\n";
        assert_eq!(
            solution_change(&old, &lowered(PATH, swapped)),
            SolutionChange::Reordered
        );
    }
}
