-- 0009 down: restore the global unique email (fails if two tenants now share an email: decide first),
-- then drop the tenant-scoped one. Autocommit, like the up.
SET lock_timeout = '2s';

CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
ALTER TABLE users DROP CONSTRAINT users_tenant_id_email_key;
