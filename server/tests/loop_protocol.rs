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

/// One lineage model: for every thread of the loop page, the call
/// hierarchy's incoming calls are the threads its parent and source edges
/// lead to, and its outgoing calls the threads whose parent or source
/// edges lead to it plus those its spawned back-links name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_graph_agrees_with_the_call_hierarchy() {
    use std::collections::BTreeSet;
    let mut client = started().await;
    let report = client
        .result(
            "workspace/executeCommand",
            json!({"command": "leanos.loop", "arguments": [null, "json"]}),
        )
        .await;
    let threads: BTreeSet<String> = report["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["path"].as_str().unwrap().to_string())
        .collect();
    let edges: Vec<(String, String, String)> = report["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("from"), s("to"), s("kind"))
        })
        .collect();
    let thread_of = |item: &Value| item["data"]["thread"].as_str().unwrap().to_string();
    let mut checked = 0;
    for thread in report["threads"].as_array().unwrap() {
        let path = thread["path"].as_str().unwrap();
        let file = thread["file"].as_str().unwrap();
        let items = client
            .result(
                "textDocument/prepareCallHierarchy",
                json!({"textDocument": {"uri": uri(file)}, "position": {"line": 0, "character": 0}}),
            )
            .await;
        let item = items[0].clone();
        assert_eq!(thread_of(&item), path);
        let incoming = client
            .result("callHierarchy/incomingCalls", json!({"item": item}))
            .await;
        let parents: BTreeSet<String> = incoming
            .as_array()
            .unwrap()
            .iter()
            .map(|call| thread_of(&call["from"]))
            .filter(|t| threads.contains(t))
            .collect();
        let lineage = |kind: &str| kind == "parent" || kind == "source";
        let expected: BTreeSet<String> = edges
            .iter()
            .filter(|(from, _, kind)| from == path && lineage(kind))
            .map(|(_, to, _)| to.clone())
            .collect();
        assert_eq!(parents, expected, "parents of {path}");
        let outgoing = client
            .result("callHierarchy/outgoingCalls", json!({"item": item}))
            .await;
        let children: BTreeSet<String> = outgoing
            .as_array()
            .unwrap()
            .iter()
            .map(|call| thread_of(&call["to"]))
            .filter(|t| threads.contains(t))
            .collect();
        let expected: BTreeSet<String> = edges
            .iter()
            .filter_map(|(from, to, kind)| {
                if to == path && lineage(kind) {
                    Some(from.clone())
                } else if from == path && kind == "spawned" {
                    Some(to.clone())
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(children, expected, "children of {path}");
        checked += usize::from(!parents.is_empty() || !children.is_empty());
    }
    assert!(checked >= 4, "only {checked} threads have lineage");
    client.stop().await;
}
