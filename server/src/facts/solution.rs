//! Entries of the solution section (Canvas 09) and the 09 updates a
//! learning announces.
//!
//! A 09 entry is (leanos-formats.md §6.1, §6.2):
//! - a heading of level 3 or deeper, or a level-2 heading whose block has an
//!   `**Evidence:**` field, except structural headings (`MVP Feature Set`,
//!   `NOT in MVP`, `P0`…); a v2 heading `### P1: Problem → Feature` names
//!   the feature after the arrow;
//! - a top-level list item under a section heading (not under an entry
//!   heading, and not a `**Label:**` field line);
//! - a row of a table whose header has a `Feature` (or `Capability`)
//!   column.
//!
//! Its fields: status (a `(Validated)` badge, a `**Status:**` field or a
//! Status cell), confidence, evidence path (`**Evidence:**`), and whether it
//! sits under a `NOT in MVP` heading. Entries are matched to threads by
//! their evidence path first, then by [`feature_key`] equality.

use std::sync::LazyLock;

use regex::Regex;

use super::status::{parse_confidence, parse_status, AssumptionStatus};
use crate::syntax::{ByteRange, Outline};

/// How a 09 entry is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SolutionForm {
    Heading,
    ListItem,
    TableRow,
}

/// A feature recorded in the solution section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolutionEntry {
    /// The feature name as written (badge and trailing parenthetical
    /// removed).
    pub name: String,
    pub name_range: ByteRange,
    /// The whole entry (heading block, item line, row).
    pub range: ByteRange,
    pub status: Option<AssumptionStatus>,
    /// Where the status is written, when it is.
    pub status_range: Option<ByteRange>,
    pub confidence: Option<u8>,
    /// The `**Evidence:**` path and its range.
    pub evidence: Option<(String, ByteRange)>,
    /// Under a `NOT in MVP` heading.
    pub not_in_mvp: bool,
    pub form: SolutionForm,
}

/// A feature name reduced for matching: lower case, parenthesised notes
/// dropped, only letters and digits, single spaces.
pub fn feature_key(name: &str) -> String {
    let mut without_notes = String::new();
    let mut depth = 0;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => without_notes.push(c),
            _ => {}
        }
    }
    without_notes
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

static V2_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^P[0-9]+:\s*.+?\s*(?:→|->)\s*(.+)$").expect("regex"));
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-*+]\s+)?\*\*(status|evidence|confidence):?\*\*:?\s*(.*?)\s*$")
        .expect("regex")
});
static ANNOUNCED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b09[-.][a-z_-]+\.md`?\s*(?:(?:→|->)\s*(?:added:\s*)?|now includes\s+)"([^"\n]+)""#,
    )
    .expect("regex")
});
static ANNOUNCED_BARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b09[-.][a-z_-]+\.md`?\s*(?:→|->)\s*(?:added:\s*)?([^\s\x22][^\n]*)$")
        .expect("regex")
});

const STRUCTURAL: &[&str] = &[
    "mvp feature set",
    "not in mvp",
    "p0",
    "p1",
    "p2",
    "growth architecture",
    "selection rationale",
    "growth-required features",
    "growth required features",
    "growth loops",
    "problem-solution mapping",
    "problem solution mapping",
    "solution approach",
    "technical architecture",
    "high-level architecture",
    "mvp",
    "features",
    "solution",
];

fn is_structural(title: &str) -> bool {
    let lower = title.trim().to_lowercase();
    STRUCTURAL.iter().any(|s| {
        lower == *s || lower.starts_with(&format!("{s} (")) || lower.starts_with(&format!("{s}:"))
    })
}

/// The name of a feature, where it starts in `text` (bytes) and the status
/// of its badge: `Bank Feed SDK (Validated)` is `Bank Feed SDK` at 0,
/// validated; spaces (Unicode's too) and quotes around it are not its.
fn name_and_badge(text: &str) -> (String, usize, Option<AssumptionStatus>) {
    // Where a subslice of `text` starts in it, in bytes.
    let offset = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
    let trimmed = text.trim().trim_matches('"');
    if let Some(open) = trimmed.rfind('(') {
        if trimmed.ends_with(')') {
            let badge = parse_status(&trimmed[open..]);
            let name = trimmed[..open].trim();
            return (name.to_string(), offset(name), badge);
        }
    }
    (trimmed.to_string(), offset(trimmed), None)
}

/// The line holding byte `offset`, without its line break. Lines end at
/// `\n`, `\r\n` or a lone `\r`, as in CommonMark (the outline's headings
/// start after a lone `\r` too) and LSP.
fn line_range(text: &str, offset: u32) -> ByteRange {
    let start = text[..offset as usize]
        .rfind(['\n', '\r'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let end = text[offset as usize..]
        .find(['\n', '\r'])
        .map(|i| i + offset as usize)
        .unwrap_or(text.len());
    start as u32..end as u32
}

/// The 09 entries of a solution-section file.
pub fn solution_entries(text: &str, outline: &Outline) -> Vec<SolutionEntry> {
    let mut out = Vec::new();
    let headings = &outline.headings;
    // The block of each heading: to the next heading of the same or a
    // higher level.
    let block_end = |i: usize| -> u32 {
        let level = headings[i].level;
        headings[i + 1..]
            .iter()
            .find(|h| h.level <= level)
            .map(|h| line_range(text, h.range.start).start)
            .unwrap_or(text.len() as u32)
    };
    let next_heading = |i: usize| -> u32 {
        headings
            .get(i + 1)
            .map(|h| line_range(text, h.range.start).start)
            .unwrap_or(text.len() as u32)
    };
    let not_in_mvp_at = |offset: u32| -> bool {
        let mut stack: Vec<(u8, String)> = Vec::new();
        for h in headings.iter().take_while(|h| h.range.start <= offset) {
            while stack.last().is_some_and(|(l, _)| *l >= h.level) {
                stack.pop();
            }
            stack.push((
                h.level,
                text[h.content.start as usize..h.content.end as usize].to_lowercase(),
            ));
        }
        stack.iter().any(|(_, t)| t.contains("not in mvp"))
    };
    let mut entry_blocks: Vec<ByteRange> = Vec::new();
    for (i, heading) in headings.iter().enumerate() {
        let content = &text[heading.content.start as usize..heading.content.end as usize];
        let own_end = next_heading(i);
        let own_block = &text[heading.range.end as usize..own_end as usize];
        let has_evidence = own_block.lines().any(|l| {
            FIELD
                .captures(l)
                .is_some_and(|c| c[1].eq_ignore_ascii_case("evidence"))
        });
        let (name, name_start) = match V2_HEADING.captures(content) {
            Some(c) => {
                let feature = c
                    .get(1)
                    .map(|m| (m.as_str().to_string(), m.start()))
                    .unwrap_or_default();
                (feature.0, feature.1)
            }
            None => (content.to_string(), 0),
        };
        let is_entry = V2_HEADING.is_match(content)
            || heading.level >= 2
                && !is_structural(content)
                && (heading.level >= 3 || has_evidence);
        if !is_entry {
            continue;
        }
        let (name, within, badge) = name_and_badge(&name);
        let name_start = heading.content.start + (name_start + within) as u32;
        let mut entry = SolutionEntry {
            name_range: name_start..name_start + name.len() as u32,
            name,
            range: line_range(text, heading.range.start).start..block_end(i),
            status: badge,
            status_range: None,
            confidence: None,
            evidence: None,
            not_in_mvp: not_in_mvp_at(heading.range.start),
            form: SolutionForm::Heading,
        };
        let mut offset = heading.range.end as usize;
        for line in text[heading.range.end as usize..own_end as usize].split_inclusive('\n') {
            if let Some(c) = FIELD.captures(line.trim_end()) {
                let value = c
                    .get(2)
                    .map(|m| (m.as_str(), offset + m.start()))
                    .unwrap_or(("", offset));
                let range = value.1 as u32..(value.1 + value.0.len()) as u32;
                match c[1].to_ascii_lowercase().as_str() {
                    "status" => {
                        entry.status = parse_status(value.0).or(entry.status);
                        entry.status_range = Some(range);
                    }
                    "confidence" => entry.confidence = parse_confidence(value.0),
                    _ => {
                        let path = value
                            .0
                            .trim_matches('`')
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                            .to_string();
                        if !path.is_empty() {
                            let start = range.start + value.0.find(&path).unwrap_or(0) as u32;
                            entry.evidence = Some((path.clone(), start..start + path.len() as u32));
                        }
                    }
                }
            }
            offset += line.len();
        }
        entry_blocks.push(entry.range.clone());
        out.push(entry);
    }
    // List items directly under a section heading.
    for item in &outline.list_items {
        let line = &text[item.start as usize..item.end as usize];
        if line.starts_with([' ', '\t'])
            || entry_blocks
                .iter()
                .any(|b| b.start <= item.start && item.start < b.end)
        {
            continue;
        }
        let body = line.trim_start_matches(['-', '*', '+', ' ']);
        let body = body
            .strip_prefix("[ ] ")
            .or_else(|| body.strip_prefix("[x] "))
            .unwrap_or(body);
        if body.starts_with("**") && body[2..].contains(":**") || body.is_empty() {
            continue;
        }
        let (name, within, badge) = name_and_badge(body);
        let start = item.start + (line.len() - body.len() + within) as u32;
        out.push(SolutionEntry {
            name_range: start..start + name.len() as u32,
            name,
            range: item.clone(),
            status: badge,
            status_range: None,
            confidence: None,
            evidence: None,
            not_in_mvp: not_in_mvp_at(item.start),
            form: SolutionForm::ListItem,
        });
    }
    // Rows of feature tables.
    let mut columns: Option<(usize, Option<usize>)> = None;
    for row in &outline.table_rows {
        let cells = row.cell_texts(text);
        if row.header {
            let lower: Vec<String> = cells.iter().map(|c| c.to_lowercase()).collect();
            columns = lower
                .iter()
                .position(|c| c == "feature" || c == "capability")
                .map(|f| (f, lower.iter().position(|c| c.contains("status"))));
            continue;
        }
        let Some((feature, status)) = columns else {
            continue;
        };
        let (Some(name), Some(range)) = (cells.get(feature), row.cells.get(feature)) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let status_cell = status.and_then(|s| Some((cells.get(s)?, row.cells.get(s)?.clone())));
        out.push(SolutionEntry {
            name: name.to_string(),
            name_range: range.clone(),
            range: row.range.clone(),
            status: status_cell.as_ref().and_then(|(c, _)| parse_status(c)),
            status_range: status_cell.map(|(_, r)| r),
            confidence: None,
            evidence: None,
            not_in_mvp: not_in_mvp_at(row.range.start),
            form: SolutionForm::TableRow,
        });
    }
    out.sort_by_key(|e| e.range.start);
    out
}

/// The 09 updates a learning line announces: `09-solution.md → "White-Label
/// SDK (validated, 1 customer)"`, `` `09-solution.md` now includes "X" ``,
/// `09-solution.md → Added: X`. Names keep their notes out.
pub fn announced_features(line: &str, base: usize) -> Vec<(String, ByteRange)> {
    let mut out = Vec::new();
    for c in ANNOUNCED.captures_iter(line) {
        if let Some(m) = c.get(1) {
            let (name, within, _) = name_and_badge(m.as_str());
            let start = base + m.start() + within;
            out.push((name.clone(), start as u32..(start + name.len()) as u32));
        }
    }
    if out.is_empty() {
        if let Some(m) = ANNOUNCED_BARE.captures(line).and_then(|c| c.get(1)) {
            let (name, within, _) = name_and_badge(m.as_str().trim_end_matches(['.', ',']));
            if !name.is_empty() {
                let start = base + m.start() + within;
                out.push((name.clone(), start as u32..(start + name.len()) as u32));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// A name's range starts where the name does, after spaces (an
    /// ideographic space is three bytes) and quotes the text puts before
    /// it, in a heading and in a list item (found by fuzzing: the range
    /// split a character).
    #[test]
    fn name_ranges_start_after_spaces_and_quotes() {
        let text = "# Solution\n\n## Built\n\n### \u{3000}\"Bank Feed\" (Validated)\n**Evidence:** x\n\n## Also\n\n- \u{3000}Export\n";
        let outline = crate::syntax::outline_of(text);
        let entries = solution_entries(text, &outline);
        let names: Vec<&str> = entries
            .iter()
            .map(|e| &text[e.name_range.start as usize..e.name_range.end as usize])
            .collect();
        assert_eq!(names, ["Bank Feed\"", "Export"]);
        assert!(entries.iter().zip(&names).all(|(e, n)| e.name == *n));
    }

    /// An announced feature's range is its name's, after the spaces and
    /// quotes before it (found by fuzzing: `→ " → "Bank Fe…` put the range
    /// three bytes early, splitting the arrow).
    #[test]
    fn announced_names_are_where_their_ranges_are() {
        for line in [
            "09-solution.md → \" → \"Bank Feed\" (validated)",
            "09-solution.md → \"\u{3000}Bank Feed\"",
            "Canvas update: 09-solution.md → Bank Feed (validated).",
            "09-solution.md → \"  Bank Feed\"",
        ] {
            for (name, range) in announced_features(line, 0) {
                assert_eq!(
                    &line[range.start as usize..range.end as usize],
                    name,
                    "{line}"
                );
            }
        }
    }

    /// Headings separated by lone `\r` line ends (CommonMark's, and old
    /// Mac files'): each entry's block starts after its heading (found by
    /// fuzzing: a block ended before its heading did, and slicing it
    /// panicked).
    #[test]
    fn lone_carriage_returns_end_lines() {
        let text =
            "# Solution\r### Bank Feed SDK\r**Evidence:** threads/x/6-learning.md\r### Export\r";
        let outline = crate::syntax::outline_of(text);
        let entries = solution_entries(text, &outline);
        let summary: Vec<(&str, Option<&str>)> = entries
            .iter()
            .map(|e| {
                (
                    e.name.as_str(),
                    e.evidence.as_ref().map(|(p, _)| p.as_str()),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("Bank Feed SDK", Some("threads/x/6-learning.md")),
                ("Export", None)
            ]
        );
        // A setext heading right after a lone `\r` (the fuzzer's input).
        let text = "#\re\n-";
        solution_entries(text, &crate::syntax::outline_of(text));
    }
    use super::*;

    #[test]
    fn entries_in_every_form() {
        let text = "# 09. Solution\n\n## MVP Feature Set\n\n| Feature | Problem Solved | Status |\n|---|---|---|\n| Invoice OCR | manual entry | shipped |\n\n### Bank Feed SDK (Validated)\n\n- Four regional banks\n- **Evidence:** threads/engineering/sdk/6-learning.md\n- **Confidence:** 90%\n\n## Problem-Solution Mapping\n\n### P1: Manual matching → Match suggestions\n\n## Extras\n\n- Export to CSV\n\n## NOT in MVP\n\n- Payroll reconciliation\n";
        let outline = crate::syntax::outline_of(text);
        let entries = solution_entries(text, &outline);
        let summary: Vec<(String, Option<AssumptionStatus>, bool, Option<String>)> = entries
            .iter()
            .map(|e| {
                (
                    e.name.clone(),
                    e.status,
                    e.not_in_mvp,
                    e.evidence.as_ref().map(|(p, _)| p.clone()),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("Invoice OCR".to_string(), None, false, None),
                (
                    "Bank Feed SDK".to_string(),
                    Some(AssumptionStatus::Validated),
                    false,
                    Some("threads/engineering/sdk/6-learning.md".to_string())
                ),
                ("Match suggestions".to_string(), None, false, None),
                ("Export to CSV".to_string(), None, false, None),
                ("Payroll reconciliation".to_string(), None, true, None),
            ]
        );
        let sdk = &entries[1];
        assert_eq!(sdk.confidence, Some(90));
        assert_eq!(
            &text[sdk.name_range.start as usize..sdk.name_range.end as usize],
            "Bank Feed SDK"
        );
    }

    #[test]
    fn announcements_and_keys() {
        assert_eq!(
            announced_features(
                "Canvas update: 09-solution.md → \"White-Label SDK (validated, 1 customer)\"",
                0
            )
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>(),
            ["White-Label SDK"]
        );
        assert_eq!(
            announced_features("`09-solution.md` now includes \"Bank feeds\"", 0)[0].0,
            "Bank feeds"
        );
        assert_eq!(
            announced_features("- 09.solution.md → Added: Match suggestions", 0)[0].0,
            "Match suggestions"
        );
        assert!(announced_features("See 09-solution.md for details.", 0).is_empty());
        assert_eq!(
            feature_key("White-Label SDK (validated)"),
            "white label sdk"
        );
        assert_eq!(feature_key("white label  SDK!"), "white label sdk");
    }
}
