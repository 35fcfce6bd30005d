// Replay against a real server: every layout applies, failures point at file:line:column with SQLSTATE.
#include <gtest/gtest.h>

#include "harness/catalog.h"
#include "harness/pg.h"
#include "harness/replay.h"
#include "harness/schema_diff.h"
#include "tests/support/test_server.h"

namespace pggate {
namespace {

using testing::TempDir;
using testing::TestServer;

PathResult replay(const TempDir& dir, const std::string& yaml, const std::string& path) {
    Config cfg = load_config(dir.write("pggate.yaml", yaml));
    ReplayPlan plan = plan_replay(cfg);
    Database db = TestServer::shared().create("r");
    return replay_path(path, db, cfg, plan, [](const std::string&, const ReplayStep&) {});
}

TEST(Replay, InitScriptFailurePointsAtTheOffendingToken) {
    TempDir d;
    d.write("init.sql",
            "-- 初始化脚本\n"
            "CREATE TABLE instances (id int PRIMARY KEY);\n"
            "CREATE TABLE credentials (\n"
            "  id int PRIMARY KEY,\n"
            "  created_at timestamptz DEFAULT nowz()\n"
            ");\n");
    auto r = replay(d, "init: {scripts: [init.sql]}\npaths: [init]\n", "init");
    ASSERT_FALSE(r.ok);
    ASSERT_TRUE(r.failure);
    EXPECT_EQ(r.failure->sqlstate, "42883");
    EXPECT_EQ(r.failure->where.line, 5);
    EXPECT_EQ(r.failure->where.column, 34);  // the position PostgreSQL reports: the call nowz()
    EXPECT_NE(r.failure->statement.find("CREATE TABLE credentials"), std::string::npos);
    ASSERT_EQ(r.steps.size(), 1u);
    EXPECT_FALSE(r.steps[0].ok);
}

TEST(Replay, ErrorsWithoutAPositionPointAtTheStatement) {
    TempDir d;
    d.write("init.sql", "CREATE TABLE t (id int);\n\n   INSERT INTO t VALUES (1), (1);\nCREATE UNIQUE INDEX ON t (id);\n");
    auto r = replay(d, "init: {scripts: [init.sql]}\npaths: [init]\n", "init");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.failure->sqlstate, "23505");
    EXPECT_EQ(r.failure->where.line, 4);
    EXPECT_EQ(r.failure->where.column, 1);
}

TEST(Replay, UpDownChainAppliesInOrderAndEachMigrationIsAtomic) {
    TempDir d;
    d.write("m/001_init.up.sql", "CREATE TABLE a (id int);");
    d.write("m/001_init.down.sql", "DROP TABLE a;");
    d.write("m/002_more.up.sql", "ALTER TABLE a ADD COLUMN name text;\nCREATE TABLE b (id int);");
    d.write("m/010_bad.up.sql", "CREATE TABLE c (id int);\nALTER TABLE a ADD COLUMN name text;\n");
    auto r = replay(d, "chain: {dir: m}\npaths: [chain]\n", "chain");
    ASSERT_FALSE(r.ok);
    ASSERT_EQ(r.steps.size(), 3u);
    EXPECT_TRUE(r.steps[0].ok);
    EXPECT_TRUE(r.steps[1].ok);
    EXPECT_FALSE(r.steps[2].ok);
    EXPECT_EQ(r.failure->revision, "010");
    EXPECT_EQ(r.failure->sqlstate, "42701");
    EXPECT_EQ(r.failure->where.line, 2);
    PgConn c(r.db.conninfo);
    EXPECT_EQ(c.exec("SELECT to_regclass('c') IS NULL").get(0, 0), "t") << "a failed migration must roll back whole";
}

TEST(Replay, FlywayDbmateAndPlainLayoutsBuildTheSameSchema) {
    TempDir fly, dbm, plain;
    fly.write("m/V1__tables.sql", "CREATE TABLE t (id int PRIMARY KEY, v text);");
    fly.write("m/V1.1__index.sql", "CREATE INDEX t_v ON t (v);");
    dbm.write("m/20240101000000_tables.sql", "-- migrate:up\nCREATE TABLE t (id int PRIMARY KEY, v text);\n-- migrate:down\nDROP TABLE t;\n");
    dbm.write("m/20240102000000_index.sql", "-- migrate:up\nCREATE INDEX t_v ON t (v);\n-- migrate:down\nDROP INDEX t_v;\n");
    plain.write("m/01-tables.sql", "CREATE TABLE t (id int PRIMARY KEY, v text);");
    plain.write("m/02-index.sql", "CREATE INDEX CONCURRENTLY t_v ON t (v);");  // runs outside a transaction
    auto a = replay(fly, "chain: {dir: m}\n", "chain");
    auto b = replay(dbm, "chain: {dir: m}\n", "chain");
    auto c = replay(plain, "chain: {dir: m}\n", "chain");
    ASSERT_TRUE(a.ok && b.ok && c.ok) << (a.failure ? a.failure->message : "") << (b.failure ? b.failure->message : "")
                                      << (c.failure ? c.failure->message : "");
    PgConn ca(a.db.conninfo), cb(b.db.conninfo), cc(c.db.conninfo);
    Snapshot sa = read_snapshot(ca), sb = read_snapshot(cb), sc = read_snapshot(cc);
    EXPECT_TRUE(diff_snapshots(sa, sb, {}).empty());
    EXPECT_TRUE(diff_snapshots(sa, sc, {}).empty());
    EXPECT_TRUE(sa.objects.count(snapshot_key("index", "public.t_v")));
}

TEST(Replay, InitUpgradeAppliesOnlyMigrationsAfterTheStamp) {
    TempDir d;
    d.write("init.sql", "CREATE TABLE a (id int, name text);");
    d.write("m/001_a.up.sql", "CREATE TABLE a (id int);");
    d.write("m/002_name.up.sql", "ALTER TABLE a ADD COLUMN name text;");
    d.write("m/003_idx.up.sql", "CREATE INDEX a_name ON a (name);");
    auto r = replay(d, "init: {scripts: [init.sql], stamp: '002'}\nchain: {dir: m}\npaths: [init, chain, init-upgrade]\n", "init-upgrade");
    ASSERT_TRUE(r.ok) << r.failure->message;
    ASSERT_EQ(r.steps.size(), 2u);
    EXPECT_EQ(r.steps[1].revision, "003");
}

TEST(Replay, CommandChainGetsTheDatabaseInItsEnvironment) {
    TempDir d;
    d.write("migrate.sh", "#!/bin/sh\nset -e\npsql -v ON_ERROR_STOP=1 -q -c 'CREATE TABLE from_command (id int)'\n");
    auto r = replay(d, "chain: {command: 'sh migrate.sh'}\n", "chain");
    ASSERT_TRUE(r.ok) << r.failure->message << r.failure->output;
    PgConn c(r.db.conninfo);
    EXPECT_EQ(c.exec("SELECT to_regclass('from_command') IS NOT NULL").get(0, 0), "t");
}

TEST(Replay, FailingCommandReportsItsOutput) {
    TempDir d;
    auto r = replay(d, "chain: {command: 'echo migrating; echo boom >&2; exit 3'}\n", "chain");
    ASSERT_FALSE(r.ok);
    EXPECT_NE(r.failure->message.find("status 3"), std::string::npos);
    EXPECT_NE(r.failure->output.find("boom"), std::string::npos);
}

TEST(Replay, StatementTimeoutStopsARunawayStep) {
    TempDir d;
    d.write("init.sql", "SELECT pg_sleep(5);");
    auto r = replay(d, "init: {scripts: [init.sql]}\ntimeouts: {statement: 200ms}\n", "init");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.failure->sqlstate, "57014");
}

TEST(Replay, PlanRejectsSqlThatDoesNotParseBeforeAnyServerWork) {
    TempDir d;
    d.write("m/001_a.sql", "CREATE TABLE a (id int);\nCREATE TABEL b (id int);\n");
    Config cfg = load_config(d.write("pggate.yaml", "chain: {dir: m}\n"));
    try {
        plan_replay(cfg);
        FAIL();
    } catch (const ScriptError& e) {
        EXPECT_EQ(e.where.line, 2);
        EXPECT_EQ(e.where.column, 8);
        EXPECT_NE(std::string(e.what()).find("001_a.sql:2:8"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace pggate
