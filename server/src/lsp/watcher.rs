//! The server's own file watcher (the `notify` crate), for clients that do
//! not watch files for it (Neovim 0.11 on Linux has file watching off, so
//! registered watchers never fire) or when the configuration says
//! `watcher = "server"`. Events are debounced, paths the scan would not
//! read (version-control folders, what the root's `.gitignore` ignores)
//! are dropped, and the rest take the one change path
//! ([`Backend::apply_disk_changes`]), where the ignore globs apply.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
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
/// in a version-control folder, not ignored by the root's `.gitignore`.
fn relevant(root: &Path, gitignore: &ignore::gitignore::Gitignore, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let version_control = relative
        .components()
        .any(|c| crate::vfs::VCS_DIRS.iter().any(|vcs| c.as_os_str() == *vcs));
    !version_control
        && !gitignore
            .matched_path_or_any_parents(relative, path.is_dir())
            .is_ignore()
}

impl Backend {
    /// Starts watching `root` with the server's own watcher (creating the
    /// watcher on first use); logs and gives up when the platform's
    /// watcher cannot start.
    pub(in crate::lsp) fn watch_root(&self, root: &Path) {
        let mut session = self.lock();
        if session.watcher.is_none() {
            let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
            let created = notify::recommended_watcher(move |event| {
                let _ = sender.send(event);
            });
            let watcher = match created {
                Ok(watcher) => watcher,
                Err(error) => {
                    tracing::warn!("cannot watch files: {error}");
                    return;
                }
            };
            session.watcher = Some(DiskWatcher {
                watcher,
                roots: Vec::new(),
            });
            let this = self.clone();
            tokio::spawn(async move { this.apply_events(receiver).await });
        }
        let Some(disk) = session.watcher.as_mut() else {
            return;
        };
        if disk.roots.iter().any(|(r, _)| r == root) {
            return;
        }
        if let Err(error) = disk.watcher.watch(root, notify::RecursiveMode::Recursive) {
            tracing::warn!("cannot watch {}: {error}", root.display());
            return;
        }
        let (gitignore, _) = ignore::gitignore::Gitignore::new(root.join(".gitignore"));
        disk.roots.push((root.to_path_buf(), gitignore));
        tracing::info!("watching {} for changes on disk", root.display());
    }

    /// Applies the watcher's events, a settled batch at a time.
    async fn apply_events(
        &self,
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
            let paths: BTreeSet<PathBuf> = {
                let session = self.lock();
                let Some(disk) = session.watcher.as_ref() else {
                    return;
                };
                batch
                    .into_iter()
                    .filter_map(Result::ok)
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
