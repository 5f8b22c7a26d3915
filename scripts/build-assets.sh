#!/usr/bin/env bash
# Build static assets from pinned npm packages: the Ontario Design System and axe-core (tests).
set -euo pipefail
cd "$(dirname "$0")/.."
vendor=outsidein/static/vendor
stamp="$vendor/.package-lock.sha"
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d node_modules ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "Outside-In needs Node.js and npm to build its static assets (the Ontario Design System)." >&2
  echo "Install Node.js 18 or newer (e.g. 'apt-get install nodejs npm') and run the command again." >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
rm -rf "$vendor" && mkdir -p "$vendor"
ods=node_modules/@ongov/ontario-design-system-global-styles/dist
cp -r "$ods/styles" "$vendor/ods-styles"
[ -d "$ods/fonts" ] && cp -r "$ods/fonts" "$vendor/fonts"
[ -d "$ods/misc" ] && cp -r "$ods/misc" "$vendor/misc"
[ -d "$ods/favicons" ] && cp -r "$ods/favicons" "$vendor/favicons"
mkdir -p "$vendor/axe" && cp node_modules/axe-core/axe.min.js "$vendor/axe/"
echo "$want" > "$stamp"
echo "Static assets built into $vendor"
