//! `initialize`: the roots of the client's workspace folders (a folder
//! that is not in a LeanOS workspace is refused, with a warning), the
//! negotiated encoding and the server's capabilities.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::analysis::decorations;
use crate::line_index::ColumnUnit;
use crate::lsp::capabilities::{negotiate_encoding, roots_of, ClientFlags};
use crate::lsp::handlers::log_roots;
use crate::lsp::server::{Backend, FIX_ALL_KIND, LOOP, SHOW_REFERENCES, SPAWN_KIND};

/// Whether `folder`, a workspace folder the client named, is in a LeanOS
/// workspace: a LeanOS root at or above it, not above the user's home
/// ([`crate::vfs::discover_root`] holds the rule). Any other folder (the
/// file-system root `/`, a home folder without `strategy/` or `threads/`)
/// is refused: walking and watching it would read the whole disk.
pub(in crate::lsp) fn is_leanos_folder(folder: &std::path::Path) -> bool {
    crate::vfs::discover_root(folder, crate::vfs::home_dir().as_deref()).is_some()
}

/// Tells the user (`window/showMessage`, a warning) that each of the
/// `refused` workspace folders is not indexed, and why.
pub(in crate::lsp) async fn refuse_folders(server: &Backend, refused: &[std::path::PathBuf]) {
    for folder in refused {
        let message = format!(
            "leanos: {} is not a LeanOS workspace (no leanos.toml, strategy/ or threads/ in it or above it): not indexed",
            folder.display()
        );
        tracing::warn!("{message}");
        server
            .outbox
            .show_message(MessageType::WARNING, message)
            .await;
    }
}

pub(crate) async fn initialize(
    server: &Backend,
    params: InitializeParams,
) -> Result<InitializeResult> {
    let unit = negotiate_encoding(&params);
    let flags = ClientFlags::from_params(&params);
    let mut chosen = Vec::new();
    let mut refused = Vec::new();
    {
        let mut session = server.lock();
        for folder in roots_of(&params) {
            if !is_leanos_folder(&folder) {
                refused.push(folder);
                continue;
            }
            let (root, _) = session.add_root(folder.clone());
            chosen.push((folder, root));
        }
        session.unit = unit;
        session.flags = flags;
    }
    refuse_folders(server, &refused).await;
    log_roots(server, &chosen).await;
    if let Some(options) = &params.initialization_options {
        // `{"settings": …}` (VS Code, Neovim), `{"leanos": …}` (Helix's
        // `config` table), or the settings themselves.
        let value = options
            .get("settings")
            .or_else(|| options.get("leanos"))
            .unwrap_or(options);
        let (settings, _) = crate::config::parse_client_settings(value);
        server.lock().settings = settings;
    }
    let encoding = match unit {
        ColumnUnit::Utf8 => PositionEncodingKind::UTF8,
        _ => PositionEncodingKind::UTF16,
    };
    Ok(InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(encoding),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::new(SPAWN_KIND),
                    CodeActionKind::new(FIX_ALL_KIND),
                ]),
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            })),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![SHOW_REFERENCES.into(), LOOP.into()],
                work_done_progress_options: Default::default(),
            }),
            inlay_hint_provider: Some(OneOf::Left(true)),
            semantic_tokens_provider: Some(
                SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
                    legend: SemanticTokensLegend {
                        token_types: decorations::TOKEN_TYPES
                            .iter()
                            .map(|t| SemanticTokenType::new(t))
                            .collect(),
                        token_modifiers: decorations::TOKEN_MODIFIERS
                            .iter()
                            .map(|m| SemanticTokenModifier::new(m))
                            .collect(),
                    },
                    range: Some(false),
                    full: Some(SemanticTokensFullOptions::Bool(true)),
                    work_done_progress_options: Default::default(),
                }),
            ),
            call_hierarchy_provider: Some(CallHierarchyServerCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(
                    [":", "/", "\"", "(", " ", "→"]
                        .iter()
                        .map(|c| c.to_string())
                        .collect(),
                ),
                resolve_provider: Some(true),
                ..Default::default()
            }),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
            selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
            document_link_provider: Some(DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            }),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..Default::default()
        },
        server_info: Some(ServerInfo {
            name: "leanos-lsp".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        offset_encoding: None,
    })
}
