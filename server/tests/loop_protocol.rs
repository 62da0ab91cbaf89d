//! The loop in the editor, through the real protocol (the in-process
//! server and client of `tests/support`): the `loop-*` hints published
//! where the bundled example breaks its loop, a sales thread's hover with
//! its attribution chain as links (on a link to the thread and in its
//! metadata), and the `leanos.loop` command's page and JSON.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::{json, Value};
use support::client::Client;

fn example_root() -> std::path::PathBuf {
    std::fs::canonicalize(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/quillfeather"
    ))
    .unwrap()
}

fn uri(path: &str) -> String {
    format!("file://{}/{path}", example_root().display())
}

async fn started() -> Client {
    let folder = format!("file://{}", example_root().display());
    let mut client = Client::start(json!({}), &[folder], Value::Null).await;
    client.settle().await;
    client
}

fn hover_at(path: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loop_hints_are_published_where_the_loop_breaks() {
    let client = started().await;
    let mut found: Vec<(String, String, u64)> = client
        .published
        .iter()
        .flat_map(|(uri, publication)| {
            publication["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["code"].as_str().unwrap().starts_with("loop-"))
                .map(|d| {
                    (
                        uri.rsplit_once("quillfeather/").unwrap().1.to_string(),
                        d["code"].as_str().unwrap().to_string(),
                        d["severity"].as_u64().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (
                "threads/business/xero-partnership/6-learning.md".into(),
                "loop-feature-not-built".into(),
                4
            ),
            (
                "threads/engineering/duplicate-detection/6-learning.md".into(),
                "loop-content-gap".into(),
                4
            ),
            (
                "threads/marketing/content/bank-feed-launch/6-learning.md".into(),
                "loop-no-attribution".into(),
                4
            ),
        ]
    );
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sales_threads_hover_shows_its_attribution_chain() {
    let mut client = started().await;
    // On `"parent_thread": "sales/brightline-accounting"` of the SDK's
    // metadata (line 8): a link to the deal.
    let hover = client
        .result(
            "textDocument/hover",
            hover_at(
                "threads/engineering/services/bank-feed-sdk/meta.json",
                8,
                25,
            ),
        )
        .await;
    let text = hover["contents"]["value"].as_str().unwrap();
    let deal = uri("threads/sales/brightline-accounting/1-input.md");
    let content = uri("threads/marketing/content/reconciliation-case-study/1-input.md");
    assert!(
        text.contains(&format!(
            "Attribution: [sales/brightline-accounting]({deal}) ← [marketing/content/reconciliation-case-study]({content})"
        )),
        "{text}"
    );
    // Anywhere in the deal's own metadata.
    let hover = client
        .result(
            "textDocument/hover",
            hover_at("threads/sales/brightline-accounting/meta.json", 2, 4),
        )
        .await;
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("Attribution: [sales/brightline-accounting]"),
        "{text}"
    );
    assert_eq!(
        hover["range"],
        json!({"start": {"line": 2, "character": 2}, "end": {"line": 2, "character": 18}})
    );
    // A deal whose source names nothing says so.
    let hover = client
        .result(
            "textDocument/hover",
            hover_at("threads/sales/tallyhouse/meta.json", 1, 4),
        )
        .await;
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("← `marketing/content/old-webinar-recap/` (no marketing thread there)"),
        "{text}"
    );
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_command_returns_the_page_or_the_report() {
    let mut client = started().await;
    let page = client
        .result(
            "workspace/executeCommand",
            json!({"command": "leanos.loop"}),
        )
        .await;
    let page = page.as_str().unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("data-path=\"threads/business/xero-partnership\""));
    let report = client
        .result(
            "workspace/executeCommand",
            json!({"command": "leanos.loop", "arguments": [uri("threads/sales/brightline-accounting/meta.json"), "json"]}),
        )
        .await;
    assert_eq!(report["sales_to_engineering"]["requests"], 2);
    assert_eq!(
        report["marketing_to_sales"]["broken"][0]["file"],
        "threads/marketing/content/bank-feed-launch/6-learning.md"
    );
    let error = client
        .result(
            "workspace/executeCommand",
            json!({"command": "leanos.loop", "arguments": [null, "pdf"]}),
        )
        .await;
    assert_eq!(error["error"], -32602, "{error}");
    client.stop().await;
}
