//! Per-file facts ("lowering"): everything the index and the analyses need
//! from one file, as plain values with byte ranges. Pure: the same text
//! gives the same facts whether it comes from disk or from the editor.

pub mod markdown;
pub mod metadata;
pub mod paths;
pub mod solution;
pub mod status;

use crate::config::Config;
use crate::rules::Severity;
use crate::syntax::ByteRange;
use metadata::{MetaValue, Metadata};
use paths::PathKind;
use smol_str::SmolStr;
use status::AssumptionStatus;
use thin_vec::ThinVec;

/// How an assumption entry is written (leanos-formats.md §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryForm {
    /// `### A4: Title` with bold fields below (also v2 `### A001: …`).
    Heading,
    /// A row of a table whose header has an `ID` column.
    TableRow,
    /// `- A1: text`.
    ListItem,
}

/// An assumption defined in the assumptions section (Canvas section 10).
#[derive(Debug, Clone, PartialEq)]
pub struct AssumptionEntry {
    pub id: String,
    pub id_range: ByteRange,
    pub title: String,
    pub status: Option<AssumptionStatus>,
    pub status_range: Option<ByteRange>,
    /// Percent 0..=100.
    pub confidence: Option<u8>,
    pub confidence_range: Option<ByteRange>,
    pub evidence: Option<String>,
    pub form: EntryForm,
    /// The whole entry (heading block up to the next heading of the same
    /// or a higher level, the row, or the item's line).
    pub range: ByteRange,
}

/// An assumption ID used in an assumption context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumptionRef {
    pub id: SmolStr,
    pub range: ByteRange,
}

/// How a link's target is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// `[x](target)`: relative to the file's folder (`/target` from the root).
    Markdown,
    /// A backticked or labelled path: from the root first, then from the
    /// file's folder; `canvas/…` is relative to `strategy/`.
    Path,
    /// A Canvas file name alone (`10-assumptions.md`), resolved by section
    /// number whatever the naming scheme.
    CanvasName(u8),
    /// A thread path relative to `threads/` (`sales/acme`), or a bare
    /// thread name.
    Thread,
    /// A stage file named in prose inside a thread (`5-actions.md`): the
    /// sibling file. Navigable, never reported as broken (prose often names
    /// stages that do not exist yet).
    Sibling,
}

/// A reference to a file, folder, Canvas section or thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub target: SmolStr,
    /// The target as written (a markdown link's destination).
    pub range: ByteRange,
    pub kind: LinkKind,
    /// A markdown link's whole `[label](target)`, where navigation also
    /// starts; `None` for the other forms.
    pub span: Option<ByteRange>,
    /// The line holds `spawned` before the link (`→ spawned: [x](…)`,
    /// `Spawned threads: …`): a thread this one spawned.
    pub spawned: bool,
}

/// What a learning states about an assumption it cites (`A4 … →
/// VALIDATED`, `- 10-assumptions.md → A4: confidence 95%`, or the compact
/// block `A7: …` / `Status: validated → VALIDATED` / `Confidence: 60% →
/// 95%` / `Evidence: …`, leanos-formats.md §2.2 and §2.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningResult {
    pub id: SmolStr,
    /// The range of the ID in the learning.
    pub range: ByteRange,
    pub status: Option<AssumptionStatus>,
    /// Percent 0..=100.
    pub confidence: Option<u8>,
    pub evidence: Option<String>,
}

/// What a learning states for a feature it announces for 09, written
/// under the announcement itself: notes in or after the name
/// (`09-solution.md → "White-Label SDK (validated)" (confidence: 95%)`)
/// or `Status:` / `Confidence:` lines right below it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnnouncedResult {
    pub status: Option<AssumptionStatus>,
    /// Percent 0..=100.
    pub confidence: Option<u8>,
}

/// A line of a learning asking engineering for a feature or an
/// integration (`facts/markdown/requests.rs` says which lines are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureRequest {
    /// The line as written, without surrounding whitespace.
    pub text: String,
    /// The byte range of `text` in the file.
    pub range: ByteRange,
    /// The engineering thread the line names, relative to the threads
    /// folder without a trailing `/` (`engineering/white-label-sdk`), and
    /// where it is written.
    pub thread: Option<(String, ByteRange)>,
}

/// A reference to a goal, optionally with a subgoal (`SG2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalRef {
    pub goal: SmolStr,
    pub range: ByteRange,
    pub subgoal: Option<(SmolStr, ByteRange)>,
}

/// A goal defined by a goal file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalDef {
    pub id: String,
    pub title: String,
    pub status: Option<String>,
    /// Subgoal IDs (`SG1`) with the ranges of their headings or items.
    pub subgoals: Vec<(String, ByteRange)>,
}

/// What a stage file's first heading says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageHeading {
    /// The stage the heading names (by name when it has one, else by
    /// number); `None` when it names no stage.
    pub stage: Option<u8>,
    pub range: ByteRange,
    pub text: SmolStr,
}

/// The family a stage-4 verdict belongs to (leanos-formats.md §3.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictClass {
    /// Go ahead: PROCEED, QUALIFY, PURSUE, CREATE, BUILD, PIVOT, SCALE,
    /// REFACTOR, LAUNCH, TEST, accepted.
    Proceed,
    /// End the thread: DECLINE, REJECT, PASS, KILL, CANCEL, rejected.
    Stop,
    /// Wait: DEFER, HOLD, deferred.
    Defer,
}

/// A recognised stage-4 verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub word: String,
    pub class: VerdictClass,
    pub range: ByteRange,
}

/// A problem found while reading or lowering a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: &'static str,
    pub message: String,
    pub range: ByteRange,
    /// A severity other than the code's default (an empty `meta.json` is a
    /// warning, not an error).
    pub severity: Option<Severity>,
}

/// A heading of a markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: SmolStr,
    pub range: ByteRange,
}

/// Everything the engine knows about one file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileFacts {
    pub kind: FileKindSlot,
    /// Only whitespace (or nothing).
    pub empty: bool,
    /// Whether the lowered text is the file's content byte for byte; a fix
    /// never edits a file whose text is not.
    pub fidelity: Fidelity,
    pub headings: ThinVec<Heading>,
    /// YAML frontmatter of a markdown file (boxed, as most files have
    /// none: a pointer where the value would be 32 bytes).
    pub frontmatter: Option<Box<Metadata>>,
    /// The document of `meta.json` / `metadata.yaml` (boxed: most files
    /// are not metadata).
    pub metadata: Option<Box<Metadata>>,
    pub entries: ThinVec<AssumptionEntry>,
    pub refs: ThinVec<AssumptionRef>,
    pub links: ThinVec<Link>,
    pub goal_refs: ThinVec<GoalRef>,
    pub goal: Option<Box<GoalDef>>,
    pub stage_heading: Option<StageHeading>,
    pub verdict: Option<Box<Verdict>>,
    /// Stage 4 impact score (0.0..=1.0) and its range.
    pub impact: Option<(f64, ByteRange)>,
    /// Stage 4 records an approval by a person.
    pub approved: bool,
    /// Stage 6 names a Canvas section it updates.
    pub names_canvas: bool,
    /// Results a learning (stage 6 or legacy 7) states for the assumptions
    /// it cites.
    pub learning_results: ThinVec<LearningResult>,
    /// A learning's own outcome (`**Status:** ✅ VALIDATED` outside its
    /// Canvas updates) and where it is written.
    pub outcome: Option<(AssumptionStatus, ByteRange)>,
    /// A learning's own confidence (`**Posterior confidence:** 95%`).
    pub outcome_confidence: Option<u8>,
    /// Features a learning announces for the solution section.
    pub solution_updates: ThinVec<(String, ByteRange)>,
    /// What the learning states for each announced feature, in the order
    /// of `solution_updates`.
    pub solution_update_results: ThinVec<AnnouncedResult>,
    /// Lines of a learning asking engineering for a feature or an
    /// integration.
    pub feature_requests: ThinVec<FeatureRequest>,
    /// Entries of the solution section (Canvas 09).
    pub solution_entries: ThinVec<solution::SolutionEntry>,
    /// The thread's title as this file states it (`**Thread:** Title`,
    /// or `title`/`name`/`campaign_name` in metadata).
    pub thread_title: Option<SmolStr>,
    pub problems: ThinVec<Problem>,
    /// The first non-empty line, without its surrounding blanks (empty at
    /// the end of a blank file): what a diagnostic about the whole file
    /// points at when the file has no heading.
    pub first_line: ByteRange,
}

/// [`PathKind`] with a default, so facts can derive `Default`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileKindSlot(pub PathKind);

impl Default for FileKindSlot {
    fn default() -> Self {
        FileKindSlot(PathKind::Other)
    }
}

impl FileFacts {
    /// Drops the spare capacity of every list. Facts live as long as
    /// their file is unchanged, and most lists hold one or two items
    /// where a vector's first growth makes room for four (at 10,000
    /// threads the spare room was about 10 MB, BENCHMARKS.md "Memory").
    pub fn shrink_to_fit(&mut self) {
        self.headings.shrink_to_fit();
        self.entries.shrink_to_fit();
        self.refs.shrink_to_fit();
        self.links.shrink_to_fit();
        self.goal_refs.shrink_to_fit();
        self.learning_results.shrink_to_fit();
        self.solution_updates.shrink_to_fit();
        self.solution_update_results.shrink_to_fit();
        self.feature_requests.shrink_to_fit();
        self.solution_entries.shrink_to_fit();
        self.problems.shrink_to_fit();
        for metadata in [&mut self.frontmatter, &mut self.metadata]
            .into_iter()
            .flatten()
        {
            metadata.fields.shrink_to_fit();
            for field in &mut metadata.fields {
                if let MetaValue::List(items) = &mut field.value {
                    items.shrink_to_fit();
                }
            }
        }
    }

    /// Every byte range of the facts, each named by what it is, in an
    /// order that depends only on the facts' shape (two lowerings of texts
    /// that differ by an edit outside every fact list the same kinds in
    /// the same order).
    pub fn ranges(&self) -> Vec<(&'static str, ByteRange)> {
        let mut ranges: Vec<(&'static str, ByteRange)> = Vec::new();
        ranges.extend(self.headings.iter().map(|h| ("heading", h.range.clone())));
        for meta in [&self.frontmatter, &self.metadata].into_iter().flatten() {
            ranges.push(("metadata", meta.range.clone()));
            for field in &meta.fields {
                ranges.push(("metadata key", field.key_range.clone()));
                ranges.push(("metadata value", field.value_range.clone()));
                if let crate::facts::metadata::MetaValue::List(items) = &field.value {
                    ranges.extend(items.iter().map(|(_, r)| ("metadata item", r.clone())));
                }
            }
        }
        for entry in &self.entries {
            ranges.push(("entry id", entry.id_range.clone()));
            ranges.push(("entry", entry.range.clone()));
            ranges.extend(entry.status_range.clone().map(|r| ("entry status", r)));
            ranges.extend(
                entry
                    .confidence_range
                    .clone()
                    .map(|r| ("entry confidence", r)),
            );
        }
        ranges.extend(self.refs.iter().map(|r| ("reference", r.range.clone())));
        for link in &self.links {
            ranges.push(("link", link.range.clone()));
            ranges.extend(link.span.clone().map(|r| ("link span", r)));
        }
        for goal in &self.goal_refs {
            ranges.push(("goal reference", goal.range.clone()));
            ranges.extend(
                goal.subgoal
                    .as_ref()
                    .map(|(_, r)| ("subgoal reference", r.clone())),
            );
        }
        if let Some(goal) = &self.goal {
            ranges.extend(goal.subgoals.iter().map(|(_, r)| ("subgoal", r.clone())));
        }
        ranges.extend(
            self.stage_heading
                .as_ref()
                .map(|h| ("stage heading", h.range.clone())),
        );
        ranges.extend(self.verdict.as_ref().map(|v| ("verdict", v.range.clone())));
        ranges.extend(self.impact.as_ref().map(|(_, r)| ("impact", r.clone())));
        ranges.extend(
            self.learning_results
                .iter()
                .map(|r| ("learning result", r.range.clone())),
        );
        ranges.extend(self.outcome.as_ref().map(|(_, r)| ("outcome", r.clone())));
        ranges.extend(
            self.solution_updates
                .iter()
                .map(|(_, r)| ("solution update", r.clone())),
        );
        for entry in &self.solution_entries {
            ranges.push(("solution entry", entry.range.clone()));
            ranges.push(("solution name", entry.name_range.clone()));
            ranges.extend(entry.status_range.clone().map(|r| ("solution status", r)));
            ranges.extend(
                entry
                    .evidence
                    .as_ref()
                    .map(|(_, r)| ("solution evidence", r.clone())),
            );
        }
        for request in &self.feature_requests {
            ranges.push(("feature request", request.range.clone()));
            ranges.extend(
                request
                    .thread
                    .as_ref()
                    .map(|(_, r)| ("requested thread", r.clone())),
            );
        }
        ranges.extend(self.problems.iter().map(|p| ("problem", p.range.clone())));
        ranges
    }

    /// What the file is.
    pub fn path_kind(&self) -> &PathKind {
        &self.kind.0
    }

    /// The metadata document of a metadata file, or the frontmatter of a
    /// markdown file.
    pub fn meta(&self) -> Option<&Metadata> {
        self.metadata.as_deref().or(self.frontmatter.as_deref())
    }
}

/// Whether a file's text in the engine is its content byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fidelity {
    /// Read whole and valid UTF-8, or an open document's text.
    #[default]
    Exact,
    /// Over the size cap: the engine holds no text (`file-too-large`).
    TooLarge,
    /// Not valid UTF-8: the text has replacement characters where the file
    /// has other bytes (`file-encoding`).
    Lossy,
}

impl Fidelity {
    /// Why a file with this fidelity must not be edited from its text, or
    /// `None` when it may be.
    pub fn edit_refusal(self) -> Option<&'static str> {
        match self {
            Fidelity::Exact => None,
            Fidelity::TooLarge => Some("it is over the size cap and was not read"),
            Fidelity::Lossy => {
                Some("it is not valid UTF-8 and an edit would replace its other bytes")
            }
        }
    }
}

/// How a file arrived from the vfs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadState {
    /// Read completely; `invalid_utf8_at` is the offset of the first
    /// replaced sequence, if any.
    Read { invalid_utf8_at: Option<u32> },
    /// Over the size cap (its size in bytes); not read.
    TooLarge(u64),
}

/// Lowers one file: the same function for a file on disk and an open
/// document, so both give identical facts.
pub fn lower(path: &str, text: &str, read: ReadState, config: &Config) -> FileFacts {
    let kind = paths::classify(path, config);
    let mut facts = FileFacts {
        kind: FileKindSlot(kind.clone()),
        empty: text.trim().is_empty(),
        ..FileFacts::default()
    };
    match read {
        ReadState::TooLarge(size) => {
            facts.problems.push(Problem {
                code: "file-too-large",
                message: format!(
                    "{} is {size} bytes, over the {} byte cap: skipped",
                    crate::paths::file_name(path),
                    config.max_file_size
                ),
                range: 0..0,
                severity: None,
            });
            facts.empty = false;
            facts.fidelity = Fidelity::TooLarge;
            return facts;
        }
        ReadState::Read {
            invalid_utf8_at: Some(at),
        } => {
            facts.fidelity = Fidelity::Lossy;
            facts.problems.push(Problem {
                code: "file-encoding",
                message: "file is not valid UTF-8: read with replacement characters".into(),
                range: at..at + '\u{FFFD}'.len_utf8() as u32,
                severity: None,
            });
        }
        ReadState::Read { .. } => {}
    }
    let name = crate::paths::file_name(path);
    if matches!(kind, PathKind::Config) {
        let (_, problems) = crate::config::parse_toml(text);
        facts.problems.extend(problems.into_iter().map(|p| Problem {
            code: "config-invalid",
            message: p.message,
            range: p.range,
            severity: None,
        }));
    } else if name == "meta.json" {
        match metadata::parse_json(text, 0) {
            Ok(meta) => facts.metadata = Some(Box::new(meta)),
            Err(problem) => facts.problems.push(meta_problem(problem)),
        }
        metadata_facts(&mut facts, config);
    } else if name == "metadata.yaml" || name == "metadata.yml" {
        match metadata::parse_yaml(text, 0, name) {
            Ok(meta) => facts.metadata = Some(Box::new(meta)),
            Err(problem) => facts.problems.push(meta_problem(problem)),
        }
        metadata_facts(&mut facts, config);
    } else if name.ends_with(".md") || name.ends_with(".markdown") {
        let outline = crate::syntax::outline_of(text);
        markdown::lower_markdown(path, text, &outline, config, &mut facts);
        metadata_facts(&mut facts, config);
    }
    for link in facts.links.iter_mut() {
        link.spawned = spawned_before(text, link.range.start);
    }
    facts.first_line = first_line(text);
    facts.shrink_to_fit();
    facts
}

/// The first non-empty line of `text` without its surrounding blanks
/// ([`FileFacts::first_line`]).
fn first_line(text: &str) -> ByteRange {
    let start = text.len() - text.trim_start().len();
    let end = text[start..]
        .find('\n')
        .map(|i| start + i)
        .unwrap_or(text.len());
    start as u32..text[..end].trim_end().len().max(start) as u32
}

/// Whether the line of `text` holding byte `at` says `spawned` (in any
/// case) before it. ASCII case folding is Unicode's here: no character
/// outside ASCII lowercases to a letter of `spawned`.
fn spawned_before(text: &str, at: u32) -> bool {
    let at = (at as usize).min(text.len());
    let line_start = text.as_bytes()[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    text.as_bytes()[line_start..at]
        .windows(b"spawned".len())
        .any(|w| w.eq_ignore_ascii_case(b"spawned"))
}

fn meta_problem(problem: metadata::MetaProblem) -> Problem {
    Problem {
        code: "meta-invalid",
        message: problem.message,
        range: problem.range,
        severity: problem.empty.then_some(Severity::Warning),
    }
}

/// Whether `id` is an assumption ID under `config`'s prefixes: one prefix
/// letter and 1 to 3 digits (`A4`, `H12`, `A001`).
pub fn is_assumption_id(id: &str, config: &Config) -> bool {
    let mut chars = id.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let digits = chars.as_str();
    config.assumption_prefixes.contains(&first)
        && (1..=3).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_placeholder(value: &str) -> bool {
    value.contains('{') || value.contains('<') || value.trim().is_empty()
}

/// Facts from the metadata document (file or frontmatter).
fn metadata_facts(facts: &mut FileFacts, config: &Config) {
    let Some(meta) = facts.meta().cloned() else {
        return;
    };
    let stage = facts.path_kind().stage();
    if facts.thread_title.is_none() {
        facts.thread_title = ["title", "name", "campaign_name"]
            .iter()
            .find_map(|key| meta.text(key))
            .filter(|t| !is_placeholder(t))
            .map(SmolStr::from);
    }
    for field in &meta.fields {
        match (field.key.as_str(), &field.value) {
            ("canvas_assumptions" | "linked_assumptions", MetaValue::List(items)) => {
                for (item, range) in items {
                    if is_assumption_id(item.trim(), config) {
                        facts.refs.push(AssumptionRef {
                            id: item.trim().into(),
                            range: range.clone(),
                        });
                    }
                }
            }
            // `goal` names the goal in campaign metadata (leanos-formats.md
            // §4.3); elsewhere it can be prose, so only an id-shaped value
            // (no spaces, a dash or underscore) counts.
            ("goal", MetaValue::String(goal))
                if !is_placeholder(goal)
                    && !goal.trim().contains(char::is_whitespace)
                    && goal.contains(['-', '_']) =>
            {
                facts.goal_refs.push(GoalRef {
                    goal: goal.trim().into(),
                    range: field.value_range.clone(),
                    subgoal: None,
                });
            }
            ("goal_id" | "parent_goal", MetaValue::String(goal)) if !is_placeholder(goal) => {
                let subgoal = (field.key == "goal_id")
                    .then(|| meta.get("subgoal"))
                    .flatten()
                    .and_then(|f| match &f.value {
                        MetaValue::String(s) if markdown::is_subgoal_id(s.trim()) => {
                            Some((s.trim().into(), f.value_range.clone()))
                        }
                        _ => None,
                    });
                facts.goal_refs.push(GoalRef {
                    goal: goal.trim().into(),
                    range: field.value_range.clone(),
                    subgoal,
                });
            }
            ("child_goals", MetaValue::List(items)) => {
                for (goal, range) in items {
                    if !is_placeholder(goal) {
                        facts.goal_refs.push(GoalRef {
                            goal: goal.trim().into(),
                            range: range.clone(),
                            subgoal: None,
                        });
                    }
                }
            }
            ("related_threads", MetaValue::List(items)) => {
                for (thread, range) in items {
                    if !is_placeholder(thread) && !markdown::is_template_path(thread) {
                        facts.links.push(Link {
                            target: thread.trim().into(),
                            range: range.clone(),
                            kind: LinkKind::Thread,
                            span: None,
                            spawned: false,
                        });
                    }
                }
            }
            ("parent_thread", MetaValue::String(thread))
                if !is_placeholder(thread) && !markdown::is_template_path(thread) =>
            {
                facts.links.push(Link {
                    target: thread.trim().into(),
                    range: field.value_range.clone(),
                    kind: LinkKind::Thread,
                    span: None,
                    spawned: false,
                });
            }
            ("source_thread", MetaValue::String(path))
                if !is_placeholder(path) && !markdown::is_template_path(path) =>
            {
                facts.links.push(Link {
                    target: path.trim().into(),
                    range: field.value_range.clone(),
                    kind: LinkKind::Path,
                    span: None,
                    spawned: false,
                });
            }
            ("canvas_refs", MetaValue::List(items)) => {
                for (name, range) in items {
                    if let Some(number) = markdown::canvas_number_of_ref(name.trim()) {
                        facts.links.push(Link {
                            target: name.trim().into(),
                            range: range.clone(),
                            kind: LinkKind::CanvasName(number),
                            span: None,
                            spawned: false,
                        });
                    }
                }
            }
            ("canvas_updates", MetaValue::List(items))
                if matches!(stage, Some(6) | Some(7)) && !items.is_empty() =>
            {
                facts.names_canvas = true;
            }
            ("impact_score", MetaValue::Number(score)) if stage == Some(4) => {
                facts.impact = Some((*score, field.value_range.clone()));
            }
            ("status", MetaValue::String(status))
                if stage == Some(4) && facts.verdict.is_none() =>
            {
                let class = match status.trim().to_ascii_lowercase().as_str() {
                    "accepted" => Some(VerdictClass::Proceed),
                    "rejected" => Some(VerdictClass::Stop),
                    "deferred" => Some(VerdictClass::Defer),
                    _ => None,
                };
                if let Some(class) = class {
                    facts.verdict = Some(Box::new(Verdict {
                        word: status.trim().to_string(),
                        class,
                        range: field.value_range.clone(),
                    }));
                }
            }
            ("approved_by" | "decided_by", MetaValue::String(who))
                if stage == Some(4) && markdown::is_person(who) =>
            {
                facts.approved = true;
            }
            ("owner", MetaValue::String(who)) if stage == Some(4) && who.trim() == "human" => {
                facts.approved = true;
            }
            _ => {}
        }
    }
}
