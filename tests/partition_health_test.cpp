// The partition-health gate against a real PostgreSQL: each rule fails on a broken schema and passes
// once it is fixed; and the memory scenario (seed 001, Phase B): its schema is healthy, and its queries
// through the partition-pruning gate fail only because of the query that forgets scope_key.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gates/partition-health/partition_health_gate.h"
#include "gates/partition-pruning/partition_pruning_gate.h"
#include "harness/pg.h"
#include "tests/support/test_server.h"

namespace fs = std::filesystem;

namespace pggate {
namespace {

using testing::TestServer;

std::string all_messages(const GateResult& g) {
    std::string s = g.status + ": " + g.summary + "\n";
    for (const auto& f : g.findings) s += "  " + f.rule + " [" + f.object + "] " + f.message + "\n";
    return s;
}

std::vector<const Finding*> with_rule(const GateResult& g, const std::string& rule) {
    std::vector<const Finding*> out;
    for (const auto& f : g.findings)
        if (f.rule == rule) out.push_back(&f);
    return out;
}

PartitionHealthOptions opts(const std::string& yaml) {
    std::vector<std::string> problems;
    PartitionHealthOptions o = parse_partition_health_section(YAML::Load(yaml), "pggate.yaml", "", problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    return o;
}

struct Db {
    Database db;
    explicit Db(const std::string& sql) : db(TestServer::shared().create("health")) { TestServer::shared().exec(db, sql); }
    void exec(const std::string& sql) { TestServer::shared().exec(db, sql); }
    GateResult gate(const std::string& yaml) { return run_partition_health_gate(opts(yaml), db.conninfo); }
};

TEST(PartitionHealth, FutureRangePartitionsMissingForTheHorizon) {
    Db d(R"SQL(
CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2026_01 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE events_2026_02 PARTITION OF events FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE events_2026_03 PARTITION OF events FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
CREATE TABLE events_default PARTITION OF events DEFAULT;
)SQL");
    GateResult g = d.gate("{today: '2026-02-10', horizon_months: 3}");
    EXPECT_EQ(g.status, "fail") << all_messages(g);
    auto f = with_rule(g, "partition-health.future-partition-missing");
    ASSERT_EQ(f.size(), 1u) << all_messages(g);
    EXPECT_EQ(f[0]->object, "public.events");
    EXPECT_EQ(f[0]->details.at("missing_months"), "2026-04,2026-05");
    EXPECT_NE(f[0]->message.find("default partition"), std::string::npos) << f[0]->message;
    EXPECT_EQ(d.gate("{today: '2026-02-10', horizon_months: 1}").status, "pass");
    EXPECT_EQ(d.gate("{today: '2026-02-10', horizon_months: -1}").status, "pass");
    // Daily partitions for April and a monthly one for May cover the horizon as well.
    std::string days;
    for (int day = 1; day <= 30; ++day) {
        char b[200];
        std::snprintf(b, sizeof b, "CREATE TABLE events_2026_04_%02d PARTITION OF events FOR VALUES FROM ('2026-04-%02d') TO (DATE '2026-04-%02d' + 1);\n", day, day, day);
        days += b;
    }
    d.exec(days + "CREATE TABLE events_2026_05 PARTITION OF events FOR VALUES FROM ('2026-05-01') TO ('2026-06-01');");
    GateResult ok = d.gate("{today: '2026-02-10', horizon_months: 3}");
    EXPECT_EQ(ok.status, "pass") << all_messages(ok);
    EXPECT_EQ(ok.metrics.at("leaf_partitions"), 35);
}

TEST(PartitionHealth, TimestamptzHorizonWithoutDefault) {
    Db d(R"SQL(
CREATE TABLE log (at timestamptz NOT NULL, msg text) PARTITION BY RANGE (at);
CREATE TABLE log_2026_06 PARTITION OF log FOR VALUES FROM ('2026-06-01 00:00:00+00') TO ('2026-07-01 00:00:00+00');
)SQL");
    GateResult g = d.gate("{today: '2026-06-30', horizon_months: 2}");
    auto f = with_rule(g, "partition-health.future-partition-missing");
    ASSERT_EQ(f.size(), 1u) << all_messages(g);
    EXPECT_EQ(f[0]->details.at("missing_months"), "2026-07,2026-08");
    EXPECT_NE(f[0]->message.find("no partition of relation found for row"), std::string::npos);
    d.exec("CREATE TABLE log_rest PARTITION OF log FOR VALUES FROM ('2026-07-01 00:00:00+00') TO (MAXVALUE);");
    EXPECT_EQ(d.gate("{today: '2026-06-30', horizon_months: 2}").status, "pass");
}

TEST(PartitionHealth, DefaultPartitionMustBeEmpty) {
    Db d(R"SQL(
CREATE TABLE m (k int NOT NULL, v text) PARTITION BY RANGE (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (100);
CREATE TABLE m_default PARTITION OF m DEFAULT;
CREATE TABLE l (region text NOT NULL) PARTITION BY LIST (region);
CREATE TABLE l_eu PARTITION OF l FOR VALUES IN ('eu');
CREATE TABLE l_other PARTITION OF l DEFAULT PARTITION BY LIST (region);
CREATE TABLE l_other_us PARTITION OF l_other FOR VALUES IN ('us');
INSERT INTO m VALUES (5, 'in range'), (150, 'outside');
INSERT INTO l VALUES ('eu'), ('us');
)SQL");
    GateResult g = d.gate("{horizon_months: -1}");
    EXPECT_EQ(g.status, "fail") << all_messages(g);
    auto f = with_rule(g, "partition-health.default-not-empty");
    ASSERT_EQ(f.size(), 2u) << all_messages(g);
    EXPECT_EQ(f[0]->object, "public.l_other");  // a partitioned default: its leaves hold rows
    EXPECT_EQ(f[1]->object, "public.m_default");
    EXPECT_EQ(f[1]->details.at("table"), "public.m");
    EXPECT_EQ(d.gate("{horizon_months: -1, default_empty: false}").status, "pass");
    EXPECT_EQ(d.gate("{horizon_months: -1, tables: [m]}").findings.size(), 1u);
    // The fix: move the rows to a partition that covers them.
    d.exec("BEGIN; ALTER TABLE m DETACH PARTITION m_default; CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (100) TO (200); "
           "INSERT INTO m SELECT * FROM m_default; TRUNCATE m_default; ALTER TABLE m ATTACH PARTITION m_default DEFAULT; "
           "DELETE FROM l WHERE region = 'us'; COMMIT;");
    GateResult ok = d.gate("{horizon_months: -1}");
    EXPECT_EQ(ok.status, "pass") << all_messages(ok);
}

TEST(PartitionHealth, EveryPartitionCarriesTheParentsIndexes) {
    Db d(R"SQL(
CREATE TABLE t (tenant int NOT NULL, id bigint NOT NULL, at date) PARTITION BY LIST (tenant);
CREATE TABLE t1 PARTITION OF t FOR VALUES IN (1);
CREATE TABLE t2 PARTITION OF t FOR VALUES IN (2) PARTITION BY RANGE (id);
CREATE TABLE t2a PARTITION OF t2 FOR VALUES FROM (0) TO (1000);
CREATE TABLE t2b PARTITION OF t2 FOR VALUES FROM (1000) TO (2000);
CREATE INDEX t_at_idx ON t (at);
-- ON ONLY: the parent's index is created alone (INVALID) and must be attached partition by partition.
CREATE INDEX t_id_idx ON ONLY t (tenant, id);
CREATE INDEX t1_id_idx ON t1 (tenant, id);
ALTER INDEX t_id_idx ATTACH PARTITION t1_id_idx;
CREATE INDEX t2_id_idx ON ONLY t2 (tenant, id);
ALTER INDEX t_id_idx ATTACH PARTITION t2_id_idx;
CREATE INDEX t2a_id_idx ON t2a (tenant, id);
ALTER INDEX t2_id_idx ATTACH PARTITION t2a_id_idx;
-- t2b has an equivalent index that was never attached: still a mismatch.
CREATE INDEX t2b_id_idx ON t2b (tenant, id);
)SQL");
    GateResult g = d.gate("{}");
    EXPECT_EQ(g.status, "fail") << all_messages(g);
    auto f = with_rule(g, "partition-health.index-missing-on-partition");
    ASSERT_EQ(f.size(), 1u) << all_messages(g);
    EXPECT_EQ(f[0]->details.at("partition"), "public.t2b");
    EXPECT_EQ(f[0]->details.at("index"), "public.t2_id_idx");
    EXPECT_NE(f[0]->message.find("INVALID"), std::string::npos) << f[0]->message;
    EXPECT_NE(f[0]->message.find("ATTACH PARTITION"), std::string::npos);
    d.exec("ALTER INDEX t2_id_idx ATTACH PARTITION t2b_id_idx;");
    GateResult ok = d.gate("{}");
    EXPECT_EQ(ok.status, "pass") << all_messages(ok);
    EXPECT_EQ(ok.metrics.at("partitioned_tables"), 2);
}

TEST(PartitionHealth, RangeGapsBetweenConsecutivePartitions) {
    Db d(R"SQL(
CREATE TABLE r (k int NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE r_low PARTITION OF r FOR VALUES FROM (MINVALUE) TO (0);
CREATE TABLE r0 PARTITION OF r FOR VALUES FROM (0) TO (10);
CREATE TABLE r2 PARTITION OF r FOR VALUES FROM (20) TO (30);
CREATE TABLE r4 PARTITION OF r FOR VALUES FROM (40) TO (MAXVALUE);
CREATE TABLE s (at timestamptz NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE s1 PARTITION OF s FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');
CREATE TABLE s3 PARTITION OF s FOR VALUES FROM ('2026-03-01 00:00+00') TO ('2026-04-01 00:00+00');
)SQL");
    GateResult g = d.gate("{horizon_months: -1}");
    EXPECT_EQ(g.status, "fail") << all_messages(g);
    auto f = with_rule(g, "partition-health.range-gap");
    ASSERT_EQ(f.size(), 3u) << all_messages(g);
    EXPECT_EQ(f[0]->object, "public.r [10, 20)");
    EXPECT_EQ(f[0]->details.at("after"), "public.r0");
    EXPECT_EQ(f[0]->details.at("before"), "public.r2");
    EXPECT_EQ(f[1]->object, "public.r [30, 40)");
    EXPECT_EQ(f[2]->details.at("from"), "2026-02-01 00:00:00+00");
    d.exec("CREATE TABLE r1 PARTITION OF r FOR VALUES FROM (10) TO (20);"
           "CREATE TABLE r3 PARTITION OF r FOR VALUES FROM (30) TO (40);"
           "CREATE TABLE s2 PARTITION OF s FOR VALUES FROM ('2026-02-01 00:00+00') TO ('2026-03-01 00:00+00');");
    GateResult ok = d.gate("{horizon_months: -1}");
    EXPECT_EQ(ok.status, "pass") << all_messages(ok);
}

TEST(PartitionHealth, HashSetsWithMixedModuliMustCoverEveryRemainder) {
    Db d(R"SQL(
CREATE TABLE h (id bigint NOT NULL) PARTITION BY HASH (id);
CREATE TABLE h4_0 PARTITION OF h FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE h8_1 PARTITION OF h FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE h8_5 PARTITION OF h FOR VALUES WITH (MODULUS 8, REMAINDER 5);
)SQL");
    GateResult g = d.gate("{}");
    EXPECT_EQ(g.status, "fail") << all_messages(g);
    auto f = with_rule(g, "partition-health.hash-incomplete");
    ASSERT_EQ(f.size(), 1u) << all_messages(g);
    EXPECT_EQ(f[0]->details.at("modulus"), "8");
    EXPECT_EQ(f[0]->details.at("missing_remainders"), "2,3,6,7");
    d.exec("CREATE TABLE h4_2 PARTITION OF h FOR VALUES WITH (MODULUS 4, REMAINDER 2);");
    EXPECT_EQ(with_rule(d.gate("{}"), "partition-health.hash-incomplete")[0]->details.at("missing_remainders"), "3,7");
    d.exec("CREATE TABLE h4_3 PARTITION OF h FOR VALUES WITH (MODULUS 4, REMAINDER 3);");
    GateResult ok = d.gate("{}");
    EXPECT_EQ(ok.status, "pass") << all_messages(ok);
}

// pg_stat_user_tables is updated asynchronously: wait until the counters show what we expect.
void wait_for_dead(const Database& db, const std::string& table, bool want_dead) {
    PgConn c(db.conninfo);
    for (int i = 0; i < 100; ++i) {
        c.exec("SELECT pg_stat_clear_snapshot()");
        long long dead = std::stoll(c.exec("SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables WHERE relname = " + quote_literal(table)).get(0, 0));
        if ((dead > 0) == want_dead) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "n_dead_tup of " << table << " never became " << (want_dead ? "> 0" : "0");
}

TEST(PartitionHealth, DeadTupleBloatAboveTheThreshold) {
    Db d(R"SQL(
CREATE TABLE b (scope int NOT NULL, id int NOT NULL, pad text) PARTITION BY LIST (scope);
CREATE TABLE b1 PARTITION OF b FOR VALUES IN (1) WITH (autovacuum_enabled = off);
CREATE TABLE b2 PARTITION OF b FOR VALUES IN (2) WITH (autovacuum_enabled = off);
CREATE TABLE b3 PARTITION OF b FOR VALUES IN (3) WITH (autovacuum_enabled = off);
INSERT INTO b SELECT 1 + g % 3, g, repeat('x', 20) FROM generate_series(1, 30000) g;
)SQL");
    {
        PgConn c(d.db.conninfo);
        c.exec("DELETE FROM b WHERE scope = 1 AND id % 2 = 0");  // b1: 50% dead
        c.exec("DELETE FROM b WHERE scope = 2 AND id % 10 = 0"); // b2: 10% dead, under the threshold
        c.exec("DELETE FROM b WHERE scope = 3 AND id > 9");      // b3: 3 live, 99.9% dead
        c.exec("SELECT pg_stat_force_next_flush()");
    }
    wait_for_dead(d.db, "b1", true);
    wait_for_dead(d.db, "b3", true);
    GateResult g = d.gate("{bloat: {max_dead_share: 0.2, min_rows: 1000}}");
    EXPECT_EQ(g.status, "warn") << all_messages(g);
    auto f = with_rule(g, "partition-health.bloat");
    ASSERT_EQ(f.size(), 2u) << all_messages(g);
    EXPECT_EQ(f[0]->object, "public.b1");
    EXPECT_EQ(f[0]->severity, "warning");
    EXPECT_EQ(f[1]->object, "public.b3");
    GateResult strict = d.gate("{bloat: {max_dead_share: 0.2, min_rows: 1000, severity: error}}");
    EXPECT_EQ(strict.status, "fail");
    EXPECT_EQ(d.gate("{bloat: {max_dead_share: 0.2, min_rows: 100000}}").status, "pass");  // too small to judge
    EXPECT_EQ(d.gate("{skip: [partition-health.bloat]}").status, "pass");
    d.exec("VACUUM b");
    wait_for_dead(d.db, "b1", false);
    wait_for_dead(d.db, "b3", false);
    GateResult ok = d.gate("{bloat: {max_dead_share: 0.2, min_rows: 1000}}");
    EXPECT_EQ(ok.status, "pass") << all_messages(ok);
}

TEST(PartitionHealth, ConfiguredTablesAndErrors) {
    Db d("CREATE TABLE plain (id int); CREATE TABLE h (id int) PARTITION BY HASH (id);"
         "CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);");
    GateResult g = d.gate("{tables: [plain, public.h]}");
    EXPECT_EQ(g.status, "error") << all_messages(g);
    EXPECT_EQ(with_rule(g, "partition-health.table-not-partitioned").size(), 1u);
    EXPECT_EQ(with_rule(g, "partition-health.hash-incomplete").size(), 1u);
    GateResult nodb = run_partition_health_gate(PartitionHealthOptions{}, "host=/nonexistent dbname=x connect_timeout=2");
    EXPECT_EQ(nodb.status, "error");
    EXPECT_EQ(nodb.findings.at(0).rule, "partition-health.no-database");
}

TEST(PartitionHealth, SectionProblemsPointAtTheYaml) {
    std::vector<std::string> problems;
    parse_partition_health_section(YAML::Load(R"YAML(
horizon_months: soon
today: 15/06/2026
colour: red
bloat: {max_dead_share: 2, severity: fatal}
skip: [partition-health.nope]
)YAML"), "pggate.yaml", "", problems);
    std::string all;
    for (const auto& p : problems) all += p + "\n";
    EXPECT_EQ(problems.size(), 6u) << all;
    EXPECT_NE(all.find("pggate.yaml:2:17: gates.partition-health.horizon_months"), std::string::npos) << all;
    EXPECT_NE(all.find("today must be a date YYYY-MM-DD"), std::string::npos) << all;
    EXPECT_NE(all.find("unknown key 'colour'"), std::string::npos) << all;
    EXPECT_NE(all.find("max_dead_share must be a number in [0, 1)"), std::string::npos) << all;
    EXPECT_NE(all.find("severity must be warning or error"), std::string::npos) << all;
    EXPECT_NE(all.find("unknown rule 'partition-health.nope'"), std::string::npos) << all;
    problems.clear();
    PartitionHealthOptions o = parse_partition_health_section(YAML::Load("~"), "pggate.yaml", "", problems);
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(o.horizon_months, 3);
}

// ---- the memory scenario (seed 001, Phase B) ----

const std::string kMemory = std::string(PGGATE_SOURCE_DIR) + "/scenarios/memory";

std::string read_file(const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The database built by `init` (sql/init.sql) or by `chain` (migrations/*.sql in order).
Database memory_db(const std::string& path) {
    Database db = TestServer::shared().create("memory");
    if (path == "init") {
        TestServer::shared().exec(db, read_file(kMemory + "/sql/init.sql"));
    } else {
        std::vector<std::string> files;
        for (const auto& e : fs::directory_iterator(kMemory + "/migrations")) files.push_back(e.path().string());
        std::sort(files.begin(), files.end());
        EXPECT_EQ(files.size(), 5u);
        for (const auto& f : files) TestServer::shared().exec(db, read_file(f));
    }
    return db;
}

// The sections handed over for scenarios/memory/pggate.yaml (keep in sync with the report).
const char* kPruningPass = R"YAML(
database: chain
seed: queries/seed.sql
queries:
  - {name: node-by-scope, file: queries/node_by_scope.sql, params: [tenant-2/scope-05, '42'], table: public.memory_nodes, max_partitions: 1}
  - {name: nodes-recent-by-kind, file: queries/nodes_recent_by_kind.sql, params: [tenant-3/scope-10, fact], table: public.memory_nodes, max_partitions: 1}
  - {name: edges-from-node, file: queries/edges_from_node.sql, params: [tenant-1/scope-00, '7'], tables: [public.memory_edges, public.memory_nodes], max_partitions: 1}
  - {name: commits-recent, file: queries/commits_recent.sql, params: [tenant-4/scope-63], table: public.memory_commits, max_partitions: 1}
  - {name: outbox-pending-window, file: queries/outbox_pending_window.sql, params: ['2026-06-01 00:00:00+00', '2026-06-08 00:00:00+00'], table: public.memory_outbox, max_partitions: 1}
  - {name: outbox-scope-window, file: queries/outbox_scope_window.sql, params: [tenant-2/scope-05, '2026-03-28 00:00:00+00', '2026-04-04 00:00:00+00'], table: public.memory_outbox, max_partitions: 2}
)YAML";
const char* kScopeless = R"YAML(
  - {name: nodes-by-tenant-no-scope, file: queries/nodes_by_tenant_no_scope.sql, params: [tenant-2, fact], table: public.memory_nodes, max_partitions: 1}
)YAML";

class MemoryScenario : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Paths, MemoryScenario, ::testing::Values("init", "chain"));

TEST_P(MemoryScenario, SchemaIsHealthyForTheHorizon) {
    Database db = memory_db(GetParam());
    GateResult g = run_partition_health_gate(opts("{today: '2026-06-15', horizon_months: 3}"), db.conninfo);
    EXPECT_EQ(g.status, "pass") << all_messages(g);
    EXPECT_EQ(g.metrics.at("partitioned_tables"), 4);
    EXPECT_EQ(g.metrics.at("leaf_partitions"), 32 * 3 + 13);
    // In November the 2027 partitions are due: the outbox needs a new migration.
    GateResult late = run_partition_health_gate(opts("{today: '2026-11-15', horizon_months: 3}"), db.conninfo);
    auto f = with_rule(late, "partition-health.future-partition-missing");
    ASSERT_EQ(f.size(), 1u) << all_messages(late);
    EXPECT_EQ(f[0]->object, "public.memory_outbox");
    EXPECT_EQ(f[0]->details.at("missing_months"), "2027-01,2027-02");
}

TEST_P(MemoryScenario, ScopeKeyedQueriesPassAndTheScopelessOneFails) {
    Database db = memory_db(GetParam());
    std::vector<std::string> problems;
    PruningOptions pass = parse_partition_pruning_section(YAML::Load(kPruningPass), kMemory + "/pggate.yaml", kMemory, problems);
    ASSERT_TRUE(problems.empty()) << problems.front();
    GateResult ok = run_partition_pruning_gate(pass, db.conninfo);  // seeds the database
    EXPECT_EQ(ok.status, "pass") << all_messages(ok);
    EXPECT_EQ(ok.metrics.at("node-by-scope.public.memory_nodes.partitions_scanned"), 1);
    EXPECT_EQ(ok.metrics.at("node-by-scope.public.memory_nodes.partitions_total"), 32);
    EXPECT_EQ(ok.metrics.at("edges-from-node.public.memory_nodes.partitions_scanned"), 1);
    EXPECT_EQ(ok.metrics.at("edges-from-node.public.memory_edges.partitions_scanned"), 1);
    EXPECT_EQ(ok.metrics.at("commits-recent.public.memory_commits.partitions_scanned"), 1);
    EXPECT_EQ(ok.metrics.at("outbox-pending-window.public.memory_outbox.partitions_scanned"), 1);
    EXPECT_EQ(ok.metrics.at("outbox-pending-window.public.memory_outbox.partitions_total"), 13);
    EXPECT_EQ(ok.metrics.at("outbox-scope-window.public.memory_outbox.partitions_scanned"), 2);
    // The seeded rows are all inside 2026: the default partition stays empty, the schema healthy.
    GateResult health = run_partition_health_gate(opts("{today: '2026-06-15'}"), db.conninfo);
    EXPECT_EQ(health.status, "pass") << all_messages(health);

    PruningOptions fail = parse_partition_pruning_section(YAML::Load(std::string(kPruningPass) + kScopeless), kMemory + "/pggate.yaml", kMemory, problems);
    ASSERT_TRUE(problems.empty()) << problems.front();
    fail.seed_file.clear();  // already seeded
    GateResult bad = run_partition_pruning_gate(fail, db.conninfo);
    EXPECT_EQ(bad.status, "fail") << all_messages(bad);
    ASSERT_EQ(bad.findings.size(), 1u) << all_messages(bad);
    EXPECT_EQ(bad.findings[0].rule, "partition-pruning.too-many-partitions");
    EXPECT_EQ(bad.findings[0].object, "nodes-by-tenant-no-scope public.memory_nodes");
    EXPECT_NE(bad.findings[0].message.find("32/32"), std::string::npos) << bad.findings[0].message;
    EXPECT_NE(bad.findings[0].message.find("HASH (scope_key)"), std::string::npos) << bad.findings[0].message;
    ASSERT_TRUE(bad.findings[0].location.has_value());
    EXPECT_EQ(bad.findings[0].location->file, "queries/nodes_by_tenant_no_scope.sql");
    EXPECT_EQ(bad.findings[0].location->line, 4);
}

}  // namespace
}  // namespace pggate
