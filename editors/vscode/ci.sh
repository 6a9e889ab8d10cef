#!/usr/bin/env bash
# Builds, checks and packages the VS Code extension, from a clean install
# of its locked dependencies (npm registry): compile (tsc), lint (tsc
# --noEmit), the node tests (the binary lookup; activation against a fake
# `vscode`), and `vsce package` (esbuild bundles the extension and its
# dependencies into out/extension.js) into fmlint.vsix, whose contents are
# then checked and whose bundle is activated again. What cannot run here:
# a real VS Code instance (the extension host, the language client talking
# to `fmlint server`).
set -euo pipefail
cd "$(dirname "$0")"

echo "+ npm ci"
npm ci --no-audit --no-fund --loglevel=error
echo "+ npm run compile"
npm run --silent compile
echo "+ npm run lint"
npm run --silent lint
echo "+ npm test"
npm test --silent
echo "+ vsce package"
rm -f fmlint.vsix
npm run --silent package
[ -f fmlint.vsix ] || { echo "no fmlint.vsix"; exit 1; }

unzip -l fmlint.vsix > vsix-contents.txt
for needed in extension/package.json extension/out/extension.js extension/LICENSE.md extension/readme.md; do
  grep -q " $needed\$" vsix-contents.txt || { echo "fmlint.vsix lacks $needed"; exit 1; }
done
# The bundle stands alone: no sources, tests or node_modules beside it.
if grep -E ' extension/(src/|out/test/|out/find|node_modules/)' vsix-contents.txt; then
  echo "fmlint.vsix holds files it should not"; exit 1
fi
rm -f vsix-contents.txt
echo "+ the bundle, activated against the fake vscode"
node --test out/test/activate.test.js
echo "ok: fmlint.vsix ($(wc -c < fmlint.vsix) bytes) holds extension/out/extension.js"
