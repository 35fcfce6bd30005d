-- Instance detail, latest size of each database (app/routes/instances/detail.py:602
-- _fetch_latest_database_sizes): row_number() over the instance's whole history. $1 = instance id.
SELECT ranked.database_name, ranked.size_mb, ranked.data_size_mb, ranked.log_size_mb,
       ranked.collected_date, ranked.collected_at, idb.is_active
FROM (
    SELECT s.database_name, s.size_mb, s.data_size_mb, s.log_size_mb, s.collected_date, s.collected_at,
           row_number() OVER (PARTITION BY s.database_name ORDER BY s.collected_date DESC, s.collected_at DESC) AS rn
    FROM public.database_size_stats AS s
    WHERE s.instance_id = $1
) AS ranked
LEFT JOIN public.instance_databases AS idb
       ON idb.instance_id = $1 AND idb.database_name = ranked.database_name
WHERE ranked.rn = 1
ORDER BY ranked.size_mb DESC
