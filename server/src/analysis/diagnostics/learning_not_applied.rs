//! `learning-not-applied`: a learning (stage 6) records a result for an
//! assumption (`A4 … VALIDATED`, `Confidence: 60% → 95%`) that the
//! assumptions section does not show. Reported on both ends: on the
//! learning's citation and on the Canvas entry, each pointing at the other.

use super::{Context, Diagnostic, Related};
use crate::analysis::drift::result_disagreement;
use crate::facts::paths::PathKind;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    let facts = &context.file.facts;
    // The learning end.
    if matches!(context.stage(), Some((6 | 7, _))) {
        for result in &facts.learning_results {
            let Some((location, entry)) = snapshot.first_entry(&result.id) else {
                continue;
            };
            if let Some(difference) = result_disagreement(result, entry) {
                let mut diagnostic = context.diagnostic(
                    "learning-not-applied",
                    result.range.clone(),
                    format!(
                        "this learning records `{}` as {difference}: apply it to the Canvas",
                        result.id
                    ),
                );
                diagnostic.related.push(Related {
                    path: location.file.clone(),
                    range: entry.id_range.clone(),
                    message: format!("the entry of `{}`", entry.id),
                });
                out.push(diagnostic);
            }
        }
    }
    // The Canvas end.
    if !matches!(facts.path_kind(), PathKind::Canvas { number: 10, .. }) {
        return;
    }
    for (index, entry) in facts.entries.iter().enumerate() {
        let first = snapshot
            .assumptions
            .get(&entry.id)
            .and_then(|l| l.iter().next());
        if first.is_some_and(|l| l.file != context.file.path || l.index != index) {
            continue;
        }
        for path in snapshot
            .learning_records
            .get(&entry.id)
            .into_iter()
            .flatten()
        {
            let Some(learning) = snapshot.files.get(path) else {
                continue;
            };
            for result in learning
                .facts
                .learning_results
                .iter()
                .filter(|r| r.id == entry.id)
            {
                if let Some(difference) = result_disagreement(result, entry) {
                    let mut diagnostic = context.diagnostic(
                        "learning-not-applied",
                        entry.id_range.clone(),
                        format!(
                            "`{}` is not up to date: `{path}` records {difference}",
                            entry.id
                        ),
                    );
                    diagnostic.related.push(Related {
                        path: path.clone(),
                        range: result.range.clone(),
                        message: "the learning".into(),
                    });
                    out.push(diagnostic);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    const CANVAS: &str = "//- /strategy/canvas/10-assumptions.md\n### A4: White-label\n**Status:** ⏳ TESTING\n**Confidence:** 60%\n\n### A5: Done\n**Status:** ✅ VALIDATED\n**Confidence:** 90%\n";

    #[test]
    fn both_ends_of_an_unapplied_learning() {
        let fixture = format!(
            "{CANVAS}//- /threads/sales/a/6-learning.md\n# Learning\n\n## Canvas Updates\n\n```\nA4: White-label\nStatus: testing → VALIDATED\nConfidence: 60% → 95%\n```\n\n- 10-assumptions.md → A5: confidence 90% → VALIDATED\n"
        );
        let found = check(&fixture, "learning-not-applied");
        assert_eq!(
            found,
            [
                "strategy/canvas/10-assumptions.md:0:4-0:6 warning `A4` is not up to date: `threads/sales/a/6-learning.md` records VALIDATED (the assumptions section shows TESTING), 95% (the assumptions section shows 60%)",
                "threads/sales/a/6-learning.md:5:0-5:2 warning this learning records `A4` as VALIDATED (the assumptions section shows TESTING), 95% (the assumptions section shows 60%): apply it to the Canvas",
            ]
        );
    }

    #[test]
    fn applied_or_silent_learnings_are_quiet() {
        let fixture = format!(
            "{CANVAS}//- /threads/sales/a/6-learning.md\n- A4: still testing, 60% confidence\n- A5: VALIDATED, confidence 90%\n//- /threads/sales/b/2-hypothesis.md\nTests: A4 - VALIDATED soon\n//- /threads/sales/archive/c/6-learning.md\n- A4: INVALIDATED\n"
        );
        assert!(check(&fixture, "learning-not-applied").is_empty());
    }
}
