import * as assert from "assert";
import { openTarget, pageRoot } from "../src/links";

describe("openTarget", () => {
  it("opens a workspace path of the page's root at its line", () => {
    assert.deepStrictEqual(
      openTarget({ command: "open", path: "threads/sales/acme/6-learning.md", line: 11 }, "/ws"),
      { file: "/ws/threads/sales/acme/6-learning.md", line: 11 },
    );
    assert.deepStrictEqual(openTarget({ command: "open", path: "threads/..notes.md" }, "/ws"), {
      file: "/ws/threads/..notes.md",
      line: 1,
    });
  });

  it("refuses paths outside the root, a root the page claims, and other messages", () => {
    assert.strictEqual(openTarget({ command: "open", path: "../etc/passwd" }, "/ws"), undefined);
    assert.strictEqual(openTarget({ command: "open", path: "/etc/passwd" }, "/ws"), undefined);
    assert.deepStrictEqual(openTarget({ command: "open", root: "/", path: "etc/passwd" }, "/ws"), {
      file: "/ws/etc/passwd",
      line: 1,
    });
    assert.strictEqual(openTarget({ command: "open", path: "a.md" }, undefined), undefined);
    assert.strictEqual(openTarget({ command: "open", path: "a.md" }, "relative"), undefined);
    assert.strictEqual(openTarget({ command: "run", path: "a.md" }, "/ws"), undefined);
    assert.strictEqual(openTarget("open", "/ws"), undefined);
    assert.strictEqual(openTarget(null, "/ws"), undefined);
    assert.deepStrictEqual(openTarget({ command: "open", path: "a.md", line: -3 }, "/ws"), { file: "/ws/a.md", line: 1 });
  });
});

describe("pageRoot", () => {
  it("reads the root the page was rendered for", () => {
    assert.strictEqual(pageRoot('<html><body data-root="/w s/a&amp;b">'), "/w s/a&b");
    assert.strictEqual(pageRoot("<html><body>"), undefined);
  });
});
