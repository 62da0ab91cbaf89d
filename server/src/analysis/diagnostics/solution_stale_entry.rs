//! `solution-stale-entry`: a 09 entry whose evidence thread is missing or
//! archived, whose thread's hypothesis was invalidated or whose decision
//! killed or declined it, or whose status or confidence disagrees with that
//! thread's latest learning. Entries under `NOT in MVP` are not checked.
//! Reported on the entry; a disagreement also on the thread's learning.

use super::{Context, Data, Diagnostic, Related};
use crate::analysis::actions::fix::{
    fix, line_end, not_in_mvp_heading, retarget_candidates, status_text,
};
use crate::analysis::actions::{Action, FileOp};
use crate::analysis::drift::{
    abandoned, backed_by, disagreement, evidence_of, learned_for, learning_of, solution_entries,
    thread_announcements, Evidence,
};
use crate::analysis::thread::thread_info;
use crate::facts::paths::PathKind;
use crate::facts::solution::SolutionEntry;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    let facts = &context.file.facts;
    if matches!(facts.path_kind(), PathKind::Canvas { number: 9, .. }) {
        for entry in facts.solution_entries.iter().filter(|e| !e.not_in_mvp) {
            let (message, related) = match evidence_of(snapshot, entry) {
                Evidence::Unlinked => continue,
                Evidence::Missing(path) => (
                    format!("`{}`: its evidence `{path}` does not exist", entry.name),
                    None,
                ),
                Evidence::Archived(path) => (
                    format!(
                        "`{}`: its evidence thread is archived (`{path}`)",
                        entry.name
                    ),
                    None,
                ),
                Evidence::Thread(dir) => {
                    let info = thread_info(snapshot, &dir);
                    let learning = learning_of(&info);
                    let related = learning.map(|f| Related {
                        path: f.path.to_string(),
                        range: learned_for(entry, f).range.unwrap_or(0..0),
                        message: "the thread's learning".into(),
                    });
                    if let Some(reason) = abandoned(&info) {
                        (format!("`{}` is stale: {reason}", entry.name), related)
                    } else if let Some(difference) = learning.and_then(|l| disagreement(entry, l)) {
                        (
                            format!("`{}` is stale: the entry shows {difference}", entry.name),
                            related,
                        )
                    } else {
                        continue;
                    }
                }
            };
            let mut diagnostic = context.diagnostic_with(
                Data::SolutionStaleEntry {
                    solution: context.file.path.to_string(),
                    entry: entry.clone(),
                },
                "solution-stale-entry",
                entry.name_range.clone(),
                message,
            );
            diagnostic.relate_all(related);
            out.push(diagnostic);
        }
        return;
    }
    // The thread end: this learning disagrees with the 09 entry it backs.
    let Some((6 | 7, _)) = context.stage() else {
        return;
    };
    let Some(thread) = facts.path_kind().thread() else {
        return;
    };
    if facts.outcome.is_none() && facts.solution_updates.is_empty() {
        return;
    }
    let announced = thread_announcements(snapshot, thread);
    for (file, _, entry) in solution_entries(snapshot) {
        if entry.not_in_mvp || !backed_by(snapshot, entry, thread, &announced) {
            continue;
        }
        let Some(range) = learned_for(entry, context.file).range else {
            continue;
        };
        if let Some(difference) = disagreement(entry, context.file) {
            let mut diagnostic = context.diagnostic_with(
                Data::SolutionStaleEntry {
                    solution: file.path.to_string(),
                    entry: entry.clone(),
                },
                "solution-stale-entry",
                range,
                format!(
                    "the 09 entry `{}` this thread backs shows {difference}",
                    entry.name
                ),
            );
            diagnostic.relate(Related {
                path: file.path.to_string(),
                range: entry.name_range.clone(),
                message: "the 09 entry".into(),
            });
            out.push(diagnostic);
        }
    }
}

/// Fixes for the 09 `entry` of the file `solution`: refresh its status
/// and confidence from its thread's learning, point its evidence at a
/// live thread of the same name, or move it under `NOT in MVP`; each a
/// choice, never applied blind.
pub fn fixes(
    context: &Context,
    d: &Diagnostic,
    solution: &str,
    entry: &SolutionEntry,
) -> Vec<Action> {
    let snapshot = context.snapshot;
    let Some(solution) = snapshot.files.get(solution) else {
        return Vec::new();
    };
    let mut actions = Vec::new();
    // 1. Refresh status and confidence from the thread's learning.
    if let Evidence::Thread(dir) = evidence_of(snapshot, entry) {
        let info = thread_info(snapshot, &dir);
        if let Some(learning) = learning_of(&info) {
            let mut edits = Vec::new();
            // What the learning states for this entry, as the diagnostic
            // reads it (its announcement first, then its own outcome).
            let learned = crate::analysis::drift::learned_for(entry, learning);
            if let (Some(status), Some(range)) = (learned.status, &entry.status_range) {
                if entry.status != Some(status) {
                    edits.push((range.clone(), status_text(status)));
                }
            } else if let Some(status) = learned.status {
                if entry.status != Some(status)
                    && entry.form == crate::facts::solution::SolutionForm::Heading
                {
                    let end = line_end(&solution.text(), entry.name_range.end);
                    edits.push((end..end, format!("\n- **Status:** {}", status_text(status))));
                }
            }
            if let Some(c) = learned.confidence {
                if entry.confidence.is_some_and(|old| old != c) {
                    if let Some(offset) = solution.text()
                        [entry.range.start as usize..entry.range.end as usize]
                        .find(&format!("{}%", entry.confidence.unwrap_or(0)))
                    {
                        let start = entry.range.start + offset as u32;
                        let old = format!("{}%", entry.confidence.unwrap_or(0));
                        edits.push((start..start + old.len() as u32, format!("{c}%")));
                    }
                }
            }
            if !edits.is_empty() {
                actions.push(fix(
                    format!(
                        "Refresh `{}` from {}",
                        entry.name,
                        crate::paths::file_name(&learning.path)
                    ),
                    d,
                    false,
                    vec![FileOp::Edit {
                        path: solution.path.to_string(),
                        edits,
                    }],
                ));
            }
        }
    }
    // 2. Fix the evidence path: the same file name in a live thread of the
    //    same folder name.
    if let (Evidence::Missing(path) | Evidence::Archived(path), Some((_, range))) =
        (evidence_of(snapshot, entry), &entry.evidence)
    {
        let live = |dir: &str| !dir.split('/').any(|p| p == "archive");
        for dir in retarget_candidates(snapshot, &path, live) {
            let file_name = crate::paths::file_name(path.trim_end_matches('/'));
            let target = if file_name.ends_with(".md") {
                format!("{dir}/{file_name}")
            } else {
                format!("{dir}/")
            };
            actions.push(fix(
                format!("Point the evidence at `{target}`"),
                d,
                false,
                vec![FileOp::replace(&solution.path, range.clone(), target)],
            ));
        }
    }
    // 3. Move the entry under `NOT in MVP`.
    let block = solution.text()[entry.range.start as usize..entry.range.end as usize]
        .trim_end()
        .to_string();
    let mut edits = vec![(entry.range.clone(), String::new())];
    match not_in_mvp_heading(solution) {
        Some(heading) => {
            let end = line_end(&solution.text(), heading.range.end);
            edits.push((end..end, format!("\n\n{block}")));
        }
        None => {
            let len = solution.stored_text().len() as u32;
            edits.push((len..len, format!("\n## NOT in MVP\n\n{block}\n")));
        }
    }
    if edits
        .windows(2)
        .all(|w| w[0].0.end <= w[1].0.start || w[1].0.end <= w[0].0.start)
    {
        actions.push(fix(
            format!("Move `{}` under NOT in MVP", entry.name),
            d,
            false,
            vec![FileOp::Edit {
                path: solution.path.to_string(),
                edits,
            }],
        ));
    }
    actions
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    #[test]
    fn stale_entries_and_their_threads() {
        let found = check(
            r#"//- /strategy/canvas/09-solution.md
# Solution

### Bank Feed SDK (Validated)
- **Evidence:** threads/engineering/sdk/6-learning.md
- **Confidence:** 90%

### Gone Feature
- **Evidence:** threads/engineering/gone/6-learning.md

### Old Feature
- **Evidence:** threads/engineering/archive/old/6-learning.md

### Killed Feature
- **Evidence:** threads/engineering/killed/

## NOT in MVP

### Parked
- **Evidence:** threads/engineering/nowhere/
//- /threads/engineering/sdk/6-learning.md
# Learning
**Status:** ✅ VALIDATED
**Posterior confidence:** 95%
//- /threads/engineering/archive/old/6-learning.md
# Learning
//- /threads/engineering/killed/4-decision.md
**KILL** it
"#,
            "solution-stale-entry",
        );
        assert_eq!(
            found,
            [
                "strategy/canvas/09-solution.md:2:4-2:17 warning `Bank Feed SDK` is stale: the entry shows confidence 90% (the learning: 95%)",
                "strategy/canvas/09-solution.md:6:4-6:16 warning `Gone Feature`: its evidence `threads/engineering/gone/6-learning.md` does not exist",
                "strategy/canvas/09-solution.md:9:4-9:15 warning `Old Feature`: its evidence thread is archived (`threads/engineering/archive/old/6-learning.md`)",
                "strategy/canvas/09-solution.md:12:4-12:18 warning `Killed Feature` is stale: its decision was KILL",
                "threads/engineering/sdk/6-learning.md:1:0-1:23 warning the 09 entry `Bank Feed SDK` this thread backs shows confidence 90% (the learning: 95%)",
            ]
        );
    }

    /// A result belongs to the item it is written under: the confidence of
    /// the 09 announcement is compared with the 09 entry, not the
    /// confidence of an assumption heading earlier in the learning; the
    /// learning's own outcome counts only where the announcement states
    /// nothing.
    #[test]
    fn the_announcement_states_the_features_result() {
        let found = check(
            r#"//- /strategy/canvas/09-solution.md
# Solution

## MVP Feature Set

### White-Label SDK
**Confidence:** 95%

### Bank Feed SDK
**Status:** ✅ VALIDATED
**Confidence:** 90%

### Receipt OCR
**Status:** ✅ VALIDATED
**Confidence:** 90%
//- /threads/engineering/sdk/meta.json
{"type":"engineering","status":"completed"}
//- /threads/engineering/sdk/6-learning.md
# Stage 6: Learning

### T1: Composition scales
**Confidence:** 70%

## Canvas Updates

09-solution.md → "White-Label SDK" (confidence: 95%)
//- /threads/engineering/bank/6-learning.md
# Stage 6: Learning

**Status:** ✅ VALIDATED
**Posterior confidence:** 90%

### T2: Feeds are reliable
**Status:** ⚠️ CHALLENGED
**Confidence:** 40%

## Canvas Updates

- 09-solution.md → "Bank Feed SDK (partially validated)"
  - Confidence: 80%
- 09-solution.md → "Receipt OCR"
"#,
            "solution-stale-entry",
        );
        assert_eq!(
            found,
            [
                "strategy/canvas/09-solution.md:7:4-7:17 warning `Bank Feed SDK` is stale: the entry shows status VALIDATED (the learning: PARTIAL), confidence 90% (the learning: 80%)",
                "threads/engineering/bank/6-learning.md:11:20-11:33 warning the 09 entry `Bank Feed SDK` this thread backs shows status VALIDATED (the learning: PARTIAL), confidence 90% (the learning: 80%)",
            ]
        );
    }

    #[test]
    fn the_refresh_fix_takes_the_announcements_result() {
        // The learning's assumption heading says 70%; its 09 announcement says
        // 95%: the entry is refreshed to what the announcement states.
        let files = check_fix(
            r#"//- /strategy/canvas/09-solution.md
# Solution

### White-Label SDK
- **Evidence:** threads/engineering/sdk/6-learning.md
- **Confidence:** 80%
//- /threads/engineering/sdk/meta.json
{"type": "engineering", "status": "completed"}
//- /threads/engineering/sdk/6-learning.md
# Stage 6: Learning

### T1: Composition scales
**Confidence:** 70%

## Canvas Updates

09-solution.md → "White-Label SDK" (confidence: 95%)
"#,
            "strategy/canvas/09-solution.md",
            "solution-stale-entry",
            "Refresh",
        );
        assert!(
            files["strategy/canvas/09-solution.md"].contains("- **Confidence:** 95%"),
            "{}",
            files["strategy/canvas/09-solution.md"]
        );
    }
    #[test]
    fn a_stale_entry_moves_under_not_in_mvp() {
        let stale = r#"//- /strategy/canvas/09-solution.md
# Solution

### Receipts
- **Evidence:** threads/engineering/receipts/6-learning.md

## NOT in MVP

- Payroll
//- /threads/engineering/archive/receipts/6-learning.md
# L
"#;
        let moved = check_fix(
            stale,
            "strategy/canvas/09-solution.md",
            "solution-stale-entry",
            "Move `Receipts` under NOT in MVP",
        );
        assert_eq!(
            moved["strategy/canvas/09-solution.md"],
            r#"# Solution

## NOT in MVP

### Receipts
- **Evidence:** threads/engineering/receipts/6-learning.md

- Payroll
"#
        );
        let refreshed = check_fix(
            r#"//- /strategy/canvas/09-solution.md
### SDK (Validated)
- **Status:** ✅ VALIDATED
- **Evidence:** threads/engineering/sdk/6-learning.md
//- /threads/engineering/sdk/6-learning.md
**Status:** ❌ INVALIDATED
"#,
            "strategy/canvas/09-solution.md",
            "solution-stale-entry",
            "Move `SDK`",
        );
        assert!(refreshed["strategy/canvas/09-solution.md"].contains("## NOT in MVP"));
    }

    #[test]
    fn an_entry_without_evidence_is_compared_with_the_live_thread_not_the_archived_one() {
        let found = check(
            r#"//- /strategy/canvas/09-solution.md
# Solution

### White-Label SDK
- **Confidence:** 95%
//- /threads/engineering/archive/sdk-v1/6-learning.md
# Stage 6: Learning

09-solution.md → "White-Label SDK" (confidence: 60%)
//- /threads/engineering/sdk/meta.json
{"type": "engineering", "status": "completed"}
//- /threads/engineering/sdk/6-learning.md
# Stage 6: Learning

09-solution.md → "White-Label SDK" (confidence: 95%)
"#,
            "solution-stale-entry",
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}
