//! An in-process LSP client of the real server (`Backend::service`): a
//! task drains the server's socket, answers its requests
//! (`workspace/configuration` with the settings it holds, the rest with
//! `null`) and forwards every message; [`Client::settle`] asks
//! `leanos/settled` and reads up to its notification, recording the last
//! diagnostics published for every URI on the way.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::LspService;

use leanos_lsp::lsp::Backend;

/// How long a settle may take before the test fails (never reached when
/// the server works: settling takes milliseconds).
const SETTLE_LIMIT: Duration = Duration::from_secs(60);

/// A client driving one server in process.
pub struct Client {
    service: LspService<Backend>,
    incoming: mpsc::UnboundedReceiver<Request>,
    next_id: i64,
    /// What the client answers to `workspace/configuration` (the
    /// `leanos` section).
    settings: Arc<Mutex<Value>>,
    /// URI -> the last non-empty publication for it (`{"version",
    /// "diagnostics"}`); a URI whose last publication was empty is absent.
    pub published: BTreeMap<String, Value>,
}

impl Client {
    /// A server and its client, initialized with `capabilities`, the
    /// workspace folders `folders` (URIs) and `settings` as initialization
    /// options (and as the answer to `workspace/configuration`), then
    /// `initialized`.
    pub async fn start(capabilities: Value, folders: &[String], settings: Value) -> Client {
        let (service, socket) = Backend::service();
        let (tx, incoming) = mpsc::unbounded_channel();
        let shared = Arc::new(Mutex::new(settings.clone()));
        let answers = shared.clone();
        tokio::spawn(async move {
            let (mut stream, mut sink) = socket.split();
            while let Some(request) = stream.next().await {
                if let Some(id) = request.id().cloned() {
                    let result = match request.method() {
                        "workspace/configuration" => {
                            json!([answers.lock().unwrap().clone()])
                        }
                        _ => Value::Null,
                    };
                    let _ = sink.send(Response::from_ok(id, result)).await;
                }
                if tx.send(request).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            service,
            incoming,
            next_id: 1,
            settings: shared,
            published: BTreeMap::new(),
        };
        let folders: Vec<Value> = folders
            .iter()
            .map(|uri| json!({"uri": uri, "name": uri.rsplit('/').next().unwrap_or("root")}))
            .collect();
        let mut params = json!({
            "processId": null,
            "capabilities": capabilities,
            "workspaceFolders": folders,
        });
        if !settings.is_null() {
            params["initializationOptions"] = json!({ "settings": settings });
        }
        let response = client.request("initialize", params).await;
        assert!(response.is_ok(), "initialize failed: {response:?}");
        client.notify("initialized", json!({})).await;
        client
    }

    /// Sends a request and returns its response.
    pub async fn request(&mut self, method: &'static str, params: Value) -> Response {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::build(method).params(params).id(id).finish();
        self.service
            .ready()
            .await
            .expect("the service is ready")
            .call(request)
            .await
            .expect("the service answers")
            .expect("a request gets a response")
    }

    /// The result of a request (`null` on an error response, with the
    /// error's code and message, so that two servers' errors compare).
    pub async fn result(&mut self, method: &'static str, params: Value) -> Value {
        let (_, result) = self.request(method, params).await.into_parts();
        match result {
            Ok(value) => value,
            Err(error) => json!({"error": error.code.code(), "message": error.message}),
        }
    }

    /// Sends a notification; it has been handled when this returns.
    pub async fn notify(&mut self, method: &'static str, params: Value) {
        let request = Request::build(method).params(params).finish();
        let response = self
            .service
            .ready()
            .await
            .expect("the service is ready")
            .call(request)
            .await
            .expect("the service answers");
        assert!(response.is_none(), "a notification gets no response");
    }

    /// Sets what the client answers to `workspace/configuration`.
    pub fn set_settings(&self, settings: Value) {
        *self.settings.lock().unwrap() = settings;
    }

    /// Waits for the next `textDocument/publishDiagnostics` (recording it
    /// as [`Client::settle`] does) and returns its URI and diagnostics;
    /// other messages on the way are dropped.
    pub async fn next_publication(&mut self) -> (String, Value) {
        let next = async {
            loop {
                let request = self.incoming.recv().await.expect("the server is alive");
                if request.method() == "textDocument/publishDiagnostics" {
                    let params = request.params().cloned().unwrap_or(Value::Null);
                    self.record(&params);
                    let uri = params["uri"].as_str().unwrap_or_default().to_string();
                    return (uri, params["diagnostics"].clone());
                }
            }
        };
        tokio::time::timeout(SETTLE_LIMIT, next)
            .await
            .expect("a publication arrives")
    }

    /// Records a publication's params as the last diagnostics of its URI.
    fn record(&mut self, params: &Value) {
        let uri = params["uri"].as_str().unwrap_or_default().to_string();
        let empty = params["diagnostics"].as_array().is_none_or(Vec::is_empty);
        if empty {
            self.published.remove(&uri);
        } else {
            let entry = json!({"version": params["version"], "diagnostics": params["diagnostics"]});
            self.published.insert(uri, entry);
        }
    }

    /// Asks `leanos/settled` and reads the server's messages up to its
    /// notification, recording every publication on the way.
    pub async fn settle(&mut self) {
        let (_, result) = self
            .request("leanos/settled", Value::Null)
            .await
            .into_parts();
        let result = result.expect("leanos/settled succeeds");
        let token = result["settled"].clone();
        let drain = async {
            loop {
                let request = self.incoming.recv().await.expect("the server is alive");
                let params = request.params().cloned().unwrap_or(Value::Null);
                match request.method() {
                    "textDocument/publishDiagnostics" => self.record(&params),
                    "leanos/settled" if params["settled"] == token => return,
                    _ => {}
                }
            }
        };
        tokio::time::timeout(SETTLE_LIMIT, drain)
            .await
            .expect("the leanos/settled notification arrives");
    }

    /// Ends the session (`shutdown`, `exit`).
    pub async fn stop(mut self) {
        let _ = self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
    }
}
