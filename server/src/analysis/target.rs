//! What is under a cursor: the [`Target`] a token points at, found by
//! [`target_at`] (or what a whole file stands for, [`file_target`]), and
//! the [`Location`]s that definition and references answer with. Shared
//! by definition, references, hover, rename and call hierarchy.

use crate::analysis::resolve::{resolve_attribution, resolve_link, Resolution};
use crate::facts::paths::PathKind;
use crate::facts::{Link, LinkKind};
use crate::index::{attribution_source, Snapshot};
use crate::syntax::ByteRange;

/// What a reference points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An assumption ID.
    Assumption(String),
    /// A Canvas section, by number.
    CanvasSection(u8),
    /// A thread folder (workspace path).
    Thread(String),
    /// Another file or folder.
    File(String),
    /// A goal id.
    Goal(String),
    /// A subgoal of a goal.
    Subgoal { goal: String, id: String },
    /// A link that resolves to nothing.
    Unresolved(String),
}

/// A token under the cursor and what it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The token's byte range in the cursor's file (a whole markdown link,
    /// label included).
    pub range: ByteRange,
    pub target: Target,
}

/// A place in a file: `range` is the whole construct (an entry, a file's
/// start), `selection` the part to highlight (the ID). Both are byte
/// ranges into the file's text; `lsp` converts them to positions. Ordered
/// by path, then range, then selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Workspace path.
    pub path: String,
    pub range: ByteRange,
    pub selection: ByteRange,
}

impl Location {
    fn key(&self) -> (&str, u32, u32, u32, u32) {
        (
            &self.path,
            self.range.start,
            self.range.end,
            self.selection.start,
            self.selection.end,
        )
    }

    /// A place whose range and selection are both `range`.
    pub(crate) fn at(path: &str, range: ByteRange) -> Location {
        Location {
            path: path.to_string(),
            selection: range.clone(),
            range,
        }
    }
}

impl Ord for Location {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Location {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

fn contains(range: &ByteRange, offset: u32) -> bool {
    // Inclusive of the end: a cursor just after the last character of a
    // token (where editors put it after typing) is on the token.
    range.start <= offset && offset <= range.end
}

/// What the link `link` of the file at `from` points at.
pub fn link_target(snapshot: &Snapshot, from: &str, link: &Link) -> Target {
    match resolve_link(snapshot, from, link) {
        Resolution::Found(path) => {
            if let LinkKind::CanvasName(number) = link.kind {
                return Target::CanvasSection(number);
            }
            if let Some(PathKind::Canvas { number, .. }) = snapshot
                .files
                .get(path.as_str())
                .map(|f| f.facts.path_kind())
            {
                return Target::CanvasSection(*number);
            }
            path_target(snapshot, path)
        }
        _ => Target::Unresolved(link.target.to_string()),
    }
}

/// A workspace path that exists, as a target: a thread folder or a file.
fn path_target(snapshot: &Snapshot, path: String) -> Target {
    if snapshot.threads.contains_key(&path) {
        Target::Thread(path)
    } else {
        Target::File(path)
    }
}

/// The token at byte `offset` of the file at `path` (an assumption ID
/// defined or cited, a goal or subgoal, a link, an attribution source),
/// or `None` off every token. A cursor just after a token's last
/// character is on it.
pub fn target_at(snapshot: &Snapshot, path: &str, offset: u32) -> Option<Hit> {
    let file = snapshot.files.get(path)?;
    let facts = &file.facts;
    if let Some(entry) = facts.entries.iter().find(|e| contains(&e.id_range, offset)) {
        return Some(Hit {
            range: entry.id_range.clone(),
            target: Target::Assumption(entry.id.clone()),
        });
    }
    if let Some(reference) = facts.refs.iter().find(|r| contains(&r.range, offset)) {
        return Some(Hit {
            range: reference.range.clone(),
            target: Target::Assumption(reference.id.to_string()),
        });
    }
    for goal_ref in &facts.goal_refs {
        if let Some((id, range)) = &goal_ref.subgoal {
            if contains(range, offset) {
                return Some(Hit {
                    range: range.clone(),
                    target: Target::Subgoal {
                        goal: goal_ref.goal.to_string(),
                        id: id.to_string(),
                    },
                });
            }
        }
        if contains(&goal_ref.range, offset) {
            return Some(Hit {
                range: goal_ref.range.clone(),
                target: Target::Goal(goal_ref.goal.to_string()),
            });
        }
    }
    if let Some(goal) = &facts.goal {
        if let Some((id, range)) = goal.subgoals.iter().find(|(_, r)| contains(r, offset)) {
            return Some(Hit {
                range: range.clone(),
                target: Target::Subgoal {
                    goal: goal.id.clone(),
                    id: id.clone(),
                },
            });
        }
    }
    // A markdown link navigates from its label too, and highlights whole.
    if let Some(link) = facts.links.iter().find(|l| {
        contains(&l.range, offset) || l.span.as_ref().is_some_and(|s| contains(s, offset))
    }) {
        return Some(Hit {
            range: link.span.clone().unwrap_or_else(|| link.range.clone()),
            target: link_target(snapshot, path, link),
        });
    }
    if let Some((source, range)) = attribution_source(file) {
        if contains(&range, offset) {
            let target = resolve_attribution(snapshot, &source)
                .map(|found| path_target(snapshot, found))
                .unwrap_or(Target::Unresolved(source));
            return Some(Hit { range, target });
        }
    }
    None
}

/// What a file itself stands for when the cursor is on no token: the
/// thread of a stage or metadata file, a Canvas section, a goal.
pub fn file_target(snapshot: &Snapshot, path: &str) -> Option<Target> {
    let file = snapshot.files.get(path)?;
    match file.facts.path_kind() {
        PathKind::Canvas { number, .. } => Some(Target::CanvasSection(*number)),
        PathKind::Stage { thread, .. } | PathKind::ThreadMeta { thread, .. } => {
            Some(Target::Thread(thread.to_string()))
        }
        PathKind::Goal => file.facts.goal.as_ref().map(|g| Target::Goal(g.id.clone())),
        _ => None,
    }
}
