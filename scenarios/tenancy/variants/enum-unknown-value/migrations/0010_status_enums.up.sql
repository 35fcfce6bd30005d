-- BROKEN (variant enum-unknown-value): job_status lacks 'archived', a value the seeded jobs hold, and the
-- pre-check is gone, so ALTER ... USING status::job_status fails on seeded data (invalid input value for enum
-- job_status: "archived"). On an empty database it applies. Expected: migration-safety.seeded-upgrade-failed.
-- 0010 (seed 003 revision F): status strings to strict enums, on the small tables only (jobs, users).
-- The type change rewrites the table under ACCESS EXCLUSIVE, which is why it is kept off audit_events.
SET LOCAL lock_timeout = '2s';

CREATE TYPE job_status AS ENUM ('queued', 'running', 'succeeded', 'failed');
CREATE TYPE user_status AS ENUM ('invited', 'active', 'disabled');

ALTER TABLE jobs
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE job_status USING status::job_status,
    ALTER COLUMN status SET DEFAULT 'queued';
ALTER TABLE users
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE user_status USING status::user_status,
    ALTER COLUMN status SET DEFAULT 'active';
