//! Goals (leanos-formats.md §5): the goal a goal file defines (its ID,
//! title, status and subgoals, §5.2) and the goal references of other
//! files (`**Goal:** g-developer-productivity (SG2: …)`, a later
//! `Subgoal: SG3` line, §5.3).

use std::sync::LazyLock;
use thin_vec::ThinVec;

use regex::Regex;

use super::lines::{Line, LineKind};
use super::trim_token;
use crate::config::Config;
use crate::facts::metadata::Metadata;
use crate::facts::{GoalDef, GoalRef};
use crate::syntax::ByteRange;

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

/// Whether `id` is a subgoal ID (`SG2`).
pub fn is_subgoal_id(id: &str) -> bool {
    id.strip_prefix("SG")
        .is_some_and(|d| !d.is_empty() && d.len() <= 3 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// What a goal file's body says about its goal.
#[derive(Debug, Default)]
pub(super) struct GoalFile {
    /// The first level-1 heading, without a `Goal:` prefix.
    title: Option<String>,
    /// The value of the first `ID:` line (v2, §5.2 (d)).
    id_line: Option<String>,
    /// Subgoal IDs starting a heading (`#### SG1: Title`) or a list item
    /// (`- SG2 …`), with their byte ranges.
    subgoals: Vec<(String, ByteRange)>,
}

impl GoalFile {
    /// Reads a heading of `level` whose text `content` starts at byte
    /// `base`.
    pub fn heading(&mut self, level: u8, content: &str, base: usize) {
        if self.title.is_none() && level == 1 {
            let title = content.trim();
            let title = title.strip_prefix("Goal:").map(str::trim).unwrap_or(title);
            self.title = Some(title.to_string());
        }
        if let Some(sg) = SUBGOAL_TOKEN.find(content).filter(|m| m.start() == 0) {
            let s = base + sg.start();
            self.subgoals
                .push((sg.as_str().to_string(), s as u32..(s + sg.len()) as u32));
        }
    }

    /// Reads a line that is no heading.
    pub fn line(&mut self, line: &Line) {
        if line.kind == LineKind::ListItem {
            let body = line
                .text
                .trim_start()
                .trim_start_matches(['-', '*', '+'])
                .trim_start();
            if let Some(sg) = SUBGOAL_TOKEN.find(body).filter(|m| m.start() == 0) {
                let s = line.start + (line.text.len() - body.len()) + sg.start();
                self.subgoals
                    .push((sg.as_str().to_string(), s as u32..(s + sg.len()) as u32));
            }
        }
        if self.id_line.is_none() {
            if let Some(id) = GOAL_ID_LINE.captures(line.text).and_then(|c| c.get(1)) {
                self.id_line = Some(trim_token(id.as_str()).to_string());
            }
        }
    }

    /// The goal of the file at workspace path `path`. Its ID is the
    /// frontmatter's `id` or `goal_id`, else the `ID:` line, else the path
    /// names it: the folder of a `goal.md`, `folder/name` for a subgoal
    /// file in an E6 goal folder, else the file name (§5.2).
    pub fn finish(self, path: &str, frontmatter: Option<&Metadata>, config: &Config) -> GoalDef {
        let from_meta = frontmatter.and_then(|m| m.text("id").or_else(|| m.text("goal_id")));
        let name = crate::paths::file_name(path);
        let parent = crate::paths::parent(path);
        let goals_root_depth = config.goals_dir.split('/').count() + 1;
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
        GoalDef {
            id: from_meta.or(self.id_line).unwrap_or(from_path),
            title: self.title.unwrap_or_default(),
            status: frontmatter.and_then(|m| m.text("status")),
            subgoals: self.subgoals,
        }
    }
}

/// The goal references of a file that is no goal.
#[derive(Debug, Default)]
pub(super) struct GoalRefs {
    /// The index of the last reference, which a later `Subgoal:` line
    /// completes.
    last: Option<usize>,
}

impl GoalRefs {
    /// Reads `line` (at byte `base`): a `Goal:` line with an ID-shaped
    /// value (a dash or underscore and a letter) and an optional subgoal
    /// after it, or a `Subgoal: SG3` line for the last goal (a second
    /// subgoal repeats the goal reference).
    pub fn line(&mut self, line: &str, base: usize, goal_refs: &mut ThinVec<GoalRef>) {
        // Both shapes are a label naming a goal and a `:`.
        if !line.contains(':') || !super::contains_ignore_ascii_case(line, "goal") {
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
                        (m.as_str().into(), start as u32..(start + m.len()) as u32)
                    });
                    let start = base + id.start();
                    goal_refs.push(GoalRef {
                        goal: token.into(),
                        range: start as u32..(start + token.len()) as u32,
                        subgoal,
                    });
                    self.last = Some(goal_refs.len() - 1);
                    return;
                }
            }
        }
        if let (Some(captures), Some(index)) = (SUBGOAL_LINE.captures(line), self.last) {
            if let Some(sg) = captures.get(1) {
                let start = base + sg.start();
                let subgoal = (sg.as_str().into(), start as u32..(start + sg.len()) as u32);
                let goal_ref = &mut goal_refs[index];
                if goal_ref.subgoal.is_none() {
                    goal_ref.subgoal = Some(subgoal);
                } else {
                    let goal = goal_ref.goal.clone();
                    let range = goal_ref.range.clone();
                    goal_refs.push(GoalRef {
                        goal,
                        range,
                        subgoal: Some(subgoal),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lowered;
    use super::*;

    /// A file's goal references as `goal` or `goal/SGn`.
    fn goal_refs(text: &str) -> Vec<String> {
        lowered("threads/operations/tooling/1-input.md", text)
            .goal_refs
            .iter()
            .map(|r| match &r.subgoal {
                Some((sg, range)) => {
                    assert_eq!(&text[range.start as usize..range.end as usize], sg);
                    format!("{}/{sg}", r.goal)
                }
                None => r.goal.to_string(),
            })
            .collect()
    }

    #[test]
    fn a_goal_line_names_a_goal_and_maybe_a_subgoal() {
        let text = r#"# Stage 1: Input

**Goal:** g-developer-productivity (SG2: Improve development tooling)
"#;
        assert_eq!(goal_refs(text), ["g-developer-productivity/SG2"]);
        let text = r#"- Goal: `g-first-customer`
"#;
        assert_eq!(goal_refs(text), ["g-first-customer"]);
    }

    #[test]
    fn prose_after_goal_is_no_reference() {
        let text = r#"Goal: grow-revenue faster than planned
Goal: revenue
Goal: g-{name}
"#;
        assert_eq!(goal_refs(text), Vec::<String>::new());
    }

    #[test]
    fn subgoal_lines_complete_the_last_goal() {
        let text = r#"Goal: g-mrr-50k
Subgoal: SG1
Sub-goal: SG3
"#;
        assert_eq!(goal_refs(text), ["g-mrr-50k/SG1", "g-mrr-50k/SG3"]);
        assert_eq!(goal_refs("Subgoal: SG1\n"), Vec::<String>::new());
    }

    #[test]
    fn a_goal_file_defines_its_goal() {
        let text = r#"# Goal: First customer

ID: first-customer-20250101
Status: active

#### SG1: Close a pilot
- SG2 Sign the contract
- [ ] M1: milestone
"#;
        let facts = lowered("strategy/goals/active/first-customer-20250101.md", text);
        let goal = facts.goal.expect("a goal");
        assert_eq!(goal.id, "first-customer-20250101");
        assert_eq!(goal.title, "First customer");
        assert_eq!(goal.status, None);
        let subgoals: Vec<_> = goal
            .subgoals
            .iter()
            .map(|(id, r)| (id.as_str(), &text[r.start as usize..r.end as usize]))
            .collect();
        assert_eq!(subgoals, [("SG1", "SG1"), ("SG2", "SG2")]);
        assert!(facts.goal_refs.is_empty());
    }

    #[test]
    fn a_goal_id_from_frontmatter_or_path() {
        let text = r#"---
goal_id: arr-q1
status: active
---
# ARR Q1
"#;
        let goal = lowered("strategy/goals/active/arr-q1/goal.md", text)
            .goal
            .expect("a goal");
        assert_eq!(
            (goal.id.as_str(), goal.status.as_deref()),
            ("arr-q1", Some("active"))
        );
        let ids: Vec<_> = [
            "strategy/goals/active/arr-q1/goal.md",
            "strategy/goals/active/arr-q1/1.pipeline.md",
            "strategy/goals/active/g-mrr-50k.md",
        ]
        .iter()
        .map(|path| lowered(path, "# Goal\n").goal.expect("a goal").id)
        .collect();
        assert_eq!(ids, ["arr-q1", "arr-q1/1.pipeline", "g-mrr-50k"]);
    }

    #[test]
    fn subgoal_ids() {
        assert!(is_subgoal_id("SG2"));
        assert!(!is_subgoal_id("SG"));
        assert!(!is_subgoal_id("SG1234"));
        assert!(!is_subgoal_id("G2"));
    }
}
