"""add primary keys to partitioned capacity tables

Revision ID: 20251224164000
Revises: 20251224152000
Create Date: 2025-12-24 16:40:00.000000

database_size_stats and database_size_aggregations came out of the production
dump without a primary key. On a partitioned table the key must contain the
partition key, so the primary keys are (id, collected_date) and
(id, period_start), matching instance_size_stats / instance_size_aggregations.
PostgreSQL creates the matching <partition>_pkey index on every partition.

Idempotent: a primary key is added only if the table has none yet
(sql/init_postgresql.sql already creates both).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "20251224164000"
down_revision = "20251224152000"
branch_labels = None
depends_on = None

PRIMARY_KEYS = (
    ("database_size_stats", "database_size_stats_pkey", "id, collected_date"),
    ("database_size_aggregations", "database_size_aggregations_pkey", "id, period_start"),
)


def upgrade():
    for table, name, columns in PRIMARY_KEYS:
        op.execute(
            f"""
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
          FROM pg_constraint
         WHERE conrelid = to_regclass('{table}')
           AND contype = 'p'
    ) THEN
        ALTER TABLE {table} ADD CONSTRAINT {name} PRIMARY KEY ({columns});
    END IF;
END
$$;
"""
        )


def downgrade():
    for table, name, _columns in reversed(PRIMARY_KEYS):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
