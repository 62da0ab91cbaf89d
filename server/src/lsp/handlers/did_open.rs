//! `textDocument/didOpen`.

use tower_lsp_server::ls_types::*;

use crate::lsp::document::Document;
use crate::lsp::server::Backend;
use crate::lsp::session::lock_detached;

pub(crate) async fn did_open(server: &Backend, params: DidOpenTextDocumentParams) {
    let mut session = server.lock();
    let text = &params.text_document.text;
    let Some((index, path)) = session.locate(&params.text_document.uri) else {
        // Under no root yet: kept for the root that may be added later.
        if let Some(absolute) = params.text_document.uri.to_file_path() {
            let markdown = absolute.extension().is_some_and(|e| e == "md")
                && text.len() as u64 <= crate::config::DEFAULT_MAX_FILE_SIZE;
            let document = Document::new(text, params.text_document.version, markdown);
            lock_detached(&session.detached).insert(absolute.into_owned(), document);
        }
        return;
    };
    let workspace = &mut session.workspaces[index];
    // A document over the size cap is `file-too-large`, not lowered, and
    // gets no syntax tree either (parsing megabytes would stall the lock).
    let within_cap = text.len() as u64 <= workspace.snapshot.config.max_file_size;
    let document = Document::new(
        text,
        params.text_document.version,
        path.ends_with(".md") && within_cap,
    );
    workspace.open.insert(path.clone(), document);
    workspace.forget_shown(&path);
    workspace.relower_open(&path);
    server.schedule(&mut session);
}
