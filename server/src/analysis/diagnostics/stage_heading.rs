//! `stage-heading`: a stage file's first heading names a different stage
//! (`# Stage 4: Decision` in `3-implication.md`). Headings are read in
//! every dialect of leanos-formats.md §3.4 (`# Stage N: Name`, `# Name`,
//! `# Name: Title`); a heading that names no stage is not checked.

use super::{Context, Diagnostic};
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
        out.push(context.diagnostic(
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

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn mismatched_headings() {
        let found = check(
            "//- /threads/a/x/3-implication.md\n# Stage 4: Decision\n//- /threads/a/x/2-hypothesis.md\n# Hypothesis: Buyers prefer X\n//- /threads/a/x/1-input.md\n# Content Authority Execution\n//- /threads/a/x/6-learning.md\n# Stage 7: Learning (Validation)\n//- /threads/a/x/5-actions.md\n# Actions (Specifications)\n//- /threads/a/x/4-decision.md\n# Stage 3\n",
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
}
