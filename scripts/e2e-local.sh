#!/usr/bin/env bash
# e2e-local.sh [playwright args…]: build and run e2e specs while holding a lock, so that
# two developers (or agents) on one machine never build into the same .next at once.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 8>/tmp/oresi-e2e.lock
flock -w 1200 8
ORESI_BUILD_SKIP_TYPECHECK=1 NEXT_TELEMETRY_DISABLED=1 npx next build >/tmp/oresi-e2e-build.log 2>&1 || { tail -40 /tmp/oresi-e2e-build.log; exit 1; }
npx playwright test "$@"
