//! `textDocument/foldingRange`: the folds of the document's block tree
//! ([`syntax::folds`]) as whole lines, without characters (what a client
//! with `lineFoldingOnly` takes too); sections are `region`s.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::server::Backend;
use crate::syntax::{self, FoldKind};

pub(crate) async fn folding_range(
    server: &Backend,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    let Some(document) = server.document_syntax(&params.text_document.uri).await? else {
        return Ok(None);
    };
    let ranges = tokio::task::spawn_blocking(move || {
        let file = &document.file;
        let (text, tree) = document.text_and_tree()?;
        let mut ranges: Vec<FoldingRange> = Vec::new();
        for fold in syntax::folds(&text, &tree) {
            let start_line = file.line_index.line_of(fold.range.start);
            let end_line = file.line_index.line_of(fold.range.end);
            // Blocks on the same lines fold once, as the outer one (folds
            // come by start, so those are the last ones pushed).
            let same_lines = ranges
                .iter()
                .rev()
                .take_while(|r| r.start_line == start_line)
                .any(|r| r.end_line == end_line);
            if end_line <= start_line || same_lines {
                continue;
            }
            ranges.push(FoldingRange {
                start_line,
                start_character: None,
                end_line,
                end_character: None,
                kind: (fold.kind == FoldKind::Section).then_some(FoldingRangeKind::Region),
                collapsed_text: None,
            });
        }
        Some(ranges)
    })
    .await
    .ok()
    .flatten();
    Ok(ranges)
}
