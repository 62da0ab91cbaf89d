//! `workspace/didChangeConfiguration`.

use tower_lsp_server::ls_types::*;

use crate::lsp::server::Backend;

pub(crate) async fn did_change_configuration(
    server: &Backend,
    params: DidChangeConfigurationParams,
) {
    if server.lock().flags.configuration {
        server.fetch_settings().await;
    } else {
        let value = params
            .settings
            .get("leanos")
            .cloned()
            .unwrap_or(params.settings);
        server.apply_settings_value(&value).await;
    }
    let any_ready = server.lock().workspaces.iter().any(|w| w.ready);
    if any_ready {
        server.scan(true).await;
    }
}
