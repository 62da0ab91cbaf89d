//! `stage-missing`: stage N exists and an earlier stage does not
//! (leanos-formats.md §3.7: each stage depends on the previous one). A
//! stage 4 verdict that rejects, defers or passes may end the thread
//! early, so stage 5 is then not required. Reported on the first stage
//! file after the gap.

use super::{anchor, Context, Data, Diagnostic};
use crate::analysis::actions::fix::{fix, template};
use crate::analysis::actions::{Action, FileOp};
use crate::analysis::thread::thread_info;
use crate::facts::paths::{stage_file_name, PathKind};
use crate::facts::VerdictClass;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let PathKind::Stage { thread, number, .. } = context.file.facts.path_kind() else {
        return;
    };
    if context.archived() {
        return;
    }
    let info = thread_info(context.snapshot, thread);
    let present = info.present();
    let own = (*number).min(6);
    // Only the first file of this stage reports, so a gap is said once.
    if info.stage_file(own).map(|f| f.path.as_str()) != Some(context.file.path.as_str()) {
        return;
    }
    let ends_early = matches!(
        info.verdict(),
        Some(VerdictClass::Stop | VerdictClass::Defer)
    );
    for missing in 1..own {
        if present.contains(&missing) {
            continue;
        }
        // The first present stage after the gap reports it.
        let reporter = present.iter().copied().find(|p| *p > missing);
        if reporter != Some(own) {
            continue;
        }
        if missing == 5 && ends_early {
            continue;
        }
        out.push(context.diagnostic_with(
            Data::StageMissing { number: missing },
            "stage-missing",
            anchor(context.file),
            format!(
                "stage {missing} (`{}`) is missing: `{}` comes after it",
                stage_file_name(missing),
                crate::paths::file_name(&context.file.path)
            ),
        ));
    }
}

/// Creates the missing stage `number` from its template (never applied
/// blind: a template is placeholders to fill).
pub fn fixes(context: &Context, d: &Diagnostic, number: u8, today: &str) -> Vec<Action> {
    let snapshot = context.snapshot;
    let Some(thread) = context.file.facts.path_kind().thread() else {
        return Vec::new();
    };
    let path = format!("{thread}/{}", stage_file_name(number));
    if snapshot.exists(&path) {
        return Vec::new();
    }
    // A template is placeholders to fill (`**Score:** 0.5`, `…`): offered,
    // never applied without a choice (`--fix`, `source.fixAll`).
    vec![fix(
        format!("Create {} from its template", stage_file_name(number)),
        d,
        false,
        vec![FileOp::Create {
            path,
            text: template(snapshot, thread, number, today),
        }],
    )]
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    #[test]
    fn gaps_are_reported_once_on_the_next_stage() {
        let found = check(
            r#"//- /threads/sales/a/1-input.md
# Stage 1: Input
//- /threads/sales/a/4-decision.md
# Stage 4: Decision
**PROCEED**
//- /threads/sales/a/6-learning.md
# Stage 6: Learning
"#,
            "stage-missing",
        );
        assert_eq!(
            found,
            [
                "threads/sales/a/4-decision.md:0:2-0:19 warning stage 2 (`2-hypothesis.md`) is missing: `4-decision.md` comes after it",
                "threads/sales/a/4-decision.md:0:2-0:19 warning stage 3 (`3-implication.md`) is missing: `4-decision.md` comes after it",
                "threads/sales/a/6-learning.md:0:2-0:19 warning stage 5 (`5-actions.md`) is missing: `6-learning.md` comes after it",
            ]
        );
    }

    #[test]
    fn a_rejecting_verdict_needs_no_stage_5() {
        for verdict in [
            "**PASS** on this deal",
            "Decision: REJECT - too small",
            "**DEFER**",
        ] {
            let fixture = format!(
                r#"//- /threads/sales/a/1-input.md
# Input
//- /threads/sales/a/2-hypothesis.md
# Hypothesis
//- /threads/sales/a/3-implication.md
# Implication
//- /threads/sales/a/4-decision.md
# Decision

{verdict}
//- /threads/sales/a/6-learning.md
# Learning
"#
            );
            assert!(check(&fixture, "stage-missing").is_empty(), "{verdict}");
        }
    }

    #[test]
    fn actions_folder_and_misnamed_stages_count_as_present() {
        let found = check(
            r#"//- /threads/business/x/1-input.md
//- /threads/business/x/2-hypotesis.md
//- /threads/business/x/3-implication.md
//- /threads/business/x/4-decision.md
//- /threads/business/x/5-actions/strategy.md
//- /threads/business/x/6-learning.md
"#,
            "stage-missing",
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn archived_threads_are_not_checked() {
        let found = check(
            r#"//- /threads/sales/archive/old/6-learning.md
# Learning
"#,
            "stage-missing",
        );
        assert!(found.is_empty());
    }

    #[test]
    fn stage_missing_creates_the_stage_from_its_template() {
        let files = check_fix(
            r#"//- /threads/sales/a/1-input.md
# Stage 1: Input
**Thread:** Acme pilot
//- /threads/sales/a/3-implication.md
# Stage 3: Implication
//- /threads/sales/a/meta.json
{"source": "outbound"}
"#,
            "threads/sales/a/3-implication.md",
            "stage-missing",
            "Create 2-hypothesis.md",
        );
        let created = &files["threads/sales/a/2-hypothesis.md"];
        assert!(
            created.starts_with(
                r#"# Stage 2: Hypothesis

**Thread:** Acme pilot
"#
            ),
            "{created}"
        );
        assert!(
            created.contains("Tests: A? - the assumption") && !created.contains('$'),
            "{created}"
        );
    }
}
