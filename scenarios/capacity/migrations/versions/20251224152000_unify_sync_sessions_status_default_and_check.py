"""unify sync_sessions status default and check

Revision ID: 20251224152000
Revises: 20251224134000
Create Date: 2025-12-24 15:20:00.000000

Sessions are created already running; 'pending' was never a real session
state. Backfill historical 'pending' rows to 'running', make 'running' the
default and tighten the CHECK constraint.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "20251224152000"
down_revision = "20251224134000"
branch_labels = None
depends_on = None

OLD_STATUSES = ("pending", "running", "completed", "failed", "cancelled")
NEW_STATUSES = ("running", "completed", "failed", "cancelled")


def _status_check(statuses):
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade():
    op.execute("UPDATE sync_sessions SET status = 'running' WHERE status = 'pending'")
    op.alter_column(
        "sync_sessions",
        "status",
        existing_type=sa.String(length=20),
        existing_nullable=False,
        server_default=sa.text("'running'::character varying"),
    )
    op.drop_constraint("sync_sessions_status_check", "sync_sessions", type_="check")
    op.create_check_constraint("sync_sessions_status_check", "sync_sessions", _status_check(NEW_STATUSES))


def downgrade():
    op.drop_constraint("sync_sessions_status_check", "sync_sessions", type_="check")
    op.create_check_constraint("sync_sessions_status_check", "sync_sessions", _status_check(OLD_STATUSES))
    op.alter_column(
        "sync_sessions",
        "status",
        existing_type=sa.String(length=20),
        existing_nullable=False,
        server_default=sa.text("'pending'::character varying"),
    )
