//! What enters the index, decided in one place for every way a file
//! arrives: the scan of a root, [`Snapshot::from_sources`] (tests and
//! fixtures), a document the editor opens or changes, and a file changed
//! on disk. One [`Policy`] says whether a path is ignored (`[files]
//! ignore`), a link target only, or a source file that is lowered; and
//! lowers source files the same way whatever their origin: over the size
//! cap (`[files] max_size`) a file is `file-too-large` with no text, even
//! when an editor sends it; bytes that are not UTF-8 are decoded lossily
//! (`file-encoding`). A closed file and the same text open in an editor
//! give identical facts.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use rayon::prelude::*;

use crate::config::Config;
use crate::facts::paths::PathKind;
use crate::facts::ReadState;
use crate::index::{effective_config, FileData, Snapshot, TextSource};
use crate::paths;
use crate::vfs::{self, FileRead};

/// One input file for [`Snapshot::from_sources`].
#[derive(Debug, Clone)]
pub struct Source {
    /// Workspace path.
    pub path: String,
    /// The file's bytes, or its size when it is over the cap.
    pub content: FileRead,
}

impl Source {
    /// A file of `text` (as if read from disk).
    pub fn text(path: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            path: path.into(),
            content: FileRead::Bytes(text.into().into_bytes()),
        }
    }
}

/// What a workspace path is to the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Matched by an ignore glob: not in the index at all.
    Ignored,
    /// Not a source file (a CSV, an image): only a link target.
    Other,
    /// Markdown, thread metadata or `leanos.toml`: read and lowered.
    Source,
}

/// A source file's content as it arrives.
#[derive(Debug, Clone)]
pub enum Content {
    /// From disk: its bytes, or its size when it is over the cap.
    Disk(FileRead),
    /// From an editor: the open document's text.
    Editor(Arc<str>),
}

/// The ingest policy of one configuration.
pub struct Policy<'a> {
    config: &'a Config,
    ignore: globset::GlobSet,
    /// The root files on disk are read from, when their text may be left
    /// there ([`Policy::reading`]).
    root: Option<Arc<dyn TextSource>>,
}

impl<'a> Policy<'a> {
    /// The policy of `config`, for files that do not come from a root on
    /// disk (every text is held).
    pub fn new(config: &'a Config) -> Policy<'a> {
        Policy {
            config,
            ignore: config.ignore_matcher(),
            root: None,
        }
    }

    /// The policy of `config` for files read from `root`: the text of a
    /// closed thread file (stage file, thread metadata, note) is left on
    /// disk ([`crate::index::Text`]); Canvas sections, goals and
    /// `leanos.toml` keep theirs, as rules over other files read them.
    pub fn reading(config: &'a Config, root: &Path) -> Policy<'a> {
        Policy {
            root: Some(Arc::new(Root(root.to_path_buf()))),
            ..Policy::new(config)
        }
    }

    /// What the workspace path `path` is.
    pub fn kind(&self, path: &str) -> Kind {
        if self.ignore.is_match(path) {
            Kind::Ignored
        } else if paths::is_source_path(path) {
            Kind::Source
        } else {
            Kind::Other
        }
    }

    /// Lowers the source file `path` from `content`; `version` is an open
    /// document's. Text over the size cap is not lowered (whoever sent it),
    /// bytes that are not UTF-8 are decoded with replacement characters.
    pub fn lower(&self, path: &str, content: Content, version: Option<i32>) -> FileData {
        let max = self.config.max_file_size;
        let (text, read) = match content {
            Content::Disk(FileRead::Bytes(bytes)) if bytes.len() as u64 > max => {
                (Arc::from(""), ReadState::TooLarge(bytes.len() as u64))
            }
            Content::Disk(FileRead::Bytes(bytes)) => {
                let decoded = vfs::decode(&bytes);
                let read = ReadState::Read {
                    invalid_utf8_at: decoded.invalid_utf8_at,
                };
                let file = FileData::new(path, decoded.text, read, self.config, version);
                return match &self.root {
                    Some(root) if leaves_text_on_disk(&file.facts.kind.0) => {
                        file.left_on_disk(root.clone())
                    }
                    _ => file,
                };
            }
            Content::Disk(FileRead::TooLarge(size)) => (Arc::from(""), ReadState::TooLarge(size)),
            Content::Editor(text) if text.len() as u64 > max => {
                (Arc::from(""), ReadState::TooLarge(text.len() as u64))
            }
            Content::Editor(text) => (
                text,
                ReadState::Read {
                    invalid_utf8_at: None,
                },
            ),
        };
        FileData::new(path, text, read, self.config, version)
    }
}

/// A root on disk as the [`TextSource`] of the texts left there: a file is
/// read again as the scan reads it ([`vfs::read_file`]: nothing outside
/// the root, no symbolic link on the way, no FIFO or device) and decoded
/// as the scan decodes it.
struct Root(PathBuf);

impl TextSource for Root {
    fn read(&self, path: &str, max_len: u32) -> Option<Arc<str>> {
        match vfs::read_file(&self.0, path, u64::from(max_len)) {
            Ok(FileRead::Bytes(bytes)) => Some(vfs::decode(&bytes).text),
            Ok(FileRead::TooLarge(_)) | Err(_) => None,
        }
    }
}

/// Whether a file of `kind` read from a root leaves its text there: thread
/// files and notes do; Canvas sections, goals and `leanos.toml`, which
/// rules over other files read, do not.
fn leaves_text_on_disk(kind: &PathKind) -> bool {
    matches!(
        kind,
        PathKind::Stage { .. } | PathKind::ThreadMeta { .. } | PathKind::Other
    )
}

/// Builds a workspace under `config` from `items` (the one builder of the
/// scan and of [`Snapshot::from_sources`]): in parallel, each item's path
/// is classified by the [`Policy`], and a source file's content is read
/// with `content_of` (which returns `None` for a file that cannot be read:
/// it is left out) and lowered; ignored paths are dropped, others kept as
/// link targets. Items read from `root` (`Some`) are lowered under
/// [`Policy::reading`], others under [`Policy::new`].
pub fn build<S: Send>(
    config: Config,
    root: Option<&Path>,
    items: Vec<S>,
    path_of: impl Fn(&S) -> &str + Sync,
    content_of: impl Fn(S) -> Option<FileRead> + Sync,
) -> Snapshot {
    let policy = match root {
        Some(root) => Policy::reading(&config, root),
        None => Policy::new(&config),
    };
    // A pool with more threads than cores (the scan's, for reads in
    // flight) lowers on as many threads as there are cores.
    let lowering = Gate::new(std::thread::available_parallelism().map_or(1, |n| n.get()));
    // Each lowered file is filed in the index as it comes, on a thread of
    // its own, so that the index is built while files are still read and
    // lowered instead of after the last one.
    std::thread::scope(|scope| {
        let (sender, received) = std::sync::mpsc::channel::<Arc<FileData>>();
        let empty = Snapshot::new(config.clone());
        let indexer = std::thread::Builder::new()
            .name("leanos-index".into())
            .spawn_scoped(scope, move || {
                let mut snapshot = empty;
                for file in received {
                    snapshot.add_file(file);
                }
                snapshot
            });
        // What the indexer could not take because the system refused its
        // thread: filed here after the lowering (an indexer that panicked
        // ends the build with its panic).
        let kept = Mutex::new(Vec::new());
        // `sender` lives in this closure: a panic while lowering drops it
        // on the way out, so the indexer ends and the scope can end too.
        let sender = sender;
        let others: Vec<String> = items
            .into_par_iter()
            .filter_map(|item| {
                let path = path_of(&item).to_string();
                match policy.kind(&path) {
                    Kind::Ignored => None,
                    Kind::Other => Some(path),
                    Kind::Source => {
                        if let Some(read) = content_of(item) {
                            let file =
                                lowering.hold(|| policy.lower(&path, Content::Disk(read), None));
                            if let Err(unsent) = sender.send(Arc::new(file)) {
                                kept.lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .push(unsent.0);
                            }
                        }
                        None
                    }
                }
            })
            .collect();
        drop(sender);
        let lowered = std::time::Instant::now();
        let mut snapshot = match indexer {
            Ok(indexer) => indexer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(error) => {
                tracing::warn!("indexing after the lowering (no thread for it: {error})");
                Snapshot::new(config.clone())
            }
        };
        for file in kept.into_inner().unwrap_or_else(|e| e.into_inner()) {
            snapshot.add_file(file);
        }
        tracing::debug!(
            index_ms = lowered.elapsed().as_millis() as u64,
            "index built after the last file was lowered"
        );
        for path in others {
            snapshot.add_path(path.into());
        }
        snapshot
    })
}

/// A counting semaphore: at most `n` closures run inside [`Gate::hold`]
/// at once, the other callers wait (without spinning). A held closure
/// must not wait on rayon work of the same pool: a thread waiting for its
/// subtask may pick up another item and wait for a place it holds itself
/// (lowering uses no rayon).
struct Gate {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Gate {
    fn new(n: usize) -> Gate {
        Gate {
            free: Mutex::new(n.max(1)),
            freed: Condvar::new(),
        }
    }

    /// Runs `f` once one of the `n` places is free; the place is given
    /// back when `f` returns or panics.
    fn hold<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Place<'a>(&'a Gate);
        impl Drop for Place<'_> {
            fn drop(&mut self) {
                *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                self.0.freed.notify_one();
            }
        }
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        drop(free);
        let _place = Place(self);
        f()
    }
}

/// Defined here, beside [`build`], so that `index` needs no `vfs`.
impl Snapshot {
    /// Builds a workspace from in-memory sources: reads `leanos.toml` among
    /// them for the configuration, then builds it as the scan does
    /// ([`crate::ingest::build`]: ignored paths dropped, source files
    /// lowered in parallel, the others kept as link targets), for tests and
    /// fixtures; the CLI and the server's scan read a root from disk with
    /// [`crate::load::load_workspace`], which uses the same builder.
    pub fn from_sources(client: &crate::config::Settings, sources: Vec<Source>) -> Snapshot {
        let toml_text = sources
            .iter()
            .find(|s| s.path == "leanos.toml")
            .and_then(|s| match &s.content {
                FileRead::Bytes(bytes) => Some(vfs::decode(bytes).text),
                FileRead::TooLarge(_) => None,
            });
        let config = effective_config(client, toml_text.as_deref());
        build(config, None, sources, |s| &s.path, |s| Some(s.content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diagnostics::file_diagnostics;
    use crate::line_index::LineIndex;

    #[test]
    fn a_gate_lets_at_most_its_places_in_and_gets_them_back_from_a_panic() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let gate = Gate::new(2);
        let inside = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..20 {
                        gate.hold(|| {
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                        });
                    }
                });
            }
        });
        assert!(most.load(Ordering::SeqCst) <= 2);
        // Both places come back from closures that panicked.
        for _ in 0..2 {
            let panicked =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| gate.hold(|| panic!())));
            assert!(panicked.is_err());
        }
        assert_eq!(gate.hold(|| 7), 7);
    }

    /// Files are filed in the index on a thread of their own while others
    /// are lowered: the index holds every file and path, and a panic while
    /// reading ends the build with that panic (the indexer, waiting for
    /// more files, does not keep it waiting).
    #[test]
    fn the_indexer_files_every_file_and_a_panic_while_reading_ends_the_build() {
        let items: Vec<(String, String)> = (0..200)
            .map(|i| {
                (
                    format!("threads/sales/t{i}/1-input.md"),
                    format!("# Input {i}\nTests: A{}\n", i % 7),
                )
            })
            .chain([("assets/logo.png".to_string(), String::new())])
            .collect();
        let read = |(_, text): (String, String)| Some(FileRead::Bytes(text.into_bytes()));
        let snapshot = build(
            Config::default(),
            None,
            items.clone(),
            |(path, _)| path,
            read,
        );
        assert_eq!(snapshot.files.len(), 200);
        assert_eq!(snapshot.threads.len(), 200);
        assert!(snapshot.exists("assets/logo.png"));
        assert_eq!(
            snapshot.assumption_refs.get("A3").map(|s| s.len()),
            Some(29)
        );
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            build(
                Config::default(),
                None,
                items,
                |(path, _)| path,
                |(path, text): (String, String)| {
                    assert!(!path.contains("t150"), "cannot read {path}");
                    Some(FileRead::Bytes(text.into_bytes()))
                },
            )
        }));
        assert!(panicked.is_err());
    }

    /// Every file of a workspace on disk, with its bytes.
    fn files_of(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
        let walked = vfs::walk(root, &|_| false);
        walked
            .files
            .into_iter()
            .map(|path| {
                let bytes = std::fs::read(paths::absolute_path(root, &path)).unwrap();
                (path, bytes)
            })
            .collect()
    }

    /// Every source file of `root`, lowered closed (from disk) and open
    /// (as an editor sends it), gives the same facts and the same
    /// diagnostics, under `config`.
    fn open_and_closed_agree(root: &std::path::Path, config: &Config) {
        let files = files_of(root);
        let snapshot = build(
            config.clone(),
            Some(root),
            files.clone(),
            |(path, _)| path,
            |(_, bytes)| Some(FileRead::Bytes(bytes)),
        );
        let policy = Policy::new(config);
        let mut compared = 0;
        for (path, bytes) in files {
            let Ok(text) = String::from_utf8(bytes) else {
                continue; // an editor's text is always valid UTF-8
            };
            if policy.kind(&path) != Kind::Source {
                assert!(!snapshot.files.contains_key(path.as_str()), "{path}");
                continue;
            }
            let open = policy.lower(&path, Content::Editor(Arc::from(text.as_str())), Some(1));
            let closed = &snapshot.files[path.as_str()];
            assert_eq!(open.facts, closed.facts, "{path}");
            assert_eq!(open.text(), closed.text(), "{path}");
            // Closed thread files read from the root leave their text
            // there; the Canvas, goals and `leanos.toml` hold theirs, and a
            // file over the size cap holds its empty one.
            let too_large = closed
                .facts
                .problems
                .iter()
                .any(|p| p.code == "file-too-large");
            assert_eq!(
                closed.stored_text().is_held(),
                too_large || !leaves_text_on_disk(&closed.facts.kind.0),
                "{path}"
            );
            let mut opened = snapshot.clone();
            opened.upsert(open);
            assert_eq!(
                file_diagnostics(&opened, &path),
                file_diagnostics(&snapshot, &path),
                "{path}"
            );
            compared += 1;
        }
        assert!(compared >= 5, "only {compared} files compared");
    }

    /// A closed thread file read from a root leaves its text there and
    /// gets it back while the file holds it; once the file changed, its
    /// text is a blank of the same lines and nothing may edit it; a Canvas
    /// section holds its text; a file is never read again through a
    /// symbolic link.
    #[test]
    fn a_text_left_on_disk_is_read_again_only_while_it_is_the_lowered_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("threads/sales/acme")).unwrap();
        std::fs::create_dir_all(root.join("strategy/canvas")).unwrap();
        let path = "threads/sales/acme/1-input.md";
        let lowered = "# Input \u{2014} caf\u{e9}\r\n\nTests: A4\n";
        std::fs::write(root.join(path), lowered).unwrap();
        let config = Config::default();
        let policy = Policy::reading(&config, root);
        let read = |p: &str| FileRead::Bytes(std::fs::read(root.join(p)).unwrap());
        let file = policy.lower(path, Content::Disk(read(path)), None);
        assert!(!file.stored_text().is_held());
        assert_eq!(file.stored_text().len(), lowered.len());
        assert_eq!(file.text().as_ref(), lowered);
        assert_eq!(file.edit_refusal(), None);
        std::fs::write(root.join(path), lowered.replace("A4", "A5")).unwrap();
        assert_eq!(file.exact_text(), None);
        let blank = file.text();
        assert_eq!(blank.len(), lowered.len());
        assert_eq!(
            LineIndex::new(&blank).line_count(),
            file.line_index.line_count()
        );
        assert!(file.edit_refusal().is_some());
        let canvas = "strategy/canvas/10-assumptions.md";
        std::fs::write(root.join(canvas), "# Assumptions\n\n### A4: Buyers\n").unwrap();
        let section = policy.lower(canvas, Content::Disk(read(canvas)), None);
        assert!(section.stored_text().is_held());
        // The thread folder becomes a link out of the root holding the
        // same file: it is not read.
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("1-input.md"), lowered).unwrap();
            std::fs::remove_dir_all(root.join("threads/sales/acme")).unwrap();
            std::os::unix::fs::symlink(outside.path(), root.join("threads/sales/acme")).unwrap();
            assert_eq!(file.exact_text(), None);
        }
    }

    fn example() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quillfeather")
    }

    #[test]
    fn open_and_closed_files_give_identical_facts_and_diagnostics() {
        for root in [
            example(),
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/workspace"),
        ] {
            open_and_closed_agree(&root, &Config::default());
        }
    }

    #[test]
    fn ignored_and_oversized_files_are_the_same_open_and_closed() {
        let config = Config {
            ignore: vec!["threads/marketing/**".into()],
            max_file_size: 300,
            ..Config::default()
        };
        open_and_closed_agree(&example(), &config);
        let policy = Policy::new(&config);
        assert_eq!(
            policy.kind("threads/marketing/cpa-newsletter/1-input.md"),
            Kind::Ignored
        );
        let big = "x".repeat(301);
        let open = policy.lower(
            "notes.md",
            Content::Editor(Arc::from(big.as_str())),
            Some(1),
        );
        assert!(open.stored_text().is_empty());
        assert_eq!(open.facts.problems[0].code, "file-too-large");
    }
}
