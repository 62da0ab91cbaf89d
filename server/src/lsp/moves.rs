//! Where an open document's text moved, edit by edit, so that the files
//! whose diagnostics point into it (`relatedInformation`) are re-diagnosed
//! only when the lines they point at moved: a keystroke in the Canvas
//! assumptions section, which thousands of learnings point into, re-sends
//! the few that point at the edited line, not all of them.
//!
//! Lines are LSP's (0-based; `\n`, `\r\n` and a lone `\r` end a line), the
//! lines of [`crate::line_index::LineIndex`] and of the document's rope.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::analysis::diagnostics::anchor;
use crate::index::FileData;
use crate::syntax::ByteRange;

/// At most this many edits are kept; a file that points into a document
/// from before the oldest kept edit is re-diagnosed whatever moved.
const KEPT: usize = 1024;

/// What one change did to the lines of the text it was applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// The first and last line the change replaced (in the text before it).
    pub first: u32,
    /// The column on line `first` where the change starts, in the session's
    /// column unit (the unit of [`RelatedSpan::last_col`]): what ends
    /// before it on that line stays where it is.
    pub first_col: u32,
    pub last: u32,
    /// The change may have added or removed lines: every line from
    /// `first` on may have moved.
    pub shifts: bool,
}

impl Region {
    /// A change of the whole text.
    pub const WHOLE: Region = Region {
        first: 0,
        first_col: 0,
        last: u32::MAX,
        shifts: true,
    };

    /// Whether a range over lines `first..=last`, ending at column
    /// `last_col` of its last line (of the text before the change), may
    /// stand elsewhere after it, in line or column. A range ending where
    /// the change starts is reached: text typed at a title's end is the
    /// title's.
    pub fn reaches(&self, first: u32, last: u32, last_col: u32) -> bool {
        let after_start = (last, last_col) >= (self.first, self.first_col);
        if self.shifts {
            after_start
        } else {
            first <= self.last && after_start
        }
    }
}

/// Where a diagnostic of one file points into another: the first and last
/// line of its related ranges there, the column where the last of them
/// ends on that last line (in the session's column unit), and the
/// [`MoveLog::stamp`] of that file's text they were computed on (`None`:
/// not an open document, so any change to it moves them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelatedSpan {
    pub stamp: Option<(u64, i32)>,
    pub first: u32,
    pub last: u32,
    pub last_col: u32,
}

impl RelatedSpan {
    /// Widens the span to cover lines `first..=last`, ending at column
    /// `last_col` of line `last`.
    pub fn cover(&mut self, first: u32, last: u32, last_col: u32) {
        self.first = self.first.min(first);
        (self.last, self.last_col) = (self.last, self.last_col).max((last, last_col));
    }
}

/// The changes of one open document since it was opened, by the version
/// they produced.
#[derive(Debug, Clone)]
pub struct MoveLog {
    /// Unique in the process: a document closed and opened again (whose
    /// versions may start over) gets a new one.
    epoch: u64,
    /// Changes of versions up to this one are no longer listed.
    base: i32,
    edits: VecDeque<(i32, Region)>,
    /// Changes applied but not yet given their version ([`MoveLog::seal`]).
    unsealed: Vec<Region>,
}

impl MoveLog {
    /// The log of a document opened at `version`.
    pub fn new(version: i32) -> MoveLog {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        MoveLog {
            epoch: NEXT.fetch_add(1, Ordering::Relaxed),
            base: version,
            edits: VecDeque::new(),
            unsealed: Vec::new(),
        }
    }

    /// Records a change about to get its version.
    pub fn record(&mut self, region: Region) {
        self.unsealed.push(region);
    }

    /// Gives the changes recorded since the last seal their `version`.
    pub fn seal(&mut self, version: i32) {
        for region in self.unsealed.drain(..) {
            self.edits.push_back((version, region));
        }
        while self.edits.len() > KEPT {
            if let Some((version, _)) = self.edits.pop_front() {
                self.base = self.base.max(version);
            }
        }
    }

    /// What identifies the document's text at `version`.
    pub fn stamp(&self, version: i32) -> (u64, i32) {
        (self.epoch, version)
    }

    /// The log in a form that answers [`Moves::moved`] for many spans in
    /// time independent of the log's length: the changes' versions, the
    /// first position a shifting change from each one on reaches, and the
    /// distinct line ranges the others replaced with the last change that
    /// did and the first column any did (changes not sealed yet count as
    /// the newest). The column of a line range is the least of every
    /// change to it kept, not only of those after a given version: a span
    /// may count as moved when it did not, never the reverse.
    pub fn summary(&self) -> Moves {
        let regions: Vec<&Region> = self
            .edits
            .iter()
            .map(|(_, region)| region)
            .chain(&self.unsealed)
            .collect();
        let mut shift_from = vec![(u32::MAX, u32::MAX); regions.len() + 1];
        let mut replaced: std::collections::HashMap<(u32, u32), (usize, u32)> =
            std::collections::HashMap::new();
        for (at, region) in regions.iter().enumerate().rev() {
            shift_from[at] = shift_from[at + 1];
            if region.shifts {
                shift_from[at] = shift_from[at].min((region.first, region.first_col));
            } else {
                let entry = replaced
                    .entry((region.first, region.last))
                    .or_insert((at, region.first_col));
                entry.1 = entry.1.min(region.first_col);
            }
        }
        Moves {
            epoch: self.epoch,
            base: self.base,
            versions: self.edits.iter().map(|(version, _)| *version).collect(),
            shift_from,
            replaced: replaced
                .into_iter()
                .map(|((first, last), (at, first_col))| Replaced {
                    region: Region {
                        first,
                        first_col,
                        last,
                        shifts: false,
                    },
                    at,
                })
                .collect(),
        }
    }
}

/// A [`MoveLog`] summarised to answer for many spans (see
/// [`MoveLog::summary`]).
#[derive(Debug)]
pub struct Moves {
    epoch: u64,
    base: i32,
    /// The sealed changes' versions, ascending.
    versions: Vec<i32>,
    /// For each change (the unsealed ones as one after the sealed), the
    /// first position (line, column) any shifting change from it on
    /// reaches (`u32::MAX`: none).
    shift_from: Vec<(u32, u32)>,
    /// Line ranges replaced by changes that did not shift.
    replaced: Vec<Replaced>,
}

/// A line range replaced by changes that did not shift lines: from the
/// least column any started at, with the index of the last one.
#[derive(Debug)]
struct Replaced {
    region: Region,
    at: usize,
}

impl Moves {
    /// Whether `span`, computed on an earlier text of this document, may
    /// point elsewhere in its current text: `false` only when every change
    /// since is listed and none reaches its lines.
    pub fn moved(&self, span: &RelatedSpan) -> bool {
        let Some((epoch, version)) = span.stamp else {
            return true;
        };
        if epoch != self.epoch || version < self.base {
            return true;
        }
        // Most spans (thousands point into a Canvas section) lie where no
        // change kept reached, whichever version they start at.
        let (first, last, last_col) = (span.first, span.last, span.last_col);
        if self.shift_from[0] > (last, last_col)
            && !self
                .replaced
                .iter()
                .any(|replaced| replaced.region.reaches(first, last, last_col))
        {
            return false;
        }
        // Changes are sealed with ascending versions: the ones after the
        // span's start here.
        let from = self.versions.partition_point(|v| *v <= version);
        if self.shift_from[from] <= (span.last, span.last_col) {
            return true;
        }
        self.replaced.iter().any(|replaced| {
            replaced.at >= from
                && replaced
                    .region
                    .reaches(span.first, span.last, span.last_col)
        })
    }
}

/// The kinds of [`crate::facts::FileFacts::ranges`] that no diagnostic
/// points at (`relatedInformation`): whole blocks, whose end is where the
/// next one starts (prose typed between two entries grows the first).
/// Every other range, and the file's anchor, may be pointed at.
const CONTAINERS: &[&str] = &["entry", "solution entry", "metadata"];

/// Whether `after` (a new lowering of the file `before` was) differs from
/// it only by where its text moved: the text's one changed stretch (common
/// prefix and suffix aside) lies outside every fact or inside it, and
/// every byte range of the facts and the file's anchor (what diagnostics
/// point at when they point at the file) is the old one moved by it. Then
/// a range computed on `before` points at the same thing in `after`,
/// moved as the lines of the edit say.
pub fn moved_only_by_edit(before: &FileData, after: &FileData) -> bool {
    let (old, new) = (before.text(), after.text());
    let (old, new) = (old.as_bytes(), new.as_bytes());
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let (start, old_end) = (prefix as u32, (old.len() - suffix) as u32);
    let delta = new.len() as i64 - old.len() as i64;
    let shift = |offset: u32| (offset as i64 + delta) as u32;
    // Where a range of `before` may be in `after`: moved with the text
    // after the changed stretch, grown by it when it holds it, and either
    // when it only touches it (text typed at a title's end is the title's).
    let fits = |old: &ByteRange, new: &ByteRange| -> bool {
        let grown = old.start..shift(old.end);
        if old.end <= start {
            *new == *old || old.end == start && *new == grown
        } else if old.start >= old_end {
            *new == (shift(old.start)..shift(old.end))
                || old.start == old_end && *new == (start..shift(old.end))
        } else {
            old.start <= start && old.end >= old_end && *new == grown
        }
    };
    let pointed_at = |file: &FileData| {
        let mut ranges = file.facts.ranges();
        ranges.retain(|(kind, _)| !CONTAINERS.contains(kind));
        ranges.push(("anchor", anchor(file)));
        ranges
    };
    let (old_ranges, new_ranges) = (pointed_at(before), pointed_at(after));
    old_ranges.len() == new_ranges.len()
        && old_ranges
            .iter()
            .zip(&new_ranges)
            .all(|((kind, old), (new_kind, new))| kind == new_kind && fits(old, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> FileData {
        let read = crate::facts::ReadState::Read {
            invalid_utf8_at: None,
        };
        FileData::new(path, text.into(), read, &Default::default(), Some(1))
    }

    #[test]
    fn an_edit_inside_or_between_facts_only_moves_them() {
        let canvas = "strategy/canvas/10-assumptions.md";
        let text = "# Assumptions\n\n### A1: Banks pay\n**Status:** ⏳ TESTING\n\n### A2: Fast\n**Confidence:** 60%\n";
        let before = file(canvas, text);
        let same = |edited: &str| moved_only_by_edit(&before, &file(canvas, edited));
        // Typing in a title, in prose between entries, a new line between.
        assert!(same(&text.replace("Banks pay", "Banks pay well")));
        assert!(same(
            &text.replace("TESTING\n\n", "TESTING\n\nSome prose.\n\n")
        ));
        assert!(same(text));
        // A changed status is where it was (what it says reaches the
        // learnings through the index's invalidation, not through here).
        assert!(same(&text.replace("TESTING", "VALIDATED")));
        // A new entry, a heading above, a heading gone: the facts are not
        // the old ones moved.
        assert!(!same(&text.replace("### A2", "### A3: New\n\n### A2")));
        assert!(!same(&format!("# Top\n{text}")));
        assert!(!same(&text.replace("# Assumptions\n", "Assumptions\n")));
        // A file without headings: typing on a blank line above the first
        // line with text moves what diagnostics point at when they point
        // at the file.
        let goal = "strategy/goals/active/g-growth.md";
        let plain = "\n\n\nGrow revenue\n";
        let before = file(goal, plain);
        assert!(!moved_only_by_edit(
            &before,
            &file(goal, "\nx\n\nGrow revenue\n")
        ));
        assert!(moved_only_by_edit(
            &before,
            &file(goal, "\n\n\nGrow revenue fast\n")
        ));
    }

    fn span(log: &MoveLog, version: i32, first: u32, last: u32) -> RelatedSpan {
        RelatedSpan {
            stamp: Some(log.stamp(version)),
            first,
            last,
            last_col: u32::MAX,
        }
    }

    #[test]
    fn a_change_reaches_its_lines_and_when_it_shifts_every_line_after() {
        let same_lines = Region {
            first: 4,
            first_col: 0,
            last: 4,
            shifts: false,
        };
        assert!(same_lines.reaches(4, 4, u32::MAX));
        assert!(same_lines.reaches(2, 9, u32::MAX));
        assert!(!same_lines.reaches(3, 3, u32::MAX));
        assert!(!same_lines.reaches(5, 7, u32::MAX));
        let shifting = Region {
            shifts: true,
            ..same_lines
        };
        assert!(shifting.reaches(5, 7, u32::MAX));
        assert!(shifting.reaches(0, 4, u32::MAX));
        assert!(!shifting.reaches(0, 3, u32::MAX));
        assert!(Region::WHOLE.reaches(0, 0, u32::MAX));
    }

    /// What ends before a change's first column on its first line stays
    /// put; what ends at it or after moves (text typed at a range's end
    /// may be the range's).
    #[test]
    fn a_range_ending_before_the_change_on_its_line_is_not_reached() {
        let typed = Region {
            first: 4,
            first_col: 10,
            last: 4,
            shifts: false,
        };
        assert!(!typed.reaches(4, 4, 9));
        assert!(typed.reaches(4, 4, 10));
        assert!(!typed.reaches(2, 4, 3));
        let enter = Region {
            shifts: true,
            ..typed
        };
        assert!(!enter.reaches(4, 4, 9));
        assert!(enter.reaches(4, 4, 10));
        assert!(enter.reaches(5, 5, 0));
        // Through the summary: typing along line 4 from column 10, then
        // once at column 3.
        let mut log = MoveLog::new(1);
        let at_col = |log: &MoveLog, last_col: u32| RelatedSpan {
            last_col,
            ..span(log, 1, 4, 4)
        };
        for (version, first_col) in [(2, 10), (3, 11), (4, 12)] {
            log.record(Region { first_col, ..typed });
            log.seal(version);
        }
        assert!(!log.summary().moved(&at_col(&log, 6)));
        assert!(log.summary().moved(&at_col(&log, 11)));
        log.record(Region {
            first_col: 3,
            ..typed
        });
        log.seal(5);
        assert!(log.summary().moved(&at_col(&log, 6)));
        log.record(Region {
            first: 2,
            first_col: 0,
            last: 2,
            shifts: true,
        });
        assert!(log.summary().moved(&RelatedSpan {
            last_col: 0,
            ..span(&log, 5, 3, 3)
        }));
    }

    #[test]
    fn only_changes_after_the_span_was_computed_count() {
        let mut log = MoveLog::new(1);
        log.record(Region {
            first: 10,
            first_col: 0,
            last: 10,
            shifts: true,
        });
        log.seal(2);
        log.record(Region {
            first: 3,
            first_col: 0,
            last: 3,
            shifts: false,
        });
        log.seal(3);
        // Computed on version 1: the shift at line 10 moved lines 10 on.
        assert!(log.summary().moved(&span(&log, 1, 12, 12)));
        assert!(!log.summary().moved(&span(&log, 1, 5, 6)));
        // Computed on version 2: only the change of line 3 came after.
        assert!(!log.summary().moved(&span(&log, 2, 12, 12)));
        assert!(log.summary().moved(&span(&log, 2, 3, 3)));
        assert!(!log.summary().moved(&span(&log, 3, 3, 3)));
        // A change applied but not sealed counts.
        log.record(Region::WHOLE);
        assert!(log.summary().moved(&span(&log, 3, 0, 0)));
    }

    #[test]
    fn another_opening_or_a_forgotten_version_moves_everything() {
        let mut log = MoveLog::new(1);
        let reopened = MoveLog::new(1);
        assert!(reopened.summary().moved(&span(&log, 1, 0, 0)));
        assert!(log.summary().moved(&RelatedSpan {
            stamp: None,
            first: 0,
            last: 0,
            last_col: 0,
        }));
        for version in 2..(KEPT as i32 + 10) {
            log.record(Region {
                first: 100,
                first_col: 0,
                last: 100,
                shifts: false,
            });
            log.seal(version);
        }
        // Older than the oldest change kept.
        assert!(log.summary().moved(&span(&log, 1, 0, 0)));
        assert!(!log.summary().moved(&span(&log, 50, 0, 0)));
    }
}
