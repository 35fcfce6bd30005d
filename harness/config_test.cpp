#include "harness/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/support/test_server.h"

namespace pggate {
namespace {

std::string all(const ConfigError& e) {
    std::string s;
    for (const auto& p : e.problems) s += p + "\n";
    return s;
}

TEST(Config, ResolvesPathsAgainstTheConfigFolder) {
    testing::TempDir dir;
    dir.write("sql/init.sql", "SELECT 1;");
    dir.write("migrations/001_a.sql", "SELECT 1;");
    std::string cfg_file = dir.write("pggate.yaml",
                                     "project: demo\n"
                                     "init:\n  scripts: [sql/init.sql]\n  stamp: '001'\n"
                                     "chain:\n  dir: migrations\n  layout: plain\n"
                                     "paths: [init, chain, init-upgrade]\n"
                                     "timeouts: {statement: 5s, lock: 500ms}\n"
                                     "gates:\n  replay: {}\n  schema-equality:\n    column_order: warn\n    ignore:\n      - {kind: table, name: public.schema_migrations}\n");
    Config c = load_config(cfg_file);
    EXPECT_EQ(c.project, "demo");
    ASSERT_EQ(c.init.scripts.size(), 1u);
    EXPECT_EQ(c.init.scripts[0], dir.path + "/sql/init.sql");
    EXPECT_EQ(c.chain.kind, ChainKind::sql_dir);
    EXPECT_EQ(c.chain.dir, dir.path + "/migrations");
    EXPECT_EQ(c.timeouts.statement_ms, 5000);
    EXPECT_EQ(c.timeouts.lock_ms, 500);
    EXPECT_TRUE(c.replay_gate);
    EXPECT_TRUE(c.schema_equality.enabled);
    EXPECT_EQ(c.schema_equality.policy.column_order, "warn");
    ASSERT_EQ(c.schema_equality.policy.ignore.size(), 1u);
    EXPECT_EQ(c.schema_equality.policy.ignore[0].pattern, "public.schema_migrations");
    EXPECT_EQ(c.paths.size(), 3u);
}

TEST(Config, UnknownKeyIsReportedWithLineColumnAndSuggestion) {
    testing::TempDir dir;
    dir.write("init.sql", "SELECT 1;");
    std::string f = dir.write("pggate.yaml", "init:\n  scripts: [init.sql]\n  stmap: x\n");
    try {
        load_config(f);
        FAIL();
    } catch (const ConfigError& e) {
        ASSERT_EQ(e.problems.size(), 1u) << all(e);
        EXPECT_NE(e.problems[0].find("pggate.yaml:3:3"), std::string::npos) << all(e);
        EXPECT_NE(e.problems[0].find("Did you mean 'stamp'"), std::string::npos) << all(e);
    }
}

TEST(Config, EveryProblemIsListedAtOnce) {
    testing::TempDir dir;
    std::string f = dir.write("pggate.yaml",
                              "provider: cloud\n"
                              "init:\n  scripts: [missing.sql]\n"
                              "timeouts:\n  statement: soon\n"
                              "paths: [init, sideways]\n");
    try {
        load_config(f);
        FAIL();
    } catch (const ConfigError& e) {
        std::string text = all(e);
        EXPECT_NE(text.find(":1:11: provider is 'cloud'"), std::string::npos) << text;
        EXPECT_NE(text.find(":3:13: init.scripts entry 'missing.sql' does not exist"), std::string::npos) << text;
        EXPECT_NE(text.find(":5:14: timeouts.statement is 'soon'"), std::string::npos) << text;
        EXPECT_NE(text.find("paths entry is 'sideways'"), std::string::npos) << text;
    }
}

TEST(Config, MalformedYamlNamesTheLine) {
    testing::TempDir dir;
    std::string f = dir.write("pggate.yaml", "init:\n  scripts: [a.sql\nchain: {}\n");
    try {
        load_config(f);
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(e.problems.at(0).find("pggate.yaml:"), std::string::npos);
        EXPECT_NE(e.problems.at(0).find("not valid YAML"), std::string::npos) << all(e);
    }
}

TEST(Config, WrongTypesAreNamed) {
    testing::TempDir dir;
    dir.write("init.sql", "SELECT 1;");
    std::string f = dir.write("pggate.yaml", "init:\n  scripts: [init.sql]\nlocal:\n  cache: maybe\ngates: [replay]\n");
    try {
        load_config(f);
        FAIL();
    } catch (const ConfigError& e) {
        std::string text = all(e);
        EXPECT_NE(text.find("local.cache must be true or false"), std::string::npos) << text;
        EXPECT_NE(text.find("gates must be a mapping"), std::string::npos) << text;
    }
}

TEST(Config, MissingConfigFile) {
    EXPECT_THROW(load_config("/nonexistent/pggate.yaml"), ConfigError);
}

TEST(Config, InitUpgradeNeedsAStamp) {
    testing::TempDir dir;
    dir.write("init.sql", "SELECT 1;");
    dir.write("m/001.sql", "SELECT 1;");
    std::string f = dir.write("pggate.yaml", "init: {scripts: [init.sql]}\nchain: {dir: m}\npaths: [init, chain, init-upgrade]\n");
    try {
        load_config(f);
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(all(e).find("needs init.stamp"), std::string::npos) << all(e);
    }
}

TEST(Config, ExpandsEnvironmentVariables) {
    setenv("PGGATE_TEST_HOST", "db1", 1);
    unsetenv("PGGATE_TEST_UNSET");
    EXPECT_EQ(expand_env("host=${PGGATE_TEST_HOST} port=${PGGATE_TEST_UNSET:-5432}"), "host=db1 port=5432");
}

}  // namespace
}  // namespace pggate
