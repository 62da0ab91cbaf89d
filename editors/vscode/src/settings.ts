// VS Code settings (`leanos.*`) to the server's settings shape (the keys of
// leanos.toml): only values that are set go over, so leanos.toml and the
// server's defaults keep the rest.

/** What `vscode.workspace.getConfiguration("leanos")` offers. */
export interface SettingsSource {
  get<T>(key: string): T | undefined;
}

export interface ServerSettings {
  rules?: Record<string, string>;
  assumptions?: { prefixes: string[] };
  paths?: { canvas?: string; threads?: string; goals?: string };
  threads?: { types: string[] };
  decisions?: { approval_threshold: number };
  files?: { ignore?: string[]; max_size?: number; include?: string[]; exclude?: string[] };
  watcher?: "client" | "server";
  documentation?: { url: string };
}

const LEVELS = new Set(["off", "hint", "info", "warning", "error"]);

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return Array.isArray(list) && list.length > 0 ? list : undefined;
}

/** The server settings for the `leanos` section. */
export function toServerSettings(source: SettingsSource): ServerSettings {
  const out: ServerSettings = {};
  const rules = source.get<Record<string, string>>("rules");
  if (rules && typeof rules === "object") {
    const valid = Object.entries(rules).filter(([, level]) => LEVELS.has(String(level)));
    if (valid.length > 0) {
      out.rules = Object.fromEntries(valid);
    }
  }
  const prefixes = nonEmpty(source.get<string[]>("assumptions.prefixes"));
  if (prefixes) {
    out.assumptions = { prefixes };
  }
  const paths: ServerSettings["paths"] = {};
  for (const key of ["canvas", "threads", "goals"] as const) {
    const value = source.get<string>(`paths.${key}`);
    if (typeof value === "string" && value.trim() !== "") {
      paths[key] = value.trim();
    }
  }
  if (Object.keys(paths).length > 0) {
    out.paths = paths;
  }
  const types = nonEmpty(source.get<string[]>("threads.types"));
  if (types) {
    out.threads = { types };
  }
  const threshold = source.get<number | null>("decisions.approvalThreshold");
  if (typeof threshold === "number") {
    out.decisions = { approval_threshold: threshold };
  }
  const files: ServerSettings["files"] = {};
  const ignore = nonEmpty(source.get<string[]>("files.ignore"));
  if (ignore) {
    files.ignore = ignore;
  }
  const maxSize = source.get<number | null>("files.maxSize");
  if (typeof maxSize === "number") {
    files.max_size = maxSize;
  }
  for (const key of ["include", "exclude"] as const) {
    const globs = nonEmpty(source.get<string[]>(`files.${key}`));
    if (globs) {
      files[key] = globs;
    }
  }
  if (Object.keys(files).length > 0) {
    out.files = files;
  }
  const watcher = source.get<string>("watcher");
  if (watcher === "client" || watcher === "server") {
    out.watcher = watcher;
  }
  const documentationUrl = source.get<string>("documentation.url");
  if (typeof documentationUrl === "string" && documentationUrl.trim() !== "") {
    out.documentation = { url: documentationUrl.trim() };
  }
  return out;
}

/** The status bar text for a `leanos/status` notification. */
export function statusText(status: { state: string; files?: number; threads?: number; problems?: number }): string {
  if (status.state === "indexing") {
    return "$(sync~spin) LeanOS: indexing";
  }
  const problems = status.problems ?? 0;
  return `$(check) LeanOS: ${status.threads ?? 0} threads, ${problems} file${problems === 1 ? "" : "s"} with problems`;
}
