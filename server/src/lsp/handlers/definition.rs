//! `textDocument/definition`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::definition;
use crate::lsp::convert;
use crate::lsp::server::Backend;

pub(crate) async fn goto_definition(
    server: &Backend,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let position = params.text_document_position_params;
    let links = server.lock().flags.definition_links;
    // A definition is a few map lookups: answered in place.
    let response = server
        .query_at(&position.text_document.uri, position.position)
        .await?
        .map(|q| {
            let (origin, locations) = definition::definition(&q.snapshot, &q.path, q.offset)?;
            if locations.is_empty() {
                return None;
            }
            let origin = q.range(&q.path, &origin);
            if links {
                let links: Vec<LocationLink> = locations
                    .iter()
                    .filter_map(|l| {
                        Some(LocationLink {
                            origin_selection_range: Some(origin),
                            target_uri: convert::uri(&q.root, &l.path)?,
                            target_range: q.range(&l.path, &l.range),
                            target_selection_range: q.range(&l.path, &l.selection),
                        })
                    })
                    .collect();
                Some(GotoDefinitionResponse::Link(links))
            } else {
                Some(GotoDefinitionResponse::Array(q.locations(&locations)))
            }
        });
    Ok(response.flatten())
}
