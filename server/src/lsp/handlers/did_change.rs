//! `textDocument/didChange`.

use tower_lsp_server::ls_types::*;

use crate::line_index::ColumnUnit;
use crate::lsp::document::{Document, EditPosition};
use crate::lsp::server::Backend;
use crate::lsp::session::lock_detached;

pub(crate) async fn did_change(server: &Backend, params: DidChangeTextDocumentParams) {
    let mut session = server.lock();
    let unit = session.unit;
    let uri = params.text_document.uri.clone();
    let Some((index, path)) = session.locate(&uri) else {
        // A document under no root is kept up to date for the root that
        // may be added later.
        if let Some(absolute) = uri.to_file_path() {
            let mut detached = lock_detached(&session.detached);
            if let Some(doc) = detached.get_mut(absolute.as_ref()) {
                if apply_changes(doc, uri.as_str(), params, unit) {
                    doc.reparse();
                }
            }
        }
        return;
    };
    let workspace = &mut session.workspaces[index];
    let Some(doc) = workspace.open.get_mut(&path) else {
        tracing::warn!("didChange for {path}, which is not open");
        return;
    };
    if apply_changes(doc, &path, params, unit) {
        doc.reparse();
        workspace.relower_open(&path);
        server.schedule(&mut session);
    }
}

/// Applies a `didChange`'s changes to `doc` and takes its version; `false`
/// (and nothing changed) when the version is not newer than the document's.
fn apply_changes(
    doc: &mut Document,
    label: &str,
    params: DidChangeTextDocumentParams,
    unit: ColumnUnit,
) -> bool {
    if params.text_document.version <= doc.version {
        tracing::warn!(
            "ignoring didChange for {label}: version {} is not newer than {}",
            params.text_document.version,
            doc.version
        );
        return false;
    }
    for change in params.content_changes {
        let range = change
            .range
            .map(|r| (edit_position(r.start), edit_position(r.end)));
        doc.apply(range, &change.text, unit);
    }
    doc.version = params.text_document.version;
    doc.moves.seal(doc.version);
    true
}

pub(in crate::lsp) fn edit_position(position: Position) -> EditPosition {
    EditPosition {
        line: position.line,
        character: position.character,
    }
}
