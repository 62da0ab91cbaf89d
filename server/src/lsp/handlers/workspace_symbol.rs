//! `workspace/symbol`.

use std::path::PathBuf;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::symbols;
use crate::index::Snapshot;
use crate::lsp::convert;
use crate::lsp::query::wait_for_first_scan;
use crate::lsp::server::Backend;

pub(crate) async fn symbol(
    server: &Backend,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>> {
    // Every root's first scan, or the answer would miss its symbols.
    let scans: Vec<_> = server
        .lock()
        .workspaces
        .iter()
        .map(|w| w.scanned.subscribe())
        .collect();
    for scanned in scans {
        wait_for_first_scan(scanned).await?;
    }
    let (snapshots, unit) = {
        let session = server.lock();
        let snapshots: Vec<(PathBuf, Snapshot)> = session
            .workspaces
            .iter()
            .filter(|w| *w.scanned.borrow())
            .map(|w| (w.root.clone(), w.snapshot.clone()))
            .collect();
        (snapshots, session.unit)
    };
    let query = params.query;
    let found = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for (root, snapshot) in &snapshots {
            for symbol in symbols::workspace_symbols(snapshot, &query, 256) {
                let range = match snapshot.files.get(symbol.path.as_str()) {
                    Some(file) => convert::range(file, &symbol.range, unit),
                    None => Range::default(),
                };
                let Some(uri) = convert::uri(root, &symbol.path) else {
                    continue;
                };
                out.push(WorkspaceSymbol {
                    name: symbol.name,
                    kind: convert::symbol_kind(symbol.kind),
                    tags: None,
                    container_name: symbol.container,
                    location: OneOf::Left(Location::new(uri, range)),
                    data: None,
                });
            }
        }
        out
    })
    .await
    .unwrap_or_default();
    Ok(Some(WorkspaceSymbolResponse::Nested(found)))
}
