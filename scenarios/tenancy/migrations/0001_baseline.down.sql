-- 0001 down: back to an empty schema.
SET LOCAL lock_timeout = '2s';

DROP TABLE audit_events;
DROP TABLE jobs;
DROP TABLE projects;
DROP TABLE users;
