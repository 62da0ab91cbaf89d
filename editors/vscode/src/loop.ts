// "LeanOS: Show Loop": the server's loop page (the `leanos.loop` command)
// in a webview, refreshed when a file is saved; a click on a thread, a
// card or a link in the page opens that file (the page posts `open`
// messages, see server/src/analysis/loop_page.rs).
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { openTarget } from "./links";

let panel: vscode.WebviewPanel | undefined;

async function render(client: LanguageClient, target: vscode.Uri | undefined): Promise<void> {
  if (!panel) {
    return;
  }
  const page = await client.sendRequest<unknown>("workspace/executeCommand", {
    command: "leanos.loop",
    arguments: target ? [target.toString()] : [],
  });
  if (panel && typeof page === "string") {
    panel.webview.html = page;
  }
}

/** Shows (or reveals) the loop page of the active file's root. */
export async function showLoop(
  context: vscode.ExtensionContext,
  client: LanguageClient | undefined,
): Promise<void> {
  if (!client) {
    void vscode.window.showErrorMessage("LeanOS: the server is not running");
    return;
  }
  const target =
    vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (panel) {
    panel.reveal();
  } else {
    panel = vscode.window.createWebviewPanel("leanos.loop", "LeanOS Loop", vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [],
    });
    const saved = vscode.workspace.onDidSaveTextDocument(() => render(client, target));
    const opened = panel.webview.onDidReceiveMessage(async (message: unknown) => {
      const open = openTarget(message);
      if (!open) {
        return;
      }
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(open.file));
      const position = new vscode.Position(open.line - 1, 0);
      await vscode.window.showTextDocument(document, {
        viewColumn: vscode.ViewColumn.One,
        selection: new vscode.Range(position, position),
      });
    });
    panel.onDidDispose(() => {
      saved.dispose();
      opened.dispose();
      panel = undefined;
    });
    context.subscriptions.push(saved, opened);
  }
  try {
    await render(client, target);
  } catch (error) {
    void vscode.window.showErrorMessage(`LeanOS: the loop page failed: ${String(error)}`);
  }
}
