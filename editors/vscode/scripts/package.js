// @ts-check
// `npm run package`: a .vsix for the server bundled in server/<platform>-<arch>/
// (`vsce package --target <platform>-<arch>`), or a universal .vsix when no
// server is bundled (the extension then uses leanos.server.path or PATH).
// It says which it made. More than one bundled server is refused: package
// one platform at a time. Extra arguments go to vsce (`-o` defaults to
// leanos-lsp.vsix). The bundle is built by vsce's `vscode:prepublish`.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

/** The platforms the Marketplace knows, by `process.platform-process.arch`. */
const TARGETS = {
  "win32-x64": "win32-x64",
  "win32-arm64": "win32-arm64",
  "linux-x64": "linux-x64",
  "linux-arm64": "linux-arm64",
  "linux-arm": "linux-armhf",
  "darwin-x64": "darwin-x64",
  "darwin-arm64": "darwin-arm64",
};

/**
 * The vsce target of a server folder name (`linux-x64`, `linux-arm` →
 * `linux-armhf`), or undefined for a platform the Marketplace lacks.
 * @param {string} folder
 * @returns {string | undefined}
 */
function vsceTarget(folder) {
  return Object.prototype.hasOwnProperty.call(TARGETS, folder) ? TARGETS[/** @type {keyof typeof TARGETS} */ (folder)] : undefined;
}

/**
 * What to package, given the folders of server/ that hold a binary.
 * @param {string[]} bundled folder names under server/ with a leanos-lsp binary
 * @returns {{ target: string | undefined, message: string } | { error: string }}
 */
function choosePackage(bundled) {
  if (bundled.length === 0) {
    return {
      target: undefined,
      message:
        "Packaging a universal .vsix: no server is bundled (server/<platform>-<arch>/leanos-lsp), so the extension will use leanos.server.path or leanos-lsp on PATH.",
    };
  }
  if (bundled.length > 1) {
    return {
      error: `server/ bundles more than one platform (${bundled.join(", ")}): keep one server/<platform>-<arch>/ folder per package.`,
    };
  }
  const target = vsceTarget(bundled[0]);
  if (target === undefined) {
    return {
      error: `server/${bundled[0]}/ is not a platform the Marketplace knows (${Object.keys(TARGETS).join(", ")}).`,
    };
  }
  return { target, message: `Packaging a platform-specific .vsix for ${target} with the server in server/${bundled[0]}/.` };
}

/**
 * The folders of `serverDir` that hold a leanos-lsp binary.
 * @param {string} serverDir
 * @returns {string[]}
 */
function bundledServers(serverDir) {
  let entries;
  try {
    entries = fs.readdirSync(serverDir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => {
      const binary = path.join(serverDir, name, name.startsWith("win32-") ? "leanos-lsp.exe" : "leanos-lsp");
      try {
        return fs.statSync(binary).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * The vsce arguments for a target and the user's extra arguments.
 * @param {string | undefined} target
 * @param {string[]} extra
 * @returns {string[]}
 */
function vsceArgs(target, extra) {
  const args = ["package", "--no-dependencies"];
  if (target !== undefined) {
    args.push("--target", target);
  }
  if (!extra.includes("-o") && !extra.includes("--out")) {
    args.push("-o", "leanos-lsp.vsix");
  }
  return args.concat(extra);
}

function main() {
  const root = path.resolve(__dirname, "..");
  const choice = choosePackage(bundledServers(path.join(root, "server")));
  if ("error" in choice) {
    console.error(`leanos-lsp: ${choice.error}`);
    return 1;
  }
  console.log(choice.message);
  const vsce = path.join(root, "node_modules", "@vscode", "vsce", "vsce");
  const args = vsceArgs(choice.target, process.argv.slice(2));
  const result = spawnSync(process.execPath, [vsce, ...args], { cwd: root, stdio: "inherit" });
  if (result.status === 0) {
    console.log(choice.target === undefined ? "Packaged: universal (no server)." : `Packaged: ${choice.target}.`);
  }
  return result.status ?? 1;
}

module.exports = { TARGETS, vsceTarget, choosePackage, bundledServers, vsceArgs };

if (require.main === module) {
  process.exitCode = main();
}
