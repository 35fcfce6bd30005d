-- 0002 (seed 003, revision A): the tenants table and the bootstrap tenant (tenant_key = 'default').
-- A new table: no lock on anything that exists.
SET LOCAL lock_timeout = '2s';

CREATE TABLE tenants (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_key text        NOT NULL,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_pkey PRIMARY KEY (id),
    CONSTRAINT tenants_tenant_key_key UNIQUE (tenant_key)
);

INSERT INTO tenants (tenant_key, name) VALUES ('default', 'Default tenant');
