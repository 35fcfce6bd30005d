-- The memory service schema at the head of migrations/ (seed 001, Phase B), in one script.
-- memory_nodes / memory_edges / memory_commits: HASH (scope_key), 32 partitions each;
-- memory_outbox: RANGE (created_at), one partition per month of 2026, plus a default.

CREATE TABLE memory_nodes (
    tenant_id   text        NOT NULL,
    scope_key   text        NOT NULL,
    node_id     bigint      NOT NULL,
    kind        text        NOT NULL,
    content     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT memory_nodes_pkey PRIMARY KEY (scope_key, node_id)
) PARTITION BY HASH (scope_key);
CREATE TABLE memory_nodes_p00 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 0);
CREATE TABLE memory_nodes_p01 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 1);
CREATE TABLE memory_nodes_p02 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 2);
CREATE TABLE memory_nodes_p03 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 3);
CREATE TABLE memory_nodes_p04 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 4);
CREATE TABLE memory_nodes_p05 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 5);
CREATE TABLE memory_nodes_p06 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 6);
CREATE TABLE memory_nodes_p07 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 7);
CREATE TABLE memory_nodes_p08 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 8);
CREATE TABLE memory_nodes_p09 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 9);
CREATE TABLE memory_nodes_p10 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 10);
CREATE TABLE memory_nodes_p11 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 11);
CREATE TABLE memory_nodes_p12 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 12);
CREATE TABLE memory_nodes_p13 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 13);
CREATE TABLE memory_nodes_p14 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 14);
CREATE TABLE memory_nodes_p15 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 15);
CREATE TABLE memory_nodes_p16 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 16);
CREATE TABLE memory_nodes_p17 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 17);
CREATE TABLE memory_nodes_p18 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 18);
CREATE TABLE memory_nodes_p19 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 19);
CREATE TABLE memory_nodes_p20 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 20);
CREATE TABLE memory_nodes_p21 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 21);
CREATE TABLE memory_nodes_p22 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 22);
CREATE TABLE memory_nodes_p23 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 23);
CREATE TABLE memory_nodes_p24 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 24);
CREATE TABLE memory_nodes_p25 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 25);
CREATE TABLE memory_nodes_p26 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 26);
CREATE TABLE memory_nodes_p27 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 27);
CREATE TABLE memory_nodes_p28 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 28);
CREATE TABLE memory_nodes_p29 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 29);
CREATE TABLE memory_nodes_p30 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 30);
CREATE TABLE memory_nodes_p31 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 32, REMAINDER 31);
CREATE INDEX memory_nodes_scope_kind_idx ON memory_nodes (scope_key, kind, updated_at DESC);
CREATE INDEX memory_nodes_tenant_idx ON memory_nodes (tenant_id);

CREATE TABLE memory_edges (
    tenant_id    text        NOT NULL,
    scope_key    text        NOT NULL,
    edge_id      bigint      NOT NULL,
    src_node_id  bigint      NOT NULL,
    dst_node_id  bigint      NOT NULL,
    relation     text        NOT NULL,
    weight       real        NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT memory_edges_pkey PRIMARY KEY (scope_key, edge_id)
) PARTITION BY HASH (scope_key);
CREATE TABLE memory_edges_p00 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 0);
CREATE TABLE memory_edges_p01 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 1);
CREATE TABLE memory_edges_p02 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 2);
CREATE TABLE memory_edges_p03 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 3);
CREATE TABLE memory_edges_p04 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 4);
CREATE TABLE memory_edges_p05 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 5);
CREATE TABLE memory_edges_p06 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 6);
CREATE TABLE memory_edges_p07 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 7);
CREATE TABLE memory_edges_p08 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 8);
CREATE TABLE memory_edges_p09 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 9);
CREATE TABLE memory_edges_p10 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 10);
CREATE TABLE memory_edges_p11 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 11);
CREATE TABLE memory_edges_p12 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 12);
CREATE TABLE memory_edges_p13 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 13);
CREATE TABLE memory_edges_p14 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 14);
CREATE TABLE memory_edges_p15 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 15);
CREATE TABLE memory_edges_p16 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 16);
CREATE TABLE memory_edges_p17 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 17);
CREATE TABLE memory_edges_p18 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 18);
CREATE TABLE memory_edges_p19 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 19);
CREATE TABLE memory_edges_p20 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 20);
CREATE TABLE memory_edges_p21 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 21);
CREATE TABLE memory_edges_p22 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 22);
CREATE TABLE memory_edges_p23 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 23);
CREATE TABLE memory_edges_p24 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 24);
CREATE TABLE memory_edges_p25 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 25);
CREATE TABLE memory_edges_p26 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 26);
CREATE TABLE memory_edges_p27 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 27);
CREATE TABLE memory_edges_p28 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 28);
CREATE TABLE memory_edges_p29 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 29);
CREATE TABLE memory_edges_p30 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 30);
CREATE TABLE memory_edges_p31 PARTITION OF memory_edges FOR VALUES WITH (MODULUS 32, REMAINDER 31);
CREATE INDEX memory_edges_src_idx ON memory_edges (scope_key, src_node_id);
CREATE INDEX memory_edges_dst_idx ON memory_edges (scope_key, dst_node_id);

CREATE TABLE memory_commits (
    tenant_id         text        NOT NULL,
    scope_key         text        NOT NULL,
    commit_id         bigint      NOT NULL,
    parent_commit_id  bigint,
    author            text        NOT NULL,
    message           text        NOT NULL DEFAULT '',
    nodes_changed     integer     NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT memory_commits_pkey PRIMARY KEY (scope_key, commit_id)
) PARTITION BY HASH (scope_key);
CREATE TABLE memory_commits_p00 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 0);
CREATE TABLE memory_commits_p01 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 1);
CREATE TABLE memory_commits_p02 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 2);
CREATE TABLE memory_commits_p03 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 3);
CREATE TABLE memory_commits_p04 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 4);
CREATE TABLE memory_commits_p05 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 5);
CREATE TABLE memory_commits_p06 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 6);
CREATE TABLE memory_commits_p07 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 7);
CREATE TABLE memory_commits_p08 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 8);
CREATE TABLE memory_commits_p09 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 9);
CREATE TABLE memory_commits_p10 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 10);
CREATE TABLE memory_commits_p11 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 11);
CREATE TABLE memory_commits_p12 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 12);
CREATE TABLE memory_commits_p13 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 13);
CREATE TABLE memory_commits_p14 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 14);
CREATE TABLE memory_commits_p15 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 15);
CREATE TABLE memory_commits_p16 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 16);
CREATE TABLE memory_commits_p17 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 17);
CREATE TABLE memory_commits_p18 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 18);
CREATE TABLE memory_commits_p19 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 19);
CREATE TABLE memory_commits_p20 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 20);
CREATE TABLE memory_commits_p21 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 21);
CREATE TABLE memory_commits_p22 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 22);
CREATE TABLE memory_commits_p23 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 23);
CREATE TABLE memory_commits_p24 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 24);
CREATE TABLE memory_commits_p25 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 25);
CREATE TABLE memory_commits_p26 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 26);
CREATE TABLE memory_commits_p27 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 27);
CREATE TABLE memory_commits_p28 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 28);
CREATE TABLE memory_commits_p29 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 29);
CREATE TABLE memory_commits_p30 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 30);
CREATE TABLE memory_commits_p31 PARTITION OF memory_commits FOR VALUES WITH (MODULUS 32, REMAINDER 31);
CREATE INDEX memory_commits_scope_created_idx ON memory_commits (scope_key, created_at DESC);

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
