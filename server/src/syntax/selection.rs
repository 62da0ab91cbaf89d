//! Selection ranges of a markdown file at a cursor, read from its
//! tree-sitter-md block tree through `grammars/queries/selection.scm` and,
//! for the block text under the cursor only, from the inline tree through
//! `grammars/queries/selection_inline.scm`.
//!
//! A selection grows word (an assumption ID such as `A4` is one) → a
//! link's text or destination, the inside of emphasis or a code span →
//! the link or span → the line's content (after its list marker or `> `)
//! → the table row or heading → the list item → the paragraph, list,
//! table, code block or quote → the section and the sections around it →
//! the whole file. Byte ranges in, byte ranges out.

use tree_sitter::{Node, QueryCursor, StreamingIterator, Tree};

use super::containers::{content_range, Containers};
use super::{inline_ranges, with_parsers, ByteRange, Parsers};

/// The ranges a selection at byte `offset` of `text` grows through,
/// innermost first, each strictly containing the one before, the last
/// being the whole file. Every range holds `offset` (at its end counts).
pub fn selection_ranges(text: &str, tree: &Tree, offset: u32) -> Vec<ByteRange> {
    let offset = floor_char_boundary(text, offset as usize);
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    candidates.extend(word_at(text, offset));
    with_parsers(|parsers| block_steps(parsers, text, tree, offset, &mut candidates));
    candidates.push((0, text.len()));
    // Smallest first: each step is kept when it holds the one before.
    candidates.sort_by_key(|(start, end)| (end - start, *start));
    let mut steps: Vec<ByteRange> = Vec::new();
    for (start, end) in candidates {
        let holds_cursor = start <= offset && offset <= end;
        let grows = steps.last().is_none_or(|last| {
            start <= last.start as usize
                && last.end as usize <= end
                && (start, end) != (last.start as usize, last.end as usize)
        });
        if holds_cursor && grows {
            steps.push(start as u32..end as u32);
        }
    }
    steps
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The word at (or just before) `offset`: letters, digits and `_`.
fn word_at(text: &str, offset: usize) -> Option<(usize, usize)> {
    let before: usize = text[..offset]
        .chars()
        .rev()
        .take_while(|c| is_word_char(*c))
        .map(char::len_utf8)
        .sum();
    let after: usize = text[offset..]
        .chars()
        .take_while(|c| is_word_char(*c))
        .map(char::len_utf8)
        .sum();
    (before + after > 0).then_some((offset - before, offset + after))
}

/// Adds the block steps around `offset` (and the inline steps of the block
/// text holding it) to `candidates`.
fn block_steps(
    parsers: &mut Parsers,
    text: &str,
    tree: &Tree,
    offset: usize,
    candidates: &mut Vec<(usize, usize)>,
) {
    let Parsers {
        inline, queries, ..
    } = parsers;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let holds = |node: &Node| node.start_byte() <= offset && offset <= node.end_byte();
    let mut containers = Containers::new(text);
    let mut prefix_end = line_start;
    let mut innermost_inline: Option<Node> = None;
    // A cursor of its own: a byte range set on the shared one would
    // restrict the outline's next walk.
    let mut cursor = QueryCursor::new();
    cursor.set_byte_range(line_start..offset + 1);
    let names = queries.selection.capture_names();
    let mut matches = cursor.matches(&queries.selection, tree.root_node(), text.as_bytes());
    while let Some(found) = matches.next() {
        for capture in found.captures() {
            let node = capture.node;
            let name = names[capture.index as usize];
            if name == "prefix" {
                if line_start <= node.start_byte() && node.end_byte() <= offset {
                    prefix_end = prefix_end.max(node.end_byte());
                }
                continue;
            }
            if !holds(&node) {
                continue;
            }
            let (mut start, end) = content_range(text, &node);
            match name {
                "list_item" if containers.is_paragraph_continuation(&node) => continue,
                "list" => {
                    let first = containers.first_real_item(&node);
                    if first >= node.end_byte() {
                        continue;
                    }
                    start = start.max(first);
                }
                "heading" => {
                    let content = super::heading(text, &node).content;
                    candidates.push((content.start as usize, content.end as usize));
                }
                "inline" => {
                    let smaller = innermost_inline
                        .is_none_or(|inner| inner.byte_range().len() > node.byte_range().len());
                    if smaller {
                        innermost_inline = Some(node);
                    }
                    // A heading's text is its content, read above
                    // without a closing `##`.
                    if node.parent().is_some_and(|p| p.kind().ends_with("heading")) {
                        continue;
                    }
                }
                _ => {}
            }
            candidates.push((start, end));
        }
    }
    drop(matches);

    // The line's content, after its container markers.
    let line = &text[prefix_end..line_end];
    let content_start = prefix_end + line.len() - line.trim_start().len();
    let content_end = prefix_end + line.trim_end().len();
    if content_start < content_end {
        candidates.push((content_start, content_end));
    }

    // Links, code spans and emphasis from the inline tree of the block
    // text under the cursor (not of the whole file).
    let Some(node) = innermost_inline else {
        return;
    };
    if inline.set_included_ranges(&inline_ranges(&node)).is_err() {
        return;
    }
    if let Some(inline_tree) = inline.parse(text, None) {
        let names = queries.selection_inline.capture_names();
        cursor.set_byte_range(offset.saturating_sub(1)..offset + 1);
        let mut matches = cursor.matches(
            &queries.selection_inline,
            inline_tree.root_node(),
            text.as_bytes(),
        );
        while let Some(found) = matches.next() {
            for capture in found.captures() {
                let node = capture.node;
                if !holds(&node) {
                    continue;
                }
                candidates.push((node.start_byte(), node.end_byte()));
                if names[capture.index as usize] == "span" {
                    candidates.extend(between_delimiters(&node));
                }
            }
        }
    }
    let _ = inline.set_included_ranges(&[]);
}

/// The inside of a code span or emphasis: between its opening and its
/// closing delimiters (`**` is two delimiter tokens).
fn between_delimiters(node: &Node) -> Option<(usize, usize)> {
    let mut walker = node.walk();
    let children: Vec<Node> = node.children(&mut walker).collect();
    let is_delimiter = |child: &&Node| child.kind().ends_with("_delimiter");
    let opening = children.iter().take_while(is_delimiter).last()?;
    let closing = children.iter().rev().take_while(is_delimiter).last()?;
    (opening.end_byte() < closing.start_byte()).then(|| (opening.end_byte(), closing.start_byte()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_blocks;

    /// The selection steps at the `$0` of `fixture`, as text.
    fn steps(fixture: &str) -> Vec<String> {
        let offset = fixture.find("$0").expect("a $0 cursor");
        let text = fixture.replacen("$0", "", 1);
        let tree = parse_blocks(&text, None).unwrap();
        selection_ranges(&text, &tree, offset as u32)
            .iter()
            .map(|r| text[r.start as usize..r.end as usize].to_string())
            .collect()
    }

    const STAGE: &str = "---\nstage: 2\n---\n# Stage 2: Hypothesis\n\n\
        Intro.\n\n\
        ## Assumptions\n\n\
        - Tests: A$04 and\n  more [canvas](../canvas/10-assumptions.md)\n\
        - [x] **H12:** done\n\n\
        ## Next\n";

    #[test]
    fn an_id_in_a_list_item_grows_to_the_file() {
        assert_eq!(
            steps(STAGE),
            [
                "A4",
                "Tests: A4 and",
                "Tests: A4 and\n  more [canvas](../canvas/10-assumptions.md)",
                "- Tests: A4 and\n  more [canvas](../canvas/10-assumptions.md)",
                "- Tests: A4 and\n  more [canvas](../canvas/10-assumptions.md)\n\
                 - [x] **H12:** done",
                "## Assumptions\n\n\
                 - Tests: A4 and\n  more [canvas](../canvas/10-assumptions.md)\n\
                 - [x] **H12:** done",
                "# Stage 2: Hypothesis\n\nIntro.\n\n## Assumptions\n\n\
                 - Tests: A4 and\n  more [canvas](../canvas/10-assumptions.md)\n\
                 - [x] **H12:** done\n\n## Next",
                &STAGE.replacen("$0", "", 1),
            ]
        );
    }

    #[test]
    fn a_link_target_and_an_emphasised_id() {
        let fixture = STAGE.replacen("$0", "", 1);
        let at_target = fixture.replacen("10-assump", "10-as$0sump", 1);
        assert_eq!(
            steps(&at_target)[..5],
            [
                "assumptions",
                "../canvas/10-assumptions.md",
                "[canvas](../canvas/10-assumptions.md)",
                "more [canvas](../canvas/10-assumptions.md)",
                "Tests: A4 and\n  more [canvas](../canvas/10-assumptions.md)",
            ]
        );
        let at_id = fixture.replacen("H12", "H1$02", 1);
        assert_eq!(
            steps(&at_id)[..5],
            [
                "H12",
                "H12:",
                "**H12:**",
                "**H12:** done",
                "- [x] **H12:** done"
            ]
        );
    }

    #[test]
    fn a_table_cell_a_heading_and_a_fence() {
        let text = "# T\n\n| ID | Text |\n|---|---|\n| A1 | x$0y z |\n\n```sh\nmake all\n```\n";
        assert_eq!(
            steps(text),
            [
                "xy",
                "xy z",
                "| A1 | xy z |",
                "| ID | Text |\n|---|---|\n| A1 | xy z |",
                "# T\n\n| ID | Text |\n|---|---|\n| A1 | xy z |\n\n```sh\nmake all\n```",
                &text.replacen("$0", "", 1),
            ]
        );
        let heading = "# T\n\n## Sec$0tion ##\n\ntext\n";
        assert_eq!(
            steps(heading),
            [
                "Section",
                "## Section ##",
                "## Section ##\n\ntext",
                "# T\n\n## Section ##\n\ntext",
                &heading.replacen("$0", "", 1),
            ]
        );
        let fence = "```sh\nmake $0all\n```\n";
        assert_eq!(
            steps(fence),
            [
                "all",
                "make all",
                "```sh\nmake all\n```",
                "```sh\nmake all\n```\n"
            ]
        );
    }

    #[test]
    fn a_quoted_item_starts_after_its_markers() {
        assert_eq!(
            steps("> - a\n> - b $0c\n"),
            [
                "c",
                "b c",
                "- b c",
                "- a\n> - b c",
                "> - a\n> - b c",
                "> - a\n> - b c\n"
            ]
        );
    }

    #[test]
    fn every_offset_gives_a_growing_chain_that_ends_at_the_file() {
        let text = STAGE.replacen("$0", "", 1) + "\n> q\n\n| a |\n|-|\n\n```\n🚀 x\n";
        let tree = parse_blocks(&text, None).unwrap();
        for offset in 0..=text.len() as u32 + 2 {
            let ranges = selection_ranges(&text, &tree, offset);
            assert_eq!(ranges.last(), Some(&(0..text.len() as u32)), "{offset}");
            for pair in ranges.windows(2) {
                assert!(
                    pair[1].start <= pair[0].start
                        && pair[0].end <= pair[1].end
                        && pair[0] != pair[1],
                    "{offset}: {ranges:?}"
                );
            }
            for range in &ranges {
                assert!(text.is_char_boundary(range.start as usize), "{offset}");
                assert!(text.is_char_boundary(range.end as usize), "{offset}");
            }
        }
    }

    #[test]
    fn an_empty_file_is_one_empty_range() {
        let tree = parse_blocks("", None).unwrap();
        let ranges = selection_ranges("", &tree, 5);
        assert_eq!(ranges.len(), 1);
        assert_eq!(ranges[0], 0..0);
    }
}
