"""add primary keys to partitioned capacity tables

Revision ID: 20251224164000
Revises: 20251224152000
Create Date: 2025-12-24 16:40:00.000000

database_size_stats and database_size_aggregations came out of the production
dump without a primary key. On a partitioned table the key must contain the
partition key, so the primary keys are (id, collected_date) and
(id, period_start), matching instance_size_stats / instance_size_aggregations.
PostgreSQL creates the matching <partition>_pkey index on every partition.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "20251224164000"
down_revision = "20251224152000"
branch_labels = None
depends_on = None


def upgrade():
    op.create_primary_key("database_size_stats_pkey", "database_size_stats", ["id", "collected_date"])
    op.create_primary_key("database_size_aggregations_pkey", "database_size_aggregations", ["id", "period_start"])


def downgrade():
    op.drop_constraint("database_size_aggregations_pkey", "database_size_aggregations", type_="primary")
    op.drop_constraint("database_size_stats_pkey", "database_size_stats", type_="primary")
