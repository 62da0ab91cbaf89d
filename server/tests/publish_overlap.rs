//! Publish passes that overlap, through the real protocol: a Canvas edit
//! sends thousands of files into one diagnostics pass, and while it
//! computes, a closed thread file changes on disk and a second, newer pass
//! publishes that file at once. The older pass, finishing last, holds a
//! result for the same file computed from its old text, which must not
//! replace the newer one (SPEC §8: no answer from a stale index).
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::client::Client;

const CANVAS: &str = "strategy/canvas/10-assumptions.md";
/// A closed file citing A1 before each round's disk change, and an
/// assumption no Canvas defines after it.
const PROBE: &str = "threads/sales/zz-probe/2-hypothesis.md";
const CITING: &str = "# Stage 2: Hypothesis\n\nTests: A1 - the probe\n";
const CITING_UNKNOWN: &str = "# Stage 2: Hypothesis\n\nTests: A999 - the probe\n";

/// How long after the older pass's debounce the disk change comes, one
/// round each: late enough for that pass to have taken its files, before
/// it is done with them. On a debug build the older pass diagnoses
/// thousands of files for about 150 ms on a fast machine, much longer on
/// a slow or loaded one, and a timer may fire late under load: it is
/// enough that the passes overlap in one round, so the rounds try several
/// delays (with 100 ms alone, a machine 1.5 times faster than the one the
/// test was written on finished the older pass first in most rounds).
const AFTER_DEBOUNCE_MS: [u64; 6] = [25, 100, 10, 60, 40, 150];

/// The messages of the `assumption-unknown` diagnostics of a
/// publication.
fn unknown(diagnostics: &Value) -> Vec<String> {
    let list = diagnostics.as_array().cloned().unwrap_or_default();
    list.iter()
        .filter(|d| d["code"] == "assumption-unknown")
        .filter_map(|d| d["message"].as_str().map(str::to_string))
        .collect()
}

/// The messages of the `assumption-unknown` diagnostics the client
/// shows for `uri`.
fn unknown_shown(client: &Client, uri: &str) -> Vec<String> {
    let last = client.published.get(uri);
    last.map(|p| unknown(&p["diagnostics"])).unwrap_or_default()
}

/// Whether the messages name `id` (as a whole word).
fn name(messages: &[String], id: &str) -> bool {
    messages.iter().any(|m| {
        m.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word == id)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_pass_finishing_last_never_undoes_a_newer_one() {
    let dir = tempfile::tempdir().unwrap();
    leanos_lsp::testgen::write_workspace(dir.path(), 3000, 7).unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let write = |path: &str, text: &str| std::fs::write(root.join(path), text).unwrap();
    std::fs::create_dir_all(root.join(PROBE).parent().unwrap()).unwrap();
    write(PROBE, CITING);
    let uri = |path: &str| format!("file://{}/{path}", root.display());
    let (canvas, probe) = (uri(CANVAS), uri(PROBE));
    let canvas_text = std::fs::read_to_string(root.join(CANVAS)).unwrap();
    let capabilities =
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let folder = format!("file://{}", root.display());
    let mut client = Client::start(capabilities, &[folder], Value::Null).await;
    client.settle().await;
    let item = json!({"uri": canvas, "languageId": "markdown", "version": 0, "text": canvas_text});
    client
        .notify("textDocument/didOpen", json!({ "textDocument": item }))
        .await;
    client.settle().await;

    let mut overlapped = 0;
    let mut version = 0;
    for (round, after_debounce) in AFTER_DEBOUNCE_MS.into_iter().enumerate() {
        // Pass A: the Canvas loses every assumption, so every file citing
        // one (the probe among them) is diagnosed again.
        version += 1;
        let emptied = json!({
            "textDocument": {"uri": canvas, "version": version},
            "contentChanges": [{"text": "# Assumptions\n"}],
        });
        client.notify("textDocument/didChange", emptied).await;
        // Past the debounce: pass A has taken its files and computes.
        let after_debounce = Duration::from_millis(after_debounce);
        tokio::time::sleep(leanos_lsp::lsp::server::DEBOUNCE + after_debounce).await;
        // Pass B: on disk, the probe cites A999 instead of A1.
        write(PROBE, CITING_UNKNOWN);
        let event = json!({"changes": [{"uri": probe, "type": 2}]});
        client
            .notify("workspace/didChangeWatchedFiles", event)
            .await;
        // The passes overlapped when B's result for the probe arrives
        // before any of A's for the thousands of closed files.
        let mut before_probe = 0;
        loop {
            let (uri, diagnostics) = client.next_publication().await;
            if uri == probe && name(&unknown(&diagnostics), "A999") {
                break;
            }
            if uri != canvas && uri != probe {
                before_probe += 1;
            }
        }
        if before_probe == 0 {
            overlapped += 1;
        }
        client.settle().await;
        let shown = unknown_shown(&client, &probe);
        assert!(
            name(&shown, "A999") && !name(&shown, "A1"),
            "round {round}: the probe shows {shown:?}, not what its text on disk cites"
        );
        // Back to the start: the Canvas whole again, the probe citing A1.
        version += 1;
        let restored = json!({
            "textDocument": {"uri": canvas, "version": version},
            "contentChanges": [{"text": canvas_text}],
        });
        client.notify("textDocument/didChange", restored).await;
        write(PROBE, CITING);
        let event = json!({"changes": [{"uri": probe, "type": 2}]});
        client
            .notify("workspace/didChangeWatchedFiles", event)
            .await;
        client.settle().await;
        let shown = unknown_shown(&client, &probe);
        assert!(
            shown.is_empty(),
            "round {round}: restored, the probe shows {shown:?}"
        );
    }
    assert!(
        overlapped > 0,
        "the passes never overlapped in {} rounds: the test did not exercise what it is for",
        AFTER_DEBOUNCE_MS.len()
    );
    client.stop().await;
}
