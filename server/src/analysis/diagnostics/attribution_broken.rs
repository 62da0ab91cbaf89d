//! `attribution-broken`: a `source` that is a path (contains `/`) and
//! resolves to no marketing thread or artifact. Tried in the order of
//! leanos-formats.md §4.4: `threads/<source>`, the source as a workspace
//! path, `threads/marketing/campaigns/<last>`,
//! `artifacts/marketing/campaigns/<last>`.

use super::{Context, Data, Diagnostic};
use crate::analysis::actions::fix::{fix, retarget_candidates};
use crate::analysis::actions::{Action, FileOp};
use crate::index::{attribution_candidates, attribution_source};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    if context.archived() {
        return;
    }
    let Some((source, range)) = attribution_source(context.file) else {
        return;
    };
    let snapshot = context.snapshot;
    let candidates = attribution_candidates(&snapshot.config, &source);
    if candidates.iter().any(|c| snapshot.exists(c)) {
        return;
    }
    let message = if candidates.is_empty() {
        format!("source `{source}` points outside the workspace root")
    } else {
        format!("source `{source}` resolves to no marketing thread or artifact")
    };
    out.push(context.diagnostic_with(
        Data::AttributionBroken { source },
        "attribution-broken",
        range,
        message,
    ));
}

/// Points the source at the marketing thread with the nearest name
/// (unambiguous when there is one).
pub fn fixes(context: &Context, d: &Diagnostic, source: &str) -> Vec<Action> {
    let (snapshot, file) = (context.snapshot, context.file);
    let candidates = retarget_candidates(snapshot, source, |dir| dir.contains("/marketing/"));
    let unambiguous = candidates.len() == 1;
    candidates
        .into_iter()
        .map(|dir| {
            let value = format!("{}/", crate::analysis::thread::thread_name(snapshot, &dir));
            fix(
                format!("Point the source at `{value}`"),
                d,
                unambiguous,
                vec![FileOp::replace(&file.path, d.range.clone(), value)],
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    #[test]
    fn source_resolution_order() {
        let found = check(
            r#"//- /threads/marketing/content/case-study/metadata.yaml
status: published
//- /artifacts/marketing/campaigns/webinar/blog/post.md
# Post
//- /threads/sales/a/meta.json
{"source": "marketing/content/case-study/"}
//- /threads/sales/b/meta.json
{"source": "marketing/content/webinar/"}
//- /threads/sales/c/meta.json
{"source": "marketing/content/gone/"}
//- /threads/sales/d/meta.json
{"source": "outbound"}
//- /threads/sales/e/1-input.md
---
source: ../../../../etc/passwd
---
"#,
            "attribution-broken",
        );
        assert_eq!(
            found,
            [
                "threads/sales/c/meta.json:0:12-0:35 warning source `marketing/content/gone/` resolves to no marketing thread or artifact",
                "threads/sales/e/1-input.md:1:8-1:30 warning source `../../../../etc/passwd` resolves to no marketing thread or artifact",
            ]
        );
    }

    #[test]
    fn a_closer_thread_of_another_kind_does_not_hide_the_marketing_one() {
        let files = check_fix(
            r#"//- /threads/marketing/content/white-label-case-study/1-input.md
# Stage 1: Input
//- /threads/sales/white-label-case-studie/1-input.md
# Stage 1: Input
//- /threads/sales/acme/meta.json
{"type": "sales", "source": "marketing/white-label-case-stud/"}
"#,
            "threads/sales/acme/meta.json",
            "attribution-broken",
            "Point the source at",
        );
        assert!(
            files["threads/sales/acme/meta.json"]
                .contains("\"source\": \"marketing/content/white-label-case-study/\""),
            "{}",
            files["threads/sales/acme/meta.json"]
        );
    }

    #[test]
    fn a_source_naming_a_stage_file_is_never_pointed_at_a_canvas_section() {
        let before = snapshot(
            r#"//- /strategy/canvas/01-context.md
# Context
//- /threads/sales/acme/meta.json
{"type": "sales", "source": "marketing/gone/1-input.md"}
"#,
        );
        let path = "threads/sales/acme/meta.json";
        let d = crate::analysis::diagnostics::file_diagnostics(&before, path)
            .into_iter()
            .find(|d| d.code == "attribution-broken")
            .unwrap();
        let titles: Vec<String> = quick_fixes(&before, path, &d.range, TODAY)
            .into_iter()
            .map(|a| a.title)
            .collect();
        assert!(titles.is_empty(), "{titles:?}");
    }
}
