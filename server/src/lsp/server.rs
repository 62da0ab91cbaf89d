//! The session and the notification handlers. State lives behind one
//! `std::sync::Mutex`; a handler does all its state work (version check,
//! rope edit, tree edit, re-lowering, index update) under the lock with no
//! `.await` in between, so edits apply in order even though
//! tower-lsp-server runs handlers concurrently. Diagnostics are computed on
//! immutable snapshots off the async runtime, debounced per generation,
//! published with the document version, and dropped when stale.
//!
//! Every folder of a multi-root workspace is its own LeanOS root with its
//! own snapshot; a file belongs to the innermost root that contains it.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::convert;
use super::document::{Document, EditPosition};
use crate::analysis::diagnostics::file_diagnostics;
use crate::analysis::{actions, completion, decorations, lineage, navigation, rename, symbols};
use crate::config::Settings;
use crate::facts::{lower, ReadState};
use crate::index::{lower_source, FileData, Snapshot, Source};
use crate::line_index::ColumnUnit;
use crate::vfs;

/// The code lens command that shows an assumption's references; its
/// arguments have the shape of VS Code's `editor.action.showReferences`
/// (`[uri, position, locations]`), and executing it on the server returns
/// the locations (for clients such as Neovim to list).
pub const SHOW_REFERENCES: &str = "leanos.showReferences";

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

/// How long edits settle before diagnostics are computed.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// What the client said it can do.
#[derive(Debug, Default, Clone, Copy)]
struct ClientFlags {
    work_done_progress: bool,
    watched_files_dynamic: bool,
    configuration: bool,
    definition_links: bool,
    document_changes: bool,
    create_files: bool,
    rename_files: bool,
    snippets: bool,
}

/// One workspace root and everything the server knows under it.
struct Workspace {
    root: PathBuf,
    snapshot: Snapshot,
    /// Open documents under this root, by workspace path.
    open: HashMap<String, Document>,
    /// Files whose diagnostics must be recomputed.
    pending: BTreeSet<String>,
    /// The cold scan has finished.
    ready: bool,
    /// Becomes true when the first scan of this root is installed, and
    /// stays true: requests wait on it (a rescan keeps answering from the
    /// complete snapshot before it).
    scanned: tokio::sync::watch::Sender<bool>,
    /// Files whose last published diagnostics were not empty, with the
    /// [`fingerprint`] of that publication: a file whose diagnostics come
    /// out the same is not sent again.
    published: HashMap<String, u64>,
}

impl Workspace {
    fn new(root: PathBuf) -> Workspace {
        Workspace {
            root,
            snapshot: Snapshot::new(Default::default()),
            open: HashMap::new(),
            pending: BTreeSet::new(),
            ready: false,
            scanned: tokio::sync::watch::Sender::new(false),
            published: HashMap::new(),
        }
    }

    /// Lowers an open document's current text and updates the index.
    fn relower_open(&mut self, path: &str) {
        let Some(doc) = self.open.get(path) else {
            return;
        };
        let text: Arc<str> = Arc::from(doc.rope.to_string());
        let version = doc.version;
        let config = self.snapshot.config.clone();
        // The same lowering as a file on disk: facts never depend on
        // whether a file is open.
        let read = ReadState::Read {
            invalid_utf8_at: None,
        };
        let facts = lower(path, &text, read, &config);
        let affected = self
            .snapshot
            .upsert(FileData::from_parts(path, text, facts, Some(version)));
        self.pending.extend(affected);
    }

    /// Re-reads a closed file from disk (or drops it when it is gone).
    fn reload_from_disk(&mut self, path: &str) {
        let config = self.snapshot.config.clone();
        if config.ignore_matcher().is_match(path) {
            return;
        }
        let affected = match vfs::read_file(&self.root, path, config.max_file_size) {
            Ok(content) if vfs::is_source_path(path) => {
                let source = Source {
                    path: path.to_string(),
                    content,
                };
                self.snapshot.upsert(lower_source(source, &config))
            }
            Ok(_) => self.snapshot.add_other_path(path),
            Err(_) => self.snapshot.remove(path),
        };
        self.pending.extend(affected);
    }

    /// Installs a freshly loaded snapshot, lays open documents over it and
    /// queues every file.
    fn install(&mut self, snapshot: Snapshot) {
        self.snapshot = snapshot;
        let open: Vec<String> = self.open.keys().cloned().collect();
        for path in open {
            self.relower_open(&path);
        }
        self.ready = true;
        self.scanned.send_replace(true);
        self.pending.extend(self.snapshot.files.keys().cloned());
        // Files that had diagnostics and may be gone now get cleared.
        self.pending.extend(self.published.keys().cloned());
    }
}

struct Session {
    workspaces: Vec<Workspace>,
    unit: ColumnUnit,
    flags: ClientFlags,
    settings: Settings,
    /// Bumped on every change; a debounced publish runs only if it is
    /// still the latest.
    generation: u64,
    /// The last `leanos/status` counts sent (files, threads, problems).
    status: Option<(usize, usize, usize)>,
}

impl Session {
    /// The workspace holding `uri` (the innermost root) and the file's
    /// workspace path in it.
    fn locate(&self, uri: &Uri) -> Option<(usize, String)> {
        let path = uri.to_file_path()?;
        self.workspaces
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                vfs::workspace_path(&w.root, &path).map(|p| (i, p, w.root.as_os_str().len()))
            })
            .max_by_key(|(_, _, depth)| *depth)
            .map(|(i, p, _)| (i, p))
    }

    fn add_root(&mut self, root: PathBuf) -> bool {
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        if self.workspaces.iter().any(|w| w.root == root) {
            return false;
        }
        self.workspaces.push(Workspace::new(root));
        true
    }
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

fn roots_of(params: &InitializeParams) -> Vec<PathBuf> {
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

type Publication = (Uri, Vec<Diagnostic>, Option<i32>);

/// Publications handed to the client's queue together.
const PUBLISH_BATCH: usize = 64;

/// A publish job with at least this many files computes them on every
/// core; smaller ones (what an edit reaches) on one thread.
const PARALLEL_FILES: usize = 512;

/// A hash of a publication as it goes over the wire: its document version
/// and its diagnostics serialized to JSON (so ranges are compared in the
/// client's encoding, not as byte offsets).
fn fingerprint(diagnostics: &[Diagnostic], version: Option<i32>) -> u64 {
    use std::hash::{Hash, Hasher};
    struct HashWriter<'a>(&'a mut std::hash::DefaultHasher);
    impl std::io::Write for HashWriter<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = std::hash::DefaultHasher::new();
    version.hash(&mut hasher);
    // Serializing plain data into a writer that cannot fail cannot fail.
    let _ = serde_json::to_writer(HashWriter(&mut hasher), diagnostics);
    hasher.finish()
}

impl Backend {
    /// Creates the server for `client`.
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            session: Arc::new(Mutex::new(Session {
                workspaces: Vec::new(),
                unit: ColumnUnit::Utf16,
                flags: ClientFlags::default(),
                settings: Settings::default(),
                generation: 0,
                status: None,
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
        self.schedule_after(session, DEBOUNCE);
    }

    /// Schedules a publish of the pending diagnostics after `delay` (zero
    /// after a scan: nobody is typing into a workspace that was not
    /// loaded), unless another change comes first.
    fn schedule_after(&self, session: &mut Session, delay: std::time::Duration) {
        session.generation += 1;
        let generation = session.generation;
        let this = self.clone();
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            this.publish(generation).await;
        });
    }

    async fn publish(&self, generation: u64) {
        struct Job {
            root: PathBuf,
            snapshot: Snapshot,
            pending: Vec<String>,
            versions: HashMap<String, i32>,
        }
        let (jobs, unit) = {
            let mut session = self.lock();
            if session.generation != generation {
                return;
            }
            // Open documents first, in a job of their own, so the file
            // being typed in is not kept waiting by the files its edit
            // reaches elsewhere in the workspace.
            let jobs: Vec<(usize, Job)> = session
                .workspaces
                .iter_mut()
                .enumerate()
                .filter(|(_, w)| w.ready && !w.pending.is_empty())
                .flat_map(|(i, w)| {
                    let (open, rest): (Vec<String>, Vec<String>) = std::mem::take(&mut w.pending)
                        .into_iter()
                        .partition(|path| w.open.contains_key(path));
                    let versions: HashMap<String, i32> =
                        w.open.iter().map(|(p, d)| (p.clone(), d.version)).collect();
                    [open, rest]
                        .into_iter()
                        .filter(|pending| !pending.is_empty())
                        .map(|pending| {
                            let job = Job {
                                root: w.root.clone(),
                                snapshot: w.snapshot.clone(),
                                pending,
                                versions: versions.clone(),
                            };
                            (i, job)
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            (jobs, session.unit)
        };
        for (index, job) in jobs {
            let Job {
                root,
                snapshot,
                pending,
                versions,
            } = job;
            let started = std::time::Instant::now();
            let files = pending.len();
            let job_root = root.clone();
            let computed = tokio::task::spawn_blocking(move || {
                use rayon::prelude::*;
                let root = job_root;
                let one = |path: &String| {
                    let file = snapshot.files.get(path);
                    let diagnostics = match file {
                        Some(file) => file_diagnostics(&snapshot, path)
                            .iter()
                            .map(|d| convert::diagnostic(&root, &snapshot, file, d, unit))
                            .collect(),
                        None => Vec::new(),
                    };
                    let version = file.and_then(|f| f.version);
                    let fingerprint = fingerprint(&diagnostics, version);
                    (path.clone(), diagnostics, version, fingerprint)
                };
                // An edit's few files stay on this one thread, leaving the
                // other cores to the next keystroke; a scan's thousands
                // use them all.
                if pending.len() < PARALLEL_FILES {
                    pending.iter().map(one).collect::<Vec<_>>()
                } else {
                    pending.par_iter().map(one).collect::<Vec<_>>()
                }
            })
            .await;
            let Ok(computed) = computed else {
                tracing::error!("diagnostics task failed");
                continue;
            };
            tracing::debug!(files, elapsed = ?started.elapsed(), "diagnostics computed");
            let mut to_send: Vec<(String, Vec<Diagnostic>, Option<i32>)> = Vec::new();
            {
                let mut session = self.lock();
                let Some(workspace) = session.workspaces.get_mut(index) else {
                    continue;
                };
                for (path, diagnostics, version, fingerprint) in computed {
                    // Stale: the document changed after this snapshot was
                    // taken; the change queued it for a newer generation.
                    let current = workspace.open.get(&path).map(|d| d.version);
                    if current != versions.get(&path).copied()
                        || current.is_some() && current != version
                    {
                        continue;
                    }
                    if diagnostics.is_empty() {
                        if workspace.published.remove(&path).is_none() {
                            continue;
                        }
                    } else if workspace.published.insert(path.clone(), fingerprint)
                        == Some(fingerprint)
                    {
                        // The client already shows exactly these.
                        continue;
                    }
                    to_send.push((path, diagnostics, version));
                }
            }
            // URIs made outside the lock, and only for what is sent: a scan
            // has tens of thousands of files without diagnostics.
            let to_send: Vec<Publication> = to_send
                .into_iter()
                .filter_map(|(path, diagnostics, version)| {
                    Some((convert::uri(&root, &path)?, diagnostics, version))
                })
                .collect();
            let sent = to_send.len();
            // Handed over in batches: each send has its own slot in the
            // client's queue, so a batch goes out without a thread switch
            // per message (a scan publishes thousands of files).
            let mut to_send = to_send.into_iter().peekable();
            while to_send.peek().is_some() {
                let batch =
                    to_send
                        .by_ref()
                        .take(PUBLISH_BATCH)
                        .map(|(uri, diagnostics, version)| {
                            self.client.publish_diagnostics(uri, diagnostics, version)
                        });
                futures::future::join_all(batch).await;
            }
            tracing::debug!(sent, elapsed = ?started.elapsed(), "diagnostics published");
        }
        let counts = {
            let session = self.lock();
            let ready = session.workspaces.iter().filter(|w| w.ready);
            ready.fold((0, 0), |(f, t), w| {
                (f + w.snapshot.files.len(), t + w.snapshot.threads.len())
            })
        };
        self.send_status(counts.0, counts.1).await;
    }

    /// Loads every root that is not ready (all of them when `all`) from
    /// disk, then lays open documents over it. Reports `$/progress` when
    /// the client supports it.
    async fn scan(&self, all: bool) {
        let (roots, settings, progress) = {
            let session = self.lock();
            let roots: Vec<PathBuf> = session
                .workspaces
                .iter()
                .filter(|w| all || !w.ready)
                .map(|w| w.root.clone())
                .collect();
            (
                roots,
                session.settings.clone(),
                session.flags.work_done_progress,
            )
        };
        if roots.is_empty() {
            if self.lock().workspaces.is_empty() {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        "leanos: no workspace folder; nothing to index",
                    )
                    .await;
            }
            return;
        }
        let token = NumberOrString::String(format!(
            "leanos-scan-{}-{}",
            std::process::id(),
            self.lock().generation
        ));
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
        self.client
            .send_notification::<StatusNotification>(serde_json::json!({"state": "indexing"}))
            .await;
        let mut summaries = Vec::new();
        for root in roots {
            let scan_root = root.clone();
            let scan_settings = settings.clone();
            let loaded = tokio::task::spawn_blocking(move || {
                crate::load::load_workspace(&scan_root, &scan_settings)
            })
            .await;
            let Ok((snapshot, stats)) = loaded else {
                self.client
                    .log_message(
                        MessageType::ERROR,
                        format!("leanos: indexing {} failed", root.display()),
                    )
                    .await;
                continue;
            };
            let summary = format!(
                "indexed {} files ({} threads) in {} ms",
                stats.files, stats.threads, stats.millis
            );
            tracing::info!(root = %root.display(), "{summary}");
            summaries.push(summary);
            let mut session = self.lock();
            if let Some(workspace) = session.workspaces.iter_mut().find(|w| w.root == root) {
                workspace.install(snapshot);
            }
            self.schedule_after(&mut session, std::time::Duration::ZERO);
        }
        let summary = summaries.join("; ");
        let counts = {
            let session = self.lock();
            let workspaces = session.workspaces.iter().filter(|w| w.ready);
            let (mut files, mut threads) = (0, 0);
            for w in workspaces {
                files += w.snapshot.files.len();
                threads += w.snapshot.threads.len();
            }
            (files, threads)
        };
        self.send_status(counts.0, counts.1).await;
        if let Some(ongoing) = ongoing {
            ongoing.finish_with_message(summary.clone()).await;
        }
        self.client
            .log_message(MessageType::INFO, format!("leanos: {summary}"))
            .await;
    }

    /// Sends `leanos/status` `ready` when the counts changed since the last
    /// one. Problems are the files whose published diagnostics are not
    /// empty (pending ones count once published).
    async fn send_status(&self, files: usize, threads: usize) {
        let message = {
            let mut session = self.lock();
            // `ready` only once every root is indexed: never `ready, files:
            // 0` before `indexing`.
            if !session.workspaces.iter().all(|w| *w.scanned.borrow()) {
                return;
            }
            let problems = session.workspaces.iter().map(|w| w.published.len()).sum();
            let counts = (files, threads, problems);
            if session.status == Some(counts) {
                return;
            }
            session.status = Some(counts);
            serde_json::json!({"state": "ready", "files": files, "threads": threads, "problems": problems})
        };
        self.client
            .send_notification::<StatusNotification>(message)
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
}

/// What a request handler works on: an immutable snapshot of the root
/// holding the document, the document's workspace path and the cursor as a
/// byte offset.
pub struct Query {
    pub snapshot: Snapshot,
    pub root: PathBuf,
    pub path: String,
    pub offset: u32,
    pub unit: ColumnUnit,
}

impl Query {
    /// The LSP locations of the selections of `locations` (files that are
    /// not lowered, such as CSVs, only have their start), the URI of a
    /// file computed once for its run of consecutive locations (references
    /// come sorted by path).
    pub fn locations(&self, locations: &[navigation::Location]) -> Vec<Location> {
        let mut out: Vec<Location> = Vec::with_capacity(locations.len());
        let mut last: Option<(&str, Uri)> = None;
        for l in locations {
            let uri = match &last {
                Some((path, uri)) if *path == l.path => uri.clone(),
                _ => match convert::uri(&self.root, &l.path) {
                    Some(uri) => {
                        last = Some((&l.path, uri.clone()));
                        uri
                    }
                    None => continue,
                },
            };
            out.push(Location::new(uri, self.range(&l.path, &l.selection)));
        }
        out
    }

    /// An LSP range for a byte range of a workspace file.
    pub fn range(&self, path: &str, range: &std::ops::Range<u32>) -> Range {
        match self.snapshot.files.get(path) {
            Some(file) => convert::range(file, range, self.unit),
            None => Range::default(),
        }
    }
}

impl Backend {
    /// Runs `f` on a snapshot for the document at `uri` off the async
    /// runtime, once the first scan of its root is done (see
    /// [`Backend::query_at`]); `Ok(None)` when the document is in no root.
    async fn query<T: Send + 'static>(
        &self,
        uri: &Uri,
        position: Position,
        f: impl FnOnce(&Query) -> T + Send + 'static,
    ) -> Result<Option<T>> {
        let Some(query) = self.query_at(uri, position).await? else {
            return Ok(None);
        };
        Ok(tokio::task::spawn_blocking(move || f(&query)).await.ok())
    }

    /// The snapshot query for the document at `uri`, as [`Backend::query`]
    /// takes it; for lookups cheap enough (tens of microseconds) to answer
    /// in place rather than pay two thread switches. Waits for the first
    /// scan of the document's root (at most [`FIRST_SCAN_WAIT`]; a
    /// `$/cancelRequest` drops the wait): an index still being built would
    /// give confidently wrong answers ("not defined"). Errors when the
    /// wait times out.
    async fn query_at(&self, uri: &Uri, position: Position) -> Result<Option<Query>> {
        let scanned = {
            let session = self.lock();
            let Some((index, _)) = session.locate(uri) else {
                return Ok(None);
            };
            session.workspaces[index].scanned.subscribe()
        };
        wait_for_first_scan(scanned).await?;
        let session = self.lock();
        let Some((index, path)) = session.locate(uri) else {
            return Ok(None);
        };
        let workspace = &session.workspaces[index];
        let Some(file) = workspace.snapshot.files.get(&path) else {
            return Ok(None);
        };
        let offset = convert::offset(&file.line_index, &file.text, position, session.unit);
        Ok(Some(Query {
            snapshot: workspace.snapshot.clone(),
            root: workspace.root.clone(),
            path,
            offset,
            unit: session.unit,
        }))
    }
}

/// How long a request waits for the first scan of its root before it
/// fails (a 30,000-thread workspace is ready in about 5 s).
const FIRST_SCAN_WAIT: Duration = Duration::from_secs(60);

/// Waits until `scanned` says the first scan is done; a `RequestFailed`
/// error (-32803) after [`FIRST_SCAN_WAIT`] or when the root went away.
async fn wait_for_first_scan(mut scanned: tokio::sync::watch::Receiver<bool>) -> Result<()> {
    let failed = |message: &str| tower_lsp_server::jsonrpc::Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.to_string().into(),
        data: None,
    };
    match tokio::time::timeout(FIRST_SCAN_WAIT, scanned.wait_for(|done| *done)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(_)) => Err(failed("leanos: the workspace folder was removed")),
        Err(_) => Err(failed(
            "leanos: the workspace is still being indexed; try again",
        )),
    }
}

/// The call-hierarchy item of a thread: named by its path under
/// `threads/`, opening on its first stage file, carrying its folder.
fn thread_item(q: &Query, dir: &str) -> Option<CallHierarchyItem> {
    let entry = navigation::thread_entry_file(&q.snapshot, dir)?;
    let info = crate::analysis::thread::thread_info(&q.snapshot, dir);
    let range = q.range(&entry, &(0..0));
    Some(CallHierarchyItem {
        name: navigation::thread_name(&q.snapshot, dir).to_string(),
        kind: SymbolKind::MODULE,
        tags: None,
        detail: Some(navigation::thread_title(&info)),
        uri: convert::uri(&q.root, &entry)?,
        range,
        selection_range: range,
        data: Some(serde_json::json!({ "thread": dir })),
    })
}

/// The string under `key` in an item's `data` round-tripped through the
/// client (call-hierarchy and completion items), or `None` when the client
/// sent no data or a different shape.
fn data_str(data: Option<&serde_json::Value>, key: &str) -> Option<String> {
    data?.get(key)?.as_str().map(str::to_string)
}

fn edit_position(position: Position) -> EditPosition {
    EditPosition {
        line: position.line,
        character: position.character,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let unit = negotiate_encoding(&params);
        let capabilities = &params.capabilities;
        let workspace = capabilities.workspace.as_ref();
        let flags = ClientFlags {
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
        };
        {
            let mut session = self.lock();
            for root in roots_of(&params) {
                session.add_root(root);
            }
            session.unit = unit;
            session.flags = flags;
        }
        if let Some(options) = &params.initialization_options {
            // `{"settings": …}` (VS Code, Neovim), `{"leanos": …}` (Helix's
            // `config` table), or the settings themselves.
            let value = options
                .get("settings")
                .or_else(|| options.get("leanos"))
                .unwrap_or(options);
            let (settings, _) = crate::config::parse_client_settings(value);
            self.lock().settings = settings;
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
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(SPAWN_KIND),
                            CodeActionKind::new(FIX_ALL_KIND),
                        ]),
                        resolve_provider: Some(false),
                        work_done_progress_options: Default::default(),
                    },
                )),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![SHOW_REFERENCES.into()],
                    work_done_progress_options: Default::default(),
                }),
                inlay_hint_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
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
                        },
                    ),
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
            let this = self.clone();
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
            let this = self.clone();
            tokio::spawn(async move { this.scan(true).await })
        };
        let this = self.clone();
        tokio::spawn(async move {
            let before = this.lock().settings.clone();
            this.fetch_settings().await;
            if this.lock().settings != before {
                tracing::info!("client settings changed the configuration: re-indexing");
                let _ = scan.await;
                this.scan(true).await;
            }
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let mut session = self.lock();
        let Some((index, path)) = session.locate(&params.text_document.uri) else {
            return;
        };
        let document = Document::new(
            &params.text_document.text,
            params.text_document.version,
            path.ends_with(".md"),
        );
        let workspace = &mut session.workspaces[index];
        workspace.open.insert(path.clone(), document);
        workspace.relower_open(&path);
        self.schedule(&mut session);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let mut session = self.lock();
        let Some((index, path)) = session.locate(&params.text_document.uri) else {
            return;
        };
        let unit = session.unit;
        let workspace = &mut session.workspaces[index];
        let Some(doc) = workspace.open.get_mut(&path) else {
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
            let range = change
                .range
                .map(|r| (edit_position(r.start), edit_position(r.end)));
            doc.apply(range, &change.text, unit);
        }
        doc.version = params.text_document.version;
        doc.reparse();
        workspace.relower_open(&path);
        self.schedule(&mut session);
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let mut session = self.lock();
        let Some((index, path)) = session.locate(&params.text_document.uri) else {
            return;
        };
        let workspace = &mut session.workspaces[index];
        if workspace.open.remove(&path).is_some() {
            workspace.reload_from_disk(&path);
            self.schedule(&mut session);
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut rescan = false;
        {
            let mut session = self.lock();
            for change in params.changes {
                let Some((index, path)) = session.locate(&change.uri) else {
                    continue;
                };
                let workspace = &mut session.workspaces[index];
                if path == "leanos.toml" {
                    // New folders, prefixes or ignores: reload that root.
                    workspace.ready = false;
                    rescan = true;
                    continue;
                }
                if workspace.open.contains_key(&path) {
                    // The editor's text wins over disk while a file is open.
                    continue;
                }
                if change.typ == FileChangeType::DELETED {
                    let affected = workspace.snapshot.remove(&path);
                    workspace.pending.extend(affected);
                } else {
                    workspace.reload_from_disk(&path);
                }
            }
            self.schedule(&mut session);
        }
        if rescan {
            self.scan(false).await;
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let mut cleared: Vec<Uri> = Vec::new();
        {
            let mut session = self.lock();
            for removed in &params.event.removed {
                let Some(path) = removed.uri.to_file_path() else {
                    continue;
                };
                let path = std::fs::canonicalize(&path).unwrap_or_else(|_| path.into_owned());
                if let Some(i) = session.workspaces.iter().position(|w| w.root == path) {
                    let workspace = session.workspaces.remove(i);
                    cleared.extend(
                        workspace
                            .published
                            .keys()
                            .filter_map(|p| convert::uri(&workspace.root, p)),
                    );
                }
            }
            for added in &params.event.added {
                if let Some(path) = added.uri.to_file_path() {
                    session.add_root(path.into_owned());
                }
            }
        }
        for uri in cleared {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
        self.scan(false).await;
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let position = params.text_document_position_params;
        let links = self.lock().flags.definition_links;
        // A definition is a few map lookups: answered in place.
        let response = self
            .query_at(&position.text_document.uri, position.position)
            .await?
            .map(|q| {
                let (origin, locations) = navigation::definition(&q.snapshot, &q.path, q.offset)?;
                if locations.is_empty() {
                    return None;
                }
                let origin = q.range(&q.path, &origin);
                if links {
                    let links: Vec<LocationLink> = locations
                        .iter()
                        .filter_map(|l| {
                            Some(LocationLink {
                                origin_selection_range: Some(origin),
                                target_uri: convert::uri(&q.root, &l.path)?,
                                target_range: q.range(&l.path, &l.range),
                                target_selection_range: q.range(&l.path, &l.selection),
                            })
                        })
                        .collect();
                    Some(GotoDefinitionResponse::Link(links))
                } else {
                    Some(GotoDefinitionResponse::Array(q.locations(&locations)))
                }
            });
        Ok(response.flatten())
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let position = params.text_document_position;
        let include = params.context.include_declaration;
        let response = self
            .query(&position.text_document.uri, position.position, move |q| {
                q.locations(&navigation::references(
                    &q.snapshot,
                    &q.path,
                    q.offset,
                    include,
                ))
            })
            .await?;
        Ok(response)
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let response = self
            .query(&position.text_document.uri, position.position, |q| {
                let (range, text) = navigation::hover(&q.snapshot, &q.path, q.offset)?;
                Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: text,
                    }),
                    range: Some(q.range(&q.path, &range)),
                })
            })
            .await?;
        Ok(response.flatten())
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let response = self
            .query(&params.text_document.uri, params.position, |q| {
                rename::prepare_rename(&q.snapshot, &q.path, q.offset).map(|(range, id)| {
                    PrepareRenameResponse::RangeWithPlaceholder {
                        range: q.range(&q.path, &range),
                        placeholder: id,
                    }
                })
            })
            .await?;
        match response {
            Some(Ok(response)) => Ok(Some(response)),
            Some(Err(message)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
            None => Ok(None),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let position = params.text_document_position;
        let new_name = params.new_name;
        let document_changes = self.lock().flags.document_changes;
        let versions: HashMap<Uri, i32> = {
            let session = self.lock();
            session
                .workspaces
                .iter()
                .flat_map(|w| {
                    w.open
                        .iter()
                        .filter_map(|(p, d)| Some((convert::uri(&w.root, p)?, d.version)))
                })
                .collect()
        };
        let response = self
            .query(&position.text_document.uri, position.position, move |q| {
                let edits = rename::rename(&q.snapshot, &q.path, q.offset, &new_name)?;
                let mut changes: Vec<(Uri, Vec<TextEdit>)> = Vec::new();
                for (path, list) in &edits {
                    let Some(uri) = convert::uri(&q.root, path) else {
                        continue;
                    };
                    let text_edits = list
                        .iter()
                        .map(|(range, text)| TextEdit::new(q.range(path, range), text.clone()))
                        .collect();
                    changes.push((uri, text_edits));
                }
                Ok::<_, String>(if document_changes {
                    WorkspaceEdit {
                        document_changes: Some(DocumentChanges::Edits(
                            changes
                                .into_iter()
                                .map(|(uri, edits)| TextDocumentEdit {
                                    text_document: OptionalVersionedTextDocumentIdentifier {
                                        version: versions.get(&uri).copied(),
                                        uri,
                                    },
                                    edits: edits.into_iter().map(OneOf::Left).collect(),
                                })
                                .collect(),
                        )),
                        ..Default::default()
                    }
                } else {
                    WorkspaceEdit {
                        changes: Some(changes.into_iter().collect()),
                        ..Default::default()
                    }
                })
            })
            .await?;
        match response {
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(message)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
            None => Ok(None),
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        let snippets = self.lock().flags.snippets;
        let today = completion::today();
        let response = self
            .query(&position.text_document.uri, position.position, move |q| {
                let items: Vec<CompletionItem> =
                    completion::complete(&q.snapshot, &q.path, q.offset, &today)
                        .into_iter()
                        .map(|item| {
                            let range = q.range(&q.path, &item.replace);
                            convert::completion_item(item, range, snippets)
                        })
                        .collect();
                CompletionResponse::Array(items)
            })
            .await?;
        Ok(response)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let flags = self.lock().flags;
        let versions: HashMap<String, i32> = {
            let session = self.lock();
            session
                .workspaces
                .iter()
                .flat_map(|w| {
                    w.open.iter().filter_map(|(p, d)| {
                        Some((convert::uri(&w.root, p)?.to_string(), d.version))
                    })
                })
                .collect()
        };
        let range = params.range;
        let only = params.context.only.clone();
        let client_diagnostics = params.context.diagnostics.clone();
        let response = self
            .query(&params.text_document.uri, range.start, move |q| {
                let file = q.snapshot.files.get(&q.path)?;
                let end = convert::offset(&file.line_index, &file.text, range.end, q.unit);
                let wanted = |kind: &str| match &only {
                    None => true,
                    Some(kinds) => kinds.iter().any(|k| {
                        kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str()))
                    }),
                };
                let mut found: Vec<actions::Action> = Vec::new();
                if wanted("quickfix") {
                    found.extend(actions::quick_fixes(&q.snapshot, &q.path, &(q.offset..end)));
                }
                if wanted(SPAWN_KIND) {
                    found.extend(actions::spawn::spawn_actions(
                        &q.snapshot,
                        &q.path,
                        q.offset,
                        &completion::today(),
                    ));
                }
                if wanted(FIX_ALL_KIND) {
                    found.extend(actions::fix_all(&q.snapshot, &q.path));
                }
                let mut out = Vec::new();
                let mut skipped = 0;
                for action in found {
                    match convert::code_action(
                        q,
                        &action,
                        flags.document_changes,
                        flags.create_files,
                        flags.rename_files,
                        &versions,
                        &client_diagnostics,
                    ) {
                        Some(converted) => out.push(CodeActionOrCommand::CodeAction(converted)),
                        None => skipped += 1,
                    }
                }
                Some((out, skipped))
            })
            .await?
            .flatten();
        let Some((actions, skipped)) = response else {
            return Ok(None);
        };
        if skipped > 0 {
            self.client
                .log_message(
                    MessageType::INFO,
                    format!("leanos: {skipped} code action(s) need file creation or renaming, which this client does not support"),
                )
                .await;
        }
        Ok(Some(actions))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let response = self
            .query(&params.text_document.uri, Position::default(), |q| {
                let uri = convert::uri(&q.root, &q.path)?;
                let lenses = decorations::code_lenses(&q.snapshot, &q.path)
                    .into_iter()
                    .map(|lens| {
                        let range = q.range(&q.path, &lens.range);
                        let locations = q.locations(&lens.references);
                        CodeLens {
                            range,
                            command: Some(Command {
                                title: lens.title,
                                command: SHOW_REFERENCES.into(),
                                arguments: Some(vec![
                                    serde_json::json!(uri),
                                    serde_json::json!(range.start),
                                    serde_json::json!(locations),
                                ]),
                            }),
                            data: None,
                        }
                    })
                    .collect::<Vec<_>>();
                Some(lenses)
            })
            .await?;
        Ok(response.flatten())
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command != SHOW_REFERENCES {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "unknown command `{}`",
                params.command
            )));
        }
        // The locations travel with the command: hand them back.
        Ok(params.arguments.get(2).cloned())
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let requested = params.range;
        let response = self
            .query(&params.text_document.uri, requested.start, move |q| {
                let file = q.snapshot.files.get(&q.path)?;
                let end = convert::offset(&file.line_index, &file.text, requested.end, q.unit);
                let hints = decorations::inlay_hints(&q.snapshot, &q.path, &(q.offset..end))
                    .into_iter()
                    .map(|hint| InlayHint {
                        position: convert::position(
                            &file.line_index,
                            &file.text,
                            hint.offset,
                            q.unit,
                        ),
                        label: InlayHintLabel::String(hint.label),
                        kind: None,
                        text_edits: None,
                        tooltip: Some(InlayHintTooltip::String(hint.tooltip)),
                        padding_left: Some(true),
                        padding_right: None,
                        data: None,
                    })
                    .collect::<Vec<_>>();
                Some(hints)
            })
            .await?;
        Ok(response.flatten())
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let response = self
            .query(&params.text_document.uri, Position::default(), |q| {
                let file = q.snapshot.files.get(&q.path)?;
                let mut data = Vec::new();
                let (mut previous_line, mut previous_start) = (0u32, 0u32);
                for token in decorations::semantic_tokens(&q.snapshot, &q.path) {
                    let start =
                        convert::position(&file.line_index, &file.text, token.range.start, q.unit);
                    let end =
                        convert::position(&file.line_index, &file.text, token.range.end, q.unit);
                    if end.line != start.line {
                        continue;
                    }
                    let delta_line = start.line - previous_line;
                    let delta_start = if delta_line == 0 {
                        start.character - previous_start
                    } else {
                        start.character
                    };
                    data.push(SemanticToken {
                        delta_line,
                        delta_start,
                        length: end.character - start.character,
                        token_type: token.token_type,
                        token_modifiers_bitset: token.modifiers,
                    });
                    previous_line = start.line;
                    previous_start = start.character;
                }
                Some(SemanticTokensResult::Tokens(SemanticTokens {
                    result_id: None,
                    data,
                }))
            })
            .await?;
        Ok(response.flatten())
    }

    async fn prepare_call_hierarchy(
        &self,
        params: CallHierarchyPrepareParams,
    ) -> Result<Option<Vec<CallHierarchyItem>>> {
        let position = params.text_document_position_params;
        let response = self
            .query(&position.text_document.uri, position.position, |q| {
                let target = navigation::target_at(&q.snapshot, &q.path, q.offset)
                    .map(|hit| hit.target)
                    .filter(|t| matches!(t, navigation::Target::Thread(_)))
                    .or_else(|| navigation::file_target(&q.snapshot, &q.path));
                match target {
                    Some(navigation::Target::Thread(dir)) => {
                        thread_item(q, &dir).map(|item| vec![item])
                    }
                    _ => None,
                }
            })
            .await?;
        Ok(response.flatten())
    }

    async fn incoming_calls(
        &self,
        params: CallHierarchyIncomingCallsParams,
    ) -> Result<Option<Vec<CallHierarchyIncomingCall>>> {
        let item = params.item;
        let Some(dir) = data_str(item.data.as_ref(), "thread") else {
            return Ok(None);
        };
        let response = self
            .query(&item.uri, Position::default(), move |q| {
                let calls = lineage::parents(&q.snapshot, &dir)
                    .into_keys()
                    .filter_map(|parent| {
                        let from = thread_item(q, &parent)?;
                        // Where the parent names this thread (a spawned
                        // back-link) in the parent's own entry file.
                        let ranges = lineage::children(&q.snapshot, &parent)
                            .remove(&dir)
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|(path, _)| {
                                Some(path)
                                    == navigation::thread_entry_file(&q.snapshot, &parent).as_ref()
                            })
                            .map(|(path, range)| q.range(&path, &range))
                            .collect();
                        Some(CallHierarchyIncomingCall {
                            from,
                            from_ranges: ranges,
                        })
                    })
                    .collect::<Vec<_>>();
                Some(calls)
            })
            .await?;
        Ok(response.flatten())
    }

    async fn outgoing_calls(
        &self,
        params: CallHierarchyOutgoingCallsParams,
    ) -> Result<Option<Vec<CallHierarchyOutgoingCall>>> {
        let item = params.item;
        let Some(dir) = data_str(item.data.as_ref(), "thread") else {
            return Ok(None);
        };
        let response = self
            .query(&item.uri, Position::default(), move |q| {
                let entry = navigation::thread_entry_file(&q.snapshot, &dir);
                let calls = lineage::children(&q.snapshot, &dir)
                    .into_iter()
                    .filter_map(|(child, ranges)| {
                        let to = thread_item(q, &child)?;
                        let from_ranges = ranges
                            .into_iter()
                            .filter(|(path, _)| Some(path) == entry.as_ref())
                            .map(|(path, range)| q.range(&path, &range))
                            .collect();
                        Some(CallHierarchyOutgoingCall { to, from_ranges })
                    })
                    .collect::<Vec<_>>();
                Some(calls)
            })
            .await?;
        Ok(response.flatten())
    }

    async fn completion_resolve(&self, mut item: CompletionItem) -> Result<CompletionItem> {
        let Some(id) = data_str(item.data.as_ref(), "assumption") else {
            return Ok(item);
        };
        let snapshots: Vec<Snapshot> = self
            .lock()
            .workspaces
            .iter()
            .map(|w| w.snapshot.clone())
            .collect();
        let text = tokio::task::spawn_blocking(move || {
            snapshots
                .iter()
                .find_map(|s| navigation::hover_text_for_assumption(s, &id))
        })
        .await
        .ok()
        .flatten();
        if let Some(value) = text {
            item.documentation = Some(Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }));
        }
        Ok(item)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let response = self
            .query(&params.text_document.uri, Position::default(), |q| {
                let file = q.snapshot.files.get(&q.path)?;
                let symbols = symbols::document_symbols(file);
                Some(DocumentSymbolResponse::Nested(
                    symbols
                        .iter()
                        .map(|s| convert::document_symbol(file, s, q.unit))
                        .collect(),
                ))
            })
            .await?;
        Ok(response.flatten())
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        // Every root's first scan, or the answer would miss its symbols.
        let scans: Vec<_> = self
            .lock()
            .workspaces
            .iter()
            .map(|w| w.scanned.subscribe())
            .collect();
        for scanned in scans {
            wait_for_first_scan(scanned).await?;
        }
        let (snapshots, unit) = {
            let session = self.lock();
            let snapshots: Vec<(PathBuf, Snapshot)> = session
                .workspaces
                .iter()
                .filter(|w| *w.scanned.borrow())
                .map(|w| (w.root.clone(), w.snapshot.clone()))
                .collect();
            (snapshots, session.unit)
        };
        let query = params.query;
        let found = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for (root, snapshot) in &snapshots {
                for symbol in symbols::workspace_symbols(snapshot, &query, 256) {
                    let range = match snapshot.files.get(&symbol.path) {
                        Some(file) => convert::range(file, &symbol.range, unit),
                        None => Range::default(),
                    };
                    let Some(uri) = convert::uri(root, &symbol.path) else {
                        continue;
                    };
                    out.push(WorkspaceSymbol {
                        name: symbol.name,
                        kind: convert::symbol_kind(symbol.kind),
                        tags: None,
                        container_name: symbol.container,
                        location: OneOf::Left(Location::new(uri, range)),
                        data: None,
                    });
                }
            }
            out
        })
        .await
        .unwrap_or_default();
        Ok(Some(WorkspaceSymbolResponse::Nested(found)))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let response = self
            .query(&params.text_document.uri, Position::default(), |q| {
                symbols::document_links(&q.snapshot, &q.path)
                    .into_iter()
                    .filter_map(|link| {
                        Some(DocumentLink {
                            range: q.range(&q.path, &link.range),
                            target: Some(convert::uri(&q.root, &link.target)?),
                            tooltip: Some(link.target),
                            data: None,
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .await?;
        Ok(response)
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
        let any_ready = self.lock().workspaces.iter().any(|w| w.ready);
        if any_ready {
            self.scan(true).await;
        }
    }
}
