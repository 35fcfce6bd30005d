-- Repaired aggregations list: the same periods (those ending between $2 and $3) selected through the
-- partition key period_start as well. A period ends at most 92 days (a quarter) after it starts, so
-- period_start BETWEEN $2 - 92 AND $3 keeps every matching row and lets the planner prune.
SELECT a.instance_id, a.database_name, a.period_type, a.period_start, a.period_end,
       a.avg_size_mb, a.max_size_mb, a.min_size_mb, a.growth_rate
FROM public.database_size_aggregations AS a
WHERE a.period_type = $1
  AND a.period_start >= $2::date - 92
  AND a.period_start <= $3::date
  AND a.period_end >= $2::date
  AND a.period_end <= $3::date
ORDER BY a.period_start DESC, a.instance_id, a.database_name
LIMIT 100
