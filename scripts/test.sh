#!/usr/bin/env bash
# The whole test suite, from a fresh Debian/Ubuntu machine: system packages, test models, swift test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
# Headless Chromium + chromium-driver + selenium (web UI test) and wrk (load test script).
scripts/install-test-services.sh
if [[ -x scripts/fetch-test-models.sh ]]; then
    scripts/fetch-test-models.sh
fi
swift build --build-tests
# Serial: several suites are CPU-heavy or block on child processes; run in parallel on a
# 2-core machine they starve the cooperative pool and make timing-based tests flaky.
# A throwaway PostgreSQL on loopback for the PostgreSQL job-store and multi-process tests.
scripts/with-test-postgres.sh swift test --skip-build --no-parallel "$@"
