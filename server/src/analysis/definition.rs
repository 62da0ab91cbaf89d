//! Go to definition: where the target under a cursor is defined (an
//! assumption's entries, a Canvas section's file, a thread's entry file, a
//! goal or subgoal, a file). Byte offsets in, byte ranges out.

use crate::analysis::resolve::assumption_entries;
use crate::analysis::target::{target_at, Location, Target};
use crate::analysis::thread::thread_entry_file;
use crate::facts::AssumptionEntry;
use crate::index::{PathSet, Snapshot};
use crate::syntax::ByteRange;

/// Assumption entry `index` of the file at `file`, as a place (the whole
/// entry, its ID selected) and the entry.
pub(crate) fn entry_location(
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
        Target::Assumption(id) => assumption_entries(snapshot, id)
            .filter_map(|l| entry_location(snapshot, &l.file, l.index).map(|(loc, _)| loc))
            .collect(),
        Target::CanvasSection(number) => file_starts(snapshot.canvas.get(number)),
        Target::Thread(dir) => thread_entry_file(snapshot, dir)
            .map(|f| Location::at(&f, 0..0))
            .into_iter()
            .collect(),
        Target::File(path) => {
            if snapshot.files.contains_key(path.as_str()) || snapshot.paths.contains(path.as_str())
            {
                vec![Location::at(path, 0..0)]
            } else {
                let index = format!("{path}/index.md");
                if snapshot.files.contains_key(index.as_str()) {
                    vec![Location::at(&index, 0..0)]
                } else {
                    Vec::new()
                }
            }
        }
        Target::Goal(id) => file_starts(snapshot.goals.get(id)),
        Target::Subgoal { goal, id } => snapshot
            .files_in(snapshot.goals.get(goal))
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

/// The start of each file of a table's path set.
fn file_starts(files: Option<&PathSet>) -> Vec<Location> {
    files
        .into_iter()
        .flat_map(|set| set.iter())
        .map(|f| Location::at(f, 0..0))
        .collect()
}

/// Definition at a cursor (a byte offset into the file at `path`): the
/// token's byte range and where it is defined; `None` off every token.
pub fn definition(
    snapshot: &Snapshot,
    path: &str,
    offset: u32,
) -> Option<(ByteRange, Vec<Location>)> {
    let hit = target_at(snapshot, path, offset)?;
    let locations = definition_of(snapshot, &hit.target);
    Some((hit.range, locations))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::{render_range, with_cursor};

    /// An assumptions section with an entry (A4), a table row (H1) and a
    /// list item (T2); shared by the navigation tests.
    pub(crate) const CANVAS: &str = r#"
//- /strategy/canvas/10.assumptions.md
# Assumptions

### A4: White-label preference
**Status:** ✅ VALIDATED
**Confidence:** 60% → 95%

## Hypotheses

| ID | Assumption | Status |
|---|---|---|
| H1 | Case studies convert | testing |

## Technical

- T2: SDK scales
"#;

    /// Checks the definitions of the token at the fixture's `$0`, each
    /// rendered as `path:line:col-line:col` (its selection; `path:0..0`
    /// for a file that is not lowered).
    #[track_caller]
    pub(crate) fn check_definition(fixture: &str, expected: &[&str]) {
        let (snapshot, path, offset) = with_cursor(fixture);
        let found: Vec<String> = match definition(&snapshot, &path, offset) {
            Some((_, locations)) => locations
                .iter()
                .map(|l| render_range(&snapshot, &l.path, &l.selection))
                .collect(),
            None => vec!["<no token>".into()],
        };
        assert_eq!(found, expected, "{fixture}");
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
            check_definition(
                &format!(
                    r#"{CANVAS}//- /threads/sales/a/2-hypothesis.md
# Stage 2
{reference}
"#
                ),
                &[expected],
            );
        }
    }

    #[test]
    fn metadata_values_and_unresolved_ids() {
        check_definition(
            &[
                CANVAS,
                r#"//- /threads/sales/a/meta.json
{"canvas_assumptions": ["A4", "H$01"]}
"#,
            ]
            .concat(),
            &["strategy/canvas/10.assumptions.md:10:2-10:4"],
        );
        check_definition(
            &[
                CANVAS,
                r#"//- /threads/sales/a/2-hypothesis.md
Tests: A$07 - undefined
"#,
            ]
            .concat(),
            &[],
        );
    }

    #[test]
    fn links_of_every_kind() {
        const TARGETS: &str = r#"//- /strategy/goals/active/g-grow.md
---
id: g-grow
---
# Goal: Grow
#### SG1: One
#### SG2: Two
//- /threads/sales/acme/1-input.md
# Input
//- /threads/sales/acme/2-hypothesis.md
# Hypothesis
//- /artifacts/report.csv
"#;
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
            check_definition(
                &format!(
                    r#"{CANVAS}{TARGETS}//- /threads/sales/b/1-input.md
# Input
{line}
//- /threads/sales/b/2-hypothesis.md
# Hypothesis
"#
                ),
                &[expected],
            );
        }
        check_definition(
            &[
                CANVAS,
                TARGETS,
                r#"//- /threads/sales/b/meta.json
{"related_threads": ["sales/ac$0me"]}
"#,
            ]
            .concat(),
            &["threads/sales/acme/1-input.md:0:0-0:0"],
        );
    }
}
