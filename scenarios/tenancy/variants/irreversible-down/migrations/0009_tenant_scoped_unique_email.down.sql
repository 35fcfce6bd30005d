-- BROKEN (variant irreversible-down): this down drops the tenant-scoped unique constraint but forgets to
-- restore the global users_email_key, so it leaves a schema that 0008 never had (email no longer unique).
-- Expected: migration-safety.down-not-restoring for revision 0009 (users_email_key missing).
SET lock_timeout = '2s';

ALTER TABLE users DROP CONSTRAINT users_tenant_id_email_key;
