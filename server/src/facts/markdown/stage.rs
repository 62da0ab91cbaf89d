//! What a stage file says it is: the stage its first heading names
//! (leanos-formats.md §3.4: `# Stage 2: Hypothesis`, `# Decision: Title`,
//! `### Stage 1: INPUT`) and the thread title of its `**Thread:** Title`
//! line.

use std::sync::LazyLock;

use regex::Regex;

use super::links::looks_like_path;
use crate::facts::StageHeading;
use crate::syntax::ByteRange;

static STAGE_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:stage\s*([0-9]+)\s*[:.\-–—]?\s*)?([A-Za-z]+)?").expect("regex")
});
static THREAD_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\*\*Thread:\*\*\s*(.+?)\s*$").expect("regex"));

/// The stage a heading's text `content` (at byte range `range`) names: by
/// its first word when that is a stage name (`Hypothesis`, `Results`),
/// else by the number after `Stage` (1..=7, the legacy 7 read as 6).
pub(super) fn stage_heading(content: &str, range: ByteRange) -> StageHeading {
    let mut stage = None;
    if let Some(captures) = STAGE_HEADING.captures(content.trim()) {
        let by_name = captures.get(2).and_then(|w| stage_of_word(w.as_str()));
        let by_number = captures
            .get(1)
            .and_then(|n| n.as_str().parse::<u8>().ok())
            .filter(|n| (1..=7).contains(n))
            .map(|n| n.min(6));
        stage = by_name.or(by_number);
    }
    StageHeading {
        stage,
        range,
        text: content.into(),
    }
}

/// The stage (1..=6) a heading word names, in any case.
fn stage_of_word(word: &str) -> Option<u8> {
    let word = word.to_ascii_lowercase();
    Some(match word.as_str() {
        "input" | "inputs" => 1,
        "hypothesis" | "hypotheses" => 2,
        "implication" | "implications" => 3,
        "decision" | "decisions" => 4,
        "action" | "actions" => 5,
        "learning" | "learnings" | "results" | "result" => 6,
        _ => return None,
    })
}

/// The title a `**Thread:** Title` line gives, unless it is a path (then
/// the line is a link, see `links.rs`).
pub(super) fn thread_title(line: &str) -> Option<&str> {
    // `THREAD_TITLE` by string operations (`\s` is `char::is_whitespace`),
    // the pattern itself only for a label followed by blanks alone.
    let rest = line.trim_start().strip_prefix("**Thread:**")?;
    let title = match rest.trim() {
        "" => THREAD_TITLE.captures(line)?.get(1)?.as_str(),
        title => title,
    };
    (!looks_like_path(title)).then_some(title)
}

#[cfg(test)]
mod tests {
    use super::super::tests::lowered;
    use super::*;

    fn stage(content: &str) -> Option<u8> {
        stage_heading(content, 0..0).stage
    }

    #[test]
    fn headings_name_stages_by_word_or_number() {
        assert_eq!(stage("Stage 2: Hypothesis"), Some(2));
        assert_eq!(stage("Decision: Pilot with Acme"), Some(4));
        assert_eq!(stage("Stage 1: INPUT"), Some(1));
        assert_eq!(stage("Results"), Some(6));
        assert_eq!(stage("Stage 7: Something"), Some(6));
        assert_eq!(stage("Stage 3"), Some(3));
        assert_eq!(stage("Stage 9: Later"), None);
        assert_eq!(stage("Content Authority Execution"), None);
    }

    #[test]
    fn the_first_heading_of_a_stage_file() {
        let text = r#"# Stage 2: Hypothesis
**Thread:** Developer productivity
## Stage 4: Decision
**Thread:** Another title
"#;
        let facts = lowered("threads/operations/example/2-hypothesis.md", text);
        let heading = facts.stage_heading.expect("a stage heading");
        assert_eq!(
            (heading.stage, heading.text.as_str()),
            (Some(2), "Stage 2: Hypothesis")
        );
        assert_eq!(
            &text[heading.range.start as usize..heading.range.end as usize],
            heading.text
        );
        assert_eq!(
            facts.thread_title.as_deref(),
            Some("Developer productivity")
        );
        let facts = lowered("notes.md", text);
        assert_eq!((facts.stage_heading, facts.thread_title), (None, None));
    }

    #[test]
    fn a_thread_path_is_no_title() {
        assert_eq!(thread_title("**Thread:** threads/sales/acme/"), None);
        assert_eq!(
            thread_title("  **Thread:** Acme pilot  "),
            Some("Acme pilot")
        );
        assert_eq!(thread_title("Thread: Acme pilot"), None);
    }

    proptest::proptest! {
        /// The string operations give what the pattern gives.
        #[test]
        fn the_title_is_the_patterns(
            lead in "[ \t\u{a0}\u{2003}]{0,2}",
            label in proptest::sample::select(vec!["**Thread:**", "**Thread**:", "**thread:**", ""]),
            rest in "[ \t\u{2003}a-z/.\r*]{0,8}",
        ) {
            let line = format!("{lead}{label}{rest}");
            let by_pattern = THREAD_TITLE
                .captures(&line)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str())
                .filter(|title| !looks_like_path(title));
            proptest::prop_assert_eq!(thread_title(&line), by_pattern, "{:?}", line);
        }
    }
}
