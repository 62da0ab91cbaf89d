//! Changes made on disk, outside the editor, from wherever they are
//! reported (the client's `workspace/didChangeWatchedFiles`, or the
//! server's own watcher): one change path into the index. What a path is
//! now on disk decides, not what the report says: a file is re-read, a
//! folder is walked, a path that is gone is removed with everything the
//! index holds under it. Open documents keep the editor's text; a change
//! to `leanos.toml` reloads its root.

use std::path::PathBuf;

use crate::lsp::server::Backend;
use crate::vfs;

/// What a changed path is on disk now, found without the session lock.
enum OnDisk {
    /// A folder, with the workspace paths of the files under it that the
    /// scan would read (not in version-control folders, not ignored by
    /// the root's `.gitignore`).
    Folder(Vec<String>),
    /// Gone: a file, or a folder with everything under it.
    Gone,
    /// A file (or something else: the ingest policy decides).
    File,
}

impl Backend {
    /// Applies changes at the absolute `paths` and schedules the
    /// diagnostics they affect. Folders are walked before the session is
    /// locked; files are re-read under it, as an edit is.
    pub(in crate::lsp) async fn apply_disk_changes(&self, paths: Vec<PathBuf>) {
        let _busy = self.busy();
        let roots: Vec<PathBuf> = self
            .lock()
            .workspaces
            .iter()
            .map(|w| w.root.clone())
            .collect();
        let found = tokio::task::spawn_blocking(move || {
            paths
                .into_iter()
                .map(|absolute| {
                    let state = match std::fs::symlink_metadata(&absolute) {
                        Ok(metadata) if metadata.is_dir() => {
                            OnDisk::Folder(files_under(&roots, &absolute))
                        }
                        Ok(_) => OnDisk::File,
                        Err(_) => OnDisk::Gone,
                    };
                    (absolute, state)
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let mut rescan = false;
        {
            let mut session = self.lock();
            for (absolute, state) in found {
                let Some((index, path)) = session.locate_path(&absolute) else {
                    continue;
                };
                let workspace = &mut session.workspaces[index];
                if workspace.scanning() {
                    // Re-read after the scan installs, which may have read
                    // these paths before they changed.
                    match &state {
                        OnDisk::Folder(files) => workspace
                            .changed_while_scanning
                            .extend(files.iter().map(|file| join(&path, file))),
                        OnDisk::Gone | OnDisk::File => {
                            workspace.changed_while_scanning.insert(path.clone());
                        }
                    }
                }
                if path == "leanos.toml" {
                    // New folders, prefixes or ignores: reload that root.
                    workspace.want_rescan();
                    rescan = true;
                    continue;
                }
                match state {
                    OnDisk::Folder(files) => {
                        for file in files {
                            let file = join(&path, &file);
                            if !workspace.open.contains_key(&file) {
                                workspace.reload_from_disk(&file);
                            }
                        }
                        continue;
                    }
                    OnDisk::Gone => workspace.remove_under(&path),
                    // A file where a folder may have been: nothing is
                    // under it now.
                    OnDisk::File => workspace.remove_under(&path),
                }
                if workspace.open.contains_key(&path) {
                    // The editor's text wins over disk while a file is open.
                    continue;
                }
                workspace.reload_from_disk(&path);
            }
            self.schedule(&mut session);
        }
        if rescan {
            let this = self.clone();
            self.spawn_tracked(async move { this.scan(false).await });
        }
    }
}

/// The workspace path of `file` under the folder at workspace path `folder`
/// (empty for the root).
fn join(folder: &str, file: &str) -> String {
    if folder.is_empty() {
        file.to_string()
    } else {
        format!("{folder}/{file}")
    }
}

/// The files under `folder` the scan would read, relative to it: the
/// walk's rules, and the `.gitignore` of the root holding `folder` (the
/// walk of a subfolder does not see the root's).
fn files_under(roots: &[PathBuf], folder: &std::path::Path) -> Vec<String> {
    let root = roots
        .iter()
        .filter(|root| folder.starts_with(root))
        .max_by_key(|root| root.as_os_str().len());
    let gitignore = root.map(|root| ignore::gitignore::Gitignore::new(root.join(".gitignore")).0);
    vfs::walk(folder, &|_| false)
        .files
        .into_iter()
        .filter(|file| {
            let (Some(root), Some(gitignore)) = (root, &gitignore) else {
                return true;
            };
            let absolute = folder.join(file);
            let relative = absolute.strip_prefix(root).unwrap_or(&absolute);
            !gitignore
                .matched_path_or_any_parents(relative, false)
                .is_ignore()
        })
        .collect()
}
