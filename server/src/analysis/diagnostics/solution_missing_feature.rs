//! `solution-missing-feature`: a completed engineering thread (stage 6
//! present, hypothesis not invalidated, not killed) announces a 09 update
//! (`09-solution.md → "White-Label SDK"`) that the solution section does not
//! contain: no entry with the same feature key, nor, when the thread
//! announces a single feature, an entry whose evidence points into this
//! thread (with several, evidence cannot tell which one it records).
//! Reported on the announcement, pointing at the solution section.

use super::{Context, Diagnostic, Related};
use crate::analysis::drift::{evidence_of, shipping_thread, solution_entries, Evidence};
use crate::facts::solution::feature_key;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let facts = &context.file.facts;
    if facts.solution_updates.is_empty() {
        return;
    }
    let snapshot = context.snapshot;
    let Some(info) = shipping_thread(snapshot, context.file) else {
        return;
    };
    let entries = solution_entries(snapshot);
    let solution_file = snapshot
        .canvas
        .get(&9)
        .and_then(|s| s.iter().next())
        .cloned();
    let single = facts.solution_updates.len() == 1;
    for (name, range) in &facts.solution_updates {
        let key = feature_key(name);
        let present = entries.iter().any(|(_, _, entry)| {
            feature_key(&entry.name) == key
                || single
                    && entry.evidence.is_some()
                    && evidence_of(snapshot, entry) == Evidence::Thread(info.dir.clone())
        });
        if present {
            continue;
        }
        let mut diagnostic = context.diagnostic(
            "solution-missing-feature",
            range.clone(),
            match &solution_file {
                Some(file) => format!("`{name}` shipped in this thread but `{file}` does not list it"),
                None => format!(
                    "`{name}` shipped in this thread but the workspace has no solution section (`{}/09-solution.md`)",
                    snapshot.config.canvas_dir
                ),
            },
        );
        if let Some(file) = &solution_file {
            diagnostic.related.push(Related {
                path: file.clone(),
                range: 0..0,
                message: "the solution section".into(),
            });
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn announced_features_must_be_in_09() {
        let found = check(
            "//- /strategy/canvas/09-solution.md\n# Solution\n\n### Bank Feed SDK\n\n## Features\n\n- Match suggestions\n//- /threads/engineering/sdk/6-learning.md\n# Learning\n**Status:** ✅ VALIDATED\n\nCanvas update: 09-solution.md → \"Bank Feed SDK (validated, 4 banks)\"\nCanvas update: 09-solution.md → \"Payroll export\"\n//- /threads/engineering/killed/4-decision.md\n**KILL** the idea\n//- /threads/engineering/killed/6-learning.md\nCanvas update: 09-solution.md → \"Dead feature\"\n//- /threads/sales/x/6-learning.md\nCanvas update: 09-solution.md → \"Not engineering\"\n//- /threads/engineering/bad/6-learning.md\n**Status:** ❌ INVALIDATED\n09-solution.md → \"Failed idea\"\n",
            "solution-missing-feature",
        );
        // The SDK thread announces two features; its evidence-linked entry
        // only vouches for one by name.
        assert_eq!(
            found,
            ["threads/engineering/sdk/6-learning.md:4:33-4:47 warning `Payroll export` shipped in this thread but `strategy/canvas/09-solution.md` does not list it"]
        );
    }
}

#[cfg(test)]
mod evidence_tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn a_single_announcement_is_found_by_evidence() {
        let found = check(
            "//- /strategy/canvas/09-solution.md\n### Direct bank feeds\n- **Evidence:** threads/engineering/sdk/6-learning.md\n//- /threads/engineering/sdk/6-learning.md\nCanvas update: 09-solution.md → \"Bank Feed SDK\"\n",
            "solution-missing-feature",
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}
