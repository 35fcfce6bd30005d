-- jobs.status holds only the allowed values (seed 003: "enum columns contain only allowed values").
-- Written against text so it also holds if the column or the enum drifts.
SELECT id, status::text AS status
  FROM jobs
 WHERE status::text <> ALL (ARRAY['queued', 'running', 'succeeded', 'failed', 'archived']);
