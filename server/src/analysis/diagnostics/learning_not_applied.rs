//! `learning-not-applied`: a learning (stage 6) records a result for an
//! assumption (`A4 … VALIDATED`, `Confidence: 60% → 95%`) that the
//! assumptions section does not show. Reported on both ends: on the
//! learning's citation and on the Canvas entry, each pointing at the other.

use super::{Context, Data, Diagnostic, Related};
use crate::analysis::actions::fix::{fix, line_end, status_text};
use crate::analysis::actions::{Action, FileOp};
use crate::analysis::drift::result_disagreement;
use crate::facts::paths::PathKind;
use crate::facts::{AssumptionEntry, EntryForm, LearningResult};
use std::sync::Arc;

use crate::index::{FileData, LearningFinding, LearningMemoKey, Snapshot};
use crate::syntax::ByteRange;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    let facts = &context.file.facts;
    // The learning end.
    if matches!(context.stage(), Some((6 | 7, _))) {
        for result in &facts.learning_results {
            let Some((location, entry)) = snapshot.first_entry(&result.id) else {
                continue;
            };
            if let Some(difference) = result_disagreement(result, entry) {
                let mut diagnostic = context.diagnostic(
                    "learning-not-applied",
                    result.range.clone(),
                    format!(
                        "this learning records `{}` as {difference}: apply it to the Canvas",
                        result.id
                    ),
                );
                diagnostic.relate(Related {
                    path: location.file.clone(),
                    range: entry.id_range.clone(),
                    message: format!("the entry of `{}`", entry.id),
                });
                diagnostic.data = Data::LearningNotApplied {
                    id: result.id.to_string(),
                    results: Arc::new([(context.file.path.to_string(), result.clone())]),
                };
                out.push(diagnostic);
            }
        }
    }
    // The Canvas end: one diagnostic per entry, however many learnings
    // disagree with it (an assumption cited by hundreds of threads must
    // not stack hundreds of warnings on one line).
    if !matches!(facts.path_kind(), PathKind::Canvas { number: 10, .. }) {
        return;
    }
    for (index, entry) in facts.entries.iter().enumerate() {
        if !context.is_first_definition(&entry.id, index) {
            continue;
        }
        let Some(finding) = canvas_finding(snapshot, entry) else {
            continue;
        };
        let mut diagnostic = context.diagnostic(
            "learning-not-applied",
            entry.id_range.clone(),
            finding.message.clone(),
        );
        diagnostic.related = finding.related.clone();
        diagnostic.data = Data::LearningNotApplied {
            id: entry.id.clone(),
            results: finding.results.clone(),
        };
        out.push(diagnostic);
    }
}

/// What the Canvas end finds for `entry`, from the snapshot's memo when
/// neither the entry's status and confidence nor the learnings recording
/// its ID changed since it was computed (a keystroke in the assumptions
/// section recomputes only the entry it touched).
fn canvas_finding(snapshot: &Snapshot, entry: &AssumptionEntry) -> Option<Arc<LearningFinding>> {
    let version = snapshot
        .learning_versions
        .get(&entry.id)
        .copied()
        .unwrap_or(0);
    let key: LearningMemoKey = (entry.status, entry.confidence, version);
    // A poisoned memo (a panic elsewhere while it was held) is only a
    // cache: compute without it.
    if let Ok(memo) = snapshot.memo.learning_not_applied.lock() {
        if let Some((known, finding)) = memo.get(&entry.id) {
            if *known == key {
                return finding.clone();
            }
        }
    }
    let finding = compute_canvas_finding(snapshot, entry).map(Arc::new);
    if let Ok(mut memo) = snapshot.memo.learning_not_applied.lock() {
        // IDs typed and deleted leave slots behind: start over past a
        // bound far above any workspace's assumptions.
        if memo.len() >= MEMO_SLOTS {
            memo.clear();
        }
        memo.insert(entry.id.clone(), (key, finding.clone()));
    }
    finding
}

/// The Canvas end for `entry`: every live learning whose result for its
/// ID disagrees with it, listed up to [`MAX_RELATED`], in one message.
fn compute_canvas_finding(snapshot: &Snapshot, entry: &AssumptionEntry) -> Option<LearningFinding> {
    let mut disagreeing = snapshot
        .learning_records
        .get(&entry.id)
        .into_iter()
        .flatten()
        .filter_map(|path| Some((path, snapshot.files.get(&**path)?)))
        .flat_map(|(path, learning)| {
            learning
                .facts
                .learning_results
                .iter()
                .filter(|r| r.id == entry.id)
                .filter_map(move |r| Some((path, r, result_disagreement(r, entry)?)))
        });
    let (path, result, difference) = disagreeing.next()?;
    let mut related = vec![Related {
        path: path.to_string(),
        range: result.range.clone(),
        message: format!("the learning records {difference}"),
    }];
    let mut results = vec![(path.to_string(), result.clone())];
    // Learnings, not results: one learning may state an ID twice.
    let mut count = 1;
    let mut total = 1;
    let mut last = path;
    for (path, result, difference) in disagreeing {
        total += 1;
        if path != last {
            count += 1;
            last = path;
        }
        if related.len() < MAX_RELATED {
            related.push(Related {
                path: path.to_string(),
                range: result.range.clone(),
                message: format!("the learning records {difference}"),
            });
            results.push((path.to_string(), result.clone()));
        }
    }
    let message = if count == 1 {
        format!(
            "`{}` is not up to date: `{path}` records {difference}",
            entry.id
        )
    } else {
        let listed = if total > related.len() {
            format!("; the first {MAX_RELATED} results are listed")
        } else {
            String::new()
        };
        format!(
            "`{}` is not up to date: {count} learnings record other results, first `{path}`: {difference}{listed}",
            entry.id
        )
    };
    Some(LearningFinding {
        message,
        related: related.into(),
        results: results.into(),
    })
}

/// The most assumption IDs the memo of the Canvas end holds.
const MEMO_SLOTS: usize = 10_000;

/// At most this many learnings are listed in the `relatedInformation` of
/// the Canvas end; the message gives the full count.
pub const MAX_RELATED: usize = 20;

/// The edits that make `entry` show `result` (status, confidence and,
/// when missing, the learning as evidence), in the entry's own form.
fn apply_result_edits(
    canvas: &FileData,
    entry: &AssumptionEntry,
    result: &LearningResult,
    learning_path: &str,
) -> Vec<(ByteRange, String)> {
    let mut edits = Vec::new();
    let canvas_text = canvas.text();
    match entry.form {
        EntryForm::Heading => {
            // New fields go after the entry's last field line.
            let heading_end = [
                Some(&entry.id_range),
                entry.status_range.as_ref(),
                entry.confidence_range.as_ref(),
            ]
            .into_iter()
            .flatten()
            .map(|r| line_end(&canvas_text, r.end))
            .max()
            .unwrap_or_else(|| line_end(&canvas_text, entry.id_range.end));
            let mut inserted = String::new();
            match (result.status, &entry.status_range) {
                (Some(status), Some(range)) if entry.status != Some(status) => {
                    edits.push((range.clone(), status_text(status)));
                }
                (Some(status), None) if entry.status != Some(status) => {
                    inserted.push_str(&format!("\n**Status:** {}", status_text(status)));
                }
                _ => {}
            }
            match (result.confidence, &entry.confidence_range) {
                (Some(c), Some(range)) if entry.confidence != Some(c) => {
                    edits.push((range.clone(), format!("{c}%")))
                }
                (Some(c), None) if entry.confidence != Some(c) => {
                    inserted.push_str(&format!("\n**Confidence:** {c}%"))
                }
                _ => {}
            }
            if entry.evidence.is_none() {
                inserted.push_str(&format!("\n**Evidence:** {learning_path}"));
            }
            if !inserted.is_empty() {
                edits.push((heading_end..heading_end, inserted));
            }
        }
        EntryForm::TableRow => {
            if let (Some(status), Some(range)) = (result.status, &entry.status_range) {
                if entry.status != Some(status) {
                    edits.push((range.clone(), status.as_str().to_lowercase()));
                }
            }
            if let (Some(c), Some(range)) = (result.confidence, &entry.confidence_range) {
                if entry.confidence != Some(c) {
                    edits.push((range.clone(), format!("{c}%")));
                }
            }
        }
        EntryForm::ListItem => {
            let mut badge = Vec::new();
            if let Some(status) = result.status {
                badge.push(status_text(status));
            }
            if let Some(c) = result.confidence {
                badge.push(format!("{c}%"));
            }
            match &entry.status_range {
                Some(range) => edits.push((range.clone(), badge.join(" "))),
                None => {
                    let end = line_end(&canvas_text, entry.id_range.end);
                    edits.push((end..end, format!(" — {}", badge.join(" "))));
                }
            }
        }
    }
    edits
}

/// Applies a learning's result to the entry of `id`: one action per
/// distinct result among `results` (learning path, result), unambiguous
/// when every learning of the ID records the same.
pub fn fixes(
    context: &Context,
    d: &Diagnostic,
    id: &str,
    results: &[(String, LearningResult)],
) -> Vec<Action> {
    let snapshot = context.snapshot;
    let Some(location) = snapshot
        .assumptions
        .get(id)
        .and_then(|l| l.iter().next())
        .cloned()
    else {
        return Vec::new();
    };
    let Some(canvas) = snapshot.files.get(location.file.as_str()) else {
        return Vec::new();
    };
    let Some(entry) = canvas.facts.entries.get(location.index) else {
        return Vec::new();
    };
    // Unambiguous when every learning of this ID records the same result.
    let proposals: std::collections::BTreeSet<_> = snapshot
        .learning_records
        .get(id)
        .into_iter()
        .flatten()
        .filter_map(|p| snapshot.files.get(&**p))
        .flat_map(|f| f.facts.learning_results.iter().filter(|r| r.id == id))
        .map(|r| (r.status, r.confidence))
        .collect();
    let unambiguous = proposals.len() <= 1;
    let canvas_name = crate::paths::file_name(&location.file);
    let mut seen = std::collections::BTreeSet::new();
    let distinct: Vec<&(String, LearningResult)> = results
        .iter()
        .filter(|(_, result)| seen.insert((result.status, result.confidence)))
        .collect();
    distinct
        .iter()
        .filter_map(|(learning_path, result)| {
            let edits = apply_result_edits(canvas, entry, result, learning_path);
            if edits.is_empty() {
                return None;
            }
            let title = if distinct.len() == 1 {
                format!("Apply the learning to {id} in {canvas_name}")
            } else {
                let thread = crate::analysis::drift::thread_of(snapshot, learning_path)
                    .unwrap_or_else(|| learning_path.clone());
                format!("Apply the learning of {thread} to {id} in {canvas_name}")
            };
            Some(fix(
                title,
                d,
                unambiguous,
                vec![FileOp::Edit {
                    path: location.file.clone(),
                    edits,
                }],
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    const CANVAS: &str = r#"//- /strategy/canvas/10-assumptions.md
### A4: White-label
**Status:** ⏳ TESTING
**Confidence:** 60%

### A5: Done
**Status:** ✅ VALIDATED
**Confidence:** 90%
"#;

    #[test]
    fn both_ends_of_an_unapplied_learning() {
        let fixture = format!(
            r#"{CANVAS}//- /threads/sales/a/6-learning.md
# Learning

## Canvas Updates

```
A4: White-label
Status: testing → VALIDATED
Confidence: 60% → 95%
```

- 10-assumptions.md → A5: confidence 90% → VALIDATED
"#
        );
        let found = check(&fixture, "learning-not-applied");
        assert_eq!(
            found,
            [
                "strategy/canvas/10-assumptions.md:0:4-0:6 warning `A4` is not up to date: `threads/sales/a/6-learning.md` records VALIDATED (the assumptions section shows TESTING), 95% (the assumptions section shows 60%)",
                "threads/sales/a/6-learning.md:5:0-5:2 warning this learning records `A4` as VALIDATED (the assumptions section shows TESTING), 95% (the assumptions section shows 60%): apply it to the Canvas",
            ]
        );
    }

    #[test]
    fn applied_or_silent_learnings_are_quiet() {
        let fixture = format!(
            r#"{CANVAS}//- /threads/sales/a/6-learning.md
- A4: still testing, 60% confidence
- A5: VALIDATED, confidence 90%
//- /threads/sales/b/2-hypothesis.md
Tests: A4 - VALIDATED soon
//- /threads/sales/archive/c/6-learning.md
- A4: INVALIDATED
"#
        );
        assert!(check(&fixture, "learning-not-applied").is_empty());
    }

    #[test]
    fn the_canvas_end_is_one_diagnostic_listing_every_learning() {
        let fixture = format!(
            r#"{CANVAS}//- /threads/sales/a/6-learning.md
- A4: VALIDATED, confidence 95%
//- /threads/sales/b/6-learning.md
- A4: INVALIDATED
//- /threads/sales/c/6-learning.md
- A4: still testing, 60% confidence
"#
        );
        let snapshot = crate::analysis::diagnostics::fixture::snapshot(&fixture);
        let canvas: Vec<_> = crate::analysis::diagnostics::file_diagnostics(
            &snapshot,
            "strategy/canvas/10-assumptions.md",
        )
        .into_iter()
        .filter(|d| d.code == "learning-not-applied")
        .collect();
        assert_eq!(canvas.len(), 1, "{canvas:?}");
        assert_eq!(
            canvas[0].message,
            "`A4` is not up to date: 2 learnings record other results, first `threads/sales/a/6-learning.md`: VALIDATED (the assumptions section shows TESTING), 95% (the assumptions section shows 60%)"
        );
        let related: Vec<&str> = canvas[0].related.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            related,
            [
                "threads/sales/a/6-learning.md",
                "threads/sales/b/6-learning.md"
            ]
        );
        // The learning end still gets one each.
        assert_eq!(check(&fixture, "learning-not-applied").len(), 3);
    }

    #[test]
    fn related_information_is_capped_and_the_count_is_exact() {
        let mut fixture = CANVAS.to_string();
        for i in 0..(super::MAX_RELATED + 5) {
            fixture.push_str(&format!(
                r#"//- /threads/sales/t{i:02}/6-learning.md
- A4: VALIDATED
"#
            ));
        }
        let snapshot = crate::analysis::diagnostics::fixture::snapshot(&fixture);
        let found = crate::analysis::diagnostics::file_diagnostics(
            &snapshot,
            "strategy/canvas/10-assumptions.md",
        );
        let canvas: Vec<_> = found
            .iter()
            .filter(|d| d.code == "learning-not-applied")
            .collect();
        assert_eq!(canvas.len(), 1);
        assert_eq!(canvas[0].related.len(), super::MAX_RELATED);
        assert!(
            canvas[0].message.contains(&format!(
                "{} learnings record other results",
                super::MAX_RELATED + 5
            )) && canvas[0].message.ends_with(&format!(
                "the first {} results are listed",
                super::MAX_RELATED
            )),
            "{}",
            canvas[0].message
        );
    }

    /// Results written as heading blocks (the worked examples' form),
    /// with the fields in any order and other fields between, as list
    /// items, in a fenced Canvas-update block, and under a list item as
    /// sub-items. Each field belongs to the entry it is written under.
    #[test]
    fn results_in_heading_blocks_fences_and_sub_items() {
        let canvas = r#"//- /strategy/canvas/10-assumptions.md
# Assumptions

### A4: Brand Preferences by Segment
**Status:** ⚠️ CHALLENGED
**Confidence:** 80%

### A2: Willingness to pay
**Status:** ✅ VALIDATED
**Confidence:** 95%
"#;
        let fixture = format!(
            r#"{canvas}//- /threads/sales/a/6-learning.md
# Stage 6: Learning

## Hypothesis Validation

### A4: Brand Preferences by Segment
**Status:** ✅ VALIDATED
**Result:** Luxury brand chose white-label
**Evidence:** 3 of 3 luxury inquiries
**Confidence:** 95%

### A2: Willingness to pay
- **Status:** ✅ VALIDATED
- **Confidence:** 95%
//- /threads/sales/b/6-learning.md
# Stage 6: Learning

## Canvas Updates Applied

**File:** `canvas/10.assumptions_validation_methods.md`

```markdown
### A4: Brand Preferences by Segment
**Status:** ⚠️ CHALLENGED
**Evidence:**
- three enterprise leads
### A2: Willingness to pay
**Confidence:** 40%
```
//- /threads/sales/c/6-learning.md
# Stage 6: Learning

- A4: Brand preferences
  - Status: validated
  - Confidence: 60% → 95%
- A2: still 95% confident
"#
        );
        let found: Vec<String> = check(&fixture, "learning-not-applied")
            .into_iter()
            .filter(|d| d.starts_with("threads/"))
            .collect();
        assert_eq!(
            found,
            [
                "threads/sales/a/6-learning.md:4:4-4:6 warning this learning records `A4` as VALIDATED (the assumptions section shows CHALLENGED), 95% (the assumptions section shows 80%): apply it to the Canvas",
                "threads/sales/b/6-learning.md:11:4-11:6 warning this learning records `A2` as 40% (the assumptions section shows 95%): apply it to the Canvas",
                "threads/sales/c/6-learning.md:2:2-2:4 warning this learning records `A4` as VALIDATED (the assumptions section shows CHALLENGED), 95% (the assumptions section shows 80%): apply it to the Canvas",
            ]
        );
    }

    #[test]
    fn learning_not_applied_updates_the_entry_in_its_form() {
        let fixture = r#"//- /strategy/canvas/10-assumptions.md
### A4: White-label
**Status:** ⏳ TESTING
**Confidence:** 60%
//- /threads/sales/a/6-learning.md
## Canvas Updates

```
A4: White-label
Status: testing → VALIDATED
Confidence: 60% → 95%
```
"#;
        for path in [
            "threads/sales/a/6-learning.md",
            "strategy/canvas/10-assumptions.md",
        ] {
            let files = check_fix(
                fixture,
                path,
                "learning-not-applied",
                "Apply the learning to A4",
            );
            assert_eq!(
                files["strategy/canvas/10-assumptions.md"],
                r#"### A4: White-label
**Status:** ✅ VALIDATED
**Confidence:** 95%
**Evidence:** threads/sales/a/6-learning.md
"#,
                "from {path}"
            );
        }
        let table = check_fix(
            r#"//- /strategy/canvas/10-assumptions.md
| ID | Assumption | Status | Confidence |
|---|---|---|---|
| H1 | Case studies | testing | 50% |
//- /threads/m/a/6-learning.md
- 10-assumptions.md → H1: partially validated, confidence 65%
"#,
            "threads/m/a/6-learning.md",
            "learning-not-applied",
            "Apply the learning",
        );
        assert!(
            table["strategy/canvas/10-assumptions.md"]
                .contains("| H1 | Case studies | partial | 65% |"),
            "{}",
            table["strategy/canvas/10-assumptions.md"]
        );
    }

    #[test]
    fn learning_not_applied_offers_each_learning_from_the_canvas_end() {
        let fixture = r#"//- /strategy/canvas/10-assumptions.md
### A4: White-label
**Status:** ⏳ TESTING
**Confidence:** 60%
//- /threads/sales/a/6-learning.md
- A4: VALIDATED, confidence 95%
//- /threads/sales/b/6-learning.md
- A4: INVALIDATED
"#;
        let before = snapshot(fixture);
        let canvas = "strategy/canvas/10-assumptions.md";
        let diagnostic = crate::analysis::diagnostics::file_diagnostics(&before, canvas)
            .into_iter()
            .find(|d| d.code == "learning-not-applied")
            .unwrap();
        let actions = quick_fixes(&before, canvas, &diagnostic.range, TODAY);
        let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Apply the learning of threads/sales/a to A4 in 10-assumptions.md",
                "Apply the learning of threads/sales/b to A4 in 10-assumptions.md",
            ]
        );
        // Two learnings disagree with each other: neither is preferred, and
        // `check --fix` applies neither.
        assert!(actions.iter().all(|a| !a.preferred && !a.unambiguous));
        let files = check_fix(
            fixture,
            canvas,
            "learning-not-applied",
            "of threads/sales/b",
        );
        assert!(
            files[canvas].contains("**Status:** ❌ INVALIDATED"),
            "{}",
            files[canvas]
        );
    }

    /// The Canvas end is kept between edits: whatever is edited (the
    /// entry, a learning, a learning removed or added) and however the
    /// snapshots branch, each answers what a fresh snapshot of its files
    /// answers.
    #[test]
    fn the_canvas_end_kept_between_edits_is_never_stale() {
        use crate::analysis::diagnostics::fixture::{render, snapshot};
        use crate::facts::ReadState;
        use crate::index::FileData;
        use std::collections::BTreeMap;
        use std::sync::Arc;

        let canvas = "strategy/canvas/10-assumptions.md";
        let learning = |result: &str| {
            format!("# Learning\n\n## Canvas Updates\n\n- 10-assumptions.md → A4: {result}\n")
        };
        let base = snapshot(&format!(
            "{CANVAS}//- /threads/sales/a/6-learning.md\n{}//- /threads/sales/b/6-learning.md\n{}",
            learning("60% → VALIDATED"),
            learning("confidence 60% → 90%"),
        ));
        let fresh = |snapshot: &crate::index::Snapshot| {
            let files: BTreeMap<String, String> = texts(snapshot);
            render(&rebuild(&files), "learning-not-applied")
        };
        let edit = |snapshot: &mut crate::index::Snapshot, path: &str, text: String| {
            let config = snapshot.config.clone();
            let file = FileData::new(
                path,
                Arc::from(text.as_str()),
                ReadState::Read {
                    invalid_utf8_at: None,
                },
                &config,
                None,
            );
            snapshot.upsert(file);
        };
        assert_eq!(
            render(&base, "learning-not-applied").len(),
            3,
            "{:#?}",
            render(&base, "learning-not-applied")
        );
        // One branch edits a learning, another the entry, a third removes
        // a learning, each from the same base (and so the same memo).
        let mut one = base.clone();
        edit(
            &mut one,
            "threads/sales/a/6-learning.md",
            learning("60% → INVALIDATED"),
        );
        let mut two = base.clone();
        let canvas_text = base.files[canvas].text().replace("60%", "90%");
        edit(&mut two, canvas, canvas_text);
        let mut three = base.clone();
        three.remove("threads/sales/b/6-learning.md");
        for _ in 0..2 {
            for snapshot in [&base, &one, &two, &three] {
                assert_eq!(render(snapshot, "learning-not-applied"), fresh(snapshot));
            }
        }
        // The learning put back as it was: the same results again.
        edit(
            &mut one,
            "threads/sales/a/6-learning.md",
            learning("60% → VALIDATED"),
        );
        assert_eq!(
            render(&one, "learning-not-applied"),
            render(&base, "learning-not-applied")
        );
        assert_ne!(
            render(&two, "learning-not-applied"),
            render(&base, "learning-not-applied")
        );
    }
}
