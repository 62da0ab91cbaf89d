import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundledServers, choosePackage, vsceArgs, vsceTarget } from "../scripts/package";

describe("npm run package", () => {
  it("packages for the platform of the one bundled server", () => {
    const choice = choosePackage(["linux-x64"]);
    assert.ok(!("error" in choice));
    assert.strictEqual(choice.target, "linux-x64");
    assert.match(choice.message, /platform-specific .* linux-x64/);
    assert.deepStrictEqual(vsceArgs(choice.target, []), [
      "package",
      "--no-dependencies",
      "--target",
      "linux-x64",
      "-o",
      "leanos-lsp.vsix",
    ]);
  });

  it("packages a universal .vsix, and says so, without a server", () => {
    const choice = choosePackage([]);
    assert.ok(!("error" in choice));
    assert.strictEqual(choice.target, undefined);
    assert.match(choice.message, /universal .*no server is bundled/);
    assert.deepStrictEqual(vsceArgs(undefined, ["-o", "x.vsix"]), ["package", "--no-dependencies", "-o", "x.vsix"]);
  });

  it("refuses several servers and unknown platforms", () => {
    assert.ok("error" in choosePackage(["darwin-arm64", "linux-x64"]));
    assert.ok("error" in choosePackage(["sunos-x64"]));
  });

  it("maps Node's platform-arch to the Marketplace's targets", () => {
    assert.strictEqual(vsceTarget("win32-x64"), "win32-x64");
    assert.strictEqual(vsceTarget("darwin-arm64"), "darwin-arm64");
    assert.strictEqual(vsceTarget("linux-arm"), "linux-armhf");
    assert.strictEqual(vsceTarget("constructor"), undefined);
  });

  it("finds the server folders that hold a binary", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leanos-package-"));
    try {
      assert.deepStrictEqual(bundledServers(path.join(dir, "missing")), []);
      for (const [folder, file] of [
        ["linux-x64", "leanos-lsp"],
        ["win32-x64", "leanos-lsp.exe"],
        ["darwin-arm64", "README"],
      ]) {
        fs.mkdirSync(path.join(dir, folder));
        fs.writeFileSync(path.join(dir, folder, file), "");
      }
      assert.deepStrictEqual(bundledServers(dir), ["linux-x64", "win32-x64"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
