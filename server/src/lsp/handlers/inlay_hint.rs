//! `textDocument/inlayHint`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::decorations;
use crate::lsp::convert;
use crate::lsp::server::Backend;

pub(crate) async fn inlay_hint(
    server: &Backend,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>> {
    let requested = params.range;
    let response = server
        .query(&params.text_document.uri, requested.start, move |q| {
            let file = q.snapshot.files.get(q.path.as_str())?;
            let end = convert::offset(&file.line_index, &file.text(), requested.end, q.unit);
            let hints = decorations::inlay_hints(&q.snapshot, &q.path, &(q.offset..end))
                .into_iter()
                .map(|hint| InlayHint {
                    position: convert::position(&file.line_index, hint.offset, q.unit),
                    label: InlayHintLabel::String(hint.label),
                    kind: None,
                    text_edits: None,
                    tooltip: Some(InlayHintTooltip::String(hint.tooltip)),
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect::<Vec<_>>();
            Some(hints)
        })
        .await?;
    Ok(response.flatten())
}
