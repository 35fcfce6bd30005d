"""drop credentials.instance_ids

Revision ID: 20251224120000
Revises: 20251219161048
Create Date: 2025-12-24 12:00:00.000000

credentials.instance_ids (jsonb) duplicated instances.credential_id and was no
longer read or written by the application.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "20251224120000"
down_revision = "20251219161048"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_column("credentials", "instance_ids")


def downgrade():
    op.add_column(
        "credentials",
        sa.Column("instance_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
