-- At head no row of a domain table is without a tenant (seed 003: "all tenant_id fields non-null").
SELECT 'app_users' AS table_name, id FROM app_users WHERE tenant_id IS NULL
UNION ALL
SELECT 'projects', id FROM projects WHERE tenant_id IS NULL
UNION ALL
SELECT 'jobs', id FROM jobs WHERE tenant_id IS NULL
UNION ALL
SELECT 'audit_events', id FROM audit_events WHERE tenant_id IS NULL;
