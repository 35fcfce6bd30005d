-- 0011 (seed 004, Phase 1: "app_users + FK migration", additive with compatibility reads/writes): users is
-- renamed app_users, with its constraints, indexes and identity sequence, and a view `users` keeps legacy
-- code working. SELECT * from one table: the view is auto-updatable (INSERT/UPDATE/DELETE pass through).
-- Catalog changes only: ACCESS EXCLUSIVE on users for milliseconds. Foreign keys to it follow the rename.
SET LOCAL lock_timeout = '2s';

ALTER TABLE users RENAME TO app_users;
ALTER TABLE app_users RENAME CONSTRAINT users_pkey TO app_users_pkey;
ALTER TABLE app_users RENAME CONSTRAINT users_tenant_id_email_key TO app_users_tenant_id_email_key;
ALTER TABLE app_users RENAME CONSTRAINT users_tenant_id_fkey TO app_users_tenant_id_fkey;
ALTER SEQUENCE users_id_seq RENAME TO app_users_id_seq;

CREATE VIEW users AS SELECT * FROM app_users;
