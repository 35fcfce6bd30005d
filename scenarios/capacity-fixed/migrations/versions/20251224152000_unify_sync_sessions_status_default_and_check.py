"""unify sync_sessions status default and check

Revision ID: 20251224152000
Revises: 20251224134000
Create Date: 2025-12-24 15:20:00.000000

Sessions are created already running; 'pending' was never a real session
state. Backfill historical 'pending' rows to 'running', make 'running' the
default and tighten the CHECK constraint.

Safe to rerun: the backfill and SET DEFAULT are naturally idempotent, and the
CHECK constraint is dropped with IF EXISTS before it is (re)created.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "20251224152000"
down_revision = "20251224134000"
branch_labels = None
depends_on = None

OLD_STATUSES = ("pending", "running", "completed", "failed", "cancelled")
NEW_STATUSES = ("running", "completed", "failed", "cancelled")


def _replace_status_check(statuses):
    values = ", ".join(f"'{s}'" for s in statuses)
    op.execute("ALTER TABLE sync_sessions DROP CONSTRAINT IF EXISTS sync_sessions_status_check")
    op.execute(
        "ALTER TABLE sync_sessions ADD CONSTRAINT sync_sessions_status_check "
        f"CHECK (status IN ({values}))"
    )


def upgrade():
    op.execute("UPDATE sync_sessions SET status = 'running' WHERE status = 'pending'")
    op.execute("ALTER TABLE sync_sessions ALTER COLUMN status SET DEFAULT 'running'::character varying")
    _replace_status_check(NEW_STATUSES)


def downgrade():
    _replace_status_check(OLD_STATUSES)
    op.execute("ALTER TABLE sync_sessions ALTER COLUMN status SET DEFAULT 'pending'::character varying")
