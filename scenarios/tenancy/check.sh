#!/usr/bin/env bash
# check.sh: verify the tenancy scenario with plain PostgreSQL (psql, pg_dump, pg_locks), independent of pggate.
#
#   scenarios/tenancy/check.sh            # starts a scratch server in /dev/shm (run as root or as postgres)
#   PGHOST=/path/to/socket PGUSER=postgres scenarios/tenancy/check.sh   # or use a running server
#
# For the scenario and each variant (overlaid on a copy) it runs:
#   chain     every .up.sql in order on an empty database
#   downs     from head every .down.sql in reverse; each step's schema equals the schema one revision lower,
#             and the last leaves nothing (tables, views, sequences, types, functions)
#   per-rev   per revision N: up N, down N (schema == N-1), up N again (schema == N)
#   init      sql/init.sql on an empty database; schema == chain head (pg_dump --schema-only)
#   seeded    0001, seed/at_0001.sql, then 0002..head; each transactional file in one transaction with its
#             pg_locks and its scans of the large table recorded before COMMIT; files with CONCURRENTLY in
#             autocommit, with pg_locks sampled while a concurrent writer holds its transaction open
#   invariants each invariants/*.sql returns no rows at head; row counts of the seeded tables unchanged
#   large     no revision scans public.audit_events while holding a lock that blocks its writers
# The scenario must show no problem, each variant exactly its own. Exit status 0 when that is so.
set -uo pipefail

SCEN=$(cd "$(dirname "$0")" && pwd)
LARGE=audit_events
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PGUSER=${PGUSER:-postgres}
WORK=$(mktemp -d /dev/shm/tenancy-check-XXXX)
chmod 755 "$WORK"
OWN_SERVER=""

cleanup() {
    if [ -n "$OWN_SERVER" ]; then
        if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$OWN_SERVER/data" -m immediate -w stop >/dev/null
        else "$BIN/pg_ctl" -D "$OWN_SERVER/data" -m immediate -w stop >/dev/null; fi
        rm -rf "$OWN_SERVER"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${PGHOST:-}" ]; then
    OWN_SERVER=$(mktemp -d /dev/shm/tenancy-pg-XXXX)
    as_pg=()
    if [ "$(id -u)" = 0 ]; then chown postgres "$OWN_SERVER"; as_pg=(runuser -u postgres --); fi
    "${as_pg[@]}" "$BIN/initdb" -D "$OWN_SERVER/data" -A trust -U postgres --no-sync >/dev/null
    "${as_pg[@]}" "$BIN/pg_ctl" -D "$OWN_SERVER/data" -l "$OWN_SERVER/log" \
        -o "-k $OWN_SERVER -c listen_addresses='' -c fsync=off" -w start >/dev/null
    export PGHOST=$OWN_SERVER
fi

q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
newdb() { q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$1\"" -c "CREATE DATABASE \"$1\""; }
is_autocommit() { grep -v '^[[:space:]]*--' "$1" | grep -qiE '\bconcurrently\b'; }
# One migration file the way golang-migrate/Flyway/pggate run it: in one transaction, or statement by
# statement in autocommit when it holds CONCURRENTLY.
apply() {
    local db=$1 f=$2
    if is_autocommit "$f"; then q -d "$db" -f "$f"; else q -d "$db" -1 -f "$f"; fi
}
# Schema-only dump without the noise (comments, SET lines, blank lines).
# (pg_dump 15.14+ also writes \restrict lines with a random key.) Never fails: an empty schema dumps to nothing.
dump() {
    pg_dump -d "$1" --schema-only --no-owner --no-privileges |
        grep -vE '^(--|SET |SELECT pg_catalog.set_config|\\(un)?restrict |$)' || true
}
# Everything a down-to-empty must remove.
leftovers() {
    q -d "$1" -c "
      SELECT 'relation ' || c.relname || ' (' || c.relkind::text || ')' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public'
      UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c', 'r', 'm') AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)
      UNION ALL SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
}

PROBLEMS=()
problem() { PROBLEMS+=("$1"); echo "  PROBLEM: $1"; }

# ---- the checks, on one scenario tree ------------------------------------------------------------
check_tree() {
    local dir=$1 tag=$2
    local ups=() v f n i
    mapfile -t ups < <(ls "$dir"/migrations/*.up.sql | sort)
    n=${#ups[@]}
    local vers=()
    for f in "${ups[@]}"; do b=$(basename "$f"); vers+=("${b%%_*}"); done
    local dd="$WORK/$tag"; mkdir -p "$dd"

    echo "== [$tag] chain: ${n} revisions up on an empty database"
    newdb "${tag}_chain"
    dump "${tag}_chain" >"$dd/schema_0000.sql"
    for ((i = 0; i < n; i++)); do
        if ! apply "${tag}_chain" "${ups[$i]}" >"$dd/chain.log" 2>&1; then
            problem "[$tag] chain: ${vers[$i]} failed on an empty database: $(grep -m1 ERROR "$dd/chain.log")"; return
        fi
        dump "${tag}_chain" >"$dd/schema_${vers[$i]}.sql"
    done
    echo "  ok: head ${vers[$((n - 1))]}"

    echo "== [$tag] downs: head to empty, each step compared with the schema one revision lower"
    local prev
    for ((i = n - 1; i >= 0; i--)); do
        f=${ups[$i]%.up.sql}.down.sql
        prev=$([ "$i" -gt 0 ] && echo "${vers[$((i - 1))]}" || echo 0000)
        if ! apply "${tag}_chain" "$f" >"$dd/down.log" 2>&1; then
            problem "[$tag] down ${vers[$i]} failed: $(grep -m1 ERROR "$dd/down.log")"; return
        fi
        if ! dump "${tag}_chain" | diff "$dd/schema_$prev.sql" - >"$dd/down_${vers[$i]}.diff"; then
            problem "[$tag] down ${vers[$i]} does not restore $prev: $(grep -c '^[<>]' "$dd/down_${vers[$i]}.diff") differing line(s), e.g. $(grep -m1 '^[<>]' "$dd/down_${vers[$i]}.diff")"
            # go on from the schema it should have left
            newdb "${tag}_chain"; for ((j = 0; j < i; j++)); do apply "${tag}_chain" "${ups[$j]}" >/dev/null 2>&1; done
        fi
    done
    local left; left=$(leftovers "${tag}_chain")
    if [ -n "$left" ]; then problem "[$tag] down to empty leaves: $(echo "$left" | tr '\n' ' ')"; else echo "  ok: empty after 0001 down"; fi

    echo "== [$tag] per revision: up N, down N == N-1, up N == N"
    newdb "${tag}_rev"
    local bad=0
    for ((i = 0; i < n; i++)); do
        prev=$([ "$i" -gt 0 ] && echo "${vers[$((i - 1))]}" || echo 0000)
        f=${ups[$i]%.up.sql}.down.sql
        apply "${tag}_rev" "${ups[$i]}" >/dev/null 2>&1 || { problem "[$tag] per-rev: up ${vers[$i]} failed"; return; }
        apply "${tag}_rev" "$f" >/dev/null 2>&1 || { problem "[$tag] per-rev: down ${vers[$i]} failed"; return; }
        if ! dump "${tag}_rev" | diff -q "$dd/schema_$prev.sql" - >/dev/null; then
            problem "[$tag] per-rev: ${vers[$i]} up+down != $prev"; bad=1
            newdb "${tag}_rev"; for ((j = 0; j <= i; j++)); do apply "${tag}_rev" "${ups[$j]}" >/dev/null 2>&1; done
        else
            apply "${tag}_rev" "${ups[$i]}" >/dev/null 2>&1 || { problem "[$tag] per-rev: re-up ${vers[$i]} failed"; return; }
        fi
        dump "${tag}_rev" | diff -q "$dd/schema_${vers[$i]}.sql" - >/dev/null || { problem "[$tag] per-rev: ${vers[$i]} up/down/up != ${vers[$i]}"; bad=1; }
    done
    [ "$bad" = 0 ] && echo "  ok: ${n} revisions"

    echo "== [$tag] init: sql/init.sql vs the chain head"
    newdb "${tag}_init"
    if ! q -d "${tag}_init" -1 -f "$dir/sql/init.sql" >"$dd/init.log" 2>&1; then
        problem "[$tag] init.sql failed: $(grep -m1 ERROR "$dd/init.log")"
    elif ! dump "${tag}_init" | diff "$dd/schema_${vers[$((n - 1))]}.sql" - >"$dd/init.diff"; then
        problem "[$tag] init.sql differs from the chain: $(grep -c '^[<>]' "$dd/init.diff") line(s), e.g. $(grep -m1 '^[<>]' "$dd/init.diff")"
    else
        echo "  ok: pg_dump --schema-only identical ($(wc -l <"$dd/init.diff") diff lines, $(grep -c '^CREATE' "$dd/schema_${vers[$((n - 1))]}.sql") CREATE statements)"
    fi

    echo "== [$tag] seeded: 0001, seed/at_0001.sql, then 0002..head"
    local db="${tag}_seed"
    newdb "$db"
    apply "$db" "${ups[0]}" >/dev/null
    local t0 t1
    t0=$(date +%s.%N)
    q -d "$db" -1 -f "$dir/seed/at_0001.sql" >/dev/null
    t1=$(date +%s.%N)
    printf '  seed loaded in %.0f ms: %s\n' "$(echo "($t1 - $t0) * 1000" | bc)" \
        "$(q -d "$db" -F' ' -c "SELECT format('users %s, projects %s, jobs %s, audit_events %s', (SELECT count(*) FROM users), (SELECT count(*) FROM projects), (SELECT count(*) FROM jobs), (SELECT count(*) FROM audit_events))")"
    local before; before=$(q -d "$db" -c "SELECT count(*) FROM users UNION ALL SELECT count(*) FROM projects UNION ALL SELECT count(*) FROM jobs UNION ALL SELECT count(*) FROM audit_events" | tr '\n' ' ')
    : >"$dd/locks.txt"
    local failed=""
    for ((i = 1; i < n; i++)); do
        f=${ups[$i]}
        if is_autocommit "$f"; then
            # A writer keeps a transaction open on the tables for 0.8 s (shorter than lock_timeout): the
            # concurrent builds wait for it while we sample the migration's locks; the writer is not blocked.
            q -d "$db" -c "BEGIN; LOCK TABLE $LARGE, jobs, projects, users IN ROW EXCLUSIVE MODE; SELECT pg_sleep(0.8); COMMIT;" >/dev/null 2>&1 &
            local wpid=$!
            sleep 0.2
            PGAPPNAME=tenancy-migration q -d "$db" -f "$f" >"$dd/seed_${vers[$i]}.log" 2>&1 &
            local mpid=$!
            : >"$dd/samples"
            while kill -0 "$mpid" 2>/dev/null; do
                q -d "$db" -c "SELECT c.relname || ' ' || l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                                JOIN pg_stat_activity a ON a.pid = l.pid
                                WHERE a.application_name = 'tenancy-migration' AND l.granted AND c.relname IN ('$LARGE','jobs','projects','users')" >>"$dd/samples" 2>/dev/null
                sleep 0.05
            done
            wait "$mpid"; local rc=$?; wait "$wpid"
            echo "${vers[$i]} autocommit: $(sort -u "$dd/samples" | tr '\n' ';') writer committed meanwhile" >>"$dd/locks.txt"
            [ $rc = 0 ] || { failed="${vers[$i]}"; break; }
        else
            # The file in one transaction; before COMMIT, what it locked and whether it scanned the large table.
            if ! q -d "$db" -F' ' >"$dd/seed_${vers[$i]}.log" 2>&1 <<SQL
BEGIN;
SET client_min_messages = debug1;
\i $f
RESET client_min_messages;
SELECT '${vers[$i]} tx: ' || coalesce((SELECT string_agg(DISTINCT c.relname || ' ' || l.mode, '; ')
         FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE l.pid = pg_backend_pid() AND c.relkind IN ('r', 'v') AND c.relnamespace = 'public'::regnamespace), '-')
    || ' | $LARGE seq_scan=' || coalesce((SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = '$LARGE'), 0)
    || ' | $LARGE ACCESS EXCLUSIVE=' || EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND relation = to_regclass('$LARGE') AND mode = 'AccessExclusiveLock');
COMMIT;
SQL
            then failed="${vers[$i]}"; break; fi
            grep " tx: " "$dd/seed_${vers[$i]}.log" >>"$dd/locks.txt"
            grep -o 'existing constraints on column "[a-z_.]*" are sufficient to prove[^.]*' "$dd/seed_${vers[$i]}.log" | sed "s/^/${vers[$i]}   DEBUG: /" >>"$dd/locks.txt"
        fi
    done
    if [ -n "$failed" ]; then
        problem "[$tag] seeded upgrade failed at $failed: $(grep -m1 -A2 'ERROR' "$dd/seed_$failed.log" | sed "s|$dir/||g" | tr '\n' ' ')"
        return
    fi
    echo "  ok: upgraded to head"
    sed 's/^/    /' "$dd/locks.txt"
    # Large table: a migration that scans it must not hold a lock that blocks its writers.
    while read -r line; do
        case "$line" in
            *"$LARGE seq_scan=0"*|*"DEBUG"*|*autocommit*) ;;
            *" tx: "*)
                if echo "$line" | grep -qE "$LARGE (ShareLock|ShareRowExclusiveLock|ExclusiveLock|AccessExclusiveLock)"; then
                    problem "[$tag] ${line%% *}: scans public.$LARGE while holding $(echo "$line" | grep -oE "$LARGE (ShareLock|ShareRowExclusiveLock|ExclusiveLock|AccessExclusiveLock)" | tr '\n' ' ')-- writers wait. $(grep -n -iE 'CREATE (UNIQUE )?INDEX' "$dir/migrations/${line%% *}"_*.up.sql | grep -i "$LARGE" | grep -vi concurrently | sed "s|^|statement at line |" | head -1)"
                fi ;;
        esac
    done <"$dd/locks.txt"
    grep -q "$LARGE ShareUpdateExclusiveLock" <(grep autocommit "$dd/locks.txt") || true

    echo "== [$tag] invariants at head"
    for f in "$dir"/invariants/*.sql; do
        local rows; rows=$(q -d "$db" -f "$f" 2>&1 | grep -c .)
        if [ "$rows" != 0 ]; then problem "[$tag] invariant $(basename "$f") returned $rows row(s)"; else echo "  ok: $(basename "$f") (0 rows)"; fi
    done
    local after; after=$(q -d "$db" -c "SELECT count(*) FROM users UNION ALL SELECT count(*) FROM projects UNION ALL SELECT count(*) FROM jobs UNION ALL SELECT count(*) FROM audit_events" | tr '\n' ' ')
    if [ "$before" = "$after" ]; then echo "  ok: row counts users/projects/jobs/audit_events unchanged: $after"; else problem "[$tag] row counts changed: $before -> $after"; fi
}

# ---- lock_timeout: a revision gives up after 2 s instead of queueing behind a long reader -------------
lock_timeout_demo() {
    echo "== lock_timeout: 0003 against a reader holding ACCESS SHARE on $LARGE for 5 s"
    newdb lt
    q -d lt -1 -f "$SCEN/migrations/0001_baseline.up.sql" && q -d lt -1 -f "$SCEN/migrations/0002_create_tenants.up.sql"
    q -d lt -c "BEGIN; SELECT count(*) FROM $LARGE; SELECT pg_sleep(5); COMMIT;" >/dev/null &
    local rpid=$!
    sleep 0.3
    local t0 t1 out
    t0=$(date +%s.%N)
    out=$(q -d lt -1 -f "$SCEN/migrations/0003_add_tenant_id_nullable.up.sql" 2>&1)
    t1=$(date +%s.%N)
    printf '  after %.1f s: %s\n' "$(echo "$t1 - $t0" | bc)" "$(echo "$out" | grep -m1 ERROR | sed "s|$SCEN/||")"
    echo "$out" | grep -q 'lock timeout' || problem "0003 did not stop on lock_timeout"
    wait "$rpid"
}

# ---- run ------------------------------------------------------------------------------------------
psql -X -At -d postgres -c "SELECT 'server: ' || version()" | cut -c1-60
check_tree "$SCEN" scenario
SCEN_PROBLEMS=${#PROBLEMS[@]}
lock_timeout_demo
status=0
[ "${#PROBLEMS[@]}" = 0 ] || status=1

declare -A EXPECT=(
    [irreversible-down]='down 0009 does not restore 0008'
    [backfill-misses-rows]='seeded upgrade failed at 0007'
    [enum-unknown-value]='seeded upgrade failed at 0010'
    [index-without-concurrently]='0004: scans public.audit_events while holding'
)
shopt -s nullglob
for v in "$SCEN"/variants/*/; do
    name=$(basename "$v")
    tree="$WORK/tree-$name"
    mkdir -p "$tree" && cp -r "$SCEN"/. "$tree"/ && rm -rf "$tree/variants" && cp -r "$v". "$tree"/
    echo
    echo "######## variant $name"
    start=${#PROBLEMS[@]}
    check_tree "$tree" "$(echo "$name" | tr - _)"
    mine=("${PROBLEMS[@]:$start}")
    # The per-revision test repeats the down finding: count distinct kinds.
    hits=0; other=0
    for p in "${mine[@]}"; do
        if [[ "$p" == *"${EXPECT[$name]:-@@none@@}"* ]]; then hits=$((hits + 1));
        elif [[ "$name" == irreversible-down && "$p" == *"per-rev: 0009 up+down != 0008"* ]]; then :;
        else other=$((other + 1)); fi
    done
    if [ "$hits" = 1 ] && [ "$other" = 0 ]; then echo ">> variant $name: fails as expected (${EXPECT[$name]})"
    else echo ">> variant $name: UNEXPECTED ($hits expected, $other other problem(s))"; status=1; fi
done

echo
if [ "$SCEN_PROBLEMS" = 0 ] && [ "$status" = 0 ]; then echo "check.sh: scenario clean, every variant fails in its own way"; else echo "check.sh: FAILED"; fi
exit $status
