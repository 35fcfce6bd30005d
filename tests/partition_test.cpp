// Partition pruning against a real PostgreSQL: harness/explain.h on range, list, hash, multi-level and
// default partitions, executor-start pruning of generic plans, run-time pruning with ANALYZE (rolled
// back), and the partition-pruning gate on the capacity scenarios (broken queries fail, fixed ones pass).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "gates/partition-pruning/partition_pruning_gate.h"
#include "harness/explain.h"
#include "harness/config.h"
#include "harness/pg.h"
#include "harness/replay.h"
#include "tests/support/test_server.h"

namespace pggate {
namespace {

using testing::TestServer;

const char* kSchema = R"SQL(
CREATE TABLE r (k int, v int, note text) PARTITION BY RANGE (k);
CREATE TABLE r1 PARTITION OF r FOR VALUES FROM (0) TO (10);
CREATE TABLE r2 PARTITION OF r FOR VALUES FROM (10) TO (20);
CREATE TABLE r3 PARTITION OF r FOR VALUES FROM (20) TO (30) PARTITION BY LIST (v);
CREATE TABLE r3a PARTITION OF r3 FOR VALUES IN (1);
CREATE TABLE r3b PARTITION OF r3 FOR VALUES IN (2);
CREATE TABLE r3d PARTITION OF r3 DEFAULT;
CREATE TABLE rd PARTITION OF r DEFAULT;
INSERT INTO r SELECT g % 40, g % 3, 'n' FROM generate_series(1, 4000) g;
CREATE TABLE l (region text, id int) PARTITION BY LIST (region);
CREATE TABLE l_eu PARTITION OF l FOR VALUES IN ('eu');
CREATE TABLE l_us PARTITION OF l FOR VALUES IN ('us');
CREATE TABLE l_ap PARTITION OF l FOR VALUES IN ('ap', 'cn');
INSERT INTO l SELECT (ARRAY['eu','us','ap','cn'])[1 + g % 4], g FROM generate_series(1, 2000) g;
CREATE SCHEMA other;
CREATE TABLE other.h (id int, payload text) PARTITION BY HASH (id);
CREATE TABLE other.h0 PARTITION OF other.h FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE other.h1 PARTITION OF other.h FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE other.h2 PARTITION OF other.h FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE other.h3 PARTITION OF other.h FOR VALUES WITH (MODULUS 4, REMAINDER 3);
INSERT INTO other.h SELECT g, 'p' FROM generate_series(1, 2000) g;
CREATE TABLE plain (id int);
ANALYZE;
)SQL";

class Explain : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        db_ = new Database(TestServer::shared().create("part"));
        TestServer::shared().exec(*db_, kSchema);
    }
    static void TearDownTestSuite() { delete db_; }
    PruningReport run(const std::string& sql, const std::vector<std::string>& tables = {}, const std::vector<std::string>& params = {},
                      bool generic = false, bool analyze = false) {
        PgConn c(db_->conninfo);
        ExplainOptions o;
        o.tables = tables;
        o.generic_plan = generic;
        o.analyze = analyze;
        return explain_partitions(c, sql, params, o);
    }
    static const TablePruning& table(const PruningReport& r, const std::string& name) {
        for (const auto& t : r.tables)
            if (t.table == name) return t;
        throw std::runtime_error("no " + name + " in report:\n" + pruning_report_json(r));
    }
    static Database* db_;
};
Database* Explain::db_ = nullptr;

TEST_F(Explain, CatalogCountsLeavesThroughLevels) {
    PgConn c(db_->conninfo);
    PartitionCatalog cat = load_partition_catalog(c);
    ASSERT_NE(cat.find("public.r"), nullptr);
    EXPECT_EQ(cat.find("public.r")->leaves.size(), 6u);
    EXPECT_EQ(cat.find("public.r")->partition_key, "RANGE (k)");
    EXPECT_EQ(cat.find("public.r3")->leaves.size(), 3u);
    EXPECT_FALSE(cat.find("public.r3")->is_root);
    EXPECT_EQ(cat.find("other.h")->leaves.size(), 4u);
    EXPECT_EQ(cat.find("public.plain"), nullptr);
}

TEST_F(Explain, RangeSingleSurvivingPartitionAndFullScan) {
    auto r = run("SELECT * FROM r AS x WHERE k = 5", {"r"});
    EXPECT_EQ(table(r, "public.r").partitions_scanned, 1);
    EXPECT_EQ(table(r, "public.r").scanned, std::vector<std::string>{"public.r1"});
    EXPECT_EQ(table(r, "public.r").partitions_total, 6);
    auto all = run("SELECT count(*) FROM r WHERE note = 'n'", {"public.r"});
    EXPECT_EQ(table(all, "public.r").partitions_scanned, 6);
}

TEST_F(Explain, MultiLevelAndDefaultPartitions) {
    auto r = run("SELECT * FROM r WHERE k >= 20 ORDER BY k", {"public.r", "public.r3"});
    EXPECT_EQ(table(r, "public.r").scanned, (std::vector<std::string>{"public.r3a", "public.r3b", "public.r3d", "public.rd"}));
    EXPECT_EQ(table(r, "public.r3").partitions_scanned, 3);
    EXPECT_EQ(table(r, "public.r3").partitions_total, 3);
    auto one = run("SELECT * FROM r WHERE k = 25 AND v = 1", {"public.r"});
    EXPECT_EQ(table(one, "public.r").scanned, std::vector<std::string>{"public.r3a"});
    auto dflt = run("SELECT * FROM r WHERE k = 35", {"public.r"});
    EXPECT_EQ(table(dflt, "public.r").scanned, std::vector<std::string>{"public.rd"});
}

TEST_F(Explain, AllPrunedKeepsDeclaredTableWithZero) {
    auto r = run("SELECT * FROM r WHERE k = 5 AND k = 6", {"public.r"});
    EXPECT_TRUE(r.one_time_false);
    EXPECT_FALSE(table(r, "public.r").in_plan);
    EXPECT_EQ(table(r, "public.r").partitions_scanned, 0);
    EXPECT_EQ(table(r, "public.r").partitions_total, 6);
}

TEST_F(Explain, ListAndHash) {
    auto l = run("SELECT * FROM l WHERE region IN ('eu', 'cn')", {"l"});
    EXPECT_EQ(table(l, "public.l").scanned, (std::vector<std::string>{"public.l_ap", "public.l_eu"}));
    auto h = run("SELECT * FROM other.h WHERE id = 42", {"other.h"});
    EXPECT_EQ(table(h, "other.h").partitions_scanned, 1);
    EXPECT_EQ(table(h, "other.h").partitions_total, 4);
    auto hall = run("SELECT * FROM other.h WHERE payload = 'p'", {"other.h"});
    EXPECT_EQ(table(hall, "other.h").partitions_scanned, 4);
}

TEST_F(Explain, JoinCteSubqueryAndUndeclaredRoots) {
    auto r = run("WITH recent AS (SELECT * FROM r WHERE k >= 0 AND k < 10) "
                 "SELECT * FROM recent JOIN (SELECT * FROM other.h WHERE id IN (1, 2)) s ON s.id = recent.k "
                 "JOIN plain p ON p.id = s.id",
                 {"public.r"});
    EXPECT_EQ(table(r, "public.r").scanned, std::vector<std::string>{"public.r1"});
    EXPECT_FALSE(table(r, "other.h").declared);
    EXPECT_GE(table(r, "other.h").partitions_scanned, 1);
    EXPECT_LE(table(r, "other.h").partitions_scanned, 2);
}

TEST_F(Explain, UpdateAndDeleteCountScans) {
    auto u = run("UPDATE r SET note = 'x' WHERE k IN (5, 15)", {"public.r"});
    EXPECT_EQ(table(u, "public.r").scanned, (std::vector<std::string>{"public.r1", "public.r2"}));
    auto d = run("DELETE FROM r WHERE k = 15", {"public.r"});
    EXPECT_EQ(table(d, "public.r").scanned, std::vector<std::string>{"public.r2"});
}

TEST_F(Explain, GenericPlanShowsExecutorStartPruning) {
    auto g = run("SELECT * FROM r WHERE k = $1", {"public.r"}, {"15"}, true);
    EXPECT_TRUE(g.generic_plan);
    EXPECT_GT(g.subplans_removed, 0) << g.plan_json;
    EXPECT_EQ(table(g, "public.r").scanned, std::vector<std::string>{"public.r2"});
    auto custom = run("SELECT * FROM r WHERE k = $1", {"public.r"}, {"15"}, false);
    EXPECT_EQ(custom.subplans_removed, 0);
    EXPECT_EQ(table(custom, "public.r").scanned, std::vector<std::string>{"public.r2"});
    // The statement was deallocated: the same analysis runs again on the same connection.
    PgConn c(db_->conninfo);
    ExplainOptions o;
    o.generic_plan = true;
    explain_partitions(c, "SELECT 1 FROM r WHERE k = $1", {"1"}, o);
    EXPECT_NO_THROW(explain_partitions(c, "SELECT 1 FROM r WHERE k = $1", {"1"}, o));
    EXPECT_EQ(c.exec("SELECT count(*) FROM pg_prepared_statements").get(0, 0), "0");
}

TEST_F(Explain, AnalyzeRunTimePruningIsRolledBack) {
    PgConn c(db_->conninfo);
    std::string before = c.exec("SELECT count(*) FROM r").get(0, 0);
    auto a = run("DELETE FROM r WHERE k = (SELECT 15)", {"public.r"}, {}, false, true);
    EXPECT_TRUE(a.analyzed);
    EXPECT_EQ(table(a, "public.r").scanned, std::vector<std::string>{"public.r2"}) << a.plan_json;
    EXPECT_EQ(table(a, "public.r").not_executed.size(), 5u);
    EXPECT_EQ(c.exec("SELECT count(*) FROM r").get(0, 0), before);
    // Without ANALYZE the same plan holds every partition: pruning happens only at run time.
    auto p = run("DELETE FROM r WHERE k = (SELECT 15)", {"public.r"});
    EXPECT_EQ(table(p, "public.r").partitions_scanned, 6);
}

TEST_F(Explain, ErrorsAreReported) {
    EXPECT_THROW(run("SELECT 1", {"public.nosuch"}), std::runtime_error);
    EXPECT_THROW(run("SELECT 1", {"public.plain"}), std::runtime_error);
    EXPECT_THROW(run("SELECT nosuchcol FROM r", {"public.r"}), PgError);
    // The connection stays usable after a failure.
    PgConn c(db_->conninfo);
    EXPECT_THROW(explain_partitions(c, "SELECT nosuchcol FROM r WHERE k = $1", {"1"}, ExplainOptions{true, false, {}}), PgError);
    EXPECT_NO_THROW(explain_partitions(c, "SELECT * FROM r WHERE k = $1", {"1"}, ExplainOptions{true, false, {}}));
}

TEST_F(Explain, CommandPrintsJson) {
    ::testing::internal::CaptureStdout();
    int rc = explain_command(db_->conninfo, "SELECT * FROM l WHERE region = 'us'", {}, {"l"}, "json", false, false);
    std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0);
    EXPECT_NE(out.find("\"table\": \"public.l\""), std::string::npos) << out;
    EXPECT_NE(out.find("\"partitions_scanned\": 1"), std::string::npos) << out;
    EXPECT_NE(out.find("\"partitions_total\": 3"), std::string::npos) << out;
    EXPECT_NE(out.find("public.l_us"), std::string::npos) << out;
    ::testing::internal::CaptureStdout();
    rc = explain_command(db_->conninfo, "SELECT * FROM l WHERE region = $1", {"eu"}, {}, "text", true, false);
    out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0);
    EXPECT_NE(out.find("1/3"), std::string::npos) << out;
    ::testing::internal::CaptureStderr();
    EXPECT_EQ(explain_command(db_->conninfo, "SELECT nosuchcol", {}, {}, "text", false, false), 2);
    ::testing::internal::GetCapturedStderr();
}

// ---- the gate on the capacity scenarios ----

const std::string kScenarios = std::string(PGGATE_SOURCE_DIR) + "/scenarios/";

// The sections documented for scenarios/capacity{,-fixed}/pggate.yaml (keep in sync with the README).
const char* kBrokenSection = R"YAML(
database: chain
seed: queries/seed.sql
queries:
  - name: ledger-latest-size
    file: queries/ledger_latest.sql
    table: public.database_size_stats
    max_partitions: 4
  - name: instance-latest-sizes
    file: queries/instance_latest_sizes.sql
    params: ['1']
    table: public.database_size_stats
    max_partitions: 4
  - name: aggregations-by-period
    file: queries/aggregations_by_period_end.sql
    params: [weekly, '2026-06-01', '2026-06-30']
    table: public.database_size_aggregations
    max_partitions: 4
)YAML";

const char* kFixedSection = R"YAML(
database: chain
seed: queries/seed.sql
queries:
  - name: ledger-latest-size
    file: queries/ledger_latest.sql
    params: ['2026-06-30']
    table: public.database_size_stats
    max_partitions: 4
  - name: instance-latest-sizes
    file: queries/instance_latest_sizes.sql
    params: ['1', '2026-06-30']
    table: public.database_size_stats
    max_partitions: 4
    generic_plan: true
  - name: aggregations-by-period
    file: queries/aggregations_by_period_start.sql
    params: [weekly, '2026-06-01', '2026-06-30']
    table: public.database_size_aggregations
    max_partitions: 4
)YAML";

std::string read_file(const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The gate on the scenario's `path` database: "init" (the init script applied) or "chain" (the Alembic
// chain replayed, as `database: chain` selects in pggate run).
GateResult gate_on(const std::string& scenario, const char* section_yaml, const std::string& path) {
    std::string dir = kScenarios + scenario;
    std::vector<std::string> problems;
    PruningOptions o = parse_partition_pruning_section(YAML::Load(section_yaml), dir + "/pggate.yaml", dir, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    Database db = TestServer::shared().create("cap");
    if (path == "init") {
        TestServer::shared().exec(db, read_file(dir + "/sql/init_postgresql.sql"));
    } else {
        Config cfg = load_config(dir + "/pggate.yaml");
        ReplayPlan plan = plan_replay(cfg);
        PathResult r = replay_path(path, db, cfg, plan, [](const std::string&, const ReplayStep&) {});
        EXPECT_TRUE(r.ok) << scenario << " " << path << " did not replay";
    }
    return run_partition_pruning_gate(o, db.conninfo);
}

const Finding* finding_for(const GateResult& g, const std::string& rule, const std::string& query) {
    for (const auto& f : g.findings)
        if (f.rule == rule && f.object.rfind(query + " ", 0) == 0) return &f;
    return nullptr;
}

class CapacityGate : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Paths, CapacityGate, ::testing::Values("init", "chain"));

TEST_P(CapacityGate, BrokenCapacityQueriesFail) {
    GateResult g = gate_on("capacity", kBrokenSection, GetParam());
    EXPECT_EQ(g.status, "fail") << g.summary;
    for (const char* q : {"ledger-latest-size", "instance-latest-sizes", "aggregations-by-period"}) {
        const Finding* f = finding_for(g, "partition-pruning.too-many-partitions", q);
        ASSERT_NE(f, nullptr) << q;
        EXPECT_NE(f->message.find("24/24"), std::string::npos) << f->message;
        ASSERT_TRUE(f->location.has_value());
        EXPECT_GT(f->location->line, 1);  // the statement, after the header comment
        EXPECT_EQ(f->details.at("partitions_total"), "24");
    }
    const Finding* agg = finding_for(g, "partition-pruning.too-many-partitions", "aggregations-by-period");
    EXPECT_EQ(agg->location->file, "queries/aggregations_by_period_end.sql");
    EXPECT_NE(agg->message.find("RANGE (period_start)"), std::string::npos) << agg->message;
    EXPECT_NE(agg->message.find("database_size_aggregations_2025_01"), std::string::npos) << agg->message;
    EXPECT_EQ(g.metrics.at("ledger-latest-size.public.database_size_stats.partitions_scanned"), 24);
}

TEST_P(CapacityGate, FixedCapacityQueriesPass) {
    GateResult g = gate_on("capacity-fixed", kFixedSection, GetParam());
    EXPECT_EQ(g.status, "pass") << g.summary << (g.findings.empty() ? "" : "\n" + g.findings.front().message);
    EXPECT_EQ(g.metrics.at("ledger-latest-size.public.database_size_stats.partitions_scanned"), 3);
    EXPECT_EQ(g.metrics.at("instance-latest-sizes.public.database_size_stats.partitions_scanned"), 3);
    EXPECT_EQ(g.metrics.at("aggregations-by-period.public.database_size_aggregations.partitions_scanned"), 4);
    EXPECT_EQ(g.metrics.at("ledger-latest-size.public.database_size_stats.partitions_total"), 24);
}

TEST(PruningGate, QueryErrorsAndUnknownTablesAreErrors) {
    std::vector<std::string> problems;
    PruningOptions o = parse_partition_pruning_section(YAML::Load(R"YAML(
queries:
  - {name: bad-sql, sql: "SELECT nosuchcol FROM r", table: r, max_partitions: 1}
  - {name: not-partitioned, sql: "SELECT * FROM plain", table: plain, max_partitions: 1}
  - {name: ok, sql: "SELECT * FROM r WHERE k = 5", table: r, max_share: 0.2}
  - {name: vanished, sql: "SELECT * FROM r WHERE k = 5 AND k = 6", table: r, max_partitions: 0}
)YAML"), "pggate.yaml", "", problems);
    ASSERT_TRUE(problems.empty()) << problems.front();
    Database db = TestServer::shared().create("gate");
    TestServer::shared().exec(db, kSchema);
    GateResult g = run_partition_pruning_gate(o, db.conninfo);
    EXPECT_EQ(g.status, "error");
    ASSERT_NE(finding_for(g, "partition-pruning.table-not-in-plan", "vanished"), nullptr);
    int failed = 0, not_partitioned = 0, over = 0;
    for (const auto& f : g.findings) {
        failed += f.rule == "partition-pruning.query-failed";
        not_partitioned += f.rule == "partition-pruning.table-not-partitioned";
        over += f.rule == "partition-pruning.too-many-partitions";
    }
    EXPECT_EQ(failed, 1);
    EXPECT_EQ(not_partitioned, 1);
    EXPECT_EQ(over, 0);
    EXPECT_EQ(g.metrics.at("ok.public.r.partitions_scanned"), 1);
}

TEST(PruningGate, ShareBudgetAndSeedFailure) {
    Database db = TestServer::shared().create("gate");
    TestServer::shared().exec(db, kSchema);
    testing::TempDir dir;
    dir.write("bad_seed.sql", "-- comment\nINSERT INTO r VALUES (1, 1, 'a');\nINSERT INTO nosuch VALUES (1);\n");
    std::vector<std::string> problems;
    PruningOptions o = parse_partition_pruning_section(
        YAML::Load("queries: [{name: all, sql: \"SELECT * FROM r\", table: r, max_share: 0.5}]"), "pggate.yaml", dir.path, problems);
    ASSERT_TRUE(problems.empty());
    GateResult g = run_partition_pruning_gate(o, db.conninfo);
    EXPECT_EQ(g.status, "fail");
    ASSERT_EQ(g.findings.size(), 1u);
    EXPECT_NE(g.findings[0].message.find("6/6"), std::string::npos) << g.findings[0].message;
    EXPECT_NE(g.findings[0].message.find("at most 50% (3)"), std::string::npos) << g.findings[0].message;
    o.seed_file = "bad_seed.sql";
    g = run_partition_pruning_gate(o, db.conninfo);
    EXPECT_EQ(g.status, "error");
    ASSERT_EQ(g.findings.size(), 1u);
    EXPECT_EQ(g.findings[0].rule, "partition-pruning.seed-failed");
    EXPECT_EQ(g.findings[0].location->line, 3);
}

TEST(PruningGate, SectionProblemsPointAtTheYaml) {
    testing::TempDir dir;
    dir.write("two.sql", "SELECT 1; SELECT 2;");
    std::vector<std::string> problems;
    parse_partition_pruning_section(YAML::Load(R"YAML(
seed: missing.sql
colour: red
queries:
  - name: a
    file: two.sql
    table: r
  - name: a
    sql: SELECT 1
    max_share: 2
)YAML"), "pggate.yaml", dir.path, problems);
    std::string all;
    for (const auto& p : problems) all += p + "\n";
    EXPECT_NE(all.find("pggate.yaml:2:7: gates.partition-pruning.seed 'missing.sql' does not exist"), std::string::npos) << all;
    EXPECT_NE(all.find("unknown key 'colour'"), std::string::npos) << all;
    EXPECT_NE(all.find("exactly one statement (it holds 2)"), std::string::npos) << all;
    EXPECT_NE(all.find("needs 'max_partitions' or 'max_share'"), std::string::npos) << all;
    EXPECT_NE(all.find("used twice"), std::string::npos) << all;
    EXPECT_NE(all.find("max_share must be a number in (0, 1]"), std::string::npos) << all;
    EXPECT_NE(all.find("needs 'table'"), std::string::npos) << all;
}

}  // namespace
}  // namespace pggate
