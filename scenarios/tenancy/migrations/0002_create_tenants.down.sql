-- 0002 down: nothing references tenants before 0003.
SET LOCAL lock_timeout = '2s';

DROP TABLE tenants;
