-- BROKEN (variant index-without-concurrently): the tenant indexes are built with plain CREATE INDEX in one
-- transaction. On audit_events (the large table) that holds a SHARE lock for the whole build: every INSERT
-- of an audit event waits until the index is done. Same indexes, same schema as the real 0004.
-- Expected: migration-safety.index-without-concurrently on public.audit_events (line 7).
SET LOCAL lock_timeout = '2s';

CREATE INDEX audit_events_tenant_id_created_at_idx ON audit_events (tenant_id, created_at);
CREATE INDEX jobs_tenant_id_status_idx ON jobs (tenant_id, status);
CREATE INDEX projects_tenant_id_idx ON projects (tenant_id);
