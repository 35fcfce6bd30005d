#!/usr/bin/env python3
"""Generates a realistic N-revision SQL up/down migration chain for the migration-safety benchmark.

    bench/gen_migration_chain.py [N=200] OUTDIR

writes OUTDIR/migrations/NNNN_slug.{up,down}.sql, OUTDIR/seed.sql (loaded after revision 0001) and
OUTDIR/pggate.yaml (replay + migration-safety, per-revision reversibility, seed at 0001, audit_events
declared large, invariants). Deterministic: the same N gives the same files.

0001 creates the base schema of a multi-tenant SaaS app (tenants, users, projects, jobs, audit_events,
invoices, invoice_lines, subscriptions, api_keys, webhooks); the seed fills it with ~50,000 rows from
generate_series arithmetic (30,000 audit events: the large table). Revisions 0002..N are the mix a team
writes over a couple of years, each with an exact down step, all safe on a live database:
  * nullable columns (down: DROP COLUMN), columns with a constant default (no rewrite since PG 11);
  * CREATE INDEX CONCURRENTLY alone in its file (guarded by DROP INDEX CONCURRENTLY IF EXISTS; down: DROP
    INDEX CONCURRENTLY IF EXISTS), plain, partial, multi-column and one unique expression index;
  * new tables with foreign keys to existing ones (some backfilled from their parent);
  * CHECK … NOT VALID, validated by a later revision (down: drop and re-add NOT VALID);
  * FOREIGN KEY … NOT VALID on a new column, validated later;
  * NOT NULL the safe way: CHECK (c IS NOT NULL) NOT VALID → VALIDATE → SET NOT NULL + drop the check;
  * enum types with a column (down: drop the column, then the type);
  * views, CREATE OR REPLACE VIEW adding a column (down: drop and recreate the previous definition);
  * COMMENT ON (down: the previous comment), SET DEFAULT, batched-style backfills of small tables;
  * an updated_at column maintained by a trigger (the function created with the first one);
  * column renames with a compatibility view exposing the old name.
Every file starts with SET lock_timeout = '2s', except the CONCURRENTLY-only index files.
"""
import os
import re
import random
import sys

# ---------------------------------------------------------------------------------------------------------
# The base schema (revision 0001). Columns: name -> SQL type. `checks`: CHECK expressions the seed satisfies.
BASE = {
    "tenants": {
        "ddl": """CREATE TABLE tenants (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    slug       text        NOT NULL,
    name       text        NOT NULL,
    plan       text        NOT NULL DEFAULT 'free',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_pkey PRIMARY KEY (id),
    CONSTRAINT tenants_slug_key UNIQUE (slug)
);""",
        "cols": ["id", "slug", "name", "plan", "created_at"],
        "checks": [("plan_known", "plan IN ('free', 'team', 'business', 'enterprise')"), ("slug_format", "slug ~ '^[a-z0-9-]+$'")],
    },
    "users": {
        "ddl": """CREATE TABLE users (
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id    bigint      NOT NULL,
    email        text        NOT NULL,
    display_name text        NOT NULL,
    role         text        NOT NULL DEFAULT 'member',
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_tenant_id_email_key UNIQUE (tenant_id, email),
    CONSTRAINT users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);""",
        "cols": ["id", "tenant_id", "email", "display_name", "role", "created_at"],
        "checks": [("email_length", "length(email) <= 320"), ("email_has_at", "email LIKE '%@%'"),
                   ("role_known", "role IN ('owner', 'admin', 'member', 'viewer')")],
    },
    "projects": {
        "ddl": """CREATE TABLE projects (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id  bigint      NOT NULL,
    owner_id   bigint      NOT NULL,
    slug       text        NOT NULL,
    name       text        NOT NULL,
    archived   boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_pkey PRIMARY KEY (id),
    CONSTRAINT projects_tenant_id_slug_key UNIQUE (tenant_id, slug),
    CONSTRAINT projects_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT projects_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users (id)
);
CREATE INDEX projects_owner_id_idx ON projects (owner_id);""",
        "cols": ["id", "tenant_id", "owner_id", "slug", "name", "archived", "created_at"],
        "checks": [("name_length", "length(name) BETWEEN 1 AND 200")],
    },
    "jobs": {
        "ddl": """CREATE TABLE jobs (
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id   bigint      NOT NULL,
    project_id  bigint      NOT NULL,
    kind        text        NOT NULL,
    status      text        NOT NULL DEFAULT 'queued',
    attempts    integer     NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CONSTRAINT jobs_pkey PRIMARY KEY (id),
    CONSTRAINT jobs_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT jobs_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id)
);
CREATE INDEX jobs_project_id_idx ON jobs (project_id);
CREATE INDEX jobs_tenant_id_status_idx ON jobs (tenant_id, status);""",
        "cols": ["id", "tenant_id", "project_id", "kind", "status", "attempts", "created_at", "finished_at"],
        "checks": [("attempts_nonnegative", "attempts >= 0"),
                   ("status_known", "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')"),
                   ("finished_after_created", "finished_at IS NULL OR finished_at >= created_at")],
    },
    "audit_events": {
        "ddl": """CREATE TABLE audit_events (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id  bigint      NOT NULL,
    user_id    bigint,
    action     text        NOT NULL,
    payload    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_events_pkey PRIMARY KEY (id),
    CONSTRAINT audit_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT audit_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX audit_events_tenant_id_created_at_idx ON audit_events (tenant_id, created_at);
CREATE INDEX audit_events_user_id_idx ON audit_events (user_id);""",
        "cols": ["id", "tenant_id", "user_id", "action", "payload", "created_at"],
        "checks": [("action_not_empty", "action <> ''"), ("payload_is_object", "jsonb_typeof(payload) = 'object'"),
                   ("created_at_sane", "created_at >= '2020-01-01'")],
    },
    "invoices": {
        "ddl": """CREATE TABLE invoices (
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id   bigint      NOT NULL,
    number      text        NOT NULL,
    status      text        NOT NULL DEFAULT 'draft',
    total_cents bigint      NOT NULL DEFAULT 0,
    currency    char(3)     NOT NULL DEFAULT 'EUR',
    issued_at   timestamptz NOT NULL,
    due_at      timestamptz NOT NULL,
    CONSTRAINT invoices_pkey PRIMARY KEY (id),
    CONSTRAINT invoices_tenant_id_number_key UNIQUE (tenant_id, number),
    CONSTRAINT invoices_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);""",
        "cols": ["id", "tenant_id", "number", "status", "total_cents", "currency", "issued_at", "due_at"],
        "checks": [("total_nonnegative", "total_cents >= 0"), ("due_after_issue", "due_at >= issued_at"),
                   ("currency_upper", "currency = upper(currency)")],
    },
    "invoice_lines": {
        "ddl": """CREATE TABLE invoice_lines (
    id          bigint  GENERATED ALWAYS AS IDENTITY,
    invoice_id  bigint  NOT NULL,
    description text    NOT NULL,
    quantity    integer NOT NULL,
    unit_cents  bigint  NOT NULL,
    CONSTRAINT invoice_lines_pkey PRIMARY KEY (id),
    CONSTRAINT invoice_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id)
);
CREATE INDEX invoice_lines_invoice_id_idx ON invoice_lines (invoice_id);""",
        "cols": ["id", "invoice_id", "description", "quantity", "unit_cents"],
        "checks": [("quantity_positive", "quantity > 0"), ("unit_cents_nonnegative", "unit_cents >= 0")],
    },
    "subscriptions": {
        "ddl": """CREATE TABLE subscriptions (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id  bigint      NOT NULL,
    plan       text        NOT NULL,
    seats      integer     NOT NULL DEFAULT 1,
    started_at timestamptz NOT NULL,
    ends_at    timestamptz,
    CONSTRAINT subscriptions_pkey PRIMARY KEY (id),
    CONSTRAINT subscriptions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX subscriptions_tenant_id_idx ON subscriptions (tenant_id);""",
        "cols": ["id", "tenant_id", "plan", "seats", "started_at", "ends_at"],
        "checks": [("seats_positive", "seats > 0"), ("ends_after_start", "ends_at IS NULL OR ends_at > started_at")],
    },
    "api_keys": {
        "ddl": """CREATE TABLE api_keys (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id  bigint      NOT NULL,
    user_id    bigint      NOT NULL,
    prefix     text        NOT NULL,
    hashed_key text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CONSTRAINT api_keys_pkey PRIMARY KEY (id),
    CONSTRAINT api_keys_prefix_key UNIQUE (prefix),
    CONSTRAINT api_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT api_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);""",
        "cols": ["id", "tenant_id", "user_id", "prefix", "hashed_key", "created_at", "revoked_at"],
        "checks": [("prefix_length", "length(prefix) = 8")],
    },
    "webhooks": {
        "ddl": """CREATE TABLE webhooks (
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id  bigint      NOT NULL,
    url        text        NOT NULL,
    secret     text        NOT NULL,
    active     boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhooks_pkey PRIMARY KEY (id),
    CONSTRAINT webhooks_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX webhooks_tenant_id_idx ON webhooks (tenant_id);""",
        "cols": ["id", "tenant_id", "url", "secret", "active", "created_at"],
        "checks": [("url_https", "url LIKE 'https://%'")],
    },
}
LARGE = {"audit_events"}

SEED = """-- Seed loaded right after revision 0001 (pggate.yaml: gates.migration-safety.seed). Deterministic: only
-- arithmetic on generate_series, no random(); identity ids start at 1 in a fresh database, which the
-- references below rely on. user u and project p belong to tenant 1 + u % 50 (1 + p % 50), so every
-- reference stays inside its tenant. 30,000 audit events: the large table.

INSERT INTO tenants (slug, name, plan, created_at)
SELECT format('tenant-%s', g), format('Tenant %s', g),
       (ARRAY['free', 'team', 'team', 'business', 'enterprise'])[1 + g % 5],
       timestamptz '2024-01-01 00:00:00+00' + g * interval '3 days'
  FROM generate_series(1, 50) AS g;

INSERT INTO users (tenant_id, email, display_name, role, created_at)
SELECT 1 + g % 50, format('user%s@example.com', g), format('User %s', g),
       (ARRAY['member', 'member', 'member', 'admin', 'viewer', 'member', 'owner'])[1 + g % 7],
       timestamptz '2024-02-01 00:00:00+00' + g * interval '2 hours'
  FROM generate_series(1, 2000) AS g;

INSERT INTO projects (tenant_id, owner_id, slug, name, archived, created_at)
SELECT 1 + g % 50, g, format('project-%s', g), format('Project %s', g), g % 9 = 0,
       timestamptz '2024-03-01 00:00:00+00' + g * interval '5 hours'
  FROM generate_series(1, 500) AS g;

INSERT INTO jobs (tenant_id, project_id, kind, status, attempts, created_at, finished_at)
SELECT 1 + (1 + g % 500) % 50, 1 + g % 500,
       (ARRAY['render', 'export', 'ingest', 'embed', 'report'])[1 + g % 5],
       (ARRAY['succeeded', 'succeeded', 'succeeded', 'failed', 'running', 'queued', 'cancelled', 'succeeded'])[1 + (g / 3) % 8],
       g % 4,
       timestamptz '2024-04-01 00:00:00+00' + g * interval '17 minutes',
       CASE WHEN (g / 3) % 8 IN (4, 5) THEN NULL
            ELSE timestamptz '2024-04-01 00:00:00+00' + g * interval '17 minutes' + (g % 90) * interval '1 minute' END
  FROM generate_series(1, 5000) AS g;

INSERT INTO audit_events (tenant_id, user_id, action, payload, created_at)
SELECT 1 + g % 50,
       CASE WHEN g % 10 = 0 THEN NULL WHEN g % 2000 = 0 THEN 2000 ELSE g % 2000 END,
       (ARRAY['login', 'project.create', 'project.update', 'job.start', 'job.finish', 'invoice.send', 'key.create'])[1 + g % 7],
       jsonb_build_object('seq', g, 'ip', format('10.0.%s.%s', g % 256, (g / 256) % 256)),
       timestamptz '2024-05-01 00:00:00+00' + g * interval '7 minutes'
  FROM generate_series(1, 30000) AS g;

INSERT INTO invoices (tenant_id, number, status, currency, issued_at, due_at)
SELECT 1 + g % 50, format('INV-%s', lpad(g::text, 6, '0')),
       (ARRAY['paid', 'paid', 'paid', 'open', 'draft', 'void'])[1 + g % 6],
       (ARRAY['EUR', 'EUR', 'USD', 'GBP'])[1 + g % 4],
       timestamptz '2024-06-01 00:00:00+00' + g * interval '4 hours',
       timestamptz '2024-06-01 00:00:00+00' + g * interval '4 hours' + interval '30 days'
  FROM generate_series(1, 3000) AS g;

INSERT INTO invoice_lines (invoice_id, description, quantity, unit_cents)
SELECT 1 + g % 3000, format('Line %s', g), 1 + g % 5, 100 * (1 + g % 7)
  FROM generate_series(1, 9000) AS g;

UPDATE invoices i SET total_cents = l.total
  FROM (SELECT invoice_id, sum(quantity * unit_cents) AS total FROM invoice_lines GROUP BY invoice_id) l
 WHERE l.invoice_id = i.id;

INSERT INTO subscriptions (tenant_id, plan, seats, started_at, ends_at)
SELECT g, (ARRAY['free', 'team', 'team', 'business', 'enterprise'])[1 + g % 5], 1 + g % 40,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '3 days',
       CASE WHEN g % 6 = 0 THEN timestamptz '2025-01-01 00:00:00+00' + g * interval '3 days' END
  FROM generate_series(1, 50) AS g;

INSERT INTO api_keys (tenant_id, user_id, prefix, hashed_key, created_at, revoked_at)
SELECT 1 + g % 50, g, lpad(to_hex(g * 7919), 8, '0'), md5(format('key-%s', g)),
       timestamptz '2024-07-01 00:00:00+00' + g * interval '1 day',
       CASE WHEN g % 5 = 0 THEN timestamptz '2025-07-01 00:00:00+00' END
  FROM generate_series(1, 300) AS g;

INSERT INTO webhooks (tenant_id, url, secret, active, created_at)
SELECT 1 + g % 50, format('https://hooks.example.com/t%s/%s', 1 + g % 50, g), md5(format('secret-%s', g)), g % 7 <> 0,
       timestamptz '2024-08-01 00:00:00+00' + g * interval '1 day'
  FROM generate_series(1, 100) AS g;
"""

INVARIANTS = [
    ("invoice-total-matches-lines",
     "SELECT i.id FROM invoices i JOIN (SELECT invoice_id, sum(quantity * unit_cents) AS total FROM invoice_lines GROUP BY invoice_id) l "
     "ON l.invoice_id = i.id WHERE i.total_cents <> l.total"),
    ("job-tenant-matches-project", "SELECT j.id FROM jobs j JOIN projects p ON p.id = j.project_id WHERE j.tenant_id <> p.tenant_id"),
    ("audit-user-in-tenant", "SELECT a.id FROM audit_events a JOIN users u ON u.id = a.user_id WHERE u.tenant_id <> a.tenant_id"),
]

# Columns a revision may add: (name, type, constant default for the NOT NULL pipeline, backfill expression).
COLUMN_POOL = [
    ("external_ref", "text", None, "'ext-' || id"),
    ("notes", "text", None, None),
    ("labels", "text[]", None, "ARRAY[]::text[]"),
    ("metadata", "jsonb", "'{}'::jsonb", "'{}'::jsonb"),
    ("priority", "smallint", "0", "0"),
    ("is_pinned", "boolean", "false", "false"),
    ("locale", "text", "'en'", "'en'"),
    ("region", "text", "'eu-west-1'", "'eu-west-1'"),
    ("deleted_at", "timestamptz", None, None),
    ("last_seen_at", "timestamptz", None, "created_at"),
    ("version", "integer", "1", "1"),
    ("source", "text", "'web'", "'web'"),
    ("retention_days", "integer", "90", "90"),
    ("color", "text", None, "'#336699'"),
    ("score", "numeric(10,2)", None, "0"),
    ("checksum", "text", None, "md5(id::text)"),
    ("archived_reason", "text", None, None),
    ("sort_order", "integer", "0", "0"),
    ("timezone", "text", "'UTC'", "'UTC'"),
    ("display_order", "integer", None, "id"),
]
ENUMS = [
    ("visibility", ["private", "internal", "public"]),
    ("tier", ["standard", "premium", "critical"]),
    ("channel", ["email", "sms", "push", "webhook"]),
    ("risk", ["low", "medium", "high"]),
    ("lifecycle", ["active", "suspended", "closed"]),
    ("origin", ["ui", "api", "import", "system"]),
]
NEW_TABLES = [
    "project_members", "job_runs", "notifications", "feature_flags", "tenant_settings", "invoice_payments", "usage_records",
    "user_sessions", "tags", "comments", "attachments", "exports", "integrations", "sso_connections", "billing_contacts",
    "quotas", "alerts", "dashboards", "saved_queries", "email_templates",
]
# For a new table: its parent (FK) and whether to backfill one row per parent row.
PARENTS = ["projects", "users", "jobs", "invoices", "tenants", "webhooks", "subscriptions", "api_keys"]


class Chain:
    def __init__(self, n, seed=20260815):
        self.n = n
        self.rng = random.Random(seed)
        self.files = []  # (version, slug, up, down)
        # table -> {"cols": {name: {"type", "default", "notnull", "origin"}}, "base": bool}
        self.tables = {}
        for t, spec in BASE.items():
            self.tables[t] = {"base": True, "cols": {c: {"type": None, "origin": "base"} for c in spec["cols"]}, "updated_at": False}
        self.pending = []  # (due, seq, fn, steps)
        self.seq = 0
        self.indexes = set(["projects_owner_id_idx", "jobs_project_id_idx", "jobs_tenant_id_status_idx",
                            "audit_events_tenant_id_created_at_idx", "audit_events_user_id_idx", "invoice_lines_invoice_id_idx",
                            "subscriptions_tenant_id_idx", "api_keys_user_id_idx", "webhooks_tenant_id_idx"])
        self.names = set()  # constraint/type/view names in use
        self.comments = {}  # ("table", t) or ("column", t, c) -> text
        self.views = {}  # name -> {"table", "cols": [exprs], "where", "compat"}
        self.used_checks = set()
        self.trigger_fn = False
        self.new_table_i = 0
        self.enum_i = 0
        self.kinds = {}

    # ----------------------------------------------------------------------------------------------------
    def uniq(self, base, used):
        name, k = base, 2
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        return name

    def later(self, rev, fn, lo=1, hi=4, steps=1):
        """Schedules a follow-up revision (and the `steps` - 1 it schedules in turn) lo..hi revisions later."""
        self.seq += 1
        self.pending.append((int(rev) + self.rng.randint(lo, hi), self.seq, fn, steps))

    def small_tables(self):
        return [t for t in self.tables if t not in LARGE]

    def pick_table(self, allow_large=True):
        pool = list(self.tables) if allow_large else self.small_tables()
        # The large table gets its share of changes (that is where the locks matter).
        if allow_large and self.rng.random() < 0.15:
            return "audit_events"
        return self.rng.choice(pool)

    def header(self, rev, text, concurrent=False):
        lines = [f"-- {rev}: {line}" if i == 0 else f"-- {line}" for i, line in enumerate(text.split("\n"))]
        if concurrent:
            lines.append("-- CONCURRENTLY: outside a transaction block, so this file holds nothing else.")
            return "\n".join(lines) + "\n\n"
        return "\n".join(lines) + "\nSET lock_timeout = '2s';\n\n"

    # ----------------------------------------------------------------------------------------------------
    # Revision kinds. Each returns (slug, up, down) or None when it does not apply right now.
    def k_add_column(self, rev, with_default=False):
        t = self.pick_table()
        cols = self.tables[t]["cols"]
        name, typ, default, fill = self.rng.choice([c for c in COLUMN_POOL if c[2] is not None] if with_default else COLUMN_POOL)
        if fill and "created_at" in fill and "created_at" not in cols:
            fill = "now()"
        col = self.uniq(name, set(cols))
        cols[col] = {"type": typ, "origin": rev, "default": default if with_default else None, "fill": fill,
                     "notnull": False, "busy": False, "nullable_all": not with_default}
        if with_default:
            up = self.header(rev, f"add {t}.{col} with a constant default (stored once in the catalog since\n"
                                  f"PostgreSQL 11: no rewrite); made NOT NULL by the following revisions.")
            up += f"ALTER TABLE {t} ADD COLUMN {col} {typ} DEFAULT {default};\n"
            cols[col]["busy"] = True
            self.later(rev, lambda r, t=t, c=col: self.k_notnull_check(r, t, c), steps=3)
        else:
            up = self.header(rev, f"add the nullable column {t}.{col} (catalog only).")
            up += f"ALTER TABLE {t} ADD COLUMN {col} {typ};\n"
        down = self.header(rev, f"down: drop {t}.{col}.") + f"ALTER TABLE {t} DROP COLUMN {col};\n"
        return f"add_{t}_{col}", up, down

    def k_notnull_check(self, rev, t, c):
        con = self.uniq(f"{t}_{c}_not_null", self.names)
        up = self.header(rev, f"NOT NULL for {t}.{c}, step 1: CHECK ({c} IS NOT NULL) NOT VALID (no scan).")
        up += f"ALTER TABLE {t} ADD CONSTRAINT {con} CHECK ({c} IS NOT NULL) NOT VALID;\n"
        down = self.header(rev, f"down: drop {con}.") + f"ALTER TABLE {t} DROP CONSTRAINT {con};\n"
        self.later(rev, lambda r: self.k_notnull_validate(r, t, c, con), steps=2)
        return f"{t}_{c}_not_null_check", up, down

    def k_notnull_validate(self, rev, t, c, con):
        up = self.header(rev, f"NOT NULL for {t}.{c}, step 2: validate {con} (SHARE UPDATE EXCLUSIVE: reads and\n"
                              "writes go on during the scan).")
        up += f"ALTER TABLE {t} VALIDATE CONSTRAINT {con};\n"
        down = self.header(rev, f"down: a constraint cannot be marked NOT VALID again: drop it and re-add it NOT VALID.")
        down += f"ALTER TABLE {t}\n    DROP CONSTRAINT {con},\n    ADD CONSTRAINT {con} CHECK ({c} IS NOT NULL) NOT VALID;\n"
        self.later(rev, lambda r: self.k_notnull_set(r, t, c, con))
        return f"validate_{con}", up, down

    def k_notnull_set(self, rev, t, c, con):
        up = self.header(rev, f"NOT NULL for {t}.{c}, step 3: SET NOT NULL (no scan: the validated check proves it),\n"
                              "then the check is redundant.")
        up += f"ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL;\nALTER TABLE {t} DROP CONSTRAINT {con};\n"
        down = self.header(rev, f"down: back to a nullable {t}.{c} guarded by the validated check.")
        down += (f"ALTER TABLE {t} ADD CONSTRAINT {con} CHECK ({c} IS NOT NULL) NOT VALID;\n"
                 f"ALTER TABLE {t} VALIDATE CONSTRAINT {con};\n"
                 f"ALTER TABLE {t} ALTER COLUMN {c} DROP NOT NULL;\n")
        self.tables[t]["cols"][c]["notnull"] = True
        self.tables[t]["cols"][c]["busy"] = False
        return f"{t}_{c}_set_not_null", up, down

    def index_columns(self, t):
        cols = [c for c, m in self.tables[t]["cols"].items()
                if c != "id" and (m.get("type") or "") not in ("jsonb", "text[]") and c not in ("payload",)]
        r = self.rng.random()
        if "tenant_id" in cols and r < 0.4:
            other = [c for c in cols if c != "tenant_id"]
            return ["tenant_id", self.rng.choice(other)] if other else ["tenant_id"]
        return [self.rng.choice(cols)]

    def k_index(self, rev):
        t = self.pick_table()
        cols = self.index_columns(t)
        where = ""
        if t == "jobs" and self.rng.random() < 0.3:
            where = " WHERE status IN ('queued', 'running')"
        elif t == "api_keys" and self.rng.random() < 0.5:
            where = " WHERE revoked_at IS NULL"
        elif "deleted_at" in self.tables[t]["cols"] and self.rng.random() < 0.5:
            where = " WHERE deleted_at IS NULL"
        name = self.uniq(f"{t}_{'_'.join(cols)}{'_partial' if where else ''}_idx", self.indexes)
        up = self.header(rev, f"index {t} ({', '.join(cols)}){where and ' (partial)'}, built online: SHARE UPDATE EXCLUSIVE,\n"
                              "reads and writes go on. A leftover INVALID index of a failed run is dropped first.", concurrent=True)
        up += f"DROP INDEX CONCURRENTLY IF EXISTS {name};\nCREATE INDEX CONCURRENTLY {name} ON {t} ({', '.join(cols)}){where};\n"
        down = self.header(rev, f"down: drop {name} online.", concurrent=True) + f"DROP INDEX CONCURRENTLY IF EXISTS {name};\n"
        return f"index_{name}", up, down

    def k_unique_email_index(self, rev):
        name = "users_tenant_id_lower_email_key"
        if name in self.indexes:
            return None
        self.indexes.add(name)
        up = self.header(rev, "case-insensitive unique e-mail per tenant, built online (a duplicate would fail the\n"
                              "build and leave an INVALID index: dropped first on a rerun).", concurrent=True)
        up += f"DROP INDEX CONCURRENTLY IF EXISTS {name};\nCREATE UNIQUE INDEX CONCURRENTLY {name} ON users (tenant_id, lower(email));\n"
        down = self.header(rev, f"down: drop {name} online.", concurrent=True) + f"DROP INDEX CONCURRENTLY IF EXISTS {name};\n"
        return "unique_lower_email_per_tenant", up, down

    def k_create_table(self, rev):
        base = NEW_TABLES[self.new_table_i % len(NEW_TABLES)]
        self.new_table_i += 1
        t = self.uniq(base, set(self.tables) | {v for v in self.views})
        parent = self.rng.choice(PARENTS)
        fk_col = "parent_id" if parent == "tenants" else parent.rstrip("s") + "_id"
        if parent == "tenants":
            fk_col = None
        cols = ["id", "tenant_id"] + ([fk_col] if fk_col else []) + ["name", "settings", "created_at"]
        ddl = [f"    id         bigint      GENERATED ALWAYS AS IDENTITY,",
               f"    tenant_id  bigint      NOT NULL,"]
        if fk_col:
            ddl.append(f"    {fk_col:<10} bigint      NOT NULL,")
        ddl += ["    name       text        NOT NULL,",
                "    settings   jsonb       NOT NULL DEFAULT '{}'::jsonb,",
                "    created_at timestamptz NOT NULL DEFAULT now(),",
                f"    CONSTRAINT {t}_pkey PRIMARY KEY (id),",
                f"    CONSTRAINT {t}_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)" + ("," if fk_col else "")]
        if fk_col:
            ddl.append(f"    CONSTRAINT {t}_{fk_col}_fkey FOREIGN KEY ({fk_col}) REFERENCES {parent} (id) ON DELETE CASCADE")
        up = self.header(rev, f"new table {t}" + (f", child of {parent}" if fk_col else "") +
                         ". Creating it locks nothing that exists but\n"
                         f"the referenced tables (SHARE ROW EXCLUSIVE for the foreign keys, milliseconds).")
        up += f"CREATE TABLE {t} (\n" + "\n".join(ddl) + "\n);\n"
        up += f"CREATE INDEX {t}_tenant_id_idx ON {t} (tenant_id);\n"
        if fk_col:
            up += f"CREATE INDEX {t}_{fk_col}_idx ON {t} ({fk_col});\n"
            self.indexes.add(f"{t}_{fk_col}_idx")
        self.indexes.add(f"{t}_tenant_id_idx")
        if fk_col and parent in ("projects", "webhooks", "subscriptions", "api_keys") and self.rng.random() < 0.6:
            up += (f"\n-- One row per existing {parent.rstrip('s')} (a new table: its size is known, a few hundred rows).\n"
                   f"INSERT INTO {t} (tenant_id, {fk_col}, name)\nSELECT tenant_id, id, 'default' FROM {parent};\n")
        down = self.header(rev, f"down: drop {t} (its data goes with it).") + f"DROP TABLE {t};\n"
        self.tables[t] = {"base": False, "cols": {c: {"type": "jsonb" if c == "settings" else "x", "origin": "base"} for c in cols},
                          "updated_at": False}
        return f"create_{t}", up, down

    def k_check(self, rev):
        cands = [(t, n, e) for t, spec in BASE.items() for n, e in spec["checks"] if (t, n) not in self.used_checks]
        if not cands:
            return None
        t, n, e = self.rng.choice(cands)
        self.used_checks.add((t, n))
        con = self.uniq(f"{t}_{n}_check", self.names)
        up = self.header(rev, f"CHECK ({e}) on {t}, added NOT VALID: new rows are checked at once,\n"
                              "existing ones when a later revision validates it.")
        up += f"ALTER TABLE {t} ADD CONSTRAINT {con} CHECK ({e}) NOT VALID;\n"
        down = self.header(rev, f"down: drop {con}.") + f"ALTER TABLE {t} DROP CONSTRAINT {con};\n"

        def validate(r):
            u = self.header(r, f"validate {con} (scan under SHARE UPDATE EXCLUSIVE: reads and writes go on).")
            u += f"ALTER TABLE {t} VALIDATE CONSTRAINT {con};\n"
            d = self.header(r, "down: drop and re-add it NOT VALID (PostgreSQL cannot un-validate).")
            d += f"ALTER TABLE {t}\n    DROP CONSTRAINT {con},\n    ADD CONSTRAINT {con} CHECK ({e}) NOT VALID;\n"
            return f"validate_{con}", u, d
        self.later(rev, validate, 1, 6)
        return f"{con}_not_valid", up, down

    def k_fk(self, rev):
        pairs = [("jobs", "users", "assignee_id"), ("audit_events", "projects", "project_id"), ("invoices", "users", "billing_contact_id"),
                 ("webhooks", "users", "created_by"), ("projects", "users", "archived_by"), ("api_keys", "projects", "project_id"),
                 ("subscriptions", "users", "billing_owner_id"), ("invoice_lines", "projects", "project_id")]
        self.rng.shuffle(pairs)
        for t, ref, col in pairs:
            if col not in self.tables[t]["cols"]:
                break
        else:
            return None
        con = self.uniq(f"{t}_{col}_fkey", self.names)
        self.tables[t]["cols"][col] = {"type": "bigint", "origin": rev, "fill": None, "busy": True, "notnull": False}
        up = self.header(rev, f"{t}.{col} → {ref}, the foreign key added NOT VALID (no scan; SHARE ROW EXCLUSIVE on\n"
                              f"both tables for milliseconds), validated by a later revision.")
        up += (f"ALTER TABLE {t}\n    ADD COLUMN {col} bigint,\n"
               f"    ADD CONSTRAINT {con} FOREIGN KEY ({col}) REFERENCES {ref} (id) NOT VALID;\n")
        down = self.header(rev, f"down: drop {t}.{col} and its foreign key.") + f"ALTER TABLE {t} DROP COLUMN {col};\n"

        def validate(r):
            u = self.header(r, f"validate {con} (SHARE UPDATE EXCLUSIVE on {t}, ROW SHARE on {ref}).")
            u += f"ALTER TABLE {t} VALIDATE CONSTRAINT {con};\n"
            d = self.header(r, "down: drop and re-add it NOT VALID.")
            d += f"ALTER TABLE {t}\n    DROP CONSTRAINT {con},\n    ADD CONSTRAINT {con} FOREIGN KEY ({col}) REFERENCES {ref} (id) NOT VALID;\n"
            self.tables[t]["cols"][col]["busy"] = False
            return f"validate_{con}", u, d
        self.later(rev, validate, 1, 6)
        return f"{t}_{col}_fk_not_valid", up, down

    def k_enum(self, rev):
        name, labels = ENUMS[self.enum_i % len(ENUMS)]
        self.enum_i += 1
        t = self.pick_table()
        typ = self.uniq(f"{t}_{name}", self.names)
        col = self.uniq(name, set(self.tables[t]["cols"]))
        self.tables[t]["cols"][col] = {"type": typ, "origin": rev, "fill": None, "busy": False, "notnull": False, "enum": True}
        lab = ", ".join(f"'{x}'" for x in labels)
        up = self.header(rev, f"enum {typ} and the nullable column {t}.{col} (catalog only, no rewrite).")
        up += f"CREATE TYPE {typ} AS ENUM ({lab});\nALTER TABLE {t} ADD COLUMN {col} {typ};\n"
        down = self.header(rev, f"down: the column, then its type.") + f"ALTER TABLE {t} DROP COLUMN {col};\nDROP TYPE {typ};\n"
        return f"{t}_{col}_enum", up, down

    def view_sql(self, v):
        spec = self.views[v]
        return f"CREATE VIEW {v} AS\nSELECT {', '.join(spec['cols'])}\n  FROM {spec['table']}{spec['where']};\n"

    def k_view(self, rev):
        t = self.rng.choice(list(BASE))
        cols = [c for c in BASE[t]["cols"] if c != "payload"]
        wheres = {"users": " WHERE role <> 'viewer'", "projects": " WHERE NOT archived", "jobs": " WHERE status IN ('queued', 'running')",
                  "invoices": " WHERE status = 'open'", "api_keys": " WHERE revoked_at IS NULL", "webhooks": " WHERE active",
                  "audit_events": " WHERE created_at >= '2025-01-01'", "subscriptions": " WHERE ends_at IS NULL"}
        label = {"users": "active", "projects": "live", "jobs": "pending", "invoices": "open", "api_keys": "live",
                 "webhooks": "enabled", "audit_events": "recent", "subscriptions": "current"}.get(t, "all")
        v = self.uniq(f"{t}_{label}_v", self.names)
        n = min(len(cols), 3)
        self.views[v] = {"table": t, "cols": cols[:n], "rest": cols[n:], "where": wheres.get(t, "")}
        up = self.header(rev, f"view {v} for the reporting service.") + self.view_sql(v)
        down = self.header(rev, f"down: drop {v}.") + f"DROP VIEW {v};\n"
        return f"view_{v}", up, down

    def k_replace_view(self, rev):
        cands = [v for v, s in self.views.items() if s["rest"]]
        if not cands:
            return None
        v = self.rng.choice(cands)
        before = self.view_sql(v)
        s = self.views[v]
        s["cols"].append(s["rest"].pop(0))
        after = self.view_sql(v).replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1)
        up = self.header(rev, f"{v} gains {s['cols'][-1]} (CREATE OR REPLACE VIEW may only append columns).") + after
        down = self.header(rev, f"down: CREATE OR REPLACE cannot remove a column: drop and recreate the previous\n"
                                f"definition.") + f"DROP VIEW {v};\n" + before
        return f"replace_view_{v}", up, down

    def k_comment(self, rev):
        t = self.rng.choice(list(BASE))
        if self.rng.random() < 0.4:
            key, target = ("table", t), f"TABLE {t}"
            text = f"{t.replace('_', ' ').capitalize()}: owned by the platform team (rev {rev})."
        else:
            c = self.rng.choice(BASE[t]["cols"])
            key, target = ("column", t, c), f"COLUMN {t}.{c}"
            text = f"{c.replace('_', ' ')} of the {t.rstrip('s').replace('_', ' ')} (documented in rev {rev})."
        old = self.comments.get(key)
        self.comments[key] = text
        up = self.header(rev, f"document {target.lower()} (catalog only).") + f"COMMENT ON {target} IS '{text}';\n"
        down = self.header(rev, "down: the previous comment.") + f"COMMENT ON {target} IS {repr_sql(old)};\n"
        return f"comment_{t}" + (f"_{key[2]}" if len(key) == 3 else ""), up, down

    def added_columns(self, t, pred):
        return [c for c, m in self.tables[t]["cols"].items() if m.get("origin") != "base" and m.get("type") not in (None, "x") and pred(m)]

    def k_set_default(self, rev):
        cands = [(t, c) for t in self.tables for c in self.added_columns(
            t, lambda m: not m.get("busy") and m.get("default") is None and not m.get("enum") and any(m["type"] == p[1] and p[2] for p in COLUMN_POOL))]
        if not cands:
            return None
        t, c = self.rng.choice(cands)
        m = self.tables[t]["cols"][c]
        default = next(p[2] for p in COLUMN_POOL if p[1] == m["type"] and p[2])
        m["default"] = default
        up = self.header(rev, f"default for new {t} rows: {t}.{c} = {default} (existing rows keep theirs).")
        up += f"ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {default};\n"
        down = self.header(rev, f"down: no default for {t}.{c}.") + f"ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT;\n"
        return f"{t}_{c}_default", up, down

    def k_backfill(self, rev):
        cands = [(t, c) for t in self.small_tables() for c in self.added_columns(
            t, lambda m: m.get("fill") and m.get("nullable_all") and not m.get("busy") and not m.get("filled"))]
        if not cands:
            return None
        t, c = self.rng.choice(cands)
        m = self.tables[t]["cols"][c]
        m["filled"] = True
        up = self.header(rev, f"backfill {t}.{c} (a small table: one UPDATE; row locks only, no schema change).")
        up += f"UPDATE {t}\n   SET {c} = {m['fill']}\n WHERE {c} IS NULL;\n"
        down = self.header(rev, "down: a data backfill leaves the schema as it was; nothing to undo (the values stay).")
        down += "SELECT 1;\n"
        return f"backfill_{t}_{c}", up, down

    def k_trigger(self, rev):
        cands = [t for t in self.tables if not self.tables[t]["updated_at"] and "updated_at" not in self.tables[t]["cols"]]
        if not cands:
            return None
        t = self.rng.choice(cands)
        self.tables[t]["updated_at"] = True
        self.tables[t]["cols"]["updated_at"] = {"type": "timestamptz", "origin": rev, "fill": None, "busy": True}
        first = not self.trigger_fn
        self.trigger_fn = True
        up = self.header(rev, f"{t}.updated_at, kept current by a BEFORE UPDATE trigger (SHARE ROW EXCLUSIVE to create it)."
                         + ("\nThe trigger function is shared by the tables that get one later." if first else ""))
        if first:
            up += ("CREATE FUNCTION touch_updated_at() RETURNS trigger\n    LANGUAGE plpgsql\n    AS $$\nBEGIN\n"
                   "    NEW.updated_at := now();\n    RETURN NEW;\nEND\n$$;\n\n")
        up += (f"ALTER TABLE {t} ADD COLUMN updated_at timestamptz;\n"
               f"CREATE TRIGGER {t}_touch_updated_at BEFORE UPDATE ON {t}\n    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();\n")
        down = self.header(rev, f"down: the trigger, the column" + (", the function." if first else "."))
        down += f"DROP TRIGGER {t}_touch_updated_at ON {t};\nALTER TABLE {t} DROP COLUMN updated_at;\n"
        if first:
            down += "DROP FUNCTION touch_updated_at();\n"
        return f"{t}_updated_at_trigger", up, down

    def k_rename(self, rev):
        cands = [(t, c) for t in self.tables for c in self.added_columns(
            t, lambda m: not m.get("busy") and not m.get("renamed") and not m.get("enum"))]
        if not cands:
            return None
        t, c = self.rng.choice(cands)
        stem = re.sub(r"_[0-9]+$", "", c)
        new = self.uniq({"notes": "internal_notes", "external_ref": "external_id", "labels": "tags", "priority": "rank",
                         "color": "accent_color", "score": "health_score", "checksum": "content_hash",
                         "display_order": "position", "deleted_at": "removed_at", "last_seen_at": "last_active_at"}.get(
                             stem, stem + "_v2"), set(self.tables[t]["cols"]))
        m = self.tables[t]["cols"].pop(c)
        m["renamed"] = True
        self.tables[t]["cols"][new] = m
        v = self.uniq(f"{t}_compat_{rev}", self.names)
        up = self.header(rev, f"rename {t}.{c} to {new}; the view {v} keeps exposing the old name to the\n"
                              "application version still deployed (dropped once it is gone).")
        up += f"ALTER TABLE {t} RENAME COLUMN {c} TO {new};\nCREATE VIEW {v} AS SELECT *, {new} AS {c} FROM {t};\n"
        down = self.header(rev, f"down: drop the view, rename back.") + f"DROP VIEW {v};\nALTER TABLE {t} RENAME COLUMN {new} TO {c};\n"
        return f"rename_{t}_{c}_to_{new}", up, down

    # ----------------------------------------------------------------------------------------------------
    def baseline(self):
        up = ("-- 0001: baseline schema of the app: tenants and their users, projects, jobs, billing (invoices, lines,\n"
              "-- subscriptions), API keys, webhooks and the audit log (the large table).\nSET lock_timeout = '2s';\n\n")
        up += "\n\n".join(BASE[t]["ddl"] for t in BASE) + "\n"
        down = "-- 0001 down: drop everything, dependents first.\nSET lock_timeout = '2s';\n\n"
        down += "".join(f"DROP TABLE {t};\n" for t in reversed(list(BASE)))
        self.files.append(("0001", "baseline", up, down))

    def generate(self):
        self.baseline()
        add_with_default = lambda r: self.k_add_column(r, True)
        kinds = [(self.k_add_column, 16), (add_with_default, 6), (self.k_index, 14), (self.k_create_table, 8),
                 (self.k_check, 8), (self.k_fk, 4), (self.k_enum, 6), (self.k_view, 6), (self.k_replace_view, 5),
                 (self.k_comment, 8), (self.k_set_default, 4), (self.k_backfill, 5), (self.k_trigger, 4), (self.k_rename, 4),
                 (self.k_unique_email_index, 1)]
        starts_pipeline = {self.k_check, self.k_fk, add_with_default}
        width = max(4, len(str(self.n)))
        for i in range(2, self.n + 1):
            rev = str(i).zfill(width)
            left = self.n - i + 1
            self.pending.sort(key=lambda p: (p[0], p[1]))
            # Follow-ups (validations, the NOT NULL steps) when due, or when the chain is about to end.
            steps = sum(p[3] for p in self.pending)
            if self.pending and (self.pending[0][0] <= i or left <= steps + 1):
                _, _, fn, _ = self.pending.pop(0)
                out = fn(rev)
                kind = "follow-up"
            else:
                out = None
                while out is None:
                    fn = self.rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
                    # No new multi-step pipelines in the last revisions: every NOT VALID is validated by head.
                    if left <= 8 and fn in starts_pipeline:
                        continue
                    out = fn(rev)
                    kind = "add_column_default" if fn is add_with_default else fn.__name__[2:]
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            slug, up, down = out
            self.files.append((rev, slug[:60].rstrip("_"), up, down))
        assert not self.pending, "follow-ups left over"


def repr_sql(s):
    return "NULL" if s is None else "'" + s.replace("'", "''") + "'"


def main():
    args = sys.argv[1:]
    if len(args) == 1:
        n, out = 200, args[0]
    elif len(args) == 2:
        n, out = int(args[0]), args[1]
    else:
        sys.exit("usage: gen_migration_chain.py [N=200] OUTDIR")
    if n < 2:
        sys.exit("N must be at least 2")
    chain = Chain(n)
    chain.generate()
    mig = os.path.join(out, "migrations")
    os.makedirs(mig, exist_ok=True)
    for f in os.listdir(mig):
        if f.endswith(".sql"):
            os.remove(os.path.join(mig, f))
    for rev, slug, up, down in chain.files:
        with open(os.path.join(mig, f"{rev}_{slug}.up.sql"), "w") as fh:
            fh.write(up)
        with open(os.path.join(mig, f"{rev}_{slug}.down.sql"), "w") as fh:
            fh.write(down)
    with open(os.path.join(out, "seed.sql"), "w") as fh:
        fh.write(SEED)
    inv = "\n".join(f"      - name: {name}\n        sql: \"{sql}\"" for name, sql in INVARIANTS)
    with open(os.path.join(out, "pggate.yaml"), "w") as fh:
        fh.write(f"""# Generated by bench/gen_migration_chain.py {n}: a {n}-revision up/down chain of a multi-tenant SaaS app.
# pggate run: replay the chain, and migration safety: every revision's down restores the previous schema,
# the chain upgrades a seeded 0001 database to head (locks and rewrites measured per statement), invariants.
project: chain{n}
chain:
  dir: migrations
  layout: up-down
paths: [chain]
gates:
  replay: {{}}
  migration-safety:
    reversibility: per-revision
    seed:
      at: "{'0001'.zfill(max(4, len(str(n))))}"
      files: [seed.sql]
    large_tables: [public.audit_events]
    invariants:
{inv}
""")
    mix = ", ".join(f"{k} {v}" for k, v in sorted(chain.kinds.items(), key=lambda kv: -kv[1]))
    print(f"{out}: {len(chain.files)} revisions (0001 baseline; {mix})", file=sys.stderr)


if __name__ == "__main__":
    main()
