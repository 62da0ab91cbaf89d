// package.json conventions, and the `leanos.rules` schema against the
// README's Diagnostics table, which server/tests/rule_pages.rs generates
// from the rule pages (server/src/rules/<code>.md).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

// out/test/ → editors/vscode → the repository.
const EXTENSION = path.resolve(__dirname, "..", "..");
const REPO = path.resolve(EXTENSION, "..", "..");

interface Property {
  type?: string | string[];
  enum?: string[];
  description?: string;
  scope?: string;
  properties?: Record<string, Property>;
  additionalProperties?: Property;
}

interface Manifest {
  icon?: string;
  main: string;
  scripts: Record<string, string>;
  capabilities?: {
    untrustedWorkspaces?: { supported: boolean | "limited"; description?: string; restrictedConfigurations?: string[] };
  };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus?: { commandPalette?: { command: string; when?: string }[] };
    configuration: { properties: Record<string, Property> };
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION, "package.json"), "utf8")) as Manifest;
const LEVELS = ["off", "hint", "info", "warning", "error"];

/** The README's rule table: code → default severity and summary. */
function readmeRules(): Map<string, { severity: string; summary: string }> {
  const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
  const rules = new Map<string, { severity: string; summary: string }>();
  for (const row of readme.matchAll(/^\| \[`([a-z0-9-]+)`\]\(server\/src\/rules\/\1\.md\) \| (\w+) \| (.+) \|$/gm)) {
    rules.set(row[1], { severity: row[2], summary: row[3].replace(/\\\|/g, "|") });
  }
  assert.ok(rules.size > 10, `README rules parsed: ${[...rules.keys()].join(", ")}`);
  return rules;
}

describe("package.json", () => {
  it("has a leanos.rules property per diagnostic code, described as in the README (npm run rules)", () => {
    const rules = manifest.contributes.configuration.properties["leanos.rules"];
    const readme = readmeRules();
    assert.deepStrictEqual(Object.keys(rules.properties ?? {}), [...readme.keys()]);
    for (const [code, { severity, summary }] of readme) {
      const property = rules.properties![code];
      assert.strictEqual(property.type, "string", code);
      assert.deepStrictEqual(property.enum, LEVELS, code);
      assert.strictEqual(property.description, `${summary} Default: ${severity}.`, code);
    }
    // Codes the schema does not list (a newer server's) are still accepted.
    assert.deepStrictEqual(rules.additionalProperties?.enum, LEVELS);
  });

  it("builds and minifies the bundle before packaging or publishing", () => {
    const prepublish = manifest.scripts["vscode:prepublish"];
    assert.ok(prepublish, "a vscode:prepublish script");
    assert.match(prepublish, /--minify/);
    assert.doesNotMatch(prepublish, /--sourcemap/);
    assert.match(manifest.scripts.bundle, /--outfile=dist\/extension\.js/);
    assert.strictEqual(manifest.main, "./dist/extension.js");
    const ignore = fs.readFileSync(path.join(EXTENSION, ".vscodeignore"), "utf8");
    assert.doesNotMatch(ignore, /\.map/);
    assert.match(ignore, /^!dist\/extension\.js$/m);
  });

  it("packages with the platform-aware script", () => {
    assert.strictEqual(manifest.scripts.package, "node scripts/package.js");
  });

  it("has a PNG icon of at least 128x128 that ships", () => {
    assert.ok(manifest.icon, "icon");
    const icon = fs.readFileSync(path.join(EXTENSION, manifest.icon));
    assert.strictEqual(icon.subarray(1, 4).toString("latin1"), "PNG");
    assert.ok(icon.readUInt32BE(16) >= 128 && icon.readUInt32BE(20) >= 128);
    const ignore = fs.readFileSync(path.join(EXTENSION, ".vscodeignore"), "utf8");
    assert.ok(ignore.split("\n").includes(`!${manifest.icon}`), ".vscodeignore keeps the icon");
  });

  it("groups commands under the LeanOS category and shows them only when active", () => {
    const palette = new Map((manifest.contributes.menus?.commandPalette ?? []).map((item) => [item.command, item.when]));
    for (const command of manifest.contributes.commands) {
      assert.strictEqual(command.category, "LeanOS", command.command);
      assert.doesNotMatch(command.title, /LeanOS:/, command.command);
      assert.match(palette.get(command.command) ?? "", /\bleanos\.active\b/, command.command);
    }
    const extension = fs.readFileSync(path.join(EXTENSION, "src", "extension.ts"), "utf8");
    assert.match(extension, /"setContext", "leanos\.active", true/);
  });

  it("keeps the executable path per machine and out of untrusted workspaces", () => {
    const serverPath = manifest.contributes.configuration.properties["leanos.server.path"];
    assert.strictEqual(serverPath.scope, "machine-overridable");
    const untrusted = manifest.capabilities?.untrustedWorkspaces;
    assert.ok(untrusted, "capabilities.untrustedWorkspaces");
    assert.ok(untrusted.description, "a description of the limits");
    if (untrusted.supported === "limited") {
      assert.ok(untrusted.restrictedConfigurations?.includes("leanos.server.path"));
    } else {
      assert.strictEqual(untrusted.supported, false);
    }
  });
});
