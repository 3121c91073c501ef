#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium) through playwright-core; no test
# tool ever downloads a browser. Installs the Debian package when it is missing (needs root and
# Debian's package mirror, as on the project's machines).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Debian's chromium is missing: run 'apt-get update && apt-get install -y chromium' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium: $(/usr/bin/chromium --version)"
