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

impl Backend {
    /// Applies changes at the absolute `paths` and schedules the
    /// diagnostics they affect.
    pub(in crate::lsp) async fn apply_disk_changes(&self, paths: Vec<PathBuf>) {
        let mut rescan = false;
        {
            let mut session = self.lock();
            for absolute in paths {
                let Some((index, path)) = session.locate_path(&absolute) else {
                    continue;
                };
                let workspace = &mut session.workspaces[index];
                if path == "leanos.toml" {
                    // New folders, prefixes or ignores: reload that root.
                    workspace.ready = false;
                    rescan = true;
                    continue;
                }
                let metadata = std::fs::symlink_metadata(&absolute);
                if metadata.as_ref().is_ok_and(|m| m.is_dir()) {
                    let walked = vfs::walk(&absolute, &|_| false);
                    for file in walked.files {
                        let file = if path.is_empty() {
                            file
                        } else {
                            format!("{path}/{file}")
                        };
                        if !workspace.open.contains_key(&file) {
                            workspace.reload_from_disk(&file);
                        }
                    }
                    continue;
                }
                if metadata.is_err() {
                    // Gone: a file, or a folder with everything under it.
                    let prefix = format!("{path}/");
                    let under: Vec<String> = workspace
                        .snapshot
                        .files
                        .keys()
                        .filter(|p| p.starts_with(&prefix))
                        .filter(|p| !workspace.open.contains_key(*p))
                        .cloned()
                        .collect();
                    for file in under {
                        let affected = workspace.snapshot.remove(&file);
                        workspace.pending.extend(affected);
                    }
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
            self.scan(false).await;
        }
    }
}
