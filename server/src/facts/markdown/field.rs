//! The field lines of a heading entry's block in Canvas 10
//! (`**Status:** ✅ VALIDATED`, `- Confidence: 60%`, `**Evidence:** path`;
//! leanos-formats.md §2.2), read by string operations: every line of an
//! entry's block is tried, and a pattern with captures (a backtracking
//! search per line) was most of what lowering the section cost.
//!
//! The shape, as the pattern it replaces said it (case-insensitive,
//! blanks being Unicode white space):
//! `^\s*(?:[-*+]\s+)?(?:\*\*)?(NAME)\s*(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.*?)\s*$`
//! where NAME is one of [`NAMES`]. A property test checks the two agree.

/// The field names, lower case, in the order they are tried (no name is
/// a prefix of another, so at most one matches at a place).
const NAMES: [&str; 6] = [
    "status",
    "confidence",
    "evidence",
    "new confidence",
    "posterior confidence",
    "current status",
];

/// A field line: its name as written (`Status`, `new Confidence`) and the
/// byte range of its value within the line (blanks and one `**` pair
/// around it left out; the value may be empty).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Field<'a> {
    pub name: &'a str,
    pub value: std::ops::Range<usize>,
}

/// Reads `line` (one line's text, without its line end) as a field line;
/// `None` when it is not one.
pub(super) fn field(line: &str) -> Option<Field<'_>> {
    let mut at = skip_blanks(line, 0);
    // A list marker needs a blank after it.
    if let Some(marker) = line[at..].strip_prefix(['-', '*', '+']) {
        let after = line.len() - marker.len();
        let blanks = skip_blanks(line, after);
        if blanks > after {
            at = blanks;
        }
    }
    if line[at..].starts_with("**") {
        at += 2;
    }
    let (name, after_name) = NAMES.iter().find_map(|name| name_at(line, at, name))?;
    let mut at = skip_blanks(line, after_name);
    if line[at..].starts_with("**") {
        at += 2;
    }
    at = skip_blanks(line, at);
    let after_colon = line[at..].strip_prefix(':')?;
    at = skip_blanks(line, line.len() - after_colon.len());
    if line[at..].starts_with("**") {
        at += 2;
    }
    at = skip_blanks(line, at);
    let value = line[at..].trim_end();
    // `.` stops at a line feed, which only trailing blanks may hold.
    if value.contains('\n') {
        return None;
    }
    Some(Field {
        name,
        value: at..at + value.len(),
    })
}

/// The first byte at or after `at` that is not a blank.
pub(super) fn skip_blanks(line: &str, at: usize) -> usize {
    line.len() - line[at..].trim_start().len()
}

/// The name as written at `at` and the byte after it, when `line` holds
/// `name` there in any case: as `(?i)` reads it, ASCII letters in either
/// case, `ſ` as `s` and the Kelvin sign as `k`, no other character.
pub(super) fn name_at<'a>(line: &'a str, at: usize, name: &str) -> Option<(&'a str, usize)> {
    let mut chars = line[at..].char_indices();
    for expected in name.chars() {
        let (_, c) = chars.next()?;
        let folded = match c {
            '\u{17F}' => 's',
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        };
        if folded != expected {
            return None;
        }
    }
    let end = chars.next().map_or(line.len(), |(i, _)| at + i);
    Some((&line[at..end], end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;
    use std::sync::LazyLock;

    /// The pattern `field` replaces.
    static FIELD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^\s*(?:[-*+]\s+)?(?:\*\*)?(status|confidence|evidence|new confidence|posterior confidence|current status)\s*(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.*?)\s*$",
        )
        .expect("regex")
    });

    fn by_pattern(line: &str) -> Option<Field<'_>> {
        let captures = FIELD.captures(line)?;
        let (name, value) = (captures.get(1)?, captures.get(2)?);
        Some(Field {
            name: name.as_str(),
            value: value.range(),
        })
    }

    #[test]
    fn fields_in_every_form() {
        let value = |line| field(line).map(|f| (f.name, &line[f.value]));
        assert_eq!(
            value("**Status:** ✅ VALIDATED"),
            Some(("Status", "✅ VALIDATED"))
        );
        assert_eq!(value("- Confidence: 60% "), Some(("Confidence", "60%")));
        assert_eq!(value("* **Evidence**: a.md"), Some(("Evidence", "a.md")));
        assert_eq!(
            value("New confidence : ** 95%**"),
            Some(("New confidence", "95%**"))
        );
        assert_eq!(value("ſtatus:"), Some(("ſtatus", "")));
        assert_eq!(value("Status"), None);
        assert_eq!(value("*Status: x"), None);
        assert_eq!(value("Statusx: y"), None);
        assert_eq!(value("Status:\nx"), Some(("Status", "x")));
        assert_eq!(value("Status: a\nb"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// `field` reads every line as the pattern did.
        #[test]
        fn field_agrees_with_the_pattern(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                " ", "\t", "\u{a0}", "\u{2003}", "-", "*", "+", "**", ":", "x", "é", "\r", "\n",
                "status", "Status", "ſtatus", "STATUS", "statu", "confidence", "Confidence",
                "new confidence", "posterior confidence", "poſterior confidence", "current status",
                "evidence", "EVIDENCE", "\u{212A}", "60%", "✅ VALIDATED",
            ]),
            0..10,
        )) {
            let line = parts.concat();
            proptest::prop_assert_eq!(field(&line), by_pattern(&line), "{:?}", line);
        }
    }
}
