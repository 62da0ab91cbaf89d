//! Hover: markdown about the target under a cursor (an assumption's
//! status and the threads testing it, a thread's stages and metadata and,
//! for a sales deal, its attribution chain; a goal, a Canvas section, a
//! file). Byte offsets in, byte ranges out. Links to workspace files are
//! written `[label](<leanos-path:workspace path>)`; the server turns them
//! into `file:` URIs ([`PATH_LINK`]).

use crate::analysis::definition::entry_location;
use crate::analysis::references::testing;
use crate::analysis::resolve::assumption_entries;
use crate::analysis::target::{target_at, Location, Target};
use crate::analysis::thread::{
    stage_progress, status_label, thread_info, thread_name, thread_title,
};
use crate::facts::AssumptionEntry;
use crate::index::Snapshot;
use crate::paths;
use crate::syntax::ByteRange;

/// The hover text of a defined assumption (completion documentation).
pub fn hover_text_for_assumption(snapshot: &Snapshot, id: &str) -> Option<String> {
    snapshot
        .assumptions
        .contains_key(id)
        .then(|| assumption_hover(snapshot, id))
}

fn assumption_hover(snapshot: &Snapshot, id: &str) -> String {
    let mut out = String::new();
    let entries: Vec<(Location, AssumptionEntry)> = assumption_entries(snapshot, id)
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

/// The scheme of the links hover writes to workspace paths; the server
/// replaces `leanos-path:<path>` with the file's URI.
pub const PATH_LINK: &str = "leanos-path:";

/// A markdown link to the workspace path `path`, its destination in
/// angle brackets so that spaces and parentheses in the path stay in it
/// (a path holding `<`, `>` or a line break gets no link).
fn path_link(label: &str, path: &str) -> String {
    let label = label.replace(['[', ']'], "");
    if path.contains(['<', '>', '\n', '\r']) {
        return format!("`{label}`");
    }
    format!("[{label}](<{PATH_LINK}{path}>)")
}

/// A link to a thread: its name, to the file it opens on.
fn thread_link(snapshot: &Snapshot, dir: &str) -> String {
    let name = thread_name(snapshot, dir);
    match crate::analysis::thread::thread_entry_file(snapshot, dir) {
        Some(file) => path_link(name, &file),
        None => format!("`{name}`"),
    }
}

/// A sales deal's attribution chain (SPEC §4, the loop's Marketing →
/// Sales and Engineering → Marketing steps read backwards): the deal ←
/// the content its `source` names ← the engineering threads linked to
/// that content, each a link; or what its `source` says instead.
fn attribution_chain(snapshot: &Snapshot, info: &crate::analysis::thread::ThreadInfo) -> String {
    use crate::analysis::loops::{linked_threads, role_of, Role};
    let deal = thread_link(snapshot, &info.dir);
    let content: Vec<String> = crate::analysis::lineage::parents(snapshot, &info.dir)
        .into_keys()
        .filter(|p| role_of(snapshot, p).is_marketing())
        .collect();
    if content.is_empty() {
        let source = info.metadata().and_then(|m| m.text("source")).or_else(|| {
            info.stage_file(1)
                .and_then(|f| f.facts.frontmatter.as_deref())
                .and_then(|m| m.text("source"))
        });
        return match source {
            None => format!("Attribution: {deal} ← no `source`"),
            Some(source) if source.contains('/') => {
                format!("Attribution: {deal} ← `{source}` (no marketing thread there)")
            }
            Some(source) => format!("Attribution: {deal} ← `{source}`"),
        };
    }
    let chains: Vec<String> = content
        .iter()
        .map(|m| {
            let engineering: Vec<String> = linked_threads(snapshot, m, |r| r == Role::Engineering)
                .iter()
                .map(|e| thread_link(snapshot, e))
                .collect();
            let mut chain = format!("{deal} ← {}", thread_link(snapshot, m));
            if !engineering.is_empty() {
                chain.push_str(&format!(" ← {}", engineering.join(", ")));
            }
            chain
        })
        .collect();
    format!("Attribution: {}", chains.join("; "))
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
    if info.is_sales_deal() {
        out.push_str(&format!("\n\n{}", attribution_chain(snapshot, &info)));
    }
    out
}

fn goal_hover(snapshot: &Snapshot, id: &str, subgoal: Option<&str>) -> String {
    let file = snapshot
        .goals
        .get(id)
        .and_then(|s| s.iter().next())
        .and_then(|f| snapshot.files.get(&**f));
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
            let text = file.text();
            let heading = line_at(&text, range.start)
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
        .and_then(|f| snapshot.files.get(&**f))
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
        .map(|h| h.text.to_string())
        .unwrap_or_else(|| paths::file_name(&file.path).to_string());
    let mut out = format!("**Canvas {number:02}: {title}**\n\n`{}`", file.path);
    if number == 10 {
        out.push_str(&format!("\n\n{} assumptions", file.facts.entries.len()));
    }
    out
}

/// Hover at a cursor (a byte offset into the file at `path`): the token's
/// byte range and markdown text; `None` off every token.
pub fn hover(snapshot: &Snapshot, path: &str, offset: u32) -> Option<(ByteRange, String)> {
    let Some(hit) = target_at(snapshot, path, offset) else {
        return metadata_hover(snapshot, path, offset);
    };
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
                .get(path.as_str())
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

/// Off every token of a thread's metadata file (`meta.json`,
/// `metadata.yaml`): the thread's hover, on the line's text.
fn metadata_hover(snapshot: &Snapshot, path: &str, offset: u32) -> Option<(ByteRange, String)> {
    let file = snapshot.files.get(path)?;
    let crate::facts::paths::PathKind::ThreadMeta { thread, .. } = file.facts.path_kind() else {
        return None;
    };
    let file_text = file.text();
    let line = crate::line_index::line_span(&file_text, offset);
    let text = &file_text[line.start as usize..line.end as usize];
    let trimmed = text.trim();
    if trimmed.is_empty() || matches!(trimmed, "{" | "}" | "[" | "]" | "},") {
        return None;
    }
    let start = line.start + (text.len() - text.trim_start().len()) as u32;
    let range = start..start + trimmed.len() as u32;
    Some((range, thread_hover(snapshot, thread)))
}

fn line_at(text: &str, offset: u32) -> &str {
    let line = crate::line_index::line_span(text, offset);
    &text[line.start as usize..line.end as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::definition::tests::CANVAS;
    use crate::analysis::diagnostics::fixture::with_cursor;

    /// Checks the hover text at the fixture's `$0` (empty off every token).
    #[track_caller]
    fn check_hover(fixture: &str, expected: &str) {
        let (snapshot, path, offset) = with_cursor(fixture);
        let text = hover(&snapshot, &path, offset)
            .map(|(_, text)| text)
            .unwrap_or_default();
        assert_eq!(text, expected, "{fixture}");
    }

    #[test]
    fn hover_on_an_assumption() {
        check_hover(
            &[
                CANVAS,
                r#"//- /threads/sales/a/2-hypothesis.md
Tests: A$04 - x
//- /threads/sales/b/2-hypothesis.md
Tests: A4 - y
//- /threads/sales/b/6-learning.md
- A4: confirmed → VALIDATED
//- /threads/ops/c/meta.json
{"canvas_assumptions": ["A4"]}
"#,
            ]
            .concat(),
            r#"**A4**: White-label preference

✅ VALIDATED at 95%

Tested by 3 threads · latest: VALIDATED (`sales/b`)

Defined in `strategy/canvas/10.assumptions.md`"#,
        );
    }

    #[test]
    fn hover_on_a_file_in_a_thread() {
        check_hover(
            r#"
//- /threads/sales/acme/meta.json
{"status": "active", "goal_id": "g-x", "subgoal": "SG2"}
//- /threads/sales/acme/1-input.md
# Stage 1: Input
**Thread:** Acme white-label pilot
//- /threads/sales/acme/2-hypothesis.md
//- /threads/sales/acme/4-decision.md
# Decision
//- /threads/ops/x/1-input.md
See [acme](../../sales/ac$0me/1-input.md)
"#,
            r#"`threads/sales/acme/1-input.md`

**Acme white-label pilot**

`sales/acme` · type `sales`

Stages: 1 ✓ · 2 ∅ · 3 – · 4 ✓ · 5 – · 6 –

Status: active

Goal: `g-x` (SG2)

Attribution: [sales/acme](<leanos-path:threads/sales/acme/1-input.md>) ← no `source`"#,
        );
    }

    #[test]
    fn hover_on_a_goal() {
        check_hover(
            r#"
//- /strategy/goals/active/g-grow.md
---
id: g-grow
status: active
---
# Goal: Grow revenue
#### SG1: Pilot
//- /threads/a/b/1-input.md
**Goal:** g-g$0row
"#,
            r#"**Grow revenue**

`g-grow` · status active

Subgoals: SG1"#,
        );
    }
}
