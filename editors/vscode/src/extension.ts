// The fmlint extension: finds the fmlint executable (find.ts), runs
// `fmlint server` over stdio for Markdown and MDX documents, and restarts
// it on request or when the `fmlint.path` setting changes.

import * as vscode from "vscode";
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

import { findFmlint, LookupInput } from "./find";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("fmlint");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("fmlint.restartServer", () => restart()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("fmlint.path")) {
        void restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

/** What find.ts needs, read from the settings and the environment. */
function lookupInput(): LookupInput {
  const folders = (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === "file")
    .map((folder) => folder.uri.fsPath);
  return {
    configuredPath: vscode.workspace.getConfiguration("fmlint").get<string>("path", ""),
    workspaceFolders: folders,
    pythonInterpreter: vscode.workspace.getConfiguration("python").get<string>("defaultInterpreterPath"),
    env: process.env,
    platform: process.platform,
  };
}

async function start(): Promise<void> {
  const lookup = findFmlint(lookupInput());
  if (lookup.kind === "missing") {
    output.appendLine(lookup.message);
    output.appendLine("Looked for:");
    lookup.looked.forEach((file) => output.appendLine(`  ${file}`));
    void showMissing(lookup.message);
    return;
  }
  const { path, source } = lookup.found;
  output.appendLine(`Starting ${path} server (found via ${source})`);
  // npm's Windows shims are batch files, which only a shell runs (quoted,
  // for paths with spaces).
  const shell = process.platform === "win32" && /\.(cmd|bat)$/i.test(path);
  const run: Executable = {
    command: shell ? `"${path}"` : path,
    args: ["server"],
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, shell },
  };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "file", language: "mdx" },
    ],
    synchronize: {
      // Files changed outside the editor (git checkout, scripts): the
      // server re-reads them for cross-file findings.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.md,*.mdx,*.markdown,fmlint.toml}"),
    },
    outputChannel: output,
  };
  client = new LanguageClient("fmlint", "fmlint", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const message = `fmlint server could not start (${path}): ${String(error)}`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message, "Show Output").then((choice) => {
      if (choice) {
        output.show();
      }
    });
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (error) {
      output.appendLine(`fmlint server did not stop cleanly: ${String(error)}`);
    }
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

/** The error for a missing binary, with the ways out. */
async function showMissing(message: string): Promise<void> {
  const settings = "Open Settings";
  const log = "Show Output";
  const choice = await vscode.window.showErrorMessage(`fmlint: ${message}`, settings, log);
  if (choice === settings) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "fmlint.path");
  } else if (choice === log) {
    output.show();
  }
}
