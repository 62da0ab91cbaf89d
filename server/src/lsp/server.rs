//! The session and the notification handlers. State lives behind one
//! `std::sync::Mutex`; a handler does all its state work (version check,
//! rope edit, tree edit, re-lowering, index update) under the lock with no
//! `.await` in between, so edits apply in order even though
//! tower-lsp-server runs handlers concurrently. Diagnostics are computed on
//! an immutable snapshot off the async runtime, debounced per generation,
//! published with the document version, and dropped when stale.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::convert;
use super::document::{Document, EditPosition};
use crate::analysis::diagnostics::file_diagnostics;
use crate::config::Settings;
use crate::facts::{lower, ReadState};
use crate::index::{lower_source, FileData, Snapshot, Source};
use crate::line_index::ColumnUnit;
use crate::vfs;

/// How long edits settle before diagnostics are computed.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// What the client said it can do.
#[derive(Debug, Default, Clone, Copy)]
struct ClientFlags {
    work_done_progress: bool,
    watched_files_dynamic: bool,
    configuration: bool,
}

struct Session {
    root: Option<PathBuf>,
    unit: ColumnUnit,
    flags: ClientFlags,
    settings: Settings,
    snapshot: Snapshot,
    open: HashMap<String, Document>,
    /// Files whose diagnostics must be recomputed.
    pending: BTreeSet<String>,
    /// Bumped on every change; a debounced publish runs only if it is
    /// still the latest.
    generation: u64,
    /// The cold scan has finished.
    ready: bool,
    /// Files whose last published diagnostics were not empty.
    published: HashSet<String>,
}

/// The language server.
#[derive(Clone)]
pub struct Backend {
    client: Client,
    session: Arc<Mutex<Session>>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Backend")
    }
}

fn negotiate_encoding(params: &InitializeParams) -> ColumnUnit {
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

fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    if let Some(folder) = params.workspace_folders.as_ref().and_then(|f| f.first()) {
        return folder.uri.to_file_path().map(|p| p.into_owned());
    }
    #[allow(deprecated)]
    if let Some(uri) = &params.root_uri {
        return uri.to_file_path().map(|p| p.into_owned());
    }
    None
}

impl Backend {
    /// Creates the server for `client`.
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            session: Arc::new(Mutex::new(Session {
                root: None,
                unit: ColumnUnit::Utf16,
                flags: ClientFlags::default(),
                settings: Settings::default(),
                snapshot: Snapshot::new(Default::default()),
                open: HashMap::new(),
                pending: BTreeSet::new(),
                generation: 0,
                ready: false,
                published: HashSet::new(),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Session> {
        // A panic while holding the lock must not take the server down.
        self.session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Schedules a debounced publish of the pending diagnostics.
    fn schedule(&self, session: &mut Session) {
        session.generation += 1;
        let generation = session.generation;
        let this = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(DEBOUNCE).await;
            this.publish(generation).await;
        });
    }

    async fn publish(&self, generation: u64) {
        let (snapshot, pending, root, unit, versions) = {
            let mut session = self.lock();
            if session.generation != generation || !session.ready {
                return;
            }
            let Some(root) = session.root.clone() else {
                return;
            };
            let pending: Vec<String> = std::mem::take(&mut session.pending).into_iter().collect();
            let versions: HashMap<String, i32> = session
                .open
                .iter()
                .map(|(path, doc)| (path.clone(), doc.version))
                .collect();
            (
                session.snapshot.clone(),
                pending,
                root,
                session.unit,
                versions,
            )
        };
        if pending.is_empty() {
            return;
        }
        let computed = tokio::task::spawn_blocking(move || {
            use rayon::prelude::*;
            pending
                .par_iter()
                .map(|path| {
                    let diagnostics = match snapshot.files.get(path) {
                        Some(file) => file_diagnostics(&snapshot, path)
                            .iter()
                            .map(|d| convert::diagnostic(&root, &snapshot, file, d, unit))
                            .collect(),
                        None => Vec::new(),
                    };
                    let version = snapshot.files.get(path).and_then(|f| f.version);
                    (
                        path.clone(),
                        convert::uri(&root, path),
                        diagnostics,
                        version,
                    )
                })
                .collect::<Vec<_>>()
        })
        .await;
        let Ok(computed) = computed else {
            tracing::error!("diagnostics task failed");
            return;
        };
        let mut to_send = Vec::new();
        {
            let mut session = self.lock();
            for (path, uri, diagnostics, version) in computed {
                // Stale: the document changed after this snapshot; the
                // change queued it again for a newer generation.
                let current = session.open.get(&path).map(|d| d.version);
                if current != versions.get(&path).copied()
                    || current.is_some() && current != version
                {
                    continue;
                }
                if diagnostics.is_empty() && !session.published.remove(&path) {
                    continue;
                }
                if !diagnostics.is_empty() {
                    session.published.insert(path.clone());
                }
                if let Some(uri) = uri {
                    to_send.push((uri, diagnostics, version));
                }
            }
        }
        for (uri, diagnostics, version) in to_send {
            self.client
                .publish_diagnostics(uri, diagnostics, version)
                .await;
        }
    }

    /// Lowers an open document's current text and updates the index.
    fn relower_open(session: &mut Session, path: &str) {
        let Some(doc) = session.open.get(path) else {
            return;
        };
        let text: Arc<str> = Arc::from(doc.rope.to_string());
        let version = doc.version;
        let config = session.snapshot.config.clone();
        // The same lowering as a file on disk: facts never depend on
        // whether a file is open.
        let facts = lower(
            path,
            &text,
            None,
            ReadState::Read {
                invalid_utf8_at: None,
            },
            &config,
        );
        let affected =
            session
                .snapshot
                .upsert(FileData::from_parts(path, text, facts, Some(version)));
        session.pending.extend(affected);
    }

    /// Re-reads a closed file from disk (or drops it when it is gone).
    fn reload_from_disk(session: &mut Session, path: &str) {
        let Some(root) = session.root.clone() else {
            return;
        };
        let config = session.snapshot.config.clone();
        if config.ignore_matcher().is_match(path) {
            return;
        }
        let affected = match vfs::read_file(&root, path, config.max_file_size) {
            Ok(content) if vfs::is_source_path(path) => {
                let file = lower_source(
                    Source {
                        path: path.to_string(),
                        content,
                    },
                    &config,
                );
                session.snapshot.upsert(file)
            }
            Ok(_) => session.snapshot.add_other_path(path),
            Err(_) => session.snapshot.remove(path),
        };
        session.pending.extend(affected);
    }

    /// Loads the whole workspace from disk (cold scan), then lays open
    /// documents over it. Reports `$/progress` when the client supports it.
    async fn scan(&self) {
        let (root, settings, progress) = {
            let session = self.lock();
            (
                session.root.clone(),
                session.settings.clone(),
                session.flags.work_done_progress,
            )
        };
        let Some(root) = root else {
            self.client
                .log_message(
                    MessageType::WARNING,
                    "leanos: no workspace folder; nothing to index",
                )
                .await;
            return;
        };
        let token = NumberOrString::String(format!("leanos-scan-{}", std::process::id()));
        let ongoing = if progress
            && self
                .client
                .create_work_done_progress(token.clone())
                .await
                .is_ok()
        {
            Some(
                self.client
                    .progress(token, "LeanOS")
                    .with_message("indexing the workspace")
                    .begin()
                    .await,
            )
        } else {
            None
        };
        let scan_root = root.clone();
        let loaded =
            tokio::task::spawn_blocking(move || crate::load::load_workspace(&scan_root, &settings))
                .await;
        let Ok((snapshot, stats)) = loaded else {
            self.client
                .log_message(MessageType::ERROR, "leanos: indexing failed")
                .await;
            return;
        };
        let summary = format!(
            "indexed {} files ({} threads) in {} ms",
            stats.files, stats.threads, stats.millis
        );
        tracing::info!("{summary}");
        {
            let mut session = self.lock();
            session.snapshot = snapshot;
            let open: Vec<String> = session.open.keys().cloned().collect();
            for path in open {
                Self::relower_open(&mut session, &path);
            }
            session.ready = true;
            let all: Vec<String> = session.snapshot.files.keys().cloned().collect();
            session.pending.extend(all);
            let previously: Vec<String> = session.published.iter().cloned().collect();
            session.pending.extend(previously);
            self.schedule(&mut session);
        }
        if let Some(ongoing) = ongoing {
            ongoing.finish_with_message(summary.clone()).await;
        }
        self.client
            .log_message(MessageType::INFO, format!("leanos: {summary}"))
            .await;
    }

    async fn fetch_settings(&self) {
        if !self.lock().flags.configuration {
            return;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("leanos".into()),
        }];
        let Ok(values) = self.client.configuration(items).await else {
            return;
        };
        let value = values.into_iter().next().unwrap_or(serde_json::Value::Null);
        self.apply_settings_value(&value).await;
    }

    async fn apply_settings_value(&self, value: &serde_json::Value) {
        let (settings, problems) = crate::config::parse_client_settings(value);
        for problem in problems {
            self.client
                .log_message(MessageType::WARNING, format!("leanos: {problem}"))
                .await;
        }
        self.lock().settings = settings;
    }

    fn path_of(&self, session: &Session, uri: &Uri) -> Option<String> {
        let root = session.root.as_ref()?;
        convert::workspace_path(root, uri)
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let unit = negotiate_encoding(&params);
        let capabilities = &params.capabilities;
        let flags = ClientFlags {
            work_done_progress: capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            watched_files_dynamic: capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            configuration: capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false),
        };
        {
            let mut session = self.lock();
            session.root =
                root_of(&params).map(|root| std::fs::canonicalize(&root).unwrap_or(root));
            session.unit = unit;
            session.flags = flags;
        }
        if let Some(options) = &params.initialization_options {
            if let Some(value) = options.get("settings").or(Some(options)) {
                let (settings, _) = crate::config::parse_client_settings(value);
                self.lock().settings = settings;
            }
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
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "leanos-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let flags = self.lock().flags;
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
            if let Err(error) = self.client.register_capability(vec![registration]).await {
                tracing::warn!("could not register file watchers: {error}");
            }
        }
        self.fetch_settings().await;
        let this = self.clone();
        tokio::spawn(async move { this.scan().await });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let mut session = self.lock();
        let Some(path) = self.path_of(&session, &params.text_document.uri) else {
            return;
        };
        let document = Document::new(
            &params.text_document.text,
            params.text_document.version,
            path.ends_with(".md"),
        );
        session.open.insert(path.clone(), document);
        Self::relower_open(&mut session, &path);
        self.schedule(&mut session);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let mut session = self.lock();
        let Some(path) = self.path_of(&session, &params.text_document.uri) else {
            return;
        };
        let unit = session.unit;
        let Some(doc) = session.open.get_mut(&path) else {
            tracing::warn!("didChange for {path}, which is not open");
            return;
        };
        if params.text_document.version <= doc.version {
            tracing::warn!(
                "ignoring didChange for {path}: version {} is not newer than {}",
                params.text_document.version,
                doc.version
            );
            return;
        }
        for change in params.content_changes {
            let range = change.range.map(|r| {
                (
                    EditPosition {
                        line: r.start.line,
                        character: r.start.character,
                    },
                    EditPosition {
                        line: r.end.line,
                        character: r.end.character,
                    },
                )
            });
            doc.apply(range, &change.text, unit);
        }
        doc.version = params.text_document.version;
        doc.reparse();
        Self::relower_open(&mut session, &path);
        self.schedule(&mut session);
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let mut session = self.lock();
        let Some(path) = self.path_of(&session, &params.text_document.uri) else {
            return;
        };
        if session.open.remove(&path).is_some() {
            Self::reload_from_disk(&mut session, &path);
            self.schedule(&mut session);
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut rescan = false;
        {
            let mut session = self.lock();
            for change in params.changes {
                let Some(path) = self.path_of(&session, &change.uri) else {
                    continue;
                };
                if path == "leanos.toml" {
                    rescan = true;
                    continue;
                }
                if session.open.contains_key(&path) {
                    // The editor's text wins over disk while a file is open.
                    continue;
                }
                if change.typ == FileChangeType::DELETED {
                    let affected = session.snapshot.remove(&path);
                    session.pending.extend(affected);
                } else {
                    Self::reload_from_disk(&mut session, &path);
                }
            }
            if !rescan {
                self.schedule(&mut session);
            }
        }
        if rescan {
            self.scan().await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if self.lock().flags.configuration {
            self.fetch_settings().await;
        } else {
            let value = params
                .settings
                .get("leanos")
                .cloned()
                .unwrap_or(params.settings);
            self.apply_settings_value(&value).await;
        }
        if self.lock().ready {
            self.scan().await;
        }
    }
}
