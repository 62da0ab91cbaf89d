//! The built binary on stdio, as a client's process sees it: the exit
//! status the specification asks for, frames that are not messages
//! answered without ending the session, and the faults of clients
//! (issue 14): requests about unknown documents, versions out of order,
//! ranges past the end, storms of cancellations, thousands of requests
//! whose answers are not read, a client that answers nothing, input that
//! closes while the server is busy, folders that are not LeanOS
//! workspaces. Waits are bounded; nothing is timed.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn initialize(root: &std::path::Path) -> Vec<u8> {
    frame(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}}),
    )
}

fn initialized() -> Vec<u8> {
    frame(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
}

fn shutdown(id: i64) -> Vec<u8> {
    frame(&json!({"jsonrpc": "2.0", "id": id, "method": "shutdown"}))
}

fn exit() -> Vec<u8> {
    frame(&json!({"jsonrpc": "2.0", "method": "exit"}))
}

struct Session {
    code: i32,
    messages: Vec<Value>,
    stderr: String,
}

impl Session {
    /// The response to request `id`.
    fn response(&self, id: Value) -> &Value {
        self.messages
            .iter()
            .find(|m| m["id"] == id && m.get("method").is_none())
            .unwrap_or_else(|| panic!("no response to {id}: {:#?}", self.messages))
    }

    /// The error codes of responses with id `null`, in order.
    fn null_id_errors(&self) -> Vec<i64> {
        self.messages
            .iter()
            .filter(|m| m["id"].is_null() && m.get("error").is_some())
            .map(|m| m["error"]["code"].as_i64().unwrap())
            .collect()
    }
}

/// Reads the server's messages from `output`, handing each to `deliver`,
/// until the output ends or `deliver` returns false.
fn read_messages(output: impl std::io::Read, mut deliver: impl FnMut(Value) -> bool) {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::new(output);
    let mut line = String::new();
    loop {
        let mut length = None;
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap() == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            length = line
                .strip_prefix("Content-Length: ")
                .map(|l| l.trim().parse::<usize>().unwrap());
        }
        let mut body = vec![0; length.unwrap()];
        std::io::Read::read_exact(&mut reader, &mut body).unwrap();
        if !deliver(serde_json::from_slice(&body).unwrap()) {
            return;
        }
    }
}

/// What the test client does next.
#[derive(Clone)]
enum Step {
    /// Writes these bytes.
    Send(Vec<u8>),
    /// Waits for the response to this request id (unless it came
    /// already), as a client waits for `initialize` and `shutdown` before
    /// going on.
    Await(i64),
    /// Waits for a message from the server that this accepts (unless one
    /// came already).
    Until(fn(&Value) -> bool),
    /// Closes the server's input.
    Close,
}

/// Runs the server through `steps`, failing the test when a response does
/// not come or the server has not ended within a minute.
fn session(steps: Vec<Step>) -> Session {
    session_with(steps, &[])
}

/// [`session`], with these environment variables set for the server.
fn session_with(steps: Vec<Step>, env: &[(&str, &std::path::Path)]) -> Session {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leanos-lsp"))
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (sink, incoming) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || read_messages(stdout, |m| sink.send(m).is_ok()));
    // Drained as it comes: a server that logs more than a pipe holds
    // must not stall on it.
    let mut errors = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut errors, &mut text);
        text
    });
    let mut stdin = child.stdin.take();
    let mut messages = Vec::new();
    for step in steps {
        match step {
            Step::Send(bytes) => {
                let input = stdin.as_mut().unwrap();
                input.write_all(&bytes).unwrap();
                input.flush().unwrap();
            }
            Step::Await(id) => {
                let done = |m: &Value| m["id"] == id && m.get("method").is_none();
                while !messages.iter().any(done) {
                    let message: Value = incoming
                        .recv_timeout(Duration::from_secs(60))
                        .unwrap_or_else(|_| panic!("no response to {id}"));
                    messages.push(message);
                }
            }
            Step::Until(accept) => {
                while !messages.iter().any(accept) {
                    let message: Value = incoming
                        .recv_timeout(Duration::from_secs(60))
                        .unwrap_or_else(|_| panic!("not sent: {messages:#?}"));
                    messages.push(message);
                }
            }
            Step::Close => stdin = None,
        }
    }
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the server did not end");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(stdin);
    reader.join().unwrap();
    messages.extend(incoming.try_iter());
    Session {
        code: child.wait().unwrap().code().unwrap_or(-1),
        messages,
        stderr: errors.join().unwrap(),
    }
}

use Step::{Await, Close, Send, Until};

#[test]
fn exit_status_follows_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let started = || vec![Send(initialize(dir.path())), Await(1)];
    // `exit` after `shutdown` is 0, with the input still open.
    let run = session([started(), vec![Send(shutdown(2)), Await(2), Send(exit())]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.response(json!(2))["result"], Value::Null);
    // `exit` without `shutdown` is 1.
    let run = session([started(), vec![Send(exit())]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    // So is the input ending without either.
    let run = session([started(), vec![Close]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The input ending after `shutdown` is 0.
    let run = session([started(), vec![Send(shutdown(2)), Await(2), Close]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A shutdown that failed (before initialize) does not count.
    let run = session(vec![Send(shutdown(2)), Await(2), Send(exit())]);
    assert_eq!(run.response(json!(2))["error"]["code"], -32002);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn broken_frames_are_answered_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = [
        // A body that is not JSON.
        b"Content-Length: 5\r\n\r\n{oops".to_vec(),
        // Something that is not a header at all.
        b"GET / HTTP/1.1 garbage\r\n\r\n".to_vec(),
        // JSON that is not a JSON-RPC message, with an id.
        frame(&json!({"id": 9, "hello": "world"})),
        // No Content-Length: skipped up to the next frame.
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"jsonrpc\":\"2.0\"}"
            .to_vec(),
        // A length far too large.
        b"Content-Length: 999999999999\r\n\r\n{}\r\n".to_vec(),
    ]
    .concat();
    let symbols = frame(
        &json!({"jsonrpc": "2.0", "id": 3, "method": "workspace/symbol", "params": {"query": "x"}}),
    );
    let run = session(vec![
        Send(initialize(dir.path())),
        Await(1),
        Send(initialized()),
        Send(garbage),
        Send(symbols),
        Await(3),
        Send(shutdown(4)),
        Await(4),
        Send(exit()),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.response(json!(1))["result"]["capabilities"].is_object());
    assert_eq!(run.response(json!(9))["error"]["code"], -32600);
    assert_eq!(run.null_id_errors(), [-32700, -32700, -32700, -32700]);
    assert!(run.response(json!(3)).get("error").is_none());
    assert!(run.stderr.contains("invalid message"), "{}", run.stderr);
}

#[test]
fn input_that_ends_inside_a_message_ends_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let run = session(vec![
        Send(initialize(dir.path())),
        Await(1),
        Send(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"".to_vec()),
        Close,
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("the input ended inside a message of 100 bytes"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_client_that_never_answers_does_not_keep_the_server_alive() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("threads/sales/x")).unwrap();
    let capabilities =
        json!({"window": {"workDoneProgress": true}, "workspace": {"configuration": true}});
    let initialize = frame(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": format!("file://{}", dir.path().display()), "capabilities": capabilities}}),
    );
    let changed = frame(
        &json!({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {"settings": {}}}),
    );
    let symbols = frame(
        &json!({"jsonrpc": "2.0", "id": 3, "method": "workspace/symbol", "params": {"query": "x"}}),
    );
    // Each answer is awaited a minute at most: a server that waited for
    // the client would fail there.
    let run = session(vec![
        Send(initialize),
        Await(1),
        Send(initialized()),
        Send(changed),
        // Answered although the client never answers the server's
        // configuration and progress requests.
        Send(symbols),
        Await(3),
        Send(shutdown(4)),
        Await(4),
        Send(exit()),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.response(json!(3)).get("error").is_none());
}

/// How many read system calls process `pid` made so far (Linux
/// `/proc/PID/io`, `syscr`).
#[cfg(target_os = "linux")]
fn read_calls(pid: u32) -> u64 {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap();
    io.lines()
        .find_map(|line| line.strip_prefix("syscr: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// The server's own watcher reacts to changes, not to reads: an idle
/// server watching its root reads nothing (a watcher that took the
/// server's own reads for changes would read again, forever).
#[cfg(target_os = "linux")]
#[test]
fn an_idle_server_with_its_own_watcher_stays_idle() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("threads/sales/x")).unwrap();
    std::fs::write(root.join("leanos.toml"), "watcher = \"server\"\n").unwrap();
    std::fs::write(
        root.join("threads/sales/x/2-hypothesis.md"),
        "# Stage 2: Hypothesis\n\nTests: A1 - x\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_leanos-lsp"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(&[initialize(root), initialized()].concat())
        .unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let before = read_calls(child.id());
    std::thread::sleep(Duration::from_secs(2));
    let idle = read_calls(child.id()) - before;
    let _ = child.kill();
    let _ = child.wait();
    assert!(idle < 10, "{idle} read calls in 2 s of idling");
}

fn request(id: i64, method: &str, params: Value) -> Vec<u8> {
    frame(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
}

fn notification(method: &str, params: Value) -> Vec<u8> {
    frame(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
}

fn write(root: &std::path::Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// A LeanOS workspace: A4 defined (with a long title, so that a hover's
/// answer is a few hundred bytes), acme citing it, beta citing unknown A9.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "strategy/canvas/10-assumptions.md",
        &format!(
            "# Assumptions\n\n### A4: Enterprise buyers prefer white-label\n**Status:** ✅ VALIDATED\n**Confidence:** 95%\n**Evidence:** {}\n",
            "three pilots asked for it; ".repeat(8)
        ),
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
    write(
        root,
        "threads/sales/beta/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: A9 - unknown yet\n",
    );
    dir
}

fn uri(root: &std::path::Path, path: &str) -> String {
    format!(
        "file://{}/{path}",
        std::fs::canonicalize(root).unwrap().display()
    )
}

/// `{textDocument, position}` at `line`, `character` of `uri`.
fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// Whether a result is empty: null, `[]`, or an object whose arrays are
/// all empty (semantic tokens, a completion list).
fn empty(result: &Value) -> bool {
    match result {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields
            .values()
            .all(|v| !matches!(v, Value::Array(items) if !items.is_empty())),
        _ => false,
    }
}

/// Requests about documents the server does not know (outside every
/// root, not on disk, a scheme that is not `file`, opened then closed,
/// changed or closed without being opened) get an empty answer, not an
/// error, and the session goes on.
#[test]
fn requests_for_unknown_or_closed_documents_get_empty_answers() {
    let dir = workspace();
    let root = dir.path();
    let closed = uri(root, "threads/sales/new/1-input.md");
    let documents = [
        "file:///nowhere/threads/x/1-input.md".to_string(),
        uri(root, "threads/sales/gone/2-hypothesis.md"),
        "untitled:Untitled-1".to_string(),
        closed.clone(),
    ];
    let methods = [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/completion",
        "textDocument/prepareRename",
        "textDocument/documentSymbol",
        "textDocument/foldingRange",
        "textDocument/semanticTokens/full",
        "textDocument/codeLens",
        "textDocument/documentLink",
        "textDocument/inlayHint",
        "textDocument/selectionRange",
        "textDocument/codeAction",
    ];
    let mut steps = vec![
        Send(initialize(root)),
        Await(1),
        Send(initialized()),
        Send(notification(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": closed, "languageId": "markdown", "version": 1, "text": "# Stage 1: Input\n"}}),
        )),
        Send(notification(
            "textDocument/didClose",
            json!({"textDocument": {"uri": closed}}),
        )),
        // Changed and closed without being opened.
        Send(notification(
            "textDocument/didChange",
            json!({"textDocument": {"uri": documents[1], "version": 2}, "contentChanges": [{"text": "x"}]}),
        )),
        Send(notification(
            "textDocument/didClose",
            json!({"textDocument": {"uri": documents[0]}}),
        )),
    ];
    let mut id = 10;
    let mut asked = Vec::new();
    for document in &documents {
        for method in methods {
            let mut params = at(document, 0, 0);
            match method {
                "textDocument/references" => {
                    params["context"] = json!({"includeDeclaration": true})
                }
                "textDocument/codeAction" => params["context"] = json!({"diagnostics": []}),
                _ => {}
            }
            params["range"] =
                json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}});
            params["positions"] = json!([{"line": 0, "character": 0}]);
            steps.push(Send(request(id, method, params)));
            asked.push((id, method, document.clone()));
            id += 1;
        }
    }
    let last = id;
    steps.extend([
        Send(request(last, "workspace/symbol", json!({"query": "A4"}))),
        Await(last),
        Send(shutdown(last + 1)),
        Await(last + 1),
        Send(exit()),
    ]);
    let run = session(steps);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (id, method, document) in asked {
        let response = run.response(json!(id));
        assert!(
            response.get("error").is_none() && empty(&response["result"]),
            "{method} on {document}: {response}"
        );
    }
    assert!(!run.response(json!(last))["result"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// A change whose version is not newer than the document's is ignored (a
/// late or replayed message), and later changes apply to the text as it
/// was: the range of the next change still lands on `A9`.
#[test]
fn versions_out_of_order_are_ignored() {
    let dir = workspace();
    let root = dir.path();
    let document = uri(root, "threads/sales/beta/2-hypothesis.md");
    let change = |version: i64, changes: Value| {
        Send(notification(
            "textDocument/didChange",
            json!({"textDocument": {"uri": document, "version": version}, "contentChanges": changes}),
        ))
    };
    let run = session(vec![
        Send(initialize(root)),
        Await(1),
        Send(initialized()),
        Send(notification(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": document, "languageId": "markdown", "version": 5, "text": "# Stage 2: Hypothesis\n\nTests: A9 - unknown yet\n"}}),
        )),
        // Older, and equal: ignored.
        change(3, json!([{"text": "# Replaced\n\nNothing here.\n"}])),
        change(5, json!([{"text": "# Replaced again\n"}])),
        // Newer: "A9" (line 2, characters 7..9) becomes "A4".
        change(
            6,
            json!([{"range": {"start": {"line": 2, "character": 7}, "end": {"line": 2, "character": 9}}, "text": "A4"}]),
        ),
        Send(request(2, "textDocument/hover", at(&document, 2, 8))),
        Await(2),
        Send(request(
            3,
            "textDocument/documentSymbol",
            at(&document, 0, 0),
        )),
        Await(3),
        Send(shutdown(4)),
        Await(4),
        Send(exit()),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hover = run.response(json!(2))["result"].to_string();
    assert!(
        hover.contains("Enterprise buyers prefer white-label"),
        "{hover}"
    );
    let symbols = run.response(json!(3))["result"].to_string();
    assert!(symbols.contains("Stage 2: Hypothesis"), "{symbols}");
    assert!(!symbols.contains("Replaced"), "{symbols}");
}

/// Changes with ranges past the end of a line or of the text, or with
/// the end before the start, are clamped: no panic, and the text is what
/// clamping gives (an insertion past the end appends).
#[test]
fn changes_with_ranges_past_the_end_are_clamped() {
    let dir = workspace();
    let root = dir.path();
    let document = uri(root, "threads/sales/beta/2-hypothesis.md");
    let change = |version: i64, range: Value, text: &str| {
        Send(notification(
            "textDocument/didChange",
            json!({"textDocument": {"uri": document, "version": version}, "contentChanges": [{"range": range, "text": text}]}),
        ))
    };
    let range = |a: (u32, u32), b: (u32, u32)| json!({"start": {"line": a.0, "character": a.1}, "end": {"line": b.0, "character": b.1}});
    let run = session(vec![
        Send(initialize(root)),
        Await(1),
        Send(initialized()),
        Send(notification(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": document, "languageId": "markdown", "version": 1, "text": "# Stage 2: Hypothesis\n"}}),
        )),
        // Far past the end: appended.
        change(2, range((999, 0), (1000, 5)), "\nTests: A4 - appended\n"),
        // Past the end of line 0: the line's end.
        change(3, range((0, 500), (0, 900)), " (edited)"),
        // The end before the start: an insertion at the start.
        change(4, range((2, 4), (1, 0)), ""),
        change(
            5,
            range((u32::MAX, u32::MAX), (u32::MAX, u32::MAX)),
            "<!-- end -->\n",
        ),
        Send(request(2, "textDocument/hover", at(&document, 2, 8))),
        Await(2),
        Send(request(
            3,
            "textDocument/documentSymbol",
            at(&document, 0, 0),
        )),
        Await(3),
        Send(shutdown(4)),
        Await(4),
        Send(exit()),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hover = run.response(json!(2))["result"].to_string();
    assert!(
        hover.contains("Enterprise buyers prefer white-label"),
        "{hover}"
    );
    let symbols = run.response(json!(3))["result"].to_string();
    assert!(
        symbols.contains("Stage 2: Hypothesis (edited)"),
        "{symbols}"
    );
}

/// Thousands of `$/cancelRequest` (for requests in flight, answered,
/// never sent, with ids of every shape and no id at all) cost nothing:
/// every request gets its answer or `RequestCancelled`, and the session
/// ends normally.
#[test]
fn a_storm_of_cancellations_is_harmless() {
    let dir = workspace();
    let root = dir.path();
    let document = uri(root, "threads/sales/acme/2-hypothesis.md");
    let cancel = |id: Value| notification("$/cancelRequest", json!({ "id": id }));
    let mut storm = Vec::new();
    for id in 10..110 {
        storm.extend(request(id, "textDocument/hover", at(&document, 2, 8)));
        if id % 2 == 0 {
            storm.extend(cancel(json!(id)));
        }
        for other in 0..50 {
            storm.extend(cancel(json!(100_000 + id * 50 + other)));
        }
        storm.extend(cancel(json!(format!("x{id}"))));
        storm.extend(notification("$/cancelRequest", json!({})));
        storm.extend(cancel(json!(id - 1)));
    }
    let mut steps = vec![
        Send(initialize(root)),
        Await(1),
        Send(initialized()),
        Send(storm),
    ];
    steps.extend((10..110).map(Await));
    steps.extend([Send(shutdown(200)), Await(200), Send(exit())]);
    let run = session(steps);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for id in 10..110 {
        let response = run.response(json!(id));
        match response.get("error") {
            Some(error) => assert_eq!(error["code"], -32800, "{response}"),
            None => assert!(
                response["result"].to_string().contains("white-label"),
                "{response}"
            ),
        }
    }
    // The last request is never cancelled: it is answered.
    assert!(run.response(json!(109)).get("error").is_none());
}

/// A client that sends 2,000 requests without reading any answer: the
/// server reads all of its input meanwhile (the client's writes end
/// although nothing was read), then every answer arrives, and a request
/// sent after them is answered too. With a bounded output queue the
/// server stopped reading after about 1,300 requests, both pipes full.
#[test]
fn output_never_blocks_input() {
    const REQUESTS: i64 = 2000;
    let dir = workspace();
    let root = dir.path();
    let document = uri(root, "threads/sales/acme/2-hypothesis.md");
    let mut input = initialized();
    for id in 2..2 + REQUESTS {
        input.extend(request(id, "textDocument/hover", at(&document, 2, 8)));
    }
    let after = 2 + REQUESTS;
    input.extend(request(after, "workspace/symbol", json!({"query": "A4"})));
    let mut child = Command::new(env!("CARGO_BIN_EXE_leanos-lsp"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The answer to `initialize` is read, as a client must before it
    // sends anything else; then none until the input is all written.
    stdin.write_all(&initialize(root)).unwrap();
    stdin.flush().unwrap();
    let (sink, incoming) = std::sync::mpsc::sync_channel(0);
    let stdout = child.stdout.take().unwrap();
    // A rendezvous: the reader reads a message only once the last one
    // is taken.
    std::thread::spawn(move || read_messages(stdout, |m| sink.send(m).is_ok()));
    loop {
        let message = incoming.recv_timeout(Duration::from_secs(60)).unwrap();
        if message["id"] == 1 && message.get("method").is_none() {
            break;
        }
    }
    let (written, wrote) = std::sync::mpsc::channel();
    let writer = std::thread::spawn(move || {
        stdin.write_all(&input).unwrap();
        stdin.flush().unwrap();
        let _ = written.send(input.len());
        stdin
    });
    // Nothing of the output is read until every byte of input is.
    let Ok(bytes) = wrote.recv_timeout(Duration::from_secs(120)) else {
        let _ = child.kill();
        panic!("the server stopped reading its input while its output was not read");
    };
    assert!(bytes > 256 * 1024, "more than both pipes hold: {bytes}");
    let mut stdin = writer.join().unwrap();
    let mut answered = std::collections::BTreeSet::new();
    while answered.len() < (REQUESTS + 1) as usize {
        let Ok(message) = incoming.recv_timeout(Duration::from_secs(120)) else {
            let _ = child.kill();
            panic!("{} answers of {}", answered.len(), REQUESTS + 1);
        };
        let id = message["id"].as_i64().unwrap_or(0);
        if message.get("method").is_some() || id == 1 {
            continue;
        }
        if id == after {
            assert!(
                !message["result"].as_array().unwrap().is_empty(),
                "{message}"
            );
        } else {
            assert!(
                message["result"].to_string().contains("white-label"),
                "{message}"
            );
        }
        answered.insert(id);
    }
    assert!(answered.contains(&after));
    stdin
        .write_all(&[shutdown(after + 1), exit()].concat())
        .unwrap();
    drop(stdin);
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the server did not end");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A client that answers none of the server's requests
/// (`workspace/configuration`, `client/registerCapability`,
/// `window/workDoneProgress/create`) gets its workspace indexed: beta's
/// diagnostics are published and a definition is right.
#[test]
fn a_client_that_never_answers_gets_its_workspace_indexed() {
    let dir = workspace();
    let root = dir.path();
    let capabilities = json!({
        "window": {"workDoneProgress": true},
        "workspace": {"configuration": true, "didChangeWatchedFiles": {"dynamicRegistration": true}}
    });
    let initialize = frame(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": capabilities}}),
    );
    let acme = uri(root, "threads/sales/acme/2-hypothesis.md");
    fn beta_published(message: &Value) -> bool {
        message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"]
                .as_str()
                .is_some_and(|u| u.ends_with("/threads/sales/beta/2-hypothesis.md"))
    }
    let run = session(vec![
        Send(initialize),
        Await(1),
        Send(initialized()),
        Until(beta_published),
        Send(request(2, "textDocument/definition", at(&acme, 2, 8))),
        Await(2),
        Send(shutdown(3)),
        Await(3),
        Send(exit()),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The server did ask, and was never answered.
    for method in [
        "workspace/configuration",
        "client/registerCapability",
        "window/workDoneProgress/create",
    ] {
        assert!(
            run.messages.iter().any(|m| m["method"] == method),
            "{method} was not asked"
        );
    }
    let beta = run.messages.iter().find(|m| beta_published(m)).unwrap();
    let codes: Vec<&Value> = beta["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["code"])
        .collect();
    assert!(codes.contains(&&json!("assumption-unknown")), "{codes:?}");
    let definition = run.response(json!(2))["result"].to_string();
    assert!(
        definition.contains("strategy/canvas/10-assumptions.md"),
        "{definition}"
    );
}

/// The input closing without `exit`, while the first scan of a large
/// workspace runs and requests wait for it, ends the server with status
/// 1 (the wait is bounded by the session's minute).
#[test]
fn the_input_closing_ends_a_busy_server() {
    let dir = tempfile::tempdir().unwrap();
    leanos_lsp::testgen::write_workspace(dir.path(), 3000, 7).unwrap();
    let document = uri(dir.path(), "threads/sales/t-0001/2-hypothesis.md");
    let mut waiting = Vec::new();
    for id in 2..102 {
        waiting.extend(request(id, "textDocument/references", {
            let mut params = at(&document, 2, 8);
            params["context"] = json!({"includeDeclaration": true});
            params
        }));
    }
    let run = session(vec![
        Send(initialize(dir.path())),
        Await(1),
        Send(initialized()),
        Send(waiting),
        Close,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

/// Workspace folders that are not in a LeanOS workspace (`file:///`, a
/// home folder without `strategy/` or `threads/`) are refused with a
/// warning naming them, at `initialize` and when added later, and never
/// walked: the one scan is the real root's, of its few files.
#[test]
fn folders_that_are_not_leanos_workspaces_are_refused() {
    let dir = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let home = tempfile::tempdir().unwrap();
    let home_path = std::fs::canonicalize(home.path()).unwrap();
    write(&home_path, "notes/todo.md", "# Todo\n");
    let folders = json!([
        {"uri": "file:///", "name": "disk"},
        {"uri": format!("file://{}", root.display()), "name": "ws"},
    ]);
    let initialize = frame(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "capabilities": {}, "workspaceFolders": folders}}),
    );
    let add_home = notification(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [{"uri": format!("file://{}", home_path.display()), "name": "home"}], "removed": []}}),
    );
    fn refused(message: &Value) -> bool {
        message["method"] == "window/showMessage"
            && message["params"]["type"] == 2
            && message["params"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("is not a LeanOS workspace"))
    }
    fn home_refused(message: &Value) -> bool {
        refused(message)
            && !message["params"]["message"]
                .as_str()
                .unwrap()
                .starts_with("leanos: / ")
    }
    fn indexed(message: &Value) -> bool {
        message["method"] == "window/logMessage"
            && message["params"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("leanos: indexed"))
    }
    let run = session_with(
        vec![
            Send(initialize),
            Await(1),
            Send(initialized()),
            Until(indexed),
            Send(add_home),
            Until(home_refused),
            Send(request(2, "workspace/symbol", json!({"query": "A4"}))),
            Await(2),
            Send(shutdown(3)),
            Await(3),
            Send(exit()),
        ],
        &[("HOME", home_path.as_path())],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run
        .messages
        .iter()
        .filter(|m| refused(m))
        .map(|m| m["params"]["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        warnings,
        [
            "leanos: / is not a LeanOS workspace (no leanos.toml, strategy/ or threads/ in it or above it): not indexed".to_string(),
            format!("leanos: {} is not a LeanOS workspace (no leanos.toml, strategy/ or threads/ in it or above it): not indexed", home_path.display()),
        ]
    );
    let scans: Vec<&str> = run
        .messages
        .iter()
        .filter(|m| indexed(m))
        .map(|m| m["params"]["message"].as_str().unwrap())
        .collect();
    assert_eq!(scans.len(), 1, "{scans:?}");
    assert!(scans[0].starts_with("leanos: indexed 4 files"), "{scans:?}");
    let symbols = run.response(json!(2))["result"].to_string();
    assert!(symbols.contains(&root.display().to_string()), "{symbols}");
    assert!(!symbols.contains("todo"), "{symbols}");
}

/// The server's notifications, written by the server itself on stdio
/// (`lsp/outbox.rs`), are the diagnostics `check` finds, and come in the
/// order they were sent: every publication before the `ready` status that
/// counts it, and both before the `leanos/settled` notification, which
/// comes before its response.
#[test]
fn notifications_on_stdio_are_whole_and_in_order() {
    let dir = workspace();
    let root = dir.path();
    write(
        root,
        "threads/sales/gamma/2-hypothesis.md",
        "# Stage 2\n\nTests: A7\n",
    );
    let checked = Command::new(env!("CARGO_BIN_EXE_leanos-lsp"))
        .args(["check", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    let expected: Vec<Value> = serde_json::from_slice(&checked.stdout).unwrap();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for diagnostic in &expected {
        *counts
            .entry(uri(root, diagnostic["path"].as_str().unwrap()))
            .or_default() += 1;
    }
    assert!(counts.len() >= 2, "{counts:?}");
    let out = session(vec![
        Send(initialize(root)),
        Await(1),
        Send(initialized()),
        Send(request(2, "leanos/settled", Value::Null)),
        Await(2),
        Send(shutdown(3)),
        Await(3),
        Send(exit()),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let place = |accept: &dyn Fn(&Value) -> bool| {
        out.messages
            .iter()
            .position(accept)
            .unwrap_or_else(|| panic!("not sent: {:#?}", out.messages))
    };
    let settled = place(&|m| m["method"] == "leanos/settled");
    let answered = place(&|m| m["id"] == 2 && m.get("method").is_none());
    assert!(settled < answered);
    let mut published = std::collections::BTreeMap::<String, usize>::new();
    let mut last_publication = 0;
    for (at, message) in out.messages.iter().enumerate() {
        if message["method"] == "textDocument/publishDiagnostics" {
            assert_eq!(message["jsonrpc"], "2.0");
            let params = &message["params"];
            let shown = params["diagnostics"].as_array().unwrap().len();
            published.insert(params["uri"].as_str().unwrap().to_string(), shown);
            last_publication = at;
        }
    }
    published.retain(|_, shown| *shown > 0);
    assert_eq!(published, counts);
    let ready = place(&|m| {
        m["method"] == "leanos/status"
            && m["params"]["state"] == "ready"
            && m["params"]["problems"] == counts.len()
    });
    assert!(last_publication < ready && ready < settled);
}
