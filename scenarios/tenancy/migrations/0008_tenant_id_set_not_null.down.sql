-- 0008 down: back to a nullable column guarded by the validated check (the schema of 0007).
-- Re-adding the check validated scans each table under ACCESS EXCLUSIVE; acceptable for a rollback.
SET LOCAL lock_timeout = '2s';

ALTER TABLE audit_events ADD CONSTRAINT audit_events_tenant_id_not_null CHECK (tenant_id IS NOT NULL);
ALTER TABLE jobs         ADD CONSTRAINT jobs_tenant_id_not_null         CHECK (tenant_id IS NOT NULL);
ALTER TABLE projects     ADD CONSTRAINT projects_tenant_id_not_null     CHECK (tenant_id IS NOT NULL);
ALTER TABLE users        ADD CONSTRAINT users_tenant_id_not_null        CHECK (tenant_id IS NOT NULL);

ALTER TABLE audit_events ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE jobs         ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE projects     ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE users        ALTER COLUMN tenant_id DROP NOT NULL;
