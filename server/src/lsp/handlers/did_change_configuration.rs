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
    let number = server.number_settings_change();
    let this = server.clone();
    server.spawn_tracked(async move {
        let changed = if this.lock().flags.configuration {
            this.fetch_settings(number).await
        } else {
            let value = params
                .settings
                .get("leanos")
                .cloned()
                .unwrap_or(params.settings);
            this.apply_settings_value(number, &value).await
        };
        // A root read with the old settings, or being read with them,
        // is read again; a root not read yet will be read with the new.
        let stale = this
            .lock()
            .workspaces
            .iter()
            .any(|w| w.ready || w.scanning());
        if changed && stale {
            this.scan(true).await;
        }
    });
}
