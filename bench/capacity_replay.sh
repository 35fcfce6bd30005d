#!/usr/bin/env bash
# Benchmark: `pggate run` on a capacity scenario versus the shell pipeline a user would write instead
# (initdb, pg_ctl start, psql -f / alembic for each path, pg_dump --schema-only per path, diff),
# side by side in one run, alternating, N rounds each. Prints per-round times, medians and the ratio.
#
#   bench/capacity_replay.sh [rounds=5] [scenario=capacity-fixed]
#
# Both sides do the same work: three paths (init, chain, init+upgrade from the baseline stamp) into
# fresh databases of one private server, then a schema comparison against the chain path.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
scenario=${2:-capacity-fixed}
proj=scenarios/$scenario
[ -x build/pggate ] || ci/build.sh --target pggate >/dev/null
. bench/scratch_server.sh
stamp=$(sed -n 's/^ *stamp: *"\{0,1\}\([0-9A-Za-z_]*\)"\{0,1\}/\1/p' "$proj/pggate.yaml")

now_ms() { date +%s%3N; }

shell_pipeline() {
  local d
  scratch_dir shell
  scratch_start
  export PGHOST=$d PGUSER=postgres
  local ok=0
  {
    for db in init chain init_upgrade; do createdb "$db"; done
    psql -q -v ON_ERROR_STOP=1 -d init -f "$proj/sql/init_postgresql.sql" >/dev/null
    DATABASE_URL="postgresql://postgres@/init?host=$d" alembic -c "$proj/alembic.ini" stamp "$stamp" >/dev/null 2>&1
    DATABASE_URL="postgresql://postgres@/chain?host=$d" alembic -c "$proj/alembic.ini" upgrade head >/dev/null 2>&1
    psql -q -v ON_ERROR_STOP=1 -d init_upgrade -f "$proj/sql/init_postgresql.sql" >/dev/null
    DATABASE_URL="postgresql://postgres@/init_upgrade?host=$d" alembic -c "$proj/alembic.ini" stamp "$stamp" >/dev/null 2>&1
    DATABASE_URL="postgresql://postgres@/init_upgrade?host=$d" alembic -c "$proj/alembic.ini" upgrade head >/dev/null 2>&1 || true
    # pg_dump >= 15.14 writes a random \restrict key: fix it so equal schemas give equal dumps.
    for db in init chain init_upgrade; do
      pg_dump --schema-only --restrict-key=bench -d "$db" > "$d/$db.sql"
    done
    diff -q "$d/chain.sql" "$d/init.sql" >/dev/null || true
    diff -q "$d/chain.sql" "$d/init_upgrade.sql" >/dev/null || true
  } || ok=$?
  scratch_stop
  rm -rf "$d"
  unset PGHOST PGUSER
  return $ok
}

# The same work on both sides: replay and compare (the partition-pruning gate, which seeds data and
# EXPLAINs queries, has no counterpart in the shell pipeline and is left out here).
bench_cfg="$proj/.pggate-bench.yaml"
sed '/^  # Seed 002, P0-3/,$d; /^  partition-pruning:/,$d' "$proj/pggate.yaml" > "$bench_cfg"
trap 'rm -f "$bench_cfg"' EXIT
pggate_run() {
  ./build/pggate run --config "$bench_cfg" --report-dir /tmp/pggate-bench-report >/dev/null 2>&1 || [ $? -eq 1 ]
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

pggate_run  # warm the initdb cache once, as any second run on a machine would have it
echo "scenario: $proj, $rounds rounds, PostgreSQL $("$bin/postgres" --version | awk '{print $3}'), $(nproc) cores"
printf "%-6s %14s %14s\n" round "pggate (ms)" "shell (ms)"
pg_times=(); sh_times=()
for i in $(seq 1 "$rounds"); do
  t=$(now_ms); pggate_run; a=$(( $(now_ms) - t ))
  t=$(now_ms); shell_pipeline; b=$(( $(now_ms) - t ))
  pg_times+=("$a"); sh_times+=("$b")
  printf "%-6s %14s %14s\n" "$i" "$a" "$b"
done
pm=$(printf '%s\n' "${pg_times[@]}" | median)
sm=$(printf '%s\n' "${sh_times[@]}" | median)
printf "%-6s %14s %14s\n" median "$pm" "$sm"
awk -v p="$pm" -v s="$sm" 'BEGIN {printf "ratio: the shell pipeline takes %.2fx the time of pggate\n", s / p}'
echo "note: the shell pipeline only diffs text (column order and dump ordering make equal schemas look different, and it names no object); pggate also reports typed findings with file:line."
