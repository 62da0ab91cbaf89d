//! The `leanos.loop` command (`workspace/executeCommand`): the loop page
//! of a root (`analysis/loop_page.rs`), for editors to show (VS Code's
//! "LeanOS: Show Loop" webview, Neovim's `:LeanosLoop`).
//!
//! Arguments, both optional: `[uri, format]`. `uri` is a document or
//! folder inside the root (default: the first root); `format` is `"html"`
//! (default: the page, a string) or `"json"` (the report's value, as
//! `leanos-lsp loop --format json` prints it). Waits for the root's first
//! scan, as every request does.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::analysis::loop_page::page;
use crate::analysis::loop_report::loop_report;
use crate::lsp::query::wait_for_first_scan;
use crate::lsp::server::Backend;

pub(crate) async fn loop_page(server: &Backend, arguments: &[LSPAny]) -> Result<Option<LSPAny>> {
    let uri = match arguments.first() {
        None | Some(LSPAny::Null) => None,
        Some(LSPAny::String(text)) => Some(
            text.parse::<Uri>()
                .map_err(|_| Error::invalid_params(format!("`{text}` is not a URI")))?,
        ),
        Some(other) => {
            return Err(Error::invalid_params(format!(
                "leanos.loop takes a URI, not {other}"
            )))
        }
    };
    let json = match arguments.get(1).and_then(LSPAny::as_str) {
        None | Some("html") => false,
        Some("json") => true,
        Some(other) => {
            return Err(Error::invalid_params(format!(
                "leanos.loop formats are html and json, not `{other}`"
            )))
        }
    };
    let index = {
        let session = server.lock();
        let index = match &uri {
            Some(uri) => session.locate(uri).map(|(i, _)| i),
            None => (!session.workspaces.is_empty()).then_some(0),
        };
        let Some(index) = index else {
            return Err(Error::invalid_params(
                "leanos.loop: the URI is in no LeanOS root of this session",
            ));
        };
        let scanned = session.workspaces[index].scanned.subscribe();
        (index, scanned)
    };
    wait_for_first_scan(index.1).await?;
    let (snapshot, root) = {
        let session = server.lock();
        let Some(workspace) = session.workspaces.get(index.0) else {
            return Err(Error::invalid_params("leanos.loop: the root went away"));
        };
        (workspace.snapshot.clone(), workspace.root.clone())
    };
    let value = tokio::task::spawn_blocking(move || {
        let report = loop_report(&snapshot);
        if json {
            serde_json::to_value(&report).unwrap_or(LSPAny::Null)
        } else {
            LSPAny::String(page(&report, &root.display().to_string()))
        }
    })
    .await
    .map_err(|_| Error::internal_error())?;
    Ok(Some(value))
}
