//! The `session` target: a protocol session against the in-process server
//! (`Backend::service`): files on disk in a temporary root, `initialize`,
//! then a sequence of open, change, close, save, disk writes and deletes
//! reported as watched-file events, client settings changes, the root
//! leaving and rejoining the workspace folders, and requests; then
//! `leanos/settled`.
//!
//! Checks: no panic (counted by a panic hook: the server catches its
//! handlers' panics and answers an error, so a response alone does not
//! tell); a response to every request
//! within [`ANSWER_LIMIT`] (else a hang was found); and once settled, the
//! diagnostics the server last published for every file equal those of a
//! fresh load of the same root with the client's last settings and the
//! open documents' texts (codes, messages, severities and UTF-16 ranges),
//! or nothing at all while the root is out of the workspace folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::LspService;

use leanos_lsp::analysis::diagnostics::workspace_diagnostics;
use leanos_lsp::config::parse_client_settings;
use leanos_lsp::ingest::{Content, Policy};
use leanos_lsp::lsp::Backend;

use super::answers;
use super::lines::Lines;

/// How long a request may go unanswered before it counts as a hang.
pub const ANSWER_LIMIT: Duration = Duration::from_secs(30);

/// One thing the client does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// `didOpen` (skipped when the document is open).
    Open { path: String, text: String },
    /// `didChange` with the whole text (open documents only).
    Replace { path: String, text: String },
    /// `didChange` of the byte range `start..end` of the document's text
    /// (clamped to it and to character boundaries), sent as a UTF-16 range.
    Edit {
        path: String,
        start: u32,
        end: u32,
        text: String,
    },
    /// `didChange` with a range of any positions (past the end, inside a
    /// surrogate pair, reversed), then a whole-text change back to the text
    /// the client holds: whatever the server made of the first, the second
    /// brings both sides back to a known text.
    Garbage {
        path: String,
        start: (u32, u32),
        end: (u32, u32),
        text: String,
    },
    /// `didClose` (open documents only).
    Close { path: String },
    /// Writes an open document's text to disk, `didSave`, and the
    /// watched-file event a client sends for it.
    Save { path: String },
    /// Writes the file on disk and reports it (created or changed).
    Write { path: String, bytes: Vec<u8> },
    /// Deletes the file on disk (when it exists) and reports it deleted.
    Delete { path: String },
    /// Reports the file changed without changing it.
    Touch { path: String },
    /// A request at a position of a document (method by name; see
    /// [`request_params`]), then the requests its answer hands the client
    /// (`follow_up.rs`: resolving completion items, expanding call
    /// hierarchy items, executing the commands of lenses and actions).
    Request {
        method: String,
        path: String,
        line: u32,
        character: u32,
    },
    /// The same request at byte `offset` of the document as the client
    /// has it, or as it is on disk when it is not open (modulo the text's
    /// length plus one, moved back to a character boundary): most land on
    /// text, where `line` and `character` mostly land past it. At 0:0 when
    /// the file is nowhere.
    RequestAt {
        method: String,
        path: String,
        offset: u32,
    },
    /// The client's `leanos` settings become `value`:
    /// `workspace/didChangeConfiguration`, and the client's answer to
    /// `workspace/configuration` from then on.
    Settings { value: Value },
    /// `workspace/didChangeWorkspaceFolders`: the root leaves the
    /// workspace folders (`present` false) or joins them again (sent
    /// whatever the folders are, so a root can be removed twice).
    Folder { present: bool },
}

/// A whole session: the files on disk before it starts, then the steps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub files: Vec<(String, Vec<u8>)>,
    pub steps: Vec<Step>,
}

/// The requests a [`Step::Request`] can send.
pub const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/completion",
    "textDocument/codeAction",
    "textDocument/documentSymbol",
    "textDocument/documentLink",
    "textDocument/foldingRange",
    "textDocument/selectionRange",
    "textDocument/codeLens",
    "textDocument/inlayHint",
    "textDocument/semanticTokens/full",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/prepareCallHierarchy",
    "workspace/symbol",
    "workspace/executeCommand",
];

/// The parameters of `method` at `position` of the document `uri`.
pub fn request_params(method: &str, uri: &str, line: u32, character: u32) -> Value {
    let document = json!({ "uri": uri });
    let position = json!({ "line": line, "character": character });
    let range = json!({ "start": { "line": 0, "character": 0 }, "end": position });
    match method {
        "textDocument/references" => {
            json!({ "textDocument": document, "position": position, "context": { "includeDeclaration": true } })
        }
        "textDocument/codeAction" => {
            json!({ "textDocument": document, "range": range, "context": { "diagnostics": [] } })
        }
        "textDocument/inlayHint" => json!({ "textDocument": document, "range": range }),
        "textDocument/selectionRange" => {
            json!({ "textDocument": document, "positions": [position] })
        }
        "textDocument/rename" => {
            json!({ "textDocument": document, "position": position, "newName": "A99" })
        }
        "textDocument/documentSymbol"
        | "textDocument/documentLink"
        | "textDocument/foldingRange"
        | "textDocument/codeLens"
        | "textDocument/semanticTokens/full" => json!({ "textDocument": document }),
        "workspace/symbol" => json!({ "query": format!("A{line}") }),
        // The loop page (`leanos.loop`) of the document's root, of the
        // first root, or in a format the server refuses.
        "workspace/executeCommand" => {
            let format = ["html", "json", "pdf"][character as usize % 3];
            let uri = if line.is_multiple_of(2) {
                json!(uri)
            } else {
                Value::Null
            };
            json!({ "command": "leanos.loop", "arguments": [uri, format] })
        }
        _ => json!({ "textDocument": document, "position": position }),
    }
}

/// A (line, character) pair as an LSP `Position`.
fn position_value((line, character): (u32, u32)) -> Value {
    json!({ "line": line, "character": character })
}

/// The largest character boundary of `text` at or below `offset`.
fn floor(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// What the client knows: the files on disk, the open documents, its
/// settings and whether the root is a workspace folder.
#[derive(Default)]
struct Model {
    disk: BTreeMap<String, Vec<u8>>,
    open: BTreeMap<String, (String, i32)>,
    settings: Value,
    root_removed: bool,
}

struct Client {
    service: LspService<Backend>,
    incoming: mpsc::UnboundedReceiver<Request>,
    next_id: i64,
    root: PathBuf,
    /// URI -> the diagnostics of its last non-empty publication.
    published: BTreeMap<String, Value>,
    /// The `leanos` settings the client answers `workspace/configuration`
    /// with (shared with the task answering the server's requests).
    settings: Arc<std::sync::Mutex<Value>>,
}

impl Client {
    fn uri(&self, path: &str) -> String {
        format!("file://{}/{path}", self.root.display())
    }

    async fn call(&mut self, request: Request) -> Option<Response> {
        let what = format!("{} {:?}", request.method(), request.params());
        let call = async {
            self.service
                .ready()
                .await
                .expect("the service is ready")
                .call(request)
                .await
                .expect("the service answers")
        };
        tokio::time::timeout(ANSWER_LIMIT, call)
            .await
            .unwrap_or_else(|_| panic!("hang: no answer to {what} within {ANSWER_LIMIT:?}"))
    }

    async fn request(&mut self, method: &str, params: Value) -> Response {
        let id = self.next_id;
        self.next_id += 1;
        let what = format!("{method} {params}");
        let request = Request::build(method.to_string())
            .params(params)
            .id(id)
            .finish();
        self.call(request)
            .await
            .unwrap_or_else(|| panic!("no response to {what}"))
    }

    async fn notify(&mut self, method: &str, params: Value) {
        let request = Request::build(method.to_string()).params(params).finish();
        assert!(
            self.call(request).await.is_none(),
            "a response to the notification {method}"
        );
    }

    async fn watched(&mut self, path: &str, kind: u8) {
        let uri = self.uri(path);
        self.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": uri, "type": kind }] }),
        )
        .await;
    }

    /// The root as a workspace folder.
    fn folder(&self) -> Value {
        json!([{ "uri": self.uri("").trim_end_matches('/'), "name": "root" }])
    }

    async fn change(&mut self, path: &str, version: i32, change: Value) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        )
        .await;
    }

    /// `leanos/settled`, then every message up to its notification,
    /// recording publications.
    async fn settle(&mut self) {
        let response = self.request("leanos/settled", Value::Null).await;
        let (_, result) = response.into_parts();
        let token = result.expect("leanos/settled succeeds")["settled"].clone();
        let drain = async {
            loop {
                let message = self.incoming.recv().await.expect("the server is alive");
                let params = message.params().cloned().unwrap_or(Value::Null);
                if tracing() {
                    trace_message(message.method(), &params);
                }
                match message.method() {
                    "textDocument/publishDiagnostics" => {
                        let uri = params["uri"].as_str().unwrap_or_default().to_string();
                        match params["diagnostics"].as_array() {
                            Some(list) if !list.is_empty() => {
                                self.published.insert(uri, Value::Array(list.clone()));
                            }
                            _ => {
                                self.published.remove(&uri);
                            }
                        }
                    }
                    "leanos/settled" if params["settled"] == token => return,
                    _ => {}
                }
            }
        };
        tokio::time::timeout(ANSWER_LIMIT, drain)
            .await
            .expect("hang: the leanos/settled notification does not arrive");
    }
}

/// Whether `LEANOS_FUZZ_TRACE` asks for the steps and the server's
/// messages on standard error (to read a race's order of events in a
/// replay that fails).
fn tracing() -> bool {
    std::env::var_os("LEANOS_FUZZ_TRACE").is_some()
}

/// One line for a message of the server: its method, the file a
/// publication is for with its number of diagnostics and version, or the
/// start of a log message.
fn trace_message(method: &str, params: &Value) {
    let file = params["uri"].as_str().unwrap_or("").rsplit('/').next();
    let count = params["diagnostics"].as_array().map(Vec::len);
    let text: String = params["message"]
        .as_str()
        .unwrap_or("")
        .chars()
        .take(80)
        .collect();
    eprintln!(
        "server {method} {} {count:?} version {} {text}",
        file.unwrap_or(""),
        params["version"]
    );
}

fn write(root: &Path, path: &str, bytes: &[u8]) {
    let full = root.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).expect("a folder in the temporary root");
    }
    std::fs::write(full, bytes).expect("a file in the temporary root");
}

/// Panics seen in this process since [`count_panics`] was first called.
static PANICS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Installs (once) a panic hook that counts every panic in the process,
/// then calls the hook it replaced (which prints the message, or aborts
/// under libFuzzer).
fn count_panics() -> usize {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            previous(info);
        }));
    });
    PANICS.load(std::sync::atomic::Ordering::SeqCst)
}

/// Runs a session (panics on a violation).
pub fn run(session: &Session) {
    let panics_before = count_panics();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = std::fs::canonicalize(dir.path()).expect("the temporary folder");
    // An empty `threads/` folder makes the root a LeanOS workspace (SPEC
    // §1) whatever the files are: a root that is none is not indexed,
    // while the fresh load below indexes any folder it is given.
    std::fs::create_dir_all(root.join("threads")).expect("a folder in the temporary root");
    let mut model = Model::default();
    for (path, bytes) in &session.files {
        write(&root, path, bytes);
        model.disk.insert(path.clone(), bytes.clone());
    }
    runtime.block_on(drive(root, model, &session.steps));
    runtime.shutdown_timeout(ANSWER_LIMIT);
    assert_eq!(
        count_panics(),
        panics_before,
        "the server panicked during the session (its message is above)"
    );
}

async fn drive(root: PathBuf, mut model: Model, steps: &[Step]) {
    let (service, socket) = Backend::service();
    let (tx, incoming) = mpsc::unbounded_channel();
    let settings = Arc::new(std::sync::Mutex::new(Value::Null));
    let answered = settings.clone();
    tokio::spawn(async move {
        let (mut stream, mut sink) = socket.split();
        while let Some(message) = stream.next().await {
            if let Some(id) = message.id().cloned() {
                let result = match message.method() {
                    "workspace/configuration" => {
                        json!([answered.lock().expect("the settings").clone()])
                    }
                    _ => Value::Null,
                };
                let _ = sink.send(Response::from_ok(id, result)).await;
            }
            if tx.send(message).is_err() {
                break;
            }
        }
    });
    let mut client = Client {
        service,
        incoming,
        next_id: 1,
        root,
        published: BTreeMap::new(),
        settings,
    };
    // Both kinds of client: one that interprets a publication's version
    // (sent a set again for every new version) and one that does not (sent
    // a set only when it changed).
    let versions = steps.len().is_multiple_of(2);
    // And one that the server asks for its settings
    // (`workspace/configuration`) and one that sends them along.
    let configuration = (steps.len() / 2).is_multiple_of(2);
    let capabilities = json!({
        "workspace": {
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "workspaceEdit": { "documentChanges": true },
            "workspaceFolders": true,
            "configuration": configuration,
        },
        "textDocument": { "publishDiagnostics": { "versionSupport": versions } },
    });
    let root_uri = format!("file://{}", client.root.display());
    let params = json!({
        "processId": null,
        "rootUri": root_uri,
        "workspaceFolders": client.folder(),
        "capabilities": capabilities,
    });
    let response = client.request("initialize", params).await;
    assert!(response.is_ok(), "initialize fails: {response:?}");
    client.notify("initialized", json!({})).await;
    for step in steps {
        if tracing() {
            let step = format!("{step:?}");
            eprintln!("step {}", step.chars().take(100).collect::<String>());
        }
        perform(&mut client, &mut model, step).await;
    }
    client.settle().await;
    compare(&client, &model);
    let _ = client.request("shutdown", Value::Null).await;
}

async fn perform(client: &mut Client, model: &mut Model, step: &Step) {
    match step {
        Step::Open { path, text } => {
            if model.open.contains_key(path) {
                return;
            }
            let uri = client.uri(path);
            client
                .notify(
                    "textDocument/didOpen",
                    json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
                )
                .await;
            model.open.insert(path.clone(), (text.clone(), 1));
        }
        Step::Replace { path, text } => {
            let Some((current, version)) = model.open.get_mut(path) else {
                return;
            };
            *version += 1;
            *current = text.clone();
            let version = *version;
            client.change(path, version, json!({ "text": text })).await;
        }
        Step::Edit {
            path,
            start,
            end,
            text,
        } => {
            let Some((current, version)) = model.open.get_mut(path) else {
                return;
            };
            let (a, b) = (
                floor(current, *start as usize),
                floor(current, *end as usize),
            );
            let (a, b) = (a.min(b), a.max(b));
            let lines = Lines::new(current);
            let (start, end) = (lines.position(a), lines.position(b));
            let range = json!({ "start": position_value(start), "end": position_value(end) });
            current.replace_range(a..b, text);
            *version += 1;
            let version = *version;
            client
                .change(path, version, json!({ "range": range, "text": text }))
                .await;
        }
        Step::Garbage {
            path,
            start,
            end,
            text,
        } => {
            let Some((current, version)) = model.open.get_mut(path) else {
                return;
            };
            *version += 2;
            let (version, current) = (*version, current.clone());
            let range = json!({
                "start": { "line": start.0, "character": start.1 },
                "end": { "line": end.0, "character": end.1 },
            });
            client
                .change(path, version - 1, json!({ "range": range, "text": text }))
                .await;
            client
                .change(path, version, json!({ "text": current }))
                .await;
        }
        Step::Close { path } => {
            if model.open.remove(path).is_some() {
                let uri = client.uri(path);
                client
                    .notify(
                        "textDocument/didClose",
                        json!({ "textDocument": { "uri": uri } }),
                    )
                    .await;
            }
        }
        Step::Save { path } => {
            let Some((text, _)) = model.open.get(path) else {
                return;
            };
            let created = !model.disk.contains_key(path);
            write(&client.root, path, text.as_bytes());
            model.disk.insert(path.clone(), text.as_bytes().to_vec());
            let uri = client.uri(path);
            client
                .notify(
                    "textDocument/didSave",
                    json!({ "textDocument": { "uri": uri } }),
                )
                .await;
            client.watched(path, if created { 1 } else { 2 }).await;
        }
        Step::Write { path, bytes } => {
            let created = !model.disk.contains_key(path);
            write(&client.root, path, bytes);
            model.disk.insert(path.clone(), bytes.clone());
            client.watched(path, if created { 1 } else { 2 }).await;
        }
        Step::Delete { path } => {
            if model.disk.remove(path).is_some() {
                std::fs::remove_file(client.root.join(path)).expect("a file to delete");
            }
            client.watched(path, 3).await;
        }
        Step::Touch { path } => client.watched(path, 2).await,
        Step::Request {
            method,
            path,
            line,
            character,
        } => request(client, model, method, path, *line, *character).await,
        Step::RequestAt {
            method,
            path,
            offset,
        } => {
            let text = match model.open.get(path) {
                Some((text, _)) => Some(std::borrow::Cow::Borrowed(text.as_str())),
                None => model
                    .disk
                    .get(path)
                    .map(|bytes| String::from_utf8_lossy(bytes)),
            };
            let (line, character) = text.map_or((0, 0), |text| {
                Lines::new(&text).position(floor(&text, *offset as usize % (text.len() + 1)))
            });
            request(client, model, method, path, line, character).await;
        }
        Step::Settings { value } => {
            model.settings = value.clone();
            *client.settings.lock().expect("the settings") = value.clone();
            client
                .notify(
                    "workspace/didChangeConfiguration",
                    json!({ "settings": { "leanos": value } }),
                )
                .await;
        }
        Step::Folder { present } => {
            model.root_removed = !present;
            let (added, removed) = if *present {
                (client.folder(), json!([]))
            } else {
                (json!([]), client.folder())
            };
            client
                .notify(
                    "workspace/didChangeWorkspaceFolders",
                    json!({ "event": { "added": added, "removed": removed } }),
                )
                .await;
        }
    }
}

/// Sends `method` at `line`:`character` of `path`, checks the positions of
/// its answer, then sends and checks the requests the answer hands the
/// client (`follow_up.rs`).
async fn request(
    client: &mut Client,
    model: &Model,
    method: &str,
    path: &str,
    line: u32,
    character: u32,
) {
    let uri = client.uri(path);
    let params = request_params(method, &uri, line, character);
    let response = client.request(method, params).await;
    let result = response.result().cloned().unwrap_or(Value::Null);
    if tracing() {
        let answer: String = result.to_string().chars().take(100).collect();
        eprintln!("answer {method} at {line}:{character}: {answer}");
    }
    let open: answers::Open = model
        .open
        .iter()
        .map(|(path, (text, version))| {
            let uri = answers::decode(&client.uri(path)).into_owned();
            (uri, answers::Document::new(text, *version))
        })
        .collect();
    let root = format!("file://{}", client.root.display());
    if method != "workspace/executeCommand" {
        answers::check_answer(method, &uri, &result, &open, &root);
    }
    let from = line as usize + character as usize;
    for (method, params) in super::follow_up::follow_ups(method, &result, from) {
        let response = client.request(method, params).await;
        if tracing() {
            eprintln!("follow-up {method} answered ok: {}", response.is_ok());
        }
        if let Some(result) = response
            .result()
            .filter(|_| method != "workspace/executeCommand")
        {
            answers::check_answer(method, &uri, result, &open, &root);
        }
    }
}

/// One published or expected diagnostic, as compared.
type Key = (u64, u64, u64, u64, String, String, u64);

fn key_of(diagnostic: &Value) -> Key {
    let number = |v: &Value| v.as_u64().unwrap_or(u64::MAX);
    let range = &diagnostic["range"];
    (
        number(&range["start"]["line"]),
        number(&range["start"]["character"]),
        number(&range["end"]["line"]),
        number(&range["end"]["character"]),
        diagnostic["code"].as_str().unwrap_or_default().to_string(),
        diagnostic["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        number(&diagnostic["severity"]),
    )
}

/// The server's last publications against a fresh load of the same root
/// with the client's settings and the open documents' texts (nothing
/// while the root is not a workspace folder).
fn compare(client: &Client, model: &Model) {
    let settings = parse_client_settings(&model.settings).0;
    let (mut fresh, _) = leanos_lsp::load::load_workspace(&client.root, &settings);
    let config = fresh.config.clone();
    let policy = Policy::new(&config);
    for (path, (text, version)) in &model.open {
        if policy.kind(path) == leanos_lsp::ingest::Kind::Source {
            let _ = fresh.upsert(policy.lower(
                path,
                Content::Editor(Arc::from(text.as_str())),
                Some(*version),
            ));
        }
    }
    let mut expected: BTreeMap<String, Vec<Key>> = BTreeMap::new();
    let diagnosed = if model.root_removed {
        BTreeMap::new()
    } else {
        workspace_diagnostics(&fresh)
    };
    for (path, diagnostics) in diagnosed {
        let text = fresh.files[path.as_str()].text();
        let lines = Lines::new(&text);
        let keys = diagnostics
            .iter()
            .map(|d| {
                let at = |offset: u32| position_value(lines.position(offset as usize));
                let severity = match d.severity {
                    leanos_lsp::rules::Severity::Error => 1,
                    leanos_lsp::rules::Severity::Warning => 2,
                    leanos_lsp::rules::Severity::Info => 3,
                    leanos_lsp::rules::Severity::Hint => 4,
                };
                key_of(&json!({
                    "range": { "start": at(d.range.start), "end": at(d.range.end) },
                    "code": d.code,
                    "message": d.message,
                    "severity": severity,
                }))
            })
            .collect();
        expected.insert(client.uri(&path), keys);
    }
    let actual: BTreeMap<String, Vec<Key>> = client
        .published
        .iter()
        .map(|(uri, list)| {
            let mut keys: Vec<Key> = list
                .as_array()
                .map(|l| l.iter().map(key_of).collect())
                .unwrap_or_default();
            keys.sort();
            (uri.clone(), keys)
        })
        .collect();
    for keys in expected.values_mut() {
        keys.sort();
    }
    if actual != expected {
        let uris: std::collections::BTreeSet<&String> =
            actual.keys().chain(expected.keys()).collect();
        let mut report = String::new();
        for uri in uris {
            if actual.get(uri) != expected.get(uri) {
                report.push_str(&format!(
                    "\n{uri}\n  published: {:?}\n  fresh:     {:?}",
                    actual.get(uri),
                    expected.get(uri)
                ));
            }
        }
        panic!("the server's diagnostics differ from a fresh load's:{report}");
    }
}
