//! The stdio transport: LSP's base protocol (`Content-Length` framing)
//! between a client and [`tower_lsp_server::LspService`], in place of
//! `tower_lsp_server::Server`, which ends the session on the first frame
//! it cannot decode.
//!
//! - A frame that can be delimited but is not a JSON-RPC message (a body
//!   that is not JSON, a bad `Content-Type`, an unparsable
//!   `Content-Length`) is answered with `-32700` (parse error) or `-32600`
//!   (invalid request), id `null` unless the body names one, and the
//!   session goes on.
//! - A frame that cannot be delimited (no `Content-Length`, a length over
//!   [`MAX_MESSAGE_BYTES`], a header line that never ends) is answered
//!   with `-32700` and the input is resynchronised at the next
//!   `Content-Length` header.
//! - Input that ends inside a frame, or fails to read, ends the session
//!   with a logged reason and exit status 1.
//! - `exit` ends the session with status 0 when a `shutdown` request
//!   succeeded before it, 1 otherwise (as the specification says); so does
//!   the end of the input.
//!
//! Every outgoing message is written whole (header and body under one
//! lock, then flushed) by one thread, so nothing interleaves; a client
//! that stops reading stalls that thread and, through a bounded queue, the
//! server's output, which is the backpressure LSP expects.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::{FutureExt, SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::{ClientSocket, LspService};

/// The largest message body read, in bytes (a `didOpen` of a file at the
/// 4 MiB size cap, escaped, is far below it).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The longest header line read, in bytes.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// How long in-flight requests may still answer after `exit` or the end
/// of the input.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// How many messages are handled at once. Requests that wait for the
/// first scan hold their slot, so there are more slots than cores;
/// `$/cancelRequest` never takes one (it is handled as it is read).
const MAX_CONCURRENCY: usize = 64;

/// A message from the client: a request or notification, or a response
/// to one of the server's requests.
#[derive(Deserialize)]
#[serde(untagged)]
enum Incoming {
    Response(Response),
    Request(Request),
}

/// A message to the client.
#[derive(Serialize)]
#[serde(untagged)]
enum Outgoing {
    Response(Response),
    Request(Request),
}

/// What reading the input gave.
#[derive(Debug, PartialEq, Eq)]
enum Frame {
    /// A delimited body.
    Body(Vec<u8>),
    /// A frame that is not a message; the input is positioned after it.
    Invalid(String),
    /// The input ended between frames.
    Eof,
    /// The input ended inside a frame or could not be read.
    Broken(String),
}

/// Reads base-protocol frames from a byte stream.
struct FrameReader<R> {
    input: R,
    /// A header line found while resynchronising, to be read first.
    pending: Option<Vec<u8>>,
}

/// Where `Content-Length:` starts in `line`, in any letter case.
fn content_length_at(line: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"content-length:";
    line.windows(NAME.len())
        .position(|w| w.eq_ignore_ascii_case(NAME))
}

impl<R: AsyncBufRead + Unpin> FrameReader<R> {
    fn new(input: R) -> FrameReader<R> {
        FrameReader {
            input,
            pending: None,
        }
    }

    /// Reads one line (at most [`MAX_HEADER_LINE`] bytes) into `line`;
    /// `Ok(false)` at the end of the input.
    async fn line(&mut self, line: &mut Vec<u8>) -> std::io::Result<bool> {
        line.clear();
        if let Some(pending) = self.pending.take() {
            *line = pending;
            return Ok(true);
        }
        let read = (&mut self.input)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', line)
            .await?;
        Ok(read > 0)
    }

    /// Skips input up to the next `Content-Length` header, which the next
    /// [`FrameReader::next`] reads first. The end of the input stops it.
    async fn resynchronise(&mut self) -> std::io::Result<()> {
        let mut line = Vec::new();
        while self.line(&mut line).await? {
            if let Some(at) = content_length_at(&line) {
                self.pending = Some(line.split_off(at));
                break;
            }
        }
        Ok(())
    }

    /// An invalid frame after resynchronising (or a broken input if that
    /// fails).
    async fn invalid_then_resynchronise(&mut self, reason: String) -> Frame {
        match self.resynchronise().await {
            Ok(()) => Frame::Invalid(reason),
            Err(error) => Frame::Broken(format!("cannot read the input: {error}")),
        }
    }

    /// The next frame.
    async fn next(&mut self) -> Frame {
        let mut line = Vec::new();
        let mut content_length: Option<Result<usize, String>> = None;
        let mut bad_header: Option<String> = None;
        let mut in_header = false;
        loop {
            match self.line(&mut line).await {
                Ok(true) => {}
                Ok(false) if in_header => {
                    return Frame::Broken("the input ended inside a message header".into())
                }
                Ok(false) => return Frame::Eof,
                Err(error) => return Frame::Broken(format!("cannot read the input: {error}")),
            }
            if !line.ends_with(b"\n") && line.len() as u64 >= MAX_HEADER_LINE {
                let reason = format!("a header line is over {MAX_HEADER_LINE} bytes");
                return self.invalid_then_resynchronise(reason).await;
            }
            // A header glued after other bytes (the tail of a body whose
            // Content-Length was too short): those bytes are not a
            // message; the header starts the next frame.
            if let Some(at) = content_length_at(&line).filter(|at| *at > 0) {
                self.pending = Some(line.split_off(at));
                return Frame::Invalid(format!("{at} bytes that are not a message"));
            }
            let text = line.trim_ascii();
            if text.is_empty() {
                if in_header {
                    break;
                }
                continue; // blank lines between messages
            }
            in_header = true;
            let Some(colon) = text.iter().position(|&b| b == b':') else {
                let reason = "a message without a Content-Length header".to_string();
                return self.invalid_then_resynchronise(reason).await;
            };
            let (name, value) = (&text[..colon], text[colon + 1..].trim_ascii());
            let value = String::from_utf8_lossy(value);
            if name.eq_ignore_ascii_case(b"content-length") {
                content_length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| format!("Content-Length `{value}` is not a length")),
                );
            } else if name.eq_ignore_ascii_case(b"content-type") {
                let charset = value
                    .split(';')
                    .skip(1)
                    .filter_map(|p| p.trim().strip_prefix("charset="))
                    .next();
                if !matches!(
                    charset.map(str::to_ascii_lowercase).as_deref(),
                    None | Some("utf-8" | "utf8")
                ) {
                    bad_header = Some(format!("Content-Type `{value}` is not UTF-8"));
                }
            }
        }
        let length = match content_length {
            None => {
                let reason = "a message without a Content-Length header".to_string();
                return self.invalid_then_resynchronise(reason).await;
            }
            Some(Err(reason)) => return self.invalid_then_resynchronise(reason).await,
            Some(Ok(length)) if length > MAX_MESSAGE_BYTES => {
                let reason = format!(
                    "a message of {length} bytes is over the {MAX_MESSAGE_BYTES} byte limit"
                );
                return self.invalid_then_resynchronise(reason).await;
            }
            Some(Ok(length)) => length,
        };
        let mut body = vec![0; length];
        if let Err(error) = self.input.read_exact(&mut body).await {
            return Frame::Broken(if error.kind() == std::io::ErrorKind::UnexpectedEof {
                format!("the input ended inside a message of {length} bytes")
            } else {
                format!("cannot read the input: {error}")
            });
        }
        match bad_header {
            Some(reason) => Frame::Invalid(reason),
            None => Frame::Body(body),
        }
    }
}

/// The message of a body, or the error response it gets.
fn parse(body: &[u8]) -> Result<Incoming, Response> {
    serde_json::from_slice::<Incoming>(body).map_err(|_| {
        match serde_json::from_slice::<serde_json::Value>(body) {
            // JSON, but not a request, notification or response.
            Ok(value) => {
                let id = value
                    .get("id")
                    .and_then(|id| serde_json::from_value::<Id>(id.clone()).ok())
                    .unwrap_or(Id::Null);
                Response::from_error(id, Error::invalid_request())
            }
            Err(error) => Response::from_error(Id::Null, parse_error(format!("{error}"))),
        }
    })
}

fn parse_error(reason: String) -> Error {
    Error {
        code: ErrorCode::ParseError,
        message: format!("Parse error: {reason}").into(),
        data: None,
    }
}

/// Writes each message as one frame, flushed, until the queue closes.
fn write_messages(mut output: impl Write, mut queue: tokio::sync::mpsc::Receiver<Outgoing>) {
    while let Some(message) = queue.blocking_recv() {
        let body = match serde_json::to_vec(&message) {
            Ok(body) => body,
            Err(error) => {
                tracing::error!("cannot encode a message: {error}");
                continue;
            }
        };
        let written = write!(output, "Content-Length: {}\r\n\r\n", body.len())
            .and_then(|()| output.write_all(&body))
            .and_then(|()| output.flush());
        if let Err(error) = written {
            tracing::error!("cannot write to the client: {error}");
            return;
        }
    }
}

/// Serves `service` over `input` and `output` until `exit` or the end of
/// the input; returns the exit status (0 after a successful `shutdown`, 1
/// otherwise).
pub async fn serve<B>(
    input: impl tokio::io::AsyncRead + Unpin,
    output: impl Write + Send + 'static,
    mut service: LspService<B>,
    socket: ClientSocket,
) -> i32
where
    B: tower_lsp_server::LanguageServer,
{
    let (out, queue) = tokio::sync::mpsc::channel::<Outgoing>(64);
    let writer = std::thread::spawn(move || write_messages(output, queue));
    let (mut server_requests, mut client_responses) = socket.split();
    let forward_out = out.clone();
    let forward = tokio::spawn(async move {
        while let Some(request) = server_requests.next().await {
            if forward_out.send(Outgoing::Request(request)).await.is_err() {
                break;
            }
        }
    });
    let (mut tasks, task_queue) = futures::channel::mpsc::channel(100);
    let respond_out = out.clone();
    let responder = tokio::spawn(async move {
        let mut responses = task_queue
            .buffer_unordered(MAX_CONCURRENCY)
            .filter_map(futures::future::ready);
        while let Some(response) = responses.next().await {
            if respond_out
                .send(Outgoing::Response(response))
                .await
                .is_err()
            {
                break;
            }
        }
    });
    let shut_down = Arc::new(AtomicBool::new(false));
    let mut reader = FrameReader::new(tokio::io::BufReader::new(input));
    let ending = loop {
        let body = match reader.next().await {
            Frame::Body(body) => body,
            Frame::Invalid(reason) => {
                tracing::warn!("invalid message from the client: {reason}");
                let response = Response::from_error(Id::Null, parse_error(reason));
                let _ = out.send(Outgoing::Response(response)).await;
                continue;
            }
            Frame::Eof => break None,
            Frame::Broken(reason) => break Some(reason),
        };
        match parse(&body) {
            Ok(Incoming::Response(response)) => {
                let _ = client_responses.send(response).await;
            }
            Ok(Incoming::Request(request)) => {
                if request.method() == "$/cancelRequest" {
                    // At once, not behind the requests it cancels.
                    if let Ok(service) = service.ready().await {
                        let _ = service.call(request).await;
                    }
                    continue;
                }
                let exit = request.method() == "exit";
                let shutdown = request.method() == "shutdown" && request.id().is_some();
                if service.ready().await.is_err() {
                    break None;
                }
                let flag = shut_down.clone();
                let call = service.call(request).map(move |result| {
                    let response = result.ok().flatten();
                    if shutdown && response.as_ref().is_some_and(Response::is_ok) {
                        flag.store(true, Ordering::SeqCst);
                    }
                    response
                });
                if tasks.send(call.boxed()).await.is_err() {
                    break Some("the request queue closed".to_string());
                }
                if exit {
                    break None;
                }
            }
            Err(response) => {
                tracing::warn!("invalid message from the client");
                let _ = out.send(Outgoing::Response(response)).await;
            }
        }
    };
    if let Some(reason) = &ending {
        tracing::error!("ending the session: {reason}");
    }
    tasks.close_channel();
    // In-flight requests get a moment to answer; one still waiting after
    // it (on a first scan, on the client) does not keep the process alive.
    let mut responder = responder;
    if tokio::time::timeout(EXIT_GRACE, &mut responder)
        .await
        .is_err()
    {
        responder.abort();
        tracing::warn!("ending with requests still in flight");
    }
    forward.abort();
    drop(out);
    // The last messages are flushed, unless the client stopped reading.
    let flushed = tokio::task::spawn_blocking(move || writer.join());
    let _ = tokio::time::timeout(EXIT_GRACE, flushed).await;
    if ending.is_none() && shut_down.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader::new(input);
        let mut out = Vec::new();
        loop {
            let frame = reader.next().await;
            let end = matches!(frame, Frame::Eof | Frame::Broken(_));
            out.push(frame);
            if end {
                return out;
            }
        }
    }

    fn body(text: &str) -> Frame {
        Frame::Body(text.as_bytes().to_vec())
    }

    #[tokio::test]
    async fn frames_are_delimited_and_garbage_is_skipped() {
        let input = b"Content-Length: 2\r\n\r\n{}\r\ncontent-length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1]";
        assert_eq!(frames(input).await, [body("{}"), body("[1]"), Frame::Eof]);
        // No Content-Length: resynchronised at the next one, even glued
        // to the body before it.
        let input = b"X-Other: 1\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}";
        let got = frames(input).await;
        assert!(matches!(&got[0], Frame::Invalid(r) if r.contains("Content-Length")));
        assert_eq!(got[1..], [body("{}"), Frame::Eof]);
        // A length far too large is refused without reading it.
        let input = b"Content-Length: 99999999999\r\n\r\n{}\nContent-Length: 2\r\n\r\n{}";
        let got = frames(input).await;
        assert!(matches!(&got[0], Frame::Invalid(r) if r.contains("over the")));
        assert_eq!(got[1..], [body("{}"), Frame::Eof]);
        // A length counted too short: the rest of the body, then the next
        // frame, which is not lost.
        let input = b"Content-Length: 7\r\n\r\n{\"a\":1}xyzContent-Length: 2\r\n\r\n{}";
        let got = frames(input).await;
        assert_eq!(got[0], body("{\"a\":1}"));
        assert!(matches!(&got[1], Frame::Invalid(r) if r.contains("3 bytes")));
        assert_eq!(got[2..], [body("{}"), Frame::Eof]);
        // A length that is not a number; a charset that is not UTF-8.
        let input = b"Content-Length: ten\r\n\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=latin1\r\n\r\n{}";
        let got = frames(input).await;
        assert!(matches!(&got[0], Frame::Invalid(r) if r.contains("`ten`")));
        assert!(matches!(&got[1], Frame::Invalid(r) if r.contains("latin1")));
        assert_eq!(got[2], Frame::Eof);
        // The input ends inside a body or a header.
        assert!(matches!(
            frames(b"Content-Length: 10\r\n\r\n{}").await[..],
            [Frame::Broken(_)]
        ));
        assert!(matches!(
            frames(b"Content-Length: 10\r\n").await[..],
            [Frame::Broken(_)]
        ));
    }

    #[test]
    fn bodies_that_are_not_messages_get_errors() {
        let not_json = parse(b"{\"jsonrpc\": \"2.0\", ").err().unwrap();
        assert_eq!(not_json.error().unwrap().code, ErrorCode::ParseError);
        let not_rpc = parse(b"{\"id\": 7, \"jsonrpc\": \"1.0\"}").err().unwrap();
        assert_eq!(not_rpc.error().unwrap().code, ErrorCode::InvalidRequest);
        assert_eq!(not_rpc.id(), &Id::Number(7));
        assert!(matches!(
            parse(b"{\"jsonrpc\": \"2.0\", \"method\": \"exit\"}"),
            Ok(Incoming::Request(_))
        ));
    }
}
