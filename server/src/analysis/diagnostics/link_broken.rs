//! `link-broken`: a link, path, Canvas name or thread path that resolves
//! to nothing in the workspace (leanos-formats.md §8). A path that climbs
//! out of the root is never read and always reported. A changelog
//! (`changelog.md` or `changes.md`, in any letter case) records history,
//! files removed on purpose included: its paths are never reported. A link
//! into a path the configuration ignores (`[files] ignore` in `leanos.toml`) is
//! not reported either: the index does not hold it, whether it exists or
//! not.

use super::{Context, Data, Diagnostic};
use crate::analysis::actions::fix::{fix, relative, retarget_candidates};
use crate::analysis::actions::{Action, FileOp};
use crate::analysis::resolve::{resolve_link, Resolution};
use crate::facts::Link;
use crate::facts::LinkKind;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    if crate::config::is_changelog(crate::paths::file_name(&context.file.path)) {
        return;
    }
    let links = context
        .file
        .facts
        .links
        .iter()
        .filter(|link| link.kind != LinkKind::Sibling);
    // Built on the first link that resolves to nothing: most files have none.
    let mut ignore: Option<globset::GlobSet> = None;
    let mut report = |link: &Link, message: Option<String>| {
        if let Some(message) = message {
            out.push(context.diagnostic_with(
                Data::LinkBroken { link: link.clone() },
                "link-broken",
                link.range.clone(),
                message,
            ));
        }
    };
    // An open document's findings are kept for its next keystroke.
    if context.file.version.is_none() {
        for link in links {
            report(link, finding(context, link, &mut ignore));
        }
        return;
    }
    snapshot.memo.links.with(snapshot, |found| {
        for link in links {
            let key = (context.file.path.clone(), link.kind, link.target.clone());
            let message = found
                .entry(key)
                .or_insert_with(|| finding(context, link, &mut ignore))
                .clone();
            report(link, message);
        }
    });
}

/// The message of `link`'s diagnostic, `None` when it is not broken; it
/// depends on the file's path, the link's kind and target, and the
/// snapshot's paths, folders, Canvas sections, threads and configuration
/// (see `index/link_memo.rs`). `ignore` is the configuration's ignore
/// globs, built on first use.
fn finding(
    context: &Context,
    link: &Link,
    ignore: &mut Option<globset::GlobSet>,
) -> Option<String> {
    let snapshot = context.snapshot;
    let message = match resolve_link(snapshot, &context.file.path, link) {
        Resolution::Found(_) => return None,
        Resolution::OutsideRoot => {
            format!("`{}` points outside the workspace root", link.target)
        }
        Resolution::Missing
            if into_ignored(
                ignore.get_or_insert_with(|| snapshot.config.ignore_matcher()),
                &crate::index::candidates(&snapshot.config, &context.file.path, link).paths,
            ) =>
        {
            return None
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
                // A Canvas file under the other naming scheme; a stage
                // file's name (`6-learning.md`) only in a `canvas` folder,
                // as the fix that retargets it reads it.
                let trimmed = link.target.trim_end_matches('/');
                let name = crate::paths::file_name(trimmed);
                let canvas_path = crate::facts::paths::stage_of_file_name(name).is_none()
                    || trimmed.split('/').any(|p| p == "canvas");
                let section = crate::facts::paths::canvas_file_number(name).filter(|_| canvas_path);
                if let Some((number, _)) = section {
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
    Some(message)
}

/// Whether one of a link's candidate `paths`, or a folder above it, is
/// ignored by the configuration's `ignore` globs.
fn into_ignored(ignore: &globset::GlobSet, paths: &[String]) -> bool {
    paths.iter().any(|path| {
        let mut path = path.as_str();
        loop {
            if ignore.is_match(path) {
                return true;
            }
            match path.rfind('/') {
                Some(slash) => path = &path[..slash],
                None => return false,
            }
        }
    })
}

/// Points `link` at the existing path it most likely meant: the same
/// Canvas section under another name, or the thread with the nearest
/// name (unambiguous when there is one), written as the link was.
pub fn fixes(context: &Context, d: &Diagnostic, link: &Link) -> Vec<Action> {
    let (snapshot, file) = (context.snapshot, context.file);
    let candidates = retarget_candidates(snapshot, &link.target, |_| true);
    let unambiguous = candidates.len() == 1;
    candidates
        .into_iter()
        .map(|candidate| {
            // Written the way the link was written.
            let keeps_slash = link.target.ends_with('/');
            let replacement = match link.kind {
                LinkKind::Markdown => relative(crate::paths::parent(&file.path), &candidate),
                LinkKind::Thread => {
                    crate::analysis::thread::thread_name(snapshot, &candidate).to_string()
                }
                LinkKind::Path if link.target.starts_with("canvas/") => candidate
                    .strip_prefix("strategy/")
                    .unwrap_or(&candidate)
                    .to_string(),
                LinkKind::Path if !link.target.contains('/') => {
                    crate::paths::file_name(&candidate).to_string()
                }
                _ => candidate.clone(),
            };
            let thread_file = link.target.trim_end_matches('/').ends_with(".md")
                && snapshot.threads.contains_key(&candidate);
            let replacement = if thread_file {
                // A stage file path: keep the file name under the new folder.
                format!("{}/{}", replacement, crate::paths::file_name(&link.target))
            } else if keeps_slash {
                format!("{replacement}/")
            } else {
                replacement
            };
            fix(
                format!("Point the link at `{replacement}`"),
                d,
                unambiguous,
                vec![FileOp::replace(&file.path, link.range.clone(), replacement)],
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    /// A link into an ignored path is not the index's to judge; a near
    /// miss beside it still is.
    #[test]
    fn links_into_ignored_paths_are_not_reported() {
        let found = check(
            r#"//- /leanos.toml
[files]
ignore = ["drafts/**", "private"]
//- /threads/sales/acme/1-input.md
# Stage 1: Input

[draft](../../../drafts/pitch.md) [notes](../../../private/a/notes.md) [near](../../../drafts-old/pitch.md)
"#,
            "link-broken",
        );
        assert_eq!(
            found,
            ["threads/sales/acme/1-input.md:2:78-2:106 warning `../../../drafts-old/pitch.md` does not exist"]
        );
    }

    /// The hint names the Canvas file of a section written under the other
    /// naming scheme, never for a thread's stage file: `6-learning.md` is
    /// no section 06.
    #[test]
    fn a_missing_stage_file_gets_no_canvas_hint() {
        let found = check(
            r#"//- /strategy/canvas/06-competitive.md
# Competitive
//- /strategy/canvas/10-assumptions.md
### A1: One
**Evidence:** threads/sales/gone/6-learning.md
See `06.competitive.md` and `drafts/6-learning.md`.
"#,
            "link-broken",
        );
        assert_eq!(
            found,
            [
                "strategy/canvas/10-assumptions.md:1:14-1:46 warning `threads/sales/gone/6-learning.md` does not exist",
                "strategy/canvas/10-assumptions.md:2:29-2:49 warning `drafts/6-learning.md` does not exist",
            ]
        );
    }

    #[test]
    fn every_link_form() {
        let found = check(
            r#"//- /strategy/canvas/10-assumptions.md
# Assumptions
//- /strategy/canvas/09.solution.md
# Solution
//- /artifacts/report.csv
//- /threads/sales/acme/1-input.md
# Stage 1: Input

[ok](../acme/1-input.md) [gone](./missing.md) [web](https://x.io) [anchor](#a)

**Link:** `strategy/canvas/10.assumptions.md`
**Evidence:** threads/sales/acme/6-learning.md
See 10-assumptions.md, 09-solution.md and 12-revenue.md.
`canvas/10-assumptions.md` `artifacts/report.csv`
[escape](../../../../etc/passwd)
//- /threads/sales/acme/meta.json
{"related_threads": ["sales/acme", "acme", "sales/nope"], "parent_thread": "marketing/x"}
"#,
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
            r#"//- /threads/index.md
- [ops](./operations/) — Operations
→ [Strategy](../strategy/)
//- /threads/operations/x/1-input.md
# Stage 1: Input
//- /strategy/canvas/index.md
# Canvas
"#,
            "link-broken",
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn broken_links_are_retargeted() {
        let files = check_fix(
            r#"//- /strategy/canvas/10-assumptions.md
# A
//- /threads/o/x/2-hypothesis.md
**Link:** `strategy/canvas/10.assumptions.md`
[canvas](../../../strategy/canvas/10.assumptions.md)
"#,
            "threads/o/x/2-hypothesis.md",
            "link-broken",
            "Point the link at",
        );
        // The backticked path names section 10 by its number and resolves; the
        // markdown link is followed literally by a renderer and is retargeted.
        assert_eq!(
            files["threads/o/x/2-hypothesis.md"],
            r#"**Link:** `strategy/canvas/10.assumptions.md`
[canvas](../../../strategy/canvas/10-assumptions.md)
"#
        );
        let source = check_fix(
            r#"//- /threads/marketing/content/case-study/1-input.md
# x
//- /threads/sales/a/meta.json
{"source": "marketing/content/case-studdy/"}
//- /threads/sales/a/1-input.md
# x
"#,
            "threads/sales/a/meta.json",
            "attribution-broken",
            "Point the source at",
        );
        assert_eq!(
            source["threads/sales/a/meta.json"],
            "{\"source\": \"marketing/content/case-study/\"}\n"
        );
    }

    #[test]
    fn a_stage_file_of_a_misspelt_thread_is_pointed_at_the_thread_not_the_canvas() {
        let files = check_fix(
            r#"//- /strategy/canvas/01-context.md
# Context
//- /threads/sales/acme/1-input.md
# Stage 1: Input
//- /threads/sales/beta/1-input.md
See [acme](../acmee/1-input.md).
"#,
            "threads/sales/beta/1-input.md",
            "link-broken",
            "Point the link at",
        );
        assert_eq!(
            files["threads/sales/beta/1-input.md"],
            "See [acme](../acme/1-input.md).\n"
        );
    }
}
