#!/usr/bin/env bash
# Benchmark: the container provider side by side with the local provider and with what a user would
# do instead (testcontainers-style: `podman run` the image, poll pg_isready, connect, remove it).
# Alternating, N rounds each; prints per-round times and medians.
#
#   bench/container_start.sh [rounds=5] [image=localhost/pggate-postgres:15]
#
# 1. start-to-ready: a run whose init script is `SELECT 1`, so the run is almost only provisioning:
#    pggate container (its startup_ms metric: engine found, stale containers reaped, image checked,
#    `podman run`, port read, connection + SELECT 1) and the whole `pggate run` wall time, container
#    versus local; the user's way: podman run -d -p 127.0.0.1::5432 + pg_isready every 100 ms (as
#    testcontainers polls) + psql -c 'SELECT 1' + podman rm -f.
# 2. the whole capacity scenario (scenarios/capacity: 3 paths, Alembic, schema equality, 23,000
#    seeded rows and 3 EXPLAINed queries), `pggate run --provider container` versus `--provider local`.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
image=${2:-localhost/pggate-postgres:15}
engine=${PGGATE_CONTAINER_ENGINE:-podman}
[ -x build/pggate ] || ci/build.sh --target pggate >/dev/null
./build/pggate image build --engine "$engine" --tag "$image" >/dev/null

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "SELECT 1;" > "$work/init.sql"
printf 'init: {scripts: [init.sql]}\ncontainer: {engine: %s, image: %s}\n' "$engine" "$image" > "$work/pggate.yaml"

# The user's way needs the same engine workarounds pggate detects (here: explicit ulimits).
quirks=()
if ! cid=$("$engine" run -d "$image" 2>/dev/null); then
  quirks=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
else
  "$engine" rm -f -t 0 "$cid" >/dev/null 2>&1 || "$engine" rm -f "$cid" >/dev/null
fi
"$engine" ps -aq --filter status=created --filter ancestor="$image" | xargs -r "$engine" rm -f >/dev/null 2>&1 || true

user_way() {
  local cid port
  cid=$("$engine" run -d "${quirks[@]}" -p 127.0.0.1::5432 -e POSTGRES_PASSWORD=bench "$image")
  port=$("$engine" port "$cid" 5432/tcp | head -1 | sed 's/.*://')
  until pg_isready -q -h 127.0.0.1 -p "$port" -U postgres; do sleep 0.1; done
  psql -q -h 127.0.0.1 -p "$port" -U postgres -c 'SELECT 1' >/dev/null
  "$engine" rm -f "$cid" >/dev/null
}

pggate_run() {  # provider, config, report dir; prints the wall time in ms
  local t
  t=$(now_ms)
  ./build/pggate run --config "$2" --provider "$1" --report-dir "$3" >/dev/null 2>&1 || [ $? -eq 1 ]
  echo $(( $(now_ms) - t ))
}
startup_ms() { python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["provider"]["metrics"]["startup_ms"]))' "$1/report.json"; }

pggate_run container "$work/pggate.yaml" "$work/r" >/dev/null  # warm: engine verdict cache, image layers
pggate_run local "$work/pggate.yaml" "$work/r" >/dev/null       # warm: initdb cache
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$engine" --version), image $image, $rounds rounds"
echo
echo "1. start-to-ready (init script SELECT 1), ms"
printf "%-6s %18s %16s %16s %22s\n" round "container ready" "run: container" "run: local" "podman run+pg_isready"
s1=(); s2=(); s3=(); s4=()
for i in $(seq 1 "$rounds"); do
  a=$(pggate_run container "$work/pggate.yaml" "$work/rc"); ar=$(startup_ms "$work/rc")
  b=$(pggate_run local "$work/pggate.yaml" "$work/rl")
  t=$(now_ms); user_way; c=$(( $(now_ms) - t ))
  s1+=("$ar"); s2+=("$a"); s3+=("$b"); s4+=("$c")
  printf "%-6s %18s %16s %16s %22s\n" "$i" "$ar" "$a" "$b" "$c"
done
printf "%-6s %18s %16s %16s %22s\n" median "$(printf '%s\n' "${s1[@]}" | median)" "$(printf '%s\n' "${s2[@]}" | median)" \
  "$(printf '%s\n' "${s3[@]}" | median)" "$(printf '%s\n' "${s4[@]}" | median)"

echo
echo "2. whole capacity scenario (pggate run, exit 1 by design), ms"
proj="$work/capacity"
cp -r scenarios/capacity "$proj"
rm -rf "$proj/.pggate"
printf 'container: {engine: %s, image: %s}\n' "$engine" "$image" >> "$proj/pggate.yaml"
printf "%-6s %16s %16s\n" round container local
c1=(); c2=()
for i in $(seq 1 "$rounds"); do
  a=$(pggate_run container "$proj/pggate.yaml" "$work/cc")
  b=$(pggate_run local "$proj/pggate.yaml" "$work/cl")
  c1+=("$a"); c2+=("$b")
  printf "%-6s %16s %16s\n" "$i" "$a" "$b"
done
cm=$(printf '%s\n' "${c1[@]}" | median); lm=$(printf '%s\n' "${c2[@]}" | median)
printf "%-6s %16s %16s\n" median "$cm" "$lm"
awk -v c="$cm" -v l="$lm" 'BEGIN {printf "container costs %+d ms (%.2fx) over local for the whole run\n", c - l, c / l}'
left=$("$engine" ps -aq --filter label=pggate.run | wc -l)
echo "pggate containers left: $left"
