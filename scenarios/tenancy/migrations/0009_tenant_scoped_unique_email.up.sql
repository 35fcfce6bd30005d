-- 0009 (seed 003 revision C): replace the global unique email with a tenant-scoped one, (tenant_id, email).
-- The unique index is built CONCURRENTLY (SHARE UPDATE EXCLUSIVE), then attached as the constraint
-- (ACCESS EXCLUSIVE, catalog only), then the global constraint is dropped (ACCESS EXCLUSIVE, catalog only).
-- CONCURRENTLY: this file runs statement by statement in autocommit.
SET lock_timeout = '2s';

CREATE UNIQUE INDEX CONCURRENTLY users_tenant_id_email_key ON users (tenant_id, email);
ALTER TABLE users ADD CONSTRAINT users_tenant_id_email_key UNIQUE USING INDEX users_tenant_id_email_key;
ALTER TABLE users DROP CONSTRAINT users_email_key;
