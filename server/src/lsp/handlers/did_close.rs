//! `textDocument/didClose`.

use tower_lsp_server::ls_types::*;

use crate::lsp::server::Backend;

pub(crate) async fn did_close(server: &Backend, params: DidCloseTextDocumentParams) {
    let mut session = server.lock();
    let Some((index, path)) = session.locate(&params.text_document.uri) else {
        return;
    };
    let workspace = &mut session.workspaces[index];
    if workspace.open.remove(&path).is_some() {
        workspace.reload_from_disk(&path);
        server.schedule(&mut session);
    }
}
