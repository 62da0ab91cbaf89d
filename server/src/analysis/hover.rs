//! Hover: markdown about the target under a cursor (an assumption's
//! status and the threads testing it, a thread's stages and metadata, a
//! goal, a Canvas section, a file). Byte offsets in, byte ranges out.

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

/// Hover at a cursor (a byte offset into the file at `path`): the token's
/// byte range and markdown text; `None` off every token.
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

Goal: `g-x` (SG2)"#,
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
