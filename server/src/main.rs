//! The `leanos-lsp` binary: the language server on stdio (default, or
//! `serve`), `check`, `rule` and `loop`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use leanos_lsp::cli::check::{Fix, Format, Options};
use leanos_lsp::cli::loops::LoopFormat;
use leanos_lsp::cli::rule::RuleFormat;
use leanos_lsp::rules::Severity;

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
    /// Print every diagnostic of the files at PATH.
    #[command(
        after_help = "Exit status: 0 when nothing is at or above --deny (or with --exit-zero), 1 when something is, 2 on usage or I/O errors (and when a --fix write failed)."
    )]
    Check {
        /// The workspace root, or folders and files inside it (only their
        /// findings are reported); all in one LeanOS root.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// The LeanOS root, when PATH has none at or above it (a folder
        /// holding leanos.toml, strategy/ or threads/).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Output format (human is also called concise; full shows the
        /// offending lines).
        #[arg(
            long,
            visible_alias = "output-format",
            value_enum,
            default_value = "human"
        )]
        format: Format,
        /// Exit with 1 when a diagnostic is at or above this level
        /// (error, warning, info, hint).
        #[arg(long, default_value = "error", value_parser = parse_severity)]
        deny: Severity,
        /// Only these diagnostic codes (comma-separated).
        #[arg(long, value_delimiter = ',')]
        select: Vec<String>,
        /// Never these diagnostic codes (comma-separated).
        #[arg(long, value_delimiter = ',')]
        ignore: Vec<String>,
        /// Exit with 0 whatever is found (2 still means an error).
        #[arg(long)]
        exit_zero: bool,
        /// Apply every unambiguous quick fix to the files, then report what
        /// remains (what was fixed is reported on stderr).
        #[arg(long)]
        fix: bool,
        /// With --fix: print the changes as a unified diff and change nothing.
        #[arg(long, requires = "fix")]
        dry_run: bool,
    },
    /// Print the documentation of a diagnostic code (what it finds, why it
    /// matters, an example and its fix, how to configure it).
    #[command(after_help = "Exit status: 0, or 2 for an unknown code.")]
    Rule {
        /// The code (`assumption-unknown`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        code: Option<String>,
        /// Every code's page.
        #[arg(long)]
        all: bool,
        /// text (the markdown page) or json.
        #[arg(
            long,
            visible_alias = "output-format",
            value_enum,
            default_value = "text"
        )]
        format: RuleFormat,
    },
    /// Print the three-way loop's health (sales → engineering → marketing
    /// → sales): threads in flight and completed per step, where the loop
    /// breaks, cycle times, attribution coverage, Canvas drift.
    #[command(after_help = "Exit status: 0, or 2 on usage or I/O errors.")]
    Loop {
        /// The workspace root, or a folder or file inside it.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The LeanOS root, when PATH has none at or above it.
        #[arg(long)]
        root: Option<PathBuf>,
        /// human (a summary), json (every figure, stable keys) or html (one
        /// self-contained page with the loop as a graph).
        #[arg(
            long,
            visible_alias = "output-format",
            value_enum,
            default_value = "human"
        )]
        format: LoopFormat,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
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
        Command::Serve => {
            if std::io::stdin().is_terminal() {
                eprintln!("leanos-lsp: waiting for an LSP client on stdin (editors start it); to check a workspace from a terminal, run `leanos-lsp check PATH`");
            }
            leanos_lsp::lsp::serve_stdio()
        }
        Command::Check {
            paths,
            root,
            format,
            deny,
            select,
            ignore,
            exit_zero,
            fix,
            dry_run,
        } => {
            let stdout = std::io::stdout();
            let color = stdout.is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
            let mut out = std::io::BufWriter::new(stdout.lock());
            // Not locked for the run: tracing writes to stderr from the
            // reading threads, and would wait on a held lock forever.
            let mut err = std::io::stderr();
            let options = Options {
                format,
                deny,
                fix: match (fix, dry_run) {
                    (false, _) => Fix::No,
                    (true, false) => Fix::Apply,
                    (true, true) => Fix::DryRun,
                },
                root,
                select,
                ignore,
                exit_zero,
                color,
            };
            let code = leanos_lsp::cli::check::run(&paths, &options, &mut out, &mut err);
            if std::io::Write::flush(&mut out).is_err() {
                2
            } else {
                code
            }
        }
        Command::Rule { code, format, .. } => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let code = leanos_lsp::cli::rule::run(
                code.as_deref(),
                format,
                &mut out,
                &mut std::io::stderr(),
            );
            if std::io::Write::flush(&mut out).is_err() {
                2
            } else {
                code
            }
        }
        Command::Loop {
            path,
            root,
            format,
            out,
        } => {
            let stdout = std::io::stdout();
            let mut writer = std::io::BufWriter::new(stdout.lock());
            let code = leanos_lsp::cli::loops::run(
                &path,
                root.as_deref(),
                format,
                out.as_ref(),
                &mut writer,
                &mut std::io::stderr(),
            );
            if std::io::Write::flush(&mut writer).is_err() {
                2
            } else {
                code
            }
        }
    };
    std::process::exit(code);
}
