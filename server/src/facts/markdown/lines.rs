//! The classifying pass: which lines of a markdown file the collectors
//! read, and as what (heading, list item, table row, fenced code or other
//! text), from the pulldown-cmark [`Outline`] (`syntax/cmark.rs`). Lines
//! the collectors never read (frontmatter, fence delimiters, HTML blocks,
//! the underline of a setext heading) are skipped here.
//!
//! Also the shapes of raw lines that the outline does not describe: a
//! heading or a list item written inside a fence, and the lines of a
//! result block read below a learning's citation.

use crate::line_index::LineIndex;
use crate::syntax::{ByteRange, HeadingNode, Outline, TableRowNode};

/// What a line is, by the outline block it starts or belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineKind<'a> {
    /// Paragraph text, or any other line no block below claims.
    Plain,
    /// A content line of a fenced or indented code block (not a fence
    /// line).
    FenceContent,
    /// The first line of a list item.
    ListItem,
    /// A pipe-table row, the header row included.
    TableRow(&'a TableRowNode),
    /// The first line of a heading.
    Heading(&'a HeadingNode),
}

/// One line handed to the collectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Line<'a> {
    /// Byte offset of the line's first byte in the file.
    pub start: usize,
    /// The line without its line break (and without a trailing `\r`).
    pub text: &'a str,
    pub kind: LineKind<'a>,
}

/// A line's class while the outline's blocks are laid over the lines;
/// `Heading` and `TableRow` hold an index into the outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Plain,
    Skip,
    FenceContent,
    Heading(u32),
    ListItem,
    TableRow(u32),
}

/// The lines of `text` the collectors read, in order, classified by
/// `outline` (the outline of the same text).
///
/// Where blocks overlap, the later layer wins: frontmatter, HTML blocks and
/// fences are skipped (a fence's content lines are [`LineKind::FenceContent`]),
/// list items claim only lines nothing else claimed, then table rows, then
/// headings (a heading's further lines are skipped).
pub(super) fn classify<'a>(text: &'a str, outline: &'a Outline) -> impl Iterator<Item = Line<'a>> {
    let index = LineIndex::new(text);
    let tags = tags(text, outline, &index);
    tags.into_iter()
        .enumerate()
        .filter_map(move |(number, tag)| {
            let kind = match tag {
                Tag::Skip => return None,
                Tag::Plain => LineKind::Plain,
                Tag::FenceContent => LineKind::FenceContent,
                Tag::ListItem => LineKind::ListItem,
                Tag::TableRow(i) => LineKind::TableRow(&outline.table_rows[i as usize]),
                Tag::Heading(i) => LineKind::Heading(&outline.headings[i as usize]),
            };
            let start = index.line_start(number as u32).unwrap_or(0) as usize;
            let end = index.line_end(text, number as u32).unwrap_or(0) as usize;
            Some(Line {
                start,
                text: text[start..end].trim_end_matches('\r'),
                kind,
            })
        })
}

/// One tag per line of `text` (`index` is its line index).
fn tags(text: &str, outline: &Outline, index: &LineIndex) -> Vec<Tag> {
    let line_count = index.line_count();
    let mut tags = vec![Tag::Plain; line_count];
    // Tags the lines of `range`: its first line `first`, the others `rest`.
    let mark = |tags: &mut Vec<Tag>, range: &ByteRange, first: Tag, rest: Tag| {
        if range.end <= range.start {
            return;
        }
        let first_line = index.line_of(range.start) as usize;
        let last_line = index.line_of(range.end.saturating_sub(1)) as usize;
        for (offset, slot) in tags[first_line..=last_line.min(line_count - 1)]
            .iter_mut()
            .enumerate()
        {
            *slot = if offset == 0 { first } else { rest };
        }
    };
    if let Some(range) = &outline.frontmatter {
        // The YAML range without its `---` lines: widen it to both.
        let start = text[..range.start as usize]
            .rfind("---")
            .map(|i| i as u32)
            .unwrap_or(0);
        let end = text[range.end as usize..]
            .find('\n')
            .map(|i| range.end + i as u32 + 1)
            .unwrap_or(text.len() as u32);
        mark(&mut tags, &(start..end), Tag::Skip, Tag::Skip);
    }
    for block in &outline.html_blocks {
        mark(&mut tags, block, Tag::Skip, Tag::Skip);
    }
    for fence in &outline.fences {
        mark(&mut tags, &fence.range, Tag::Skip, Tag::Skip);
        if fence.content.end > fence.content.start {
            mark(
                &mut tags,
                &fence.content,
                Tag::FenceContent,
                Tag::FenceContent,
            );
        }
    }
    for item in &outline.list_items {
        let line = index.line_of(item.start) as usize;
        if tags[line] == Tag::Plain {
            tags[line] = Tag::ListItem;
        }
    }
    for (i, row) in outline.table_rows.iter().enumerate() {
        let line = index.line_of(row.range.start) as usize;
        tags[line] = Tag::TableRow(i as u32);
    }
    for (i, heading) in outline.headings.iter().enumerate() {
        mark(&mut tags, &heading.range, Tag::Heading(i as u32), Tag::Skip);
    }
    tags
}

/// The content of an ATX heading line (`### A4: Title` → `A4: Title`),
/// also inside a fence, where a Canvas-update block repeats the entry form.
/// `trimmed` is the line without its indentation.
pub(super) fn heading_line_content(trimmed: &str) -> Option<&str> {
    let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
    let rest = &trimmed[hashes..];
    ((1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t'])))
        .then(|| rest.trim())
}

/// The text of a list item after its marker (`- `, `* `, `+ `, `1. `,
/// `- [x] `), or `None` when the line is no list item (`**Status:**` is
/// not one). `trimmed` is the line without its indentation.
pub(super) fn list_item_body(trimmed: &str) -> Option<&str> {
    let rest = match trimmed.as_bytes().first()? {
        b'-' | b'*' | b'+' => &trimmed[1..],
        b'0'..=b'9' => {
            let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
            trimmed[digits..].strip_prefix(['.', ')'])?
        }
        _ => return None,
    };
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let rest = rest.trim_start();
    Some(
        rest.strip_prefix("[ ]")
            .or_else(|| rest.strip_prefix("[x]"))
            .or_else(|| rest.strip_prefix("[X]"))
            .map_or(rest, str::trim_start),
    )
}

/// The length in bytes of a line's leading whitespace.
pub(super) fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::outline_of;

    /// Each line the collectors read, as `kind: text`.
    fn classified(text: &str) -> Vec<String> {
        let outline = outline_of(text);
        classify(text, &outline)
            .map(|line| {
                let kind = match line.kind {
                    LineKind::Plain => "plain".to_string(),
                    LineKind::FenceContent => "fence".to_string(),
                    LineKind::ListItem => "item".to_string(),
                    LineKind::TableRow(row) => format!("row(header={})", row.header),
                    LineKind::Heading(heading) => format!("h{}", heading.level),
                };
                format!("{kind}: {}", line.text)
            })
            .collect()
    }

    #[test]
    fn blocks_classify_their_lines() {
        let text = r#"---
status: draft
---
# Stage 2: Hypothesis

Tests: A4
- A1: item
  continued

| ID | Status |
|----|--------|
| A2 | draft  |

```text
### A7: in a fence
```
<div>
A9 in html
</div>
"#;
        assert_eq!(
            classified(text),
            [
                "h1: # Stage 2: Hypothesis",
                "plain: ",
                "plain: Tests: A4",
                "item: - A1: item",
                "plain:   continued",
                "plain: ",
                "row(header=true): | ID | Status |",
                "plain: |----|--------|",
                "row(header=false): | A2 | draft  |",
                "plain: ",
                "fence: ### A7: in a fence",
                "plain: ",
            ]
        );
    }

    #[test]
    fn a_setext_heading_is_read_once() {
        let text = r#"Decision
========
**PROCEED**
"#;
        assert_eq!(
            classified(text),
            ["h1: Decision", "plain: **PROCEED**", "plain: "]
        );
    }

    #[test]
    fn line_breaks_are_not_part_of_a_line() {
        let text = "# Title\r\nText\r\n";
        let outline = outline_of(text);
        let lines: Vec<_> = classify(text, &outline)
            .map(|line| (line.start, line.text))
            .collect();
        assert_eq!(lines, [(0, "# Title"), (9, "Text"), (15, "")]);
    }

    #[test]
    fn raw_heading_lines() {
        assert_eq!(heading_line_content("### A4: Title"), Some("A4: Title"));
        assert_eq!(heading_line_content("#"), Some(""));
        assert_eq!(heading_line_content("#hashtag"), None);
        assert_eq!(heading_line_content("####### seven"), None);
    }

    #[test]
    fn raw_list_items() {
        assert_eq!(
            list_item_body("- Status: validated"),
            Some("Status: validated")
        );
        assert_eq!(list_item_body("12. step"), Some("step"));
        assert_eq!(list_item_body("- [x] done"), Some("done"));
        assert_eq!(list_item_body("**Status:** validated"), None);
        assert_eq!(list_item_body("-dash"), None);
        assert_eq!(indentation("    - sub"), 4);
    }
}
