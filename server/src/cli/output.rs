//! The output formats of `check`: human (one line per diagnostic), full
//! (the offending lines with a caret under the range), JSON and SARIF.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{json, Value};

use crate::analysis::diagnostics::Diagnostic;
use crate::index::Snapshot;
use crate::line_index::ColumnUnit;
use crate::rules::Severity;
use crate::rules::RULES;

fn position(snapshot: &Snapshot, path: &str, offset: u32, unit: ColumnUnit) -> (u32, u32) {
    let file = &snapshot.files[path];
    let position = file.line_index.position(offset, unit);
    (position.line, position.col)
}

/// How the human formats look.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colours (a terminal, and `NO_COLOR` unset).
    pub color: bool,
    /// How many source files were checked (for the summary).
    pub checked: usize,
}

fn severity_style(severity: Severity) -> anstyle::Style {
    let color = match severity {
        Severity::Error => anstyle::AnsiColor::Red,
        Severity::Warning => anstyle::AnsiColor::Yellow,
        Severity::Info | Severity::Hint => anstyle::AnsiColor::Cyan,
    };
    anstyle::Style::new().bold().fg_color(Some(color.into()))
}

/// The summary line: `N errors, N warnings, N infos in N files; M files
/// checked` (hints count as infos). The wording is fixed (SPEC §6) so
/// tools can parse it.
fn write_summary(
    diagnostics: &BTreeMap<String, Vec<Diagnostic>>,
    style: Style,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut counts = [0usize; 4];
    for d in diagnostics.values().flatten() {
        counts[d.severity as usize] += 1;
    }
    writeln!(
        out,
        "{} errors, {} warnings, {} infos in {} files ({} checked)",
        counts[0],
        counts[1],
        counts[2] + counts[3],
        diagnostics.len(),
        style.checked
    )
}

/// Human output: one line per diagnostic (`path:line:col:
/// severity[code]: message`, 1-based, columns in characters), then the
/// summary.
pub fn write_human(
    snapshot: &Snapshot,
    diagnostics: &BTreeMap<String, Vec<Diagnostic>>,
    style: Style,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for (path, list) in diagnostics {
        for d in list {
            let (line, col) = position(snapshot, path, d.range.start, ColumnUnit::Chars);
            let severity = if style.color {
                let s = severity_style(d.severity);
                format!("{s}{}{s:#}", d.severity.as_str())
            } else {
                d.severity.as_str().to_string()
            };
            writeln!(
                out,
                "{path}:{}:{}: {severity}[{}]: {}",
                line + 1,
                col + 1,
                d.code,
                d.message
            )?;
        }
    }
    write_summary(diagnostics, style, out)
}

/// Full output: each diagnostic with the lines it covers and a caret under
/// its range, rendered by `annotate-snippets` (as ruff and rustc do), then
/// the summary.
pub fn write_full(
    snapshot: &Snapshot,
    diagnostics: &BTreeMap<String, Vec<Diagnostic>>,
    style: Style,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
    let renderer = if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for (path, list) in diagnostics {
        let Some(file) = snapshot.files.get(path.as_str()) else {
            continue;
        };
        // Read once per file (its text may be left on disk).
        let text = &*file.text();
        for d in list {
            let start = d.range.start as usize;
            let end = (d.range.end as usize).max(start);
            // The lines the range covers, whole.
            let first = text[..start.min(text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let last = text[end.min(text.len())..]
                .find('\n')
                .map_or(text.len(), |i| end.min(text.len()) + i);
            let source = &text[first..last];
            let line = file
                .line_index
                .position(d.range.start, ColumnUnit::Utf8)
                .line;
            let level = match d.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
                Severity::Info => Level::INFO,
                Severity::Hint => Level::HELP,
            };
            let span = (start - first)..(end.min(last) - first);
            let report = &[level.primary_title(d.message.as_str()).id(d.code).element(
                Snippet::source(source)
                    .line_start(line as usize + 1)
                    .path(path.as_str())
                    .annotation(AnnotationKind::Primary.span(span)),
            )];
            writeln!(out, "{}\n", renderer.render(report))?;
        }
    }
    write_summary(diagnostics, style, out)
}

fn range_json(snapshot: &Snapshot, path: &str, range: &std::ops::Range<u32>) -> Value {
    let (sl, sc) = position(snapshot, path, range.start, ColumnUnit::Utf16);
    let (el, ec) = position(snapshot, path, range.end, ColumnUnit::Utf16);
    json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
}

/// JSON output: an array of diagnostics, LSP-style positions.
pub fn write_json(
    snapshot: &Snapshot,
    diagnostics: &BTreeMap<String, Vec<Diagnostic>>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut items = Vec::new();
    for (path, list) in diagnostics {
        for d in list {
            items.push(json!({
                "path": path,
                "range": range_json(snapshot, path, &d.range),
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": d.message,
            }));
        }
    }
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn sarif_region(snapshot: &Snapshot, path: &str, range: &std::ops::Range<u32>) -> Value {
    let (sl, sc) = position(snapshot, path, range.start, ColumnUnit::Utf16);
    let (el, ec) = position(snapshot, path, range.end, ColumnUnit::Utf16);
    json!({"startLine": sl + 1, "startColumn": sc + 1, "endLine": el + 1, "endColumn": ec + 1})
}

/// SARIF 2.1.0 output (columns 1-based, in UTF-16 code units).
pub fn write_sarif(
    snapshot: &Snapshot,
    diagnostics: &BTreeMap<String, Vec<Diagnostic>>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let documentation = snapshot.config.documentation_url.as_deref();
    let rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            let what = rule.section("What it finds").unwrap_or_default();
            let mut value = json!({
                "id": rule.code,
                "name": rule.code,
                "shortDescription": {"text": rule.summary()},
                "fullDescription": {"text": what, "markdown": what},
                "help": {"text": rule.page, "markdown": rule.page},
                "defaultConfiguration": {"level": sarif_level(rule.default)},
            });
            // Only a page that is published: a configured documentation URL.
            if let Some(template) = documentation {
                value["helpUri"] = Value::String(rule.url(template));
            }
            value
        })
        .collect();
    let mut results = Vec::new();
    for (path, list) in diagnostics {
        for d in list {
            let related: Vec<Value> = d
                .related
                .iter()
                .filter(|r| snapshot.files.contains_key(r.path.as_str()))
                .enumerate()
                .map(|(i, r)| {
                    json!({
                        "id": i,
                        "message": {"text": r.message},
                        "physicalLocation": {
                            "artifactLocation": {"uri": r.path, "uriBaseId": "%SRCROOT%"},
                            "region": sarif_region(snapshot, &r.path, &r.range),
                        }
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": RULES.iter().position(|r| r.code == d.code).unwrap_or(0),
                "level": sarif_level(d.severity),
                "message": {"text": d.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                        "region": sarif_region(snapshot, path, &d.range),
                    }
                }],
            });
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "leanos-lsp",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/leanos-lsp/leanos-lsp",
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
