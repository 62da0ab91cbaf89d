//! `leanos-lsp loop` end to end: the built binary on the bundled example
//! (each step of the loop closed once and broken once), its human and
//! JSON output as snapshots, the page's content, `--out`, and the exit
//! status without a LeanOS root. Rendering the page in a browser is
//! `tests/loop/test_loop_page.py`.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quillfeather")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The `loop-*` findings `check` reports on `root`: `(path, code)`, sorted.
fn loop_findings(root: &Path) -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_leanos-lsp"))
        .args(["check", root.to_str().unwrap(), "--format", "json"])
        .args([
            "--select",
            "loop-feature-not-built,loop-content-gap,loop-no-attribution",
        ])
        .output()
        .unwrap();
    let found: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<(String, String)> = found
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

fn leanos_loop(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_leanos-lsp"))
        .arg("loop")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn human_summary_of_the_example() {
    let run = leanos_loop(&[example().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json_report_of_the_example() {
    let run = leanos_loop(&[example().to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&report).unwrap());
}

/// The breaks are exactly the `loop-*` findings `check` reports.
#[test]
fn breaks_are_the_findings_of_check() {
    let run = leanos_loop(&[example().to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut breaks: Vec<(String, String)> = [
        "sales_to_engineering",
        "engineering_to_marketing",
        "marketing_to_sales",
    ]
    .iter()
    .flat_map(|step| report[step]["broken"].as_array().unwrap().clone())
    .map(|b| {
        (
            b["file"].as_str().unwrap().to_string(),
            b["code"].as_str().unwrap().to_string(),
        )
    })
    .collect();
    breaks.sort();
    let findings = loop_findings(&example());
    assert_eq!(breaks, findings);
    assert_eq!(breaks.len(), 3);
}

#[test]
fn the_page_holds_every_thread_and_is_written_to_out() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("loop.html");
    let run = leanos_loop(&[
        example().to_str().unwrap(),
        "--format",
        "html",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    // Self-contained: nothing is fetched.
    assert!(!page.contains("src=\"http"), "external resource");
    assert!(!page.contains("<link "), "external stylesheet");
    let json = leanos_loop(&[example().to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    for thread in report["threads"].as_array().unwrap() {
        let path = thread["path"].as_str().unwrap();
        assert!(
            page.contains(&format!(
                "class=\"thread {}",
                thread["role"].as_str().unwrap()
            )) && page.contains(&format!("data-path=\"{path}\"")),
            "{path} is not drawn"
        );
    }
    assert_eq!(page.matches("class=\"missing\"").count(), 3);
    assert_eq!(
        page.matches("class=\"card\"").count(),
        report["assumptions"].as_array().unwrap().len()
    );
}

#[test]
fn no_leanos_root_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = leanos_loop(&[dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("leanos-lsp loop: "),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

/// On a generated workspace (1,000 threads) `check` reports the loop codes
/// exactly at the threads where the generator breaks the loop, and
/// nowhere else (near misses: the requests it answers, the features it has
/// marketing cite, the content deals name).
#[test]
fn check_finds_the_generated_breaks_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    leanos_lsp::testgen::write_workspace(dir.path(), 1000, 7).unwrap();
    let found = loop_findings(dir.path());
    let expected: Vec<(String, String)> = leanos_lsp::testgen::expected_loop_findings(1000)
        .into_iter()
        .map(|(path, code)| (path, code.to_string()))
        .collect();
    for code in [
        "loop-feature-not-built",
        "loop-content-gap",
        "loop-no-attribution",
    ] {
        assert!(
            expected.iter().any(|(_, c)| c == code),
            "the generator plants no {code}"
        );
    }
    assert_eq!(found, expected);
}
