"""convert aggregation timestamps to timestamptz

Revision ID: 20251224134000
Revises: 20251224120000
Create Date: 2025-12-24 13:40:00.000000

database_size_aggregations / instance_size_aggregations stored calculated_at
and created_at as timestamp without time zone (values written in UTC). Convert
them to timestamptz like every other timestamp in the schema. The ALTER
recurses into all monthly partitions (table rewrite).

Idempotent: a column is converted only while it is still
timestamp without time zone, so a database that already has timestamptz
(built from sql/init_postgresql.sql) is left alone. Plain SQL (DO blocks)
keeps the check working in offline (--sql) mode too.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "20251224134000"
down_revision = "20251224120000"
branch_labels = None
depends_on = None

TABLES = ("database_size_aggregations", "instance_size_aggregations")
COLUMNS = ("calculated_at", "created_at")


def _convert(table, column, from_type, to_type):
    return f"""
DO $$
BEGIN
    IF EXISTS (
        SELECT 1
          FROM information_schema.columns
         WHERE table_schema = current_schema()
           AND table_name = '{table}'
           AND column_name = '{column}'
           AND data_type = '{from_type}'
    ) THEN
        ALTER TABLE {table}
            ALTER COLUMN {column} TYPE {to_type}
            USING {column} AT TIME ZONE 'UTC';
    END IF;
END
$$;
"""


def upgrade():
    for table in TABLES:
        for column in COLUMNS:
            op.execute(_convert(table, column, "timestamp without time zone", "timestamp with time zone"))


def downgrade():
    for table in TABLES:
        for column in COLUMNS:
            op.execute(_convert(table, column, "timestamp with time zone", "timestamp without time zone"))
