//! `textDocument/semanticTokens/full`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::decorations;
use crate::lsp::convert;
use crate::lsp::server::Backend;

pub(crate) async fn semantic_tokens_full(
    server: &Backend,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>> {
    let response = server
        .query(&params.text_document.uri, Position::default(), |q| {
            let file = q.snapshot.files.get(q.path.as_str())?;
            let mut data = Vec::new();
            let (mut previous_line, mut previous_start) = (0u32, 0u32);
            for token in decorations::semantic_tokens(&q.snapshot, &q.path) {
                let start = convert::position(&file.line_index, token.range.start, q.unit);
                let end = convert::position(&file.line_index, token.range.end, q.unit);
                if end.line != start.line {
                    continue;
                }
                let delta_line = start.line - previous_line;
                let delta_start = if delta_line == 0 {
                    start.character - previous_start
                } else {
                    start.character
                };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: end.character - start.character,
                    token_type: token.token_type,
                    token_modifiers_bitset: token.modifiers,
                });
                previous_line = start.line;
                previous_start = start.character;
            }
            Some(SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data,
            }))
        })
        .await?;
    Ok(response.flatten())
}
