//! Completion: what can be typed at a cursor, by context (SPEC §3).
//! Assumption IDs after `Tests:`, anywhere in stage 2, after an
//! assumptions Canvas name's `→`, and in `canvas_assumptions`; Canvas file
//! names and paths; goal ids and subgoals; thread paths in metadata and
//! after path labels; typed actions in stage 5; verdicts in stage 4; status
//! values; `meta.json` keys and enum values; a whole stage template in an
//! empty stage file. Each item replaces the partial word before the
//! cursor (`replace`, a byte range).

use crate::analysis::navigation::{status_label, thread_name, thread_title};
use crate::analysis::thread::thread_info;
use crate::facts::paths::PathKind;
use crate::facts::status::AssumptionStatus;
use crate::index::{FileData, Snapshot};
use crate::syntax::ByteRange;

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

/// Verdicts of stage 4 by thread type (leanos-formats.md §3.8); the
/// generic ones last.
fn verdicts_for(thread_type: &str, campaign: bool) -> Vec<&'static str> {
    let specific: &[&str] = match (thread_type, campaign) {
        ("sales", true) => &["LAUNCH", "CANCEL"],
        ("sales", false) => &["PURSUE", "PASS", "QUALIFY", "REJECT"],
        ("marketing", _) => &["LAUNCH", "TEST", "HOLD", "CREATE", "REJECT"],
        ("engineering", _) => &["BUILD", "REFACTOR", "KILL"],
        ("operations" | "business", _) => &["BUILD", "PIVOT", "SCALE", "HOLD"],
        _ => &[],
    };
    let mut out: Vec<&str> = specific.to_vec();
    for generic in ["PROCEED", "DEFER", "DECLINE"] {
        if !out.contains(&generic) {
            out.push(generic);
        }
    }
    out
}

const META_KEYS: &[(&str, &str)] = &[
    ("id", "thread id, `thread-{type}-{name}`"),
    (
        "type",
        "thread type: sales, marketing, engineering, operations, …",
    ),
    ("status", "active, completed or blocked"),
    ("stage", "highest stage reached, 1 to 6"),
    ("created", "YYYY-MM-DD"),
    ("updated", "YYYY-MM-DD"),
    ("owner", "who runs the thread"),
    ("goal_id", "the goal this thread serves (`g-…`)"),
    ("subgoal", "the subgoal (`SG1`)"),
    ("canvas_assumptions", "assumption IDs this thread tests"),
    ("related_threads", "thread paths relative to threads/"),
    ("parent_thread", "the thread this one was spawned from"),
    (
        "source",
        "attribution: the marketing content a lead came from, or `outbound`",
    ),
    ("attribution", "the channel: Blog article, LinkedIn post, …"),
    ("lead_source", "`campaign:<id>` for campaign leads"),
    ("impact_score", "0.0 to 1.0"),
    ("current_action", "typed action in progress, `sales:demo`"),
];

const THREAD_STATUSES: &[&str] = &[
    "active",
    "completed",
    "blocked",
    "draft",
    "in_review",
    "archived",
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
                path.clone()
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
                .get(path)
                .and_then(|f| f.facts.headings.first())
                .map(|h| h.text.clone());
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
            .and_then(|f| snapshot.files.get(f))
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
        .and_then(|f| snapshot.files.get(f))
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
            let line_end = file.text[range.end as usize..]
                .find('\n')
                .map(|i| i + range.end as usize)
                .unwrap_or(file.text.len());
            let title =
                file.text[range.end as usize..line_end].trim_start_matches([':', ' ', '-', '–']);
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

/// The key whose value holds `offset` in a JSON or YAML metadata text, and
/// whether the cursor is at a key position instead.
fn metadata_context(text: &str, offset: usize) -> (Option<String>, bool) {
    let before = &text[..offset];
    // The last `"key":` (JSON) or `key:` at a line start (YAML).
    let json_key = regex_last(before, r#""([A-Za-z_][A-Za-z0-9_]*)"\s*:"#);
    let yaml_key = regex_last(before, r"(?m)^([A-Za-z_][A-Za-z0-9_]*)\s*:");
    let key = match (json_key, yaml_key) {
        (Some(a), Some(b)) => Some(if a.1 > b.1 { a } else { b }),
        (a, b) => a.or(b),
    };
    let Some((key, end)) = key else {
        return (None, true);
    };
    let after = &before[end..];
    // A comma outside brackets, or a new YAML line that starts a key, ends
    // the value.
    let mut depth = 0i32;
    let mut in_string = false;
    for c in after.chars() {
        match c {
            '"' => in_string = !in_string,
            '[' | '{' if !in_string => depth += 1,
            ']' | '}' if !in_string => depth -= 1,
            ',' if !in_string && depth <= 0 => return (None, true),
            _ => {}
        }
    }
    let yaml_new_key = after.contains('\n')
        && !after.trim_end().ends_with(':')
        && !after
            .lines()
            .last()
            .unwrap_or("")
            .trim_start()
            .starts_with('-');
    if yaml_new_key && !text.trim_start().starts_with('{') {
        return (None, true);
    }
    (Some(key), false)
}

fn regex_last(text: &str, pattern: &str) -> Option<(String, usize)> {
    let re = regex::Regex::new(pattern).ok()?;
    re.captures_iter(text)
        .last()
        .and_then(|c| Some((c.get(1)?.as_str().to_string(), c.get(0)?.end())))
}

/// Completions at byte `offset` of the file at `path`.
pub fn complete(snapshot: &Snapshot, path: &str, offset: u32, today: &str) -> Vec<Completion> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    let text = &file.text;
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
    markdown_completions(snapshot, file, offset, &replace, word)
}

fn metadata_completions(
    snapshot: &Snapshot,
    file: &FileData,
    offset: usize,
    replace: &ByteRange,
) -> Vec<Completion> {
    let (key, at_key) = metadata_context(&file.text, offset);
    let replace = replace.clone();
    if at_key {
        // While a key is typed the document does not parse: read the keys
        // already present from the text.
        let present: Vec<String> = regex::Regex::new(
            r#"(?m)"([A-Za-z_][A-Za-z0-9_]*)"\s*:|^([A-Za-z_][A-Za-z0-9_]*)\s*:"#,
        )
        .map(|re| {
            re.captures_iter(&file.text)
                .filter_map(|c| c.get(1).or(c.get(2)).map(|m| m.as_str().to_string()))
                .collect()
        })
        .unwrap_or_default();
        return META_KEYS
            .iter()
            .enumerate()
            .filter(|(_, (k, _))| !present.iter().any(|p| p == k))
            .map(|(i, (k, doc))| {
                let mut completion =
                    item(*k, CompletionKind::Key, replace.clone(), format!("{i:03}"));
                completion.documentation = Some(doc.to_string());
                completion
            })
            .collect();
    }
    let own_thread = file.facts.path_kind().thread().map(str::to_string);
    match key.as_deref() {
        Some("canvas_assumptions" | "linked_assumptions") => assumption_items(snapshot, &replace),
        Some("goal_id" | "parent_goal" | "goal") => goal_items(snapshot, &replace),
        Some("subgoal") => {
            let goal = file.facts.meta().and_then(|m| m.text("goal_id"));
            goal.map(|g| subgoal_items(snapshot, &g, &replace))
                .unwrap_or_default()
        }
        Some("related_threads" | "parent_thread") => thread_items(snapshot, &replace, false, None)
            .into_iter()
            .filter(|c| {
                own_thread.as_deref().map(|t| thread_name(snapshot, t)) != Some(c.label.as_str())
            })
            .collect(),
        Some("source") => {
            let mut items = thread_items(snapshot, &replace, false, Some("marketing/"));
            for item in &mut items {
                item.insert = format!("{}/", item.label);
            }
            items.push(item(
                "outbound",
                CompletionKind::Value,
                replace.clone(),
                "2outbound".into(),
            ));
            items
        }
        Some("type") => {
            let mut types: Vec<&str> = crate::config::BUILT_IN_THREAD_TYPES.to_vec();
            types.extend(
                snapshot
                    .config
                    .extra_thread_types
                    .iter()
                    .map(String::as_str),
            );
            values(&types, CompletionKind::Value, &replace)
        }
        Some("status") => values(THREAD_STATUSES, CompletionKind::Value, &replace),
        Some("stage") => values(
            &["1", "2", "3", "4", "5", "6"],
            CompletionKind::Value,
            &replace,
        ),
        Some("current_action") => typed_action_items(&replace, None),
        _ => Vec::new(),
    }
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
    offset: usize,
    replace: &ByteRange,
    word: &str,
) -> Vec<Completion> {
    let text = &file.text;
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
    let after_tests = regex::Regex::new(r"(?i)\btests?\**\s*:?\**$")
        .map(|re| re.is_match(before_word))
        .unwrap_or(false);
    let after_arrow = before_word.ends_with('→')
        && regex::Regex::new(r"(?i)\b10[-.][a-z_-]+\.md`?\s*→$")
            .map(|re| re.is_match(before_word))
            .unwrap_or(false);
    if id_like && (after_tests || after_arrow || (stage == Some(2) && !word.is_empty())) {
        return assumption_items(snapshot, replace);
    }
    // Canvas names: `10-`, `09.`…
    if word.len() >= 2 && word[..2].bytes().all(|b| b.is_ascii_digit()) && !word.contains('/') {
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
        let at_item = regex::Regex::new(r"^\s*[-*+]\s*(\[[ xX]\]\s*)?$")
            .map(|re| re.is_match(before_word))
            .unwrap_or(false);
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
        replace: 0..file.text.len() as u32,
        insert: body,
        snippet: true,
        resolve: None,
    }
}

/// The template of stage `number` (1..=6) for the thread folder `dir`, as
/// a snippet (see [`snippet_to_plain`] for plain text).
pub fn stage_template_text(snapshot: &Snapshot, dir: &str, number: u8, today: &str) -> String {
    let info = snapshot
        .threads
        .contains_key(dir)
        .then(|| thread_info(snapshot, dir));
    let title = info
        .as_ref()
        .map(thread_title)
        .unwrap_or_else(|| "Title".into());
    let thread_type = info
        .as_ref()
        .map(|t| t.thread_type.clone())
        .unwrap_or_else(|| "operations".into());
    let verdicts = verdicts_for(&thread_type, info.as_ref().is_some_and(|t| t.campaign)).join(",");
    // The assumption placeholder: one the thread already cites and the
    // Canvas defines, else one that is not an ID (a template must not cite
    // an assumption that does not exist).
    let cited = snapshot
        .thread_members(dir)
        .flat_map(|f| f.facts.refs.iter().map(|r| r.id.clone()))
        .find(|id| snapshot.assumptions.contains_key(id))
        .unwrap_or_else(|| "A?".into());
    match number {
        1 => format!(
            "# Stage 1: Input\n\n**Thread:** ${{1:{title}}}\n**Type:** {thread_type}\n**Goal:** ${{2:g-goal}} (${{3:SG1}})\n**Created:** {today}\n\n## Observation\n\n${{4:What happened, with numbers}}\n\n**Source:** ${{5:where it was observed}}\n\n## Context\n\n- $6\n\n## Question\n\n$0\n"
        ),
        2 => format!(
            "# Stage 2: Hypothesis\n\n**Thread:** {title}\n\n## Assumption Being Tested\n\nTests: ${{1:{cited}}} - ${{2:the assumption}}\n\n## Hypothesis\n\nIf ${{3:we act}}, then ${{4:this happens}}, because ${{5:reason}}.\n\n**Prior confidence:** ${{6:60}}%\n\n## Test Criteria\n\n- **Validated if:** ${{7:…}}\n- **Invalidated if:** $0\n"
        ),
        3 => format!(
            "# Stage 3: Implication\n\n**Thread:** {title}\n\n## Impact Analysis\n\n**Revenue impact:** ${{1:…}}\n**Cost:** ${{2:…}}\n**ROI:** ${{3:…}}\n\n## Risks\n\n| Risk | Likelihood | Mitigation |\n|------|------------|------------|\n| ${{4:risk}} | ${{5:Low}} | ${{6:…}} |\n\n## Priority Score\n\n**Score:** ${{7:0.5}}\n$0"
        ),
        4 => format!(
            "# Stage 4: Decision\n\n**Thread:** {title}\n\n## Decision\n\n**${{1|{verdicts}|}}** ${{2:with …}}\n\n## Alternatives Considered\n\n| Option | Pros | Cons | Decision |\n|--------|------|------|----------|\n| ${{3:option}} | | | |\n\n## Approval\n\n- **Impact score:** ${{4:0.5}}\n- **Approved by:** ${{5:name}}\n$0"
        ),
        5 => format!(
            "# Stage 5: Actions\n\n**Thread:** {title}\n\n## Action Plan\n\n- [ ] ${{1:{thread_type}:action}} - ${{2:what}}\n\n## Execution Log\n\n| Date | Action | Outcome |\n|------|--------|---------|\n| {today} | ${{3:…}} | ${{4:…}} |\n$0"
        ),
        _ => format!(
            "# Stage 6: Learning\n\n**Thread:** {title}\n**Completed:** {today}\n\n## Results\n\n${{1:What was measured}}\n\n## Hypothesis Validation\n\n**Status:** ${{2|✅ VALIDATED,❌ INVALIDATED,⚠️ INCONCLUSIVE|}}\n\n## Canvas Updates\n\n- 10-assumptions.md → ${{3:{cited}}}: ${{4:status, confidence}}\n\n## Follow-up Actions\n\n- [ ] $0\n"
        ),
    }
}

/// A snippet as plain text, for clients without snippet support:
/// placeholders keep their default text, tab stops disappear.
pub fn snippet_to_plain(snippet: &str) -> String {
    let choice = regex::Regex::new(r"\$\{\d+\|([^,|]*)[^}]*\|\}").expect("regex");
    let placeholder = regex::Regex::new(r"\$\{\d+:([^}]*)\}").expect("regex");
    let stop = regex::Regex::new(r"\$\{?\d+\}?").expect("regex");
    let text = choice.replace_all(snippet, "$1");
    let text = placeholder.replace_all(&text, "$1");
    stop.replace_all(&text, "").into_owned()
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::with_cursor;

    const BASE: &str = "//- /strategy/canvas/10-assumptions.md\n### A10: Ten\n**Status:** ✅ VALIDATED\n### A2: Two\n**Status:** ⏳ TESTING\n### H1: Hypo\n//- /strategy/canvas/09.solution.md\n# Solution\n//- /strategy/goals/active/g-grow.md\n---\nid: g-grow\n---\n# Goal: Grow\n#### SG1: Pilot\n#### SG2: Close\n//- /threads/marketing/case/1-input.md\n**Thread:** Case study\n//- /threads/sales/acme/1-input.md\n# Input\n";

    fn labels(fixture: &str) -> Vec<String> {
        let (snapshot, path, offset) = with_cursor(&format!("{BASE}{fixture}"));
        let mut items = complete(&snapshot, &path, offset, "2026-11-21");
        items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text).then(a.label.cmp(&b.label)));
        items.into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn assumption_ids_where_they_belong() {
        // Open assumptions first, validated last; numeric order (A2 < A10).
        assert_eq!(
            labels("//- /threads/sales/x/1-input.md\nTests: $0\n"),
            ["A2", "H1", "A10"]
        );
        assert_eq!(
            labels("//- /threads/sales/x/1-input.md\n**Tests:** A$0\n"),
            ["A2", "H1", "A10"]
        );
        // Right after the `:` trigger character, with no space yet.
        assert_eq!(
            labels("//- /threads/sales/x/1-input.md\nTests:$0\n"),
            ["A2", "H1", "A10"]
        );
        assert_eq!(
            labels("//- /threads/sales/x/2-hypothesis.md\n# Hypothesis\n- H$0\n"),
            ["A2", "H1", "A10"]
        );
        assert_eq!(
            labels("//- /threads/sales/x/6-learning.md\n- 10-assumptions.md → $0\n"),
            ["A2", "H1", "A10"]
        );
        assert_eq!(
            labels("//- /threads/sales/x/meta.json\n{\"canvas_assumptions\": [\"A4\", \"$0\"]}\n"),
            ["A2", "H1", "A10"]
        );
        // Prose outside an assumption context offers nothing.
        assert!(labels("//- /threads/sales/x/1-input.md\nWe saw H$0\n").is_empty());
    }

    #[test]
    fn items_replace_the_partial_word_and_carry_details() {
        let (snapshot, path, offset) = with_cursor(&format!(
            "{BASE}//- /threads/sales/x/1-input.md\nTests: A1$0\n"
        ));
        let items = complete(&snapshot, &path, offset, "2026-11-21");
        let a10 = items.iter().find(|i| i.label == "A10").unwrap();
        assert_eq!(a10.replace, offset - 2..offset);
        assert_eq!(a10.detail.as_deref(), Some("Ten · ✅ VALIDATED"));
        assert_eq!(a10.resolve.as_deref(), Some("A10"));
        let documentation =
            crate::analysis::navigation::hover_text_for_assumption(&snapshot, "A10").unwrap();
        assert!(documentation.contains("**A10**: Ten"), "{documentation}");
    }

    #[test]
    fn canvas_names_paths_goals_and_subgoals() {
        // Every section is offered; the client filters by the typed `09`.
        assert_eq!(
            labels("//- /threads/sales/x/1-input.md\nSee 09$0\n"),
            ["09.solution.md", "10-assumptions.md"]
        );
        assert_eq!(
            labels("//- /threads/sales/x/1-input.md\n`strategy/canvas/$0`\n"),
            [
                "strategy/canvas/09.solution.md",
                "strategy/canvas/10-assumptions.md"
            ]
        );
        assert_eq!(
            labels("//- /threads/sales/x/1-input.md\n**Goal:** $0\n"),
            ["g-grow"]
        );
        assert_eq!(
            labels("//- /threads/sales/x/1-input.md\n**Goal:** g-grow ($0\n"),
            ["SG1", "SG2"]
        );
        assert_eq!(
            labels("//- /threads/sales/x/1-input.md\n**Evidence:** threads/$0\n"),
            [
                "threads/marketing/case/",
                "threads/sales/acme/",
                "threads/sales/x/"
            ]
        );
    }

    #[test]
    fn metadata_keys_and_values() {
        assert_eq!(
            labels("//- /threads/sales/x/meta.json\n{\"type\": \"$0\"}\n")[..3],
            ["sales", "marketing", "engineering"]
        );
        assert_eq!(
            labels(
                "//- /threads/sales/x/meta.json\n{\"goal_id\": \"g-grow\", \"subgoal\": \"$0\"}\n"
            ),
            ["SG1", "SG2"]
        );
        assert_eq!(
            labels("//- /threads/sales/x/meta.json\n{\"related_threads\": [\"$0\"]}\n"),
            ["marketing/case", "sales/acme"]
        );
        let keys = labels("//- /threads/sales/x/meta.json\n{\"type\": \"sales\", \"$0\"}\n");
        assert!(
            keys.contains(&"goal_id".to_string()) && !keys.contains(&"type".to_string()),
            "{keys:?}"
        );
        // Marketing threads first for an attribution source, then outbound.
        assert_eq!(
            labels("//- /threads/sales/x/metadata.yaml\nsource: $0\n"),
            ["marketing/case", "sales/acme", "sales/x", "outbound"]
        );
    }

    #[test]
    fn actions_verdicts_and_statuses() {
        let actions = labels("//- /threads/sales/x/5-actions.md\n# Actions\n- [ ] $0\n");
        assert_eq!(
            actions[0], "sales:close",
            "the thread's own type first: {actions:?}"
        );
        assert!(actions.contains(&"marketing:publish".to_string()));
        assert_eq!(
            labels("//- /threads/sales/x/4-decision.md\n# Decision\n**$0\n"),
            ["PURSUE", "PASS", "QUALIFY", "REJECT", "PROCEED", "DEFER", "DECLINE"]
        );
        assert_eq!(
            labels("//- /strategy/canvas/10.assumptions.md\n### A1: x\n**Status:** $0\n")[0],
            "✅ VALIDATED"
        );
    }

    #[test]
    fn an_empty_stage_file_gets_its_template() {
        let (snapshot, path, offset) = with_cursor(&format!(
            "{BASE}//- /threads/sales/acme/4-decision.md\n$0\n"
        ));
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
        let (snapshot, path, offset) =
            with_cursor(&format!("{BASE}//- /threads/sales/acme/6-learning.md\n$0"));
        let items = complete(&snapshot, &path, offset, "2026-11-21");
        assert!(items[0].insert.contains("**Completed:** 2026-11-21"));
    }

    #[test]
    fn today_is_a_date() {
        let today = today();
        assert_eq!(today.len(), 10);
        assert!(today.starts_with("20"), "{today}");
    }
}
