#!/usr/bin/env bash
# The README's test command: install what is missing, build, run every test (unit, real-PostgreSQL, end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
ci/build.sh
ctest --test-dir build -j2 --output-on-failure
