//! `assumption-unknown`: an assumption reference names an ID that no
//! assumptions section defines (leanos-formats.md §2.6: "Check assumption
//! IDs match 10-assumptions.md").

use super::{Context, Diagnostic, Related};
use crate::analysis::resolve::assumptions_files;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    let mut files = None;
    for reference in &context.file.facts.refs {
        if snapshot.assumptions.contains_key(&reference.id) {
            continue;
        }
        let files = files.get_or_insert_with(|| assumptions_files(snapshot));
        let mut diagnostic = context.diagnostic(
            "assumption-unknown",
            reference.range.clone(),
            match files.first() {
                Some(file) => format!("assumption `{}` is not defined in `{file}`", reference.id),
                None => format!(
                    "assumption `{}` is not defined: the workspace has no assumptions section (`{}/10-assumptions.md`)",
                    reference.id, snapshot.config.canvas_dir
                ),
            },
        );
        if let Some(file) = files.first() {
            diagnostic.related.push(Related {
                path: file.clone(),
                range: 0..0,
                message: "the assumptions section".into(),
            });
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    const CANVAS: &str = "//- /strategy/canvas/10-assumptions.md\n# Assumptions\n\n### A4: White-label preference\n**Status:** ✅ VALIDATED\n\n| ID | Assumption | Status |\n|---|---|---|\n| H1 | Case studies convert | testing |\n\n- T2: SDK scales\n";

    #[test]
    fn unknown_ids_in_every_reference_shape() {
        let fixture = format!(
            "{CANVAS}//- /threads/sales/acme/2-hypothesis.md\n# Stage 2: Hypothesis\n\nTests: A4 - known\nTests: A9 - unknown\n\nCanvas link: 10-assumptions.md → H7\n//- /threads/sales/acme/6-learning.md\n# Stage 6: Learning\n\n- A5: learned\n//- /threads/sales/acme/meta.json\n{{\"canvas_assumptions\": [\"A4\", \"T3\"]}}\n"
        );
        let found = check(&fixture, "assumption-unknown");
        assert_eq!(
            found,
            [
                "threads/sales/acme/2-hypothesis.md:3:7-3:9 error assumption `A9` is not defined in `strategy/canvas/10-assumptions.md`",
                "threads/sales/acme/2-hypothesis.md:5:33-5:35 error assumption `H7` is not defined in `strategy/canvas/10-assumptions.md`",
                "threads/sales/acme/6-learning.md:2:2-2:4 error assumption `A5` is not defined in `strategy/canvas/10-assumptions.md`",
                "threads/sales/acme/meta.json:0:31-0:33 error assumption `T3` is not defined in `strategy/canvas/10-assumptions.md`",
            ]
        );
    }

    #[test]
    fn near_misses_are_not_references() {
        // H1 in prose about HTML headings, IDs in fenced code of a non-stage
        // file, `Tests: 4/5 passed`, SG2 and US-016 look-alikes.
        let fixture = format!(
            "{CANVAS}//- /docs/seo.md\n# SEO\n\nUse one H1 and several H2 per page. Tests: 4/5 passed.\n\n```\nTests: A9 - in a fence\n```\n//- /threads/sales/acme/1-input.md\n# Stage 1: Input\n\nWe saw H3 headings, SG2 and US-016 in the notes.\n"
        );
        assert!(check(&fixture, "assumption-unknown").is_empty());
    }

    #[test]
    fn fences_count_in_stage_files() {
        let fixture = format!(
            "{CANVAS}//- /threads/ops/x/6-learning.md\n# Stage 6: Learning\n\n## Canvas Updates\n\n```\nA8: new\nStatus: validated\n```\n"
        );
        let found = check(&fixture, "assumption-unknown");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("threads/ops/x/6-learning.md:5:0-5:2"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn no_assumptions_section_at_all() {
        let found = check(
            "//- /threads/ops/x/2-hypothesis.md\n## Assumption Being Tested\n\n**A7:** text\n",
            "assumption-unknown",
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].contains("has no assumptions section"),
            "{}",
            found[0]
        );
    }
}
