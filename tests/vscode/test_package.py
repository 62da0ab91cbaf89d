"""The .vsix that tests/run.sh packages: the manifest, the bundled
extension and a server binary, and nothing else (no node_modules, no
sources)."""

import json
import zipfile
from pathlib import Path

VSIX = Path(__file__).resolve().parents[2] / "editors" / "vscode" / "leanos-lsp.vsix"


def test_vsix_contents():
    assert VSIX.exists(), f"{VSIX} was not packaged (tests/run.sh builds it)"
    with zipfile.ZipFile(VSIX) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("extension/package.json"))
        bundle = archive.read("extension/dist/extension.js")
    assert "extension/dist/extension.js" in names
    assert any(n.startswith("extension/server/") and n.endswith("/leanos-lsp") for n in names), names
    assert not any("node_modules" in n or n.startswith("extension/src/") or n.startswith("extension/out/") for n in names), names
    assert len(names) <= 10, names
    assert manifest["main"] == "./dist/extension.js"
    assert manifest["engines"]["vscode"].startswith("^1.")
    settings = manifest["contributes"]["configuration"]["properties"]
    for key in ["leanos.server.path", "leanos.rules", "leanos.assumptions.prefixes", "leanos.decisions.approvalThreshold", "leanos.files.ignore", "leanos.trace.server"]:
        assert key in settings, key
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert commands == {"leanos.restartServer", "leanos.showOutput", "leanos.spawnFollowUp", "leanos.openAssumption"}
    # The languageclient is bundled, not left to node_modules.
    assert b"vscode-languageclient" in bundle or b"LanguageClient" in bundle
