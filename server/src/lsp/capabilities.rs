//! What the client said it can do, resolved once from `initialize`: the
//! flags the handlers consult, the position encoding and the roots.

use std::path::PathBuf;

use tower_lsp_server::ls_types::*;

use crate::line_index::ColumnUnit;

/// What the client said it can do.
#[derive(Debug, Default, Clone, Copy)]
pub(in crate::lsp) struct ClientFlags {
    pub(in crate::lsp) work_done_progress: bool,
    pub(in crate::lsp) watched_files_dynamic: bool,
    pub(in crate::lsp) configuration: bool,
    pub(in crate::lsp) definition_links: bool,
    pub(in crate::lsp) document_changes: bool,
    pub(in crate::lsp) create_files: bool,
    pub(in crate::lsp) rename_files: bool,
    pub(in crate::lsp) snippets: bool,
    /// Hover in markdown (the client prefers it, or says nothing); plain
    /// text otherwise (eglot 1.9 offers only `plaintext`).
    pub(in crate::lsp) hover_markdown: bool,
    /// `textDocument.publishDiagnostics.versionSupport`: the client
    /// interprets a publication's version, and may drop one that is not
    /// its document's current version (Helix does). Such a client gets an
    /// open document's set again for every version; the others only when
    /// it changed.
    pub(in crate::lsp) publish_versions: bool,
}

impl ClientFlags {
    /// The flags of the capabilities in `initialize`'s params.
    pub(in crate::lsp) fn from_params(params: &InitializeParams) -> ClientFlags {
        let capabilities = &params.capabilities;
        let workspace = capabilities.workspace.as_ref();
        let text_document = capabilities.text_document.as_ref();
        ClientFlags {
            work_done_progress: capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            watched_files_dynamic: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            create_files: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create)),
            rename_files: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&ResourceOperationKind::Rename)),
            // Resource operations only exist inside `documentChanges`: a
            // client that declares them (Neovim) applies those too.
            document_changes: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .is_some_and(|e| {
                    e.document_changes.unwrap_or(false)
                        || e.resource_operations
                            .as_ref()
                            .is_some_and(|ops| !ops.is_empty())
                }),
            snippets: capabilities
                .text_document
                .as_ref()
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.snippet_support)
                .unwrap_or(false),
            definition_links: capabilities
                .text_document
                .as_ref()
                .and_then(|t| t.definition.as_ref())
                .and_then(|d| d.link_support)
                .unwrap_or(false),
            hover_markdown: prefers_markdown(
                text_document
                    .and_then(|t| t.hover.as_ref())
                    .and_then(|h| h.content_format.as_deref()),
            ),
            publish_versions: text_document
                .and_then(|t| t.publish_diagnostics.as_ref())
                .and_then(|p| p.version_support)
                .unwrap_or(false),
        }
    }
}

/// Whether markdown comes before plain text in a client's `contentFormat`
/// (its order of preference); true when the client gives none.
fn prefers_markdown(formats: Option<&[MarkupKind]>) -> bool {
    formats
        .and_then(|formats| {
            formats
                .iter()
                .find(|f| **f == MarkupKind::Markdown || **f == MarkupKind::PlainText)
        })
        .is_none_or(|first| *first == MarkupKind::Markdown)
}

pub(in crate::lsp) fn negotiate_encoding(params: &InitializeParams) -> ColumnUnit {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => ColumnUnit::Utf8,
        _ => ColumnUnit::Utf16,
    }
}

pub(in crate::lsp) fn roots_of(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = params.workspace_folders.as_ref().filter(|f| !f.is_empty()) {
        return folders
            .iter()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
    }
    #[allow(deprecated)]
    params
        .root_uri
        .as_ref()
        .and_then(|uri| uri.to_file_path().map(|p| p.into_owned()))
        .into_iter()
        .collect()
}
