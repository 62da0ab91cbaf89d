//! The server: its one piece of state (the [`Session`] behind a mutex),
//! the protocol's constants, and the `impl LanguageServer` that forwards
//! each method to its module in `handlers/`.
//!
//! State lives behind one `std::sync::Mutex`; a handler does all its state
//! work (version check, rope edit, tree edit, re-lowering, index update)
//! under the lock with no `.await` in between, so edits apply in order
//! even though handlers run concurrently. Diagnostics are computed on
//! immutable snapshots off the async runtime (`publish.rs`); requests wait
//! for their root's first scan (`query.rs`, `scan.rs`). Every folder of a
//! multi-root workspace is its own LeanOS root with its own snapshot; a
//! file belongs to the innermost root that contains it.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::config::Settings;
use crate::line_index::ColumnUnit;
use crate::lsp::capabilities::ClientFlags;
use crate::lsp::handlers;
use crate::lsp::outbox::Outbox;
use crate::lsp::session::Session;
use crate::lsp::transport::Outlet;

/// The code lens command that shows an assumption's references; its
/// arguments have the shape of VS Code's `editor.action.showReferences`
/// (`[uri, position, locations]`), and executing it on the server returns
/// the locations (for clients such as Neovim to list).
pub const SHOW_REFERENCES: &str = "leanos.showReferences";
/// The command returning the loop page of a root (`handlers/loop_command.rs`).
pub const LOOP: &str = "leanos.loop";

/// The code action kind of spawning a follow-up thread.
pub const SPAWN_KIND: &str = "refactor.leanos.spawn";
/// The code action kind of applying every unambiguous fix of a file.
pub const FIX_ALL_KIND: &str = "source.fixAll.leanos";

/// `leanos/status`: what the server is doing, for status bars.
/// Params: `{"state": "indexing"}` when a scan starts, then
/// `{"state": "ready", "files": N, "threads": N, "problems": N}` (source
/// files, threads, and files with diagnostics, over every root).
pub enum StatusNotification {}

impl notification::Notification for StatusNotification {
    type Params = serde_json::Value;
    const METHOD: &'static str = "leanos/status";
}

/// `leanos/settled` (a notification from the server, for tests and tools):
/// sent once per `leanos/settled` request, just before its response, with
/// the same params (`{"settled": N}`, N counting the requests from 1).
/// Everything the server sent before it (every `publishDiagnostics` of
/// the work it waited for) comes before it on the wire, so a client that
/// reads up to it has seen them all. See [`handlers::settled`].
pub enum SettledNotification {}

impl notification::Notification for SettledNotification {
    type Params = serde_json::Value;
    const METHOD: &'static str = "leanos/settled";
}

/// How long edits settle before diagnostics are computed.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// The language server.
#[derive(Clone)]
pub struct Backend {
    /// For the server's requests to the client (and progress).
    pub(in crate::lsp) client: Client,
    /// For the server's notifications to the client.
    pub(in crate::lsp) outbox: Outbox,
    pub(in crate::lsp) session: Arc<Mutex<Session>>,
    /// Background work under way that `leanos/settled` waits for (a
    /// rescan, a settings fetch, a running diagnostics pass): a count
    /// held by [`handlers::settled::Busy`] guards.
    pub(in crate::lsp) busy: Arc<tokio::sync::watch::Sender<usize>>,
    /// `leanos/settled` requests answered so far.
    pub(in crate::lsp) settled: Arc<std::sync::atomic::AtomicU64>,
    /// Held by a publish pass from recording what it sends until it has
    /// handed it all to the client, so that passes send in the order they
    /// record: an older pass's publication sent after a newer one's would
    /// stay on screen, the record saying the client shows the newer.
    pub(in crate::lsp) sending: Arc<tokio::sync::Mutex<()>>,
}

impl Backend {
    /// Creates the server for `client`, sending its notifications through
    /// `client` too (in-process sessions).
    pub fn new(client: Client) -> Backend {
        let outbox = Outbox::new(client.clone());
        Backend::with_outbox(client, outbox)
    }

    /// Creates the server for `client`, sending its notifications to
    /// `outbox`.
    fn with_outbox(client: Client, outbox: Outbox) -> Backend {
        Backend {
            client,
            outbox,
            session: Arc::new(Mutex::new(Session {
                workspaces: Vec::new(),
                unit: ColumnUnit::Utf16,
                flags: ClientFlags::default(),
                settings: Settings::default(),
                settings_changes: 0,
                settings_applied: 0,
                generation: 0,
                status: None,
                told_no_file_operations: false,
                watcher: None,
                detached: Default::default(),
            })),
            busy: Arc::new(tokio::sync::watch::Sender::new(0)),
            settled: Arc::new(std::sync::atomic::AtomicU64::new(0)),
            sending: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// The service of the server with its custom methods (`leanos/settled`),
    /// and the socket of its messages to the client: what [`super::serve_stdio`]
    /// runs, and what in-process tests drive.
    pub fn service() -> (
        tower_lsp_server::LspService<Backend>,
        tower_lsp_server::ClientSocket,
    ) {
        tower_lsp_server::LspService::build(Backend::new)
            .custom_method("leanos/settled", Backend::settled)
            .finish()
    }

    /// [`Backend::service`] with the server's notifications serialised
    /// into `outlet` (the stdio writer's queue), for [`super::serve_stdio`].
    pub fn stdio_service(
        outlet: Outlet,
    ) -> (
        tower_lsp_server::LspService<Backend>,
        tower_lsp_server::ClientSocket,
    ) {
        tower_lsp_server::LspService::build(move |client| {
            let outbox = Outbox::with_outlet(client.clone(), outlet);
            Backend::with_outbox(client, outbox)
        })
        .custom_method("leanos/settled", Backend::settled)
        .finish()
    }

    /// `leanos/settled` (a request, for tests and tools; no params): answers
    /// `{"settled": N}` once every root is indexed, no background work
    /// the server started is under way (scans, settings fetches,
    /// diagnostics passes) and every pending diagnostic is computed and
    /// published (a debounce is cut short), after sending the
    /// [`SettledNotification`] with the same params. An error
    /// (-32803) after [`crate::lsp::query::FIRST_SCAN_WAIT`] when the server
    /// cannot settle (a root whose scan never ends).
    pub async fn settled(&self) -> Result<serde_json::Value> {
        handlers::settled::settled(self).await
    }

    /// The session, locked. A panic while holding the lock must not take
    /// the server down.
    pub(in crate::lsp) fn lock(&self) -> MutexGuard<'_, Session> {
        self.session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Backend")
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        handlers::initialize::initialize(self, params).await
    }

    async fn initialized(&self, params: InitializedParams) {
        handlers::initialized::initialized(self, params).await
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        handlers::did_open::did_open(self, params).await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        handlers::did_change::did_change(self, params).await
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        handlers::did_close::did_close(self, params).await
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        handlers::did_change_watched_files::did_change_watched_files(self, params).await
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        handlers::did_change_workspace_folders::did_change_workspace_folders(self, params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        handlers::definition::goto_definition(self, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        handlers::references::references(self, params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        handlers::hover::hover(self, params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        handlers::rename::prepare_rename(self, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        handlers::rename::rename(self, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        handlers::completion::completion(self, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        handlers::code_action::code_action(self, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        handlers::code_lens::code_lens(self, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        handlers::execute_command::execute_command(self, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        handlers::inlay_hint::inlay_hint(self, params).await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        handlers::semantic_tokens::semantic_tokens_full(self, params).await
    }

    async fn prepare_call_hierarchy(
        &self,
        params: CallHierarchyPrepareParams,
    ) -> Result<Option<Vec<CallHierarchyItem>>> {
        handlers::call_hierarchy::prepare_call_hierarchy(self, params).await
    }

    async fn incoming_calls(
        &self,
        params: CallHierarchyIncomingCallsParams,
    ) -> Result<Option<Vec<CallHierarchyIncomingCall>>> {
        handlers::call_hierarchy::incoming_calls(self, params).await
    }

    async fn outgoing_calls(
        &self,
        params: CallHierarchyOutgoingCallsParams,
    ) -> Result<Option<Vec<CallHierarchyOutgoingCall>>> {
        handlers::call_hierarchy::outgoing_calls(self, params).await
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        handlers::completion::completion_resolve(self, item).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        handlers::document_symbol::document_symbol(self, params).await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        handlers::workspace_symbol::symbol(self, params).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        handlers::document_link::document_link(self, params).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        handlers::folding_range::folding_range(self, params).await
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        handlers::selection_range::selection_range(self, params).await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        handlers::did_change_configuration::did_change_configuration(self, params).await
    }
}
