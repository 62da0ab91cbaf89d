//! Loading a workspace from disk (an edge module, like `cli` and `lsp`):
//! walk the root, read source files in parallel with the size cap, and
//! build a [`Snapshot`] through the one lowering path.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Settings;
use crate::index::{effective_config, lower_source, FileData, Snapshot, Source};
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
    // Read and lower in one parallel pass, so disk reads overlap parsing.
    let (files, others): (Vec<Option<Arc<FileData>>>, Vec<Option<String>>) = walked
        .files
        .par_iter()
        .map(|path| {
            if !vfs::is_source_path(path) {
                return (None, Some(path.clone()));
            }
            match vfs::read_walked_file(root, path, max_size) {
                Ok(content) => (
                    Some(Arc::new(lower_source(
                        Source {
                            path: path.clone(),
                            content,
                        },
                        &config,
                    ))),
                    None,
                ),
                Err(error) => {
                    tracing::warn!("skipping {path}: {error}");
                    (None, None)
                }
            }
        })
        .unzip();
    let files: Vec<Arc<FileData>> = files.into_iter().flatten().collect();
    let others: Vec<String> = others.into_iter().flatten().collect();
    let bytes = files.iter().map(|f| f.text.len() as u64).sum();
    tracing::debug!(
        read_and_lower_ms = started.elapsed().as_millis() as u64,
        "read and lowered"
    );
    let snapshot = Snapshot::build(config, files, &others);
    let stats = LoadStats {
        files: walked.files.len(),
        source_files: snapshot.files.len(),
        threads: snapshot.threads.len(),
        bytes,
        millis: started.elapsed().as_millis(),
    };
    (snapshot, stats)
}
