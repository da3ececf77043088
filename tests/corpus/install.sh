#!/usr/bin/env bash
# Installs the npm package @readme/oas-examples (the corpus of tests/corpus) into a cache and prints its folder.
# Offline-safe: a cached copy of the right version is used without asking npm. Exit 3: npm is absent and
# nothing is cached (the corpus tests then skip, saying so); any other failure is an error.
set -euo pipefail
version=8.2.2
cache="${OAS_EXAMPLES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/specloom/oas-examples-$version}"
package="$cache/node_modules/@readme/oas-examples"
installed() { [ -f "$package/package.json" ] && grep -q "\"version\": \"$version\"" "$package/package.json"; }

if ! installed; then
    if ! command -v npm >/dev/null; then
        echo "npm is not installed and no copy of @readme/oas-examples@$version is cached in $cache" >&2
        exit 3
    fi
    mkdir -p "$cache"
    npm install --prefix "$cache" --ignore-scripts --no-fund --no-audit --loglevel=error \
        "@readme/oas-examples@$version" >&2
    installed || { echo "npm did not install @readme/oas-examples@$version into $cache" >&2; exit 1; }
fi
echo "$package"
