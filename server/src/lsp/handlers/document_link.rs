//! `textDocument/documentLink`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::symbols;
use crate::lsp::convert;
use crate::lsp::server::Backend;

pub(crate) async fn document_link(
    server: &Backend,
    params: DocumentLinkParams,
) -> Result<Option<Vec<DocumentLink>>> {
    let response = server
        .query(&params.text_document.uri, Position::default(), |q| {
            symbols::document_links(&q.snapshot, &q.path)
                .into_iter()
                .filter_map(|link| {
                    Some(DocumentLink {
                        range: q.range(&q.path, &link.range),
                        target: Some(convert::uri(&q.root, &link.target)?),
                        tooltip: Some(link.target),
                        data: None,
                    })
                })
                .collect::<Vec<_>>()
        })
        .await?;
    Ok(response)
}
