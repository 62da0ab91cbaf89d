//! An open document: the editor's text as a rope, its version, and its
//! tree-sitter-md block tree, edited incrementally with each change (the
//! tree serves editor features that need syntax nodes; the lowering reads
//! the text).

use ropey::Rope;
use tree_sitter::{InputEdit, Point, Tree};

use crate::line_index::ColumnUnit;

/// An open document.
pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub tree: Option<Tree>,
    markdown: bool,
}

/// A position as LSP sends it: 0-based line, column in the negotiated unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditPosition {
    pub line: u32,
    pub character: u32,
}

impl Document {
    /// A document holding `text`; `markdown` documents get a tree.
    pub fn new(text: &str, version: i32, markdown: bool) -> Document {
        let tree = if markdown {
            crate::syntax::parse_blocks(text, None)
        } else {
            None
        };
        Document {
            rope: Rope::from_str(text),
            version,
            tree,
            markdown,
        }
    }

    /// Applies one change: `range` `None` replaces the whole text. Positions
    /// past a line's end or the text's end are clamped, never a panic.
    pub fn apply(
        &mut self,
        range: Option<(EditPosition, EditPosition)>,
        text: &str,
        unit: ColumnUnit,
    ) {
        let Some((start, end)) = range else {
            self.rope = Rope::from_str(text);
            self.tree = None;
            return;
        };
        let start = char_index(&self.rope, start, unit);
        let end = char_index(&self.rope, end, unit).max(start);
        let start_byte = self.rope.char_to_byte(start);
        let old_end_byte = self.rope.char_to_byte(end);
        let start_position = point_of(&self.rope, start);
        let old_end_position = point_of(&self.rope, end);
        self.rope.remove(start..end);
        self.rope.insert(start, text);
        let new_end = start + text.chars().count();
        if let Some(tree) = self.tree.as_mut() {
            tree.edit(&InputEdit {
                start_byte,
                old_end_byte,
                new_end_byte: start_byte + text.len(),
                start_position,
                old_end_position,
                new_end_position: point_of(&self.rope, new_end),
            });
        }
    }

    /// Reparses the tree after a batch of changes, reusing the edited tree.
    pub fn reparse(&mut self) -> String {
        let text = self.rope.to_string();
        if self.markdown {
            self.tree = crate::syntax::parse_blocks(&text, self.tree.as_ref());
        }
        text
    }
}

/// The char index of `rope` for a position in `unit`, clamped to the
/// line's content (before its line break) and to the text.
fn char_index(rope: &Rope, position: EditPosition, unit: ColumnUnit) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let line_start = rope.line_to_char(line);
    let line_slice = rope.line(line);
    let mut content_chars = line_slice.len_chars();
    while content_chars > 0 {
        let c = line_slice.char(content_chars - 1);
        if c == '\n' || c == '\r' {
            content_chars -= 1;
        } else {
            break;
        }
    }
    let wanted = position.character as usize;
    let mut counted = 0usize;
    for (i, c) in line_slice.chars().take(content_chars).enumerate() {
        if counted >= wanted {
            return line_start + i;
        }
        let width = match unit {
            ColumnUnit::Utf8 => c.len_utf8(),
            ColumnUnit::Utf16 => c.len_utf16(),
            ColumnUnit::Chars => 1,
        };
        if counted + width > wanted {
            return line_start + i;
        }
        counted += width;
    }
    line_start + content_chars
}

fn point_of(rope: &Rope, char_index: usize) -> Point {
    let byte = rope.char_to_byte(char_index);
    let line = rope.char_to_line(char_index);
    Point::new(line, byte - rope.line_to_byte(line))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{tree_outline, tree_outline_of};

    fn position(line: u32, character: u32) -> EditPosition {
        EditPosition { line, character }
    }

    #[test]
    fn incremental_tree_matches_a_fresh_parse() {
        let mut doc = Document::new("# Stage 2: Hypothesis\n\nTests: A8 - x\n", 1, true);
        type Edit = ((u32, u32), (u32, u32), &'static str);
        let edits: &[Edit] = &[
            ((2, 8), (2, 9), "4"),
            ((0, 0), (0, 0), "---\nstage: 2\n---\n"),
            ((5, 13), (5, 13), "\n\n```\nA9: fenced\n```\n"),
            (
                (3, 0),
                (3, 0),
                "## Canvas Updates 🚀\n\n| ID | x |\n|---|---|\n| A1 | y |\n",
            ),
            ((0, 0), (2, 3), ""),
            ((99, 0), (99, 5), "\n- [x] appended past the end\n"),
        ];
        for (start, end, text) in edits {
            doc.apply(
                Some((position(start.0, start.1), position(end.0, end.1))),
                text,
                ColumnUnit::Utf16,
            );
            let text = doc.reparse();
            let tree = doc.tree.as_ref().unwrap();
            assert_eq!(
                tree_outline(&text, tree),
                tree_outline_of(&text),
                "after inserting {text:?}"
            );
        }
    }

    #[test]
    fn columns_in_each_unit_and_clamping() {
        for (unit, column) in [(ColumnUnit::Utf16, 10), (ColumnUnit::Utf8, 12)] {
            let mut doc = Document::new("x\n\n🚀 Tests: A8\n", 1, true);
            doc.apply(
                Some((position(2, column + 1), position(2, column + 2))),
                "4",
                unit,
            );
            assert_eq!(doc.reparse(), "x\n\n🚀 Tests: A4\n", "{unit:?}");
        }
        let mut doc = Document::new("ab\ncd", 1, false);
        doc.apply(
            Some((position(0, 99), position(7, 0))),
            "!",
            ColumnUnit::Utf16,
        );
        assert_eq!(doc.reparse(), "ab!");
        // A column inside a surrogate pair rounds down to the emoji.
        let mut doc = Document::new("🚀x", 1, false);
        doc.apply(
            Some((position(0, 1), position(0, 1))),
            "<",
            ColumnUnit::Utf16,
        );
        assert_eq!(doc.reparse(), "<🚀x");
    }
}
