//! `loop-feature-not-built`: a sales or business learning asks
//! engineering for a feature or an integration (a request line,
//! `facts/markdown/requests.rs`) and no engineering thread answers it: none
//! names the requesting thread and the request names none
//! (`parent_thread`, `related_threads`, a `→ spawned:` back-link, a link
//! either way; `analysis/lineage.rs`), the one it names does not exist, or
//! every one linked has stopped (deferred or killed, or `completed` in
//! metadata without a stage 6). LeanOS's loop document calls this "Sales
//! requests features but engineering doesn't deliver" (leanos-formats.md
//! §6.2; `analysis/loops.rs`). Reported on the request line.

use super::{Context, Data, Diagnostic, Related};
use crate::analysis::actions::fix::{line_end, line_start};
use crate::analysis::actions::spawn::{spawn_action, title_of_line, SpawnRequest};
use crate::analysis::actions::{Action, ActionKind};
use crate::analysis::loops::{feature_requests, Unbuilt};
use crate::analysis::thread::thread_info;

pub fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    if context.file.facts.feature_requests.is_empty() {
        return;
    }
    let Some(thread) = context.file.facts.path_kind().thread() else {
        return;
    };
    let snapshot = context.snapshot;
    let info = thread_info(snapshot, thread);
    for state in feature_requests(snapshot, &info) {
        if state.learning.path != context.file.path {
            continue;
        }
        let Some(broken) = state.broken else {
            continue;
        };
        let mut related = Vec::new();
        // The folder a missing named thread would be: the named path up to
        // its first part that looks like a file (`engineering/x/1-input.md`
        // names the thread `engineering/x`).
        let broken_dir = match &broken {
            Unbuilt::Missing(named) => {
                let folder: Vec<&str> = named.split('/').take_while(|p| !p.contains('.')).collect();
                (folder.len() >= 2).then(|| folder.join("/"))
            }
            _ => None,
        };
        let message = match broken {
            Unbuilt::Unanswered => "feature request with no engineering thread: none names this thread as its parent or related thread, and the line names none".to_string(),
            Unbuilt::Missing(named) => format!("feature request for `{named}`, an engineering thread that does not exist"),
            Unbuilt::Stopped(stops) => {
                let names: Vec<String> = stops
                    .iter()
                    .map(|(dir, stop)| {
                        let name = crate::analysis::thread::thread_name(snapshot, dir);
                        format!("`{name}` ({})", stop.reason)
                    })
                    .collect();
                related.extend(stops.into_iter().map(|(dir, stop)| Related {
                    path: stop.file,
                    range: stop.range,
                    message: format!(
                        "{} stopped: {}",
                        crate::analysis::thread::thread_name(snapshot, &dir),
                        stop.reason
                    ),
                }));
                format!(
                    "feature request whose engineering thread has stopped: {}",
                    names.join(", ")
                )
            }
        };
        let mut diagnostic = context.diagnostic_with(
            Data::LoopSpawn {
                thread_type: "engineering",
                folder: "engineering",
                title: None,
                dir: broken_dir
                    .as_ref()
                    .map(|named| format!("{}/{named}", snapshot.config.threads_dir)),
            },
            "loop-feature-not-built",
            state.request.range.clone(),
            message,
        );
        diagnostic.related = related.into();
        out.push(diagnostic);
    }
}

/// Spawns the missing thread from the line of the finding (an
/// engineering thread for a feature request, a marketing content thread
/// for a content gap), with the thread as its `parent_thread` and a
/// `→ spawned:` back-link on the line. Offered, never applied blind: the
/// new thread's name and scope are the writer's call.
pub fn spawn_fixes(
    context: &Context,
    d: &Diagnostic,
    spawn: (&str, &str, Option<&str>, Option<&str>),
    today: &str,
) -> Vec<Action> {
    let (thread_type, folder, title, dir) = spawn;
    let file = context.file;
    let Some(text) = file.exact_text() else {
        return Vec::new();
    };
    let title = match title {
        Some(title) => title.to_string(),
        None => title_of_line(&text, d.range.start),
    };
    let line_start = line_start(&text, d.range.start) as usize;
    let line_end = line_end(&text, d.range.start);
    if text[line_start..line_end as usize].contains("→ spawned:") {
        return Vec::new();
    }
    // A feature request's line gets the back-link; a content gap is
    // reported on a learning's announcement or heading, which stays as
    // it is (the new thread's `parent_thread` names the learning's
    // thread).
    let back_link = (d.code == "loop-feature-not-built").then_some(line_end);
    let Some(parent_dir) = file.facts.path_kind().thread() else {
        return Vec::new();
    };
    let mut action = spawn_action(
        context.snapshot,
        &SpawnRequest {
            parent_dir,
            path: &file.path,
            line_end: back_link,
            title: &title,
            thread_type,
            folder,
            today,
            dir,
        },
    );
    action.kind = ActionKind::QuickFix;
    action.diagnostic = Some((d.code, d.range.clone()));
    action.preferred = true;
    vec![action]
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostics::fixture::check;
    use crate::analysis::diagnostics::fixture::fix_test::*;

    /// Each broken case beside its near miss: a request answered by a
    /// child thread, by a spawned back-link, by a related thread; a line
    /// that asks for no feature; an operations learning; an archived
    /// thread; a request naming an existing engineering thread.
    const LOOPS: &str = r#"//- /threads/sales/unanswered/6-learning.md
# Learning
- Acme asked for a Xero integration
//- /threads/sales/answered/6-learning.md
# Learning
- Beta asked for a Xero integration
//- /threads/engineering/xero/meta.json
{"parent_thread": "sales/answered", "status": "active"}
//- /threads/sales/spawned/6-learning.md
# Learning
- Pilot requirement: SSO → spawned: threads/engineering/sso/
//- /threads/engineering/sso/1-input.md
# Input
//- /threads/business/related/6-learning.md
# Learning
- Partners need a reseller API
//- /threads/engineering/reseller/meta.json
{"related_threads": ["business/related"]}
//- /threads/sales/no-feature/6-learning.md
# Learning
- Brightline accepted but asked for a cap
//- /threads/operations/ops/6-learning.md
# Learning
- The team wants a Slack integration
//- /threads/sales/archive/old/6-learning.md
# Learning
- Old asked for a Xero integration
//- /threads/sales/named/6-learning.md
# Learning
## Follow-up Actions
- [ ] **engineering/ledger-sync:** build ledger sync
- [ ] **engineering/sso:** single sign-on
- [ ] Review engineering/sso/1-input.md with the pilot
"#;

    #[test]
    fn unanswered_and_missing_requests_and_their_near_misses() {
        let found = check(LOOPS, "loop-feature-not-built");
        assert_eq!(
            found,
            [
                "threads/sales/named/6-learning.md:2:0-2:52 hint feature request for `engineering/ledger-sync`, an engineering thread that does not exist",
                "threads/sales/unanswered/6-learning.md:1:0-1:35 hint feature request with no engineering thread: none names this thread as its parent or related thread, and the line names none",
            ]
        );
    }

    #[test]
    fn a_stopped_engineering_thread_is_named_with_why() {
        let found = check(
            r#"//- /threads/sales/acme/6-learning.md
# Learning
- Acme requested the white-label SDK
//- /threads/engineering/sdk/meta.json
{"parent_thread": "sales/acme", "status": "completed"}
//- /threads/engineering/sdk/1-input.md
# Input
//- /threads/sales/beta/6-learning.md
# Learning
- Beta requested the white-label SDK
//- /threads/engineering/sdk-beta/meta.json
{"parent_thread": "sales/beta"}
//- /threads/engineering/sdk-beta/4-decision.md
# Decision
**Decision:** KILL
//- /threads/engineering/sdk-beta-2/meta.json
{"parent_thread": "sales/beta", "status": "active"}
"#,
            "loop-feature-not-built",
        );
        // Beta has a second engineering thread still alive.
        assert_eq!(
            found,
            ["threads/sales/acme/6-learning.md:1:0-1:36 hint feature request whose engineering thread has stopped: `engineering/sdk` (its metadata says `completed` but its stage 6 is missing or empty)"]
        );
    }

    #[test]
    fn spawning_the_engineering_thread_answers_the_request() {
        let files = check_fix(
            r#"//- /threads/sales/acme/meta.json
{"type": "sales", "goal_id": "g-first-ten", "source": "outbound"}
//- /threads/sales/acme/6-learning.md
# Learning
- Acme asked for a Xero integration
"#,
            "threads/sales/acme/6-learning.md",
            "loop-feature-not-built",
            "engineering/acme-asked-xero-integration",
        );
        assert_eq!(
            files["threads/sales/acme/6-learning.md"],
            "# Learning\n- Acme asked for a Xero integration → spawned: threads/engineering/acme-asked-xero-integration/\n"
        );
        let meta = &files["threads/engineering/acme-asked-xero-integration/meta.json"];
        assert!(meta.contains("\"parent_thread\": \"sales/acme\""), "{meta}");
        assert!(meta.contains("\"goal_id\": \"g-first-ten\""), "{meta}");
        assert!(!diagnostics(&rebuild(&files))
            .iter()
            .any(|(_, code, _, _)| *code == "loop-feature-not-built"));
        // A request naming a missing thread creates that thread.
        let files = check_fix(
            r#"//- /threads/sales/acme/6-learning.md
# Learning
## Follow-up Actions
- engineering/ledger-sync/1-input.md: build it
"#,
            "threads/sales/acme/6-learning.md",
            "loop-feature-not-built",
            "engineering/ledger-sync",
        );
        assert!(files.contains_key("threads/engineering/ledger-sync/meta.json"));
        assert!(!diagnostics(&rebuild(&files))
            .iter()
            .any(|(_, code, _, _)| *code == "loop-feature-not-built"));
    }
}
