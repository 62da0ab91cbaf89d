// Which file a click in the loop page opens (src/loop.ts): no VS Code API
// here, so the unit tests run without an extension host.
import * as path from "path";

/** A file to open, from a message of the page. */
export interface OpenTarget {
  file: string;
  line: number;
}

/**
 * The file a page message asks to open: `{command: "open", root, path,
 * line}` with `path` relative to `root` and staying inside it; undefined
 * for anything else.
 */
export function openTarget(message: unknown): OpenTarget | undefined {
  if (typeof message !== "object" || message === null) {
    return undefined;
  }
  const { command, root, path: relative, line } = message as Record<string, unknown>;
  if (command !== "open" || typeof root !== "string" || typeof relative !== "string") {
    return undefined;
  }
  if (!path.isAbsolute(root) || path.isAbsolute(relative)) {
    return undefined;
  }
  const file = path.resolve(root, relative);
  const inside = path.relative(root, file);
  if (inside.startsWith("..") || path.isAbsolute(inside)) {
    return undefined;
  }
  const lineNumber = typeof line === "number" && Number.isInteger(line) && line >= 1 ? line : 1;
  return { file, line: lineNumber };
}
