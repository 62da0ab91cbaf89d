//! The server's own file watcher (the `notify` crate), for clients that do
//! not watch files for it (Neovim 0.11 on Linux has file watching off, so
//! registered watchers never fire) or when the configuration says
//! `watcher = "server"`. Events are debounced, paths the scan would not
//! read (version-control and tool folders, what the root's `.gitignore` ignores)
//! are dropped, and the rest take the one change path
//! ([`Backend::apply_disk_changes`]), where the ignore globs apply.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::Watcher as _;

use crate::config::WatcherMode;
use crate::load::Stamps;
use crate::lsp::catch_ups::{self, CatchUps};
use crate::lsp::server::Backend;
use crate::vfs::Stamp;

/// How long events settle before they are applied together.
const SETTLE: Duration = Duration::from_millis(100);

/// A running watcher and the roots it watches (kept in the session; the
/// watcher stops when it is dropped).
pub(in crate::lsp) struct DiskWatcher {
    watcher: notify::RecommendedWatcher,
    roots: Vec<(PathBuf, ignore::gitignore::Gitignore)>,
    /// Roots being registered or caught up with: events lost for them
    /// (the kernel's queue overflows while a large tree is registered)
    /// are found by the catch-up's walks, with no second scan.
    catch_ups: CatchUps,
}

impl std::fmt::Debug for DiskWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiskWatcher")
            .field(
                "roots",
                &self.roots.iter().map(|(r, _)| r).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Whether the server watches a root itself: asked for, or `auto` with a
/// client that cannot register watchers.
pub(in crate::lsp) fn server_watches(mode: WatcherMode, client_can_watch: bool) -> bool {
    match mode {
        WatcherMode::Server => true,
        WatcherMode::Client => false,
        WatcherMode::Auto => !client_can_watch,
    }
}

/// Whether a change at `path` under `root` is one the scan would read: not
/// in a version-control or tool folder, not ignored by the root's `.gitignore`.
fn relevant(root: &Path, gitignore: &ignore::gitignore::Gitignore, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let version_control = relative.components().any(|c| {
        crate::vfs::SKIPPED_DIRS
            .iter()
            .any(|vcs| c.as_os_str() == *vcs)
    });
    !version_control
        && !gitignore
            .matched_path_or_any_parents(relative, path.is_dir())
            .is_ignore()
}

/// Walks `root` as the scan does (`ignore`: the configured ignore globs)
/// and returns every file found, and those whose [`Stamp`] differs from
/// the one in `stamps` (the files the scan read; others are compared by
/// existence only), as sorted workspace paths.
fn walk_changed(
    root: &Path,
    ignore: &globset::GlobSet,
    stamps: &Stamps,
) -> (Vec<String>, Vec<String>) {
    let files = crate::vfs::walk(root, &|path| ignore.is_match(path)).files;
    let changed = files
        .iter()
        .filter(|file| {
            stamps
                .get(file.as_str())
                .is_some_and(|read| Stamp::now(root, file) != Some(*read))
        })
        .cloned()
        .collect();
    (files, changed)
}

/// What [`missed_changes`] finds, walking `root` once in the common case:
/// a file the index knows (`known`) whose stamp is unchanged is counted, not
/// listed, so a catch-up that finds little holds no list of the root's
/// files (66,463 at 10,000 threads). When the walk saw fewer known files
/// than the index knows (one is gone, or is an open document never saved)
/// it walks again, in full, to find which.
fn missed_since(
    root: &Path,
    ignore: &globset::GlobSet,
    stamps: &Stamps,
    known: &imbl::OrdSet<smol_str::SmolStr>,
) -> Vec<String> {
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let keep = |path: &str| {
        if !known.contains(path) {
            return true;
        }
        seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        stamps
            .get(path)
            .is_some_and(|read| Stamp::now(root, path) != Some(*read))
    };
    let listed = crate::vfs::walk_keeping(root, &|path| ignore.is_match(path), &keep).files;
    if seen.into_inner() == known.len() {
        // Sorted and once each, as the walk gives them.
        return listed;
    }
    let (files, changed) = walk_changed(root, ignore, stamps);
    missed_changes(&files, changed, known)
}

/// The workspace paths a catch-up hands the change path, sorted and once
/// each: those `changed`, those among `files` (on disk now, sorted) the index
/// does not `know`, and those it knows that are no longer on disk.
fn missed_changes(
    files: &[String],
    changed: Vec<String>,
    known: &imbl::OrdSet<smol_str::SmolStr>,
) -> Vec<String> {
    // `files` is sorted (as the walk gives it): searched by halves, not
    // copied into a set.
    let on_disk = |path: &str| {
        files
            .binary_search_by(|file| file.as_str().cmp(path))
            .is_ok()
    };
    let mut changed: BTreeSet<String> = changed.into_iter().collect();
    changed.extend(
        files
            .iter()
            .filter(|f| !known.contains(f.as_str()))
            .cloned(),
    );
    changed.extend(
        known
            .iter()
            .filter(|f| !on_disk(f.as_str()))
            .map(|f| f.to_string()),
    );
    changed.into_iter().collect()
}

/// Runs `f` on the watcher's catch-up records, under its lock.
fn with_catch_ups<R>(disk: &Mutex<DiskWatcher>, f: impl FnOnce(&mut CatchUps) -> R) -> R {
    let mut disk = disk.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    f(&mut disk.catch_ups)
}

impl Backend {
    /// Starts watching `root` with the server's own watcher (creating the
    /// watcher on first use); logs and gives up when the platform's
    /// watcher cannot start. Registering a large tree takes a while: it
    /// runs on the blocking pool, under the watcher's own lock, never the
    /// session's; the handle ends when it is registered, with `true` when
    /// this call started watching the root (`false`: watched already, or
    /// the platform refused).
    pub(in crate::lsp) fn watch_root(&self, root: &Path) -> Option<tokio::task::JoinHandle<bool>> {
        let disk = {
            let mut session = self.lock();
            match &session.watcher {
                Some(disk) => disk.clone(),
                None => {
                    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
                    // Links are not followed: nothing outside the root is
                    // watched.
                    let config = notify::Config::default().with_follow_symlinks(false);
                    let created = notify::RecommendedWatcher::new(
                        move |event: notify::Result<notify::Event>| {
                            // Opening a file (which inotify reports for
                            // every read, the scan's own included) is not
                            // a change: dropped here, not queued.
                            if let Ok(event) = &event {
                                if matches!(event.kind, notify::EventKind::Access(_))
                                    && !event.need_rescan()
                                {
                                    return;
                                }
                            }
                            let _ = sender.send(event);
                        },
                        config,
                    );
                    let watcher = match created {
                        Ok(watcher) => watcher,
                        Err(error) => {
                            tracing::warn!("cannot watch files: {error}");
                            return None;
                        }
                    };
                    let disk = Arc::new(Mutex::new(DiskWatcher {
                        watcher,
                        roots: Vec::new(),
                        catch_ups: CatchUps::default(),
                    }));
                    session.watcher = Some(disk.clone());
                    let this = self.clone();
                    let events = disk.clone();
                    tokio::spawn(async move { this.apply_events(events, receiver).await });
                    disk
                }
            }
        };
        let root = root.to_path_buf();
        Some(tokio::task::spawn_blocking(move || {
            let mut disk = disk.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if disk.roots.iter().any(|(r, _)| *r == root) {
                return false;
            }
            disk.catch_ups.registering(&root);
            if let Err(error) = disk.watcher.watch(&root, notify::RecursiveMode::Recursive) {
                tracing::warn!("cannot watch {}: {error}", root.display());
                disk.catch_ups.end(&root);
                return false;
            }
            let (gitignore, _) = ignore::gitignore::Gitignore::new(root.join(".gitignore"));
            disk.roots.push((root.clone(), gitignore));
            tracing::info!("watching {} for changes on disk", root.display());
            true
        }))
    }

    /// Once `registration` (from [`Backend::watch_root`]) has started
    /// watching `root`, catches up with what changed under it since its
    /// scan read it and the watcher could not report: the registration
    /// starts once the scan is installed, and a folder is watched only
    /// once the registration reaches it. Walks the root again and hands the change
    /// path every file whose modification time or length differs from its
    /// `stamps` (as the scan read it), every file the index does not know
    /// and every file it knows that is gone; the change path reads what
    /// each is now. Nothing happens when the root was watched already.
    pub(in crate::lsp) fn catch_up_after(
        &self,
        registration: tokio::task::JoinHandle<bool>,
        root: PathBuf,
        stamps: Stamps,
    ) {
        let this = self.clone();
        self.spawn_tracked(async move {
            if let Ok(true) = registration.await {
                this.catch_up(root, stamps).await;
            }
        });
    }

    /// The walks and hand-overs of [`Backend::catch_up_after`]: walks
    /// again while events were lost during the last walk (it may have
    /// passed the file they were about), at most [`catch_ups::WALKS`]
    /// times, then scans the root again.
    async fn catch_up(&self, root: PathBuf, stamps: Stamps) {
        let Some(disk) = self.lock().watcher.clone() else {
            return;
        };
        let stamps = Arc::new(stamps);
        for _ in 0..catch_ups::WALKS {
            with_catch_ups(&disk, |c| c.walk(&root));
            self.catch_up_walk(&root, stamps.clone()).await;
            if !with_catch_ups(&disk, |c| c.lost_while_walking(&root)) {
                with_catch_ups(&disk, |c| c.end(&root));
                return;
            }
            tracing::debug!("file events were lost while catching up: walking again");
        }
        with_catch_ups(&disk, |c| c.end(&root));
        tracing::warn!("file events were lost while catching up, again and again: re-indexing");
        self.scan(true).await;
    }

    /// One walk of a catch-up: hands the change path what changed under
    /// `root` since its scan read it (`stamps`).
    async fn catch_up_walk(&self, root: &Path, stamps: Arc<Stamps>) {
        // What the index knows as the walk starts: a change it applies
        // meanwhile is at worst handed over again, which reads the file
        // again.
        let Some((ignore, known)) = self
            .lock()
            .workspaces
            .iter()
            .find(|w| w.root == root)
            .map(|w| (w.snapshot.config.ignore_matcher(), w.snapshot.paths.clone()))
        else {
            return;
        };
        let walk_root = root.to_path_buf();
        let walked =
            tokio::task::spawn_blocking(move || missed_since(&walk_root, &ignore, &stamps, &known))
                .await;
        let Ok(changed) = walked else {
            return;
        };
        if changed.is_empty() {
            return;
        }
        tracing::info!(
            files = changed.len(),
            "caught up with changes made while the watcher was registered"
        );
        let absolute = changed
            .into_iter()
            .map(|path| crate::paths::absolute_path(root, &path))
            .collect();
        self.apply_disk_changes(absolute).await;
    }

    /// Applies the watcher's events, a settled batch at a time.
    async fn apply_events(
        &self,
        disk: Arc<Mutex<DiskWatcher>>,
        mut events: tokio::sync::mpsc::UnboundedReceiver<notify::Result<notify::Event>>,
    ) {
        while let Some(first) = events.recv().await {
            let mut batch = vec![first];
            let settle = tokio::time::sleep(SETTLE);
            tokio::pin!(settle);
            loop {
                tokio::select! {
                    event = events.recv() => match event {
                        Some(event) => batch.push(event),
                        None => break,
                    },
                    () = &mut settle => break,
                }
            }
            // Only changes: reading a file (`Access`, which inotify reports
            // for every open, the server's own reads included) is not one.
            let events: Vec<notify::Event> = batch.into_iter().filter_map(Result::ok).collect();
            if events.iter().any(notify::Event::need_rescan) {
                let covered = {
                    let mut disk = disk.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    let DiskWatcher {
                        roots, catch_ups, ..
                    } = &mut *disk;
                    catch_ups.events_lost(roots.iter().map(|(root, _)| root.as_path()))
                };
                if covered {
                    tracing::debug!(
                        "file events were lost while watching began: the catch-up finds them"
                    );
                } else {
                    // Events were lost (a full inotify queue): read it all again.
                    tracing::warn!("file events were lost: re-indexing");
                    self.scan(true).await;
                    continue;
                }
            }
            let paths: BTreeSet<PathBuf> = {
                let disk = disk.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                events
                    .into_iter()
                    .filter(|event| {
                        matches!(
                            event.kind,
                            notify::EventKind::Create(_)
                                | notify::EventKind::Modify(_)
                                | notify::EventKind::Remove(_)
                        ) && !matches!(
                            event.kind,
                            notify::EventKind::Modify(notify::event::ModifyKind::Metadata(_))
                        )
                    })
                    .flat_map(|event| event.paths)
                    .filter(|path| {
                        disk.roots
                            .iter()
                            .any(|(root, gitignore)| relevant(root, gitignore, path))
                    })
                    .collect()
            };
            if !paths.is_empty() {
                self.apply_disk_changes(paths.into_iter().collect()).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A catch-up finds what a watcher registered late could not report: a
    /// file written since the scan read it, one created, one deleted; not
    /// what is unchanged, nor what the ignore globs leave out.
    #[test]
    fn catch_up_finds_what_changed_since_the_scan_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            "threads/a/1-input.md",
            "threads/a/2-hypothesis.md",
            "drafts/x.md",
        ];
        for file in files {
            std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
            std::fs::write(root.join(file), "x").unwrap();
        }
        let stamps: Stamps = files
            .into_iter()
            .map(|file| (file.to_string(), Stamp::now(root, file).unwrap()))
            .collect();
        std::fs::write(root.join("threads/a/2-hypothesis.md"), "Tests: A1\n").unwrap();
        std::fs::write(root.join("drafts/x.md"), "changed, ignored").unwrap();
        std::fs::write(root.join("threads/a/3-implication.md"), "new").unwrap();
        let known: imbl::OrdSet<smol_str::SmolStr> = [
            "threads/a/1-input.md",
            "threads/a/2-hypothesis.md",
            "threads/a/6-learning.md",
        ]
        .into_iter()
        .map(smol_str::SmolStr::from)
        .collect();
        let mut globs = globset::GlobSetBuilder::new();
        globs.add(globset::Glob::new("drafts/**").unwrap());
        let ignore = globs.build().unwrap();
        let (files, changed) = walk_changed(root, &ignore, &stamps);
        assert_eq!(
            files,
            [
                "threads/a/1-input.md",
                "threads/a/2-hypothesis.md",
                "threads/a/3-implication.md"
            ]
        );
        assert_eq!(changed, ["threads/a/2-hypothesis.md"]);
        let missed = [
            "threads/a/2-hypothesis.md",
            "threads/a/3-implication.md",
            "threads/a/6-learning.md",
        ];
        assert_eq!(missed_changes(&files, changed, &known), missed);
        // A known file gone: found by the second, full walk.
        assert_eq!(missed_since(root, &ignore, &stamps, &known), missed);
        // None gone: one walk, listing only what changed or is new.
        let known = known.without("threads/a/6-learning.md");
        assert_eq!(missed_since(root, &ignore, &stamps, &known), missed[..2]);
        std::fs::write(root.join("threads/a/2-hypothesis.md"), "x").unwrap();
        let stamps: Stamps = files
            .iter()
            .map(|file| (file.clone(), Stamp::now(root, file).unwrap()))
            .collect();
        let known = known.update("threads/a/3-implication.md".into());
        assert!(missed_since(root, &ignore, &stamps, &known).is_empty());
    }
}
