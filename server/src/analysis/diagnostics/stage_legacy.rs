//! `stage-legacy`: the 7-stage layout of the E1 reference docs
//! (`6-results.md` + `7-learning.md`, leanos-formats.md §3.2).

use super::{anchor, Context, Diagnostic};
use crate::facts::paths::StageForm;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let Some((_, StageForm::Legacy)) = context.stage() else {
        return;
    };
    out.push(context.diagnostic(
        "stage-legacy",
        anchor(context.file),
        format!(
            "`{}` belongs to the legacy 7-stage layout: the six stages end with `6-learning.md`",
            crate::paths::file_name(&context.file.path)
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn results_and_seventh_stage() {
        let found = check(
            r#"//- /threads/business/a/6-results.md
# Results
//- /threads/business/a/7-learning.md
# Learning
//- /threads/business/b/6-learning.md
# Learning
"#,
            "stage-legacy",
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("threads/business/a/6-results.md:0:2-0:9 info"));
        assert!(found[1].starts_with("threads/business/a/7-learning.md:0:2-0:10 info"));
    }
}
