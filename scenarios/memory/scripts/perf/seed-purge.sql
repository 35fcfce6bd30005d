-- Seed for the delete-paths gate (seed 001, Phase C): the perf tenant's benchmark scope, big enough
-- that a row-by-row DELETE costs what it costs in production, beside 48 scopes of four real tenants.
-- Perf runs in a dedicated tenant and scope (seed 001: "perf/reset 默认使用独立 tenant/scope"), so no
-- other scope shares its hash partitions: scopes that would land there are left out. The outbox gets
-- six months of events so the retention job has expired partitions to drop.

-- The hash partition (remainder of 32) that tenant-perf/bench lands in; the same in all three tables.
CREATE TEMP TABLE perf_slot AS
SELECT r AS remainder FROM generate_series(0, 31) AS r
WHERE satisfies_hash_partition('memory_nodes'::regclass, 32, r, 'tenant-perf/bench'::text);

CREATE TEMP TABLE seed_scopes AS
SELECT 'tenant-' || t AS tenant_id, 'tenant-' || t || '/scope-' || lpad(s::text, 2, '0') AS scope_key
FROM generate_series(1, 4) AS t, generate_series(0, 11) AS s
WHERE NOT satisfies_hash_partition('memory_nodes'::regclass, 32, (SELECT remainder FROM perf_slot),
                                   'tenant-' || t || '/scope-' || lpad(s::text, 2, '0'));

-- The perf scope: 60,000 nodes, 60,000 edges, 12,000 commits.
INSERT INTO memory_nodes (tenant_id, scope_key, node_id, kind, content, created_at, updated_at)
SELECT 'tenant-perf', 'tenant-perf/bench', n, (ARRAY['fact', 'entity', 'episode', 'summary'])[1 + n % 4],
       jsonb_build_object('text', 'perf node ' || n), timestamptz '2026-05-01 00:00:00+00' + n * interval '1 minute',
       timestamptz '2026-05-01 00:00:00+00' + n * interval '1 minute'
FROM generate_series(1, 60000) AS n;
INSERT INTO memory_edges (tenant_id, scope_key, edge_id, src_node_id, dst_node_id, relation, created_at)
SELECT 'tenant-perf', 'tenant-perf/bench', e, e, (e * 7) % 60000 + 1, (ARRAY['mentions', 'derived_from', 'follows'])[1 + e % 3],
       timestamptz '2026-05-01 00:00:00+00' + e * interval '1 minute'
FROM generate_series(1, 60000) AS e;
INSERT INTO memory_commits (tenant_id, scope_key, commit_id, parent_commit_id, author, message, nodes_changed, created_at)
SELECT 'tenant-perf', 'tenant-perf/bench', c, NULLIF(c - 1, 0), 'perf', 'perf commit ' || c, 5,
       timestamptz '2026-05-01 00:00:00+00' + c * interval '5 minutes'
FROM generate_series(1, 12000) AS c;

-- Four tenants' scopes: 300 nodes, 300 edges and 60 commits each.
INSERT INTO memory_nodes (tenant_id, scope_key, node_id, kind, created_at, updated_at)
SELECT s.tenant_id, s.scope_key, n, (ARRAY['fact', 'entity'])[1 + n % 2],
       timestamptz '2026-01-01 00:00:00+00' + n * interval '9 hours', timestamptz '2026-01-01 00:00:00+00' + n * interval '9 hours'
FROM seed_scopes AS s, generate_series(1, 300) AS n;
INSERT INTO memory_edges (tenant_id, scope_key, edge_id, src_node_id, dst_node_id, relation, created_at)
SELECT s.tenant_id, s.scope_key, e, e, (e * 3) % 300 + 1, 'mentions', timestamptz '2026-01-01 00:00:00+00' + e * interval '9 hours'
FROM seed_scopes AS s, generate_series(1, 300) AS e;
INSERT INTO memory_commits (tenant_id, scope_key, commit_id, parent_commit_id, author, message, created_at)
SELECT s.tenant_id, s.scope_key, c, NULLIF(c - 1, 0), 'worker', 'commit ' || c, timestamptz '2026-01-01 00:00:00+00' + c * interval '2 days'
FROM seed_scopes AS s, generate_series(1, 60) AS c;

-- Outbox: 2026-01-01 .. 2026-06-30 for every scope, all processed except the last two weeks.
INSERT INTO memory_outbox (tenant_id, scope_key, event_type, created_at, processed_at, attempts)
SELECT s.tenant_id, s.scope_key, 'node.upserted', ts,
       CASE WHEN ts < timestamptz '2026-06-16 00:00:00+00' THEN ts + interval '2 seconds' END, 1
FROM seed_scopes AS s,
     generate_series(timestamptz '2026-01-01 00:00:00+00', timestamptz '2026-06-30 23:00:00+00', interval '9 hours') AS ts;

-- Statistics for the partitions the perf scope lives in, so both cleanup paths get the plans they get in
-- production (ANALYZE of every partition would cost seconds and change nothing here).
DO $$
DECLARE
    v_table text;
    v_part  regclass;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['memory_nodes', 'memory_edges', 'memory_commits'] LOOP
        EXECUTE format('SELECT tableoid::regclass FROM %I WHERE scope_key = $1 LIMIT 1', v_table) INTO v_part USING 'tenant-perf/bench';
        EXECUTE format('ANALYZE %s', v_part);
    END LOOP;
END
$$;
