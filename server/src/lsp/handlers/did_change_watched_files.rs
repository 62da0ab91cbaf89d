//! `workspace/didChangeWatchedFiles`.

use tower_lsp_server::ls_types::*;

use crate::lsp::server::Backend;

pub(crate) async fn did_change_watched_files(
    server: &Backend,
    params: DidChangeWatchedFilesParams,
) {
    let mut rescan = false;
    {
        let mut session = server.lock();
        for change in params.changes {
            let Some((index, path)) = session.locate(&change.uri) else {
                continue;
            };
            let workspace = &mut session.workspaces[index];
            if path == "leanos.toml" {
                // New folders, prefixes or ignores: reload that root.
                workspace.ready = false;
                rescan = true;
                continue;
            }
            if workspace.open.contains_key(&path) {
                // The editor's text wins over disk while a file is open.
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                let affected = workspace.snapshot.remove(&path);
                workspace.pending.extend(affected);
            } else {
                workspace.reload_from_disk(&path);
            }
        }
        server.schedule(&mut session);
    }
    if rescan {
        server.scan(false).await;
    }
}
