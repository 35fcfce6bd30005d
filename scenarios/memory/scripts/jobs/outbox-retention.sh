#!/usr/bin/env bash
# outbox-retention: drop memory_outbox month partitions that ended before the retention window
# (seed 001, Phase C/D: cleanup takes the partition path — DETACH PARTITION then DROP TABLE — never a
# DELETE over the outbox). A partition that still holds unprocessed events is kept and reported.
#
#   scripts/jobs/outbox-retention.sh --keep-months N [--today YYYY-MM-DD] --confirm
#
# Keeps the current month and the N before it (counted from --today, default the real date).
set -euo pipefail

keep=3 today=now confirm=no
while [ $# -gt 0 ]; do
  case "$1" in
    --keep-months) keep=${2:-}; shift 2 || shift ;;
    --keep-months=*) keep=${1#*=}; shift ;;
    --today) today=${2:-}; shift 2 || shift ;;
    --today=*) today=${1#*=}; shift ;;
    --confirm) confirm=yes; shift ;;
    *) echo "outbox-retention: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
case "$keep" in ''|*[!0-9]*) echo "outbox-retention: --keep-months must be a whole number" >&2; exit 2 ;; esac
if [ "$confirm" != yes ]; then
  echo "outbox-retention: refusing: this drops outbox partitions older than $keep month(s); pass --confirm" >&2
  exit 2
fi
: "${DATABASE_URL:?outbox-retention: DATABASE_URL is not set}"

psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -v keep="$keep" -v today="$today" <<'SQL'
\o /dev/null
SELECT set_config('outbox_retention.cutoff',
                  (date_trunc('month', :'today'::timestamptz) - make_interval(months => :keep))::text, false);
\o
DO $retention$
DECLARE
    v_cutoff  timestamptz := current_setting('outbox_retention.cutoff')::timestamptz;
    v_part    regclass;
    v_upper   timestamptz;
    v_pending bigint;
BEGIN
    FOR v_part, v_upper IN
        SELECT c.oid::regclass,
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'memory_outbox'::regclass
           AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
         ORDER BY 2
    LOOP
        CONTINUE WHEN v_upper > v_cutoff;
        EXECUTE format('SELECT count(*) FROM %s WHERE processed_at IS NULL', v_part) INTO v_pending;
        IF v_pending > 0 THEN
            RAISE WARNING 'outbox-retention: keeping % (% unprocessed event(s))', v_part, v_pending;
            CONTINUE;
        END IF;
        EXECUTE format('ALTER TABLE memory_outbox DETACH PARTITION %s', v_part);
        EXECUTE format('DROP TABLE %s', v_part);
        RAISE NOTICE 'outbox-retention: dropped %', v_part;
    END LOOP;
END
$retention$;
SQL
