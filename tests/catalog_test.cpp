// The catalog snapshot and the schema diff against a real PostgreSQL: equal schemas built different ways
// must compare equal (byte for byte), and every single change must yield exactly one typed finding.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>
#include <string>
#include <vector>

#include "harness/catalog.h"
#include "harness/expr_normalize.h"
#include "harness/live_diff.h"
#include "harness/pg.h"
#include "harness/run.h"
#include "harness/schema_diff.h"
#include "tests/support/test_server.h"

namespace pggate {
namespace {

using testing::TestServer;

Snapshot snapshot_db(const Database& db) {
    PgConn conn(db.conninfo);
    return read_snapshot(conn);
}

// A fresh database with `sql` applied, and its snapshot.
Snapshot snapshot_of(const std::string& sql, Database* keep = nullptr) {
    Database db = TestServer::shared().create("cat");
    if (!sql.empty()) TestServer::shared().exec(db, sql);
    if (keep) *keep = db;
    return snapshot_db(db);
}

// Snapshots of several scripts, each applied to its own fresh database from TestServer::create. Identical
// scripts share one database (many cases start from the same base schema). The databases are created one by
// one (the server serializes that anyway), then filled and read by a few workers at once.
std::vector<Snapshot> snapshots_of(const std::vector<std::string>& scripts, std::vector<Database>* used = nullptr,
                                   std::vector<Database>* per_script = nullptr) {
    std::map<std::string, size_t> unique_index;
    std::vector<std::string> unique;
    std::vector<size_t> slot(scripts.size());
    for (size_t i = 0; i < scripts.size(); ++i) {
        auto [it, inserted] = unique_index.emplace(scripts[i], unique.size());
        if (inserted) unique.push_back(scripts[i]);
        slot[i] = it->second;
    }
    std::vector<Database> dbs;
    for (size_t i = 0; i < unique.size(); ++i) dbs.push_back(TestServer::shared().create("cat"));
    if (used) used->insert(used->end(), dbs.begin(), dbs.end());
    std::vector<Snapshot> snaps(unique.size());
    std::vector<std::string> errors(unique.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i = next++; i < unique.size(); i = next++) {
            try {
                PgConn conn(dbs[i].conninfo);
                if (!unique[i].empty()) conn.exec(unique[i]);
                snaps[i] = read_snapshot(conn);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        }
    };
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) workers.emplace_back(work);
    for (auto& t : workers) t.join();
    for (size_t i = 0; i < unique.size(); ++i)
        if (!errors[i].empty()) throw std::runtime_error("script failed: " + errors[i] + "\n" + unique[i]);
    std::vector<Snapshot> out;
    for (size_t i = 0; i < scripts.size(); ++i) out.push_back(snaps[slot[i]]);
    if (per_script)
        for (size_t i = 0; i < scripts.size(); ++i) per_script->push_back(dbs[slot[i]]);
    return out;
}

std::string describe(const std::vector<SchemaDifference>& diffs) {
    std::string out;
    for (const auto& d : diffs) {
        out += "  " + d.kind + "." + d.change + " " + d.id;
        if (!d.changed_attrs.empty()) {
            out += " [";
            for (const auto& a : d.changed_attrs) out += a + " ";
            out += "]";
        }
        out += "\n    reference: " + d.reference_definition + "\n    other:     " + d.other_definition + "\n";
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// 1. Equal schemas built different ways.

struct EqualCase {
    const char* name;
    const char* a;
    const char* b;
    bool byte_identical;  // false when only column order differs (positions are in the snapshot)
};

const std::vector<EqualCase>& equal_cases() {
    static const std::vector<EqualCase> cases = {
        {"statement order permuted",
         "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
         "CREATE TABLE parent (id int PRIMARY KEY, m mood);"
         "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent ON DELETE CASCADE, note text);"
         "CREATE INDEX child_parent_idx ON child (parent_id);"
         "CREATE SEQUENCE ticket_seq INCREMENT BY 5;"
         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
         "CREATE TRIGGER child_touch BEFORE UPDATE ON child FOR EACH ROW EXECUTE FUNCTION touch();"
         "CREATE VIEW child_notes AS SELECT id, note FROM child;"
         "CREATE SCHEMA audit; CREATE TABLE audit.log (id bigint GENERATED ALWAYS AS IDENTITY, msg text);",
         "CREATE SCHEMA audit; CREATE TABLE audit.log (id bigint GENERATED ALWAYS AS IDENTITY, msg text);"
         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
         "CREATE SEQUENCE ticket_seq INCREMENT BY 5;"
         "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
         "CREATE TABLE parent (id int PRIMARY KEY, m mood);"
         "CREATE TABLE child (id int PRIMARY KEY, parent_id int, note text);"
         "CREATE VIEW child_notes AS SELECT id, note FROM child;"
         "CREATE TRIGGER child_touch BEFORE UPDATE ON child FOR EACH ROW EXECUTE FUNCTION touch();"
         "CREATE INDEX child_parent_idx ON child (parent_id);"
         "ALTER TABLE child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE;",
         true},
        {"constraints and indexes added by ALTER instead of in CREATE TABLE",
         "CREATE TABLE t (id int PRIMARY KEY, a text NOT NULL DEFAULT 'x' UNIQUE, b int CHECK (b > 0));"
         "CREATE INDEX t_b_idx ON t (b);",
         "CREATE TABLE t (id int, a text, b int);"
         "ALTER TABLE t ADD PRIMARY KEY (id);"
         "ALTER TABLE t ALTER a SET NOT NULL, ALTER a SET DEFAULT 'x';"
         "ALTER TABLE t ADD UNIQUE (a);"
         "ALTER TABLE t ADD CHECK (b > 0);"
         "CREATE INDEX t_b_idx ON t (b);",
         true},
        {"unique constraint declared inline versus promoted from an index",
         "CREATE TABLE t (id int, a text, CONSTRAINT t_a_key UNIQUE (a));",
         "CREATE TABLE t (id int, a text); CREATE UNIQUE INDEX t_a_uniq ON t (a);"
         "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_uniq;",
         true},
        {"a dropped column leaves no trace",
         "CREATE TABLE t (id int, a text, b int);",
         "CREATE TABLE t (id int, junk int, a text, gone text, b int);"
         "CREATE INDEX t_junk_idx ON t (junk);"
         "ALTER TABLE t DROP COLUMN junk; ALTER TABLE t DROP COLUMN gone;",
         true},
        {"partition created with PARTITION OF versus a standalone table attached later",
         "CREATE TABLE m (id int NOT NULL, ts date NOT NULL, v text, CONSTRAINT m_v_check CHECK (v <> '')) PARTITION BY RANGE (ts);"
         "CREATE INDEX m_v_idx ON m (v);"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
         "CREATE TABLE m (id int NOT NULL, ts date NOT NULL, v text, CONSTRAINT m_v_check CHECK (v <> '')) PARTITION BY RANGE (ts);"
         "CREATE INDEX m_v_idx ON ONLY m (v);"
         "CREATE TABLE m_2024 (v text, ts date NOT NULL, id int NOT NULL, CONSTRAINT m_v_check CHECK (v <> ''));"
         "CREATE INDEX m_2024_own_idx ON m_2024 (v);"
         "ALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "ALTER INDEX m_v_idx ATTACH PARTITION m_2024_own_idx;"
         "CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
         "ALTER INDEX m_v_idx ATTACH PARTITION m_2025_v_idx;",
         true},
        {"primary key added later via ALTER on a partitioned table",
         "CREATE TABLE m (id int, ts date, PRIMARY KEY (id, ts)) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_2024 (id int, ts date);"
         "ALTER TABLE m_2024 ADD PRIMARY KEY (id, ts);"
         "ALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "ALTER TABLE m ADD PRIMARY KEY (id, ts);",
         true},
        {"triggers on a partitioned parent, cloned to partitions",
         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
         "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);"
         "CREATE TRIGGER m_touch BEFORE UPDATE ON m FOR EACH ROW EXECUTE FUNCTION touch();"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
         "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "CREATE TRIGGER m_touch BEFORE UPDATE ON m FOR EACH ROW EXECUTE FUNCTION touch();",
         true},
        {"foreign key to a partitioned table, before and after its partitions",
         "CREATE TABLE m (id int, ts date, PRIMARY KEY (id, ts)) PARTITION BY RANGE (ts);"
         "CREATE TABLE r (id int, m_id int, m_ts date, FOREIGN KEY (m_id, m_ts) REFERENCES m);"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
         "CREATE TABLE m (id int, ts date, PRIMARY KEY (id, ts)) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
         "CREATE TABLE r (id int, m_id int, m_ts date);"
         "ALTER TABLE r ADD FOREIGN KEY (m_id, m_ts) REFERENCES m;",
         true},
        {"partitioned table referencing another table, FK cloned to partitions",
         "CREATE TABLE p (id int PRIMARY KEY);"
         "CREATE TABLE m (id int, p_id int REFERENCES p, ts date) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         "CREATE TABLE p (id int PRIMARY KEY);"
         "CREATE TABLE m (id int, p_id int, ts date) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_2024 (id int, p_id int REFERENCES p, ts date);"
         "ALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "ALTER TABLE m ADD CONSTRAINT m_p_id_fkey FOREIGN KEY (p_id) REFERENCES p;",
         true},
        {"enum label inserted with BEFORE versus declared in order",
         "CREATE TYPE e AS ENUM ('a', 'b', 'c');",
         "CREATE TYPE e AS ENUM ('a', 'c'); ALTER TYPE e ADD VALUE 'b' BEFORE 'c';",
         true},
        {"identity, serial and sequence options spelled differently",
         "CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10), s serial);",
         "CREATE TABLE t (id bigint NOT NULL, s integer NOT NULL);"
         "ALTER TABLE t ALTER id ADD GENERATED BY DEFAULT AS IDENTITY (START 10);"
         "CREATE SEQUENCE t_s_seq AS integer; ALTER TABLE t ALTER s SET DEFAULT nextval('t_s_seq');"
         "ALTER SEQUENCE t_s_seq OWNED BY t.s;",
         true},
        {"column settings made on a partitioned parent before or after its partitions exist",
         "CREATE TABLE m (id int NOT NULL, ts date NOT NULL, v text DEFAULT 'x') PARTITION BY RANGE (ts);"
         "ALTER TABLE m ALTER v SET STATISTICS 300, ALTER v SET STORAGE EXTERNAL, ALTER v SET (n_distinct = 50);"
         "COMMENT ON COLUMN m.v IS 'vee';"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         "CREATE TABLE m (id int NOT NULL, ts date NOT NULL, v text) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "ALTER TABLE m ALTER v SET DEFAULT 'x', ALTER v SET STATISTICS 300, ALTER v SET STORAGE EXTERNAL, ALTER v SET (n_distinct = 50);"
         "COMMENT ON COLUMN m.v IS 'vee';",
         true},
        {"sub-partitioned tree built top-down versus bottom-up",
         "CREATE TABLE m (id int, region text, ts date) PARTITION BY LIST (region);"
         "CREATE INDEX m_ts_idx ON m (ts);"
         "CREATE TABLE m_eu PARTITION OF m FOR VALUES IN ('eu') PARTITION BY RANGE (ts);"
         "CREATE TABLE m_eu_2024 PARTITION OF m_eu FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         "CREATE TABLE m_eu_2024 (id int, region text, ts date);"
         "CREATE TABLE m_eu (id int, region text, ts date) PARTITION BY RANGE (ts);"
         "ALTER TABLE m_eu ATTACH PARTITION m_eu_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "CREATE TABLE m (id int, region text, ts date) PARTITION BY LIST (region);"
         "ALTER TABLE m ATTACH PARTITION m_eu FOR VALUES IN ('eu');"
         "CREATE INDEX m_ts_idx ON m (ts);",
         true},
        {"publication tables, column lists and tags listed in another order",
         "CREATE TABLE t (id int PRIMARY KEY, a int, b text); CREATE TABLE u (id int PRIMARY KEY);"
         "CREATE PUBLICATION pub FOR TABLE t (id, a, b) WHERE (a > 0), u WITH (publish = 'insert, delete');"
         "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;"
         "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION on_ddl();",
         "CREATE TABLE t (id int PRIMARY KEY, a int, b text); CREATE TABLE u (id int PRIMARY KEY);"
         "CREATE PUBLICATION pub FOR TABLE u WITH (publish = 'delete,insert');"
         "ALTER PUBLICATION pub ADD TABLE t (b, a, id) WHERE (a > 0);"
         "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;"
         "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE') EXECUTE FUNCTION on_ddl();",
         true},
        {"extended statistics declared with columns in another order",
         "CREATE TABLE t (id int, a int, b text); CREATE STATISTICS t_ab (ndistinct, mcv) ON a, b FROM t;",
         "CREATE TABLE t (id int, a int, b text); CREATE STATISTICS t_ab (mcv, ndistinct) ON b, a FROM t;",
         true},
        {"GRANT then REVOKE back to the default, and comments set then reset",
         "CREATE SCHEMA s; CREATE TABLE s.t (id int); CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
         "CREATE SCHEMA s; CREATE TABLE s.t (id int); CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'SELECT 1';"
         "GRANT SELECT, INSERT ON s.t TO PUBLIC; REVOKE SELECT, INSERT ON s.t FROM PUBLIC;"
         "GRANT UPDATE (id) ON s.t TO PUBLIC; REVOKE UPDATE (id) ON s.t FROM PUBLIC;"
         "REVOKE EXECUTE ON FUNCTION s.f() FROM PUBLIC; GRANT EXECUTE ON FUNCTION s.f() TO PUBLIC;"
         "GRANT USAGE ON SCHEMA s TO PUBLIC; REVOKE USAGE ON SCHEMA s FROM PUBLIC;"
         "GRANT CREATE ON SCHEMA public TO PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
         "COMMENT ON SCHEMA s IS 'x'; COMMENT ON SCHEMA s IS NULL;"
         "COMMENT ON SCHEMA public IS 'x'; COMMENT ON SCHEMA public IS 'standard public schema';",
         true},
        // Red-team: what real projects' schemas do that a snapshot must not mistake for a difference.
        {"reloptions and index options set in another order",
         "CREATE TABLE t (id int, a text) WITH (fillfactor = 70, autovacuum_enabled = false, toast.autovacuum_enabled = false);"
         "CREATE INDEX t_a_idx ON t (a) WITH (fillfactor = 80, deduplicate_items = off);"
         "CREATE VIEW v WITH (security_barrier = true, check_option = local) AS SELECT id FROM t WHERE id > 0;",
         "CREATE TABLE t (id int, a text); ALTER TABLE t SET (toast.autovacuum_enabled = false, autovacuum_enabled = false);"
         "ALTER TABLE t SET (fillfactor = 70);"
         "CREATE INDEX t_a_idx ON t (a) WITH (deduplicate_items = off); ALTER INDEX t_a_idx SET (fillfactor = 80);"
         "CREATE VIEW v WITH (check_option = local) AS SELECT id FROM t WHERE id > 0; ALTER VIEW v SET (security_barrier = true);",
         true},
        {"function SET clauses in another order",
         "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public SET work_mem = '8MB' AS 'SELECT 1';",
         "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET work_mem = '8MB' AS 'SELECT 1';"
         "ALTER FUNCTION f() SET search_path = pg_catalog, public;",
         true},
        {"default nextval of a sequence created under another name",
         "CREATE SEQUENCE order_no; CREATE TABLE orders (id int DEFAULT nextval('order_no'), placed timestamptz DEFAULT (now() AT TIME ZONE 'utc'));",
         "CREATE SEQUENCE tmp_seq; CREATE TABLE orders (id int DEFAULT nextval('tmp_seq'), placed timestamptz);"
         "ALTER SEQUENCE tmp_seq RENAME TO order_no; ALTER TABLE orders ALTER placed SET DEFAULT (now() AT TIME ZONE 'utc');",
         true},
        {"unlogged table with a serial, created unlogged versus made unlogged",
         "CREATE UNLOGGED TABLE cache (id serial PRIMARY KEY, v text);",
         "CREATE TABLE cache (id serial PRIMARY KEY, v text); ALTER TABLE cache SET UNLOGGED;",
         true},
        {"multi-level partitioned events (range, list, hash, defaults) built top-down versus bottom-up",
         "CREATE TABLE tenants (id bigint PRIMARY KEY);"
         "CREATE TABLE ev (tenant_id bigint NOT NULL REFERENCES tenants ON DELETE CASCADE, ts timestamptz NOT NULL, kind text NOT NULL,"
         "  id bigint GENERATED ALWAYS AS IDENTITY, payload jsonb, PRIMARY KEY (tenant_id, ts, kind, id)) PARTITION BY RANGE (ts);"
         "CREATE INDEX ev_payload ON ev USING gin (payload jsonb_path_ops);"
         "CREATE INDEX ev_kind_ts ON ev (kind, ts DESC NULLS FIRST) INCLUDE (payload) WHERE kind <> 'noise';"
         "CREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (kind);"
         "CREATE TABLE ev_2024_login PARTITION OF ev_2024 FOR VALUES IN ('login') PARTITION BY HASH (tenant_id);"
         "CREATE TABLE ev_2024_login_h0 PARTITION OF ev_2024_login FOR VALUES WITH (modulus 2, remainder 0);"
         "CREATE TABLE ev_2024_login_h1 PARTITION OF ev_2024_login FOR VALUES WITH (modulus 2, remainder 1);"
         "CREATE TABLE ev_2024_other PARTITION OF ev_2024 DEFAULT; CREATE TABLE ev_default PARTITION OF ev DEFAULT;"
         "CREATE TABLE ev_ref (tenant_id bigint, ts timestamptz, kind text, ev_id bigint,"
         "  FOREIGN KEY (tenant_id, ts, kind, ev_id) REFERENCES ev ON DELETE SET NULL (ev_id));",
         "CREATE TABLE tenants (id bigint PRIMARY KEY);"
         "CREATE TABLE ev_2024_login_h1 (payload jsonb, id bigint NOT NULL, kind text NOT NULL, ts timestamptz NOT NULL, tenant_id bigint NOT NULL);"
         "CREATE TABLE ev (tenant_id bigint NOT NULL, ts timestamptz NOT NULL, kind text NOT NULL, id bigint GENERATED ALWAYS AS IDENTITY,"
         "  payload jsonb) PARTITION BY RANGE (ts);"
         "CREATE TABLE ev_ref (tenant_id bigint, ts timestamptz, kind text, ev_id bigint);"
         "CREATE TABLE ev_default PARTITION OF ev DEFAULT;"
         "CREATE TABLE ev_2024 (tenant_id bigint NOT NULL, ts timestamptz NOT NULL, kind text NOT NULL, id bigint NOT NULL, payload jsonb)"
         "  PARTITION BY LIST (kind);"
         "CREATE TABLE ev_2024_other PARTITION OF ev_2024 DEFAULT;"
         "CREATE TABLE ev_2024_login PARTITION OF ev_2024 FOR VALUES IN ('login') PARTITION BY HASH (tenant_id);"
         "CREATE TABLE ev_2024_login_h0 PARTITION OF ev_2024_login FOR VALUES WITH (modulus 2, remainder 0);"
         "ALTER TABLE ev_2024_login ATTACH PARTITION ev_2024_login_h1 FOR VALUES WITH (modulus 2, remainder 1);"
         "ALTER TABLE ev ATTACH PARTITION ev_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "ALTER TABLE ev ADD PRIMARY KEY (tenant_id, ts, kind, id);"
         "ALTER TABLE ev ADD FOREIGN KEY (tenant_id) REFERENCES tenants ON DELETE CASCADE;"
         "CREATE INDEX ev_kind_ts ON ev (kind, ts DESC NULLS FIRST) INCLUDE (payload) WHERE kind <> 'noise';"
         "CREATE INDEX ev_payload ON ev USING gin (payload jsonb_path_ops);"
         "ALTER TABLE ev_ref ADD FOREIGN KEY (tenant_id, ts, kind, ev_id) REFERENCES ev ON DELETE SET NULL (ev_id);",
         true},
        {"constraint trigger and disabled trigger on a partitioned table, before and after its partitions",
         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
         "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "CREATE CONSTRAINT TRIGGER m_check AFTER INSERT ON m DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION touch();"
         "CREATE TRIGGER m_touch BEFORE UPDATE ON m FOR EACH ROW EXECUTE FUNCTION touch(); ALTER TABLE m DISABLE TRIGGER m_touch;",
         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
         "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);"
         "CREATE CONSTRAINT TRIGGER m_check AFTER INSERT ON m DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION touch();"
         "CREATE TRIGGER m_touch BEFORE UPDATE ON m FOR EACH ROW EXECUTE FUNCTION touch(); ALTER TABLE m DISABLE TRIGGER m_touch;"
         "CREATE TABLE m_2024 (ts date, id int);"
         "ALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         true},
        {"same-named tables and indexes in two schemas, created in another order",
         "CREATE SCHEMA billing; CREATE TABLE t (id int PRIMARY KEY, a int); CREATE TABLE billing.t (id int PRIMARY KEY, a text);"
         "CREATE INDEX t_a_idx ON t (a); CREATE INDEX t_a_idx ON billing.t (lower(a));",
         "CREATE SCHEMA billing; CREATE TABLE billing.t (id int PRIMARY KEY, a text); CREATE INDEX t_a_idx ON billing.t (lower(a));"
         "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE INDEX t_a_idx ON t (a);",
         true},
        {"domains over domains, arrays of enums and composite columns, columns retyped later",
         "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE DOMAIN pos AS int CHECK (VALUE > 0);"
         "CREATE DOMAIN small_pos AS pos CHECK (VALUE < 100); CREATE TYPE pt AS (x small_pos, y text COLLATE \"C\");"
         "CREATE TABLE t (moods mood[] DEFAULT '{ok}', p pt, n small_pos, r int4multirange);",
         "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE DOMAIN pos AS int CHECK (VALUE > 0);"
         "CREATE DOMAIN small_pos AS pos; ALTER DOMAIN small_pos ADD CHECK (VALUE < 100);"
         "CREATE TYPE pt AS (x small_pos, y text); ALTER TYPE pt ALTER ATTRIBUTE y TYPE text COLLATE \"C\";"
         "CREATE TABLE t (moods text[], p pt, n int, r int4multirange);"
         "ALTER TABLE t ALTER moods TYPE mood[] USING moods::mood[], ALTER moods SET DEFAULT '{ok}', ALTER n TYPE small_pos;",
         true},
        {"views with options and column comments, set in CREATE versus ALTER",
         "CREATE TABLE t (id int, a text); CREATE VIEW v WITH (security_barrier) AS SELECT id, a FROM t;"
         "CREATE VIEW v2 AS SELECT id FROM v WITH CASCADED CHECK OPTION; COMMENT ON COLUMN v.a IS 'the a';"
         "CREATE MATERIALIZED VIEW mv AS SELECT id FROM v2; CREATE UNIQUE INDEX mv_id ON mv (id); COMMENT ON COLUMN mv.id IS 'key';",
         "CREATE TABLE t (id int, a text); CREATE VIEW v AS SELECT id, a FROM t; ALTER VIEW v SET (security_barrier = true);"
         "CREATE VIEW v2 AS SELECT id FROM v; ALTER VIEW v2 SET (check_option = cascaded); COMMENT ON COLUMN v.a IS 'the a';"
         "CREATE MATERIALIZED VIEW mv AS SELECT id FROM v2 WITH NO DATA; CREATE UNIQUE INDEX mv_id ON mv (id);"
         "COMMENT ON COLUMN mv.id IS 'key';",
         true},
        {"quoted identifiers with spaces, capitals and quotes, keys added by ALTER",
         "CREATE SCHEMA \"Sales Ops\"; CREATE TABLE \"Sales Ops\".\"Order \"\"Items\"\"\" (\"Sku Id\" int PRIMARY KEY,"
         "  \"Qty\" int CONSTRAINT \"Qty > 0\" CHECK (\"Qty\" > 0), \"select\" text);"
         "CREATE INDEX \"Qty Idx\" ON \"Sales Ops\".\"Order \"\"Items\"\"\" (\"Qty\" DESC) WHERE \"select\" IS NOT NULL;",
         "CREATE SCHEMA \"Sales Ops\"; CREATE TABLE \"Sales Ops\".\"Order \"\"Items\"\"\" (\"select\" text, \"Qty\" int, \"Sku Id\" int);"
         "ALTER TABLE \"Sales Ops\".\"Order \"\"Items\"\"\" ADD PRIMARY KEY (\"Sku Id\"), ADD CONSTRAINT \"Qty > 0\" CHECK (\"Qty\" > 0);"
         "CREATE INDEX \"Qty Idx\" ON \"Sales Ops\".\"Order \"\"Items\"\"\" (\"Qty\" DESC) WHERE \"select\" IS NOT NULL;",
         false},
        {"list partition values written in another order",
         "CREATE TABLE ev (kind text, n int) PARTITION BY LIST (kind);"
         "CREATE TABLE ev_auth PARTITION OF ev FOR VALUES IN ('login', 'logout', 'it''s, odd', NULL);"
         "CREATE TABLE ev_n (n int, kind text) PARTITION BY LIST (n); CREATE TABLE ev_n_1 PARTITION OF ev_n FOR VALUES IN (-1, 10, 2);"
         "ALTER TABLE ev ATTACH PARTITION ev_n FOR VALUES IN ('n');",
         "CREATE TABLE ev (kind text, n int) PARTITION BY LIST (kind);"
         "CREATE TABLE ev_auth PARTITION OF ev FOR VALUES IN (NULL, 'logout', 'it''s, odd', 'login');"
         "CREATE TABLE ev_n PARTITION OF ev FOR VALUES IN ('n') PARTITION BY LIST (n);"
         "CREATE TABLE ev_n_1 PARTITION OF ev_n FOR VALUES IN (2, -1, 10);",
         true},
        {"column sets written in another order: UPDATE OF of a trigger, ON DELETE SET NULL of a foreign key",
         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
         "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b)); CREATE TABLE c (a int, b int, \"Note, x\" text,"
         "  CONSTRAINT c_fk FOREIGN KEY (a, b) REFERENCES p ON DELETE SET NULL (a, b));"
         "CREATE TRIGGER c_touch BEFORE UPDATE OF b, \"Note, x\", a ON c FOR EACH ROW EXECUTE FUNCTION touch();",
         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
         "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b)); CREATE TABLE c (a int, b int, \"Note, x\" text,"
         "  CONSTRAINT c_fk FOREIGN KEY (a, b) REFERENCES p ON DELETE SET NULL (b, a));"
         "CREATE TRIGGER c_touch BEFORE INSERT OR UPDATE OF a, \"Note, x\", b ON c FOR EACH ROW EXECUTE FUNCTION touch();"
         "DROP TRIGGER c_touch ON c; CREATE TRIGGER c_touch BEFORE UPDATE OF \"Note, x\", a, b ON c FOR EACH ROW EXECUTE FUNCTION touch();",
         true},
        {"columns added by ALTER sit in another order",
         "CREATE TABLE t (id int PRIMARY KEY, a text, b int);",
         "CREATE TABLE t (id int PRIMARY KEY); ALTER TABLE t ADD COLUMN b int; ALTER TABLE t ADD COLUMN a text;",
         false},
    };
    return cases;
}

TEST(CatalogEqual, EqualSchemasBuiltDifferentWaysCompareEqual) {
    std::vector<std::string> scripts;
    for (const auto& c : equal_cases()) {
        scripts.push_back(c.a);
        scripts.push_back(c.b);
    }
    auto snaps = snapshots_of(scripts);
    for (size_t i = 0; i < equal_cases().size(); ++i) {
        const auto& c = equal_cases()[i];
        const Snapshot& a = snaps[2 * i];
        const Snapshot& b = snaps[2 * i + 1];
        auto diffs = diff_snapshots(a, b, DiffPolicy{});
        EXPECT_TRUE(diffs.empty()) << c.name << ":\n" << describe(diffs);
        auto back = diff_snapshots(b, a, DiffPolicy{});
        EXPECT_TRUE(back.empty()) << c.name << " (reversed):\n" << describe(back);
        if (c.byte_identical) {
            EXPECT_EQ(snapshot_to_json(a), snapshot_to_json(b)) << c.name;
        } else {
            EXPECT_NE(snapshot_to_json(a), snapshot_to_json(b)) << c.name;
        }
        EXPECT_GT(a.objects.size(), 0u) << c.name;
    }
}

TEST(CatalogEqual, ColumnOrderIsAFindingOnlyWhenThePolicyAsksForIt) {
    auto snaps = snapshots_of({"CREATE TABLE t (id int PRIMARY KEY, a text, b int);",
                               "CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN b int; ALTER TABLE t ADD COLUMN a text;"
                               "ALTER TABLE t ADD PRIMARY KEY (id);"});
    EXPECT_TRUE(diff_snapshots(snaps[0], snaps[1], DiffPolicy{}).empty());
    for (const char* mode : {"warn", "fail"}) {
        DiffPolicy policy;
        policy.column_order = mode;
        auto diffs = diff_snapshots(snaps[0], snaps[1], policy);
        ASSERT_EQ(diffs.size(), 1u) << describe(diffs);
        EXPECT_EQ(diffs[0].kind, "column-order");
        EXPECT_EQ(diffs[0].id, "public.t");
        EXPECT_EQ(diffs[0].change, "changed");
        EXPECT_EQ(diffs[0].reference_definition, "id, a, b");
        EXPECT_EQ(diffs[0].other_definition, "id, b, a");
    }
    // Same order (with a dropped column in between on one side): no column-order finding even when asked.
    auto same = snapshots_of({"CREATE TABLE t (id int, a text);", "CREATE TABLE t (id int, x int, a text); ALTER TABLE t DROP x;"});
    DiffPolicy warn;
    warn.column_order = "warn";
    EXPECT_TRUE(diff_snapshots(same[0], same[1], warn).empty());
}

TEST(CatalogEqual, AttverOptionNeverReachesTheSnapshot) {
    Database db;
    Snapshot s = snapshot_of("CREATE TABLE t (id int, a text);"
                             "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);"
                             "CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
                             "ALTER TABLE t ALTER a SET (n_distinct = 100);",
                             &db);
    PgConn conn(db.conninfo);
    // The raw catalog really carries it (this PostgreSQL build adds it to every column)...
    PgResult r = conn.exec("SELECT count(*) FILTER (WHERE array_to_string(attoptions, ',') LIKE '%pg_attver=%'), count(*) "
                           "FROM pg_attribute WHERE attrelid IN ('t'::regclass, 'm'::regclass, 'm_1'::regclass) "
                           "AND attnum > 0 AND NOT attisdropped");
    EXPECT_EQ(r.get(0, 0), r.get(0, 1)) << "expected pg_attver=N in attoptions of every column";
    EXPECT_NE(r.get(0, 0), "0");
    // ...and the snapshot never does, while options a user set survive.
    std::string json = snapshot_to_json(s);
    EXPECT_EQ(json.find("pg_attver"), std::string::npos) << json;
    auto a = s.objects.find(snapshot_key("column", "public.t.a"));
    ASSERT_NE(a, s.objects.end());
    EXPECT_EQ(a->second.attrs["options"], "n_distinct=100");
    auto id = s.objects.find(snapshot_key("column", "public.t.id"));
    ASSERT_NE(id, s.objects.end());
    EXPECT_EQ(id->second.attrs.count("options"), 0u);
}

TEST(CatalogNames, KeyColumnsAndReferencedTablesAreNamedAsTheServerNamesThem) {
    // The snapshot names key, included and referenced columns and referenced tables on the client, from attnums and
    // OIDs (see name_token in catalog.cpp). Every key constraint and index definition must read as PostgreSQL's own
    // pg_get_constraintdef / pg_get_indexdef spell it (with an empty search_path, so that every table is qualified as
    // the snapshot qualifies it), in both reading modes: quoted, mixed-case and keyword names, dropped columns,
    // partitions whose columns sit in another order than their parent's, materialized views, INCLUDE, COLLATE.
    Database db;
    Snapshot now = snapshot_of(
        "CREATE SCHEMA \"Odd Schema\"; CREATE TYPE \"Odd Schema\".mood AS ENUM ('a', 'b');"
        "CREATE TABLE \"Odd Schema\".\"Mixed Case\" (\"select\" int PRIMARY KEY, \"Name\" text COLLATE \"C\", \"a,b\" int, x int,"
        "  m \"Odd Schema\".mood, UNIQUE NULLS NOT DISTINCT (\"a,b\", x) INCLUDE (\"Name\"));"
        "CREATE INDEX ON \"Odd Schema\".\"Mixed Case\" (m, \"Name\" COLLATE \"POSIX\" DESC, (lower(\"Name\") COLLATE \"C\"));"
        "CREATE TABLE \"user\" (\"order\" int PRIMARY KEY, \"group\" int REFERENCES \"user\" (\"order\") MATCH FULL ON UPDATE CASCADE);"
        "CREATE TABLE dropped (a int, b int, c text, d int); ALTER TABLE dropped DROP COLUMN b;"
        "ALTER TABLE dropped ADD PRIMARY KEY (d, a); CREATE UNIQUE INDEX dropped_u ON dropped (d) INCLUDE (c, a);"
        "CREATE INDEX dropped_partial ON dropped (c, d) WHERE a > 0;"
        "CREATE TABLE pp (id int, d date, v text, PRIMARY KEY (id, d)) PARTITION BY RANGE (d);"
        "CREATE TABLE pp_1 PARTITION OF pp FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
        "CREATE TABLE pp_2 (gone int, v text, d date NOT NULL, id int NOT NULL); ALTER TABLE pp_2 DROP COLUMN gone;"
        "ALTER TABLE pp ATTACH PARTITION pp_2 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
        "CREATE INDEX pp_2_own ON pp_2 (v COLLATE \"C\" DESC NULLS LAST, (lower(v))) INCLUDE (id);"
        "ALTER TABLE pp_2 ADD CONSTRAINT pp_2_u UNIQUE (v, d), ADD CONSTRAINT pp_2_u2 UNIQUE (id, d) INCLUDE (v);"
        "CREATE TABLE refp (a int, b date, c int, e text);"
        "ALTER TABLE refp ADD CONSTRAINT refp_part FOREIGN KEY (c, b) REFERENCES pp_2 (id, d) ON DELETE SET NULL (c),"
        "  ADD CONSTRAINT refp_parent FOREIGN KEY (c, b) REFERENCES pp (id, d),"
        "  ADD CONSTRAINT refp_text FOREIGN KEY (e, b) REFERENCES pp_2 (v, d) DEFERRABLE INITIALLY DEFERRED NOT VALID;"
        "CREATE MATERIALIZED VIEW mv AS SELECT \"select\" AS s, \"Name\" AS n FROM \"Odd Schema\".\"Mixed Case\";"
        "CREATE INDEX mv_i ON mv (n COLLATE \"POSIX\" text_pattern_ops, s);"
        "CREATE TABLE ch (id int, t text COLLATE \"C\", u text); CREATE INDEX ch_default ON ch (t COLLATE \"default\");"
        "CREATE INDEX ch_same ON ch (t COLLATE \"C\"); CREATE INDEX ch_u ON ch (u COLLATE \"C\", u);"
        "CREATE INDEX ch_order ON ch (id DESC, t NULLS FIRST, u DESC NULLS LAST) INCLUDE (u);"
        "CREATE INDEX ch_opclass ON ch (id DESC NULLS LAST, t text_pattern_ops DESC, u COLLATE \"POSIX\" varchar_pattern_ops);",
        &db);
    PgConn conn(db.conninfo);
    Snapshot lazy = read_snapshot(conn, Deparse::on_demand);
    std::vector<size_t> all(lazy.deferred.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    resolve_deferred(conn, lazy, all);
    conn.exec("SET search_path = ''");
    PgResult r = conn.exec(
        "SELECT 'constraint', quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(con.conname), "
        "  pg_get_constraintdef(con.oid), '' FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
        "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE con.contype IN ('p', 'u', 'f') AND n.nspname NOT LIKE 'pg\\_%' "
        "UNION ALL SELECT 'index', quote_ident(n.nspname) || '.' || quote_ident(ic.relname), pg_get_indexdef(i.indexrelid), "
        "  quote_ident(ic.relname) FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
        "  JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace WHERE n.nspname NOT LIKE 'pg\\_%' "
        // Expression columns and predicates are PostgreSQL's deparser's either way (and the snapshot spells
        // them apart, so with other parentheses and collations than pg_get_indexdef): not what is checked here.
        "  AND i.indexprs IS NULL AND i.indpred IS NULL");
    size_t compared = 0;
    for (int i = 0; i < r.rows(); ++i) {
        const std::string kind = r.get(i, 0), id = r.get(i, 1), index_name = r.get(i, 3);
        std::string expected = r.get(i, 2);
        if (kind == "index") {  // the snapshot's index definitions leave the name out
            const std::string named = "INDEX " + index_name + " ON ";
            ASSERT_NE(expected.find(named), std::string::npos) << expected;
            expected.replace(expected.find(named), named.size(), "INDEX ON ");
        }
        for (const char* suffix : {" NOT VALID", " INITIALLY DEFERRED", " DEFERRABLE"}) {  // attributes of their own
            const std::string s(suffix);
            if (expected.size() > s.size() && expected.compare(expected.size() - s.size(), s.size(), s) == 0)
                expected.resize(expected.size() - s.size());
        }
        for (const Snapshot* snap : {&now, &lazy}) {
            auto it = snap->objects.find(snapshot_key(kind, id));
            if (it == snap->objects.end()) continue;  // a clone, or an index that a constraint or parent index stands for
            ++compared;
            EXPECT_EQ(it->second.attrs.at("definition"), normalize_expression(expected)) << kind << " " << id;
        }
    }
    EXPECT_GE(compared, 2u * 18);
}

TEST(CatalogEqual, ReadingTheSameDatabaseTwiceIsByteIdentical) {
    // A schema with one of everything the snapshot reads, read twice on one connection and once on another.
    Database db;
    snapshot_of(std::string(equal_cases()[0].a) +
                    "CREATE TABLE m (id int NOT NULL, ts date NOT NULL, v text DEFAULT 'x', CONSTRAINT m_v_check CHECK (v <> '')) "
                    "  PARTITION BY RANGE (ts);"
                    "CREATE INDEX m_v_idx ON m (v); ALTER TABLE m ADD PRIMARY KEY (id, ts);"
                    "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
                    "CREATE TABLE m_2025 (id int NOT NULL, ts date NOT NULL, v text, CONSTRAINT m_v_check CHECK (v <> ''));"
                    "ALTER TABLE m ATTACH PARTITION m_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
                    "CREATE TRIGGER m_touch BEFORE UPDATE ON m FOR EACH ROW EXECUTE FUNCTION touch();"
                    "CREATE DOMAIN positive AS int CHECK (VALUE > 0); CREATE TYPE pair AS (x int, y text);"
                    "CREATE TYPE span AS RANGE (subtype = int4); CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;"
                    "CREATE AGGREGATE total(int) (sfunc = int4pl, stype = int);"
                    "ALTER TABLE child ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON child USING (id > 0);"
                    "COMMENT ON TABLE child IS 'kids'; COMMENT ON COLUMN child.note IS 'a note';"
                    "CREATE STATISTICS child_stats ON id, parent_id FROM child; CREATE RULE child_keep AS ON DELETE TO child DO INSTEAD NOTHING;"
                    "CREATE PUBLICATION pub FOR TABLE child (id, note) WHERE (id > 0), parent;"
                    "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;"
                    "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION on_ddl();"
                    "COMMENT ON SCHEMA audit IS 'audit'; COMMENT ON SCHEMA public IS 'app';"
                    "GRANT SELECT ON child TO PUBLIC; GRANT UPDATE (note) ON child TO PUBLIC; REVOKE EXECUTE ON FUNCTION touch() FROM PUBLIC;",
                &db);
    Snapshot first = snapshot_db(db);
    Snapshot second;
    {
        PgConn conn(db.conninfo);
        read_snapshot(conn);
        second = read_snapshot(conn);
    }
    EXPECT_EQ(snapshot_to_json(first), snapshot_to_json(second));
    EXPECT_TRUE(diff_snapshots(first, second, DiffPolicy{}).empty());
    std::set<std::string> kinds;
    for (const auto& [key, o] : first.objects) kinds.insert(o.kind);
    for (const char* kind : {"schema", "type", "sequence", "table", "partition", "column", "constraint", "index", "view",
                             "materialized-view", "function", "trigger", "policy", "statistics", "rule", "publication",
                             "event-trigger"})
        EXPECT_TRUE(kinds.count(kind)) << kind;
    // Owners and privileges are read for what has them.
    for (const char* key : {"table:public.child", "partition:public.m_2024", "view:public.child_notes",
                            "materialized-view:public.mv", "sequence:public.ticket_seq", "function:public.touch()",
                            "type:public.mood", "schema:audit", "schema:public"}) {
        std::string k = key;
        auto colon = k.find(':');
        auto it = first.objects.find(snapshot_key(k.substr(0, colon), k.substr(colon + 1)));
        ASSERT_NE(it, first.objects.end()) << key;
        EXPECT_EQ(it->second.attrs.count("owner"), 1u) << key;
        EXPECT_EQ(it->second.attrs.count("privileges"), 1u) << key;
    }
    EXPECT_EQ(first.objects.at(snapshot_key("table", "public.child")).attrs.at("privileges"),
              "<owner>=arwdDxt/<owner>, PUBLIC=r/<owner>");
    EXPECT_EQ(first.objects.at(snapshot_key("column", "public.child.note")).attrs.at("privileges"), "PUBLIC=w/<owner>");
    EXPECT_EQ(first.objects.at(snapshot_key("function", "public.touch()")).attrs.at("privileges"), "<owner>=X/<owner>");
}

// ---------------------------------------------------------------------------------------------------------
// 2. Single changes: exactly one finding of the right kind, change and identity.

struct ChangeCase {
    std::string name;
    std::string base;    // applied to both databases
    std::string change;  // applied to the compared database only
    std::string kind;
    std::string change_kind;  // missing | extra | changed
    std::string id;
};

constexpr const char* kTable = "CREATE TABLE t (id int NOT NULL, a varchar(50), b int, c text);";
constexpr const char* kFk =
    "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, p_id int CONSTRAINT c_p_id_fkey REFERENCES p);";
constexpr const char* kPartitioned =
    "CREATE TABLE m (id int NOT NULL, ts date NOT NULL, v text) PARTITION BY RANGE (ts);"
    "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
    "CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
    "CREATE INDEX m_v_idx ON m (v);";
constexpr const char* kTrigger =
    "CREATE TABLE t (id int); CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
    "CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();";

std::string cat(const char* a, const char* b) { return std::string(a) + b; }

const std::vector<ChangeCase>& change_cases() {
    static const std::vector<ChangeCase> cases = {
        // Columns.
        {"column type", kTable, "ALTER TABLE t ALTER b TYPE bigint;", "column", "changed", "public.t.b"},
        {"column typmod", kTable, "ALTER TABLE t ALTER a TYPE varchar(60);", "column", "changed", "public.t.a"},
        {"column default", kTable, "ALTER TABLE t ALTER b SET DEFAULT 5;", "column", "changed", "public.t.b"},
        {"column not null", kTable, "ALTER TABLE t ALTER b SET NOT NULL;", "column", "changed", "public.t.b"},
        {"column identity", kTable, "ALTER TABLE t ALTER id ADD GENERATED ALWAYS AS IDENTITY;", "column", "changed", "public.t.id"},
        {"column identity kind", "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY);",
         "ALTER TABLE t ALTER id SET GENERATED BY DEFAULT;", "column", "changed", "public.t.id"},
        {"column identity sequence options", "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY);",
         "ALTER TABLE t ALTER id SET INCREMENT BY 10;", "column", "changed", "public.t.id"},
        {"generated column expression", "CREATE TABLE t (a int, g int GENERATED ALWAYS AS (a * 2) STORED);",
         "ALTER TABLE t DROP g; ALTER TABLE t ADD g int GENERATED ALWAYS AS (a * 3) STORED;", "column", "changed", "public.t.g"},
        {"column collation", kTable, "ALTER TABLE t ALTER c TYPE text COLLATE \"C\";", "column", "changed", "public.t.c"},
        {"column statistics target", kTable, "ALTER TABLE t ALTER b SET STATISTICS 500;", "column", "changed", "public.t.b"},
        {"column storage", kTable, "ALTER TABLE t ALTER c SET STORAGE EXTERNAL;", "column", "changed", "public.t.c"},
        {"column missing", kTable, "ALTER TABLE t DROP COLUMN c;", "column", "missing", "public.t.c"},
        {"column extra", kTable, "ALTER TABLE t ADD COLUMN d int;", "column", "extra", "public.t.d"},
        {"column comment", kTable, "COMMENT ON COLUMN t.a IS 'the a';", "column", "changed", "public.t.a"},
        // Constraints.
        {"check expression", "CREATE TABLE t (a int, CONSTRAINT t_a_check CHECK (a > 0));",
         "ALTER TABLE t DROP CONSTRAINT t_a_check, ADD CONSTRAINT t_a_check CHECK (a > 1);", "constraint", "changed",
         "public.t.t_a_check"},
        {"foreign key on delete action", kFk,
         "ALTER TABLE c DROP CONSTRAINT c_p_id_fkey, ADD CONSTRAINT c_p_id_fkey FOREIGN KEY (p_id) REFERENCES p ON DELETE CASCADE;",
         "constraint", "changed", "public.c.c_p_id_fkey"},
        {"unique constraint extra", kTable, "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);", "constraint", "extra",
         "public.t.t_a_key"},
        {"unique constraint columns", "CREATE TABLE t (a int, b int, CONSTRAINT t_a_key UNIQUE (a));",
         "ALTER TABLE t DROP CONSTRAINT t_a_key, ADD CONSTRAINT t_a_key UNIQUE (a, b);", "constraint", "changed",
         "public.t.t_a_key"},
        {"deferrable", kFk, "ALTER TABLE c ALTER CONSTRAINT c_p_id_fkey DEFERRABLE INITIALLY DEFERRED;", "constraint", "changed",
         "public.c.c_p_id_fkey"},
        {"not valid", "CREATE TABLE t (a int, CONSTRAINT t_a_check CHECK (a > 0));",
         "ALTER TABLE t DROP CONSTRAINT t_a_check; ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;", "constraint",
         "changed", "public.t.t_a_check"},
        {"primary key missing", "CREATE TABLE t (id int PRIMARY KEY, a int);", "ALTER TABLE t DROP CONSTRAINT t_pkey;", "constraint",
         "missing", "public.t.t_pkey"},
        {"primary key never declared", "CREATE TABLE t (id int, a int);", "ALTER TABLE t ADD PRIMARY KEY (id);", "constraint",
         "extra", "public.t.t_pkey"},
        {"exclusion constraint", "CREATE TABLE t (a int, b int);",
         "ALTER TABLE t ADD CONSTRAINT t_a_excl EXCLUDE USING btree (a WITH =);", "constraint", "extra", "public.t.t_a_excl"},
        // Indexes.
        {"index partial predicate", "CREATE TABLE t (a int, b int, c text); CREATE INDEX t_a_idx ON t (a);",
         "DROP INDEX t_a_idx; CREATE INDEX t_a_idx ON t (a) WHERE a > 0;", "index", "changed", "public.t_a_idx"},
        {"index include", "CREATE TABLE t (a int, b int, c text); CREATE INDEX t_a_idx ON t (a);",
         "DROP INDEX t_a_idx; CREATE INDEX t_a_idx ON t (a) INCLUDE (b);", "index", "changed", "public.t_a_idx"},
        {"index expression", "CREATE TABLE t (a int, b int, c text); CREATE INDEX t_c_idx ON t (lower(c));",
         "DROP INDEX t_c_idx; CREATE INDEX t_c_idx ON t (upper(c));", "index", "changed", "public.t_c_idx"},
        {"index uniqueness", "CREATE TABLE t (a int, b int, c text); CREATE INDEX t_a_idx ON t (a);",
         "DROP INDEX t_a_idx; CREATE UNIQUE INDEX t_a_idx ON t (a);", "index", "changed", "public.t_a_idx"},
        {"index method", "CREATE TABLE t (a int, b int, c text); CREATE INDEX t_a_idx ON t (a);",
         "DROP INDEX t_a_idx; CREATE INDEX t_a_idx ON t USING hash (a);", "index", "changed", "public.t_a_idx"},
        {"index missing", "CREATE TABLE t (a int, b int, c text); CREATE INDEX t_a_idx ON t (a);", "DROP INDEX t_a_idx;", "index",
         "missing", "public.t_a_idx"},
        {"index with a quoted name", "CREATE TABLE t (a int, b int); CREATE INDEX \"t a idx\" ON t (a);",
         "DROP INDEX \"t a idx\"; CREATE INDEX \"t a idx\" ON t (b);", "index", "changed", "public.\"t a idx\""},
        // Partitions.
        {"partition bound", kPartitioned,
         "ALTER TABLE m DETACH PARTITION m_2025; ALTER TABLE m ATTACH PARTITION m_2025 FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');",
         "partition", "changed", "public.m_2025"},
        {"partition missing", kPartitioned, "DROP TABLE m_2025;", "partition", "missing", "public.m_2025"},
        {"partition extra", kPartitioned, "CREATE TABLE m_2026 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
         "partition", "extra", "public.m_2026"},
        {"default partition extra", kPartitioned, "CREATE TABLE m_default PARTITION OF m DEFAULT;", "partition", "extra",
         "public.m_default"},
        {"partition key", "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);",
         "DROP TABLE m; CREATE TABLE m (id int, ts date) PARTITION BY RANGE (id);", "table", "changed", "public.m"},
        {"partition strategy", "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (id);",
         "DROP TABLE m; CREATE TABLE m (id int, ts date) PARTITION BY HASH (id);", "table", "changed", "public.m"},
        {"sub-partitioned partition missing (its sub-partitions sort before it)",
         "CREATE TABLE m (id int, region text, ts date) PARTITION BY LIST (region);"
         "CREATE TABLE m_z PARTITION OF m FOR VALUES IN ('z') PARTITION BY RANGE (ts);"
         "CREATE TABLE m_a PARTITION OF m_z FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "CREATE INDEX m_a_own_idx ON m_a (id); CREATE INDEX m_ts_idx ON m (ts);",
         "DROP TABLE m_z;", "partition", "missing", "public.m_z"},
        {"partition attached without the parent's default",
         "CREATE TABLE m (id int, ts date, v text DEFAULT 'x') PARTITION BY RANGE (ts);"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         "ALTER TABLE m DETACH PARTITION m_2024; ALTER TABLE m_2024 ALTER v DROP DEFAULT;"
         "ALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         "column", "extra", "public.m_2024.v"},
        {"partitioned index not attached on every partition",
         cat(kPartitioned, "CREATE INDEX m_id_idx ON ONLY m (id); CREATE INDEX m_2024_id_idx ON m_2024 (id);"
                           "ALTER INDEX m_id_idx ATTACH PARTITION m_2024_id_idx;"),
         "CREATE INDEX m_2025_id_idx ON m_2025 (id); ALTER INDEX m_id_idx ATTACH PARTITION m_2025_id_idx;", "index", "changed",
         "public.m_id_idx"},
        {"index missing on a partitioned parent", kPartitioned, "DROP INDEX m_v_idx;", "index", "missing", "public.m_v_idx"},
        {"primary key missing on a partitioned parent", cat(kPartitioned, "ALTER TABLE m ADD PRIMARY KEY (id, ts);"),
         "ALTER TABLE m DROP CONSTRAINT m_pkey;", "constraint", "missing", "public.m.m_pkey"},
        {"primary key never declared on a partitioned parent",
         "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         "ALTER TABLE m ADD PRIMARY KEY (id, ts);", "constraint", "extra", "public.m.m_pkey"},
        {"check constraint on a partitioned parent", kPartitioned, "ALTER TABLE m ADD CONSTRAINT m_v_check CHECK (v <> '');",
         "constraint", "extra", "public.m.m_v_check"},
        {"check constraint on one partition only", kPartitioned, "ALTER TABLE m_2024 ADD CONSTRAINT m_2024_v_check CHECK (v <> '');",
         "constraint", "extra", "public.m_2024.m_2024_v_check"},
        {"index on one partition only", kPartitioned, "CREATE INDEX m_2024_id_idx ON m_2024 (id);", "index", "extra",
         "public.m_2024_id_idx"},
        {"default on one partition only", kPartitioned, "ALTER TABLE m_2024 ALTER v SET DEFAULT 'x';", "column", "extra",
         "public.m_2024.v"},
        {"not null on one partition only", kPartitioned, "ALTER TABLE m_2024 ALTER v SET NOT NULL;", "column", "extra",
         "public.m_2024.v"},
        {"trigger on one partition only", cat(kPartitioned, "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"),
         "CREATE TRIGGER m_2024_touch BEFORE INSERT ON m_2024 FOR EACH ROW EXECUTE FUNCTION touch();", "trigger", "extra",
         "public.m_2024.m_2024_touch"},
        {"foreign key to a partitioned table", cat(kPartitioned, "ALTER TABLE m ADD PRIMARY KEY (id, ts); CREATE TABLE r (m_id int, m_ts date, CONSTRAINT r_m_fkey FOREIGN KEY (m_id, m_ts) REFERENCES m);"),
         "ALTER TABLE r DROP CONSTRAINT r_m_fkey, ADD CONSTRAINT r_m_fkey FOREIGN KEY (m_id, m_ts) REFERENCES m ON DELETE CASCADE;",
         "constraint", "changed", "public.r.r_m_fkey"},
        // Views, sequences, functions, triggers.
        {"view body", "CREATE VIEW v AS SELECT 1 AS x;", "CREATE OR REPLACE VIEW v AS SELECT 2 AS x;", "view", "changed", "public.v"},
        {"materialized view body", "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;",
         "DROP MATERIALIZED VIEW mv; CREATE MATERIALIZED VIEW mv AS SELECT 2 AS x;", "materialized-view", "changed", "public.mv"},
        {"materialized view index", "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;", "CREATE INDEX mv_x_idx ON mv (x);", "index",
         "extra", "public.mv_x_idx"},
        {"sequence increment", "CREATE SEQUENCE s;", "ALTER SEQUENCE s INCREMENT BY 2;", "sequence", "changed", "public.s"},
        {"sequence missing", "CREATE SEQUENCE s;", "DROP SEQUENCE s;", "sequence", "missing", "public.s"},
        {"function body", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
         "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2';", "function", "changed", "public.f()"},
        {"function volatility", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';", "ALTER FUNCTION f() IMMUTABLE;",
         "function", "changed", "public.f()"},
        {"function overload extra", "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a';",
         "CREATE FUNCTION f(a text) RETURNS text LANGUAGE sql AS 'SELECT a';", "function", "extra", "public.f(text)"},
        {"function parameter renamed", "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT 1';",
         "DROP FUNCTION f(int); CREATE FUNCTION f(b int) RETURNS int LANGUAGE sql AS 'SELECT 1';", "function", "changed", "public.f(integer)"},
        {"aggregate initial value", "CREATE AGGREGATE total(int) (sfunc = int4pl, stype = int, initcond = '0');",
         "DROP AGGREGATE total(int); CREATE AGGREGATE total(int) (sfunc = int4pl, stype = int, initcond = '1');", "function",
         "changed", "public.total(integer)"},
        {"aggregate extra", "", "CREATE AGGREGATE total(int) (sfunc = int4pl, stype = int);", "function", "extra",
         "public.total(integer)"},
        {"trigger timing", kTrigger,
         "DROP TRIGGER t_touch ON t; CREATE TRIGGER t_touch AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();", "trigger",
         "changed", "public.t.t_touch"},
        {"trigger events", kTrigger,
         "DROP TRIGGER t_touch ON t; CREATE TRIGGER t_touch BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();",
         "trigger", "changed", "public.t.t_touch"},
        {"trigger disabled", kTrigger, "ALTER TABLE t DISABLE TRIGGER t_touch;", "trigger", "changed", "public.t.t_touch"},
        {"constraint trigger deferrable", cat(kTrigger, "CREATE CONSTRAINT TRIGGER t_check AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();"),
         "DROP TRIGGER t_check ON t; CREATE CONSTRAINT TRIGGER t_check AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION touch();",
         "trigger", "changed", "public.t.t_check"},
        {"constraint trigger missing", cat(kTrigger, "CREATE CONSTRAINT TRIGGER t_check AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();"),
         "DROP TRIGGER t_check ON t;", "trigger", "missing", "public.t.t_check"},
        // Types and extensions.
        {"enum label added", "CREATE TYPE e AS ENUM ('a', 'b');", "ALTER TYPE e ADD VALUE 'c';", "type", "changed", "public.e"},
        {"enum label order", "CREATE TYPE e AS ENUM ('a', 'b');", "DROP TYPE e; CREATE TYPE e AS ENUM ('b', 'a');", "type",
         "changed", "public.e"},
        {"domain check", "CREATE DOMAIN d AS int CONSTRAINT d_check CHECK (VALUE > 0);",
         "ALTER DOMAIN d DROP CONSTRAINT d_check; ALTER DOMAIN d ADD CONSTRAINT d_check CHECK (VALUE > 1);", "type", "changed",
         "public.d"},
        {"domain not null", "CREATE DOMAIN d AS int;", "ALTER DOMAIN d SET NOT NULL;", "type", "changed", "public.d"},
        {"composite type attribute", "CREATE TYPE ct AS (x int, y text);", "ALTER TYPE ct ADD ATTRIBUTE z int;", "type", "changed",
         "public.ct"},
        {"composite type attribute type", "CREATE TYPE ct AS (x int, y text);", "ALTER TYPE ct ALTER ATTRIBUTE x TYPE bigint;", "type",
         "changed", "public.ct"},
        {"range subtype", "CREATE TYPE r AS RANGE (subtype = int4);", "DROP TYPE r; CREATE TYPE r AS RANGE (subtype = int8);", "type",
         "changed", "public.r"},
        {"extension extra", "", "CREATE EXTENSION citext;", "extension", "extra", "citext"},
        {"extension missing", "CREATE EXTENSION pg_trgm;", "DROP EXTENSION pg_trgm;", "extension", "missing", "pg_trgm"},
        // Table properties.
        {"table comment", kTable, "COMMENT ON TABLE t IS 'the t';", "table", "changed", "public.t"},
        {"reloptions fillfactor", kTable, "ALTER TABLE t SET (fillfactor = 70);", "table", "changed", "public.t"},
        {"row level security", kTable, "ALTER TABLE t ENABLE ROW LEVEL SECURITY;", "table", "changed", "public.t"},
        {"unlogged table", kTable, "ALTER TABLE t SET UNLOGGED;", "table", "changed", "public.t"},
        {"replica identity", kTable, "ALTER TABLE t REPLICA IDENTITY FULL;", "table", "changed", "public.t"},
        {"replica identity index",
         "CREATE TABLE t (a int NOT NULL, b int NOT NULL); CREATE UNIQUE INDEX t_a_idx ON t (a); CREATE UNIQUE INDEX t_b_idx ON t (b);"
         "ALTER TABLE t REPLICA IDENTITY USING INDEX t_a_idx;",
         "ALTER TABLE t REPLICA IDENTITY USING INDEX t_b_idx;", "table", "changed", "public.t"},
        {"row level security policy", "CREATE TABLE t (a int); ALTER TABLE t ENABLE ROW LEVEL SECURITY;",
         "CREATE POLICY t_own ON t USING (a > 0);", "policy", "extra", "public.t.t_own"},
        {"table missing", kTable, "DROP TABLE t;", "table", "missing", "public.t"},
        {"table extra", "", kTable, "table", "extra", "public.t"},
        {"table with a serial column, an index and a trigger missing",
         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
         "CREATE TABLE t (id serial PRIMARY KEY, a int CHECK (a > 0)); CREATE INDEX t_a_idx ON t (a);"
         "CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch(); COMMENT ON COLUMN t.a IS 'a';",
         "DROP TABLE t;", "table", "missing", "public.t"},
        {"materialized view with an index missing", "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x; CREATE INDEX mv_x_idx ON mv (x);",
         "DROP MATERIALIZED VIEW mv;", "materialized-view", "missing", "public.mv"},
        {"partitioned table with partitions, keys and indexes missing", cat(kPartitioned, "ALTER TABLE m ADD PRIMARY KEY (id, ts);"),
         "DROP TABLE m;", "table", "missing", "public.m"},
        {"table with a rule and extended statistics missing",
         cat(kTable, "CREATE RULE t_keep AS ON DELETE TO t DO INSTEAD NOTHING; CREATE STATISTICS t_stats ON a, b FROM t;"),
         "DROP TABLE t;", "table", "missing", "public.t"},
        // Extended statistics.
        {"statistics extra", kTable, "CREATE STATISTICS t_stats ON a, b FROM t;", "statistics", "extra", "public.t_stats"},
        {"statistics kinds", cat(kTable, "CREATE STATISTICS t_stats (ndistinct) ON a, b FROM t;"),
         "DROP STATISTICS t_stats; CREATE STATISTICS t_stats (ndistinct, dependencies) ON a, b FROM t;", "statistics", "changed",
         "public.t_stats"},
        {"statistics columns", cat(kTable, "CREATE STATISTICS t_stats ON a, b FROM t;"),
         "DROP STATISTICS t_stats; CREATE STATISTICS t_stats ON a, c FROM t;", "statistics", "changed", "public.t_stats"},
        {"statistics expressions", cat(kTable, "CREATE STATISTICS t_stats ON lower(c), b FROM t;"),
         "DROP STATISTICS t_stats; CREATE STATISTICS t_stats ON upper(c), b FROM t;", "statistics", "changed", "public.t_stats"},
        {"statistics target", cat(kTable, "CREATE STATISTICS t_stats ON a, b FROM t;"), "ALTER STATISTICS t_stats SET STATISTICS 500;",
         "statistics", "changed", "public.t_stats"},
        {"statistics moved to another table", cat(kTable, "CREATE TABLE u (a int, b int); CREATE STATISTICS t_stats ON a, b FROM t;"),
         "DROP STATISTICS t_stats; CREATE STATISTICS t_stats ON a, b FROM u;", "statistics", "changed", "public.t_stats"},
        {"statistics comment", cat(kTable, "CREATE STATISTICS t_stats ON a, b FROM t;"), "COMMENT ON STATISTICS t_stats IS 'ab';",
         "statistics", "changed", "public.t_stats"},
        // Rewrite rules.
        {"rule extra", kTable, "CREATE RULE t_keep AS ON DELETE TO t DO INSTEAD NOTHING;", "rule", "extra", "public.t.t_keep"},
        {"rule action", cat(kTable, "CREATE TABLE t_log (id int); CREATE RULE t_keep AS ON DELETE TO t DO INSTEAD NOTHING;"),
         "CREATE OR REPLACE RULE t_keep AS ON DELETE TO t DO INSTEAD INSERT INTO t_log VALUES (old.id);", "rule", "changed",
         "public.t.t_keep"},
        {"rule condition", cat(kTable, "CREATE RULE t_keep AS ON DELETE TO t DO INSTEAD NOTHING;"),
         "CREATE OR REPLACE RULE t_keep AS ON DELETE TO t WHERE old.b > 0 DO INSTEAD NOTHING;", "rule", "changed", "public.t.t_keep"},
        {"rule disabled", cat(kTable, "CREATE RULE t_keep AS ON DELETE TO t DO INSTEAD NOTHING;"), "ALTER TABLE t DISABLE RULE t_keep;",
         "rule", "changed", "public.t.t_keep"},
        {"rule on a view", "CREATE TABLE t (id int); CREATE VIEW v AS SELECT id FROM t;",
         "CREATE RULE v_ins AS ON INSERT TO v DO INSTEAD INSERT INTO t VALUES (new.id);", "rule", "extra", "public.v.v_ins"},
        // Publications.
        {"publication extra", kTable, "CREATE PUBLICATION pub FOR TABLE t;", "publication", "extra", "pub"},
        {"publication missing", cat(kTable, "CREATE PUBLICATION pub FOR ALL TABLES;"), "DROP PUBLICATION pub;", "publication",
         "missing", "pub"},
        {"publication table added", cat(kTable, "CREATE TABLE u (id int PRIMARY KEY); CREATE PUBLICATION pub FOR TABLE t;"),
         "ALTER PUBLICATION pub ADD TABLE u;", "publication", "changed", "pub"},
        {"publication column list", cat(kTable, "CREATE PUBLICATION pub FOR TABLE t;"), "ALTER PUBLICATION pub SET TABLE t (id, a);",
         "publication", "changed", "pub"},
        {"publication row filter", cat(kTable, "CREATE PUBLICATION pub FOR TABLE t WHERE (b > 0);"),
         "ALTER PUBLICATION pub SET TABLE t WHERE (b > 1);", "publication", "changed", "pub"},
        {"publication schema", "CREATE SCHEMA s; CREATE SCHEMA r; CREATE PUBLICATION pub FOR TABLES IN SCHEMA s;",
         "ALTER PUBLICATION pub ADD TABLES IN SCHEMA r;", "publication", "changed", "pub"},
        {"publication actions", cat(kTable, "CREATE PUBLICATION pub FOR TABLE t;"), "ALTER PUBLICATION pub SET (publish = 'insert');",
         "publication", "changed", "pub"},
        {"publication via partition root", cat(kPartitioned, "CREATE PUBLICATION pub FOR TABLE m;"),
         "ALTER PUBLICATION pub SET (publish_via_partition_root = true);", "publication", "changed", "pub"},
        // Event triggers.
        {"event trigger extra", "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;",
         "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl();", "event-trigger", "extra", "audit_ddl"},
        {"event trigger tags",
         "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;"
         "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION on_ddl();",
         "DROP EVENT TRIGGER audit_ddl; CREATE EVENT TRIGGER audit_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'DROP TABLE') "
         "EXECUTE FUNCTION on_ddl();",
         "event-trigger", "changed", "audit_ddl"},
        {"event trigger event",
         "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;"
         "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl();",
         "DROP EVENT TRIGGER audit_ddl; CREATE EVENT TRIGGER audit_ddl ON ddl_command_start EXECUTE FUNCTION on_ddl();",
         "event-trigger", "changed", "audit_ddl"},
        {"event trigger function",
         "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;"
         "CREATE FUNCTION on_ddl2() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;"
         "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl();",
         "DROP EVENT TRIGGER audit_ddl; CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl2();",
         "event-trigger", "changed", "audit_ddl"},
        {"event trigger disabled",
         "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;"
         "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl();",
         "ALTER EVENT TRIGGER audit_ddl DISABLE;", "event-trigger", "changed", "audit_ddl"},
        // Comments on what had none before.
        {"schema comment", "CREATE SCHEMA s;", "COMMENT ON SCHEMA s IS 'the s';", "schema", "changed", "s"},
        {"public schema comment", "", "COMMENT ON SCHEMA public IS 'the app';", "schema", "changed", "public"},
        {"public schema comment removed", "", "COMMENT ON SCHEMA public IS NULL;", "schema", "changed", "public"},
        {"sequence comment", "CREATE SEQUENCE s;", "COMMENT ON SEQUENCE s IS 'the s';", "sequence", "changed", "public.s"},
        {"type comment", "CREATE TYPE e AS ENUM ('a');", "COMMENT ON TYPE e IS 'the e';", "type", "changed", "public.e"},
        {"publication comment", cat(kTable, "CREATE PUBLICATION pub FOR TABLE t;"), "COMMENT ON PUBLICATION pub IS 'cdc';",
         "publication", "changed", "pub"},

        // Red-team: single changes from real projects' schemas, including what other tools miss.
        {"toast reloptions", kTable, "ALTER TABLE t SET (toast.autovacuum_enabled = false);", "table", "changed", "public.t"},
        {"autovacuum reloptions on one partition", kPartitioned, "ALTER TABLE m_2024 SET (autovacuum_vacuum_scale_factor = 0.01);",
         "partition", "changed", "public.m_2024"},
        {"unlogged sequence", "CREATE SEQUENCE s;", "ALTER SEQUENCE s SET UNLOGGED;", "sequence", "changed", "public.s"},
        {"table with a serial made unlogged", "CREATE TABLE t (id serial, a int);", "ALTER TABLE t SET UNLOGGED;", "table", "changed",
         "public.t"},
        {"serial's sequence alone made unlogged", "CREATE TABLE t (id serial, a int);", "ALTER SEQUENCE t_id_seq SET UNLOGGED;",
         "sequence", "changed", "public.t_id_seq"},
        {"sequence owned by a column", "CREATE TABLE t (id int); CREATE SEQUENCE s;", "ALTER SEQUENCE s OWNED BY t.id;", "sequence",
         "changed", "public.s"},
        {"identity sequence cycle", "CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY);", "ALTER TABLE t ALTER id SET CYCLE;",
         "column", "changed", "public.t.id"},
        {"domain collation", "CREATE DOMAIN d AS text;", "DROP DOMAIN d; CREATE DOMAIN d AS text COLLATE \"C\";", "type", "changed",
         "public.d"},
        {"domain over a domain: its check", "CREATE DOMAIN pos AS int CHECK (VALUE > 0); CREATE DOMAIN small AS pos CONSTRAINT small_check CHECK (VALUE < 100);",
         "ALTER DOMAIN small DROP CONSTRAINT small_check; ALTER DOMAIN small ADD CONSTRAINT small_check CHECK (VALUE < 1000);", "type",
         "changed", "public.small"},
        {"domain check not valid", "CREATE DOMAIN d AS int CONSTRAINT d_check CHECK (VALUE > 0);",
         "ALTER DOMAIN d DROP CONSTRAINT d_check; ALTER DOMAIN d ADD CONSTRAINT d_check CHECK (VALUE > 0) NOT VALID;", "type", "changed",
         "public.d"},
        {"composite type attribute collation", "CREATE TYPE ct AS (a text, b int);", "ALTER TYPE ct ALTER ATTRIBUTE a TYPE text COLLATE \"C\";",
         "type", "changed", "public.ct"},
        {"range subtype_diff", "CREATE TYPE fr AS RANGE (subtype = float8);",
         "DROP TYPE fr; CREATE TYPE fr AS RANGE (subtype = float8, subtype_diff = float8mi);", "type", "changed", "public.fr"},
        {"range collation", "CREATE TYPE tr AS RANGE (subtype = text);", "DROP TYPE tr; CREATE TYPE tr AS RANGE (subtype = text, collation = \"C\");",
         "type", "changed", "public.tr"},
        {"multirange type name", "CREATE TYPE fr AS RANGE (subtype = float8);",
         "DROP TYPE fr; CREATE TYPE fr AS RANGE (subtype = float8, multirange_type_name = fr_set);", "type", "changed", "public.fr"},
        {"array of enum default", "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (m mood[] DEFAULT '{ok}');",
         "ALTER TABLE t ALTER m SET DEFAULT '{sad}';", "column", "changed", "public.t.m"},
        {"composite type column", "CREATE TYPE pt AS (x int, y int); CREATE TYPE pt2 AS (x int, y int); CREATE TABLE t (p pt);",
         "ALTER TABLE t ALTER p TYPE pt2 USING NULL;", "column", "changed", "public.t.p"},
        {"multirange column", "CREATE TABLE t (r int4multirange);", "ALTER TABLE t ALTER r TYPE int8multirange USING NULL;", "column", "changed",
         "public.t.r"},
        {"default with a function and a cast", "CREATE TABLE t (at timestamp DEFAULT (now() AT TIME ZONE 'utc'));",
         "ALTER TABLE t ALTER at SET DEFAULT now()::timestamp;", "column", "changed", "public.t.at"},
        {"exclusion constraint predicate",
         "CREATE TABLE b (room int, during tsrange, CONSTRAINT b_no_overlap EXCLUDE USING gist (during WITH &&) WHERE (room > 0));",
         "ALTER TABLE b DROP CONSTRAINT b_no_overlap, ADD CONSTRAINT b_no_overlap EXCLUDE USING gist (during WITH &&) WHERE (room > 1);",
         "constraint", "changed", "public.b.b_no_overlap"},
        {"index expression cast", "CREATE TABLE t (payload jsonb); CREATE INDEX t_pid ON t (((payload ->> 'id')::bigint));",
         "DROP INDEX t_pid; CREATE INDEX t_pid ON t (((payload ->> 'id')::int));", "index", "changed", "public.t_pid"},
        {"index nulls first", "CREATE TABLE t (a int, b text); CREATE INDEX t_a_idx ON t (a DESC);",
         "DROP INDEX t_a_idx; CREATE INDEX t_a_idx ON t (a DESC NULLS LAST);", "index", "changed", "public.t_a_idx"},
        {"index operator class", "CREATE TABLE t (a int, b text); CREATE INDEX t_b_idx ON t (b);",
         "DROP INDEX t_b_idx; CREATE INDEX t_b_idx ON t (b text_pattern_ops);", "index", "changed", "public.t_b_idx"},
        {"index operator class options",
         "CREATE EXTENSION pg_trgm; CREATE TABLE t (c text); CREATE INDEX t_c_trgm ON t USING gist (c gist_trgm_ops (siglen = 32));",
         "DROP INDEX t_c_trgm; CREATE INDEX t_c_trgm ON t USING gist (c gist_trgm_ops (siglen = 64));", "index", "changed",
         "public.t_c_trgm"},
        {"index clustered", "CREATE TABLE t (a int, b text); CREATE INDEX t_a_idx ON t (a);", "ALTER TABLE t CLUSTER ON t_a_idx;", "index",
         "changed", "public.t_a_idx"},
        {"primary key clustered", "CREATE TABLE t (id int PRIMARY KEY, a int);", "ALTER TABLE t CLUSTER ON t_pkey;", "constraint",
         "changed", "public.t.t_pkey"},
        {"foreign key match full", kFk,
         "ALTER TABLE c DROP CONSTRAINT c_p_id_fkey, ADD CONSTRAINT c_p_id_fkey FOREIGN KEY (p_id) REFERENCES p MATCH FULL;",
         "constraint", "changed", "public.c.c_p_id_fkey"},
        {"foreign key on delete set null column list",
         "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b)); CREATE TABLE c (a int, b int, CONSTRAINT c_fk FOREIGN KEY (a, b) REFERENCES p ON DELETE SET NULL);",
         "ALTER TABLE c DROP CONSTRAINT c_fk, ADD CONSTRAINT c_fk FOREIGN KEY (a, b) REFERENCES p ON DELETE SET NULL (b);", "constraint",
         "changed", "public.c.c_fk"},
        {"foreign key initially deferred", cat(kFk, "ALTER TABLE c ALTER CONSTRAINT c_p_id_fkey DEFERRABLE INITIALLY IMMEDIATE;"),
         "ALTER TABLE c ALTER CONSTRAINT c_p_id_fkey DEFERRABLE INITIALLY DEFERRED;", "constraint", "changed", "public.c.c_p_id_fkey"},
        {"check constraint on a quoted table", "CREATE TABLE \"Order \"\"Items\"\"\" (\"Qty\" int CONSTRAINT \"Qty > 0\" CHECK (\"Qty\" > 0));",
         "ALTER TABLE \"Order \"\"Items\"\"\" DROP CONSTRAINT \"Qty > 0\", ADD CONSTRAINT \"Qty > 0\" CHECK (\"Qty\" >= 0);", "constraint",
         "changed", "public.\"Order \"\"Items\"\"\".\"Qty > 0\""},
        {"column of a same-named table in another schema",
         "CREATE SCHEMA billing; CREATE TABLE t (id int, a int); CREATE TABLE billing.t (id int, a int);"
         "CREATE INDEX t_a_idx ON t (a); CREATE INDEX t_a_idx ON billing.t (a);",
         "ALTER TABLE billing.t ALTER a TYPE bigint;", "column", "changed", "billing.t.a"},
        {"table inherits another", "CREATE TABLE p (a int); CREATE TABLE c (a int, b int);", "ALTER TABLE c INHERIT p;", "table", "changed",
         "public.c"},
        {"trigger comment", kTrigger, "COMMENT ON TRIGGER t_touch ON t IS 'keeps updated_at';", "trigger", "changed", "public.t.t_touch"},
        {"policy comment", "CREATE TABLE t (a int); CREATE POLICY t_own ON t USING (a > 0);", "COMMENT ON POLICY t_own ON t IS 'tenant';",
         "policy", "changed", "public.t.t_own"},
        {"view column comment", "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;", "COMMENT ON COLUMN v.a IS 'the a';", "column",
         "extra", "public.v.a"},
        {"materialized view column comment", "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;", "COMMENT ON COLUMN mv.x IS 'x';", "column",
         "extra", "public.mv.x"},
        {"view column default", "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;", "ALTER VIEW v ALTER a SET DEFAULT 0;", "column",
         "extra", "public.v.a"},
        {"view check option", "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t WHERE a > 0;",
         "ALTER VIEW v SET (check_option = cascaded);", "view", "changed", "public.v"},
        {"view security barrier", "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t WHERE a > 0;",
         "ALTER VIEW v SET (security_barrier = true);", "view", "changed", "public.v"},
        {"view over a view", "CREATE TABLE t (a int); CREATE VIEW v1 AS SELECT a FROM t; CREATE VIEW v2 AS SELECT a FROM v1 WHERE a > 0;",
         "CREATE OR REPLACE VIEW v2 AS SELECT a FROM v1 WHERE a > 1;", "view", "changed", "public.v2"},
        {"function security definer", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';", "ALTER FUNCTION f() SECURITY DEFINER;",
         "function", "changed", "public.f()"},
        {"function search_path", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';", "ALTER FUNCTION f() SET search_path = pg_catalog;",
         "function", "changed", "public.f()"},
        {"one overload's body", "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a'; CREATE FUNCTION f(a text) RETURNS text LANGUAGE sql AS 'SELECT a';",
         "CREATE OR REPLACE FUNCTION f(a text) RETURNS text LANGUAGE sql AS 'SELECT a || a';", "function", "changed", "public.f(text)"},
        {"procedure standard body", "CREATE TABLE t (a int); CREATE PROCEDURE p(x int) LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (x); END;",
         "CREATE OR REPLACE PROCEDURE p(x int) LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (x + 1); END;", "function", "changed",
         "public.p(integer)"},
        {"trigger cloned to a partition disabled there",
         cat(kPartitioned, "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
                           "CREATE TRIGGER m_touch BEFORE UPDATE ON m FOR EACH ROW EXECUTE FUNCTION touch();"),
         "ALTER TABLE m_2024 DISABLE TRIGGER m_touch;", "trigger", "extra", "public.m_2024.m_touch"},
        {"primary key on one partition only", kPartitioned, "ALTER TABLE m_2024 ADD CONSTRAINT m_2024_v_pkey PRIMARY KEY (v);", "constraint",
         "extra", "public.m_2024.m_2024_v_pkey"},
        {"storage parameter of one partition's index", kPartitioned, "ALTER INDEX m_2024_v_idx SET (fillfactor = 70);", "index", "extra",
         "public.m_2024_v_idx"},
        {"composite type attribute comment", "CREATE TYPE ct AS (a text, b int);", "COMMENT ON COLUMN ct.a IS 'the a';", "type", "changed",
         "public.ct"},
        {"domain constraint comment", "CREATE DOMAIN d AS int CONSTRAINT d_pos CHECK (VALUE > 0);",
         "COMMENT ON CONSTRAINT d_pos ON DOMAIN d IS 'positive';", "type", "changed", "public.d"},
        {"partition with an identity of its own (LIKE ... INCLUDING ALL, then attached)",
         "CREATE TABLE m (id bigint GENERATED ALWAYS AS IDENTITY, k int NOT NULL) PARTITION BY LIST (k);"
         "CREATE TABLE m_1 PARTITION OF m FOR VALUES IN (1);",
         "ALTER TABLE m DETACH PARTITION m_1; DROP TABLE m_1; CREATE TABLE m_1 (LIKE m INCLUDING ALL);"
         "ALTER TABLE m ATTACH PARTITION m_1 FOR VALUES IN (1);",
         "column", "extra", "public.m_1.id"},
        {"list partition value added", "CREATE TABLE ev (kind text) PARTITION BY LIST (kind); CREATE TABLE ev_auth PARTITION OF ev FOR VALUES IN ('login', 'logout');",
         "ALTER TABLE ev DETACH PARTITION ev_auth; ALTER TABLE ev ATTACH PARTITION ev_auth FOR VALUES IN ('logout', 'login', 'mfa');",
         "partition", "changed", "public.ev_auth"},
        {"trigger UPDATE OF columns", cat(kTrigger, "ALTER TABLE t ADD COLUMN a int, ADD COLUMN b int; DROP TRIGGER t_touch ON t;"
                                                "CREATE TRIGGER t_touch BEFORE UPDATE OF a ON t FOR EACH ROW EXECUTE FUNCTION touch();"),
         "DROP TRIGGER t_touch ON t; CREATE TRIGGER t_touch BEFORE UPDATE OF b, a ON t FOR EACH ROW EXECUTE FUNCTION touch();", "trigger",
         "changed", "public.t.t_touch"},
        {"typed table", "CREATE TYPE ct AS (a int, b text); CREATE TABLE t (a int, b text);", "DROP TABLE t; CREATE TABLE t OF ct;", "table",
         "changed", "public.t"},
        {"replica identity of one partition", kPartitioned, "ALTER TABLE m_2024 REPLICA IDENTITY FULL;", "partition", "changed",
         "public.m_2024"},
        {"sub-partition's list bound",
         "CREATE TABLE ev (ts date, kind text, tenant int) PARTITION BY RANGE (ts);"
         "CREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (kind);"
         "CREATE TABLE ev_2024_auth PARTITION OF ev_2024 FOR VALUES IN ('login') PARTITION BY HASH (tenant);"
         "CREATE TABLE ev_2024_auth_0 PARTITION OF ev_2024_auth FOR VALUES WITH (modulus 1, remainder 0);"
         "CREATE TABLE ev_2024_rest PARTITION OF ev_2024 DEFAULT;",
         "ALTER TABLE ev_2024 DETACH PARTITION ev_2024_auth;"
         "ALTER TABLE ev_2024 ATTACH PARTITION ev_2024_auth FOR VALUES IN ('login', 'logout');",
         "partition", "changed", "public.ev_2024_auth"},
        {"schema extra", "", "CREATE SCHEMA s;", "schema", "extra", "s"},
        {"schema missing", "CREATE SCHEMA s; CREATE TABLE s.t (a int PRIMARY KEY); CREATE SEQUENCE s.q;", "DROP SCHEMA s CASCADE;",
         "schema", "missing", "s"},
    };
    return cases;
}

TEST(CatalogChange, EverySingleChangeYieldsExactlyOneFinding) {
    std::vector<std::string> scripts;
    for (const auto& c : change_cases()) {
        scripts.push_back(c.base);
        scripts.push_back(c.base + c.change);
    }
    auto snaps = snapshots_of(scripts);
    for (size_t i = 0; i < change_cases().size(); ++i) {
        const auto& c = change_cases()[i];
        auto diffs = diff_snapshots(snaps[2 * i], snaps[2 * i + 1], DiffPolicy{});
        if (diffs.size() != 1) {
            ADD_FAILURE() << c.name << ": expected exactly one finding, got " << diffs.size() << "\n" << describe(diffs);
            continue;
        }
        EXPECT_EQ(diffs[0].kind, c.kind) << c.name << ":\n" << describe(diffs);
        EXPECT_EQ(diffs[0].change, c.change_kind) << c.name << ":\n" << describe(diffs);
        EXPECT_EQ(diffs[0].id, c.id) << c.name << ":\n" << describe(diffs);
        // The other direction is the mirror image.
        auto back = diff_snapshots(snaps[2 * i + 1], snaps[2 * i], DiffPolicy{});
        if (back.size() != 1) {
            ADD_FAILURE() << c.name << " (reversed): expected exactly one finding, got " << back.size() << "\n" << describe(back);
            continue;
        }
        std::string mirrored = c.change_kind == "missing" ? "extra"
                               : c.change_kind == "extra" ? "missing"
                                                                       : "changed";
        EXPECT_EQ(back[0].change, mirrored) << c.name;
        EXPECT_EQ(back[0].id, c.id) << c.name;
        // A finding carries the definitions of the sides that have the object.
        if (diffs[0].change != "extra" && c.kind != "schema") {
            EXPECT_FALSE(diffs[0].reference_definition.empty()) << c.name;
        }
        if (diffs[0].change != "missing" && c.kind != "schema") {
            EXPECT_FALSE(diffs[0].other_definition.empty()) << c.name;
        }
        if (diffs[0].change == "changed") {
            EXPECT_FALSE(diffs[0].changed_attrs.empty()) << c.name;
        }
        // Matching partitions by bound changes none of these.
        DiffPolicy by_bounds;
        by_bounds.partitions = "by-bounds";
        auto bb = diff_snapshots(snaps[2 * i], snaps[2 * i + 1], by_bounds);
        if (bb.size() != 1) {
            ADD_FAILURE() << c.name << " (by-bounds): expected exactly one finding, got " << bb.size() << "\n" << describe(bb);
            continue;
        }
        EXPECT_EQ(bb[0].kind + "." + bb[0].change + " " + bb[0].id, diffs[0].kind + "." + diffs[0].change + " " + diffs[0].id)
            << c.name << " (by-bounds)";
    }
}

TEST(CatalogChange, ExtensionsUsedByTheTestsAreAvailable) {
    Database db = TestServer::shared().create("cat");
    PgConn conn(db.conninfo);
    PgResult r = conn.exec("SELECT count(*) FROM pg_available_extensions WHERE name IN ('citext', 'pg_trgm')");
    EXPECT_EQ(r.get(0, 0), "2");
}

// ---------------------------------------------------------------------------------------------------------
// 3. Ignore rules.

TEST(CatalogIgnore, IgnoredTablesHideTheirParts) {
    auto snaps = snapshots_of({
        "CREATE TABLE keep (id int PRIMARY KEY);",
        "CREATE TABLE keep (id int PRIMARY KEY);"
        "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
        "CREATE INDEX alembic_version_idx ON alembic_version (lower(version_num));"
        "CREATE TABLE tmp_load (id serial PRIMARY KEY, payload text CHECK (payload <> ''));"
        "CREATE TABLE tmp_stage (id int) PARTITION BY LIST (id);"
        "CREATE TABLE tmp_stage_1 PARTITION OF tmp_stage FOR VALUES IN (1) PARTITION BY LIST (id);"
        "CREATE TABLE tmp_stage_1a PARTITION OF tmp_stage_1 FOR VALUES IN (1);"
        "CREATE TABLE tmpx (id int);",
    });
    // Unfiltered: the extra tables are findings (their parts are implied by the table).
    auto all = diff_snapshots(snaps[0], snaps[1], DiffPolicy{});
    ASSERT_EQ(all.size(), 4u) << describe(all);
    for (const auto& d : all) {
        EXPECT_EQ(d.change, "extra");
        EXPECT_EQ(d.kind, "table");
    }

    DiffPolicy policy;
    policy.ignore = {{"table", "public.alembic_version"}, {"table", "public.tmp_*"}};
    auto diffs = diff_snapshots(snaps[0], snaps[1], policy);
    ASSERT_EQ(diffs.size(), 1u) << describe(diffs);
    EXPECT_EQ(diffs[0].id, "public.tmpx");

    // A changed ignored table is silent too, parts included.
    auto changed = snapshots_of({
        "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL);",
        "CREATE TABLE alembic_version (version_num varchar(64) NOT NULL PRIMARY KEY, extra int);"
        "COMMENT ON TABLE alembic_version IS 'x'; CREATE INDEX av_idx ON alembic_version (extra);",
    });
    DiffPolicy av;
    av.ignore = {{"table", "public.alembic_version"}};
    EXPECT_EQ(diff_snapshots(changed[0], changed[1], DiffPolicy{}).size(), 5u)
        << describe(diff_snapshots(changed[0], changed[1], DiffPolicy{}));
    EXPECT_TRUE(diff_snapshots(changed[0], changed[1], av).empty()) << describe(diff_snapshots(changed[0], changed[1], av));

    // A rule of another kind does not hide a table; a "*" rule hides anything that matches.
    DiffPolicy wrong_kind;
    wrong_kind.ignore = {{"index", "public.alembic_version"}};
    EXPECT_FALSE(diff_snapshots(changed[0], changed[1], wrong_kind).empty());
    DiffPolicy any;
    any.ignore = {{"*", "public.alembic_*"}};
    EXPECT_TRUE(diff_snapshots(changed[0], changed[1], any).empty());
}

TEST(CatalogChange, PartitionDetachedIntoAPlainTableIsTwoFindings) {
    auto snaps = snapshots_of({kPartitioned, std::string(kPartitioned) + "ALTER TABLE m DETACH PARTITION m_2025;"});
    auto diffs = diff_snapshots(snaps[0], snaps[1], DiffPolicy{});
    // It is no longer a partition (missing as a partition) but still a table (extra as a table); the table's
    // columns and the index it keeps are implied by the table.
    ASSERT_EQ(diffs.size(), 2u) << describe(diffs);
    EXPECT_EQ(diffs[0].kind + "." + diffs[0].change + " " + diffs[0].id, "table.extra public.m_2025");
    EXPECT_EQ(diffs[1].kind + "." + diffs[1].change + " " + diffs[1].id, "partition.missing public.m_2025");
}

TEST(CatalogChange, PrimaryKeyImpliedNotNullIsNotASecondFinding) {
    // The key implies NOT NULL on its columns; an explicit NOT NULL that the other side lacks is still reported.
    auto snaps = snapshots_of({"CREATE TABLE t (id int, a int); CREATE TABLE \"Q t\" (\"b\"\"q\" int, c int);",
                               "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL);"
                               "CREATE TABLE \"Q t\" (\"b\"\"q\" int, c int, PRIMARY KEY (c, \"b\"\"q\"));",
                               "CREATE TABLE t (id int NOT NULL, a int); CREATE TABLE \"Q t\" (\"b\"\"q\" int, c int);"});
    auto diffs = diff_snapshots(snaps[0], snaps[1], DiffPolicy{});
    ASSERT_EQ(diffs.size(), 3u) << describe(diffs);
    EXPECT_EQ(diffs[0].kind + "." + diffs[0].change + " " + diffs[0].id, "column.changed public.t.a");
    EXPECT_EQ(diffs[1].kind + "." + diffs[1].change + " " + diffs[1].id, "constraint.extra public.\"Q t\".\"Q t_pkey\"");
    EXPECT_EQ(diffs[2].kind + "." + diffs[2].change + " " + diffs[2].id, "constraint.extra public.t.t_pkey");
    // Without the key on either side, NOT NULL alone is a finding.
    auto plain = diff_snapshots(snaps[0], snaps[2], DiffPolicy{});
    ASSERT_EQ(plain.size(), 1u) << describe(plain);
    EXPECT_EQ(plain[0].kind + "." + plain[0].change + " " + plain[0].id, "column.changed public.t.id");
}

TEST(CatalogIgnore, RulesCoverPartitionsSchemasAndColumnOrder) {
    auto snaps = snapshots_of({
        "CREATE TABLE alembic_version (version_num varchar(32), b int);"
        "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);"
        "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
        "CREATE TABLE alembic_version (b int, version_num varchar(32));"
        "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);"
        "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
        "CREATE INDEX m_2024_id_idx ON m_2024 (id); ALTER TABLE m_2024 ALTER id SET DEFAULT 1;"
        "CREATE SCHEMA scratch; CREATE TABLE scratch.t (id serial PRIMARY KEY); CREATE VIEW scratch.v AS SELECT 1 AS x;",
    });
    DiffPolicy warn;
    warn.column_order = "warn";
    auto all = diff_snapshots(snaps[0], snaps[1], warn);
    ASSERT_EQ(all.size(), 4u) << describe(all);  // schema scratch, column m_2024.id, index m_2024_id_idx, column order
    DiffPolicy policy = warn;
    policy.ignore = {{"table", "public.alembic_version"}, {"table", "public.m_2024"}, {"schema", "scratch"}};
    auto diffs = diff_snapshots(snaps[0], snaps[1], policy);
    EXPECT_TRUE(diffs.empty()) << describe(diffs);
    // A partition rule hides the partition's parts as well.
    policy.ignore = {{"table", "public.alembic_version"}, {"partition", "public.m_*"}, {"schema", "scratch"}};
    diffs = diff_snapshots(snaps[0], snaps[1], policy);
    EXPECT_TRUE(diffs.empty()) << describe(diffs);
    // Ignoring the parent table hides its partitions' parts.
    policy.ignore = {{"table", "public.alembic_version"}, {"table", "public.m"}, {"*", "scratch.*"}, {"schema", "scratch"}};
    diffs = diff_snapshots(snaps[0], snaps[1], policy);
    EXPECT_TRUE(diffs.empty()) << describe(diffs);
}

// ---------------------------------------------------------------------------------------------------------
// 4. Owners, privileges and comments: always in the snapshot, compared as the policy says.

// A role with a name unique to this test run (roles are cluster-wide and the server is shared), dropped with
// everything it owns or was granted in the given databases.
struct TempRole {
    std::string name;
    std::vector<Database> dbs;
    TempRole() {
        static int counter = 0;
        name = "pggate_cat_" + std::to_string(getpid()) + "_" +
               std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000) + "_" + std::to_string(++counter);
        Database db = TestServer::shared().create("role");
        PgConn(db.conninfo).exec("CREATE ROLE " + name + " NOLOGIN");
        dbs.push_back(db);
    }
    ~TempRole() {
        try {
            for (const auto& db : dbs) PgConn(db.conninfo).exec("REASSIGN OWNED BY " + name + " TO CURRENT_USER; DROP OWNED BY " + name);
            PgConn(dbs.front().conninfo).exec("DROP ROLE " + name);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not drop role " << name << ": " << e.what();
        }
    }
};

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

struct PolicyCase {
    std::string name;
    std::string change;  // applied to the compared database; ROLE stands for the test's role
    std::string kind;
    std::string id;
};

constexpr const char* kOwned =
    "CREATE SCHEMA s; CREATE TABLE t (id serial, a int); CREATE VIEW v AS SELECT id FROM t; CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;"
    "CREATE SEQUENCE q; CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE TYPE e AS ENUM ('a');"
    "CREATE TABLE m (id int, ts date) PARTITION BY RANGE (ts);"
    "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
    "CREATE STATISTICS t_stats ON id, a FROM t; CREATE PUBLICATION pub FOR TABLE t;";

// Runs each case against kOwned: one finding of the case's kind and identity with `on` set in the policy, none
// without it, and none with the other switch set instead.
void expect_policy_cases(const std::vector<PolicyCase>& cases, bool DiffPolicy::*on, bool DiffPolicy::*other_switch) {
    TempRole role;
    std::vector<std::string> scripts{kOwned};
    for (const auto& c : cases) scripts.push_back(std::string(kOwned) + replace_all(c.change, "ROLE", role.name));
    std::vector<Database> dbs;
    auto snaps = snapshots_of(scripts, nullptr, &dbs);
    role.dbs.insert(role.dbs.end(), dbs.begin(), dbs.end());
    DiffPolicy with;
    with.*on = true;
    DiffPolicy other;
    other.*other_switch = true;
    for (size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        const Snapshot& changed = snaps[i + 1];
        // The live diff reads owners and privileges only when its policy compares them: it finds the same.
        for (const DiffPolicy& p : {with, other, DiffPolicy{}}) {
            EXPECT_EQ(describe(diff_databases(dbs[0].conninfo, dbs[i + 1].conninfo, p).differences), describe(diff_snapshots(snaps[0], changed, p)))
                << c.name << " (live, owners " << p.owners << ", privileges " << p.privileges << ")";
        }
        auto none = diff_snapshots(snaps[0], changed, DiffPolicy{});
        EXPECT_TRUE(none.empty()) << c.name << " (default policy):\n" << describe(none);
        auto one = diff_snapshots(snaps[0], changed, with);
        if (one.size() != 1) {
            ADD_FAILURE() << c.name << ": expected exactly one finding, got " << one.size() << "\n" << describe(one);
        } else {
            EXPECT_EQ(one[0].kind + "." + one[0].change + " " + one[0].id, c.kind + ".changed " + c.id) << c.name;
            EXPECT_EQ(one[0].changed_attrs, std::vector<std::string>{with.owners ? "owner" : "privileges"}) << c.name;
            // The definitions say what differs; neither names a role the policy does not compare.
            EXPECT_NE(one[0].reference_definition, one[0].other_definition) << c.name;
        }
        auto back = diff_snapshots(changed, snaps[0], with);
        EXPECT_EQ(back.size(), 1u) << c.name << " (reversed):\n" << describe(back);
        auto neither = diff_snapshots(snaps[0], changed, other);
        EXPECT_TRUE(neither.empty()) << c.name << " (other switch):\n" << describe(neither);
    }
}

TEST(CatalogPolicy, OwnersAreComparedOnlyWhenThePolicyAsks) {
    // Privileges name the owner <owner>, so an owner change is not a privilege change too.
    expect_policy_cases(
        {
            // Its serial's sequence changes owner with it: the table's finding says so.
            {"table owner", "ALTER TABLE t OWNER TO ROLE;", "table", "public.t"},
            {"partition owner", "ALTER TABLE m_2024 OWNER TO ROLE;", "partition", "public.m_2024"},
            {"view owner", "ALTER VIEW v OWNER TO ROLE;", "view", "public.v"},
            {"materialized view owner", "ALTER MATERIALIZED VIEW mv OWNER TO ROLE;", "materialized-view", "public.mv"},
            {"sequence owner", "ALTER SEQUENCE q OWNER TO ROLE;", "sequence", "public.q"},
            {"function owner", "ALTER FUNCTION f() OWNER TO ROLE;", "function", "public.f()"},
            {"type owner", "ALTER TYPE e OWNER TO ROLE;", "type", "public.e"},
            {"schema owner", "ALTER SCHEMA s OWNER TO ROLE;", "schema", "s"},
            {"public schema owner", "ALTER SCHEMA public OWNER TO ROLE;", "schema", "public"},
            {"statistics owner", "ALTER STATISTICS t_stats OWNER TO ROLE;", "statistics", "public.t_stats"},
            {"publication owner", "ALTER PUBLICATION pub OWNER TO ROLE;", "publication", "pub"},
        },
        &DiffPolicy::owners, &DiffPolicy::privileges);
}

TEST(CatalogPolicy, PrivilegesAreComparedOnlyWhenThePolicyAsks) {
    expect_policy_cases(
        {
            {"table grant", "GRANT SELECT ON t TO ROLE;", "table", "public.t"},
            {"table grant with grant option", "GRANT SELECT ON t TO ROLE WITH GRANT OPTION;", "table", "public.t"},
            {"table grant to everyone", "GRANT SELECT ON t TO PUBLIC;", "table", "public.t"},
            {"owner's own privilege revoked", "REVOKE DELETE ON t FROM CURRENT_USER;", "table", "public.t"},
            {"column grant", "GRANT UPDATE (a) ON t TO ROLE;", "column", "public.t.a"},
            {"partition grant", "GRANT SELECT ON m_2024 TO ROLE;", "partition", "public.m_2024"},
            {"view grant", "GRANT SELECT ON v TO ROLE;", "view", "public.v"},
            {"materialized view grant", "GRANT SELECT ON mv TO ROLE;", "materialized-view", "public.mv"},
            {"sequence grant", "GRANT USAGE ON SEQUENCE q TO ROLE;", "sequence", "public.q"},
            {"serial's sequence grant", "GRANT USAGE ON SEQUENCE t_id_seq TO ROLE;", "sequence", "public.t_id_seq"},
            {"function execute revoked from everyone", "REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC;", "function", "public.f()"},
            {"type usage revoked from everyone", "REVOKE USAGE ON TYPE e FROM PUBLIC;", "type", "public.e"},
            {"schema grant", "GRANT USAGE ON SCHEMA s TO ROLE;", "schema", "s"},
            {"public schema create granted", "GRANT CREATE ON SCHEMA public TO PUBLIC;", "schema", "public"},
        },
        &DiffPolicy::privileges, &DiffPolicy::owners);
}

TEST(CatalogPolicy, GrantThenRevokeIsNoDifference) {
    TempRole role;
    const std::string r = role.name;
    auto snaps = snapshots_of({kOwned, std::string(kOwned) +
                                           "GRANT SELECT, UPDATE ON t TO " + r + "; REVOKE SELECT, UPDATE ON t FROM " + r + ";"
                                           "GRANT UPDATE (a) ON t TO " + r + "; REVOKE UPDATE (a) ON t FROM " + r + ";"
                                           "GRANT SELECT ON t TO PUBLIC; REVOKE ALL ON t FROM PUBLIC;"
                                           "GRANT SELECT ON m_2024, v, mv TO " + r + "; REVOKE SELECT ON m_2024, v, mv FROM " + r + ";"
                                           "GRANT USAGE ON SEQUENCE q TO " + r + "; REVOKE USAGE ON SEQUENCE q FROM " + r + ";"
                                           "REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC; GRANT EXECUTE ON FUNCTION f() TO PUBLIC;"
                                           "REVOKE USAGE ON TYPE e FROM PUBLIC; GRANT USAGE ON TYPE e TO PUBLIC;"
                                           "GRANT ALL ON SCHEMA s TO " + r + "; REVOKE ALL ON SCHEMA s FROM " + r + ";"
                                           "REVOKE USAGE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO PUBLIC;"
                                           "ALTER TABLE t OWNER TO " + r + "; ALTER TABLE t OWNER TO CURRENT_USER;"},
                              &role.dbs);
    DiffPolicy all;
    all.owners = all.privileges = true;
    auto diffs = diff_snapshots(snaps[0], snaps[1], all);
    EXPECT_TRUE(diffs.empty()) << describe(diffs);
    EXPECT_EQ(snapshot_to_json(snaps[0]), snapshot_to_json(snaps[1]));
}

TEST(CatalogPolicy, AViewColumnWithGrantsOnlyIsAFindingOnlyWhenPrivilegesAreCompared) {
    TempRole role;
    auto snaps = snapshots_of({kOwned, std::string(kOwned) + "GRANT SELECT (id) ON v TO " + role.name + ";"}, &role.dbs);
    auto none = diff_snapshots(snaps[0], snaps[1], DiffPolicy{});
    EXPECT_TRUE(none.empty()) << describe(none);
    DiffPolicy privileges;
    privileges.privileges = true;
    auto one = diff_snapshots(snaps[0], snaps[1], privileges);
    ASSERT_EQ(one.size(), 1u) << describe(one);
    EXPECT_EQ(one[0].kind + "." + one[0].change + " " + one[0].id, "column.extra public.v.id");
    EXPECT_EQ(one[0].other_definition, "privileges=" + role.name + "=r/<owner>");
}

TEST(CatalogPolicy, CommentsAreComparedUnlessThePolicyTurnsThemOff) {
    const std::string base = std::string("CREATE SCHEMA s; CREATE TABLE t (id int, a int); CREATE STATISTICS t_stats ON id, a FROM t;"
                                         "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';"
                                         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
                                         "CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();"
                                         "CREATE POLICY t_own ON t USING (a > 0); CREATE VIEW v AS SELECT id FROM t;"
                                         "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x; CREATE TYPE ct AS (x int);"
                                         "CREATE DOMAIN d AS int CONSTRAINT d_pos CHECK (VALUE > 0);") +
                             kPartitioned + "ALTER TABLE m_2025 ALTER v SET DEFAULT 'x';"
                             "CREATE TRIGGER m_touch BEFORE UPDATE ON m FOR EACH ROW EXECUTE FUNCTION touch(); ALTER TABLE m ADD PRIMARY KEY (id, ts);";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"COMMENT ON TABLE t IS 'the t';", "table.changed public.t"},
        {"COMMENT ON COLUMN t.a IS 'the a';", "column.changed public.t.a"},
        {"COMMENT ON SCHEMA s IS 'the s';", "schema.changed s"},
        {"COMMENT ON SCHEMA public IS 'the app';", "schema.changed public"},
        {"COMMENT ON FUNCTION f() IS 'the f';", "function.changed public.f()"},
        {"COMMENT ON INDEX m_v_idx IS 'the index';", "index.changed public.m_v_idx"},
        {"COMMENT ON STATISTICS t_stats IS 'ab';", "statistics.changed public.t_stats"},
        // A partition's column that differs from its parent's by its comment only is there for the comment.
        {"COMMENT ON COLUMN m_2024.v IS 'the v';", "column.extra public.m_2024.v"},
        // One that differs by its default too stays, and its comment is not compared.
        {"COMMENT ON COLUMN m_2025.v IS 'the v';", "column.changed public.m_2025.v"},
        {"COMMENT ON TRIGGER t_touch ON t IS 'touch';", "trigger.changed public.t.t_touch"},
        {"COMMENT ON POLICY t_own ON t IS 'own';", "policy.changed public.t.t_own"},
        {"COMMENT ON COLUMN v.id IS 'key';", "column.extra public.v.id"},
        {"COMMENT ON COLUMN mv.x IS 'x';", "column.extra public.mv.x"},
        {"COMMENT ON COLUMN ct.x IS 'x';", "type.changed public.ct"},
        {"COMMENT ON CONSTRAINT d_pos ON DOMAIN d IS 'positive';", "type.changed public.d"},
        // A partition's index attached to its parent's is there for its comment.
        {"COMMENT ON INDEX m_2024_v_idx IS 'hot';", "index.extra public.m_2024_v_idx"},
        // So is a partition's clone of its parent's trigger or key.
        {"COMMENT ON TRIGGER m_touch ON m_2024 IS 'clone';", "trigger.extra public.m_2024.m_touch"},
        {"COMMENT ON CONSTRAINT m_2024_pkey ON m_2024 IS 'clone';", "constraint.extra public.m_2024.m_2024_pkey"},
    };
    std::vector<std::string> scripts{base};
    for (const auto& c : cases) scripts.push_back(base + c.first);
    auto snaps = snapshots_of(scripts);
    DiffPolicy no_comments;
    no_comments.comments = false;
    for (size_t i = 0; i < cases.size(); ++i) {
        auto one = diff_snapshots(snaps[0], snaps[i + 1], DiffPolicy{});
        ASSERT_EQ(one.size(), 1u) << cases[i].first << "\n" << describe(one);
        EXPECT_EQ(one[0].kind + "." + one[0].change + " " + one[0].id, cases[i].second);
        auto none = diff_snapshots(snaps[0], snaps[i + 1], no_comments);
        EXPECT_TRUE(none.empty()) << cases[i].first << "\n" << describe(none);
        auto back = diff_snapshots(snaps[i + 1], snaps[0], no_comments);
        EXPECT_TRUE(back.empty()) << cases[i].first << " (reversed)\n" << describe(back);
    }
    // Turning comments off hides nothing else.
    auto other = snapshots_of({base, base + "COMMENT ON TABLE t IS 'x'; ALTER TABLE t ADD COLUMN b int;"});
    auto diffs = diff_snapshots(other[0], other[1], no_comments);
    ASSERT_EQ(diffs.size(), 1u) << describe(diffs);
    EXPECT_EQ(diffs[0].id, "public.t.b");
}

// ---------------------------------------------------------------------------------------------------------
// 5. Partitions matched by name or by bound.

TEST(CatalogPartitions, RenamedPartitionIsOneFindingByNameAndNoneByBounds) {
    // The partition carries parts of its own: they follow it.
    const std::string base = std::string(kPartitioned) +
                             "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
                             "CREATE INDEX m_2025_id_idx ON m_2025 (id);"
                             "ALTER TABLE m_2025 ADD CONSTRAINT m_2025_v_check CHECK (v <> '');"
                             "ALTER TABLE m_2025 ALTER v SET DEFAULT 'x', ALTER v SET STATISTICS 200;"
                             "CREATE TRIGGER m_2025_touch BEFORE UPDATE ON m_2025 FOR EACH ROW EXECUTE FUNCTION touch();"
                             "CREATE RULE m_2025_keep AS ON DELETE TO m_2025 DO INSTEAD NOTHING;"
                             "CREATE POLICY m_2025_own ON m_2025 USING (id > 0);"
                             "CREATE STATISTICS m_2025_stats ON id, v FROM m_2025;"
                             "COMMENT ON TABLE m_2025 IS 'this year';"
                             // A sub-partitioned tree, renamed in the middle.
                             "CREATE TABLE s (id int, region text, ts date) PARTITION BY LIST (region);"
                             "CREATE TABLE s_eu PARTITION OF s FOR VALUES IN ('eu') PARTITION BY RANGE (ts);"
                             "CREATE TABLE s_eu_2024 PARTITION OF s_eu FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
                             "CREATE INDEX s_eu_ts_idx ON s_eu (ts);";
    auto snaps = snapshots_of({base, base + "ALTER TABLE m_2025 RENAME TO m_2025_archive;",
                               base + "ALTER TABLE s_eu RENAME TO s_europe; ALTER TABLE s_eu_2024 RENAME TO s_europe_2024;",
                               // Both partitions swap names.
                               std::string(kPartitioned),
                               std::string(kPartitioned) + "ALTER TABLE m_2024 RENAME TO tmp; ALTER TABLE m_2025 RENAME TO m_2024;"
                                                           "ALTER TABLE tmp RENAME TO m_2025;"});
    DiffPolicy by_bounds;
    by_bounds.partitions = "by-bounds";
    for (size_t i : {1, 2}) {
        for (bool reversed : {false, true}) {
            const Snapshot& a = reversed ? snaps[i] : snaps[0];
            const Snapshot& b = reversed ? snaps[0] : snaps[i];
            auto none = diff_snapshots(a, b, by_bounds);
            EXPECT_TRUE(none.empty()) << i << (reversed ? " reversed" : "") << ":\n" << describe(none);
            auto named = diff_snapshots(a, b, DiffPolicy{});
            EXPECT_EQ(named.size(), i) << i << (reversed ? " reversed" : "") << ":\n" << describe(named);
            for (const auto& d : named) {
                EXPECT_EQ(d.kind + "." + d.change, "partition.changed");
                EXPECT_EQ(d.changed_attrs, std::vector<std::string>{"name"});
            }
        }
    }
    auto renamed = diff_snapshots(snaps[0], snaps[1], DiffPolicy{});
    ASSERT_EQ(renamed.size(), 1u);
    EXPECT_EQ(renamed[0].id, "public.m_2025");
    EXPECT_EQ(renamed[0].reference_definition.rfind("name=public.m_2025;", 0), 0u) << renamed[0].reference_definition;
    EXPECT_EQ(renamed[0].other_definition.rfind("name=public.m_2025_archive;", 0), 0u) << renamed[0].other_definition;
    // A change to a renamed partition's part is still found, under the reference's names.
    auto part_changed = snapshots_of({base, base + "ALTER TABLE m_2025 RENAME TO m_2025_archive;"
                                                    "ALTER TABLE m_2025_archive ALTER v SET DEFAULT 'y';"});
    auto pc = diff_snapshots(part_changed[0], part_changed[1], by_bounds);
    ASSERT_EQ(pc.size(), 1u) << describe(pc);
    EXPECT_EQ(pc[0].kind + "." + pc[0].change + " " + pc[0].id, "column.changed public.m_2025.v");
    // Swapped names: equal by bounds.
    EXPECT_TRUE(diff_snapshots(snaps[3], snaps[4], by_bounds).empty()) << describe(diff_snapshots(snaps[3], snaps[4], by_bounds));
    EXPECT_FALSE(diff_snapshots(snaps[3], snaps[4], DiffPolicy{}).empty());
}

TEST(CatalogPartitions, ChangedBoundIsOneFindingEitherWay) {
    auto snaps = snapshots_of({kPartitioned, std::string(kPartitioned) +
                                                 "ALTER TABLE m DETACH PARTITION m_2025;"
                                                 "ALTER TABLE m ATTACH PARTITION m_2025 FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');",
                               // A partition renamed whose bound changed too is another partition.
                               std::string(kPartitioned) + "ALTER TABLE m DETACH PARTITION m_2025; ALTER TABLE m_2025 RENAME TO m_2025h1;"
                                                           "ALTER TABLE m ATTACH PARTITION m_2025h1 FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');"});
    for (const char* mode : {"by-name", "by-bounds"}) {
        DiffPolicy policy;
        policy.partitions = mode;
        auto diffs = diff_snapshots(snaps[0], snaps[1], policy);
        ASSERT_EQ(diffs.size(), 1u) << mode << "\n" << describe(diffs);
        EXPECT_EQ(diffs[0].kind + "." + diffs[0].change + " " + diffs[0].id, "partition.changed public.m_2025") << mode;
        EXPECT_EQ(diffs[0].changed_attrs, std::vector<std::string>{"partition_bound"}) << mode;
        auto both = diff_snapshots(snaps[0], snaps[2], policy);
        ASSERT_EQ(both.size(), 2u) << mode << "\n" << describe(both);
        EXPECT_EQ(both[0].kind + "." + both[0].change + " " + both[0].id, "partition.missing public.m_2025") << mode;
        EXPECT_EQ(both[1].kind + "." + both[1].change + " " + both[1].id, "partition.extra public.m_2025h1") << mode;
    }
}

// ---------------------------------------------------------------------------------------------------------
// 6. `pggate diff` on live databases defers deparsing: it must find exactly what fully spelled snapshots find.

// Runs fn(i) for i in [0, n) on a few workers.
template <class Fn>
void in_parallel(size_t n, Fn fn) {
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w)
        workers.emplace_back([&] {
            for (size_t i = next++; i < n; i = next++) fn(i);
        });
    for (auto& t : workers) t.join();
}

bool has_deferred_token(const std::vector<SchemaDifference>& diffs) {
    for (const auto& d : diffs)
        if (!deferred_serials(d.reference_definition).empty() || !deferred_serials(d.other_definition).empty()) return true;
    return false;
}

// Every pair of the single-change and built-differently batteries, both ways and with partitions matched by bound:
// the live diff's differences equal the full snapshots' differences, field by field.
TEST(LiveDiff, SameDifferencesAsFullSnapshotsOnEveryCase) {
    std::vector<std::string> scripts, names;
    for (const auto& c : change_cases()) {
        scripts.push_back(c.base);
        scripts.push_back(c.base + c.change);
        names.push_back(c.name);
    }
    for (const auto& c : equal_cases()) {
        scripts.push_back(c.a);
        scripts.push_back(c.b);
        names.push_back(c.name);
    }
    std::vector<Database> dbs;
    auto snaps = snapshots_of(scripts, nullptr, &dbs);
    DiffPolicy by_bounds;
    by_bounds.partitions = "by-bounds";
    const std::vector<std::pair<const char*, DiffPolicy>> policies{{"default", DiffPolicy{}}, {"by-bounds", by_bounds}};
    std::vector<std::string> failures(names.size());
    in_parallel(names.size(), [&](size_t i) {
        for (int reversed = 0; reversed < 2; ++reversed) {
            const size_t r = 2 * i + reversed, o = 2 * i + 1 - reversed;
            for (const auto& [policy_name, policy] : policies) {
                if (reversed && std::string(policy_name) != "default") continue;
                std::string expected = describe(diff_snapshots(snaps[r], snaps[o], policy));
                try {
                    LiveDiff live = diff_databases(dbs[r].conninfo, dbs[o].conninfo, policy);
                    std::string got = describe(live.differences);
                    if (got != expected || has_deferred_token(live.differences))
                        failures[i] += std::string(reversed ? "reversed, " : "") + policy_name + ":\n  expected:\n" + expected + "  got:\n" + got;
                } catch (const std::exception& e) {
                    failures[i] += std::string(policy_name) + ": " + e.what() + "\n";
                }
            }
        }
    });
    for (size_t i = 0; i < names.size(); ++i) EXPECT_TRUE(failures[i].empty()) << names[i] << ":\n" << failures[i];
}

struct LiveCase {
    std::string name;
    std::string a, b;
    std::vector<std::string> expected;  // kind.change id of each finding, in order
    bool deferred_equal = false;        // every deferred expression compared equal without being spelled
};

// Pairs aimed at what comparing node trees could get wrong.
const std::vector<LiveCase>& live_cases() {
    // With a CHECK that stays equal, so every case has a deferred expression.
    static const std::string table = "CREATE TABLE t (id int PRIMARY KEY, a int, b text, CONSTRAINT t_b_check CHECK (b <> 'z'));";
    static const std::vector<LiveCase> cases = {
        {"CHECK expression differs", table + "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0);",
         table + "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a >= 0);", {"constraint.changed public.t.t_a_check"}},
        {"CHECK differs only in being NOT VALID", table + "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0);",
         table + "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;", {"constraint.changed public.t.t_a_check"}},
        {"index predicate differs", table + "CREATE INDEX t_a_idx ON t (a) WHERE b IS NOT NULL;",
         table + "CREATE INDEX t_a_idx ON t (a) WHERE b IS NULL;", {"index.changed public.t_a_idx"}},
        {"index expression differs", table + "CREATE INDEX t_b_idx ON t (lower(b), (a + 1));",
         table + "CREATE INDEX t_b_idx ON t (upper(b), (a + 1));", {"index.changed public.t_b_idx"}},
        {"default differs", table + "ALTER TABLE t ALTER b SET DEFAULT 'x';", table + "ALTER TABLE t ALTER b SET DEFAULT 'y';",
         {"column.changed public.t.b"}},
        {"equal defaults, columns in another order", table + "CREATE TABLE u (n int DEFAULT 1, s text DEFAULT 'x', ts timestamptz DEFAULT now());",
         table + "CREATE TABLE u (ts timestamptz DEFAULT now(), s text DEFAULT 'x'); ALTER TABLE u ADD COLUMN n int DEFAULT 1;", {}, true},
        {"defaults naming other sequences (regclass constants)",
         table + "CREATE SEQUENCE s1; CREATE SEQUENCE s2; CREATE TABLE u (id bigint DEFAULT nextval('s1'));",
         table + "CREATE SEQUENCE s1; CREATE SEQUENCE s2; CREATE TABLE u (id bigint DEFAULT nextval('s2'));", {"column.changed public.u.id"}},
        {"a default of a user type differs (its OID differs too)",
         table + "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE u (m mood DEFAULT 'ok');",
         table + "CREATE TABLE filler (x int); CREATE TYPE mood AS ENUM ('sad', 'ok'); DROP TABLE filler; CREATE TABLE u (m mood DEFAULT 'sad');",
         {"column.changed public.u.m"}},
        {"same expressions, columns in another order (column numbers differ)",
         "CREATE TABLE t (id int, a int, b text, CONSTRAINT t_a_check CHECK (a > 0 AND b <> ''));"
         "CREATE INDEX t_x_idx ON t ((a + 1), lower(b)) WHERE a > 0;",
         "CREATE TABLE t (b text, id int); ALTER TABLE t ADD COLUMN a int;"
         "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0 AND b <> '');"
         "CREATE INDEX t_x_idx ON t ((a + 1), lower(b)) WHERE a > 0;",
         {}, true},
        {"same column numbers, other columns (the column-order trap)",
         "CREATE TABLE t (a int, b int, CONSTRAINT t_check CHECK (a > 0)); CREATE INDEX t_idx ON t ((a + 1)) WHERE a > 0;",
         "CREATE TABLE t (b int, a int, CONSTRAINT t_check CHECK (b > 0)); CREATE INDEX t_idx ON t ((b + 1)) WHERE b > 0;",
         {"constraint.changed public.t.t_check", "index.changed public.t_idx"}},
        {"user types and functions built in another order (their OIDs differ)",
         "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE FUNCTION positive(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 > 0';"
         "CREATE TABLE t (id int, m mood, CONSTRAINT t_m_check CHECK (m <> 'sad'), CONSTRAINT t_id_check CHECK (positive(id)));"
         "CREATE INDEX t_m_idx ON t (m) WHERE m <> 'ok'; CREATE INDEX t_p_idx ON t (positive(id));",
         "CREATE TABLE filler (x int); CREATE SEQUENCE filler_seq; CREATE FUNCTION positive(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 > 0';"
         "CREATE TYPE mood AS ENUM ('sad', 'ok'); DROP TABLE filler; DROP SEQUENCE filler_seq;"
         "CREATE TABLE t (id int, m mood, CONSTRAINT t_m_check CHECK (m <> 'sad'), CONSTRAINT t_id_check CHECK (positive(id)));"
         "CREATE INDEX t_m_idx ON t (m) WHERE m <> 'ok'; CREATE INDEX t_p_idx ON t (positive(id));",
         {}},
        {"a user type's value differs",
         "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (id int, m mood, CONSTRAINT t_m_check CHECK (m <> 'sad'));",
         "CREATE TABLE filler (x int); CREATE TYPE mood AS ENUM ('sad', 'ok'); DROP TABLE filler;"
         "CREATE TABLE t (id int, m mood, CONSTRAINT t_m_check CHECK (m <> 'ok'));",
         {"constraint.changed public.t.t_m_check"}},
        {"a CHECK on a partition of its own, and one inherited",
         "CREATE TABLE m (id int, v text, CHECK (v <> '')) PARTITION BY LIST (id);"
         "CREATE TABLE m_1 PARTITION OF m FOR VALUES IN (1); ALTER TABLE m_1 ADD CONSTRAINT m_1_v_check CHECK (length(v) < 10);",
         "CREATE TABLE m (id int, v text, CHECK (v <> '')) PARTITION BY LIST (id);"
         "CREATE TABLE m_1 PARTITION OF m FOR VALUES IN (1); ALTER TABLE m_1 ADD CONSTRAINT m_1_v_check CHECK (length(v) < 11);",
         {"constraint.changed public.m_1.m_1_v_check"}},
        // Red-team traps.
        {"index expression with a cast and COLLATE, a partial predicate, columns in another order",
         "CREATE TABLE t (id int, payload jsonb, email text, deleted_at timestamptz);"
         "CREATE UNIQUE INDEX t_email ON t (lower(email) COLLATE \"C\", ((payload ->> 'id')::bigint)) WHERE deleted_at IS NULL;",
         "CREATE TABLE t (deleted_at timestamptz, email text, id int); ALTER TABLE t ADD COLUMN payload jsonb;"
         "CREATE UNIQUE INDEX t_email ON t (lower(email) COLLATE \"C\", ((payload ->> 'id')::bigint)) WHERE deleted_at IS NULL;",
         {}, true},
        {"a CHECK of a partition whose columns sit in another order than its parent's",
         "CREATE TABLE m (id int, ts date, v text, CHECK (v <> '')) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "ALTER TABLE m_1 ADD CONSTRAINT m_1_id_check CHECK (id > 0 AND v <> 'x');",
         "CREATE TABLE m (id int, ts date, v text, CHECK (v <> '')) PARTITION BY RANGE (ts);"
         "CREATE TABLE m_1 (v text, ts date, id int, CONSTRAINT m_1_id_check CHECK (id > 0 AND v <> 'x'), CONSTRAINT m_v_check CHECK (v <> ''));"
         "ALTER TABLE m ATTACH PARTITION m_1 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
         {}},
        {"a function named like a built-in one changes how the built-in is spelled",
         "CREATE TABLE t (id int, b varchar(10), CONSTRAINT t_b_check CHECK (lower(b) <> ''));",
         "CREATE TABLE t (id int, b varchar(10), CONSTRAINT t_b_check CHECK (lower(b) <> ''));"
         "CREATE FUNCTION public.lower(varchar) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT pg_catalog.lower($1::text)';",
         {"function.extra public.lower(character varying)"}},
    };
    return cases;
}

TEST(LiveDiff, TrapsOfComparingNodeTrees) {
    std::vector<std::string> scripts;
    for (const auto& c : live_cases()) {
        scripts.push_back(c.a);
        scripts.push_back(c.b);
    }
    std::vector<Database> dbs;
    auto snaps = snapshots_of(scripts, nullptr, &dbs);
    for (size_t i = 0; i < live_cases().size(); ++i) {
        const auto& c = live_cases()[i];
        for (int reversed = 0; reversed < 2; ++reversed) {
            const size_t r = 2 * i + reversed, o = 2 * i + 1 - reversed;
            const std::string label = c.name + (reversed ? " (reversed)" : "");
            LiveDiff live = diff_databases(dbs[r].conninfo, dbs[o].conninfo, DiffPolicy{});
            auto full = diff_snapshots(snaps[r], snaps[o], DiffPolicy{});
            EXPECT_EQ(describe(live.differences), describe(full)) << label;
            std::vector<std::string> got;
            for (const auto& d : live.differences) got.push_back(d.kind + "." + d.change + " " + d.id);
            std::vector<std::string> expected = c.expected;
            for (auto& e : expected) {
                if (!reversed) break;
                if (e.find(".extra ") != std::string::npos) e.replace(e.find(".extra "), 7, ".missing ");
                else if (e.find(".missing ") != std::string::npos) e.replace(e.find(".missing "), 9, ".extra ");
            }
            EXPECT_EQ(got, expected) << label << "\n" << describe(live.differences);
            EXPECT_FALSE(has_deferred_token(live.differences)) << label;
            // The snapshots did defer expressions; where all compared equal by node tree, none had to be spelled.
            EXPECT_FALSE(live.reference.deferred.empty()) << label;
            if (c.deferred_equal) {
                EXPECT_EQ(live.spelled, 0u) << label;
            }
        }
    }
}

TEST(LiveDiff, ConstantsThatNameObjectsAreNeverComparedAsNodeTrees) {
    // A regclass (regtype, regproc, ...) constant holds an OID in its bytes, which the >= 12000 rule never sees: two
    // servers whose tables got the same OIDs under other names would compare equal trees that spell differently.
    Database db = TestServer::shared().create("cat");
    TestServer::shared().exec(db, "CREATE TABLE a (id int); CREATE TABLE t (r regclass, k regtype,"
                                  "  CONSTRAINT t_r_check CHECK (r <> 'a'::regclass), CONSTRAINT t_k_check CHECK (k <> 'int4'::regtype),"
                                  "  CONSTRAINT t_plain CHECK (r IS NOT NULL));");
    PgConn conn(db.conninfo);
    PgResult r = conn.exec("SELECT conname, conbin FROM pg_constraint WHERE conrelid = 't'::regclass ORDER BY conname");
    const std::vector<std::string> columns{"", "r", "k"};
    ASSERT_EQ(r.rows(), 3);
    EXPECT_FALSE(comparable_node_tree(r.get(0, 1), &columns)) << r.get(0, 0);  // t_k_check
    EXPECT_TRUE(comparable_node_tree(r.get(1, 1), &columns)) << r.get(1, 0);   // t_plain
    EXPECT_FALSE(comparable_node_tree(r.get(2, 1), &columns)) << r.get(2, 0);  // t_r_check
}

TEST(CatalogEqual, SessionSettingsDoNotChangeTheSnapshot) {
    // The same schema read in sessions with other time zones, date styles, search paths and identifier quoting (from
    // the database's settings here; a server's configuration, a role's or the client's PGTZ do the same): timestamptz
    // partition bounds and CHECK constants, and names in views, must read the same, or a lock file written on a
    // developer's machine differs from CI's everywhere. Full snapshots and the live diff agree.
    const std::string sql =
        "CREATE SCHEMA app; CREATE TABLE app.t (id int, ts timestamptz, CONSTRAINT t_ts_check CHECK (ts > '2024-01-01 00:00+00'));"
        "CREATE TABLE app.m (ts timestamptz NOT NULL, d interval DEFAULT '1 day 02:00') PARTITION BY RANGE (ts);"
        "CREATE TABLE app.m_2024 PARTITION OF app.m FOR VALUES FROM ('2024-01-01 00:00+00') TO ('2025-01-01 00:00+00');"
        "CREATE VIEW app.v AS SELECT id FROM app.t WHERE ts > '2024-06-01 00:00+00';";
    Database a = TestServer::shared().create("cat"), b = TestServer::shared().create("cat");
    TestServer::shared().exec(a, sql + "ALTER DATABASE " + quote_ident(a.name) + " SET TimeZone = 'UTC';");
    TestServer::shared().exec(b, sql + "ALTER DATABASE " + quote_ident(b.name) + " SET TimeZone = 'Asia/Tokyo';" +
                                     "ALTER DATABASE " + quote_ident(b.name) + " SET DateStyle = 'SQL, DMY';" +
                                     "ALTER DATABASE " + quote_ident(b.name) + " SET IntervalStyle = 'iso_8601';" +
                                     "ALTER DATABASE " + quote_ident(b.name) + " SET search_path = app, public;" +
                                     "ALTER DATABASE " + quote_ident(b.name) + " SET quote_all_identifiers = on;");
    Snapshot sa = snapshot_db(a), sb = snapshot_db(b);
    EXPECT_EQ(snapshot_to_json(sa), snapshot_to_json(sb));
    auto full = diff_snapshots(sa, sb, DiffPolicy{});
    EXPECT_TRUE(full.empty()) << describe(full);
    LiveDiff live = diff_databases(a.conninfo, b.conninfo, DiffPolicy{});
    EXPECT_TRUE(live.differences.empty()) << describe(live.differences);
    EXPECT_EQ(live.reference.deparse_context, live.other.deparse_context);
}

}  // namespace
}  // namespace pggate
