//! `assumption-unknown`: an assumption reference names an ID that no
//! assumptions section defines (leanos-formats.md §2.6: "Check assumption
//! IDs match 10-assumptions.md").

use super::{Context, Data, Diagnostic, Related};
use crate::analysis::actions::fix::{append, fix, line_end, status_text};
use crate::analysis::actions::{Action, FileOp};

use crate::analysis::resolve::{assumptions_files, resolve_link, Resolution};
use crate::facts::paths::{canvas_file_number, CanvasScheme, PathKind};
use crate::facts::status::AssumptionStatus;
use crate::facts::{EntryForm, LearningResult};
use crate::index::{FileData, Snapshot};
use crate::syntax::ByteRange;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    let mut files = None;
    for reference in &context.file.facts.refs {
        if snapshot.assumptions.contains_key(reference.id.as_str()) {
            continue;
        }
        let files = files.get_or_insert_with(|| assumptions_files(snapshot));
        let mut diagnostic = context.diagnostic(
            "assumption-unknown",
            reference.range.clone(),
            match files.first() {
                Some(file) => format!("assumption `{}` is not defined in `{file}`", reference.id),
                None => format!(
                    "assumption `{}` is not defined: the workspace has no assumptions section (`{}/10-assumptions.md`)",
                    reference.id, snapshot.config.canvas_dir
                ),
            },
        );
        diagnostic.data = Data::AssumptionUnknown {
            id: reference.id.to_string(),
            result: context
                .file
                .facts
                .learning_results
                .iter()
                .find(|r| r.range == reference.range)
                .cloned(),
        };
        if let Some(file) = files.first() {
            diagnostic.relate(Related {
                path: file.clone(),
                range: 0..0,
                message: "the assumptions section".into(),
            });
        }
        out.push(diagnostic);
    }
}

/// A title for a new entry: the referencing line's text after the ID;
/// `None` when the file changed on disk since it was read (no fix is
/// built from a text that is not the file's).
fn title_after(file: &FileData, range: &ByteRange) -> Option<String> {
    // In metadata the rest of the line is JSON or YAML, not a title.
    if !file.path.ends_with(".md") && !file.path.ends_with(".markdown") {
        return Some("New assumption".into());
    }
    let text = file.exact_text()?;
    let end = line_end(&text, range.end);
    let rest = text[range.end as usize..end as usize]
        .trim_start_matches(['*', ':', ' ', '-', '–', '—'])
        .trim();
    let rest = rest
        .split(" → ")
        .next()
        .unwrap_or(rest)
        .trim_end_matches(['*', '.']);
    Some(if rest.is_empty() || rest.len() > 160 {
        "New assumption".into()
    } else {
        rest.to_string()
    })
}

/// The Canvas 10 file to create when there is none: a name some link
/// already expects, else the scheme the other Canvas files use.
fn new_assumptions_path(snapshot: &Snapshot) -> String {
    let canvas = &snapshot.config.canvas_dir;
    for file in snapshot.files.values() {
        for link in &file.facts.links {
            let name = crate::paths::file_name(&link.target);
            if canvas_file_number(name).map(|(n, _)| n) == Some(10)
                && link.target.contains(canvas.as_str())
                && matches!(
                    resolve_link(snapshot, &file.path, link),
                    Resolution::Missing
                )
            {
                return format!("{canvas}/{name}");
            }
        }
    }
    let count = |wanted: CanvasScheme| {
        snapshot
            .files
            .values()
            .filter(|f| matches!(f.facts.path_kind(), PathKind::Canvas { scheme, .. } if *scheme == wanted))
            .count()
    };
    let (dots, dashes) = (count(CanvasScheme::Dot), count(CanvasScheme::Dash));
    if dots > dashes {
        format!("{canvas}/10.assumptions.md")
    } else {
        format!("{canvas}/10-assumptions.md")
    }
}

fn heading_block(
    id: &str,
    title: &str,
    status: AssumptionStatus,
    confidence: Option<u8>,
    evidence: Option<&str>,
) -> String {
    let mut block = format!("### {id}: {title}\n**Status:** {}\n", status_text(status));
    if let Some(c) = confidence {
        block.push_str(&format!("**Confidence:** {c}%\n"));
    }
    if let Some(e) = evidence {
        block.push_str(&format!("**Evidence:** {e}\n"));
    }
    block
}

/// Defines `id` in the assumptions section, in the form the section uses
/// most, with the result a learning records for it (`result`).
pub fn fixes(
    context: &Context,
    d: &Diagnostic,
    id: &str,
    result: Option<&LearningResult>,
) -> Vec<Action> {
    let (snapshot, file) = (context.snapshot, context.file);
    let Some(title) = title_after(file, &d.range) else {
        return Vec::new();
    };
    let status = result
        .and_then(|r| r.status)
        .unwrap_or(AssumptionStatus::Untested);
    let confidence = result.and_then(|r| r.confidence);
    let evidence = result.map(|_| file.path.clone());
    let Some(canvas_path) = snapshot.canvas.get(&10).and_then(|s| s.iter().next()) else {
        let path = new_assumptions_path(snapshot);
        let text = format!(
            "# Assumptions\n\n{}",
            heading_block(id, &title, status, confidence, evidence.as_deref())
        );
        return vec![fix(
            format!(
                "Define {id} in a new assumptions section ({})",
                crate::paths::file_name(&path)
            ),
            d,
            false,
            vec![FileOp::Create { path, text }],
        )];
    };
    let Some(canvas) = snapshot.files.get(&**canvas_path) else {
        return Vec::new();
    };
    let entries = &canvas.facts.entries;
    let count = |form: EntryForm| entries.iter().filter(|e| e.form == form).count();
    let form = [EntryForm::Heading, EntryForm::TableRow, EntryForm::ListItem]
        .into_iter()
        .max_by_key(|f| (count(*f), matches!(f, EntryForm::Heading)))
        .unwrap_or(EntryForm::Heading);
    let op = match (form, entries.iter().rev().find(|e| e.form == form)) {
        (EntryForm::TableRow, Some(last)) => {
            let Some(canvas_text) = canvas.exact_text() else {
                return Vec::new();
            };
            let row_text = &canvas_text[last.range.start as usize..last.range.end as usize];
            let columns = row_text.matches('|').count().saturating_sub(1).max(2);
            let mut cells = vec![
                id.to_string(),
                title.clone(),
                status.as_str().to_lowercase(),
            ];
            cells.push(confidence.map(|c| format!("{c}%")).unwrap_or_default());
            cells.push(evidence.as_deref().unwrap_or_default().to_string());
            cells.truncate(columns);
            while cells.len() < columns {
                cells.push(String::new());
            }
            let end = line_end(&canvas_text, last.range.end);
            FileOp::insert(canvas_path, end, format!("\n| {} |", cells.join(" | ")))
        }
        (EntryForm::ListItem, Some(last)) => {
            let Some(canvas_text) = canvas.exact_text() else {
                return Vec::new();
            };
            let end = line_end(&canvas_text, last.range.end);
            FileOp::insert(canvas_path, end, format!("\n- {id}: {title}"))
        }
        _ => match append(
            canvas,
            &heading_block(id, &title, status, confidence, evidence.as_deref()),
        ) {
            Some(op) => op,
            None => return Vec::new(),
        },
    };
    vec![fix(
        format!("Define {id} in {}", crate::paths::file_name(canvas_path)),
        d,
        false,
        vec![op],
    )]
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    const CANVAS: &str = r#"//- /strategy/canvas/10-assumptions.md
# Assumptions

### A4: White-label preference
**Status:** ✅ VALIDATED

| ID | Assumption | Status |
|---|---|---|
| H1 | Case studies convert | testing |

- T2: SDK scales
"#;

    #[test]
    fn unknown_ids_in_every_reference_shape() {
        let fixture = format!(
            r#"{CANVAS}//- /threads/sales/acme/2-hypothesis.md
# Stage 2: Hypothesis

Tests: A4 - known
Tests: A9 - unknown

Canvas link: 10-assumptions.md → H7
//- /threads/sales/acme/6-learning.md
# Stage 6: Learning

- A5: learned
//- /threads/sales/acme/meta.json
{{"canvas_assumptions": ["A4", "T3"]}}
"#
        );
        let found = check(&fixture, "assumption-unknown");
        assert_eq!(
            found,
            [
                "threads/sales/acme/2-hypothesis.md:3:7-3:9 error assumption `A9` is not defined in `strategy/canvas/10-assumptions.md`",
                "threads/sales/acme/2-hypothesis.md:5:33-5:35 error assumption `H7` is not defined in `strategy/canvas/10-assumptions.md`",
                "threads/sales/acme/6-learning.md:2:2-2:4 error assumption `A5` is not defined in `strategy/canvas/10-assumptions.md`",
                "threads/sales/acme/meta.json:0:31-0:33 error assumption `T3` is not defined in `strategy/canvas/10-assumptions.md`",
            ]
        );
    }

    #[test]
    fn near_misses_are_not_references() {
        // H1 in prose about HTML headings, IDs in fenced code of a non-stage
        // file, `Tests: 4/5 passed`, SG2 and US-016 look-alikes.
        let fixture = format!(
            r#"{CANVAS}//- /docs/seo.md
# SEO

Use one H1 and several H2 per page. Tests: 4/5 passed.

```
Tests: A9 - in a fence
```
//- /threads/sales/acme/1-input.md
# Stage 1: Input

We saw H3 headings, SG2 and US-016 in the notes.
"#
        );
        assert!(check(&fixture, "assumption-unknown").is_empty());
    }

    #[test]
    fn fences_count_in_stage_files() {
        let fixture = format!(
            r#"{CANVAS}//- /threads/ops/x/6-learning.md
# Stage 6: Learning

## Canvas Updates

```
A8: new
Status: validated
```
"#
        );
        let found = check(&fixture, "assumption-unknown");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("threads/ops/x/6-learning.md:5:0-5:2"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn no_assumptions_section_at_all() {
        let found = check(
            r#"//- /threads/ops/x/2-hypothesis.md
## Assumption Being Tested

**A7:** text
"#,
            "assumption-unknown",
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].contains("has no assumptions section"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn assumption_unknown_defines_it_in_the_form_the_file_uses() {
        let heading = check_fix(
            r#"//- /strategy/canvas/10-assumptions.md
# Assumptions

### A1: One
**Status:** testing
//- /threads/s/a/2-hypothesis.md
Tests: A9 - Referral leads close faster
"#,
            "threads/s/a/2-hypothesis.md",
            "assumption-unknown",
            "Define A9",
        );
        assert_eq!(
            heading["strategy/canvas/10-assumptions.md"],
            r#"# Assumptions

### A1: One
**Status:** testing

### A9: Referral leads close faster
**Status:** 📝 UNTESTED
"#
        );
        let table = check_fix(
            r#"//- /strategy/canvas/10-assumptions.md
| ID | Assumption | Status | Confidence |
|---|---|---|---|
| A1 | One | testing | 50% |

Notes.
//- /threads/s/a/2-hypothesis.md
Tests: A9 - Nine
"#,
            "threads/s/a/2-hypothesis.md",
            "assumption-unknown",
            "Define A9",
        );
        assert!(
            table["strategy/canvas/10-assumptions.md"].contains(
                r#"| A1 | One | testing | 50% |
| A9 | Nine | untested |  |

Notes."#
            ),
            "{}",
            table["strategy/canvas/10-assumptions.md"]
        );
        let list = check_fix(
            r#"//- /strategy/canvas/10-assumptions.md
## Critical

- A1: One
- A2: Two
//- /threads/s/a/2-hypothesis.md
Tests: A9 - Nine
"#,
            "threads/s/a/2-hypothesis.md",
            "assumption-unknown",
            "Define A9",
        );
        assert_eq!(
            list["strategy/canvas/10-assumptions.md"],
            r#"## Critical

- A1: One
- A2: Two
- A9: Nine
"#
        );
    }

    #[test]
    fn an_id_from_metadata_gets_a_title_to_fill_not_json() {
        let files = check_fix(
            r#"//- /strategy/canvas/10-assumptions.md
# Assumptions

### A1: One
**Status:** testing
//- /threads/s/a/meta.json
{"canvas_assumptions": ["A4"]}
"#,
            "threads/s/a/meta.json",
            "assumption-unknown",
            "Define A4",
        );
        let canvas = &files["strategy/canvas/10-assumptions.md"];
        assert!(canvas.contains("### A4: New assumption\n"), "{canvas}");
    }
}
