//! Server time of navigation requests on a 10,000-thread generated
//! workspace, p50 and p99 over 1,000 calls each: each request goes through
//! the real server in-process (`LspService`: decoding the params, the query
//! on a snapshot, conversion to LSP and to JSON) and its response is
//! serialized as it would be written. What this leaves out (stdio and the
//! client's own parsing) is what `lsp_bench.py` adds; BENCHMARKS.md gives
//! both. Run: `cargo bench --bench requests`.

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{json, Value};
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::LspService;

use leanos_lsp::lsp::Backend;
use leanos_lsp::testgen;

struct Server {
    runtime: tokio::runtime::Runtime,
    service: LspService<Backend>,
    next_id: i64,
}

impl Server {
    /// Starts the server on `root` and waits until its cold scan is done.
    fn start(root: &std::path::Path) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let (service, socket) = LspService::new(Backend::new);
        let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel();
        runtime.spawn(async move {
            let (mut requests, mut responses) = socket.split();
            while let Some(request) = requests.next().await {
                let ended = request.method() == "$/progress"
                    && request
                        .params()
                        .is_some_and(|p| p["value"]["kind"] == "end");
                if let Some(id) = request.id().cloned() {
                    use futures::SinkExt;
                    let _ = responses.send(Response::from_ok(id, Value::Null)).await;
                }
                if ended {
                    let _ = ready_tx.send(());
                }
            }
        });
        let mut server = Server {
            runtime,
            service,
            next_id: 1,
        };
        let root_uri = format!("file://{}", root.display());
        server.call(
            "initialize",
            json!({"processId": null, "rootUri": root_uri,
                   "capabilities": {"window": {"workDoneProgress": true}}}),
        );
        server.notify("initialized", json!({}));
        server.runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(120), ready_rx.recv())
                .await
                .expect("the scan ends")
        });
        // Let the first publication of every file's diagnostics finish.
        std::thread::sleep(Duration::from_secs(3));
        server
    }

    /// One request, answered and serialized as it would be written.
    fn call(&mut self, method: &'static str, params: Value) -> String {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::build(method).params(params).id(id).finish();
        let service = &mut self.service;
        let response = self.runtime.block_on(async {
            service
                .ready()
                .await
                .expect("ready")
                .call(request)
                .await
                .expect("served")
        });
        serde_json::to_string(&response).unwrap_or_default()
    }

    fn notify(&mut self, method: &'static str, params: Value) {
        let request = Request::build(method).params(params).finish();
        let service = &mut self.service;
        self.runtime.block_on(async {
            let _ = service.ready().await.expect("ready").call(request).await;
        });
    }
}

/// Timed calls per request.
const CALLS: usize = 1000;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    testgen::write_workspace(dir.path(), 10_000, 42).expect("the workspace is written");
    let root = std::fs::canonicalize(dir.path()).expect("a real path");
    let mut server = Server::start(&root);

    // `Tests: A1` in a hypothesis (A1 is cited by 1,000 files).
    let cited = root.join("threads/engineering/t10/2-hypothesis.md");
    let text = std::fs::read_to_string(&cited).expect("the cited file");
    let line = text
        .lines()
        .position(|l| l.starts_with("Tests: A1 -"))
        .expect("a Tests: line") as u32;
    let uri = format!("file://{}", cited.display());
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 8}});
    let mut references = at.clone();
    references["context"] = json!({"includeDeclaration": true});
    let completion =
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 7}});
    let requests: [(&str, &'static str, Value); 5] = [
        ("definition", "textDocument/definition", at.clone()),
        (
            "references_of_a1_cited_by_1000_files",
            "textDocument/references",
            references,
        ),
        ("hover", "textDocument/hover", at),
        (
            "completion_after_tests",
            "textDocument/completion",
            completion,
        ),
        (
            "workspace_symbol",
            "workspace/symbol",
            json!({"query": "t1234"}),
        ),
    ];
    for (name, method, params) in requests {
        let answer: Value =
            serde_json::from_str(&server.call(method, params.clone())).expect("a JSON response");
        assert!(
            answer["result"].as_array().is_some_and(|a| !a.is_empty())
                || answer["result"].is_object(),
            "{method} answered {answer}"
        );
        for _ in 0..50 {
            server.call(method, params.clone());
        }
        let mut times: Vec<f64> = (0..CALLS)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(server.call(method, params.clone()));
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let at = |p: usize| times[(times.len() - 1) * p / 100];
        eprintln!(
            "requests_10k/{name:40} p50 {:7.3} ms  p99 {:7.3} ms  max {:7.3} ms",
            at(50),
            at(99),
            times[times.len() - 1]
        );
    }
}
