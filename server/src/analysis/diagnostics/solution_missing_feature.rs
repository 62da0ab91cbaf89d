//! `solution-missing-feature`: a completed engineering thread (stage 6
//! present, hypothesis not invalidated, not killed) announces a 09 update
//! (`09-solution.md → "White-Label SDK"`) that the solution section does not
//! contain: no entry with the same feature key, nor, when the thread
//! announces a single feature, an entry whose evidence points into this
//! thread (with several, evidence cannot tell which one it records).
//! Reported on the announcement, pointing at the solution section.

use super::{Context, Data, Diagnostic, Related};
use crate::analysis::actions::fix::{append, fix, line_start, not_in_mvp_heading, status_text};
use crate::analysis::actions::{Action, FileOp};
use crate::analysis::drift::{evidence_of, shipping_thread, solution_entries, Evidence};
use crate::facts::solution::feature_key;
use crate::facts::status::AssumptionStatus;
use crate::facts::AnnouncedResult;

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
    for (index, (name, range)) in facts.solution_updates.iter().enumerate() {
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
        let mut diagnostic = context.diagnostic_with(
            Data::SolutionMissingFeature {
                name: name.clone(),
                stated: facts
                    .solution_update_results
                    .get(index)
                    .copied()
                    .unwrap_or_default(),
            },
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
            diagnostic.relate(Related {
                path: file.to_string(),
                range: 0..0,
                message: "the solution section".into(),
            });
        }
        out.push(diagnostic);
    }
}

/// Adds feature `name` to the solution section (before `NOT in MVP`,
/// or creates the section) with this learning as evidence and the status
/// and confidence it `stated` for the feature, else its own outcome.
pub fn fixes(
    context: &Context,
    d: &Diagnostic,
    name: &str,
    stated: AnnouncedResult,
) -> Vec<Action> {
    let (snapshot, file) = (context.snapshot, context.file);
    let status = stated
        .status
        .or_else(|| file.facts.outcome.as_ref().map(|(s, _)| *s))
        .unwrap_or(AssumptionStatus::Validated);
    let mut block = format!(
        "### {name}\n\n- **Evidence:** {}\n- **Status:** {}\n",
        file.path,
        status_text(status)
    );
    if let Some(c) = stated.confidence.or(file.facts.outcome_confidence) {
        block.push_str(&format!("- **Confidence:** {c}%\n"));
    }
    let op = match snapshot
        .canvas
        .get(&9)
        .and_then(|s| s.iter().next())
        .and_then(|p| snapshot.files.get(&**p))
    {
        Some(solution) => {
            // Before `NOT in MVP` when there is one, else at the end.
            let Some(text) = solution.exact_text() else {
                return Vec::new();
            };
            let not_in_mvp = not_in_mvp_heading(solution).map(|h| line_start(&text, h.range.start));
            match not_in_mvp {
                Some(offset) => FileOp::insert(&solution.path, offset, format!("{block}\n")),
                None => match append(solution, &block) {
                    Some(op) => op,
                    None => return Vec::new(),
                },
            }
        }
        None => FileOp::Create {
            path: format!("{}/09-solution.md", snapshot.config.canvas_dir),
            text: format!("# 09. Solution\n\n## MVP Feature Set\n\n{block}"),
        },
    };
    vec![fix(
        format!("Add `{name}` to the solution section"),
        d,
        true,
        vec![op],
    )]
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn announced_features_must_be_in_09() {
        let found = check(
            r#"//- /strategy/canvas/09-solution.md
# Solution

### Bank Feed SDK

## Features

- Match suggestions
//- /threads/engineering/sdk/6-learning.md
# Learning
**Status:** ✅ VALIDATED

Canvas update: 09-solution.md → "Bank Feed SDK (validated, 4 banks)"
Canvas update: 09-solution.md → "Payroll export"
//- /threads/engineering/killed/4-decision.md
**KILL** the idea
//- /threads/engineering/killed/6-learning.md
Canvas update: 09-solution.md → "Dead feature"
//- /threads/sales/x/6-learning.md
Canvas update: 09-solution.md → "Not engineering"
//- /threads/engineering/bad/6-learning.md
**Status:** ❌ INVALIDATED
09-solution.md → "Failed idea"
"#,
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
    use crate::analysis::diagnostics::fixture::fix_test::*;

    #[test]
    fn a_single_announcement_is_found_by_evidence() {
        let found = check(
            r#"//- /strategy/canvas/09-solution.md
### Direct bank feeds
- **Evidence:** threads/engineering/sdk/6-learning.md
//- /threads/engineering/sdk/6-learning.md
Canvas update: 09-solution.md → "Bank Feed SDK"
"#,
            "solution-missing-feature",
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn the_fix_adds_the_feature_before_not_in_mvp() {
        let files = check_fix(
            r#"//- /strategy/canvas/09-solution.md
# Solution

## MVP Feature Set

### Invoices

## NOT in MVP

- Payroll
//- /threads/engineering/sdk/6-learning.md
**Status:** ✅ VALIDATED
Canvas update: 09-solution.md → "Bank Feed SDK"
"#,
            "threads/engineering/sdk/6-learning.md",
            "solution-missing-feature",
            "Add `Bank Feed SDK`",
        );
        assert_eq!(
            files["strategy/canvas/09-solution.md"],
            r#"# Solution

## MVP Feature Set

### Invoices

### Bank Feed SDK

- **Evidence:** threads/engineering/sdk/6-learning.md
- **Status:** ✅ VALIDATED

## NOT in MVP

- Payroll
"#
        );
    }
}
