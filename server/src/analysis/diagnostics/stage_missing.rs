//! `stage-missing`: stage N exists and an earlier stage does not
//! (leanos-formats.md §3.7: each stage depends on the previous one). A
//! stage 4 verdict that rejects, defers or passes may end the thread
//! early, so stage 5 is then not required. Reported on the first stage
//! file after the gap.

use super::{anchor, Context, Diagnostic};
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
        out.push(context.diagnostic(
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

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn gaps_are_reported_once_on_the_next_stage() {
        let found = check(
            "//- /threads/sales/a/1-input.md\n# Stage 1: Input\n//- /threads/sales/a/4-decision.md\n# Stage 4: Decision\n**PROCEED**\n//- /threads/sales/a/6-learning.md\n# Stage 6: Learning\n",
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
                "//- /threads/sales/a/1-input.md\n# Input\n//- /threads/sales/a/2-hypothesis.md\n# Hypothesis\n//- /threads/sales/a/3-implication.md\n# Implication\n//- /threads/sales/a/4-decision.md\n# Decision\n\n{verdict}\n//- /threads/sales/a/6-learning.md\n# Learning\n"
            );
            assert!(check(&fixture, "stage-missing").is_empty(), "{verdict}");
        }
    }

    #[test]
    fn actions_folder_and_misnamed_stages_count_as_present() {
        let found = check(
            "//- /threads/business/x/1-input.md\n//- /threads/business/x/2-hypotesis.md\n//- /threads/business/x/3-implication.md\n//- /threads/business/x/4-decision.md\n//- /threads/business/x/5-actions/strategy.md\n//- /threads/business/x/6-learning.md\n",
            "stage-missing",
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn archived_threads_are_not_checked() {
        let found = check(
            "//- /threads/sales/archive/old/6-learning.md\n# Learning\n",
            "stage-missing",
        );
        assert!(found.is_empty());
    }
}
