//! `textDocument/references`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::references;
use crate::lsp::server::Backend;

pub(crate) async fn references(
    server: &Backend,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    let position = params.text_document_position;
    let include = params.context.include_declaration;
    let response = server
        .query(&position.text_document.uri, position.position, move |q| {
            q.locations(&references::references(
                &q.snapshot,
                &q.path,
                q.offset,
                include,
            ))
        })
        .await?;
    Ok(response)
}
