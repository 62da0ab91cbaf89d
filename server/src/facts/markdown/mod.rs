//! Lowering of markdown files: headings, assumption entries (Canvas
//! section 10), assumption references in assumption contexts, links of
//! every form, goal references and definitions, the stage-specific facts
//! (stage heading, thread title, verdict, impact score, approval, Canvas
//! updates, a learning's results and outcome) and the entries of the
//! solution section (Canvas 09).
//!
//! Lowering reads the file's pulldown-cmark [`Outline`] (`syntax/cmark.rs`,
//! the same for an open document and a file on disk), in three steps:
//! 1. `lines.rs` classifies each line by the outline block it belongs to
//!    (heading, list item, table row, fenced code, other text) and skips
//!    the lines no collector reads (frontmatter, fence and HTML lines).
//! 2. One walk over those lines keeps the heading path (`sections.rs`) and
//!    hands each line to the collectors, in a fixed order: entries
//!    (`entries.rs`, reading entry headings and field lines with
//!    `entry_heading.rs` and `field.rs`; an entry line goes to no other
//!    collector), goals
//!    (`goals.rs`), references (`references.rs`), the thread title
//!    (`stage.rs`), links (`links.rs`), the decision (`decision.rs`), the
//!    learning (`learning.rs`) and its feature requests (`requests.rs`). Each collector keeps its own state and
//!    writes its own fields of [`FileFacts`].
//! 3. After the walk: entries are merged, references sorted, a learning's
//!    results read (`results.rs`), the 09 entries and the goal built.
//!
//! Sources for each rule are in leanos-formats.md §2.6 (reference shapes),
//! §2.2 (entry forms), §8.1 (link syntaxes), §3.4 (stage headings), §3.8
//! (verdicts), §3.9 (impact and approval), §5 (goals), §6 (09).

mod decision;
mod entries;
mod entry_heading;
mod field;
mod goals;
mod learning;
mod lines;
mod links;
mod references;
mod requests;
mod results;
mod sections;
mod stage;

use std::sync::LazyLock;

use regex::Regex;

pub use decision::is_person;
pub use goals::is_subgoal_id;
pub use links::{canvas_number_of_ref, is_template_path, looks_like_path};

use super::paths::PathKind;
use super::{FileFacts, Heading, Problem};
use crate::config::Config;
use crate::syntax::{HeadingNode, Outline};
use decision::Decision;
use entries::Entries;
use goals::{GoalFile, GoalRefs};
use learning::Learning;
use lines::{Line, LineKind};
use links::Links;
use sections::Sections;

/// An upper-case word of three letters or more (`VALIDATED`, `PROCEED`):
/// a status badge or a verdict.
static CAPS_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b[A-Z]{3,}\b").expect("regex"));

/// A token without the punctuation that may follow it in prose
/// (`threads/x/6-learning.md).` → `threads/x/6-learning.md`).
fn trim_token(token: &str) -> &str {
    token.trim_end_matches(['.', ',', ';', ':', ')', '"', '\'', '!', '?'])
}

/// Whether `haystack` contains `needle` (ASCII lower case) in any ASCII
/// case: a test a line must pass before a `(?i)` pattern that requires the
/// needle can match, run first because it costs less than the pattern.
/// Exact only for needles without `k` and `s`, which `(?i)` also matches
/// as `K` (Kelvin) and `ſ`.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    debug_assert!(!needle.contains(['k', 's']) && needle == needle.to_ascii_lowercase());
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// What the lowering knows about a file before reading it: its text and
/// what its path says it is.
#[derive(Clone, Copy)]
struct MarkdownFile<'a> {
    text: &'a str,
    config: &'a Config,
    /// The stage of a stage file (1..=7, 7 only for the legacy
    /// `7-learning.md`).
    stage: Option<u8>,
    is_stage_file: bool,
    is_canvas_10: bool,
    is_canvas_09: bool,
    is_goal: bool,
}

impl MarkdownFile<'_> {
    /// Stage 6, or the legacy `7-learning.md`.
    fn is_learning(&self) -> bool {
        matches!(self.stage, Some(6) | Some(7))
    }
}

/// Lowers a markdown file at workspace path `path` into `facts` (whose
/// kind is already set); `outline` is the outline of `text`.
pub fn lower_markdown(
    path: &str,
    text: &str,
    outline: &Outline,
    config: &Config,
    facts: &mut FileFacts,
) {
    let kind = facts.path_kind();
    let file = MarkdownFile {
        text,
        config,
        stage: kind.stage(),
        is_stage_file: matches!(kind, PathKind::Stage { .. }),
        is_canvas_10: matches!(kind, PathKind::Canvas { number: 10, .. }),
        is_canvas_09: matches!(kind, PathKind::Canvas { number: 9, .. }),
        is_goal: matches!(kind, PathKind::Goal),
    };
    // Frontmatter first: its verdict wins over prose.
    if let Some(range) = &outline.frontmatter {
        let yaml = &text[range.start as usize..range.end as usize];
        match super::metadata::parse_yaml(yaml, range.start, "frontmatter") {
            Ok(meta) => facts.frontmatter = Some(Box::new(meta)),
            Err(problem) => facts.problems.push(Problem {
                code: "meta-invalid",
                message: problem.message,
                range: problem.range,
                severity: None,
            }),
        }
    }
    let decision = if file.stage == Some(4) {
        Decision::from_frontmatter(facts)
    } else {
        Decision::default()
    };
    let links = Links::from_outline(text, outline, file.is_stage_file, &mut facts.links);
    let mut lowering = Lowering {
        file,
        facts,
        sections: Sections::default(),
        entries: Entries::default(),
        goal_file: GoalFile::default(),
        goal_refs: GoalRefs::default(),
        links,
        decision,
        learning: Learning::default(),
    };
    for line in lines::classify(text, outline) {
        match line.kind {
            // Code is read only in stage files, where a fence may hold a
            // Canvas-update block.
            LineKind::FenceContent if !file.is_stage_file => {}
            LineKind::Heading(node) => lowering.heading(node),
            _ => lowering.line(&line),
        }
    }
    lowering.finish(path, outline);
}

/// The walk over a file's lines: the file, the facts being written and
/// the collectors' states.
struct Lowering<'a> {
    file: MarkdownFile<'a>,
    facts: &'a mut FileFacts,
    sections: Sections,
    entries: Entries,
    goal_file: GoalFile,
    goal_refs: GoalRefs,
    links: Links,
    decision: Decision,
    learning: Learning,
}

impl Lowering<'_> {
    /// A heading: it opens a section; an entry heading of Canvas 10 goes
    /// to no other collector; a heading is a verdict only as a label in
    /// capitals (`## Decision: PROCEED`), and never a goal reference, an
    /// outcome or a thread title.
    fn heading(&mut self, node: &HeadingNode) {
        let file = self.file;
        let content = &file.text[node.content.start as usize..node.content.end as usize];
        let base = node.content.start as usize;
        let level = node.level;
        self.sections.enter(level, content);
        self.facts.headings.push(Heading {
            level,
            text: content.into(),
            range: node.content.clone(),
        });
        if self.facts.headings.len() == 1 && file.is_stage_file {
            self.facts.stage_heading = Some(stage::stage_heading(content, node.content.clone()));
        }
        if file.is_goal {
            self.goal_file.heading(level, content, base);
        }
        if file.is_canvas_10 && self.entries.heading(file.text, node, content, file.config) {
            return;
        }
        if file.is_learning() {
            let parents = self.sections.parents();
            self.learning
                .heading(level, content, base, parents, file.config, self.facts);
        }
        references::heading(&file, &self.sections, content, base, &mut self.facts.refs);
        self.links.line(content, base, &mut self.facts.links);
        if file.stage == Some(4) {
            self.decision.heading(content, base, self.facts);
        }
    }

    /// A line that is no heading, in the section the headings above it
    /// open.
    fn line(&mut self, line: &Line) {
        let file = self.file;
        let section = self.sections.current();
        if file.is_canvas_10 && self.entries.line(file.text, line, file.config) {
            return;
        }
        if file.is_goal {
            self.goal_file.line(line);
        }
        references::line(&file, section, line, &mut self.facts.refs);
        if file.is_stage_file
            && self.facts.thread_title.is_none()
            && line.kind != LineKind::FenceContent
        {
            if let Some(title) = stage::thread_title(line.text) {
                self.facts.thread_title = Some(title.into());
            }
        }
        self.links
            .line(line.text, line.start, &mut self.facts.links);
        if !file.is_goal {
            self.goal_refs
                .line(line.text, line.start, &mut self.facts.goal_refs);
        }
        if file.stage == Some(4) {
            let is_table = matches!(line.kind, LineKind::TableRow(_));
            self.decision.line(
                line.text,
                line.start,
                section.is_decision(),
                is_table,
                self.facts,
            );
        }
        if file.is_learning() {
            self.learning.line(line, section, file.config, self.facts);
            requests::line(line, section, &mut self.facts.feature_requests);
        }
    }

    /// What is read once the walk is over, from the facts it wrote.
    fn finish(self, path: &str, outline: &Outline) {
        let Lowering {
            file,
            facts,
            entries,
            goal_file,
            ..
        } = self;
        facts.entries = entries.finish(file.text, &mut facts.refs).into();
        references::dedup(&mut facts.refs);
        if file.is_learning() {
            Learning::finish(file.text, &file.config.canvas_dir, facts);
        }
        if file.is_canvas_09 {
            facts.solution_entries = super::solution::solution_entries(file.text, outline).into();
        }
        if file.is_goal {
            let goal = goal_file.finish(path, facts.frontmatter.as_deref(), file.config);
            facts.goal = Some(Box::new(goal));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::config::Config;
    use crate::facts::{lower, FileFacts, ReadState};

    /// The facts of `text` lowered at workspace path `path` under the
    /// default configuration.
    pub fn lowered(path: &str, text: &str) -> FileFacts {
        let read = ReadState::Read {
            invalid_utf8_at: None,
        };
        lower(path, text, read, &Config::default())
    }

    /// The collectors run in a fixed order and see one classification of
    /// the lines: a whole stage-6 file lowers to these facts.
    #[test]
    fn a_learning_end_to_end() {
        let text = r#"---
canvas_updates: [10-assumptions.md]
---
# Stage 6: Learning
**Thread:** Developer productivity

**Status:** ✅ VALIDATED
**Goal:** g-developer-productivity (SG2: Improve development tooling)

## Canvas Updates

- 10-assumptions.md → A7: confidence 95%
- 09-solution.md → "AI Pair Review (validated)"
"#;
        let facts = lowered("threads/operations/example/6-learning.md", text);
        let headings: Vec<_> = facts
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str()))
            .collect();
        assert_eq!(headings, [(1, "Stage 6: Learning"), (2, "Canvas Updates")]);
        assert_eq!(facts.stage_heading.map(|h| h.stage), Some(Some(6)));
        assert_eq!(
            facts.thread_title.as_deref(),
            Some("Developer productivity")
        );
        assert!(facts.outcome.is_some());
        assert_eq!(facts.goal_refs.len(), 1);
        let refs: Vec<_> = facts.refs.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(refs, ["A7"]);
        assert_eq!(facts.learning_results.len(), 1);
        assert_eq!(facts.learning_results[0].confidence, Some(95));
        let features: Vec<_> = facts
            .solution_updates
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(features, ["AI Pair Review"]);
        assert!(facts.names_canvas);
        assert!(facts.problems.is_empty());
    }

    /// Code is read in stage files only.
    #[test]
    fn fenced_code_outside_stage_files_is_not_read() {
        let text = r#"```text
Tests: A4
**Evidence:** threads/sales/acme/6-learning.md
```
"#;
        let facts = lowered("notes.md", text);
        assert!(facts.refs.is_empty() && facts.links.is_empty());
        let facts = lowered("threads/sales/acme/1-input.md", text);
        assert_eq!((facts.refs.len(), facts.links.len()), (1, 1));
    }

    #[test]
    fn invalid_frontmatter_is_a_problem() {
        let text = r#"---
status: [unclosed
---
# Decision
"#;
        let facts = lowered("threads/sales/acme/4-decision.md", text);
        let codes: Vec<_> = facts.problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, ["meta-invalid"]);
    }
}
