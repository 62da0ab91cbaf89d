//! `textDocument/didOpen`.

use tower_lsp_server::ls_types::*;

use crate::lsp::document::Document;
use crate::lsp::server::Backend;

pub(crate) async fn did_open(server: &Backend, params: DidOpenTextDocumentParams) {
    let mut session = server.lock();
    let Some((index, path)) = session.locate(&params.text_document.uri) else {
        return;
    };
    let workspace = &mut session.workspaces[index];
    // A document over the size cap is `file-too-large`, not lowered, and
    // gets no syntax tree either (parsing megabytes would stall the lock).
    let text = &params.text_document.text;
    let within_cap = text.len() as u64 <= workspace.snapshot.config.max_file_size;
    let document = Document::new(
        text,
        params.text_document.version,
        path.ends_with(".md") && within_cap,
    );
    workspace.open.insert(path.clone(), document);
    workspace.relower_open(&path);
    server.schedule(&mut session);
}
