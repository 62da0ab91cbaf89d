//! Assumption references: the IDs (`A4`, `H12`, `T1`, `A001`) a markdown
//! file uses. An ID-shaped token is a reference only in an assumption
//! context (leanos-formats.md §2.1, §8.2): everywhere in a hypothesis (stage
//! 2) and under a Canvas-updates heading; in list items and table rows of a
//! learning or of a goal's Canvas links; elsewhere only in the shapes of
//! §2.6 (`Tests: A4`, `Validates: A1`, `10-assumptions.md → H1`, `**A7:**`
//! under an assumptions heading).
//!
//! The Canvas 10 entries themselves are read in `entries.rs`, the entry
//! form a learning repeats in `learning.rs`.

use std::sync::LazyLock;
use thin_vec::ThinVec;

use regex::Regex;

use super::lines::{Line, LineKind};
use super::sections::{Section, Sections};
use super::MarkdownFile;
use crate::config::Config;
use crate::facts::{is_assumption_id, AssumptionRef};

static ID_TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Z][0-9]{1,3}").expect("regex"));
static LABELLED_IDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:tests?|validates|tested\s+assumptions?|assumptions?(?:\s+being\s+tested)?|hypothes[ie]s)\b\**\s*:?\**\s*((?:\**[A-Z][0-9]{1,3}\**(?:\s*(?:,|&|and|/)\s*)?)+)",
    )
    .expect("regex")
});
static ARROW_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\b10[-.][a-z_-]+\.md|assumptions?)`?\s*(?:→|->)\s*\**([A-Z][0-9]{1,3})\b")
        .expect("regex")
});
static BOLD_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*+]\s+)?\*\*([A-Z][0-9]{1,3})\s*:?\s*\*\*").expect("regex")
});

/// The references in a heading's text `content`, which starts at byte
/// `base`: every ID in a hypothesis or under a Canvas-updates heading (the
/// heading itself may be one), else the §2.6 shapes (`**A7:**` when a
/// heading above it names assumptions), and none in Canvas 10, whose
/// headings define entries.
pub(super) fn heading(
    file: &MarkdownFile,
    sections: &Sections,
    content: &str,
    base: usize,
    refs: &mut ThinVec<AssumptionRef>,
) {
    if file.stage == Some(2) || sections.current().canvas_updates {
        all_ids(content, base, file.config, refs);
    } else if !file.is_canvas_10 {
        pattern_ids(
            content,
            base,
            sections.parents().assumptions,
            file.config,
            refs,
        );
    }
}

/// The references in a line that is no heading, in `section`.
pub(super) fn line(
    file: &MarkdownFile,
    section: Section,
    line: &Line,
    refs: &mut ThinVec<AssumptionRef>,
) {
    let stage_2 = file.stage == Some(2);
    let list_or_row = matches!(line.kind, LineKind::ListItem | LineKind::TableRow(_));
    let canvas_links = file.is_goal && section.canvas_links;
    if stage_2
        || section.canvas_updates
        || (list_or_row && (stage_2 || file.is_learning() || canvas_links))
    {
        all_ids(line.text, line.start, file.config, refs);
    } else {
        pattern_ids(
            line.text,
            line.start,
            section.assumptions,
            file.config,
            refs,
        );
    }
}

/// Records `id`, found at byte `start`, when it is an assumption ID under
/// `config`'s prefixes.
pub(super) fn push(id: &str, start: usize, config: &Config, refs: &mut ThinVec<AssumptionRef>) {
    if is_assumption_id(id, config) {
        refs.push(AssumptionRef {
            id: id.into(),
            range: start as u32..(start + id.len()) as u32,
        });
    }
}

/// Sorts references by range and drops the ones found twice (a line read
/// by two shapes).
pub(super) fn dedup(refs: &mut ThinVec<AssumptionRef>) {
    refs.sort_by_key(|r| (r.range.start, r.range.end));
    refs.dedup();
}

/// Every ID token of `line` (at byte `base`) that stands alone is a
/// reference.
fn all_ids(line: &str, base: usize, config: &Config, refs: &mut ThinVec<AssumptionRef>) {
    for found in ID_TOKEN.find_iter(line) {
        if id_boundaries_ok(line, found.start(), found.end()) {
            push(found.as_str(), base + found.start(), config, refs);
        }
    }
}

/// References by shape: `Tests: A4`, `Validates: A1`, `10-assumptions.md → H1`,
/// and `**A7:**` when `assumption_section`.
fn pattern_ids(
    line: &str,
    base: usize,
    assumption_section: bool,
    config: &Config,
    refs: &mut ThinVec<AssumptionRef>,
) {
    // Every shape ends in an ID, and `(?i)` leaves its digits digits.
    if !line.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    for captures in LABELLED_IDS.captures_iter(line) {
        if let Some(list) = captures.get(1) {
            for found in ID_TOKEN.find_iter(list.as_str()) {
                let start = list.start() + found.start();
                if id_boundaries_ok(line, start, start + found.len()) {
                    push(found.as_str(), base + start, config, refs);
                }
            }
        }
    }
    for captures in ARROW_ID.captures_iter(line) {
        if let Some(id) = captures.get(1) {
            push(id.as_str(), base + id.start(), config, refs);
        }
    }
    if assumption_section {
        if let Some(id) = BOLD_ID.captures(line).and_then(|c| c.get(1)) {
            push(id.as_str(), base + id.start(), config, refs);
        }
    }
}

/// Whether the token at `start..end` of `line` stands alone: not part of a
/// word, a path, a version (`A1.2`), an anchor or a variable, and not
/// followed by `-` and a word (`A1-B`) or `.` and a digit.
fn id_boundaries_ok(line: &str, start: usize, end: usize) -> bool {
    let before = line[..start].chars().next_back();
    let after = line[end..].chars().next();
    let bad_before = before
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '/' | '-' | '.' | '#' | '$'));
    let bad_after = after.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '/'))
        || (after == Some('-')
            && line[end + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric()))
        || (after == Some('.')
            && line[end + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit()));
    !bad_before && !bad_after
}

#[cfg(test)]
mod tests {
    use super::super::tests::lowered;

    /// The references of `text` lowered at `path`, as `ID@line:column`
    /// (0-based, the column in bytes).
    fn refs(path: &str, text: &str) -> Vec<String> {
        let facts = lowered(path, text);
        facts
            .refs
            .iter()
            .map(|r| {
                let before = &text[..r.range.start as usize];
                let line = before.matches('\n').count();
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
                assert_eq!(&text[r.range.start as usize..r.range.end as usize], r.id);
                format!("{}@{line}:{column}", r.id)
            })
            .collect()
    }

    #[test]
    fn a_hypothesis_cites_every_standalone_id() {
        let text = r#"# Stage 2: Hypothesis

We test A4 and H12, not A1-B, A1.2, x/A3, #A5 or A6x.
"#;
        assert_eq!(
            refs("threads/sales/acme/2-hypothesis.md", text),
            ["A4@2:8", "H12@2:15"]
        );
    }

    #[test]
    fn elsewhere_only_the_reference_shapes_count() {
        let text = r#"# Stage 1: Input

Tests: A4 - Enterprise customers prefer white-label
Canvas link: 10-assumptions.md → H1 (campaign performance)
We met A7 at the fair.
**A8:** bold, but not under an assumptions heading

## Assumption Being Tested

**A9:** Enterprise buyers pay
"#;
        assert_eq!(
            refs("threads/sales/acme/1-input.md", text),
            ["A4@2:7", "H1@3:35", "A9@9:2"]
        );
    }

    #[test]
    fn list_items_of_a_learning_and_canvas_updates_cite_every_id() {
        let text = r#"# Stage 6: Learning

A4 in prose is no citation.
- A4 held up
| A5 | row |

## Canvas Updates

A7 moved to 95%.
"#;
        assert_eq!(
            refs("threads/sales/acme/6-learning.md", text),
            ["A4@3:2", "A7@8:0"]
        );
    }

    #[test]
    fn a_goal_cites_ids_in_its_canvas_links() {
        let text = r#"# Goal: First customer

- A1: not a link section

## Canvas Links

- A3: "Buyers pay" (10-assumptions.md)
"#;
        assert_eq!(
            refs("strategy/goals/active/g-first-customer.md", text),
            ["A3@6:2"]
        );
    }

    #[test]
    fn only_configured_prefixes_are_ids() {
        let text = r#"# Hypothesis

B4 and M2 are no assumptions; T1 is.
"#;
        assert_eq!(
            refs("threads/sales/acme/2-hypothesis.md", text),
            ["T1@2:30"]
        );
    }
}
