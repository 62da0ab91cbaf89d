//! Writes a synthetic LeanOS workspace for benchmarks.
//! `cargo run --release --example gen_workspace -- OUT_DIR THREADS [SEED]`

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), Some(threads)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        let _ = writeln!(
            std::io::stderr(),
            "usage: gen_workspace OUT_DIR THREADS [SEED]"
        );
        std::process::exit(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(42);
    match leanos_lsp::testgen::write_workspace(std::path::Path::new(out), threads, seed) {
        Ok((files, bytes)) => {
            let _ = writeln!(
                std::io::stderr(),
                "wrote {files} files, {bytes} bytes to {out}"
            );
        }
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "gen_workspace: {error}");
            std::process::exit(1);
        }
    }
}
