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
use crate::lsp::server::Backend;

/// How long events settle before they are applied together.
const SETTLE: Duration = Duration::from_millis(100);

/// A running watcher and the roots it watches (kept in the session; the
/// watcher stops when it is dropped).
pub(in crate::lsp) struct DiskWatcher {
    watcher: notify::RecommendedWatcher,
    roots: Vec<(PathBuf, ignore::gitignore::Gitignore)>,
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

impl Backend {
    /// Starts watching `root` with the server's own watcher (creating the
    /// watcher on first use); logs and gives up when the platform's
    /// watcher cannot start. Registering a large tree takes a while: it
    /// runs on the blocking pool, under the watcher's own lock, never the
    /// session's; the handle ends when it is registered.
    pub(in crate::lsp) fn watch_root(&self, root: &Path) -> Option<tokio::task::JoinHandle<()>> {
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
                        move |event| {
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
                return;
            }
            if let Err(error) = disk.watcher.watch(&root, notify::RecursiveMode::Recursive) {
                tracing::warn!("cannot watch {}: {error}", root.display());
                return;
            }
            let (gitignore, _) = ignore::gitignore::Gitignore::new(root.join(".gitignore"));
            disk.roots.push((root.clone(), gitignore));
            tracing::info!("watching {} for changes on disk", root.display());
        }))
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
                // Events were lost (a full inotify queue): read it all again.
                tracing::warn!("file events were lost: re-indexing");
                self.scan(true).await;
                continue;
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
