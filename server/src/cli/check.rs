//! `leanos-lsp check [PATH…]` (SPEC §6): every diagnostic of the files at
//! PATH (the root, folders or files inside it), from the same engine as
//! the server.
//!
//! Formats (`cli::output`): human, `path:line:col: severity[code]:
//! message` (path relative to the root, 1-based line and column in
//! characters), sorted by path then position, then `N errors, N warnings,
//! N infos in N files; M files checked`; full, the same with the offending
//! lines and a caret under the range; JSON, an array of `{path, range,
//! severity, code, message}` with 0-based lines and UTF-16 characters, as
//! in LSP; SARIF 2.1.0 for code-scanning tools. Fixes and their reports go
//! to stderr, so the machine formats stay valid with any option.
//!
//! Exit status: 0 when nothing is at or above the deny level (default
//! `error`) or with `--exit-zero`, 1 when something is, 2 on usage or I/O
//! errors (and when a `--fix` write failed). Files that cannot be read or
//! named (a name that is not UTF-8) are warnings on stderr, not errors.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::output::{self, Style};
use crate::analysis::diagnostics::{workspace_diagnostics, Diagnostic};
use crate::config::Settings;
use crate::paths;
use crate::rules::Severity;
use crate::vfs;

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per diagnostic (also `concise`).
    #[value(alias = "concise")]
    Human,
    /// Each diagnostic with its lines and a caret under the range.
    Full,
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

/// Everything `check` is asked besides the paths.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    /// Exit 1 when a diagnostic is at or above this severity.
    pub deny: Severity,
    pub fix: Fix,
    /// The LeanOS root, when the paths have none at or above them.
    pub root: Option<PathBuf>,
    /// Only these codes (empty: every code).
    pub select: Vec<String>,
    /// Never these codes.
    pub ignore: Vec<String>,
    /// Exit 0 whatever is found (still 2 on errors).
    pub exit_zero: bool,
    /// ANSI colours in the human formats.
    pub color: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            format: Format::Human,
            deny: Severity::Error,
            fix: Fix::No,
            root: None,
            select: Vec::new(),
            ignore: Vec::new(),
            exit_zero: false,
            color: false,
        }
    }
}

/// Runs `check` on `paths` (all inside one LeanOS root, found as
/// [`Target::of`] says) with `options`, writing the report to `out` and
/// messages to `err`; returns the exit status.
pub fn run(paths: &[PathBuf], options: &Options, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    for code in options.select.iter().chain(&options.ignore) {
        if !crate::rules::is_known_code(code) {
            let hint = match crate::rules::closest_code(code) {
                Some(known) => format!("did you mean `{known}`? "),
                None => String::new(),
            };
            let _ = writeln!(
                err,
                "leanos-lsp check: `{code}` is not a diagnostic code ({hint}`leanos-lsp rule --all` lists them)"
            );
            return 2;
        }
    }
    let target = match Target::of(paths, options.root.as_deref()) {
        Ok(target) => target,
        Err(error) => {
            let _ = writeln!(err, "leanos-lsp check: {error}");
            return 2;
        }
    };
    tracing::info!(root = %target.root.display(), scopes = ?target.scopes, "checking");
    let mut failed = false;
    if options.fix != Fix::No {
        let dry_run = options.fix == Fix::DryRun;
        // The diff is the report of a human dry run; beside a machine
        // format it goes to stderr.
        let machine = matches!(options.format, Format::Json | Format::Sarif);
        let mut aside = Vec::new();
        let diff_out: &mut dyn Write = if dry_run && !machine {
            &mut *out
        } else {
            &mut aside
        };
        let fixed = super::fix::fix_workspace(&target, dry_run, diff_out, err);
        let _ = err.write_all(&aside);
        match fixed {
            Ok(outcome) if dry_run && !machine => return i32::from(outcome.changed > 0),
            Ok(outcome) if dry_run => {
                let code = check_once(&target, options, out, err);
                return if code == 2 {
                    2
                } else {
                    i32::from(outcome.changed > 0)
                };
            }
            Ok(outcome) => failed = outcome.failed > 0,
            Err(error) => {
                let _ = writeln!(err, "leanos-lsp check --fix: {error}");
                return 2;
            }
        }
    }
    let code = check_once(&target, options, out, err);
    if failed {
        2
    } else {
        code
    }
}

/// What `check PATH…` reads and reports: the LeanOS root of the paths (the
/// nearest folder at or above them holding `leanos.toml`, else `strategy/`
/// or `threads/`, not above the user's home: [`vfs::discover_root`]), and
/// the workspace paths below it that limit what is reported and fixed
/// (none: the whole root). Paths in the output are relative to the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub root: PathBuf,
    pub scopes: Vec<String>,
}

impl Target {
    /// The target of `paths`, within `root` when one is given (`--root`).
    /// Errors when a path cannot be read, is not inside the root, the
    /// paths lie in different roots, or there is no LeanOS root at or
    /// above them (and none is given): a folder that is not a LeanOS
    /// workspace is not checked.
    pub fn of(paths: &[PathBuf], root: Option<&Path>) -> Result<Target, String> {
        let given = match root {
            Some(root) => Some(
                std::fs::canonicalize(root)
                    .map_err(|error| format!("cannot read {}: {error}", root.display()))?,
            ),
            None => None,
        };
        let mut found: Option<PathBuf> = None;
        let mut scopes = Vec::new();
        let mut whole = false;
        for path in paths {
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
            let root = match &given {
                Some(root) => root.clone(),
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
            if found.as_ref().is_some_and(|f| *f != root) {
                return Err(format!(
                    "{} is in another LeanOS root than the paths before it ({}): check one root at a time",
                    path.display(),
                    root.display()
                ));
            }
            match paths::workspace_path(&root, &canonical).filter(|scope| !scope.is_empty()) {
                Some(scope) => scopes.push(scope),
                None => whole = true,
            }
            found = Some(root);
        }
        let root = found.ok_or_else(|| "no path to check".to_string())?;
        if whole {
            scopes.clear();
        }
        Ok(Target { root, scopes })
    }

    /// Whether the workspace path `path` is reported and fixed.
    pub fn covers(&self, path: &str) -> bool {
        self.scopes.is_empty()
            || self.scopes.iter().any(|scope| {
                path == scope
                    || path
                        .strip_prefix(scope.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
    }
}

/// Tells the user on `err` what the load could not check: every name
/// under the paths checked that is not valid UTF-8 (written lossily), and
/// everything that could not be read. Warnings only: the exit status
/// stays that of the diagnostics.
fn report_unread(target: &Target, stats: &crate::load::LoadStats, err: &mut dyn Write) {
    for name in stats.non_utf8_names.iter().filter(|n| target.covers(n)) {
        let _ = writeln!(
            err,
            "leanos-lsp check: warning: {name}: not checked, the name is not valid UTF-8 (shown with \u{FFFD})"
        );
    }
    for problem in &stats.unreadable {
        let _ = writeln!(err, "leanos-lsp check: warning: not checked: {problem}");
    }
}

/// Whether `options` keep a diagnostic of `code` (`--select`, `--ignore`).
fn selected(options: &Options, code: &str) -> bool {
    (options.select.is_empty() || options.select.iter().any(|c| c == code))
        && !options.ignore.iter().any(|c| c == code)
}

fn check_once(target: &Target, options: &Options, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (snapshot, stats) = crate::load::load_workspace(&target.root, &Settings::default());
    tracing::info!(
        files = stats.files,
        threads = stats.threads,
        millis = stats.millis as u64,
        "workspace loaded"
    );
    report_unread(target, &stats, err);
    let diagnosed = std::time::Instant::now();
    let mut diagnostics: BTreeMap<String, Vec<Diagnostic>> = workspace_diagnostics(&snapshot);
    diagnostics.retain(|path, list| {
        list.retain(|d| selected(options, d.code));
        target.covers(path) && !list.is_empty()
    });
    tracing::debug!(
        diagnostics_ms = diagnosed.elapsed().as_millis() as u64,
        "diagnosed"
    );
    let style = Style {
        color: options.color,
        checked: snapshot
            .files
            .keys()
            .filter(|p| target.covers(p) && snapshot.config.scope.diagnoses(p))
            .count(),
    };
    let written = match options.format {
        Format::Human => output::write_human(&snapshot, &diagnostics, style, out),
        Format::Full => output::write_full(&snapshot, &diagnostics, style, out),
        Format::Json => output::write_json(&snapshot, &diagnostics, out),
        Format::Sarif => output::write_sarif(&snapshot, &diagnostics, out),
    };
    if let Err(error) = written {
        let _ = writeln!(err, "leanos-lsp check: cannot write output: {error}");
        return 2;
    }
    let denied = diagnostics
        .values()
        .flatten()
        .any(|d| d.severity <= options.deny);
    // Freed on a thread of its own: the process exits right after `check`,
    // and freeing a large workspace's millions of small allocations one by
    // one would otherwise add a tenth to its run time.
    std::thread::spawn(move || drop((snapshot, diagnostics)));
    i32::from(denied && !options.exit_zero)
}
