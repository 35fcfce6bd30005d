-- The outbox worker's poll: pending events of a time window (the partition key created_at bounds it).
SELECT id, scope_key, event_type, payload
FROM memory_outbox
WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
  AND processed_at IS NULL
ORDER BY created_at
LIMIT 100;
