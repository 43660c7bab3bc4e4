#!/usr/bin/env bash
# Builds the web application's static folder: installs the npm packages of
# web/package.json (exact versions from web/package-lock.json) when
# web/node_modules is missing or older than the lock file, then copies the
# application (web/index.html, css, js, i18n, img) and only the needed files
# of the packages (uPlot, NL Design System tokens and Utrecht component CSS)
# into OUT. `inbeeld serve --static OUT` then serves everything itself;
# nothing is fetched at run time.
# Usage: scripts/web.sh [OUT]   (default build/web)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/web}
web=$root/web
mods=$web/node_modules

if ! command -v npm >/dev/null; then
  echo "web: npm not found (scripts/install-deps.sh installs nodejs and npm)" >&2
  exit 1
fi
stamp=$mods/.package-lock.json
if [ ! -f "$stamp" ] || [ "$web/package-lock.json" -nt "$stamp" ]; then
  echo "web: npm ci"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Build into a fresh folder next to OUT, then swap, so a running server
# never sees a half-copied tree.
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$web/index.html" "$tmp/"
cp -r "$web/css" "$web/js" "$web/i18n" "$web/img" "$tmp/"
mkdir -p "$tmp/vendor/uplot" "$tmp/vendor/nlds" "$tmp/vendor/utrecht" "$tmp/data"
cp "$mods/uplot/dist/uPlot.iife.min.js" "$mods/uplot/dist/uPlot.min.css" "$mods/uplot/LICENSE" "$tmp/vendor/uplot/"
cp "$mods/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css" "$tmp/vendor/nlds/"
cp "$mods/@utrecht/component-library-css/dist/index.css" "$tmp/vendor/utrecht/"
# The minimum wage table, to show wages as a percentage of it.
cp "$root/reference/wml.csv" "$tmp/data/"
# Country and language names (Debian's iso-codes, scripts/iso-names.py).
cp "$root/reference/countries.csv" "$root/reference/languages.csv" "$tmp/data/"
chmod -R a+rX "$tmp"
rm -rf "$out.old"
[ -d "$out" ] && mv "$out" "$out.old"
mv "$tmp" "$out"
rm -rf "$out.old"
trap - EXIT
echo "web: $out"
