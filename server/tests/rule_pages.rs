//! Every rule page (`server/src/rules/<code>.md`) is checked against the
//! engine: its `## Example` files fire the code, its `## Fixed` files do
//! not, and its `## Quick fix` names a fix the engine offers on the
//! example, whose edit removes the finding it is offered on (or says
//! `None` when there is none). A fenced block with `title="<path>"` in its
//! info string is a workspace file; `removed` after the title deletes that
//! file in the fixed version.

use std::collections::BTreeMap;

use leanos_lsp::analysis::actions::{all_fixes, apply, Action};
use leanos_lsp::analysis::diagnostics::{workspace_diagnostics, Diagnostic};
use leanos_lsp::config::Settings;
use leanos_lsp::index::Snapshot;
use leanos_lsp::ingest::Source;
use leanos_lsp::rules::{Rule, RULES};

/// Codes whose example cannot be written in a page (bytes that are not
/// UTF-8); their pages show it as plain text.
const NOT_RUNNABLE: &[&str] = &["file-encoding"];

/// Codes whose fix inserts a placeholder for the user to complete, so the
/// finding stays until they do: the approval line names no person yet.
const PLACEHOLDER_FIXES: &[&str] = &["decision-needs-approval"];

/// A fenced block of a section: its `title` path, whether it is
/// `removed`, and its text.
struct Block {
    path: String,
    removed: bool,
    text: String,
}

fn blocks(section: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let marker = if trimmed.starts_with('~') { '~' } else { '`' };
        let fence_len = trimmed.chars().take_while(|c| *c == marker).count();
        if fence_len < 3 {
            continue;
        }
        let fence = &trimmed[..fence_len];
        let info = &trimmed[fence_len..];
        let mut text = String::new();
        for line in lines.by_ref() {
            if line.trim_start().starts_with(fence) && line.trim() == fence {
                break;
            }
            text.push_str(line);
            text.push('\n');
        }
        let Some((_, rest)) = info.split_once("title=\"") else {
            continue;
        };
        let Some((path, after)) = rest.split_once('"') else {
            continue;
        };
        found.push(Block {
            path: path.to_string(),
            removed: after.split_whitespace().any(|word| word == "removed"),
            text,
        });
    }
    found
}

fn snapshot(files: &BTreeMap<String, String>) -> Snapshot {
    let sources = files
        .iter()
        .map(|(path, text)| Source::text(path.clone(), text.clone()))
        .collect();
    Snapshot::from_sources(&Settings::default(), sources)
}

fn findings(snapshot: &Snapshot, code: &str) -> Vec<(String, Diagnostic)> {
    workspace_diagnostics(snapshot)
        .into_iter()
        .flat_map(|(path, list)| list.into_iter().map(move |d| (path.clone(), d)))
        .filter(|(_, d)| d.code == code)
        .collect()
}

fn check_page(rule: &Rule) -> Result<(), String> {
    let code = rule.code;
    let section = |name| rule.section(name).ok_or(format!("no `## {name}`"));
    let example = blocks(section("Example")?);
    if NOT_RUNNABLE.contains(&code) {
        return Ok(());
    }
    if example.is_empty() {
        return Err("`## Example` has no block with a title=\"path\"".into());
    }
    let mut files: BTreeMap<String, String> =
        example.into_iter().map(|b| (b.path, b.text)).collect();
    let before = snapshot(&files);
    let fired = findings(&before, code);
    if fired.is_empty() {
        return Err("the example does not fire it".into());
    }
    // The quick fix the page names is the one the engine offers, and
    // applying it removes the finding it is offered on.
    let offered: Vec<(String, &Diagnostic, Action)> = fired
        .iter()
        .flat_map(|(path, d)| {
            all_fixes(&before, path, "2026-12-02")
                .into_iter()
                .filter(move |a| {
                    a.diagnostic
                        .as_ref()
                        .is_some_and(|(c, r)| *c == d.code && *r == d.range)
                })
                .map(move |a| (path.clone(), d, a))
        })
        .collect();
    let titles: Vec<&str> = offered.iter().map(|(_, _, a)| a.title.as_str()).collect();
    let quick_fix = section("Quick fix")?;
    if quick_fix.starts_with("None") {
        if !offered.is_empty() {
            return Err(format!(
                "`## Quick fix` says None, the engine offers {titles:?}"
            ));
        }
    } else {
        let Some((path, finding, named)) = offered
            .iter()
            .find(|(_, _, a)| quick_fix.contains(&format!("**{}**", a.title)))
        else {
            return Err(format!(
                "`## Quick fix` must name (in bold) one of the fixes offered on the example: {titles:?}"
            ));
        };
        let mut applied = files.clone();
        apply(&mut applied, &named.ops)
            .map_err(|error| format!("`{}` cannot be applied: {error:?}", named.title))?;
        if applied == files {
            return Err(format!("`{}` changes nothing", named.title));
        }
        let still = findings(&snapshot(&applied), code)
            .into_iter()
            .any(|(p, d)| p == *path && d.message == finding.message);
        if still && !PLACEHOLDER_FIXES.contains(&code) {
            return Err(format!(
                "applying `{}` leaves the finding it fixes: {path}: {}",
                named.title, finding.message
            ));
        }
    }
    let fixed = blocks(section("Fixed")?);
    if fixed.is_empty() {
        return Err("`## Fixed` has no block with a title=\"path\"".into());
    }
    for block in fixed {
        if block.removed {
            files.remove(&block.path);
        } else {
            files.insert(block.path, block.text);
        }
    }
    let left = findings(&snapshot(&files), code);
    if !left.is_empty() {
        let messages: Vec<String> = left
            .iter()
            .map(|(p, d)| format!("{p}: {}", d.message))
            .collect();
        return Err(format!("the fixed version still fires it: {messages:?}"));
    }
    Ok(())
}

#[test]
fn every_rule_page_example_fires_and_its_fixed_version_does_not() {
    let failures: Vec<String> = RULES
        .iter()
        .filter_map(|rule| {
            check_page(rule)
                .err()
                .map(|e| format!("{}.md: {e}", rule.code))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "rule pages out of step with the engine:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_readme_rule_table_is_generated_from_the_pages() {
    let readme_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(readme_path).unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let from = readme.find(start).expect("README has <!-- rules:start -->") + start.len();
    let to = readme[from..]
        .find(end)
        .expect("README has <!-- rules:end -->")
        + from;
    let table = leanos_lsp::rules::readme_table();
    if readme[from..to] != table {
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(
                readme_path,
                format!("{}{table}{}", &readme[..from], &readme[to..]),
            )
            .unwrap();
        } else {
            panic!("the README's rule table is not the pages' (run with UPDATE_EXPECT=1 to regenerate it):\n{table}");
        }
    }
}
