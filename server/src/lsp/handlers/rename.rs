//! `textDocument/prepareRename` and `textDocument/rename`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

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
            let mut changes: Vec<(Uri, Vec<TextEdit>)> = Vec::new();
            for (path, list) in &edits {
                let Some(uri) = convert::uri(&q.root, path) else {
                    continue;
                };
                let text_edits = list
                    .iter()
                    .map(|(range, text)| TextEdit::new(q.range(path, range), text.clone()))
                    .collect();
                changes.push((uri, text_edits));
            }
            Ok::<_, String>(if document_changes {
                WorkspaceEdit {
                    document_changes: Some(DocumentChanges::Edits(
                        changes
                            .into_iter()
                            .map(|(uri, edits)| TextDocumentEdit {
                                text_document: OptionalVersionedTextDocumentIdentifier {
                                    version: versions.get(&uri).copied(),
                                    uri,
                                },
                                edits: edits.into_iter().map(OneOf::Left).collect(),
                            })
                            .collect(),
                    )),
                    ..Default::default()
                }
            } else {
                WorkspaceEdit {
                    changes: Some(changes.into_iter().collect()),
                    ..Default::default()
                }
            })
        })
        .await?;
    match response {
        Some(Ok(edit)) => Ok(Some(edit)),
        Some(Err(message)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
        None => Ok(None),
    }
}
