//! The built binary on stdio, as a client's process sees it: the exit
//! status the specification asks for, and frames that are not messages
//! answered without ending the session.
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

/// Reads the server's messages from `output` into `sink` until it ends.
fn read_messages(output: impl std::io::Read, sink: std::sync::mpsc::Sender<Value>) {
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
        if sink.send(serde_json::from_slice(&body).unwrap()).is_err() {
            return;
        }
    }
}

/// What the test client does next.
#[derive(Clone)]
enum Step {
    /// Writes these bytes.
    Send(Vec<u8>),
    /// Waits for the response to this request id, as a client waits for
    /// `initialize` and `shutdown` before going on.
    Await(i64),
    /// Closes the server's input.
    Close,
}

/// Runs the server through `steps`, failing the test when a response does
/// not come or the server has not ended within a minute.
fn session(steps: Vec<Step>) -> Session {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leanos-lsp"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (sink, incoming) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || read_messages(stdout, sink));
    let mut stdin = child.stdin.take();
    let mut messages = Vec::new();
    for step in steps {
        match step {
            Step::Send(bytes) => {
                let input = stdin.as_mut().unwrap();
                input.write_all(&bytes).unwrap();
                input.flush().unwrap();
            }
            Step::Await(id) => loop {
                let message: Value = incoming
                    .recv_timeout(Duration::from_secs(60))
                    .unwrap_or_else(|_| panic!("no response to {id}"));
                let done = message["id"] == id && message.get("method").is_none();
                messages.push(message);
                if done {
                    break;
                }
            },
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
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    Session {
        code: child.wait().unwrap().code().unwrap_or(-1),
        messages,
        stderr,
    }
}

use Step::{Await, Close, Send};

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
    let started = Instant::now();
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
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the server waited for the client"
    );
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
