#!/usr/bin/env bash
# Builds, checks and packages the VS Code extension, from a clean install
# of its locked dependencies (npm registry): compile (tsc), lint (tsc
# --noEmit), the binary lookup's node tests, and `vsce package` into
# fmlint.vsix, whose contents are then checked. What cannot run here: a
# real VS Code instance (the extension host); see README.md.
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
npx --no-install vsce package --out fmlint.vsix
[ -f fmlint.vsix ] || { echo "no fmlint.vsix"; exit 1; }

unzip -l fmlint.vsix > vsix-contents.txt
for needed in extension/package.json extension/out/extension.js extension/out/find.js \
    extension/LICENSE.md extension/readme.md \
    extension/node_modules/vscode-languageclient/package.json; do
  grep -q " $needed\$" vsix-contents.txt || { echo "fmlint.vsix lacks $needed"; exit 1; }
done
# Sources, tests and build tools stay out of the package.
if grep -E ' extension/(src/|out/test/|node_modules/(typescript|@vscode/vsce|@types)/)' vsix-contents.txt; then
  echo "fmlint.vsix holds files it should not"; exit 1
fi
rm -f vsix-contents.txt
echo "ok: fmlint.vsix ($(wc -c < fmlint.vsix) bytes) holds extension/out/extension.js"
