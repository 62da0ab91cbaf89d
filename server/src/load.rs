//! Loading a workspace from disk (an edge module, like `cli` and `lsp`):
//! walk the root, then read and lower source files in parallel through
//! the one builder ([`crate::ingest::build`]), with the size cap.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use crate::config::Settings;
use crate::index::{effective_config, Snapshot};
use crate::vfs::{self, FileRead, Stamp};

/// Workspace path -> the [`Stamp`] of the file as the load read it.
pub type Stamps = HashMap<String, Stamp>;

/// Counts and timings of a cold load, for logs and progress.
#[derive(Debug, Clone, Default)]
pub struct LoadStats {
    pub files: usize,
    pub source_files: usize,
    pub threads: usize,
    pub bytes: u64,
    pub millis: u128,
}

/// Loads the workspace at `root` with client `settings` (the root's
/// `leanos.toml` wins over them). Unreadable files are skipped with a log
/// line; nothing outside the root is read.
pub fn load_workspace(root: &Path, settings: &Settings) -> (Snapshot, LoadStats) {
    load(root, settings, None)
}

/// [`load_workspace`], with the [`Stamps`] of the files it read (source
/// files it read whole or found too large), to find later what changed
/// since they were read.
pub fn load_workspace_stamped(root: &Path, settings: &Settings) -> (Snapshot, LoadStats, Stamps) {
    let stamps = Mutex::new(Vec::new());
    let (snapshot, stats) = load(root, settings, Some(&stamps));
    let stamps = stamps
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .collect();
    (snapshot, stats, stamps)
}

fn load(
    root: &Path,
    settings: &Settings,
    stamps: Option<&Mutex<Vec<(String, Stamp)>>>,
) -> (Snapshot, LoadStats) {
    let started = Instant::now();
    let toml_text = match vfs::read_file(root, "leanos.toml", crate::config::DEFAULT_MAX_FILE_SIZE)
    {
        Ok(FileRead::Bytes(bytes)) => Some(vfs::decode(&bytes).text),
        _ => None,
    };
    let config = effective_config(settings, toml_text.as_deref());
    let ignore = config.ignore_matcher();
    let walked = vfs::walk(root, &|path| ignore.is_match(path));
    tracing::debug!(
        walk_ms = started.elapsed().as_millis() as u64,
        files = walked.files.len(),
        "walked"
    );
    let max_size = config.max_file_size;
    // Read and lower in one parallel pass, so disk reads overlap parsing.
    let snapshot = crate::ingest::build(
        config,
        walked.files.clone(),
        |path| path,
        |path| match vfs::read_walked_file_stamped(root, &path, max_size) {
            Ok((read, stamp)) => {
                if let Some(stamps) = stamps {
                    if let Ok(mut stamps) = stamps.lock() {
                        stamps.push((path, stamp));
                    }
                }
                Some(read)
            }
            Err(error) => {
                tracing::warn!("skipping {path}: {error}");
                None
            }
        },
    );
    let bytes = snapshot.files.values().map(|f| f.text.len() as u64).sum();
    tracing::debug!(
        read_lower_and_build_ms = started.elapsed().as_millis() as u64,
        "read, lowered and built"
    );
    let stats = LoadStats {
        files: walked.files.len(),
        source_files: snapshot.files.len(),
        threads: snapshot.threads.len(),
        bytes,
        millis: started.elapsed().as_millis(),
    };
    (snapshot, stats)
}
