//! `textDocument/hover`: markdown, or plain text for a client that
//! prefers it (`contentFormat`).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::hover;
use crate::lsp::convert;
use crate::lsp::server::Backend;

pub(crate) async fn hover(server: &Backend, params: HoverParams) -> Result<Option<Hover>> {
    let position = params.text_document_position_params;
    let markdown = server.lock().flags.hover_markdown;
    let response = server
        .query(&position.text_document.uri, position.position, move |q| {
            let (range, text) = hover::hover(&q.snapshot, &q.path, q.offset)?;
            let text = convert::path_links(&text, &q.root);
            let contents = if markdown {
                MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: text,
                }
            } else {
                MarkupContent {
                    kind: MarkupKind::PlainText,
                    value: convert::plain_text(&text),
                }
            };
            Some(Hover {
                contents: HoverContents::Markup(contents),
                range: Some(q.range(&q.path, &range)),
            })
        })
        .await?;
    Ok(response.flatten())
}
