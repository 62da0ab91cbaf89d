// @ts-check
// `npm run rules [-- SERVER]`: writes the `leanos.rules` settings schema of
// package.json (one property per diagnostic code, with its summary and
// default severity) from the server's rule pages (`leanos-lsp rule --all
// --format json`), so settings.json completes and explains every code.
// SERVER defaults to the release build, ../../target/release/leanos-lsp.
// tests/vscode/test_package.py fails when package.json is out of step.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const LEVELS = ["off", "hint", "info", "warning", "error"];

/**
 * The schema of `leanos.rules` properties for the server's rules.
 * @param {{ code: string, summary: string, default_severity: string }[]} rules
 * @returns {Record<string, { type: string, enum: string[], description: string }>}
 */
function ruleProperties(rules) {
  /** @type {Record<string, { type: string, enum: string[], description: string }>} */
  const properties = {};
  for (const rule of rules) {
    properties[rule.code] = {
      type: "string",
      enum: LEVELS,
      description: `${rule.summary} Default: ${rule.default_severity}.`,
    };
  }
  return properties;
}

function main() {
  const root = path.resolve(__dirname, "..");
  const server = process.argv[2] ?? path.resolve(root, "../../target/release/leanos-lsp");
  const run = spawnSync(server, ["rule", "--all", "--format", "json"], { encoding: "utf8" });
  if (run.status !== 0) {
    console.error(`${server} rule --all failed: ${run.error?.message ?? run.stderr}`);
    process.exit(1);
  }
  const manifestPath = path.join(root, "package.json");
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  const settings = manifest.contributes.configuration.properties;
  settings["leanos.rules"].properties = ruleProperties(JSON.parse(run.stdout));
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  console.log(`package.json: leanos.rules has ${Object.keys(settings["leanos.rules"].properties).length} codes`);
}

if (require.main === module) {
  main();
}

module.exports = { ruleProperties, LEVELS };
