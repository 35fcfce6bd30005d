-- Repaired ledger (seed 002, P0-3 short-term fix): the latest size is looked for only inside a
-- default time window on the partition key collected_date (90 days up to $1, the "as of" date,
-- which the app passes as CURRENT_DATE), so only the window's monthly partitions are scanned.
SELECT idb.id, i.name AS instance_name, idb.database_name, latest.size_mb, latest.collected_at
FROM public.instance_databases AS idb
JOIN public.instances AS i ON i.id = idb.instance_id
LEFT JOIN (
    SELECT s.instance_id, s.database_name, s.size_mb, s.collected_at
    FROM public.database_size_stats AS s
    JOIN (
        SELECT instance_id, database_name, max(collected_at) AS max_collected_at
        FROM public.database_size_stats
        WHERE collected_date BETWEEN $1::date - 90 AND $1::date
        GROUP BY instance_id, database_name
    ) AS m ON m.instance_id = s.instance_id AND m.database_name = s.database_name
          AND m.max_collected_at = s.collected_at
    WHERE s.collected_date BETWEEN $1::date - 90 AND $1::date
) AS latest ON latest.instance_id = idb.instance_id AND latest.database_name = idb.database_name
WHERE idb.deleted_at IS NULL
ORDER BY i.name, idb.database_name
LIMIT 50
