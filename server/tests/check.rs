//! `leanos-lsp check` end to end: the built binary on the real LeanOS files
//! of `../shared/corpus/lean-os/` (read in place), on the bundled example,
//! and on hostile input.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A tree of `../shared/corpus/lean-os/`, or `None`, after saying why the
/// test is skipped, when the shared folder is not beside the repository (a
/// clone of the repository alone still gets a green `cargo test`).
fn corpus(tree: &str) -> Option<PathBuf> {
    let lean_os = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/lean-os");
    if !lean_os.is_dir() {
        let _ = writeln!(
            std::io::stderr(),
            "skipping a check of ../shared/corpus/lean-os/{tree}: ../shared/corpus is absent (clone the shared folder beside the repository to run it)"
        );
        return None;
    }
    Some(lean_os.join(tree))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn check(args: &[&str], root: &Path) -> Run {
    let root = root.to_str().unwrap();
    leanos(&[&["check", root], args].concat())
}

fn json(root: &Path) -> Vec<Value> {
    let run = check(&["--format", "json"], root);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    serde_json::from_str::<Vec<Value>>(&run.stdout).unwrap()
}

fn find<'a>(items: &'a [Value], path: &str, code: &str) -> Vec<&'a Value> {
    items
        .iter()
        .filter(|d| d["path"] == path && d["code"] == code)
        .collect()
}

#[test]
fn every_corpus_tree_is_checked_without_a_crash() {
    let Some(root) = corpus("") else { return };
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // Every tree as its own root: some (odd bytes, worked examples)
            // are loose files, not LeanOS workspaces.
            let run = check(&["--root", path.to_str().unwrap()], &path);
            assert!(
                run.code == 0 || run.code == 1,
                "{}: exit {}\n{}",
                path.display(),
                run.code,
                run.stderr
            );
            let summary = run.stdout.lines().last().unwrap_or("");
            assert!(
                summary.contains(" in ") && summary.contains("errors"),
                "{summary}"
            );
        }
    }
}

#[test]
fn example_thread_reports_a7_and_the_broken_canvas_link() {
    let Some(root) = corpus("2026-01-02-example") else {
        return;
    };
    let items = json(&root);
    let hypothesis = "threads/operations/example/2-hypothesis.md";
    let unknown = find(&items, hypothesis, "assumption-unknown");
    assert_eq!(unknown.len(), 1, "{unknown:#?}");
    assert!(unknown[0]["message"].as_str().unwrap().contains("`A7`"));
    assert_eq!(
        unknown[0]["range"]["start"],
        serde_json::json!({"line": 8, "character": 2})
    );
    assert_eq!(unknown[0]["severity"], "error");
    let broken = find(&items, hypothesis, "link-broken");
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert!(broken[0]["message"]
        .as_str()
        .unwrap()
        .contains("strategy/canvas/10.assumptions.md"));
    // The learning's fenced canvas update counts as a reference too.
    assert_eq!(
        find(
            &items,
            "threads/operations/example/6-learning.md",
            "assumption-unknown"
        )
        .len(),
        1
    );
    // A complete thread with a PROCEED verdict and a canvas update.
    for code in [
        "stage-missing",
        "decision-no-verdict",
        "learning-no-canvas-update",
        "decision-needs-approval",
    ] {
        assert!(items.iter().all(|d| d["code"] != code), "unexpected {code}");
    }
}

#[test]
fn skeleton_has_misnamed_and_empty_stages() {
    let Some(root) = corpus("2025-11-20-skeleton") else {
        return;
    };
    let items = json(&root);
    for kind in ["business", "sales", "marketing"] {
        let misnamed = format!("threads/{kind}/example/2-hypotesis.md");
        assert_eq!(
            find(&items, &misnamed, "stage-misnamed").len(),
            1,
            "{misnamed}"
        );
        for stage in [
            "1-input.md",
            "2-hypotesis.md",
            "3-implication.md",
            "4-decision.md",
            "6-learning.md",
            "5-actions/strategy.md",
        ] {
            let path = format!("threads/{kind}/example/{stage}");
            assert_eq!(find(&items, &path, "stage-empty").len(), 1, "{path}");
        }
    }
    assert!(items.iter().all(|d| d["code"] != "stage-missing"));
}

#[test]
fn indexed_tree_zero_byte_meta_json_is_a_warning() {
    let Some(root) = corpus("2026-02-01-indexed") else {
        return;
    };
    let items = json(&root);
    for kind in ["engineering", "operations"] {
        let path = format!("threads/{kind}/example/meta.json");
        let found = find(&items, &path, "meta-invalid");
        assert_eq!(found.len(), 1, "{path}");
        assert_eq!(found[0]["severity"], "warning");
    }
}

/// The odd-bytes corpus file in a workspace that diagnoses every file (the
/// corpus folder itself is no LeanOS root), or `None` without the corpus.
fn odd_bytes_workspace() -> Option<tempfile::TempDir> {
    let source = corpus("odd-bytes")?.join("sales-marketing-loop.cp1252.md");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "leanos.toml", b"[files]\ninclude = [\"**\"]\n");
    std::fs::copy(source, dir.path().join("sales-marketing-loop.cp1252.md")).unwrap();
    Some(dir)
}

#[test]
fn odd_bytes_is_file_encoding_not_a_crash() {
    let Some(dir) = odd_bytes_workspace() else {
        return;
    };
    let items = json(dir.path());
    let found = find(&items, "sales-marketing-loop.cp1252.md", "file-encoding");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["severity"], "info");
}

#[test]
fn human_format_exit_codes_and_deny() {
    let Some(root) = corpus("2026-01-02-example") else {
        return;
    };
    let run = check(&[], &root);
    assert_eq!(run.code, 1, "errors present");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.contains(&"threads/operations/example/2-hypothesis.md:9:3: error[assumption-unknown]: assumption `A7` is not defined: the workspace has no assumptions section (`strategy/canvas/10-assumptions.md`)"), "{}", run.stdout);
    // Sorted by path, then position.
    let paths: Vec<&str> = lines[..lines.len() - 1]
        .iter()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    let summary = lines.last().unwrap();
    assert!(
        summary.starts_with("7 errors, ") && summary.ends_with(" checked)"),
        "{summary}"
    );
    // The wording is fixed, even for one: `N errors, N warnings, N infos in N files`.
    let Some(odd_bytes) = odd_bytes_workspace() else {
        return;
    };
    let odd = check(&[], odd_bytes.path());
    let words: Vec<&str> = odd.stdout.lines().last().unwrap().split(' ').collect();
    assert_eq!(
        [words[1], words[3], words[5], words[6], words[8]],
        ["errors,", "warnings,", "infos", "in", "files"],
        "{}",
        odd.stdout
    );
    assert_eq!(words[7], "1", "one file has diagnostics");

    let Some(skeleton) = corpus("2025-11-20-skeleton") else {
        return;
    };
    assert_eq!(check(&[], &skeleton).code, 0, "only warnings and infos");
    assert_eq!(check(&["--deny", "warning"], &skeleton).code, 1);
    assert_eq!(check(&["--deny", "nonsense"], &skeleton).code, 2);
    assert_eq!(check(&[], Path::new("/definitely/not/here")).code, 2);
}

#[test]
fn sarif_is_2_1_0_with_rules_and_regions() {
    let Some(root) = corpus("2026-01-02-example") else {
        return;
    };
    let run = check(&["--format", "sarif"], &root);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let sarif_run = &log["runs"][0];
    assert_eq!(sarif_run["tool"]["driver"]["name"], "leanos-lsp");
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = sarif_run["results"].as_array().unwrap();
    let a7 = results
        .iter()
        .find(|r| {
            r["ruleId"] == "assumption-unknown"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "threads/operations/example/2-hypothesis.md"
        })
        .unwrap();
    assert_eq!(a7["level"], "error");
    assert_eq!(
        a7["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );
    assert_eq!(
        a7["locations"][0]["physicalLocation"]["region"]["startColumn"],
        3
    );
    let index = a7["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "assumption-unknown");
}

#[test]
fn bundled_example_shows_most_codes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quillfeather");
    let items = json(&root);
    let mut codes: Vec<&str> = items.iter().map(|d| d["code"].as_str().unwrap()).collect();
    codes.sort();
    codes.dedup();
    for code in [
        "assumption-unknown",
        "assumption-duplicate",
        "assumption-untested",
        "link-broken",
        "goal-unknown",
        "stage-missing",
        "stage-misnamed",
        "stage-legacy",
        "stage-empty",
        "stage-heading",
        "hypothesis-no-assumption",
        "decision-no-verdict",
        "decision-needs-approval",
        "learning-no-canvas-update",
        "meta-invalid",
        "meta-mismatch",
        "attribution-missing",
        "attribution-broken",
        "learning-not-applied",
        "solution-missing-feature",
        "solution-stale-entry",
    ] {
        assert!(
            codes.contains(&code),
            "the example shows no {code}: {codes:?}"
        );
    }
}

fn write(root: &Path, path: &str, bytes: &[u8]) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
}

#[test]
fn hostile_input_gives_diagnostics_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "threads/sales/a/1-input.md",
        b"---\nsource: [unclosed\n---\n# Stage 1: Input\n\xff\xfe bad bytes \x93quote\x94\n",
    );
    write(
        root,
        "threads/sales/a/meta.json",
        b"{\"type\": \"sales\", \"stage\": }",
    );
    write(root, "threads/sales/b/meta.json", b"");
    write(
        root,
        "threads/sales/b/2-hypothesis.md",
        b"Tests: A1\n[escape](../../../../etc/passwd)\n",
    );
    write(root, "leanos.toml", b"[rules\nlink-broken = ");
    let mut big = b"# Big\n".to_vec();
    big.resize(5 * 1024 * 1024, b'a');
    write(root, "threads/big.md", &big);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("loop"), root.join("loop")).unwrap();
        std::fs::create_dir_all(root.join("threads/sales/c")).unwrap();
        std::os::unix::fs::symlink(root.join("threads"), root.join("threads/sales/c/cycle"))
            .unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("threads/sales/c/passwd.md")).unwrap();
    }
    let items = json(root);
    let has = |path: &str, code: &str| !find(&items, path, code).is_empty();
    assert!(
        has("threads/sales/a/1-input.md", "meta-invalid"),
        "{items:#?}"
    );
    assert!(has("threads/sales/a/1-input.md", "file-encoding"));
    assert!(has("threads/sales/a/meta.json", "meta-invalid"));
    assert!(has("threads/sales/b/meta.json", "meta-invalid"));
    assert!(has("threads/sales/b/2-hypothesis.md", "link-broken"));
    assert!(has("leanos.toml", "config-invalid"));
    assert!(has("threads/big.md", "file-too-large"));
    // Nothing behind a symlink was read: no diagnostics there.
    assert!(items
        .iter()
        .all(|d| !d["path"].as_str().unwrap().contains("cycle")));
    assert!(items
        .iter()
        .all(|d| d["path"] != "threads/sales/c/passwd.md"));
    let escape = find(&items, "threads/sales/b/2-hypothesis.md", "link-broken");
    assert!(escape[0]["message"]
        .as_str()
        .unwrap()
        .contains("outside the workspace root"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn snapshot_dir(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((
                    path.strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(&path).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fix_dry_run_changes_nothing_and_fix_applies_unambiguous_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quillfeather"),
        &root,
    );
    let before = snapshot_dir(&root);

    let dry = check(&["--fix", "--dry-run"], &root);
    assert_eq!(dry.code, 1, "something to fix");
    assert!(dry.stdout.contains("--- a/threads/marketing/cpa-newsletter/meta.json\n+++ b/threads/marketing/cpa-newsletter/meta.json\n"), "{}", dry.stdout);
    assert!(
        dry.stdout
            .contains("-  \"type\": \"sales\",\n+  \"type\": \"marketing\",\n"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("+++ b/threads/sales/tallyhouse/2-hypothesis.md"),
        "{}",
        dry.stdout
    );
    assert_eq!(snapshot_dir(&root), before, "--dry-run wrote nothing");

    let fixed = check(&["--fix"], &root);
    // What was fixed goes to stderr, naming the files written.
    assert!(
        fixed.stderr.contains(
            "fixed threads/sales/tallyhouse/2-hypotesis.md → threads/sales/tallyhouse/2-hypothesis.md: Rename to 2-hypothesis.md"
        ),
        "{}",
        fixed.stderr
    );
    assert!(
        fixed
            .stderr
            .contains("fixed strategy/canvas/09-solution.md: Add `"),
        "{}",
        fixed.stderr
    );
    assert!(!fixed.stdout.contains("fixed "), "{}", fixed.stdout);
    assert!(root
        .join("threads/sales/tallyhouse/2-hypothesis.md")
        .exists());
    assert!(!root
        .join("threads/sales/tallyhouse/2-hypotesis.md")
        .exists());
    // A stage template is placeholders to fill: offered, never applied.
    assert!(!root
        .join("threads/sales/ledgerworks/3-implication.md")
        .exists());
    let after = json(&root);
    assert!(after.iter().any(|d| d["code"] == "stage-missing"));
    for code in [
        "stage-misnamed",
        "stage-heading",
        "meta-mismatch",
        "solution-missing-feature",
    ] {
        assert!(
            after.iter().all(|d| d["code"] != code),
            "{code} left after --fix"
        );
    }
    // A second run has nothing left to do.
    assert!(check(&["--fix", "--dry-run"], &root)
        .stdout
        .ends_with("0 fixes would change 0 files\n"));
}

/// A copy of the bundled example in a fresh folder (`ws` inside it),
/// which has a `solution-missing-feature` to fix and a misnamed stage to
/// rename.
fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quillfeather"),
        &root,
    );
    (dir, root)
}

const SOLUTION: &str = "strategy/canvas/09-solution.md";

#[test]
fn fix_never_edits_a_file_over_the_size_cap() {
    let (_dir, root) = example_copy();
    let mut bytes = std::fs::read(root.join(SOLUTION)).unwrap();
    while bytes.len() < 5_400_000 {
        bytes.extend_from_slice(b"Padding notes that make the Canvas section large.\n");
    }
    write(&root, SOLUTION, &bytes);
    let fixed = check(&["--fix"], &root);
    assert_eq!(
        std::fs::read(root.join(SOLUTION)).unwrap(),
        bytes,
        "the file over the cap is untouched"
    );
    assert!(
        fixed.stderr.contains("09-solution.md is not edited")
            && fixed.stderr.contains("over the size cap"),
        "{}",
        fixed.stderr
    );
    // The other fixes still apply.
    assert!(root
        .join("threads/sales/tallyhouse/2-hypothesis.md")
        .exists());
}

#[test]
fn fix_never_rewrites_bytes_that_are_not_utf8() {
    let (_dir, root) = example_copy();
    let mut bytes = std::fs::read(root.join(SOLUTION)).unwrap();
    bytes.extend_from_slice(b"\nCaf\xe9 notes \xff\n");
    write(&root, SOLUTION, &bytes);
    let dry = check(&["--fix", "--dry-run"], &root);
    assert!(!dry.stdout.contains(SOLUTION), "{}", dry.stdout);
    let fixed = check(&["--fix"], &root);
    assert_eq!(std::fs::read(root.join(SOLUTION)).unwrap(), bytes);
    assert!(fixed.stderr.contains("not valid UTF-8"), "{}", fixed.stderr);
}

#[cfg(unix)]
#[test]
fn fix_never_writes_through_a_dangling_symlink() {
    let (dir, root) = example_copy();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let link = root.join("threads/sales/tallyhouse/2-hypothesis.md");
    std::os::unix::fs::symlink(outside.join("pwned.md"), &link).unwrap();
    let fixed = check(&["--fix"], &root);
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "nothing was written outside the root"
    );
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(
        fixed.stderr.contains("2-hypothesis.md already exists"),
        "{}",
        fixed.stderr
    );
}

/// `check` run as an unprivileged user (dropping privileges with
/// `setpriv` when the tests run as root), killed and reported as hung if it
/// has not ended within a minute.
#[cfg(unix)]
fn check_unprivileged(root: &Path, work: &Path) -> Option<Run> {
    use std::os::unix::fs::PermissionsExt;
    let binary = work.join("leanos-lsp");
    std::fs::copy(env!("CARGO_BIN_EXE_leanos-lsp"), &binary).unwrap();
    std::fs::set_permissions(work, std::fs::Permissions::from_mode(0o755)).unwrap();
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut command = if is_root {
        let probe = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .status();
        if !probe.is_ok_and(|s| s.success()) {
            return None;
        }
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        command.arg(&binary);
        command
    } else {
        Command::new(&binary)
    };
    let mut child = command
        .arg("check")
        .arg(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("check hung on an unreadable file");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    Some(Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_skipped_with_a_warning_not_a_hang() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, root) = example_copy();
    let unreadable = root.join("threads/sales/ledgerworks/1-input.md");
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Every other folder and file readable by the unprivileged user.
    Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(&root)
        .status()
        .unwrap();
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    let Some(run) = check_unprivileged(&root, dir.path()) else {
        let _ = writeln!(
            std::io::stderr(),
            "skipping: setpriv cannot drop privileges here"
        );
        return;
    };
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("skipping threads/sales/ledgerworks/1-input.md"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains(" errors, "), "{}", run.stdout);
}

#[test]
fn a_subfolder_or_a_file_is_checked_within_its_root() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quillfeather");
    let all = json(&root);
    let in_sales: Vec<&Value> = all
        .iter()
        .filter(|d| d["path"].as_str().unwrap().starts_with("threads/sales/"))
        .collect();
    assert!(!in_sales.is_empty());
    // `check threads/sales`: the root above it is read, only its files are
    // reported, with the same findings as from the root.
    let sales = json(&root.join("threads/sales"));
    assert_eq!(sales.iter().collect::<Vec<_>>(), in_sales);
    // `check FILE`: that file's findings.
    let file = in_sales[0]["path"].as_str().unwrap();
    let one = json(&root.join(file));
    assert!(!one.is_empty());
    assert!(one.iter().all(|d| d["path"] == file), "{one:#?}");
}

#[test]
fn a_folder_that_is_no_leanos_workspace_is_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes/a.md", b"[gone](./missing.md)\n");
    let run = check(&[], &dir.path().join("notes"));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no LeanOS root"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    // An explicit root (or a leanos.toml) says otherwise; files outside
    // the workspace folders are documentation, not diagnosed.
    let root = dir.path().to_str().unwrap();
    let run = check(&["--root", root], &dir.path().join("notes"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .ends_with("0 errors, 0 warnings, 0 infos in 0 files (0 checked)\n"));
    write(
        dir.path(),
        "leanos.toml",
        b"[files]\ninclude = [\"notes/**\"]\n",
    );
    let run = check(&["--format", "json"], &dir.path().join("notes"));
    assert!(run.stdout.contains("link-broken"), "{}", run.stdout);
}

#[test]
fn hidden_folders_and_gitkeep_folders_exist_for_links() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".claude/skills/x/SKILL.md",
        b"# Skill\n[gone](./nowhere.md)\n",
    );
    write(root, "strategy/goals/active/.gitkeep", b"");
    write(root, ".git/HEAD", b"ref: refs/heads/main\n");
    write(
        root,
        "threads/sales/x/1-input.md",
        b"# Stage 1: Input\n\nSkill: `.claude/skills/x/SKILL.md`\nGoals live in `strategy/goals/active/`.\nGone: `strategy/goals/paused/`\n",
    );
    let items = json(root);
    let broken: Vec<&str> = items
        .iter()
        .filter(|d| d["code"] == "link-broken")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    // Only the folder that does not exist; nothing in the hidden skill
    // (documentation) is diagnosed.
    assert_eq!(broken.len(), 1, "{items:#?}");
    assert!(broken[0].contains("strategy/goals/paused/"), "{broken:?}");
    assert!(items
        .iter()
        .all(|d| !d["path"].as_str().unwrap().starts_with('.')));
}

#[test]
fn select_ignore_exit_zero_several_paths_and_full_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quillfeather");
    let all = json(&root);
    let count = |items: &[Value], code: &str| items.iter().filter(|d| d["code"] == code).count();
    // --select and --ignore, as ruff has them.
    let only = check(
        &["--format", "json", "--select", "link-broken,stage-empty"],
        &root,
    );
    let only: Vec<Value> = serde_json::from_str(&only.stdout).unwrap();
    assert!(only
        .iter()
        .all(|d| d["code"] == "link-broken" || d["code"] == "stage-empty"));
    assert_eq!(
        only.len(),
        count(&all, "link-broken") + count(&all, "stage-empty")
    );
    let without = check(&["--format", "json", "--ignore", "link-broken"], &root);
    let without: Vec<Value> = serde_json::from_str(&without.stdout).unwrap();
    assert_eq!(without.len(), all.len() - count(&all, "link-broken"));
    assert_eq!(check(&["--select", "no-such-code"], &root).code, 2);
    // --exit-zero: errors found, exit 0.
    assert_eq!(check(&[], &root).code, 1);
    assert_eq!(check(&["--exit-zero"], &root).code, 0);
    // Several paths in one root.
    let two = check(
        &[
            "--format",
            "json",
            root.join("threads/sales").to_str().unwrap(),
        ],
        &root.join("strategy"),
    );
    let two: Vec<Value> = serde_json::from_str(&two.stdout).unwrap();
    let expected = all
        .iter()
        .filter(|d| {
            let path = d["path"].as_str().unwrap();
            path.starts_with("strategy/") || path.starts_with("threads/sales/")
        })
        .count();
    assert_eq!(two.len(), expected);
    // Full output: the line and a caret under the range.
    let full = check(&["--output-format", "full"], &root);
    assert!(
        full.stdout.contains("error[assumption-unknown]"),
        "{}",
        full.stdout
    );
    assert!(full.stdout.contains("^"), "{}", full.stdout);
    assert!(full.stdout.contains("threads/"), "{}", full.stdout);
}

#[test]
fn machine_formats_stay_valid_with_fix_and_help_lists_exit_codes() {
    let (_dir, root) = example_copy();
    let dry = check(&["--fix", "--dry-run", "--format", "sarif"], &root);
    assert_eq!(dry.code, 1, "something to fix");
    let sarif: Value = serde_json::from_str(&dry.stdout).expect("SARIF on stdout");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        dry.stderr.contains("+++ b/"),
        "the diff on stderr: {}",
        dry.stderr
    );
    let fixed = check(&["--fix", "--format", "json"], &root);
    let items: Vec<Value> = serde_json::from_str(&fixed.stdout).expect("JSON on stdout");
    assert!(!items.is_empty());
    assert!(fixed.stderr.contains("fixed "), "{}", fixed.stderr);
    let help = Command::new(env!("CARGO_BIN_EXE_leanos-lsp"))
        .args(["check", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("Exit status: 0 when nothing"), "{help}");
}

#[test]
fn sarif_rules_carry_their_pages_and_a_help_uri_only_when_published() {
    let (_dir, root) = example_copy();
    let rules = |run: Run| -> Vec<Value> {
        let log: Value = serde_json::from_str(&run.stdout).unwrap();
        log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .clone()
    };
    let unpublished = rules(check(&["--format", "sarif"], &root));
    assert_eq!(unpublished.len(), leanos_lsp::rules::RULES.len());
    for rule in &unpublished {
        let id = rule["id"].as_str().unwrap();
        for key in ["fullDescription", "help"] {
            for form in ["text", "markdown"] {
                assert!(
                    rule[key][form].as_str().is_some_and(|t| t.len() > 40),
                    "{id}: {key}.{form}"
                );
            }
        }
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .starts_with(&format!("# {id}\n")));
        assert!(rule.get("helpUri").is_none(), "{id}: {rule}");
    }
    std::fs::write(
        root.join("leanos.toml"),
        "[documentation]\nurl = \"https://docs.example.org/rules/{code}.html\"\n",
    )
    .unwrap();
    let published = rules(check(&["--format", "sarif"], &root));
    assert_eq!(
        published[0]["helpUri"],
        format!(
            "https://docs.example.org/rules/{}.html",
            published[0]["id"].as_str().unwrap()
        )
    );
}

fn leanos(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_leanos-lsp"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn rule_prints_a_page_every_page_or_json_and_refuses_unknown_codes() {
    let one = leanos(&["rule", "stage-missing"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stdout.starts_with("# stage-missing\n"));
    assert!(one.stdout.contains("\n## Example\n"));
    let all = leanos(&["rule", "--all", "--format", "json"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let pages: Vec<Value> = serde_json::from_str(&all.stdout).unwrap();
    let codes: Vec<&str> = pages.iter().map(|p| p["code"].as_str().unwrap()).collect();
    let registry: Vec<&str> = leanos_lsp::rules::RULES.iter().map(|r| r.code).collect();
    assert_eq!(codes, registry);
    let unknown = leanos(&["rule", "stage-mising"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stdout.is_empty());
    assert!(
        unknown.stderr.contains("did you mean `stage-missing`?"),
        "{}",
        unknown.stderr
    );
    // Neither a code nor --all is a usage error.
    assert_eq!(leanos(&["rule"]).code, 2);
    let help = leanos(&["rule", "--help"]);
    assert!(help.stdout.contains("Exit status"), "{}", help.stdout);
}

#[test]
fn an_unknown_code_in_select_or_leanos_toml_suggests_the_closest() {
    let (_dir, root) = example_copy();
    let run = check(&["--select", "link-brokn"], &root);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `link-broken`?"),
        "{}",
        run.stderr
    );
    std::fs::write(
        root.join("leanos.toml"),
        "[rules]\nstage-mising = \"off\"\n",
    )
    .unwrap();
    let findings = json(&root);
    let config = find(&findings, "leanos.toml", "config-invalid");
    assert_eq!(config.len(), 1, "{findings:?}");
    assert!(config[0]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `stage-missing`?"));
}
