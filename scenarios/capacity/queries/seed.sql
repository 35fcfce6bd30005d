-- Seed data for the partition-pruning gate (seed 002, P0-3): 4 instances x 8 databases, one
-- database_size_stats row per database and day from 2025-01-01 to 2026-12-31 (all 24 monthly
-- partitions), and weekly + monthly database_size_aggregations over the same span.
INSERT INTO public.instances (name, db_type, host, port)
SELECT 'inst-' || i, CASE WHEN i % 2 = 0 THEN 'mysql' ELSE 'postgresql' END, 'db' || i || '.example.internal', 5432
FROM generate_series(1, 4) AS i;

INSERT INTO public.instance_databases (instance_id, database_name, first_seen_date, last_seen_date)
SELECT i.id, 'db_' || d, DATE '2025-01-01', DATE '2026-12-31'
FROM public.instances AS i CROSS JOIN generate_series(1, 8) AS d;

INSERT INTO public.database_size_stats (instance_id, database_name, size_mb, data_size_mb, log_size_mb, collected_date, collected_at)
SELECT idb.instance_id, idb.database_name,
       1000 + idb.id * 10 + (day::date - DATE '2025-01-01'),
       900 + idb.id * 10 + (day::date - DATE '2025-01-01'),
       100,
       day::date, day + TIME '02:00'
FROM public.instance_databases AS idb
CROSS JOIN generate_series(DATE '2025-01-01', DATE '2026-12-31', INTERVAL '1 day') AS day;

INSERT INTO public.database_size_aggregations
    (instance_id, database_name, period_type, period_start, period_end, avg_size_mb, max_size_mb, min_size_mb, data_count)
SELECT idb.instance_id, idb.database_name, 'weekly', w::date, (w + INTERVAL '6 days')::date,
       1000 + idb.id, 1010 + idb.id, 990 + idb.id, 7
FROM public.instance_databases AS idb
CROSS JOIN generate_series(DATE '2024-12-30', DATE '2026-12-28', INTERVAL '7 days') AS w
WHERE w >= DATE '2025-01-01';

INSERT INTO public.database_size_aggregations
    (instance_id, database_name, period_type, period_start, period_end, avg_size_mb, max_size_mb, min_size_mb, data_count)
SELECT idb.instance_id, idb.database_name, 'monthly', m::date, (m + INTERVAL '1 month' - INTERVAL '1 day')::date,
       1000 + idb.id, 1030 + idb.id, 970 + idb.id, 30
FROM public.instance_databases AS idb
CROSS JOIN generate_series(DATE '2025-01-01', DATE '2026-12-01', INTERVAL '1 month') AS m;
