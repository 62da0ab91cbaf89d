// Extension-host tests (@vscode/test-cli): `npx @vscode/test-cli` or
// `npm run test:e2e`. They download VS Code into .vscode-test/, so CI
// (tests/run.sh) does not run them; `npm test` runs only the unit tests.
// Loading this file compiles e2e/ to out/e2e/ and builds dist/extension.js,
// so the command alone is enough. The server is the bundled one
// (server/<platform>-<arch>/), else target/release or target/debug of the
// repository, else leanos-lsp on PATH.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@vscode/test-cli";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

execFileSync(npm, ["run", "--silent", "build:e2e"], { cwd: here, stdio: "inherit", shell: process.platform === "win32" });

export default defineConfig({
  label: "smoke",
  files: "out/e2e/**/*.test.js",
  workspaceFolder: path.join(repo, "examples", "quillfeather"),
  launchArgs: ["--disable-extensions", "--disable-workspace-trust"],
  env: {
    PATH: [path.join(repo, "target", "release"), path.join(repo, "target", "debug"), process.env.PATH ?? ""].join(path.delimiter),
  },
  mocha: { ui: "bdd", timeout: 90_000 },
});
