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
//!   [`super::framing::MAX_MESSAGE_BYTES`], a header line that never ends) is answered
//!   with `-32700` and the input is resynchronised at the next
//!   `Content-Length` header.
//! - Input that ends inside a frame, or fails to read, ends the session
//!   with a logged reason and exit status 1.
//! - `exit` ends the session with status 0 when a `shutdown` request
//!   succeeded before it, 1 otherwise (as the specification says); so does
//!   the end of the input.
//!
//! Every outgoing message is written whole (header and body, then
//! flushed) by one thread, so nothing interleaves. The server's own
//! notifications reach that thread already serialised, through an
//! [`Outlet`] (see `lsp/outbox.rs`); its requests and the answers to the
//! client's come through tower-lsp as values. Output never blocks
//! input: a client that stops reading stalls only that thread, while the
//! messages for it wait in an unbounded queue and the input is still read
//! (clients send requests without reading the answers to those before;
//! with a bounded queue, both sides' pipes filled and the server stopped
//! reading after about 1,300 requests, `exit` and `$/cancelRequest`
//! included). Answers to the client's requests never wait; the server's
//! own messages (diagnostics above all: thousands after a scan) wait for
//! one of [`SERVER_MESSAGES_QUEUED`] places in that queue, so a slow client
//! slows the publishing down instead of the queue growing with it.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::{FutureExt, SinkExt, StreamExt};
use serde::Deserialize;
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::{ClientSocket, LspService};

use super::framing::{Frame, FrameReader};

/// How long in-flight requests may still answer after `exit` or the end
/// of the input.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// How many messages are handled at once. Requests that wait for the
/// first scan hold their slot, so there are more slots than cores;
/// `$/cancelRequest` never takes one (it is handled as it is read).
const MAX_CONCURRENCY: usize = 64;

/// How many of the server's own messages (notifications and requests to
/// the client) may wait to be written at once.
const SERVER_MESSAGES_QUEUED: usize = 64;

/// A message to write, with the place it holds in the queue when it is
/// one of the server's own (given back once it is written).
type Queued = (Outgoing, Option<tokio::sync::OwnedSemaphorePermit>);

/// A message from the client: a request or notification, or a response
/// to one of the server's requests.
#[derive(Deserialize)]
#[serde(untagged)]
enum Incoming {
    Response(Response),
    Request(Request),
}

/// A message to the client.
enum Outgoing {
    Response(Response),
    Request(Request),
    /// A whole JSON-RPC message, serialised by the server (an [`Outlet`]'s).
    Serialized(Vec<u8>),
    /// The session is over: the writer stops after what came before (the
    /// server's outlets outlive the session's other senders).
    End,
}

/// Where the server writes its own notifications, serialised: the queue of
/// the writer of [`serve`], each message taking one of the places the
/// server's messages share (so a client that does not read slows the
/// sender down instead of the queue growing). Cloned by every sender.
#[derive(Clone)]
pub struct Outlet {
    out: tokio::sync::mpsc::UnboundedSender<Queued>,
    places: Arc<tokio::sync::Semaphore>,
}

impl Outlet {
    /// Queues `body`, one JSON-RPC message, once a place is free. False
    /// when the session's output has ended (the message is dropped).
    pub async fn send(&self, body: Vec<u8>) -> bool {
        let Ok(place) = self.places.clone().acquire_owned().await else {
            return false;
        };
        self.out
            .send((Outgoing::Serialized(body), Some(place)))
            .is_ok()
    }
}

/// The writer's side of the output queue, for [`serve`].
pub struct Output {
    out: tokio::sync::mpsc::UnboundedSender<Queued>,
    queue: tokio::sync::mpsc::UnboundedReceiver<Queued>,
    places: Arc<tokio::sync::Semaphore>,
}

/// The output queue of a session: the [`Outlet`] the server sends its
/// notifications into, and the [`Output`] that [`serve`] writes from.
pub fn output() -> (Outlet, Output) {
    let (out, queue) = tokio::sync::mpsc::unbounded_channel::<Queued>();
    let places = Arc::new(tokio::sync::Semaphore::new(SERVER_MESSAGES_QUEUED));
    let outlet = Outlet {
        out: out.clone(),
        places: places.clone(),
    };
    (outlet, Output { out, queue, places })
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
fn write_messages(mut output: impl Write, mut queue: tokio::sync::mpsc::UnboundedReceiver<Queued>) {
    while let Some((message, _place)) = queue.blocking_recv() {
        let encoded = match message {
            Outgoing::Response(response) => serde_json::to_vec(&response),
            Outgoing::Request(request) => serde_json::to_vec(&request),
            Outgoing::Serialized(body) => Ok(body),
            Outgoing::End => return,
        };
        let body = match encoded {
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
/// the input, writing what `queue` holds besides (the server's own
/// notifications; see [`output`]); returns the exit status (0 after a
/// successful `shutdown`, 1 otherwise).
pub async fn serve<B>(
    input: impl tokio::io::AsyncRead + Unpin,
    output: impl Write + Send + 'static,
    mut service: LspService<B>,
    socket: ClientSocket,
    queue: Output,
) -> i32
where
    B: tower_lsp_server::LanguageServer,
{
    // Unbounded, so that neither the reader nor the tasks that answer wait
    // on a client that does not read; the server's own messages take a
    // place first (see the module's documentation).
    let Output { out, queue, places } = queue;
    let writer = std::thread::spawn(move || write_messages(output, queue));
    let (mut server_requests, mut client_responses) = socket.split();
    let forward_out = out.clone();
    let forward = tokio::spawn(async move {
        while let Some(request) = server_requests.next().await {
            let Ok(place) = places.clone().acquire_owned().await else {
                break;
            };
            if forward_out
                .send((Outgoing::Request(request), Some(place)))
                .is_err()
            {
                break;
            }
        }
    });
    let (tasks, task_queue) = futures::channel::mpsc::unbounded();
    let respond_out = out.clone();
    let responder = tokio::spawn(async move {
        let mut responses = task_queue
            .buffer_unordered(MAX_CONCURRENCY)
            .filter_map(futures::future::ready);
        while let Some(response) = responses.next().await {
            if respond_out
                .send((Outgoing::Response(response), None))
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
                let _ = out.send((Outgoing::Response(response), None));
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
                if tasks.unbounded_send(call.boxed()).is_err() {
                    break Some("the request queue closed".to_string());
                }
                if exit {
                    break None;
                }
            }
            Err(response) => {
                tracing::warn!("invalid message from the client");
                let _ = out.send((Outgoing::Response(response), None));
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
    let _ = out.send((Outgoing::End, None));
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
