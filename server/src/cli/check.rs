//! `leanos-lsp check [PATH] [--format human|json|sarif] [--deny LEVEL]`
//! (SPEC §6): every diagnostic of the workspace at PATH.
//!
//! Human: `path:line:col: severity[code]: message` (path relative to the root,
//! 1-based line and column in characters), sorted by path then position,
//! then `N errors, N warnings, N infos in N files`. JSON: an array of
//! `{path, range, severity, code, message}` with 0-based lines and UTF-16
//! characters, as in LSP. SARIF 2.1.0 for code-scanning tools.
//! Exit status: 0 when nothing is at or above the deny level (default
//! `error`), 1 when something is, 2 on usage or I/O errors.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::analysis::diagnostics::{workspace_diagnostics, Diagnostic, CODES};
use crate::config::{Settings, Severity};
use crate::index::Snapshot;
use crate::line_index::ColumnUnit;
use crate::vfs;

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

/// Whether `check` fixes what it can first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    No,
    /// Apply every unambiguous fix to the files on disk.
    Apply,
    /// Print the fixes as a unified diff; change nothing.
    DryRun,
}

/// Runs `check` on `path` (its LeanOS root found as [`Target::of`]
/// says), writing to `out`; returns the exit status. Errors writing `out`
/// or reading the root give status 2 with a message on `err`.
pub fn run(
    path: &Path,
    format: Format,
    deny: Severity,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    run_with(path, None, format, deny, Fix::No, out, err)
}

/// [`run`], fixing first: with [`Fix::Apply`] every unambiguous fix is
/// written as [`super::fix::fix_workspace`] says (nothing overwritten,
/// nothing outside the root, nothing edited that was not read exactly)
/// and listed on `out`, then the remaining diagnostics are reported (exit
/// status 2 when a write failed); with [`Fix::DryRun`] the fixes are
/// printed as a unified diff and nothing is written (the exit status is
/// then 1 when there is something to fix).
#[allow(clippy::too_many_arguments)]
pub fn run_with(
    path: &Path,
    root: Option<&Path>,
    format: Format,
    deny: Severity,
    fix: Fix,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let target = match Target::of(path, root) {
        Ok(target) => target,
        Err(error) => {
            let _ = writeln!(err, "leanos-lsp check: {error}");
            return 2;
        }
    };
    tracing::info!(root = %target.root.display(), scope = ?target.scope, "checking");
    let mut failed = false;
    if fix != Fix::No {
        match super::fix::fix_workspace(&target, fix == Fix::DryRun, out, err) {
            Ok(outcome) if fix == Fix::DryRun => return i32::from(outcome.changed > 0),
            Ok(outcome) => failed = outcome.failed > 0,
            Err(error) => {
                let _ = writeln!(err, "leanos-lsp check --fix: {error}");
                return 2;
            }
        }
    }
    let code = check_once(&target, format, deny, out, err);
    if failed {
        2
    } else {
        code
    }
}

/// What `check PATH` reads and reports: the LeanOS root of PATH (the
/// nearest folder at or above it holding `leanos.toml`, else `strategy/`
/// or `threads/`, not above the user's home: [`vfs::discover_root`]; PATH
/// itself when there is none) and, when PATH is below that root, PATH's
/// workspace path, which limits what is reported and fixed to that file
/// or folder. Paths in the output are relative to the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub root: PathBuf,
    pub scope: Option<String>,
}

impl Target {
    /// The target of `path`, within `root` when one is given (`--root`).
    /// Errors when `path` cannot be read, is not inside `root`, or has no
    /// LeanOS root at or above it (and none is given): a folder that is
    /// not a LeanOS workspace is not checked.
    pub fn of(path: &Path, root: Option<&Path>) -> Result<Target, String> {
        let cannot_read =
            |error: std::io::Error| format!("cannot read {}: {error}", path.display());
        let canonical = std::fs::canonicalize(path).map_err(cannot_read)?;
        let folder = if std::fs::metadata(&canonical).map_err(cannot_read)?.is_dir() {
            canonical.clone()
        } else {
            canonical
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        };
        let root = match root {
            Some(root) => std::fs::canonicalize(root)
                .map_err(|error| format!("cannot read {}: {error}", root.display()))?,
            None => vfs::discover_root(&folder, vfs::home_dir().as_deref()).ok_or_else(|| {
                format!(
                    "no LeanOS root at or above {}: no folder there holds leanos.toml, strategy/ or threads/ (add a leanos.toml, or pass --root)",
                    path.display()
                )
            })?,
        };
        if !canonical.starts_with(&root) {
            return Err(format!(
                "{} is not inside the root {}",
                path.display(),
                root.display()
            ));
        }
        let scope = vfs::workspace_path(&root, &canonical).filter(|scope| !scope.is_empty());
        Ok(Target { root, scope })
    }

    /// Whether the workspace path `path` is reported and fixed.
    pub fn covers(&self, path: &str) -> bool {
        match &self.scope {
            None => true,
            Some(scope) => {
                path == scope
                    || path
                        .strip_prefix(scope.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            }
        }
    }
}

fn check_once(
    target: &Target,
    format: Format,
    deny: Severity,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let (snapshot, stats) = crate::load::load_workspace(&target.root, &Settings::default());
    tracing::info!(
        files = stats.files,
        threads = stats.threads,
        millis = stats.millis as u64,
        "workspace loaded"
    );
    let diagnosed = std::time::Instant::now();
    let mut diagnostics = workspace_diagnostics(&snapshot);
    diagnostics.retain(|path, _| target.covers(path));
    tracing::debug!(
        diagnostics_ms = diagnosed.elapsed().as_millis() as u64,
        "diagnosed"
    );
    let written = match format {
        Format::Human => write_human(&snapshot, &diagnostics, out),
        Format::Json => write_json(&snapshot, &diagnostics, out),
        Format::Sarif => write_sarif(&snapshot, &diagnostics, out),
    };
    if let Err(error) = written {
        let _ = writeln!(err, "leanos-lsp check: cannot write output: {error}");
        return 2;
    }
    let denied = diagnostics.values().flatten().any(|d| d.severity <= deny);
    // Freed on a thread of its own: the process exits right after `check`,
    // and freeing a large workspace's millions of small allocations one by
    // one would otherwise add a tenth to its run time.
    std::thread::spawn(move || drop((snapshot, diagnostics)));
    i32::from(denied)
}

fn position(snapshot: &Snapshot, path: &str, offset: u32, unit: ColumnUnit) -> (u32, u32) {
    let file = &snapshot.files[path];
    let position = file.line_index.position(&file.text, offset, unit);
    (position.line, position.col)
}

/// Human output: one line per diagnostic, then a summary.
pub fn write_human(
    snapshot: &Snapshot,
    diagnostics: &BTreeMap<String, Vec<Diagnostic>>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut counts = [0usize; 4];
    for (path, list) in diagnostics {
        for d in list {
            let (line, col) = position(snapshot, path, d.range.start, ColumnUnit::Chars);
            writeln!(
                out,
                "{path}:{}:{}: {}[{}]: {}",
                line + 1,
                col + 1,
                d.severity.as_str(),
                d.code,
                d.message
            )?;
            counts[d.severity as usize] += 1;
        }
    }
    // The summary's wording is fixed (SPEC §6) so tools can parse it.
    writeln!(
        out,
        "{} errors, {} warnings, {} infos in {} files",
        counts[0],
        counts[1],
        counts[2] + counts[3],
        diagnostics.len()
    )
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
    let rules: Vec<Value> = CODES
        .iter()
        .map(|(code, severity)| {
            json!({
                "id": code,
                "name": code,
                "shortDescription": {"text": code.replace('-', " ")},
                "helpUri": format!("https://github.com/leanos-lsp/leanos-lsp#{code}"),
                "defaultConfiguration": {"level": sarif_level(*severity)},
            })
        })
        .collect();
    let mut results = Vec::new();
    for (path, list) in diagnostics {
        for d in list {
            let related: Vec<Value> = d
                .related
                .iter()
                .filter(|r| snapshot.files.contains_key(&r.path))
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
                "ruleIndex": CODES.iter().position(|(c, _)| *c == d.code).unwrap_or(0),
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
