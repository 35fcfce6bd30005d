-- (tenant_id, email) is unique in app_users (seed 003: "uniqueness checks pass under new tenant-scoped constraints").
SELECT tenant_id, email, count(*) AS n
  FROM app_users
 GROUP BY tenant_id, email
HAVING count(*) > 1;
