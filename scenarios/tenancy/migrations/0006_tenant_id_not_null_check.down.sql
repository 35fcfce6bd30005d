-- 0006 down.
SET LOCAL lock_timeout = '2s';

ALTER TABLE audit_events DROP CONSTRAINT audit_events_tenant_id_not_null;
ALTER TABLE jobs         DROP CONSTRAINT jobs_tenant_id_not_null;
ALTER TABLE projects     DROP CONSTRAINT projects_tenant_id_not_null;
ALTER TABLE users        DROP CONSTRAINT users_tenant_id_not_null;
