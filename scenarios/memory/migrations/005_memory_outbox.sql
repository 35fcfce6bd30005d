-- memory service, seed 001 Phase B: memory_outbox, RANGE (created_at) by month, 2026-01 .. 2026-12 + default
CREATE TABLE memory_outbox (
    id            bigserial   NOT NULL,
    tenant_id     text        NOT NULL,
    scope_key     text        NOT NULL,
    event_type    text        NOT NULL,
    payload       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    processed_at  timestamptz,
    attempts      integer     NOT NULL DEFAULT 0,
    CONSTRAINT memory_outbox_pkey PRIMARY KEY (created_at, id)
) PARTITION BY RANGE (created_at);
CREATE TABLE memory_outbox_2026_01 PARTITION OF memory_outbox FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_02 PARTITION OF memory_outbox FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_03 PARTITION OF memory_outbox FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-04-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_04 PARTITION OF memory_outbox FOR VALUES FROM ('2026-04-01 00:00:00+00') TO ('2026-05-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_05 PARTITION OF memory_outbox FOR VALUES FROM ('2026-05-01 00:00:00+00') TO ('2026-06-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_06 PARTITION OF memory_outbox FOR VALUES FROM ('2026-06-01 00:00:00+00') TO ('2026-07-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_07 PARTITION OF memory_outbox FOR VALUES FROM ('2026-07-01 00:00:00+00') TO ('2026-08-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_08 PARTITION OF memory_outbox FOR VALUES FROM ('2026-08-01 00:00:00+00') TO ('2026-09-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_09 PARTITION OF memory_outbox FOR VALUES FROM ('2026-09-01 00:00:00+00') TO ('2026-10-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_10 PARTITION OF memory_outbox FOR VALUES FROM ('2026-10-01 00:00:00+00') TO ('2026-11-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_11 PARTITION OF memory_outbox FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00');
CREATE TABLE memory_outbox_2026_12 PARTITION OF memory_outbox FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
-- Rows outside every month land here; the partition-health gate requires it to stay empty.
CREATE TABLE memory_outbox_default PARTITION OF memory_outbox DEFAULT;
CREATE INDEX memory_outbox_scope_created_idx ON memory_outbox (scope_key, created_at);
CREATE INDEX memory_outbox_pending_idx ON memory_outbox (created_at) WHERE processed_at IS NULL;
