//! Diagnostics: one rule per file (`<code>.rs`), each a pure function of
//! the snapshot and one file. [`file_diagnostics`] runs them all for a
//! file and applies the configured severities.

mod assumption_duplicate;
mod assumption_unknown;
mod assumption_untested;
mod attribution_broken;
mod attribution_missing;
mod decision_needs_approval;
mod decision_no_verdict;
mod goal_unknown;
mod hypothesis_no_assumption;
mod learning_no_canvas_update;
mod learning_not_applied;
mod link_broken;
mod loop_content_gap;
mod loop_feature_not_built;
mod loop_no_attribution;
mod meta_mismatch;
mod problems;
mod solution_missing_feature;
mod solution_stale_entry;
mod stage_empty;
mod stage_heading;
mod stage_legacy;
mod stage_misnamed;
mod stage_missing;

use smol_str::SmolStr;
use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::analysis::actions::Action;
use crate::config::RuleLevel;
use crate::facts::paths::{PathKind, StageForm};
use crate::facts::solution::SolutionEntry;
use crate::facts::{AnnouncedResult, LearningResult, Link};
use crate::index::{FileData, Snapshot};
use std::sync::Arc;

use crate::rules::{default_severity, Severity};
use crate::syntax::ByteRange;

pub use crate::index::Related;

/// A diagnostic on a byte range of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code from SPEC §2 (`assumption-unknown`, …).
    pub code: &'static str,
    pub severity: Severity,
    pub range: ByteRange,
    pub message: String,
    /// Shared, not copied, by the diagnostics and passes that report the
    /// same list from a memo (`learning-not-applied`'s Canvas end): the
    /// server reuses what it worked out for a list it has seen, by
    /// pointer, so a rule shares one only while the files it points into
    /// keep their text (see [`crate::index::Memo`]).
    pub related: Arc<[Related]>,
    /// What the code's quick fixes need, found by the rule.
    pub data: Data,
}

impl Diagnostic {
    /// Adds `related` to the related information.
    pub fn relate(&mut self, related: Related) {
        self.relate_all([related]);
    }

    /// Adds every one of `related` to the related information.
    pub fn relate_all(&mut self, related: impl IntoIterator<Item = Related>) {
        let mut all = self.related.to_vec();
        all.extend(related);
        self.related = all.into();
    }
}

/// What a diagnostic's quick fixes need, found by the rule that reports
/// it, so a fix never re-reads the message or looks its facts up again by
/// range. One variant per code that has a fix; other codes carry `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Data {
    /// No fix.
    #[default]
    None,
    /// `stage-missing`: the missing stage (1..=6).
    StageMissing { number: u8 },
    /// `stage-misnamed`: the stage the misnamed file is.
    StageMisnamed { number: u8 },
    /// `stage-heading`: the stage the file is (1..=6).
    StageHeading { number: u8 },
    /// `assumption-unknown`: the ID, and the result a learning records
    /// for it when the reference is one.
    AssumptionUnknown {
        id: String,
        result: Option<LearningResult>,
    },
    /// `learning-not-applied`: the ID and the disagreeing results with
    /// their learning's path (one at the learning end, up to
    /// `MAX_RELATED` at the Canvas end, shared with the memo's finding:
    /// a keystroke in the assumptions section copies none of them).
    LearningNotApplied {
        id: String,
        results: Arc<[(String, LearningResult)]>,
    },
    /// `attribution-missing`: the thread's folder.
    AttributionMissing { thread: String },
    /// `attribution-broken`: the `source` value (the range is the
    /// diagnostic's).
    AttributionBroken { source: String },
    /// `link-broken`: the link.
    LinkBroken { link: Link },
    /// `meta-mismatch`: the field and the value the folder implies.
    MetaMismatch { key: &'static str, expected: String },
    /// `solution-missing-feature`: the feature and what the learning
    /// states for it.
    SolutionMissingFeature {
        name: String,
        stated: AnnouncedResult,
    },
    /// `solution-stale-entry`: the solution file and its entry.
    SolutionStaleEntry {
        solution: String,
        entry: SolutionEntry,
    },
    /// `decision-needs-approval` (the range is the impact score).
    DecisionNeedsApproval,
    /// `loop-feature-not-built` and `loop-content-gap`: the thread to
    /// spawn from the finding's line, its type (`engineering`), the folder
    /// under the threads folder (`marketing/content`), its title (`None`:
    /// the text of the finding's line, read when the fix is built), and
    /// its folder when the finding names it.
    LoopSpawn {
        thread_type: &'static str,
        folder: &'static str,
        title: Option<String>,
        dir: Option<String>,
    },
}

/// The quick fixes of `diagnostic`, a diagnostic of `file`: its rule's
/// own `fixes`, from the diagnostic's [`Data`]. `today` (`YYYY-MM-DD`)
/// stamps new files and approvals.
pub fn fixes(
    snapshot: &Snapshot,
    file: &FileData,
    diagnostic: &Diagnostic,
    today: &str,
) -> Vec<Action> {
    let context = Context { snapshot, file };
    let d = diagnostic;
    match &diagnostic.data {
        Data::None => Vec::new(),
        Data::StageMissing { number } => stage_missing::fixes(&context, d, *number, today),
        Data::StageMisnamed { number } => stage_misnamed::fixes(&context, d, *number),
        Data::StageHeading { number } => stage_heading::fixes(&context, d, *number),
        Data::AssumptionUnknown { id, result } => {
            assumption_unknown::fixes(&context, d, id, result.as_ref())
        }
        Data::LearningNotApplied { id, results } => {
            learning_not_applied::fixes(&context, d, id, results)
        }
        Data::AttributionMissing { thread } => attribution_missing::fixes(&context, d, thread),
        Data::AttributionBroken { source } => attribution_broken::fixes(&context, d, source),
        Data::LinkBroken { link } => link_broken::fixes(&context, d, link),
        Data::MetaMismatch { key, expected } => meta_mismatch::fixes(&context, d, key, expected),
        Data::SolutionMissingFeature { name, stated } => {
            solution_missing_feature::fixes(&context, d, name, *stated)
        }
        Data::SolutionStaleEntry { solution, entry } => {
            solution_stale_entry::fixes(&context, d, solution, entry)
        }
        Data::DecisionNeedsApproval => decision_needs_approval::fixes(&context, d, today),
        Data::LoopSpawn {
            thread_type,
            folder,
            title,
            dir,
        } => loop_feature_not_built::spawn_fixes(
            &context,
            d,
            (thread_type, folder, title.as_deref(), dir.as_deref()),
            today,
        ),
    }
}

/// What a rule sees: the snapshot and the file it is checking.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub file: &'a FileData,
}

impl Context<'_> {
    /// A diagnostic of `code` at its default severity.
    pub fn diagnostic(&self, code: &'static str, range: ByteRange, message: String) -> Diagnostic {
        Diagnostic {
            code,
            severity: default_severity(code),
            range,
            message,
            related: Arc::new([]),
            data: Data::None,
        }
    }

    /// A diagnostic of `code` at its default severity, with the `data`
    /// its fixes need.
    pub fn diagnostic_with(
        &self,
        data: Data,
        code: &'static str,
        range: ByteRange,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            data,
            ..self.diagnostic(code, range, message)
        }
    }

    /// The thread whose learning this file is (the first of its stage 6,
    /// or legacy 7, files; not archived), for the rules reported on a
    /// thread's learning.
    pub fn learning_thread(&self) -> Option<crate::analysis::thread::ThreadInfo> {
        let thread = self.file.facts.path_kind().thread()?;
        if !matches!(self.stage(), Some((6 | 7, _))) {
            return None;
        }
        let info = crate::analysis::thread::thread_info(self.snapshot, thread);
        let first = info.stage_file(6).map(|f| f.path.as_str());
        (first == Some(self.file.path.as_str())).then_some(info)
    }

    /// The range of the file's first heading, else its first line
    /// (empty at 0 for an empty file): where file-level findings go.
    pub fn anchor(&self) -> ByteRange {
        anchor(self.file)
    }

    /// The stage number (1..=7) and naming form of a stage file that is
    /// not archived; `None` for other files and for `archive/` folders,
    /// which are read-only and get no structure rules.
    pub fn stage(&self) -> Option<(u8, StageForm)> {
        match self.file.facts.path_kind() {
            PathKind::Stage {
                number,
                form,
                archived: false,
                ..
            } => Some((*number, *form)),
            _ => None,
        }
    }

    /// Whether entry `index` of this file is the first definition of `id`
    /// (the one place per-ID findings are reported).
    pub fn is_first_definition(&self, id: &str, index: usize) -> bool {
        let first = self
            .snapshot
            .assumptions
            .get(id)
            .and_then(|l| l.iter().next());
        !first.is_some_and(|l| l.file != self.file.path || l.index != index)
    }

    /// The file was not read (over the size cap, `file-too-large`): rules
    /// about what a file says have nothing to judge.
    pub fn unread(&self) -> bool {
        self.file.facts.fidelity == crate::facts::Fidelity::TooLarge
    }

    /// The file is in an `archive/` folder: read-only, no structure rules.
    pub fn archived(&self) -> bool {
        matches!(
            self.file.facts.path_kind(),
            PathKind::Stage { archived: true, .. } | PathKind::ThreadMeta { archived: true, .. }
        )
    }
}

/// The range of a file's first heading, else its first non-empty line.
pub fn anchor(file: &FileData) -> ByteRange {
    if let Some(heading) = file.facts.headings.first() {
        return heading.range.clone();
    }
    file.facts.first_line.clone()
}

type Rule = fn(&Context, &mut Vec<Diagnostic>);

const RULES: &[Rule] = &[
    problems::check,
    assumption_unknown::check,
    assumption_duplicate::check,
    assumption_untested::check,
    link_broken::check,
    goal_unknown::check,
    stage_missing::check,
    stage_misnamed::check,
    stage_legacy::check,
    stage_empty::check,
    stage_heading::check,
    hypothesis_no_assumption::check,
    decision_no_verdict::check,
    decision_needs_approval::check,
    learning_no_canvas_update::check,
    learning_not_applied::check,
    solution_missing_feature::check,
    solution_stale_entry::check,
    meta_mismatch::check,
    attribution_missing::check,
    attribution_broken::check,
    loop_feature_not_built::check,
    loop_content_gap::check,
    loop_no_attribution::check,
];

/// Every diagnostic of the file at `path`, with configured severities
/// applied (rules set to `off` dropped), sorted by position then code.
pub fn file_diagnostics(snapshot: &Snapshot, path: &str) -> Vec<Diagnostic> {
    let Some(file) = snapshot.files.get(path) else {
        return Vec::new();
    };
    // Documentation (the framework's own files) is indexed, not diagnosed.
    if !snapshot.config.scope.diagnoses(path) {
        return Vec::new();
    }
    let context = Context {
        snapshot,
        file: file.as_ref(),
    };
    let mut out = Vec::new();
    for rule in RULES {
        rule(&context, &mut out);
    }
    let config = &snapshot.config;
    out.retain_mut(|d| match config.rules.get(d.code) {
        Some(RuleLevel::Off) => false,
        Some(RuleLevel::On(severity)) => {
            d.severity = *severity;
            true
        }
        None => true,
    });
    out.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    // Kept for as long as the file is unchanged (by `check` until it
    // prints, by the server until the next edit): most files have one or
    // two diagnostics, and a vector's first growth makes room for four.
    out.shrink_to_fit();
    out
}

/// Diagnostics of every file in the workspace, in parallel; files without
/// any are left out. Sorted by path.
pub fn workspace_diagnostics(snapshot: &Snapshot) -> BTreeMap<String, Vec<Diagnostic>> {
    let paths: Vec<&SmolStr> = snapshot.files.keys().collect();
    paths
        .par_iter()
        .map(|path| (path.to_string(), file_diagnostics(snapshot, path)))
        .filter(|(_, diagnostics)| !diagnostics.is_empty())
        .collect()
}

#[cfg(test)]
pub(crate) mod fixture;

#[cfg(test)]
mod tests {
    use super::fixture::check;

    const THREAD: &str = r#"//- /strategy/canvas/10-assumptions.md
### A1: One
### Q2: Custom prefix
//- /threads/ops/x/1-input.md
# Input
[gone](./missing.md)
//- /threads/ops/x/2-hypothesis.md
Tests: A9 - unknown
Tests: Q7 - custom prefix
//- /threads/ops/x/4-decision.md
**PROCEED**
Impact score: 0.75
//- /threads/drafts/scratch.md
[gone](./nowhere.md)
"#;

    #[test]
    fn leanos_toml_changes_severities_prefixes_ignores_and_threshold() {
        let defaults = check(THREAD, "");
        assert!(
            defaults
                .iter()
                .any(|d| d.contains("link-broken") && d.contains(" warning ")),
            "{defaults:#?}"
        );
        assert!(defaults
            .iter()
            .any(|d| d.starts_with("threads/drafts/scratch.md")));
        assert!(
            !defaults.iter().any(|d| d.contains("`Q7`")),
            "Q is not a default prefix"
        );
        assert!(!defaults
            .iter()
            .any(|d| d.contains("decision-needs-approval")));

        let configured = format!(
            "//- /leanos.toml\n[rules]\nlink-broken = \"error\"\nstage-missing = \"off\"\nassumption-untested = \"off\"\n\
             [assumptions]\nprefixes = [\"A\", \"Q\"]\n[files]\nignore = [\"threads/drafts/**\"]\n[decisions]\napproval_threshold = 0.7\n{THREAD}"
        );
        let found = check(&configured, "");
        assert!(
            found
                .iter()
                .any(|d| d.contains("link-broken") && d.contains(" error ")),
            "{found:#?}"
        );
        assert!(
            !found.iter().any(|d| d.contains("stage-missing")),
            "{found:#?}"
        );
        assert!(
            !found.iter().any(|d| d.contains("assumption-untested")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(|d| d.contains("`Q7` is not defined")),
            "{found:#?}"
        );
        assert!(
            !found.iter().any(|d| d.starts_with("threads/drafts/")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(|d| d.contains("decision-needs-approval")),
            "{found:#?}"
        );
    }

    const CLONE: &str = r#"//- /strategy/canvas/10-assumptions.md
### A1: One
//- /threads/sales/x/2-hypothesis.md
Tests: A1 - one
[gone](./missing.md)
//- /README.md
Thread: `threads/sales/elsa/6-learning.md`
Tests: A7 - an example
//- /docs/guide.md
[gone](./nowhere.md)
//- /.claude/skills/x/SKILL.md
[gone](./nowhere.md)
//- /changelog.md
- `docs/old.md` - merged
//- /threads/changelog.md
- `docs/old.md` - merged
"#;

    #[test]
    fn the_framework_documentation_is_indexed_not_diagnosed() {
        let found = check(CLONE, "");
        let paths: std::collections::BTreeSet<&str> =
            found.iter().map(|d| d.split(':').next().unwrap()).collect();
        assert_eq!(
            paths,
            ["threads/sales/x/2-hypothesis.md"].into(),
            "{found:#?}"
        );
        // `include` and `exclude` change it.
        let configured = format!(
            r#"//- /leanos.toml
[files]
include = ["threads/**", "docs/**"]
exclude = ["threads/sales/**"]
{CLONE}"#
        );
        let found = check(&configured, "");
        let paths: std::collections::BTreeSet<&str> =
            found.iter().map(|d| d.split(':').next().unwrap()).collect();
        assert_eq!(paths, ["docs/guide.md"].into(), "{found:#?}");
    }

    #[test]
    fn a_stage_over_the_size_cap_is_only_file_too_large() {
        let fixture = r#"//- /leanos.toml
[files]
max_size = 40
//- /threads/ops/x/1-input.md
# Stage 1: Input
//- /threads/ops/x/2-hypothesis.md
# Stage 2: Hypothesis

A hypothesis long enough to be over the cap.
//- /threads/ops/x/4-decision.md
# Stage 4: Decision

A decision long enough to be over the cap too.
//- /threads/ops/x/6-learning.md
# Stage 6: Learning

A learning long enough to be over the cap as well.
"#;
        let found = check(fixture, "");
        let codes: Vec<&str> = found
            .iter()
            .filter(|d| !d.contains("stage-missing"))
            .map(|d| d.rsplit_once(" [").unwrap().1.trim_end_matches(']'))
            .collect();
        assert_eq!(
            codes,
            ["file-too-large", "file-too-large", "file-too-large"],
            "{found:#?}"
        );
    }
}
