//! `textDocument/didOpen`.

use tower_lsp_server::ls_types::*;

use crate::lsp::document::Document;
use crate::lsp::server::Backend;

pub(crate) async fn did_open(server: &Backend, params: DidOpenTextDocumentParams) {
    let mut session = server.lock();
    let Some((index, path)) = session.locate(&params.text_document.uri) else {
        return;
    };
    let document = Document::new(
        &params.text_document.text,
        params.text_document.version,
        path.ends_with(".md"),
    );
    let workspace = &mut session.workspaces[index];
    workspace.open.insert(path.clone(), document);
    workspace.relower_open(&path);
    server.schedule(&mut session);
}
