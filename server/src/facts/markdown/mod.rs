//! Lowering of markdown files: headings, assumption entries (Canvas
//! section 10), assumption references in assumption contexts, links of
//! every form, goal references and definitions, and the stage-specific
//! facts (stage heading, verdict, impact score, approval, Canvas updates).
//!
//! The outline from tree-sitter says which lines are headings, list items,
//! table rows, fenced code and frontmatter; the rest is read line by line.
//! Sources for each rule are in leanos-formats.md §2.6 (reference shapes),
//! §2.2 (entry forms), §8.1 (link syntaxes), §3.4 (stage headings), §3.8
//! (verdicts), §3.9 (impact and approval), §5 (goals).

use std::sync::LazyLock;

use regex::Regex;

use super::paths::{canvas_file_number, stage_of_file_name, PathKind};
use super::status::{parse_confidence, parse_status, AssumptionStatus};
use super::{
    is_assumption_id, AssumptionEntry, AssumptionRef, EntryForm, FileFacts, GoalDef, GoalRef,
    Heading, Link, LinkKind, StageHeading, Verdict, VerdictClass,
};
use crate::config::Config;
use crate::line_index::LineIndex;
use crate::syntax::{ByteRange, Outline};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineTag {
    Plain,
    Skip,
    FenceContent,
    Heading(u32),
    ListItem,
    TableRow(u32),
}

static ID_TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Z][0-9]{1,3}").expect("regex"));
static LABELLED_IDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:tests?|validates|tested\s+assumptions?|assumptions?(?:\s+being\s+tested)?|hypothes[ie]s)\b\**\s*:?\**\s*((?:\**[A-Z][0-9]{1,3}\**(?:\s*(?:,|&|and|/)\s*)?)+)",
    )
    .expect("regex")
});
static ARROW_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\b10[-.][a-z_-]+\.md|assumptions?)`?\s*(?:→|->)\s*\**([A-Z][0-9]{1,3})\b")
        .expect("regex")
});
static BOLD_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*+]\s+)?\*\*([A-Z][0-9]{1,3})\s*:?\s*\*\*").expect("regex")
});
static ENTRY_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^(?i:(?:assumption|hypothesis)\s+)?([A-Z][0-9]{1,3})(?:\s*[:.\-–—]\s*|\s+|$)(.*)$"#,
    )
    .expect("regex")
});
static LIST_ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?\**([A-Z][0-9]{1,3})\**\s*(?::|\s-|–|—)\**\s*(.+)$")
        .expect("regex")
});
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:[-*+]\s+)?(?:\*\*)?(status|confidence|evidence|new confidence|posterior confidence|current status)\s*(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.*?)\s*$",
    )
    .expect("regex")
});
static LABEL_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^\w])\**(evidence|link|thread|source|updated|file|output|path|spawned)\**\s*:\s*\**\s*([^\s`*]+)",
    )
    .expect("regex")
});
static CANVAS_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\w/.\-])([0-9]{1,2}[-.][A-Za-z][A-Za-z0-9_\-]*\.md)\b").expect("regex")
});
static GOAL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-*+]\s+)?\**goal(?:[ _]id)?\**\s*:\s*\**\s*`?([A-Za-z0-9][A-Za-z0-9_./\-]*)`?")
        .expect("regex")
});
static SUBGOAL_TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bSG[0-9]{1,3}\b").expect("regex"));
static SUBGOAL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\**\bsub-?goal\**\s*:\s*\**\s*(SG[0-9]{1,3})\b").expect("regex")
});
static GOAL_ID_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\*\*)?ID(?:\*\*)?\s*:\s*(?:\*\*)?\s*(\S+)").expect("regex"));
static STAGE_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:stage\s*([0-9]+)\s*[:.\-–—]?\s*)?([A-Za-z]+)?").expect("regex")
});
static VERDICT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:decision|verdict|status)\**\s*:\s*\**\s*([A-Za-z]+)").expect("regex")
});
static BOLD_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\*\*([A-Za-z]+)\*\*").expect("regex"));
static CAPS_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b[A-Z]{3,}\b").expect("regex"));
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
static THREAD_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\*\*Thread:\*\*\s*(.+?)\s*$").expect("regex"));
static OUTCOME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-*+]\s+)?\**(?:status|outcome|result|validation result)\**\s*:")
        .expect("regex")
});
static OUTCOME_CONFIDENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-*+]\s+)?\**(?:posterior|final|new)?\s*confidence\**\s*:")
        .expect("regex")
});
static LABELLED_CONFIDENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bconfidence\b\**\s*:?\**\s*(.*)$").expect("regex"));
static STATUS_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bstatus\b\**\s*:\**\s*([^,;)\n]*)").expect("regex"));
static SECTION_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bsection\s+[0-9]{1,2}\b").expect("regex"));

/// Whether `id` is a subgoal ID (`SG2`).
pub fn is_subgoal_id(id: &str) -> bool {
    id.strip_prefix("SG")
        .is_some_and(|d| !d.is_empty() && d.len() <= 3 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The Canvas section number of a `canvas_refs` item (`00-mode`,
/// `11-pricing.md`, `10.assumptions.md`).
pub fn canvas_number_of_ref(value: &str) -> Option<u8> {
    let with_md = if value.ends_with(".md") {
        value.to_string()
    } else {
        format!("{value}.md")
    };
    canvas_file_number(&with_md).map(|(n, _)| n)
}

/// Whether an approver value names a person rather than an agent, a
/// placeholder or nobody.
pub fn is_person(value: &str) -> bool {
    let value = value
        .trim()
        .trim_matches(['*', '"', '\''])
        .to_ascii_lowercase();
    !value.is_empty()
        && !value.contains('{')
        && !value.contains('<')
        && ![
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

/// The stage a verdict-like word belongs to, as a class.
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

/// Whether a path-ish token is a link target worth resolving. Not a
/// template ([`is_template_path`]); a leading slash is a root-relative
/// workspace path only before a workspace folder (`/threads/…/x.md`),
/// otherwise a web route or a system path (`/public/data/leanos.json`).
pub fn looks_like_path(value: &str) -> bool {
    if value.is_empty()
        || value.contains(['*', '$', '|', '[', ']', '(', ')'])
        || value.contains("://")
        || value.starts_with("mailto:")
        || value.starts_with('@')
        || value.starts_with('#')
        || is_template_path(value)
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    let folder_root = |path: &str| {
        [
            "threads/",
            "strategy/",
            "artifacts/",
            "research/",
            "canvas/",
            "docs/",
        ]
        .iter()
        .any(|root| path.starts_with(root))
    };
    let has_extension = [".md", ".json", ".yaml", ".yml", ".csv", ".toml"]
        .iter()
        .any(|ext| lower.ends_with(ext));
    if let Some(rooted) = lower.strip_prefix('/') {
        return folder_root(rooted) && has_extension;
    }
    let known_root = folder_root(&lower) || lower.starts_with("./") || lower.starts_with("../");
    value.contains('/') && (known_root || has_extension)
}

/// Whether a path-ish token is a template or a description rather than a
/// path (leanos-formats.md §8.1, §19 of the ambiguities): a placeholder
/// (`threads/sales/{company-name}/`, `artifacts/sales/<segment>/`), an
/// elision (`threads/sales/.../6-learning.md`, `threads/…/x.md`) or a range
/// of Canvas sections (`strategy/canvas/00–15`, `01-15`).
pub fn is_template_path(value: &str) -> bool {
    value.contains(['{', '}', '<', '>', '…'])
        || value
            .split('/')
            .any(|segment| segment.contains("...") || is_number_range(segment))
}

/// `00–15`, `1-15`, `01 — 15`: two numbers of one or two digits joined by
/// a hyphen or a dash.
fn is_number_range(segment: &str) -> bool {
    let digits = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    segment
        .split_once(['-', '–', '—'])
        .is_some_and(|(from, to)| digits(from.trim_end()) && digits(to.trim_start()))
}

fn trim_token(token: &str) -> &str {
    token.trim_end_matches(['.', ',', ';', ':', ')', '"', '\'', '!', '?'])
}

fn id_boundaries_ok(line: &str, start: usize, end: usize) -> bool {
    let before = line[..start].chars().next_back();
    let after = line[end..].chars().next();
    let bad_before = before
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '/' | '-' | '.' | '#' | '$'));
    let bad_after = after.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '/'))
        || (after == Some('-')
            && line[end + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric()))
        || (after == Some('.')
            && line[end + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit()));
    !bad_before && !bad_after
}

struct Lowering<'a> {
    text: &'a str,
    config: &'a Config,
    is_stage_file: bool,
    stage: Option<u8>,
    is_canvas_10: bool,
    is_canvas_09: bool,
    is_goal: bool,
    facts: &'a mut FileFacts,
    /// Ranges already taken by markdown links and code spans, so the
    /// bare-name scanner does not report them twice.
    taken: Vec<ByteRange>,
    last_goal_ref: Option<usize>,
    /// How strong the current verdict's evidence is (frontmatter 4,
    /// label 3, decision section 2, bold word elsewhere 1).
    verdict_priority: u8,
}

impl Lowering<'_> {
    /// Stage 6, or the legacy `7-learning.md`.
    fn is_learning(&self) -> bool {
        matches!(self.stage, Some(6) | Some(7))
    }

    fn push_ref(&mut self, id: &str, start: usize) {
        if is_assumption_id(id, self.config) {
            self.facts.refs.push(AssumptionRef {
                id: id.to_string(),
                range: start as u32..(start + id.len()) as u32,
            });
        }
    }

    fn is_taken(&self, start: usize, end: usize) -> bool {
        self.taken
            .iter()
            .any(|r| (r.start as usize) < end && start < r.end as usize)
    }

    /// Every ID token of `line` (at byte `base`) is a reference.
    fn all_ids(&mut self, line: &str, base: usize) {
        for found in ID_TOKEN.find_iter(line) {
            if id_boundaries_ok(line, found.start(), found.end()) {
                self.push_ref(found.as_str(), base + found.start());
            }
        }
    }

    /// References by shape: `Tests: A4`, `Validates: A1`, `10-assumptions.md → H1`,
    /// `**A7:**` under an assumption heading.
    fn pattern_ids(&mut self, line: &str, base: usize, assumption_section: bool) {
        for captures in LABELLED_IDS.captures_iter(line) {
            if let Some(list) = captures.get(1) {
                for found in ID_TOKEN.find_iter(list.as_str()) {
                    let start = list.start() + found.start();
                    if id_boundaries_ok(line, start, start + found.len()) {
                        self.push_ref(found.as_str(), base + start);
                    }
                }
            }
        }
        for captures in ARROW_ID.captures_iter(line) {
            if let Some(id) = captures.get(1) {
                self.push_ref(id.as_str(), base + id.start());
            }
        }
        if assumption_section {
            if let Some(id) = BOLD_ID.captures(line).and_then(|c| c.get(1)) {
                self.push_ref(id.as_str(), base + id.start());
            }
        }
    }

    fn dedup_refs(&mut self) {
        self.facts
            .refs
            .sort_by_key(|r| (r.range.start, r.range.end));
        self.facts.refs.dedup();
    }

    fn links_in_line(&mut self, line: &str, base: usize) {
        for captures in LABEL_PATH.captures_iter(line) {
            let (Some(label), Some(value)) = (captures.get(1), captures.get(2)) else {
                continue;
            };
            let token = trim_token(value.as_str());
            let start = base + value.start();
            if self.is_taken(start, start + token.len()) {
                continue;
            }
            let is_thread_label = label.as_str().eq_ignore_ascii_case("thread");
            if looks_like_path(token) {
                self.facts.links.push(Link {
                    target: token.to_string(),
                    range: start as u32..(start + token.len()) as u32,
                    kind: LinkKind::Path,
                    span: None,
                });
                self.taken.push(start as u32..(start + token.len()) as u32);
            } else if is_thread_label
                && token.contains('/')
                && !token.contains('.')
                && !is_template_path(token)
            {
                self.facts.links.push(Link {
                    target: token.to_string(),
                    range: start as u32..(start + token.len()) as u32,
                    kind: LinkKind::Thread,
                    span: None,
                });
                self.taken.push(start as u32..(start + token.len()) as u32);
            }
        }
        for captures in CANVAS_NAME.captures_iter(line) {
            let Some(name) = captures.get(1) else {
                continue;
            };
            let start = base + name.start();
            if self.is_taken(start, start + name.len()) {
                continue;
            }
            if let Some(number) = canvas_name_number(name.as_str()) {
                self.facts.links.push(Link {
                    target: name.as_str().to_string(),
                    range: start as u32..(start + name.len()) as u32,
                    kind: LinkKind::CanvasName(number),
                    span: None,
                });
            } else if self.is_stage_file && stage_of_file_name(name.as_str()).is_some() {
                // `see 5-actions.md`: a sibling stage file of this thread.
                self.facts.links.push(Link {
                    target: name.as_str().to_string(),
                    range: start as u32..(start + name.len()) as u32,
                    kind: LinkKind::Sibling,
                    span: None,
                });
            }
        }
    }

    fn goal_refs_in_line(&mut self, line: &str, base: usize) {
        if self.is_goal {
            return;
        }
        if let Some(captures) = GOAL_LINE.captures(line) {
            if let Some(id) = captures.get(1) {
                let token = trim_token(id.as_str());
                let after = &line[id.start() + token.len()..];
                let ends_cleanly = after.trim_start().is_empty()
                    || after.starts_with([' ', '(', ',', '`'])
                        && !after
                            .trim_start()
                            .starts_with(|c: char| c.is_alphanumeric());
                let id_like = token.contains(['-', '_'])
                    && token.chars().any(|c| c.is_ascii_alphabetic())
                    && !token.contains('{');
                if id_like && ends_cleanly {
                    let subgoal = SUBGOAL_TOKEN.find(after).map(|m| {
                        let start = base + id.start() + token.len() + m.start();
                        (
                            m.as_str().to_string(),
                            start as u32..(start + m.len()) as u32,
                        )
                    });
                    let start = base + id.start();
                    self.facts.goal_refs.push(GoalRef {
                        goal: token.to_string(),
                        range: start as u32..(start + token.len()) as u32,
                        subgoal,
                    });
                    self.last_goal_ref = Some(self.facts.goal_refs.len() - 1);
                    return;
                }
            }
        }
        if let (Some(captures), Some(index)) = (SUBGOAL_LINE.captures(line), self.last_goal_ref) {
            if let Some(sg) = captures.get(1) {
                let start = base + sg.start();
                let goal_ref = &mut self.facts.goal_refs[index];
                if goal_ref.subgoal.is_none() {
                    goal_ref.subgoal = Some((
                        sg.as_str().to_string(),
                        start as u32..(start + sg.len()) as u32,
                    ));
                } else {
                    let goal = goal_ref.goal.clone();
                    let range = goal_ref.range.clone();
                    self.facts.goal_refs.push(GoalRef {
                        goal,
                        range,
                        subgoal: Some((
                            sg.as_str().to_string(),
                            start as u32..(start + sg.len()) as u32,
                        )),
                    });
                }
            }
        }
    }

    fn decision_facts(
        &mut self,
        line: &str,
        base: usize,
        in_decision_section: bool,
        is_table: bool,
    ) {
        if self.facts.impact.is_none() {
            if let Some(score) = IMPACT.captures(line).and_then(|c| c.get(1)) {
                if let Ok(value) = score.as_str().parse::<f64>() {
                    let start = base + score.start();
                    self.facts.impact = Some((value, start as u32..(start + score.len()) as u32));
                }
            }
        }
        if !self.facts.approved {
            let by_person = APPROVED_BY
                .captures(line)
                .and_then(|c| c.get(1))
                .is_some_and(|who| is_person(who.as_str()));
            if by_person || APPROVE_CHECKED.is_match(line) {
                self.facts.approved = true;
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
        // `Decision: CREATE`, `**Decision:** PROCEED with …`
        if let Some(word) = VERDICT_LABEL.captures(line).and_then(|c| c.get(1)) {
            if let Some(verdict) = candidate(word.as_str(), base + word.start()) {
                self.set_verdict(verdict, 3);
                return;
            }
        }
        for captures in BOLD_WORD.captures_iter(line) {
            let Some(word) = captures.get(1) else {
                continue;
            };
            let is_caps = word.as_str().chars().all(|c| c.is_ascii_uppercase());
            if is_caps || in_decision_section {
                if let Some(verdict) = candidate(word.as_str(), base + word.start()) {
                    self.set_verdict(verdict, if in_decision_section { 2 } else { 1 });
                    return;
                }
            }
        }
        if in_decision_section {
            if let Some(word) = CAPS_WORD.find(line.trim_start_matches(['-', '*', ' ', '#'])) {
                let offset = line.len() - line.trim_start_matches(['-', '*', ' ', '#']).len();
                if word.start() == 0 {
                    if let Some(verdict) = candidate(word.as_str(), base + offset) {
                        self.set_verdict(verdict, 2);
                    }
                }
            }
        }
    }

    fn set_verdict(&mut self, verdict: Verdict, priority: u8) {
        // Frontmatter verdicts (set before lowering lines) and stronger
        // evidence win; among equals the first one wins.
        if self.verdict_priority < priority {
            self.verdict_priority = priority;
            self.facts.verdict = Some(Box::new(verdict));
        }
    }
}

/// The Canvas section number of a bare Canvas file name. Single digits
/// with a dash are stage files (`2-hypothesis.md`), not Canvas names.
fn canvas_name_number(name: &str) -> Option<u8> {
    let (number, _) = canvas_file_number(name)?;
    let digits = name.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 1 && name.as_bytes()[1] == b'-' {
        return None;
    }
    Some(number)
}

fn heading_mentions(headings: &[(u8, String)], needles: &[&str]) -> bool {
    headings
        .iter()
        .any(|(_, text)| needles.iter().any(|n| text.contains(n)))
}

/// Lowers a markdown file into `facts`.
pub fn lower_markdown(
    path: &str,
    text: &str,
    outline: &Outline,
    config: &Config,
    facts: &mut FileFacts,
) {
    let kind = facts.path_kind().clone();
    let stage = kind.stage();
    let mut lowering = Lowering {
        text,
        config,
        is_stage_file: matches!(kind, PathKind::Stage { .. }),
        stage,
        is_canvas_10: matches!(kind, PathKind::Canvas { number: 10, .. }),
        is_canvas_09: matches!(kind, PathKind::Canvas { number: 9, .. }),
        is_goal: matches!(kind, PathKind::Goal),
        facts,
        taken: Vec::new(),
        last_goal_ref: None,
        verdict_priority: 0,
    };
    // Frontmatter first: its verdict wins over prose.
    if let Some(range) = &outline.frontmatter {
        let yaml = &text[range.start as usize..range.end as usize];
        match super::metadata::parse_yaml(yaml, range.start, "frontmatter") {
            Ok(meta) => lowering.facts.frontmatter = Some(meta),
            Err(problem) => lowering.facts.problems.push(super::Problem {
                code: "meta-invalid",
                message: problem.message,
                range: problem.range,
                severity: None,
            }),
        }
    }
    if let Some(status) = lowering
        .facts
        .frontmatter
        .as_ref()
        .filter(|_| stage == Some(4))
        .and_then(|m| m.get("status"))
    {
        if let super::metadata::MetaValue::String(word) = &status.value {
            if let Some(class) = verdict_class(&word.trim().to_ascii_uppercase()) {
                lowering.facts.verdict = Some(Box::new(Verdict {
                    word: word.trim().to_string(),
                    class,
                    range: status.value_range.clone(),
                }));
                lowering.verdict_priority = 4;
            }
        }
    }
    lowering.run(path, outline);
}

impl Lowering<'_> {
    fn run(&mut self, path: &str, outline: &Outline) {
        let text = self.text;
        let index = LineIndex::new(text);
        let line_count = index.line_count();
        let mut tags = vec![LineTag::Plain; line_count];
        let mark = |tags: &mut Vec<LineTag>, range: &ByteRange, tag: LineTag, rest: LineTag| {
            if range.end <= range.start {
                return;
            }
            let first = index.line_of(range.start) as usize;
            let last = index.line_of(range.end.saturating_sub(1)) as usize;
            for (offset, slot) in tags[first..=last.min(line_count - 1)]
                .iter_mut()
                .enumerate()
            {
                *slot = if offset == 0 { tag } else { rest };
            }
        };
        if let Some(range) = &outline.frontmatter {
            let start = text[..range.start as usize]
                .rfind("---")
                .map(|i| i as u32)
                .unwrap_or(0);
            let end = text[range.end as usize..]
                .find('\n')
                .map(|i| range.end + i as u32 + 1)
                .unwrap_or(text.len() as u32);
            mark(&mut tags, &(start..end), LineTag::Skip, LineTag::Skip);
        }
        for block in &outline.html_blocks {
            mark(&mut tags, block, LineTag::Skip, LineTag::Skip);
        }
        for fence in &outline.fences {
            mark(&mut tags, &fence.range, LineTag::Skip, LineTag::Skip);
            if fence.content.end > fence.content.start {
                mark(
                    &mut tags,
                    &fence.content,
                    LineTag::FenceContent,
                    LineTag::FenceContent,
                );
            }
        }
        for item in &outline.list_items {
            let line = index.line_of(item.start) as usize;
            if tags[line] == LineTag::Plain {
                tags[line] = LineTag::ListItem;
            }
        }
        for (i, row) in outline.table_rows.iter().enumerate() {
            let line = index.line_of(row.range.start) as usize;
            tags[line] = LineTag::TableRow(i as u32);
        }
        for (i, heading) in outline.headings.iter().enumerate() {
            mark(
                &mut tags,
                &heading.range,
                LineTag::Heading(i as u32),
                LineTag::Skip,
            );
        }
        for link in &outline.links {
            self.taken.push(link.destination.clone());
            let target = &text[link.destination.start as usize..link.destination.end as usize];
            let target = target.trim_matches(['<', '>']);
            let external = target.contains("://")
                || target.starts_with("mailto:")
                || target.starts_with('#')
                || is_template_path(target)
                || target.is_empty();
            if !external {
                self.facts.links.push(Link {
                    target: target.to_string(),
                    range: link.destination.clone(),
                    kind: LinkKind::Markdown,
                    span: Some(link.range.clone()),
                });
            }
        }
        for span in &outline.code_spans {
            self.taken.push(span.clone());
            let content = text[span.start as usize..span.end as usize].trim();
            if looks_like_path(content) {
                self.facts.links.push(Link {
                    target: content.to_string(),
                    range: span.clone(),
                    kind: LinkKind::Path,
                    span: None,
                });
            } else if let Some(number) = canvas_name_number(content) {
                self.facts.links.push(Link {
                    target: content.to_string(),
                    range: span.clone(),
                    kind: LinkKind::CanvasName(number),
                    span: None,
                });
            }
        }

        let mut stack: Vec<(u8, String)> = Vec::new();
        let mut open_entry: Option<(usize, u8)> = None;
        let mut table_columns: Option<TableColumns> = None;
        let mut heading_entries: Vec<AssumptionEntry> = Vec::new();
        let mut other_entries: Vec<AssumptionEntry> = Vec::new();
        let mut subgoals: Vec<(String, ByteRange)> = Vec::new();
        let mut goal_title: Option<String> = None;
        let mut goal_id_line: Option<String> = None;
        let stage2 = self.stage == Some(2);
        let stage_2_or_6 = stage2 || self.is_learning();
        // In a learning, the level of the assumption heading (`### A4:
        // Title`) whose block the current line is in: what is written there
        // is that assumption's result, not the learning's own outcome.
        let mut result_heading: Option<u8> = None;

        for (line_number, &tag) in tags.iter().enumerate() {
            if tag == LineTag::Skip {
                continue;
            }
            let start = index.line_start(line_number as u32).unwrap_or(0) as usize;
            let end = index.line_end(text, line_number as u32).unwrap_or(0) as usize;
            let line = text[start..end].trim_end_matches('\r');
            if tag == LineTag::FenceContent && !self.is_stage_file {
                continue;
            }
            if let LineTag::Heading(i) = tag {
                let node = &outline.headings[i as usize];
                let content = &text[node.content.start as usize..node.content.end as usize];
                let level = node.level;
                while stack.last().is_some_and(|(l, _)| *l >= level) {
                    stack.pop();
                }
                stack.push((level, content.to_lowercase()));
                table_columns = None;
                self.facts.headings.push(Heading {
                    level,
                    text: content.to_string(),
                    range: node.content.clone(),
                });
                if let Some((entry_index, entry_level)) = open_entry {
                    if level <= entry_level {
                        heading_entries[entry_index].range.end = node
                            .range
                            .start
                            .saturating_sub(1)
                            .max(heading_entries[entry_index].range.start);
                        open_entry = None;
                    }
                }
                if self.facts.headings.len() == 1 && self.is_stage_file {
                    self.facts.stage_heading = Some(stage_heading(content, node.content.clone()));
                }
                if self.is_goal {
                    if goal_title.is_none() && level == 1 {
                        let title = content.trim();
                        let title = title.strip_prefix("Goal:").map(str::trim).unwrap_or(title);
                        goal_title = Some(title.to_string());
                    }
                    if let Some(sg) = SUBGOAL_TOKEN.find(content).filter(|m| m.start() == 0) {
                        let s = node.content.start as usize + sg.start();
                        subgoals.push((sg.as_str().to_string(), s as u32..(s + sg.len()) as u32));
                    }
                }
                if self.is_canvas_10 {
                    if let Some(entry) =
                        heading_entry(content, node.content.start as usize, self.config)
                    {
                        let mut entry = entry;
                        entry.range = node.range.start..text.len() as u32;
                        heading_entries.push(entry);
                        open_entry = Some((heading_entries.len() - 1, level));
                        continue;
                    }
                }
                let base = node.content.start as usize;
                if self.is_learning() {
                    if result_heading.is_some_and(|l| level <= l) {
                        result_heading = None;
                    }
                    if let Some((at, id)) = entry_heading_id(content, self.config) {
                        self.push_ref(id, base + at);
                        result_heading = Some(level);
                    }
                }
                let assumption_section =
                    heading_mentions(&stack[..stack.len() - 1], &["assumption", "hypothes"]);
                if stage2 || heading_mentions(&stack, &["canvas update"]) {
                    self.all_ids(content, base);
                } else if !self.is_canvas_10 {
                    self.pattern_ids(content, base, assumption_section);
                }
                self.links_in_line(content, base);
                if self.is_learning()
                    && heading_mentions(&stack[..stack.len() - 1], &["canvas update"])
                    && SECTION_NUMBER.is_match(content)
                {
                    self.facts.names_canvas = true;
                }
                continue;
            }

            let assumption_section = heading_mentions(&stack, &["assumption", "hypothes"]);
            let canvas_updates = heading_mentions(&stack, &["canvas update"]);
            let canvas_links = self.is_goal && heading_mentions(&stack, &["canvas link"]);
            let decision_section = heading_mentions(&stack, &["decision", "verdict"])
                && !heading_mentions(&stack, &["alternative"]);
            let is_table = matches!(tag, LineTag::TableRow(_));

            // Canvas section 10: entries and their fields.
            if self.is_canvas_10 && tag != LineTag::FenceContent {
                if let LineTag::TableRow(i) = tag {
                    let row = &outline.table_rows[i as usize];
                    if row.header {
                        table_columns = TableColumns::from_header(text, row);
                    } else if let Some(columns) = &table_columns {
                        if let Some(entry) = columns.entry(text, row, self.config) {
                            other_entries.push(entry);
                            continue;
                        }
                    }
                }
                if tag == LineTag::ListItem && open_entry.is_none() {
                    if let Some(entry) = list_entry(line, start, self.config) {
                        other_entries.push(entry);
                        continue;
                    }
                }
                if let Some((entry_index, _)) = open_entry {
                    if let Some(captures) = FIELD.captures(line) {
                        if let (Some(name), Some(value)) = (captures.get(1), captures.get(2)) {
                            let entry = &mut heading_entries[entry_index];
                            let value_range =
                                (start + value.start()) as u32..(start + value.end()) as u32;
                            let name = name.as_str().to_ascii_lowercase();
                            if name.contains("status") && entry.status.is_none() {
                                entry.status = parse_status(value.as_str());
                                entry.status_range = Some(value_range);
                            } else if name.contains("confidence") {
                                if let Some(c) = parse_confidence(value.as_str()) {
                                    entry.confidence = Some(c);
                                    entry.confidence_range = Some(value_range);
                                }
                            } else if name == "evidence" && entry.evidence.is_none() {
                                entry.evidence = Some(value.as_str().to_string());
                            }
                        }
                    }
                }
            }

            if self.is_goal && tag == LineTag::ListItem {
                let body = line
                    .trim_start()
                    .trim_start_matches(['-', '*', '+'])
                    .trim_start();
                if let Some(sg) = SUBGOAL_TOKEN.find(body).filter(|m| m.start() == 0) {
                    let s = start + (line.len() - body.len()) + sg.start();
                    subgoals.push((sg.as_str().to_string(), s as u32..(s + sg.len()) as u32));
                }
            }
            if self.is_goal && goal_id_line.is_none() {
                if let Some(id) = GOAL_ID_LINE.captures(line).and_then(|c| c.get(1)) {
                    goal_id_line = Some(trim_token(id.as_str()).to_string());
                }
            }

            // References.
            if tag == LineTag::FenceContent && self.is_learning() {
                // A fenced Canvas-update block repeating the entry form.
                if let Some(content) = heading_line_content(line.trim_start()) {
                    if let Some((at, id)) = entry_heading_id(content, self.config) {
                        let base = start + (content.as_ptr() as usize - line.as_ptr() as usize);
                        self.push_ref(id, base + at);
                    }
                }
            }
            let list_or_row = matches!(tag, LineTag::ListItem | LineTag::TableRow(_));
            if stage2 || canvas_updates || (list_or_row && (stage_2_or_6 || canvas_links)) {
                self.all_ids(line, start);
            } else {
                self.pattern_ids(line, start, assumption_section);
            }

            if self.is_stage_file
                && self.facts.thread_title.is_none()
                && tag != LineTag::FenceContent
            {
                if let Some(title) = THREAD_TITLE.captures(line).and_then(|c| c.get(1)) {
                    if !looks_like_path(title.as_str()) {
                        self.facts.thread_title = Some(title.as_str().to_string());
                    }
                }
            }
            if tag != LineTag::FenceContent || self.is_stage_file {
                self.links_in_line(line, start);
                self.goal_refs_in_line(line, start);
            }
            if self.stage == Some(4) {
                self.decision_facts(line, start, decision_section, is_table);
            }
            if self.is_learning() && canvas_updates && SECTION_NUMBER.is_match(line) {
                self.facts.names_canvas = true;
            }
            if self.is_learning() {
                self.facts
                    .solution_updates
                    .extend(super::solution::announced_features(line, start));
                if !canvas_updates && tag != LineTag::FenceContent && result_heading.is_none() {
                    if self.facts.outcome.is_none() && OUTCOME_LINE.is_match(line) {
                        if let Some(status) = parse_status(line) {
                            self.facts.outcome =
                                Some((status, start as u32..(start + line.len()) as u32));
                        }
                    }
                    if self.facts.outcome_confidence.is_none() && OUTCOME_CONFIDENCE.is_match(line)
                    {
                        self.facts.outcome_confidence = parse_confidence(line);
                    }
                }
            }
        }
        if let Some((entry_index, _)) = open_entry {
            heading_entries[entry_index].range.end = text.trim_end().len() as u32;
        }

        // A table row or list item whose ID a heading block also defines is
        // a summary line (v2 `## Summary` / `## Validation Queue`), not a
        // second definition.
        let mut entries = heading_entries;
        for entry in other_entries {
            if entries
                .iter()
                .any(|e| e.form == EntryForm::Heading && e.id == entry.id)
            {
                self.facts.refs.push(AssumptionRef {
                    id: entry.id.clone(),
                    range: entry.id_range.clone(),
                });
            } else {
                entries.push(entry);
            }
        }
        entries.sort_by_key(|e| e.range.start);
        self.facts.entries = entries;
        self.dedup_refs();

        if self.is_learning() {
            let mut citations: Vec<(u32, &str)> = self
                .facts
                .refs
                .iter()
                .map(|r| (r.range.start, r.id.as_str()))
                .chain(
                    self.facts
                        .solution_updates
                        .iter()
                        .map(|(_, r)| (r.start, "")),
                )
                .collect();
            citations.sort_unstable();
            let results = self
                .facts
                .refs
                .iter()
                .filter_map(|r| result_near(text, r, &citations))
                .collect();
            let announced = self
                .facts
                .solution_updates
                .iter()
                .map(|(_, range)| announced_result(text, range, &citations))
                .collect();
            self.facts.learning_results = results;
            self.facts.solution_update_results = announced;
        }
        if self.is_canvas_09 {
            self.facts.solution_entries = super::solution::solution_entries(text, outline);
        }

        if self.is_learning() && !self.facts.names_canvas {
            let canvas_dir = format!("{}/", self.config.canvas_dir);
            self.facts.names_canvas = self.facts.links.iter().any(|l| {
                matches!(l.kind, LinkKind::CanvasName(_))
                    || l.target.contains(&canvas_dir)
                    || l.target.starts_with("canvas/")
                    || l.target.contains("/canvas/")
            });
        }

        if self.is_goal {
            let meta = self.facts.frontmatter.as_ref();
            let from_meta = meta.and_then(|m| m.text("id").or_else(|| m.text("goal_id")));
            let name = crate::paths::file_name(path);
            let parent = crate::paths::parent(path);
            let goals_root_depth = self.config.goals_dir.split('/').count() + 1;
            let depth = path.split('/').count() - 1;
            let from_path = if name == "goal.md" {
                crate::paths::file_name(parent).to_string()
            } else if depth > goals_root_depth {
                // A subgoal file in an E6 goal folder: `arr-q1/1.pipeline`.
                format!(
                    "{}/{}",
                    crate::paths::file_name(parent),
                    name.trim_end_matches(".md")
                )
            } else {
                name.trim_end_matches(".md").to_string()
            };
            let status = meta.and_then(|m| m.text("status"));
            self.facts.goal = Some(Box::new(GoalDef {
                id: from_meta.or(goal_id_line).unwrap_or(from_path),
                title: goal_title.unwrap_or_default(),
                status,
                subgoals,
            }));
        }
    }
}

/// What a learning states about one item it cites: an assumption, or a
/// feature it announces for 09.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Stated<'t> {
    status: Option<AssumptionStatus>,
    confidence: Option<u8>,
    evidence: Option<&'t str>,
}

/// Where each citation of a learning starts (assumption references and
/// 09 announcements), sorted, with the assumption ID (empty for a 09
/// announcement): a result block ends at the next line citing something
/// else.
type Citations<'a> = [(u32, &'a str)];

/// What a learning states for the citation `reference` (leanos-formats.md
/// §2.4, §2.6; README "Canvas drift, precisely"): on the citing line (a
/// status word; a confidence only after the word `confidence`; on a
/// heading, only a status badge), then in the block below it
/// ([`read_block`]).
fn result_near(
    text: &str,
    reference: &super::AssumptionRef,
    citations: &Citations,
) -> Option<super::LearningResult> {
    let (line_start, line) = line_at(text, reference.range.start as usize);
    let after_id = line
        .get((reference.range.end as usize).saturating_sub(line_start)..)
        .unwrap_or("");
    let heading = heading_line_content(line.trim_start()).is_some();
    let mut stated = Stated {
        status: if heading {
            title_badge_start(after_id).and_then(|at| parse_status(&after_id[at..]))
        } else {
            parse_status(after_id)
        },
        confidence: labelled_confidence(after_id),
        evidence: None,
    };
    read_block(
        text,
        line_start,
        line,
        heading,
        &reference.id,
        citations,
        &mut stated,
    );
    (stated.status.is_some() || stated.confidence.is_some()).then(|| super::LearningResult {
        id: reference.id.clone(),
        range: reference.range.clone(),
        status: stated.status,
        confidence: stated.confidence,
        evidence: stated.evidence.map(str::to_string),
    })
}

/// What a learning states for the 09 feature it announces at `range` (the
/// feature name): notes and labels after the name on the announcing line
/// (`"White-Label SDK (validated, 1 customer)"`, `(confidence: 95%)`), then
/// the block below it.
fn announced_result(
    text: &str,
    range: &ByteRange,
    citations: &Citations,
) -> super::AnnouncedResult {
    let (line_start, line) = line_at(text, range.start as usize);
    let from = (range.end as usize)
        .saturating_sub(line_start)
        .min(line.len());
    // Up to the next citation on the same line, if any.
    let next = citations.partition_point(|&(start, _)| start <= range.start);
    let to = citations
        .get(next)
        .map(|&(start, _)| start as usize)
        .filter(|&start| start < line_start + line.len())
        .map_or(line.len(), |start| start - line_start);
    let after = line.get(from..to.max(from)).unwrap_or("");
    let status = STATUS_LABEL
        .captures(after)
        .and_then(|c| c.get(1))
        .and_then(|m| parse_status(m.as_str()))
        .or_else(|| {
            after
                .split('(')
                .skip(1)
                .find_map(|group| parse_status(group.split(')').next().unwrap_or("")))
        })
        .or_else(|| title_badge_start(after).and_then(|at| parse_status(&after[at..])));
    let mut stated = Stated {
        status,
        confidence: labelled_confidence(after),
        evidence: None,
    };
    read_block(text, line_start, line, false, "", citations, &mut stated);
    super::AnnouncedResult {
        status: stated.status,
        confidence: stated.confidence,
    }
}

/// The line holding byte `offset`: its start and its text (no line break).
fn line_at(text: &str, offset: usize) -> (usize, &str) {
    let offset = crate::line_index::floor_char_boundary(text, offset.min(text.len()));
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    (start, text[start..end].trim_end_matches('\r'))
}

/// A confidence labelled as such: `confidence 95%`, `Confidence: 60% →
/// 95%`, `(confidence: 95%)`.
fn labelled_confidence(text: &str) -> Option<u8> {
    LABELLED_CONFIDENCE
        .captures(text)
        .and_then(|c| c.get(1))
        .and_then(|m| parse_confidence(m.as_str()))
}

/// The content of an ATX heading line (`### A4: Title` → `A4: Title`),
/// also inside a fence, where a Canvas-update block repeats the entry form.
fn heading_line_content(trimmed: &str) -> Option<&str> {
    let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
    let rest = &trimmed[hashes..];
    ((1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t'])))
        .then(|| rest.trim())
}

/// The text of a list item after its marker (`- `, `* `, `+ `, `1. `,
/// `- [x] `), or `None` when the line is no list item (`**Status:**` is
/// not one).
fn list_item_body(trimmed: &str) -> Option<&str> {
    let rest = match trimmed.as_bytes().first()? {
        b'-' | b'*' | b'+' => &trimmed[1..],
        b'0'..=b'9' => {
            let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
            trimmed[digits..].strip_prefix(['.', ')'])?
        }
        _ => return None,
    };
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let rest = rest.trim_start();
    Some(
        rest.strip_prefix("[ ]")
            .or_else(|| rest.strip_prefix("[x]"))
            .or_else(|| rest.strip_prefix("[X]"))
            .map_or(rest, str::trim_start),
    )
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Reads the result block below a citing line into `stated` (fields
/// already stated on the line win): `Status:`, `Confidence:` and
/// `Evidence:` lines, bold or not, as list items or not, in any order with
/// other lines between.
///
/// Under a heading (`### A4: Title`, the entry form repeated in a
/// learning) the block runs to the next heading, blank lines and list
/// items included. Under any other line it runs to a blank line or a new
/// list item (sub-items of a citing list item belong to it). Either way a
/// fence, a heading or a line citing something else ends it: a result
/// belongs to the item it is written under.
fn read_block<'t>(
    text: &'t str,
    line_start: usize,
    citing: &str,
    heading: bool,
    id: &str,
    citations: &Citations,
    stated: &mut Stated<'t>,
) {
    let line_end = line_start + citing.len();
    let mut offset = match text[line_end..].find('\n') {
        Some(i) => line_end + i + 1,
        None => return,
    };
    let first_after = citations.partition_point(|&(start, _)| (start as usize) < offset);
    let next_citation = citations[first_after..]
        .iter()
        .find(|&&(_, cited)| cited.is_empty() || cited != id)
        .map_or(text.len(), |&(start, _)| start as usize);
    let citing_indent = indentation(citing);
    let citing_item = list_item_body(citing.trim_start()).is_some();
    for raw in text[offset..].split('\n') {
        let line_end = offset + raw.len();
        if next_citation <= line_end {
            break;
        }
        let line = raw.trim_end_matches('\r');
        offset = line_end + 1;
        let trimmed = line.trim();
        if trimmed.starts_with("```")
            || trimmed.starts_with("~~~")
            || heading_line_content(trimmed).is_some()
        {
            break;
        }
        if trimmed.is_empty() {
            if heading {
                continue;
            }
            break;
        }
        let body = match list_item_body(trimmed) {
            Some(body) if heading || (citing_item && indentation(line) > citing_indent) => body,
            Some(_) => break,
            None => trimmed,
        };
        read_field(body, stated);
    }
}

/// One `Label: value` line of a result block.
fn read_field<'t>(body: &'t str, stated: &mut Stated<'t>) {
    let Some((label, value)) = body.split_once(':') else {
        return;
    };
    let label = label.trim().trim_matches('*').trim();
    let label = label.split('(').next().unwrap_or(label).trim_end();
    let value = value.trim().trim_start_matches('*').trim();
    let is = |words: &[&str]| words.iter().any(|w| label.eq_ignore_ascii_case(w));
    if is(&[
        "status",
        "new status",
        "current status",
        "final status",
        "updated status",
        "validation status",
    ]) {
        if stated.status.is_none() {
            stated.status = parse_status(value);
        }
    } else if is(&[
        "confidence",
        "new confidence",
        "posterior confidence",
        "final confidence",
        "updated confidence",
        "current confidence",
        "confidence level",
    ]) {
        if stated.confidence.is_none() {
            stated.confidence = parse_confidence(value);
        }
    } else if is(&["evidence"]) && stated.evidence.is_none() && !value.is_empty() {
        stated.evidence = Some(value);
    }
}

fn stage_heading(content: &str, range: ByteRange) -> StageHeading {
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
        text: content.to_string(),
    }
}

/// The assumption ID a heading in the entry form starts with (`A4: Title`,
/// `Assumption A4: …`), with its offset in `content`.
fn entry_heading_id<'c>(content: &'c str, config: &Config) -> Option<(usize, &'c str)> {
    let id = ENTRY_HEADING.captures(content)?.get(1)?;
    is_assumption_id(id.as_str(), config).then(|| (id.start(), id.as_str()))
}

fn heading_entry(content: &str, base: usize, config: &Config) -> Option<AssumptionEntry> {
    let captures = ENTRY_HEADING.captures(content)?;
    let id = captures.get(1)?;
    if !is_assumption_id(id.as_str(), config) {
        return None;
    }
    let rest = captures.get(2).map(|m| m.as_str()).unwrap_or("");
    let title = rest.trim().trim_matches('"').to_string();
    let mut status = None;
    let mut status_range = None;
    // A status badge after the title: `### A2: Title ✅ VALIDATED`.
    let badge_start = title_badge_start(rest);
    if let Some(offset) = badge_start {
        let badge = &rest[offset..];
        if let Some(s) = parse_status(badge) {
            status = Some(s);
            let s0 = base + captures.get(2).map(|m| m.start()).unwrap_or(0) + offset;
            status_range = Some(s0 as u32..(s0 + badge.trim_end().len()) as u32);
        }
    }
    let title = match badge_start {
        Some(offset) if status.is_some() => rest[..offset].trim().trim_matches('"').to_string(),
        _ => title,
    };
    let id_start = base + id.start();
    Some(AssumptionEntry {
        id: id.as_str().to_string(),
        id_range: id_start as u32..(id_start + id.len()) as u32,
        title,
        status,
        status_range,
        confidence: None,
        confidence_range: None,
        evidence: None,
        form: EntryForm::Heading,
        range: 0..0,
    })
}

/// Where a status badge starts in a heading title: the first status emoji,
/// an upper-case status word, or a parenthesised `(New)`.
fn title_badge_start(title: &str) -> Option<usize> {
    let emoji = ['✅', '⏳', '❌', '📝', '⚠', '🆕', '🟢', '🟡', '🔴'];
    let by_emoji = title.find(emoji);
    let by_word = CAPS_WORD
        .find_iter(title)
        .find(|m| parse_status(m.as_str()).is_some())
        .map(|m| m.start());
    let by_paren = title.find("(New)");
    [by_emoji, by_word, by_paren].into_iter().flatten().min()
}

fn list_entry(line: &str, base: usize, config: &Config) -> Option<AssumptionEntry> {
    let captures = LIST_ENTRY.captures(line)?;
    let id = captures.get(1)?;
    if !is_assumption_id(id.as_str(), config) {
        return None;
    }
    let title = captures.get(2).map(|m| m.as_str().trim()).unwrap_or("");
    let id_start = base + id.start();
    let (status, status_range) = match title_badge_start(title).zip(captures.get(2)) {
        Some((offset, m)) => match parse_status(&title[offset..]) {
            Some(status) => {
                let s = base + m.start() + offset;
                (Some(status), Some(s as u32..(base + m.end()) as u32))
            }
            None => (None, None),
        },
        None => (None, None),
    };
    let confidence = parse_confidence(title);
    Some(AssumptionEntry {
        id: id.as_str().to_string(),
        id_range: id_start as u32..(id_start + id.len()) as u32,
        title: title.trim_matches('"').to_string(),
        status,
        status_range,
        confidence,
        confidence_range: None,
        evidence: None,
        form: EntryForm::ListItem,
        range: base as u32..(base + line.len()) as u32,
    })
}

/// Column positions of an assumptions table (header with an `ID` column).
struct TableColumns {
    id: usize,
    title: Option<usize>,
    status: Option<usize>,
    confidence: Option<usize>,
    evidence: Option<usize>,
}

impl TableColumns {
    fn from_header(text: &str, row: &crate::syntax::TableRowNode) -> Option<TableColumns> {
        let names: Vec<String> = row
            .cells
            .iter()
            .map(|r| {
                text[r.start as usize..r.end as usize]
                    .trim()
                    .trim_matches('*')
                    .to_lowercase()
            })
            .collect();
        let id = names.iter().position(|n| n == "id")?;
        let find = |keys: &[&str]| {
            names
                .iter()
                .position(|n| keys.iter().any(|k| n.contains(k)))
        };
        Some(TableColumns {
            id,
            title: find(&[
                "assumption",
                "statement",
                "hypothesis",
                "description",
                "title",
                "text",
            ]),
            status: find(&["status"]),
            confidence: find(&["confidence"]),
            evidence: find(&["evidence", "source"]),
        })
    }

    fn entry(
        &self,
        text: &str,
        row: &crate::syntax::TableRowNode,
        config: &Config,
    ) -> Option<AssumptionEntry> {
        let cell = |i: Option<usize>| -> Option<(&str, ByteRange)> {
            let range = row.cells.get(i?)?.clone();
            Some((text[range.start as usize..range.end as usize].trim(), range))
        };
        let (id_text, id_range) = cell(Some(self.id))?;
        let id = id_text.trim_matches('*');
        if !is_assumption_id(id, config) {
            return None;
        }
        let offset = id_text.find(id).unwrap_or(0) as u32;
        let status = cell(self.status);
        let confidence = cell(self.confidence);
        Some(AssumptionEntry {
            id: id.to_string(),
            id_range: id_range.start + offset..id_range.start + offset + id.len() as u32,
            title: cell(self.title)
                .map(|(t, _)| t.to_string())
                .unwrap_or_default(),
            status: status.as_ref().and_then(|(s, _)| parse_status(s)),
            status_range: status.map(|(_, r)| r),
            confidence: confidence.as_ref().and_then(|(c, _)| parse_confidence(c)),
            confidence_range: confidence.map(|(_, r)| r),
            evidence: cell(self.evidence)
                .map(|(e, _)| e.to_string())
                .filter(|e| !e.is_empty()),
            form: EntryForm::TableRow,
            range: row.range.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::{check, snapshot};

    /// Section ranges, template placeholders and web routes are not
    /// workspace links; a path climbing out of the root still is.
    #[test]
    fn text_that_is_not_a_path_is_not_a_link() {
        let fixture = "//- /strategy/canvas/10-assumptions.md\n# Assumptions\n//- /threads/sales/acme/1-input.md\n# Stage 1: Input\n\nRead `strategy/canvas/00–15` and `strategy/canvas/01-15` first.\nWrite to `threads/sales/{company-name}/` and `artifacts/sales/<segment>/`.\nSee `threads/sales/.../6-learning.md` and `threads/…/6-learning.md`.\n**Thread:** threads/sales/{company-name}/\nThread: threads/sales/<name>/\n**Evidence:** threads/sales/.../6-learning.md\n**Output:** artifacts/sales/{segment}/narratives/\n[escape](../../../../etc/passwd) `../../../../etc/passwd` `/threads/sales/gone/6-learning.md`\n//- /artifacts/engineering/dashboard/release-plan.md\n# Release plan\n\nThe page reads `/public/data/leanos.json`; the API serves `/api/threads.json`.\n";
        assert_eq!(
            check(fixture, "link-broken"),
            [
                "threads/sales/acme/1-input.md:9:9-9:31 warning `../../../../etc/passwd` points outside the workspace root",
                "threads/sales/acme/1-input.md:9:34-9:56 warning `../../../../etc/passwd` points outside the workspace root",
                "threads/sales/acme/1-input.md:9:59-9:92 warning `/threads/sales/gone/6-learning.md` does not exist",
            ]
        );
        let snapshot = snapshot(fixture);
        let plan = &snapshot.files["artifacts/engineering/dashboard/release-plan.md"];
        assert!(plan.facts.links.is_empty(), "{:?}", plan.facts.links);
    }
}
