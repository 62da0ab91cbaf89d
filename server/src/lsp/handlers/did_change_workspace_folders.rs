//! `workspace/didChangeWorkspaceFolders`: removed roots are dropped (their
//! diagnostics cleared), added ones scanned, unless they are not in a
//! LeanOS workspace (refused with a warning, never walked).

use tower_lsp_server::ls_types::*;

use crate::lsp::convert;
use crate::lsp::handlers::initialize::{is_leanos_folder, refuse_folders};
use crate::lsp::handlers::log_roots;
use crate::lsp::outbox::Publication;
use crate::lsp::server::Backend;
use crate::lsp::session::root_of_folder;

pub(crate) async fn did_change_workspace_folders(
    server: &Backend,
    params: DidChangeWorkspaceFoldersParams,
) {
    let mut cleared: Vec<Uri> = Vec::new();
    let mut chosen = Vec::new();
    let mut refused = Vec::new();
    // Held until the removed roots' sets are cleared: a publish pass that
    // recorded a removed root's diagnostics before it went sends them
    // first, never after the clearing.
    let sending = server.sending.lock().await;
    {
        let mut session = server.lock();
        for removed in &params.event.removed {
            let Some(path) = removed.uri.to_file_path() else {
                continue;
            };
            let path = root_of_folder(path.into_owned());
            if let Some(i) = session.workspaces.iter().position(|w| w.root == path) {
                let workspace = session.workspaces.remove(i);
                cleared.extend(
                    workspace
                        .published
                        .keys()
                        .filter_map(|p| convert::uri(&workspace.root, p)),
                );
            }
        }
        for added in &params.event.added {
            if let Some(path) = added.uri.to_file_path() {
                let folder = path.into_owned();
                if !is_leanos_folder(&folder) {
                    refused.push(folder);
                    continue;
                }
                let (root, _) = session.add_root(folder.clone());
                chosen.push((folder, root));
            }
        }
    }
    refuse_folders(server, &refused).await;
    log_roots(server, &chosen).await;
    let serialized = server.outbox.serializes();
    let cleared = cleared
        .into_iter()
        .filter_map(|uri| Publication::new(serialized, uri, Vec::new(), None))
        .collect();
    server.outbox.publish(cleared).await;
    drop(sending);
    // The new roots are scanned beside the notification.
    let this = server.clone();
    tokio::spawn(async move { this.scan(false).await });
}
