//! Completion in thread metadata files (`meta.json`, `metadata.yaml`):
//! keys, and the values of the keys that name assumptions, goals,
//! threads, types, statuses, stages and typed actions. The file is read as
//! text: while a key is being typed it does not parse.

use std::sync::LazyLock;

use regex::Regex;

use super::{
    assumption_items, goal_items, item, subgoal_items, thread_items, typed_action_items, values,
    Completion, CompletionKind,
};
use crate::analysis::thread::thread_name;
use crate::index::{FileData, Snapshot};
use crate::syntax::ByteRange;

/// A JSON key, `"key":` (the key is group 1).
static JSON_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""([A-Za-z_][A-Za-z0-9_]*)"\s*:"#).expect("regex"));
/// A YAML key at a line start, `key:` (the key is group 1).
static YAML_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^([A-Za-z_][A-Za-z0-9_]*)\s*:").expect("regex"));
/// A JSON key (group 1) or a YAML key at a line start (group 2).
static ANY_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)"([A-Za-z_][A-Za-z0-9_]*)"\s*:|^([A-Za-z_][A-Za-z0-9_]*)\s*:"#)
        .expect("regex")
});

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

/// Completions in a thread metadata file (`meta.json`, `metadata.yaml`):
/// the keys not yet present at a key position, else the values of the
/// key whose value holds the cursor.
pub(super) fn metadata_completions(
    snapshot: &Snapshot,
    file: &FileData,
    offset: usize,
    replace: &ByteRange,
) -> Vec<Completion> {
    let Some(text) = file.exact_text() else {
        return Vec::new();
    };
    let (key, at_key) = metadata_context(&text, offset);
    let replace = replace.clone();
    if at_key {
        // While a key is typed the document does not parse: read the keys
        // already present from the text.
        let present: Vec<String> = ANY_KEY
            .captures_iter(&text)
            .filter_map(|c| c.get(1).or(c.get(2)).map(|m| m.as_str().to_string()))
            .collect();
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

/// The key whose value holds `offset` in a JSON or YAML metadata text, and
/// whether the cursor is at a key position instead.
fn metadata_context(text: &str, offset: usize) -> (Option<String>, bool) {
    let before = &text[..offset];
    // The last `"key":` (JSON) or `key:` at a line start (YAML).
    let json_key = regex_last(before, &JSON_KEY);
    let yaml_key = regex_last(before, &YAML_KEY);
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

/// The first group of the last match of `regex` in `text`, and where
/// that match ends.
fn regex_last(text: &str, regex: &Regex) -> Option<(String, usize)> {
    regex
        .captures_iter(text)
        .last()
        .and_then(|c| Some((c.get(1)?.as_str().to_string(), c.get(0)?.end())))
}
