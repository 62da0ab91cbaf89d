//! What one file's diagnostics look like to the client, found without
//! building them: a fingerprint of their wire form (so an unchanged set is
//! neither converted nor sent) and the lines of other files their related
//! information points at (so an edit there re-diagnoses only the files
//! whose lines it moved).

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use crate::analysis::diagnostics::Diagnostic;
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
    /// A hash of the publication's wire form without its document
    /// version: equal for two sets that serialize alike in the client's
    /// position encoding (ranges compared as positions, not byte offsets;
    /// related information by workspace path, which gives its URI under
    /// the root). Never [`UNKNOWN`].
    pub fingerprint: u64,
    /// The files the diagnostics point into (`path` itself excluded), with
    /// the 0-based lines they point at there and the stamp of the open
    /// document's text they were computed on (from `stamps`).
    pub related: BTreeMap<String, RelatedSpan>,
}

/// Surveys `found`, the diagnostics of `file` (at workspace path `path`)
/// on `snapshot`, with columns in `unit`. Related information whose target
/// is not in the snapshot is left out, as [`convert::diagnostic`] leaves it
/// out of the publication; its span covers every line, as the target's
/// lines are not known.
pub(in crate::lsp) fn survey(
    snapshot: &Snapshot,
    stamps: &HashMap<String, (u64, i32)>,
    path: &str,
    file: &FileData,
    found: &[Diagnostic],
    unit: ColumnUnit,
) -> Survey {
    // The targets looked up once each, in path order: consecutive keys
    // share the B-tree's nodes, where thousands of lookups in the
    // diagnostics' order (a Canvas section's related information points
    // into thousands of learnings) miss the cache at every level.
    let mut paths: Vec<&str> = found
        .iter()
        .flat_map(|d| &d.related)
        .map(|r| r.path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let targets: HashMap<&str, &FileData> = paths
        .into_iter()
        .filter_map(|p| Some((p, snapshot.files.get(p)?.as_ref())))
        .collect();
    let mut hasher = std::hash::DefaultHasher::new();
    snapshot.config.documentation_url.hash(&mut hasher);
    found.len().hash(&mut hasher);
    let mut related: BTreeMap<String, RelatedSpan> = BTreeMap::new();
    for diagnostic in found {
        diagnostic.code.hash(&mut hasher);
        (diagnostic.severity as u8).hash(&mut hasher);
        diagnostic.message.hash(&mut hasher);
        hash_range(&mut hasher, convert::range(file, &diagnostic.range, unit));
        diagnostic.related.len().hash(&mut hasher);
        for target in &diagnostic.related {
            target.path.hash(&mut hasher);
            target.message.hash(&mut hasher);
            let (first, last) = match targets.get(target.path.as_str()) {
                Some(data) => {
                    let range = convert::range(data, &target.range, unit);
                    hash_range(&mut hasher, range);
                    (range.start.line, range.end.line)
                }
                None => {
                    u32::MAX.hash(&mut hasher);
                    (0, u32::MAX)
                }
            };
            if target.path == path {
                continue;
            }
            match related.get_mut(target.path.as_str()) {
                Some(span) => span.cover(first, last),
                None => {
                    let span = RelatedSpan {
                        stamp: stamps.get(target.path.as_str()).copied(),
                        first,
                        last,
                    };
                    related.insert(target.path.clone(), span);
                }
            }
        }
    }
    Survey {
        fingerprint: hasher.finish().max(UNKNOWN + 1),
        related,
    }
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
        survey(
            &snapshot,
            &HashMap::new(),
            STAGE,
            file,
            &found,
            ColumnUnit::Utf16,
        )
        .fingerprint
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
}
