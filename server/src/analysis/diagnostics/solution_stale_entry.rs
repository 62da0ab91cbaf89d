//! `solution-stale-entry`: a 09 entry whose evidence thread is missing or
//! archived, whose thread's hypothesis was invalidated or whose decision
//! killed or declined it, or whose status or confidence disagrees with that
//! thread's latest learning. Entries under `NOT in MVP` are not checked.
//! Reported on the entry; a disagreement also on the thread's learning.

use super::{Context, Diagnostic, Related};
use crate::analysis::drift::{
    abandoned, disagreement, evidence_of, learned_for, learning_of, solution_entries, Evidence,
};
use crate::analysis::thread::thread_info;
use crate::facts::paths::PathKind;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    let facts = &context.file.facts;
    if matches!(facts.path_kind(), PathKind::Canvas { number: 9, .. }) {
        for entry in facts.solution_entries.iter().filter(|e| !e.not_in_mvp) {
            let (message, related) = match evidence_of(snapshot, entry) {
                Evidence::Unlinked => continue,
                Evidence::Missing(path) => (
                    format!("`{}`: its evidence `{path}` does not exist", entry.name),
                    None,
                ),
                Evidence::Archived(path) => (
                    format!(
                        "`{}`: its evidence thread is archived (`{path}`)",
                        entry.name
                    ),
                    None,
                ),
                Evidence::Thread(dir) => {
                    let info = thread_info(snapshot, &dir);
                    let learning = learning_of(&info);
                    let related = learning.map(|f| Related {
                        path: f.path.clone(),
                        range: learned_for(entry, f).range.unwrap_or(0..0),
                        message: "the thread's learning".into(),
                    });
                    if let Some(reason) = abandoned(&info) {
                        (format!("`{}` is stale: {reason}", entry.name), related)
                    } else if let Some(difference) = learning.and_then(|l| disagreement(entry, l)) {
                        (
                            format!("`{}` is stale: the entry shows {difference}", entry.name),
                            related,
                        )
                    } else {
                        continue;
                    }
                }
            };
            let mut diagnostic =
                context.diagnostic("solution-stale-entry", entry.name_range.clone(), message);
            diagnostic.related.extend(related);
            out.push(diagnostic);
        }
        return;
    }
    // The thread end: this learning disagrees with the 09 entry it backs.
    let Some((6 | 7, _)) = context.stage() else {
        return;
    };
    let Some(thread) = facts.path_kind().thread() else {
        return;
    };
    if facts.outcome.is_none() && facts.solution_updates.is_empty() {
        return;
    }
    for (file, _, entry) in solution_entries(snapshot) {
        if entry.not_in_mvp || evidence_of(snapshot, entry) != Evidence::Thread(thread.to_string())
        {
            continue;
        }
        let Some(range) = learned_for(entry, context.file).range else {
            continue;
        };
        if let Some(difference) = disagreement(entry, context.file) {
            let mut diagnostic = context.diagnostic(
                "solution-stale-entry",
                range,
                format!(
                    "the 09 entry `{}` this thread backs shows {difference}",
                    entry.name
                ),
            );
            diagnostic.related.push(Related {
                path: file.path.clone(),
                range: entry.name_range.clone(),
                message: "the 09 entry".into(),
            });
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn stale_entries_and_their_threads() {
        let found = check(
            "//- /strategy/canvas/09-solution.md\n# Solution\n\n### Bank Feed SDK (Validated)\n- **Evidence:** threads/engineering/sdk/6-learning.md\n- **Confidence:** 90%\n\n### Gone Feature\n- **Evidence:** threads/engineering/gone/6-learning.md\n\n### Old Feature\n- **Evidence:** threads/engineering/archive/old/6-learning.md\n\n### Killed Feature\n- **Evidence:** threads/engineering/killed/\n\n## NOT in MVP\n\n### Parked\n- **Evidence:** threads/engineering/nowhere/\n//- /threads/engineering/sdk/6-learning.md\n# Learning\n**Status:** ✅ VALIDATED\n**Posterior confidence:** 95%\n//- /threads/engineering/archive/old/6-learning.md\n# Learning\n//- /threads/engineering/killed/4-decision.md\n**KILL** it\n",
            "solution-stale-entry",
        );
        assert_eq!(
            found,
            [
                "strategy/canvas/09-solution.md:2:4-2:17 warning `Bank Feed SDK` is stale: the entry shows confidence 90% (the learning: 95%)",
                "strategy/canvas/09-solution.md:6:4-6:16 warning `Gone Feature`: its evidence `threads/engineering/gone/6-learning.md` does not exist",
                "strategy/canvas/09-solution.md:9:4-9:15 warning `Old Feature`: its evidence thread is archived (`threads/engineering/archive/old/6-learning.md`)",
                "strategy/canvas/09-solution.md:12:4-12:18 warning `Killed Feature` is stale: its decision was KILL",
                "threads/engineering/sdk/6-learning.md:1:0-1:23 warning the 09 entry `Bank Feed SDK` this thread backs shows confidence 90% (the learning: 95%)",
            ]
        );
    }

    /// A result belongs to the item it is written under: the confidence of
    /// the 09 announcement is compared with the 09 entry, not the
    /// confidence of an assumption heading earlier in the learning; the
    /// learning's own outcome counts only where the announcement states
    /// nothing.
    #[test]
    fn the_announcement_states_the_features_result() {
        let found = check(
            "//- /strategy/canvas/09-solution.md\n# Solution\n\n## MVP Feature Set\n\n### White-Label SDK\n**Confidence:** 95%\n\n### Bank Feed SDK\n**Status:** ✅ VALIDATED\n**Confidence:** 90%\n\n### Receipt OCR\n**Status:** ✅ VALIDATED\n**Confidence:** 90%\n//- /threads/engineering/sdk/meta.json\n{\"type\":\"engineering\",\"status\":\"completed\"}\n//- /threads/engineering/sdk/6-learning.md\n# Stage 6: Learning\n\n### T1: Composition scales\n**Confidence:** 70%\n\n## Canvas Updates\n\n09-solution.md → \"White-Label SDK\" (confidence: 95%)\n//- /threads/engineering/bank/6-learning.md\n# Stage 6: Learning\n\n**Status:** ✅ VALIDATED\n**Posterior confidence:** 90%\n\n### T2: Feeds are reliable\n**Status:** ⚠️ CHALLENGED\n**Confidence:** 40%\n\n## Canvas Updates\n\n- 09-solution.md → \"Bank Feed SDK (partially validated)\"\n  - Confidence: 80%\n- 09-solution.md → \"Receipt OCR\"\n",
            "solution-stale-entry",
        );
        assert_eq!(
            found,
            [
                "strategy/canvas/09-solution.md:7:4-7:17 warning `Bank Feed SDK` is stale: the entry shows status VALIDATED (the learning: PARTIAL), confidence 90% (the learning: 80%)",
                "threads/engineering/bank/6-learning.md:11:20-11:33 warning the 09 entry `Bank Feed SDK` this thread backs shows status VALIDATED (the learning: PARTIAL), confidence 90% (the learning: 80%)",
            ]
        );
    }
}
