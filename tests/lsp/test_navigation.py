"""pytest-lsp: navigation through the built binary (definition, references,
completion, rename), on the fixture workspace and on the real LeanOS
example thread of ../shared/corpus/lean-os/2026-01-02-example/."""

import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import HERE, server_binary
from test_diagnostics import wait_for_diagnostics

CORPUS = HERE.parent.parent / "shared" / "corpus" / "lean-os" / "2026-01-02-example"


@pytest.fixture
def root(request, workspace: Path, tmp_path: Path) -> Path:
    if getattr(request, "param", "fixture") == "corpus":
        if not CORPUS.is_dir():
            pytest.skip(
                "../shared/corpus is absent (clone the shared folder beside the repository to run this test)"
            )
        copy = tmp_path / "corpus"
        shutil.copytree(CORPUS, copy)
        return copy.resolve()
    return workspace


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[server_binary()]))
async def client(lsp_client: LanguageClient, root: Path):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        pass

    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
    )
    lsp_client.root = root
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def ready(client: LanguageClient, path: str):
    """Waits for the scan: a file with diagnostics is published."""
    await wait_for_diagnostics(client, (client.root / path).as_uri(), lambda d: len(d) > 0)


def at(client, path, line, character):
    return types.TextDocumentPositionParams(
        text_document=types.TextDocumentIdentifier(uri=(client.root / path).as_uri()),
        position=types.Position(line=line, character=character),
    )


async def test_definition_lands_on_the_entry_line(client: LanguageClient):
    await ready(client, "threads/sales/beta/2-hypothesis.md")
    position = at(client, "threads/sales/acme/2-hypothesis.md", 2, 8)
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=position.text_document, position=position.position)
    )
    assert len(result) == 1
    link = result[0]
    assert link.target_uri == (client.root / "strategy/canvas/10-assumptions.md").as_uri()
    # `### A4: …` is line 2 of the assumptions section.
    assert link.target_selection_range.start == types.Position(line=2, character=4)


async def test_references_list_the_citing_files(client: LanguageClient):
    await ready(client, "threads/sales/beta/2-hypothesis.md")
    position = at(client, "strategy/canvas/10-assumptions.md", 2, 5)
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=position.text_document,
            position=position.position,
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    files = sorted(Path(loc.uri.removeprefix("file://")).relative_to(client.root).as_posix() for loc in result)
    assert files == ["threads/sales/acme/2-hypothesis.md", "threads/sales/acme/meta.json"]


async def test_completion_after_tests_offers_the_ids(client: LanguageClient):
    await ready(client, "threads/sales/beta/2-hypothesis.md")
    uri = (client.root / "threads/sales/beta/1-input.md").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="markdown", version=1, text="# Stage 1: Input\n\nTests: \n"
            )
        )
    )
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=2, character=7),
        )
    )
    items = result.items if hasattr(result, "items") else result
    labels = [item.label for item in items]
    assert labels and set(labels) == {"A4", "H1"}
    a4 = next(item for item in items if item.label == "A4")
    assert "VALIDATED" in a4.detail


async def test_rename_touches_markdown_and_meta_json(client: LanguageClient):
    await ready(client, "threads/sales/beta/2-hypothesis.md")
    position = at(client, "threads/sales/acme/2-hypothesis.md", 2, 8)
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=position.text_document, position=position.position, new_name="A12")
    )
    touched = sorted(
        Path(change.text_document.uri.removeprefix("file://")).relative_to(client.root).as_posix()
        for change in edit.document_changes
    )
    assert touched == [
        "strategy/canvas/10-assumptions.md",
        "threads/sales/acme/2-hypothesis.md",
        "threads/sales/acme/meta.json",
    ]
    assert all(e.new_text == "A12" for change in edit.document_changes for e in change.edits)


@pytest.mark.parametrize("root", ["corpus"], indirect=True)
async def test_real_example_unresolved_a7_has_no_definition(client: LanguageClient, root: Path):
    await ready(client, "threads/operations/example/2-hypothesis.md")
    # `**A7:** AI code assistants…` is line 8 of the real hypothesis.
    position = at(client, "threads/operations/example/2-hypothesis.md", 8, 3)
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=position.text_document, position=position.position)
    )
    assert result is None or result == []
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=position.text_document, position=position.position)
    )
    assert "not defined" in hover.contents.value
