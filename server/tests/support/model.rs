//! The reference model of the model-checking test: two LeanOS roots in a
//! temporary folder (the files on disk are the model's disk), the open
//! documents' texts and versions, the roots the client has open, its
//! settings and position encoding; and the position arithmetic an LSP
//! client does (lines end at `\n`, `\r\n` or `\r`; columns in UTF-16 code
//! units or UTF-8 bytes).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// LSP's line rule, shared with the fuzz harness.
#[path = "../../../fuzz/harness/lines.rs"]
mod lines;
pub use lines::Lines;

/// The roots' folder names under the temporary folder.
pub const ROOTS: [&str; 2] = ["ws1", "ws2"];

/// An open document as the client holds it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub version: i32,
    pub text: String,
}

/// The model: disk (the temporary folder itself) plus what the client holds.
pub struct Model {
    _dir: tempfile::TempDir,
    /// The canonical temporary folder holding the roots.
    pub base: PathBuf,
    /// Open documents by path relative to `base` (`ws1/threads/…`).
    pub open: BTreeMap<String, Doc>,
    /// Indices into [`ROOTS`] of the workspace folders the client has open.
    pub roots: BTreeSet<usize>,
    /// The client's `leanos` settings.
    pub settings: Value,
    /// Positions in UTF-8 bytes (else UTF-16 code units).
    pub utf8: bool,
}

const WS1: &[(&str, &str)] = &[
    (
        "strategy/canvas/10-assumptions.md",
        "# 10 Assumptions\n\n### A1: Buyers want 🚀 white-label\n**Status:** ✅ VALIDATED\n**Confidence:** 60% → 95%\n\n### A2: 中文 pricing works\n**Status:** testing\n\n| ID | Assumption | Status |\n|---|---|---|\n| H1 | Teams share | untested |\n",
    ),
    (
        "strategy/canvas/09-solution.md",
        "# 09 Solution\n\n### White-Label SDK\n**Status:** validated\n**Evidence:** threads/engineering/sdk/6-learning.md\n",
    ),
    (
        "strategy/goals/active/g-growth.md",
        "---\nid: g-growth\n---\n# Goal: Growth\n\n## SG1: First deals\n## SG2: Content\n",
    ),
    (
        "threads/sales/acme/meta.json",
        "{\"type\": \"sales\", \"stage\": 2, \"source\": \"outbound\", \"goal_id\": \"g-growth\", \"canvas_assumptions\": [\"A1\"]}\n",
    ),
    (
        "threads/sales/acme/1-input.md",
        "# Stage 1: Input\n\nA lead from [the blog](../../marketing/blog/1-input.md).\n",
    ),
    (
        "threads/sales/acme/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: A1 - buyers\nTests: A9 - unknown 👍🏽\n",
    ),
    (
        "threads/engineering/sdk/meta.json",
        "{\"type\": \"engineering\", \"stage\": 6, \"status\": \"completed\"}\n",
    ),
    ("threads/engineering/sdk/1-input.md", "# Stage 1: Input\r\n\r\nTeams ask for an SDK.\r\n"),
    (
        "threads/engineering/sdk/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: H1 - teams\n",
    ),
    (
        "threads/engineering/sdk/4-decision.md",
        "# Stage 4: Decision\n\n**Decision:** PROCEED\n",
    ),
    (
        "threads/engineering/sdk/6-learning.md",
        "# Stage 6: Learning\n\n## Canvas Updates\n- 10-assumptions.md → A1: VALIDATED (95%)\n- 09-solution.md → \"White-Label SDK\"\n",
    ),
    (
        "threads/marketing/blog/1-input.md",
        "# Stage 1: Input\n\n**Goal:** g-growth (SG2: content)\n",
    ),
    (
        "docs/notes.md",
        "Notes on A1 and `threads/sales/acme/1-input.md`.\n",
    ),
];

const WS2: &[(&str, &str)] = &[
    (
        "strategy/canvas/10-assumptions.md",
        "# Assumptions\n\n- A1: Other buyers\n",
    ),
    (
        "threads/sales/zen/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: A1 - x\nTests: A2 - y\n",
    ),
];

impl Model {
    /// A fresh temporary folder holding both roots' seed files; the
    /// client starts with `ws1` open.
    pub fn new(utf8: bool) -> Model {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let base = std::fs::canonicalize(dir.path()).expect("a canonical temporary folder");
        let model = Model {
            _dir: dir,
            base,
            open: BTreeMap::new(),
            roots: BTreeSet::from([0]),
            settings: Value::Null,
            utf8,
        };
        for (root, files) in [(ROOTS[0], WS1), (ROOTS[1], WS2)] {
            for (path, text) in files {
                model.write(&format!("{root}/{path}"), text);
            }
        }
        model
    }

    /// The absolute path of a `base`-relative path.
    pub fn absolute(&self, path: &str) -> PathBuf {
        self.base.join(path)
    }

    /// The `file:` URI of a `base`-relative path.
    pub fn uri(&self, path: &str) -> String {
        let absolute = self.absolute(path);
        format!("file://{}", absolute.display())
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, path: &str, text: &str) {
        let absolute = self.absolute(path);
        if let Some(parent) = absolute.parent() {
            std::fs::create_dir_all(parent).expect("folders can be created");
        }
        std::fs::write(absolute, text).expect("a file can be written");
    }

    /// A file's text on disk, if it is a readable UTF-8 file.
    pub fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.absolute(path)).ok()
    }

    /// The URIs of the roots the client has open.
    pub fn folders(&self) -> Vec<String> {
        self.roots.iter().map(|&r| self.uri(ROOTS[r])).collect()
    }

    /// Every file under the roots the client has open (`base`-relative,
    /// sorted), on disk or open.
    pub fn files(&self) -> Vec<String> {
        let mut files: BTreeSet<String> = BTreeSet::new();
        for &root in &self.roots {
            walk(&self.base, &self.absolute(ROOTS[root]), &mut files);
        }
        files.extend(
            self.open
                .keys()
                .filter(|path| {
                    self.roots
                        .iter()
                        .any(|&r| path.starts_with(&format!("{}/", ROOTS[r])))
                })
                .cloned(),
        );
        files.into_iter().collect()
    }

    /// What the client shows of a file: its open text, else its disk text.
    pub fn text(&self, path: &str) -> Option<String> {
        match self.open.get(path) {
            Some(doc) => Some(doc.text.clone()),
            None => self.read(path),
        }
    }
}

fn walk(base: &Path, folder: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(base, &path, out);
        } else if let Ok(relative) = path.strip_prefix(base) {
            out.insert(relative.to_string_lossy().into_owned());
        }
    }
}

fn width(c: char, utf8: bool) -> usize {
    if utf8 {
        c.len_utf8()
    } else {
        c.len_utf16()
    }
}

/// The byte offset of an LSP position, clamped as the protocol says: past
/// the last line is the end of the text, past a line's content is its
/// end, inside a character (a surrogate pair's middle) is its start.
pub fn offset_of(text: &str, line: u32, character: u32, utf8: bool) -> usize {
    let Some(content) = Lines::new(text).content(line as usize) else {
        return text.len();
    };
    let wanted = character as usize;
    let mut counted = 0;
    for (i, c) in text[content.clone()].char_indices() {
        if counted >= wanted || counted + width(c, utf8) > wanted {
            return content.start + i;
        }
        counted += width(c, utf8);
    }
    content.end
}

/// The LSP position of byte `offset` (a character boundary).
pub fn position_of(text: &str, offset: usize, utf8: bool) -> (u32, u32) {
    let lines = Lines::new(text);
    if utf8 {
        let line = lines.line(offset);
        (line as u32, (offset - lines.starts()[line]) as u32)
    } else {
        lines.position(offset)
    }
}

/// The width of line `line` of `text` in the model's unit, without its
/// line end (0 past the last line).
pub fn line_width(text: &str, line: usize, utf8: bool) -> usize {
    Lines::new(text).content(line).map_or(0, |content| {
        text[content].chars().map(|c| width(c, utf8)).sum()
    })
}
