//! A thread's derived view: its type, stages present, metadata and flags,
//! computed from its member files (leanos-formats.md §3); and how threads
//! and assumption statuses are shown (names, titles, stage progress,
//! status emoji) by hover, completion, symbols, code lenses and actions.

use std::sync::Arc;

use crate::facts::metadata::Metadata;
use crate::facts::paths::{PathKind, StageForm};
use crate::facts::status::AssumptionStatus;
use crate::facts::VerdictClass;
use crate::index::{FileData, Snapshot};
use crate::paths;

/// A thread folder and what it holds.
#[derive(Debug, Clone)]
pub struct ThreadInfo {
    /// Workspace path of the folder (`threads/sales/acme`).
    pub dir: String,
    /// First folder under `threads/` (`sales`).
    pub thread_type: String,
    /// Stage files by number (index 0 = stage 1; legacy `7-learning.md`
    /// counts as stage 6), each with its form.
    pub stages: [Vec<(Arc<FileData>, StageForm)>; 6],
    /// `meta.json` or `metadata.yaml`.
    pub meta_file: Option<Arc<FileData>>,
    pub archived: bool,
    /// A campaign thread (`…/campaigns/…`, `campaign-…`, or typed
    /// `sales-campaign`).
    pub campaign: bool,
}

impl ThreadInfo {
    /// The stage numbers present (1..=6).
    pub fn present(&self) -> Vec<u8> {
        (1..=6)
            .filter(|n| !self.stages[*n as usize - 1].is_empty())
            .collect()
    }

    /// The highest stage present, with legacy `7-learning.md` as 7.
    pub fn highest_stage(&self) -> Option<u8> {
        let legacy_seven = self.stages[5]
            .iter()
            .any(|(file, _)| file.facts.path_kind().stage() == Some(7));
        if legacy_seven {
            return Some(7);
        }
        self.present().last().copied()
    }

    /// The first file of stage `number` (1..=6).
    pub fn stage_file(&self, number: u8) -> Option<&Arc<FileData>> {
        self.stages
            .get(number as usize - 1)
            .and_then(|files| files.first())
            .map(|(file, _)| file)
    }

    /// The metadata document of the thread's metadata file.
    pub fn metadata(&self) -> Option<&Metadata> {
        self.meta_file
            .as_ref()
            .and_then(|f| f.facts.metadata.as_deref())
    }

    /// The class of stage 4's verdict, if any.
    pub fn verdict(&self) -> Option<VerdictClass> {
        self.stage_file(4)
            .and_then(|f| f.facts.verdict.as_ref())
            .map(|v| v.class)
    }

    /// A sales deal thread (attribution applies): type `sales`, not a
    /// campaign, not archived.
    pub fn is_sales_deal(&self) -> bool {
        self.thread_type == "sales" && !self.campaign && !self.archived
    }
}

/// Builds the view of the thread folder `dir`.
pub fn thread_info(snapshot: &Snapshot, dir: &str) -> ThreadInfo {
    let relative = thread_name(snapshot, dir);
    let thread_type = relative.split('/').next().unwrap_or("").to_string();
    let mut info = ThreadInfo {
        dir: dir.to_string(),
        thread_type,
        stages: Default::default(),
        meta_file: None,
        archived: false,
        campaign: relative.split('/').any(|p| p == "campaigns")
            || paths::file_name(dir).starts_with("campaign-"),
    };
    for file in snapshot.thread_members(dir) {
        match file.facts.path_kind() {
            PathKind::Stage {
                number,
                form,
                archived,
                ..
            } => {
                info.archived |= archived;
                let slot = (*number).min(6) as usize - 1;
                info.stages[slot].push((file.clone(), *form));
            }
            PathKind::ThreadMeta { archived, json, .. } => {
                info.archived |= archived;
                // meta.json wins over metadata.yaml when both exist.
                if info.meta_file.is_none() || *json {
                    info.meta_file = Some(file.clone());
                }
            }
            _ => {}
        }
    }
    for files in info.stages.iter_mut() {
        files.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    }
    if let Some(meta) = info.metadata() {
        if meta
            .text("type")
            .is_some_and(|t| t.trim() == "sales-campaign")
        {
            info.campaign = true;
        }
    }
    info
}

/// The file a thread opens on: its lowest stage file, else its metadata.
pub fn thread_entry_file(snapshot: &Snapshot, dir: &str) -> Option<String> {
    let info = thread_info(snapshot, dir);
    (1..=6)
        .find_map(|n| info.stage_file(n).map(|f| f.path.to_string()))
        .or_else(|| info.meta_file.as_ref().map(|f| f.path.to_string()))
}

/// A thread's path relative to the threads folder (`sales/acme`).
pub fn thread_name<'a>(snapshot: &Snapshot, dir: &'a str) -> &'a str {
    dir.strip_prefix(snapshot.config.threads_dir.as_str())
        .map(|r| r.trim_start_matches('/'))
        .unwrap_or(dir)
}

/// A thread's title: its stated title, else its folder name (one line,
/// at most 120 characters).
pub fn thread_title(info: &ThreadInfo) -> String {
    let from_meta = info
        .meta_file
        .as_ref()
        .and_then(|f| f.facts.thread_title.as_deref().map(str::to_string));
    let from_stages = (1..=6).find_map(|n| {
        info.stage_file(n)
            .and_then(|f| f.facts.thread_title.as_deref().map(str::to_string))
    });
    let title = from_meta
        .or(from_stages)
        .unwrap_or_else(|| paths::file_name(&info.dir).to_string());
    title.trim().replace('\n', " ").chars().take(120).collect()
}

/// The stage progress line of a thread: `1 ✓ · 2 ✓ · 3 ∅ · 4 – …` where
/// ✓ is present, ∅ present but empty, – missing.
pub fn stage_progress(info: &ThreadInfo) -> String {
    (1..=6)
        .map(|n| {
            let mark = match info.stage_file(n) {
                Some(f) if f.facts.empty => "∅",
                Some(_) => "✓",
                None => "–",
            };
            format!("{n} {mark}")
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// An entry's status as hover and completion show it (`✅ VALIDATED`), or
/// `no status`.
pub fn status_label(status: Option<AssumptionStatus>) -> String {
    status
        .map(|s| format!("{} {}", status_emoji(s), s.as_str()))
        .unwrap_or_else(|| "no status".into())
}

/// The emoji shown for a status (hover, inlay hints, code lens).
pub fn status_emoji(status: AssumptionStatus) -> &'static str {
    match status {
        AssumptionStatus::Validated => "✅",
        AssumptionStatus::Invalidated => "❌",
        AssumptionStatus::Testing => "⏳",
        AssumptionStatus::Untested => "📝",
        AssumptionStatus::Partial => "◐",
        AssumptionStatus::Challenged => "⚠️",
        AssumptionStatus::Inconclusive => "❔",
    }
}
