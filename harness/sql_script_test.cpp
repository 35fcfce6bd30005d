#include "harness/sql_script.h"

#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace pggate {
namespace {

TEST(SqlScript, SplitsStatementsAndKnowsWhereEachStarts) {
    auto s = parse_sql_text("init.sql",
                            "-- header comment\n"
                            "CREATE TABLE a (id int);\n"
                            "\n"
                            "  /* block */ CREATE INDEX ON a (id);\n"
                            "INSERT INTO a VALUES (1);");
    ASSERT_EQ(s.statements.size(), 3u);
    EXPECT_EQ(s.statements[0].start.line, 2);
    EXPECT_EQ(s.statements[0].start.column, 1);
    EXPECT_EQ(s.statements[1].start.line, 4);
    EXPECT_EQ(s.statements[1].start.column, 15);
    EXPECT_EQ(s.statements[2].start.line, 5);
}

TEST(SqlScript, CountsColumnsInCharactersNotBytes) {
    // Chinese comments are common in the seeds' scripts: columns must count characters.
    auto s = parse_sql_text("x.sql", "-- 容量表\nSELECT 1; /* 注释 */ SELECT 2;");
    ASSERT_EQ(s.statements.size(), 2u);
    EXPECT_EQ(s.statements[1].start.line, 2);
    EXPECT_EQ(s.statements[1].start.column, 20);
}

TEST(SqlScript, SyntaxErrorNamesFileLineAndColumn) {
    try {
        parse_sql_text("broken.sql", "CREATE TABLE ok (id int);\nCREATE TABLE bad (id int,, name text);\n");
        FAIL() << "expected a ScriptError";
    } catch (const ScriptError& e) {
        EXPECT_EQ(e.where.file, "broken.sql");
        EXPECT_EQ(e.where.line, 2);
        EXPECT_EQ(e.where.column, 26);
        EXPECT_NE(std::string(e.what()).find("broken.sql:2:26"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("syntax error"), std::string::npos) << e.what();
    }
}

TEST(SqlScript, MasksPsqlMetaCommandsAndKeepsLineNumbers) {
    auto s = parse_sql_text("dump.sql", "\\restrict abc123\nSET x = 1;\n\\connect other\nSELECT 1;\n\\unrestrict abc123\n");
    ASSERT_EQ(s.statements.size(), 2u);
    EXPECT_EQ(s.skipped_meta_commands.size(), 3u);
    EXPECT_EQ(s.statements[1].start.line, 4);
    EXPECT_EQ(s.content.find("restrict"), std::string::npos);
}

TEST(SqlScript, MetaCommandsThatSendTheQueryEndTheStatement) {
    // psql sends the buffer at \gexec / \gset / \g as it would at a semicolon.
    SqlScript s = parse_sql_text("x.sql", "SELECT format('ANALYZE %I', relname) FROM pg_class\n\\gexec\nSELECT 1 AS one\n\\gset\nSELECT 2;\n");
    ASSERT_EQ(s.statements.size(), 3u);
    EXPECT_EQ(s.statements[1].start.line, 3);
    EXPECT_EQ(s.statements[2].start.line, 5);
}

TEST(SqlScript, FlagsStatementsThatCannotRunInATransaction) {
    auto s = parse_sql_text("m.sql", "CREATE INDEX CONCURRENTLY i ON t (a);\nCREATE INDEX j ON t (a);\nVACUUM t;\nBEGIN;\n");
    ASSERT_EQ(s.statements.size(), 4u);
    EXPECT_TRUE(s.statements[0].needs_autocommit);
    EXPECT_FALSE(s.statements[1].needs_autocommit);
    EXPECT_TRUE(s.statements[2].needs_autocommit);
    EXPECT_TRUE(s.statements[3].needs_autocommit);
}

TEST(SqlScript, DbmateSectionsKeepTheirLines) {
    testing::TempDir dir;
    std::string f = dir.write("20240101_x.sql",
                              "-- migrate:up\nCREATE TABLE t (id int);\nCREATE INDEX ON t (id);\n\n-- migrate:down\nDROP TABLE t;\n");
    auto up = load_sql_script(f, ScriptSection::dbmate_up);
    ASSERT_EQ(up.statements.size(), 2u);
    EXPECT_EQ(up.statements[1].start.line, 3);
    auto down = load_sql_script(f, ScriptSection::dbmate_down);
    ASSERT_EQ(down.statements.size(), 1u);
    EXPECT_EQ(down.statements[0].start.line, 6);
}

TEST(SqlScript, MissingFileIsAClearError) {
    try {
        load_sql_script("/nonexistent/init.sql");
        FAIL();
    } catch (const ScriptError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/init.sql"), std::string::npos);
    }
}

TEST(SqlScript, CharToByteFollowsUtf8) {
    std::string t = "é中a";  // 2 + 3 + 1 bytes
    EXPECT_EQ(char_to_byte(t, 1), 0u);
    EXPECT_EQ(char_to_byte(t, 2), 2u);
    EXPECT_EQ(char_to_byte(t, 3), 5u);
}

TEST(SqlScript, ExcerptIsOneLineWithoutLeadingComments) {
    EXPECT_EQ(statement_excerpt("-- why\n  ALTER TABLE t\n   DROP COLUMN c"), "ALTER TABLE t DROP COLUMN c");
    EXPECT_EQ(statement_excerpt("SELECT 123456789", 8), "SELECT 1…");
}

}  // namespace
}  // namespace pggate
