//! `hypothesis-no-assumption`: a non-empty stage 2 that references no
//! assumption ("Every hypothesis must reference a specific Canvas
//! assumption ID", leanos-formats.md §3.6).

use super::{anchor, Context, Diagnostic};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let facts = &context.file.facts;
    if !matches!(context.stage(), Some((2, _))) || facts.empty || context.unread() {
        return;
    }
    if facts.refs.is_empty() {
        out.push(context.diagnostic(
            "hypothesis-no-assumption",
            anchor(context.file),
            "this hypothesis references no assumption: name the Canvas assumption it tests (`Tests: A4 - …`)".into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn fires_only_without_any_reference() {
        let found = check(
            r#"//- /threads/s/a/2-hypothesis.md
# Stage 2: Hypothesis

We think buyers like it.
//- /threads/s/b/2-hypothesis.md
# Stage 2: Hypothesis

### Assumption A4: "x"
//- /threads/s/c/2-hypothesis.md

"#,
            "hypothesis-no-assumption",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("threads/s/a/2-hypothesis.md:0:2-0:21 warning"));
    }
}
