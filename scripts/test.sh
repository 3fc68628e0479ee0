#!/usr/bin/env bash
# npm test: every test. Installs and starts what is missing (Docker engine, Chromium,
# test images), then type-check, lint, unit + integration (vitest, real git and Docker),
# build, and e2e (Playwright in Debian's chromium). Nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 ORESI_REQUIRE_DOCKER=1
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
t0=$SECONDS
step "test environment"; bash scripts/test-env.sh
step "type-check"; npx tsc --noEmit
step "lint and format"; npx eslint --max-warnings=0 . && npx prettier --check .
step "unit and integration tests"; npx vitest run
step "build"; npx next build
step "e2e"; npx playwright test
step "all tests passed in $((SECONDS - t0))s"
