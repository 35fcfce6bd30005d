-- 0010 down (seed 003: "enum conversion requires explicit cast-safe downgrade"): every enum value is a valid
-- text, so status::text always succeeds. Rewrites jobs and users again (small tables).
SET LOCAL lock_timeout = '2s';

ALTER TABLE users
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE text USING status::text,
    ALTER COLUMN status SET DEFAULT 'active';
ALTER TABLE jobs
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE text USING status::text,
    ALTER COLUMN status SET DEFAULT 'queued';

DROP TYPE user_status;
DROP TYPE job_status;
