//! Folding ranges of a markdown file, read from its tree-sitter-md block
//! tree through `grammars/queries/folds.scm`: the frontmatter, every
//! section (an ATX heading and its body, nested sections included), every
//! list and list item, code block and table that spans two lines or more.
//! Byte ranges in, byte ranges out; the LSP layer turns them into lines.

use std::cmp::Reverse;

use tree_sitter::{StreamingIterator, Tree};

use super::containers::{content_range, Containers};
use super::{with_parsers, ByteRange, Parsers};

/// What a fold holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    Frontmatter,
    Section,
    List,
    ListItem,
    Code,
    Table,
}

/// A block that folds: from its first character to its last (trailing
/// blank lines and the next lines' container prefixes left out), on at
/// least two lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub kind: FoldKind,
    pub range: ByteRange,
}

/// The folds of `text` from its block tree `tree`, ordered by start, the
/// outer block first; a block with the same range as the one holding it
/// (a list of one item) is left out.
pub fn folds(text: &str, tree: &Tree) -> Vec<Fold> {
    with_parsers(|parsers| collect(parsers, text, tree)).unwrap_or_default()
}

fn collect(parsers: &mut Parsers, text: &str, tree: &Tree) -> Vec<Fold> {
    let Parsers {
        queries, cursor, ..
    } = parsers;
    let names = queries.folds.capture_names();
    let mut containers = Containers::new(text);
    let mut folds = Vec::new();
    let mut matches = cursor.matches(&queries.folds, tree.root_node(), text.as_bytes());
    while let Some(found) = matches.next() {
        for capture in found.captures() {
            let node = capture.node;
            let kind = match names[capture.index as usize] {
                "frontmatter" => FoldKind::Frontmatter,
                "section" => FoldKind::Section,
                "list" => FoldKind::List,
                "list_item" => FoldKind::ListItem,
                "code" => FoldKind::Code,
                "table" => FoldKind::Table,
                _ => continue,
            };
            let (mut start, end) = content_range(text, &node);
            match kind {
                // Items that CommonMark reads as lines of the paragraph
                // above are not items; a list of only those is no list.
                FoldKind::ListItem if containers.is_paragraph_continuation(&node) => continue,
                FoldKind::List => {
                    let first = containers.first_real_item(&node);
                    if first >= node.end_byte() {
                        continue;
                    }
                    start = start.max(first);
                }
                _ => {}
            }
            if start < end && text[start..end].contains('\n') {
                folds.push(Fold {
                    kind,
                    range: start as u32..end as u32,
                });
            }
        }
    }
    folds.sort_by_key(|fold| (fold.range.start, Reverse(fold.range.end)));
    folds.dedup_by(|later, earlier| later.range == earlier.range);
    folds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_blocks;

    /// The folds of `text` as `(kind, first line, last line)`, 0-based.
    fn fold_lines(text: &str) -> Vec<(FoldKind, usize, usize)> {
        let tree = parse_blocks(text, None).unwrap();
        let line = |offset: u32| text[..offset as usize].matches('\n').count();
        folds(text, &tree)
            .into_iter()
            .map(|fold| (fold.kind, line(fold.range.start), line(fold.range.end)))
            .collect()
    }

    #[test]
    fn a_stage_file_folds_its_frontmatter_sections_lists_fences_and_tables() {
        let text = "---\nthread: x\nstage: 2\n---\n\
            # Stage 2: Hypothesis\n\
            \n\
            Intro.\n\
            \n\
            ## Assumptions\n\
            \n\
            - A4: first\n  continued\n\
            - [x] A5 done\n\
            \n\
            | ID | Text |\n|---|---|\n| A1 | x |\n\
            \n\
            ```text\nA7: code\n```\n\
            \n\
            ### One line\n\
            \n\
            ## Next\ntext\n\n\n";
        use FoldKind::*;
        assert_eq!(
            fold_lines(text),
            [
                (Frontmatter, 0, 3),
                (Section, 4, 25),
                (Section, 8, 22),
                (List, 10, 12),
                (ListItem, 10, 11),
                (Table, 14, 16),
                (Code, 18, 20),
                (Section, 24, 25),
            ]
        );
    }

    #[test]
    fn container_prefixes_after_a_block_are_not_part_of_it() {
        // tree-sitter-md ends the first item after the next line's `> `
        // and the second one after the indentation of the item below.
        let text = "> - a\n> - b\n>\n> ```\n> x\n> ```\n\n   - c\n   - d\n";
        use FoldKind::*;
        assert_eq!(fold_lines(text), [(List, 0, 1), (Code, 3, 5), (List, 7, 8)]);
    }

    #[test]
    fn a_list_that_continues_a_paragraph_does_not_fold() {
        let text = "**Specialists:**\n8. funding\n9. legal\n\nSteps:\n1. one\n2. two\n";
        assert_eq!(fold_lines(text), [(FoldKind::List, 5, 6)]);
    }

    #[test]
    fn a_one_item_list_folds_once() {
        let text = "- one\n  two\n";
        assert_eq!(fold_lines(text), [(FoldKind::List, 0, 1)]);
    }

    #[test]
    fn garbage_does_not_panic() {
        for text in ["", "#", "---\n", "```", "- ", "|a|\n|-|", "> -\n>"] {
            let _ = fold_lines(text);
        }
    }
}
