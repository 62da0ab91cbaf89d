// The LeanOS extension: starts leanos-lsp (found by setting, bundled
// binary, then PATH), passes the `leanos.*` settings, shows indexing and
// counts in the status bar, and adds LeanOS commands.
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { findServer, README_URL } from "./discovery";
import { showLoop } from "./loop";
import { statusText, toServerSettings } from "./settings";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
let status: vscode.StatusBarItem | undefined;

function isExecutable(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function settings() {
  return toServerSettings(vscode.workspace.getConfiguration("leanos"));
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const found = findServer({
    setting: vscode.workspace.getConfiguration("leanos").get<string>("server.path") ?? "",
    extensionPath: context.extensionPath,
    platform: process.platform,
    arch: process.arch,
    pathDirs: (process.env.PATH ?? "").split(path.delimiter),
    exists: isExecutable,
  });
  if ("error" in found) {
    const open = "Open README";
    void vscode.window.showErrorMessage(found.error, open).then((choice) => {
      if (choice === open) {
        void vscode.env.openExternal(vscode.Uri.parse(README_URL));
      }
    });
    status!.text = "$(error) LeanOS: server not found";
    return;
  }
  output!.info(`leanos-lsp: ${found.path} (${found.source})`);
  const serverOptions: ServerOptions = {
    command: found.path,
    args: ["serve"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "file", pattern: "**/meta.json" },
      { scheme: "file", pattern: "**/metadata.yaml" },
    ],
    outputChannel: output,
    initializationOptions: { settings: settings() },
    // Setting changes reach the server, which asks for the section again.
    synchronize: { configurationSection: "leanos" },
    middleware: {
      workspace: {
        // The server asks for the `leanos` section: answer in its shape.
        configuration: (params, token, next) => {
          const items = params.items.map((item) => (item.section === "leanos" ? settings() : null));
          return items.every((item) => item !== null) ? items : next(params, token);
        },
      },
      // Code lenses run `leanos.showReferences` with [uri, position,
      // locations]: open VS Code's references view.
      executeCommand: async (command, args, next) => {
        if (command === "leanos.showReferences" && client) {
          const [uri, position, locations] = args as [string, unknown, unknown[]];
          const converter = client.protocol2CodeConverter;
          return vscode.commands.executeCommand(
            "editor.action.showReferences",
            vscode.Uri.parse(uri),
            converter.asPosition(position as never),
            await Promise.all(locations.map((l) => converter.asLocation(l as never))),
          );
        }
        return next(command, args);
      },
    },
  };
  client = new LanguageClient("leanos", "LeanOS", serverOptions, clientOptions);
  client.onNotification("leanos/status", (params: { state: string; files?: number; threads?: number; problems?: number }) => {
    status!.text = statusText(params);
  });
  status!.text = "$(sync~spin) LeanOS: starting";
  await client.start();
}

async function stop(): Promise<void> {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // Shows the LeanOS commands in the Command Palette (package.json menus).
  void vscode.commands.executeCommand("setContext", "leanos.active", true);
  output = vscode.window.createOutputChannel("LeanOS", { log: true });
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.command = "leanos.showOutput";
  status.show();
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand("leanos.restartServer", async () => {
      await stop();
      await start(context);
    }),
    vscode.commands.registerCommand("leanos.showOutput", () => output?.show()),
    vscode.commands.registerCommand("leanos.spawnFollowUp", () =>
      vscode.commands.executeCommand("editor.action.codeAction", { kind: "refactor.leanos.spawn" }),
    ),
    vscode.commands.registerCommand("leanos.openAssumption", () =>
      vscode.commands.executeCommand("editor.action.revealDefinition"),
    ),
    vscode.commands.registerCommand("leanos.showLoop", () => showLoop(context, () => client)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("leanos.server.path")) {
        await stop();
        await start(context);
      }
    }),
    // leanos.server.path from the workspace settings applies once the
    // workspace is trusted (package.json restrictedConfigurations).
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      const setting = vscode.workspace.getConfiguration("leanos").inspect<string>("server.path");
      if (setting?.workspaceValue !== undefined || setting?.workspaceFolderValue !== undefined) {
        await stop();
        await start(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  void vscode.commands.executeCommand("setContext", "leanos.active", false);
  await stop();
}
