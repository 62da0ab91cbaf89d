"""pytest-lsp over a read-only copy of the fixture workspace (a tmpfs
remounted read-only in a mount namespace only the server sees): the
server never writes a file. Every quick fix and spawn it offers comes
back as a workspace edit, code lens commands run, and nothing errors.
Skipped where no mount namespace can be made."""

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import FIXTURE, read_only_command, server_binary
from test_diagnostics import wait_for_diagnostics

# Made at import: the server's command names it.
MOUNT = Path(tempfile.mkdtemp(prefix="leanos-read-only-")).resolve()
atexit.register(shutil.rmtree, MOUNT, True)
COMMAND = read_only_command(FIXTURE, MOUNT, [server_binary()])
if COMMAND is None:
    pytest.skip(
        "no mount namespace here (unshare --mount, as root or in a user namespace) to make a read-only copy",
        allow_module_level=True,
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=COMMAND))
async def client(lsp_client: LanguageClient):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        pass

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=MOUNT.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=MOUNT.as_uri(), name="read-only")],
        )
    )
    yield
    await lsp_client.shutdown_session()


def at_line(line: int) -> types.Range:
    return types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0))


async def test_every_fix_and_spawn_is_an_edit_on_a_read_only_copy(client: LanguageClient):
    await wait_for_diagnostics(client, (MOUNT / "threads/sales/beta/2-hypothesis.md").as_uri(), lambda d: len(d) > 0)
    kinds = []
    commands = 0
    for path in sorted(p.relative_to(FIXTURE) for p in FIXTURE.rglob("*.md")):
        uri = (MOUNT / path).as_uri()
        document = types.TextDocumentIdentifier(uri=uri)
        asks = [(d.range, [d]) for d in client.diagnostics.get(uri, [])]
        asks += [(at_line(line), []) for line in (0, 1, 2)]
        for range_, diagnostics in asks:
            actions = await client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=document, range=range_, context=types.CodeActionContext(diagnostics=diagnostics)
                )
            )
            for action in actions or []:
                assert isinstance(action, types.CodeAction), action
                assert action.command is None, action
                assert action.edit is not None and action.edit.document_changes, action
                kinds.append(str(getattr(action.kind, "value", action.kind)))
        for lens in await client.text_document_code_lens_async(types.CodeLensParams(text_document=document)) or []:
            if lens.command is not None:
                await client.workspace_execute_command_async(
                    types.ExecuteCommandParams(command=lens.command.command, arguments=lens.command.arguments)
                )
                commands += 1
    assert any(k.startswith("quickfix") for k in kinds), kinds
    assert any(k.startswith("refactor") for k in kinds), kinds
    errors = [m for m in client.log_messages if m.type == types.MessageType.Error]
    errors += [m for m in client.messages if m.type == types.MessageType.Error]
    assert errors == []
