//! `textDocument/didChange`.

use tower_lsp_server::ls_types::*;

use crate::lsp::document::EditPosition;
use crate::lsp::server::Backend;

pub(crate) async fn did_change(server: &Backend, params: DidChangeTextDocumentParams) {
    let mut session = server.lock();
    let Some((index, path)) = session.locate(&params.text_document.uri) else {
        return;
    };
    let unit = session.unit;
    let workspace = &mut session.workspaces[index];
    let Some(doc) = workspace.open.get_mut(&path) else {
        tracing::warn!("didChange for {path}, which is not open");
        return;
    };
    if params.text_document.version <= doc.version {
        tracing::warn!(
            "ignoring didChange for {path}: version {} is not newer than {}",
            params.text_document.version,
            doc.version
        );
        return;
    }
    for change in params.content_changes {
        let range = change
            .range
            .map(|r| (edit_position(r.start), edit_position(r.end)));
        doc.apply(range, &change.text, unit);
    }
    doc.version = params.text_document.version;
    doc.reparse();
    workspace.relower_open(&path);
    server.schedule(&mut session);
}

pub(in crate::lsp) fn edit_position(position: Position) -> EditPosition {
    EditPosition {
        line: position.line,
        character: position.character,
    }
}
