#!/usr/bin/env bash
# Benchmark (issue 8): the time of each migration-safety analysis, on scenarios/tenancy (11 revisions) and on a
# generated N-revision chain (bench/gen_migration_chain.py, default 200 revisions, ~50,000 seeded rows), side by
# side with what a careful user does instead by hand on a scratch server, alternating which goes first:
#
#   pggate          `pggate run` with only the replay and migration-safety gates (paths: [chain]):
#                   reversibility per revision (snapshot, down, snapshot, compare, up again; then down to empty),
#                   the seeded upgrade (statement by statement, pg_locks and relfilenodes after each; row counts;
#                   invariants), the static lint of the revisions not measured. Times from report.json
#                   (reversibility_ms, seeded_upgrade_ms, the gate's duration_ms; both analyses run concurrently
#                   on databases of their own) and the wall time of the whole run (server from initdb cache,
#                   replay, gates). The static lint has no time of its own in the report: it is timed as
#                   `pggate lint --config` of the same chain (all revisions, a separate process).
#   psql+pg_dump    a scratch server (initdb in /dev/shm, fsync=off, unix socket), then per revision
#                   `psql -1 -v ON_ERROR_STOP=1 -f up` (no -1 for files with CONCURRENTLY), `pg_dump --schema-only`,
#                   `psql -f down`, `pg_dump --schema-only`, `diff` with the dump before the up, `psql -f up` again;
#                   down every revision to empty and diff with the empty dump; then createdb, up to seed.at, the
#                   seed files, row counts, up to head, row counts again, each invariant query. Sequential.
#                   It checks less: no lock or rewrite measurement, nothing attributed to a statement, a failure
#                   stops the run at the first error, and textual pg_dump diffs instead of a catalog comparison.
#
#   bench/migration_safety.sh [rounds=3] [revisions=200]
#   PGGATE=/path/to/other/pggate bench/migration_safety.sh   # another build
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
revisions=${2:-200}
pggate=${PGGATE:-./build/pggate}
[ -n "${PGGATE:-}" ] || [ -x build/pggate ] || ci/build.sh --target pggate >/dev/null
pggate=$(realpath "$pggate")
. bench/scratch_server.sh
scratch_dir migration-safety

# Nothing may outlive the script, Ctrl-C included: the child in flight (pggate cleans up after itself on
# SIGINT/SIGTERM), the scratch server, the temp dir.
child=
cleanup() {
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  scratch_stop
  rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A private copy of the binary: a rebuild of build/pggate during the bench does not break a round.
cp "$pggate" "$d/pggate"
pggate=$d/pggate
# Runs a command in the background and waits for it, so a signal to this script reaches the trap at once.
run() { "$@" & child=$!; local rc=0; wait "$child" || rc=$?; child=; return "$rc"; }
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

bench_start=$(now_ms)
echo "machine: $(nproc) CPU(s); load at start:$(uptime | sed 's/.*load average:/ load average/')"

# ---------------------------------------------------------------------------------------------------------
# The two projects, each with only what the migration gate needs, and what the by-hand script reads from them.
mkdir -p "$d/work"
cp -r scenarios/tenancy "$d/work/tenancy"
rm -rf "$d/work/tenancy/.pggate"
python3 bench/gen_migration_chain.py "$revisions" "$d/work/chain$revisions" 2>&1 | sed 's/^/generated: /'
scenarios=(tenancy "chain$revisions")
for s in "${scenarios[@]}"; do
  python3 - "$d/work/$s" <<'PY'
import os, sys, yaml
root = sys.argv[1]
path = os.path.join(root, "pggate.yaml")
cfg = yaml.safe_load(open(path))
gates = cfg["gates"]
ms = gates["migration-safety"]
# Only replay + migration-safety, only the chain path (tenancy also replays init.sql and compares schemas).
out = {"project": cfg["project"], "chain": cfg["chain"], "paths": ["chain"],
       "gates": {"replay": gates.get("replay") or {}, "migration-safety": ms}}
yaml.safe_dump(out, open(path, "w"), sort_keys=False)
# For the by-hand script: seed revision, seed files, invariant queries (trailing ';' removed), large tables.
alt = os.path.join(root, "alt")
os.makedirs(os.path.join(alt, "invariants"))
open(os.path.join(alt, "seed_at"), "w").write(ms["seed"]["at"] + "\n")
open(os.path.join(alt, "seed_files"), "w").write("".join(os.path.join(root, f) + "\n" for f in ms["seed"].get("files", [])))
for i, inv in enumerate(ms.get("invariants", [])):
    sql = inv["sql"] if "sql" in inv else open(os.path.join(root, inv["file"])).read()
    sql = sql.rstrip().rstrip(";").rstrip()
    open(os.path.join(alt, "invariants", f"{i:02d}_{inv.get('name', 'invariant')}.sql"), "w").write(sql + "\n")
PY
done
echo "revisions: tenancy $(ls "$d/work/tenancy/migrations"/*.up.sql | wc -l), chain$revisions $(ls "$d/work/chain$revisions/migrations"/*.up.sql | wc -l);" \
     "PostgreSQL $("$bin/postgres" --version | awk '{print $3}'); $rounds round(s), alternating which side goes first"

# ---------------------------------------------------------------------------------------------------------
# pggate: one `pggate run`, then the static lint alone. Writes "reversibility seeded static gate wall" to OUT.
# (Results go to files, not through $(…): a command substitution would hold off the traps until it ends.)
pggate_side() {
  local dir=$1 out=$2 t rc=0
  rm -rf "$dir/out"
  t=$(now_ms)
  run "$pggate" run --config "$dir/pggate.yaml" --report-dir "$dir/out" >"$dir/run.log" 2>&1 || rc=$?
  local wall=$(( $(now_ms) - t ))
  if [ "$rc" -ne 0 ]; then echo "pggate run on $dir exited $rc (a broken run, not a fast one):" >&2; tail -20 "$dir/run.log" >&2; return 1; fi
  t=$(now_ms)
  run "$pggate" lint --config "$dir/pggate.yaml" >"$dir/lint.log" 2>&1 || { echo "pggate lint on $dir failed:" >&2; tail -5 "$dir/lint.log" >&2; return 1; }
  local static=$(( $(now_ms) - t ))
  python3 - "$dir/out/report.json" "$static" "$wall" >"$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
g = next(g for g in r["gates"] if g["id"] == "migration-safety")
m = g["metrics"]
errors = sum(1 for f in g.get("findings", []) if f.get("severity") == "error")
if g["status"] not in ("pass", "warn") or errors:
    sys.exit(f"migration-safety {g['status']} with {errors} error finding(s): {g.get('summary')}")
print(f'{m["reversibility_ms"]:.0f} {m["seeded_upgrade_ms"]:.0f} {sys.argv[2]} {g["duration_ms"]:.0f} {sys.argv[3]}')
PY
}

# ---------------------------------------------------------------------------------------------------------
# By hand: a scratch server, psql and pg_dump. Writes "reversibility seeded - total wall failed" to OUT, where
# failed counts the checks that did not hold (differing dumps, row counts, invariants; a correct chain gives 0).
export PGOPTIONS='-c client_min_messages=warning'  # no NOTICE of DROP … IF EXISTS
PSQL=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$d" -U postgres)
apply() {  # apply DB FILE: one transaction, unless the file has CONCURRENTLY outside comments
  if grep -v '^[[:space:]]*--' "$2" | grep -qi 'concurrently'; then
    "${PSQL[@]}" -d "$1" -f "$2" >/dev/null
  else
    "${PSQL[@]}" -1 -d "$1" -f "$2" >/dev/null
  fi
}
dump() { "$bin/pg_dump" --schema-only --restrict-key=bench -h "$d" -U postgres -d "$1" -f "$2"; }
row_counts() {  # by oid, so a renamed table is still the same table
  "${PSQL[@]}" -At -d "$1" <<'SQL'
SELECT format('SELECT %s, %L, count(*) FROM %s', c.oid, c.oid::regclass, c.oid::regclass)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
 ORDER BY c.oid \gexec
SQL
}
by_hand() {
  local dir=$1 out=$2 t0 t rev seeded total
  local tmp=$d/hand
  rm -rf "$tmp"; mkdir -p "$tmp"; [ ${#as_pg[@]} -gt 0 ] && chown postgres "$tmp"
  local ups=() f
  for f in "$dir"/migrations/*.up.sql; do ups+=("$f"); done  # zero-padded versions: name order is apply order
  t0=$(now_ms)
  scratch_start

  # 1. Reversibility, revision by revision, then down to empty.
  t=$(now_ms)
  "$bin/createdb" -h "$d" -U postgres rev
  dump rev "$tmp/empty.sql"
  local prev=$tmp/empty.sql differing=0 i=0
  for f in "${ups[@]}"; do
    i=$((i + 1))
    apply rev "$f"
    dump rev "$tmp/up_$i.sql"
    apply rev "${f%.up.sql}.down.sql"
    dump rev "$tmp/down_$i.sql"
    diff -q "$prev" "$tmp/down_$i.sql" >/dev/null || { differing=$((differing + 1)); echo "  by hand: the down of $(basename "$f") does not restore the dump before it" >&2; }
    apply rev "$f"
    prev=$tmp/up_$i.sql
  done
  for (( j = ${#ups[@]} - 1; j >= 0; j-- )); do apply rev "${ups[j]%.up.sql}.down.sql"; done
  dump rev "$tmp/bottom.sql"
  diff -q "$tmp/empty.sql" "$tmp/bottom.sql" >/dev/null || { differing=$((differing + 1)); echo "  by hand: down to empty leaves objects" >&2; }
  "$bin/dropdb" -h "$d" -U postgres rev
  rev=$(( $(now_ms) - t ))

  # 2. Seeded upgrade: up to seed.at, seed, row counts, up to head, row counts, invariants.
  t=$(now_ms)
  local seed_at; seed_at=$(cat "$dir/alt/seed_at")
  "$bin/createdb" -h "$d" -U postgres seeded
  i=0
  for f in "${ups[@]}"; do
    local v; v=$(basename "$f"); v=${v%%_*}
    [ "$v" \> "$seed_at" ] && break
    apply seeded "$f"; i=$((i + 1))
  done
  local seedf
  while read -r seedf; do
    if [ -n "$seedf" ]; then "${PSQL[@]}" -1 -d seeded -f "$seedf" >/dev/null; fi
  done <"$dir/alt/seed_files"
  row_counts seeded | LC_ALL=C sort >"$tmp/rows_seed.txt"
  for f in "${ups[@]:i}"; do apply seeded "$f"; done
  row_counts seeded | LC_ALL=C sort >"$tmp/rows_head.txt"
  local lost
  lost=$(LC_ALL=C join -t '|' -a 1 -o 1.1,1.3,2.3 "$tmp/rows_seed.txt" "$tmp/rows_head.txt" | awk -F'|' '$2 != $3' | wc -l)
  [ "$lost" -eq 0 ] || { differing=$((differing + 1)); echo "  by hand: $lost table(s) changed row count" >&2; }
  for f in "$dir"/alt/invariants/*.sql; do
    [ -e "$f" ] || continue
    local n; n=$("${PSQL[@]}" -At -d seeded -c "SELECT count(*) FROM ($(cat "$f")
) x")
    [ "$n" -eq 0 ] || { differing=$((differing + 1)); echo "  by hand: invariant $(basename "$f") returned $n row(s)" >&2; }
  done
  "$bin/dropdb" -h "$d" -U postgres seeded
  seeded=$(( $(now_ms) - t ))

  scratch_stop
  rm -rf "$d/data" "$tmp"
  total=$(( $(now_ms) - t0 ))
  echo "$rev $seeded - $(( rev + seeded )) $total $differing" >"$out"
}

# ---------------------------------------------------------------------------------------------------------
declare -A P_rev P_seed P_static P_gate P_wall H_rev H_seed H_gate H_wall H_diff
printf '%-6s %-10s %-52s %s\n' round scenario "pggate ms (reverse / seeded / static / gate / run)" "psql+pg_dump ms (reverse / seeded / total / run)"
for r in $(seq 1 "$rounds"); do
  for s in "${scenarios[@]}"; do
    dir=$d/work/$s
    if (( r % 2 )); then
      pggate_side "$dir" "$d/p.txt"; by_hand "$dir" "$d/h.txt"
    else
      by_hand "$dir" "$d/h.txt"; pggate_side "$dir" "$d/p.txt"
    fi
    read -r a b c g w <"$d/p.txt"
    read -r x y _ z v n <"$d/h.txt"
    P_rev[$s]+="$a "; P_seed[$s]+="$b "; P_static[$s]+="$c "; P_gate[$s]+="$g "; P_wall[$s]+="$w "
    H_rev[$s]+="$x "; H_seed[$s]+="$y "; H_gate[$s]+="$z "; H_wall[$s]+="$v "; H_diff[$s]=$(( ${H_diff[$s]:-0} > n ? ${H_diff[$s]:-0} : n ))
    printf '%-6s %-10s %-52s %s\n' "$r" "$s" "$a / $b / $c / $g / $w" "$x / $y / $z / $v"
  done
done

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
ratio() { awk -v p="$1" -v q="$2" 'BEGIN { if (q == "-" || p <= 0) print "-"; else printf "%.1fx\n", q / p }'; }
echo
echo "medians over $rounds round(s); ratio = psql+pg_dump / pggate"
printf '%-10s | %-42s | %11s | %17s | %6s\n' scenario analysis "pggate (ms)" "psql+pg_dump (ms)" ratio
printf '%s\n' "-----------+--------------------------------------------+-------------+-------------------+-------"
for s in "${scenarios[@]}"; do
  rows=("reversibility (per revision + to empty)|$(med "${P_rev[$s]}")|$(med "${H_rev[$s]}")"
        "seeded upgrade (+ row counts, invariants)|$(med "${P_seed[$s]}")|$(med "${H_seed[$s]}")"
        "static lint (pggate lint --config)|$(med "${P_static[$s]}")|-"
        "gate total (duration_ms; by hand: 1+2)|$(med "${P_gate[$s]}")|$(med "${H_gate[$s]}")"
        "whole run, wall (server, replay, gates)|$(med "${P_wall[$s]}")|$(med "${H_wall[$s]}")")
  for row in "${rows[@]}"; do
    IFS='|' read -r name pv hv <<<"$row"
    printf '%-10s | %-42s | %11s | %17s | %6s\n' "$s" "$name" "$pv" "$hv" "$(ratio "$pv" "$hv")"
  done
done
echo
for s in "${scenarios[@]}"; do
  echo "by hand on $s: ${H_diff[$s]} check(s) failed (differing dumps, row counts, invariants); pggate: migration-safety passed"
done
echo "pggate runs reversibility and the seeded upgrade concurrently (gate total < their sum); by hand they run one"
echo "after the other. By hand checks less: no pg_locks / relfilenode measurement (locks, rewrites, index builds"
echo "on large tables go unseen), no statement-level attribution, no static lint, text diffs of pg_dump output."
echo "The by-hand whole run includes initdb and start/stop of its scratch server; pggate's includes provisioning."
echo "machine: load at end:$(uptime | sed 's/.*load average:/ load average/'); bench took $(( ($(now_ms) - bench_start) / 1000 )) s"
