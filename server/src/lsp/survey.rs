//! What one file's diagnostics look like to the client, found without
//! building them: a fingerprint of their wire form (so an unchanged set is
//! neither converted nor sent) and the lines of other files their related
//! information points at (so an edit there re-diagnoses only the files
//! whose lines it moved).

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use crate::analysis::diagnostics::{Diagnostic, Related};
use crate::index::{FileData, Snapshot};
use crate::line_index::ColumnUnit;
use crate::lsp::convert;
use crate::lsp::moves::RelatedSpan;

/// The value of a `published` entry whose client view is unknown (the
/// document was just opened or closed): it equals no fingerprint, so the
/// next computation sends its set, an empty one included.
pub(in crate::lsp) const UNKNOWN: u64 = 0;

/// A file's diagnostics as the client would see them.
#[derive(Default)]
pub(in crate::lsp) struct Survey {
    /// A hash of the publication's wire form, its document version left
    /// out unless [`survey`] is given one: equal for two sets that
    /// serialize alike in the client's position encoding (ranges compared
    /// as positions, not byte offsets; related information by workspace
    /// path, which gives its URI under the root). Never [`UNKNOWN`].
    pub fingerprint: u64,
    /// Where the diagnostics point into other files.
    pub related: RelatedSpans,
}

/// Where a file's diagnostics point into other files, as surveyed: made
/// into a map ([`RelatedSpans::into_map`]) only when it differs from the
/// last one recorded (its [`RelatedSpans::hash`] does), since a Canvas
/// section points into thousands of files.
#[derive(Default)]
pub(in crate::lsp) struct RelatedSpans {
    /// Equal for equal maps: a hash of the related lists' wire forms in
    /// order (which give every target and range) and of the stamps of
    /// the targets that are open documents.
    pub hash: u64,
    lists: Vec<SurveyedList>,
    stamps: Arc<HashMap<String, (u64, i32)>>,
}

impl RelatedSpans {
    /// Whether the diagnostics point into no other file.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// The files pointed into (the surveyed file itself excluded), with
    /// the 0-based lines pointed at there, the column where the last range
    /// ends, and the stamp of the open document's text they were computed
    /// on.
    pub fn into_map(self) -> BTreeMap<String, RelatedSpan> {
        let mut related: BTreeMap<String, RelatedSpan> = BTreeMap::new();
        for (list, spans) in &self.lists {
            for &(index, first, last, last_col) in spans.iter() {
                let target = &list[index as usize].path;
                match related.get_mut(target.as_str()) {
                    Some(span) => span.cover(first, last, last_col),
                    None => {
                        let span = RelatedSpan {
                            stamp: self.stamps.get(target.as_str()).copied(),
                            first,
                            last,
                            last_col,
                        };
                        related.insert(target.clone(), span);
                    }
                }
            }
        }
        related
    }
}

/// What surveys worked out for shared related lists
/// ([`Diagnostic::related`] held by a memo as well), kept per file for its
/// next survey: a keystroke in the Canvas assumptions section reports the
/// same lists of learnings again, and looking their thousands of targets
/// up was most of its cost. A list is found by its address, and the cache
/// holds it, so the address is not reused while the entry lives.
#[derive(Default)]
pub(in crate::lsp) struct SurveyCache(Mutex<HashMap<String, HashMap<usize, Piece>>>);

impl SurveyCache {
    /// Drops what is kept for `path` (a file no longer indexed).
    pub(in crate::lsp) fn forget(&self, path: &str) {
        if let Ok(mut files) = self.0.lock() {
            files.remove(path);
        }
    }

    fn take(&self, path: &str) -> HashMap<usize, Piece> {
        self.0
            .lock()
            .ok()
            .and_then(|mut files| files.remove(path))
            .unwrap_or_default()
    }

    fn keep(&self, path: &str, pieces: HashMap<usize, Piece>) {
        if pieces.is_empty() {
            return;
        }
        if let Ok(mut files) = self.0.lock() {
            files.insert(path.to_string(), pieces);
        }
    }
}

/// One related list, surveyed: the hash of its wire form and the spans of
/// its entries pointing into other files.
struct Piece {
    /// Held so that its address stays its own.
    _list: Arc<[Related]>,
    hash: u64,
    spans: Arc<[Span]>,
}

/// A related list and the spans of its entries pointing into other files.
type SurveyedList = (Arc<[Related]>, Arc<[Span]>);

/// Where one entry of a related list points into another file: its index
/// in the list, the first and last line of its range there and the column
/// its range ends at on the last (in the survey's unit).
type Span = (u32, u32, u32, u32);

/// What the surveys of one publish chunk share: the snapshot, the stamps
/// of its open documents, the root's [`SurveyCache`] and the column unit.
#[derive(Clone, Copy)]
pub(in crate::lsp) struct Surveyor<'a> {
    pub snapshot: &'a Snapshot,
    pub stamps: &'a Arc<HashMap<String, (u64, i32)>>,
    pub cache: &'a SurveyCache,
    pub unit: ColumnUnit,
}

/// Surveys `found`, the diagnostics of `file` (at workspace path `path`)
/// on `snapshot`, with columns in `unit`; `version`, when given, is part
/// of the fingerprint (for a client that drops publications of versions
/// it no longer has). Related information whose target
/// is not in the snapshot is left out, as [`convert::diagnostic`] leaves it
/// out of the publication; its span covers every line, as the target's
/// lines are not known. Shared related lists are worked out once and kept
/// in `cache` (see [`SurveyCache`]).
pub(in crate::lsp) fn survey(
    surveyor: Surveyor<'_>,
    path: &str,
    file: &FileData,
    found: &[Diagnostic],
    version: Option<i32>,
) -> Survey {
    let Surveyor {
        snapshot,
        stamps,
        cache,
        unit,
    } = surveyor;
    let shared = |list: &Arc<[Related]>| !list.is_empty() && Arc::strong_count(list) > 1;
    let caching = found.iter().any(|d| shared(&d.related));
    let mut kept = if caching {
        cache.take(path)
    } else {
        HashMap::new()
    };
    let mut used: HashMap<usize, Piece> = HashMap::new();
    let mut hasher = std::hash::DefaultHasher::new();
    snapshot.config.documentation_url.hash(&mut hasher);
    version.hash(&mut hasher);
    found.len().hash(&mut hasher);
    let mut spans_hasher = std::hash::DefaultHasher::new();
    let mut lists = Vec::new();
    for diagnostic in found {
        diagnostic.code.hash(&mut hasher);
        (diagnostic.severity as u8).hash(&mut hasher);
        diagnostic.message.hash(&mut hasher);
        hash_range(&mut hasher, convert::range(file, &diagnostic.range, unit));
        let list = &diagnostic.related;
        if shared(list) {
            let key = Arc::as_ptr(list) as *const () as usize;
            let piece = used.entry(key).or_insert_with(|| {
                kept.remove(&key).unwrap_or_else(|| {
                    let (hash, spans) = work_out(snapshot, list, path, unit);
                    Piece {
                        _list: list.clone(),
                        hash,
                        spans: spans.into(),
                    }
                })
            });
            hasher.write_u64(piece.hash);
            spans_hasher.write_u64(piece.hash);
            if !piece.spans.is_empty() {
                lists.push((list.clone(), piece.spans.clone()));
            }
        } else if !list.is_empty() {
            let (hash, spans) = work_out(snapshot, list, path, unit);
            hasher.write_u64(hash);
            spans_hasher.write_u64(hash);
            if !spans.is_empty() {
                lists.push((list.clone(), spans.into()));
            }
        } else {
            hasher.write_u64(0);
        }
    }
    if caching {
        cache.keep(path, used);
    }
    // The stamps of the open documents the spans point into: a list's
    // spans move with those documents' texts. Open documents are few and
    // the spans many (twenty for each of hundreds of Canvas entries), so
    // each open document is looked for in the lists, not each span's
    // target in the stamps (a hash of its path per span).
    if !stamps.is_empty() {
        let mut open: Vec<(&String, &(u64, i32))> = stamps.iter().collect();
        open.sort_unstable();
        for (list, spans) in &lists {
            for (target, stamp) in &open {
                if spans
                    .iter()
                    .any(|(index, ..)| list[*index as usize].path == **target)
                {
                    (target, stamp).hash(&mut spans_hasher);
                }
            }
        }
    }
    Survey {
        fingerprint: hasher.finish().max(UNKNOWN + 1),
        related: RelatedSpans {
            hash: spans_hasher.finish(),
            lists,
            stamps: stamps.clone(),
        },
    }
}

/// The hash of `list`'s wire form and its spans outside `path` (see
/// [`Piece`]).
fn work_out(
    snapshot: &Snapshot,
    list: &[Related],
    path: &str,
    unit: ColumnUnit,
) -> (u64, Vec<Span>) {
    let mut hasher = std::hash::DefaultHasher::new();
    list.len().hash(&mut hasher);
    let mut spans = Vec::new();
    for (index, target) in list.iter().enumerate() {
        target.path.hash(&mut hasher);
        target.message.hash(&mut hasher);
        let (first, last, last_col) = match snapshot.files.get(target.path.as_str()) {
            Some(data) => {
                let range = convert::range(data, &target.range, unit);
                hash_range(&mut hasher, range);
                (range.start.line, range.end.line, range.end.character)
            }
            None => {
                u32::MAX.hash(&mut hasher);
                (0, u32::MAX, u32::MAX)
            }
        };
        if target.path != path {
            spans.push((index as u32, first, last, last_col));
        }
    }
    (hasher.finish(), spans)
}

fn hash_range(hasher: &mut impl Hasher, range: tower_lsp_server::ls_types::Range) {
    for position in [range.start, range.end] {
        hasher.write_u32(position.line);
        hasher.write_u32(position.character);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::file_diagnostics;
    use crate::analysis::diagnostics::fixture;

    const STAGE: &str = "threads/sales/acme/2-hypothesis.md";

    /// The fingerprint of the stage file's diagnostics when it says
    /// `tests` under a Canvas that defines A1 only.
    fn fingerprint(tests: &str) -> u64 {
        let snapshot = fixture::snapshot(&format!(
            "//- /strategy/canvas/10-assumptions.md\n### A1: Buyers pay\n\
             //- /{STAGE}\n# Hypothesis\n\n{tests}\n"
        ));
        let file = snapshot.files.get(STAGE).expect("indexed");
        let found = file_diagnostics(&snapshot, STAGE);
        assert!(!found.is_empty(), "{tests:?} has diagnostics");
        let surveyor = Surveyor {
            snapshot: &snapshot,
            stamps: &Arc::default(),
            cache: &SurveyCache::default(),
            unit: ColumnUnit::Utf16,
        };
        survey(surveyor, STAGE, file, &found, None).fingerprint
    }

    #[test]
    fn text_that_moves_no_diagnostic_keeps_the_fingerprint() {
        // Typed after the unknown reference, on its line: its position
        // (and every other) is the same, its byte offsets too.
        assert_eq!(fingerprint("Tests: A9"), fingerprint("Tests: A9 and more"));
    }

    #[test]
    fn a_moved_or_changed_diagnostic_changes_the_fingerprint() {
        let before = fingerprint("Tests: A9");
        assert_ne!(before, fingerprint("Tests:  A9"), "moved a column");
        assert_ne!(before, fingerprint("Tests: A8"), "another message");
        // Positions, not byte offsets: `é` is two bytes and one UTF-16
        // unit, the emoji two units.
        let plain = fingerprint("Tests: e A9");
        assert_eq!(plain, fingerprint("Tests: \u{e9} A9"));
        assert_ne!(plain, fingerprint("Tests: \u{1F600} A9"));
    }

    const CANVAS: &str = "strategy/canvas/10-assumptions.md";
    const LEARNING: &str = "threads/sales/a/6-learning.md";

    fn edit(snapshot: &mut crate::index::Snapshot, path: &str, text: &str) {
        let config = snapshot.config.clone();
        let read = crate::facts::ReadState::Read {
            invalid_utf8_at: None,
        };
        snapshot.upsert(FileData::new(path, Arc::from(text), read, &config, None));
    }

    fn canvas_survey(snapshot: &crate::index::Snapshot, cache: &SurveyCache) -> Survey {
        let file = snapshot.files.get(CANVAS).expect("indexed");
        let found = file_diagnostics(snapshot, CANVAS);
        assert!(found.iter().any(|d| d.code == "learning-not-applied"));
        let surveyor = Surveyor {
            snapshot,
            stamps: &Arc::default(),
            cache,
            unit: ColumnUnit::Utf16,
        };
        survey(surveyor, CANVAS, file, &found, None)
    }

    /// The Canvas end of `learning-not-applied` shares its list of
    /// learnings through the memo: surveyed once, kept, and worked out
    /// again when a learning's text moves its result.
    #[test]
    fn a_shared_list_is_kept_until_its_targets_move() {
        let mut snapshot = fixture::snapshot(&format!(
            "//- /{CANVAS}\n### A4: White-label\n**Status:** \u{23f3} TESTING\n\
             //- /{LEARNING}\n# Learning\n\n- A4: INVALIDATED\n"
        ));
        let cache = SurveyCache::default();
        let first = canvas_survey(&snapshot, &cache);
        assert_eq!(first.related.into_map()[LEARNING].first, 2);
        assert_eq!(cache.0.lock().unwrap()[CANVAS].len(), 1, "the list is kept");
        // The Canvas edited below the entry: the same list, from the memo.
        let canvas_text = snapshot.files[CANVAS].text().to_string() + "\nMore.\n";
        edit(&mut snapshot, CANVAS, &canvas_text);
        let again = canvas_survey(&snapshot, &cache);
        assert_eq!(again.fingerprint, first.fingerprint);
        // A space above the learning's result made a line break: the
        // result has the same byte range, on the next line.
        edit(
            &mut snapshot,
            LEARNING,
            "#\nLearning\n\n- A4: INVALIDATED\n",
        );
        let moved = canvas_survey(&snapshot, &cache);
        assert_ne!(moved.fingerprint, first.fingerprint);
        assert_eq!(moved.related.into_map()[LEARNING].first, 3);
        let fresh = canvas_survey(&snapshot, &SurveyCache::default());
        assert_eq!(moved.fingerprint, fresh.fingerprint);
    }
}
