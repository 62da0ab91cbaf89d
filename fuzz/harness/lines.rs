//! The lines of a text by LSP's rule: a line ends at `\n`, `\r\n` or a
//! lone `\r`. Computed here rather than by the server's own line index, so
//! that the harness checks the server's positions against an independent
//! count; the session check places its expected diagnostics with it and
//! the answer check bounds every position a server answers with it. The
//! model-checking test (`server/tests/support/model.rs`) includes this
//! file too, for the same rule.

use std::ops::Range;

/// A text's lines: the byte offset where each starts (the first at 0),
/// found once and searched for each position.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let ends = bytes.iter().enumerate().filter(|&(i, byte)| {
            *byte == b'\n' || *byte == b'\r' && bytes.get(i + 1) != Some(&b'\n')
        });
        let starts = std::iter::once(0).chain(ends.map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    /// The byte offset where each line starts, the first 0; one entry per
    /// line, so never empty (a text ending in a line end has an empty last
    /// line).
    pub fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// The 0-based line of byte `offset`. An offset between the `\r` and
    /// `\n` of a line end is on the line the end closes; an offset past
    /// the text is on the last line.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }

    /// The LSP position (line, UTF-16 column), both 0-based, of byte
    /// `offset`, on the line [`Lines::line`] gives. Panics if `offset` is
    /// past the text or not on a character boundary (the server's offsets
    /// must be neither).
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let line = self.line(offset);
        let character = self.text[self.starts[line]..offset].encode_utf16().count();
        (line as u32, character as u32)
    }

    /// The byte range of line `line`'s content, without its line end;
    /// `None` past the last line.
    pub fn content(&self, line: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(line)?;
        let end = match self.starts.get(line + 1) {
            Some(&next) if self.text[..next].ends_with("\r\n") => next - 2,
            Some(&next) => next - 1,
            None => self.text.len(),
        };
        Some(start..end)
    }

    /// The length in UTF-16 units of each line, without its end.
    pub fn lengths(&self) -> Vec<u64> {
        (0..self.starts.len())
            .filter_map(|line| self.content(line))
            .map(|content| self.text[content].encode_utf16().count() as u64)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_start_after_every_line_end() {
        assert_eq!(Lines::new("a\r\nb🚀x\rc\n").starts(), [0, 3, 10, 12]);
        assert_eq!(Lines::new("").starts(), [0]);
        // `\r` `\r` `\n`: a lone `\r`, then a `\r\n`.
        assert_eq!(Lines::new("\r\r\n").starts(), [0, 1, 3]);
    }

    #[test]
    fn offsets_fall_on_the_line_their_line_end_closes() {
        let lines = Lines::new("a\r\nb🚀x\rc\n");
        let on: Vec<_> = [0, 1, 2, 3, 9, 10, 11, 12, 40]
            .map(|offset| lines.line(offset))
            .into();
        assert_eq!(on, [0, 0, 0, 1, 1, 2, 2, 3, 3]);
    }

    #[test]
    fn positions_count_columns_in_utf16_units() {
        let lines = Lines::new("a\r\nb🚀x\rc\n");
        let at = |offset| lines.position(offset);
        assert_eq!(at(0), (0, 0));
        // Between `\r` and `\n`: still the first line, past the `\r`.
        assert_eq!(at(2), (0, 2));
        assert_eq!(at(3), (1, 0));
        assert_eq!(at(8), (1, 3));
        assert_eq!(at(9), (1, 4));
        assert_eq!(at(10), (2, 0));
        assert_eq!(at(12), (3, 0));
    }

    #[test]
    fn lengths_leave_out_line_ends_and_count_utf16_units() {
        assert_eq!(Lines::new("a🚀\r\nb\rcc\n").lengths(), [3, 1, 2, 0]);
        assert_eq!(Lines::new("\r\r\n").lengths(), [0, 0, 0]);
        assert_eq!(Lines::new("").lengths(), [0]);
    }

    #[test]
    fn contents_end_before_the_line_end() {
        let lines = Lines::new("ab\r\nc\rd\n");
        let contents: Vec<_> = (0..5).map(|line| lines.content(line)).collect();
        assert_eq!(
            contents,
            [Some(0..2), Some(4..5), Some(6..7), Some(8..8), None]
        );
    }
}
