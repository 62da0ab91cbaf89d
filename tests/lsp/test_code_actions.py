"""pytest-lsp: request a quick fix at a diagnostic, apply its workspace
edit as an editor would (create the file, insert its text), and see the
diagnostic cleared."""

import asyncio
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import server_binary
from test_diagnostics import wait_for_diagnostics


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[server_binary()]))
async def client(lsp_client: LanguageClient, workspace: Path):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        pass

    lsp_client.root = workspace
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


def apply_document_changes(edit: types.WorkspaceEdit) -> list[Path]:
    """Applies creates and edits of new or existing files; returns the files touched."""
    touched = []
    for change in edit.document_changes:
        if isinstance(change, types.CreateFile):
            path = Path(change.uri.removeprefix("file://"))
            assert not path.exists(), f"{path} must not be overwritten"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
            touched.append(path)
        elif isinstance(change, types.TextDocumentEdit):
            path = Path(change.text_document.uri.removeprefix("file://"))
            lines = path.read_text().split("\n")
            # Apply from the end so earlier positions stay valid (ASCII text).
            for text_edit in sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
                start, end = text_edit.range.start, text_edit.range.end
                text = "\n".join(lines)
                offsets = [0]
                for line in lines:
                    offsets.append(offsets[-1] + len(line) + 1)
                a = offsets[start.line] + start.character
                b = offsets[end.line] + end.character
                text = text[:a] + text_edit.new_text + text[b:]
                lines = text.split("\n")
            path.write_text("\n".join(lines))
            touched.append(path)
    return touched


async def test_quick_fix_creates_the_missing_stage(client: LanguageClient):
    root = client.root
    await wait_for_diagnostics(client, (root / "threads/sales/beta/2-hypothesis.md").as_uri(), lambda d: len(d) > 0)
    implication = root / "threads/ops/delta/3-implication.md"
    implication.parent.mkdir(parents=True)
    implication.write_text("# Stage 3: Implication\n\nSavings of two hours a week.\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=implication.as_uri(), type=types.FileChangeType.Created)])
    )
    uri = implication.as_uri()
    diagnostics = await wait_for_diagnostics(client, uri, lambda d: len(d) == 2)
    assert sorted(d.message for d in diagnostics) == [
        "stage 1 (`1-input.md`) is missing: `3-implication.md` comes after it",
        "stage 2 (`2-hypothesis.md`) is missing: `3-implication.md` comes after it",
    ]
    missing_input = next(d for d in diagnostics if "stage 1" in d.message)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=missing_input.range,
            context=types.CodeActionContext(diagnostics=[missing_input], only=[types.CodeActionKind.QuickFix]),
        )
    )
    action = next(a for a in actions if a.title == "Create 1-input.md from its template")
    assert action.diagnostics and action.diagnostics[0].message == missing_input.message
    touched = apply_document_changes(action.edit)
    created = root / "threads/ops/delta/1-input.md"
    assert touched == [created, created]
    assert created.read_text().startswith("# Stage 1: Input\n\n**Thread:** delta\n**Type:** ops\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=created.as_uri(), type=types.FileChangeType.Created)])
    )
    remaining = await wait_for_diagnostics(client, uri, lambda d: len(d) == 1)
    assert "stage 2" in remaining[0].message


async def test_spawn_offers_a_preferred_thread_type(client: LanguageClient):
    root = client.root
    await wait_for_diagnostics(client, (root / "threads/sales/beta/2-hypothesis.md").as_uri(), lambda d: len(d) > 0)
    uri = (root / "threads/sales/acme/1-input.md").as_uri()
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=2, character=0), end=types.Position(line=2, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Refactor]),
        )
    )
    titles = [a.title for a in actions]
    assert len(titles) == 4 and all(t.startswith("Spawn") for t in titles), titles
    spawn = next(a for a in actions if "sales thread" in a.title)
    touched = apply_document_changes(spawn.edit)
    meta = next(p for p in touched if p.name == "meta.json")
    assert '"parent_thread": "sales/acme"' in meta.read_text()
    assert "→ spawned: threads/sales/" in (root / "threads/sales/acme/1-input.md").read_text()
