#!/usr/bin/env bash
# Installs the pinned toolchain (Node.js 24 and pnpm) into .toolchain/ unless it is already there.
# The machine's own Node may be older; the npm package `node@24` carries a Node 24 binary, and a
# folder of its own keeps it from colliding with the system install. Prints nothing when ready.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=.toolchain/node
pnpm_version=$(sed -n 's/.*"packageManager": "pnpm@\([^"]*\)".*/\1/p' package.json)
node_major=$(cat .nvmrc)

have() {
  [[ -x $prefix/node_modules/.bin/node && -x $prefix/node_modules/.bin/pnpm ]] &&
    [[ $("$prefix/node_modules/.bin/node" -v) == v$node_major.* ]] &&
    [[ $("$prefix/node_modules/.bin/pnpm" -v) == "$pnpm_version" ]]
}

have && exit 0
command -v npm >/dev/null || {
  echo "toolchain: npm is needed to fetch node@$node_major and pnpm@$pnpm_version; install Node.js first" >&2
  exit 1
}
echo "toolchain: installing node@$node_major and pnpm@$pnpm_version into $prefix" >&2
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "node@$node_major" "pnpm@$pnpm_version" >&2
have || { echo "toolchain: installation did not produce node $node_major and pnpm $pnpm_version" >&2; exit 1; }
