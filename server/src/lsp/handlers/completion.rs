//! `textDocument/completion` and `completionItem/resolve`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::{completion, hover};
use crate::index::Snapshot;
use crate::lsp::convert;
use crate::lsp::handlers::data_str;
use crate::lsp::server::Backend;

pub(crate) async fn completion(
    server: &Backend,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let position = params.text_document_position;
    let snippets = server.lock().flags.snippets;
    let today = crate::clock::today();
    let response = server
        .query(&position.text_document.uri, position.position, move |q| {
            let items: Vec<CompletionItem> =
                completion::complete(&q.snapshot, &q.path, q.offset, &today)
                    .into_iter()
                    .map(|item| {
                        let range = q.range(&q.path, &item.replace);
                        convert::completion_item(item, range, snippets)
                    })
                    .collect();
            CompletionResponse::Array(items)
        })
        .await?;
    Ok(response)
}

pub(crate) async fn completion_resolve(
    server: &Backend,
    mut item: CompletionItem,
) -> Result<CompletionItem> {
    let Some(id) = data_str(item.data.as_ref(), "assumption") else {
        return Ok(item);
    };
    let snapshots: Vec<Snapshot> = server
        .lock()
        .workspaces
        .iter()
        .map(|w| w.snapshot.clone())
        .collect();
    let text = tokio::task::spawn_blocking(move || {
        snapshots
            .iter()
            .find_map(|s| hover::hover_text_for_assumption(s, &id))
    })
    .await
    .ok()
    .flatten();
    if let Some(value) = text {
        item.documentation = Some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }));
    }
    Ok(item)
}
