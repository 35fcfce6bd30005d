#!/usr/bin/env bash
# The README's first command: build pggate and run its main job on the bundled capacity scenario
# (seed 002) with the embedded local PostgreSQL. That scenario carries the seed's drift on purpose,
# so pggate exits 1 and names it; this script succeeds when pggate behaves exactly so.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
ci/build.sh --target pggate
status=0
./build/pggate run --config scenarios/capacity/pggate.yaml --report-dir build/report || status=$?
echo
if [ "$status" -eq 1 ]; then
  echo "demo: pggate exited 1 (a gate failed), as expected: the init script drifted from the Alembic chain."
  echo "demo: report: build/report/report.json; the repaired project passes: ./build/pggate run --config scenarios/capacity-fixed/pggate.yaml"
  exit 0
fi
echo "demo: pggate exited $status; expected 1 for scenarios/capacity" >&2
exit 1
