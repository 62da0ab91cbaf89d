//! `goal-unknown`: a goal id (`goal_id`, `**Goal:** g-…`) that no goal file
//! defines, or a subgoal (`SG2`) the goal does not have (leanos-formats.md
//! §5.3).

use super::{Context, Diagnostic, Related};

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let snapshot = context.snapshot;
    for goal_ref in &context.file.facts.goal_refs {
        let Some(files) = snapshot.goals.get(goal_ref.goal.as_str()) else {
            out.push(context.diagnostic(
                "goal-unknown",
                goal_ref.range.clone(),
                format!(
                    "goal `{}` does not exist under `{}`",
                    goal_ref.goal, snapshot.config.goals_dir
                ),
            ));
            continue;
        };
        let Some((subgoal, range)) = &goal_ref.subgoal else {
            continue;
        };
        let Some(goal_file) = files.iter().next().and_then(|f| snapshot.files.get(&**f)) else {
            continue;
        };
        let known = goal_file
            .facts
            .goal
            .as_ref()
            .is_some_and(|g| g.subgoals.iter().any(|(id, _)| id == subgoal));
        if !known {
            let mut diagnostic = context.diagnostic(
                "goal-unknown",
                range.clone(),
                format!("goal `{}` has no subgoal `{subgoal}`", goal_ref.goal),
            );
            diagnostic.relate(Related {
                path: goal_file.path.to_string(),
                range: super::anchor(goal_file),
                message: format!("goal `{}`", goal_ref.goal),
            });
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn goals_and_subgoals_in_all_layouts() {
        let found = check(
            r#"//- /strategy/goals/active/g-first-customers.md
---
id: g-first-customers
status: active
---
# Goal: First customers
#### SG1: Pilot
#### SG2: Close
//- /strategy/goals/active/arr-q1/goal.md
---
goal_id: arr-q1
---
# ARR
//- /strategy/goals/active/arr-q1/1.pipeline.md
# Pipeline
//- /strategy/goals/active/launch-20260301.md
# Goal: Launch
ID: launch-20260301
//- /threads/sales/a/1-input.md
# Stage 1: Input
**Goal:** g-first-customers (SG2: Close)
//- /threads/sales/b/1-input.md
**Goal:** g-first-customers (SG7: Nope)
//- /threads/sales/c/meta.json
{"goal_id": "g-missing", "subgoal": "SG1"}
//- /threads/sales/d/meta.json
{"goal_id": "arr-q1"}
//- /threads/sales/e/1-input.md
---
goal_id: launch-20260301
---
**Goal:** Increase revenue this year
//- /strategy/goals/active/arr-q1/2.meetings.md
---
parent_goal: arr-q1
child_goals: [arr-q1/1.pipeline, arr-q1/9.none]
---
"#,
            "goal-unknown",
        );
        assert_eq!(
            found,
            [
                "strategy/goals/active/arr-q1/2.meetings.md:2:33-2:46 warning goal `arr-q1/9.none` does not exist under `strategy/goals`",
                "threads/sales/b/1-input.md:0:29-0:32 warning goal `g-first-customers` has no subgoal `SG7`",
                "threads/sales/c/meta.json:0:13-0:22 warning goal `g-missing` does not exist under `strategy/goals`",
            ]
        );
    }
}

#[cfg(test)]
mod campaign_tests {
    use crate::analysis::diagnostics::fixture::check;

    #[test]
    fn campaign_metadata_goal_key() {
        let found = check(
            r#"//- /strategy/goals/active/g-known.md
# Goal: Known
//- /threads/marketing/campaigns/q1/metadata.yaml
campaign_name: Q1 push
goal: g-unknown
//- /threads/marketing/campaigns/q2/metadata.yaml
goal: g-known
//- /threads/marketing/campaigns/q3/metadata.yaml
goal: grow the newsletter
"#,
            "goal-unknown",
        );
        assert_eq!(
            found,
            ["threads/marketing/campaigns/q1/metadata.yaml:1:6-1:15 warning goal `g-unknown` does not exist under `strategy/goals`"]
        );
    }
}
