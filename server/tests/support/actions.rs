//! The transitions of the model-checking test and their proptest
//! strategies. An action names files, documents and choices by small
//! numbers that are resolved against the state when it runs (modulo the
//! number of open documents, of lines, …), so that every generated
//! sequence is valid and shrinking or deleting a step keeps it valid.

use proptest::prelude::*;
use serde_json::{json, Value};

/// The files actions name (relative to a root): LeanOS files of every
/// kind, misnamed and renamed ones, documentation.
pub const FILES: &[&str] = &[
    "strategy/canvas/10-assumptions.md",
    "strategy/canvas/09-solution.md",
    "strategy/canvas/10.assumptions.md",
    "strategy/goals/active/g-growth.md",
    "threads/sales/acme/meta.json",
    "threads/sales/acme/1-input.md",
    "threads/sales/acme/2-hypothesis.md",
    "threads/sales/acme/4-decision.md",
    "threads/sales/acme/6-learning.md",
    "threads/engineering/sdk/meta.json",
    "threads/engineering/sdk/2-hypothesis.md",
    "threads/engineering/sdk/6-learning.md",
    "threads/engineering/sdk/2-hypotesis.md",
    "threads/marketing/blog/1-input.md",
    "threads/marketing/blog/metadata.yaml",
    "threads/marketing/blog/6-learning.md",
    "threads/engineering/sdk/4-decision.md",
    "threads/sales/acme-renamed/2-hypothesis.md",
    "threads/engineering/sdk-v2/6-learning.md",
    "threads/sales/zen/2-hypothesis.md",
    "docs/notes.md",
    "README.md",
];

/// Thread folders and the name each is renamed to (and back).
pub const RENAMES: &[(&str, &str)] = &[
    ("threads/sales/acme", "threads/sales/acme-renamed"),
    ("threads/engineering/sdk", "threads/engineering/sdk-v2"),
    ("threads/sales/zen", "threads/sales/zen-old"),
];

const HEADINGS: &[&str] = &[
    "",
    "# Stage 1: Input\n\n",
    "# Stage 2: Hypothesis\n\n",
    "# Stage 4: Decision\n\n",
    "# Stage 6: Learning\n\n",
    "# Assumptions\n\n",
    "---\nsource: outbound\n---\n# Stage 1: Input\n",
];

const FRAGMENTS: &[&str] = &[
    "Tests: A1 - buyers\n",
    "Tests: H2: teams 🚀\n",
    "10-assumptions.md → A9: 未知\n",
    "### A1: Buyers prefer 👍🏽 white-label\n**Status:** ✅ VALIDATED\n**Confidence:** 60% → 95%\n\n",
    "### A9: Now defined\n**Status:** testing\n\n",
    "| ID | Assumption | Status |\n|---|---|---|\n| A2 | 検証 pricing | validated |\n\n",
    "- H2: list item\n",
    "## Canvas Updates\n- A1 VALIDATED\n- 10-assumptions.md → A2: INVALIDATED (20%)\n",
    "**Decision:** PROCEED\n",
    "Impact score: 0.9\n",
    "**Evidence:** threads/sales/acme/6-learning.md\n",
    "[input](1-input.md) and [blog](../../marketing/blog/1-input.md)\n",
    "See `strategy/canvas/10.assumptions.md`.\n",
    "Source: sales/acme\n",
    "**Goal:** g-growth (SG2: content)\n",
    "09-solution.md → \"White-Label SDK\"\n",
    "### White-Label SDK\n**Status:** validated\n",
    "a CRLF line\r\nand another\r\n",
    "```\nA7 fenced\n```\n",
    "an old mac\rline\n",
    "line\u{2028}separator, then Tests: A1\n",
    "form\u{000C}feed and next\u{0085}line: Tests: A9\n",
    "# Stage 3: Implication\n",
    "",
    "Old notes: `drafts/canvas/10.assumptions.md`\n",
    "- Acme asked for a Xero integration\n",
    "- Pilot requirement: SSO → spawned: threads/engineering/sdk/\n",
    "## Follow-up Actions\n- engineering/ledger-sync: build it\n",
    "**Decision:** KILL\n",
];

const JSON: &[&str] = &[
    "{\"type\": \"sales\", \"stage\": 2, \"source\": \"outbound\"}\n",
    "{\"type\": \"engineering\", \"stage\": 6, \"status\": \"completed\", \"canvas_assumptions\": [\"A1\", \"A9\"]}\n",
    "{\"type\": \"marketing\", \"related_threads\": [\"sales/acme\"], \"parent_thread\": \"engineering/sdk\"}\n",
    "{\"type\": \"sales\", \"source\": \"threads/marketing/blog/\"}\n",
    "{ not json",
    "",
    "{\"goal_id\": \"g-growth\", \"subgoal\": \"SG2\", \"linked_assumptions\": [\"H1\"]}\n",
    "{\"type\": \"engineering\", \"parent_thread\": \"sales/acme\", \"status\": \"completed\"}\n",
];

const YAML: &[&str] = &[
    "type: marketing\nstage: 1\n",
    "type: [\n",
    "",
    "source: sales/acme\ncanvas_assumptions: [A2]\n",
    "parent_thread: engineering/sdk\nstatus: published\n",
];

/// What an edit inserts.
pub const INSERTS: &[&str] = &[
    "",
    "A1",
    "A9",
    "H2",
    "T2",
    "Tests: ",
    "# Stage 3: Implication",
    "\n",
    "\r\n",
    "🚀",
    "検証",
    "→ ",
    "PROCEED",
    "6-learning.md",
    "[l](../acme/1-input.md)",
    "\u{2028}",
    "\n\n### A3: New\n",
    "sales/acme",
    "g-growth",
    "SG1",
    "👍🏽x",
];

/// A file's text, from choices: a heading and fragments for markdown, one
/// of a few variants for metadata.
#[derive(Debug, Clone)]
pub struct Text {
    pub heading: u8,
    pub fragments: Vec<u8>,
}

impl Text {
    /// The text for a file at `path`.
    pub fn render(&self, path: &str) -> String {
        let pick = |list: &[&str], i: u8| list[i as usize % list.len()].to_string();
        if path.ends_with("meta.json") {
            return pick(JSON, self.heading);
        }
        if path.ends_with(".yaml") {
            return pick(YAML, self.heading);
        }
        let mut text = pick(HEADINGS, self.heading);
        for &f in &self.fragments {
            text.push_str(&pick(FRAGMENTS, f));
        }
        text
    }
}

/// One change of a `didChange`: a range from a line and column and an
/// extent (resolved modulo the text), or the whole text.
#[derive(Debug, Clone)]
pub struct Change {
    pub line: u16,
    pub column: u16,
    pub lines: u8,
    pub end_column: u16,
    pub insert: u8,
    /// Replace the whole text (no range).
    pub whole: bool,
}

/// A file named by a root and an index into [`FILES`].
#[derive(Debug, Clone, Copy)]
pub struct File {
    pub root: u8,
    pub file: u8,
}

/// One transition.
#[derive(Debug, Clone)]
pub enum Action {
    /// `didOpen` of a file: its disk text, or `text` when it has none.
    Open(File, Text),
    /// `didChange` of the `doc`-th open document.
    Edit { doc: u8, changes: Vec<Change> },
    /// `didClose` of the `doc`-th open document.
    Close { doc: u8 },
    /// A write on disk, then `didChangeWatchedFiles`.
    Write(File, Text),
    /// A deletion on disk, then `didChangeWatchedFiles`.
    Delete(File),
    /// A thread folder renamed (to its other name, or back).
    Rename { root: u8, pair: u8 },
    /// `leanos.toml` written from sections (or deleted when `None`).
    Toml { root: u8, sections: Option<Vec<u8>> },
    /// New client settings from sections (`didChangeConfiguration`).
    Settings { sections: Vec<u8> },
    /// A workspace folder added or removed (`didChangeWorkspaceFolders`).
    Root { root: u8 },
}

/// A step: an action and the seeds of the positions sampled after it.
#[derive(Debug, Clone)]
pub struct Step {
    pub action: Action,
    pub samples: [u16; 2],
}

const TOML_SECTIONS: &[&str] = &[
    "[rules]\nassumption-untested = \"off\"\nlink-broken = \"error\"\n",
    "[files]\nignore = [\"docs/**\", \"threads/marketing/**\"]\n",
    "[files]\nmax_size = 300\n",
    "[assumptions]\nprefixes = [\"A\", \"T\"]\n",
    "[rules\n",
    "[bogus]\nx = 1\n",
    "[decisions]\napproval_threshold = 0.5\n",
];

/// `leanos.toml` text from section choices.
pub fn toml(sections: &[u8]) -> String {
    sections
        .iter()
        .map(|&s| TOML_SECTIONS[s as usize % TOML_SECTIONS.len()])
        .collect()
}

/// Client settings (`leanos` section) from section choices.
pub fn settings(sections: &[u8]) -> Value {
    let mut value = json!({});
    for &s in sections {
        let (key, part) = match s % 6 {
            0 => ("rules", json!({"assumption-untested": "off"})),
            1 => (
                "rules",
                json!({"link-broken": "hint", "stage-missing": "error"}),
            ),
            2 => ("files", json!({"ignore": ["docs/**"]})),
            3 => ("files", json!({"max_size": 200})),
            4 => ("assumptions", json!({"prefixes": ["A", "H"]})),
            _ => ("watcher", json!("client")),
        };
        match (value.get_mut(key), part) {
            (Some(Value::Object(existing)), Value::Object(more)) => existing.extend(more),
            (_, part) => value[key] = part,
        }
    }
    value
}

fn file() -> impl Strategy<Value = File> {
    // The first root four times out of five.
    (prop_oneof![4 => Just(0u8), 1 => Just(1u8)], any::<u8>())
        .prop_map(|(root, file)| File { root, file })
}

fn text() -> impl Strategy<Value = Text> {
    (any::<u8>(), prop::collection::vec(any::<u8>(), 0..6))
        .prop_map(|(heading, fragments)| Text { heading, fragments })
}

fn change() -> impl Strategy<Value = Change> {
    (
        any::<u16>(),
        any::<u16>(),
        prop_oneof![3 => Just(0u8), 1 => 0u8..3],
        any::<u16>(),
        any::<u8>(),
        prop::bool::weighted(0.03),
    )
        .prop_map(|(line, column, lines, end_column, insert, whole)| Change {
            line,
            column,
            lines,
            end_column,
            insert,
            whole,
        })
}

/// A random action, edits most often.
pub fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (file(), text()).prop_map(|(f, t)| Action::Open(f, t)),
        10 => (any::<u8>(), prop::collection::vec(change(), 1..4))
            .prop_map(|(doc, changes)| Action::Edit { doc, changes }),
        2 => any::<u8>().prop_map(|doc| Action::Close { doc }),
        4 => (file(), text()).prop_map(|(f, t)| Action::Write(f, t)),
        2 => file().prop_map(Action::Delete),
        1 => (prop_oneof![4 => Just(0u8), 1 => Just(1u8)], any::<u8>())
            .prop_map(|(root, pair)| Action::Rename { root, pair }),
        1 => (any::<u8>(), prop::option::weighted(0.8, prop::collection::vec(any::<u8>(), 0..3)))
            .prop_map(|(root, sections)| Action::Toml { root, sections }),
        1 => prop::collection::vec(any::<u8>(), 0..3)
            .prop_map(|sections| Action::Settings { sections }),
        1 => any::<u8>().prop_map(|root| Action::Root { root }),
    ]
}

/// A random step.
pub fn step() -> impl Strategy<Value = Step> {
    (action(), any::<[u16; 2]>()).prop_map(|(action, samples)| Step { action, samples })
}
