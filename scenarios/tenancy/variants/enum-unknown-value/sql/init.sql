-- BROKEN (variant enum-unknown-value): job_status without 'archived', as the variant's 0010 creates it, so that
-- init.sql still matches the chain; the only problem is the seeded upgrade failing at 0010.
-- The tenancy schema at the head of migrations/ (0011), in one script: what a fresh install runs.
-- pggate stamps the database at 0011 afterwards (init.stamp) and compares it with the replayed chain
-- (schema-equality): same columns in the same order, same constraint and index names, same defaults.
-- tenant_id comes last in each table because the chain adds it with ALTER TABLE ... ADD COLUMN.

CREATE TYPE job_status AS ENUM ('queued', 'running', 'succeeded', 'failed');
CREATE TYPE user_status AS ENUM ('invited', 'active', 'disabled');

CREATE TABLE tenants (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_key text        NOT NULL,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_pkey PRIMARY KEY (id),
    CONSTRAINT tenants_tenant_key_key UNIQUE (tenant_key)
);

INSERT INTO tenants (tenant_key, name) VALUES ('default', 'Default tenant');

CREATE TABLE app_users (
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    email        text        NOT NULL,
    display_name text        NOT NULL,
    status       user_status NOT NULL DEFAULT 'active',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    tenant_id    bigint      NOT NULL,
    CONSTRAINT app_users_pkey PRIMARY KEY (id),
    CONSTRAINT app_users_tenant_id_email_key UNIQUE (tenant_id, email),
    CONSTRAINT app_users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);

-- Compatibility view for code that still reads and writes `users` (auto-updatable).
CREATE VIEW users AS SELECT * FROM app_users;

CREATE TABLE projects (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    user_id    bigint      NOT NULL,
    slug       text        NOT NULL,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    tenant_id  bigint      NOT NULL,
    CONSTRAINT projects_pkey PRIMARY KEY (id),
    CONSTRAINT projects_user_id_slug_key UNIQUE (user_id, slug),
    CONSTRAINT projects_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_users (id),
    CONSTRAINT projects_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX projects_tenant_id_idx ON projects (tenant_id);

CREATE TABLE jobs (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    project_id bigint,
    kind       text        NOT NULL,
    status     job_status  NOT NULL DEFAULT 'queued',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    tenant_id  bigint      NOT NULL,
    CONSTRAINT jobs_pkey PRIMARY KEY (id),
    CONSTRAINT jobs_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id),
    CONSTRAINT jobs_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX jobs_project_id_idx ON jobs (project_id);
CREATE INDEX jobs_tenant_id_status_idx ON jobs (tenant_id, status);

CREATE TABLE audit_events (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    user_id    bigint,
    action     text        NOT NULL,
    payload    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    tenant_id  bigint      NOT NULL,
    CONSTRAINT audit_events_pkey PRIMARY KEY (id),
    CONSTRAINT audit_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_users (id),
    CONSTRAINT audit_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX audit_events_user_id_created_at_idx ON audit_events (user_id, created_at);
CREATE INDEX audit_events_created_at_idx ON audit_events (created_at);
CREATE INDEX audit_events_tenant_id_created_at_idx ON audit_events (tenant_id, created_at);
