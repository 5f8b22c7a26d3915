#!/usr/bin/env bash
# The reverse-proxy test runs the application behind a real nginx; install Debian's where we can,
# say so clearly where we cannot (the test then skips, or fails under OUTSIDEIN_REQUIRE_SERVICES=1).
set -uo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's nginx for the reverse-proxy test..."
  # policy-rc.d 101: install the program without starting a system nginx on port 80.
  policy=/usr/sbin/policy-rc.d
  created=
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1; fi
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light) >/dev/null 2>&1
  installed=$?
  [ -n "$created" ] && rm -f "$policy"
  [ $installed = 0 ] && exit 0
fi
echo "NOTE: nginx is not installed; the reverse-proxy test will be skipped (install the 'nginx-light' package)." >&2
exit 0
