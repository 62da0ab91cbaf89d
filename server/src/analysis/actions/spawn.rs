//! Spawning a follow-up thread from a line of a thread (SPEC §4): one
//! action per target type (engineering, marketing, sales, operations), the
//! likely one preferred — a content opportunity → marketing, a feature
//! request or pilot requirement → engineering, a demo request → sales,
//! otherwise the parent's type. Each creates `threads/{type}/{slug}/meta.json`
//! and `1-input.md` (never over an existing file) and appends a back-link
//! to the parent line.

use super::{Action, ActionKind, FileOp};
use crate::analysis::thread::thread_info;
use crate::analysis::thread::{thread_name, thread_title};
use crate::facts::metadata::MetaValue;
use crate::facts::paths::PathKind;
use crate::index::Snapshot;
use crate::paths;

/// The types a thread can be spawned as.
pub const SPAWN_TYPES: [&str; 4] = ["engineering", "marketing", "sales", "operations"];

/// The likely type for a line, given the parent's type.
pub fn likely_type(line: &str, parent_type: &str) -> &'static str {
    let lower = line.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    // The phrases LeanOS uses win over looser hints.
    if has(&["content opportunity"]) {
        "marketing"
    } else if has(&["feature request", "pilot requirement"]) {
        "engineering"
    } else if has(&["demo request"]) {
        "sales"
    } else if has(&[
        "case study",
        "blog",
        "article",
        "post",
        "newsletter",
        "webinar",
        "publish",
    ]) {
        "marketing"
    } else if has(&[
        "requirement",
        "feature",
        "integration",
        "build",
        "sdk",
        "api",
        "bug",
    ]) {
        "engineering"
    } else if has(&[
        "demo",
        "lead",
        "prospect",
        "deal",
        "pricing request",
        "trial request",
    ]) {
        "sales"
    } else {
        SPAWN_TYPES
            .iter()
            .find(|t| **t == parent_type)
            .copied()
            .unwrap_or("operations")
    }
}

/// The text of a line without list markers, checkboxes, emphasis and an
/// existing back-link.
fn line_text(line: &str) -> String {
    let mut text = line.trim();
    loop {
        let before = text;
        text = text
            .trim_start_matches(['-', '*', '+', '#', '>'])
            .trim_start()
            .trim_start_matches("[ ]")
            .trim_start_matches("[x]")
            .trim_start_matches("[X]")
            .trim_start();
        if let Some(rest) = text
            .strip_prefix(|c: char| c.is_ascii_digit())
            .and_then(|r| r.strip_prefix(". "))
        {
            text = rest;
        }
        if text == before {
            break;
        }
    }
    let text = text.split(" → spawned:").next().unwrap_or(text);
    text.replace("**", "").replace('`', "").trim().to_string()
}

/// A kebab-case slug of at most five words of `text`.
fn slug(text: &str) -> String {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            !w.is_empty()
                && !matches!(
                    *w,
                    "a" | "an"
                        | "the"
                        | "for"
                        | "of"
                        | "to"
                        | "and"
                        | "with"
                        | "on"
                        | "in"
                        | "from"
                        | "by"
                        | "at"
                        | "about"
                )
        })
        .take(5)
        .map(str::to_string)
        .collect();
    words.join("-")
}

/// A thread folder under `threads/{folder}/` that does not exist yet:
/// `base`, then `base-2`, `base-3`….
pub fn unique_dir(snapshot: &Snapshot, folder: &str, base: &str) -> String {
    let root = format!("{}/{folder}", snapshot.config.threads_dir);
    let mut candidate = format!("{root}/{base}");
    let mut n = 2;
    while snapshot.exists(&candidate) {
        candidate = format!("{root}/{base}-{n}");
        n += 1;
    }
    candidate
}

fn json_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
}

/// What a spawned thread is made from: the parent thread, the line the
/// back-link goes on, and the new thread's title and folder.
pub struct SpawnRequest<'a> {
    /// The parent thread's folder.
    pub parent_dir: &'a str,
    /// The file the new thread is spawned from (a member of the parent
    /// thread; its `1-input.md` links to it), and the byte offset of the
    /// end of the line a `→ spawned:` back-link is appended to (`None`:
    /// no back-link, the new thread's `parent_thread` alone says it).
    pub path: &'a str,
    pub line_end: Option<u32>,
    /// The new thread's title (its `**Thread:**` and observation).
    pub title: &'a str,
    /// The new thread's type (`engineering`) and the folder under the
    /// threads folder it goes in (`engineering`, `marketing/content`).
    pub thread_type: &'a str,
    pub folder: &'a str,
    /// `YYYY-MM-DD`, the `created` date.
    pub today: &'a str,
    /// The new thread's folder when it is already named (a request for
    /// `engineering/x` creates `threads/engineering/x`); `None` makes one
    /// from the title under `folder`.
    pub dir: Option<&'a str>,
}

/// The one action creating the thread `request` describes:
/// `threads/{folder}/{slug}/meta.json` (id, type, status, stage,
/// created, `parent_thread`, the parent's goal, subgoal and assumptions,
/// and for a sales thread spawned from marketing its `source` and
/// `attribution`) and `1-input.md`, and a `→ spawned:` back-link at the
/// end of the parent line. Not preferred; the caller decides.
pub fn spawn_action(snapshot: &Snapshot, request: &SpawnRequest) -> Action {
    let SpawnRequest {
        parent_dir,
        path,
        line_end,
        title,
        thread_type,
        folder,
        today,
        dir,
    } = *request;
    let info = thread_info(snapshot, parent_dir);
    let parent_name = thread_name(snapshot, parent_dir).to_string();
    let parent_title = thread_title(&info);
    let meta = info.metadata();
    let text_of = |key: &str| meta.and_then(|m| m.text(key));
    let goal = text_of("goal_id").or_else(|| {
        snapshot
            .thread_members(parent_dir)
            .flat_map(|f| f.facts.goal_refs.iter())
            .next()
            .map(|g| g.goal.to_string())
    });
    let subgoal = text_of("subgoal").or_else(|| {
        snapshot
            .thread_members(parent_dir)
            .flat_map(|f| f.facts.goal_refs.iter())
            .find_map(|g| g.subgoal.as_ref().map(|(s, _)| s.to_string()))
    });
    let assumptions: Vec<String> = match meta
        .and_then(|m| m.get("canvas_assumptions"))
        .map(|f| &f.value)
    {
        Some(MetaValue::List(items)) => items.iter().map(|(s, _)| s.to_string()).collect(),
        _ => {
            let mut ids: Vec<String> = snapshot
                .thread_members(parent_dir)
                .flat_map(|f| f.facts.refs.iter().map(|r| r.id.to_string()))
                .collect();
            ids.sort();
            ids.dedup();
            ids
        }
    };
    let base = {
        let from_line = slug(title);
        if from_line.is_empty() {
            format!("{}-followup", paths::file_name(parent_dir))
        } else {
            from_line
        }
    };
    // A named folder is used only when it is a new folder under the
    // threads folder's `folder` (never outside the root).
    let under = format!("{}/{folder}/", snapshot.config.threads_dir);
    let dir = match dir {
        Some(dir)
            if !snapshot.exists(dir)
                && paths::normalize(dir).as_deref() == Some(dir)
                && dir.starts_with(&under) =>
        {
            dir.to_string()
        }
        _ => unique_dir(snapshot, folder, &base),
    };
    let name = thread_name(snapshot, &dir).to_string();
    let mut fields = vec![
        (
            "id".to_string(),
            json_string(&format!("thread-{thread_type}-{}", paths::file_name(&dir))),
        ),
        ("type".to_string(), json_string(thread_type)),
        ("status".to_string(), json_string("active")),
        ("stage".to_string(), "1".to_string()),
        ("created".to_string(), json_string(today)),
        ("parent_thread".to_string(), json_string(&parent_name)),
    ];
    if let Some(goal) = &goal {
        fields.push(("goal_id".into(), json_string(goal)));
    }
    if let Some(subgoal) = &subgoal {
        fields.push(("subgoal".into(), json_string(subgoal)));
    }
    if !assumptions.is_empty() {
        let list: Vec<String> = assumptions.iter().map(|a| json_string(a)).collect();
        fields.push((
            "canvas_assumptions".into(),
            format!("[{}]", list.join(", ")),
        ));
    }
    if thread_type == "sales" && info.thread_type == "marketing" {
        fields.push(("source".into(), json_string(&format!("{parent_name}/"))));
        fields.push(("attribution".into(), json_string(&parent_title)));
    }
    let meta_text = format!(
        "{{\n{}\n}}\n",
        fields
            .iter()
            .map(|(k, v)| format!("  \"{k}\": {v}"))
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let goal_line = match (&goal, &subgoal) {
        (Some(g), Some(s)) => format!("**Goal:** {g} ({s})\n"),
        (Some(g), None) => format!("**Goal:** {g}\n"),
        _ => String::new(),
    };
    let source_link = {
        let from = paths::parent(&format!("{dir}/1-input.md")).to_string();
        let up = from.split('/').count();
        format!("{}{}", "../".repeat(up), path)
    };
    let input = format!(
        "# Stage 1: Input\n\n**Thread:** {title}\n**Type:** {thread_type}\n{goal_line}**Created:** {today}\n**Source:** [{parent_title}]({source_link})\n\n---\n\n## Observation\n\n{title}\n\n## Context\n\n- Spawned from `{path}`\n"
    );
    let mut ops = vec![
        FileOp::Create {
            path: format!("{dir}/meta.json"),
            text: meta_text,
        },
        FileOp::Create {
            path: format!("{dir}/1-input.md"),
            text: input,
        },
    ];
    if let Some(line_end) = line_end {
        ops.push(FileOp::insert(
            path,
            line_end,
            format!(" → spawned: {dir}/"),
        ));
    }
    Action {
        title: format!(
            "Spawn {} {thread_type} thread: {name}",
            if thread_type.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            }
        ),
        kind: ActionKind::Spawn,
        diagnostic: None,
        preferred: false,
        unambiguous: false,
        ops,
    }
}

/// Whether the line of `file` (whose text is `text`) starting at byte
/// `line_start` is under a learning's follow-up heading (`## Follow-up
/// Actions`, `### New Threads Generated`, next actions or steps, content
/// opportunities).
fn on_follow_up_line(file: &crate::index::FileData, text: &str, line_start: u32) -> bool {
    matches!(
        file.facts.path_kind(),
        PathKind::Stage { number: 6 | 7, .. }
    ) && {
        let before = text[..line_start as usize].to_lowercase();
        let heading = before.rfind("\n#").map(|i| &before[i..]).unwrap_or("");
        [
            "follow-up",
            "follow up",
            "next action",
            "next step",
            "content opportunit",
            "new threads",
        ]
        .iter()
        .any(|w| heading.contains(w))
    }
}

/// Spawn actions for the line holding byte `offset` of the file at `path`
/// (a file of a thread); `today` is `YYYY-MM-DD`.
pub fn spawn_actions(snapshot: &Snapshot, path: &str, offset: u32, today: &str) -> Vec<Action> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    let Some(parent_dir) = file.facts.path_kind().thread() else {
        return Vec::new();
    };
    let Some(text) = file.exact_text() else {
        return Vec::new();
    };
    let line = crate::line_index::line_span(&text, offset);
    let raw_line = &text[line.start as usize..line.end as usize];
    let title = line_text(raw_line);
    if title.is_empty() || raw_line.contains("→ spawned:") {
        return Vec::new();
    }
    let parent_type = thread_info(snapshot, parent_dir).thread_type;
    let likely = likely_type(&title, &parent_type);
    // Preferred on the follow-up lines of a learning.
    let follow_up_line = on_follow_up_line(file, &text, line.start);
    let actions = SPAWN_TYPES
        .iter()
        .map(|thread_type| {
            let mut action = spawn_action(
                snapshot,
                &SpawnRequest {
                    parent_dir,
                    path,
                    line_end: Some(line.end),
                    title: &title,
                    thread_type,
                    folder: thread_type,
                    today,
                    dir: None,
                },
            );
            // Only the likely type is preferred, and only on a follow-up
            // line or when the line clearly names another type than the
            // parent's.
            action.preferred = *thread_type == likely && (follow_up_line || likely != parent_type);
            action
        })
        .collect();
    super::applicable(snapshot, actions)
}

/// The text of the line holding byte `offset` of `text`, without list
/// markers, checkboxes, emphasis and an existing back-link (a spawned
/// thread's title).
pub fn title_of_line(text: &str, offset: u32) -> String {
    let line = crate::line_index::line_span(text, offset);
    line_text(&text[line.start as usize..line.end as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn likely_types() {
        assert_eq!(
            likely_type("Content opportunity: a case study with Acme", "sales"),
            "marketing"
        );
        assert_eq!(
            likely_type("Pilot requirement: SSO integration", "sales"),
            "engineering"
        );
        assert_eq!(
            likely_type("Demo request from Initech", "marketing"),
            "sales"
        );
        assert_eq!(
            likely_type("Schedule 90-day review", "operations"),
            "operations"
        );
        assert_eq!(
            likely_type("Schedule 90-day review", "research"),
            "operations"
        );
    }

    #[test]
    fn slugs_and_line_text() {
        assert_eq!(
            line_text("- [ ] **Create onboarding guide** for new developers"),
            "Create onboarding guide for new developers"
        );
        assert_eq!(
            slug("Create onboarding guide for new developers"),
            "create-onboarding-guide-new-developers"
        );
        assert_eq!(
            line_text("1. Establish a prompt library"),
            "Establish a prompt library"
        );
    }
}
