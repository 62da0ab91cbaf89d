//! `initialized`.

use tower_lsp_server::ls_types::*;

use crate::lsp::server::Backend;

pub(crate) async fn initialized(server: &Backend, _params: InitializedParams) {
    let flags = server.lock().flags;
    if flags.watched_files_dynamic {
        let watchers = [
            "**/*.md",
            "**/meta.json",
            "**/metadata.yaml",
            "**/leanos.toml",
        ]
        .into_iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.into()),
            kind: None,
        })
        .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "leanos-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        let this = server.clone();
        tokio::spawn(async move {
            if let Err(error) = this.client.register_capability(vec![registration]).await {
                tracing::warn!("could not register file watchers: {error}");
            }
        });
    }
    // The scan starts now, with `leanos.toml` and the initialization
    // options; the client's answer to `workspace/configuration` may
    // come late or never (a client that leaves a message unread), and
    // re-indexes only if it changes the settings.
    let scan = {
        let this = server.clone();
        tokio::spawn(async move { this.scan(true).await })
    };
    let number = server.number_settings_change();
    let this = server.clone();
    tokio::spawn(async move {
        if this.fetch_settings(number).await {
            tracing::info!("client settings changed the configuration: re-indexing");
            let _ = scan.await;
            this.scan(true).await;
        }
    });
}
