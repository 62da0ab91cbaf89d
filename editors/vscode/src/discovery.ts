// Finding the leanos-lsp binary: the `leanos.server.path` setting, then a
// binary bundled in the extension (server/<platform>-<arch>/), then
// leanos-lsp on PATH. Pure: the file system is passed in.
import * as path from "path";

export const README_URL = "https://github.com/leanos-lsp/leanos-lsp#install";

export interface DiscoveryEnv {
  /** The `leanos.server.path` setting ("" when unset). */
  setting: string;
  /** Where the extension is installed. */
  extensionPath: string;
  /** `process.platform` and `process.arch`. */
  platform: string;
  arch: string;
  /** The folders of PATH, in order. */
  pathDirs: string[];
  /** Whether an executable file exists at a path. */
  exists: (file: string) => boolean;
}

export type Discovery =
  | { path: string; source: "setting" | "bundled" | "path" }
  | { error: string };

/** The binary's file name on this platform. */
export function binaryName(platform: string): string {
  return platform === "win32" ? "leanos-lsp.exe" : "leanos-lsp";
}

/** Where the server binary is, or a message saying why it was not found. */
export function findServer(env: DiscoveryEnv): Discovery {
  const join = env.platform === "win32" ? path.win32.join : path.posix.join;
  const name = binaryName(env.platform);
  if (env.setting.trim() !== "") {
    const configured = env.setting.trim();
    return env.exists(configured)
      ? { path: configured, source: "setting" }
      : { error: `leanos.server.path is set to ${configured}, which does not exist. See ${README_URL}` };
  }
  const bundled = join(env.extensionPath, "server", `${env.platform}-${env.arch}`, name);
  if (env.exists(bundled)) {
    return { path: bundled, source: "bundled" };
  }
  for (const dir of env.pathDirs) {
    if (dir === "") {
      continue;
    }
    const candidate = join(dir, name);
    if (env.exists(candidate)) {
      return { path: candidate, source: "path" };
    }
  }
  return {
    error: `leanos-lsp was not found: set leanos.server.path, or install it on PATH (cargo install --locked --path server). See ${README_URL}`,
  };
}
