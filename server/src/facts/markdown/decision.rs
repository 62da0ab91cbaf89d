//! Stage 4 (the decision): its verdict (leanos-formats.md §3.8), impact
//! score and approval by a person (§3.9).
//!
//! A verdict can be written several ways; the strongest evidence wins and
//! among equals the first: the frontmatter `status` (4), a label
//! `Decision: CREATE` (3), a bold or leading upper-case verb in a decision
//! section (2), a bold upper-case verb elsewhere (1). Table rows give an
//! impact score or an approval, never a verdict.

use std::sync::LazyLock;

use regex::Regex;

use super::CAPS_WORD;
use crate::facts::metadata::MetaValue;
use crate::facts::{FileFacts, Verdict, VerdictClass};

static VERDICT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:decision|verdict|status)\**\s*:\s*\**\s*([A-Za-z]+)").expect("regex")
});
static BOLD_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\*\*([A-Za-z]+)\*\*").expect("regex"));
static IMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bimpact[ _]score\b\**\s*[:=]?\s*\**\s*\[?([01](?:\.[0-9]+)?)\b")
        .expect("regex")
});
static APPROVED_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:approved\s+by|approver|approved_by|signed\s+off\s+by)\**\s*:?\**\s*([A-Za-z][\w.'\-]*)")
        .expect("regex")
});
static APPROVE_CHECKED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\[[xX✓]\]\s*\**approved?\b").expect("regex"));

/// Whether an approver value names a person rather than an agent, a
/// placeholder (`NAME`, the template's `name`, `[name]`, `{owner}`) or
/// nobody.
pub fn is_person(value: &str) -> bool {
    let value = value
        .trim()
        .trim_matches(['*', '"', '\''])
        .to_ascii_lowercase();
    // A placeholder may come in words (`Your Name`): its first word says.
    let value = match value.split_whitespace().next() {
        Some(first) if first == "your" || first == "name" => first.to_string(),
        _ => value,
    };
    !value.is_empty()
        && !value.contains(['{', '<', '[', '…'])
        && !value.contains("...")
        && ![
            "name",
            "your",
            "person",
            "someone",
            "approver",
            "todo",
            "xxx",
            "ai",
            "agent",
            "ai-agent",
            "ai_agent",
            "auto",
            "automatic",
            "autonomy",
            "system",
            "pending",
            "tbd",
            "none",
            "n/a",
            "nobody",
            "the",
            "required",
            "awaiting",
            "bot",
        ]
        .contains(&value.as_str())
        && !value.starts_with("ai-")
        && !value.starts_with("auto")
}

/// Whether the text after a verdict word goes on to list others
/// (`PROCEED | DEFER | DECLINE`, `BUILD / KILL`): a template's choices,
/// not a decision.
fn lists_alternatives(rest: &str) -> bool {
    let Some(after) = rest
        .trim_start_matches(['*', ' ', '`'])
        .strip_prefix(['|', '/'])
    else {
        return false;
    };
    let next: String = after
        .trim_start_matches(['*', ' ', '`'])
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    verdict_class(&next.to_ascii_uppercase()).is_some()
}

/// The class of a verdict word, given in upper case (§3.8).
fn verdict_class(word: &str) -> Option<VerdictClass> {
    match word {
        "PROCEED" | "QUALIFY" | "PURSUE" | "CREATE" | "BUILD" | "PIVOT" | "SCALE" | "REFACTOR"
        | "LAUNCH" | "TEST" | "ACCEPTED" | "ACCEPT" | "APPROVED" => Some(VerdictClass::Proceed),
        "DECLINE" | "REJECT" | "PASS" | "KILL" | "CANCEL" | "REJECTED" | "DECLINED" => {
            Some(VerdictClass::Stop)
        }
        "DEFER" | "HOLD" | "DEFERRED" => Some(VerdictClass::Defer),
        _ => None,
    }
}

/// The decision collector: how strong the evidence for the current
/// verdict is (0 when there is none).
#[derive(Debug, Default)]
pub(super) struct Decision {
    verdict_priority: u8,
}

impl Decision {
    /// Starts a stage-4 file with the verdict of its frontmatter `status`
    /// (already parsed into `facts.frontmatter`), which prose cannot
    /// override.
    pub fn from_frontmatter(facts: &mut FileFacts) -> Decision {
        let mut decision = Decision::default();
        let status = facts.frontmatter.as_deref().and_then(|m| m.get("status"));
        if let Some(status) = status {
            if let MetaValue::String(word) = &status.value {
                if let Some(class) = verdict_class(&word.trim().to_ascii_uppercase()) {
                    facts.verdict = Some(Box::new(Verdict {
                        word: word.trim().to_string(),
                        class,
                        range: status.value_range.clone(),
                    }));
                    decision.verdict_priority = 4;
                }
            }
        }
        decision
    }

    /// Reads `line` (at byte `base`): the first impact score, an approval,
    /// and a verdict unless the line is a table row.
    pub fn line(
        &mut self,
        line: &str,
        base: usize,
        in_decision_section: bool,
        is_table: bool,
        facts: &mut FileFacts,
    ) {
        // Each pattern runs only on a line holding a literal it needs.
        if facts.impact.is_none() && super::contains_ignore_ascii_case(line, "impact") {
            if let Some(score) = IMPACT.captures(line).and_then(|c| c.get(1)) {
                if let Ok(value) = score.as_str().parse::<f64>() {
                    let start = base + score.start();
                    facts.impact = Some((value, start as u32..(start + score.len()) as u32));
                }
            }
        }
        if !facts.approved
            && (super::contains_ignore_ascii_case(line, "appro")
                || super::contains_ignore_ascii_case(line, "igned"))
        {
            let by_person = APPROVED_BY
                .captures(line)
                .and_then(|c| c.get(1))
                .is_some_and(|who| is_person(who.as_str()));
            if by_person || APPROVE_CHECKED.is_match(line) {
                facts.approved = true;
            }
        }
        if is_table {
            return;
        }
        let candidate = |word: &str, start: usize| -> Option<Verdict> {
            let upper = word.to_ascii_uppercase();
            verdict_class(&upper).map(|class| Verdict {
                word: word.to_string(),
                class,
                range: start as u32..(start + word.len()) as u32,
            })
        };
        // `Decision: CREATE`, `**Decision:** PROCEED with …` (not a
        // template's `PROCEED | DEFER | DECLINE`).
        let labelled = line.contains(':').then(|| VERDICT_LABEL.captures(line));
        if let Some(word) = labelled.flatten().and_then(|c| c.get(1)) {
            if lists_alternatives(&line[word.end()..]) {
                return;
            }
            if let Some(verdict) = candidate(word.as_str(), base + word.start()) {
                self.set_verdict(verdict, 3, facts);
                return;
            }
        }
        if line.contains("**") {
            for captures in BOLD_WORD.captures_iter(line) {
                let Some(word) = captures.get(1) else {
                    continue;
                };
                let is_caps = word.as_str().chars().all(|c| c.is_ascii_uppercase());
                if is_caps || in_decision_section {
                    if let Some(verdict) = candidate(word.as_str(), base + word.start()) {
                        if lists_alternatives(&line[captures.get(0).map_or(0, |m| m.end())..]) {
                            return;
                        }
                        self.set_verdict(verdict, if in_decision_section { 2 } else { 1 }, facts);
                        return;
                    }
                }
            }
        }
        if in_decision_section {
            if let Some(word) = CAPS_WORD.find(line.trim_start_matches(['-', '*', ' ', '#'])) {
                let offset = line.len() - line.trim_start_matches(['-', '*', ' ', '#']).len();
                let rest = &line[offset + word.end()..];
                if word.start() == 0 && !lists_alternatives(rest) {
                    if let Some(verdict) = candidate(word.as_str(), base + offset) {
                        self.set_verdict(verdict, 2, facts);
                    }
                }
            }
        }
    }

    /// Reads a heading's text (at byte `base`): `## Decision: PROCEED` or
    /// `## Verdict: KILL` with the verdict in capitals is a labelled
    /// verdict; a heading never gives an impact score or an approval.
    pub fn heading(&mut self, content: &str, base: usize, facts: &mut FileFacts) {
        let Some(word) = VERDICT_LABEL.captures(content).and_then(|c| c.get(1)) else {
            return;
        };
        let is_caps = word.as_str().chars().all(|c| c.is_ascii_uppercase());
        if !is_caps || lists_alternatives(&content[word.end()..]) {
            return;
        }
        if let Some(class) = verdict_class(word.as_str()) {
            let start = base + word.start();
            let verdict = Verdict {
                word: word.as_str().to_string(),
                class,
                range: start as u32..(start + word.len()) as u32,
            };
            self.set_verdict(verdict, 3, facts);
        }
    }

    fn set_verdict(&mut self, verdict: Verdict, priority: u8, facts: &mut FileFacts) {
        // Stronger evidence wins; among equals the first one wins.
        if self.verdict_priority < priority {
            self.verdict_priority = priority;
            facts.verdict = Some(Box::new(verdict));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lowered;
    use super::*;

    const DECISION: &str = "threads/sales/acme/4-decision.md";

    /// The verdict word of `text` as a stage-4 file, and its class.
    fn verdict(text: &str) -> Option<(String, VerdictClass)> {
        lowered(DECISION, text).verdict.map(|v| {
            assert_eq!(&text[v.range.start as usize..v.range.end as usize], v.word);
            (v.word, v.class)
        })
    }

    #[test]
    fn the_strongest_evidence_wins() {
        let text = r#"# Decision

Some **PASS** words, then the label.

**Decision:** PROCEED with the pilot
"#;
        assert_eq!(
            verdict(text),
            Some(("PROCEED".into(), VerdictClass::Proceed))
        );
        let text = r#"---
status: deferred
---
# Stage 4: Decision

Decision: CREATE
"#;
        assert_eq!(
            verdict(text),
            Some(("deferred".into(), VerdictClass::Defer))
        );
    }

    #[test]
    fn a_verb_leading_a_decision_section() {
        let text = r#"# Stage 4

## Verdict

DECLINE for now.
"#;
        assert_eq!(verdict(text), Some(("DECLINE".into(), VerdictClass::Stop)));
        let text = r#"## Alternatives Considered

DECLINE for now.

| Option | Decision: PROCEED |
|--------|-------------------|
| A      | **PROCEED**       |
"#;
        assert_eq!(verdict(text), None);
    }

    #[test]
    fn only_stage_4_has_a_verdict() {
        let facts = lowered("threads/sales/acme/3-implication.md", "**PROCEED**\n");
        assert_eq!(facts.verdict, None);
    }

    #[test]
    fn impact_and_approval() {
        let text = r#"# Decision

**Impact score:** 0.85 (above the 0.8 threshold)
Impact score: 0.5
Approved by: agent
"#;
        let facts = lowered(DECISION, text);
        let (score, range) = facts.impact.expect("an impact score");
        assert_eq!(
            (score, &text[range.start as usize..range.end as usize]),
            (0.85, "0.85")
        );
        assert!(!facts.approved);
        let facts = lowered(DECISION, "Approved by: Maria\n");
        assert!(facts.approved);
        let facts = lowered(DECISION, "- [x] **Approved**\n");
        assert!(facts.approved);
    }

    #[test]
    fn persons() {
        assert!(is_person("Maria"));
        assert!(is_person("**human**"));
        assert!(!is_person("AI-agent"));
        assert!(!is_person("automatic"));
        assert!(!is_person("{approver}"));
        assert!(!is_person(" "));
    }

    #[test]
    fn a_labelled_verdict_in_a_heading_counts_a_template_list_does_not() {
        let text = r#"# Stage 4: Decision

## Decision: PROCEED

We go ahead.
"#;
        assert_eq!(
            verdict(text),
            Some(("PROCEED".into(), VerdictClass::Proceed))
        );
        // A heading in prose case is a title, not a verdict.
        assert_eq!(
            verdict("# Stage 4: Decision\n\n## Decision: Build vs buy\n"),
            None
        );
        let text = "# Stage 4: Decision\n\n**PROCEED** / pilot in Q3\n";
        assert_eq!(
            verdict(text),
            Some(("PROCEED".into(), VerdictClass::Proceed))
        );
        let text = "# Stage 4: Decision\n\nDecision: BUILD / see 5-actions\n";
        assert_eq!(verdict(text), Some(("BUILD".into(), VerdictClass::Proceed)));
        let template = r#"# Stage 4: Decision

```
**Decision:** PROCEED | DEFER | DECLINE
```

**BUILD** / **KILL**
"#;
        assert_eq!(verdict(template), None);
    }

    #[test]
    fn placeholders_are_not_a_persons_approval() {
        for placeholder in [
            "NAME",
            "name",
            "[name]",
            "{owner}",
            "…",
            "Your Name",
            "TODO",
        ] {
            assert!(!is_person(placeholder), "{placeholder}");
        }
        for person in ["Jane", "j.doe", "Bella"] {
            assert!(is_person(person), "{person}");
        }
        let text = "# Stage 4: Decision\n\n**PROCEED**\n- **Impact score:** 0.9\n- **Approved by:** NAME (2026-12-02)\n";
        assert!(!lowered(DECISION, text).approved);
    }
}
