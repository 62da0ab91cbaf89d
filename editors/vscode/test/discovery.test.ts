import * as assert from "assert";
import { binaryName, findServer, README_URL } from "../src/discovery";

function env(existing: string[], setting = "", platform = "linux") {
  return {
    setting,
    extensionPath: "/ext",
    platform,
    arch: "x64",
    pathDirs: ["/usr/local/bin", "", "/usr/bin"],
    exists: (file: string) => existing.includes(file),
  };
}

describe("findServer", () => {
  it("prefers the setting", () => {
    assert.deepStrictEqual(findServer(env(["/opt/leanos-lsp", "/ext/server/linux-x64/leanos-lsp"], "/opt/leanos-lsp")), {
      path: "/opt/leanos-lsp",
      source: "setting",
    });
  });

  it("reports a setting that points nowhere instead of falling back", () => {
    const found = findServer(env(["/usr/bin/leanos-lsp"], "/missing/leanos-lsp"));
    assert.ok("error" in found && found.error.includes("/missing/leanos-lsp"));
  });

  it("then the bundled binary for the platform", () => {
    assert.deepStrictEqual(findServer(env(["/ext/server/linux-x64/leanos-lsp", "/usr/bin/leanos-lsp"])), {
      path: "/ext/server/linux-x64/leanos-lsp",
      source: "bundled",
    });
  });

  it("then PATH, in order", () => {
    assert.deepStrictEqual(findServer(env(["/usr/bin/leanos-lsp"])), { path: "/usr/bin/leanos-lsp", source: "path" });
  });

  it("explains and links the README when nothing is found", () => {
    const found = findServer(env([]));
    assert.ok("error" in found && found.error.includes("leanos.server.path") && found.error.includes(README_URL));
  });

  it("knows the Windows file name", () => {
    assert.strictEqual(binaryName("win32"), "leanos-lsp.exe");
    const found = findServer({ ...env(["C:\\ext\\server\\win32-x64\\leanos-lsp.exe"], "", "win32"), extensionPath: "C:\\ext" });
    assert.deepStrictEqual(found, { path: "C:\\ext\\server\\win32-x64\\leanos-lsp.exe", source: "bundled" });
  });
});
