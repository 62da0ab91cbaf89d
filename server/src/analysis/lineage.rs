//! Thread lineage: how threads name each other, the one model the call
//! hierarchy, workspace symbols and the loop (`analysis/loops.rs`) read.
//! An [`Edge`] is written in one file of a thread and leads to another
//! thread: its `parent_thread` or `source_thread` ([`EdgeKind::Parent`]),
//! a `source` attribution resolving to a thread ([`EdgeKind::Source`]),
//! an item of `related_threads` ([`EdgeKind::Related`]), a `→ spawned:`
//! back-link ([`EdgeKind::Spawned`]) or any other link into the thread or
//! one of its files ([`EdgeKind::Link`]). A thread's parents are the
//! threads its parent and source edges lead to; its children are the
//! threads whose parent or source edges lead to it, and those its own
//! spawned back-links name.

use std::collections::BTreeMap;

use crate::analysis::drift::thread_of;
use crate::analysis::target::{link_target, Target};
use crate::facts::metadata::MetaValue;
use crate::index::{attribution_candidates, attribution_source, FileData, Snapshot};
use crate::syntax::ByteRange;

/// A related thread and where the relation is written: `(file, range)`.
pub type Relations = BTreeMap<String, Vec<(String, ByteRange)>>;

/// How one thread names another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// `parent_thread` or `source_thread` in metadata or frontmatter.
    Parent,
    /// A `source` attribution (leanos-formats.md §4.4).
    Source,
    /// An item of `related_threads`.
    Related,
    /// A `→ spawned: threads/x/` back-link (written by the spawn action).
    Spawned,
    /// Any other link into the thread or one of its files.
    Link,
}

impl EdgeKind {
    /// The word JSON output and the loop page use (`parent`, `source`,
    /// `related`, `spawned`, `link`).
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Parent => "parent",
            EdgeKind::Source => "source",
            EdgeKind::Related => "related",
            EdgeKind::Spawned => "spawned",
            EdgeKind::Link => "link",
        }
    }

    /// A parent or source edge: the written thread descends from the
    /// named one.
    pub fn is_lineage(self) -> bool {
        matches!(self, EdgeKind::Parent | EdgeKind::Source)
    }
}

/// One thread naming another: written in `file` (a member of thread
/// `from`) at byte range `range`, leading to thread folder `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    pub file: String,
    pub range: ByteRange,
}

/// The edges written in `file` (a member of a thread; none otherwise),
/// in the order of the file.
pub fn file_edges(snapshot: &Snapshot, file: &FileData) -> Vec<Edge> {
    let Some(from) = file.facts.path_kind().thread() else {
        return Vec::new();
    };
    let mut parent_ranges = Vec::new();
    let mut related_ranges = Vec::new();
    if let Some(meta) = file.facts.meta() {
        for key in ["parent_thread", "source_thread"] {
            if let Some(field) = meta.get(key) {
                if matches!(field.value, MetaValue::String(_)) {
                    parent_ranges.push(field.value_range.clone());
                }
            }
        }
        if let Some(field) = meta.get("related_threads") {
            match &field.value {
                MetaValue::List(items) => {
                    related_ranges.extend(items.iter().map(|(_, r)| r.clone()))
                }
                MetaValue::String(_) => related_ranges.push(field.value_range.clone()),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    let mut push = |to: String, kind: EdgeKind, range: ByteRange| {
        if to != from {
            out.push(Edge {
                from: from.to_string(),
                to,
                kind,
                file: file.path.to_string(),
                range,
            });
        }
    };
    let source = attribution_source(file);
    if let Some((value, range)) = &source {
        let resolved = attribution_candidates(&snapshot.config, value)
            .into_iter()
            .find(|c| snapshot.exists(c));
        if let Some(dir) = resolved.and_then(|p| thread_of(snapshot, &p)) {
            push(dir, EdgeKind::Source, range.clone());
        }
    }
    for link in &file.facts.links {
        if source.as_ref().is_some_and(|(_, r)| *r == link.range) {
            continue;
        }
        let to = match link_target(snapshot, &file.path, link) {
            Target::Thread(dir) => dir,
            Target::File(path) => match thread_of(snapshot, &path) {
                Some(dir) => dir,
                None => continue,
            },
            _ => continue,
        };
        let kind = if parent_ranges.contains(&link.range) {
            EdgeKind::Parent
        } else if related_ranges.contains(&link.range) {
            EdgeKind::Related
        } else if link.spawned {
            EdgeKind::Spawned
        } else {
            EdgeKind::Link
        };
        push(to, kind, link.range.clone());
    }
    out
}

/// The edges written in thread `dir`'s files.
pub fn edges_from(snapshot: &Snapshot, dir: &str) -> Vec<Edge> {
    snapshot
        .thread_members(dir)
        .flat_map(|file| file_edges(snapshot, file))
        .collect()
}

/// The edges other threads write that lead to thread `dir`, found through
/// the reverse map (the files with a link or attribution that could
/// resolve to the folder, its name or one of its files).
pub fn edges_into(snapshot: &Snapshot, dir: &str) -> Vec<Edge> {
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
    let candidates: std::collections::BTreeSet<&str> = keys
        .iter()
        .filter_map(|k| snapshot.link_dependents.get(k))
        .flat_map(|s| s.iter().map(|p| &**p))
        .collect();
    let mut out = Vec::new();
    for path in candidates {
        let Some(file) = snapshot.files.get(path) else {
            continue;
        };
        if file.facts.path_kind().thread().is_none_or(|t| t == dir) {
            continue;
        }
        out.extend(
            file_edges(snapshot, file)
                .into_iter()
                .filter(|e| e.to == dir),
        );
    }
    out
}

/// The parents of thread `dir`, with where each is named in `dir`'s files.
pub fn parents(snapshot: &Snapshot, dir: &str) -> Relations {
    let mut out = Relations::new();
    for edge in edges_from(snapshot, dir) {
        if edge.kind.is_lineage() {
            out.entry(edge.to)
                .or_default()
                .push((edge.file, edge.range));
        }
    }
    out
}

/// The threads `dir` spawned, with where the relation is written in
/// `dir`'s own files (`spawned:` links; empty when only the child names
/// its parent).
pub fn children(snapshot: &Snapshot, dir: &str) -> Relations {
    let mut out = Relations::new();
    for edge in edges_into(snapshot, dir) {
        if edge.kind.is_lineage() {
            out.entry(edge.from).or_default();
        }
    }
    for edge in edges_from(snapshot, dir) {
        if edge.kind == EdgeKind::Spawned {
            out.entry(edge.to)
                .or_default()
                .push((edge.file, edge.range));
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
        let related: Vec<_> = edges_from(&snapshot, "threads/engineering/sdk")
            .into_iter()
            .map(|e| (e.to, e.kind))
            .collect();
        assert_eq!(
            related,
            [
                ("threads/sales/acme".to_string(), EdgeKind::Parent),
                ("threads/marketing/case".to_string(), EdgeKind::Related),
            ]
        );
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
