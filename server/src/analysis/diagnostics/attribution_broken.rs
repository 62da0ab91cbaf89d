//! `attribution-broken`: a `source` that is a path (contains `/`) and
//! resolves to no marketing thread or artifact. Tried in the order of
//! leanos-formats.md §4.4: `threads/<source>`, the source as a workspace
//! path, `threads/marketing/campaigns/<last>`,
//! `artifacts/marketing/campaigns/<last>`.

use super::{Context, Diagnostic};
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
    out.push(context.diagnostic("attribution-broken", range, message));
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn source_resolution_order() {
        let found = check(
            "//- /threads/marketing/content/case-study/metadata.yaml\nstatus: published\n//- /artifacts/marketing/campaigns/webinar/blog/post.md\n# Post\n//- /threads/sales/a/meta.json\n{\"source\": \"marketing/content/case-study/\"}\n//- /threads/sales/b/meta.json\n{\"source\": \"marketing/content/webinar/\"}\n//- /threads/sales/c/meta.json\n{\"source\": \"marketing/content/gone/\"}\n//- /threads/sales/d/meta.json\n{\"source\": \"outbound\"}\n//- /threads/sales/e/1-input.md\n---\nsource: ../../../../etc/passwd\n---\n",
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
}
