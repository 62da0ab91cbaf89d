//! A thread's derived view: its type, stages present, metadata and flags,
//! computed from its member files (leanos-formats.md §3).

use std::sync::Arc;

use crate::facts::metadata::Metadata;
use crate::facts::paths::{PathKind, StageForm};
use crate::facts::VerdictClass;
use crate::index::{FileData, Snapshot};

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
            .and_then(|f| f.facts.metadata.as_ref())
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
    let threads_dir = &snapshot.config.threads_dir;
    let relative = dir
        .strip_prefix(threads_dir.as_str())
        .map(|r| r.trim_start_matches('/'))
        .unwrap_or(dir);
    let thread_type = relative.split('/').next().unwrap_or("").to_string();
    let mut info = ThreadInfo {
        dir: dir.to_string(),
        thread_type,
        stages: Default::default(),
        meta_file: None,
        archived: false,
        campaign: relative.split('/').any(|p| p == "campaigns")
            || crate::paths::file_name(dir).starts_with("campaign-"),
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
