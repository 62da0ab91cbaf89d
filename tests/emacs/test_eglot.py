"""GNU Emacs with eglot as a real client of the built server.

Each test runs `emacs --batch -Q` with eglot-driver.el (one scenario per
run, see its header) and judges the `RESULT: <json>` line it prints:
diagnostics reach Flymake, a definition asked the moment eglot connects to
the generated workspace lands on the Canvas entry, hover honours eglot's
plaintext-only hover, completion after `Tests: ` offers the IDs, rename
edits every citing file, and eglot-shutdown ends the server cleanly.
Skipped when `emacs` is not installed (.ci/run installs emacs-nox and
elpa-eglot)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import big_workspace
from conftest import server_binary

HERE = Path(__file__).resolve().parent
EMACS = shutil.which("emacs")

pytestmark = pytest.mark.skipif(
    EMACS is None, reason="emacs is not installed (Debian: apt-get install emacs-nox elpa-eglot)"
)


def eglot(scenario: str, root: Path, path: str, line: int = 1, column: int = 0) -> dict:
    """Runs the driver's `scenario` on `path` of `root`, point at `line`
    (1-based) and `column` (0-based); returns its result."""
    command = [EMACS, "--batch", "-Q", "-l", str(HERE / "eglot-driver.el"), scenario,
               server_binary(), str(root), path, str(line), str(column)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT: ")]
    assert lines, f"no result (exit {done.returncode})\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    result = json.loads(lines[-1].removeprefix("RESULT: "))
    assert "error" not in result and done.returncode == 0, f"{result}\nstderr:\n{done.stderr}"
    return result


def test_diagnostics_reach_flymake(workspace: Path):
    result = eglot("diagnostics", workspace, "threads/sales/beta/2-hypothesis.md")
    assert [(d["line"], "[assumption-unknown]" in d["text"]) for d in result["diagnostics"]] == [(3, True)], result


def test_definition_the_moment_eglot_connects(big_workspace_root: Path):
    b = big_workspace
    result = eglot("definition", big_workspace_root, b.QUERY_FILE, b.QUERY_LINE + 1, b.QUERY_CHARACTER)
    target = {"file": b.TARGET_FILE, "line": b.TARGET_LINE + 1, "column": b.TARGET_CHARACTER}
    assert result["definitions"] == [target], result


def test_hover_is_plain_text(workspace: Path):
    result = eglot("hover", workspace, "threads/sales/acme/2-hypothesis.md", 3, 8)
    shown = result["shown"] or ""
    assert "Enterprise buyers prefer white-label" in shown, result
    # eglot without markdown-mode offers only plaintext hover content.
    assert "**" not in shown and result["kind"] != "markdown", result


def test_completion_after_tests_offers_the_ids(workspace: Path):
    result = eglot("completion", workspace, "threads/sales/beta/1-input.md")
    assert sorted(result["labels"]) == ["A4", "H1"], result


def test_rename_edits_every_citing_file(workspace: Path):
    result = eglot("rename", workspace, "threads/sales/acme/2-hypothesis.md", 3, 8)
    assert result["files"] == [
        "strategy/canvas/10-assumptions.md",
        "threads/sales/acme/2-hypothesis.md",
        "threads/sales/acme/meta.json",
    ], result


def test_eglot_shutdown_ends_the_server(workspace: Path):
    result = eglot("shutdown", workspace, "threads/sales/beta/2-hypothesis.md")
    assert result["diagnostics"] > 0, result
    assert result["shutdown"] == {"answered": True, "live": False, "status": "exit", "code": 0}, result
