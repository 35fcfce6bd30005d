// The migration-safety gate on a real PostgreSQL: each measured rule fails on a bad migration and
// stays quiet on the safe rewrite of it (the pair the gate's README shows), lock modes read exactly
// as pg_locks has them, the seeded upgrade names the offending rows (secrets redacted), invariants
// and row counts are checked at head, and reversibility names the revision whose down step is wrong.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "gates/delete-paths/delete_lint.h"
#include "gates/migration-safety/lock_probe.h"
#include "gates/migration-safety/migration_safety_gate.h"
#include "harness/config.h"
#include "harness/pg.h"
#include "harness/process.h"
#include "harness/replay.h"
#include "reports/schema.h"
#include "tests/support/test_server.h"

namespace fs = std::filesystem;

namespace pggate {
namespace {

using testing::TempDir;
using testing::TestServer;

struct Rev {
    std::string up;
    std::string down = "-";  // "-": no down file
};

// Revision 0001 creates the tables the seed fills: `big` (20,000 rows: large) and `small` (10 rows).
const char* kBase = R"SQL(
CREATE TABLE small (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE big (id bigint PRIMARY KEY, tenant_id bigint, email varchar(100), status text, n int, password_hash text);
)SQL";
const char* kBaseDown = "DROP TABLE big;\nDROP TABLE small;\n";
const char* kSeed = R"SQL(
INSERT INTO small SELECT g, 'tenant ' || g FROM generate_series(1, 10) g;
INSERT INTO big SELECT g, CASE WHEN g % 1000 = 0 THEN NULL ELSE g % 10 + 1 END, 'user' || g || '@example.com',
       CASE WHEN g % 5000 = 0 THEN 'archived' ELSE 'active' END, g, 'pbkdf2$secret' || g
  FROM generate_series(1, 20000) g;
)SQL";

GateResult run_gate(const std::vector<Rev>& revs, const std::string& section_extra = "", const std::string& reversibility = "off") {
    TempDir dir;
    std::vector<Rev> all = {{kBase, kBaseDown}};
    all.insert(all.end(), revs.begin(), revs.end());
    for (size_t i = 0; i < all.size(); ++i) {
        char version[8];
        std::snprintf(version, sizeof version, "%04zu", i + 1);
        dir.write(std::string("migrations/") + version + "_step.up.sql", all[i].up);
        if (all[i].down != "-") dir.write(std::string("migrations/") + version + "_step.down.sql", all[i].down);
    }
    dir.write("seed.sql", kSeed);
    dir.write("pggate.yaml", "project: t\nchain:\n  dir: migrations\n  layout: up-down\npaths: [chain]\ngates:\n  migration-safety:\n"
                             "    reversibility: " + reversibility + "\n    seed: {at: \"0001\", files: [seed.sql]}\n" + section_extra);
    Config cfg = load_config(dir.path + "/pggate.yaml");
    std::vector<std::string> problems;
    auto options = parse_migration_safety_section(*cfg.gate_sections.at("migration-safety"), cfg, problems);
    EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems.front());
    ReplayPlan plan = plan_replay(cfg);
    return run_migration_safety_gate(options, cfg, plan, TestServer::shared().provider());
}

// Rules of the findings at `severity` (error by default), sorted.
std::vector<std::string> rules(const GateResult& g, const std::string& severity = "error") {
    std::vector<std::string> out;
    for (const auto& f : g.findings)
        if (f.severity == severity) out.push_back(f.rule.substr(std::string("migration-safety.").size()));
    std::sort(out.begin(), out.end());
    return out;
}

const Finding& only(const GateResult& g, const std::string& rule) {
    auto it = std::find_if(g.findings.begin(), g.findings.end(), [&](const Finding& f) { return f.rule == "migration-safety." + rule; });
    if (it == g.findings.end()) throw std::runtime_error("no " + rule + " finding");
    return *it;
}

using Rules = std::vector<std::string>;

TEST(MigrationSafety, IndexWithoutConcurrentlyOnALargeTable) {
    auto bad = run_gate({{"SET lock_timeout = '2s';\nCREATE INDEX big_tenant_idx ON big (tenant_id);\n"}});
    EXPECT_EQ(rules(bad), Rules{"index-without-concurrently"});
    const Finding& f = only(bad, "index-without-concurrently");
    EXPECT_EQ(f.object, "public.big");
    ASSERT_TRUE(f.location);
    EXPECT_EQ(f.location->file, "migrations/0002_step.up.sql");
    EXPECT_EQ(f.location->line, 2);
    EXPECT_EQ(f.details.at("lock"), "SHARE (pg_locks)");
    EXPECT_EQ(f.details.at("seeded_rows"), "20000");
    EXPECT_EQ(bad.status, "fail");

    auto good = run_gate({{"CREATE INDEX CONCURRENTLY big_tenant_idx ON big (tenant_id);\n"}});
    EXPECT_EQ(rules(good), Rules{});
    EXPECT_EQ(good.status, "pass") << good.summary;

    // The same build on the small table is no risk.
    EXPECT_EQ(rules(run_gate({{"CREATE INDEX small_name_idx ON small (name);\n"}})), Rules{});
}

TEST(MigrationSafety, UniqueConstraintBuildsItsIndexUnderTheLock) {
    auto bad = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ADD CONSTRAINT big_email_key UNIQUE (email);\n"}});
    EXPECT_EQ(rules(bad), Rules{"index-without-concurrently"});
    EXPECT_EQ(only(bad, "index-without-concurrently").details.at("lock"), "ACCESS EXCLUSIVE (pg_locks)");
    auto good = run_gate({{"CREATE UNIQUE INDEX CONCURRENTLY big_email_key ON big (email);\n"},
                          {"SET lock_timeout = '2s';\nALTER TABLE big ADD CONSTRAINT big_email_key UNIQUE USING INDEX big_email_key;\n"}});
    EXPECT_EQ(rules(good), Rules{});
}

TEST(MigrationSafety, SetNotNullNeedsAValidatedCheckFirst) {
    auto bad = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ALTER COLUMN n SET NOT NULL;\n"}});
    EXPECT_EQ(rules(bad), Rules{"set-not-null-without-check"});
    EXPECT_EQ(only(bad, "set-not-null-without-check").location->line, 2);
    auto good = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ADD CONSTRAINT big_n_not_null CHECK (n IS NOT NULL) NOT VALID;\n"},
                          {"ALTER TABLE big VALIDATE CONSTRAINT big_n_not_null;\n"},
                          {"SET lock_timeout = '2s';\nALTER TABLE big ALTER COLUMN n SET NOT NULL;\nALTER TABLE big DROP CONSTRAINT big_n_not_null;\n"}});
    EXPECT_EQ(rules(good), Rules{});
}

TEST(MigrationSafety, ForeignKeysAndChecksAddedNotValidThenValidated) {
    auto bad = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ADD CONSTRAINT big_tenant_fk FOREIGN KEY (tenant_id) REFERENCES small (id);\n"}});
    EXPECT_EQ(rules(bad), Rules{"constraint-without-not-valid"});
    auto bad_check = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ADD CONSTRAINT big_n_positive CHECK (n > 0);\n"}});
    EXPECT_EQ(rules(bad_check), Rules{"constraint-without-not-valid"});
    auto good = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ADD CONSTRAINT big_tenant_fk FOREIGN KEY (tenant_id) REFERENCES small (id) NOT VALID;\n"},
                          {"ALTER TABLE big VALIDATE CONSTRAINT big_tenant_fk;\n"}});
    EXPECT_EQ(rules(good), Rules{});
    // Added NOT VALID and never validated: the chain leaves it unchecked.
    auto forgotten = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ADD CONSTRAINT big_tenant_fk FOREIGN KEY (tenant_id) REFERENCES small (id) NOT VALID;\n"}});
    EXPECT_EQ(rules(forgotten), Rules{"constraint-not-validated"});
    EXPECT_NE(only(forgotten, "constraint-not-validated").message.find("VALIDATE succeeds on the seeded data"), std::string::npos);
    // Left NOT VALID while seeded rows break it: PostgreSQL's own VALIDATE (rolled back) shows them.
    auto broken = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ADD CONSTRAINT big_n_small CHECK (n < 19990) NOT VALID;\n"}});
    const Finding& b = only(broken, "constraint-not-validated");
    EXPECT_NE(b.message.find("does not hold on the seeded data"), std::string::npos) << b.message;
    EXPECT_EQ(b.details.at("offending_count"), "11");  // n = 19990 … 20000
}

TEST(MigrationSafety, RewritesAreMeasuredByRelfilenode) {
    auto type_change = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ALTER COLUMN n TYPE bigint;\n"}});
    EXPECT_EQ(rules(type_change), Rules{"type-change-rewrite"});
    EXPECT_NE(only(type_change, "type-change-rewrite").message.find("n integer → bigint"), std::string::npos)
        << only(type_change, "type-change-rewrite").message;
    auto volatile_default = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ADD COLUMN token uuid DEFAULT gen_random_uuid();\n"}});
    EXPECT_EQ(rules(volatile_default), Rules{"table-rewrite"});
    // Binary-coercible type change and a stable default: no rewrite, only the (announced) lock.
    auto good = run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ALTER COLUMN email TYPE varchar(200);\n"
                           "ALTER TABLE big ADD COLUMN created_at timestamptz DEFAULT now();\n"}});
    EXPECT_EQ(rules(good), Rules{});
    EXPECT_EQ(rules(good, "info"), Rules{"access-exclusive-lock"});  // taken once, held by the transaction
    // The same on a small table: reported for information only.
    EXPECT_EQ(rules(run_gate({{"ALTER TABLE small ALTER COLUMN id TYPE numeric;\n"}}), "info"), Rules{"type-change-rewrite"});
}

TEST(MigrationSafety, AccessExclusiveLockWithoutLockTimeoutWarns) {
    auto bad = run_gate({{"ALTER TABLE big ADD COLUMN note text;\n"}});
    EXPECT_EQ(rules(bad, "warning"), Rules{"access-exclusive-lock"});
    EXPECT_EQ(bad.status, "warn");
    auto good = run_gate({{"SET LOCAL lock_timeout = '2s';\nALTER TABLE big ADD COLUMN note text;\n"}});
    EXPECT_EQ(rules(good, "warning"), Rules{});
    EXPECT_EQ(rules(good, "info"), Rules{"access-exclusive-lock"});
}

TEST(MigrationSafety, EdgesOfRealMigrationFiles) {
    // VACUUM FULL runs outside a transaction: no locks left to read, but the rewrite shows in the relfilenode.
    EXPECT_EQ(rules(run_gate({{"VACUUM FULL big;\n"}})), Rules{"table-rewrite"});
    // The file's own transaction and savepoints run as written inside the measured transaction.
    EXPECT_EQ(rules(run_gate({{"BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE big ADD COLUMN a int;\nSAVEPOINT s1;\n"
                               "ALTER TABLE big ADD COLUMN b int;\nROLLBACK TO SAVEPOINT s1;\nRELEASE SAVEPOINT s1;\nCOMMIT;\n"}})),
              Rules{});
    // A CHECK with OR proves no column NOT NULL: the scan happens.
    EXPECT_EQ(rules(run_gate({{"SET lock_timeout = '2s';\nALTER TABLE big ADD CONSTRAINT either CHECK (n IS NOT NULL OR email IS NOT NULL) NOT VALID;\n"},
                              {"ALTER TABLE big VALIDATE CONSTRAINT either;\n"},
                              {"SET lock_timeout = '2s';\nALTER TABLE big ALTER COLUMN n SET NOT NULL;\n"}})),
              Rules{"set-not-null-without-check"});
    // TRUNCATE empties the table (a new file, not a rewrite): the lost rows are what counts.
    EXPECT_EQ(rules(run_gate({{"SET lock_timeout = '2s';\nTRUNCATE small CASCADE;\n"}})), Rules{"row-count-changed"});
    // lock_timeout = 0 waits forever: it does not count as set.
    EXPECT_EQ(rules(run_gate({{"SET lock_timeout = 0;\nALTER TABLE big ADD COLUMN note text;\n"}}), "warning"), Rules{"access-exclusive-lock"});
}

TEST(MigrationSafety, RowValuesInPostgresDetailsAreWithheld) {
    auto g = run_gate({{"UPDATE big SET password_hash = NULL WHERE id = 7;\n"},
                       {"SET lock_timeout = '2s';\nALTER TABLE big ADD CONSTRAINT big_pw CHECK (password_hash IS NOT NULL) NOT VALID;\n"
                        "UPDATE big SET password_hash = NULL WHERE id = 8;\n"}});
    const Finding& f = only(g, "seeded-upgrade-failed");
    EXPECT_EQ(f.details.at("sqlstate"), "23514");
    EXPECT_EQ(f.details.at("detail"), "Failing row contains (values withheld by pggate)");
    for (const auto& x : g.findings) {
        EXPECT_EQ(x.message.find("pbkdf2"), std::string::npos) << x.message;
        for (const auto& [k, v] : x.details) EXPECT_EQ(v.find("pbkdf2"), std::string::npos) << k << ": " << v;
    }
}

TEST(MigrationSafety, LockModesAreReadAsPgLocksHasThem) {
    Database db = TestServer::shared().create("locks");
    PgConn conn(db.conninfo);
    conn.exec("CREATE TABLE t (id int)");
    unsigned oid = static_cast<unsigned>(std::stoul(conn.exec("SELECT 't'::regclass::oid").get(0, 0)));
    const std::vector<std::string> modes = {"ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
                                            "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
    for (size_t i = 0; i < modes.size(); ++i) {
        conn.exec("BEGIN");
        conn.exec("LOCK TABLE t IN " + modes[i] + " MODE");
        DatabaseState s = read_state(conn);
        std::string in_pg_locks = conn.exec("SELECT mode FROM pg_locks WHERE relation = 't'::regclass AND pid = pg_backend_pid()").get(0, 0);
        conn.exec("ROLLBACK");
        EXPECT_EQ(s.locks[oid], static_cast<int>(i + 1)) << modes[i];
        EXPECT_EQ(lock_rank(in_pg_locks), static_cast<int>(i + 1)) << in_pg_locks;
        EXPECT_EQ(lock_name(s.locks[oid]), modes[i]);
    }
}

TEST(MigrationSafety, SeededUpgradeNamesTheOffendingRowsWithSecretsRedacted) {
    auto g = run_gate({{"UPDATE big SET tenant_id = 1 WHERE tenant_id IS NULL AND id < 10000;\nALTER TABLE big ALTER COLUMN tenant_id SET NOT NULL;\n"}});
    EXPECT_EQ(rules(g), Rules{"seeded-upgrade-failed"});
    const Finding& f = only(g, "seeded-upgrade-failed");
    EXPECT_EQ(f.location->line, 2);
    EXPECT_EQ(f.details.at("sqlstate"), "23502");
    // The backfill earlier in the same migration counts: 20 NULLs seeded (ids 1000…20000), 9 backfilled.
    EXPECT_EQ(f.details.at("offending_count"), "11");
    EXPECT_NE(f.details.at("offending_rows").find("\"id\":10000"), std::string::npos) << f.details.at("offending_rows");
    EXPECT_EQ(f.details.at("offending_rows").find("pbkdf2"), std::string::npos);
    EXPECT_NE(f.details.at("offending_rows").find("\"password_hash\":\"***\""), std::string::npos);
    EXPECT_EQ(f.message.find("pbkdf2"), std::string::npos);
}

TEST(MigrationSafety, EnumConversionWithAnUnknownValue) {
    const std::string convert =
        "SET lock_timeout = '2s';\nCREATE TYPE big_status AS ENUM ('active', 'disabled');\n"
        "ALTER TABLE big ALTER COLUMN status TYPE big_status USING status::big_status;\n";
    auto bad = run_gate({{convert}});
    EXPECT_EQ(rules(bad), Rules{"seeded-upgrade-failed"});
    const Finding& f = only(bad, "seeded-upgrade-failed");
    EXPECT_EQ(f.location->line, 3);
    EXPECT_EQ(f.details.at("offending_rows"), R"({"value":"archived","rows":4})");
    auto good = run_gate({{"SET lock_timeout = '2s';\nCREATE TYPE big_status AS ENUM ('active', 'disabled', 'archived');\n"
                           "ALTER TABLE big ALTER COLUMN status TYPE big_status USING status::big_status;\n"}});
    EXPECT_EQ(rules(good), Rules{"type-change-rewrite"});  // converting rewrites: the gate says so, measured
}

TEST(MigrationSafety, InvariantsAndRowCountsAtHead) {
    const std::string invariants =
        "    invariants:\n"
        "      - {name: no-null-tenant, sql: \"SELECT id FROM big WHERE tenant_id IS NULL\"}\n"
        "      - {name: broken-query, sql: \"SELECT nope FROM big\"}\n";
    auto g = run_gate({{"UPDATE big SET tenant_id = 1 WHERE tenant_id IS NULL AND id < 10000;\n"}}, invariants);
    EXPECT_EQ(rules(g), (Rules{"invariant-error", "invariant-failed"}));
    EXPECT_EQ(only(g, "invariant-failed").details.at("offending_count"), "11");
    auto fixed = run_gate({{"UPDATE big SET tenant_id = 1 WHERE tenant_id IS NULL;\n"}},
                          "    invariants:\n      - {name: no-null-tenant, sql: \"SELECT id FROM big WHERE tenant_id IS NULL\"}\n");
    EXPECT_EQ(rules(fixed), Rules{});

    auto lost = run_gate({{"DELETE FROM big WHERE status = 'archived';\n"}});
    EXPECT_EQ(rules(lost), Rules{"row-count-changed"});
    EXPECT_EQ(only(lost, "row-count-changed").details.at("rows_at_head"), "19996");
    auto declared = run_gate({{"DELETE FROM big WHERE status = 'archived';\n"}},
                             "    row_counts:\n      allow_changes: [{table: public.big, reason: archived users are purged}]\n");
    EXPECT_EQ(rules(declared), Rules{});
    // A rename keeps the table (same oid): its rows are still counted.
    EXPECT_EQ(rules(run_gate({{"ALTER TABLE small RENAME TO tenants;\n"}})), Rules{});
}

TEST(MigrationSafety, FailedConcurrentIndexLeavesAnInvalidIndex) {
    auto g = run_gate({{"CREATE UNIQUE INDEX CONCURRENTLY big_tenant_key ON big (tenant_id);\n"}});
    EXPECT_EQ(rules(g), (Rules{"invalid-index", "seeded-upgrade-failed"}));
    EXPECT_EQ(only(g, "invalid-index").object, "public.big_tenant_key");
    EXPECT_EQ(only(g, "seeded-upgrade-failed").details.at("sqlstate"), "23505");
}

const std::vector<Rev> kReversible = {
    {"CREATE TYPE big_kind AS ENUM ('a', 'b');\nALTER TABLE big ADD COLUMN kind big_kind;\n",
     "ALTER TABLE big DROP COLUMN kind;\nDROP TYPE big_kind;\n"},
    {"CREATE VIEW big_active AS SELECT id, email FROM big WHERE status = 'active';\n", "DROP VIEW big_active;\n"},
};

TEST(MigrationSafety, ReversibilityPerRevisionNamesTheRevision) {
    EXPECT_EQ(rules(run_gate(kReversible, "", "per-revision")), Rules{});
    EXPECT_EQ(rules(run_gate(kReversible, "", "chain")), Rules{});

    auto forgets_type = kReversible;
    forgets_type[0].down = "ALTER TABLE big DROP COLUMN kind;\n";
    auto g = run_gate(forgets_type, "", "per-revision");
    EXPECT_EQ(rules(g), Rules{"down-not-restoring"});
    const Finding& f = only(g, "down-not-restoring");
    EXPECT_EQ(f.object, "revision 0002");
    EXPECT_EQ(f.location->file, "migrations/0002_step.down.sql");
    EXPECT_NE(f.message.find("left behind: type public.big_kind"), std::string::npos) << f.message;
    EXPECT_NE(f.message.find("already exists"), std::string::npos) << f.message;  // applying it again trips over it

    // Chain mode sees the leftover from head down to empty.
    EXPECT_EQ(rules(run_gate(forgets_type, "", "chain")), Rules{"down-leaves-objects"});

    auto no_down = kReversible;
    no_down[1].down = "-";
    auto nd = run_gate(no_down, "", "per-revision");
    EXPECT_EQ(rules(nd), Rules{"irreversible"});
    EXPECT_EQ(only(nd, "irreversible").object, "revision 0003");

    auto failing_down = kReversible;
    failing_down[1].down = "DROP VIEW big_inactive;\n";
    auto fd = run_gate(failing_down, "", "per-revision");
    EXPECT_EQ(rules(fd), Rules{"down-failed"});
    EXPECT_EQ(only(fd, "down-failed").location->file, "migrations/0003_step.down.sql");
}

// 40 revisions and more are walked in two halves on two databases; a broken down step in either half is
// found, and findings keep chain order.
TEST(MigrationSafety, LongChainsWalkedInTwoHalves) {
    std::vector<Rev> revs;
    for (int i = 0; i < 45; ++i) {
        std::string t = "t" + std::to_string(i);
        revs.push_back({"CREATE TABLE " + t + " (id int PRIMARY KEY, big_id bigint REFERENCES big (id));\n", "DROP TABLE " + t + ";\n"});
    }
    EXPECT_EQ(rules(run_gate(revs, "", "per-revision")), Rules{});
    revs[5].down = "ALTER TABLE t5 DROP CONSTRAINT t5_big_id_fkey;\n";  // revision 0007: the table stays
    revs[40].down = "-- nothing\n";                                      // revision 0042: the table stays
    auto g = run_gate(revs, "", "per-revision");
    std::vector<std::string> objects;
    for (const auto& f : g.findings)
        if (f.severity == "error") objects.push_back(f.rule + " " + f.object);
    EXPECT_EQ(objects, (Rules{"migration-safety.down-not-restoring revision 0007", "migration-safety.down-not-restoring revision 0042"}));
    // Each walker stops where applying the broken revision again trips over the table its down step left: the
    // first after 0001…0006 (6 reversed), the second (0024…) after 0024…0041 (18 reversed).
    EXPECT_EQ(g.metrics["revisions_reversed"], 24);
}

}  // namespace
}  // namespace pggate

// ---------------------------------------------------------------------------------------------
// The tenancy scenario through the pggate binary: passes as written; each variant fails with exactly its finding.

namespace pggate {
namespace {

// Alembic chains go up and down through `alembic upgrade <rev>` / `alembic downgrade -1` in one interpreter.
GateResult run_alembic_reversibility(const std::string& broken_revision_file) {
    TempDir dir;
    const std::string dest = dir.path + "/capacity";
    fs::copy(std::string(PGGATE_SOURCE_DIR) + "/scenarios/capacity", dest, fs::copy_options::recursive);
    std::ofstream(dest + "/pggate.yaml") << "project: capacity\nchain:\n  alembic:\n    config: alembic.ini\npaths: [chain]\n"
                                            "gates:\n  migration-safety:\n    reversibility: per-revision\n";
    if (!broken_revision_file.empty()) {  // its downgrade() does nothing
        std::string path = dest + "/migrations/versions/" + broken_revision_file;
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        std::string py = text.str();
        py = py.substr(0, py.find("def downgrade")) + "def downgrade():\n    pass\n";
        std::ofstream(path) << py;
    }
    Config cfg = load_config(dest + "/pggate.yaml");
    std::vector<std::string> problems;
    auto options = parse_migration_safety_section(*cfg.gate_sections.at("migration-safety"), cfg, problems);
    ReplayPlan plan = plan_replay(cfg);
    return run_migration_safety_gate(options, cfg, plan, TestServer::shared().provider());
}

// Findings of the dynamic analyses only (without a seed, the static pass also lints every revision).
std::vector<std::string> measured_rules(const GateResult& g) {
    GateResult dynamic;
    for (const auto& f : g.findings)
        if (!f.details.count("analysis")) dynamic.findings.push_back(f);
    return rules(dynamic);
}

TEST(MigrationSafety, AlembicDowngradeStepByStep) {
    auto good = run_alembic_reversibility("");
    EXPECT_EQ(measured_rules(good), Rules{}) << good.summary;
    EXPECT_EQ(good.metrics["revisions_reversed"], 5);
    auto bad = run_alembic_reversibility("20251224152000_unify_sync_sessions_status_default_and_check.py");
    EXPECT_EQ(measured_rules(bad), Rules{"down-not-restoring"});
    const Finding& f = only(bad, "down-not-restoring");
    EXPECT_EQ(f.object, "revision 20251224152000");
    EXPECT_NE(f.message.find("sync_sessions"), std::string::npos) << f.message;
}

// Alembic revisions are measured too: the driver reads the state after each statement inside the revision's
// transaction; findings point at the op.* call's line in the revision file, partitions fold into their table.
TEST(MigrationSafety, AlembicRevisionsMeasuredPerStatement) {
    TempDir dir;
    const std::string dest = dir.path + "/capacity";
    fs::copy(std::string(PGGATE_SOURCE_DIR) + "/scenarios/capacity", dest, fs::copy_options::recursive);
    std::ofstream(dest + "/pggate.yaml") << "project: capacity\nchain:\n  alembic:\n    config: alembic.ini\npaths: [chain]\n"
                                            "gates:\n  migration-safety:\n    reversibility: \"off\"\n"
                                            "    seed: {at: \"20251219161048\", files: [queries/seed.sql]}\n"
                                            "    large_tables: [public.database_size_stats, public.database_size_aggregations]\n";
    Config cfg = load_config(dest + "/pggate.yaml");
    std::vector<std::string> problems;
    auto options = parse_migration_safety_section(*cfg.gate_sections.at("migration-safety"), cfg, problems);
    ReplayPlan plan = plan_replay(cfg);
    GateResult g = run_migration_safety_gate(options, cfg, plan, TestServer::shared().provider());
    std::vector<std::string> errors;
    for (const auto& f : g.findings)
        if (f.severity == "error")
            errors.push_back(f.rule + " " + f.object + " " + fs::path(f.location->file).filename().string() + ":" + std::to_string(f.location->line));
    std::sort(errors.begin(), errors.end());
    const std::string ts = "20251224134000_convert_aggregation_timestamps_to_timestamptz.py:28";
    const std::string pk = "20251224164000_add_primary_keys_to_partitioned_capacity_tables.py:";
    EXPECT_EQ(errors, (Rules{"migration-safety.index-without-concurrently public.database_size_aggregations " + pk + "24",
                             "migration-safety.index-without-concurrently public.database_size_stats " + pk + "23",
                             "migration-safety.type-change-rewrite public.database_size_aggregations " + ts,
                             "migration-safety.type-change-rewrite public.database_size_aggregations " + ts}));
    EXPECT_GT(g.metrics["measured_statements"], 10);

    // Without a database: the same chain linted from `alembic upgrade --sql`, findings on the revision files.
    TableModel model;
    model.large_globs = options.large_tables;
    std::string note;
    GateResult lint_gate;
    add_chain_lint(lint_gate, lint_chain(cfg, plan, model, note), cfg);
    EXPECT_EQ(note, "");
    std::vector<std::string> lint_errors;
    for (const auto& f : lint_gate.findings)
        if (f.severity == "error" && f.object.find("database_size_") != std::string::npos)
            lint_errors.push_back(f.rule + " " + f.object + " " + fs::path(f.location->file).filename().string());
    std::sort(lint_errors.begin(), lint_errors.end());
    const std::string ts_file = "20251224134000_convert_aggregation_timestamps_to_timestamptz.py";
    const std::string pk_file = "20251224164000_add_primary_keys_to_partitioned_capacity_tables.py";
    EXPECT_EQ(lint_errors, (Rules{"migration-safety.index-without-concurrently public.database_size_aggregations " + pk_file,
                                  "migration-safety.index-without-concurrently public.database_size_stats " + pk_file,
                                  "migration-safety.type-change-rewrite public.database_size_aggregations " + ts_file,
                                  "migration-safety.type-change-rewrite public.database_size_aggregations " + ts_file}));
}

// Branches and a merge: each revision's down step undoes exactly it (b2@-1 with b1 applied; the merge back
// to its parents), and a merge whose down step forgets its column is named.
TEST(MigrationSafety, AlembicBranchesAndMerges) {
    auto run = [](const std::string& merge_down) {
        TempDir dir;
        const std::string cap = std::string(PGGATE_SOURCE_DIR) + "/scenarios/capacity";
        fs::create_directories(dir.path + "/migrations/versions");
        fs::copy_file(cap + "/alembic.ini", dir.path + "/alembic.ini");
        fs::copy_file(cap + "/migrations/env.py", dir.path + "/migrations/env.py");
        auto rev = [&](const std::string& id, const std::string& down, const std::string& up_sql, const std::string& down_sql) {
            dir.write("migrations/versions/" + id + ".py",
                      "\"\"\"" + id + "\"\"\"\nfrom alembic import op\nrevision = '" + id + "'\ndown_revision = " + down +
                          "\nbranch_labels = None\ndepends_on = None\n\ndef upgrade():\n    op.execute(\"" + up_sql +
                          "\")\n\ndef downgrade():\n    op.execute(\"" + down_sql + "\")\n");
        };
        rev("a", "None", "CREATE TABLE t (id int)", "DROP TABLE t");
        rev("b1", "'a'", "ALTER TABLE t ADD COLUMN b1 int", "ALTER TABLE t DROP COLUMN b1");
        rev("b2", "'a'", "ALTER TABLE t ADD COLUMN b2 int", "ALTER TABLE t DROP COLUMN b2");
        rev("m", "('b1', 'b2')", "ALTER TABLE t ADD COLUMN m int", merge_down);
        dir.write("pggate.yaml", "project: branches\nchain:\n  alembic:\n    config: alembic.ini\npaths: [chain]\n"
                                 "gates:\n  migration-safety:\n    reversibility: per-revision\n");
        Config cfg = load_config(dir.path + "/pggate.yaml");
        std::vector<std::string> problems;
        auto options = parse_migration_safety_section(*cfg.gate_sections.at("migration-safety"), cfg, problems);
        ReplayPlan plan = plan_replay(cfg);
        return run_migration_safety_gate(options, cfg, plan, TestServer::shared().provider());
    };
    auto good = run("ALTER TABLE t DROP COLUMN m");
    EXPECT_EQ(measured_rules(good), Rules{}) << good.summary;
    EXPECT_EQ(good.metrics["revisions_reversed"], 4);
    auto bad = run("SELECT 1");
    EXPECT_EQ(measured_rules(bad), Rules{"down-not-restoring"});
    EXPECT_EQ(only(bad, "down-not-restoring").object, "revision m");
    EXPECT_EQ(fs::path(only(bad, "down-not-restoring").location->file).filename(), "m.py");
}

struct ScenarioRun {
    int exit_code;
    nlohmann::json report;
};

ScenarioRun run_tenancy(const std::string& variant) {
    TempDir dir;
    const std::string src = std::string(PGGATE_SOURCE_DIR) + "/scenarios/tenancy";
    const std::string dest = dir.path + "/tenancy";
    fs::copy(src, dest, fs::copy_options::recursive);
    fs::remove_all(dest + "/.pggate");
    if (!variant.empty()) fs::copy(src + "/variants/" + variant, dest, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    ProcessSpec p;
    p.argv = {PGGATE_BIN, "run", "--config", dest + "/pggate.yaml", "--report-dir", dir.path + "/report"};
    p.timeout = std::chrono::seconds(300);
    ProcessResult r = run_process(p);
    std::ifstream in(dir.path + "/report/report.json");
    std::stringstream text;
    text << in.rdbuf();
    auto problems = validate_report(text.str());
    EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems.front());
    return {r.exit_code, nlohmann::json::parse(text.str())};
}

// Error findings of the migration-safety gate as "rule file:line".
std::vector<std::string> errors_of(const nlohmann::json& report) {
    std::vector<std::string> out;
    for (const auto& g : report["gates"]) {
        if (g["id"] != "migration-safety") continue;
        for (const auto& f : g["findings"])
            if (f["severity"] == "error")
                out.push_back(f["rule"].get<std::string>() + " " + f["location"]["file"].get<std::string>() +
                              (f["location"].value("line", 0) ? ":" + std::to_string(f["location"].value("line", 0)) : ""));
    }
    return out;
}

// The static half before a release, no database: `pggate lint --config` and `pggate preflight --env prod`.
TEST(TenancyScenario, StaticPassWithoutADatabase) {
    for (const std::string& variant : {std::string(""), std::string("index-without-concurrently")}) {
        TempDir dir;
        const std::string src = std::string(PGGATE_SOURCE_DIR) + "/scenarios/tenancy";
        const std::string dest = dir.path + "/tenancy";
        fs::copy(src, dest, fs::copy_options::recursive);
        if (!variant.empty()) fs::copy(src + "/variants/" + variant, dest, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        ProcessSpec lint;
        lint.argv = {PGGATE_BIN, "lint", "--config", dest + "/pggate.yaml", "--format", "json"};
        ProcessResult r = run_process(lint);
        EXPECT_EQ(r.exit_code, variant.empty() ? 0 : 1) << r.out;
        auto report = nlohmann::json::parse(r.out);
        std::vector<std::string> errors;
        for (const auto& g : report["gates"])
            for (const auto& f : g["findings"])
                if (f["severity"] == "error")
                    errors.push_back(f["rule"].get<std::string>() + " " + f["location"]["file"].get<std::string>() + ":" +
                                     std::to_string(f["location"]["line"].get<int>()));
        EXPECT_EQ(errors, variant.empty() ? Rules{} : Rules{"migration-safety.index-without-concurrently migrations/0004_index_tenant_id.up.sql:7"});
        ProcessSpec preflight;
        preflight.argv = {PGGATE_BIN, "preflight", "--env", "prod", "--config", dest + "/pggate.yaml", "--report-dir", dir.path + "/report"};
        EXPECT_EQ(run_process(preflight).exit_code, variant.empty() ? 0 : 1) << variant;
    }
}

TEST(TenancyScenario, PassesAsWritten) {
    auto run = run_tenancy("");
    EXPECT_EQ(run.exit_code, 0);
    EXPECT_EQ(errors_of(run.report), Rules{});
    for (const auto& g : run.report["gates"]) {
        EXPECT_EQ(g["status"], "pass") << g["id"] << ": " << g["summary"];
        if (g["id"] == "migration-safety") {
            EXPECT_EQ(g["metrics"]["revisions_reversed"], 11);
            EXPECT_GT(g["metrics"]["measured_statements"], 40);
        }
    }
}

TEST(TenancyScenario, EachVariantFailsWithExactlyItsFinding) {
    const std::vector<std::pair<std::string, std::string>> variants = {
        {"irreversible-down", "migration-safety.down-not-restoring migrations/0009_tenant_scoped_unique_email.down.sql"},
        {"backfill-misses-rows", "migration-safety.seeded-upgrade-failed migrations/0007_validate_tenant_constraints.up.sql:8"},
        {"enum-unknown-value", "migration-safety.seeded-upgrade-failed migrations/0010_status_enums.up.sql:11"},
        {"index-without-concurrently", "migration-safety.index-without-concurrently migrations/0004_index_tenant_id.up.sql:7"},
    };
    for (const auto& [variant, expected] : variants) {
        auto run = run_tenancy(variant);
        EXPECT_EQ(run.exit_code, 1) << variant;
        EXPECT_EQ(errors_of(run.report), Rules{expected}) << variant;
        for (const auto& g : run.report["gates"])  // the other gates still pass: only the migration is unsafe
            if (g["id"] != "migration-safety") EXPECT_EQ(g["status"], "pass") << variant << " " << g["id"];
    }
}

}  // namespace
}  // namespace pggate
