//! `textDocument/documentSymbol`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::symbols;
use crate::lsp::convert;
use crate::lsp::server::Backend;

pub(crate) async fn document_symbol(
    server: &Backend,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let response = server
        .query(&params.text_document.uri, Position::default(), |q| {
            let file = q.snapshot.files.get(q.path.as_str())?;
            let symbols = symbols::document_symbols(file);
            Some(DocumentSymbolResponse::Nested(
                symbols
                    .iter()
                    .map(|s| convert::document_symbol(file, s, q.unit))
                    .collect(),
            ))
        })
        .await?;
    Ok(response.flatten())
}
