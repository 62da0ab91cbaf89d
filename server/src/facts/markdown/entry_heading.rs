//! The text of an entry heading in Canvas 10 (`A4: Title`,
//! `Assumption A4 - Title ✅ VALIDATED`, `H1 Title`; leanos-formats.md
//! §2.2), read by string operations: every heading of the section is
//! tried on every keystroke there.
//!
//! The shape, as the pattern it replaces said it (`\s` being Unicode white
//! space, the leading word in any case):
//! `^(?i:(?:assumption|hypothesis)\s+)?([A-Z][0-9]{1,3})(?:\s*[:.\-–—]\s*|\s+|$)(.*)$`.
//! A property test checks the two agree.

use std::ops::Range;

use super::field::{name_at, skip_blanks};

/// The byte ranges, within a heading's text, of the ID an entry heading
/// starts with and of the rest after its separator (the title and any
/// badge; it may be empty); `None` when the text is no entry heading.
/// Whether the ID is an assumption ID under the configuration is for the
/// caller to decide.
pub(super) fn entry_heading(content: &str) -> Option<(Range<usize>, Range<usize>)> {
    let mut at = 0;
    let word = ["assumption", "hypothesis"]
        .iter()
        .find_map(|word| name_at(content, 0, word));
    if let Some((_, end)) = word {
        let blanks = skip_blanks(content, end);
        if blanks > end {
            at = blanks;
        }
    }
    let bytes = content.as_bytes();
    if !bytes.get(at).is_some_and(u8::is_ascii_uppercase) {
        return None;
    }
    let digits = bytes[at + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    let id = at..at + 1 + digits;
    let blanks = skip_blanks(content, id.end);
    let separator = content[blanks..]
        .chars()
        .next()
        .filter(|c| matches!(c, ':' | '.' | '-' | '–' | '—'));
    let rest = match separator {
        Some(c) => skip_blanks(content, blanks + c.len_utf8()),
        None if blanks > id.end || id.end == content.len() => blanks,
        None => return None,
    };
    // `.` stops at a line feed (a setext heading's text may hold one).
    if content[rest..].contains('\n') {
        return None;
    }
    Some((id, rest..content.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;
    use std::sync::LazyLock;

    /// The pattern `entry_heading` replaces.
    static ENTRY_HEADING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"^(?i:(?:assumption|hypothesis)\s+)?([A-Z][0-9]{1,3})(?:\s*[:.\-–—]\s*|\s+|$)(.*)$"#,
        )
        .expect("regex")
    });

    fn by_pattern(content: &str) -> Option<(Range<usize>, Range<usize>)> {
        let captures = ENTRY_HEADING.captures(content)?;
        Some((captures.get(1)?.range(), captures.get(2)?.range()))
    }

    #[test]
    fn headings_in_every_form() {
        let parts =
            |content| entry_heading(content).map(|(id, rest)| (&content[id], &content[rest]));
        assert_eq!(parts("A4: Title"), Some(("A4", "Title")));
        assert_eq!(
            parts("Assumption A12 – Title ✅"),
            Some(("A12", "Title ✅"))
        );
        assert_eq!(parts("hypothesis  H1 Title"), Some(("H1", "Title")));
        assert_eq!(parts("A1"), Some(("A1", "")));
        assert_eq!(parts("A1234: x"), None);
        assert_eq!(parts("A1x"), None);
        assert_eq!(parts("a1: x"), None);
        assert_eq!(parts("A1: a\nb"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// `entry_heading` reads every heading as the pattern did.
        #[test]
        fn entry_heading_agrees_with_the_pattern(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "Assumption", "assumption", "ASSUMPTION", "aſſumption", "Hypothesis", "hypotheſis",
                "A", "H", "a", "Z", "1", "12", "0", ":", ".", "-", "–", "—", "|", " ", "\t", "\u{a0}",
                "\n", "x", "Title", "✅ VALIDATED", "é",
            ]),
            0..8,
        )) {
            let content = parts.concat();
            proptest::prop_assert_eq!(entry_heading(&content), by_pattern(&content), "{:?}", content);
        }
    }
}
