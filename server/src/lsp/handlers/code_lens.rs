//! `textDocument/codeLens`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::decorations;
use crate::lsp::convert;
use crate::lsp::server::{Backend, SHOW_REFERENCES};

pub(crate) async fn code_lens(
    server: &Backend,
    params: CodeLensParams,
) -> Result<Option<Vec<CodeLens>>> {
    let response = server
        .query(&params.text_document.uri, Position::default(), |q| {
            let uri = convert::uri(&q.root, &q.path)?;
            let lenses = decorations::code_lenses(&q.snapshot, &q.path)
                .into_iter()
                .map(|lens| {
                    let range = q.range(&q.path, &lens.range);
                    let locations = q.locations(&lens.references);
                    CodeLens {
                        range,
                        command: Some(Command {
                            title: lens.title,
                            command: SHOW_REFERENCES.into(),
                            arguments: Some(vec![
                                serde_json::json!(uri),
                                serde_json::json!(range.start),
                                serde_json::json!(locations),
                            ]),
                        }),
                        data: None,
                    }
                })
                .collect::<Vec<_>>();
            Some(lenses)
        })
        .await?;
    Ok(response.flatten())
}
