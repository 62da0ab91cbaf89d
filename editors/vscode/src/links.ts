// What the loop page (src/loop.ts) opens: the root the server rendered
// it for, read from the page, and the file a click asks for inside that
// root. No VS Code API here, so the unit tests run without an extension
// host.
import * as path from "path";

/** A file to open, from a message of the page. */
export interface OpenTarget {
  file: string;
  line: number;
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

/** The workspace root a loop page was rendered for (its body's `data-root`). */
export function pageRoot(page: string): string | undefined {
  const found = /<body data-root="([^"]*)"/.exec(page);
  return found ? found[1].replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]) : undefined;
}

/**
 * The file a page message `{command: "open", path, line}` asks to open:
 * `path` relative to `root` (the root the extension rendered the page
 * for, never one the page claims), staying inside it; undefined for
 * anything else.
 */
export function openTarget(message: unknown, root: string | undefined): OpenTarget | undefined {
  if (typeof message !== "object" || message === null || root === undefined) {
    return undefined;
  }
  const { command, path: relative, line } = message as Record<string, unknown>;
  if (command !== "open" || typeof relative !== "string") {
    return undefined;
  }
  if (!path.isAbsolute(root) || path.isAbsolute(relative)) {
    return undefined;
  }
  const file = path.resolve(root, relative);
  const inside = path.relative(root, file);
  if (inside === ".." || inside.startsWith(".." + path.sep) || path.isAbsolute(inside)) {
    return undefined;
  }
  const lineNumber = typeof line === "number" && Number.isInteger(line) && line >= 1 ? line : 1;
  return { file, line: lineNumber };
}
