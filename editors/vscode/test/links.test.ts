import * as assert from "assert";
import { openTarget } from "../src/links";

describe("openTarget", () => {
  it("opens a workspace path of the page's root at its line", () => {
    assert.deepStrictEqual(
      openTarget({ command: "open", root: "/ws", path: "threads/sales/acme/6-learning.md", line: 11 }),
      { file: "/ws/threads/sales/acme/6-learning.md", line: 11 },
    );
    assert.deepStrictEqual(openTarget({ command: "open", root: "/ws", path: "threads/sales/acme" }), {
      file: "/ws/threads/sales/acme",
      line: 1,
    });
  });

  it("refuses paths outside the root and other messages", () => {
    assert.strictEqual(openTarget({ command: "open", root: "/ws", path: "../etc/passwd" }), undefined);
    assert.strictEqual(openTarget({ command: "open", root: "/ws", path: "/etc/passwd" }), undefined);
    assert.strictEqual(openTarget({ command: "open", root: "relative", path: "a.md" }), undefined);
    assert.strictEqual(openTarget({ command: "run", root: "/ws", path: "a.md" }), undefined);
    assert.strictEqual(openTarget("open"), undefined);
    assert.strictEqual(openTarget(null), undefined);
    assert.deepStrictEqual(openTarget({ command: "open", root: "/ws", path: "a.md", line: -3 }), {
      file: "/ws/a.md",
      line: 1,
    });
  });
});
