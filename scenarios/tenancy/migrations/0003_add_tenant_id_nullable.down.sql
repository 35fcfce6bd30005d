-- 0003 down: drop the column (its foreign key goes with it).
SET LOCAL lock_timeout = '2s';

ALTER TABLE audit_events DROP COLUMN tenant_id;
ALTER TABLE jobs DROP COLUMN tenant_id;
ALTER TABLE projects DROP COLUMN tenant_id;
ALTER TABLE users DROP COLUMN tenant_id;
