//! The `leanos-lsp` binary: the language server on stdio (default, or
//! `serve`) and `check`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use leanos_lsp::cli::check::Format;
use leanos_lsp::config::Severity;

/// Language server and checker for LeanOS workspaces.
#[derive(Parser)]
#[command(name = "leanos-lsp", version, about)]
struct Cli {
    /// Tracing level for stderr logs (error, warn, info, debug, trace, or
    /// a tracing filter); also read from LEANOS_LOG.
    #[arg(long, global = true, env = "LEANOS_LOG")]
    log_level: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server on stdio (the default).
    Serve,
    /// Print every diagnostic of the workspace at PATH.
    Check {
        /// The workspace root, or a folder or file inside it (only its
        /// findings are reported).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The LeanOS root, when PATH has none at or above it (a folder
        /// holding leanos.toml, strategy/ or threads/).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Exit with 1 when a diagnostic is at or above this level
        /// (error, warning, info, hint).
        #[arg(long, default_value = "error", value_parser = parse_severity)]
        deny: Severity,
        /// Apply every unambiguous quick fix to the files, then report what
        /// remains.
        #[arg(long)]
        fix: bool,
        /// With --fix: print the changes as a unified diff and change nothing.
        #[arg(long, requires = "fix")]
        dry_run: bool,
    },
}

fn parse_severity(word: &str) -> Result<Severity, String> {
    Severity::parse(word)
        .ok_or_else(|| format!("`{word}` is not one of error, warning, info, hint"))
}

fn init_tracing(level: Option<&str>) {
    let filter = tracing_subscriber::EnvFilter::try_new(level.unwrap_or("warn"))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            std::process::exit(code);
        }
    };
    init_tracing(cli.log_level.as_deref());
    let code = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => leanos_lsp::lsp::serve_stdio(),
        Command::Check {
            path,
            root,
            format,
            deny,
            fix,
            dry_run,
        } => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            // Not locked for the run: tracing writes to stderr from the
            // reading threads, and would wait on a held lock forever.
            let mut err = std::io::stderr();
            let mode = match (fix, dry_run) {
                (false, _) => leanos_lsp::cli::check::Fix::No,
                (true, false) => leanos_lsp::cli::check::Fix::Apply,
                (true, true) => leanos_lsp::cli::check::Fix::DryRun,
            };
            let code = leanos_lsp::cli::check::run_with(
                &path,
                root.as_deref(),
                format,
                deny,
                mode,
                &mut out,
                &mut err,
            );
            let flushed = std::io::Write::flush(&mut out);
            if flushed.is_err() {
                2
            } else {
                code
            }
        }
    };
    std::process::exit(code);
}
