#!/usr/bin/env bash
# Benchmark (issue 3): `pggate diff A B` versus `pg_dump --schema-only` twice + `diff`, side by side,
# alternating, on two databases holding the generated schema (2,000 tables with 10 columns, an identity
# PK, 2 indexes of which one partial, an FK each, plus 16 range-partitioned tables of 36 monthly
# partitions). Reports medians, the ratio and pggate's peak memory.
#
#   bench/schema_diff.sh [rounds=5] [tables=2000] [partitioned=16] [months=36]
#   PGGATE=/path/to/other/pggate bench/schema_diff.sh   # another build, e.g. to compare before and after
#   VACUUMED=1 bench/schema_diff.sh                      # databases vacuumed first
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
pggate=${PGGATE:-./build/pggate}
[ -n "${PGGATE:-}" ] || [ -x build/pggate ] || ci/build.sh --target pggate >/dev/null
. bench/scratch_server.sh
scratch_dir diff
trap 'scratch_stop; rm -rf "$d"' EXIT
scratch_start -c max_locks_per_transaction=1024
export PGHOST=$d PGUSER=postgres
python3 bench/gen_schema.py "${2:-2000}" "${3:-16}" "${4:-36}" > "$d/schema.sql"
for db in a b; do createdb "$db"; psql -q -v ON_ERROR_STOP=1 -d "$db" -f "$d/schema.sql" >/dev/null; done
# By default the databases are as the DDL left them (as a replayed database is when pggate reads it). VACUUMED=1
# vacuums them first, as long-lived databases are (e.g. comparing production with staging); pg_dump gains more from
# that than pggate does.
if [ "${VACUUMED:-0}" = 1 ]; then vacuumdb -q -d a && vacuumdb -q -d b; fi
tables=$(psql -Atc "SELECT count(*) FROM pg_class WHERE relkind IN ('r','p') AND relnamespace = 'public'::regnamespace" a)
echo "schema: $tables tables and partitions per database; PostgreSQL $("$bin/postgres" --version | awk '{print $3}'); $rounds rounds"

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
dsn_a="host=$d user=postgres dbname=a"; dsn_b="host=$d user=postgres dbname=b"
pg_dump_pipeline() {
  pg_dump --schema-only --restrict-key=bench -d a > "$d/a.sql"
  pg_dump --schema-only --restrict-key=bench -d b > "$d/b.sql"
  diff "$d/a.sql" "$d/b.sql" >/dev/null
}
# One untimed run of each first: the first reads of a fresh server's catalogs are not what either tool costs.
"$pggate" diff "$dsn_a" "$dsn_b" >/dev/null; pg_dump_pipeline
printf "%-6s %14s %16s\n" round "pggate (ms)" "pg_dump x2 (ms)"
p=(); q=()
for i in $(seq 1 "$rounds"); do
  # Equal databases: anything but exit 0 is a broken run, not a fast one.
  t=$(now_ms); "$pggate" diff "$dsn_a" "$dsn_b" >/dev/null; a=$(( $(now_ms) - t ))
  t=$(now_ms); pg_dump_pipeline; b=$(( $(now_ms) - t ))
  p+=("$a"); q+=("$b")
  printf "%-6s %14s %16s\n" "$i" "$a" "$b"
done
pm=$(printf '%s\n' "${p[@]}" | median); qm=$(printf '%s\n' "${q[@]}" | median)
printf "%-6s %14s %16s\n" median "$pm" "$qm"
awk -v p="$pm" -v q="$qm" 'BEGIN {printf "ratio: pg_dump x2 + diff takes %.1fx the time of pggate diff\n", q / p}'
rss=$( { /usr/bin/time -f "%M" "$pggate" diff "$dsn_a" "$dsn_b" >/dev/null; } 2>&1 | tail -1)
echo "pggate diff peak memory: $((rss / 1024)) MB (max RSS)"
