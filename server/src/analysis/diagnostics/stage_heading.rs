//! `stage-heading`: a stage file's first heading names a different stage
//! (`# Stage 4: Decision` in `3-implication.md`). Headings are read in
//! every dialect of leanos-formats.md §3.4 (`# Stage N: Name`, `# Name`,
//! `# Name: Title`); a heading that names no stage is not checked.

use super::{Context, Data, Diagnostic};
use crate::analysis::actions::fix::fix;
use crate::analysis::actions::{Action, FileOp};
use crate::facts::paths::{stage_file_name, StageForm};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let Some((number, form)) = context.stage() else {
        return;
    };
    if form == StageForm::ActionFile {
        return;
    }
    let Some(heading) = &context.file.facts.stage_heading else {
        return;
    };
    let Some(named) = heading.stage else {
        return;
    };
    let own = number.min(6);
    if named != own {
        out.push(context.diagnostic_with(
            Data::StageHeading { number: own },
            "stage-heading",
            heading.range.clone(),
            format!(
                "heading names stage {named} (`{}`) but this is `{}`",
                stage_file_name(named),
                crate::paths::file_name(&context.file.path)
            ),
        ));
    }
}

const STAGE_TITLES: [&str; 6] = [
    "Input",
    "Hypothesis",
    "Implication",
    "Decision",
    "Actions",
    "Learning",
];

/// Renames the heading after the stage the file is (`number`, 1..=6),
/// keeping what follows the stage name.
pub fn fixes(context: &Context, d: &Diagnostic, number: u8) -> Vec<Action> {
    let file = context.file;
    let Some(heading) = &file.facts.stage_heading else {
        return Vec::new();
    };
    let title = STAGE_TITLES[number as usize - 1];
    // Keep what follows the stage name (`# Decision: Title` keeps `: Title`).
    let text = &heading.text;
    let rest = text
        .split_once(':')
        .filter(|(head, _)| head.to_lowercase().starts_with("stage"))
        .map(|(_, rest)| rest.trim_start())
        .unwrap_or(text.as_str());
    let tail = rest
        .split_once(':')
        .map(|(_, t)| format!(":{t}"))
        .unwrap_or_default();
    let replacement = if text.to_lowercase().starts_with("stage") {
        format!("Stage {number}: {title}{tail}")
    } else {
        format!("{title}{tail}")
    };
    vec![fix(
        format!("Change the heading to `{replacement}`"),
        d,
        true,
        vec![FileOp::replace(
            &file.path,
            heading.range.clone(),
            replacement,
        )],
    )]
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    #[test]
    fn mismatched_headings() {
        let found = check(
            r#"//- /threads/a/x/3-implication.md
# Stage 4: Decision
//- /threads/a/x/2-hypothesis.md
# Hypothesis: Buyers prefer X
//- /threads/a/x/1-input.md
# Content Authority Execution
//- /threads/a/x/6-learning.md
# Stage 7: Learning (Validation)
//- /threads/a/x/5-actions.md
# Actions (Specifications)
//- /threads/a/x/4-decision.md
# Stage 3
"#,
            "stage-heading",
        );
        assert_eq!(
            found,
            [
                "threads/a/x/3-implication.md:0:2-0:19 warning heading names stage 4 (`4-decision.md`) but this is `3-implication.md`",
                "threads/a/x/4-decision.md:0:2-0:9 warning heading names stage 3 (`3-implication.md`) but this is `4-decision.md`",
            ]
        );
    }

    #[test]
    fn stage_heading_names_the_right_stage() {
        let files = check_fix(
            r#"//- /threads/a/x/3-implication.md
# Stage 4: Decision

Text.
"#,
            "threads/a/x/3-implication.md",
            "stage-heading",
            "Change the heading",
        );
        assert_eq!(
            files["threads/a/x/3-implication.md"],
            r#"# Stage 3: Implication

Text.
"#
        );
        let files = check_fix(
            r#"//- /threads/a/x/2-hypothesis.md
# Decision: Buyers prefer X
Tests: A1 - x
//- /strategy/canvas/10-assumptions.md
### A1: x
"#,
            "threads/a/x/2-hypothesis.md",
            "stage-heading",
            "Change the heading",
        );
        assert!(files["threads/a/x/2-hypothesis.md"].starts_with("# Hypothesis: Buyers prefer X\n"));
    }
}
