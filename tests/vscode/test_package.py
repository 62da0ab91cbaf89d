"""The .vsix that tests/run.sh packages: the manifest, the minified
bundle, the icon and a server binary, and nothing else (no node_modules, no
sources, no source maps); and `npm run package` (scripts/package.js), which
makes a platform-specific .vsix when a server is bundled and says so, and a
universal one only without a server."""

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import server_binary

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "editors" / "vscode"
VSIX = EXTENSION / "leanos-lsp.vsix"
LEVELS = ["off", "hint", "info", "warning", "error"]


def server_rules() -> list[dict]:
    """Every rule of the server's registry (`rule --all --format json`)."""
    out = subprocess.run([server_binary(), "rule", "--all", "--format", "json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def target_platform(archive: zipfile.ZipFile) -> str | None:
    manifest = archive.read("extension.vsixmanifest").decode()
    match = re.search(r'<Identity [^>]*TargetPlatform="([^"]+)"', manifest)
    return match.group(1) if match else None


def test_vsix_contents():
    assert VSIX.exists(), f"{VSIX} was not packaged (tests/run.sh builds it)"
    with zipfile.ZipFile(VSIX) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("extension/package.json"))
        bundle = archive.read("extension/dist/extension.js")
        target = target_platform(archive)
    assert "extension/dist/extension.js" in names
    servers = [n for n in names if n.startswith("extension/server/") and n.endswith("/leanos-lsp")]
    assert servers, names
    assert not any("node_modules" in n or n.startswith("extension/src/") or n.startswith("extension/out/") for n in names), names
    assert not any(n.endswith(".map") for n in names), names
    assert len(names) <= 10, names
    assert manifest["main"] == "./dist/extension.js"
    assert manifest["engines"]["vscode"].startswith("^1.")
    settings = manifest["contributes"]["configuration"]["properties"]
    for key in ["leanos.server.path", "leanos.rules", "leanos.assumptions.prefixes", "leanos.decisions.approvalThreshold", "leanos.files.ignore", "leanos.trace.server"]:
        assert key in settings, key
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert commands == {"leanos.restartServer", "leanos.showOutput", "leanos.spawnFollowUp", "leanos.openAssumption", "leanos.showLoop"}
    # The languageclient is bundled, not left to node_modules.
    assert b"vscode-languageclient" in bundle or b"LanguageClient" in bundle
    # Minified (vscode:prepublish), without a source map reference.
    assert b"sourceMappingURL" not in bundle
    assert bundle.count(b"\n") < 500, bundle.count(b"\n")
    # A platform-specific .vsix (npm run package) targets the server it holds.
    if target is not None:
        assert servers == [f"extension/server/{target}/leanos-lsp"], (target, servers)


def test_vsix_manifest_conventions():
    with zipfile.ZipFile(VSIX) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("extension/package.json"))
    assert f"extension/{manifest['icon']}" in names
    for command in manifest["contributes"]["commands"]:
        assert command["category"] == "LeanOS" and not command["title"].startswith("LeanOS"), command
    palette = {item["command"]: item["when"] for item in manifest["contributes"]["menus"]["commandPalette"]}
    assert set(palette) == {c["command"] for c in manifest["contributes"]["commands"]}
    assert all("leanos.active" in when for when in palette.values()), palette
    settings = manifest["contributes"]["configuration"]["properties"]
    assert settings["leanos.server.path"]["scope"] == "machine-overridable"
    untrusted = manifest["capabilities"]["untrustedWorkspaces"]
    assert untrusted["supported"] in ("limited", False) and untrusted["description"]
    if untrusted["supported"] == "limited":
        assert "leanos.server.path" in untrusted["restrictedConfigurations"]
    rules = settings["leanos.rules"]
    # One property per code, described by its rule page (`npm run rules`
    # writes them from the server).
    expected = {r["code"]: f"{r['summary']} Default: {r['default_severity']}." for r in server_rules()}
    assert list(rules["properties"]) == list(expected), "run `npm run rules` in editors/vscode"
    for code, schema in rules["properties"].items():
        assert schema["enum"] == LEVELS, code
        assert schema["description"] == expected[code], f"{code}: run `npm run rules` in editors/vscode"
    assert rules["additionalProperties"]["enum"] == LEVELS
    assert "--minify" in manifest["scripts"]["vscode:prepublish"]


@pytest.fixture
def extension_copy(tmp_path):
    """editors/vscode without its build outputs, sharing node_modules."""
    if shutil.which("node") is None or not (EXTENSION / "node_modules" / "@vscode" / "vsce").is_dir():
        pytest.skip("node and editors/vscode/node_modules (npm ci) are needed")
    copy = tmp_path / "vscode"
    shutil.copytree(
        EXTENSION,
        copy,
        ignore=shutil.ignore_patterns("node_modules", "server", "dist", "out", "*.vsix", ".vscode-test"),
    )
    (copy / "node_modules").symlink_to(EXTENSION / "node_modules")
    return copy


def package(copy: Path, out: Path) -> tuple[str, zipfile.ZipFile]:
    run = subprocess.run(
        ["node", "scripts/package.js", "-o", str(out)], cwd=copy, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout, zipfile.ZipFile(out)


def test_npm_run_package_targets_the_bundled_server(extension_copy, tmp_path):
    # Without a server: universal, and it says so.
    stdout, archive = package(extension_copy, tmp_path / "universal.vsix")
    with archive:
        assert "universal" in stdout and "no server" in stdout, stdout
        assert target_platform(archive) is None
        assert not any(n.startswith("extension/server/") for n in archive.namelist())
        assert "extension/dist/extension.js" in archive.namelist()  # built by vscode:prepublish
    # With server/linux-x64/: a linux-x64 .vsix, and it says so.
    (extension_copy / "server" / "linux-x64").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "vscode" / "test_package.py", extension_copy / "server" / "linux-x64" / "leanos-lsp")
    stdout, archive = package(extension_copy, tmp_path / "linux.vsix")
    with archive:
        assert "platform-specific" in stdout and "linux-x64" in stdout, stdout
        assert target_platform(archive) == "linux-x64"
        assert "extension/server/linux-x64/leanos-lsp" in archive.namelist()
    # Two platforms at once are refused.
    (extension_copy / "server" / "darwin-arm64").mkdir()
    (extension_copy / "server" / "darwin-arm64" / "leanos-lsp").write_bytes(b"")
    run = subprocess.run(["node", "scripts/package.js"], cwd=extension_copy, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and "more than one platform" in run.stderr, run.stdout + run.stderr
