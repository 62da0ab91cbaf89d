// Extension-host smoke test (not part of `npm test`: it needs a VS Code
// download). Run with `npx @vscode/test-cli` or `npm run test:e2e`; the
// workspace is examples/quillfeather (see .vscode-test.mjs).
import * as assert from "assert";
import * as path from "path";
import * as vscode from "vscode";

const EXTENSION_ID = "leanos.leanos-lsp";

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) {
    return undefined;
  }
  return typeof code === "object" ? String(code.value) : String(code);
}

/** The diagnostics leanos-lsp publishes for `uri`, once there are some. */
async function leanosDiagnostics(uri: vscode.Uri, timeoutMs = 60_000): Promise<vscode.Diagnostic[]> {
  const current = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === "leanos");
  if (current().length > 0) {
    return current();
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`no leanos diagnostics for ${uri.fsPath} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics(() => {
      if (current().length > 0) {
        clearTimeout(timer);
        listener.dispose();
        resolve(current());
      }
    });
  });
}

describe("LeanOS extension on examples/quillfeather", function () {
  this.timeout(90_000);

  const root = () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, "the test runs with examples/quillfeather open");
    return folder.uri;
  };

  it("activates in a LeanOS workspace and registers its commands", async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await extension.activate();
    assert.ok(extension.isActive);
    const commands = await vscode.commands.getCommands(true);
    for (const command of [
      "leanos.restartServer",
      "leanos.showOutput",
      "leanos.spawnFollowUp",
      "leanos.openAssumption",
      "leanos.showLoop",
    ]) {
      assert.ok(commands.includes(command), command);
    }
  });

  it("publishes the server's diagnostics for an opened thread file", async () => {
    const uri = vscode.Uri.joinPath(root(), ...path.posix.join("threads", "sales", "ledgerworks", "2-hypothesis.md").split("/"));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await leanosDiagnostics(uri);
    const unknown = diagnostics.find((d) => codeOf(d) === "assumption-unknown");
    assert.ok(unknown, `assumption-unknown among ${diagnostics.map(codeOf).join(", ")}`);
    assert.strictEqual(unknown.severity, vscode.DiagnosticSeverity.Error);
    assert.match(unknown.message, /A12/);
  });

  it("diagnoses files that are not open (the Canvas)", async () => {
    const uri = vscode.Uri.joinPath(root(), "strategy", "canvas", "10-assumptions.md");
    const codes = (await leanosDiagnostics(uri)).map(codeOf);
    assert.ok(codes.includes("assumption-duplicate"), codes.join(", "));
  });
});
