//! Workspace tables built from per-file facts: Canvas sections, assumption
//! entries, threads, goals, the set of existing paths, and reverse maps
//! (assumption ID -> referencing files, goal ID -> referencing files, link
//! target -> files whose links could resolve to it). A [`Snapshot`] is an
//! immutable value (persistent maps: cloning is O(1)); updates return the
//! set of files whose diagnostics may have changed.
//!
//! `snapshot.rs` holds the tables, `postings.rs` the keys each file is
//! filed under and their updates, `invalidation.rs` what an edit invalidates, `candidates.rs` where a link
//! or attribution may point (the reverse map's keys), `small_set.rs` the
//! tables' value sets, `solution_change.rs` which 09 entries an edit
//! changed, `link_memo.rs` the kept `link-broken` findings.

use std::sync::Arc;

use crate::config::Config;
use crate::facts::{FileFacts, ReadState};
use crate::line_index::LineIndex;
use smol_str::SmolStr;

mod candidates;
mod invalidation;
mod link_memo;
mod loop_reach;
mod postings;
mod small_set;
mod snapshot;
mod solution_change;
mod text;

pub use candidates::{
    attribution_candidates, attribution_source, candidates, content_attribution, Candidates,
};
pub use link_memo::{LinkKey, LinkMemo};
pub use small_set::SmallSet;
pub use snapshot::{LearningFinding, LearningMemoKey, Memo, Related, Snapshot};
pub use text::{Text, TextSource};

/// The set of workspace paths an index table maps a key to, in path order.
/// Members are shared: one allocation per indexed file, whatever the
/// number of tables and keys it appears under (at 10,000 threads a file
/// is a member of about 25 sets on average).
pub type PathSet = SmallSet<SmolStr>;

/// One file known to the engine: its text, line index, facts and, for an
/// open document, the editor's version.
#[derive(Debug, Clone)]
pub struct FileData {
    /// Workspace path (`/`-separated, relative to the root). The file
    /// table's key and every index set holding the file share it.
    pub path: SmolStr,
    /// The text it was lowered from, held or left on disk
    /// ([`FileData::text`], [`FileData::exact_text`]).
    text: Text,
    pub line_index: LineIndex,
    pub facts: FileFacts,
    /// The editor's version of an open document; `None` for disk files.
    pub version: Option<i32>,
}

impl FileData {
    /// Lowers `text` into a new file value.
    pub fn new(
        path: &str,
        text: Arc<str>,
        read: ReadState,
        config: &Config,
        version: Option<i32>,
    ) -> FileData {
        let facts = crate::facts::lower(path, &text, read, config);
        FileData::from_parts(path, text, facts, version)
    }

    /// Builds a file value from already-computed facts.
    pub fn from_parts(
        path: &str,
        text: Arc<str>,
        facts: FileFacts,
        version: Option<i32>,
    ) -> FileData {
        FileData {
            path: path.into(),
            line_index: LineIndex::new(&text),
            text: Text::held(text),
            facts,
            version,
        }
    }

    /// This file with its text left where `source` reads it again
    /// ([`Text`]): for a closed thread file read from a root.
    pub fn left_on_disk(mut self, source: Arc<dyn TextSource>) -> FileData {
        if let Some(text) = self.text.exact(&self.path) {
            self.text = Text::on_disk(source, &text);
        }
        self
    }

    /// The text the facts were lowered from. When that text was left on
    /// disk and the file no longer holds it (changed, gone or unreadable
    /// since; the watcher brings the new text), a blank of the same length
    /// and lines ([`LineIndex::blank`]): every range of the facts stays in
    /// bounds and on the same line. Anything that edits the file uses
    /// [`FileData::exact_text`] instead.
    pub fn text(&self) -> Arc<str> {
        self.text
            .exact(&self.path)
            .unwrap_or_else(|| Arc::from(self.line_index.blank()))
    }

    /// The text the facts were lowered from, or `None` when it was left on
    /// disk and the file no longer holds it: what a fix or any other edit
    /// is computed from.
    pub fn exact_text(&self) -> Option<Arc<str>> {
        self.text.exact(&self.path)
    }

    /// Why an edit computed from this file's text must not be applied to
    /// it, or `None`: its text is not its content byte for byte
    /// ([`crate::facts::Fidelity`]), or it was left on disk and the file
    /// changed since (the edit's ranges are those of the lowered text).
    /// Reads the file again when its text was left on disk.
    pub fn edit_refusal(&self) -> Option<&'static str> {
        self.facts.fidelity.edit_refusal().or_else(|| {
            self.exact_text()
                .is_none()
                .then_some("it changed on disk since it was read")
        })
    }

    /// How the text is kept.
    pub fn stored_text(&self) -> &Text {
        &self.text
    }
}

/// Where an assumption entry is: file and index into its facts' entries.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryLocation {
    pub file: String,
    pub index: usize,
}

/// The effective configuration: defaults, then client settings, then
/// `leanos.toml` text (file settings win).
pub fn effective_config(client: &crate::config::Settings, toml_text: Option<&str>) -> Config {
    let mut config = Config::default();
    config.apply(client);
    if let Some(text) = toml_text {
        let (settings, _) = crate::config::parse_toml(text);
        config.apply(&settings);
    }
    config
}
