//! `textDocument/prepareRename` and `textDocument/rename`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::actions::FileOp;
use crate::analysis::rename;
use crate::lsp::convert;
use crate::lsp::server::Backend;

pub(crate) async fn prepare_rename(
    server: &Backend,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let response = server
        .query(&params.text_document.uri, params.position, |q| {
            rename::prepare_rename(&q.snapshot, &q.path, q.offset).map(|(range, id)| {
                PrepareRenameResponse::RangeWithPlaceholder {
                    range: q.range(&q.path, &range),
                    placeholder: id,
                }
            })
        })
        .await?;
    match response {
        Some(Ok(response)) => Ok(Some(response)),
        Some(Err(message)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
        None => Ok(None),
    }
}

pub(crate) async fn rename(
    server: &Backend,
    params: RenameParams,
) -> Result<Option<WorkspaceEdit>> {
    let position = params.text_document_position;
    let new_name = params.new_name;
    let document_changes = server.lock().flags.document_changes;
    let versions = server.lock().document_versions();
    let response = server
        .query(&position.text_document.uri, position.position, move |q| {
            let edits = rename::rename(&q.snapshot, &q.path, q.offset, &new_name)?;
            // Never edit a file whose text is not its bytes (not UTF-8, or
            // over the size cap) or changed on disk since it was read: the
            // positions would be another text's.
            for path in edits.keys() {
                let refusal = q
                    .snapshot
                    .files
                    .get(path.as_str())
                    .and_then(|f| f.edit_refusal());
                if let Some(why) = refusal {
                    return Err(format!("cannot rename: `{path}` is not edited: {why}"));
                }
            }
            let ops: Vec<FileOp> = edits
                .into_iter()
                .map(|(path, edits)| FileOp::Edit { path, edits })
                .collect();
            Ok::<_, String>(convert::workspace_edit(
                q,
                &ops,
                document_changes,
                &versions,
            ))
        })
        .await?;
    match response {
        Some(Ok(edit)) => Ok(edit),
        Some(Err(message)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
        None => Ok(None),
    }
}
