//! Line starts of a text and conversion between byte offsets and
//! (line, column) positions in the three column units the product speaks:
//! UTF-8 bytes, UTF-16 code units (LSP's default) and Unicode scalar values
//! (what the CLI prints, as compilers do).

/// The unit a column is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColumnUnit {
    /// Bytes of UTF-8 (LSP `positionEncoding: "utf-8"`).
    Utf8,
    /// UTF-16 code units (LSP's default `"utf-16"`).
    #[default]
    Utf16,
    /// Unicode scalar values (`char`s), as printed by `check`'s human format.
    Chars,
}

/// A 0-based line and a 0-based column in some [`ColumnUnit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Byte offsets of the start of every line of a text. Lines end at `\n`,
/// `\r\n` or a lone `\r`, as LSP's positions and CommonMark's lines do (a
/// client counts a line after an old Mac line end; ropey's `cr_lines`, which
/// maps the client's edits, does too).
///
/// It also records where every character outside ASCII is and how long it
/// is, so that a byte offset converts to a position in any unit without
/// the text (as rust-analyzer's line index does): the text of a closed
/// file need not be at hand to publish its diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// Exactly as long as the text has lines (kept for as long as the file
    /// is unchanged).
    line_starts: Box<[u32]>,
    /// Every character of two to four UTF-8 bytes: its byte offset and
    /// length in bytes, in text order.
    wide: Box<[(u32, u8)]>,
    len: u32,
}

impl LineIndex {
    /// Builds the index of `text` in one pass.
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 40 + 1);
        let mut wide = Vec::new();
        line_starts.push(0);
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let ends = match b {
                b'\n' => true,
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends {
                line_starts.push(i as u32 + 1);
            } else if b >= 0xC0 {
                // A leading byte (a continuation byte is 0x80..0xC0).
                let len = match b {
                    0xF0.. => 4,
                    0xE0.. => 3,
                    _ => 2,
                };
                wide.push((i as u32, len));
            }
        }
        LineIndex {
            line_starts: line_starts.into_boxed_slice(),
            wide: wide.into_boxed_slice(),
            len: text.len() as u32,
        }
    }

    /// A text of the indexed text's length and lines, every other byte a
    /// space: what a line search or a slice by the facts' ranges may read
    /// in place of a text no longer at hand. It is ASCII, so every offset
    /// in it is a char boundary, and its lines start where this index's
    /// do.
    pub fn blank(&self) -> String {
        let mut bytes = vec![b' '; self.len as usize];
        for &start in &self.line_starts[1..] {
            bytes[start as usize - 1] = b'\n';
        }
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// Number of lines (a text ending in `\n` has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 0-based `line` starts, or `None` past the end.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line as usize).copied()
    }

    /// Byte offset just past the content of `line` (before its `\n`,
    /// `\r\n` or `\r`).
    pub fn line_end(&self, text: &str, line: u32) -> Option<u32> {
        let start = self.line_start(line)?;
        let next = self
            .line_starts
            .get(line as usize + 1)
            .copied()
            .unwrap_or(self.len);
        let mut end = next;
        let bytes = text.as_bytes();
        if end > start && bytes.get(end as usize - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end as usize - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some(end)
    }

    /// The 0-based line holding byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: u32) -> u32 {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line as u32,
            Err(next) => next as u32 - 1,
        }
    }

    /// Converts a byte offset of the indexed text into a position whose
    /// column is counted in `unit`, without the text. Offsets inside a
    /// multi-byte character are rounded down to the character's start;
    /// offsets past the end are clamped.
    pub fn position(&self, offset: u32, unit: ColumnUnit) -> LineCol {
        let mut offset = offset.min(self.len);
        // The characters starting at or before `offset`; the last of them
        // may hold it.
        let upto = self.wide.partition_point(|&(at, _)| at <= offset);
        if let Some(&(at, len)) = upto.checked_sub(1).map(|i| &self.wide[i]) {
            if offset < at + u32::from(len) {
                offset = at;
            }
        }
        let line = self.line_of(offset);
        let start = self.line_starts[line as usize];
        let mut col = offset - start;
        if unit != ColumnUnit::Utf8 {
            let first = self.wide.partition_point(|&(at, _)| at < start);
            let before = self.wide.partition_point(|&(at, _)| at < offset);
            for &(_, len) in &self.wide[first..before] {
                // What the character counts in `unit` instead of its bytes.
                let counted = match unit {
                    ColumnUnit::Utf16 if len == 4 => 2,
                    _ => 1,
                };
                col -= u32::from(len) - counted;
            }
        }
        LineCol { line, col }
    }

    /// Converts a position back to a byte offset. A column past the end of
    /// its line clamps to the line's end; a line past the end clamps to the
    /// end of the text; a column inside a character (a lone UTF-16 surrogate
    /// half, a byte inside a UTF-8 sequence) rounds down to its start.
    pub fn offset(&self, text: &str, pos: LineCol, unit: ColumnUnit) -> u32 {
        let Some(start) = self.line_start(pos.line) else {
            return self.len;
        };
        let end = self.line_end(text, pos.line).unwrap_or(self.len);
        let line_text = &text[start as usize..end as usize];
        let mut counted = 0u32;
        for (i, ch) in line_text.char_indices() {
            if counted >= pos.col {
                return start + i as u32;
            }
            let width = match unit {
                ColumnUnit::Utf8 => ch.len_utf8(),
                ColumnUnit::Utf16 => ch.len_utf16(),
                ColumnUnit::Chars => 1,
            } as u32;
            if counted + width > pos.col {
                return start + i as u32;
            }
            counted += width;
        }
        end
    }
}

/// The byte range of the line of `text` holding byte `offset` (floored to
/// a char boundary), without its line end (`\n`, `\r\n` or `\r`). An
/// offset on a line end is on the line it closes, the `\n` of a `\r\n`
/// too.
pub fn line_span(text: &str, offset: u32) -> std::ops::Range<u32> {
    let offset = snap_offset(text, offset as usize);
    let start = text[..offset]
        .rfind(['\n', '\r'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let end = text[offset..]
        .find(['\n', '\r'])
        .map(|i| offset + i)
        .unwrap_or(text.len());
    start as u32..end as u32
}

/// `offset` floored to a char boundary, and moved back to the `\r` when it
/// falls between the `\r` and `\n` of a line end (no LSP position names
/// that place: a client counts `\r\n` as one line end). For offsets that
/// other parsers report (TOML and YAML errors).
pub fn snap_offset(text: &str, offset: usize) -> usize {
    let offset = floor_char_boundary(text, offset);
    let bytes = text.as_bytes();
    if offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n') {
        offset - 1
    } else {
        offset
    }
}

/// The largest char boundary of `text` at or below `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    if offset >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A position found without the text is the one counted in it.
        #[test]
        fn a_position_is_counted_without_the_text(
            text in "(\r|\n|\r\n|a|é|漢|🚀| ){0,40}",
            offsets in proptest::collection::vec(0u32..170, 1..8),
        ) {
            let index = LineIndex::new(&text);
            for offset in offsets {
                for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Chars] {
                    let floored = floor_char_boundary(&text, offset.min(text.len() as u32) as usize);
                    let line = index.line_of(floored as u32);
                    let start = index.line_start(line).unwrap() as usize;
                    let segment = &text[start..floored];
                    let col = match unit {
                        ColumnUnit::Utf8 => segment.len(),
                        ColumnUnit::Utf16 => segment.encode_utf16().count(),
                        ColumnUnit::Chars => segment.chars().count(),
                    } as u32;
                    proptest::prop_assert_eq!(index.position(offset, unit), LineCol { line, col });
                }
            }
        }

        /// The blank of a text has its length and its lines, and a line's
        /// end found in it is the line's end in the text.
        #[test]
        fn a_blank_has_the_texts_lines(text in "(\r|\n|\r\n|a|é|🚀| ){0,40}") {
            let index = LineIndex::new(&text);
            let blank = index.blank();
            proptest::prop_assert_eq!(blank.len(), text.len());
            let lines = LineIndex::new(&blank);
            proptest::prop_assert_eq!(&lines.line_starts, &index.line_starts);
            for line in 0..index.line_count() as u32 {
                let start = index.line_start(line).unwrap() as usize;
                let end = index.line_end(&text, line).unwrap() as usize;
                // The blank's line ends where the text's does, or later
                // by the `\r` of a `\r\n` it turned into a space.
                let blank_end = index.line_end(&blank, line).unwrap() as usize;
                proptest::prop_assert!(blank_end >= end);
                proptest::prop_assert!(text[end..blank_end].bytes().all(|b| b == b'\r'));
                proptest::prop_assert!(start <= end);
            }
        }
    }

    #[test]
    fn snapped_offsets_never_split_a_crlf() {
        let text = "a\r\nb\rc\né";
        assert_eq!(snap_offset(text, 2), 1);
        assert_eq!(snap_offset(text, 1), 1);
        assert_eq!(snap_offset(text, 3), 3);
        assert_eq!(snap_offset(text, 5), 5);
        assert_eq!(snap_offset(text, 8), 7);
        assert_eq!(snap_offset(text, 99), text.len());
    }

    #[test]
    fn columns_after_emoji_and_cjk() {
        let text = "ab\n🚀 A4 漢字 H1\n";
        let index = LineIndex::new(text);
        let a4 = text.find("A4").unwrap() as u32;
        assert_eq!(
            index.position(a4, ColumnUnit::Utf16),
            LineCol { line: 1, col: 3 }
        );
        assert_eq!(
            index.position(a4, ColumnUnit::Utf8),
            LineCol { line: 1, col: 5 }
        );
        assert_eq!(
            index.position(a4, ColumnUnit::Chars),
            LineCol { line: 1, col: 2 }
        );
        let h1 = text.find("H1").unwrap() as u32;
        for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Chars] {
            let pos = index.position(h1, unit);
            assert_eq!(index.offset(text, pos, unit), h1, "{unit:?}");
        }
    }

    /// Lines end at `\n`, `\r\n` and a lone `\r`, as the client counts
    /// them: a position after an old Mac line end is on the next line, and
    /// a line's content stops before its `\r`.
    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "a\rb\r\nc\nd\r";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 5);
        let c = text.find('c').unwrap() as u32;
        assert_eq!(
            index.position(c, ColumnUnit::Utf16),
            LineCol { line: 2, col: 0 }
        );
        let b = text.find('b').unwrap() as u32;
        assert_eq!(
            index.position(b, ColumnUnit::Utf16),
            LineCol { line: 1, col: 0 }
        );
        // Past the end of `b`'s line clamps before its `\r\n`; of `a`'s,
        // before its `\r`.
        assert_eq!(
            index.offset(text, LineCol { line: 1, col: 9 }, ColumnUnit::Utf16),
            b + 1
        );
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 9 }, ColumnUnit::Utf16),
            1
        );
        assert_eq!(line_span(text, 0), 0..1);
        assert_eq!(line_span(text, b), b..b + 1);
        // The `\r` and the `\n` of `b`'s line end are both on `b`'s line.
        assert_eq!(line_span(text, b + 1), b..b + 1);
        assert_eq!(line_span(text, b + 2), b..b + 1);
    }

    #[test]
    fn clamps_out_of_range_positions() {
        let text = "one\ntwo";
        let index = LineIndex::new(text);
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 99 }, ColumnUnit::Utf16),
            3
        );
        assert_eq!(
            index.offset(text, LineCol { line: 9, col: 0 }, ColumnUnit::Utf16),
            7
        );
        assert_eq!(
            index.position(99, ColumnUnit::Utf16),
            LineCol { line: 1, col: 3 }
        );
        // A column that splits a surrogate pair rounds down to the emoji.
        let text = "🚀x";
        let index = LineIndex::new(text);
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 1 }, ColumnUnit::Utf16),
            0
        );
    }
}
