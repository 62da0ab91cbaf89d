//! An open document: the editor's text as a rope, its version, and its
//! tree-sitter-md block tree, edited incrementally with each change (the
//! tree serves editor features that need syntax nodes, folding and
//! selection ranges; the lowering reads the text). [`Backend::document_syntax`]
//! hands a request a document's text and tree.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Position, Uri};
use tree_sitter::{InputEdit, Point, Tree};

use crate::index::FileData;
use crate::line_index::ColumnUnit;
use crate::lsp::moves::{MoveLog, Region};
use crate::lsp::server::Backend;

/// An open document.
pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub tree: Option<Tree>,
    /// Where each change moved the text's lines.
    pub moves: MoveLog,
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
            moves: MoveLog::new(version),
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
            self.moves.record(Region::WHOLE);
            return;
        };
        let start = char_index(&self.rope, start, unit);
        let end = char_index(&self.rope, end, unit).max(start);
        self.moves
            .record(region(&self.rope, start, end, text, unit));
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

/// The lines the change of chars `start..end` of `rope` into `text`
/// replaces, the column it starts at in `unit`, and whether it may add or
/// remove lines: it spans a line end, inserts one, or starts right after a
/// `\r` (joining a lone `\r` to a `\n` after it makes one line end of
/// two).
fn region(rope: &Rope, start: usize, end: usize, text: &str, unit: ColumnUnit) -> Region {
    let first = rope.char_to_line(start) as u32;
    let last = rope.char_to_line(end) as u32;
    let after_cr = start > 0 && rope.char(start - 1) == '\r';
    let line_start = rope.line_to_char(first as usize);
    let first_col = match unit {
        ColumnUnit::Utf8 => rope.char_to_byte(start) - rope.char_to_byte(line_start),
        ColumnUnit::Utf16 => rope.char_to_utf16_cu(start) - rope.char_to_utf16_cu(line_start),
        ColumnUnit::Chars => start - line_start,
    };
    Region {
        first,
        first_col: first_col as u32,
        last,
        shifts: first != last || after_cr || text.contains(['\n', '\r']),
    }
}

/// What the syntax features read of a markdown document: its lowered file
/// (the text the tree was parsed from, with its line index), its block
/// tree, and the negotiated column unit.
pub(in crate::lsp) struct DocumentSyntax {
    pub(in crate::lsp) file: Arc<FileData>,
    /// The open document's tree; `None` for a closed file, parsed on
    /// demand.
    tree: Option<Tree>,
    pub(in crate::lsp) unit: ColumnUnit,
}

impl DocumentSyntax {
    /// The file's text and its block tree: the open document's
    /// incrementally edited tree, or a parse of a closed file's text (read
    /// once: the tree is of that text). `None` only if tree-sitter gives
    /// up.
    pub(in crate::lsp) fn text_and_tree(&self) -> Option<(Arc<str>, Tree)> {
        let text = self.file.text();
        let tree = match &self.tree {
            Some(tree) => tree.clone(),
            None => crate::syntax::parse_blocks(&text, None)?,
        };
        Some((text, tree))
    }
}

impl Backend {
    /// The text and block tree of the markdown file at `uri`. An open
    /// document answers at once from its own tree (the lowered file holds
    /// the same text, lowered under the same lock as the tree's edit); a
    /// closed file waits for its root's first scan and is parsed by the
    /// caller. `None` for other files, files in no root, and documents
    /// whose text is not indexed (ignored, or over the size cap). The lock
    /// is released before any `.await`; cloning a tree is a reference
    /// count.
    pub(in crate::lsp) async fn document_syntax(
        &self,
        uri: &Uri,
    ) -> Result<Option<DocumentSyntax>> {
        {
            let session = self.lock();
            let Some((index, path)) = session.locate(uri) else {
                return Ok(None);
            };
            let workspace = &session.workspaces[index];
            if let Some(doc) = workspace.open.get(&path) {
                let file = workspace.snapshot.files.get(path.as_str()).filter(|file| {
                    doc.markdown
                        && file.version == Some(doc.version)
                        && file.stored_text().len() == doc.rope.len_bytes()
                });
                return Ok(file.map(|file| DocumentSyntax {
                    file: file.clone(),
                    tree: doc.tree.clone(),
                    unit: session.unit,
                }));
            }
            if !is_markdown(&path) {
                return Ok(None);
            }
        }
        let Some(query) = self.query_at(uri, Position::default()).await? else {
            return Ok(None);
        };
        Ok(query
            .snapshot
            .files
            .get(query.path.as_str())
            .map(|file| DocumentSyntax {
                file: file.clone(),
                tree: None,
                unit: query.unit,
            }))
    }
}

/// Whether the file at `path` is markdown (what gets a tree when open).
fn is_markdown(path: &str) -> bool {
    path.ends_with(".md")
}

/// Whether `rope`'s lines (ropey, built without `unicode_lines`, ends
/// them at `\n`, `\r\n` and `\r`, as LSP does) are tree-sitter's rows
/// (`\n` only): true when the text holds no `\r`, the common case, which
/// then takes ropey's indexed lookups.
fn plain_lines(rope: &Rope) -> bool {
    rope.chunks().all(|chunk| !chunk.contains('\r'))
}

/// The char index where LSP line `line` starts, or `None` past the last
/// line. Ropey's lines are LSP's: the workspace builds it without
/// `unicode_lines`, so a `\u{2028}` or a form feed is a character of its
/// line.
fn line_start(rope: &Rope, line: usize) -> Option<usize> {
    (line < rope.len_lines()).then(|| rope.line_to_char(line))
}

/// The char index of `rope` for a position in `unit`, clamped to the
/// line's content (before its line break) and to the text. Lines are
/// LSP's: a `\u{2028}` or form feed inside a line is a character of it.
fn char_index(rope: &Rope, position: EditPosition, unit: ColumnUnit) -> usize {
    let Some(line_start) = line_start(rope, position.line as usize) else {
        return rope.len_chars();
    };
    let wanted = position.character as usize;
    let mut counted = 0usize;
    for (i, c) in rope.chars_at(line_start).enumerate() {
        if c == '\n' || c == '\r' || counted >= wanted {
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
    rope.len_chars()
}

/// The tree-sitter point of a char index: rows end at `\n` only, columns
/// are bytes.
fn point_of(rope: &Rope, char_index: usize) -> Point {
    let byte = rope.char_to_byte(char_index);
    if plain_lines(rope) {
        let line = rope.char_to_line(char_index);
        return Point::new(line, byte - rope.line_to_byte(line));
    }
    let (mut row, mut row_start, mut offset) = (0, 0, 0);
    for chunk in rope.byte_slice(..byte).chunks() {
        for (i, b) in chunk.bytes().enumerate() {
            if b == b'\n' {
                row += 1;
                row_start = offset + i + 1;
            }
        }
        offset += chunk.len();
    }
    Point::new(row, byte - row_start)
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

    /// LSP's lines end at `\n`, `\r\n` and `\r` only: a line separator,
    /// form feed or next-line character is inside its line (ropey's own
    /// lines, which end there too, put this edit a line too low), and the
    /// tree's rows count `\n` only.
    #[test]
    fn only_lsp_line_ends_count() {
        for (text, edit, expected) in [
            ("a\u{2028}b\nTests: A8\n", (1, 8), "a\u{2028}b\nTests: A4\n"),
            (
                "x\u{c}y\u{85}z\nTests: A8\n",
                (1, 8),
                "x\u{c}y\u{85}z\nTests: A4\n",
            ),
            ("a\rTests: A8\r\n", (1, 8), "a\rTests: A4\r\n"),
            ("a\r\nb\rc\nTests: A8", (3, 8), "a\r\nb\rc\nTests: A4"),
        ] {
            let mut doc = Document::new(text, 1, true);
            let at = position(edit.0, edit.1);
            doc.apply(
                Some((at, position(edit.0, edit.1 + 1))),
                "4",
                ColumnUnit::Utf16,
            );
            let text = doc.reparse();
            assert_eq!(text, expected);
            let tree = doc.tree.as_ref().unwrap();
            assert_eq!(tree_outline(&text, tree), tree_outline_of(&text));
        }
        let rope = Rope::from_str("a\u{2028}b\r\ncd\re");
        assert_eq!(point_of(&rope, rope.len_chars()), Point::new(1, 4));
        assert_eq!(line_start(&rope, 2), Some(8));
        assert_eq!(line_start(&rope, 3), None);
    }
}
