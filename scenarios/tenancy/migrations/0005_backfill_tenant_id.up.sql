-- 0005 (seed 003 revision B, seed 000 P0-3): backfill tenant_id. Users go to the default tenant, projects to
-- their owner's tenant, jobs to their project's tenant ("按项目映射表或默认租户策略回填") and system jobs
-- (no project) to the default tenant; audit events to the default tenant. Every UPDATE is filtered with
-- `WHERE tenant_id IS NULL` (seed 003: idempotent, re-runnable). Row locks only (ROW EXCLUSIVE on the table):
-- readers and writers of other rows are not blocked. No schema change.
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

UPDATE jobs
   SET tenant_id = (SELECT id FROM tenants WHERE tenant_key = 'default')
 WHERE tenant_id IS NULL;

UPDATE audit_events
   SET tenant_id = (SELECT id FROM tenants WHERE tenant_key = 'default')
 WHERE tenant_id IS NULL;
