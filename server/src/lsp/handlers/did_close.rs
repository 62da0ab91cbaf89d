//! `textDocument/didClose`.

use tower_lsp_server::ls_types::*;

use crate::lsp::server::Backend;
use crate::lsp::session::lock_detached;

pub(crate) async fn did_close(server: &Backend, params: DidCloseTextDocumentParams) {
    let mut session = server.lock();
    let Some((index, path)) = session.locate(&params.text_document.uri) else {
        if let Some(absolute) = params.text_document.uri.to_file_path() {
            lock_detached(&session.detached).remove(absolute.as_ref());
        }
        return;
    };
    let workspace = &mut session.workspaces[index];
    if workspace.open.remove(&path).is_some() {
        workspace.forget_shown(&path);
        workspace.reload_from_disk(&path);
        server.schedule(&mut session);
    }
}
