-- 0003 (seed 003, revision B; seed 000 P0-1): a nullable tenant_id on every domain table, and its foreign key
-- to tenants added NOT VALID (no scan; validated in 0007). Adding a nullable column without a default only
-- touches the catalog: each ALTER takes ACCESS EXCLUSIVE for milliseconds, and gives up after 2 s of waiting.
SET LOCAL lock_timeout = '2s';

ALTER TABLE users
    ADD COLUMN tenant_id bigint,
    ADD CONSTRAINT users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID;
ALTER TABLE projects
    ADD COLUMN tenant_id bigint,
    ADD CONSTRAINT projects_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID;
ALTER TABLE jobs
    ADD COLUMN tenant_id bigint,
    ADD CONSTRAINT jobs_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID;
ALTER TABLE audit_events
    ADD COLUMN tenant_id bigint,
    ADD CONSTRAINT audit_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID;
