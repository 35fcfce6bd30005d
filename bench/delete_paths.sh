#!/usr/bin/env bash
# Benchmark: the delete-paths gate on scenarios/memory. The gate itself runs the old cleanup path
# (scope-purge --mode delete: DELETE … WHERE tenant_id AND scope_key) and the new one (TRUNCATE of the
# scope's own hash partitions) side by side on identical seeded copies, alternating; this script repeats
# the gate N times and prints each round's medians (server time from pg_stat_statements, and wall time
# with bash + psql), then the median reduction. It also times `pggate lint` on the scenario's files.
#
#   bench/delete_paths.sh [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
[ -x build/pggate ] || ci/build.sh --target pggate >/dev/null
work=$(mktemp -d /tmp/bench-delete-paths-XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r scenarios/memory "$work/memory"
rm -rf "$work/memory/.pggate"
# Only the replay and delete-paths gates (the others are not what is measured here).
python3 - "$work/memory/pggate.yaml" <<'PY'
import sys
path = sys.argv[1]
out, skipping = [], False
for line in open(path).read().splitlines():
    if line.startswith("  ") and line[2] not in " #":
        skipping = line.strip() in ("config:", "partition-pruning:", "partition-health:")
    elif line and not line.startswith(" "):
        skipping = False
    if not skipping:
        out.append(line)
open(path, "w").write("\n".join(out) + "\n")
PY

printf '%-6s %-26s %-26s %s\n' round "old path (server / wall)" "new path (server / wall)" "reduction (server)"
reductions=()
for i in $(seq 1 "$rounds"); do
  build/pggate run --config "$work/memory/pggate.yaml" --report-dir "$work/out" >/dev/null 2>&1 || true
  line=$(python3 - "$work/out/report.json" <<'PY'
import json, sys
g = next(g for g in json.load(open(sys.argv[1]))["gates"] if g["id"] == "delete-paths")
m = g["metrics"]; k = "scope-purge_vs_scope-purge-delete"
print(f'{m[k+".baseline_ms"]:.1f} {m[k+".baseline_wall_ms"]:.1f} {m[k+".candidate_ms"]:.1f} {m[k+".candidate_wall_ms"]:.1f} {m[k+".reduction_pct"]:.1f}')
PY
)
  read -r bs bw cs cw red <<<"$line"
  printf '%-6s %-26s %-26s %s%%\n' "$i" "$bs ms / $bw ms" "$cs ms / $cw ms" "$red"
  reductions+=("$red")
done
median=$(printf '%s\n' "${reductions[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "median reduction: ${median}% (seed 001 target: > 70%)"

# The static half alone: every file the scenario names, parsed by libpg_query.
start=$(date +%s%N)
for i in $(seq 1 "$rounds"); do build/pggate lint --config "$work/memory/pggate.yaml" >/dev/null; done
end=$(date +%s%N)
stmts=$(build/pggate lint --config "$work/memory/pggate.yaml" | sed -n 's/.*(\([0-9]*\) statements parsed).*/\1/p')
echo "pggate lint (memory: $stmts statements in SQL, PL/pgSQL and shell): $(( (end - start) / rounds / 1000000 )) ms per run"
