//! `textDocument/selectionRange`: for each position, the ranges a
//! selection grows through in the document's block tree
//! ([`syntax::selection_ranges`]), innermost first, as a `parent` chain.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert;
use crate::lsp::server::Backend;
use crate::syntax;

pub(crate) async fn selection_range(
    server: &Backend,
    params: SelectionRangeParams,
) -> Result<Option<Vec<SelectionRange>>> {
    let Some(document) = server.document_syntax(&params.text_document.uri).await? else {
        return Ok(None);
    };
    let ranges = tokio::task::spawn_blocking(move || {
        let file = &document.file;
        let (text, tree) = document.text_and_tree()?;
        let position = |offset: u32| convert::position(&file.line_index, offset, document.unit);
        let chains = params.positions.iter().map(|&cursor| {
            let offset = convert::offset(&file.line_index, &text, cursor, document.unit);
            let steps = syntax::selection_ranges(&text, &tree, offset);
            // Built from the outside in: each range's parent is the next.
            let mut chain: Option<SelectionRange> = None;
            for step in steps.iter().rev() {
                chain = Some(SelectionRange {
                    range: Range::new(position(step.start), position(step.end)),
                    parent: chain.map(Box::new),
                });
            }
            chain.unwrap_or(SelectionRange {
                range: Range::new(cursor, cursor),
                parent: None,
            })
        });
        Some(chains.collect::<Vec<_>>())
    })
    .await
    .ok()
    .flatten();
    Ok(ranges)
}
