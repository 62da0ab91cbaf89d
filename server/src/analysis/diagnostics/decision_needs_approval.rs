//! `decision-needs-approval`: stage 4's impact score is at or above the
//! approval threshold (0.8 by default, leanos-formats.md §3.9) and no
//! approval by a person is recorded (`Approved by: Jane`, frontmatter
//! `approved_by`/`decided_by` naming a person, `owner: human`, a ticked
//! `[x] Approve`). "Auto-approved" and agents do not count.

use super::{Context, Diagnostic};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let facts = &context.file.facts;
    if !matches!(context.stage(), Some((4, _))) {
        return;
    }
    let Some((score, range)) = &facts.impact else {
        return;
    };
    let threshold = context.snapshot.config.approval_threshold;
    if *score >= threshold && !facts.approved {
        out.push(context.diagnostic(
            "decision-needs-approval",
            range.clone(),
            format!("impact score {score} is at or above {threshold}: record a person's approval (`**Approved by:** Name`)"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn threshold_and_approvals() {
        let found = check(
            "//- /threads/s/a/4-decision.md\n**PROCEED**\n- **Impact score:** 0.85\n- **Approval:** Auto-approved per autonomy settings\n//- /threads/s/b/4-decision.md\n**PROCEED**\nImpact score: 0.85\n**Approved by:** Dana Smith\n//- /threads/s/c/4-decision.md\n**PROCEED**\nImpact score: 0.76 (below 0.8 threshold)\n//- /threads/s/d/4-decision.md\n---\nimpact_score: 0.9\nowner: human\n---\n**BUILD**\n//- /threads/s/e/4-decision.md\n---\nimpact_score: 0.8\n---\n**BUILD**\n",
            "decision-needs-approval",
        );
        assert_eq!(
            found,
            [
                "threads/s/a/4-decision.md:1:20-1:24 warning impact score 0.85 is at or above 0.8: record a person's approval (`**Approved by:** Name`)",
                "threads/s/e/4-decision.md:1:14-1:17 warning impact score 0.8 is at or above 0.8: record a person's approval (`**Approved by:** Name`)",
            ]
        );
    }
}
