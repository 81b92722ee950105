#!/usr/bin/env bash
# Prints the bin folder of Node.js <version> (a line such as 26, or an exact 22.19.0), installing
# it first from the npm registry's node-<platform>-<arch> package into .cache/node/<version>.
# CI and the tests use it to run on the Node lines the project promises, whatever Node the
# machine has:  PATH="$(scripts/node-line.sh 26):$PATH" npm test
set -euo pipefail
version="${1:?usage: scripts/node-line.sh <version>, e.g. 26 or 22.19.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "node-line: no Node package for $(uname -s)" >&2; exit 1 ;; esac
case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "node-line: no Node package for $(uname -m)" >&2; exit 1 ;; esac
pkg="node-$os-$arch"
dir="$root/.cache/node/$version"
bin="$dir/node_modules/$pkg/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$dir"
  # --prefix keeps it out of the project's own node_modules and lockfile
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$pkg@$version" >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"
