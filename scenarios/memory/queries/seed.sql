-- Seed data for the partition-pruning gate (seed 001, Phase B): 4 tenants × 16 scopes = 64 scopes,
-- spread over the 32 hash partitions; 64,000 nodes, 64,000 edges, 12,800 commits and 96,000 outbox
-- events over 2026 (every month partition, none in the default). Plans are realistic: the scoped
-- lookups use the per-partition indexes, the scope-less query has to read every partition.
INSERT INTO memory_nodes (tenant_id, scope_key, node_id, kind, content, created_at, updated_at)
SELECT 'tenant-' || (s % 4 + 1), 'tenant-' || (s % 4 + 1) || '/scope-' || lpad(s::text, 2, '0'), n,
       (ARRAY['fact', 'entity', 'episode', 'summary'])[1 + n % 4], jsonb_build_object('text', 'node ' || n),
       timestamptz '2026-01-01 00:00:00+00' + n * interval '8 hours',
       timestamptz '2026-01-01 00:00:00+00' + n * interval '8 hours' + interval '1 hour'
FROM generate_series(0, 63) AS s, generate_series(1, 1000) AS n;

INSERT INTO memory_edges (tenant_id, scope_key, edge_id, src_node_id, dst_node_id, relation, created_at)
SELECT 'tenant-' || (s % 4 + 1), 'tenant-' || (s % 4 + 1) || '/scope-' || lpad(s::text, 2, '0'), e,
       e, (e * 7) % 1000 + 1, (ARRAY['mentions', 'derived_from', 'follows'])[1 + e % 3],
       timestamptz '2026-01-01 00:00:00+00' + e * interval '8 hours'
FROM generate_series(0, 63) AS s, generate_series(1, 1000) AS e;

INSERT INTO memory_commits (tenant_id, scope_key, commit_id, parent_commit_id, author, message, nodes_changed, created_at)
SELECT 'tenant-' || (s % 4 + 1), 'tenant-' || (s % 4 + 1) || '/scope-' || lpad(s::text, 2, '0'), c,
       NULLIF(c - 1, 0), 'worker', 'commit ' || c, c % 17,
       timestamptz '2026-01-01 00:00:00+00' + c * interval '43 hours'
FROM generate_series(0, 63) AS s, generate_series(1, 200) AS c;

INSERT INTO memory_outbox (tenant_id, scope_key, event_type, payload, created_at, processed_at, attempts)
SELECT 'tenant-' || (s % 4 + 1), 'tenant-' || (s % 4 + 1) || '/scope-' || lpad(s::text, 2, '0'),
       (ARRAY['node.upserted', 'edge.upserted', 'commit.created'])[1 + i % 3], jsonb_build_object('seq', i),
       timestamptz '2026-01-01 00:00:00+00' + i * interval '350 minutes',
       CASE WHEN i < 1400 THEN timestamptz '2026-01-01 00:00:00+00' + i * interval '350 minutes' + interval '3 seconds' END,
       CASE WHEN i < 1400 THEN 1 ELSE 0 END
FROM generate_series(0, 63) AS s, generate_series(0, 1499) AS i;
