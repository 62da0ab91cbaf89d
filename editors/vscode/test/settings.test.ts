import * as assert from "assert";
import { statusText, toServerSettings } from "../src/settings";

function source(values: Record<string, unknown>) {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

describe("toServerSettings", () => {
  it("maps every setting to the server's keys", () => {
    const settings = toServerSettings(
      source({
        rules: { "assumption-untested": "off", "link-broken": "error", bogus: "loud" },
        "assumptions.prefixes": ["A", "Q"],
        "paths.canvas": " canvas ",
        "paths.threads": "",
        "threads.types": ["legal"],
        "decisions.approvalThreshold": 0.7,
        "files.ignore": ["drafts/**"],
        "files.maxSize": 1024,
        "files.include": ["threads/**"],
        "files.exclude": [],
        watcher: "server",
        "documentation.url": " https://example.org/rules/{code} ",
        "server.path": "/opt/leanos-lsp",
        "trace.server": "verbose",
      }),
    );
    assert.deepStrictEqual(settings, {
      rules: { "assumption-untested": "off", "link-broken": "error" },
      assumptions: { prefixes: ["A", "Q"] },
      paths: { canvas: "canvas" },
      threads: { types: ["legal"] },
      decisions: { approval_threshold: 0.7 },
      files: { ignore: ["drafts/**"], max_size: 1024, include: ["threads/**"] },
      watcher: "server",
      documentation: { url: "https://example.org/rules/{code}" },
    });
  });

  it("sends nothing for defaults, so leanos.toml and the server decide", () => {
    assert.deepStrictEqual(
      toServerSettings(
        source({
          rules: {},
          "assumptions.prefixes": [],
          "decisions.approvalThreshold": null,
          watcher: "auto",
          "documentation.url": "",
        }),
      ),
      {},
    );
  });
});

describe("statusText", () => {
  it("shows indexing and counts", () => {
    assert.strictEqual(statusText({ state: "indexing" }), "$(sync~spin) LeanOS: indexing");
    assert.strictEqual(
      statusText({ state: "ready", files: 12, threads: 3, problems: 1 }),
      "$(check) LeanOS: 3 threads, 1 file with problems",
    );
  });
});
