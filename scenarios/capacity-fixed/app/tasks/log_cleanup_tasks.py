#!/usr/bin/python3
"""Log cleanup task (seed 002: app/tasks/log_cleanup_tasks.py:24): keep 30 days of unified_logs.

unified_logs is partitioned by month on "timestamp" (revision 20251226090000), so the cleanup drops
every month that ended more than --days ago: DETACH PARTITION, then DROP TABLE. No row-by-row DELETE,
no dead tuples, no long transaction; a month is kept until all of it is past the window, so between
30 and 61 days of logs remain. Run: app/tasks/log_cleanup_tasks.py [--days 30] [--now 2026-06-15T00:00:00+00:00]
"""
import argparse
import datetime
import os
import sys

from sqlalchemy import create_engine, text

# Month partitions whose upper bound is at or before the cutoff (the DEFAULT partition never is).
EXPIRED_PARTITIONS = text(
    "SELECT c.relname"
    "  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
    " WHERE i.inhparent = 'public.unified_logs'::regclass"
    "   AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'"
    "   AND (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz <= :cutoff"
    " ORDER BY 1"
)


def cleanup_old_logs(engine, days, now):
    cutoff = now - datetime.timedelta(days=days)
    dropped = []
    with engine.begin() as conn:
        for (partition,) in conn.execute(EXPIRED_PARTITIONS, {"cutoff": cutoff}).fetchall():
            conn.execute(text(f'ALTER TABLE public.unified_logs DETACH PARTITION public."{partition}"'))
            conn.execute(text(f'DROP TABLE public."{partition}"'))
            dropped.append(partition)
    return dropped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--now", type=datetime.datetime.fromisoformat,
                        default=datetime.datetime.now(datetime.timezone.utc))
    args = parser.parse_args()
    engine = create_engine(os.environ["DATABASE_URL"])
    dropped = cleanup_old_logs(engine, args.days, args.now)
    print(f"log cleanup: dropped {len(dropped)} month partition(s): {', '.join(dropped) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
