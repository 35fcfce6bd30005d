"""partition unified_logs by month

Revision ID: 20251226090000
Revises: 20251224164000
Create Date: 2025-12-26 09:00:00.000000

Seed 002 (II/7, III/P2): the 30-day log cleanup (app/tasks/log_cleanup_tasks.py) was a conditional
bulk DELETE over unified_logs. Partitioned by month on "timestamp", the cleanup drops whole expired
months (DETACH PARTITION + DROP TABLE) instead. The primary key must contain the partition key, so it
becomes (id, "timestamp"); the rows are copied over in the same transaction.

Idempotent: does nothing when unified_logs is already partitioned (sql/init_postgresql.sql creates it
that way).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "20251226090000"
down_revision = "20251224164000"
branch_labels = None
depends_on = None

UPGRADE = """
DO $$
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = 'public.unified_logs'::regclass) = 'p' THEN
        RETURN;
    END IF;
    CREATE TABLE public.unified_logs_by_month (
        id integer DEFAULT nextval('public.unified_logs_id_seq'::regclass) NOT NULL,
        "timestamp" timestamp with time zone NOT NULL,
        level public.log_level NOT NULL,
        module character varying(100) NOT NULL,
        message text NOT NULL,
        traceback text,
        context jsonb,
        created_at timestamp with time zone DEFAULT now(),
        CONSTRAINT unified_logs_level_check CHECK (level IN ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'))
    ) PARTITION BY RANGE ("timestamp");
    CREATE TABLE public.unified_logs_2026_01 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_02 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_03 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-04-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_04 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-04-01 00:00:00+00') TO ('2026-05-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_05 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-05-01 00:00:00+00') TO ('2026-06-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_06 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-06-01 00:00:00+00') TO ('2026-07-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_07 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-07-01 00:00:00+00') TO ('2026-08-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_08 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-08-01 00:00:00+00') TO ('2026-09-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_09 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-09-01 00:00:00+00') TO ('2026-10-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_10 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-10-01 00:00:00+00') TO ('2026-11-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_11 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00');
    CREATE TABLE public.unified_logs_2026_12 PARTITION OF public.unified_logs_by_month FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
    CREATE TABLE public.unified_logs_default PARTITION OF public.unified_logs_by_month DEFAULT;
    INSERT INTO public.unified_logs_by_month SELECT * FROM public.unified_logs;
    -- The sequence belongs to the old table's id: detach it, or DROP TABLE would take it along.
    ALTER SEQUENCE public.unified_logs_id_seq OWNED BY NONE;
    DROP TABLE public.unified_logs;
    ALTER TABLE public.unified_logs_by_month RENAME TO unified_logs;
    ALTER TABLE public.unified_logs ADD CONSTRAINT unified_logs_pkey PRIMARY KEY (id, "timestamp");
    ALTER SEQUENCE public.unified_logs_id_seq OWNED BY public.unified_logs.id;
    CREATE INDEX idx_unified_logs_timestamp ON public.unified_logs USING btree ("timestamp");
    CREATE INDEX idx_unified_logs_level ON public.unified_logs USING btree (level);
    CREATE INDEX idx_unified_logs_module ON public.unified_logs USING btree (module);
    CREATE INDEX idx_unified_logs_timestamp_level_module ON public.unified_logs USING btree ("timestamp", level, module);
    CREATE INDEX idx_unified_logs_timestamp_module ON public.unified_logs USING btree ("timestamp", module);
END
$$;
"""


def upgrade():
    op.execute(UPGRADE)


def downgrade():
    raise NotImplementedError("unified_logs stays partitioned: restore from backup to go back")
