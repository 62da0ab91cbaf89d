//! The layering of `server/src` (ARCHITECTURE.md), checked like
//! rust-analyzer's tidy tests: no module imports what sits above it.
//! Test code (after `#[cfg(test)]`, and the test-only files `tests.rs`
//! and `fixture.rs`) may build fixtures from above; comments may name
//! anything.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// (modules, as paths under `server/src`; what their code must not name).
const RULES: &[(&[&str], &[&str])] = &[
    (&["paths.rs", "rules"], &["crate::"]),
    (
        &["config"],
        &[
            "crate::analysis",
            "crate::index",
            "crate::facts",
            "vfs::",
            "crate::lsp",
            "crate::cli",
        ],
    ),
    (
        &["syntax.rs", "syntax", "facts"],
        &[
            "crate::analysis",
            "crate::index",
            "vfs::",
            "crate::ingest",
            "crate::lsp",
            "crate::cli",
        ],
    ),
    (
        &["index"],
        &[
            "crate::analysis",
            "vfs::",
            "crate::ingest",
            "crate::load",
            "crate::lsp",
            "crate::cli",
        ],
    ),
    (
        &["analysis"],
        &[
            "vfs::",
            "crate::ingest",
            "crate::load",
            "crate::lsp",
            "crate::cli",
            "crate::clock",
        ],
    ),
];

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
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for (number, line) in code.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for word in *forbidden {
                    if line.contains(word) {
                        found.push(format!(
                            "{}:{}: `{word}` in {}",
                            file.strip_prefix(&src).unwrap().display(),
                            number + 1,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "imports against the layering (ARCHITECTURE.md):\n{}",
        found.join("\n")
    );
}
