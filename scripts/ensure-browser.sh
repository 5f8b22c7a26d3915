#!/usr/bin/env bash
# Browser tests need Debian's chromium; install it where we can, say so clearly where we cannot.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1 \
    && exit 0
fi
echo "NOTE: chromium is not installed; browser tests will be skipped (install the 'chromium' package)." >&2
exit 0
