//! Protocol tests: the real server driven in-process through `LspService`,
//! with a client task that drains the socket and answers the server's
//! requests (registration, configuration, progress).
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::LspService;

use leanos_lsp::lsp::Backend;

struct Client {
    service: LspService<Backend>,
    incoming: mpsc::UnboundedReceiver<Request>,
    next_id: i64,
    root: std::path::PathBuf,
}

fn uri(root: &Path, path: &str) -> String {
    format!("file://{}/{path}", root.display())
}

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

impl Client {
    fn new(root: &Path) -> Client {
        Client::answering(root, true)
    }

    /// A client that answers the server's requests (registration,
    /// configuration, progress) or, without `answers`, never does, as a
    /// client that leaves a message unread.
    fn answering(root: &Path, answers: bool) -> Client {
        let (service, socket) = Backend::service();
        let (tx, incoming) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let (mut stream, mut sink) = socket.split();
            while let Some(request) = stream.next().await {
                if let Some(id) = request.id().cloned().filter(|_| answers) {
                    let result = match request.method() {
                        "workspace/configuration" => {
                            json!([{"rules": {"assumption-untested": "off"}}])
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
        Client {
            service,
            incoming,
            next_id: 1,
            root: std::fs::canonicalize(root).unwrap(),
        }
    }

    async fn request(&mut self, method: &'static str, params: Value) -> Response {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::build(method).params(params).id(id).finish();
        self.service
            .ready()
            .await
            .unwrap()
            .call(request)
            .await
            .unwrap()
            .expect("a request gets a response")
    }

    async fn notify(&mut self, method: &'static str, params: Value) {
        let request = Request::build(method).params(params).finish();
        let response = self
            .service
            .ready()
            .await
            .unwrap()
            .call(request)
            .await
            .unwrap();
        assert!(response.is_none());
    }

    async fn initialize(&mut self, capabilities: Value) -> Value {
        self.initialize_with(capabilities, Value::Null).await
    }

    /// `initialize` (with `initializationOptions` unless null), then
    /// `initialized`; the initialize result.
    async fn initialize_with(&mut self, capabilities: Value, options: Value) -> Value {
        let root_uri = format!("file://{}", self.root.display());
        let mut params =
            json!({"processId": null, "rootUri": root_uri, "capabilities": capabilities});
        if !options.is_null() {
            params["initializationOptions"] = options;
        }
        let response = self.request("initialize", params).await;
        let (_, result) = response.into_parts();
        let result = result.expect("initialize succeeds");
        self.notify("initialized", json!({})).await;
        result
    }

    /// A client of a server on `root`, initialized with `capabilities`,
    /// once the scan is done (it publishes beta's diagnostics).
    async fn ready(root: &Path, capabilities: Value) -> Client {
        let mut client = Client::new(root);
        client.initialize(capabilities).await;
        client
            .diagnostics_until("threads/sales/beta/2-hypothesis.md", |_| true)
            .await;
        client
    }

    /// Opens the markdown document at `uri` (version 1) with `text`.
    async fn open_uri(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        )
        .await;
    }

    /// The result of a request that must succeed.
    async fn result(&mut self, method: &'static str, params: Value) -> Value {
        result_of(self.request(method, params).await)
    }

    /// The next message the server sends to the client with `method`.
    async fn next(&mut self, method: &str) -> Value {
        let wait = async {
            loop {
                let request = self.incoming.recv().await.expect("server is alive");
                if request.method() == method {
                    return request.params().cloned().unwrap_or(Value::Null);
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .unwrap_or_else(|_| panic!("no {method} from the server"))
    }

    /// The next message the server sends to the client: its method and
    /// params.
    async fn next_any(&mut self) -> (String, Value) {
        let request = tokio::time::timeout(Duration::from_secs(20), self.incoming.recv())
            .await
            .expect("a message from the server")
            .expect("server is alive");
        let params = request.params().cloned().unwrap_or(Value::Null);
        (request.method().to_string(), params)
    }

    /// Waits for diagnostics of `path` satisfying `accept`.
    async fn diagnostics_until(&mut self, path: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let uri = uri(&self.root, path);
        loop {
            let params = self.next("textDocument/publishDiagnostics").await;
            if params["uri"] == uri && accept(&params) {
                return params;
            }
        }
    }
}

fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

const CANVAS: &str = "# Assumptions\n\n### A4: Enterprise buyers prefer white-label\n**Status:** ✅ VALIDATED\n**Confidence:** 95%\n";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "strategy/canvas/10-assumptions.md", CANVAS);
    write(
        dir.path(),
        "threads/sales/acme/meta.json",
        "{\"type\": \"sales\", \"source\": \"outbound\", \"stage\": 2}",
    );
    write(
        dir.path(),
        "threads/sales/acme/1-input.md",
        "# Stage 1: Input\n\nA lead.\n",
    );
    write(
        dir.path(),
        "threads/sales/acme/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: A4 - buyers\n",
    );
    write(
        dir.path(),
        "threads/sales/beta/1-input.md",
        "---\nsource: outbound\n---\n# Stage 1: Input\n",
    );
    write(
        dir.path(),
        "threads/sales/beta/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: A9 - unknown yet\n",
    );
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_id_then_fixed_by_did_change() {
    let dir = workspace();
    let mut client = Client::new(dir.path());
    let result = client.initialize(json!({})).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);

    let path = "threads/sales/acme/2-hypothesis.md";
    let text = "# Stage 2: Hypothesis\n\nTests: A8 - not defined\n";
    client
        .notify("textDocument/didOpen", json!({"textDocument": {"uri": uri(&client.root, path), "languageId": "markdown", "version": 1, "text": text}}))
        .await;
    let published = client.diagnostics_until(path, |p| p["version"] == 1).await;
    assert_eq!(codes(&published), ["assumption-unknown"]);
    let diagnostic = &published["diagnostics"][0];
    assert_eq!(
        diagnostic["range"],
        json!({"start": {"line": 2, "character": 7}, "end": {"line": 2, "character": 9}})
    );
    assert_eq!(diagnostic["source"], "leanos");
    assert_eq!(diagnostic["severity"], 1);

    // Replace `A8` with `A4` (an incremental edit).
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&client.root, path), "version": 2},
                   "contentChanges": [{"range": {"start": {"line": 2, "character": 8}, "end": {"line": 2, "character": 9}}, "text": "4"}]}),
        )
        .await;
    let published = client.diagnostics_until(path, |p| p["version"] == 2).await;
    assert_eq!(codes(&published), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_files_are_published_after_the_scan() {
    let dir = workspace();
    let mut client = Client::new(dir.path());
    client.initialize(json!({})).await;
    let published = client
        .diagnostics_until("threads/sales/beta/2-hypothesis.md", |_| true)
        .await;
    assert_eq!(codes(&published), ["assumption-unknown"]);
    assert_eq!(published["version"], Value::Null);
    assert!(published["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("`A9`"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watched_change_to_assumptions_rediagnoses_dependents() {
    let dir = workspace();
    let mut client = Client::new(dir.path());
    client
        .initialize(json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}))
        .await;
    let registration = client.next("client/registerCapability").await;
    let watchers = &registration["registrations"][0]["registerOptions"]["watchers"];
    let globs: Vec<&str> = watchers
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        globs,
        [
            "**/*.md",
            "**/meta.json",
            "**/metadata.yaml",
            "**/leanos.toml"
        ]
    );
    let beta = "threads/sales/beta/2-hypothesis.md";
    client
        .diagnostics_until(beta, |p| !p["diagnostics"].as_array().unwrap().is_empty())
        .await;

    // Define A9 on disk and tell the server.
    write(
        dir.path(),
        "strategy/canvas/10-assumptions.md",
        &format!("{CANVAS}\n### A9: Now defined\n"),
    );
    let canvas_uri = uri(&client.root, "strategy/canvas/10-assumptions.md");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": canvas_uri, "type": 2}]}),
        )
        .await;
    let published = client.diagnostics_until(beta, |_| true).await;
    assert_eq!(codes(&published), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emoji_columns_in_utf16_and_utf8() {
    for (encodings, expected_encoding, start, end) in [
        (json!(["utf-16"]), "utf-16", 10, 12),
        (json!(["utf-8", "utf-16"]), "utf-8", 12, 14),
    ] {
        let dir = workspace();
        let mut client = Client::new(dir.path());
        let result = client
            .initialize(json!({"general": {"positionEncodings": encodings}}))
            .await;
        assert_eq!(
            result["capabilities"]["positionEncoding"],
            expected_encoding
        );
        let path = "threads/sales/acme/2-hypothesis.md";
        // 🚀 is 2 UTF-16 units and 4 UTF-8 bytes: "🚀 Tests: " is 10 UTF-16 units, 12 bytes.
        let text = "# Stage 2: Hypothesis\n\n🚀 Tests: A8 - x\n";
        client
            .notify("textDocument/didOpen", json!({"textDocument": {"uri": uri(&client.root, path), "languageId": "markdown", "version": 1, "text": text}}))
            .await;
        let published = client.diagnostics_until(path, |p| p["version"] == 1).await;
        assert_eq!(
            published["diagnostics"][0]["range"],
            json!({"start": {"line": 2, "character": start}, "end": {"line": 2, "character": end}}),
            "{expected_encoding}"
        );
        // An edit addressed in the same encoding: replace `8` by `4`.
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri(&client.root, path), "version": 2},
                       "contentChanges": [{"range": {"start": {"line": 2, "character": start + 1}, "end": {"line": 2, "character": end}}, "text": "4"}]}),
            )
            .await;
        let published = client.diagnostics_until(path, |p| p["version"] == 2).await;
        assert_eq!(
            codes(&published),
            Vec::<String>::new(),
            "{expected_encoding}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_and_configuration_from_the_client() {
    let dir = workspace();
    write(
        dir.path(),
        "strategy/canvas/10-assumptions.md",
        &format!("{CANVAS}\n### A5: Nobody tests this\n"),
    );
    let mut client = Client::new(dir.path());
    client
        .initialize(
            json!({"window": {"workDoneProgress": true}, "workspace": {"configuration": true}}),
        )
        .await;
    // The scan does not wait for the configuration: the two come in
    // either order.
    let (mut configuration, mut created, mut progress) = (None, None, Vec::new());
    let beta_uri = uri(&client.root, "threads/sales/beta/2-hypothesis.md");
    let mut beta = None;
    while configuration.is_none() || progress.len() < 2 {
        let request = tokio::time::timeout(Duration::from_secs(20), client.incoming.recv())
            .await
            .expect("the server sends configuration and progress")
            .unwrap();
        let params = request.params().cloned().unwrap_or(Value::Null);
        match request.method() {
            "workspace/configuration" => configuration = Some(params),
            "window/workDoneProgress/create" => created = Some(params),
            "$/progress" => progress.push(params),
            // Published whenever the scan is done, maybe before its
            // progress ends.
            "textDocument/publishDiagnostics" if params["uri"] == beta_uri => beta = Some(params),
            _ => {}
        }
    }
    assert_eq!(configuration.unwrap()["items"][0]["section"], "leanos");
    let token = created.expect("progress was created first")["token"].clone();
    let (begin, end) = (&progress[0], &progress[1]);
    assert_eq!(begin["token"], token);
    assert_eq!(begin["value"]["kind"], "begin");
    assert_eq!(end["value"]["kind"], "end");
    assert!(end["value"]["message"]
        .as_str()
        .unwrap()
        .contains("threads"));
    // The client turned `assumption-untested` off: A5 has no hint.
    let beta = match beta {
        Some(beta) => beta,
        None => {
            client
                .diagnostics_until("threads/sales/beta/2-hypothesis.md", |_| true)
                .await
        }
    };
    assert_eq!(codes(&beta), ["assumption-unknown"]);
    let canvas =
        std::fs::read_to_string(dir.path().join("strategy/canvas/10-assumptions.md")).unwrap();
    assert!(canvas.contains("A5"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_errors_and_shutdown() {
    let dir = workspace();
    let mut client = Client::new(dir.path());
    // Before initialize: ServerNotInitialized.
    let response = client.request("shutdown", Value::Null).await;
    let (_, result) = response.into_parts();
    assert_eq!(result.unwrap_err().code.code(), -32002);
    client.initialize(json!({})).await;
    // Unknown method: MethodNotFound.
    let response = client.request("leanos/doesNotExist", json!({})).await;
    let (_, result) = response.into_parts();
    assert_eq!(result.unwrap_err().code.code(), -32601);
    // Garbage params for a known notification do not take the server down.
    client
        .notify("textDocument/didChange", json!({"nonsense": true}))
        .await;
    client
        .notify("textDocument/didOpen", json!({"textDocument": {"uri": "untitled:Untitled-1", "languageId": "markdown", "version": 1, "text": "Tests: A1"}}))
        .await;
    let response = client.request("shutdown", Value::Null).await;
    let (_, result) = response.into_parts();
    assert_eq!(result.unwrap(), Value::Null);
    client.notify("exit", Value::Null).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_document_goes_back_to_disk() {
    let dir = workspace();
    let mut client = Client::new(dir.path());
    client.initialize(json!({})).await;
    let path = "threads/sales/acme/2-hypothesis.md";
    client
        .notify("textDocument/didOpen", json!({"textDocument": {"uri": uri(&client.root, path), "languageId": "markdown", "version": 1, "text": "Tests: A7 - x\n"}}))
        .await;
    client
        .diagnostics_until(path, |p| {
            p["version"] == 1 && codes(p).contains(&"assumption-unknown".to_string())
        })
        .await;
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri(&client.root, path)}}),
        )
        .await;
    // On disk the file cites A4, which is defined: diagnostics are cleared.
    let published = client
        .diagnostics_until(path, |p| p["version"].is_null())
        .await;
    assert_eq!(codes(&published), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_workspace_folder_is_its_own_root() {
    let first = workspace();
    let second = tempfile::tempdir().unwrap();
    // The second root defines no A4: its citation is unknown there, while
    // the same citation in the first root resolves.
    write(
        second.path(),
        "strategy/canvas/10-assumptions.md",
        "# Assumptions\n\n### A1: Other company\n",
    );
    write(
        second.path(),
        "threads/ops/x/1-input.md",
        "# Stage 1: Input\n\nAn observation.\n",
    );
    write(
        second.path(),
        "threads/ops/x/2-hypothesis.md",
        "# Stage 2: Hypothesis\n\nTests: A4 - not here\n",
    );
    let mut client = Client::new(first.path());
    let second_root = std::fs::canonicalize(second.path()).unwrap();
    let folders = json!([
        {"uri": format!("file://{}", client.root.display()), "name": "first"},
        {"uri": format!("file://{}", second_root.display()), "name": "second"},
    ]);
    let response = client
        .request(
            "initialize",
            json!({"processId": null, "capabilities": {}, "workspaceFolders": folders}),
        )
        .await;
    let (_, result) = response.into_parts();
    let result = result.unwrap();
    assert_eq!(
        result["capabilities"]["workspace"]["workspaceFolders"]["changeNotifications"],
        true
    );
    client.notify("initialized", json!({})).await;

    let second_uri = format!(
        "file://{}/threads/ops/x/2-hypothesis.md",
        second_root.display()
    );
    let published = loop {
        let params = client.next("textDocument/publishDiagnostics").await;
        if params["uri"] == second_uri {
            break params;
        }
        // The first root's A4 citations resolve: nothing but beta's A9.
        if params["uri"]
            .as_str()
            .unwrap()
            .contains("/threads/sales/acme/")
        {
            panic!("unexpected diagnostics in the first root: {params}");
        }
    };
    assert_eq!(codes(&published), ["assumption-unknown"]);

    // Removing the second folder clears its diagnostics.
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [], "removed": [{"uri": format!("file://{}", second_root.display()), "name": "second"}]}}),
        )
        .await;
    let cleared = loop {
        let params = client.next("textDocument/publishDiagnostics").await;
        if params["uri"] == second_uri {
            break params;
        }
    };
    assert_eq!(codes(&cleared), Vec::<String>::new());

    // Adding it back indexes it again.
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [{"uri": format!("file://{}", second_root.display()), "name": "second"}], "removed": []}}),
        )
        .await;
    let again = loop {
        let params = client.next("textDocument/publishDiagnostics").await;
        if params["uri"] == second_uri {
            break params;
        }
    };
    assert_eq!(codes(&again), ["assumption-unknown"]);
}

fn result_of(response: Response) -> Value {
    let (_, result) = response.into_parts();
    result.expect("the request succeeds")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_references_and_hover() {
    let dir = workspace();
    let mut client = Client::new(dir.path());
    client
        .initialize(json!({"textDocument": {"definition": {"linkSupport": true}}}))
        .await;
    // Wait for the index: the scan publishes beta's diagnostics.
    client
        .diagnostics_until("threads/sales/beta/2-hypothesis.md", |_| true)
        .await;
    let hypothesis = uri(&client.root, "threads/sales/acme/2-hypothesis.md");
    let canvas = uri(&client.root, "strategy/canvas/10-assumptions.md");

    // `Tests: A4 - buyers` is line 2; A4 spans characters 7..9.
    let at = |character: u32| json!({"textDocument": {"uri": hypothesis}, "position": {"line": 2, "character": character}});
    let links = client.result("textDocument/definition", at(9)).await;
    assert_eq!(links[0]["targetUri"], canvas);
    assert_eq!(
        links[0]["targetSelectionRange"],
        json!({"start": {"line": 2, "character": 4}, "end": {"line": 2, "character": 6}})
    );
    assert_eq!(
        links[0]["originSelectionRange"],
        json!({"start": {"line": 2, "character": 7}, "end": {"line": 2, "character": 9}})
    );
    assert_eq!(
        links[0]["targetRange"]["start"],
        json!({"line": 2, "character": 0})
    );
    // Off any token: no definition, no error.
    assert_eq!(
        client.result("textDocument/definition", at(1)).await,
        Value::Null
    );

    let mut params = at(7);
    params["context"] = json!({"includeDeclaration": false});
    let references = client
        .result("textDocument/references", params.clone())
        .await;
    let uris: Vec<&str> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, [hypothesis.as_str()]);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.result("textDocument/references", params).await;
    assert_eq!(references.as_array().unwrap().len(), 2);

    let hover = client.result("textDocument/hover", at(8)).await;
    assert_eq!(hover["contents"]["kind"], "markdown");
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("✅ VALIDATED at 95%"), "{text}");
    assert!(text.contains("Tested by 1 thread"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_without_link_support_gives_locations() {
    let dir = workspace();
    let mut client = Client::ready(dir.path(), json!({})).await;
    let hypothesis = uri(&client.root, "threads/sales/acme/2-hypothesis.md");
    let locations = client
        .result(
            "textDocument/definition",
            json!({"textDocument": {"uri": hypothesis}, "position": {"line": 2, "character": 8}}),
        )
        .await;
    assert_eq!(
        locations[0]["uri"],
        uri(&client.root, "strategy/canvas/10-assumptions.md")
    );
    assert_eq!(
        locations[0]["range"],
        json!({"start": {"line": 2, "character": 4}, "end": {"line": 2, "character": 6}})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbols_and_document_links() {
    let dir = workspace();
    write(
        dir.path(),
        "threads/sales/acme/1-input.md",
        "# Stage 1: Input\n\nSee [beta](../beta/1-input.md) and `strategy/canvas/10-assumptions.md`.\n",
    );
    let mut client = Client::ready(dir.path(), json!({})).await;
    let canvas = uri(&client.root, "strategy/canvas/10-assumptions.md");
    let symbols = client
        .result(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": canvas}}),
        )
        .await;
    assert_eq!(symbols[0]["name"], "Assumptions");
    assert_eq!(symbols[0]["children"][0]["name"], "A4");
    assert_eq!(symbols[0]["children"][0]["kind"], 14, "CONSTANT");

    let found = client
        .result("workspace/symbol", json!({"query": "beta"}))
        .await;
    assert_eq!(found[0]["name"], "sales/beta");
    assert_eq!(
        found[0]["location"]["uri"],
        uri(&client.root, "threads/sales/beta/1-input.md")
    );

    let input = uri(&client.root, "threads/sales/acme/1-input.md");
    let links = client
        .result(
            "textDocument/documentLink",
            json!({"textDocument": {"uri": input}}),
        )
        .await;
    let targets: Vec<&str> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [uri(&client.root, "threads/sales/beta/1-input.md"), canvas]
    );
    assert_eq!(
        links[0]["range"],
        json!({"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 29}})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_an_assumption_everywhere() {
    let dir = workspace();
    write(
        dir.path(),
        "threads/sales/acme/meta.json",
        "{\"type\": \"sales\", \"source\": \"outbound\", \"stage\": 2, \"canvas_assumptions\": [\"A4\"]}",
    );
    write(
        dir.path(),
        "strategy/canvas/10-assumptions.md",
        &format!("{CANVAS}\n### A5: Already taken\n"),
    );
    let mut client = Client::ready(
        dir.path(),
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
    )
    .await;
    let hypothesis = uri(&client.root, "threads/sales/acme/2-hypothesis.md");
    let text =
        std::fs::read_to_string(dir.path().join("threads/sales/acme/2-hypothesis.md")).unwrap();
    client
        .notify("textDocument/didOpen", json!({"textDocument": {"uri": hypothesis, "languageId": "markdown", "version": 7, "text": text}}))
        .await;
    let at = json!({"textDocument": {"uri": hypothesis}, "position": {"line": 2, "character": 8}});
    let prepared = client
        .result("textDocument/prepareRename", at.clone())
        .await;
    assert_eq!(prepared["placeholder"], "A4");

    let mut params = at.clone();
    params["newName"] = json!("A12");
    let edit = client.result("textDocument/rename", params).await;
    let changes = edit["documentChanges"].as_array().unwrap();
    let mut touched: Vec<(String, Value)> = changes
        .iter()
        .map(|c| {
            (
                c["textDocument"]["uri"].as_str().unwrap().to_string(),
                c["textDocument"]["version"].clone(),
            )
        })
        .collect();
    touched.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        touched,
        [
            (
                uri(&client.root, "strategy/canvas/10-assumptions.md"),
                Value::Null
            ),
            (hypothesis.clone(), json!(7)),
            (
                uri(&client.root, "threads/sales/acme/meta.json"),
                Value::Null
            ),
        ]
    );
    assert!(changes.iter().all(|c| c["edits"][0]["newText"] == "A12"));

    // A taken ID and a malformed one are refused with a message.
    let mut params = at.clone();
    params["newName"] = json!("A5");
    let (_, result) = client
        .request("textDocument/rename", params)
        .await
        .into_parts();
    let error = result.unwrap_err();
    assert_eq!(error.code.code(), -32602);
    assert!(
        error.message.contains("does not exist") || error.message.contains("already exists"),
        "{}",
        error.message
    );
    let mut params = at;
    params["newName"] = json!("12");
    let (_, result) = client
        .request("textDocument/rename", params)
        .await
        .into_parts();
    assert!(result.unwrap_err().message.contains("not an assumption ID"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_of_ids_and_templates() {
    let dir = workspace();
    write(dir.path(), "threads/sales/acme/4-decision.md", "");
    let mut client = Client::ready(dir.path(), json!({})).await;
    let input = uri(&client.root, "threads/sales/acme/1-input.md");
    client
        .open_uri(&input, "# Stage 1: Input\n\n🚀 Tests: A\n")
        .await;
    let items = client
        .result(
            "textDocument/completion",
            json!({"textDocument": {"uri": input}, "position": {"line": 2, "character": 11}}),
        )
        .await;
    let a4 = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "A4")
        .unwrap();
    assert_eq!(a4["kind"], 21, "CONSTANT");
    assert_eq!(
        a4["detail"],
        "Enterprise buyers prefer white-label · ✅ VALIDATED 95%"
    );
    // The partial `A` is replaced: UTF-16 columns 10..11 after the rocket.
    assert_eq!(
        a4["textEdit"]["range"],
        json!({"start": {"line": 2, "character": 10}, "end": {"line": 2, "character": 11}})
    );
    assert_eq!(a4["textEdit"]["newText"], "A4");

    // An empty stage file offers its template; without snippet support the
    // text has no tab stops.
    let decision = uri(&client.root, "threads/sales/acme/4-decision.md");
    let items = client
        .result(
            "textDocument/completion",
            json!({"textDocument": {"uri": decision}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    let template = &items[0];
    assert_eq!(template["kind"], 15, "SNIPPET");
    assert_eq!(template["insertTextFormat"], 1, "plain text");
    let text = template["textEdit"]["newText"].as_str().unwrap();
    assert!(
        text.starts_with("# Stage 4: Decision") && !text.contains("${"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lenses_hints_tokens_and_lineage() {
    let dir = workspace();
    write(
        dir.path(),
        "threads/engineering/sdk/meta.json",
        "{\"type\": \"engineering\", \"stage\": 1, \"parent_thread\": \"sales/acme\"}",
    );
    write(
        dir.path(),
        "threads/engineering/sdk/1-input.md",
        "# Stage 1: Input\n",
    );
    let mut client = Client::ready(dir.path(), json!({})).await;
    let canvas = uri(&client.root, "strategy/canvas/10-assumptions.md");
    let lenses = client
        .result(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": canvas}}),
        )
        .await;
    assert_eq!(lenses[0]["command"]["title"], "tested by 1 thread");
    assert_eq!(lenses[0]["command"]["command"], "leanos.showReferences");
    let arguments = lenses[0]["command"]["arguments"].clone();
    assert_eq!(arguments[0], canvas);
    let shown = client
        .result(
            "workspace/executeCommand",
            json!({"command": "leanos.showReferences", "arguments": arguments}),
        )
        .await;
    assert_eq!(
        shown[0]["uri"],
        uri(&client.root, "threads/sales/acme/2-hypothesis.md")
    );

    let hypothesis = uri(&client.root, "threads/sales/acme/2-hypothesis.md");
    let hints = client.result("textDocument/inlayHint", json!({"textDocument": {"uri": hypothesis}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}})).await;
    assert_eq!(hints[0]["label"], "✅ 95%");
    assert_eq!(hints[0]["position"], json!({"line": 2, "character": 9}));

    let beta = uri(&client.root, "threads/sales/beta/2-hypothesis.md");
    let tokens = client
        .result(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": beta}}),
        )
        .await;
    // One token: line 2, column 7, length 2, type 0, modifier `unresolved`.
    assert_eq!(tokens["data"], json!([2, 7, 2, 0, 2]));

    let sdk = uri(&client.root, "threads/engineering/sdk/1-input.md");
    let items = client
        .result(
            "textDocument/prepareCallHierarchy",
            json!({"textDocument": {"uri": sdk}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert_eq!(items[0]["name"], "engineering/sdk");
    let incoming = client
        .result("callHierarchy/incomingCalls", json!({"item": items[0]}))
        .await;
    assert_eq!(incoming[0]["from"]["name"], "sales/acme");
    let outgoing = client
        .result(
            "callHierarchy/outgoingCalls",
            json!({"item": incoming[0]["from"]}),
        )
        .await;
    assert_eq!(outgoing[0]["to"]["name"], "engineering/sdk");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_resolve_adds_the_documentation() {
    let dir = workspace();
    let mut client = Client::ready(dir.path(), json!({})).await;
    let input = uri(&client.root, "threads/sales/acme/1-input.md");
    client.open_uri(&input, "Tests: \n").await;
    let items = client
        .result(
            "textDocument/completion",
            json!({"textDocument": {"uri": input}, "position": {"line": 0, "character": 7}}),
        )
        .await;
    let a4 = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "A4")
        .unwrap()
        .clone();
    assert!(a4.get("documentation").is_none(), "deferred to resolve");
    let resolved = client.result("completionItem/resolve", a4).await;
    let text = resolved["documentation"]["value"].as_str().unwrap();
    assert!(text.contains("Tested by 1 thread"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_with_and_without_resource_operations() {
    let dir = workspace();
    write(
        dir.path(),
        "threads/sales/gamma/3-implication.md",
        "# Stage 3: Implication\n\nNext: content opportunity, a case study with Globex\n",
    );
    write(
        dir.path(),
        "threads/sales/gamma/meta.json",
        "{\"type\": \"sales\", \"source\": \"outbound\", \"stage\": 1}",
    );
    let full = json!({"workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create", "rename", "delete"]}}});
    for (capabilities, resource_ops) in [(full, true), (json!({}), false)] {
        let mut client = Client::new(dir.path());
        client.initialize(capabilities).await;
        client
            .diagnostics_until("threads/sales/beta/2-hypothesis.md", |_| true)
            .await;
        let implication = uri(&client.root, "threads/sales/gamma/3-implication.md");
        let at = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 5}});
        let actions = client.result("textDocument/codeAction", json!({"textDocument": {"uri": implication}, "range": at, "context": {"diagnostics": []}})).await;
        let titles: Vec<&str> = actions
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap())
            .collect();
        if resource_ops {
            let create = actions
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["title"] == "Create 1-input.md from its template")
                .unwrap();
            assert_eq!(create["kind"], "quickfix");
            let op = &create["edit"]["documentChanges"][0];
            assert_eq!(op["kind"], "create");
            assert_eq!(
                op["uri"],
                uri(&client.root, "threads/sales/gamma/1-input.md")
            );
            assert_eq!(
                op["options"],
                json!({"overwrite": false, "ignoreIfExists": false})
            );
            // On the content-opportunity line, marketing is preferred.
            let line =
                json!({"start": {"line": 2, "character": 3}, "end": {"line": 2, "character": 3}});
            let on_line = client.result("textDocument/codeAction",
                        json!({"textDocument": {"uri": implication}, "range": line, "context": {"diagnostics": []}})).await;
            let spawns: Vec<&Value> = on_line
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["kind"] == "refactor.leanos.spawn")
                .collect();
            assert_eq!(spawns.len(), 4, "{titles:?}");
            let preferred: Vec<&str> = spawns
                .iter()
                .filter(|a| a["isPreferred"] == true)
                .map(|a| a["title"].as_str().unwrap())
                .collect();
            assert_eq!(
                preferred,
                ["Spawn a marketing thread: marketing/next-content-opportunity-case-study"],
                "{on_line:#}"
            );
        } else {
            // Nothing that creates or renames files is offered.
            assert!(
                titles
                    .iter()
                    .all(|t| !t.starts_with("Create") && !t.starts_with("Spawn")),
                "{titles:?}"
            );
            let log = client.next("window/logMessage").await;
            let log = if log["message"].as_str().unwrap().contains("indexed") {
                client.next("window/logMessage").await
            } else {
                log
            };
            assert!(
                log["message"]
                    .as_str()
                    .unwrap()
                    .contains("cannot create or rename files"),
                "{log}"
            );
        }
        // fixAll on demand only.
        let meta = uri(&client.root, "threads/sales/gamma/meta.json");
        let fix_all = client.result("textDocument/codeAction",
                    json!({"textDocument": {"uri": meta}, "range": at, "context": {"diagnostics": [], "only": ["source.fixAll.leanos"]}})).await;
        assert_eq!(fix_all.as_array().unwrap().len(), 1, "{fix_all}");
        assert_eq!(fix_all[0]["kind"], "source.fixAll.leanos");
        let edit = &fix_all[0]["edit"];
        let text = if resource_ops {
            edit["documentChanges"][0]["edits"][0]["newText"].clone()
        } else {
            edit["changes"][meta.as_str()][0]["newText"].clone()
        };
        assert_eq!(text, "3", "stage synced with the highest stage file");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_notifications_for_status_bars() {
    let dir = workspace();
    let mut client = Client::new(dir.path());
    client.initialize(json!({})).await;
    let indexing = client.next("leanos/status").await;
    assert_eq!(indexing, json!({"state": "indexing"}));
    // Ready with the counts; problems follow the published diagnostics.
    let mut ready = client.next("leanos/status").await;
    assert_eq!(ready["state"], "ready");
    assert_eq!(ready["files"], 6);
    assert_eq!(ready["threads"], 2);
    while ready["problems"] != 1 {
        ready = client.next("leanos/status").await;
    }
    assert_eq!(ready["problems"], 1, "beta's unknown A9");
}

/// beta's first publication by a server of [`workspace`] initialized
/// with `options`.
async fn beta_published_with(options: Value) -> Value {
    let dir = workspace();
    let mut client = Client::new(dir.path());
    client.initialize_with(json!({}), options).await;
    client
        .diagnostics_until("threads/sales/beta/2-hypothesis.md", |_| true)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialization_options_in_every_client_shape() {
    for options in [
        json!({"settings": {"rules": {"assumption-unknown": "hint"}}}),
        json!({"leanos": {"rules": {"assumption-unknown": "hint"}}}),
        json!({"rules": {"assumption-unknown": "hint"}}),
    ] {
        let beta = beta_published_with(options.clone()).await;
        assert_eq!(beta["diagnostics"][0]["severity"], 4, "{options}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_diagnostics_are_not_sent_again() {
    let dir = workspace();
    // A closed thread that cites A4 and keeps a broken link whatever the
    // Canvas says.
    let gamma = "threads/sales/gamma/2-hypothesis.md";
    write(
        dir.path(),
        gamma,
        "# Stage 2: Hypothesis\n\nTests: A4 - buyers\n\nSee [gone](missing.md).\n",
    );
    let mut client = Client::new(dir.path());
    client.initialize(json!({})).await;
    let first = client.diagnostics_until(gamma, |_| true).await;
    assert!(codes(&first).contains(&"link-broken".to_string()));
    let beta = "threads/sales/beta/2-hypothesis.md";
    let canvas = "strategy/canvas/10-assumptions.md";
    client
        .notify("textDocument/didOpen", json!({"textDocument": {"uri": uri(&client.root, canvas), "languageId": "markdown", "version": 1, "text": CANVAS}}))
        .await;
    // Retitle A4 (gamma is re-diagnosed, to the same result) and define
    // A9 (beta's diagnostic goes away).
    let end = CANVAS.lines().count();
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&client.root, canvas), "version": 2},
                   "contentChanges": [
                       {"range": {"start": {"line": 2, "character": 8}, "end": {"line": 2, "character": 18}}, "text": "Large"},
                       {"range": {"start": {"line": end, "character": 0}, "end": {"line": end, "character": 0}}, "text": "\n### A9: Now defined\n"}]}),
        )
        .await;
    // Everything sent up to the status update that follows beta's cleared
    // diagnostics (the problem count drops with it): the end of that
    // publish.
    let beta_uri = uri(&client.root, beta);
    let gamma_uri = uri(&client.root, gamma);
    let mut sent = Vec::new();
    let wait = async {
        let mut cleared = false;
        loop {
            let request = client.incoming.recv().await.unwrap();
            let params = request.params().cloned().unwrap_or(Value::Null);
            match request.method() {
                "textDocument/publishDiagnostics" => {
                    cleared |= params["uri"] == beta_uri && params["diagnostics"] == json!([]);
                    sent.push(params);
                }
                "leanos/status" if cleared => break,
                _ => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("beta cleared, then a status update");
    assert!(!sent.iter().any(|p| p["uri"] == gamma_uri), "{sent:#?}");
}

/// Sends `leanos/settled` and returns the publications sent until the
/// server has done everything queued before it (its notification).
async fn publications_until_settled(client: &mut Client) -> Vec<Value> {
    let token = client.result("leanos/settled", Value::Null).await["settled"].clone();
    let mut sent = Vec::new();
    loop {
        let params = client.next_any().await;
        match params {
            (method, params) if method == "textDocument/publishDiagnostics" => sent.push(params),
            (method, params) if method == "leanos/settled" && params["settled"] == token => {
                return sent
            }
            _ => {}
        }
    }
}

/// A `didChange` of `uri` to `version` inserting `text` at `line`,
/// `character`.
fn insertion(uri: &str, version: i32, line: u32, character: u32, text: &str) -> Value {
    json!({"textDocument": {"uri": uri, "version": version},
           "contentChanges": [{"range": {"start": {"line": line, "character": character},
                                         "end": {"line": line, "character": character}},
                               "text": text}]})
}

/// A keystroke that leaves a document's diagnostics where the client
/// shows them sends nothing, though the version changed; one that moves
/// them sends them with the new version; opening and closing the document
/// send them again whatever they are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keystroke_that_moves_no_diagnostic_sends_nothing() {
    let dir = workspace();
    let mut client = Client::ready(dir.path(), json!({})).await;
    publications_until_settled(&mut client).await;
    let beta = uri(&client.root, "threads/sales/beta/2-hypothesis.md");
    let text = "# Stage 2: Hypothesis\n\nTests: A9 - unknown yet\n";
    client.open_uri(&beta, text).await;
    let opened = publications_until_settled(&mut client).await;
    assert!(
        opened.iter().any(|p| p["uri"] == beta && p["version"] == 1),
        "opening sends the set again: {opened:#?}"
    );
    let edit = |version, line, character, text| insertion(&beta, version, line, character, text);
    // Typed after `A9`, on its line.
    client
        .notify("textDocument/didChange", edit(2, 2, 23, "!"))
        .await;
    let typed = publications_until_settled(&mut client).await;
    assert!(!typed.iter().any(|p| p["uri"] == beta), "{typed:#?}");
    // A line above it moves it down.
    client
        .notify("textDocument/didChange", edit(3, 1, 0, "\n"))
        .await;
    let moved = publications_until_settled(&mut client).await;
    let beta_sent: Vec<&Value> = moved.iter().filter(|p| p["uri"] == beta).collect();
    assert_eq!(beta_sent.len(), 1, "{moved:#?}");
    assert_eq!(beta_sent[0]["version"], 3);
    assert_eq!(beta_sent[0]["diagnostics"][0]["range"]["start"]["line"], 3);
    // The line removed again: back on line 2, as on disk.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": beta, "version": 4},
                   "contentChanges": [{"range": {"start": {"line": 1, "character": 0},
                                                 "end": {"line": 2, "character": 0}},
                                       "text": ""}]}),
        )
        .await;
    let back = publications_until_settled(&mut client).await;
    assert!(
        back.iter().any(|p| p["uri"] == beta && p["version"] == 4),
        "{back:#?}"
    );
    // Closed: the disk's text has the same diagnostic, sent again without
    // a version.
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": beta}}),
        )
        .await;
    let closed = publications_until_settled(&mut client).await;
    let beta_sent: Vec<&Value> = closed.iter().filter(|p| p["uri"] == beta).collect();
    assert_eq!(beta_sent.len(), 1, "{closed:#?}");
    assert!(beta_sent[0]["version"].is_null());
    assert_eq!(beta_sent[0]["diagnostics"][0]["range"]["start"]["line"], 2);
}

/// A client that interprets a publication's version (and may drop one of
/// a version it no longer has, as Helix does) gets an open document's set
/// again for every version, changed or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_with_version_support_gets_every_version() {
    let dir = workspace();
    let capabilities = json!({"textDocument": {"publishDiagnostics": {"versionSupport": true}}});
    let mut client = Client::ready(dir.path(), capabilities).await;
    publications_until_settled(&mut client).await;
    let beta = uri(&client.root, "threads/sales/beta/2-hypothesis.md");
    client
        .open_uri(&beta, "# Stage 2: Hypothesis\n\nTests: A9 - unknown yet\n")
        .await;
    publications_until_settled(&mut client).await;
    client
        .notify("textDocument/didChange", insertion(&beta, 2, 2, 23, "!"))
        .await;
    let typed = publications_until_settled(&mut client).await;
    assert!(
        typed.iter().any(|p| p["uri"] == beta && p["version"] == 2),
        "{typed:#?}"
    );
}

/// Makes a FIFO (`mkfifo`) or the character device of `/dev/zero`
/// (`mknod`, root only) at `path`; false when this machine cannot.
#[cfg(unix)]
fn make_special(path: &Path, device: bool) -> bool {
    let mut command = std::process::Command::new(if device { "mknod" } else { "mkfifo" });
    command.arg(path);
    if device {
        command.args(["c", "1", "5"]);
    }
    command
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A FIFO blocked `open` and a device was read without end, under the
/// session lock: the server never answered again. The server runs on a
/// thread of its own so that a regression fails here instead of hanging.
#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_in_a_watched_event_is_not_read() {
    let dir = workspace();
    let fifo = "threads/sales/acme/3-implication.md";
    let device = "threads/zero.md";
    if !make_special(&dir.path().join(fifo), false) {
        eprintln!("skipping: mkfifo is not available");
        return;
    }
    let with_device = make_special(&dir.path().join(device), true);
    if !with_device {
        eprintln!("the device case is skipped: mknod needs root");
    }
    let root = dir.path().to_path_buf();
    let (sender, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut client = Client::ready(&root, json!({})).await;
            let mut changes = vec![json!({"uri": uri(&client.root, fifo), "type": 1})];
            if with_device {
                changes.push(json!({"uri": uri(&client.root, device), "type": 1}));
            }
            client
                .notify(
                    "workspace/didChangeWatchedFiles",
                    json!({ "changes": changes }),
                )
                .await;
            let hypothesis = uri(&client.root, "threads/sales/acme/2-hypothesis.md");
            let hover = client
                .result(
                    "textDocument/hover",
                    json!({"textDocument": {"uri": hypothesis}, "position": {"line": 2, "character": 8}}),
                )
                .await;
            let _ = sender.send(hover);
        });
    });
    let hover = answer
        .recv_timeout(Duration::from_secs(60))
        .expect("the server answers after the event");
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Enterprise buyers prefer white-label"),
        "{hover}"
    );
}

/// A generated workspace of `threads` threads (its scan takes a while)
/// with a probe thread citing A1.
fn large_workspace(threads: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    leanos_lsp::testgen::write_workspace(dir.path(), threads, 7).unwrap();
    write(dir.path(), PROBE, PROBE_TEXT);
    dir
}

const PROBE: &str = "threads/sales/zz-probe/2-hypothesis.md";
const PROBE_TEXT: &str = "# Stage 2: Hypothesis\n\nTests: A1 - the probe\n";

/// Requests sent the moment the client connects, before the first scan is
/// done, wait for it and answer right: never a "not defined", never an
/// empty definition, never diagnostics from a half-built index, and no
/// `ready` status before `indexing`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_during_the_first_scan_wait_for_it() {
    let dir = large_workspace(3000);
    let mut client = Client::new(dir.path());
    client
        .initialize(json!({"textDocument": {"definition": {"linkSupport": true}}}))
        .await;
    let probe = uri(&client.root, PROBE);
    client.open_uri(&probe, PROBE_TEXT).await;
    let at = json!({"textDocument": {"uri": probe}, "position": {"line": 2, "character": 8}});
    let definition = client.result("textDocument/definition", at.clone()).await;
    assert_eq!(
        definition[0]["targetUri"],
        uri(&client.root, "strategy/canvas/10-assumptions.md"),
        "{definition}"
    );
    let hover = client.result("textDocument/hover", at).await;
    let hover = hover["contents"]["value"].as_str().unwrap().to_string();
    assert!(!hover.contains("not defined"), "{hover}");
    // Everything the server sent meanwhile: no `assumption-unknown` for
    // the probe, and `indexing` before any `ready`.
    let mut statuses = Vec::new();
    let mut probe_codes = Vec::new();
    while let Ok(request) = client.incoming.try_recv() {
        let params = request.params().cloned().unwrap_or(Value::Null);
        match request.method() {
            "leanos/status" => statuses.push(params["state"].as_str().unwrap().to_string()),
            "textDocument/publishDiagnostics" if params["uri"] == probe => {
                probe_codes.extend(codes(&params))
            }
            _ => {}
        }
    }
    assert!(
        !probe_codes.iter().any(|c| c == "assumption-unknown"),
        "{probe_codes:?}"
    );
    if statuses.is_empty() {
        // Not forwarded to this test's queue yet: the next one.
        let next = client.next("leanos/status").await;
        statuses.push(next["state"].as_str().unwrap().to_string());
    }
    assert_eq!(statuses.first().map(String::as_str), Some("indexing"));
}

/// With the server's own watcher (registered once the scan is installed),
/// a change made on disk while the scan runs is never lost: an edit
/// to a file the scan may have read already, and a file created in a new
/// folder the watcher may not have reached yet, are both in the index
/// once it settles.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_while_the_server_starts_watching_are_not_lost() {
    let dir = large_workspace(1000);
    write(dir.path(), "leanos.toml", "watcher = \"server\"\n");
    let mut client = Client::new(dir.path());
    client.initialize(json!({})).await;
    // While the scan runs, before the watcher is registered.
    tokio::time::sleep(Duration::from_millis(20)).await;
    write(
        dir.path(),
        PROBE,
        "# Stage 2: Hypothesis\n\nTests: A777 - changed during the scan\n",
    );
    let late = "threads/sales/zz-late/2-hypothesis.md";
    write(
        dir.path(),
        late,
        "# Stage 2: Hypothesis\n\nTests: A888 - created during the scan\n",
    );
    // The last publication of each, once both report the unknown ID.
    let (probe, late) = (uri(&client.root, PROBE), uri(&client.root, late));
    let mut last = std::collections::HashMap::new();
    let unknown = |params: Option<&Value>, id: &str| {
        params.is_some_and(|p: &Value| {
            codes(p).iter().any(|c| c == "assumption-unknown") && p.to_string().contains(id)
        })
    };
    while !(unknown(last.get(&probe), "A777") && unknown(last.get(&late), "A888")) {
        let params = client.next("textDocument/publishDiagnostics").await;
        last.insert(params["uri"].as_str().unwrap().to_string(), params);
    }
}

/// Folders the client reports created or deleted while the first scan
/// runs (which may have walked past them already) are in the index as
/// they are on disk once it is installed: the created folder's thread is
/// indexed, the deleted folder's thread is gone from the references.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folders_changed_during_the_scan_are_applied_after_it() {
    let dir = large_workspace(1000);
    let mut client = Client::new(dir.path());
    client
        .initialize(json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}))
        .await;
    // Past the walk (tens of ms), well before the install (seconds in a
    // debug build).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let late = "threads/sales/zz-late/2-hypothesis.md";
    write(
        dir.path(),
        late,
        "# Stage 2: Hypothesis\n\nTests: A1, A888 - created during the scan\n",
    );
    std::fs::remove_dir_all(dir.path().join("threads/sales/zz-probe")).unwrap();
    let folder = |name: &str| uri(&client.root, &format!("threads/sales/{name}"));
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": folder("zz-late"), "type": 1}, {"uri": folder("zz-probe"), "type": 3}]}),
        )
        .await;
    client
        .diagnostics_until(late, |p| p.to_string().contains("A888"))
        .await;
    let references = client
        .result(
            "textDocument/references",
            json!({"textDocument": {"uri": uri(&client.root, late)}, "position": {"line": 2, "character": 7}, "context": {"includeDeclaration": false}}),
        )
        .await;
    let references = references.to_string();
    assert!(references.contains("zz-late"), "{references}");
    assert!(!references.contains("zz-probe"), "{references}");
}

/// `$/cancelRequest` ends a request that waits for the first scan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_waiting_for_the_scan_can_be_cancelled() {
    let dir = large_workspace(3000);
    let mut client = Client::new(dir.path());
    client.initialize(json!({})).await;
    let probe = uri(&client.root, PROBE);
    let request = Request::build("textDocument/references")
        .params(json!({"textDocument": {"uri": probe}, "position": {"line": 2, "character": 8}, "context": {"includeDeclaration": true}}))
        .id(99)
        .finish();
    let pending = client.service.ready().await.unwrap().call(request);
    let pending = tokio::spawn(pending);
    tokio::time::sleep(Duration::from_millis(5)).await;
    client.notify("$/cancelRequest", json!({"id": 99})).await;
    let response = pending.await.unwrap().unwrap().unwrap();
    let (_, result) = response.into_parts();
    assert_eq!(result.unwrap_err().code.code(), -32800);
}

/// A client that answers none of `client/registerCapability`,
/// `workspace/configuration` and `window/workDoneProgress/create` still
/// gets its workspace indexed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scan_does_not_wait_for_the_client() {
    let dir = workspace();
    let mut client = Client::answering(dir.path(), false);
    let run = async {
        client
            .initialize(json!({"window": {"workDoneProgress": true}, "workspace": {"configuration": true, "didChangeWatchedFiles": {"dynamicRegistration": true}}}))
            .await;
        client
            .diagnostics_until("threads/sales/beta/2-hypothesis.md", |_| true)
            .await
    };
    let beta = tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("indexed without the client's answers");
    assert_eq!(codes(&beta), ["assumption-unknown"]);
}

/// A code action never edits a file whose text the server did not read
/// exactly: `09-solution.md` with bytes that are not UTF-8 gets no
/// "add the feature" fix (it would rewrite those bytes), while the same
/// file in UTF-8 does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_code_action_edits_a_file_that_is_not_utf8() {
    let learning = "threads/engineering/sdk/6-learning.md";
    let learning_text =
        "# Learning\n**Status:** ✅ VALIDATED\n\nCanvas update: 09-solution.md → \"Payroll export\"\n";
    for (solution, offered) in [
        (
            &b"# Solution\n\n### Bank Feed SDK\n\nCafe notes\n"[..],
            true,
        ),
        (
            &b"# Solution\n\n### Bank Feed SDK\n\nCaf\xe9 notes \xff\n"[..],
            false,
        ),
    ] {
        let dir = workspace();
        write(dir.path(), learning, learning_text);
        std::fs::write(dir.path().join("strategy/canvas/09-solution.md"), solution).unwrap();
        let mut client = Client::new(dir.path());
        client.initialize(json!({})).await;
        let published = client
            .diagnostics_until(learning, |p| {
                codes(p).contains(&"solution-missing-feature".to_string())
            })
            .await;
        let diagnostic = published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "solution-missing-feature")
            .unwrap()
            .clone();
        let actions = client
            .result(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri(&client.root, learning)}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}}),
            )
            .await;
        let solution_uri = uri(&client.root, "strategy/canvas/09-solution.md");
        let edits_solution = actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["edit"].to_string().contains(&solution_uri));
        assert_eq!(edits_solution, offered, "{actions:#}");
    }
}

/// Hover follows the client's `contentFormat` order: plain text for a
/// client that offers only `plaintext` (eglot 1.9) or prefers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_honours_the_content_format() {
    let dir = workspace();
    for (formats, kind) in [
        (json!(["plaintext"]), "plaintext"),
        (json!(["plaintext", "markdown"]), "plaintext"),
        (json!(["markdown", "plaintext"]), "markdown"),
        (Value::Null, "markdown"),
    ] {
        let mut client = Client::ready(
            dir.path(),
            json!({"textDocument": {"hover": {"contentFormat": formats}}}),
        )
        .await;
        let hypothesis = uri(&client.root, "threads/sales/acme/2-hypothesis.md");
        let hover = client
            .result(
                "textDocument/hover",
                json!({"textDocument": {"uri": hypothesis}, "position": {"line": 2, "character": 8}}),
            )
            .await;
        assert_eq!(hover["contents"]["kind"], kind, "{formats}");
        let value = hover["contents"]["value"].as_str().unwrap();
        assert!(value.contains("Enterprise buyers prefer white-label"));
        assert_eq!(value.contains("**"), kind == "markdown", "{value}");
    }
}

/// A client without resource operations is told once per session, with
/// `window/showMessage`, which fixes it cannot apply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_file_operations_are_shown_once() {
    let dir = workspace();
    let mut client = Client::ready(dir.path(), json!({})).await;
    let implication = uri(&client.root, "threads/sales/acme/2-hypothesis.md");
    let at = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 5}});
    for _ in 0..2 {
        client
            .result(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": implication}, "range": at, "context": {"diagnostics": []}}),
            )
            .await;
    }
    // The first is told; after both requests have been answered and the
    // server has settled, no second one has come.
    let first = client.next("window/showMessage").await;
    let message = first["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("resourceOperations") && message.contains("Spawn"),
        "{message}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(request) = client.incoming.try_recv() {
        assert_ne!(request.method(), "window/showMessage", "told twice");
    }
}

/// A client that roots its workspace at a subfolder (eglot outside a git
/// repository roots at the file's folder) gets the LeanOS root above it:
/// the Canvas is found and the choice is logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subfolder_opens_its_leanos_root() {
    let dir = workspace();
    let mut client = Client::new(dir.path());
    let folder = client.root.join("threads/sales/acme");
    let response = client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": format!("file://{}", folder.display()), "capabilities": {}}),
        )
        .await;
    assert!(response.is_ok());
    client.notify("initialized", json!({})).await;
    let hypothesis = uri(&client.root, "threads/sales/acme/2-hypothesis.md");
    let definition = client
        .result(
            "textDocument/definition",
            json!({"textDocument": {"uri": hypothesis}, "position": {"line": 2, "character": 8}}),
        )
        .await;
    assert_eq!(
        definition[0]["uri"],
        uri(&client.root, "strategy/canvas/10-assumptions.md"),
        "{definition}"
    );
    let mut logged = Vec::new();
    while let Ok(request) = client.incoming.try_recv() {
        if request.method() == "window/logMessage" {
            logged.push(request.params().unwrap()["message"].to_string());
        }
    }
    let root = client.root.display().to_string();
    assert!(
        logged
            .iter()
            .any(|m| m.contains("is inside the LeanOS root") && m.contains(&root)),
        "{logged:?}"
    );
}

/// Open documents take the same ingest policy as files on disk: one under
/// an ignore glob is not indexed (not in references, open or after
/// `didClose`); one over the size cap is `file-too-large`, not lowered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_documents_follow_the_ignore_and_size_policy() {
    let dir = workspace();
    write(
        dir.path(),
        "leanos.toml",
        "[files]\nignore = [\"drafts/**\"]\nmax_size = 400\n",
    );
    let draft = "drafts/x.md";
    let draft_text = "# Draft\n\nTests: A4 - a draft\n";
    write(dir.path(), draft, draft_text);
    let mut client = Client::ready(dir.path(), json!({})).await;
    let draft_uri = uri(&client.root, draft);
    client.open_uri(&draft_uri, draft_text).await;
    let canvas = uri(&client.root, "strategy/canvas/10-assumptions.md");
    let params = json!({"textDocument": {"uri": canvas}, "position": {"line": 2, "character": 5}, "context": {"includeDeclaration": false}});
    let found = client
        .result("textDocument/references", params.clone())
        .await;
    assert!(!found.to_string().contains("drafts"), "{found}");
    assert!(found.to_string().contains("acme"), "{found}");
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": draft_uri}}),
        )
        .await;
    let found = client
        .result("textDocument/references", params.clone())
        .await;
    assert!(!found.to_string().contains("drafts"), "{found}");

    let big = format!("# Big\n\nTests: A4 - big\n{}", "padding line\n".repeat(60));
    let big_uri = uri(&client.root, "threads/sales/acme/3-implication.md");
    client.open_uri(&big_uri, &big).await;
    let published = client
        .diagnostics_until("threads/sales/acme/3-implication.md", |_| true)
        .await;
    assert_eq!(codes(&published), ["file-too-large"]);
}

/// A stage file with a section per heading, a list, a table and a fence
/// (`🚀` is two UTF-16 units).
const FOLDING_STAGE: &str = "---\nthread: sales/acme\nstage: 2\n---\n\
    # Stage 2: Hypothesis\n\
    \n\
    ## Assumptions\n\
    \n\
    - Tests: A4 - buyers\n  prefer white-label\n\
    - A9: unknown 🚀\n\
    \n\
    ## Evidence\n\
    \n\
    | ID | Result |\n|---|---|\n| A4 | yes |\n\
    \n\
    ```text\nA4: code\n```\n";

/// Folding ranges as `(startLine, endLine, kind)`; no characters are sent.
fn fold_lines(result: &Value) -> Vec<(u64, u64, Option<String>)> {
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|range| {
            assert!(range.get("startCharacter").is_none(), "{range}");
            assert!(range.get("endCharacter").is_none(), "{range}");
            (
                range["startLine"].as_u64().unwrap(),
                range["endLine"].as_u64().unwrap(),
                range["kind"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folding_ranges_of_a_stage_file_follow_its_tree() {
    let dir = workspace();
    let mut client = Client::new(dir.path());
    let result = client
        .initialize(json!({"textDocument": {"foldingRange": {"lineFoldingOnly": true}}}))
        .await;
    assert_eq!(result["capabilities"]["foldingRangeProvider"], true);
    let path = "threads/sales/acme/2-hypothesis.md";
    let document = uri(&client.root, path);
    client.open_uri(&document, FOLDING_STAGE).await;
    let params = json!({"textDocument": {"uri": document}});
    let region = || Some("region".to_string());
    let folds = client
        .result("textDocument/foldingRange", params.clone())
        .await;
    assert_eq!(
        fold_lines(&folds),
        [
            (0, 3, None),
            (4, 20, region()),
            (6, 10, region()),
            (8, 10, None),
            (8, 9, None),
            (12, 20, region()),
            (14, 16, None),
            (18, 20, None),
        ]
    );

    // An incremental edit: the document's edited tree answers.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": document, "version": 2},
                   "contentChanges": [{"range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}}, "text": "\nIntro.\n"}]}),
        )
        .await;
    let folds = client
        .result("textDocument/foldingRange", params.clone())
        .await;
    assert_eq!(
        fold_lines(&folds)[..3],
        [(0, 3, None), (4, 22, region()), (8, 12, region())]
    );

    // A closed file is parsed from the indexed text.
    let closed = uri(&client.root, "threads/sales/beta/1-input.md");
    let folds = client
        .result(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": closed}}),
        )
        .await;
    assert_eq!(fold_lines(&folds), [(0, 2, None)]);
}

/// A selection range chain as `[[start line, start character], [end line,
/// end character]]`, innermost first.
fn selection_chain(range: &Value) -> Vec<[[u64; 2]; 2]> {
    let mut chain = Vec::new();
    let mut step = Some(range);
    while let Some(current) = step {
        let position = |p: &Value| {
            [
                p["line"].as_u64().unwrap(),
                p["character"].as_u64().unwrap(),
            ]
        };
        chain.push([
            position(&current["range"]["start"]),
            position(&current["range"]["end"]),
        ]);
        step = current.get("parent");
    }
    chain
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selection_ranges_grow_from_an_assumption_id_to_the_file() {
    let dir = workspace();
    let mut client = Client::ready(dir.path(), json!({})).await;
    let document = uri(&client.root, "threads/sales/acme/2-hypothesis.md");
    client.open_uri(&document, FOLDING_STAGE).await;
    let result = client
        .result(
            "textDocument/selectionRange",
            json!({"textDocument": {"uri": document},
                   "positions": [{"line": 8, "character": 10}, {"line": 16, "character": 3}]}),
        )
        .await;
    let ranges = result.as_array().unwrap();
    assert_eq!(ranges.len(), 2);
    assert_eq!(
        selection_chain(&ranges[0]),
        [
            [[8, 9], [8, 11]],  // A4
            [[8, 2], [8, 20]],  // the line's content, after `- `
            [[8, 2], [9, 20]],  // the item's paragraph
            [[8, 0], [9, 20]],  // the list item
            [[8, 0], [10, 16]], // the list (ends after 🚀, 2 UTF-16 units)
            [[6, 0], [10, 16]], // ## Assumptions
            [[4, 0], [20, 3]],  // # Stage 2, its subsections included
            [[0, 0], [21, 0]],  // the file
        ]
    );
    assert_eq!(
        selection_chain(&ranges[1]),
        [
            [[16, 2], [16, 4]],  // A4 in its cell
            [[16, 0], [16, 12]], // the row
            [[14, 0], [16, 12]], // the table
            [[12, 0], [20, 3]],  // ## Evidence
            [[4, 0], [20, 3]],
            [[0, 0], [21, 0]],
        ]
    );
}

/// The framework's documentation in a clone (README.md, docs/, .claude/)
/// is indexed, not diagnosed: definition works from it and into it, and
/// no diagnostics are published for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documentation_is_navigable_but_not_diagnosed() {
    let dir = workspace();
    let readme = "# Framework\n\nExample: `threads/sales/acme/2-hypothesis.md`\n[gone](./nowhere.md)\nTests: A77 - unknown\n";
    write(dir.path(), "README.md", readme);
    write(
        dir.path(),
        ".claude/skills/x/SKILL.md",
        "# Skill\n\nSee A4.\n",
    );
    write(
        dir.path(),
        "threads/sales/acme/3-implication.md",
        "# Stage 3: Implication\n\nSkill: `.claude/skills/x/SKILL.md`\n",
    );
    let mut client = Client::ready(dir.path(), json!({})).await;
    let readme_uri = uri(&client.root, "README.md");
    client.open_uri(&readme_uri, readme).await;
    // From the documentation into the workspace.
    let definition = client
        .result(
            "textDocument/definition",
            json!({"textDocument": {"uri": readme_uri}, "position": {"line": 2, "character": 20}}),
        )
        .await;
    assert_eq!(
        definition[0]["uri"],
        uri(&client.root, "threads/sales/acme/2-hypothesis.md"),
        "{definition}"
    );
    // From the workspace into a hidden skill.
    let implication = uri(&client.root, "threads/sales/acme/3-implication.md");
    let definition = client
        .result(
            "textDocument/definition",
            json!({"textDocument": {"uri": implication}, "position": {"line": 2, "character": 12}}),
        )
        .await;
    assert_eq!(
        definition[0]["uri"],
        uri(&client.root, ".claude/skills/x/SKILL.md"),
        "{definition}"
    );
    // A change to a workspace file is published; the README never is.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": readme_uri, "version": 2}, "contentChanges": [{"text": format!("{readme}\nTests: A78\n")}]}),
        )
        .await;
    let beta = uri(&client.root, "threads/sales/beta/2-hypothesis.md");
    client
        .open_uri(&beta, "# Stage 2: Hypothesis\n\nTests: A9 - unknown yet\n")
        .await;
    // Every publication up to beta's: none for the README.
    let beta_uri = beta.clone();
    let wait = async {
        loop {
            let request = client.incoming.recv().await.expect("server is alive");
            if request.method() == "textDocument/publishDiagnostics" {
                let params = request.params().unwrap().clone();
                assert_ne!(params["uri"], readme_uri, "{params}");
                if params["uri"] == beta_uri {
                    return;
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("beta's diagnostics are published");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_link_to_their_rule_page_when_one_is_published() {
    for (options, href) in [
        (json!({}), None),
        (
            json!({"settings": {"documentation": {"url": "https://docs.example.org/rules/{code}"}}}),
            Some("https://docs.example.org/rules/assumption-unknown"),
        ),
    ] {
        let beta = beta_published_with(options.clone()).await;
        let diagnostic = &beta["diagnostics"][0];
        assert_eq!(diagnostic["code"], "assumption-unknown");
        assert_eq!(
            diagnostic["codeDescription"]["href"].as_str(),
            href,
            "{options}"
        );
    }
}

/// A value of `/proc/sys/fs/inotify/<name>`, if it can be read.
fn inotify_limit(name: &str) -> Option<usize> {
    std::fs::read_to_string(format!("/proc/sys/fs/inotify/{name}"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Registering the server's own watcher on more folders than the kernel's
/// event queue holds overflows it (the watcher's thread opens every folder
/// and reads no event until it is done; the overflow is read once the
/// catch-up has begun). The catch-up covers the loss: the root is not read
/// again (one `indexing` status, not two).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overflow_while_the_watcher_registers_is_caught_up_not_rescanned() {
    let (Some(queue), Some(watches)) = (
        inotify_limit("max_queued_events"),
        inotify_limit("max_user_watches"),
    ) else {
        eprintln!("skipped: no inotify limits to read (not Linux?)");
        return;
    };
    let folders = queue + 2_000;
    if folders > 40_000 || watches < folders + 1_000 {
        eprintln!(
            "skipped: an event queue of {queue} and {watches} watches make no overflow \
             possible within 40,000 folders"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "leanos.toml", "watcher = \"server\"\n");
    write(root, "strategy/canvas/10-assumptions.md", CANVAS);
    write(
        root,
        PROBE,
        "# Stage 2: Hypothesis\n\nTests: A4 - the probe\n",
    );
    for i in 0..folders {
        std::fs::create_dir_all(root.join(format!("archive/{}/{i}", i % 100))).unwrap();
    }
    let mut client = Client::new(root);
    client.initialize(json!({})).await;
    let mut indexing = 0;
    // Settled twice, a moment apart: a loss read late would start a
    // rescan after the first.
    for _ in 0..2 {
        let token = client.result("leanos/settled", Value::Null).await["settled"].clone();
        loop {
            match client.next_any().await {
                (method, params) if method == "leanos/status" => {
                    indexing += usize::from(params["state"] == "indexing");
                }
                (method, params) if method == "leanos/settled" && params["settled"] == token => {
                    break
                }
                _ => {}
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(indexing, 1, "the root was read again");
}
