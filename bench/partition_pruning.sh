#!/usr/bin/env bash
# Benchmark of the partition-pruning analysis (issue 4):
#   1. `pggate run` on a generated project: a RANGE-partitioned table with P partitions (default 1000)
#      and Q declared queries (default 100) — total wall time, and the partition-pruning gate alone;
#   2. what a user would do instead: psql running `EXPLAIN (FORMAT JSON)` once per query, and
#      grep/sort counting the distinct "Relation Name"s (one psql + grep pipeline per query);
#   3. seeding N rows (default 10,000,000) into that table: INSERT … SELECT FROM generate_series, then ANALYZE.
# Usage: bench/partition_pruning.sh [partitions=1000] [queries=100] [rows=10000000]
#   PGGATE=path/to/pggate (default: build/pggate next to this script's repo)
# Needs PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin); as root the server runs as `postgres`.
set -euo pipefail
P=${1:-1000}
Q=${2:-100}
N=${3:-10000000}
HERE=$(cd "$(dirname "$0")" && pwd)
PGGATE=${PGGATE:-$HERE/../build/pggate}
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
WIDTH=10000   # keys per partition: partition i holds k in [i*WIDTH, (i+1)*WIDTH)
[ -x "$PGGATE" ] || { echo "pggate not found at $PGGATE (build it first)" >&2; exit 2; }
BASE=/dev/shm; [ -w /dev/shm ] && [ "$(df --output=avail -k /dev/shm | tail -1)" -gt 4000000 ] || BASE=${TMPDIR:-/tmp}
WORK=$(mktemp -d "$BASE/pggate-bench.XXXXXX")
chmod 755 "$WORK"
PGDATA=$WORK/data
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        # runuser does not forward signals: stop the postmaster itself (SIGQUIT: immediate, no shm leak).
        pm=$(head -1 "$PGDATA/postmaster.pid" 2>/dev/null || true)
        [ -n "$pm" ] && kill -QUIT "$pm" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

# ---- the generated project ----
PROJ=$WORK/project
mkdir -p "$PROJ/sql" "$PROJ/queries"
python3 "$HERE/gen_pruning_project.py" "$PROJ" "$P" "$Q" "$WIDTH"

echo "== partition-pruning benchmark: $P partitions, $Q queries, $N rows to seed =="
echo "machine: $(nproc) cores, $(uname -r), PostgreSQL $("$BIN/postgres" --version | awk '{print $3}'), data in $BASE"

# ---- 1. pggate run ----
t0=$(now)
set +e
"$PGGATE" run --config "$PROJ/pggate.yaml" >"$WORK/pggate.out" 2>"$WORK/pggate.err"
rc=$?
set -e
t1=$(now)
python3 - "$PROJ/.pggate/report/report.json" "$rc" "$(secs "$t0" "$t1")" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
g = {x["id"]: x for x in r["gates"]}
p = g["partition-pruning"]
over = int(p["metrics"].get("queries_over_budget", 0))
print(f"pggate run (exit {sys.argv[2]}): {sys.argv[3]} s wall in total "
      "(provision + replay of the DDL + gates)")
for path in r.get("paths", []):
    print(f"  path {path['name']}: {path['duration_ms']/1000:.2f} s")
print(f"  partition-pruning gate: {p['duration_ms']/1000:.2f} s for {int(p['metrics']['queries'])} queries "
      f"({p['duration_ms']/max(1,p['metrics']['queries']):.1f} ms/query); {over} over budget — {p['summary']}")
PY

# ---- a server for the baseline and the seeding ----
RUNAS=()
if [ "$(id -u)" = 0 ]; then chown -R postgres "$WORK"; RUNAS=(runuser -u postgres --); fi
"${RUNAS[@]}" "$BIN/initdb" -D "$PGDATA" -A trust -U postgres --no-sync >/dev/null
"${RUNAS[@]}" "$BIN/postgres" -D "$PGDATA" -k "$WORK" -c listen_addresses='' -c fsync=off \
    -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB -c autovacuum=off \
    -c max_locks_per_transaction=256 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 200); do [ -S "$WORK/.s.PGSQL.5432" ] && break; sleep 0.05; done
export PGHOST=$WORK PGUSER=postgres PGDATABASE=postgres
psql -X -q -v ON_ERROR_STOP=1 -f "$PROJ/sql/init.sql" >/dev/null

# ---- 2. the manual way: psql + grep per query ----
t0=$(now)
over=0
for f in "$PROJ"/queries/q*.sql; do
    n=$(psql -X -At -c "EXPLAIN (FORMAT JSON) $(cat "$f")" | grep -o '"Relation Name": "[^"]*"' | sort -u | wc -l)
    [ "$n" -gt 2 ] && over=$((over + 1))
done
t1=$(now)
echo "psql EXPLAIN (FORMAT JSON) + grep per query: $(secs "$t0" "$t1") s for $Q queries; $over scan more than 2 partitions"
echo "  (no partition totals, no multi-level/default awareness, no generic plans; counts relation names only)"

# ---- 3. seeding ----
t0=$(now)
psql -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO big (id, k, created_at, payload) SELECT g, ((g::bigint * 7919) % ($P * $WIDTH))::int, timestamptz '2026-01-01' + g * interval '1 second', 'row ' || g FROM generate_series(1, $N) AS g" >/dev/null
t1=$(now)
psql -X -q -c "ANALYZE big" >/dev/null
t2=$(now)
size=$(psql -X -At -c "SELECT pg_size_pretty(sum(pg_total_relation_size(relid))) FROM pg_partition_tree('big')")
echo "seed $N rows into $P partitions: INSERT … SELECT generate_series $(secs "$t0" "$t1") s, ANALYZE $(secs "$t1" "$t2") s ($size)"

# The same checks on the seeded table (realistic statistics): psql+grep vs pggate explain per query.
t0=$(now)
for f in "$PROJ"/queries/q*.sql; do
    "$PGGATE" explain "host=$WORK user=postgres dbname=postgres" --sql "$(cat "$f")" --table public.big --format json >/dev/null
done
t1=$(now)
echo "pggate explain per query (one process each) on the seeded table: $(secs "$t0" "$t1") s for $Q queries"
