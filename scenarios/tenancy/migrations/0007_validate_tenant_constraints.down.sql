-- 0007 down: PostgreSQL cannot mark a constraint NOT VALID again, so each one is dropped and re-added
-- NOT VALID (catalog only, no scan): the schema of 0006.
SET LOCAL lock_timeout = '2s';

ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_tenant_id_fkey,
    ADD CONSTRAINT audit_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID;
ALTER TABLE jobs
    DROP CONSTRAINT jobs_tenant_id_fkey,
    ADD CONSTRAINT jobs_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID;
ALTER TABLE projects
    DROP CONSTRAINT projects_tenant_id_fkey,
    ADD CONSTRAINT projects_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID;
ALTER TABLE users
    DROP CONSTRAINT users_tenant_id_fkey,
    ADD CONSTRAINT users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID;

ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_tenant_id_not_null,
    ADD CONSTRAINT audit_events_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE jobs
    DROP CONSTRAINT jobs_tenant_id_not_null,
    ADD CONSTRAINT jobs_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE projects
    DROP CONSTRAINT projects_tenant_id_not_null,
    ADD CONSTRAINT projects_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE users
    DROP CONSTRAINT users_tenant_id_not_null,
    ADD CONSTRAINT users_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
