//! `stage-misnamed`: a file that is evidently a stage under a wrong name
//! (`2-hypotesis.md`, committed in every E1 example thread,
//! leanos-formats.md §3.2; `3-implications.md`, `6-learnings.md`, wrong
//! case).

use super::{anchor, Context, Data, Diagnostic};
use crate::analysis::actions::fix::fix;
use crate::analysis::actions::{Action, FileOp};
use crate::facts::paths::{stage_file_name, StageForm};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let Some((number, StageForm::Misnamed)) = context.stage() else {
        return;
    };
    out.push(context.diagnostic_with(
        Data::StageMisnamed { number },
        "stage-misnamed",
        anchor(context.file),
        format!(
            "`{}` looks like stage {number} under a wrong name: rename it to `{}`",
            crate::paths::file_name(&context.file.path),
            stage_file_name(number)
        ),
    ));
}

/// Renames the file to the stage's name, when that name is free.
pub fn fixes(context: &Context, d: &Diagnostic, number: u8) -> Vec<Action> {
    let (snapshot, file) = (context.snapshot, context.file);
    let to = format!(
        "{}/{}",
        crate::paths::parent(&file.path),
        stage_file_name(number)
    );
    if snapshot.exists(&to) {
        return Vec::new();
    }
    vec![fix(
        format!("Rename to {}", stage_file_name(number)),
        d,
        true,
        vec![FileOp::Rename {
            from: file.path.to_string(),
            to,
        }],
    )]
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    #[test]
    fn typos_plurals_and_case() {
        let found = check(
            r#"//- /threads/sales/a/2-hypotesis.md
//- /threads/sales/a/3-Implications.md
# Implications
//- /threads/sales/a/6-learnings.md
//- /threads/sales/a/2-solution.md
//- /threads/sales/narratives/lux/1-problem.md
"#,
            "stage-misnamed",
        );
        assert_eq!(
            found,
            [
                "threads/sales/a/2-hypotesis.md:0:0-0:0 warning `2-hypotesis.md` looks like stage 2 under a wrong name: rename it to `2-hypothesis.md`",
                "threads/sales/a/3-Implications.md:0:2-0:14 warning `3-Implications.md` looks like stage 3 under a wrong name: rename it to `3-implication.md`",
                "threads/sales/a/6-learnings.md:0:0-0:0 warning `6-learnings.md` looks like stage 6 under a wrong name: rename it to `6-learning.md`",
            ]
        );
    }

    #[test]
    fn stage_misnamed_renames_the_file() {
        let files = check_fix(
            r#"//- /threads/business/x/1-input.md
# Input
//- /threads/business/x/2-hypotesis.md
# Hypothesis
Tests: A1 - x
//- /strategy/canvas/10-assumptions.md
### A1: One
"#,
            "threads/business/x/2-hypotesis.md",
            "stage-misnamed",
            "Rename to 2-hypothesis.md",
        );
        assert!(files.contains_key("threads/business/x/2-hypothesis.md"));
        assert!(!files.contains_key("threads/business/x/2-hypotesis.md"));
    }
}
