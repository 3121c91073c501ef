#!/usr/bin/env bash
# One-command set-up on a fresh machine (README): Debian's Chromium for the browser tests (if
# missing), the npm dependencies (which bring Node 24), then every example checked and the site
# built into dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-chromium.sh
npm ci --no-audit --no-fund
npm run build
