-- memory service, seed 001 Phase B: memory_commits, HASH (scope_key), 32 partitions
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
