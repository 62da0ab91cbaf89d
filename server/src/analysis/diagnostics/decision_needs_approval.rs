//! `decision-needs-approval`: stage 4's impact score is at or above the
//! approval threshold (0.8 by default, leanos-formats.md §3.9) and no
//! approval by a person is recorded (`Approved by: Jane`, frontmatter
//! `approved_by`/`decided_by` naming a person, `owner: human`, a ticked
//! `[x] Approve`). "Auto-approved" and agents do not count.

use super::{Context, Data, Diagnostic};
use crate::analysis::actions::fix::{fix, line_end, line_start};
use crate::analysis::actions::{Action, FileOp};

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
        out.push(context.diagnostic_with(
            Data::DecisionNeedsApproval,
            "decision-needs-approval",
            range.clone(),
            format!("impact score {score} is at or above {threshold}: record a person's approval (`**Approved by:** Name`)"),
        ));
    }
}

/// Records an approval to fill in (`**Approved by:** NAME (today)`) on
/// the line after the impact score, or, when the score is in the
/// frontmatter, right after the frontmatter (never inside the YAML).
pub fn fixes(context: &Context, d: &Diagnostic, today: &str) -> Vec<Action> {
    let file = context.file;
    let Some(text) = file.exact_text() else {
        return Vec::new();
    };
    let text = &*text;
    let insertion = match crate::syntax::frontmatter_end(text).filter(|end| d.range.start < *end) {
        Some(end) => (end, format!("\n**Approved by:** NAME ({today})\n")),
        None => {
            let end = line_end(text, d.range.end);
            let start = line_start(text, d.range.start);
            let line = &text[start as usize..end as usize];
            let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
            let bullet = if line.trim_start().starts_with("- ") {
                "- "
            } else {
                ""
            };
            (
                end,
                format!("\n{indent}{bullet}**Approved by:** NAME ({today})"),
            )
        }
    };
    vec![fix(
        "Record a person's approval",
        d,
        false,
        vec![FileOp::insert(&file.path, insertion.0, insertion.1)],
    )]
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    #[test]
    fn threshold_and_approvals() {
        let found = check(
            r#"//- /threads/s/a/4-decision.md
**PROCEED**
- **Impact score:** 0.85
- **Approval:** Auto-approved per autonomy settings
//- /threads/s/b/4-decision.md
**PROCEED**
Impact score: 0.85
**Approved by:** Dana Smith
//- /threads/s/c/4-decision.md
**PROCEED**
Impact score: 0.76 (below 0.8 threshold)
//- /threads/s/d/4-decision.md
---
impact_score: 0.9
owner: human
---
**BUILD**
//- /threads/s/e/4-decision.md
---
impact_score: 0.8
---
**BUILD**
"#,
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

    #[test]
    fn decision_approval_template() {
        let before = snapshot(
            r#"//- /threads/s/a/4-decision.md
**PROCEED**
- **Impact score:** 0.9
"#,
        );
        let d =
            crate::analysis::diagnostics::file_diagnostics(&before, "threads/s/a/4-decision.md")
                .into_iter()
                .find(|d| d.code == "decision-needs-approval")
                .unwrap();
        let actions = quick_fixes(&before, "threads/s/a/4-decision.md", &d.range, TODAY);
        let mut files = texts(&before);
        apply(&mut files, &actions[0].ops).unwrap();
        assert!(
            files["threads/s/a/4-decision.md"]
                .contains("- **Impact score:** 0.9\n- **Approved by:** NAME ("),
            "{}",
            files["threads/s/a/4-decision.md"]
        );
    }

    #[test]
    fn the_approval_goes_after_the_frontmatter_never_into_it() {
        let path = "threads/s/a/4-decision.md";
        let before = snapshot(
            r#"//- /threads/s/a/4-decision.md
---
impact_score: 0.9
---
# Stage 4: Decision

**PROCEED**
"#,
        );
        let d = crate::analysis::diagnostics::file_diagnostics(&before, path)
            .into_iter()
            .find(|d| d.code == "decision-needs-approval")
            .unwrap();
        let actions = quick_fixes(&before, path, &d.range, TODAY);
        let mut files = texts(&before);
        apply(&mut files, &actions[0].ops).unwrap();
        assert_eq!(
            files[path],
            format!(
                "---\nimpact_score: 0.9\n---\n\n**Approved by:** NAME ({TODAY})\n# Stage 4: Decision\n\n**PROCEED**\n"
            )
        );
        // The placeholder is not an approval: the finding stays until a
        // person's name replaces it.
        let still = |files: &std::collections::BTreeMap<String, String>| {
            crate::analysis::diagnostics::file_diagnostics(&rebuild(files), path)
                .iter()
                .any(|d| d.code == "decision-needs-approval")
        };
        assert!(still(&files));
        let named = files[path].replace("NAME", "Jane");
        files.insert(path.to_string(), named);
        assert!(!still(&files));
    }

    #[test]
    fn frontmatter_closed_by_dots_or_with_trailing_spaces_is_left_whole() {
        let path = "threads/s/a/4-decision.md";
        for text in [
            "---\nimpact_score: 0.9\n...\n# Stage 4: Decision\n\n**PROCEED**\n",
            "---  \nimpact_score: 0.9\n---   \n# Stage 4: Decision\n\n**PROCEED**\n",
        ] {
            let before = snapshot(&format!("//- /{path}\n{text}"));
            let d = crate::analysis::diagnostics::file_diagnostics(&before, path)
                .into_iter()
                .find(|d| d.code == "decision-needs-approval")
                .unwrap_or_else(|| panic!("no finding in {text:?}"));
            let actions = quick_fixes(&before, path, &d.range, TODAY);
            let mut files = texts(&before);
            apply(&mut files, &actions[0].ops).unwrap();
            let after = &files[path];
            let (front, body) = after.split_at(text.find("# Stage").unwrap());
            assert_eq!(front, &text[..text.find("# Stage").unwrap()], "{after}");
            assert!(body.starts_with("\n**Approved by:** NAME ("), "{after}");
        }
    }
}
