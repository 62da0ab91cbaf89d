//! `attribution-missing`: a sales deal thread (not a campaign, not
//! archived) with no `source` attribution in `meta.json`, `metadata.yaml`
//! or stage 1 frontmatter (leanos-formats.md §4.4: "Every sales thread
//! tracks content source"). Outbound leads say so with a non-path value
//! (`outbound`, `campaign:<id>`); `lead_source` counts too. Reported on the
//! metadata file, else on `1-input.md`, else on the thread's first stage
//! file.

use super::{anchor, Context, Data, Diagnostic};
use crate::analysis::actions::fix::{fix, meta_insert};
use crate::analysis::actions::{Action, FileOp};
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
            .and_then(|f| f.facts.frontmatter.as_deref()));
    if !attributed {
        out.push(context.diagnostic_with(
            Data::AttributionMissing {
                thread: info.dir.clone(),
            },
            "attribution-missing",
            anchor(context.file),
            format!(
                "sales thread `{}` has no `source` attribution: add the marketing content it came from, or `outbound`",
                info.dir.strip_prefix(&format!("{}/", context.snapshot.config.threads_dir)).unwrap_or(&info.dir)
            ),
        ));
    }
}

/// Adds a `source` to the thread's metadata (or creates `meta.json`):
/// the three marketing threads sharing most words with its name, and
/// `outbound`; a choice, never applied blind.
pub fn fixes(context: &Context, d: &Diagnostic, thread: &str) -> Vec<Action> {
    let snapshot = context.snapshot;
    let info = thread_info(snapshot, thread);
    // Marketing content this lead could have come from, best first: the
    // ones sharing words with the thread's name.
    let own: Vec<String> = crate::paths::file_name(thread)
        .split(['-', '_'])
        .map(str::to_string)
        .collect();
    let mut sources: Vec<(usize, String)> = snapshot
        .threads
        .keys()
        .filter(|dir| dir.starts_with(&format!("{}/marketing/", snapshot.config.threads_dir)))
        .map(|dir| {
            let name = crate::analysis::thread::thread_name(snapshot, dir).to_string();
            let shared = own
                .iter()
                .filter(|w| w.len() > 2 && name.contains(w.as_str()))
                .count();
            (shared, format!("{name}/"))
        })
        .collect();
    sources.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut values: Vec<String> = sources.into_iter().take(3).map(|(_, s)| s).collect();
    values.push("outbound".into());
    values
        .into_iter()
        .filter_map(|value| {
            let op = match &info.meta_file {
                Some(meta) => meta_insert(meta, "source", &value)?,
                None => FileOp::Create {
                    path: format!("{thread}/meta.json"),
                    text: format!(
                        "{{\n  \"type\": \"{}\",\n  \"source\": \"{value}\"\n}}\n",
                        info.thread_type
                    ),
                },
            };
            Some(fix(
                format!("Add source attribution `{value}`"),
                d,
                false,
                vec![op],
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    #[test]
    fn deals_need_a_source_campaigns_do_not() {
        let found = check(
            r#"//- /threads/sales/a/meta.json
{"type": "sales"}
//- /threads/sales/a/1-input.md
# Input
//- /threads/sales/b/1-input.md
---
source: outbound
---
# Input
//- /threads/sales/c/2-hypothesis.md
# Hypothesis
//- /threads/sales/campaigns/2026-01-01-x/1-input.md
# Input
//- /threads/sales/d/metadata.yaml
source: "marketing/content/x/"
//- /threads/sales/e/meta.json
{"lead_source": "campaign:q1"}
//- /threads/marketing/f/1-input.md
# Input
"#,
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

    #[test]
    fn attribution_missing_adds_a_source() {
        let files = check_fix(
            r#"//- /threads/sales/acme/meta.json
{
  "type": "sales"
}
//- /threads/sales/acme/1-input.md
# Input
//- /threads/marketing/acme-case-study/1-input.md
# Input
"#,
            "threads/sales/acme/meta.json",
            "attribution-missing",
            "`marketing/acme-case-study/`",
        );
        assert_eq!(
            files["threads/sales/acme/meta.json"],
            r#"{
  "source": "marketing/acme-case-study/",
  "type": "sales"
}
"#
        );
        let created = check_fix(
            r#"//- /threads/sales/beta/1-input.md
# Input
"#,
            "threads/sales/beta/1-input.md",
            "attribution-missing",
            "`outbound`",
        );
        assert_eq!(
            created["threads/sales/beta/meta.json"],
            r#"{
  "type": "sales",
  "source": "outbound"
}
"#
        );
    }
}
