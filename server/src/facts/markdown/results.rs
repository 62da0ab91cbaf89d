//! What a learning states for each item it cites (leanos-formats.md §2.4,
//! §2.6; README "Canvas drift, precisely"): for an assumption reference
//! and for a 09 feature it announces, the status and confidence written on
//! the citing line or in the result block below it, in any of the shapes
//! of §2.2 items 1, 2 and 5 (`A4 … → VALIDATED`, `- 10-assumptions.md → A4:
//! confidence 95%`, or `A7: …` / `Status: validated → VALIDATED` /
//! `Confidence: 60% → 95%` / `Evidence: …`).

use std::sync::LazyLock;

use regex::Regex;

use super::entries::title_badge_start;
use super::lines::{heading_line_content, indentation, list_item_body};
use crate::facts::status::{parse_confidence, parse_status, AssumptionStatus};
use crate::facts::{AnnouncedResult, AssumptionRef, LearningResult};
use crate::syntax::ByteRange;

static LABELLED_CONFIDENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bconfidence\b\**\s*:?\**\s*(.*)$").expect("regex"));
static STATUS_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bstatus\b\**\s*:\**\s*([^,;)\n]*)").expect("regex"));

/// The results a learning with text `text` states: one per assumption
/// reference that states a status or a confidence (in the order of
/// `refs`), and one per announced 09 feature (in the order of
/// `solution_updates`, whose ranges are the features' names).
pub(super) fn learning_results(
    text: &str,
    refs: &[AssumptionRef],
    solution_updates: &[(String, ByteRange)],
) -> (Vec<LearningResult>, Vec<AnnouncedResult>) {
    let mut citations: Vec<(u32, &str)> = refs
        .iter()
        .map(|r| (r.range.start, r.id.as_str()))
        .chain(solution_updates.iter().map(|(_, r)| (r.start, "")))
        .collect();
    citations.sort_unstable();
    let results = refs
        .iter()
        .filter_map(|r| result_near(text, r, &citations))
        .collect();
    let announced = solution_updates
        .iter()
        .map(|(_, range)| announced_result(text, range, &citations))
        .collect();
    (results, announced)
}

/// What a learning states about one item it cites: an assumption, or a
/// feature it announces for 09.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Stated<'t> {
    status: Option<AssumptionStatus>,
    /// Percent 0..=100.
    confidence: Option<u8>,
    evidence: Option<&'t str>,
}

/// Where each citation of a learning starts (assumption references and
/// 09 announcements), sorted, with the assumption ID (empty for a 09
/// announcement): a result block ends at the next line citing something
/// else.
type Citations<'a> = [(u32, &'a str)];

/// What a learning states for the citation `reference`: on the citing
/// line (a status word; a confidence only after the word `confidence`; on
/// a heading, only a status badge), then in the block below it
/// ([`read_block`]).
fn result_near(
    text: &str,
    reference: &AssumptionRef,
    citations: &Citations,
) -> Option<LearningResult> {
    let (line_start, line) = line_at(text, reference.range.start as usize);
    let after_id = line
        .get((reference.range.end as usize).saturating_sub(line_start)..)
        .unwrap_or("");
    let heading = heading_line_content(line.trim_start()).is_some();
    let mut stated = Stated {
        status: if heading {
            title_badge_start(after_id).and_then(|at| parse_status(&after_id[at..]))
        } else {
            parse_status(after_id)
        },
        confidence: labelled_confidence(after_id),
        evidence: None,
    };
    read_block(
        text,
        line_start,
        line,
        heading,
        &reference.id,
        citations,
        &mut stated,
    );
    (stated.status.is_some() || stated.confidence.is_some()).then(|| LearningResult {
        id: reference.id.clone(),
        range: reference.range.clone(),
        status: stated.status,
        confidence: stated.confidence,
        evidence: stated.evidence.map(str::to_string),
    })
}

/// What a learning states for the 09 feature it announces at `range` (the
/// feature name): notes and labels after the name on the announcing line
/// (`"White-Label SDK (validated, 1 customer)"`, `(confidence: 95%)`), then
/// the block below it.
fn announced_result(text: &str, range: &ByteRange, citations: &Citations) -> AnnouncedResult {
    let (line_start, line) = line_at(text, range.start as usize);
    let from = (range.end as usize)
        .saturating_sub(line_start)
        .min(line.len());
    // Up to the next citation on the same line, if any.
    let next = citations.partition_point(|&(start, _)| start <= range.start);
    let to = citations
        .get(next)
        .map(|&(start, _)| start as usize)
        .filter(|&start| start < line_start + line.len())
        .map_or(line.len(), |start| start - line_start);
    let after = line.get(from..to.max(from)).unwrap_or("");
    let status = STATUS_LABEL
        .captures(after)
        .and_then(|c| c.get(1))
        .and_then(|m| parse_status(m.as_str()))
        .or_else(|| {
            after
                .split('(')
                .skip(1)
                .find_map(|group| parse_status(group.split(')').next().unwrap_or("")))
        })
        .or_else(|| title_badge_start(after).and_then(|at| parse_status(&after[at..])));
    let mut stated = Stated {
        status,
        confidence: labelled_confidence(after),
        evidence: None,
    };
    read_block(text, line_start, line, false, "", citations, &mut stated);
    AnnouncedResult {
        status: stated.status,
        confidence: stated.confidence,
    }
}

/// The line holding byte `offset`: its start and its text (no line break).
fn line_at(text: &str, offset: usize) -> (usize, &str) {
    let offset = crate::line_index::floor_char_boundary(text, offset.min(text.len()));
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    (start, text[start..end].trim_end_matches('\r'))
}

/// A confidence labelled as such: `confidence 95%`, `Confidence: 60% →
/// 95%`, `(confidence: 95%)`.
fn labelled_confidence(text: &str) -> Option<u8> {
    LABELLED_CONFIDENCE
        .captures(text)
        .and_then(|c| c.get(1))
        .and_then(|m| parse_confidence(m.as_str()))
}

/// Reads the result block below a citing line into `stated` (fields
/// already stated on the line win): `Status:`, `Confidence:` and
/// `Evidence:` lines, bold or not, as list items or not, in any order with
/// other lines between.
///
/// Under a heading (`### A4: Title`, the entry form repeated in a
/// learning) the block runs to the next heading, blank lines and list
/// items included. Under any other line it runs to a blank line or a new
/// list item (sub-items of a citing list item belong to it). Either way a
/// fence, a heading or a line citing something else ends it: a result
/// belongs to the item it is written under.
fn read_block<'t>(
    text: &'t str,
    line_start: usize,
    citing: &str,
    heading: bool,
    id: &str,
    citations: &Citations,
    stated: &mut Stated<'t>,
) {
    let line_end = line_start + citing.len();
    let mut offset = match text[line_end..].find('\n') {
        Some(i) => line_end + i + 1,
        None => return,
    };
    let first_after = citations.partition_point(|&(start, _)| (start as usize) < offset);
    let next_citation = citations[first_after..]
        .iter()
        .find(|&&(_, cited)| cited.is_empty() || cited != id)
        .map_or(text.len(), |&(start, _)| start as usize);
    let citing_indent = indentation(citing);
    let citing_item = list_item_body(citing.trim_start()).is_some();
    for raw in text[offset..].split('\n') {
        let line_end = offset + raw.len();
        if next_citation <= line_end {
            break;
        }
        let line = raw.trim_end_matches('\r');
        offset = line_end + 1;
        let trimmed = line.trim();
        if trimmed.starts_with("```")
            || trimmed.starts_with("~~~")
            || heading_line_content(trimmed).is_some()
        {
            break;
        }
        if trimmed.is_empty() {
            if heading {
                continue;
            }
            break;
        }
        let body = match list_item_body(trimmed) {
            Some(body) if heading || (citing_item && indentation(line) > citing_indent) => body,
            Some(_) => break,
            None => trimmed,
        };
        read_field(body, stated);
    }
}

/// One `Label: value` line of a result block.
fn read_field<'t>(body: &'t str, stated: &mut Stated<'t>) {
    let Some((label, value)) = body.split_once(':') else {
        return;
    };
    let label = label.trim().trim_matches('*').trim();
    let label = label.split('(').next().unwrap_or(label).trim_end();
    let value = value.trim().trim_start_matches('*').trim();
    let is = |words: &[&str]| words.iter().any(|w| label.eq_ignore_ascii_case(w));
    if is(&[
        "status",
        "new status",
        "current status",
        "final status",
        "updated status",
        "validation status",
    ]) {
        if stated.status.is_none() {
            stated.status = parse_status(value);
        }
    } else if is(&[
        "confidence",
        "new confidence",
        "posterior confidence",
        "final confidence",
        "updated confidence",
        "current confidence",
        "confidence level",
    ]) {
        if stated.confidence.is_none() {
            stated.confidence = parse_confidence(value);
        }
    } else if is(&["evidence"]) && stated.evidence.is_none() && !value.is_empty() {
        stated.evidence = Some(value);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lowered;
    use super::*;

    const LEARNING: &str = "threads/operations/example/6-learning.md";

    /// The learning results of `text` as `ID status confidence evidence`.
    fn results(text: &str) -> Vec<String> {
        lowered(LEARNING, text)
            .learning_results
            .iter()
            .map(|r| {
                format!(
                    "{} {:?} {:?} {:?}",
                    r.id, r.status, r.confidence, r.evidence
                )
            })
            .collect()
    }

    #[test]
    fn a_result_on_the_citing_line() {
        let text = r#"# Stage 6: Learning

- A4: Enterprise customers prefer white-label → VALIDATED
- 10-assumptions.md → H1: Luxury prefers white-label (confidence: 95%)
- A5 was discussed.
"#;
        assert_eq!(
            results(text),
            ["A4 Some(Validated) None None", "H1 None Some(95) None"]
        );
    }

    #[test]
    fn a_compact_block_below_the_citation() {
        let text = r#"## Canvas Updates

```text
A7: AI code assistants reduce development time by 20%+
Status: validated → VALIDATED
Confidence: 60% → 95%
Evidence: threads/operations/example/5-actions.md
```
"#;
        assert_eq!(
            results(text),
            [r#"A7 Some(Validated) Some(95) Some("threads/operations/example/5-actions.md")"#]
        );
    }

    #[test]
    fn a_heading_block_runs_to_the_next_heading() {
        let text = r#"### A4: Brand preferences

Evidence was strong.

- **New confidence:** 90%
- **Status:** VALIDATED

### A5: Pricing
Status: INVALIDATED
"#;
        assert_eq!(
            results(text),
            [
                "A4 Some(Validated) Some(90) None",
                "A5 Some(Invalidated) None None",
            ]
        );
    }

    #[test]
    fn a_block_ends_at_a_blank_line_a_new_item_or_another_citation() {
        let text = r#"## Canvas Updates

- A1: pilot
  - Status: validated
- Confidence: 80%

A2: pilot

Status: invalidated
A3: pilot
A4 Status: testing
"#;
        assert_eq!(
            results(text),
            ["A1 Some(Validated) None None", "A4 Some(Testing) None None"]
        );
    }

    #[test]
    fn an_announced_feature_states_its_notes() {
        let text = r#"Canvas update: 09-solution.md → "White-Label SDK (validated, 1 customer)"
Canvas update: 09-solution.md → "Analytics"
Confidence: 70%
"#;
        let facts = lowered(LEARNING, text);
        let announced: Vec<_> = facts
            .solution_update_results
            .iter()
            .map(|r| (r.status, r.confidence))
            .collect();
        assert_eq!(
            announced,
            [(Some(AssumptionStatus::Validated), None), (None, Some(70)),]
        );
    }

    #[test]
    fn lines_and_fields() {
        let text = "one\r\ntwo\nthree";
        assert_eq!(line_at(text, 6), (5, "two"));
        assert_eq!(line_at(text, 0), (0, "one"));
        assert_eq!(labelled_confidence("A4 (confidence: 95%)"), Some(95));
        assert_eq!(labelled_confidence("A4 at 95%"), None);
        let mut stated = Stated::default();
        read_field("**Final status:** ✅ VALIDATED", &mut stated);
        read_field("Status: INVALIDATED", &mut stated);
        read_field("Confidence level (Bayesian): 80%", &mut stated);
        assert_eq!(stated.status, Some(AssumptionStatus::Validated));
        assert_eq!(stated.confidence, Some(80));
    }
}
