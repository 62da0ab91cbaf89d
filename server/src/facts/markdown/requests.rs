//! Feature requests in a learning (stage 6, or the legacy
//! `7-learning.md`): the lines asking engineering for a feature or an
//! integration, which the Sales → Engineering loop follows
//! (`loop-feature-not-built`; the loop is described in LeanOS's
//! `docs/integration/sales-marketing-loop.md`, "Loop 1", whose example is
//! "Sales Thread (Stage 6): Pilot customer requests white-label SDK" →
//! "Engineering Thread Created: `threads/engineering/services/white-label-sdk/`").
//!
//! A line (a list item or text, outside code and outside a Canvas-updates
//! section) is a request when it
//! - uses LeanOS's own words for one: `feature request`, `pilot
//!   requirement` (the words spawning prefers engineering for);
//! - asks for a feature in one clause: a verb of asking (`requests`,
//!   `asked for`, `needs`, `requires`, `wants`) followed, before any `.`
//!   or `;`, by a feature noun (`feature`, `integration`, `connector`,
//!   `SDK`, `API`, `plugin`, `add-on`, `extension`), as in "Brightline
//!   asked for a bank-feed integration";
//! - or names an engineering thread (`engineering/white-label-sdk`,
//!   `threads/engineering/services/x/`) under a follow-up heading
//!   (`## Follow-up Actions`, `### New Threads Generated`).
//!
//! The engineering thread a request line names, if any, is kept with it
//! (a spawn's `→ spawned: threads/engineering/x/` back-link names it too).

use std::sync::LazyLock;
use thin_vec::ThinVec;

use regex::Regex;

use super::lines::{Line, LineKind};
use super::sections::Section;
use crate::facts::FeatureRequest;

/// LeanOS's words for a request to engineering.
static REQUEST_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:feature\s+requests?|pilot\s+requirements?)\b").expect("regex")
});

/// A verb of asking, then a feature noun in the same clause.
static ASKS_FOR_FEATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:request(?:s|ed)?|ask(?:s|ed)?\s+(?:us\s+)?for|needs?|needed|requires?|required|wants?|wanted)\b[^.;]*?\b(?:features?|integrations?|connectors?|sdks?|apis?|plug-?ins?|add-?ons?|extensions?)\b",
    )
    .expect("regex")
});

/// An engineering thread path: `engineering/<name>`, optionally under
/// `threads/`, not inside a longer path.
static ENGINEERING_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s(\[`*])((?:threads/)?engineering/[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*/?)")
        .expect("regex")
});

/// Reads one line of a learning in `section`; pushes a request when the
/// line is one.
pub(super) fn line(line: &Line, section: Section, requests: &mut ThinVec<FeatureRequest>) {
    if !matches!(line.kind, LineKind::Plain | LineKind::ListItem) || section.canvas_updates {
        return;
    }
    let thread = ENGINEERING_PATH.captures(line.text).and_then(|c| c.get(1));
    let asks = REQUEST_WORDS.is_match(line.text) || ASKS_FOR_FEATURE.is_match(line.text);
    if !(asks || thread.is_some() && section.follow_up) {
        return;
    }
    let trimmed = line.text.trim();
    if trimmed.is_empty() {
        return;
    }
    let start = line.start + (trimmed.as_ptr() as usize - line.text.as_ptr() as usize);
    // A path with `.` or `..` parts names no thread of its own (and a spawn
    // must never create a folder outside `engineering/`): not kept.
    let thread = thread.and_then(|m| {
        let path = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '*', '`', ')']);
        let path = path.strip_prefix("threads/").unwrap_or(path);
        let path = path.trim_end_matches('/');
        if path
            .split('/')
            .any(|part| part == "." || part == ".." || part.is_empty())
        {
            return None;
        }
        let at = line.start + m.start();
        Some((path.to_string(), at as u32..(at + m.as_str().len()) as u32))
    });
    requests.push(FeatureRequest {
        text: trimmed.to_string(),
        range: start as u32..(start + trimmed.len()) as u32,
        thread,
    });
}

#[cfg(test)]
mod tests {
    use super::super::tests::lowered;

    const LEARNING: &str = "threads/sales/acme/6-learning.md";

    /// The request lines of a learning, and the engineering thread each
    /// names.
    fn requests(text: &str) -> Vec<(String, Option<String>)> {
        lowered(LEARNING, text)
            .feature_requests
            .into_iter()
            .map(|r| {
                assert_eq!(&text[r.range.start as usize..r.range.end as usize], r.text);
                if let Some((path, range)) = &r.thread {
                    let written = &text[range.start as usize..range.end as usize];
                    assert!(written.contains(path.as_str()), "{written} / {path}");
                }
                (r.text, r.thread.map(|(p, _)| p))
            })
            .collect()
    }

    #[test]
    fn asking_for_a_feature_in_one_clause() {
        let text = "# Stage 6: Learning\n\n- Brightline asked for a bank-feed integration\n- ElsaAI requested the white-label SDK\n- Feature request: CSV export\n- Pilot requirement: SSO\n";
        let found = requests(text);
        let lines: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            lines,
            [
                "- Brightline asked for a bank-feed integration",
                "- ElsaAI requested the white-label SDK",
                "- Feature request: CSV export",
                "- Pilot requirement: SSO",
            ]
        );
    }

    /// Near misses: asking for something that is no feature, a feature
    /// noun without asking, the verb and the noun in two sentences, a
    /// Canvas update, code, a heading, a word containing `api`.
    #[test]
    fn near_misses_are_no_requests() {
        let text = r#"# Stage 6: Learning

- Brightline accepted but asked for a cap
- The API documentation was read by every pilot
- They needed time. The integration went live anyway
- Rapid pilots want rapids
### Feature requests

## Canvas Updates
- 09-solution.md → "Bank feed integration" requested by three pilots

```
The pilot requested an SDK
```
"#;
        assert_eq!(requests(text), []);
    }

    #[test]
    fn engineering_threads_named_under_a_follow_up_heading() {
        let text = r#"# Stage 6: Learning

Related: engineering/ocr-accuracy

## Follow-up Actions
- [ ] **engineering/white-label-sdk:** Build SDK with configurable branding
- Pilot wants a Xero connector → spawned: threads/engineering/xero-connector/
- Write a second case study
"#;
        let found = requests(text);
        assert_eq!(
            found,
            [
                (
                    "- [ ] **engineering/white-label-sdk:** Build SDK with configurable branding"
                        .to_string(),
                    Some("engineering/white-label-sdk".to_string())
                ),
                (
                    "- Pilot wants a Xero connector → spawned: threads/engineering/xero-connector/"
                        .to_string(),
                    Some("engineering/xero-connector".to_string())
                ),
            ]
        );
    }

    /// A named path that climbs (`..`) names no thread: the line is still
    /// a request when it asks for a feature, without a named thread (a
    /// spawn must never create a folder outside `engineering/`). A path
    /// stops at an empty part.
    #[test]
    fn climbing_paths_name_no_thread() {
        let text = "# Learning\n## Follow-up Actions\n- threads/engineering/../../../../tmp/x needs an SDK\n- engineering/a//b: wants an API\n";
        let found: Vec<Option<String>> = requests(text).into_iter().map(|(_, t)| t).collect();
        assert_eq!(found, [None, Some("engineering/a".to_string())]);
    }

    #[test]
    fn only_learnings_hold_requests() {
        let text = "- ElsaAI requested the white-label SDK\n";
        assert!(lowered("threads/sales/acme/1-input.md", text)
            .feature_requests
            .is_empty());
        assert_eq!(
            lowered("threads/sales/acme/7-learning.md", text)
                .feature_requests
                .len(),
            1
        );
    }
}
