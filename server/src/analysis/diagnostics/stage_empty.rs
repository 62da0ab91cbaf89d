//! `stage-empty`: an empty stage file (0 bytes or only whitespace; the
//! E1 and E6 example threads commit such files, leanos-formats.md §3.2).

use super::{Context, Diagnostic};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let Some((number, _)) = context.stage() else {
        return;
    };
    if !context.file.facts.empty {
        return;
    }
    out.push(context.diagnostic(
        "stage-empty",
        0..0,
        format!(
            "stage {} file `{}` is empty",
            number.min(6),
            crate::paths::file_name(&context.file.path)
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn empty_and_whitespace_only() {
        let found = check(
            r#"//- /threads/sales/a/1-input.md
//- /threads/sales/a/2-hypothesis.md

   
//- /threads/sales/a/3-implication.md
# Implication
//- /docs/empty.md
"#,
            "stage-empty",
        );
        assert_eq!(
            found,
            [
                "threads/sales/a/1-input.md:0:0-0:0 info stage 1 file `1-input.md` is empty",
                "threads/sales/a/2-hypothesis.md:0:0-0:0 info stage 2 file `2-hypothesis.md` is empty",
            ]
        );
    }
}
