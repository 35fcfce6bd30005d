-- Database aggregations list (app/services/statistics/database_statistics_service.py:60-62
-- fetch_aggregations): the period filter is on period_end, but the table is partitioned by
-- period_start, so every monthly partition is scanned. $1 = period type, $2/$3 = date range.
SELECT a.instance_id, a.database_name, a.period_type, a.period_start, a.period_end,
       a.avg_size_mb, a.max_size_mb, a.min_size_mb, a.growth_rate
FROM public.database_size_aggregations AS a
WHERE a.period_type = $1
  AND a.period_end >= $2
  AND a.period_end <= $3
ORDER BY a.period_start DESC, a.instance_id, a.database_name
LIMIT 100
