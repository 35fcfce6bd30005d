--
-- PostgreSQL initialization script for the database asset / capacity management platform
--
-- Usage:
--   psql -v ON_ERROR_STOP=1 -d <db> -f sql/init_postgresql.sql
--   flask db stamp 20251219161048        # Alembic baseline revision
--   flask db upgrade                     # no-op changes: the 2025-12-24 revisions are idempotent
--
-- This script is kept equal to Alembic head 20251224164000 (CI replays init, chain and
-- init+upgrade and compares the schemas). Since the 20251219161048 baseline:
--   * 20251224120000  credentials.instance_ids removed
--   * 20251224134000  *_size_aggregations.calculated_at / created_at -> timestamptz
--   * 20251224152000  sync_sessions.status default 'running', CHECK without 'pending'
--   * 20251224164000  primary keys database_size_stats_pkey (id, collected_date)
--                     and database_size_aggregations_pkey (id, period_start)
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET client_min_messages = warning;

--
-- Types
--

CREATE TYPE public.log_level AS ENUM (
    'DEBUG',
    'INFO',
    'WARNING',
    'ERROR',
    'CRITICAL'
);

--
-- Functions
--

CREATE FUNCTION public.update_updated_at_column() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

CREATE FUNCTION public.update_instance_database_last_seen() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO public.instance_databases AS idb
        (instance_id, database_name, is_active, first_seen_date, last_seen_date, created_at, updated_at)
    VALUES
        (NEW.instance_id, NEW.database_name, true, NEW.collected_date, NEW.collected_date, now(), now())
    ON CONFLICT (instance_id, database_name) DO UPDATE
        SET last_seen_date = GREATEST(idb.last_seen_date, EXCLUDED.last_seen_date),
            is_active = true,
            deleted_at = NULL,
            updated_at = now();
    RETURN NEW;
END;
$$;

CREATE FUNCTION public.create_instance_size_stats_partition() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    partition_start date;
    partition_end date;
    partition_name text;
BEGIN
    partition_start := date_trunc('month', NEW.collected_date)::date;
    partition_end := (partition_start + interval '1 month')::date;
    partition_name := 'instance_size_stats_' || to_char(partition_start, 'YYYY_MM');

    IF to_regclass('public.' || partition_name) IS NULL THEN
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS public.%I PARTITION OF public.instance_size_stats FOR VALUES FROM (%L) TO (%L)',
            partition_name, partition_start, partition_end
        );
    END IF;
    RETURN NEW;
END;
$$;

--
-- Name: users
--

CREATE SEQUENCE public.users_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.users (
    id integer DEFAULT nextval('public.users_id_seq'::regclass) NOT NULL,
    username character varying(255) NOT NULL,
    email character varying(255),
    password character varying(255) NOT NULL,
    role character varying(50) DEFAULT 'user'::character varying NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    last_login timestamp with time zone,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_role_check CHECK (role IN ('admin', 'user', 'viewer'))
);

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;

CREATE INDEX ix_users_email ON public.users USING btree (email);

CREATE TRIGGER update_users_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

--
-- Name: credentials
--

CREATE SEQUENCE public.credentials_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.credentials (
    id integer DEFAULT nextval('public.credentials_id_seq'::regclass) NOT NULL,
    name character varying(255) NOT NULL,
    credential_type character varying(50) NOT NULL,
    db_type character varying(50),
    username character varying(255) NOT NULL,
    password character varying(255) NOT NULL,
    description text,
    category_id integer,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    deleted_at timestamp with time zone,
    CONSTRAINT credentials_pkey PRIMARY KEY (id),
    CONSTRAINT credentials_name_key UNIQUE (name)
);

ALTER SEQUENCE public.credentials_id_seq OWNED BY public.credentials.id;

CREATE INDEX ix_credentials_name ON public.credentials USING btree (name);
CREATE INDEX ix_credentials_credential_type ON public.credentials USING btree (credential_type);
CREATE INDEX ix_credentials_db_type ON public.credentials USING btree (db_type);

CREATE TRIGGER update_credentials_updated_at BEFORE UPDATE ON public.credentials FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

--
-- Name: database_type_configs
--

CREATE SEQUENCE public.database_type_configs_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.database_type_configs (
    id integer DEFAULT nextval('public.database_type_configs_id_seq'::regclass) NOT NULL,
    name character varying(50) NOT NULL,
    display_name character varying(100) NOT NULL,
    driver character varying(50) NOT NULL,
    default_port integer NOT NULL,
    default_schema character varying(50),
    connection_timeout integer DEFAULT 30,
    description text,
    icon character varying(50) DEFAULT 'fa-database'::character varying,
    color character varying(20) DEFAULT 'primary'::character varying,
    features jsonb,
    is_active boolean DEFAULT true NOT NULL,
    is_system boolean DEFAULT false NOT NULL,
    sort_order integer DEFAULT 0,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    CONSTRAINT database_type_configs_pkey PRIMARY KEY (id),
    CONSTRAINT database_type_configs_name_key UNIQUE (name)
);

ALTER SEQUENCE public.database_type_configs_id_seq OWNED BY public.database_type_configs.id;

CREATE TRIGGER update_database_type_configs_updated_at BEFORE UPDATE ON public.database_type_configs FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

--
-- Name: instances
--

CREATE SEQUENCE public.instances_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.instances (
    id integer DEFAULT nextval('public.instances_id_seq'::regclass) NOT NULL,
    name character varying(255) NOT NULL,
    db_type character varying(50) NOT NULL,
    host character varying(255) NOT NULL,
    port integer NOT NULL,
    database_name character varying(255),
    database_version character varying(1000),
    main_version character varying(20),
    detailed_version character varying(50),
    credential_id integer,
    description text,
    sync_count integer DEFAULT 0 NOT NULL,
    status character varying(20) DEFAULT 'active'::character varying,
    is_active boolean DEFAULT true NOT NULL,
    last_connected timestamp with time zone,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    deleted_at timestamp with time zone,
    CONSTRAINT instances_pkey PRIMARY KEY (id),
    CONSTRAINT instances_name_key UNIQUE (name)
);

ALTER SEQUENCE public.instances_id_seq OWNED BY public.instances.id;

CREATE UNIQUE INDEX ix_instances_name ON public.instances USING btree (name);
CREATE INDEX ix_instances_db_type ON public.instances USING btree (db_type);

CREATE TRIGGER update_instances_updated_at BEFORE UPDATE ON public.instances FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

--
-- Name: tags
--

CREATE SEQUENCE public.tags_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.tags (
    id integer DEFAULT nextval('public.tags_id_seq'::regclass) NOT NULL,
    name character varying(50) NOT NULL,
    display_name character varying(100) NOT NULL,
    category character varying(50) NOT NULL,
    color character varying(20) DEFAULT 'primary'::character varying NOT NULL,
    description text,
    sort_order integer DEFAULT 0 NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    CONSTRAINT tags_pkey PRIMARY KEY (id),
    CONSTRAINT tags_name_key UNIQUE (name)
);

ALTER SEQUENCE public.tags_id_seq OWNED BY public.tags.id;

CREATE UNIQUE INDEX ix_tags_name ON public.tags USING btree (name);
CREATE INDEX ix_tags_category ON public.tags USING btree (category);

CREATE TRIGGER update_tags_updated_at BEFORE UPDATE ON public.tags FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

--
-- Name: instance_tags
--

CREATE TABLE public.instance_tags (
    instance_id integer NOT NULL,
    tag_id integer NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    CONSTRAINT instance_tags_pkey PRIMARY KEY (instance_id, tag_id)
);

--
-- Name: instance_databases
--

CREATE SEQUENCE public.instance_databases_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.instance_databases (
    id integer DEFAULT nextval('public.instance_databases_id_seq'::regclass) NOT NULL,
    instance_id integer NOT NULL,
    database_name character varying(255) NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    deleted_at timestamp with time zone,
    first_seen_date date DEFAULT CURRENT_DATE NOT NULL,
    last_seen_date date DEFAULT CURRENT_DATE NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    CONSTRAINT instance_databases_pkey PRIMARY KEY (id),
    CONSTRAINT instance_databases_instance_id_database_name_key UNIQUE (instance_id, database_name)
);

ALTER SEQUENCE public.instance_databases_id_seq OWNED BY public.instance_databases.id;

CREATE INDEX ix_instance_databases_instance_id ON public.instance_databases USING btree (instance_id);
CREATE INDEX ix_instance_databases_database_name ON public.instance_databases USING btree (database_name);
CREATE INDEX ix_instance_databases_active ON public.instance_databases USING btree (is_active);
CREATE INDEX ix_instance_databases_last_seen ON public.instance_databases USING btree (last_seen_date);

--
-- Name: instance_accounts
--

CREATE SEQUENCE public.instance_accounts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.instance_accounts (
    id integer DEFAULT nextval('public.instance_accounts_id_seq'::regclass) NOT NULL,
    instance_id integer NOT NULL,
    db_type character varying(50) NOT NULL,
    username character varying(255) NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    first_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT instance_accounts_pkey PRIMARY KEY (id),
    CONSTRAINT uq_instance_account_instance_username UNIQUE (instance_id, db_type, username)
);

ALTER SEQUENCE public.instance_accounts_id_seq OWNED BY public.instance_accounts.id;

CREATE INDEX ix_instance_accounts_active ON public.instance_accounts USING btree (is_active);
CREATE INDEX ix_instance_accounts_last_seen ON public.instance_accounts USING btree (last_seen_at);
CREATE INDEX ix_instance_accounts_username ON public.instance_accounts USING btree (username);

--
-- Name: account_permission
--

CREATE SEQUENCE public.account_permission_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.account_permission (
    id integer DEFAULT nextval('public.account_permission_id_seq'::regclass) NOT NULL,
    instance_id integer NOT NULL,
    instance_account_id integer NOT NULL,
    db_type character varying(20) NOT NULL,
    username character varying(255) NOT NULL,
    is_superuser boolean DEFAULT false,
    is_locked boolean DEFAULT false NOT NULL,
    global_privileges jsonb,
    database_privileges jsonb,
    predefined_roles jsonb,
    role_attributes jsonb,
    database_privileges_pg jsonb,
    tablespace_privileges jsonb,
    server_roles jsonb,
    server_permissions jsonb,
    database_roles jsonb,
    database_permissions jsonb,
    oracle_roles jsonb,
    system_privileges jsonb,
    tablespace_privileges_oracle jsonb,
    type_specific jsonb,
    last_sync_time timestamp with time zone DEFAULT now(),
    last_change_type character varying(20) DEFAULT 'add'::character varying,
    last_change_time timestamp with time zone DEFAULT now(),
    CONSTRAINT account_permission_pkey PRIMARY KEY (id),
    CONSTRAINT uq_current_account_sync UNIQUE (instance_id, db_type, username)
);

ALTER SEQUENCE public.account_permission_id_seq OWNED BY public.account_permission.id;

CREATE INDEX idx_instance_dbtype ON public.account_permission USING btree (instance_id, db_type);
CREATE INDEX idx_username ON public.account_permission USING btree (username);
CREATE INDEX idx_last_sync_time ON public.account_permission USING btree (last_sync_time);
CREATE INDEX idx_last_change_time ON public.account_permission USING btree (last_change_time);
CREATE INDEX ix_account_permission_is_locked ON public.account_permission USING btree (is_locked);

--
-- Name: account_change_log
--

CREATE SEQUENCE public.account_change_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.account_change_log (
    id integer DEFAULT nextval('public.account_change_log_id_seq'::regclass) NOT NULL,
    instance_id integer NOT NULL,
    db_type character varying(20) NOT NULL,
    username character varying(255) NOT NULL,
    change_type character varying(50) NOT NULL,
    change_time timestamp with time zone DEFAULT now(),
    session_id character varying(128),
    status character varying(20) DEFAULT 'success'::character varying,
    message text,
    privilege_diff jsonb,
    other_diff jsonb,
    CONSTRAINT account_change_log_pkey PRIMARY KEY (id)
);

ALTER SEQUENCE public.account_change_log_id_seq OWNED BY public.account_change_log.id;

CREATE INDEX idx_account_change_instance_dbtype_username_time ON public.account_change_log USING btree (instance_id, db_type, username, change_time);
CREATE INDEX idx_account_change_log_instance_time ON public.account_change_log USING btree (instance_id, change_time);
CREATE INDEX idx_account_change_log_change_time ON public.account_change_log USING btree (change_time);
CREATE INDEX idx_account_change_log_change_type ON public.account_change_log USING btree (change_type);

--
-- Name: permission_configs
--

CREATE SEQUENCE public.permission_configs_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.permission_configs (
    id integer DEFAULT nextval('public.permission_configs_id_seq'::regclass) NOT NULL,
    db_type character varying(50) NOT NULL,
    category character varying(50) NOT NULL,
    permission_name character varying(255) NOT NULL,
    description text,
    is_active boolean DEFAULT true,
    sort_order integer DEFAULT 0,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    CONSTRAINT permission_configs_pkey PRIMARY KEY (id),
    CONSTRAINT uq_permission_config UNIQUE (db_type, category, permission_name)
);

ALTER SEQUENCE public.permission_configs_id_seq OWNED BY public.permission_configs.id;

CREATE INDEX idx_permission_config_db_type ON public.permission_configs USING btree (db_type);
CREATE INDEX idx_permission_config_category ON public.permission_configs USING btree (category);

CREATE TRIGGER update_permission_configs_updated_at BEFORE UPDATE ON public.permission_configs FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

--
-- Name: account_classifications
--

CREATE SEQUENCE public.account_classifications_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.account_classifications (
    id integer DEFAULT nextval('public.account_classifications_id_seq'::regclass) NOT NULL,
    name character varying(100) NOT NULL,
    description text,
    risk_level character varying(20) DEFAULT 'medium'::character varying NOT NULL,
    color character varying(20),
    icon_name character varying(50) DEFAULT 'fa-tag'::character varying,
    priority integer DEFAULT 0,
    is_system boolean DEFAULT false NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    CONSTRAINT account_classifications_pkey PRIMARY KEY (id),
    CONSTRAINT account_classifications_name_key UNIQUE (name)
);

ALTER SEQUENCE public.account_classifications_id_seq OWNED BY public.account_classifications.id;

CREATE TRIGGER update_account_classifications_updated_at BEFORE UPDATE ON public.account_classifications FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

--
-- Name: classification_rules
--

CREATE SEQUENCE public.classification_rules_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.classification_rules (
    id integer DEFAULT nextval('public.classification_rules_id_seq'::regclass) NOT NULL,
    classification_id integer NOT NULL,
    db_type character varying(20) NOT NULL,
    rule_name character varying(100) NOT NULL,
    rule_expression text NOT NULL,
    operator character varying(10) DEFAULT 'OR'::character varying,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    CONSTRAINT classification_rules_pkey PRIMARY KEY (id)
);

ALTER SEQUENCE public.classification_rules_id_seq OWNED BY public.classification_rules.id;

CREATE TRIGGER update_classification_rules_updated_at BEFORE UPDATE ON public.classification_rules FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

--
-- Name: account_classification_assignments
--

CREATE SEQUENCE public.account_classification_assignments_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.account_classification_assignments (
    id integer DEFAULT nextval('public.account_classification_assignments_id_seq'::regclass) NOT NULL,
    account_id integer NOT NULL,
    classification_id integer NOT NULL,
    rule_id integer,
    assigned_by integer,
    assignment_type character varying(20) DEFAULT 'auto'::character varying NOT NULL,
    confidence_score double precision,
    notes text,
    batch_id character varying(36),
    is_active boolean DEFAULT true NOT NULL,
    assigned_at timestamp with time zone DEFAULT now() NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    updated_at timestamp with time zone DEFAULT now(),
    CONSTRAINT account_classification_assignments_pkey PRIMARY KEY (id),
    CONSTRAINT unique_account_classification_batch UNIQUE (account_id, classification_id, batch_id)
);

ALTER SEQUENCE public.account_classification_assignments_id_seq OWNED BY public.account_classification_assignments.id;

CREATE INDEX ix_account_classification_assignments_account_id ON public.account_classification_assignments USING btree (account_id);
CREATE INDEX ix_account_classification_assignments_classification_id ON public.account_classification_assignments USING btree (classification_id);
CREATE INDEX ix_account_classification_assignments_is_active ON public.account_classification_assignments USING btree (is_active);

CREATE TRIGGER update_account_classification_assignments_updated_at BEFORE UPDATE ON public.account_classification_assignments FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

--
-- Name: sync_sessions
--

CREATE SEQUENCE public.sync_sessions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.sync_sessions (
    id integer DEFAULT nextval('public.sync_sessions_id_seq'::regclass) NOT NULL,
    session_id character varying(36) NOT NULL,
    sync_type character varying(20) NOT NULL,
    sync_category character varying(20) NOT NULL,
    status character varying(20) DEFAULT 'running'::character varying NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    completed_at timestamp with time zone,
    total_instances integer DEFAULT 0,
    successful_instances integer DEFAULT 0,
    failed_instances integer DEFAULT 0,
    created_by integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sync_sessions_pkey PRIMARY KEY (id),
    CONSTRAINT sync_sessions_session_id_key UNIQUE (session_id),
    CONSTRAINT sync_sessions_sync_type_check CHECK (sync_type IN ('manual_single', 'manual_batch', 'manual_task', 'scheduled_task')),
    CONSTRAINT sync_sessions_sync_category_check CHECK (sync_category IN ('account', 'capacity', 'config', 'aggregation', 'other')),
    CONSTRAINT sync_sessions_status_check CHECK (status IN ('running', 'completed', 'failed', 'cancelled'))
);

ALTER SEQUENCE public.sync_sessions_id_seq OWNED BY public.sync_sessions.id;

CREATE INDEX idx_sync_sessions_created_at ON public.sync_sessions USING btree (created_at);
CREATE INDEX idx_sync_sessions_session_id ON public.sync_sessions USING btree (session_id);
CREATE INDEX idx_sync_sessions_status ON public.sync_sessions USING btree (status);
CREATE INDEX idx_sync_sessions_sync_category ON public.sync_sessions USING btree (sync_category);
CREATE INDEX idx_sync_sessions_sync_type ON public.sync_sessions USING btree (sync_type);

CREATE TRIGGER update_sync_sessions_updated_at BEFORE UPDATE ON public.sync_sessions FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

--
-- Name: sync_instance_records
--

CREATE SEQUENCE public.sync_instance_records_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.sync_instance_records (
    id integer DEFAULT nextval('public.sync_instance_records_id_seq'::regclass) NOT NULL,
    session_id character varying(36) NOT NULL,
    instance_id integer NOT NULL,
    instance_name character varying(255),
    sync_category character varying(20) NOT NULL,
    status character varying(20) DEFAULT 'pending'::character varying NOT NULL,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    items_synced integer DEFAULT 0,
    items_created integer DEFAULT 0,
    items_updated integer DEFAULT 0,
    items_deleted integer DEFAULT 0,
    error_message text,
    sync_details jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sync_instance_records_pkey PRIMARY KEY (id),
    CONSTRAINT sync_instance_records_status_check CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    CONSTRAINT sync_instance_records_sync_category_check CHECK (sync_category IN ('account', 'capacity', 'config', 'aggregation', 'other'))
);

ALTER SEQUENCE public.sync_instance_records_id_seq OWNED BY public.sync_instance_records.id;

CREATE INDEX idx_sync_instance_records_session_id ON public.sync_instance_records USING btree (session_id);
CREATE INDEX idx_sync_instance_records_instance_id ON public.sync_instance_records USING btree (instance_id);
CREATE INDEX idx_sync_instance_records_status ON public.sync_instance_records USING btree (status);
CREATE INDEX idx_sync_instance_records_sync_category ON public.sync_instance_records USING btree (sync_category);
CREATE INDEX idx_sync_instance_records_created_at ON public.sync_instance_records USING btree (created_at);

--
-- Name: unified_logs
--

CREATE SEQUENCE public.unified_logs_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- Partitioned by month on "timestamp" (seed 002, II/7 and III/P2): the 30-day cleanup drops expired
-- months (DETACH PARTITION + DROP TABLE) instead of a conditional bulk DELETE. The primary key must
-- contain the partition key. Revision 20251226090000 converts an existing database the same way.
CREATE TABLE public.unified_logs (
    id integer DEFAULT nextval('public.unified_logs_id_seq'::regclass) NOT NULL,
    "timestamp" timestamp with time zone NOT NULL,
    level public.log_level NOT NULL,
    module character varying(100) NOT NULL,
    message text NOT NULL,
    traceback text,
    context jsonb,
    created_at timestamp with time zone DEFAULT now(),
    CONSTRAINT unified_logs_level_check CHECK (level IN ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'))
) PARTITION BY RANGE ("timestamp");

CREATE TABLE public.unified_logs_2026_01 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_02 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_03 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-04-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_04 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-04-01 00:00:00+00') TO ('2026-05-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_05 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-05-01 00:00:00+00') TO ('2026-06-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_06 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-06-01 00:00:00+00') TO ('2026-07-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_07 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-07-01 00:00:00+00') TO ('2026-08-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_08 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-08-01 00:00:00+00') TO ('2026-09-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_09 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-09-01 00:00:00+00') TO ('2026-10-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_10 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-10-01 00:00:00+00') TO ('2026-11-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_11 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00');
CREATE TABLE public.unified_logs_2026_12 PARTITION OF public.unified_logs FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
CREATE TABLE public.unified_logs_default PARTITION OF public.unified_logs DEFAULT;

ALTER TABLE public.unified_logs ADD CONSTRAINT unified_logs_pkey PRIMARY KEY (id, "timestamp");

ALTER SEQUENCE public.unified_logs_id_seq OWNED BY public.unified_logs.id;

CREATE INDEX idx_unified_logs_timestamp ON public.unified_logs USING btree ("timestamp");
CREATE INDEX idx_unified_logs_level ON public.unified_logs USING btree (level);
CREATE INDEX idx_unified_logs_module ON public.unified_logs USING btree (module);
CREATE INDEX idx_unified_logs_timestamp_level_module ON public.unified_logs USING btree ("timestamp", level, module);
CREATE INDEX idx_unified_logs_timestamp_module ON public.unified_logs USING btree ("timestamp", module);

--
-- Name: database_size_stats (partitioned by month on collected_date)
--

CREATE SEQUENCE public.database_size_stats_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.database_size_stats (
    id bigint DEFAULT nextval('public.database_size_stats_id_seq'::regclass) NOT NULL,
    instance_id integer NOT NULL,
    database_name character varying(255) NOT NULL,
    size_mb bigint NOT NULL,
    data_size_mb bigint,
    log_size_mb bigint,
    collected_date date NOT NULL,
    collected_at timestamp with time zone DEFAULT now() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT database_size_stats_pkey PRIMARY KEY (id, collected_date),
    CONSTRAINT uq_daily_database_size UNIQUE (instance_id, database_name, collected_date)
)
PARTITION BY RANGE (collected_date);

ALTER SEQUENCE public.database_size_stats_id_seq OWNED BY public.database_size_stats.id;

CREATE INDEX ix_database_size_stats_collected_date ON public.database_size_stats USING btree (collected_date);
CREATE INDEX ix_database_size_stats_instance_date ON public.database_size_stats USING btree (instance_id, collected_date);
CREATE INDEX ix_database_size_stats_instance_db ON public.database_size_stats USING btree (instance_id, database_name);

CREATE TRIGGER trg_update_instance_database_last_seen AFTER INSERT ON public.database_size_stats FOR EACH ROW EXECUTE FUNCTION public.update_instance_database_last_seen();

--
-- Name: instance_size_stats (partitioned by month on collected_date)
--

CREATE SEQUENCE public.instance_size_stats_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.instance_size_stats (
    id bigint DEFAULT nextval('public.instance_size_stats_id_seq'::regclass) NOT NULL,
    instance_id integer NOT NULL,
    total_size_mb bigint NOT NULL,
    database_count integer DEFAULT 0 NOT NULL,
    collected_date date NOT NULL,
    collected_at timestamp with time zone DEFAULT now() NOT NULL,
    is_deleted boolean DEFAULT false NOT NULL,
    deleted_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT instance_size_stats_pkey PRIMARY KEY (id, collected_date)
)
PARTITION BY RANGE (collected_date);

ALTER SEQUENCE public.instance_size_stats_id_seq OWNED BY public.instance_size_stats.id;

CREATE UNIQUE INDEX uq_instance_size_stats_instance_date ON public.instance_size_stats USING btree (instance_id, collected_date) WHERE (is_deleted = false);
CREATE INDEX ix_instance_size_stats_collected_date ON public.instance_size_stats USING btree (collected_date);
CREATE INDEX ix_instance_size_stats_instance_id ON public.instance_size_stats USING btree (instance_id);

CREATE TRIGGER instance_size_stats_partition_trigger BEFORE INSERT ON public.instance_size_stats FOR EACH ROW EXECUTE FUNCTION public.create_instance_size_stats_partition();

--
-- Name: database_size_aggregations (partitioned by month on period_start)
--

CREATE SEQUENCE public.database_size_aggregations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.database_size_aggregations (
    id bigint DEFAULT nextval('public.database_size_aggregations_id_seq'::regclass) NOT NULL,
    instance_id integer NOT NULL,
    database_name character varying(255) NOT NULL,
    period_type character varying(20) NOT NULL,
    period_start date NOT NULL,
    period_end date NOT NULL,
    avg_size_mb bigint NOT NULL,
    max_size_mb bigint NOT NULL,
    min_size_mb bigint NOT NULL,
    data_count integer NOT NULL,
    avg_data_size_mb bigint,
    max_data_size_mb bigint,
    min_data_size_mb bigint,
    avg_log_size_mb bigint,
    max_log_size_mb bigint,
    min_log_size_mb bigint,
    size_change_mb bigint DEFAULT 0 NOT NULL,
    size_change_percent numeric(10,2) DEFAULT 0 NOT NULL,
    data_size_change_mb bigint,
    data_size_change_percent numeric(10,2),
    log_size_change_mb bigint,
    log_size_change_percent numeric(10,2),
    growth_rate numeric(10,2) DEFAULT 0 NOT NULL,
    calculated_at timestamp with time zone DEFAULT now() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT database_size_aggregations_pkey PRIMARY KEY (id, period_start),
    CONSTRAINT uq_database_size_aggregation UNIQUE (instance_id, database_name, period_type, period_start),
    CONSTRAINT database_size_aggregations_period_type_check CHECK (period_type IN ('daily', 'weekly', 'monthly', 'quarterly'))
)
PARTITION BY RANGE (period_start);

ALTER SEQUENCE public.database_size_aggregations_id_seq OWNED BY public.database_size_aggregations.id;

CREATE INDEX ix_database_size_aggregations_instance_period ON public.database_size_aggregations USING btree (instance_id, period_type, period_start);
CREATE INDEX ix_database_size_aggregations_period_type ON public.database_size_aggregations USING btree (period_type, period_start);
CREATE INDEX ix_database_size_aggregations_id ON public.database_size_aggregations USING btree (id);

--
-- Name: instance_size_aggregations (partitioned by month on period_start)
--

CREATE SEQUENCE public.instance_size_aggregations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.instance_size_aggregations (
    id bigint DEFAULT nextval('public.instance_size_aggregations_id_seq'::regclass) NOT NULL,
    instance_id integer NOT NULL,
    period_type character varying(20) NOT NULL,
    period_start date NOT NULL,
    period_end date NOT NULL,
    total_size_mb bigint NOT NULL,
    avg_size_mb bigint NOT NULL,
    max_size_mb bigint NOT NULL,
    min_size_mb bigint NOT NULL,
    data_count integer NOT NULL,
    database_count integer NOT NULL,
    avg_database_count numeric(10,2),
    max_database_count integer,
    min_database_count integer,
    total_size_change_mb bigint DEFAULT 0,
    total_size_change_percent numeric(10,2) DEFAULT 0,
    database_count_change integer DEFAULT 0,
    database_count_change_percent numeric(10,2) DEFAULT 0,
    growth_rate numeric(10,2) DEFAULT 0 NOT NULL,
    trend_direction character varying(20) DEFAULT 'stable'::character varying,
    calculated_at timestamp with time zone DEFAULT now() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT instance_size_aggregations_pkey PRIMARY KEY (id, period_start),
    CONSTRAINT uq_instance_size_aggregation UNIQUE (instance_id, period_type, period_start),
    CONSTRAINT instance_size_aggregations_period_type_check CHECK (period_type IN ('daily', 'weekly', 'monthly', 'quarterly'))
)
PARTITION BY RANGE (period_start);

ALTER SEQUENCE public.instance_size_aggregations_id_seq OWNED BY public.instance_size_aggregations.id;

CREATE INDEX ix_instance_size_aggregations_instance_period ON public.instance_size_aggregations USING btree (instance_id, period_type, period_start);
CREATE INDEX ix_instance_size_aggregations_period_type ON public.instance_size_aggregations USING btree (period_type, period_start);

--
-- Monthly partitions 2025-01 .. 2026-12 (created ahead by the partition management task)
--


CREATE TABLE public.database_size_stats_2025_01 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE public.database_size_stats_2025_02 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
CREATE TABLE public.database_size_stats_2025_03 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-03-01') TO ('2025-04-01');
CREATE TABLE public.database_size_stats_2025_04 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-04-01') TO ('2025-05-01');
CREATE TABLE public.database_size_stats_2025_05 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-05-01') TO ('2025-06-01');
CREATE TABLE public.database_size_stats_2025_06 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-06-01') TO ('2025-07-01');
CREATE TABLE public.database_size_stats_2025_07 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-07-01') TO ('2025-08-01');
CREATE TABLE public.database_size_stats_2025_08 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-08-01') TO ('2025-09-01');
CREATE TABLE public.database_size_stats_2025_09 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-09-01') TO ('2025-10-01');
CREATE TABLE public.database_size_stats_2025_10 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-10-01') TO ('2025-11-01');
CREATE TABLE public.database_size_stats_2025_11 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-11-01') TO ('2025-12-01');
CREATE TABLE public.database_size_stats_2025_12 PARTITION OF public.database_size_stats FOR VALUES FROM ('2025-12-01') TO ('2026-01-01');
CREATE TABLE public.database_size_stats_2026_01 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE public.database_size_stats_2026_02 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE public.database_size_stats_2026_03 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
CREATE TABLE public.database_size_stats_2026_04 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-04-01') TO ('2026-05-01');
CREATE TABLE public.database_size_stats_2026_05 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-05-01') TO ('2026-06-01');
CREATE TABLE public.database_size_stats_2026_06 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-06-01') TO ('2026-07-01');
CREATE TABLE public.database_size_stats_2026_07 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-07-01') TO ('2026-08-01');
CREATE TABLE public.database_size_stats_2026_08 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-08-01') TO ('2026-09-01');
CREATE TABLE public.database_size_stats_2026_09 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-09-01') TO ('2026-10-01');
CREATE TABLE public.database_size_stats_2026_10 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-10-01') TO ('2026-11-01');
CREATE TABLE public.database_size_stats_2026_11 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
CREATE TABLE public.database_size_stats_2026_12 PARTITION OF public.database_size_stats FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');

CREATE TABLE public.instance_size_stats_2025_01 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE public.instance_size_stats_2025_02 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
CREATE TABLE public.instance_size_stats_2025_03 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-03-01') TO ('2025-04-01');
CREATE TABLE public.instance_size_stats_2025_04 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-04-01') TO ('2025-05-01');
CREATE TABLE public.instance_size_stats_2025_05 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-05-01') TO ('2025-06-01');
CREATE TABLE public.instance_size_stats_2025_06 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-06-01') TO ('2025-07-01');
CREATE TABLE public.instance_size_stats_2025_07 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-07-01') TO ('2025-08-01');
CREATE TABLE public.instance_size_stats_2025_08 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-08-01') TO ('2025-09-01');
CREATE TABLE public.instance_size_stats_2025_09 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-09-01') TO ('2025-10-01');
CREATE TABLE public.instance_size_stats_2025_10 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-10-01') TO ('2025-11-01');
CREATE TABLE public.instance_size_stats_2025_11 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-11-01') TO ('2025-12-01');
CREATE TABLE public.instance_size_stats_2025_12 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2025-12-01') TO ('2026-01-01');
CREATE TABLE public.instance_size_stats_2026_01 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE public.instance_size_stats_2026_02 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE public.instance_size_stats_2026_03 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
CREATE TABLE public.instance_size_stats_2026_04 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-04-01') TO ('2026-05-01');
CREATE TABLE public.instance_size_stats_2026_05 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-05-01') TO ('2026-06-01');
CREATE TABLE public.instance_size_stats_2026_06 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-06-01') TO ('2026-07-01');
CREATE TABLE public.instance_size_stats_2026_07 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-07-01') TO ('2026-08-01');
CREATE TABLE public.instance_size_stats_2026_08 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-08-01') TO ('2026-09-01');
CREATE TABLE public.instance_size_stats_2026_09 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-09-01') TO ('2026-10-01');
CREATE TABLE public.instance_size_stats_2026_10 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-10-01') TO ('2026-11-01');
CREATE TABLE public.instance_size_stats_2026_11 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
CREATE TABLE public.instance_size_stats_2026_12 PARTITION OF public.instance_size_stats FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');

CREATE TABLE public.database_size_aggregations_2025_01 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE public.database_size_aggregations_2025_02 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
CREATE TABLE public.database_size_aggregations_2025_03 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-03-01') TO ('2025-04-01');
CREATE TABLE public.database_size_aggregations_2025_04 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-04-01') TO ('2025-05-01');
CREATE TABLE public.database_size_aggregations_2025_05 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-05-01') TO ('2025-06-01');
CREATE TABLE public.database_size_aggregations_2025_06 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-06-01') TO ('2025-07-01');
CREATE TABLE public.database_size_aggregations_2025_07 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-07-01') TO ('2025-08-01');
CREATE TABLE public.database_size_aggregations_2025_08 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-08-01') TO ('2025-09-01');
CREATE TABLE public.database_size_aggregations_2025_09 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-09-01') TO ('2025-10-01');
CREATE TABLE public.database_size_aggregations_2025_10 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-10-01') TO ('2025-11-01');
CREATE TABLE public.database_size_aggregations_2025_11 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-11-01') TO ('2025-12-01');
CREATE TABLE public.database_size_aggregations_2025_12 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2025-12-01') TO ('2026-01-01');
CREATE TABLE public.database_size_aggregations_2026_01 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE public.database_size_aggregations_2026_02 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE public.database_size_aggregations_2026_03 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
CREATE TABLE public.database_size_aggregations_2026_04 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-04-01') TO ('2026-05-01');
CREATE TABLE public.database_size_aggregations_2026_05 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-05-01') TO ('2026-06-01');
CREATE TABLE public.database_size_aggregations_2026_06 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-06-01') TO ('2026-07-01');
CREATE TABLE public.database_size_aggregations_2026_07 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-07-01') TO ('2026-08-01');
CREATE TABLE public.database_size_aggregations_2026_08 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-08-01') TO ('2026-09-01');
CREATE TABLE public.database_size_aggregations_2026_09 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-09-01') TO ('2026-10-01');
CREATE TABLE public.database_size_aggregations_2026_10 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-10-01') TO ('2026-11-01');
CREATE TABLE public.database_size_aggregations_2026_11 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
CREATE TABLE public.database_size_aggregations_2026_12 PARTITION OF public.database_size_aggregations FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');

CREATE TABLE public.instance_size_aggregations_2025_01 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE public.instance_size_aggregations_2025_02 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
CREATE TABLE public.instance_size_aggregations_2025_03 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-03-01') TO ('2025-04-01');
CREATE TABLE public.instance_size_aggregations_2025_04 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-04-01') TO ('2025-05-01');
CREATE TABLE public.instance_size_aggregations_2025_05 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-05-01') TO ('2025-06-01');
CREATE TABLE public.instance_size_aggregations_2025_06 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-06-01') TO ('2025-07-01');
CREATE TABLE public.instance_size_aggregations_2025_07 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-07-01') TO ('2025-08-01');
CREATE TABLE public.instance_size_aggregations_2025_08 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-08-01') TO ('2025-09-01');
CREATE TABLE public.instance_size_aggregations_2025_09 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-09-01') TO ('2025-10-01');
CREATE TABLE public.instance_size_aggregations_2025_10 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-10-01') TO ('2025-11-01');
CREATE TABLE public.instance_size_aggregations_2025_11 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-11-01') TO ('2025-12-01');
CREATE TABLE public.instance_size_aggregations_2025_12 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2025-12-01') TO ('2026-01-01');
CREATE TABLE public.instance_size_aggregations_2026_01 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE public.instance_size_aggregations_2026_02 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE public.instance_size_aggregations_2026_03 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
CREATE TABLE public.instance_size_aggregations_2026_04 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-04-01') TO ('2026-05-01');
CREATE TABLE public.instance_size_aggregations_2026_05 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-05-01') TO ('2026-06-01');
CREATE TABLE public.instance_size_aggregations_2026_06 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-06-01') TO ('2026-07-01');
CREATE TABLE public.instance_size_aggregations_2026_07 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-07-01') TO ('2026-08-01');
CREATE TABLE public.instance_size_aggregations_2026_08 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-08-01') TO ('2026-09-01');
CREATE TABLE public.instance_size_aggregations_2026_09 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-09-01') TO ('2026-10-01');
CREATE TABLE public.instance_size_aggregations_2026_10 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-10-01') TO ('2026-11-01');
CREATE TABLE public.instance_size_aggregations_2026_11 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
CREATE TABLE public.instance_size_aggregations_2026_12 PARTITION OF public.instance_size_aggregations FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');


--
-- Foreign keys
--

ALTER TABLE ONLY public.instances
    ADD CONSTRAINT instances_credential_id_fkey FOREIGN KEY (credential_id) REFERENCES public.credentials(id);

ALTER TABLE ONLY public.instance_tags
    ADD CONSTRAINT instance_tags_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.instances(id);

ALTER TABLE ONLY public.instance_tags
    ADD CONSTRAINT instance_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES public.tags(id);

ALTER TABLE ONLY public.instance_databases
    ADD CONSTRAINT instance_databases_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.instances(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.instance_accounts
    ADD CONSTRAINT instance_accounts_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.instances(id);

ALTER TABLE ONLY public.account_permission
    ADD CONSTRAINT fk_account_permission_instance FOREIGN KEY (instance_id) REFERENCES public.instances(id);

ALTER TABLE ONLY public.account_permission
    ADD CONSTRAINT fk_account_permission_instance_account FOREIGN KEY (instance_account_id) REFERENCES public.instance_accounts(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.account_change_log
    ADD CONSTRAINT account_change_log_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.instances(id);

ALTER TABLE ONLY public.classification_rules
    ADD CONSTRAINT classification_rules_classification_id_fkey FOREIGN KEY (classification_id) REFERENCES public.account_classifications(id);

ALTER TABLE ONLY public.account_classification_assignments
    ADD CONSTRAINT account_classification_assignments_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.account_permission(id);

ALTER TABLE ONLY public.account_classification_assignments
    ADD CONSTRAINT account_classification_assignments_assigned_by_fkey FOREIGN KEY (assigned_by) REFERENCES public.users(id);

ALTER TABLE ONLY public.account_classification_assignments
    ADD CONSTRAINT account_classification_assignments_classification_id_fkey FOREIGN KEY (classification_id) REFERENCES public.account_classifications(id);

ALTER TABLE ONLY public.account_classification_assignments
    ADD CONSTRAINT account_classification_assignments_rule_id_fkey FOREIGN KEY (rule_id) REFERENCES public.classification_rules(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.sync_instance_records
    ADD CONSTRAINT sync_instance_records_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.sync_sessions(session_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.sync_instance_records
    ADD CONSTRAINT sync_instance_records_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.instances(id) ON DELETE CASCADE;

ALTER TABLE public.database_size_stats
    ADD CONSTRAINT database_size_stats_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.instances(id);

ALTER TABLE public.instance_size_stats
    ADD CONSTRAINT instance_size_stats_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.instances(id) ON DELETE CASCADE;

ALTER TABLE public.instance_size_aggregations
    ADD CONSTRAINT instance_size_aggregations_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.instances(id);

-- NOTE: database_size_aggregations.instance_id has no foreign key in production (known gap, see review P0-2).

--
-- Reference data
--

INSERT INTO public.database_type_configs (name, display_name, driver, default_port, default_schema, description, icon, color, features, is_active, is_system, sort_order) VALUES
    ('mysql', 'MySQL', 'pymysql', 3306, 'information_schema', 'MySQL database', 'fa-database', 'primary', '["accounts", "capacity", "permissions"]', true, true, 1),
    ('postgresql', 'PostgreSQL', 'psycopg', 5432, 'public', 'PostgreSQL database', 'fa-database', 'info', '["accounts", "capacity", "permissions"]', true, true, 2),
    ('sqlserver', 'SQL Server', 'pymssql', 1433, 'dbo', 'Microsoft SQL Server', 'fa-database', 'danger', '["accounts", "capacity", "permissions"]', true, true, 3),
    ('oracle', 'Oracle', 'oracledb', 1521, NULL, 'Oracle Database', 'fa-database', 'warning', '["accounts", "capacity", "permissions"]', true, true, 4);
