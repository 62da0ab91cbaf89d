"""Shared fixtures for the real-client suites: the server binary, a
fresh copy of the fixture workspace per test (or, with
$LEANOS_FIXTURE_ROOT, that folder itself: a read-only copy made by the
caller), the generated workspace of big_workspace.py (written once per
session; tests only read it), and the command that runs a program over a
read-only copy of a folder (test_read_only.py)."""

import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional

import pytest

import big_workspace

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "workspace"


def server_binary() -> str:
    """The built server: $LEANOS_LSP_BIN or target/release/leanos-lsp."""
    default = HERE.parent / "target" / "release" / "leanos-lsp"
    path = Path(os.environ.get("LEANOS_LSP_BIN", default))
    if not path.exists():
        raise RuntimeError(f"{path} does not exist: run `cargo build --release` first")
    return str(path)


# Mounts a tmpfs at $1 (in the mount namespace `unshare` made, so only the
# program sees it), copies $2 into it, remounts it read-only, checks that
# a write fails, then runs the program. Exit status 97: no read-only copy.
READ_ONLY_SCRIPT = """at="$1"; source="$2"; shift 2
mount -t tmpfs leanos-read-only "$at" || exit 97
cp -R "$source"/. "$at"/ || exit 97
mount -o remount,ro "$at" || exit 97
if touch "$at/.write-probe" 2>/dev/null; then exit 97; fi
exec "$@"
"""


def read_only_command(source: Path, at: Path, program: list) -> Optional[list]:
    """The command that runs `program` with a read-only copy of `source`
    mounted at `at` (an existing empty folder), seen by `program` alone:
    `unshare --mount` as root, else in a user namespace; None when this
    machine allows neither."""
    for variant in (
        ["--mount", "--propagation", "private"],
        ["--user", "--map-root-user", "--mount", "--propagation", "private"],
    ):
        command = ["unshare", *variant, "sh", "-c", READ_ONLY_SCRIPT, "sh", str(at), str(source)]
        try:
            probe = subprocess.run([*command, "true"], capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return [*command, *program]
    return None


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    # A folder the caller made, e.g. a read-only copy of the fixture:
    # `unshare --mount sh -c 'mount -t tmpfs x /mnt/ro && cp -R
    # tests/fixtures/workspace/. /mnt/ro && mount -o remount,ro /mnt/ro &&
    # LEANOS_FIXTURE_ROOT=/mnt/ro pytest lsp/test_diagnostics.py'` (only
    # suites that apply no edit pass on a read-only copy).
    given = os.environ.get("LEANOS_FIXTURE_ROOT")
    if given:
        return Path(given).resolve()
    root = tmp_path / "workspace"
    shutil.copytree(FIXTURE, root)
    return root.resolve()


@pytest.fixture(scope="session")
def big_workspace_root(tmp_path_factory) -> Path:
    return big_workspace.generate(tmp_path_factory.mktemp("big") / "workspace").resolve()
