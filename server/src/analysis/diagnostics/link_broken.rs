//! `link-broken`: a link, path, Canvas name or thread path that resolves
//! to nothing in the workspace (leanos-formats.md §8). A path that climbs
//! out of the root is never read and always reported. A changelog
//! (`changelog.md` or `changes.md`, in any letter case) records history,
//! files removed on purpose included: its paths are never reported.

use super::{Context, Diagnostic};
use crate::analysis::resolve::{resolve_link, Resolution};
use crate::facts::LinkKind;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    if crate::config::is_changelog(crate::paths::file_name(&context.file.path)) {
        return;
    }
    for link in &context.file.facts.links {
        if link.kind == LinkKind::Sibling {
            continue;
        }
        let message = match resolve_link(snapshot, &context.file.path, link) {
            Resolution::Found(_) => continue,
            Resolution::OutsideRoot => {
                format!("`{}` points outside the workspace root", link.target)
            }
            Resolution::Missing => match link.kind {
                LinkKind::CanvasName(number) => format!(
                    "`{}`: the Canvas has no section {number:02} in `{}`",
                    link.target, snapshot.config.canvas_dir
                ),
                LinkKind::Thread => format!(
                    "no thread `{}` under `{}/`",
                    link.target, snapshot.config.threads_dir
                ),
                _ => {
                    let mut message = format!("`{}` does not exist", link.target);
                    // A Canvas file under the other naming scheme.
                    let name = crate::paths::file_name(link.target.trim_end_matches('/'));
                    if let Some((number, _)) = crate::facts::paths::canvas_file_number(name) {
                        if let Some(existing) =
                            snapshot.canvas.get(&number).and_then(|s| s.iter().next())
                        {
                            message.push_str(&format!(" (section {number:02} is `{existing}`)"));
                        }
                    }
                    message
                }
            },
        };
        out.push(context.diagnostic("link-broken", link.range.clone(), message));
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn every_link_form() {
        let found = check(
            "//- /strategy/canvas/10-assumptions.md\n# Assumptions\n//- /strategy/canvas/09.solution.md\n# Solution\n//- /artifacts/report.csv\n//- /threads/sales/acme/1-input.md\n# Stage 1: Input\n\n[ok](../acme/1-input.md) [gone](./missing.md) [web](https://x.io) [anchor](#a)\n\n**Link:** `strategy/canvas/10.assumptions.md`\n**Evidence:** threads/sales/acme/6-learning.md\nSee 10-assumptions.md, 09-solution.md and 12-revenue.md.\n`canvas/10-assumptions.md` `artifacts/report.csv`\n[escape](../../../../etc/passwd)\n//- /threads/sales/acme/meta.json\n{\"related_threads\": [\"sales/acme\", \"acme\", \"sales/nope\"], \"parent_thread\": \"marketing/x\"}\n",
            "link-broken",
        );
        assert_eq!(
            found,
            [
                "threads/sales/acme/1-input.md:2:32-2:44 warning `./missing.md` does not exist",
                "threads/sales/acme/1-input.md:5:14-5:46 warning `threads/sales/acme/6-learning.md` does not exist",
                "threads/sales/acme/1-input.md:6:42-6:55 warning `12-revenue.md`: the Canvas has no section 12 in `strategy/canvas`",
                "threads/sales/acme/1-input.md:8:9-8:31 warning `../../../../etc/passwd` points outside the workspace root",
                "threads/sales/acme/meta.json:0:44-0:54 warning no thread `sales/nope` under `threads/`",
                "threads/sales/acme/meta.json:0:76-0:87 warning no thread `marketing/x` under `threads/`",
            ]
        );
    }

    #[test]
    fn folders_and_relative_index_links_resolve() {
        let found = check(
            "//- /threads/index.md\n- [ops](./operations/) — Operations\n→ [Strategy](../strategy/)\n//- /threads/operations/x/1-input.md\n# Stage 1: Input\n//- /strategy/canvas/index.md\n# Canvas\n",
            "link-broken",
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}
