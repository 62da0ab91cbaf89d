//! Completion: what can be typed at a cursor, by context (SPEC §3).
//! Assumption IDs after `Tests:`, anywhere in stage 2, after an
//! assumptions Canvas name's `→`, and in `canvas_assumptions`; Canvas file
//! names and paths; goal ids and subgoals; thread paths in metadata and
//! after path labels; typed actions in stage 5; verdicts in stage 4; status
//! values; `meta.json` keys and enum values; a whole stage template in an
//! empty stage file. Each item replaces the partial word before the
//! cursor (`replace`, a byte range).

use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::stage_template::{stage_template_text, verdicts_for};
use crate::analysis::thread::{status_label, thread_info, thread_name, thread_title};
use crate::facts::paths::PathKind;
use crate::facts::status::AssumptionStatus;
use crate::index::{FileData, Snapshot};
use crate::syntax::ByteRange;

mod metadata;

use metadata::metadata_completions;

// re-exported for actions/diagnostics until they import the new path

/// `Tests:` or `**Tests:**` (any case) just before the cursor.
static AFTER_TESTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\btests?\**\s*:?\**$").expect("regex"));
/// An assumptions Canvas name and its `→` just before the cursor
/// (`10-assumptions.md →`).
static AFTER_ASSUMPTIONS_ARROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b10[-.][a-z_-]+\.md`?\s*→$").expect("regex"));
/// A list item's start, checkbox included, just before the cursor.
static AT_LIST_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*[-*+]\s*(\[[ xX]\]\s*)?$").expect("regex"));

/// What a completion item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Assumption,
    File,
    Folder,
    Goal,
    Value,
    Key,
    Snippet,
}

/// One completion item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub sort_text: String,
    /// The byte range the item replaces (the partial word).
    pub replace: ByteRange,
    /// What is inserted: plain text, or a snippet when `snippet`.
    pub insert: String,
    pub snippet: bool,
    /// The assumption ID whose documentation `completionItem/resolve`
    /// fills in.
    pub resolve: Option<String>,
}

/// Typed actions of stage 5 (leanos-formats.md §3.10).
pub const TYPED_ACTIONS: &[(&str, &[&str])] = &[
    (
        "sales",
        &[
            "lead-intake",
            "qualify",
            "qualification",
            "demo",
            "pilot",
            "close",
        ],
    ),
    (
        "marketing",
        &["research", "create", "publish", "promote", "measure"],
    ),
    (
        "engineering",
        &[
            "architecture",
            "backend",
            "frontend",
            "infrastructure",
            "validate",
        ],
    ),
    (
        "sales-campaign",
        &[
            "prospect-research",
            "contact-finding",
            "outreach-sequencing",
            "outreach-execution",
        ],
    ),
    (
        "campaign",
        &[
            "prospect-list",
            "email-sequence",
            "response-handling",
            "deal-create",
        ],
    ),
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':')
}

/// The partial word before `offset` (what the item replaces).
fn partial(text: &str, offset: usize) -> (usize, &str) {
    let before = &text[..offset];
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word_char(*c))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(offset);
    (start, &text[start..offset])
}

fn line_before(text: &str, offset: usize) -> &str {
    let start = crate::line_index::line_span(text, offset as u32).start as usize;
    &text[start..offset]
}

fn status_rank(status: Option<AssumptionStatus>) -> u8 {
    match status {
        Some(AssumptionStatus::Testing) => 0,
        Some(AssumptionStatus::Untested) | None => 1,
        Some(
            AssumptionStatus::Challenged
            | AssumptionStatus::Inconclusive
            | AssumptionStatus::Partial,
        ) => 2,
        Some(AssumptionStatus::Validated | AssumptionStatus::Invalidated) => 3,
    }
}

fn item(
    label: impl Into<String>,
    kind: CompletionKind,
    replace: ByteRange,
    sort_text: String,
) -> Completion {
    let label = label.into();
    Completion {
        insert: label.clone(),
        label,
        kind,
        detail: None,
        documentation: None,
        sort_text,
        replace,
        snippet: false,
        resolve: None,
    }
}

fn assumption_items(snapshot: &Snapshot, replace: &ByteRange) -> Vec<Completion> {
    let mut out = Vec::new();
    for id in snapshot.assumptions.keys() {
        let Some((_, entry)) = snapshot.first_entry(id) else {
            continue;
        };
        let number: u32 = id[1..].parse().unwrap_or(0);
        let status = status_label(entry.status);
        let confidence = entry
            .confidence
            .map(|c| format!(" {c}%"))
            .unwrap_or_default();
        let mut completion = item(
            id.clone(),
            CompletionKind::Assumption,
            replace.clone(),
            // Open assumptions first, decided ones last; then by prefix and
            // number (A2 before A10).
            format!("{}{}{number:05}", status_rank(entry.status), &id[..1]),
        );
        completion.detail = Some(format!("{} · {status}{confidence}", entry.title));
        // The full text (threads testing it, latest result) costs a scan
        // of the citing files: it comes with `completionItem/resolve`.
        completion.resolve = Some(id.clone());
        out.push(completion);
    }
    out
}

fn canvas_items(snapshot: &Snapshot, replace: &ByteRange, full_paths: bool) -> Vec<Completion> {
    let mut out = Vec::new();
    for (number, files) in &snapshot.canvas {
        for path in files {
            let label = if full_paths {
                path.to_string()
            } else {
                crate::paths::file_name(path).to_string()
            };
            let mut completion = item(
                label,
                CompletionKind::File,
                replace.clone(),
                format!("{number:02}"),
            );
            completion.detail = snapshot
                .files
                .get(&**path)
                .and_then(|f| f.facts.headings.first())
                .map(|h| h.text.to_string());
            out.push(completion);
        }
    }
    out
}

fn goal_items(snapshot: &Snapshot, replace: &ByteRange) -> Vec<Completion> {
    let mut out = Vec::new();
    for (id, files) in &snapshot.goals {
        let goal = files
            .iter()
            .next()
            .and_then(|f| snapshot.files.get(&**f))
            .and_then(|f| f.facts.goal.as_ref());
        let mut completion = item(
            id.clone(),
            CompletionKind::Goal,
            replace.clone(),
            id.clone(),
        );
        completion.detail = goal.map(|g| {
            let status = g.status.clone().unwrap_or_default();
            format!("{} {status}", g.title).trim().to_string()
        });
        out.push(completion);
    }
    out
}

fn subgoal_items(snapshot: &Snapshot, goal: &str, replace: &ByteRange) -> Vec<Completion> {
    let Some(file) = snapshot
        .goals
        .get(goal)
        .and_then(|s| s.iter().next())
        .and_then(|f| snapshot.files.get(&**f))
    else {
        return Vec::new();
    };
    let Some(def) = &file.facts.goal else {
        return Vec::new();
    };
    def.subgoals
        .iter()
        .enumerate()
        .map(|(i, (id, range))| {
            let mut completion = item(
                id.clone(),
                CompletionKind::Goal,
                replace.clone(),
                format!("{i:03}"),
            );
            // The subgoal's text after `SGn:` on its line.
            let text = file.text();
            let line_end = text[range.end as usize..]
                .find('\n')
                .map(|i| i + range.end as usize)
                .unwrap_or(text.len());
            let title = text[range.end as usize..line_end].trim_start_matches([':', ' ', '-', '–']);
            completion.detail = Some(title.trim().to_string());
            completion
        })
        .collect()
}

/// Thread folders as paths relative to `threads/` (or with the prefix).
fn thread_items(
    snapshot: &Snapshot,
    replace: &ByteRange,
    with_prefix: bool,
    prefer: Option<&str>,
) -> Vec<Completion> {
    snapshot
        .threads
        .keys()
        .map(|dir| {
            let name = thread_name(snapshot, dir);
            let label = if with_prefix {
                format!("{dir}/")
            } else {
                name.to_string()
            };
            let preferred = prefer.is_some_and(|p| name.starts_with(p));
            let info = thread_info(snapshot, dir);
            let mut completion = item(
                label,
                CompletionKind::Folder,
                replace.clone(),
                format!("{}{name}", u8::from(!preferred)),
            );
            completion.detail = Some(thread_title(&info));
            completion
        })
        .collect()
}

fn values(values: &[&str], kind: CompletionKind, replace: &ByteRange) -> Vec<Completion> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| item(*v, kind, replace.clone(), format!("{i:03}")))
        .collect()
}

/// Completions at byte `offset` of the file at `path`.
pub fn complete(snapshot: &Snapshot, path: &str, offset: u32, today: &str) -> Vec<Completion> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    // Completions edit the document: never from a text that is not its
    // own (a closed file changed on disk since it was read).
    let Some(text) = file.exact_text() else {
        return Vec::new();
    };
    let text = &*text;
    let offset = crate::line_index::floor_char_boundary(text, offset as usize);
    let (mut start, mut word) = partial(text, offset);
    // A word ending in `:` is a label just typed (`Tests:`, `**Goal:`):
    // what completes starts after it.
    if word.ends_with(':') {
        start = offset;
        word = "";
    }
    let replace = start as u32..offset as u32;
    let kind = file.facts.path_kind();

    if let PathKind::Stage { number, .. } = kind {
        if file.facts.empty && *number <= 6 {
            return vec![stage_template(snapshot, file, *number, today)];
        }
    }
    if matches!(kind, PathKind::ThreadMeta { .. })
        || path.ends_with("meta.json")
        || path.ends_with("metadata.yaml")
    {
        return metadata_completions(snapshot, file, offset, &replace);
    }
    markdown_completions(snapshot, file, text, offset, &replace, word)
}

fn typed_action_items(replace: &ByteRange, thread_type: Option<&str>) -> Vec<Completion> {
    let mut out = Vec::new();
    for (family, verbs) in TYPED_ACTIONS {
        let preferred = thread_type == Some(*family);
        for verb in *verbs {
            let label = format!("{family}:{verb}");
            out.push(item(
                label.clone(),
                CompletionKind::Value,
                replace.clone(),
                format!("{}{label}", u8::from(!preferred)),
            ));
        }
    }
    out
}

fn markdown_completions(
    snapshot: &Snapshot,
    file: &FileData,
    text: &str,
    offset: usize,
    replace: &ByteRange,
    word: &str,
) -> Vec<Completion> {
    let line = line_before(text, offset);
    let before_word = line[..line.len() - word.len()].trim_end();
    let lower = before_word.to_lowercase();
    let kind = file.facts.path_kind();
    let stage = kind.stage();
    let id_like = word.is_empty()
        || (word.len() <= 4
            && word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && word[1..].chars().all(|c| c.is_ascii_digit()));

    // Paths first: a partial path decides by its root.
    if word.starts_with("strategy/canvas/") || word.starts_with("canvas/") || word == "strategy/" {
        let mut items = canvas_items(snapshot, replace, true);
        if word.starts_with("canvas/") {
            for item in &mut items {
                item.label = item.label.trim_start_matches("strategy/").to_string();
                item.insert = item.label.clone();
            }
        }
        return items;
    }
    if word.starts_with("threads/") {
        return thread_items(snapshot, replace, true, None);
    }
    // `**Goal:** g-…` and `(SG…` after a goal id.
    if lower.ends_with("goal:") || lower.ends_with("goal:**") || lower.ends_with("goal_id:") {
        return goal_items(snapshot, replace);
    }
    if let Some(open) = before_word.rfind('(') {
        let goal_part = before_word[..open].trim_end();
        let goal = goal_part
            .rsplit(|c: char| c.is_whitespace() || c == '*')
            .next()
            .unwrap_or("");
        if snapshot.goals.contains_key(goal) && (word.is_empty() || word.starts_with("SG")) {
            return subgoal_items(snapshot, goal, replace);
        }
    }
    // Assumption IDs.
    let after_tests = AFTER_TESTS.is_match(before_word);
    let after_arrow = before_word.ends_with('→') && AFTER_ASSUMPTIONS_ARROW.is_match(before_word);
    if id_like && (after_tests || after_arrow || (stage == Some(2) && !word.is_empty())) {
        return assumption_items(snapshot, replace);
    }
    // Canvas names: `10-`, `09.`…
    // (By bytes: a word may open with a wide character.)
    let two_digits = word
        .as_bytes()
        .get(..2)
        .is_some_and(|b| b.iter().all(u8::is_ascii_digit));
    if two_digits && !word.contains('/') {
        return canvas_items(snapshot, replace, false);
    }
    // Status values after `**Status:**`.
    if lower.ends_with("status:**") || lower.ends_with("status:") {
        let statuses = [
            "✅ VALIDATED",
            "⏳ TESTING",
            "📝 DRAFT",
            "❌ INVALIDATED",
            "⚠️ CHALLENGED",
            "⚠️ INCONCLUSIVE",
            "PARTIAL",
        ];
        return values(&statuses, CompletionKind::Value, replace);
    }
    let thread = kind.thread().map(|t| thread_info(snapshot, t));
    // Stage 5: typed actions at a list item or after `**Type:**`.
    if stage == Some(5) {
        let at_item = AT_LIST_ITEM.is_match(before_word);
        if at_item || lower.ends_with("type:**") || lower.ends_with("type:") {
            return typed_action_items(replace, thread.as_ref().map(|t| t.thread_type.as_str()));
        }
    }
    // Stage 4: verdicts after `**`, `Decision:` or at a line start.
    if stage == Some(4) {
        let at_verdict = before_word.is_empty()
            || before_word.ends_with("**")
            || lower.ends_with("decision:")
            || lower.ends_with("decision:**")
            || lower.ends_with("verdict:");
        if at_verdict && word.chars().all(|c| c.is_ascii_alphabetic()) {
            let (thread_type, campaign) = thread
                .as_ref()
                .map(|t| (t.thread_type.clone(), t.campaign))
                .unwrap_or_default();
            return values(
                &verdicts_for(&thread_type, campaign),
                CompletionKind::Value,
                replace,
            );
        }
    }
    Vec::new()
}

fn stage_template(snapshot: &Snapshot, file: &FileData, number: u8, today: &str) -> Completion {
    let dir = file.facts.path_kind().thread().unwrap_or("");
    let body = stage_template_text(snapshot, dir, number, today);
    Completion {
        label: format!("Stage {number} template"),
        kind: CompletionKind::Snippet,
        detail: Some(format!(
            "the sections of {}",
            crate::facts::paths::stage_file_name(number)
        )),
        documentation: None,
        sort_text: "0".into(),
        replace: 0..file.stored_text().len() as u32,
        insert: body,
        snippet: true,
        resolve: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::with_cursor;
    use crate::analysis::stage_template::snippet_to_plain;

    /// Two sections, a goal and two threads; each test adds the file with
    /// the cursor.
    const BASE: &str = r#"
//- /strategy/canvas/10-assumptions.md
### A10: Ten
**Status:** ✅ VALIDATED
### A2: Two
**Status:** ⏳ TESTING
### H1: Hypo
//- /strategy/canvas/09.solution.md
# Solution
//- /strategy/goals/active/g-grow.md
---
id: g-grow
---
# Goal: Grow
#### SG1: Pilot
#### SG2: Close
//- /threads/marketing/case/1-input.md
**Thread:** Case study
//- /threads/sales/acme/1-input.md
# Input
"#;

    /// [`BASE`] and the files of `fixture` (its leading newline dropped):
    /// the snapshot, the cursor's file and byte offset.
    fn with_base(fixture: &str) -> (Snapshot, String, u32) {
        with_cursor(&[BASE, fixture.trim_start_matches('\n')].concat())
    }

    /// The labels completed at the `$0` of `fixture` (over [`BASE`]), in
    /// the order a client shows them.
    fn labels(fixture: &str) -> Vec<String> {
        let (snapshot, path, offset) = with_base(fixture);
        let mut items = complete(&snapshot, &path, offset, "2026-11-21");
        items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text).then(a.label.cmp(&b.label)));
        items.into_iter().map(|i| i.label).collect()
    }

    /// Checks the labels completed at the `$0` of `fixture`, in order.
    #[track_caller]
    fn check_completion(fixture: &str, expected: &[&str]) {
        assert_eq!(labels(fixture), expected, "{fixture}");
    }

    #[test]
    fn assumption_ids_where_they_belong() {
        // Open assumptions first, validated last; numeric order (A2 < A10).
        let ids = &["A2", "H1", "A10"];
        check_completion(
            r#"
//- /threads/sales/x/1-input.md
Tests: $0
"#,
            ids,
        );
        check_completion(
            r#"
//- /threads/sales/x/1-input.md
**Tests:** A$0
"#,
            ids,
        );
        // Right after the `:` trigger character, with no space yet.
        check_completion(
            r#"
//- /threads/sales/x/1-input.md
Tests:$0
"#,
            ids,
        );
        check_completion(
            r#"
//- /threads/sales/x/2-hypothesis.md
# Hypothesis
- H$0
"#,
            ids,
        );
        check_completion(
            r#"
//- /threads/sales/x/6-learning.md
- 10-assumptions.md → $0
"#,
            ids,
        );
        check_completion(
            r#"
//- /threads/sales/x/meta.json
{"canvas_assumptions": ["A4", "$0"]}
"#,
            ids,
        );
        // Prose outside an assumption context offers nothing.
        check_completion(
            r#"
//- /threads/sales/x/1-input.md
We saw H$0
"#,
            &[],
        );
    }

    #[test]
    fn items_replace_the_partial_word_and_carry_details() {
        let (snapshot, path, offset) = with_base(
            r#"
//- /threads/sales/x/1-input.md
Tests: A1$0
"#,
        );
        let items = complete(&snapshot, &path, offset, "2026-11-21");
        let a10 = items.iter().find(|i| i.label == "A10").unwrap();
        assert_eq!(a10.replace, offset - 2..offset);
        assert_eq!(a10.detail.as_deref(), Some("Ten · ✅ VALIDATED"));
        assert_eq!(a10.resolve.as_deref(), Some("A10"));
        let documentation =
            crate::analysis::hover::hover_text_for_assumption(&snapshot, "A10").unwrap();
        assert!(documentation.contains("**A10**: Ten"), "{documentation}");
    }

    #[test]
    fn canvas_names_paths_goals_and_subgoals() {
        // Every section is offered; the client filters by the typed `09`.
        check_completion(
            r#"
//- /threads/sales/x/1-input.md
See 09$0
"#,
            &["09.solution.md", "10-assumptions.md"],
        );
        check_completion(
            r#"
//- /threads/sales/x/1-input.md
`strategy/canvas/$0`
"#,
            &[
                "strategy/canvas/09.solution.md",
                "strategy/canvas/10-assumptions.md",
            ],
        );
        check_completion(
            r#"
//- /threads/sales/x/1-input.md
**Goal:** $0
"#,
            &["g-grow"],
        );
        check_completion(
            r#"
//- /threads/sales/x/1-input.md
**Goal:** g-grow ($0
"#,
            &["SG1", "SG2"],
        );
        check_completion(
            r#"
//- /threads/sales/x/1-input.md
**Evidence:** threads/$0
"#,
            &[
                "threads/marketing/case/",
                "threads/sales/acme/",
                "threads/sales/x/",
            ],
        );
    }

    #[test]
    fn metadata_keys_and_values() {
        let types = labels(
            r#"
//- /threads/sales/x/meta.json
{"type": "$0"}
"#,
        );
        assert_eq!(types[..3], ["sales", "marketing", "engineering"]);
        check_completion(
            r#"
//- /threads/sales/x/meta.json
{"goal_id": "g-grow", "subgoal": "$0"}
"#,
            &["SG1", "SG2"],
        );
        check_completion(
            r#"
//- /threads/sales/x/meta.json
{"related_threads": ["$0"]}
"#,
            &["marketing/case", "sales/acme"],
        );
        let keys = labels(
            r#"
//- /threads/sales/x/meta.json
{"type": "sales", "$0"}
"#,
        );
        assert!(
            keys.contains(&"goal_id".to_string()) && !keys.contains(&"type".to_string()),
            "{keys:?}"
        );
        // Marketing threads first for an attribution source, then outbound.
        check_completion(
            r#"
//- /threads/sales/x/metadata.yaml
source: $0
"#,
            &["marketing/case", "sales/acme", "sales/x", "outbound"],
        );
    }

    #[test]
    fn actions_verdicts_and_statuses() {
        let actions = labels(
            r#"
//- /threads/sales/x/5-actions.md
# Actions
- [ ] $0
"#,
        );
        assert_eq!(
            actions[0], "sales:close",
            "the thread's own type first: {actions:?}"
        );
        assert!(actions.contains(&"marketing:publish".to_string()));
        check_completion(
            r#"
//- /threads/sales/x/4-decision.md
# Decision
**$0
"#,
            &[
                "PURSUE", "PASS", "QUALIFY", "REJECT", "PROCEED", "DEFER", "DECLINE",
            ],
        );
        let statuses = labels(
            r#"
//- /strategy/canvas/10.assumptions.md
### A1: x
**Status:** $0
"#,
        );
        assert_eq!(statuses[0], "✅ VALIDATED");
    }

    #[test]
    fn an_empty_stage_file_gets_its_template() {
        let (snapshot, path, offset) = with_base(
            r#"
//- /threads/sales/acme/4-decision.md
$0
"#,
        );
        let items = complete(&snapshot, &path, offset, "2026-11-21");
        assert_eq!(items.len(), 1);
        assert!(items[0].snippet);
        assert!(
            items[0].insert.starts_with("# Stage 4: Decision\n"),
            "{}",
            items[0].insert
        );
        assert!(
            items[0].insert.contains("${1|PURSUE,PASS,"),
            "{}",
            items[0].insert
        );
        let plain = snippet_to_plain(&items[0].insert);
        assert!(
            plain.contains("**PURSUE** with …") && !plain.contains('$'),
            "{plain}"
        );
        let (snapshot, path, offset) = with_base(
            r#"
//- /threads/sales/acme/6-learning.md
$0"#,
        );
        let items = complete(&snapshot, &path, offset, "2026-11-21");
        assert!(items[0].insert.contains("**Completed:** 2026-11-21"));
    }
}
