-- 0006 (seed 003 revision C, step 1 of 3): NOT NULL the safe way. A CHECK (tenant_id IS NOT NULL) added
-- NOT VALID is enforced for new writes at once but does not scan the table: ACCESS EXCLUSIVE for a catalog
-- update only. 0007 validates it (no ACCESS EXCLUSIVE), 0008 turns it into SET NOT NULL without a scan.
SET LOCAL lock_timeout = '2s';

ALTER TABLE users        ADD CONSTRAINT users_tenant_id_not_null        CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE projects     ADD CONSTRAINT projects_tenant_id_not_null     CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE jobs         ADD CONSTRAINT jobs_tenant_id_not_null         CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
