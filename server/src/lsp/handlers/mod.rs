//! One module per LSP method (or per family of methods that share their
//! helpers); the `impl LanguageServer` in `server.rs` only forwards here.

pub(crate) mod call_hierarchy;
pub(crate) mod code_action;
pub(crate) mod code_lens;
pub(crate) mod completion;
pub(crate) mod definition;
pub(crate) mod did_change;
pub(crate) mod did_change_configuration;
pub(crate) mod did_change_watched_files;
pub(crate) mod did_change_workspace_folders;
pub(crate) mod did_close;
pub(crate) mod did_open;
pub(crate) mod document_link;
pub(crate) mod document_symbol;
pub(crate) mod execute_command;
pub(crate) mod folding_range;
pub(crate) mod hover;
pub(crate) mod initialize;
pub(crate) mod initialized;
pub(crate) mod inlay_hint;
pub(crate) mod loop_command;
pub(crate) mod references;
pub(crate) mod rename;
pub(crate) mod selection_range;
pub(crate) mod semantic_tokens;
pub(crate) mod settled;
pub(crate) mod workspace_symbol;

/// The string under `key` in an item's `data` round-tripped through the
/// client (call-hierarchy and completion items), or `None` when the client
/// sent no data or a different shape.
pub(in crate::lsp) fn data_str(data: Option<&serde_json::Value>, key: &str) -> Option<String> {
    data?.get(key)?.as_str().map(str::to_string)
}

/// Tells the client which LeanOS root each workspace folder it named was
/// indexed as (`window/logMessage`, and the server's log), when that is
/// not the folder itself.
pub(in crate::lsp) async fn log_roots(
    server: &crate::lsp::server::Backend,
    chosen: &[(std::path::PathBuf, std::path::PathBuf)],
) {
    for (folder, root) in chosen {
        let canonical = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.clone());
        let message = if canonical == *root {
            format!("leanos: root {}", root.display())
        } else {
            format!(
                "leanos: {} is inside the LeanOS root {}: indexing the root",
                folder.display(),
                root.display()
            )
        };
        tracing::info!("{message}");
        server
            .outbox
            .log_message(tower_lsp_server::ls_types::MessageType::INFO, message)
            .await;
    }
}
