//! `leanos-lsp loop [PATH] [--format human|json|html] [--out FILE]`
//! (SPEC §6): the three-way loop's health from the workspace itself
//! (`analysis/loop_report.rs`): per step the threads in flight, completed
//! and stopped, where it breaks, cycle times; attribution coverage; Canvas
//! drift. Human is a summary for a terminal; JSON is the report's value
//! (stable keys, documented on `LoopReport`); HTML is the loop page
//! (`analysis/loop_page.rs`), one self-contained file.
//!
//! Exit status: 0, or 2 on usage or I/O errors (no LeanOS root, an
//! output file that cannot be written).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::check::Target;
use crate::analysis::loop_report::{loop_report, Break, LoopReport};
use crate::config::Settings;

/// Output format of `loop`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LoopFormat {
    /// A summary per step.
    Human,
    /// The report as JSON.
    Json,
    /// The loop page: one self-contained HTML file.
    Html,
}

/// Runs `loop` on the LeanOS root at or above `path` (or `root`), writing
/// to `out_file` when given, else to `out`; returns the exit status.
pub fn run(
    path: &Path,
    root: Option<&Path>,
    format: LoopFormat,
    out_file: Option<&PathBuf>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let target = match Target::of(&[path.to_path_buf()], root) {
        Ok(target) => target,
        Err(message) => {
            let _ = writeln!(err, "leanos-lsp loop: {message}");
            return 2;
        }
    };
    let (snapshot, stats) = crate::load::load_workspace(&target.root, &Settings::default());
    let started = std::time::Instant::now();
    let report = loop_report(&snapshot);
    tracing::info!(
        load_ms = stats.millis as u64,
        report_ms = started.elapsed().as_millis() as u64,
        "loop report"
    );
    let text = match format {
        LoopFormat::Human => {
            let name = target.root.file_name().map_or_else(
                || target.root.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            human(&report, &name)
        }
        LoopFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => json + "\n",
            Err(error) => {
                let _ = writeln!(err, "leanos-lsp loop: {error}");
                return 2;
            }
        },
        LoopFormat::Html => {
            crate::analysis::loop_page::page(&report, &target.root.display().to_string())
        }
    };
    std::thread::spawn(move || drop(snapshot));
    let written = match out_file {
        Some(file) => std::fs::write(file, text.as_bytes()).map_err(|e| (file.display(), e)),
        None => out
            .write_all(text.as_bytes())
            .map_err(|e| (Path::new("stdout").display(), e)),
    };
    match written {
        Ok(()) => 0,
        Err((to, error)) => {
            let _ = writeln!(err, "leanos-lsp loop: cannot write {to}: {error}");
            2
        }
    }
}

fn broken_lines(out: &mut String, broken: &[Break]) {
    if broken.is_empty() {
        out.push_str("  broken      none\n");
        return;
    }
    for (i, b) in broken.iter().enumerate() {
        let label = if i == 0 { "broken" } else { "" };
        out.push_str(&format!(
            "  {label:<11} {}:{}: {}: {}\n",
            b.file, b.line, b.thread, b.message
        ));
    }
}

/// The human summary; `root` names the workspace (its folder's name).
pub fn human(report: &LoopReport, root: &str) -> String {
    let mut out = format!(
        "Loop of {root}: {} threads, {} links between them\n",
        report.threads.len(),
        report.edges.len()
    );
    for step in report.steps() {
        out.push_str(&format!("\n{}\n", step.title));
        for (label, value) in &step.rows {
            out.push_str(&format!("  {label:<11} {value}\n"));
        }
        out.push_str(&format!(
            "  {:<11} {}\n",
            "cycle time",
            step.cycle.describe()
        ));
        broken_lines(&mut out, step.broken);
    }
    out.push_str(&format!(
        "\nAttribution\n  {}\n",
        report.attribution.describe()
    ));
    let drift: Vec<String> = report
        .canvas
        .drift
        .iter()
        .map(|(code, n)| format!("{code} {n}"))
        .collect();
    out.push_str(&format!("\nCanvas integrity\n  {}\n", drift.join(", ")));
    out
}
