//! Stage templates: the sections of each stage file (leanos-formats.md
//! §3) as a snippet for a thread, filled with its title, type, verdicts
//! and a cited assumption; offered by completion in an empty stage file
//! and by the code actions that create stage files.

use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::thread::{thread_info, thread_title};
use crate::index::Snapshot;

/// Verdicts of stage 4 by thread type (leanos-formats.md §3.8); the
/// generic ones last.
pub(crate) fn verdicts_for(thread_type: &str, campaign: bool) -> Vec<&'static str> {
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
        .flat_map(|f| f.facts.refs.iter())
        .find(|r| snapshot.assumptions.contains_key(r.id.as_str()))
        .map_or_else(|| "A?".to_string(), |r| r.id.to_string());
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

/// A snippet choice `${1|a,b|}`: its first option is group 1.
static CHOICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\{\d+\|([^,|]*)[^}]*\|\}").expect("regex"));
/// A snippet placeholder `${1:text}`: its text is group 1.
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\{\d+:([^}]*)\}").expect("regex"));
/// A snippet tab stop, `$1` or `${1}`.
static TAB_STOP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$\{?\d+\}?").expect("regex"));

/// A snippet as plain text, for clients without snippet support:
/// placeholders keep their default text, tab stops disappear.
pub fn snippet_to_plain(snippet: &str) -> String {
    let text = CHOICE.replace_all(snippet, "$1");
    let text = PLACEHOLDER.replace_all(&text, "$1");
    TAB_STOP.replace_all(&text, "").into_owned()
}
