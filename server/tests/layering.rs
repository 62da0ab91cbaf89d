//! The layering of `server/src` (ARCHITECTURE.md), checked like
//! rust-analyzer's tidy tests: no module imports what sits above it.
//! Test code (after `#[cfg(test)]`, and the test-only files `tests.rs`
//! and `fixture.rs`) may build fixtures from above; comments may name
//! anything.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// What no module below the edges may name: the file system, the writer,
/// the clock, the loader and the front ends.
const EDGES: &[&str] = &[
    "crate::vfs",
    "vfs::",
    "crate::ingest",
    "crate::load",
    "crate::clock",
    "crate::lsp",
    "crate::cli",
];

/// (modules, as paths under `server/src`; what their code must not name
/// besides [`EDGES`]).
const RULES: &[(&[&str], &[&str])] = &[
    (&["paths.rs", "rules"], &["crate::"]),
    (
        &["config"],
        &["crate::analysis", "crate::index", "crate::facts"],
    ),
    (
        &["syntax.rs", "syntax", "facts"],
        &["crate::analysis", "crate::index"],
    ),
    (&["index"], &["crate::analysis"]),
    (&["analysis"], &[]),
];

/// The code of a file without its test module (from `#[cfg(test)]`
/// followed by a `mod` item) and comment lines, with each `use`
/// statement on one line and grouped imports spelt out
/// (`use crate::{analysis::x, vfs};` gives `crate::analysis::x` and
/// `crate::vfs`). Line numbers are 0-based.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((number, line)) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|(_, next)| next.trim_start().starts_with("mod "))
        {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let mut statement = trimmed.to_string();
        if trimmed.starts_with("use ") || trimmed.starts_with("pub use ") {
            while !statement.trim_end().ends_with(';') {
                match lines.next() {
                    Some((_, more)) => statement.push_str(more.trim()),
                    None => break,
                }
            }
            if let Some((head, group)) = statement.split_once("::{") {
                let root = head.rsplit(' ').next().unwrap_or(head);
                let group = group.trim_end_matches(';').trim_end_matches('}');
                for item in group.split(',').filter(|i| !i.trim().is_empty()) {
                    out.push((number, format!("{root}::{}", item.trim())));
                }
                continue;
            }
        }
        out.push((number, statement));
    }
    out
}

/// The lines of `text` that name one of `forbidden`.
fn violations(text: &str, forbidden: &[&str]) -> Vec<(usize, String)> {
    code_lines(text)
        .into_iter()
        .filter(|(_, line)| forbidden.iter().any(|word| line.contains(word)))
        .collect()
}

#[test]
fn the_checker_sees_grouped_and_multi_line_imports_and_skips_tests_and_comments() {
    let text = "//! Docs name crate::lsp freely.\nuse crate::{\n    index::Snapshot,\n    vfs_write,\n};\nuse crate::paths;\nfn f() { crate::clock::today(); }\n#[cfg(test)]\nmod tests {\n    use crate::load;\n}\n";
    let found: Vec<String> = violations(text, EDGES)
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    assert_eq!(
        found,
        ["crate::vfs_write", "fn f() { crate::clock::today(); }"]
    );
    // `#[cfg(test)]` on an item that is not the test module ends nothing.
    let text = "#[cfg(test)]\nfn only_in_tests() {}\nuse crate::cli;\n";
    assert_eq!(violations(text, EDGES).len(), 1);
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn no_module_imports_what_sits_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for (modules, forbidden) in RULES {
        let forbidden: Vec<&str> = EDGES.iter().chain(forbidden.iter()).copied().collect();
        let mut files = Vec::new();
        for module in *modules {
            rust_files(&src.join(module), &mut files);
        }
        assert!(!files.is_empty(), "{modules:?} holds no Rust file");
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy();
            if name == "tests.rs" || name == "fixture.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for (number, line) in violations(&text, &forbidden) {
                found.push(format!(
                    "{}:{}: {line}",
                    file.strip_prefix(&src).unwrap().display(),
                    number + 1
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "imports against the layering (ARCHITECTURE.md):\n{}",
        found.join("\n")
    );
}
