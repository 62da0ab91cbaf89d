//! Find references: every place that cites an assumption or a goal, or
//! links to a Canvas section, a thread or a file, narrowed by the index's
//! reverse maps; and how an assumption fares across the threads citing it
//! ([`testing`]). Byte offsets in, byte ranges out.

use std::collections::BTreeSet;

use crate::analysis::definition::definition_of;
use crate::analysis::resolve::resolve_attribution;
use crate::analysis::target::{file_target, link_target, target_at, Location, Target};
use crate::facts::paths::PathKind;
use crate::facts::status::AssumptionStatus;
use crate::index::{attribution_source, Snapshot};
use crate::paths;
use crate::syntax::ByteRange;

/// Every place that refers to `target` (and its definitions when
/// `include_declaration`), sorted by path then position.
pub fn references_of(
    snapshot: &Snapshot,
    target: &Target,
    include_declaration: bool,
) -> Vec<Location> {
    // Collected, then sorted and deduplicated once: cheaper than a tree
    // when an assumption is cited by a thousand files.
    let mut out: Vec<Location> = Vec::new();
    match target {
        Target::Assumption(id) => {
            for file in snapshot.files_in(snapshot.assumption_refs.get(id)) {
                for reference in file.facts.refs.iter().filter(|r| r.id == id) {
                    out.push(Location::at(&file.path, reference.range.clone()));
                }
            }
        }
        Target::Goal(id) | Target::Subgoal { goal: id, .. } => {
            let subgoal = match target {
                Target::Subgoal { id, .. } => Some(id),
                _ => None,
            };
            for file in snapshot.files_in(snapshot.goal_refs.get(id)) {
                for goal_ref in file.facts.goal_refs.iter().filter(|g| g.goal == id) {
                    match (subgoal, &goal_ref.subgoal) {
                        (None, _) => {
                            out.push(Location::at(&file.path, goal_ref.range.clone()));
                        }
                        (Some(wanted), Some((sg, range))) if sg == wanted => {
                            out.push(Location::at(&file.path, range.clone()));
                        }
                        _ => {}
                    }
                }
            }
        }
        Target::CanvasSection(_) | Target::Thread(_) | Target::File(_) => {
            for (path, range) in links_to(snapshot, target) {
                out.push(Location::at(&path, range));
            }
        }
        Target::Unresolved(_) => {}
    }
    if include_declaration {
        out.extend(definition_of(snapshot, target));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The links (and attribution sources) anywhere in the workspace that
/// resolve to a Canvas section, a thread (or a file in it) or a file. The
/// reverse map narrows the files to look at.
fn links_to(snapshot: &Snapshot, target: &Target) -> Vec<(String, ByteRange)> {
    let mut keys: Vec<String> = Vec::new();
    let mut wanted_paths: BTreeSet<String> = BTreeSet::new();
    match target {
        Target::CanvasSection(number) => {
            keys.push(format!("canvas:{number}"));
            for file in snapshot
                .canvas
                .get(number)
                .into_iter()
                .flat_map(|s| s.iter())
            {
                keys.push(format!("path:{file}"));
                wanted_paths.insert(file.to_string());
            }
        }
        Target::Thread(dir) => {
            keys.push(format!("path:{dir}"));
            keys.push(format!("thread:{}", paths::file_name(dir)));
            wanted_paths.insert(dir.clone());
            for member in snapshot.threads.get(dir).into_iter().flat_map(|s| s.iter()) {
                keys.push(format!("path:{member}"));
                wanted_paths.insert(member.to_string());
            }
        }
        Target::File(path) => {
            keys.push(format!("path:{path}"));
            wanted_paths.insert(path.clone());
        }
        _ => return Vec::new(),
    }
    let files: BTreeSet<&str> = keys
        .iter()
        .filter_map(|k| snapshot.link_dependents.get(k))
        .flat_map(|s| s.iter().map(|p| &**p))
        .collect();
    let mut out = Vec::new();
    for path in files {
        let Some(file) = snapshot.files.get(path) else {
            continue;
        };
        for link in &file.facts.links {
            let hits = match (link_target(snapshot, path, link), target) {
                (Target::CanvasSection(a), Target::CanvasSection(b)) => a == *b,
                (Target::Thread(a), _) | (Target::File(a), _) => {
                    wanted_paths.contains(&a)
                        || matches!(target, Target::Thread(dir) if a.starts_with(&format!("{dir}/")))
                }
                _ => false,
            };
            if hits {
                out.push((path.to_string(), link.range.clone()));
            }
        }
        if let Some((source, range)) = attribution_source(file) {
            let resolved = resolve_attribution(snapshot, &source);
            if resolved.is_some_and(|r| wanted_paths.contains(&r)) {
                out.push((path.to_string(), range));
            }
        }
    }
    out
}

/// References at a cursor (a byte offset into the file at `path`); on no
/// token, the references of what the file stands for (its thread, section
/// or goal). Sorted by path then position, without duplicates.
pub fn references(
    snapshot: &Snapshot,
    path: &str,
    offset: u32,
    include_declaration: bool,
) -> Vec<Location> {
    let target = target_at(snapshot, path, offset)
        .map(|hit| hit.target)
        .or_else(|| file_target(snapshot, path));
    match target {
        Some(target) => references_of(snapshot, &target, include_declaration),
        None => Vec::new(),
    }
}

/// How an assumption fares across threads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Testing {
    /// Thread folders whose files cite the assumption, in path order.
    pub threads: Vec<String>,
    /// The last (in path order) thread whose learning cites it, and the
    /// status the learning's citing line states, if any.
    pub latest: Option<(String, Option<AssumptionStatus>)>,
}

/// The threads that test assumption `id`.
pub fn testing(snapshot: &Snapshot, id: &str) -> Testing {
    let mut threads: BTreeSet<String> = BTreeSet::new();
    let mut latest = None;
    for file in snapshot.files_in(snapshot.assumption_refs.get(id)) {
        let Some(thread) = file.facts.path_kind().thread() else {
            continue;
        };
        threads.insert(thread.to_string());
        if matches!(
            file.facts.path_kind(),
            PathKind::Stage { number: 6 | 7, .. }
        ) {
            let status = file
                .facts
                .learning_results
                .iter()
                .filter(|r| r.id == id)
                .find_map(|r| r.status);
            let candidate = (thread.to_string(), status);
            if latest
                .as_ref()
                .is_none_or(|(t, _): &(String, _)| *t < candidate.0)
            {
                latest = Some(candidate);
            }
        }
    }
    Testing {
        threads: threads.into_iter().collect(),
        latest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::definition::tests::CANVAS;
    use crate::analysis::diagnostics::fixture::{render_range, with_cursor};

    /// Checks the references of the token (or file) at the fixture's `$0`,
    /// each rendered as `path:line:col-line:col`.
    #[track_caller]
    fn check_references(fixture: &str, include_declaration: bool, expected: &[&str]) {
        let (snapshot, path, offset) = with_cursor(fixture);
        let found: Vec<String> = references(&snapshot, &path, offset, include_declaration)
            .iter()
            .map(|l| render_range(&snapshot, &l.path, &l.selection))
            .collect();
        assert_eq!(found, expected, "{fixture}");
    }

    #[test]
    fn references_of_an_assumption_include_metadata() {
        let fixture = [
            CANVAS,
            r#"//- /threads/sales/a/2-hypothesis.md
Tests: A4 - x
//- /threads/sales/a/meta.json
{"canvas_assumptions": ["A4"]}
//- /threads/ops/b/6-learning.md
## Canvas Updates
- 10-assumptions.md → A$04: 95%
"#,
        ]
        .concat();
        check_references(
            &fixture,
            false,
            &[
                "threads/ops/b/6-learning.md:1:22-1:24",
                "threads/sales/a/2-hypothesis.md:0:7-0:9",
                "threads/sales/a/meta.json:0:25-0:27",
            ],
        );
        check_references(
            &fixture,
            true,
            &[
                "strategy/canvas/10.assumptions.md:2:4-2:6",
                "threads/ops/b/6-learning.md:1:22-1:24",
                "threads/sales/a/2-hypothesis.md:0:7-0:9",
                "threads/sales/a/meta.json:0:25-0:27",
            ],
        );
    }

    #[test]
    fn references_of_a_thread() {
        check_references(
            r#"
//- /threads/marketing/case/1-input.md
# Input
$0
//- /threads/marketing/case/6-learning.md
# Learning
//- /threads/sales/a/meta.json
{"source": "marketing/case/", "related_threads": ["marketing/case"]}
//- /threads/sales/b/1-input.md
**Evidence:** threads/marketing/case/6-learning.md
//- /threads/eng/c/meta.json
{"parent_thread": "marketing/case"}
//- /threads/eng/d/1-input.md
Unrelated.
"#,
            false,
            &[
                "threads/eng/c/meta.json:0:19-0:33",
                "threads/sales/a/meta.json:0:12-0:27",
                "threads/sales/a/meta.json:0:51-0:65",
                "threads/sales/b/1-input.md:0:14-0:50",
            ],
        );
    }

    #[test]
    fn references_of_a_canvas_section() {
        check_references(
            r#"
//- /strategy/canvas/09-solution.md
# Solution
$0
//- /threads/eng/c/6-learning.md
Canvas update: 09.solution.md → "SDK"
`strategy/canvas/09-solution.md`
//- /docs/x.md
see 10-assumptions.md
"#,
            false,
            &[
                "threads/eng/c/6-learning.md:0:15-0:29",
                "threads/eng/c/6-learning.md:1:1-1:31",
            ],
        );
    }
}
