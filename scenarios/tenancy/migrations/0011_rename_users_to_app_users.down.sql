-- 0011 down: drop the compatibility view, rename everything back.
SET LOCAL lock_timeout = '2s';

DROP VIEW users;

ALTER SEQUENCE app_users_id_seq RENAME TO users_id_seq;
ALTER TABLE app_users RENAME CONSTRAINT app_users_tenant_id_fkey TO users_tenant_id_fkey;
ALTER TABLE app_users RENAME CONSTRAINT app_users_tenant_id_email_key TO users_tenant_id_email_key;
ALTER TABLE app_users RENAME CONSTRAINT app_users_pkey TO users_pkey;
ALTER TABLE app_users RENAME TO users;
