//! Criterion benchmarks of the engine on generated workspaces (see
//! BENCHMARKS.md for the numbers and the machine):
//! - `lower/stage_file`: lowering one typical stage file;
//! - `cold/from_sources_1k`: building and diagnosing a 1,000-thread
//!   workspace from memory;
//! - `edit/keystroke_in_thread_10k`: the server work of one keystroke in a
//!   thread of a 10,000-thread workspace: apply the change to the document
//!   (rope and incremental tree-sitter reparse), re-lower, update the index,
//!   diagnose every affected file and convert to LSP (debounce excluded);
//! - `edit/assumptions_touching_1000_files`: the same for an edit of the
//!   assumptions section that changes an entry cited by 1,000 files;
//! - `navigation_10k/*`: definition, references of an assumption cited by
//!   1,000 files, hover, completion after `Tests: `, workspace symbol.

use std::path::Path;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use leanos_lsp::analysis::diagnostics::{file_diagnostics, workspace_diagnostics};
use leanos_lsp::analysis::{completion, definition, hover, references, symbols};
use leanos_lsp::config::Settings;
use leanos_lsp::facts::{lower, ReadState};
use leanos_lsp::index::{FileData, Snapshot};
use leanos_lsp::ingest::Source;
use leanos_lsp::line_index::ColumnUnit;
use leanos_lsp::lsp::convert;
use leanos_lsp::lsp::document::{Document, EditPosition};
use leanos_lsp::testgen;
use leanos_lsp::vfs::FileRead;

fn snapshot_of(files: Vec<(String, String)>) -> Snapshot {
    let sources = files
        .into_iter()
        .map(|(path, text)| Source {
            path,
            content: FileRead::Bytes(text.into_bytes()),
        })
        .collect();
    Snapshot::from_sources(&Settings::default(), sources)
}

/// One edit as the server handles it: document change, re-lowering, index
/// update, diagnostics of every affected file, conversion to LSP.
fn apply_edit(
    snapshot: &mut Snapshot,
    path: &str,
    document: &mut Document,
    line: u32,
    character: u32,
    text: &str,
) -> usize {
    let position = EditPosition { line, character };
    document.apply(Some((position, position)), text, ColumnUnit::Utf16);
    document.version += 1;
    let text: Arc<str> = Arc::from(document.reparse());
    let config = snapshot.config.clone();
    let facts = lower(
        path,
        &text,
        ReadState::Read {
            invalid_utf8_at: None,
        },
        &config,
    );
    let affected = snapshot.upsert(FileData::from_parts(
        path,
        text,
        facts,
        Some(document.version),
    ));
    let root = Path::new("/workspace");
    let mut published = 0;
    for file_path in &affected {
        if let Some(file) = snapshot.files.get(file_path.as_str()) {
            let lsp: Vec<_> = file_diagnostics(snapshot, file_path)
                .iter()
                .map(|d| convert::diagnostic(root, snapshot, file, d, ColumnUnit::Utf16))
                .collect();
            published += lsp.len() + 1;
        }
    }
    published
}

fn benches(c: &mut Criterion) {
    let small = testgen::workspace(1000, 42);
    let stage = small
        .iter()
        .find(|(p, _)| p.ends_with("t5/2-hypothesis.md"))
        .cloned()
        .unwrap_or_default();
    let config = leanos_lsp::config::Config::default();
    c.bench_function("lower/stage_file", |b| {
        b.iter(|| {
            lower(
                &stage.0,
                &stage.1,
                ReadState::Read {
                    invalid_utf8_at: None,
                },
                &config,
            )
        })
    });
    c.bench_function("cold/from_sources_1k", |b| {
        b.iter_batched(
            || small.clone(),
            |files| {
                let snapshot = snapshot_of(files);
                workspace_diagnostics(&snapshot).len()
            },
            BatchSize::LargeInput,
        )
    });

    // 10,000 threads; every tenth hypothesis also cites A1 (1,000 files).
    let files = testgen::workspace(10_000, 42);
    let base = snapshot_of(files.clone());
    let thread_path = "threads/sales/t8/2-hypothesis.md".to_string();
    let thread_text = files
        .iter()
        .find(|(p, _)| *p == thread_path)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    let canvas_path = "strategy/canvas/10-assumptions.md".to_string();
    let canvas_text = files
        .iter()
        .find(|(p, _)| *p == canvas_path)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();

    let mut group = c.benchmark_group("edit");
    group.bench_function("keystroke_in_thread_10k", |b| {
        b.iter_batched(
            || (base.clone(), Document::new(&thread_text, 1, true)),
            |(mut snapshot, mut document)| {
                apply_edit(&mut snapshot, &thread_path, &mut document, 11, 3, "x")
            },
            BatchSize::SmallInput,
        )
    });
    // `### A1: …` is line 4; typing into its title changes the entry, so
    // every file citing A1 is re-diagnosed.
    group.bench_function("assumptions_touching_1000_files", |b| {
        b.iter_batched(
            || (base.clone(), Document::new(&canvas_text, 1, true)),
            |(mut snapshot, mut document)| {
                let published = apply_edit(&mut snapshot, &canvas_path, &mut document, 4, 8, "x");
                assert!(published >= 1000, "only {published} files re-diagnosed");
                published
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    // Navigation queries at 10,000 threads, on `Tests: A1` in a hypothesis
    // (A1 is cited by 1,000 files).
    let cited_path = "threads/engineering/t10/2-hypothesis.md".to_string();
    let cited_offset = base.files[cited_path.as_str()]
        .text()
        .find("Tests: A1 -")
        .map(|i| i as u32 + 8)
        .unwrap_or(0);
    let mut group = c.benchmark_group("navigation_10k");
    group.bench_function("definition", |b| {
        b.iter(|| definition::definition(&base, &cited_path, cited_offset))
    });
    group.bench_function("references_of_a1_cited_by_1000_files", |b| {
        b.iter(|| {
            let found = references::references(&base, &cited_path, cited_offset, true);
            assert!(found.len() > 1000);
            found
        })
    });
    group.bench_function("hover", |b| {
        b.iter(|| hover::hover(&base, &cited_path, cited_offset))
    });
    let after_tests = cited_offset - 1;
    group.bench_function("completion_after_tests", |b| {
        b.iter(|| completion::complete(&base, &cited_path, after_tests, "2026-11-21"))
    });
    group.bench_function("workspace_symbol", |b| {
        b.iter(|| symbols::workspace_symbols(&base, "t1234", 256))
    });
    group.finish();
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(30);
    targets = benches
}
criterion_main!(engine);
