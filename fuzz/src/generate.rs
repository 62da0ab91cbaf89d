//! Fuzzer bytes to structured inputs.
//!
//! A workspace input is a sequence of files, each `[selector][length:
//! u16 LE][content]` (the last may be cut short): the selector's low
//! seven bits name the path ([`harness::paths::TABLE`]); with the high bit
//! clear the content is the file's bytes (what `fuzz/seed.sh` writes from
//! real files), with it set the content is decoded with `arbitrary` into
//! [`Fragment`]s: LeanOS constructs (stage headings, assumption entries
//! and references, links to the workspace's own paths, verdicts, impact
//! scores, metadata, Canvas updates, solution entries) rendered as
//! markdown, JSON or YAML, so the files refer to each other.
//!
//! A session input is decoded with `arbitrary` throughout
//! ([`SessionInput`]).

use arbitrary::{Arbitrary, Unstructured};

use crate::harness::paths::{self, TABLE};
use crate::harness::session::{Session, Step, METHODS};

/// At most this many files in a workspace or session.
const MAX_FILES: usize = 12;

/// An assumption ID: one of a few that files share, or any.
#[derive(Debug, Arbitrary)]
pub enum Id {
    A(u8),
    H(u8),
    T(u8),
    Padded(u8),
    Other(String),
}

impl Id {
    fn render(&self) -> String {
        match self {
            Id::A(n) => format!("A{}", n % 8),
            Id::H(n) => format!("H{}", n % 4),
            Id::T(n) => format!("T{}", n % 4),
            Id::Padded(n) => format!("A{:03}", n % 8),
            Id::Other(s) => s.clone(),
        }
    }
}

const STATUSES: &[&str] = &[
    "✅ VALIDATED",
    "validated",
    "🟢 Validated",
    "PARTIAL",
    "partially validated",
    "⚠️ CHALLENGED",
    "❌ INVALIDATED",
    "testing",
    "untested",
    "inconclusive",
    "🧪 TESTING",
];

const VERDICTS: &[&str] = &[
    "PROCEED",
    "DEFER",
    "DECLINE",
    "QUALIFY",
    "REJECT",
    "PURSUE",
    "PASS",
    "CREATE",
    "BUILD",
    "PIVOT",
    "KILL",
    "accepted",
    "rejected",
    "deferred",
    "PROCEED / DEFER",
];

const LABELS: &[&str] = &[
    "**Evidence:**",
    "**Link:**",
    "Thread:",
    "Source:",
    "**Goal:**",
    "Canvas link:",
];

const TARGETS: &[&str] = &[
    "10-assumptions.md",
    "09-solution.md",
    "10.assumptions.md",
    "canvas/10-assumptions.md",
    "sales/acme",
    "engineering/sdk",
    "marketing/blog",
    "threads/sales/acme/",
    "../../etc/passwd",
    "/strategy/canvas/09-solution.md",
    "./6-learning.md",
    "5-actions.md",
    "g-growth",
    "g-done",
    "outbound",
    "campaign:launch",
];

const FEATURES: &[&str] = &[
    "White-Label SDK",
    "Bulk import",
    "SSO (beta)",
    "漢字 export 🚀",
];

const KEYS: &[&str] = &[
    "type",
    "status",
    "stage",
    "source",
    "goal_id",
    "subgoal",
    "parent_thread",
    "related_threads",
    "canvas_assumptions",
    "linked_assumptions",
    "id",
    "title",
    "impact_score",
    "created",
];

/// A metadata value.
#[derive(Debug, Arbitrary)]
pub enum Value {
    Word(u8),
    Target(u8),
    Number(i16),
    Ids(Vec<Id>),
    Text(String),
    Null,
}

impl Value {
    fn yaml(&self) -> String {
        match self {
            Value::Word(i) => pick(STATUSES, *i).to_string(),
            Value::Target(i) => pick(TARGETS, *i).to_string(),
            Value::Number(n) => (f64::from(*n) / 100.0).to_string(),
            Value::Ids(ids) => format!(
                "[{}]",
                ids.iter().map(Id::render).collect::<Vec<_>>().join(", ")
            ),
            Value::Text(s) => s.clone(),
            Value::Null => "null".into(),
        }
    }

    fn json(&self) -> String {
        let string = |s: &str| serde_json::to_string(s).unwrap_or_default();
        match self {
            Value::Word(i) => string(pick(STATUSES, *i)),
            Value::Target(i) => string(pick(TARGETS, *i)),
            Value::Number(n) => (f64::from(*n) / 100.0).to_string(),
            Value::Ids(ids) => format!(
                "[{}]",
                ids.iter()
                    .map(|id| string(&id.render()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Text(s) => s.clone(),
            Value::Null => "null".into(),
        }
    }
}

/// A piece of a LeanOS file.
#[derive(Debug, Arbitrary)]
pub enum Fragment {
    StageHeading(u8),
    AssumptionHeading {
        id: Id,
        status: u8,
        confidence: Option<u8>,
        evidence: Option<u8>,
    },
    TableHeader,
    AssumptionRow {
        id: Id,
        status: u8,
        confidence: u8,
    },
    AssumptionItem(Id),
    Tests(Vec<Id>),
    BoldRef(Id),
    CanvasArrow {
        section: u8,
        id: Id,
        status: u8,
    },
    LearningResult {
        id: Id,
        from: u8,
        to: u8,
    },
    MarkdownLink(u8),
    Backticked(u8),
    Labelled {
        label: u8,
        target: u8,
    },
    GoalLine {
        goal: u8,
        subgoal: Option<u8>,
    },
    Subgoal(u8),
    Verdict(u8),
    Impact(u8),
    Approval,
    CanvasUpdates,
    Announce {
        feature: u8,
        status: Option<u8>,
    },
    SolutionEntry {
        feature: u8,
        status: u8,
        evidence: u8,
    },
    NotInMvp,
    Frontmatter(Vec<(u8, Value)>),
    Json(Vec<(u8, Value)>),
    Yaml(Vec<(u8, Value)>),
    Fence,
    Heading(u8, String),
    Item(String),
    Text(String),
    Blank,
    Odd(u8),
}

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[i as usize % list.len()]
}

impl Fragment {
    fn render(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = match self {
            Fragment::StageHeading(n) => {
                let names = [
                    "Input",
                    "Hypothesis",
                    "Implication",
                    "Decision",
                    "Actions",
                    "Learning",
                    "Results",
                ];
                writeln!(out, "# Stage {}: {}", n % 8, pick(&names, *n / 8))
            }
            Fragment::AssumptionHeading {
                id,
                status,
                confidence,
                evidence,
            } => {
                let _ = writeln!(
                    out,
                    "### {}: A claim {}",
                    id.render(),
                    pick(STATUSES, *status)
                );
                let _ = writeln!(out, "**Status:** {}", pick(STATUSES, status / 16));
                if let Some(c) = confidence {
                    let _ = writeln!(out, "**Confidence:** {}% → {}%", c / 2, c % 101);
                }
                match evidence {
                    Some(e) => writeln!(out, "**Evidence:** threads/{}", pick(TARGETS, *e)),
                    None => Ok(()),
                }
            }
            Fragment::TableHeader => writeln!(
                out,
                "| ID | Assumption | Status | Confidence |\n|---|---|---|---|"
            ),
            Fragment::AssumptionRow {
                id,
                status,
                confidence,
            } => writeln!(
                out,
                "| {} | text | {} | {}% |",
                id.render(),
                pick(STATUSES, *status),
                confidence
            ),
            Fragment::AssumptionItem(id) => writeln!(out, "- {}: an item", id.render()),
            Fragment::Tests(ids) => writeln!(
                out,
                "Tests: {} - why",
                ids.iter().map(Id::render).collect::<Vec<_>>().join(", ")
            ),
            Fragment::BoldRef(id) => writeln!(out, "**{}:** assumption text", id.render()),
            Fragment::CanvasArrow {
                section,
                id,
                status,
            } => writeln!(
                out,
                "- {:02}-assumptions.md → {}: {}",
                section % 16,
                id.render(),
                pick(STATUSES, *status)
            ),
            Fragment::LearningResult { id, from, to } => writeln!(
                out,
                "{}: result\nStatus: testing → {}\nConfidence: {}% → {}%",
                id.render(),
                pick(STATUSES, *to),
                from % 101,
                to % 101
            ),
            Fragment::MarkdownLink(t) => writeln!(out, "See [x]({}).", pick(TARGETS, *t)),
            Fragment::Backticked(t) => writeln!(out, "In `{}`.", pick(TARGETS, *t)),
            Fragment::Labelled { label, target } => {
                writeln!(out, "{} {}", pick(LABELS, *label), pick(TARGETS, *target))
            }
            Fragment::GoalLine { goal, subgoal } => match subgoal {
                Some(sg) => writeln!(
                    out,
                    "**Goal:** {} (SG{}: part)",
                    pick(&["g-growth", "g-done", "g-none"], *goal),
                    sg % 4
                ),
                None => writeln!(
                    out,
                    "**Goal:** {}",
                    pick(&["g-growth", "g-done", "g-none"], *goal)
                ),
            },
            Fragment::Subgoal(n) => writeln!(out, "## SG{}: A subgoal", n % 4),
            Fragment::Verdict(v) => writeln!(out, "**Decision:** {}", pick(VERDICTS, *v)),
            Fragment::Impact(n) => writeln!(out, "**Impact score:** {}", f64::from(*n) / 200.0),
            Fragment::Approval => writeln!(out, "**Approved by:** Jane (2026-01-02)"),
            Fragment::CanvasUpdates => writeln!(out, "## Canvas Updates"),
            Fragment::Announce { feature, status } => match status {
                Some(s) => writeln!(
                    out,
                    "- 09-solution.md → \"{}\" ({})",
                    pick(FEATURES, *feature),
                    pick(STATUSES, *s)
                ),
                None => writeln!(out, "- 09-solution.md → \"{}\"", pick(FEATURES, *feature)),
            },
            Fragment::SolutionEntry {
                feature,
                status,
                evidence,
            } => writeln!(
                out,
                "### {}\n**Status:** {}\n**Evidence:** threads/{}/6-learning.md",
                pick(FEATURES, *feature),
                pick(STATUSES, *status),
                pick(TARGETS, *evidence)
            ),
            Fragment::NotInMvp => writeln!(out, "## NOT in MVP"),
            Fragment::Frontmatter(fields) => {
                let _ = writeln!(out, "---");
                for (key, value) in fields {
                    let _ = writeln!(out, "{}: {}", pick(KEYS, *key), value.yaml());
                }
                writeln!(out, "---")
            }
            Fragment::Yaml(fields) => {
                for (key, value) in fields {
                    let _ = writeln!(out, "{}: {}", pick(KEYS, *key), value.yaml());
                }
                Ok(())
            }
            Fragment::Json(fields) => {
                let body: Vec<String> = fields
                    .iter()
                    .map(|(key, value)| format!("\"{}\": {}", pick(KEYS, *key), value.json()))
                    .collect();
                writeln!(out, "{{{}}}", body.join(", "))
            }
            Fragment::Fence => writeln!(out, "```"),
            Fragment::Heading(level, text) => {
                writeln!(out, "{} {text}", "#".repeat(usize::from(level % 7)))
            }
            Fragment::Item(text) => writeln!(out, "- {text}"),
            Fragment::Text(text) => writeln!(out, "{text}"),
            Fragment::Blank => writeln!(out),
            Fragment::Odd(n) => {
                let odd = [
                    "\r\n",
                    "\t",
                    "\u{feff}",
                    "🚀漢字",
                    "\u{0}",
                    "\r",
                    "é",
                    "\u{2028}",
                ];
                write!(out, "{}", pick(&odd, *n))
            }
        };
    }
}

/// Renders fragments decoded from `bytes` as a file's text.
pub fn fragments(bytes: &[u8]) -> String {
    let list: Vec<Fragment> =
        Vec::arbitrary_take_rest(Unstructured::new(bytes)).unwrap_or_default();
    let mut out = String::new();
    for fragment in &list {
        fragment.render(&mut out);
    }
    out
}

/// Decodes a workspace input (see the module's documentation).
pub fn workspace(mut data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    while let Some((&selector, rest)) = data.split_first() {
        if files.len() == MAX_FILES {
            break;
        }
        let (length, rest) = match rest {
            [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), rest),
            _ => (rest.len(), &[][..]),
        };
        let (content, rest) = rest.split_at(length.min(rest.len()));
        data = rest;
        let path = paths::path(selector & 0x7f).to_string();
        let bytes = if selector & 0x80 != 0 {
            fragments(content).into_bytes()
        } else {
            content.to_vec()
        };
        files.push((path, bytes));
    }
    files
}

/// A file's text in a session: fragments or any string.
#[derive(Debug, Arbitrary)]
pub enum Text {
    Fragments(Vec<Fragment>),
    Any(String),
}

impl Text {
    fn render(&self) -> String {
        match self {
            Text::Fragments(list) => {
                let mut out = String::new();
                for fragment in list {
                    fragment.render(&mut out);
                }
                out
            }
            Text::Any(s) => s.clone(),
        }
    }
}

/// A session step before decoding paths and texts.
#[derive(Debug, Arbitrary)]
pub enum ArbitraryStep {
    Open(u8, Text),
    Replace(u8, Text),
    Edit(u8, u16, u16, String),
    Garbage(u8, (u32, u32), (u32, u32), String),
    Close(u8),
    Save(u8),
    Write(u8, Text),
    WriteBytes(u8, Vec<u8>),
    Delete(u8),
    Touch(u8),
    Request(u8, u8, u8, u8),
    /// A request at a byte offset of the document's text.
    RequestAt(u8, u8, u16),
    /// Client settings from [`SETTINGS`].
    Settings(u8),
    /// Client settings as TOML text turned into JSON (any JSON string
    /// when the text is not TOML).
    SettingsToml(String),
    Folder(bool),
}

/// Client settings a session switches between (JSON): each changes what
/// is read, diagnosed or how severely, or who watches the disk, and a few
/// are invalid.
pub const SETTINGS: &[&str] = &[
    "null",
    "{}",
    r#"{"rules": {"assumption-untested": "off", "stage-missing": "error"}}"#,
    r#"{"rules": {"link-broken": "hint", "assumption-unknown": "off", "file-encoding": "off"}}"#,
    r#"{"assumptions": {"prefixes": ["A", "H", "T"]}}"#,
    r#"{"assumptions": {"prefixes": ["H"]}}"#,
    r#"{"paths": {"canvas": "canvas", "threads": "custom/threads", "goals": "goals"}}"#,
    r#"{"threads": {"types": ["legal", "ops"]}}"#,
    r#"{"decisions": {"approval_threshold": 0.5}}"#,
    r#"{"files": {"ignore": ["threads/sales/**"]}}"#,
    r#"{"files": {"include": ["threads/**"], "exclude": ["threads/archive/**"]}}"#,
    r#"{"files": {"max_size": 64}}"#,
    r#"{"documentation": {"url": "https://example.org/{code}"}}"#,
    r#"{"rules": 3}"#,
    r#"{"unknown": {"key": true}}"#,
    r#"{"files": {"ignore": ["[", "**"]}}"#,
    // The server's own watcher (the `notify` crate) beside the client's
    // reports: the same changes reported twice, some after the other.
    r#"{"watcher": "server"}"#,
    r#"{"watcher": "client", "rules": {"stage-empty": "warning"}}"#,
];

/// A session input, decoded with `arbitrary`.
#[derive(Debug, Arbitrary)]
pub struct SessionInput {
    pub files: Vec<(u8, Text)>,
    pub steps: Vec<ArbitraryStep>,
}

/// Paths an editor opens in a session: every source path but
/// `leanos.toml` (whose open text the server does not read as the
/// configuration, which comes from disk).
fn editor_path(selector: u8) -> String {
    let editable: Vec<&str> = TABLE
        .iter()
        .copied()
        .filter(|p| *p != "leanos.toml")
        .collect();
    editable[selector as usize % editable.len()].to_string()
}

impl SessionInput {
    /// The session this input describes (at most [`MAX_FILES`] files and
    /// 32 steps).
    pub fn session(&self) -> Session {
        let files = self
            .files
            .iter()
            .take(MAX_FILES)
            .map(|(p, text)| (paths::path(*p).to_string(), text.render().into_bytes()))
            .collect();
        let steps = self
            .steps
            .iter()
            .take(32)
            .map(|step| match step {
                ArbitraryStep::Open(p, text) => Step::Open {
                    path: editor_path(*p),
                    text: text.render(),
                },
                ArbitraryStep::Replace(p, text) => Step::Replace {
                    path: editor_path(*p),
                    text: text.render(),
                },
                ArbitraryStep::Edit(p, start, end, text) => Step::Edit {
                    path: editor_path(*p),
                    start: u32::from(*start),
                    end: u32::from(*end),
                    text: text.clone(),
                },
                ArbitraryStep::Garbage(p, start, end, text) => Step::Garbage {
                    path: editor_path(*p),
                    start: *start,
                    end: *end,
                    text: text.clone(),
                },
                ArbitraryStep::Close(p) => Step::Close {
                    path: editor_path(*p),
                },
                ArbitraryStep::Save(p) => Step::Save {
                    path: editor_path(*p),
                },
                ArbitraryStep::Write(p, text) => Step::Write {
                    path: paths::path(*p).to_string(),
                    bytes: text.render().into_bytes(),
                },
                ArbitraryStep::WriteBytes(p, bytes) => Step::Write {
                    path: paths::path(*p).to_string(),
                    bytes: bytes.clone(),
                },
                ArbitraryStep::Delete(p) => Step::Delete {
                    path: paths::path(*p).to_string(),
                },
                ArbitraryStep::Touch(p) => Step::Touch {
                    path: paths::path(*p).to_string(),
                },
                ArbitraryStep::Request(m, p, line, character) => Step::Request {
                    method: pick(METHODS, *m).to_string(),
                    path: editor_path(*p),
                    line: u32::from(*line % 64),
                    character: u32::from(*character),
                },
                ArbitraryStep::RequestAt(m, p, offset) => Step::RequestAt {
                    method: pick(METHODS, *m).to_string(),
                    path: editor_path(*p),
                    offset: u32::from(*offset),
                },
                ArbitraryStep::Settings(i) => Step::Settings {
                    value: serde_json::from_str(pick(SETTINGS, *i)).expect("SETTINGS is JSON"),
                },
                ArbitraryStep::SettingsToml(text) => Step::Settings {
                    value: toml::from_str(text)
                        .unwrap_or_else(|_| serde_json::Value::String(text.clone())),
                },
                ArbitraryStep::Folder(present) => Step::Folder { present: *present },
            })
            .collect();
        Session { files, steps }
    }
}

/// Decodes a session input; `None` when the bytes do not make one.
pub fn session(data: &[u8]) -> Option<Session> {
    let mut u = Unstructured::new(data);
    SessionInput::arbitrary(&mut u)
        .ok()
        .map(|input| input.session())
}
