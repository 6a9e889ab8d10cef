// Where the fmlint executable is: the `fmlint.path` setting, the
// workspace's node_modules/.bin, the Python environment, or PATH, in that
// order. This module does not import `vscode`, so plain node tests
// (src/test/find.test.ts) exercise it with temporary directories.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** What the lookup needs to know, gathered by the extension. */
export interface LookupInput {
  /** The `fmlint.path` setting ("" when unset). */
  configuredPath: string;
  /** The workspace folders' paths on disk, first folder first. */
  workspaceFolders: string[];
  /** The `python.defaultInterpreterPath` setting, when set. */
  pythonInterpreter?: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

/** Where a binary was found, for the output channel. */
export type Source = "setting" | "node_modules" | "python" | "PATH";

export interface Found {
  path: string;
  source: Source;
}

/** The outcome: a binary, or what to tell the user. */
export type Lookup =
  | { kind: "found"; found: Found }
  | { kind: "missing"; message: string; looked: string[] };

/** The executable's file names on this platform, preferred first. */
export function executableNames(platform: NodeJS.Platform): string[] {
  return platform === "win32" ? ["fmlint.exe", "fmlint.cmd"] : ["fmlint"];
}

/** `true` when `file` is a file this user may run. */
export function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** `~` and `${workspaceFolder}` expanded; relative paths taken from the
 *  first workspace folder (or left as they are without one). */
export function expandPath(value: string, input: LookupInput): string {
  const folder = input.workspaceFolders[0];
  let expanded = value.trim();
  if (folder !== undefined) {
    expanded = expanded.split("${workspaceFolder}").join(folder);
  }
  if (expanded === "~" || expanded.startsWith("~/") || expanded.startsWith("~\\")) {
    expanded = path.join(input.env.HOME ?? os.homedir(), expanded.slice(1));
  }
  if (!path.isAbsolute(expanded) && folder !== undefined && hasSeparator(expanded)) {
    expanded = path.join(folder, expanded);
  }
  return expanded;
}

function hasSeparator(value: string): boolean {
  return value.includes("/") || value.includes("\\");
}

/** The virtual environment's scripts directory: `bin`, or `Scripts` on Windows. */
function scriptsDir(venv: string, platform: NodeJS.Platform): string {
  return path.join(venv, platform === "win32" ? "Scripts" : "bin");
}

/** The places to look, in order, each with the source it stands for. */
export function candidates(input: LookupInput): { dir: string; source: Source }[] {
  const out: { dir: string; source: Source }[] = [];
  for (const folder of input.workspaceFolders) {
    out.push({ dir: path.join(folder, "node_modules", ".bin"), source: "node_modules" });
  }
  const interpreter = input.pythonInterpreter ? expandPath(input.pythonInterpreter, input) : "";
  // The setting's default is plain `python`: only a path names an environment.
  if (interpreter && path.isAbsolute(interpreter)) {
    out.push({ dir: path.dirname(interpreter), source: "python" });
  }
  if (input.env.VIRTUAL_ENV) {
    out.push({ dir: scriptsDir(input.env.VIRTUAL_ENV, input.platform), source: "python" });
  }
  for (const folder of input.workspaceFolders) {
    out.push({ dir: scriptsDir(path.join(folder, ".venv"), input.platform), source: "python" });
  }
  const delimiter = input.platform === "win32" ? ";" : ":";
  const pathVar = input.env.PATH ?? input.env.Path ?? "";
  for (const dir of pathVar.split(delimiter)) {
    if (dir) {
      out.push({ dir, source: "PATH" });
    }
  }
  return out;
}

/** Finds fmlint as the extension's README describes. */
export function findFmlint(input: LookupInput): Lookup {
  if (input.configuredPath.trim()) {
    const configured = expandPath(input.configuredPath, input);
    // A bare name (`fmlint`, `fmlint-dev`) is looked up on PATH.
    const resolved = hasSeparator(configured) || path.isAbsolute(configured)
      ? (isExecutable(configured, input.platform) ? configured : undefined)
      : onPath(configured, input);
    if (resolved) {
      return { kind: "found", found: { path: resolved, source: "setting" } };
    }
    return {
      kind: "missing",
      looked: [configured],
      message: `The fmlint.path setting names ${configured}, which is not an executable file. ` +
        "Correct the setting, or clear it to let the extension find fmlint.",
    };
  }
  const looked: string[] = [];
  for (const { dir, source } of candidates(input)) {
    for (const name of executableNames(input.platform)) {
      const file = path.join(dir, name);
      looked.push(file);
      if (isExecutable(file, input.platform)) {
        return { kind: "found", found: { path: file, source } };
      }
    }
  }
  return {
    kind: "missing",
    looked,
    message: "No fmlint executable was found. Install it (`pip install fmlint`, " +
      "`npm install --save-dev fmlint` or `cargo install --locked fmlint`), or set fmlint.path " +
      "to the executable, then run \"fmlint: Restart Server\".",
  };
}

/** `name` in one of PATH's directories. */
function onPath(name: string, input: LookupInput): string | undefined {
  const names = input.platform === "win32" && !path.extname(name)
    ? [name + ".exe", name + ".cmd"]
    : [name];
  for (const { dir, source } of candidates(input)) {
    if (source !== "PATH") {
      continue;
    }
    for (const candidate of names) {
      const file = path.join(dir, candidate);
      if (isExecutable(file, input.platform)) {
        return file;
      }
    }
  }
  return undefined;
}
