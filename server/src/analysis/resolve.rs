//! Resolution of links, thread paths, goals and assumption IDs against a
//! snapshot. Paths never resolve outside the workspace root: candidates
//! that climb out are reported as such and never looked up.

use crate::facts::Link;
use crate::index::{candidates, EntryLocation, Snapshot};
use crate::vfs;

/// Where a link points, or why it points nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A file or folder (workspace path).
    Found(String),
    /// Nothing exists at any candidate.
    Missing,
    /// The link leaves the workspace root.
    OutsideRoot,
}

/// Resolves `link` found in the file at `from`.
pub fn resolve_link(snapshot: &Snapshot, from: &str, link: &Link) -> Resolution {
    let candidates = candidates(&snapshot.config, from, link);
    if let Some(number) = candidates.canvas {
        return match snapshot
            .canvas
            .get(&number)
            .and_then(|files| files.iter().next())
        {
            Some(file) => Resolution::Found(file.clone()),
            None => Resolution::Missing,
        };
    }
    for path in &candidates.paths {
        if snapshot.exists(path) {
            return Resolution::Found(path.clone());
        }
    }
    if let Some(name) = &candidates.thread_name {
        if let Some(thread) = find_thread_by_name(snapshot, name) {
            return Resolution::Found(thread);
        }
    }
    if candidates.outside_root {
        Resolution::OutsideRoot
    } else {
        Resolution::Missing
    }
}

/// The first thread folder (in path order) whose last segment is `name`.
pub fn find_thread_by_name(snapshot: &Snapshot, name: &str) -> Option<String> {
    snapshot
        .threads
        .keys()
        .find(|dir| vfs::file_name(dir) == name)
        .cloned()
}

/// The entry locations of an assumption ID, in file then position order.
pub fn assumption_entries<'a>(
    snapshot: &'a Snapshot,
    id: &str,
) -> impl Iterator<Item = &'a EntryLocation> {
    snapshot
        .assumptions
        .get(id)
        .into_iter()
        .flat_map(|set| set.iter())
}

/// The files of Canvas section 10 (the assumptions section).
pub fn assumptions_files(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .canvas
        .get(&10)
        .map(|set| set.iter().cloned().collect())
        .unwrap_or_default()
}
