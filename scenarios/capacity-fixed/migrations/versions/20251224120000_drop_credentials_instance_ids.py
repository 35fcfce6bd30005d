"""drop credentials.instance_ids

Revision ID: 20251224120000
Revises: 20251219161048
Create Date: 2025-12-24 12:00:00.000000

credentials.instance_ids (jsonb) duplicated instances.credential_id and was no
longer read or written by the application.

Idempotent: databases built from sql/init_postgresql.sql and stamped at the
baseline never had the column, so it is dropped only if it exists.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "20251224120000"
down_revision = "20251219161048"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE credentials DROP COLUMN IF EXISTS instance_ids")


def downgrade():
    op.execute("ALTER TABLE credentials ADD COLUMN IF NOT EXISTS instance_ids jsonb")
