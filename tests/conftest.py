"""Shared fixtures for the real-client suites: the server binary, a
fresh copy of the fixture workspace per test, and the generated workspace
of big_workspace.py (written once per session; tests only read it)."""

import os
import shutil
from pathlib import Path

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


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    shutil.copytree(FIXTURE, root)
    return root.resolve()


@pytest.fixture(scope="session")
def big_workspace_root(tmp_path_factory) -> Path:
    return big_workspace.generate(tmp_path_factory.mktemp("big") / "workspace").resolve()
