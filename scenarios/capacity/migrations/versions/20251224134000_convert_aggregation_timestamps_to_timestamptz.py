"""convert aggregation timestamps to timestamptz

Revision ID: 20251224134000
Revises: 20251224120000
Create Date: 2025-12-24 13:40:00.000000

database_size_aggregations / instance_size_aggregations stored calculated_at
and created_at as timestamp without time zone (values written in UTC). Convert
them to timestamptz like every other timestamp in the schema. The ALTER
recurses into all monthly partitions (table rewrite).
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "20251224134000"
down_revision = "20251224120000"
branch_labels = None
depends_on = None

TABLES = ("database_size_aggregations", "instance_size_aggregations")
COLUMNS = ("calculated_at", "created_at")


def upgrade():
    for table in TABLES:
        for column in COLUMNS:
            op.alter_column(
                table,
                column,
                existing_type=sa.DateTime(timezone=False),
                type_=sa.DateTime(timezone=True),
                existing_nullable=False,
                existing_server_default=sa.text("now()"),
                postgresql_using=f"{column} AT TIME ZONE 'UTC'",
            )


def downgrade():
    for table in TABLES:
        for column in COLUMNS:
            op.alter_column(
                table,
                column,
                existing_type=sa.DateTime(timezone=True),
                type_=sa.DateTime(timezone=False),
                existing_nullable=False,
                existing_server_default=sa.text("now()"),
                postgresql_using=f"{column} AT TIME ZONE 'UTC'",
            )
