//! `attribution-missing`: a sales deal thread (not a campaign, not
//! archived) with no `source` attribution in `meta.json`, `metadata.yaml`
//! or stage 1 frontmatter (leanos-formats.md §4.4: "Every sales thread
//! tracks content source"). Outbound leads say so with a non-path value
//! (`outbound`, `campaign:<id>`); `lead_source` counts too. Reported on the
//! metadata file, else on `1-input.md`, else on the thread's first stage
//! file.

use super::{anchor, Context, Diagnostic};
use crate::analysis::thread::thread_info;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let Some(thread) = context.file.facts.path_kind().thread() else {
        return;
    };
    let info = thread_info(context.snapshot, thread);
    if !info.is_sales_deal() {
        return;
    }
    let reporter = info
        .meta_file
        .clone()
        .or_else(|| info.stage_file(1).cloned())
        .or_else(|| (1..=6).find_map(|n| info.stage_file(n).cloned()));
    if reporter.as_ref().map(|f| f.path.as_str()) != Some(context.file.path.as_str()) {
        return;
    }
    let has = |meta: Option<&crate::facts::metadata::Metadata>| {
        meta.is_some_and(|m| m.text("source").is_some() || m.text("lead_source").is_some())
    };
    let attributed = has(info.metadata())
        || has(info
            .stage_file(1)
            .and_then(|f| f.facts.frontmatter.as_ref()));
    if !attributed {
        out.push(context.diagnostic(
            "attribution-missing",
            anchor(context.file),
            format!(
                "sales thread `{}` has no `source` attribution: add the marketing content it came from, or `outbound`",
                info.dir.strip_prefix(&format!("{}/", context.snapshot.config.threads_dir)).unwrap_or(&info.dir)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn deals_need_a_source_campaigns_do_not() {
        let found = check(
            "//- /threads/sales/a/meta.json\n{\"type\": \"sales\"}\n//- /threads/sales/a/1-input.md\n# Input\n//- /threads/sales/b/1-input.md\n---\nsource: outbound\n---\n# Input\n//- /threads/sales/c/2-hypothesis.md\n# Hypothesis\n//- /threads/sales/campaigns/2026-01-01-x/1-input.md\n# Input\n//- /threads/sales/d/metadata.yaml\nsource: \"marketing/content/x/\"\n//- /threads/sales/e/meta.json\n{\"lead_source\": \"campaign:q1\"}\n//- /threads/marketing/f/1-input.md\n# Input\n",
            "attribution-missing",
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].starts_with(
                "threads/sales/a/meta.json:0:0-0:17 warning sales thread `sales/a` has no `source`"
            ),
            "{}",
            found[0]
        );
        assert!(
            found[1].starts_with(
                "threads/sales/c/2-hypothesis.md:0:2-0:12 warning sales thread `sales/c`"
            ),
            "{}",
            found[1]
        );
    }
}
