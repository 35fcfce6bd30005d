-- 0008 (seed 003 revision C, step 3 of 3; seed 000 P2-1): SET NOT NULL, then drop the helper check.
-- The validated CHECK (tenant_id IS NOT NULL) proves the column has no NULLs, so PostgreSQL (12+) skips the
-- table scan: ACCESS EXCLUSIVE for a catalog update only. (SET NOT NULL and the DROP stay two statements:
-- in one ALTER TABLE the check would be gone before SET NOT NULL looks for it, and the table would be scanned.)
SET LOCAL lock_timeout = '2s';

ALTER TABLE users        ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE projects     ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE jobs         ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE audit_events ALTER COLUMN tenant_id SET NOT NULL;

ALTER TABLE users        DROP CONSTRAINT users_tenant_id_not_null;
ALTER TABLE projects     DROP CONSTRAINT projects_tenant_id_not_null;
ALTER TABLE jobs         DROP CONSTRAINT jobs_tenant_id_not_null;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_tenant_id_not_null;
