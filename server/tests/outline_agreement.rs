//! The two outline producers (pulldown-cmark for the lowering, tree-sitter-md
//! for open documents' syntax trees) read real LeanOS files the same way:
//! every markdown file of `../shared/corpus/lean-os/` (when the shared
//! folder is beside the repository) and the bundled example.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::path::Path;

use leanos_lsp::syntax::{outline_of, tree_outline_of, Outline};

fn markdown_files(root: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// What the lowering depends on: where headings, fences, list items,
/// table rows, links and code spans start, and heading levels and texts.
fn shape(text: &str, outline: &Outline) -> Vec<String> {
    let slice = |r: &std::ops::Range<u32>| text[r.start as usize..r.end as usize].to_string();
    let mut out = Vec::new();
    out.push(format!(
        "frontmatter {:?}",
        outline.frontmatter.as_ref().map(slice)
    ));
    for h in &outline.headings {
        out.push(format!("h{} {:?}", h.level, slice(&h.content)));
    }
    for f in &outline.fences {
        out.push(format!("fence {:?}", slice(&f.content)));
    }
    for l in &outline.list_items {
        out.push(format!("item@{}", l.start));
    }
    for r in &outline.table_rows {
        out.push(format!(
            "row header={} {:?}",
            r.header,
            r.cells.iter().map(slice).collect::<Vec<_>>()
        ));
    }
    for l in &outline.links {
        out.push(format!("link {:?}", slice(&l.destination)));
    }
    for c in &outline.code_spans {
        out.push(format!("code {:?}", slice(c)));
    }
    out
}

#[test]
fn producers_agree_on_real_files() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    markdown_files(&here.join("../examples/quillfeather"), &mut files);
    assert!(
        !files.is_empty(),
        "the bundled example has no markdown files"
    );
    let corpus = here.join("../../shared/corpus/lean-os");
    if corpus.is_dir() {
        let example_files = files.len();
        markdown_files(&corpus, &mut files);
        assert!(
            files.len() - example_files > 50,
            "found only {} corpus files",
            files.len() - example_files
        );
    } else {
        let _ = writeln!(std::io::stderr(),
            "skipping the corpus: ../shared/corpus is absent (clone the shared folder beside the repository to check it); checking the bundled example only"
        );
    }
    let mut disagreements = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let fast = shape(&text, &outline_of(&text));
        let tree = shape(&text, &tree_outline_of(&text));
        if fast != tree {
            let first = fast
                .iter()
                .zip(&tree)
                .position(|(a, b)| a != b)
                .unwrap_or(fast.len().min(tree.len()));
            disagreements.push(format!(
                "{}: cmark {:?} vs tree-sitter {:?}",
                path.display(),
                fast.get(first),
                tree.get(first)
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
