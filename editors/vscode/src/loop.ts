// "LeanOS: Show Loop": the server's loop page (the `leanos.loop` command)
// in a webview, refreshed when a file is saved; a click on a thread, a
// card or a link in the page opens that file (the page posts `open`
// messages, see server/src/analysis/loop_page.rs).
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { openTarget, pageRoot } from "./links";

/** The panel, and what it shows: the client and document it asked last. */
let panel: vscode.WebviewPanel | undefined;
let current:
  | { client: () => LanguageClient | undefined; target: vscode.Uri | undefined; root?: string }
  | undefined;

/** Asks the server for the page of the current target and shows it. */
async function render(): Promise<void> {
  const shown = current;
  // The running client (a restarted server has a new one).
  const client = shown?.client();
  if (!panel || !shown || !client) {
    return;
  }
  try {
    const page = await client.sendRequest<unknown>("workspace/executeCommand", {
      command: "leanos.loop",
      arguments: shown.target ? [shown.target.toString()] : [],
    });
    if (panel && current === shown && typeof page === "string") {
      shown.root = pageRoot(page);
      panel.webview.html = page;
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`LeanOS: the loop page failed: ${String(error)}`);
  }
}

/** Shows (or reveals and refreshes) the loop page of the active file's root. */
export async function showLoop(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): Promise<void> {
  if (!client()) {
    void vscode.window.showErrorMessage("LeanOS: the server is not running");
    return;
  }
  current = {
    client,
    target: vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri,
  };
  if (panel) {
    panel.reveal();
  } else {
    panel = vscode.window.createWebviewPanel("leanos.loop", "LeanOS Loop", vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [],
    });
    const saved = vscode.workspace.onDidSaveTextDocument(() => render());
    const opened = panel.webview.onDidReceiveMessage(async (message: unknown) => {
      const open = openTarget(message, current?.root);
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
      current = undefined;
    });
    context.subscriptions.push(saved, opened);
  }
  await render();
}
