-- 0010 (seed 003 revision F): status strings to strict enums, on the small tables only (jobs, users).
-- "Validate all existing values before applying enum constraints": the DO block fails the migration and lists
-- every unknown value with its row count. The type change rewrites the table under ACCESS EXCLUSIVE, which is
-- why it is kept off audit_events.
SET LOCAL lock_timeout = '2s';

CREATE TYPE job_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'archived');
CREATE TYPE user_status AS ENUM ('invited', 'active', 'disabled');

DO $$
DECLARE
    unknown text;
BEGIN
    SELECT string_agg(format('%s.status = %L (%s rows)', t, v, n), ', ' ORDER BY t, v)
      INTO unknown
      FROM (SELECT 'jobs' AS t, status AS v, count(*) AS n
              FROM jobs
             WHERE status <> ALL (enum_range(NULL::job_status)::text[])
             GROUP BY status
            UNION ALL
            SELECT 'users', status, count(*)
              FROM users
             WHERE status <> ALL (enum_range(NULL::user_status)::text[])
             GROUP BY status) s;
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'status values outside the new enums: %', unknown
              USING HINT = 'Map or fix these rows first, or add the values to job_status / user_status.';
    END IF;
END
$$;

ALTER TABLE jobs
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE job_status USING status::job_status,
    ALTER COLUMN status SET DEFAULT 'queued';
ALTER TABLE users
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE user_status USING status::user_status,
    ALTER COLUMN status SET DEFAULT 'active';
