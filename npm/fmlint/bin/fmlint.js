#!/usr/bin/env node
// The `fmlint` command of the npm package: finds the fmlint binary that npm
// installed with one of the platform packages (@fmlint/cli-<os>-<cpu>[-musl],
// optional dependencies of this package; npm installs only the one whose
// `os`, `cpu` and `libc` fit) and runs it with the same arguments, stdio and
// exit code.
//
// Environment:
//   FMLINT_BINARY        run this fmlint executable instead (a platform with
//                        no prebuilt binary, a development build).
//   FMLINT_NPM_PLATFORM  look for the binary of this platform key instead of
//                        the detected one (e.g. `linux-x64-musl`); for tests.
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const REPOSITORY = "https://github.com/OWNER/fmlint";

// Platform key -> platform packages to try, in order. On Linux the static
// musl build runs on glibc systems too, so it is the fallback there.
const PACKAGES = {
  "linux-x64": ["@fmlint/cli-linux-x64", "@fmlint/cli-linux-x64-musl"],
  "linux-arm64": ["@fmlint/cli-linux-arm64", "@fmlint/cli-linux-arm64-musl"],
  "linux-x64-musl": ["@fmlint/cli-linux-x64-musl"],
  "linux-arm64-musl": ["@fmlint/cli-linux-arm64-musl"],
  "darwin-x64": ["@fmlint/cli-darwin-x64"],
  "darwin-arm64": ["@fmlint/cli-darwin-arm64"],
  "win32-x64": ["@fmlint/cli-win32-x64"],
};

function isMusl() {
  if (process.platform !== "linux") return false;
  try {
    // No DNS look-ups for the report's network section (Node >= 20.13).
    if (process.report) process.report.excludeNetwork = true;
    const report = process.report && process.report.getReport();
    const header = report && (typeof report === "string" ? JSON.parse(report) : report).header;
    if (header) return !header.glibcVersionRuntime;
  } catch (_) {
    // fall through
  }
  try {
    return fs.readFileSync("/usr/bin/ldd", "latin1").includes("musl");
  } catch (_) {
    return false;
  }
}

function platformKey() {
  const forced = process.env.FMLINT_NPM_PLATFORM;
  if (forced) return forced;
  const key = `${process.platform}-${process.arch}`;
  return isMusl() ? `${key}-musl` : key;
}

function findBinary(key) {
  const exe = key.startsWith("win32-") ? "fmlint.exe" : "fmlint";
  for (const name of PACKAGES[key] || []) {
    let dir;
    try {
      dir = path.dirname(require.resolve(`${name}/package.json`));
    } catch (_) {
      continue; // not installed
    }
    const binary = path.join(dir, exe);
    if (fs.existsSync(binary)) return binary;
  }
  return null;
}

function noBinary(key) {
  const supported = Object.keys(PACKAGES).join(", ");
  const known = Object.prototype.hasOwnProperty.call(PACKAGES, key);
  const lines = [
    `fmlint: no fmlint binary for this platform (${key}) was installed.`,
    "",
  ];
  if (known) {
    lines.push(
      `The package ${PACKAGES[key][0]} should have been installed as an optional`,
      "dependency of fmlint. npm leaves optional dependencies out with --omit=optional",
      "(or --no-optional), and a package-lock.json written on another platform can miss",
      "this one: remove node_modules (and the lockfile entry) and run `npm install` again.",
    );
  } else {
    lines.push(`The npm package has prebuilt binaries for: ${supported}.`);
  }
  lines.push(
    "",
    "Other ways to install fmlint:",
    "  pip install fmlint                 (or pipx / uvx: the same binary)",
    "  cargo install --locked fmlint      (builds from source; needs Rust)",
    `  ${REPOSITORY}/releases`,
    "",
    "To use an fmlint binary you built or downloaded, set FMLINT_BINARY to its path.",
  );
  process.stderr.write(lines.join("\n") + "\n");
  process.exit(2);
}

function main() {
  const key = platformKey();
  const binary = process.env.FMLINT_BINARY || findBinary(key) || noBinary(key);
  const result = spawnSync(binary, process.argv.slice(2), {
    stdio: "inherit",
    windowsHide: true,
  });
  if (result.error) {
    process.stderr.write(`fmlint: cannot run ${binary}: ${result.error.message}\n`);
    process.exit(2);
  }
  if (result.signal) {
    // Die of the same signal, so a shell sees what the binary saw.
    process.kill(process.pid, result.signal);
    return;
  }
  process.exit(result.status === null ? 2 : result.status);
}

main();
