"""pytest-lsp: the built binary over stdio, a real LSP client."""

import asyncio
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import server_binary


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[server_binary()]))
async def client(lsp_client: LanguageClient, workspace: Path):
    capabilities = client_capabilities("visual-studio-code")
    registrations = []

    # VS Code's capabilities allow dynamic registration: accept it, as
    # VS Code does, and keep what was registered.
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        registrations.extend(params.registrations)

    lsp_client.registrations = registrations
    params = types.InitializeParams(
        capabilities=capabilities,
        root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
    )
    lsp_client.workspace_root = workspace
    lsp_client.init_result = await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def wait_for_diagnostics(client: LanguageClient, uri: str, accept=lambda d: True, timeout=20.0):
    """Waits until diagnostics for `uri` satisfy `accept`; returns them."""

    async def wait():
        while True:
            current = client.diagnostics.get(uri)
            if current is not None and accept(current):
                return current
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), timeout)


def codes(diagnostics):
    return sorted(d.code for d in diagnostics)


async def test_closed_file_diagnostics_after_scan(client: LanguageClient):
    root = client.workspace_root
    uri = (root / "threads/sales/beta/2-hypothesis.md").as_uri()
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(diagnostics) == ["assumption-unknown"]
    only = diagnostics[0]
    assert only.source == "leanos"
    assert only.severity == types.DiagnosticSeverity.Error
    assert only.range.start == types.Position(line=2, character=7)
    assert only.range.end == types.Position(line=2, character=9)
    assert "`A9`" in only.message
    assert client.init_result.server_info.name == "leanos-lsp"
    watched = [r for r in client.registrations if r.method == "workspace/didChangeWatchedFiles"]
    assert len(watched) == 1


async def test_edit_fixes_unknown_assumption(client: LanguageClient):
    root = client.workspace_root
    uri = (root / "threads/sales/acme/2-hypothesis.md").as_uri()
    text = "# Stage 2: Hypothesis\n\n🚀 Tests: A8 - not defined\n"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
        )
    )
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(diagnostics) == ["assumption-unknown"]
    # VS Code's capabilities offer UTF-16 only: the rocket is two units.
    assert diagnostics[0].range.start == types.Position(line=2, character=10)

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=2, character=11),
                        end=types.Position(line=2, character=12),
                    ),
                    text="4",
                )
            ],
        )
    )
    await wait_for_diagnostics(client, uri, lambda d: len(d) == 0)


async def test_defining_the_id_on_disk_clears_dependents(client: LanguageClient):
    root = client.workspace_root
    beta = (root / "threads/sales/beta/2-hypothesis.md").as_uri()
    await wait_for_diagnostics(client, beta, lambda d: len(d) > 0)
    canvas = root / "strategy/canvas/10-assumptions.md"
    canvas.write_text(canvas.read_text() + "\n### A9: Referral leads close faster\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=canvas.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await wait_for_diagnostics(client, beta, lambda d: len(d) == 0)
