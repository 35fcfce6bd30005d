-- 0007 (seed 003 revision C, step 2 of 3; "约束收紧前必须有回填验证"): validate the NOT NULL checks and the
-- tenant foreign keys. VALIDATE CONSTRAINT scans the table under SHARE UPDATE EXCLUSIVE (reads and writes go
-- on; only other DDL waits), and ROW SHARE on tenants for the foreign keys. A row the backfill missed fails here.
SET LOCAL lock_timeout = '2s';

ALTER TABLE users        VALIDATE CONSTRAINT users_tenant_id_not_null;
ALTER TABLE projects     VALIDATE CONSTRAINT projects_tenant_id_not_null;
ALTER TABLE jobs         VALIDATE CONSTRAINT jobs_tenant_id_not_null;
ALTER TABLE audit_events VALIDATE CONSTRAINT audit_events_tenant_id_not_null;

ALTER TABLE users        VALIDATE CONSTRAINT users_tenant_id_fkey;
ALTER TABLE projects     VALIDATE CONSTRAINT projects_tenant_id_fkey;
ALTER TABLE jobs         VALIDATE CONSTRAINT jobs_tenant_id_fkey;
ALTER TABLE audit_events VALIDATE CONSTRAINT audit_events_tenant_id_fkey;
