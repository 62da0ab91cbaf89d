//! `workspace/didChangeConfiguration`: fetch (or take) the settings and
//! re-index when they changed.

use tower_lsp_server::ls_types::*;

use crate::lsp::server::Backend;

pub(crate) async fn did_change_configuration(
    server: &Backend,
    params: DidChangeConfigurationParams,
) {
    // Asking the client (`workspace/configuration`) and re-indexing run
    // beside the notification: a notification never waits on the client.
    let this = server.clone();
    server.spawn_tracked(async move {
        let before = this.lock().settings.clone();
        if this.lock().flags.configuration {
            this.fetch_settings().await;
        } else {
            let value = params
                .settings
                .get("leanos")
                .cloned()
                .unwrap_or(params.settings);
            this.apply_settings_value(&value).await;
        }
        let any_ready = this.lock().workspaces.iter().any(|w| w.ready);
        if any_ready && this.lock().settings != before {
            this.scan(true).await;
        }
    });
}
