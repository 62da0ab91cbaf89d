//! Canvas drift: how learnings and the solution section (09) relate.
//! A 09 entry is linked to a thread by its `**Evidence:**` path first (the
//! thread holding that path), then by the feature name a thread's learning
//! announces (`09-solution.md → "Feature"`), compared with
//! [`feature_key`](crate::facts::solution::feature_key).

use crate::analysis::thread::{thread_info, ThreadInfo};
use crate::facts::paths::PathKind;
use crate::facts::solution::{feature_key, SolutionEntry};
use crate::facts::status::AssumptionStatus;
use crate::facts::{AssumptionEntry, LearningResult, VerdictClass};
use crate::index::{FileData, Snapshot};
use crate::paths;
use crate::syntax::ByteRange;

/// Where a 09 entry's evidence leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// No evidence path and no thread announcing the feature.
    Unlinked,
    /// The evidence path exists nowhere.
    Missing(String),
    /// The evidence is inside an `archive/` folder.
    Archived(String),
    /// A live thread folder.
    Thread(String),
}

/// The thread folder holding a workspace path, if any.
pub fn thread_of(snapshot: &Snapshot, path: &str) -> Option<String> {
    let path = path.trim_end_matches('/');
    if snapshot.threads.contains_key(path) {
        return Some(path.to_string());
    }
    snapshot
        .files
        .get(path)
        .and_then(|f| f.facts.path_kind().thread().map(str::to_string))
}

/// Where the entry's evidence leads (or, without evidence, the live
/// engineering thread announcing a feature of the same name).
pub fn evidence_of(snapshot: &Snapshot, entry: &SolutionEntry) -> Evidence {
    if let Some((path, _)) = &entry.evidence {
        let normalized = paths::normalize(path.trim_end_matches('/')).unwrap_or_default();
        if normalized.is_empty() || !snapshot.exists(&normalized) {
            return Evidence::Missing(path.clone());
        }
        if normalized.split('/').any(|p| p == "archive") {
            return Evidence::Archived(normalized);
        }
        return match thread_of(snapshot, &normalized) {
            Some(dir) => Evidence::Thread(dir),
            None => Evidence::Unlinked,
        };
    }
    // The first live announcing thread in path order (an archived one is
    // history, not what the entry records now).
    snapshot
        .solution_announcements
        .get(&feature_key(&entry.name))
        .into_iter()
        .flatten()
        .filter_map(|path| snapshot.files.get(&**path)?.facts.path_kind().thread())
        .find(|dir| !dir.split('/').any(|p| p == "archive"))
        .map_or(Evidence::Unlinked, |dir| Evidence::Thread(dir.to_string()))
}

/// The feature keys ([`feature_key`]) the files of thread folder `thread`
/// announce as 09 updates, for [`backed_by`].
pub fn thread_announcements(snapshot: &Snapshot, thread: &str) -> Vec<String> {
    snapshot
        .thread_members(thread)
        .flat_map(|f| f.facts.solution_updates.iter())
        .map(|(name, _)| feature_key(name))
        .collect()
}

/// Whether 09 `entry`'s evidence leads to thread folder `thread`
/// ([`evidence_of`] is [`Evidence::Thread`] of it); `announced` is
/// [`thread_announcements`] of `thread`. A learning asks this of every 09
/// entry, so what cannot hold is ruled out first without allocating: an
/// evidence path leads into `thread` only if it names the thread's folder
/// (normalising only drops parts), and an entry without evidence only if
/// the thread announces its feature.
pub fn backed_by(
    snapshot: &Snapshot,
    entry: &SolutionEntry,
    thread: &str,
    announced: &[String],
) -> bool {
    let folder = thread.rsplit('/').next().unwrap_or(thread);
    let possible = match &entry.evidence {
        Some((path, _)) => path.contains(folder),
        None => !announced.is_empty() && announced.contains(&feature_key(&entry.name)),
    };
    possible && matches!(evidence_of(snapshot, entry), Evidence::Thread(dir) if dir == thread)
}

/// The learning of a thread: its stage 6 (or legacy 7) file.
pub fn learning_of(info: &ThreadInfo) -> Option<&FileData> {
    info.stage_file(6).map(|f| f.as_ref())
}

/// Why a thread's work did not ship: an invalidated hypothesis or a
/// stop verdict.
pub fn abandoned(info: &ThreadInfo) -> Option<String> {
    if let Some((AssumptionStatus::Invalidated, _)) =
        learning_of(info).and_then(|f| f.facts.outcome.clone())
    {
        return Some("its hypothesis was invalidated".into());
    }
    if let Some(verdict) = info.stage_file(4).and_then(|f| f.facts.verdict.as_ref()) {
        if verdict.class == VerdictClass::Stop {
            return Some(format!("its decision was {}", verdict.word));
        }
    }
    None
}

/// What a thread's learning states for one 09 entry, and where.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Learned {
    pub status: Option<AssumptionStatus>,
    pub confidence: Option<u8>,
    /// The announcement of the entry's feature when the learning has one,
    /// else the learning's own outcome line.
    pub range: Option<ByteRange>,
}

/// What `learning` states for `entry` (a 09 entry linked to its thread):
/// a result belongs to the item it is written under, so the learning's
/// announcement of the feature (by name, or its only announcement) speaks
/// first (`09-solution.md → "White-Label SDK" (confidence: 95%)`), and the
/// learning's own outcome (`**Status:**`, `**Posterior confidence:**`
/// outside assumption headings) fills what the announcement leaves out.
pub fn learned_for(entry: &SolutionEntry, learning: &FileData) -> Learned {
    let facts = &learning.facts;
    let key = feature_key(&entry.name);
    let announcement = facts
        .solution_updates
        .iter()
        .position(|(name, _)| feature_key(name) == key)
        .or_else(|| (facts.solution_updates.len() == 1).then_some(0));
    let stated = announcement
        .and_then(|i| facts.solution_update_results.get(i))
        .copied()
        .unwrap_or_default();
    Learned {
        status: stated
            .status
            .or_else(|| facts.outcome.as_ref().map(|(s, _)| *s)),
        confidence: stated.confidence.or(facts.outcome_confidence),
        range: announcement
            .map(|i| facts.solution_updates[i].1.clone())
            .or_else(|| facts.outcome.as_ref().map(|(_, r)| r.clone())),
    }
}

/// How an entry disagrees with its thread's learning, if it does.
pub fn disagreement(entry: &SolutionEntry, learning: &FileData) -> Option<String> {
    let learned = learned_for(entry, learning);
    let mut parts = Vec::new();
    if let (Some(said), Some(learned)) = (entry.status, learned.status) {
        if said != learned {
            parts.push(format!(
                "status {} (the learning: {})",
                said.as_str(),
                learned.as_str()
            ));
        }
    }
    if let (Some(said), Some(learned)) = (entry.confidence, learned.confidence) {
        if said != learned {
            parts.push(format!("confidence {said}% (the learning: {learned}%)"));
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Every 09 entry with its file, in path then position order.
pub fn solution_entries(snapshot: &Snapshot) -> Vec<(&FileData, usize, &SolutionEntry)> {
    snapshot
        .canvas
        .get(&9)
        .into_iter()
        .flat_map(|files| files.iter())
        .filter_map(|path| snapshot.files.get(&**path))
        .flat_map(|file| {
            file.facts
                .solution_entries
                .iter()
                .enumerate()
                .map(move |(i, e)| (file.as_ref(), i, e))
        })
        .collect()
}

/// Whether an engineering thread's learning counts for 09: engineering
/// type, stage 6 present, not archived, not abandoned.
pub fn shipping_thread(snapshot: &Snapshot, file: &FileData) -> Option<ThreadInfo> {
    let PathKind::Stage {
        thread,
        number: 6 | 7,
        archived: false,
        ..
    } = file.facts.path_kind()
    else {
        return None;
    };
    let info = thread_info(snapshot, thread);
    (info.thread_type == "engineering" && abandoned(&info).is_none()).then_some(info)
}

/// How a learning's result disagrees with the assumption's entry.
pub fn result_disagreement(result: &LearningResult, entry: &AssumptionEntry) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(status) = result.status {
        if entry.status != Some(status) {
            let shown = entry.status.map(|s| s.as_str()).unwrap_or("no status");
            parts.push(format!(
                "{} (the assumptions section shows {shown})",
                status.as_str()
            ));
        }
    }
    if let Some(confidence) = result.confidence {
        if entry.confidence != Some(confidence) {
            let shown = entry
                .confidence
                .map(|c| format!("{c}%"))
                .unwrap_or_else(|| "no confidence".into());
            parts.push(format!(
                "{confidence}% (the assumptions section shows {shown})"
            ));
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::fixture::snapshot;

    /// `backed_by` rules entries out before resolving them; it must agree
    /// with `evidence_of` on every entry and thread, whatever shape the
    /// evidence takes.
    #[test]
    fn backed_by_agrees_with_evidence_of_on_every_entry_and_thread() {
        let s = snapshot(
            r#"//- /strategy/canvas/09-solution.md
# Solution

### By learning
- **Evidence:** threads/engineering/sdk/6-learning.md

### By folder with a slash
- **Evidence:** threads/engineering/sdk/

### By a detour
- **Evidence:** ./threads/engineering/ocr/../sdk/1-input.md

### By another folder
- **Evidence:** threads/engineering/ocr

### Also Announced
No evidence: the OCR thread's learning announces it.

### Receipt OCR (beta)

### Nobody's
- **Evidence:** threads/engineering/gone/

### Archived
- **Evidence:** threads/engineering/archive/old/6-learning.md
//- /threads/engineering/sdk/1-input.md
# Input
//- /threads/engineering/sdk/6-learning.md
# Learning
09-solution.md → "By learning" (confidence: 90%)
//- /threads/engineering/ocr/4-decision.md
# Decision
**Decision:** PROCEED
//- /threads/engineering/ocr/6-learning.md
# Learning
- 09-solution.md → "Receipt OCR"
- 09-solution.md → "Also Announced"
//- /threads/engineering/archive/old/6-learning.md
# Learning
- 09-solution.md → "Nobody's"
"#,
        );
        let entries = solution_entries(&s);
        assert_eq!(entries.len(), 8);
        let threads: Vec<&str> = s.threads.keys().map(|t| t.as_str()).collect();
        assert!(threads.len() >= 3, "{threads:?}");
        let mut backed = 0;
        for thread in &threads {
            let announced = thread_announcements(&s, thread);
            for (_, _, entry) in &entries {
                let expected = evidence_of(&s, entry) == Evidence::Thread(thread.to_string());
                assert_eq!(
                    backed_by(&s, entry, thread, &announced),
                    expected,
                    "{} in {thread}",
                    entry.name
                );
                backed += usize::from(expected);
            }
        }
        // By learning, by folder, by a detour, by another folder, also
        // announced, Receipt OCR.
        assert_eq!(backed, 6);
    }
}
