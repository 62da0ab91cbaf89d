//! Resolution of links, thread paths, goals and assumption IDs against a
//! snapshot. Paths never resolve outside the workspace root: candidates
//! that climb out are reported as such and never looked up.

use crate::facts::{Link, LinkKind};
use crate::index::{attribution_candidates, candidates, EntryLocation, Snapshot};
use crate::paths;

/// Where a link points, or why it points nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A file or folder (workspace path).
    Found(String),
    /// Nothing exists at any candidate.
    Missing,
    /// The link leaves the workspace root.
    OutsideRoot,
}

/// Resolves `link` found in the file at `from`: its paths in order, then
/// the Canvas section of its number (a Canvas name, or a path into the
/// Canvas folder under another era's name), then a thread by name.
pub fn resolve_link(snapshot: &Snapshot, from: &str, link: &Link) -> Resolution {
    // The common case first, without building the candidates: a path
    // written from the root as the index spells it, whose first candidate
    // is itself.
    if link.kind == LinkKind::Path && is_plain_path(&link.target) && snapshot.exists(&link.target) {
        return Resolution::Found(link.target.to_string());
    }
    resolve_by_candidates(snapshot, from, link)
}

/// [`resolve_link`] without its shortcut: the first of the link's
/// candidates that exists.
fn resolve_by_candidates(snapshot: &Snapshot, from: &str, link: &Link) -> Resolution {
    let candidates = candidates(&snapshot.config, from, link);
    for path in &candidates.paths {
        if snapshot.exists(path) {
            return Resolution::Found(path.clone());
        }
    }
    if let Some(file) = candidates
        .canvas
        .and_then(|number| snapshot.canvas.get(&number))
        .and_then(|files| files.iter().next())
    {
        return Resolution::Found(file.to_string());
    }
    if let Some(name) = &candidates.thread_name {
        if let Some(thread) = find_thread_by_name(snapshot, name) {
            return Resolution::Found(thread);
        }
    }
    if candidates.outside_root {
        Resolution::OutsideRoot
    } else {
        Resolution::Missing
    }
}

/// Whether a `Path` link's target is its own first candidate
/// ([`candidates`]): no fragment, query or escape to remove, no blank
/// around it, not under the `canvas/` alias, and already normal
/// ([`paths::is_normal`]).
fn is_plain_path(target: &str) -> bool {
    !target.contains(['#', '?', '%', '\\'])
        && target.trim() == target
        && !target.starts_with("canvas/")
        && paths::is_normal(target)
}

/// Resolves an attribution `source` (a thread metadata or stage 1
/// `source` path, leanos-formats.md §4.4): the first of its candidates
/// ([`attribution_candidates`]) that exists, as a workspace path.
pub fn resolve_attribution(snapshot: &Snapshot, source: &str) -> Option<String> {
    attribution_candidates(&snapshot.config, source)
        .into_iter()
        .find(|candidate| snapshot.exists(candidate))
}

/// The first thread folder (in path order) whose last segment is `name`.
pub fn find_thread_by_name(snapshot: &Snapshot, name: &str) -> Option<String> {
    snapshot
        .threads
        .keys()
        .find(|dir| paths::file_name(dir) == name)
        .cloned()
}

/// The entry locations of an assumption ID, in file then position order.
pub fn assumption_entries<'a>(
    snapshot: &'a Snapshot,
    id: &str,
) -> impl Iterator<Item = &'a EntryLocation> {
    snapshot
        .assumptions
        .get(id)
        .into_iter()
        .flat_map(|set| set.iter())
}

/// The files of Canvas section 10 (the assumptions section).
pub fn assumptions_files(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .canvas
        .get(&10)
        .map(|set| set.iter().map(|path| path.to_string()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::analysis::definition::tests::check_definition;
    use crate::analysis::diagnostics::fixture::check;

    const CANVAS: &str = r#"
//- /strategy/canvas/09-solution.md
# Solution
//- /strategy/canvas/10-assumptions.md
# Assumptions

### A4: White-label
"#;

    /// A Canvas path under another era's name (E1 long names, dot names)
    /// resolves to the section of its number (leanos-formats.md §8.2); a
    /// number with no section, and a markdown link (a renderer follows it
    /// literally), stay broken.
    #[test]
    fn a_legacy_canvas_path_resolves_by_its_section_number() {
        let fixture = [
            CANVAS,
            r#"//- /threads/business/x/6-learning.md
# Learning

## Canvas Updates Applied

**File:** `canvas/10.assumptions_validation_methods.md`
**Updated:** `strategy/canvas/10.assumptions.md`
**File:** `canvas/9.solution-definition.md`
**Evidence:** canvas/10.assumptions_validation_methods.md
**File:** `canvas/12.revenue.md`
[dot](../../../strategy/canvas/10.assumptions.md)
"#,
        ]
        .concat();
        assert_eq!(
            check(&fixture, "link-broken"),
            [
                "threads/business/x/6-learning.md:8:11-8:31 warning `canvas/12.revenue.md` does not exist",
                "threads/business/x/6-learning.md:9:6-9:48 warning `../../../strategy/canvas/10.assumptions.md` does not exist (section 10 is `strategy/canvas/10-assumptions.md`)",
            ]
        );
        for line in [
            "**File:** `canvas/10.assumptions_valida$0tion_methods.md`",
            "**Updated:** `strategy/canvas/10.assump$0tions.md`",
            "**Evidence:** canvas/10.assumptions_val$0idation_methods.md",
        ] {
            check_definition(
                &format!(
                    r#"{CANVAS}//- /threads/business/x/6-learning.md
{line}
"#
                ),
                &["strategy/canvas/10-assumptions.md:0:0-0:0"],
            );
        }
    }

    /// A workspace with a file where the `canvas/` alias would lead astray.
    fn shortcut_workspace() -> crate::index::Snapshot {
        crate::analysis::diagnostics::fixture::snapshot(
            "//- /threads/sales/acme/6-learning.md\n# Learning\n\
             //- /threads/sales/acme/2-hypothesis.md\n# Hypothesis\n\
             //- /strategy/canvas/10-assumptions.md\n# Assumptions\n\
             //- /README.md\n# Read me\n\
             //- /canvas/10-assumptions.md\n# Not the Canvas\n",
        )
    }

    fn link(target: &str, kind: crate::facts::LinkKind) -> crate::facts::Link {
        crate::facts::Link {
            target: target.into(),
            range: 0..1,
            kind,
            span: None,
            spawned: false,
        }
    }

    #[test]
    fn the_shortcut_resolves_these_as_the_candidates_do() {
        let snapshot = shortcut_workspace();
        let from = "threads/sales/acme/2-hypothesis.md";
        for target in [
            "threads/sales/acme/6-learning.md",
            "threads/sales/acme",
            "canvas/10-assumptions.md",
            "6-learning.md",
            "./6-learning.md",
            "threads//sales/acme",
            "sales/acme/6-learning.md",
            "README.md#top",
            "README.md ",
        ] {
            let link = link(target, crate::facts::LinkKind::Path);
            assert_eq!(
                super::resolve_link(&snapshot, from, &link),
                super::resolve_by_candidates(&snapshot, from, &link),
                "{target}"
            );
        }
    }

    proptest::proptest! {
        /// The shortcut finds what the candidates find, whatever the path.
        #[test]
        fn the_shortcut_resolves_as_the_candidates_do(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "threads", "sales", "acme", "6-learning.md", "canvas", "strategy",
                    "10-assumptions.md", ".", "..", "", " acme", "a#b", "a%20b", "C:", "x\\y",
                ]),
                1..5,
            ),
            kind in proptest::sample::select(vec![
                crate::facts::LinkKind::Path,
                crate::facts::LinkKind::Markdown,
                crate::facts::LinkKind::Sibling,
            ]),
            from in proptest::sample::select(vec![
                "threads/sales/acme/2-hypothesis.md", "README.md", "strategy/canvas/09-solution.md",
            ]),
        ) {
            let snapshot = shortcut_workspace();
            let link = link(&parts.join("/"), kind);
            proptest::prop_assert_eq!(
                super::resolve_link(&snapshot, from, &link),
                super::resolve_by_candidates(&snapshot, from, &link)
            );
        }
    }
}
