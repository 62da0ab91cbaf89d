//! Loading a workspace from disk (an edge module, like `cli` and `lsp`):
//! walk the root, read source files in parallel with the size cap, and
//! build a [`Snapshot`] through the one lowering path.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Settings;
use crate::index::{effective_config, Snapshot, Source};
use crate::vfs::{self, FileRead};

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
    let started = Instant::now();
    let toml_text = match vfs::read_file(root, "leanos.toml", vfs::DEFAULT_MAX_FILE_SIZE) {
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
    let sources: Vec<Source> = walked
        .files
        .par_iter()
        .filter_map(|path| {
            if !vfs::is_source_path(path) {
                return Some(Source {
                    path: path.clone(),
                    content: FileRead::Bytes(Vec::new()),
                });
            }
            match vfs::read_file(root, path, max_size) {
                Ok(content) => Some(Source {
                    path: path.clone(),
                    content,
                }),
                Err(error) => {
                    tracing::warn!("skipping {path}: {error}");
                    None
                }
            }
        })
        .collect();
    tracing::debug!(read_ms = started.elapsed().as_millis() as u64, "read");
    let bytes = sources
        .iter()
        .map(|s| match &s.content {
            FileRead::Bytes(b) => b.len() as u64,
            FileRead::TooLarge(_) => 0,
        })
        .sum();
    let snapshot = Snapshot::from_sources(settings, sources);
    let stats = LoadStats {
        files: walked.files.len(),
        source_files: snapshot.files.len(),
        threads: snapshot.threads.len(),
        bytes,
        millis: started.elapsed().as_millis(),
    };
    (snapshot, stats)
}
