//! The server's notifications to the client: diagnostics, `leanos/status`,
//! `leanos/settled`, log lines and messages.
//!
//! On stdio each is serialised straight to the bytes of its JSON-RPC
//! message and queued for the writer (a [`transport::Outlet`]): tower-lsp's
//! client would first turn it into a `serde_json::Value`, a tree of maps
//! ten to twenty times the size of the text (a `Value` map allocates room
//! for eleven entries), and after a scan a hundred publications wait for
//! the writer at once (about 20 MB at 10,000 threads, BENCHMARKS.md
//! "Memory, tenth session"). In-process sessions (tests, the fuzz
//! harness) have no writer: there every notification goes through
//! tower-lsp's client, as the same values.
//!
//! All of them go one way or the other, never both, so they reach the
//! client in the order they were sent: a `leanos/settled` or `ready`
//! status after the publications before it. The server's requests
//! (`workspace/configuration`, `client/registerCapability`, progress)
//! still go through tower-lsp: each waits for its answer, and nothing
//! depends on their order against these.

use std::fmt::Display;

use serde::Serialize;
use tower_lsp_server::ls_types::notification::{self, Notification};
use tower_lsp_server::ls_types::{
    Diagnostic, LogMessageParams, MessageType, PublishDiagnosticsParams, ShowMessageParams, Uri,
};
use tower_lsp_server::Client;

use crate::lsp::transport::Outlet;

/// Publications handed to tower-lsp's client together (in-process): each
/// send has its own slot in its queue, so a batch goes out without a
/// thread switch per message.
const CLIENT_BATCH: usize = 64;

/// Where the server's notifications go: the stdio writer when there is
/// one, else tower-lsp's client.
#[derive(Clone)]
pub struct Outbox {
    client: Client,
    outlet: Option<Outlet>,
}

/// One `textDocument/publishDiagnostics`, ready to send: serialised when
/// the outbox writes to stdio (so a scan's thousands can be prepared on
/// every core, off the async runtime), else its params.
pub enum Publication {
    /// For tower-lsp's client.
    Params(PublishDiagnosticsParams),
    /// The whole JSON-RPC message.
    Serialized(Vec<u8>),
}

/// A JSON-RPC notification as it is written.
#[derive(Serialize)]
struct Message<'a, P> {
    jsonrpc: &'static str,
    method: &'a str,
    params: &'a P,
}

/// The bytes of notification `N` with `params`; `None` (logged) when they
/// cannot be serialised (a map with keys that are not strings: none of
/// the server's).
fn serialize<N: Notification>(params: &N::Params) -> Option<Vec<u8>> {
    let message = Message {
        jsonrpc: "2.0",
        method: N::METHOD,
        params,
    };
    serde_json::to_vec(&message)
        .inspect_err(|error| tracing::error!("cannot encode {}: {error}", N::METHOD))
        .ok()
}

impl Outbox {
    /// An outbox through tower-lsp's `client` alone (in-process sessions).
    pub fn new(client: Client) -> Outbox {
        Outbox {
            client,
            outlet: None,
        }
    }

    /// An outbox writing to `outlet` (stdio).
    pub fn with_outlet(client: Client, outlet: Outlet) -> Outbox {
        Outbox {
            client,
            outlet: Some(outlet),
        }
    }

    /// Whether publications are serialised before they are sent (see
    /// [`Publication::new`]).
    pub fn serializes(&self) -> bool {
        self.outlet.is_some()
    }

    /// Sends notification `N`. Like tower-lsp's `send_notification`, it
    /// is for after initialization: the server sends none before.
    pub async fn notify<N: Notification>(&self, params: N::Params) {
        match &self.outlet {
            Some(outlet) => {
                if let Some(body) = serialize::<N>(&params) {
                    outlet.send(body).await;
                }
            }
            None => self.client.send_notification::<N>(params).await,
        }
    }

    /// `window/logMessage` (also during `initialize`).
    pub async fn log_message(&self, typ: MessageType, message: impl Display) {
        match &self.outlet {
            Some(_) => {
                let params = LogMessageParams {
                    typ,
                    message: message.to_string(),
                };
                self.notify::<notification::LogMessage>(params).await;
            }
            None => self.client.log_message(typ, message).await,
        }
    }

    /// `window/showMessage` (also during `initialize`).
    pub async fn show_message(&self, typ: MessageType, message: impl Display) {
        match &self.outlet {
            Some(_) => {
                let params = ShowMessageParams {
                    typ,
                    message: message.to_string(),
                };
                self.notify::<notification::ShowMessage>(params).await;
            }
            None => self.client.show_message(typ, message).await,
        }
    }

    /// Sends `publications` in order.
    pub async fn publish(&self, publications: Vec<Publication>) {
        let Some(outlet) = &self.outlet else {
            // In batches: each send has its own slot in tower-lsp's queue,
            // so a batch goes out without a thread switch per message.
            let mut publications = publications.into_iter().peekable();
            while publications.peek().is_some() {
                let batch = publications.by_ref().take(CLIENT_BATCH).map(|publication| {
                    let client = self.client.clone();
                    async move {
                        match publication {
                            Publication::Params(params) => {
                                client
                                    .send_notification::<notification::PublishDiagnostics>(params)
                                    .await;
                            }
                            Publication::Serialized(_) => {
                                tracing::error!("a serialised publication without a writer");
                            }
                        }
                    }
                });
                futures::future::join_all(batch).await;
            }
            return;
        };
        // One at a time: each waits only for its place in the queue.
        for publication in publications {
            match publication {
                Publication::Serialized(body) => {
                    outlet.send(body).await;
                }
                Publication::Params(params) => {
                    self.notify::<notification::PublishDiagnostics>(params)
                        .await;
                }
            }
        }
    }
}

impl Publication {
    /// The publication of `diagnostics` for `uri` (of `version` of an open
    /// document), serialised when `serialized` ([`Outbox::serializes`]).
    /// `None` (logged) when it cannot be serialised.
    pub fn new(
        serialized: bool,
        uri: Uri,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
    ) -> Option<Publication> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        if serialized {
            serialize::<notification::PublishDiagnostics>(&params).map(Publication::Serialized)
        } else {
            Some(Publication::Params(params))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serialised_publication_is_the_message_tower_lsp_would_send() {
        let uri: Uri = "file:///w/threads/a/1-input.md".parse().unwrap();
        let diagnostic = Diagnostic {
            message: "a \"quoted\" ✓ message".into(),
            ..Diagnostic::default()
        };
        let Some(Publication::Serialized(body)) =
            Publication::new(true, uri.clone(), vec![diagnostic.clone()], Some(3))
        else {
            panic!("not serialised");
        };
        let params = PublishDiagnosticsParams::new(uri, vec![diagnostic], Some(3));
        let expected = tower_lsp_server::jsonrpc::Request::build(
            <notification::PublishDiagnostics as Notification>::METHOD,
        )
        .params(serde_json::to_value(params).unwrap())
        .finish();
        let written: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(written, serde_json::to_value(&expected).unwrap());
        assert!(matches!(
            Publication::new(false, "file:///w/x.md".parse().unwrap(), Vec::new(), None),
            Some(Publication::Params(_))
        ));
    }
}
