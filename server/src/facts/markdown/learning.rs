//! A learning (stage 6, or the legacy `7-learning.md`): the assumptions it
//! cites in the entry form, whether it names a Canvas section it updates,
//! the 09 features it announces (leanos-formats.md §6.2), and its own
//! outcome and confidence (§2.3, §2.4). What it states for each citation
//! is read after the walk, in `results.rs`.
//!
//! A Canvas-updates section (§8.1 item 7) and the block of an assumption
//! heading (`### A4: Title`, the entry form repeated) state results for
//! the assumptions they cite, not the learning's own outcome.

use std::sync::LazyLock;

use regex::Regex;

use super::entries::entry_heading_id;
use super::lines::{heading_line_content, Line, LineKind};
use super::sections::Section;
use super::{references, results};
use crate::config::Config;
use crate::facts::solution::announced_features;
use crate::facts::status::{parse_confidence, parse_status};
use crate::facts::{FileFacts, LinkKind};

static OUTCOME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-*+]\s+)?\**(?:status|outcome|result|validation result)\**\s*:")
        .expect("regex")
});
static OUTCOME_CONFIDENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-*+]\s+)?\**(?:posterior|final|new)?\s*confidence\**\s*:")
        .expect("regex")
});
static SECTION_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bsection\s+[0-9]{1,2}\b").expect("regex"));

/// The learning collector.
#[derive(Debug, Default)]
pub(super) struct Learning {
    /// The level of the assumption heading (`### A4: Title`) whose block
    /// the current line is in: what is written there is that assumption's
    /// result, not the learning's own outcome.
    result_heading: Option<u8>,
}

impl Learning {
    /// Reads a heading of `level` whose text `content` starts at byte
    /// `base`; `parents` is the section the heading stands in.
    pub fn heading(
        &mut self,
        level: u8,
        content: &str,
        base: usize,
        parents: Section,
        config: &Config,
        facts: &mut FileFacts,
    ) {
        if self.result_heading.is_some_and(|l| level <= l) {
            self.result_heading = None;
        }
        if let Some((at, id)) = entry_heading_id(content, config) {
            references::push(id, base + at, config, &mut facts.refs);
            self.result_heading = Some(level);
        }
        // `### Section 10: Assumptions` under `## Canvas Updates Required`.
        if parents.canvas_updates && SECTION_NUMBER.is_match(content) {
            facts.names_canvas = true;
        }
    }

    /// Reads a line that is no heading, in `section`.
    pub fn line(&mut self, line: &Line, section: Section, config: &Config, facts: &mut FileFacts) {
        let fenced = line.kind == LineKind::FenceContent;
        if fenced {
            // A fenced Canvas-update block repeating the entry form.
            if let Some(content) = heading_line_content(line.text.trim_start()) {
                if let Some((at, id)) = entry_heading_id(content, config) {
                    let base =
                        line.start + (content.as_ptr() as usize - line.text.as_ptr() as usize);
                    references::push(id, base + at, config, &mut facts.refs);
                }
            }
        }
        if section.canvas_updates && SECTION_NUMBER.is_match(line.text) {
            facts.names_canvas = true;
        }
        facts
            .solution_updates
            .extend(announced_features(line.text, line.start));
        if section.canvas_updates || fenced || self.result_heading.is_some() {
            return;
        }
        if facts.outcome.is_none() && OUTCOME_LINE.is_match(line.text) {
            if let Some(status) = parse_status(line.text) {
                let range = line.start as u32..(line.start + line.text.len()) as u32;
                facts.outcome = Some((status, range));
            }
        }
        if facts.outcome_confidence.is_none() && OUTCOME_CONFIDENCE.is_match(line.text) {
            facts.outcome_confidence = parse_confidence(line.text);
        }
    }

    /// After the walk (references sorted and final): what the learning
    /// states for each citation, and whether it names the Canvas at all
    /// (a Canvas file name, or a link into the Canvas folder under
    /// `canvas_dir`).
    pub fn finish(text: &str, canvas_dir: &str, facts: &mut FileFacts) {
        let (results, announced) =
            results::learning_results(text, &facts.refs, &facts.solution_updates);
        facts.learning_results = results.into();
        facts.solution_update_results = announced.into();
        if !facts.names_canvas {
            let canvas_dir = format!("{canvas_dir}/");
            facts.names_canvas = facts.links.iter().any(|l| {
                matches!(l.kind, LinkKind::CanvasName(_))
                    || l.target.contains(&canvas_dir)
                    || l.target.starts_with("canvas/")
                    || l.target.contains("/canvas/")
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lowered;
    use crate::facts::status::AssumptionStatus;

    const LEARNING: &str = "threads/sales/acme/6-learning.md";

    #[test]
    fn the_learnings_own_outcome() {
        let text = r#"# Stage 6: Learning

**Status:** ✅ VALIDATED
**Posterior confidence:** 95%
"#;
        let facts = lowered(LEARNING, text);
        let (status, range) = facts.outcome.expect("an outcome");
        assert_eq!(status, AssumptionStatus::Validated);
        assert_eq!(
            &text[range.start as usize..range.end as usize],
            "**Status:** ✅ VALIDATED"
        );
        assert_eq!(facts.outcome_confidence, Some(95));
    }

    #[test]
    fn results_of_citations_are_no_outcome() {
        let text = r#"# Stage 6: Learning

### A4: Brand preferences
**Status:** ✅ VALIDATED

## Canvas Updates
Status: INVALIDATED

```text
Status: PARTIAL
```
"#;
        let facts = lowered(LEARNING, text);
        assert_eq!(facts.outcome, None);
        let cited: Vec<_> = facts.refs.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(cited, ["A4"]);
        // A heading of the same level ends the assumption's block.
        let text = r#"### A4: Brand preferences
### Outcome
Result: partially validated
"#;
        let facts = lowered(LEARNING, text);
        assert_eq!(
            facts.outcome.map(|(s, _)| s),
            Some(AssumptionStatus::Partial)
        );
    }

    #[test]
    fn a_fenced_entry_heading_is_a_citation() {
        let text = r#"# Learning

```markdown
### A7: AI assistants cut development time
Status: validated → VALIDATED
```
"#;
        let facts = lowered(LEARNING, text);
        let cited: Vec<_> = facts
            .refs
            .iter()
            .map(|r| &text[r.range.start as usize..r.range.end as usize])
            .collect();
        assert_eq!(cited, ["A7"]);
    }

    #[test]
    fn naming_the_canvas() {
        let named = |text: &str| lowered(LEARNING, text).names_canvas;
        assert!(named(
            r#"## Canvas Updates Required
### Section 10: Assumptions
"#
        ));
        assert!(named(
            r#"## Canvas Updates
Section 5 changes.
"#
        ));
        assert!(named("Updated `strategy/canvas/05-segments.md`.\n"));
        assert!(named("See 13-metrics.md.\n"));
        assert!(!named("Section 5 changes.\n"));
        assert!(!lowered("threads/sales/acme/5-actions.md", "See 13-metrics.md.\n").names_canvas);
    }

    #[test]
    fn announced_features() {
        let text = r#"Canvas update: 09-solution.md → "White-Label SDK (validated, 1 customer)"
"#;
        let facts = lowered(LEARNING, text);
        let names: Vec<_> = facts
            .solution_updates
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(names, ["White-Label SDK"]);
    }
}
