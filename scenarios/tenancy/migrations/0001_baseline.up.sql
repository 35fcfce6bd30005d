-- 0001 baseline: the schema before tenancy (seed 003: "baseline migration 20260213_0001 already applied";
-- seed 004: legacy `users`, `projects.user_id`, `audit_events`; seed 000: `jobs` as a shared core table).
SET LOCAL lock_timeout = '2s';

CREATE TABLE users (
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    email        text        NOT NULL,
    display_name text        NOT NULL,
    status       text        NOT NULL DEFAULT 'active',   -- 'invited' | 'active' | 'disabled' (free text until 0010)
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email)              -- global; tenant-scoped from 0009
);

CREATE TABLE projects (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    user_id    bigint      NOT NULL,                       -- the owner (seed 004: legacy name, kept)
    slug       text        NOT NULL,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_pkey PRIMARY KEY (id),
    CONSTRAINT projects_user_id_slug_key UNIQUE (user_id, slug),
    CONSTRAINT projects_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);

CREATE TABLE jobs (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    project_id bigint,                                     -- NULL for system jobs (maintenance, exports)
    kind       text        NOT NULL,
    status     text        NOT NULL DEFAULT 'queued',      -- 'queued' | 'running' | 'succeeded' | 'failed' | 'archived'
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jobs_pkey PRIMARY KEY (id),
    CONSTRAINT jobs_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id)
);
CREATE INDEX jobs_project_id_idx ON jobs (project_id);

-- The big table: every auditable operation (seed 004, Phase 2), append-only.
CREATE TABLE audit_events (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    user_id    bigint,                                     -- NULL for system actions
    action     text        NOT NULL,
    payload    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_events_pkey PRIMARY KEY (id),
    CONSTRAINT audit_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX audit_events_user_id_created_at_idx ON audit_events (user_id, created_at);
CREATE INDEX audit_events_created_at_idx ON audit_events (created_at);
