// The extension's activation without VS Code: `vscode` is replaced by a
// small fake that records what the extension asks of it. Covers the
// command registration and the error shown when no fmlint is found (a
// real VS Code instance is needed for the rest: the language client).

import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import NodeModule from "node:module";
import { afterEach, beforeEach, it } from "node:test";

// Node's loader, whose `_load` a test may wrap to hand out a fake module.
const Module = NodeModule as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };

interface Recorded {
  errors: string[];
  lines: string[];
  commands: string[];
}

let root: string;
let originalLoad: typeof Module._load;
let originalPath: string | undefined;

/** A `vscode` that records errors, output lines and commands; any other
 *  name is an empty class (the language client extends some at load). */
function fakeVscode(settings: Record<string, string>, recorded: Recorded): unknown {
  const disposable = { dispose() {} };
  const others = new Map<string | symbol, unknown>();
  const known: Record<string | symbol, unknown> = {
    window: {
      createOutputChannel: () => ({
        appendLine: (line: string) => recorded.lines.push(line),
        show() {},
        dispose() {},
      }),
      showErrorMessage: (message: string) => {
        recorded.errors.push(message);
        return Promise.resolve(undefined);
      },
    },
    commands: {
      registerCommand: (name: string) => {
        recorded.commands.push(name);
        return disposable;
      },
      executeCommand: () => Promise.resolve(undefined),
    },
    workspace: {
      workspaceFolders: [{ uri: { scheme: "file", fsPath: root } }],
      getConfiguration: (section: string) => ({
        get: <T>(key: string, fallback?: T) => (settings[`${section}.${key}`] as T | undefined) ?? fallback,
      }),
      onDidChangeConfiguration: () => disposable,
    },
  };
  return new Proxy(known, {
    get(target, name) {
      if (name in target) {
        return target[name];
      }
      if (!others.has(name)) {
        others.set(name, class {});
      }
      return others.get(name);
    },
  });
}

/** Activates a fresh copy of the compiled extension against the fake. */
async function activate(settings: Record<string, string>): Promise<Recorded> {
  const recorded: Recorded = { errors: [], lines: [], commands: [] };
  const vscode = fakeVscode(settings, recorded);
  Module._load = function (request: string, ...rest: unknown[]) {
    if (request === "vscode") {
      return vscode;
    }
    return originalLoad.call(this, request, ...rest);
  };
  const file = require.resolve("../extension");
  delete require.cache[file];
  const extension = require(file) as { activate: (context: unknown) => Promise<void> };
  await extension.activate({ subscriptions: [] });
  return recorded;
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "fmlint-vscode-activate-"));
  originalLoad = Module._load;
  originalPath = process.env.PATH;
  // Nothing to find: an empty PATH, no virtual environment.
  process.env.PATH = path.join(root, "empty");
  delete process.env.VIRTUAL_ENV;
});

afterEach(() => {
  Module._load = originalLoad;
  process.env.PATH = originalPath;
  fs.rmSync(root, { recursive: true, force: true });
});

it("registers fmlint.restartServer and says what to do when no fmlint is found", async () => {
  const recorded = await activate({});
  assert.deepEqual(recorded.commands, ["fmlint.restartServer"]);
  assert.equal(recorded.errors.length, 1);
  assert.match(recorded.errors[0], /^fmlint: No fmlint executable was found\. Install it \(`pip install fmlint`/);
  assert.ok(recorded.lines.includes("Looked for:"));
  assert.ok(recorded.lines.includes(`  ${path.join(root, "node_modules", ".bin", "fmlint")}`));
});

it("names the fmlint.path setting when it points nowhere", async () => {
  const recorded = await activate({ "fmlint.path": "${workspaceFolder}/missing/fmlint" });
  assert.equal(recorded.errors.length, 1);
  assert.match(recorded.errors[0], /fmlint\.path setting names .*missing.fmlint, which is not an executable file/);
});
