"""pytest-lsp: a definition asked the moment the client attaches (right
after `initialized` and `didOpen`, while the server's first scan of the
generated workspace of big_workspace.py is still running) lands on the
Canvas entry: the server waits for the scan, never answering null or []."""

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

import big_workspace as b
from conftest import server_binary


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[server_binary()]))
async def client(lsp_client: LanguageClient, big_workspace_root: Path):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        pass

    root = big_workspace_root
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="big")],
    )
    lsp_client.root = root
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def test_definition_the_moment_the_client_attaches(client: LanguageClient):
    path = client.root / b.QUERY_FILE
    document = types.TextDocumentIdentifier(uri=path.as_uri())
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=document.uri, language_id="markdown", version=1, text=path.read_text(encoding="utf-8")
            )
        )
    )
    result = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=document, position=types.Position(line=b.QUERY_LINE, character=b.QUERY_CHARACTER)
        )
    )
    assert result, f"definition answered {result!r} before the first scan was done"
    assert [(link.target_uri, link.target_selection_range.start) for link in result] == [
        (
            (client.root / b.TARGET_FILE).as_uri(),
            types.Position(line=b.TARGET_LINE, character=b.TARGET_CHARACTER),
        )
    ]
