-- 0004 (seed 000 P0-2, seed 003 revision E): tenant-leading indexes, built online ("大表索引优先在线创建").
-- CREATE INDEX CONCURRENTLY cannot run in a transaction block, so this file runs statement by statement in
-- autocommit. Each build takes SHARE UPDATE EXCLUSIVE: reads and writes of the table go on meanwhile.
-- If a build is interrupted it leaves an INVALID index: DROP INDEX CONCURRENTLY it and re-run the file.
SET lock_timeout = '2s';

CREATE INDEX CONCURRENTLY audit_events_tenant_id_created_at_idx ON audit_events (tenant_id, created_at);
CREATE INDEX CONCURRENTLY jobs_tenant_id_status_idx ON jobs (tenant_id, status);
CREATE INDEX CONCURRENTLY projects_tenant_id_idx ON projects (tenant_id);
