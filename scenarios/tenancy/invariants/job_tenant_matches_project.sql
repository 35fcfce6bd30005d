-- Every job of a project belongs to that project's tenant (seed 000: run/job/artifact chained by tenant_id + project_id).
SELECT j.id AS job_id, j.tenant_id AS job_tenant, p.id AS project_id, p.tenant_id AS project_tenant
  FROM jobs j
  JOIN projects p ON p.id = j.project_id
 WHERE j.tenant_id <> p.tenant_id;
