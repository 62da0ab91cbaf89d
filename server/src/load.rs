//! Loading a workspace from disk (an edge module, like `cli` and `lsp`):
//! walk the root, then read and lower source files in parallel through
//! the one builder ([`crate::ingest::build`]), with the size cap.

use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use smol_str::SmolStr;

use crate::config::Settings;
use crate::index::{effective_config, Snapshot};
use crate::vfs::{self, FileRead, Stamp};

/// Workspace path -> the [`Stamp`] of the file as the load read it: a
/// vector sorted by path, searched by halves (a hash map of the 66,463
/// files at 10,000 threads took 7 MB for its table, held until the
/// watcher's catch-up, against 3 MB), its paths the snapshot's when
/// [`load_workspace_stamped`] made it (shared, not copies: another 5 MB).
#[derive(Debug, Clone, Default)]
pub struct Stamps(Vec<(SmolStr, Stamp)>);

impl Stamps {
    /// No stamps.
    pub fn new() -> Stamps {
        Stamps::default()
    }

    /// The stamp of the file at workspace path `path`, if it was read.
    pub fn get(&self, path: &str) -> Option<&Stamp> {
        self.0
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// How many files have a stamp.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no file has a stamp.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<P: Into<SmolStr>> FromIterator<(P, Stamp)> for Stamps {
    /// Stamps of `(path, stamp)` pairs; of a path given twice, the last.
    fn from_iter<I: IntoIterator<Item = (P, Stamp)>>(pairs: I) -> Stamps {
        let pairs = pairs.into_iter().map(|(path, stamp)| (path.into(), stamp));
        let mut stamps: Vec<(SmolStr, Stamp)> = pairs.collect();
        // Stable: of equal paths the last given comes last, and is kept.
        stamps.sort_by(|a, b| a.0.cmp(&b.0));
        stamps.reverse();
        stamps.dedup_by(|later, earlier| later.0 == earlier.0);
        stamps.reverse();
        stamps.shrink_to_fit();
        Stamps(stamps)
    }
}

/// Counts and timings of a cold load, for logs and progress, and what
/// went wrong on the way (reported to the user, never fatal).
#[derive(Debug, Clone, Default)]
pub struct LoadStats {
    /// Files the walk found, of every kind.
    pub files: usize,
    /// Files in the index ([`Snapshot::files`]).
    pub source_files: usize,
    /// Threads in the index.
    pub threads: usize,
    /// Bytes of text indexed.
    pub bytes: u64,
    /// Wall-clock time of the load, in milliseconds.
    pub millis: u128,
    /// Names below the root that are not valid UTF-8, written lossily
    /// (U+FFFD), sorted: nothing can name them, so they are not indexed
    /// ([`vfs::WalkResult::non_utf8`]).
    pub non_utf8_names: Vec<String>,
    /// What could not be read, each `path: reason`, sorted: folders the
    /// walk could not open, files that could not be read (permission
    /// denied, or replaced by a FIFO or a symbolic link since the walk).
    /// A file deleted since the walk is not one: it is gone, not unread.
    pub unreadable: Vec<String>,
}

/// How many paths a line of [`LoadStats::warnings`] names.
const NAMED_PATHS: usize = 5;

impl LoadStats {
    /// What the user should be told about this load: at most one line
    /// for names that are not UTF-8 and one for what could not be read,
    /// each naming its first [`NAMED_PATHS`] paths and counting the rest;
    /// empty when nothing went wrong. The server shows them once per scan.
    pub fn warnings(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.non_utf8_names.is_empty() {
            lines.push(format!(
                "{} not indexed: the name is not valid UTF-8 (shown with \u{FFFD}): {}",
                count(
                    self.non_utf8_names.len(),
                    "file or folder",
                    "files or folders"
                ),
                listed(&self.non_utf8_names)
            ));
        }
        if !self.unreadable.is_empty() {
            lines.push(format!(
                "{} could not be read: {}",
                count(self.unreadable.len(), "path", "paths"),
                listed(&self.unreadable)
            ));
        }
        lines
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The first [`NAMED_PATHS`] items, then how many more.
fn listed(items: &[String]) -> String {
    let mut text = items
        .iter()
        .take(NAMED_PATHS)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > NAMED_PATHS {
        text.push_str(&format!("; and {} more", items.len() - NAMED_PATHS));
    }
    text
}

/// Loads the workspace at `root` with client `settings` (the root's
/// `leanos.toml` wins over them). Files and folders that cannot be read,
/// and names that are not UTF-8, are skipped and listed in the
/// [`LoadStats`] for the caller to report; nothing outside the root is
/// read.
pub fn load_workspace(root: &Path, settings: &Settings) -> (Snapshot, LoadStats) {
    load(root, settings, None)
}

/// [`load_workspace`], with the [`Stamps`] of the files it read (source
/// files it read whole or found too large), to find later what changed
/// since they were read.
pub fn load_workspace_stamped(root: &Path, settings: &Settings) -> (Snapshot, LoadStats, Stamps) {
    let stamps = Mutex::new(Vec::new());
    let (snapshot, stats) = load(root, settings, Some(&stamps));
    // Each path as the file table holds it: the read's copy is dropped.
    let stamps = stamps
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|(path, stamp)| (snapshot.shared_path(&path), stamp))
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
    read_walked(root, config, walked, started, stamps)
}

/// The fewest threads that read and lower the walked files. On a cold page
/// cache a read waits on the disk far longer than lowering the file takes,
/// so the scan keeps more reads in flight than there are cores (10,000
/// threads from a cold cache: `check` 7.9-9.3 s with two threads, 5.0-5.8 s
/// with sixteen; BENCHMARKS.md "Cold cache").
const READ_THREADS: usize = 8;

/// A pool of [`READ_THREADS`] (or one per core, if more) for one load;
/// `None` when `RAYON_NUM_THREADS` sets the parallelism (the global pool
/// is used then) or the threads cannot be started.
fn read_pool() -> Option<rayon::ThreadPool> {
    if std::env::var_os("RAYON_NUM_THREADS").is_some() {
        return None;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    rayon::ThreadPoolBuilder::new()
        .num_threads(cores.max(READ_THREADS))
        .thread_name(|i| format!("leanos-read-{i}"))
        .build()
        .ok()
}

/// Reads and lowers what the walk found, in one parallel pass (so disk
/// reads overlap parsing). A file that is gone since the walk is left out
/// quietly; one that cannot be read is left out and counted in
/// [`LoadStats::unreadable`].
fn read_walked(
    root: &Path,
    config: crate::config::Config,
    walked: vfs::WalkResult,
    started: Instant,
    stamps: Option<&Mutex<Vec<(String, Stamp)>>>,
) -> (Snapshot, LoadStats) {
    let max_size = config.max_file_size;
    let unreadable = Mutex::new(walked.errors);
    let walked_files = walked.files.len();
    let build = || {
        crate::ingest::build(
            config,
            Some(root),
            walked.files,
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
                Err(vfs::VfsError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    tracing::debug!("{path} is gone since the walk");
                    None
                }
                Err(error) => {
                    tracing::warn!("skipping {path}: {error}");
                    if let Ok(mut unreadable) = unreadable.lock() {
                        unreadable.push(error.to_string());
                    }
                    None
                }
            },
        )
    };
    let snapshot = match read_pool() {
        Some(pool) => pool.install(build),
        None => build(),
    };
    let bytes = snapshot
        .files
        .values()
        .map(|f| f.stored_text().len() as u64)
        .sum();
    tracing::debug!(
        read_lower_and_build_ms = started.elapsed().as_millis() as u64,
        "read, lowered and built"
    );
    let mut unreadable = unreadable.into_inner().unwrap_or_default();
    unreadable.sort_unstable();
    let stats = LoadStats {
        files: walked_files,
        source_files: snapshot.files.len(),
        threads: snapshot.threads.len(),
        bytes,
        millis: started.elapsed().as_millis(),
        non_utf8_names: walked.non_utf8,
        unreadable,
    };
    (snapshot, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_found_by_path_and_the_last_given_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let paths = ["b.md", "a/x.md", "c/y.md", "a.md"];
        for (i, path) in paths.iter().enumerate() {
            write(root, path, &"x".repeat(i + 1));
        }
        let stamp = |path: &str| Stamp::now(root, path).unwrap();
        let mut pairs: Vec<(String, Stamp)> =
            paths.iter().map(|p| (p.to_string(), stamp(p))).collect();
        // `b.md` again, with `c/y.md`'s stamp (another length): it wins.
        pairs.push(("b.md".to_string(), stamp("c/y.md")));
        let stamps: Stamps = pairs.into_iter().collect();
        assert_eq!(stamps.len(), 4);
        for path in ["a/x.md", "c/y.md", "a.md"] {
            assert_eq!(stamps.get(path), Some(&stamp(path)), "{path}");
        }
        assert_eq!(stamps.get("b.md"), Some(&stamp("c/y.md")));
        assert_ne!(stamp("b.md"), stamp("c/y.md"));
        assert_eq!(stamps.get("a"), None);
        assert_eq!(stamps.get("d.md"), None);
        assert!(Stamps::new().is_empty());
    }

    fn write(root: &Path, path: &str, text: &str) {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    /// A file deleted between the walk and its read (an editor's save
    /// through a temporary file, a `git checkout`) is left out without an
    /// error or a warning, and the rest is indexed.
    #[test]
    fn a_file_deleted_between_walk_and_read_is_left_out_quietly() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "strategy/canvas/10-assumptions.md",
            "# Assumptions\n\n### A4: X\n",
        );
        write(root, "threads/sales/acme/1-input.md", "# Stage 1: Input\n");
        write(
            root,
            "threads/sales/acme/2-hypothesis.md",
            "# Stage 2\n\nTests: A4\n",
        );
        let config = effective_config(&Settings::default(), None);
        let walked = vfs::walk(root, &|_| false);
        assert_eq!(walked.files.len(), 3);
        std::fs::remove_file(root.join("threads/sales/acme/2-hypothesis.md")).unwrap();
        let (snapshot, stats) = read_walked(root, config, walked, Instant::now(), None);
        assert!(snapshot.files.contains_key("threads/sales/acme/1-input.md"));
        assert!(!snapshot
            .files
            .contains_key("threads/sales/acme/2-hypothesis.md"));
        assert_eq!(stats.files, 3);
        assert!(stats.unreadable.is_empty(), "{:?}", stats.unreadable);
        assert!(stats.warnings().is_empty());
    }

    /// A file replaced by a FIFO (or a symbolic link) since the walk is
    /// never opened for reading, and is reported as unreadable.
    #[cfg(unix)]
    #[test]
    fn a_file_replaced_by_a_fifo_since_the_walk_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "threads/sales/acme/1-input.md", "# Stage 1: Input\n");
        write(root, "threads/sales/acme/2-hypothesis.md", "# Stage 2\n");
        let walked = vfs::walk(root, &|_| false);
        let fifo = root.join("threads/sales/acme/2-hypothesis.md");
        std::fs::remove_file(&fifo).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("skipping: mkfifo is not available");
            return;
        }
        let config = effective_config(&Settings::default(), None);
        let (snapshot, stats) = read_walked(root, config, walked, Instant::now(), None);
        assert!(snapshot.files.contains_key("threads/sales/acme/1-input.md"));
        assert!(!snapshot
            .files
            .contains_key("threads/sales/acme/2-hypothesis.md"));
        assert_eq!(
            stats.unreadable,
            ["threads/sales/acme/2-hypothesis.md is not a regular file"]
        );
        assert_eq!(
            stats.warnings(),
            ["1 path could not be read: threads/sales/acme/2-hypothesis.md is not a regular file"]
        );
    }

    #[test]
    fn warnings_name_a_few_paths_and_count_the_rest() {
        let stats = LoadStats {
            non_utf8_names: (0..7).map(|i| format!("n{i}\u{FFFD}.md")).collect(),
            ..LoadStats::default()
        };
        assert_eq!(
            stats.warnings(),
            ["7 files or folders not indexed: the name is not valid UTF-8 (shown with \u{FFFD}): n0\u{FFFD}.md; n1\u{FFFD}.md; n2\u{FFFD}.md; n3\u{FFFD}.md; n4\u{FFFD}.md; and 2 more"]
        );
    }
}
