//! Assumption entries of the assumptions section (Canvas 10), in the forms
//! of leanos-formats.md §2.2: a heading block (`### A4: Title`, `###
//! Assumption A4: "…"`, v2 `### A001: …`) with `**Status:**`,
//! `**Confidence:**` and `**Evidence:**` fields below it, a row of a table
//! whose header has an `ID` column, or a list item `- A1: text`. Statuses
//! and confidences are read as §2.3 and §2.4 say (`status.rs`).
//!
//! A table row or list item whose ID a heading block also defines is a
//! summary line (v2 `## Summary`, `## Validation Queue`): a reference, not a
//! second definition.

use std::sync::LazyLock;
use thin_vec::ThinVec;

use regex::Regex;

use super::lines::{Line, LineKind};
use super::CAPS_WORD;
use crate::config::Config;
use crate::facts::status::{parse_confidence, parse_status};
use crate::facts::{is_assumption_id, AssumptionEntry, AssumptionRef, EntryForm};
use crate::syntax::{ByteRange, HeadingNode, TableRowNode};

static LIST_ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?\**([A-Z][0-9]{1,3})\**\s*(?::|\s-|–|—)\**\s*(.+)$")
        .expect("regex")
});
/// The entry collector of a Canvas 10 file.
#[derive(Default)]
pub(super) struct Entries {
    /// Entries in the heading form, in order.
    heading_entries: Vec<AssumptionEntry>,
    /// Table-row and list-item entries, in order.
    other_entries: Vec<AssumptionEntry>,
    /// The heading entry whose block the current line is in: its index in
    /// `heading_entries` and its heading level.
    open: Option<(usize, u8)>,
    /// The columns of the assumptions table the current line is in.
    table_columns: Option<TableColumns>,
}

impl Entries {
    /// Reads a heading (`content` is its text): it ends the open entry's
    /// block when of the same or a higher level, and the current table.
    /// Returns whether the heading starts an entry, in which case no other
    /// collector reads it.
    pub fn heading(
        &mut self,
        text: &str,
        node: &HeadingNode,
        content: &str,
        config: &Config,
    ) -> bool {
        self.table_columns = None;
        if let Some((entry_index, entry_level)) = self.open {
            if node.level <= entry_level {
                let entry = &mut self.heading_entries[entry_index];
                // The block ends before the line end in front of the
                // heading (`\n`, `\r\n` or `\r`), never inside it.
                let before = &text.as_bytes()[..node.range.start as usize];
                let line_end = if before.ends_with(b"\r\n") {
                    2
                } else {
                    u32::from(before.ends_with(b"\n") || before.ends_with(b"\r"))
                };
                entry.range.end = (node.range.start - line_end).max(entry.range.start);
                self.open = None;
            }
        }
        let Some(mut entry) = heading_entry(content, node.content.start as usize, config) else {
            return false;
        };
        entry.range = node.range.start..text.len() as u32;
        self.heading_entries.push(entry);
        self.open = Some((self.heading_entries.len() - 1, node.level));
        true
    }

    /// Reads a line that is no heading: a table header or row, a list
    /// item entry (outside a heading block), or a field of the open heading
    /// entry. Returns whether the line is an entry, in which case no other
    /// collector reads it.
    pub fn line(&mut self, text: &str, line: &Line, config: &Config) -> bool {
        if let LineKind::TableRow(row) = line.kind {
            if row.header {
                self.table_columns = TableColumns::from_header(text, row);
            } else if let Some(columns) = &self.table_columns {
                if let Some(entry) = columns.entry(text, row, config) {
                    self.other_entries.push(entry);
                    return true;
                }
            }
        }
        if line.kind == LineKind::ListItem && self.open.is_none() {
            if let Some(entry) = list_entry(line.text, line.start, config) {
                self.other_entries.push(entry);
                return true;
            }
        }
        if let Some((entry_index, _)) = self.open {
            read_field(line, &mut self.heading_entries[entry_index]);
        }
        false
    }

    /// The entries of the file, by position. An entry still open runs to
    /// the end of the text (without trailing whitespace); a summary line
    /// goes to `refs`.
    pub fn finish(mut self, text: &str, refs: &mut ThinVec<AssumptionRef>) -> Vec<AssumptionEntry> {
        if let Some((entry_index, _)) = self.open {
            self.heading_entries[entry_index].range.end = text.trim_end().len() as u32;
        }
        let mut entries = self.heading_entries;
        for entry in self.other_entries {
            if entries
                .iter()
                .any(|e| e.form == EntryForm::Heading && e.id == entry.id)
            {
                refs.push(AssumptionRef {
                    id: entry.id.as_str().into(),
                    range: entry.id_range.clone(),
                });
            } else {
                entries.push(entry);
            }
        }
        entries.sort_by_key(|e| e.range.start);
        entries
    }
}

/// Reads a `**Status:**`, `**Confidence:**` or `**Evidence:**` field line
/// of a heading entry's block into `entry`: the first status and evidence
/// win, the last readable confidence wins.
fn read_field(line: &Line, entry: &mut AssumptionEntry) {
    let Some(field) = super::field::field(line.text) else {
        return;
    };
    let start = line.start;
    let value_range = (start + field.value.start) as u32..(start + field.value.end) as u32;
    let value = &line.text[field.value];
    let name = field.name.to_ascii_lowercase();
    if name.contains("status") && entry.status.is_none() {
        entry.status = parse_status(value);
        entry.status_range = Some(value_range);
    } else if name.contains("confidence") {
        if let Some(c) = parse_confidence(value) {
            entry.confidence = Some(c);
            entry.confidence_range = Some(value_range);
        }
    } else if name == "evidence" && entry.evidence.is_none() {
        entry.evidence = Some(value.to_string());
    }
}

/// The assumption ID a heading's text starts with in the entry form
/// (`A4: Title`, `Assumption A4: …`), with its byte offset in `content`.
pub(super) fn entry_heading_id<'c>(content: &'c str, config: &Config) -> Option<(usize, &'c str)> {
    let (id, _) = super::entry_heading::entry_heading(content)?;
    let start = id.start;
    let id = &content[id];
    is_assumption_id(id, config).then_some((start, id))
}

/// The entry a heading's text `content` (starting at byte `base`) defines,
/// with a status from a badge after the title; its range is left empty
/// for the caller.
fn heading_entry(content: &str, base: usize, config: &Config) -> Option<AssumptionEntry> {
    let (id_range, rest_range) = super::entry_heading::entry_heading(content)?;
    let id = &content[id_range.clone()];
    if !is_assumption_id(id, config) {
        return None;
    }
    let rest = &content[rest_range.clone()];
    let title = rest.trim().trim_matches('"').to_string();
    let mut status = None;
    let mut status_range = None;
    // A status badge after the title: `### A2: Title ✅ VALIDATED`.
    let badge_start = title_badge_start(rest);
    if let Some(offset) = badge_start {
        let badge = &rest[offset..];
        if let Some(s) = parse_status(badge) {
            status = Some(s);
            let s0 = base + rest_range.start + offset;
            status_range = Some(s0 as u32..(s0 + badge.trim_end().len()) as u32);
        }
    }
    let title = match badge_start {
        Some(offset) if status.is_some() => rest[..offset].trim().trim_matches('"').to_string(),
        _ => title,
    };
    let id_start = base + id_range.start;
    Some(AssumptionEntry {
        id: id.to_string(),
        id_range: id_start as u32..(id_start + id.len()) as u32,
        title,
        status,
        status_range,
        confidence: None,
        confidence_range: None,
        evidence: None,
        form: EntryForm::Heading,
        range: 0..0,
    })
}

/// Where a status badge starts in a title (a byte offset): the first
/// status emoji, an upper-case status word, or a parenthesised `(New)`.
pub(super) fn title_badge_start(title: &str) -> Option<usize> {
    let emoji = ['✅', '⏳', '❌', '📝', '⚠', '🆕', '🟢', '🟡', '🔴'];
    let by_emoji = title.find(emoji);
    let by_word = CAPS_WORD
        .find_iter(title)
        .find(|m| parse_status(m.as_str()).is_some())
        .map(|m| m.start());
    let by_paren = title.find("(New)");
    [by_emoji, by_word, by_paren].into_iter().flatten().min()
}

/// The entry a list item `line` (starting at byte `base`) defines:
/// `- A1: text`, `- **A2** – text`, `- [x] A3: text ✅ VALIDATED (80%)`.
fn list_entry(line: &str, base: usize, config: &Config) -> Option<AssumptionEntry> {
    let captures = LIST_ENTRY.captures(line)?;
    let id = captures.get(1)?;
    if !is_assumption_id(id.as_str(), config) {
        return None;
    }
    let title = captures.get(2).map(|m| m.as_str().trim()).unwrap_or("");
    let id_start = base + id.start();
    let (status, status_range) = match title_badge_start(title).zip(captures.get(2)) {
        Some((offset, m)) => match parse_status(&title[offset..]) {
            Some(status) => {
                let s = base + m.start() + offset;
                (Some(status), Some(s as u32..(base + m.end()) as u32))
            }
            None => (None, None),
        },
        None => (None, None),
    };
    let confidence = parse_confidence(title);
    Some(AssumptionEntry {
        id: id.as_str().to_string(),
        id_range: id_start as u32..(id_start + id.len()) as u32,
        title: title.trim_matches('"').to_string(),
        status,
        status_range,
        confidence,
        confidence_range: None,
        evidence: None,
        form: EntryForm::ListItem,
        range: base as u32..(base + line.len()) as u32,
    })
}

/// Column positions of an assumptions table (header with an `ID` column).
struct TableColumns {
    id: usize,
    title: Option<usize>,
    status: Option<usize>,
    confidence: Option<usize>,
    evidence: Option<usize>,
}

impl TableColumns {
    /// The columns named by a header row, or `None` when it has no `ID`
    /// column.
    fn from_header(text: &str, row: &TableRowNode) -> Option<TableColumns> {
        let names: Vec<String> = row
            .cell_texts(text)
            .into_iter()
            .map(str::to_lowercase)
            .collect();
        let id = names.iter().position(|n| n == "id")?;
        let find = |keys: &[&str]| {
            names
                .iter()
                .position(|n| keys.iter().any(|k| n.contains(k)))
        };
        Some(TableColumns {
            id,
            title: find(&[
                "assumption",
                "statement",
                "hypothesis",
                "description",
                "title",
                "text",
            ]),
            status: find(&["status"]),
            confidence: find(&["confidence"]),
            evidence: find(&["evidence", "source"]),
        })
    }

    /// The entry a body row defines, when its ID cell holds an assumption
    /// ID (bold or not).
    fn entry(&self, text: &str, row: &TableRowNode, config: &Config) -> Option<AssumptionEntry> {
        let cell = |i: Option<usize>| -> Option<(&str, ByteRange)> {
            let range = row.cells.get(i?)?.clone();
            Some((text[range.start as usize..range.end as usize].trim(), range))
        };
        let (id_text, id_range) = cell(Some(self.id))?;
        let id = id_text.trim_matches('*');
        if !is_assumption_id(id, config) {
            return None;
        }
        let offset = id_text.find(id).unwrap_or(0) as u32;
        let status = cell(self.status);
        let confidence = cell(self.confidence);
        Some(AssumptionEntry {
            id: id.to_string(),
            id_range: id_range.start + offset..id_range.start + offset + id.len() as u32,
            title: cell(self.title)
                .map(|(t, _)| t.to_string())
                .unwrap_or_default(),
            status: status.as_ref().and_then(|(s, _)| parse_status(s)),
            status_range: status.map(|(_, r)| r),
            confidence: confidence.as_ref().and_then(|(c, _)| parse_confidence(c)),
            confidence_range: confidence.map(|(_, r)| r),
            evidence: cell(self.evidence)
                .map(|(e, _)| e.to_string())
                .filter(|e| !e.is_empty()),
            form: EntryForm::TableRow,
            range: row.range.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lowered;
    use crate::facts::status::AssumptionStatus;
    use crate::facts::{AssumptionEntry, EntryForm};

    const CANVAS_10: &str = "strategy/canvas/10-assumptions.md";

    /// One entry as `form ID "title" status confidence% evidence`, with
    /// the text of its range's first line.
    fn show(text: &str, entry: &AssumptionEntry) -> String {
        assert_eq!(
            &text[entry.id_range.start as usize..entry.id_range.end as usize],
            entry.id
        );
        let range = &text[entry.range.start as usize..entry.range.end as usize];
        format!(
            "{:?} {} {:?} {:?} {:?} {:?} | {}",
            entry.form,
            entry.id,
            entry.title,
            entry.status,
            entry.confidence,
            entry.evidence,
            range.lines().next().unwrap_or(""),
        )
    }

    fn entries(text: &str) -> Vec<String> {
        lowered(CANVAS_10, text)
            .entries
            .iter()
            .map(|e| show(text, e))
            .collect()
    }

    /// With CRLF line ends a block ends before the `\r\n` in front of the
    /// next heading, never between its `\r` and `\n` (found by the `lower`
    /// fuzz target).
    #[test]
    fn a_heading_block_ends_before_a_crlf() {
        let text = "### A1: One\r\n**Status:** TESTING\r\n\r\n### A2: Two\r\n";
        let facts = lowered(CANVAS_10, text);
        let first = &facts.entries[0].range;
        assert!(text[first.start as usize..first.end as usize].ends_with("TESTING\r\n"));
        let text = "### A1: One\r### A2: Two\r";
        let first = lowered(CANVAS_10, text).entries[0].range.clone();
        assert_eq!(
            &text[first.start as usize..first.end as usize],
            "### A1: One"
        );
    }

    #[test]
    fn a_heading_block_with_its_fields() {
        let text = r#"# Assumptions

### A4: Brand Preferences by Segment
**Status:** ✅ VALIDATED
**Confidence:** 95% (previously: 60%)
**Evidence:** threads/sales/elsa-white-label/6-learning.md

### A2: Enterprise Willingness to Pay ✅ VALIDATED
**Confidence:** 40%
"#;
        let facts = lowered(CANVAS_10, text);
        assert_eq!(
            facts
                .entries
                .iter()
                .map(|e| show(text, e))
                .collect::<Vec<_>>(),
            [
                r#"Heading A4 "Brand Preferences by Segment" Some(Validated) Some(95) Some("threads/sales/elsa-white-label/6-learning.md") | ### A4: Brand Preferences by Segment"#,
                r#"Heading A2 "Enterprise Willingness to Pay" Some(Validated) Some(40) None | ### A2: Enterprise Willingness to Pay ✅ VALIDATED"#,
            ]
        );
        // A block ends before the next heading of its level, the last one
        // at the end of the text.
        let first = &facts.entries[0].range;
        assert!(text[first.start as usize..first.end as usize].ends_with("6-learning.md\n"));
        assert_eq!(facts.entries[1].range.end as usize, text.trim_end().len());
        let status = facts.entries[0].status_range.clone().expect("a range");
        assert_eq!(
            &text[status.start as usize..status.end as usize],
            "✅ VALIDATED"
        );
    }

    #[test]
    fn a_table_with_an_id_column() {
        let text = r#"# Assumptions

| ID | Assumption | Status | Confidence | Evidence |
|----|------------|--------|------------|----------|
| **A1** | Market is large | validated | 80% | |
| B1 | not an assumption | testing | 10% | x |
"#;
        assert_eq!(
            entries(text),
            [
                r#"TableRow A1 "Market is large" Some(Validated) Some(80) None | | **A1** | Market is large | validated | 80% | |"#
            ]
        );
    }

    #[test]
    fn list_items_outside_heading_blocks() {
        let text = r#"## Critical Assumptions

- A1: Buyers read dashboards ✅ VALIDATED
- **H2** – Content converts (70%)
- Not an entry
"#;
        assert_eq!(
            entries(text),
            [
                r#"ListItem A1 "Buyers read dashboards ✅ VALIDATED" Some(Validated) None None | - A1: Buyers read dashboards ✅ VALIDATED"#,
                r#"ListItem H2 "Content converts (70%)" None Some(70) None | - **H2** – Content converts (70%)"#,
            ]
        );
    }

    #[test]
    fn a_summary_row_is_a_reference() {
        let text = r#"# 10. Assumptions

## Summary

| ID | Assumption | Status |
|----|------------|--------|
| A001 | Buyers pay | 🔴 Unvalidated |

## Critical Assumptions (P0)

### A001: Buyers pay
**Status:** 🔴 Unvalidated
"#;
        let facts = lowered(CANVAS_10, text);
        assert_eq!(facts.entries.len(), 1);
        assert_eq!(facts.entries[0].form, EntryForm::Heading);
        assert_eq!(facts.entries[0].status, Some(AssumptionStatus::Untested));
        let refs: Vec<_> = facts
            .refs
            .iter()
            .map(|r| &text[r.range.start as usize..r.range.end as usize])
            .collect();
        assert_eq!(refs, ["A001"]);
        assert!(facts.refs[0].range.start < facts.entries[0].range.start);
    }

    #[test]
    fn only_canvas_10_defines_entries() {
        let facts = lowered("threads/sales/acme/2-hypothesis.md", "### A4: Title\n");
        assert!(facts.entries.is_empty());
    }
}
