//! Positions in files whose lines end at a lone `\r` (old Mac files, and
//! what an editor may leave behind), through the real protocol: LSP counts
//! `\n`, `\r\n` and `\r` as line ends, so a diagnostic after a lone `\r`
//! is published on the next line, and an edit the client makes there lands
//! where the client sees it. Before, published positions counted `\n`
//! only while edits counted all three.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::{json, Value};
use support::client::Client;

fn unknown_ranges(client: &Client, uri: &str) -> Vec<Value> {
    client
        .published
        .get(uri)
        .map(|p| {
            p["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["code"] == "assumption-unknown")
                .map(|d| d["range"].clone())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_carriage_return_ends_a_line_for_diagnostics_and_edits() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::create_dir_all(root.join("strategy/canvas")).unwrap();
    std::fs::create_dir_all(root.join("threads/sales/acme")).unwrap();
    std::fs::write(
        root.join("strategy/canvas/10-assumptions.md"),
        "### A1: One\n",
    )
    .unwrap();
    let hypothesis = "# Stage 2: Hypothesis\rTests: A9 - unknown\r";
    std::fs::write(root.join("threads/sales/acme/2-hypothesis.md"), hypothesis).unwrap();
    let folder = format!("file://{}", root.display());
    let uri = format!("{folder}/threads/sales/acme/2-hypothesis.md");
    let mut client = Client::start(json!({}), &[folder], Value::Null).await;
    client.settle().await;
    // `Tests: A9` is the second line as the client counts: A9 at 7..9.
    assert_eq!(
        unknown_ranges(&client, &uri),
        [json!({"start": {"line": 1, "character": 7}, "end": {"line": 1, "character": 9}})]
    );
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": hypothesis}}),
        )
        .await;
    // The client types `Tests: A8\r` at the start of its line 1.
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [{
                    "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                    "text": "Tests: A8\r"
                }]
            }),
        )
        .await;
    client.settle().await;
    assert_eq!(
        unknown_ranges(&client, &uri),
        [
            json!({"start": {"line": 1, "character": 7}, "end": {"line": 1, "character": 9}}),
            json!({"start": {"line": 2, "character": 7}, "end": {"line": 2, "character": 9}}),
        ]
    );
    client.stop().await;
}
