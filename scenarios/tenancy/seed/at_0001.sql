-- Representative data at revision 0001 (before tenancy), loaded into a fresh database right after 0001:
-- 200 users, 50 projects, 2,000 jobs (100 of them system jobs without a project; statuses include 'archived'),
-- 30,000 audit events (the large table; 10% system events without a user). Deterministic: no random(),
-- only arithmetic on generate_series. Identity ids start at 1 in a fresh database, which the references use.

INSERT INTO users (email, display_name, status, created_at, updated_at)
SELECT format('user%s@example.com', g),
       format('User %s', g),
       (ARRAY['active', 'active', 'active', 'active', 'active', 'active', 'active', 'invited', 'disabled', 'active'])[1 + g % 10],
       timestamptz '2025-01-01 00:00:00+00' + g * interval '1 day',
       timestamptz '2025-01-01 00:00:00+00' + g * interval '1 day' + (g % 24) * interval '1 hour'
  FROM generate_series(1, 200) AS g;

INSERT INTO projects (user_id, slug, name, created_at)
SELECT 1 + (g * 37) % 200,
       format('project-%s', g),
       format('Project %s', g),
       timestamptz '2025-02-01 00:00:00+00' + g * interval '3 days'
  FROM generate_series(1, 50) AS g;

INSERT INTO jobs (project_id, kind, status, created_at, updated_at)
SELECT CASE WHEN g % 20 = 0 THEN NULL ELSE 1 + g % 50 END,
       (ARRAY['render', 'export', 'ingest', 'embed'])[1 + g % 4],
       (ARRAY['succeeded', 'succeeded', 'succeeded', 'archived', 'archived', 'failed', 'running', 'queued', 'succeeded', 'archived'])[1 + (g / 7) % 10],
       timestamptz '2025-03-01 00:00:00+00' + g * interval '2 hours',
       timestamptz '2025-03-01 00:00:00+00' + g * interval '2 hours' + (g % 90) * interval '1 minute'
  FROM generate_series(1, 2000) AS g;

INSERT INTO audit_events (user_id, action, payload, created_at)
SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE 1 + (g * 7) % 200 END,
       (ARRAY['login', 'project.update', 'job.create', 'job.cancel', 'export.download', 'secret.rotate'])[1 + g % 6],
       jsonb_build_object('job_id', 1 + g % 2000, 'ip', format('10.0.%s.%s', (g / 256) % 256, g % 256)),
       timestamptz '2025-01-01 00:00:00+00' + g * interval '17 minutes'
  FROM generate_series(1, 30000) AS g;

ANALYZE users, projects, jobs, audit_events;
