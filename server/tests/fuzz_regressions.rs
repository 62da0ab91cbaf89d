//! Every input the fuzz targets (`fuzz/`) found a crash, hang or broken
//! invariant with, replayed through the same checks without libFuzzer
//! (`fuzz/harness/`, included here), so that each stays fixed. Fixtures
//! live in `server/tests/fuzz/<target>/`: for `lower`, `config` and
//! `framing` the raw input bytes, for `workspace` a folder holding the
//! files at their workspace paths, for `session` the decoded session as
//! JSON (see `fuzz/README.md` for how a crash becomes a fixture).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../../fuzz/harness/mod.rs"]
mod harness;

fn fixtures(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no fixture in {}", dir.display());
    found
}

/// The files under `dir`, as workspace paths relative to it and bytes.
fn files_under(dir: &Path, base: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, base, out);
        } else {
            let relative = path.strip_prefix(base).unwrap();
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, std::fs::read(&path).unwrap()));
        }
    }
}

#[test]
fn lower_fixtures_replay() {
    for fixture in fixtures("lower") {
        eprintln!("lower: {}", fixture.display());
        harness::lower::check(&std::fs::read(&fixture).unwrap());
    }
}

#[test]
fn framing_fixtures_replay() {
    for fixture in fixtures("framing") {
        eprintln!("framing: {}", fixture.display());
        harness::framing::check(&std::fs::read(&fixture).unwrap());
    }
}

#[test]
fn config_fixtures_replay() {
    for fixture in fixtures("config") {
        eprintln!("config: {}", fixture.display());
        harness::config::check(&std::fs::read(&fixture).unwrap());
    }
}

#[test]
fn workspace_fixtures_replay() {
    let mut actions = 0;
    for fixture in fixtures("workspace") {
        eprintln!("workspace: {}", fixture.display());
        let mut files = Vec::new();
        files_under(&fixture, &fixture, &mut files);
        files.sort();
        actions += harness::workspace::check(&files);
    }
    // The fixtures offer fixes, so the edit checks ran on some.
    assert!(actions > 0, "no code action was checked");
}

#[test]
fn session_fixtures_replay() {
    for fixture in fixtures("session") {
        eprintln!("session: {}", fixture.display());
        let text = std::fs::read_to_string(&fixture).unwrap();
        let session: harness::session::Session = serde_json::from_str(&text).unwrap();
        harness::session::run(&session);
    }
}
