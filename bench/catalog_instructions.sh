#!/usr/bin/env bash
# What reading a snapshot costs the server, per catalog query, in instructions rather than time (issue 3): on a shared
# machine wall times swing by a third between minutes, instruction counts repeat to the digit. Builds the generated
# 2,000-table schema (as bench/schema_diff.sh does), runs `pggate diff` once with every statement logged, then replays
# one connection's statements (parameters inlined, results sent to /dev/null with COPY) in a single-user backend under
# callgrind, one more statement at a time, and prints what each added. Also counts the client's instructions.
# Needs valgrind (Debian package `valgrind`; for measuring only, not a dependency of pggate).
#
#   bench/catalog_instructions.sh [tables=2000] [partitioned=16] [months=36]
#   PGGATE=/path/to/other/pggate bench/catalog_instructions.sh   # another build, e.g. before and after a change
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "catalog_instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
pggate=$(realpath "${PGGATE:-./build/pggate}")
[ -n "${PGGATE:-}" ] || [ -x build/pggate ] || ci/build.sh --target pggate >/dev/null
. bench/scratch_server.sh
scratch_dir instr
trap 'scratch_stop fast; rm -rf "$d"' EXIT
scratch_start -c max_locks_per_transaction=1024 -c log_min_duration_statement=0
export PGHOST=$d PGUSER=postgres
python3 bench/gen_schema.py "${1:-2000}" "${2:-16}" "${3:-36}" > "$d/schema.sql"
for db in a b; do createdb "$db"; psql -q -v ON_ERROR_STOP=1 -d "$db" -f "$d/schema.sql" >/dev/null; done
vacuumdb -q -d a && vacuumdb -q -d b  # the counts should not include pruning what the DDL left
: > "$d/server.log"
dsn_a="host=$d user=postgres dbname=a"; dsn_b="host=$d user=postgres dbname=b"
"$pggate" diff "$dsn_a" "$dsn_b" >/dev/null
client=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$pggate" diff "$dsn_a" "$dsn_b" 2>&1 >/dev/null | sed -n 's/.*Collected : //p')
scratch_stop fast
# One connection's statements, as the server logged them, parameters inlined.
python3 - "$d" <<'PY'
import re, sys
d = sys.argv[1]
entries = re.split(r'\n(?=\d{4}-\d\d-\d\d )', open(f'{d}/server.log').read())
pid, out = None, []
for k, e in enumerate(entries):
    m = re.match(r'\S+ \S+ \S+ \[(\d+)\] LOG:  duration: [0-9.]+ ms  (statement|execute [^:]*): (.*)$', e, re.S)
    if not m:
        continue
    pid = pid or m.group(1)
    if m.group(1) != pid:
        continue
    sql = m.group(3).strip()
    if '$1' in sql:
        params = dict(re.findall(r"\$(\d+) = ('(?:[^']|'')*')", entries[k + 1] if k + 1 < len(entries) else ''))
        sql = re.sub(r'\$(\d+)', lambda x: params[x.group(1)], sql)
    if sql.startswith(('BEGIN', 'COMMIT')):
        continue
    if sql.upper().startswith(('SELECT', 'WITH')):
        sql = "COPY (" + sql + ") TO '/dev/null'"
    out.append(sql)
open(f'{d}/statements', 'w').write('\x1e'.join(out))
PY
# Instructions of a single-user backend running the first n statements in one read-only transaction.
count() {
  python3 - "$d" "$1" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
qs = open(f'{d}/statements').read().split('\x1e')[:n] if n else ['SELECT 1']
open(f'{d}/input.sql', 'w').write("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n\n" + "".join(q + ";\n\n" for q in qs) + "COMMIT;\n\n")
PY
  chmod 644 "$d/input.sql"
  "${as_pg[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin/postgres" --single -j -D "$d/data" a < "$d/input.sql" 2>&1 >"$d/out" |
    sed -n 's/.*Collected : //p'
  if grep -q ERROR "$d/out"; then echo "catalog_instructions.sh: a statement failed in the replay: $(grep -m1 ERROR "$d/out")" >&2; exit 1; fi
}
n=$(python3 -c "import sys; print(len(open(sys.argv[1]).read().split('\x1e')))" "$d/statements")
prev=$(count 0); session=$prev
printf "%10s  %s\n" "instr (M)" "statement"
for i in $(seq 1 "$n"); do
  now=$(count "$i")
  stmt=$(python3 -c "import sys; print(open(sys.argv[1]).read().split('\x1e')[int(sys.argv[2]) - 1][:100])" "$d/statements" "$i")
  awk -v a="$now" -v b="$prev" -v s="$stmt" 'BEGIN {printf "%10.1f  %s\n", (a - b) / 1e6, s}'
  prev=$now
done
awk -v a="$prev" -v s="$session" -v c="$client" 'BEGIN {
  printf "server, per database: %.3f G instructions (plus %.3f G to start a backend)\n", (a - s) / 1e9, s / 1e9
  printf "client, both databases and the comparison: %.3f G instructions\n", c / 1e9 }'
