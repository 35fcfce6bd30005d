-- Events of one scope in a time window (replaying a scope's recent history).
SELECT id, event_type, created_at, processed_at
FROM memory_outbox
WHERE scope_key = $1
  AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
ORDER BY created_at;
