//! Thread lineage for the call hierarchy: a thread's parents (its
//! `parent_thread`, `source_thread`, and a `source` attribution that
//! resolves to a thread) and the threads it spawned (those naming it as
//! parent or source, and `spawned:` links in its own files).

use std::collections::BTreeMap;

use crate::analysis::drift::thread_of;
use crate::analysis::target::{link_target, Target};
use crate::facts::metadata::MetaValue;
use crate::index::{attribution_candidates, attribution_source, FileData, Snapshot};
use crate::syntax::ByteRange;

/// A related thread and where the relation is written: `(file, range)`.
pub type Relations = BTreeMap<String, Vec<(String, ByteRange)>>;

/// The threads `file` names as its parents, with the ranges.
fn parent_links(snapshot: &Snapshot, file: &FileData) -> Vec<(String, ByteRange)> {
    let mut out = Vec::new();
    if let Some(meta) = file.facts.meta() {
        for key in ["parent_thread", "source_thread"] {
            let Some(field) = meta.get(key) else { continue };
            if !matches!(field.value, MetaValue::String(_)) {
                continue;
            }
            let link = file
                .facts
                .links
                .iter()
                .find(|l| l.range == field.value_range);
            if let Some(link) = link {
                match link_target(snapshot, &file.path, link) {
                    Target::Thread(dir) => out.push((dir, link.range.clone())),
                    Target::File(path) => {
                        if let Some(dir) = thread_of(snapshot, &path) {
                            out.push((dir, link.range.clone()));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if let Some((source, range)) = attribution_source(file) {
        let resolved = attribution_candidates(&snapshot.config, &source)
            .into_iter()
            .find(|c| snapshot.exists(c));
        if let Some(dir) = resolved.and_then(|p| thread_of(snapshot, &p)) {
            out.push((dir, range));
        }
    }
    out
}

/// The parents of thread `dir`, with where each is named in `dir`'s files.
pub fn parents(snapshot: &Snapshot, dir: &str) -> Relations {
    let mut out = Relations::new();
    for file in snapshot.thread_members(dir) {
        for (parent, range) in parent_links(snapshot, file) {
            if parent != dir {
                out.entry(parent)
                    .or_default()
                    .push((file.path.clone(), range));
            }
        }
    }
    out
}

/// The threads `dir` spawned, with where the relation is written in
/// `dir`'s own files (`spawned:` links; empty when only the child names
/// its parent).
pub fn children(snapshot: &Snapshot, dir: &str) -> Relations {
    let mut out = Relations::new();
    // Children that name this thread: narrowed through the reverse map.
    let mut keys = vec![
        format!("path:{dir}"),
        format!("thread:{}", crate::paths::file_name(dir)),
    ];
    keys.extend(
        snapshot
            .threads
            .get(dir)
            .into_iter()
            .flat_map(|m| m.iter())
            .map(|m| format!("path:{m}")),
    );
    let candidates: std::collections::BTreeSet<&String> = keys
        .iter()
        .filter_map(|k| snapshot.link_dependents.get(k))
        .flat_map(|s| s.iter())
        .collect();
    for path in candidates {
        let Some(file) = snapshot.files.get(path) else {
            continue;
        };
        let Some(child) = file.facts.path_kind().thread() else {
            continue;
        };
        if child != dir && parent_links(snapshot, file).iter().any(|(p, _)| p == dir) {
            out.entry(child.to_string()).or_default();
        }
    }
    // `→ spawned: threads/x/` back-links in this thread's files.
    for file in snapshot.thread_members(dir) {
        for link in &file.facts.links {
            let line_start = file.text[..link.range.start as usize]
                .rfind('\n')
                .map(|i| i + 1)
                .unwrap_or(0);
            let before = file.text[line_start..link.range.start as usize].to_lowercase();
            if !before.contains("spawned") {
                continue;
            }
            if let Target::Thread(child) = link_target(snapshot, &file.path, link) {
                if child != dir {
                    out.entry(child)
                        .or_default()
                        .push((file.path.clone(), link.range.clone()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::snapshot;

    const FIXTURE: &str = r#"//- /threads/marketing/case/1-input.md
# Input
//- /threads/marketing/case/6-learning.md
## Follow-up Actions
- Pilot with Acme → spawned: threads/sales/acme/
//- /threads/sales/acme/meta.json
{"source": "marketing/case/"}
//- /threads/sales/acme/1-input.md
# Input
//- /threads/engineering/sdk/meta.json
{"parent_thread": "sales/acme", "related_threads": ["marketing/case"]}
//- /threads/engineering/sdk/1-input.md
# Input
"#;

    #[test]
    fn parents_and_children() {
        let snapshot = snapshot(FIXTURE);
        let keys = |relations: Relations| relations.into_keys().collect::<Vec<_>>();
        assert_eq!(
            keys(parents(&snapshot, "threads/engineering/sdk")),
            ["threads/sales/acme"]
        );
        assert_eq!(
            keys(parents(&snapshot, "threads/sales/acme")),
            ["threads/marketing/case"]
        );
        assert_eq!(
            keys(children(&snapshot, "threads/sales/acme")),
            ["threads/engineering/sdk"]
        );
        // related_threads is not lineage; the spawned back-link is.
        let children_of_case = children(&snapshot, "threads/marketing/case");
        assert_eq!(
            children_of_case.keys().collect::<Vec<_>>(),
            ["threads/sales/acme"]
        );
        assert_eq!(
            children_of_case["threads/sales/acme"][0].0,
            "threads/marketing/case/6-learning.md"
        );
    }
}
