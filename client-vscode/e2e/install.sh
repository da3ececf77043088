#!/usr/bin/env bash
# Installs code-server and playwright-core from package-lock.json, offline-safe (see the recipe in README).
set -euo pipefail
cd "$(dirname "$0")"
[ -x node_modules/.bin/code-server ] && [ node_modules/.package-lock.json -nt package-lock.json ] && exit 0

# @vscode/ripgrep's install downloads rg from GitHub; it looks in this cache first, so seed it with Debian's rg.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache" "$tmp/rg"
rg=$(command -v rg) || { echo "e2e/install.sh needs ripgrep: apt-get install -y ripgrep" >&2; exit 1; }
cp "$rg" "$tmp/rg/rg"
tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp/rg" rg

# code-server's postinstall runs nested `npm install`s (and npx) whose native modules must build;
# npm's per-project script approval (allowScripts) cannot reach those, and CI runs as root (unsafe-perm).
npm_config_yes=true npm_config_dangerously_allow_all_scripts=true npm_config_unsafe_perm=true npm ci --foreground-scripts --no-fund --no-audit
