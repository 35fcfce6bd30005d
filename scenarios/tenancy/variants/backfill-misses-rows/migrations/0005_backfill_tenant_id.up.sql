-- BROKEN (variant backfill-misses-rows): jobs are backfilled only through their project (an UPDATE ... FROM
-- projects join), and the fallback to the default tenant for system jobs without a project is missing. On the
-- seeded database 100 jobs keep tenant_id NULL, so 0007's VALIDATE CONSTRAINT jobs_tenant_id_not_null fails.
-- On an empty database everything still applies. Expected: migration-safety.seeded-upgrade-failed at
-- migrations/0007_validate_tenant_constraints.up.sql:8.
SET LOCAL lock_timeout = '2s';

UPDATE users
   SET tenant_id = (SELECT id FROM tenants WHERE tenant_key = 'default')
 WHERE tenant_id IS NULL;

UPDATE projects p
   SET tenant_id = u.tenant_id
  FROM users u
 WHERE u.id = p.user_id
   AND p.tenant_id IS NULL;

UPDATE jobs j
   SET tenant_id = p.tenant_id
  FROM projects p
 WHERE p.id = j.project_id
   AND j.tenant_id IS NULL;

UPDATE audit_events
   SET tenant_id = (SELECT id FROM tenants WHERE tenant_key = 'default')
 WHERE tenant_id IS NULL;
