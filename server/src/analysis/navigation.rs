//! Navigation queries over a snapshot: what is under the cursor, where it
//! is defined, who refers to it, and what to say about it on hover. Byte
//! offsets in, byte ranges out; `lsp` converts.

use std::collections::BTreeSet;

use crate::analysis::resolve::{resolve_link, Resolution};
use crate::analysis::thread::{thread_info, ThreadInfo};
use crate::facts::paths::PathKind;
use crate::facts::status::AssumptionStatus;
use crate::facts::{AssumptionEntry, Link, LinkKind};
use crate::index::{attribution_candidates, attribution_source, Snapshot};
use crate::paths;
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
    pub range: ByteRange,
    pub target: Target,
}

/// A place in a file: `range` is the whole construct (an entry, a file's
/// start), `selection` the part to highlight (the ID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
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

    fn at(path: &str, range: ByteRange) -> Location {
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
            if let Some(PathKind::Canvas { number, .. }) =
                snapshot.files.get(&path).map(|f| f.facts.path_kind())
            {
                return Target::CanvasSection(*number);
            }
            if snapshot.threads.contains_key(&path) {
                Target::Thread(path)
            } else {
                Target::File(path)
            }
        }
        _ => Target::Unresolved(link.target.clone()),
    }
}

/// The token at byte `offset` of the file at `path`.
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
            target: Target::Assumption(reference.id.clone()),
        });
    }
    for goal_ref in &facts.goal_refs {
        if let Some((id, range)) = &goal_ref.subgoal {
            if contains(range, offset) {
                return Some(Hit {
                    range: range.clone(),
                    target: Target::Subgoal {
                        goal: goal_ref.goal.clone(),
                        id: id.clone(),
                    },
                });
            }
        }
        if contains(&goal_ref.range, offset) {
            return Some(Hit {
                range: goal_ref.range.clone(),
                target: Target::Goal(goal_ref.goal.clone()),
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
            let target = attribution_candidates(&snapshot.config, &source)
                .into_iter()
                .find(|c| snapshot.exists(c))
                .map(|c| {
                    if snapshot.threads.contains_key(&c) {
                        Target::Thread(c)
                    } else {
                        Target::File(c)
                    }
                })
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
            Some(Target::Thread(thread.clone()))
        }
        PathKind::Goal => file.facts.goal.as_ref().map(|g| Target::Goal(g.id.clone())),
        _ => None,
    }
}

/// The file a thread opens on: its lowest stage file, else its metadata.
pub fn thread_entry_file(snapshot: &Snapshot, dir: &str) -> Option<String> {
    let info = thread_info(snapshot, dir);
    (1..=6)
        .find_map(|n| info.stage_file(n).map(|f| f.path.clone()))
        .or_else(|| info.meta_file.as_ref().map(|f| f.path.clone()))
}

fn entry_location(
    snapshot: &Snapshot,
    file: &str,
    index: usize,
) -> Option<(Location, AssumptionEntry)> {
    let entry = snapshot.files.get(file)?.facts.entries.get(index)?.clone();
    Some((
        Location {
            path: file.to_string(),
            range: entry.range.clone(),
            selection: entry.id_range.clone(),
        },
        entry,
    ))
}

/// Where `target` is defined.
pub fn definition_of(snapshot: &Snapshot, target: &Target) -> Vec<Location> {
    match target {
        Target::Assumption(id) => snapshot
            .assumptions
            .get(id)
            .into_iter()
            .flat_map(|set| set.iter())
            .filter_map(|l| entry_location(snapshot, &l.file, l.index).map(|(loc, _)| loc))
            .collect(),
        Target::CanvasSection(number) => snapshot
            .canvas
            .get(number)
            .into_iter()
            .flat_map(|set| set.iter())
            .map(|f| Location::at(f, 0..0))
            .collect(),
        Target::Thread(dir) => thread_entry_file(snapshot, dir)
            .map(|f| Location::at(&f, 0..0))
            .into_iter()
            .collect(),
        Target::File(path) => {
            if snapshot.files.contains_key(path) || snapshot.paths.contains(path) {
                vec![Location::at(path, 0..0)]
            } else {
                let index = format!("{path}/index.md");
                if snapshot.files.contains_key(&index) {
                    vec![Location::at(&index, 0..0)]
                } else {
                    Vec::new()
                }
            }
        }
        Target::Goal(id) => snapshot
            .goals
            .get(id)
            .into_iter()
            .flat_map(|set| set.iter())
            .map(|f| Location::at(f, 0..0))
            .collect(),
        Target::Subgoal { goal, id } => snapshot
            .goals
            .get(goal)
            .into_iter()
            .flat_map(|set| set.iter())
            .filter_map(|f| snapshot.files.get(f))
            .filter_map(|file| {
                let (_, range) = file
                    .facts
                    .goal
                    .as_ref()?
                    .subgoals
                    .iter()
                    .find(|(s, _)| s == id)?;
                Some(Location::at(&file.path, range.clone()))
            })
            .collect(),
        Target::Unresolved(_) => Vec::new(),
    }
}

/// Definition at a cursor: the token's range and where it is defined.
pub fn definition(
    snapshot: &Snapshot,
    path: &str,
    offset: u32,
) -> Option<(ByteRange, Vec<Location>)> {
    let hit = target_at(snapshot, path, offset)?;
    let locations = definition_of(snapshot, &hit.target);
    Some((hit.range, locations))
}

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
            for path in snapshot
                .assumption_refs
                .get(id)
                .into_iter()
                .flat_map(|s| s.iter())
            {
                if let Some(file) = snapshot.files.get(path) {
                    for reference in file.facts.refs.iter().filter(|r| &r.id == id) {
                        out.push(Location::at(path, reference.range.clone()));
                    }
                }
            }
        }
        Target::Goal(id) | Target::Subgoal { goal: id, .. } => {
            let subgoal = match target {
                Target::Subgoal { id, .. } => Some(id),
                _ => None,
            };
            for path in snapshot
                .goal_refs
                .get(id)
                .into_iter()
                .flat_map(|s| s.iter())
            {
                if let Some(file) = snapshot.files.get(path) {
                    for goal_ref in file.facts.goal_refs.iter().filter(|g| &g.goal == id) {
                        match (subgoal, &goal_ref.subgoal) {
                            (None, _) => {
                                out.push(Location::at(path, goal_ref.range.clone()));
                            }
                            (Some(wanted), Some((sg, range))) if sg == wanted => {
                                out.push(Location::at(path, range.clone()));
                            }
                            _ => {}
                        }
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
                wanted_paths.insert(file.clone());
            }
        }
        Target::Thread(dir) => {
            keys.push(format!("path:{dir}"));
            keys.push(format!("thread:{}", paths::file_name(dir)));
            wanted_paths.insert(dir.clone());
            for member in snapshot.threads.get(dir).into_iter().flat_map(|s| s.iter()) {
                keys.push(format!("path:{member}"));
                wanted_paths.insert(member.clone());
            }
        }
        Target::File(path) => {
            keys.push(format!("path:{path}"));
            wanted_paths.insert(path.clone());
        }
        _ => return Vec::new(),
    }
    let files: BTreeSet<&String> = keys
        .iter()
        .filter_map(|k| snapshot.link_dependents.get(k))
        .flat_map(|s| s.iter())
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
                out.push((path.clone(), link.range.clone()));
            }
        }
        if let Some((source, range)) = attribution_source(file) {
            let resolved = attribution_candidates(&snapshot.config, &source)
                .into_iter()
                .find(|c| snapshot.exists(c));
            if resolved.is_some_and(|r| wanted_paths.contains(&r)) {
                out.push((path.clone(), range));
            }
        }
    }
    out
}

/// References at a cursor; on no token, the references of what the file
/// stands for (its thread, section or goal).
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

/// An entry's status as hover and completion show it (`✅ VALIDATED`), or
/// `no status`.
pub fn status_label(status: Option<AssumptionStatus>) -> String {
    status
        .map(|s| format!("{} {}", status_emoji(s), s.as_str()))
        .unwrap_or_else(|| "no status".into())
}

/// The emoji shown for a status (hover, inlay hints, code lens).
pub fn status_emoji(status: AssumptionStatus) -> &'static str {
    match status {
        AssumptionStatus::Validated => "✅",
        AssumptionStatus::Invalidated => "❌",
        AssumptionStatus::Testing => "⏳",
        AssumptionStatus::Untested => "📝",
        AssumptionStatus::Partial => "◐",
        AssumptionStatus::Challenged => "⚠️",
        AssumptionStatus::Inconclusive => "❔",
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
    for path in snapshot
        .assumption_refs
        .get(id)
        .into_iter()
        .flat_map(|s| s.iter())
    {
        let Some(file) = snapshot.files.get(path) else {
            continue;
        };
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

fn line_at(text: &str, offset: u32) -> &str {
    let line = crate::line_index::line_span(text, offset);
    &text[line.start as usize..line.end as usize]
}

/// A thread's path relative to the threads folder (`sales/acme`).
pub fn thread_name<'a>(snapshot: &Snapshot, dir: &'a str) -> &'a str {
    dir.strip_prefix(snapshot.config.threads_dir.as_str())
        .map(|r| r.trim_start_matches('/'))
        .unwrap_or(dir)
}

/// A thread's title: its stated title, else its folder name (one line,
/// at most 120 characters).
pub fn thread_title(info: &ThreadInfo) -> String {
    let from_meta = info
        .meta_file
        .as_ref()
        .and_then(|f| f.facts.thread_title.clone());
    let from_stages = (1..=6).find_map(|n| {
        info.stage_file(n)
            .and_then(|f| f.facts.thread_title.clone())
    });
    let title = from_meta
        .or(from_stages)
        .unwrap_or_else(|| paths::file_name(&info.dir).to_string());
    title.trim().replace('\n', " ").chars().take(120).collect()
}

/// The stage progress line of a thread: `1 ✓ · 2 ✓ · 3 ∅ · 4 – …` where
/// ✓ is present, ∅ present but empty, – missing.
pub fn stage_progress(info: &ThreadInfo) -> String {
    (1..=6)
        .map(|n| {
            let mark = match info.stage_file(n) {
                Some(f) if f.facts.empty => "∅",
                Some(_) => "✓",
                None => "–",
            };
            format!("{n} {mark}")
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The hover text of a defined assumption (completion documentation).
pub fn hover_text_for_assumption(snapshot: &Snapshot, id: &str) -> Option<String> {
    snapshot
        .assumptions
        .contains_key(id)
        .then(|| assumption_hover(snapshot, id))
}

fn assumption_hover(snapshot: &Snapshot, id: &str) -> String {
    let mut out = String::new();
    let entries: Vec<(Location, AssumptionEntry)> = snapshot
        .assumptions
        .get(id)
        .into_iter()
        .flat_map(|s| s.iter())
        .filter_map(|l| entry_location(snapshot, &l.file, l.index))
        .collect();
    let Some((location, entry)) = entries.first() else {
        return format!("**{id}**: not defined in any assumptions section");
    };
    out.push_str(&format!("**{id}**: {}\n\n", entry.title));
    let status = status_label(entry.status);
    let confidence = entry
        .confidence
        .map(|c| format!(" at {c}%"))
        .unwrap_or_default();
    out.push_str(&format!("{status}{confidence}\n\n"));
    if let Some(evidence) = &entry.evidence {
        out.push_str(&format!("Evidence: {evidence}\n\n"));
    }
    let testing = testing(snapshot, id);
    let count = testing.threads.len();
    out.push_str(&format!(
        "Tested by {count} thread{}",
        if count == 1 { "" } else { "s" }
    ));
    if let Some((thread, status)) = &testing.latest {
        let result = status.map(|s| s.as_str()).unwrap_or("learning recorded");
        out.push_str(&format!(
            " · latest: {result} (`{}`)",
            thread_name(snapshot, thread)
        ));
    }
    out.push_str(&format!("\n\nDefined in `{}`", location.path));
    if entries.len() > 1 {
        out.push_str(&format!(" and {} more place(s)", entries.len() - 1));
    }
    out
}

fn thread_hover(snapshot: &Snapshot, dir: &str) -> String {
    let info = thread_info(snapshot, dir);
    let title = thread_title(&info);
    let mut out = format!(
        "**{title}**\n\n`{}` · type `{}`",
        thread_name(snapshot, dir),
        info.thread_type
    );
    if info.campaign {
        out.push_str(" · campaign");
    }
    if info.archived {
        out.push_str(" · archived");
    }
    out.push_str(&format!("\n\nStages: {}", stage_progress(&info)));
    if let Some(meta) = info.metadata() {
        if let Some(status) = meta.text("status") {
            out.push_str(&format!("\n\nStatus: {status}"));
        }
        if let Some(goal) = meta.text("goal_id") {
            let subgoal = meta
                .text("subgoal")
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            out.push_str(&format!("\n\nGoal: `{goal}`{subgoal}"));
        }
    }
    out
}

fn goal_hover(snapshot: &Snapshot, id: &str, subgoal: Option<&str>) -> String {
    let file = snapshot
        .goals
        .get(id)
        .and_then(|s| s.iter().next())
        .and_then(|f| snapshot.files.get(f));
    let Some(goal) = file.and_then(|f| f.facts.goal.as_ref()) else {
        return format!("goal `{id}`: not found");
    };
    let title = if goal.title.is_empty() {
        id
    } else {
        goal.title.as_str()
    };
    let mut out = format!("**{title}**\n\n`{id}`");
    if let Some(status) = &goal.status {
        out.push_str(&format!(" · status {status}"));
    }
    if !goal.subgoals.is_empty() {
        let ids: Vec<&str> = goal.subgoals.iter().map(|(s, _)| s.as_str()).collect();
        out.push_str(&format!("\n\nSubgoals: {}", ids.join(", ")));
    }
    if let (Some(sg), Some(file)) = (subgoal, file) {
        if let Some((_, range)) = goal.subgoals.iter().find(|(s, _)| s == sg) {
            let heading = line_at(&file.text, range.start)
                .trim()
                .trim_start_matches(['#', '-', '*', ' ']);
            out.push_str(&format!("\n\n{heading}"));
        }
    }
    out
}

fn canvas_hover(snapshot: &Snapshot, number: u8) -> String {
    let Some(file) = snapshot
        .canvas
        .get(&number)
        .and_then(|s| s.iter().next())
        .and_then(|f| snapshot.files.get(f))
    else {
        return format!(
            "Canvas section {number:02}: no file in `{}`",
            snapshot.config.canvas_dir
        );
    };
    let title = file
        .facts
        .headings
        .first()
        .map(|h| h.text.clone())
        .unwrap_or_else(|| paths::file_name(&file.path).to_string());
    let mut out = format!("**Canvas {number:02}: {title}**\n\n`{}`", file.path);
    if number == 10 {
        out.push_str(&format!("\n\n{} assumptions", file.facts.entries.len()));
    }
    out
}

/// Hover at a cursor: the token's range and markdown text.
pub fn hover(snapshot: &Snapshot, path: &str, offset: u32) -> Option<(ByteRange, String)> {
    let hit = target_at(snapshot, path, offset)?;
    let text = match &hit.target {
        Target::Assumption(id) => assumption_hover(snapshot, id),
        Target::Thread(dir) => thread_hover(snapshot, dir),
        Target::Goal(id) => goal_hover(snapshot, id, None),
        Target::Subgoal { goal, id } => goal_hover(snapshot, goal, Some(id)),
        Target::CanvasSection(number) => canvas_hover(snapshot, *number),
        Target::File(path) => {
            // A file inside a thread says which thread it belongs to.
            let thread = snapshot
                .files
                .get(path)
                .and_then(|f| f.facts.path_kind().thread().map(str::to_string));
            match thread {
                Some(dir) => format!("`{path}`\n\n{}", thread_hover(snapshot, &dir)),
                None => format!("`{path}`"),
            }
        }
        Target::Unresolved(target) => format!("`{target}` resolves to nothing in this workspace"),
    };
    Some((hit.range, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::{render_range, with_cursor};

    const CANVAS: &str = "//- /strategy/canvas/10.assumptions.md\n# Assumptions\n\n### A4: White-label preference\n**Status:** ✅ VALIDATED\n**Confidence:** 60% → 95%\n\n## Hypotheses\n\n| ID | Assumption | Status |\n|---|---|---|\n| H1 | Case studies convert | testing |\n\n## Technical\n\n- T2: SDK scales\n";

    fn definitions(fixture: &str) -> Vec<String> {
        let (snapshot, path, offset) = with_cursor(fixture);
        let Some((_, locations)) = definition(&snapshot, &path, offset) else {
            return vec!["<no token>".into()];
        };
        locations
            .iter()
            .map(|l| render_range(&snapshot, &l.path, &l.selection))
            .collect()
    }

    #[test]
    fn assumption_ids_go_to_entries_in_every_form() {
        for (reference, expected) in [
            (
                "Tests: $0A4 - white label",
                "strategy/canvas/10.assumptions.md:2:4-2:6",
            ),
            (
                "Tests: A4$0 - cursor after the last character",
                "strategy/canvas/10.assumptions.md:2:4-2:6",
            ),
            (
                "Tests: H$01: case studies",
                "strategy/canvas/10.assumptions.md:10:2-10:4",
            ),
            (
                "- T2$0: list item",
                "strategy/canvas/10.assumptions.md:14:2-14:4",
            ),
            (
                "🚀 Tests: A$04 after an emoji",
                "strategy/canvas/10.assumptions.md:2:4-2:6",
            ),
        ] {
            let fixture =
                format!("{CANVAS}//- /threads/sales/a/2-hypothesis.md\n# Stage 2\n{reference}\n");
            assert_eq!(definitions(&fixture), [expected], "{reference}");
        }
    }

    #[test]
    fn metadata_values_and_unresolved_ids() {
        let fixture = format!("{CANVAS}//- /threads/sales/a/meta.json\n{{\"canvas_assumptions\": [\"A4\", \"H$01\"]}}\n");
        assert_eq!(
            definitions(&fixture),
            ["strategy/canvas/10.assumptions.md:10:2-10:4"]
        );
        let fixture =
            format!("{CANVAS}//- /threads/sales/a/2-hypothesis.md\nTests: A$07 - undefined\n");
        assert_eq!(definitions(&fixture), Vec::<String>::new());
    }

    #[test]
    fn links_of_every_kind() {
        let base = format!(
            "{CANVAS}//- /strategy/goals/active/g-grow.md\n---\nid: g-grow\n---\n# Goal: Grow\n#### SG1: One\n#### SG2: Two\n//- /threads/sales/acme/1-input.md\n# Input\n//- /threads/sales/acme/2-hypothesis.md\n# Hypothesis\n//- /artifacts/report.csv\n"
        );
        for (line, expected) in [
            (
                "See 10-assum$0ptions.md for it.",
                "strategy/canvas/10.assumptions.md:0:0-0:0",
            ),
            (
                "**Link:** `strategy/canvas/10.as$0sumptions.md`",
                "strategy/canvas/10.assumptions.md:0:0-0:0",
            ),
            (
                "[acme](../ac$0me/2-hypothesis.md)",
                "threads/sales/acme/2-hypothesis.md:0:0-0:0",
            ),
            (
                "See [ac$0me](../acme/2-hypothesis.md) from its label",
                "threads/sales/acme/2-hypothesis.md:0:0-0:0",
            ),
            (
                "See $0[acme](../acme/2-hypothesis.md) from its bracket",
                "threads/sales/acme/2-hypothesis.md:0:0-0:0",
            ),
            (
                "**Evidence:** threads/sales/ac$0me/",
                "threads/sales/acme/1-input.md:0:0-0:0",
            ),
            ("`artifacts/rep$0ort.csv`", "artifacts/report.csv:0..0"),
            (
                "**Goal:** g-gr$0ow (SG2: Two)",
                "strategy/goals/active/g-grow.md:0:0-0:0",
            ),
            (
                "**Goal:** g-grow (SG$02: Two)",
                "strategy/goals/active/g-grow.md:5:5-5:8",
            ),
            (
                "Next: fill in 2-hypo$0thesis.md.",
                "threads/sales/b/2-hypothesis.md:0:0-0:0",
            ),
        ] {
            let fixture = format!("{base}//- /threads/sales/b/1-input.md\n# Input\n{line}\n//- /threads/sales/b/2-hypothesis.md\n# Hypothesis\n");
            assert_eq!(definitions(&fixture), [expected], "{line}");
        }
        let fixture = format!(
            "{base}//- /threads/sales/b/meta.json\n{{\"related_threads\": [\"sales/ac$0me\"]}}\n"
        );
        assert_eq!(
            definitions(&fixture),
            ["threads/sales/acme/1-input.md:0:0-0:0"]
        );
    }

    fn references_at(fixture: &str, include_declaration: bool) -> Vec<String> {
        let (snapshot, path, offset) = with_cursor(fixture);
        references(&snapshot, &path, offset, include_declaration)
            .iter()
            .map(|l| render_range(&snapshot, &l.path, &l.selection))
            .collect()
    }

    #[test]
    fn references_of_an_assumption_include_metadata() {
        let fixture = format!(
            "{CANVAS}//- /threads/sales/a/2-hypothesis.md\nTests: A4 - x\n//- /threads/sales/a/meta.json\n{{\"canvas_assumptions\": [\"A4\"]}}\n//- /threads/ops/b/6-learning.md\n## Canvas Updates\n- 10-assumptions.md → A$04: 95%\n"
        );
        assert_eq!(
            references_at(&fixture, false),
            [
                "threads/ops/b/6-learning.md:1:22-1:24",
                "threads/sales/a/2-hypothesis.md:0:7-0:9",
                "threads/sales/a/meta.json:0:25-0:27",
            ]
        );
        let with_declaration = references_at(&fixture, true);
        assert_eq!(with_declaration.len(), 4);
        assert!(with_declaration.contains(&"strategy/canvas/10.assumptions.md:2:4-2:6".to_string()));
    }

    #[test]
    fn references_of_a_thread_and_a_canvas_section() {
        let fixture = "//- /threads/marketing/case/1-input.md\n# Input\n$0\n//- /threads/marketing/case/6-learning.md\n# Learning\n//- /threads/sales/a/meta.json\n{\"source\": \"marketing/case/\", \"related_threads\": [\"marketing/case\"]}\n//- /threads/sales/b/1-input.md\n**Evidence:** threads/marketing/case/6-learning.md\n//- /threads/eng/c/meta.json\n{\"parent_thread\": \"marketing/case\"}\n//- /threads/eng/d/1-input.md\nUnrelated.\n";
        assert_eq!(
            references_at(fixture, false),
            [
                "threads/eng/c/meta.json:0:19-0:33",
                "threads/sales/a/meta.json:0:12-0:27",
                "threads/sales/a/meta.json:0:51-0:65",
                "threads/sales/b/1-input.md:0:14-0:50",
            ]
        );
        let fixture = "//- /strategy/canvas/09-solution.md\n# Solution\n$0\n//- /threads/eng/c/6-learning.md\nCanvas update: 09.solution.md → \"SDK\"\n`strategy/canvas/09-solution.md`\n//- /docs/x.md\nsee 10-assumptions.md\n";
        assert_eq!(
            references_at(fixture, false),
            [
                "threads/eng/c/6-learning.md:0:15-0:29",
                "threads/eng/c/6-learning.md:1:1-1:31"
            ]
        );
    }

    fn hover_at(fixture: &str) -> String {
        let (snapshot, path, offset) = with_cursor(fixture);
        hover(&snapshot, &path, offset)
            .map(|(_, text)| text)
            .unwrap_or_default()
    }

    #[test]
    fn hover_on_assumptions_threads_and_goals() {
        let fixture = format!(
            "{CANVAS}//- /threads/sales/a/2-hypothesis.md\nTests: A$04 - x\n//- /threads/sales/b/2-hypothesis.md\nTests: A4 - y\n//- /threads/sales/b/6-learning.md\n- A4: confirmed → VALIDATED\n//- /threads/ops/c/meta.json\n{{\"canvas_assumptions\": [\"A4\"]}}\n"
        );
        let text = hover_at(&fixture);
        assert!(text.starts_with("**A4**: White-label preference"), "{text}");
        assert!(text.contains("✅ VALIDATED at 95%"), "{text}");
        assert!(
            text.contains("Tested by 3 threads · latest: VALIDATED (`sales/b`)"),
            "{text}"
        );

        let fixture = "//- /threads/sales/acme/meta.json\n{\"status\": \"active\", \"goal_id\": \"g-x\", \"subgoal\": \"SG2\"}\n//- /threads/sales/acme/1-input.md\n# Stage 1: Input\n**Thread:** Acme white-label pilot\n//- /threads/sales/acme/2-hypothesis.md\n//- /threads/sales/acme/4-decision.md\n# Decision\n//- /threads/ops/x/1-input.md\nSee [acme](../../sales/ac$0me/1-input.md)\n";
        let text = hover_at(fixture);
        assert!(text.contains("**Acme white-label pilot**"), "{text}");
        assert!(text.contains("`sales/acme` · type `sales`"), "{text}");
        assert!(
            text.contains("Stages: 1 ✓ · 2 ∅ · 3 – · 4 ✓ · 5 – · 6 –"),
            "{text}"
        );
        assert!(text.contains("Status: active"), "{text}");
        assert!(text.contains("Goal: `g-x` (SG2)"), "{text}");

        let fixture = "//- /strategy/goals/active/g-grow.md\n---\nid: g-grow\nstatus: active\n---\n# Goal: Grow revenue\n#### SG1: Pilot\n//- /threads/a/b/1-input.md\n**Goal:** g-g$0row\n";
        let text = hover_at(fixture);
        assert!(text.starts_with("**Grow revenue**"), "{text}");
        assert!(
            text.contains("status active") && text.contains("Subgoals: SG1"),
            "{text}"
        );
    }
}
