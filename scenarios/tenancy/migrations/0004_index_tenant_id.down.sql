-- 0004 down: drop the indexes online too (autocommit, SHARE UPDATE EXCLUSIVE).
SET lock_timeout = '2s';

DROP INDEX CONCURRENTLY IF EXISTS projects_tenant_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS jobs_tenant_id_status_idx;
DROP INDEX CONCURRENTLY IF EXISTS audit_events_tenant_id_created_at_idx;
