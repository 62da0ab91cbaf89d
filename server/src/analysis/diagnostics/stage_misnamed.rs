//! `stage-misnamed`: a file that is evidently a stage under a wrong name
//! (`2-hypotesis.md`, committed in every E1 example thread,
//! leanos-formats.md §3.2; `3-implications.md`, `6-learnings.md`, wrong
//! case).

use super::{anchor, Context, Diagnostic};
use crate::facts::paths::{stage_file_name, StageForm};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let Some((number, StageForm::Misnamed)) = context.stage() else {
        return;
    };
    out.push(context.diagnostic(
        "stage-misnamed",
        anchor(context.file),
        format!(
            "`{}` looks like stage {number} under a wrong name: rename it to `{}`",
            crate::paths::file_name(&context.file.path),
            stage_file_name(number)
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn typos_plurals_and_case() {
        let found = check(
            "//- /threads/sales/a/2-hypotesis.md\n//- /threads/sales/a/3-Implications.md\n# Implications\n//- /threads/sales/a/6-learnings.md\n//- /threads/sales/a/2-solution.md\n//- /threads/sales/narratives/lux/1-problem.md\n",
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
}
