-- 0005 down: the backfill changed data only, no schema. The values stay (0004's schema allows them, and the
-- up is idempotent: it only fills rows whose tenant_id IS NULL), so there is nothing to undo.
SET LOCAL lock_timeout = '2s';
