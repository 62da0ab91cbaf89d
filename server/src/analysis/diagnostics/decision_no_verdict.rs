//! `decision-no-verdict`: a non-empty stage 4 with no recognised verdict
//! (the verbs of leanos-formats.md §3.8, as `**PROCEED**`, `Decision:
//! CREATE - …`, a bold or capitalised verb under `## Decision`/`## Verdict`,
//! or frontmatter `status: accepted|rejected|deferred`).

use super::{anchor, Context, Diagnostic};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let facts = &context.file.facts;
    if !matches!(context.stage(), Some((4, _))) || facts.empty || context.unread() {
        return;
    }
    if facts.verdict.is_none() {
        out.push(context.diagnostic(
            "decision-no-verdict",
            anchor(context.file),
            "this decision records no verdict (PROCEED/DEFER/DECLINE, PURSUE/PASS, BUILD/KILL, …)".into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn verdict_forms() {
        let quiet = [
            "# Stage 4: Decision\n\n## Decision\n\n**PROCEED** with a trial.\n",
            "# Decision\n\nDecision: CREATE - case study\n",
            "# Decision\n\n**Decision:** QUALIFY the lead\n",
            "---\nstatus: rejected\n---\n# Decision\n",
            "# Decision\n\n## Verdict\n\nPURSUE\n",
            "# Decision\n\n## The Decision\n\n**Build** the SDK.\n",
        ];
        for text in quiet {
            let fixture = format!(
                r#"//- /threads/s/a/4-decision.md
{text}"#
            );
            assert!(check(&fixture, "decision-no-verdict").is_empty(), "{text}");
        }
        let loud = "# Stage 4: Decision\n\n## Alternatives\n\n| Option | Decision |\n|---|---|\n| A | Rejected |\n\nWe will think more.\n";
        let found = check(
            &format!(
                r#"//- /threads/s/a/4-decision.md
{loud}"#
            ),
            "decision-no-verdict",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
    }
}
