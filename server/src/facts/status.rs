//! Normalisation of assumption status words and confidence values, across
//! the vocabularies of leanos-formats.md §2.3 and §2.4.

/// An assumption's status, normalised from emoji and case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssumptionStatus {
    Untested,
    Testing,
    Validated,
    Partial,
    Invalidated,
    Challenged,
    Inconclusive,
}

impl AssumptionStatus {
    /// The canonical upper-case word (`VALIDATED`).
    pub fn as_str(self) -> &'static str {
        match self {
            AssumptionStatus::Untested => "UNTESTED",
            AssumptionStatus::Testing => "TESTING",
            AssumptionStatus::Validated => "VALIDATED",
            AssumptionStatus::Partial => "PARTIAL",
            AssumptionStatus::Invalidated => "INVALIDATED",
            AssumptionStatus::Challenged => "CHALLENGED",
            AssumptionStatus::Inconclusive => "INCONCLUSIVE",
        }
    }
}

/// The part after the last `→` (or `->`) of a transition such as
/// `validated → VALIDATED` or `60% → 95%`; the text itself otherwise.
pub fn after_transition(text: &str) -> &str {
    let arrow = text.rfind('→').map(|i| i + '→'.len_utf8());
    let ascii = text.rfind("->").map(|i| i + 2);
    match arrow.max(ascii) {
        Some(i) => &text[i..],
        None => text,
    }
}

/// Normalises a status text: `✅ VALIDATED`, `validated`, `🟢 Validated`,
/// `PARTIAL`, `partially validated`, `⚠️ CHALLENGED`, `validated → VALIDATED`
/// (the value after the arrow wins), `🔴 Unvalidated`, `DRAFT`, ….
/// `None` when no status word or emoji is found.
pub fn parse_status(text: &str) -> Option<AssumptionStatus> {
    let text = after_transition(text);
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    use AssumptionStatus::*;
    let from_words = if has("partial") || has("partially") {
        Some(Partial)
    } else if has("invalidated") || has("invalid") || has("disproved") || has("failure") {
        Some(Invalidated)
    } else if has("unvalidated") || has("untested") || has("draft") || has("new") || has("unknown")
    {
        Some(Untested)
    } else if has("testing") || has("progress") || has("in_progress") || has("pending") {
        Some(Testing)
    } else if has("challenged") {
        Some(Challenged)
    } else if has("inconclusive") {
        Some(Inconclusive)
    } else if has("validated") || has("confirmed") || has("success") {
        Some(Validated)
    } else {
        None
    };
    from_words.or_else(|| {
        let emoji = [
            ('✅', Validated),
            ('🟢', Validated),
            ('❌', Invalidated),
            ('⏳', Testing),
            ('🟡', Testing),
            ('🔴', Untested),
            ('📝', Untested),
            ('🆕', Untested),
            ('⚠', Challenged),
        ];
        emoji
            .iter()
            .find(|(c, _)| text.contains(*c))
            .map(|(_, status)| *status)
    })
}

/// Parses a confidence percent: `95%`, `60% → 95%` and `95% (was 60%)` are
/// 95; `0.85` is 85; placeholders such as `{0-100%}` and words give `None`.
pub fn parse_confidence(text: &str) -> Option<u8> {
    if text.contains('{') {
        return None;
    }
    let text = after_transition(text);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let number = &text[start..i];
            let rest = text[i..].trim_start();
            if rest.starts_with('%') {
                let value: f64 = number.parse().ok()?;
                return (0.0..=100.0)
                    .contains(&value)
                    .then_some(value.round() as u8);
            }
            if number.starts_with("0.") || number == "1.0" {
                let value: f64 = number.parse().ok()?;
                return (0.0..=1.0)
                    .contains(&value)
                    .then_some((value * 100.0).round() as u8);
            }
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssumptionStatus::*;

    #[test]
    fn statuses() {
        for (text, status) in [
            ("✅ VALIDATED", Validated),
            ("validated", Validated),
            ("🟢 Validated", Validated),
            ("PARTIAL", Partial),
            ("partially validated", Partial),
            ("⚠️ CHALLENGED", Challenged),
            ("validated → VALIDATED", Validated),
            ("🔴 Unvalidated", Untested),
            ("📝 DRAFT", Untested),
            ("⏳ TESTING", Testing),
            ("🟡 In progress", Testing),
            ("❌ INVALIDATED", Invalidated),
            ("⚠️ INCONCLUSIVE", Inconclusive),
            ("testing -> invalidated", Invalidated),
        ] {
            assert_eq!(parse_status(text), Some(status), "{text}");
        }
        assert_eq!(parse_status("see notes"), None);
    }

    #[test]
    fn confidences() {
        assert_eq!(parse_confidence("95%"), Some(95));
        assert_eq!(parse_confidence("60% → 95%"), Some(95));
        assert_eq!(parse_confidence("95% (was 60%)"), Some(95));
        assert_eq!(parse_confidence("95% (previously: 60%)"), Some(95));
        assert_eq!(parse_confidence("70% (N=1)"), Some(70));
        assert_eq!(parse_confidence("0.85"), Some(85));
        assert_eq!(parse_confidence("{0-100%}"), None);
        assert_eq!(parse_confidence("High"), None);
    }
}
