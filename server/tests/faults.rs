//! Faults of the file system and of writes the server and `check` must
//! survive (issue 14): special files named `x.md`, symbolic links out of
//! the root and in loops, names that are not UTF-8, files and folders that
//! cannot be read, a file far over the size cap, a folder of 100,000
//! files, a folder replaced by a file while watched, and a read-only
//! workspace on which every fix is still offered as an edit. Client faults
//! are in `stdio.rs`; the FIFO and device cases of watched events in
//! `protocol.rs`. Waits are bounded generously; nothing is timed.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long a run may take before the test calls it a hang.
const HANG: Duration = Duration::from_secs(300);

const BIN: &str = env!("CARGO_BIN_EXE_leanos-lsp");

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// A small workspace: A4 defined, acme citing it, beta citing an unknown
/// A9 (one `assumption-unknown`, an error).
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "strategy/canvas/10-assumptions.md",
        "# Assumptions\n\n### A4: Enterprise buyers prefer white-label\n**Status:** ✅ VALIDATED\n",
    );
    write(
        root,
        "threads/sales/acme/1-input.md",
        "# Stage 1: Input\n\nA lead.\n",
    );
    write(
        root,
        "threads/sales/acme/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: A4 - buyers\n",
    );
    write(root, "threads/sales/beta/1-input.md", "# Stage 1: Input\n");
    write(
        root,
        "threads/sales/beta/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: A9 - unknown yet\n",
    );
    dir
}

/// What a finished process gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `command` to its end, failing the test when it has not ended
/// within [`HANG`].
fn run(mut command: Command) -> Run {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).unwrap();
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            panic!("{command:?} did not end within {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// `leanos-lsp check ARGS ROOT`.
fn check(root: &Path, args: &[&str]) -> Run {
    let mut command = Command::new(BIN);
    command.arg("check").args(args).arg(root);
    run(command)
}

/// The `(path, code)` pairs of `check --format json`'s output.
fn reported(run: &Run) -> Vec<(String, String)> {
    let found: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} / {}", run.stdout, run.stderr));
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn beta_unknown() -> (String, String) {
    (
        "threads/sales/beta/2-hypothesis.md".to_string(),
        "assumption-unknown".to_string(),
    )
}

/// Makes a FIFO (`mkfifo`) or the character device of `/dev/zero`
/// (`mknod`, root only) at `path`; false when this machine cannot.
fn make_special(path: &Path, device: bool) -> bool {
    let mut command = Command::new(if device { "mknod" } else { "mkfifo" });
    command.arg(path);
    if device {
        command.args(["c", "1", "5"]);
    }
    command
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A FIFO, a socket and a device named like stage files are neither read
/// nor waited on: `check` ends with the rest of the workspace checked.
#[cfg(unix)]
#[test]
fn a_fifo_a_socket_or_a_device_named_md_is_not_read() {
    let dir = workspace();
    let root = dir.path();
    let fifo = make_special(&root.join("threads/sales/acme/3-implication.md"), false);
    let device = make_special(&root.join("threads/sales/acme/5-actions.md"), true);
    let _socket =
        std::os::unix::net::UnixListener::bind(root.join("threads/sales/acme/4-decision.md"))
            .unwrap();
    if !fifo {
        eprintln!("the FIFO case is skipped: mkfifo is not available");
    }
    if !device {
        eprintln!("the device case is skipped: mknod needs root");
    }
    let result = check(root, &["--format", "json"]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    let found = reported(&result);
    assert!(found.contains(&beta_unknown()), "{found:?}");
    for special in ["3-implication", "4-decision", "5-actions"] {
        assert!(
            !found.iter().any(|(path, _)| path.contains(special)),
            "{found:?}"
        );
    }
}

/// A symbolic link never leads out of the root (a folder link, a file
/// link) and a loop of links cannot hang the walk: what lies behind them
/// is not checked.
#[cfg(unix)]
#[test]
fn symbolic_links_neither_leave_the_root_nor_loop() {
    use std::os::unix::fs::symlink;
    let dir = workspace();
    let root = dir.path();
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "threads/evil/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: A777 - outside\n",
    );
    write(outside.path(), "secret.md", "Tests: A666 - a secret\n");
    symlink(outside.path().join("threads"), root.join("threads/out")).unwrap();
    symlink(
        outside.path().join("secret.md"),
        root.join("threads/sales/acme/3-implication.md"),
    )
    .unwrap();
    symlink("..", root.join("threads/sales/loop")).unwrap();
    symlink("b", root.join("threads/a")).unwrap();
    symlink("a", root.join("threads/b")).unwrap();
    let result = check(root, &["--format", "json"]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert!(!result.stdout.contains("A777"), "{}", result.stdout);
    assert!(!result.stdout.contains("A666"), "{}", result.stdout);
    let found = reported(&result);
    assert!(found.contains(&beta_unknown()), "{found:?}");
    assert!(
        !found.iter().any(|(path, _)| path.contains("loop")
            || path.starts_with("threads/out")
            || path.contains("3-implication")),
        "{found:?}"
    );
}

/// A name that is not valid UTF-8 was skipped without a word: `check`
/// names it (lossily) on stderr, and the load reports it.
#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_is_reported() {
    use std::os::unix::ffi::OsStrExt;
    let dir = workspace();
    let root = dir.path();
    let file = root
        .join("threads/sales/acme")
        .join(std::ffi::OsStr::from_bytes(b"3-caf\xe9.md"));
    if std::fs::write(&file, "# Stage 3\n\nTests: A9\n").is_err() {
        eprintln!("skipping: this file system refuses names that are not UTF-8");
        return;
    }
    let lossy = "threads/sales/acme/3-caf\u{FFFD}.md";
    let result = check(root, &[]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert!(
        result
            .stderr
            .contains(&format!("leanos-lsp check: warning: {lossy}: not checked")),
        "{}",
        result.stderr
    );
    let (_, stats) =
        leanos_lsp::load::load_workspace(root, &leanos_lsp::config::Settings::default());
    assert_eq!(stats.non_utf8_names, [lossy]);
    assert_eq!(stats.warnings().len(), 1);
    assert!(
        stats.warnings()[0].contains(lossy),
        "{:?}",
        stats.warnings()
    );
}

/// A file and a folder without read permission are skipped and named on
/// stderr; the rest is checked. Root reads them whatever their mode, so
/// as root `check` runs as nobody (`setpriv`); the test skips when it
/// cannot drop privileges.
#[cfg(unix)]
#[test]
fn files_and_folders_that_cannot_be_read_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace();
    let root = dir.path();
    write(
        root,
        "threads/sales/locked/1-input.md",
        "# Stage 1: Input\n",
    );
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(root, 0o755);
    let file = root.join("threads/sales/acme/2-hypothesis.md");
    let folder = root.join("threads/sales/locked");
    mode(&file, 0o000);
    mode(&folder, 0o000);
    let privileged = std::fs::read(&file).is_ok();
    let mut command = if privileged {
        let mut command = Command::new("setpriv");
        command.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            BIN,
        ]);
        command
    } else {
        Command::new(BIN)
    };
    command.args(["check", "--format", "json"]).arg(root);
    let result = run(command);
    mode(&file, 0o644);
    mode(&folder, 0o755);
    if privileged && (result.code == -1 || result.stderr.contains("setpriv")) {
        eprintln!(
            "skipping: cannot run check without root's privileges: {}",
            result.stderr
        );
        return;
    }
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert!(reported(&result).contains(&beta_unknown()));
    for unread in [
        "threads/sales/acme/2-hypothesis.md: Permission denied",
        "threads/sales/locked: Permission denied",
    ] {
        assert!(
            result
                .stderr
                .contains(&format!("leanos-lsp check: warning: not checked: {unread}")),
            "{unread}: {}",
            result.stderr
        );
    }
}

/// A 50 MB stage file is not read (the size cap): it gets
/// `file-too-large` and the rest is checked.
#[test]
fn a_file_of_50_mb_is_refused_by_the_size_cap() {
    let dir = workspace();
    let root = dir.path();
    let large = root.join("threads/sales/acme/3-implication.md");
    let file = std::fs::File::create(&large).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let result = check(root, &["--format", "json"]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    let found = reported(&result);
    assert!(found.contains(&beta_unknown()), "{found:?}");
    assert!(
        found.contains(&(
            "threads/sales/acme/3-implication.md".to_string(),
            "file-too-large".to_string()
        )),
        "{found:?}"
    );
}

/// One folder of 100,000 files is walked and indexed whole.
#[test]
fn a_folder_of_100_000_files_is_indexed() {
    let dir = workspace();
    let root = dir.path();
    let folder = root.join("docs/notes");
    std::fs::create_dir_all(&folder).unwrap();
    for i in 0..100_000 {
        std::fs::write(folder.join(format!("n{i}.md")), "# Note\n").unwrap();
    }
    let (snapshot, stats) =
        leanos_lsp::load::load_workspace(root, &leanos_lsp::config::Settings::default());
    assert_eq!(stats.files, 100_005);
    assert!(stats.unreadable.is_empty(), "{:?}", stats.unreadable);
    assert!(snapshot.files.contains_key("docs/notes/n99999.md"));
    assert_eq!(
        snapshot
            .files
            .keys()
            .filter(|p| p.starts_with("docs/notes/"))
            .count(),
        100_000
    );
}

/// The server in process (`LspService`), with a client task that drains
/// its socket, answers its requests and forwards every message.
mod in_process {
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    use futures::{SinkExt, StreamExt};
    use serde_json::{json, Value};
    use tokio::sync::mpsc;
    use tower::{Service, ServiceExt};
    use tower_lsp_server::jsonrpc::{Request, Response};
    use tower_lsp_server::LspService;

    use leanos_lsp::lsp::Backend;

    pub struct Client {
        service: LspService<Backend>,
        incoming: mpsc::UnboundedReceiver<Request>,
        next_id: i64,
        pub root: PathBuf,
    }

    impl Client {
        /// A server on `root`, initialized with `capabilities`.
        pub async fn start(root: &Path, capabilities: Value) -> Client {
            let (service, socket) = LspService::new(Backend::new);
            let (tx, incoming) = mpsc::unbounded_channel();
            tokio::spawn(async move {
                let (mut stream, mut sink) = socket.split();
                while let Some(request) = stream.next().await {
                    if let Some(id) = request.id().cloned() {
                        let _ = sink.send(Response::from_ok(id, Value::Null)).await;
                    }
                    if tx.send(request).is_err() {
                        break;
                    }
                }
            });
            let root = std::fs::canonicalize(root).unwrap();
            let mut client = Client {
                service,
                incoming,
                next_id: 1,
                root,
            };
            let root_uri = client.uri("");
            client
                .request(
                    "initialize",
                    json!({"processId": null, "rootUri": root_uri.trim_end_matches('/'), "capabilities": capabilities}),
                )
                .await;
            client.notify("initialized", json!({})).await;
            client
        }

        pub fn uri(&self, path: &str) -> String {
            format!("file://{}/{path}", self.root.display())
        }

        /// The result of a request that must succeed.
        pub async fn request(&mut self, method: &'static str, params: Value) -> Value {
            let id = self.next_id;
            self.next_id += 1;
            let request = Request::build(method).params(params).id(id).finish();
            let response = self
                .service
                .ready()
                .await
                .unwrap()
                .call(request)
                .await
                .unwrap()
                .expect("a request gets a response");
            let (_, result) = response.into_parts();
            result.unwrap_or_else(|e| panic!("{method}: {e:?}"))
        }

        pub async fn notify(&mut self, method: &'static str, params: Value) {
            let request = Request::build(method).params(params).finish();
            let response = self.service.ready().await.unwrap().call(request).await;
            assert!(response.unwrap().is_none());
        }

        /// The first message from the server (waiting a minute at most)
        /// with `method` whose parameters `accept` takes.
        pub async fn next(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
            let wait = async {
                loop {
                    let request = self.incoming.recv().await.expect("the server is alive");
                    let params = request.params().cloned().unwrap_or(Value::Null);
                    if request.method() == method && accept(&params) {
                        return params;
                    }
                }
            };
            tokio::time::timeout(Duration::from_secs(60), wait)
                .await
                .unwrap_or_else(|_| panic!("no {method} from the server"))
        }
    }
}

/// The paths of the locations `references` gave.
fn referencing(references: &Value) -> Vec<String> {
    references
        .as_array()
        .map(|list| {
            list.iter()
                .map(|l| l["uri"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Replaces a thread's folder by a file of the same name while a server
/// runs on `workspace()` (the client watching when `client_watches`,
/// which then reports the one path; else the server's own watcher): the
/// folder's files leave the index (A4 is cited nowhere once the
/// references say so, within a minute), and the server keeps answering.
async fn replace_a_folder_by_a_file(client_watches: bool) {
    let dir = workspace();
    let root = dir.path();
    let capabilities = if client_watches {
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}})
    } else {
        json!({})
    };
    let mut client = in_process::Client::start(root, capabilities).await;
    let at_a4 = json!({
        "textDocument": {"uri": client.uri("strategy/canvas/10-assumptions.md")},
        "position": {"line": 2, "character": 5},
        "context": {"includeDeclaration": false}
    });
    let before = client
        .request("textDocument/references", at_a4.clone())
        .await;
    let acme = client.uri("threads/sales/acme/2-hypothesis.md");
    assert_eq!(referencing(&before), [acme], "{before}");
    std::fs::remove_dir_all(root.join("threads/sales/acme")).unwrap();
    write(
        root,
        "threads/sales/acme",
        "A file now, where a thread was.\n",
    );
    if client_watches {
        let folder = client.uri("threads/sales/acme");
        client
            .notify(
                "workspace/didChangeWatchedFiles",
                json!({"changes": [{"uri": folder, "type": 3}, {"uri": folder, "type": 1}]}),
            )
            .await;
    }
    let mut attempts = 0;
    loop {
        let now = client
            .request("textDocument/references", at_a4.clone())
            .await;
        if referencing(&now).is_empty() {
            break;
        }
        attempts += 1;
        assert!(attempts < 600, "acme is still indexed: {now}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": client.uri("threads/sales/beta/2-hypothesis.md")}, "position": {"line": 2, "character": 8}}),
        )
        .await;
    assert!(hover.to_string().contains("A9"), "{hover}");
}

/// A thread's folder replaced by a file while the server's own watcher
/// watches the root.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_replaced_by_a_file_while_the_server_watches() {
    replace_a_folder_by_a_file(false).await;
}

/// A thread's folder replaced by a file while the client watches, and
/// reports only the folder's path (deleted, then created), as editors
/// report a folder (acme's files stayed indexed, citing A4, until the
/// change path dropped what lies under a path that is now a file).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_replaced_by_a_file_while_the_client_watches() {
    replace_a_folder_by_a_file(true).await;
}

/// The server tells the user once per scan about names that are not
/// UTF-8 (a warning naming each, lossily), instead of skipping them
/// silently ([`leanos_lsp::load::LoadStats::warnings`], shown by the scan).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_warns_about_names_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = workspace();
    let root = dir.path();
    let file = root
        .join("threads/sales/acme")
        .join(std::ffi::OsStr::from_bytes(b"3-caf\xe9.md"));
    if std::fs::write(&file, "# Stage 3\n").is_err() {
        eprintln!("skipping: this file system refuses names that are not UTF-8");
        return;
    }
    let mut client = in_process::Client::start(root, json!({})).await;
    let lossy = "threads/sales/acme/3-caf\u{FFFD}.md";
    let warning = |p: &Value| p["type"] == 2 && p["message"].as_str().unwrap().contains(lossy);
    let shown = client.next("window/showMessage", warning).await;
    assert!(shown["message"]
        .as_str()
        .unwrap()
        .contains("not valid UTF-8"));
}

/// The built server on stdio, driven one message at a time: requests
/// wait for their response; the server's own requests are answered.
mod peer {
    use std::io::Write;
    use std::process::{Child, ChildStdin, Command, Stdio};
    use std::sync::mpsc::Receiver;
    use std::time::{Duration, Instant};

    use serde_json::{json, Value};

    pub struct Peer {
        child: Child,
        stdin: Option<ChildStdin>,
        incoming: Receiver<Value>,
        stderr: std::thread::JoinHandle<String>,
        next_id: i64,
        /// Every notification and request from the server, in order.
        pub seen: Vec<Value>,
    }

    /// Reads the server's messages from `output` into `sink` until it ends.
    fn read_messages(output: impl std::io::Read, sink: std::sync::mpsc::Sender<Value>) {
        use std::io::BufRead;
        let mut reader = std::io::BufReader::new(output);
        let mut line = String::new();
        loop {
            let mut length = None;
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == "\r\n" {
                    break;
                }
                if let Some(l) = line.strip_prefix("Content-Length: ") {
                    length = l.trim().parse::<usize>().ok();
                }
            }
            let mut body = vec![0; length.unwrap()];
            if std::io::Read::read_exact(&mut reader, &mut body).is_err() {
                return;
            }
            if sink.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        }
    }

    impl Peer {
        pub fn spawn(mut command: Command) -> Peer {
            let mut child = command
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let (sink, incoming) = std::sync::mpsc::channel();
            let stdout = child.stdout.take().unwrap();
            std::thread::spawn(move || read_messages(stdout, sink));
            let mut err = child.stderr.take().unwrap();
            let stderr = std::thread::spawn(move || {
                let mut text = String::new();
                let _ = std::io::Read::read_to_string(&mut err, &mut text);
                text
            });
            Peer {
                stdin: child.stdin.take(),
                child,
                incoming,
                stderr,
                next_id: 1,
                seen: Vec::new(),
            }
        }

        fn send(&mut self, message: &Value) {
            let body = message.to_string();
            let input = self.stdin.as_mut().unwrap();
            write!(input, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
            input.flush().unwrap();
        }

        pub fn notify(&mut self, method: &str, params: Value) {
            self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
        }

        /// The response (the whole message) to a request.
        pub fn request(&mut self, method: &str, params: Value) -> Value {
            let id = self.next_id;
            self.next_id += 1;
            self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
            loop {
                let message = self.receive();
                if message["id"] == id && message.get("method").is_none() {
                    return message;
                }
            }
        }

        /// The result of a request that must succeed.
        pub fn result(&mut self, method: &str, params: Value) -> Value {
            let response = self.request(method, params.clone());
            assert!(
                response.get("error").is_none(),
                "{method} {params}: {response}"
            );
            response["result"].clone()
        }

        /// The next message, waiting two minutes at most; the server's
        /// requests are answered (`[{}]` to a configuration request, null
        /// to others) and every message from the server is kept in `seen`.
        fn receive(&mut self) -> Value {
            let message = self
                .incoming
                .recv_timeout(Duration::from_secs(120))
                .expect("the server sends what it was asked for");
            if let Some(method) = message.get("method").and_then(Value::as_str) {
                if let Some(id) = message.get("id") {
                    let result = if method == "workspace/configuration" {
                        json!([{}])
                    } else {
                        Value::Null
                    };
                    let answer = json!({"jsonrpc": "2.0", "id": id, "result": result});
                    self.send(&answer);
                }
                self.seen.push(message.clone());
            }
            message
        }

        /// The parameters of the first message seen or to come with
        /// `method` that `accept` takes.
        pub fn wait_for(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
            let matches = |m: &Value| m["method"] == method && accept(&m["params"]);
            if let Some(seen) = self.seen.iter().find(|m| matches(m)) {
                return seen["params"].clone();
            }
            loop {
                let message = self.receive();
                if matches(&message) {
                    return message["params"].clone();
                }
            }
        }

        /// `shutdown`, `exit`, then the exit status and what the process
        /// wrote on stderr.
        pub fn finish(mut self) -> (i32, String) {
            let response = self.request("shutdown", Value::Null);
            assert!(response.get("error").is_none(), "{response}");
            self.notify("exit", Value::Null);
            self.stdin = None;
            let started = Instant::now();
            let status = loop {
                if let Some(status) = self.child.try_wait().unwrap() {
                    break status;
                }
                if started.elapsed() > Duration::from_secs(60) {
                    let _ = self.child.kill();
                    panic!("the server did not end after exit");
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            (status.code().unwrap_or(-1), self.stderr.join().unwrap())
        }
    }
}

/// Puts a copy of `source` at `at`, read-only, for `program` only: a
/// tmpfs mounted there in a mount namespace of the process's own
/// (`unshare`, as root; or in a user namespace as another user), filled,
/// remounted read-only, and checked to refuse a write. After `program`
/// ends, the copy is compared with `source` and `leanos-test: the copy is
/// unchanged` written on stderr when they are equal. `None` when this
/// machine allows no such namespace.
fn read_only_copy(source: &Path, at: &Path, program: &[&std::ffi::OsStr]) -> Option<Command> {
    const SCRIPT: &str = r#"at="$1"; source="$2"; shift 2
mount -t tmpfs leanos-read-only "$at" || exit 97
cp -R "$source"/. "$at"/ || exit 97
mount -o remount,ro "$at" || exit 97
if touch "$at/.write-probe" 2>/dev/null; then exit 97; fi
"$@"
code=$?
if diff -r "$source" "$at" >/dev/null; then echo "leanos-test: the copy is unchanged" >&2; fi
exit $code"#;
    let variants: [&[&str]; 2] = [
        &["--mount", "--propagation", "private"],
        &[
            "--user",
            "--map-root-user",
            "--mount",
            "--propagation",
            "private",
        ],
    ];
    let make = |variant: &[&str], program: &[&std::ffi::OsStr]| {
        let mut command = Command::new("unshare");
        command
            .args(variant)
            .args(["sh", "-c", SCRIPT, "sh"])
            .arg(at)
            .arg(source)
            .args(program);
        command
    };
    let works = |variant: &[&str]| {
        make(variant, &[std::ffi::OsStr::new("true")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let variant = variants.into_iter().find(|v| works(v))?;
    Some(make(variant, program))
}

fn repository(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// Every file below `root`, as sorted workspace paths.
fn files_below(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                out.push(relative.to_str().unwrap().to_string());
            }
        }
    }
    out.sort();
    out
}

/// What a read-only session offered: code actions (each a workspace edit),
/// spawns among them, and commands executed.
#[derive(Debug, Default)]
struct Offered {
    actions: usize,
    spawns: usize,
    quick_fixes: usize,
    commands: usize,
}

/// Asks for every code action at every published diagnostic and at the
/// start of every markdown file, and runs every code lens's command, on a
/// read-only copy of `source`: each action comes back as a workspace
/// edit, nothing errors, nothing is written, and the session ends with 0.
/// `None` when no read-only copy can be made here.
fn read_only_session(source: &Path) -> Option<Offered> {
    let mount = tempfile::tempdir().unwrap();
    let at = std::fs::canonicalize(mount.path()).unwrap();
    let command = read_only_copy(source, &at, &[std::ffi::OsStr::new(BIN)])?;
    let mut peer = peer::Peer::spawn(command);
    let uri = |path: &str| format!("file://{}/{path}", at.display());
    let capabilities = json!({
        "workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create", "rename", "delete"]}},
        "textDocument": {"codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}}}}
    });
    peer.result(
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", at.display()), "capabilities": capabilities}),
    );
    peer.notify("initialized", json!({}));
    peer.wait_for("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("leanos: indexed"))
    });
    // Requests wait for the scan; by their answer the scan's
    // diagnostics are published or about to be: a last request settles.
    peer.result("workspace/symbol", json!({"query": ""}));
    let mut offered = Offered::default();
    let zero = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    for path in files_below(source).iter().filter(|p| p.ends_with(".md")) {
        let document = json!({"uri": uri(path)});
        let published: Vec<Value> = peer
            .seen
            .iter()
            .rev()
            .find(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == document["uri"]
            })
            .map(|m| m["params"]["diagnostics"].as_array().unwrap().clone())
            .unwrap_or_default();
        let mut asks: Vec<(Value, Vec<Value>)> = published
            .iter()
            .map(|d| (d["range"].clone(), vec![d.clone()]))
            .collect();
        asks.push((zero.clone(), Vec::new()));
        for line in [1, 2] {
            let at_line = json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}});
            asks.push((at_line, Vec::new()));
        }
        for (range, diagnostics) in asks {
            let actions = peer.result(
                "textDocument/codeAction",
                json!({"textDocument": document, "range": range, "context": {"diagnostics": diagnostics}}),
            );
            for action in actions.as_array().cloned().unwrap_or_default() {
                let changes = &action["edit"]["documentChanges"];
                assert!(
                    changes.as_array().is_some_and(|c| !c.is_empty()),
                    "not an edit: {action}"
                );
                assert!(action.get("command").is_none(), "{action}");
                offered.actions += 1;
                match action["kind"].as_str() {
                    Some(kind) if kind.starts_with("refactor") => offered.spawns += 1,
                    Some("quickfix") => offered.quick_fixes += 1,
                    _ => {}
                }
            }
        }
        let lenses = peer.result("textDocument/codeLens", json!({"textDocument": document}));
        for lens in lenses.as_array().cloned().unwrap_or_default() {
            if let Some(command) = lens.get("command") {
                let params =
                    json!({"command": command["command"], "arguments": command["arguments"]});
                peer.result("workspace/executeCommand", params);
                offered.commands += 1;
            }
        }
    }
    let errors: Vec<&Value> = peer
        .seen
        .iter()
        .filter(|m| {
            matches!(
                m["method"].as_str(),
                Some("window/logMessage" | "window/showMessage")
            ) && m["params"]["type"] == 1
        })
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let (code, stderr) = peer.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("Read-only"), "{stderr}");
    assert!(
        stderr.contains("leanos-test: the copy is unchanged"),
        "{stderr}"
    );
    Some(offered)
}

/// The server never writes a file: on a read-only copy of the fixture
/// workspace and of the example workspace, every quick fix and spawn is
/// still offered as a workspace edit, code lens commands run, nothing
/// errors and nothing changes.
#[test]
fn every_fix_is_an_edit_on_a_read_only_workspace() {
    for (source, at_least_fixes) in [
        ("tests/fixtures/workspace", 1),
        ("examples/quillfeather", 5),
    ] {
        let Some(offered) = read_only_session(&repository(source)) else {
            eprintln!("skipping: no mount namespace here (unshare --mount, as root or in a user namespace) to make a read-only copy");
            return;
        };
        eprintln!("{source}: {offered:?}");
        assert!(
            offered.quick_fixes >= at_least_fixes,
            "{source}: {offered:?}"
        );
        assert!(offered.spawns > 0, "{source}: {offered:?}");
    }
}

/// `check` reports the same on a read-only copy as on the original, and
/// `check --fix` on a read-only copy fails with exit status 2 and a
/// clear reason for each write, leaving every file as it was.
#[test]
fn check_on_a_read_only_workspace_and_fix_fails_cleanly() {
    let fixture = repository("tests/fixtures/workspace");
    let mount = tempfile::tempdir().unwrap();
    let at = std::fs::canonicalize(mount.path()).unwrap();
    let program = |args: &[&str]| -> Vec<std::ffi::OsString> {
        let mut program = vec![BIN.into(), "check".into()];
        program.extend(args.iter().map(Into::into));
        program.push(at.clone().into_os_string());
        program
    };
    let json_program = program(&["--format", "json"]);
    let json_program: Vec<&std::ffi::OsStr> = json_program.iter().map(|a| a.as_os_str()).collect();
    let Some(command) = read_only_copy(&fixture, &at, &json_program) else {
        eprintln!("skipping: no mount namespace here (unshare --mount, as root or in a user namespace) to make a read-only copy");
        return;
    };
    let on_copy = run(command);
    let on_original = check(&fixture, &["--format", "json"]);
    assert_eq!(on_copy.code, on_original.code, "{}", on_copy.stderr);
    assert_eq!(on_copy.stdout, on_original.stdout);
    assert!(!reported(&on_copy).is_empty());

    let example = repository("examples/quillfeather");
    let fix_program = program(&["--fix"]);
    let fix_program: Vec<&std::ffi::OsStr> = fix_program.iter().map(|a| a.as_os_str()).collect();
    let fixed = run(read_only_copy(&example, &at, &fix_program).unwrap());
    assert_eq!(fixed.code, 2, "{}", fixed.stderr);
    assert!(
        fixed.stderr.contains("Read-only file system"),
        "{}",
        fixed.stderr
    );
    assert!(
        !fixed.stderr.contains("\nfixed ") && !fixed.stderr.starts_with("fixed "),
        "{}",
        fixed.stderr
    );
    assert!(
        fixed.stderr.contains("leanos-test: the copy is unchanged"),
        "{}",
        fixed.stderr
    );
}
