#include "harness/chain.h"

#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace pggate {
namespace {

std::vector<std::string> versions(const MigrationChain& c) {
    std::vector<std::string> v;
    for (const auto& m : c.migrations) v.push_back(m.version);
    return v;
}

TEST(Chain, VersionsCompareNumerically) {
    EXPECT_LT(compare_versions("2", "10"), 0);
    EXPECT_LT(compare_versions("1.2.9", "1.2.10"), 0);
    EXPECT_EQ(compare_versions("001", "1"), 0);
    EXPECT_GT(compare_versions("20251224164000", "20251224120000"), 0);
}

TEST(Chain, FlywayOrdersByVersionAndAppliesRepeatablesLast) {
    testing::TempDir d;
    d.write("V1.10__later.sql", "SELECT 1;");
    d.write("V1.9__earlier.sql", "SELECT 1;");
    d.write("V2__two.sql", "SELECT 1;");
    d.write("R__views.sql", "SELECT 1;");
    d.write("notes.sql", "SELECT 1;");
    auto c = discover_sql_chain(d.path, "auto");
    EXPECT_EQ(c.layout, "flyway");
    EXPECT_EQ(versions(c), (std::vector<std::string>{"1.9", "1.10", "2", "R"}));
    ASSERT_EQ(c.problems.size(), 1u);
    EXPECT_EQ(c.problems[0].rule, "replay.unrecognized-file");
}

TEST(Chain, UpDownPairsAndOrphans) {
    testing::TempDir d;
    d.write("002_users.up.sql", "SELECT 1;");
    d.write("002_users.down.sql", "SELECT 1;");
    d.write("010_more.up.sql", "SELECT 1;");
    d.write("001_init.up.sql", "SELECT 1;");
    d.write("003_orphan.down.sql", "SELECT 1;");
    auto c = discover_sql_chain(d.path, "auto");
    EXPECT_EQ(c.layout, "up-down");
    EXPECT_EQ(versions(c), (std::vector<std::string>{"001", "002", "010"}));
    EXPECT_FALSE(c.migrations[1].down_file.empty());
    ASSERT_EQ(c.problems.size(), 1u);
    EXPECT_EQ(c.problems[0].rule, "replay.down-without-up");
}

TEST(Chain, DuplicateVersionsAreAProblem) {
    testing::TempDir d;
    d.write("001_a.up.sql", "SELECT 1;");
    d.write("1_b.up.sql", "SELECT 1;");
    auto c = discover_sql_chain(d.path, "up-down");
    ASSERT_EQ(c.problems.size(), 1u);
    EXPECT_EQ(c.problems[0].rule, "replay.duplicate-version");
}

TEST(Chain, DbmateFilesAreDetected) {
    testing::TempDir d;
    d.write("20240102000000_b.sql", "-- migrate:up\nSELECT 2;\n-- migrate:down\n");
    d.write("20240101000000_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n");
    auto c = discover_sql_chain(d.path, "auto");
    EXPECT_EQ(c.layout, "dbmate");
    EXPECT_EQ(versions(c), (std::vector<std::string>{"20240101000000", "20240102000000"}));
    EXPECT_EQ(c.migrations[0].up_section, ScriptSection::dbmate_up);
}

TEST(Chain, PlainFilesInNaturalOrder) {
    testing::TempDir d;
    d.write("10-indexes.sql", "SELECT 1;");
    d.write("2-tables.sql", "SELECT 1;");
    auto c = discover_sql_chain(d.path, "auto");
    EXPECT_EQ(c.layout, "plain");
    EXPECT_EQ(versions(c), (std::vector<std::string>{"2-tables", "10-indexes"}));
}

Migration rev(const std::string& id, std::vector<std::string> down) {
    Migration m;
    m.version = id;
    m.up_file = "/versions/" + id + ".py";
    m.down_revisions = std::move(down);
    return m;
}

TEST(Chain, AlembicRevisionsOrderBaseToHead) {
    auto c = order_alembic_revisions({rev("c", {"b"}), rev("a", {}), rev("b", {"a"})}, "alembic.ini");
    EXPECT_EQ(versions(c), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(c.problems.empty());
    EXPECT_EQ(c.heads, (std::vector<std::string>{"c"}));
    auto after = migrations_after(c, "a");
    ASSERT_EQ(after.size(), 2u);
    EXPECT_EQ(after[0].version, "b");
    EXPECT_THROW(migrations_after(c, "zzz"), std::runtime_error);
}

TEST(Chain, AlembicMultipleHeadsAndBrokenLinksAreFindings) {
    auto c = order_alembic_revisions({rev("a", {}), rev("b", {"a"}), rev("c", {"a"}), rev("d", {"gone"})}, "alembic.ini");
    std::vector<std::string> rules;
    for (const auto& p : c.problems) rules.push_back(p.rule);
    EXPECT_NE(std::find(rules.begin(), rules.end(), "replay.multiple-heads"), rules.end());
    EXPECT_NE(std::find(rules.begin(), rules.end(), "replay.broken-revision-link"), rules.end());
    EXPECT_EQ(c.migrations.size(), 4u);
}

}  // namespace
}  // namespace pggate
