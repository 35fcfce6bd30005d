#!/usr/bin/python3
"""Log cleanup task (seed 002: app/tasks/log_cleanup_tasks.py:24): keep 30 days of unified_logs.

As the review found it: a hard, conditional bulk DELETE over the whole log table, one statement, one
transaction. Run: app/tasks/log_cleanup_tasks.py [--days 30] [--now 2026-06-15T00:00:00+00:00]
"""
import argparse
import datetime
import os
import sys

from sqlalchemy import create_engine, text

DELETE_EXPIRED_LOGS = text(
    "DELETE FROM unified_logs "
    "WHERE \"timestamp\" < :cutoff"
)


def cleanup_old_logs(engine, days, now):
    cutoff = now - datetime.timedelta(days=days)
    with engine.begin() as conn:
        result = conn.execute(DELETE_EXPIRED_LOGS, {"cutoff": cutoff})
    return result.rowcount


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--now", type=datetime.datetime.fromisoformat,
                        default=datetime.datetime.now(datetime.timezone.utc))
    args = parser.parse_args()
    engine = create_engine(os.environ["DATABASE_URL"])
    deleted = cleanup_old_logs(engine, args.days, args.now)
    print(f"log cleanup: deleted {deleted} log row(s) older than {args.days} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
