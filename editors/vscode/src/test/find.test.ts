// The binary lookup (find.ts) on temporary directories: the order of the
// places, the setting's forms, what is not an executable, Windows names.

import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";

import { findFmlint, Lookup, LookupInput } from "../find";

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "fmlint-vscode-"));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Creates an executable (or, with `mode`, any) file under the root. */
function file(relative: string, mode = 0o755): string {
  const full = path.join(root, relative);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, "#!/bin/sh\n");
  fs.chmodSync(full, mode);
  return full;
}

function input(overrides: Partial<LookupInput> = {}): LookupInput {
  return {
    configuredPath: "",
    workspaceFolders: [path.join(root, "ws")],
    env: { PATH: path.join(root, "usr-bin") },
    platform: "linux",
    ...overrides,
  };
}

function found(lookup: Lookup): { path: string; source: string } {
  assert.equal(lookup.kind, "found", lookup.kind === "missing" ? lookup.message : "");
  return lookup.kind === "found" ? lookup.found : { path: "", source: "" };
}

describe("findFmlint", { skip: process.platform === "win32" && "POSIX file modes" }, () => {
  it("prefers node_modules/.bin, then the workspace's .venv, then PATH", () => {
    const npm = file("ws/node_modules/.bin/fmlint");
    const venv = file("ws/.venv/bin/fmlint");
    const onPath = file("usr-bin/fmlint");
    assert.deepEqual(found(findFmlint(input())), { path: npm, source: "node_modules" });
    fs.rmSync(npm);
    assert.deepEqual(found(findFmlint(input())), { path: venv, source: "python" });
    fs.rmSync(venv);
    assert.deepEqual(found(findFmlint(input())), { path: onPath, source: "PATH" });
  });

  it("takes python.defaultInterpreterPath's environment before VIRTUAL_ENV and .venv", () => {
    const chosen = file("envs/chosen/bin/fmlint");
    const active = file("envs/active/bin/fmlint");
    file("ws/.venv/bin/fmlint");
    const interpreter = path.join(root, "envs/chosen/bin/python");
    const env = { VIRTUAL_ENV: path.join(root, "envs/active"), PATH: "" };
    assert.equal(found(findFmlint(input({ pythonInterpreter: interpreter, env }))).path, chosen);
    assert.equal(found(findFmlint(input({ env }))).path, active);
  });

  it("ignores the interpreter setting's default, a bare `python`", () => {
    const onPath = file("usr-bin/fmlint");
    file("ws/python/fmlint");
    assert.equal(found(findFmlint(input({ pythonInterpreter: "python" }))).path, onPath);
  });

  it("expands ${workspaceFolder} in the interpreter setting", () => {
    const venv = file("ws/env/bin/fmlint");
    const lookup = findFmlint(input({ pythonInterpreter: "${workspaceFolder}/env/bin/python" }));
    assert.deepEqual(found(lookup), { path: venv, source: "python" });
  });

  it("uses only the setting when it is set", () => {
    const mine = file("tools/my-fmlint");
    file("ws/node_modules/.bin/fmlint");
    assert.deepEqual(found(findFmlint(input({ configuredPath: mine }))), { path: mine, source: "setting" });
  });

  it("reads the setting relative to the workspace folder, with ${workspaceFolder} and ~", () => {
    const local = file("ws/bin/fmlint");
    assert.equal(found(findFmlint(input({ configuredPath: "bin/fmlint" }))).path, local);
    assert.equal(found(findFmlint(input({ configuredPath: "${workspaceFolder}/bin/fmlint" }))).path, local);
    const home = file("home/.cargo/bin/fmlint");
    const env = { HOME: path.join(root, "home"), PATH: "" };
    assert.equal(found(findFmlint(input({ configuredPath: "~/.cargo/bin/fmlint", env }))).path, home);
  });

  it("looks a bare name in the setting up on PATH", () => {
    const dev = file("usr-bin/fmlint-dev");
    assert.equal(found(findFmlint(input({ configuredPath: "fmlint-dev" }))).path, dev);
  });

  it("says so when the setting names no executable, without falling back", () => {
    file("ws/node_modules/.bin/fmlint");
    const lookup = findFmlint(input({ configuredPath: "/nowhere/fmlint" }));
    assert.equal(lookup.kind, "missing");
    assert.match(lookup.kind === "missing" ? lookup.message : "", /fmlint\.path setting names \/nowhere\/fmlint/);
  });

  it("skips files that cannot be run and directories", () => {
    file("ws/node_modules/.bin/fmlint", 0o644);
    fs.mkdirSync(path.join(root, "ws/.venv/bin/fmlint"), { recursive: true });
    const onPath = file("usr-bin/fmlint");
    assert.equal(found(findFmlint(input())).path, onPath);
  });

  it("tells what to do, and where it looked, when nothing is found", () => {
    const lookup = findFmlint(input());
    assert.equal(lookup.kind, "missing");
    if (lookup.kind === "missing") {
      assert.match(lookup.message, /pip install fmlint/);
      assert.match(lookup.message, /fmlint\.path/);
      assert.ok(lookup.looked.includes(path.join(root, "ws/node_modules/.bin/fmlint")));
      assert.ok(lookup.looked.includes(path.join(root, "usr-bin/fmlint")));
    }
  });

  it("searches every workspace folder", () => {
    const second = file("other/node_modules/.bin/fmlint");
    const folders = [path.join(root, "ws"), path.join(root, "other")];
    assert.equal(found(findFmlint(input({ workspaceFolders: folders }))).path, second);
  });
});

describe("findFmlint on Windows", () => {
  const win = (overrides: Partial<LookupInput> = {}) => input({ platform: "win32", ...overrides });

  it("finds Scripts\\fmlint.exe in a virtual environment and npm's fmlint.cmd", () => {
    const exe = file("ws/.venv/Scripts/fmlint.exe", 0o644);
    assert.deepEqual(found(findFmlint(win())), { path: exe, source: "python" });
    const cmd = file("ws/node_modules/.bin/fmlint.cmd", 0o644);
    assert.deepEqual(found(findFmlint(win())), { path: cmd, source: "node_modules" });
  });

  it("splits PATH at semicolons and ignores names without an extension", () => {
    file("a/fmlint");
    const exe = file("b/fmlint.exe", 0o644);
    const env = { PATH: [path.join(root, "a"), path.join(root, "b")].join(";") };
    assert.equal(found(findFmlint(win({ env }))).path, exe);
  });
});
