#include "gates/delete-paths/sql_sources.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "harness/sql_script.h"

namespace pggate {
namespace {

// "line:column" of sql[index] in the file, as the linter reports a finding there.
std::string where(const std::string& content, const SqlFragment& f, size_t index) {
    SourceLocation loc = locate("f", content, f.source_offsets.at(index));
    return std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

// Where the first occurrence of `needle` in the fragment's SQL sits in the file.
std::string where(const std::string& content, const SqlFragment& f, const std::string& needle) {
    size_t k = f.sql.find(needle);
    if (k == std::string::npos) return "not found: " + needle;
    return where(content, f, k);
}

// The SQL text of each interpolated range.
std::vector<std::string> interpolations(const SqlFragment& f) {
    std::vector<std::string> out;
    for (auto [a, b] : f.interpolated) out.push_back(f.sql.substr(a, b - a));
    return out;
}

// The invariants every fragment keeps, whatever the input: one offset per byte plus the end, in file order,
// inside the file; interpolated ranges inside the SQL. Empty when they hold.
std::string broken_invariant(const std::string& content, const SqlFragment& f) {
    if (f.source_offsets.size() != f.sql.size() + 1) return "offsets size";
    for (size_t i = 0; i < f.source_offsets.size(); ++i) {
        if (i > 0 && f.source_offsets[i] < f.source_offsets[i - 1]) return "offsets go back at " + std::to_string(i);
        bool is_end = i + 1 == f.source_offsets.size();
        if (is_end ? f.source_offsets[i] > content.size() : f.source_offsets[i] >= content.size())
            return "offset past the file at " + std::to_string(i);
    }
    for (auto [a, b] : f.interpolated)
        if (a > b || b > f.sql.size()) return "interpolated range outside the SQL";
    return "";
}

std::vector<SqlFragment> shell(const std::string& content) {
    auto fs = extract_sql_fragments(SourceKind::shell, content);
    for (const auto& f : fs) EXPECT_EQ(broken_invariant(content, f), "") << f.sql;
    return fs;
}

std::vector<SqlFragment> code(const std::string& content, const std::string& path) {
    auto fs = extract_sql_fragments(SourceKind::code, content, path);
    for (const auto& f : fs) EXPECT_EQ(broken_invariant(content, f), "") << f.sql;
    return fs;
}

// ---- shell: psql -c --------------------------------------------------------------------------------

TEST(SqlSourcesShell, PsqlCommandInDoubleQuotesWithAShellVariable) {
    std::string sh =
        "#!/bin/bash\n"
        "set -euo pipefail\n"
        "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -c \"DELETE FROM t WHERE tenant_id = '$TENANT'\"\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM t WHERE tenant_id = '_TENANT'");
    EXPECT_EQ(fs[0].origin, "psql -c");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "3:45");
    EXPECT_EQ(where(sh, fs[0], "_TENANT"), "3:78");
    EXPECT_EQ(interpolations(fs[0]), std::vector<std::string>{"_TENANT"});
}

TEST(SqlSourcesShell, PsqlCommandSingleQuotedAndLongOption) {
    std::string sh =
        "psql -X -c 'DELETE FROM a WHERE x = $1'\n"
        "psql --command=\"DELETE FROM b\" --dbname \"$URL\"\n"
        "psql --command 'DELETE FROM c'\n"
        "psql -tAc \"SELECT 1\"\n"
        "psql -c\"DELETE FROM d\"\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 5u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM a WHERE x = $1");  // single quotes: the shell leaves $1 alone
    EXPECT_TRUE(fs[0].interpolated.empty());
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "1:13");
    EXPECT_EQ(fs[1].sql, "DELETE FROM b");
    EXPECT_EQ(where(sh, fs[1], "DELETE"), "2:17");
    EXPECT_EQ(fs[2].sql, "DELETE FROM c");
    EXPECT_EQ(where(sh, fs[2], "DELETE"), "3:17");
    EXPECT_EQ(fs[3].sql, "SELECT 1");
    EXPECT_EQ(where(sh, fs[3], "SELECT"), "4:12");
    EXPECT_EQ(fs[4].sql, "DELETE FROM d");
    EXPECT_EQ(where(sh, fs[4], "DELETE"), "5:9");
}

TEST(SqlSourcesShell, PsqlThroughAVariable) {
    std::string sh =
        "PSQL=(psql -X -v ON_ERROR_STOP=1 \"$DATABASE_URL\")\n"
        "$PSQL -c \"DELETE FROM a\"\n"
        "\"${PSQL[@]}\" -c 'DELETE FROM b'\n"
        "${PSQL_BIN:-psql} -c 'DELETE FROM c'\n"
        "echo -c 'DELETE FROM not_psql'\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 3u);  // the psql inside PSQL=( … ) has no -c; echo is not psql
    EXPECT_EQ(fs[0].sql, "DELETE FROM a");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "2:11");
    EXPECT_EQ(fs[1].sql, "DELETE FROM b");
    EXPECT_EQ(where(sh, fs[1], "DELETE"), "3:18");
    EXPECT_EQ(fs[2].sql, "DELETE FROM c");
    EXPECT_EQ(where(sh, fs[2], "DELETE"), "4:23");
}

TEST(SqlSourcesShell, LineContinuationsBetweenPsqlAndItsCommand) {
    std::string sh =
        "psql \"$DATABASE_URL\" \\\n"
        "  -v ON_ERROR_STOP=1 \\\n"
        "  -c \"DELETE FROM memory_nodes \\\n"
        "WHERE scope_key = '$SCOPE'\"\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM memory_nodes WHERE scope_key = '_SCOPE'");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "3:7");
    EXPECT_EQ(where(sh, fs[0], "WHERE"), "4:1");
    EXPECT_EQ(where(sh, fs[0], "_SCOPE"), "4:20");
}

TEST(SqlSourcesShell, SeveralCommandsOnOneLine) {
    std::string sh = "psql -c 'DELETE FROM a' -c \"DELETE FROM b\"; psql -c 'TRUNCATE c' && psql -qc 'DROP TABLE d' || exit 1\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 4u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM a");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "1:10");
    EXPECT_EQ(fs[1].sql, "DELETE FROM b");
    EXPECT_EQ(where(sh, fs[1], "DELETE"), "1:29");
    EXPECT_EQ(fs[2].sql, "TRUNCATE c");
    EXPECT_EQ(where(sh, fs[2], "TRUNCATE"), "1:54");
    EXPECT_EQ(fs[3].sql, "DROP TABLE d");
    EXPECT_EQ(where(sh, fs[3], "DROP"), "1:79");
}

// ---- shell: heredocs -------------------------------------------------------------------------------

TEST(SqlSourcesShell, HeredocFedToPsql) {
    std::string sh =
        "psql \"$DATABASE_URL\" <<SQL\n"
        "BEGIN;\n"
        "DELETE FROM memory_nodes WHERE scope_key = '$SCOPE';\n"
        "COMMIT;\n"
        "SQL\n"
        "echo done\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].origin, "heredoc");
    EXPECT_EQ(fs[0].sql, "BEGIN;\nDELETE FROM memory_nodes WHERE scope_key = '_SCOPE';\nCOMMIT;\n");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "3:1");
    EXPECT_EQ(where(sh, fs[0], "_SCOPE"), "3:45");
    EXPECT_EQ(interpolations(fs[0]), std::vector<std::string>{"_SCOPE"});
}

TEST(SqlSourcesShell, HeredocWithQuotedDelimiterIsLiteral) {
    std::string sh =
        "psql <<'EOF'\n"
        "DELETE FROM t WHERE k = '$NOT_EXPANDED';\n"
        "EOF\n"
        "psql <<\"EOF\"\n"
        "DELETE FROM u WHERE k = '${ALSO_NOT}';\n"
        "EOF\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 2u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM t WHERE k = '$NOT_EXPANDED';\n");
    EXPECT_TRUE(fs[0].interpolated.empty());
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "2:1");
    EXPECT_EQ(fs[1].sql, "DELETE FROM u WHERE k = '${ALSO_NOT}';\n");
    EXPECT_EQ(where(sh, fs[1], "DELETE"), "5:1");
}

TEST(SqlSourcesShell, HeredocWithTabsStripped) {
    std::string sh =
        "if true; then\n"
        "\tpsql <<-'EOF'\n"
        "\t\tDELETE FROM t\n"
        "\t\t WHERE id = 1;\n"
        "\tEOF\n"
        "fi\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM t\n WHERE id = 1;\n");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "3:3");
    EXPECT_EQ(where(sh, fs[0], "WHERE"), "4:4");
}

TEST(SqlSourcesShell, HeredocWithExpansions) {
    std::string sh =
        "psql <<EOF\n"
        "DELETE FROM ${TABLE} WHERE t = '${TENANT:-none}' AND d < '$(date -d \"$(echo 30) days ago\" +%F)' AND x = `id -u`;\n"
        "SELECT \\$1, 'a\\\\b';\n"
        "EOF\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql,
              "DELETE FROM __TABLE_ WHERE t = '__TENANT__none_' AND d < '__date__d____echo_30__days_ago____F_' AND x = "
              "_id__u_;\nSELECT $1, 'a\\b';\n");
    EXPECT_EQ(interpolations(fs[0]),
              (std::vector<std::string>{"__TABLE_", "__TENANT__none_", "__date__d____echo_30__days_ago____F_", "_id__u_"}));
    EXPECT_EQ(where(sh, fs[0], "__TABLE_"), "2:13");
    EXPECT_EQ(where(sh, fs[0], "AND x"), "2:97");
    EXPECT_EQ(where(sh, fs[0], "$1"), "3:9");  // the $ of \$ in the file
}

TEST(SqlSourcesShell, HeredocOnALineWithAPipeOrAnExit) {
    std::string sh =
        "cat <<SQL | psql \"$DATABASE_URL\"\n"
        "DELETE FROM a;\n"
        "SQL\n"
        "psql \"$DATABASE_URL\" <<SQL || exit 1\n"
        "TRUNCATE b;\n"
        "SQL\n"
        "psql -v ON_ERROR_STOP=1 <<A && psql <<B\n"
        "DELETE FROM c;\n"
        "A\n"
        "DELETE FROM d;\n"
        "B\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 4u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM a;\n");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "2:1");
    EXPECT_EQ(fs[1].sql, "TRUNCATE b;\n");
    EXPECT_EQ(where(sh, fs[1], "TRUNCATE"), "5:1");
    EXPECT_EQ(fs[2].sql, "DELETE FROM c;\n");
    EXPECT_EQ(where(sh, fs[2], "DELETE"), "8:1");
    EXPECT_EQ(fs[3].sql, "DELETE FROM d;\n");
    EXPECT_EQ(where(sh, fs[3], "DELETE"), "10:1");
}

TEST(SqlSourcesShell, HeredocNotForPsqlOnlyWhenItReadsAsSql) {
    std::string sh =
        "cat <<EOF > notes.txt\n"
        "delete the old backups by hand\n"
        "EOF\n"
        "cat <<EOF > purge.sql\n"
        "DELETE FROM outbox WHERE sent_at < now() - interval '7 days';\n"
        "EOF\n"
        "ssh host <<EOF\n"
        "rm -rf /tmp/x\n"
        "EOF\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM outbox WHERE sent_at < now() - interval '7 days';\n");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "5:1");
}

TEST(SqlSourcesShell, HeredocPsqlVariablesAndMetaCommands) {
    std::string sh =
        "psql -v tenant=\"$1\" <<'SQL'\n"
        "\\set ON_ERROR_STOP on\n"
        "DELETE FROM :tbl WHERE tenant_id = :'tenant' AND n::int > 0 AND note <> ':x';\n"
        "SELECT format('DELETE FROM %I', t) FROM x \\gexec\n"
        "SQL\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql,
              "                     \n"
              "DELETE FROM _tbl WHERE tenant_id = $1        AND n::int > 0 AND note <> ':x';\n"
              "SELECT format('DELETE FROM %I', t) FROM x       \n");
    EXPECT_EQ(interpolations(fs[0]), (std::vector<std::string>{"_tbl", "$1       "}));
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "3:1");
    EXPECT_EQ(where(sh, fs[0], "_tbl"), "3:13");
    EXPECT_EQ(where(sh, fs[0], "AND n"), "3:46");
}

TEST(SqlSourcesShell, UnterminatedHeredocEndsAtEndOfFile) {
    std::string sh = "psql <<SQL\nDELETE FROM t;\nSELECT 1";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM t;\nSELECT 1");
    EXPECT_EQ(fs[0].source_offsets.back(), sh.size());
}

// ---- shell: other places SQL hides ------------------------------------------------------------------

TEST(SqlSourcesShell, SqlAssignedToAVariable) {
    std::string sh =
        "SQL=\"DELETE FROM unified_logs WHERE created_at < now() - interval '30 days'\"\n"
        "local q='delete from t where id = 1'\n"
        "export PURGE_SQL=\"TRUNCATE $PART\"\n"
        "MSG=\"Delete from cache failed\"\n"
        "NAME=delete\n"
        "psql -c \"$SQL\"\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 4u);
    EXPECT_EQ(fs[0].origin, "shell variable");
    EXPECT_EQ(fs[0].sql, "DELETE FROM unified_logs WHERE created_at < now() - interval '30 days'");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "1:6");
    EXPECT_EQ(fs[1].sql, "delete from t where id = 1");
    EXPECT_EQ(where(sh, fs[1], "delete"), "2:10");
    EXPECT_EQ(fs[2].sql, "TRUNCATE _PART");
    EXPECT_EQ(interpolations(fs[2]), std::vector<std::string>{"_PART"});
    // psql -c "$SQL": the command is only the variable (the linter reports it as built at run time).
    EXPECT_EQ(fs[3].sql, "_SQL");
    EXPECT_EQ(fs[3].origin, "psql -c");
}

TEST(SqlSourcesShell, CommentsAreNotFragments) {
    std::string sh =
        "# DELETE FROM x\n"
        "# psql -c \"DELETE FROM y\"\n"
        "  # SQL=\"DELETE FROM z\"\n"
        "echo a#b  # psql -c 'DELETE FROM w'\n"
        "psql -c 'SELECT 1' # -c 'DELETE FROM v'\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "SELECT 1");
}

TEST(SqlSourcesShell, EchoIntoPsqlHereStringAndCommandSubstitution) {
    std::string sh =
        "echo \"DELETE FROM a WHERE id = $ID;\" | psql \"$URL\"\n"
        "psql \"$URL\" <<< 'DELETE FROM b'\n"
        "COUNT=$(psql -tAc \"DELETE FROM c RETURNING 1\" | wc -l)\n"
        "OUT=\"$(psql <<SQL\n"
        "DELETE FROM d;\n"
        "SQL\n"
        ")\"\n"
        "echo \"DELETE FROM not_fed_to_psql\"\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 4u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM a WHERE id = _ID;");
    EXPECT_EQ(fs[0].origin, "psql stdin");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "1:7");
    EXPECT_EQ(fs[1].sql, "DELETE FROM b");
    EXPECT_EQ(fs[1].origin, "here-string");
    EXPECT_EQ(where(sh, fs[1], "DELETE"), "2:18");
    EXPECT_EQ(fs[2].sql, "DELETE FROM c RETURNING 1");
    EXPECT_EQ(where(sh, fs[2], "DELETE"), "3:20");
    EXPECT_EQ(fs[3].sql, "DELETE FROM d;\n");
    EXPECT_EQ(where(sh, fs[3], "DELETE"), "5:1");
}

TEST(SqlSourcesShell, InterpolationsOfEveryKindAreMasked) {
    std::string sh = "psql -c \"DELETE FROM t_$SUFFIX WHERE a = ${A} AND b = '${B:-x}' AND c = $(f \"(\" (g)) AND d = `h` AND e = $1\"\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM t__SUFFIX WHERE a = __A_ AND b = '__B__x_' AND c = __f______g__ AND d = _h_ AND e = _1");
    EXPECT_EQ(interpolations(fs[0]), (std::vector<std::string>{"_SUFFIX", "__A_", "__B__x_", "__f______g__", "_h_", "_1"}));
    EXPECT_EQ(where(sh, fs[0], "AND d"), "1:86");
}

TEST(SqlSourcesShell, CrlfScript) {
    std::string sh = "set -e\r\npsql -c \"DELETE FROM a\"\r\npsql <<SQL\r\nDELETE FROM b;\r\nSQL\r\necho ok\r\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 2u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM a");
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "2:10");
    EXPECT_EQ(fs[1].sql, "DELETE FROM b;\r\n");
    EXPECT_EQ(where(sh, fs[1], "DELETE"), "4:1");
}

TEST(SqlSourcesShell, Utf8OffsetsAreBytesAndColumnsCharacters) {
    std::string sh = "echo \"清理租户数据\"; psql -c \"DELETE FROM t WHERE note = '注释'\"\n";
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM t WHERE note = '注释'");
    EXPECT_EQ(fs[0].source_offsets[0], sh.find("DELETE"));
    EXPECT_EQ(where(sh, fs[0], "DELETE"), "1:25");
}

TEST(SqlSourcesShell, PsqlFileArguments) {
    std::string sh =
        "psql -f cleanup.sql\n"
        "psql \"$URL\" --file=purge/outbox.sql -v x=1\n"
        "psql -X -f \"$DIR/x.sql\" --file 'a b.sql'\n"
        "psql -1 -fone.sql < two.sql\n"
        "psql <<SQL\n"
        "\\i include/three.sql\n"
        "\\ir four.sql\n"
        "SQL\n"
        "cat -f not_psql.sql\n"
        "psql -f - < /dev/null\n";
    EXPECT_EQ(psql_file_arguments(sh),
              (std::vector<std::string>{"cleanup.sql", "purge/outbox.sql", "$DIR/x.sql", "a b.sql", "one.sql", "two.sql",
                                        "include/three.sql", "four.sql", "/dev/null"}));
    // The \i lines are blanked in the heredoc's SQL (psql runs them, the server never sees them).
    auto fs = shell(sh);
    ASSERT_EQ(fs.size(), 0u);
}

// ---- code -----------------------------------------------------------------------------------------

TEST(SqlSourcesCode, PythonStringsOfEveryKind) {
    std::string py =
        "# cur.execute(\"DELETE FROM commented_out\")\n"
        "a = 'DELETE FROM a WHERE id = 1'\n"
        "b = \"delete from b\"\n"
        "c = '''\n"
        "    DELETE FROM c\n"
        "    WHERE id = 3\n"
        "'''\n"
        "d = \"\"\"SELECT 'x'\"\"\"\n"
        "e = r\"DELETE FROM e WHERE note ~ '\\d+'\"\n"
        "f = b'DELETE FROM f'\n"
        "g = Rb\"DELETE FROM g\"\n"
        "h = 'not sql'  # \"DELETE FROM h\"\n"
        "i = \"Delete old rows\"  # prose, not SQL\n";
    auto fs = code(py, "app/purge.py");
    ASSERT_EQ(fs.size(), 7u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM a WHERE id = 1");
    EXPECT_EQ(fs[0].origin, "string literal");
    EXPECT_EQ(where(py, fs[0], "DELETE"), "2:6");
    EXPECT_EQ(fs[1].sql, "delete from b");
    EXPECT_EQ(fs[2].sql, "\n    DELETE FROM c\n    WHERE id = 3\n");
    EXPECT_EQ(where(py, fs[2], "DELETE"), "5:5");
    EXPECT_EQ(where(py, fs[2], "WHERE"), "6:5");
    EXPECT_EQ(fs[3].sql, "SELECT 'x'");
    EXPECT_EQ(fs[4].sql, "DELETE FROM e WHERE note ~ '\\d+'");
    EXPECT_EQ(where(py, fs[4], "DELETE"), "9:7");
    EXPECT_EQ(fs[5].sql, "DELETE FROM f");
    EXPECT_EQ(fs[6].sql, "DELETE FROM g");
    EXPECT_EQ(where(py, fs[6], "DELETE"), "11:8");
}

TEST(SqlSourcesCode, PythonFStringsAndDriverPlaceholders) {
    std::string py =
        "cur.execute(f\"DELETE FROM {table} WHERE data = '{{}}' AND k = {key!r}\")\n"
        "cur.execute(\"DELETE FROM t WHERE a = %s AND b = %(scope)s AND c LIKE 'x%s' AND d = 5 %% 2\", args)\n"
        "conn.execute(text(\"DELETE FROM t WHERE a = :tenant AND b = c::int AND d = ':nope' AND e[1:n] = 1\"))\n"
        "q = \"DELETE FROM {} WHERE id = {0}\".format(t, i)\n";
    auto fs = code(py, "x.py");
    ASSERT_EQ(fs.size(), 4u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM _table_ WHERE data = '{}' AND k = _key_r_");
    EXPECT_EQ(interpolations(fs[0]), (std::vector<std::string>{"_table_", "_key_r_"}));
    EXPECT_EQ(where(py, fs[0], "_table_"), "1:27");
    EXPECT_EQ(where(py, fs[0], "AND k"), "1:55");  // after {{}} the offsets still match the file
    EXPECT_EQ(fs[1].sql, "DELETE FROM t WHERE a = $1 AND b = $2        AND c LIKE 'x%s' AND d = 5 %% 2");
    EXPECT_EQ(interpolations(fs[1]), (std::vector<std::string>{"$1", "$2       "}));
    EXPECT_EQ(where(py, fs[1], "AND b"), "2:41");
    EXPECT_EQ(where(py, fs[1], "AND c"), "2:59");
    EXPECT_EQ(fs[2].sql, "DELETE FROM t WHERE a = $1      AND b = c::int AND d = ':nope' AND e[1:n] = 1");
    EXPECT_EQ(where(py, fs[2], "AND b"), "3:52");
    EXPECT_EQ(fs[3].sql, "DELETE FROM __ WHERE id = _0_");
    EXPECT_EQ(interpolations(fs[3]), (std::vector<std::string>{"__", "_0_"}));
}

TEST(SqlSourcesCode, JdbcQuestionMarks) {
    std::string java =
        "class Purge {\n"
        "  // jdbc.update(\"DELETE FROM commented\");\n"
        "  void run() { jdbc.update(\"DELETE FROM t WHERE a = ? AND b = ? AND j ?? 'k' AND note = '?'\", a, b); }\n"
        "}\n";
    auto fs = code(java, "Purge.java");
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM t WHERE a = $1 AND b = $2 AND j ?? 'k' AND note = '?'");
    EXPECT_EQ(where(java, fs[0], "$1"), "3:53");
    EXPECT_EQ(where(java, fs[0], "AND b"), "3:55");  // `?` → `$1` is one byte longer; the rest stays in place
    EXPECT_EQ(where(java, fs[0], "AND j"), "3:65");
}

TEST(SqlSourcesCode, JavaScriptStringsTemplatesAndComments) {
    std::string js =
        "// await db.query('DELETE FROM commented')\n"
        "/* await db.query(\"DELETE FROM block_commented\") */\n"
        "await db.query('DELETE FROM a WHERE id = $1', [id]);\n"
        "await db.query(\"DELETE FROM b\");\n"
        "await db.query(`\n"
        "  DELETE FROM ${table}\n"
        "  WHERE tenant = '${tenant.id}' AND x = ${f({a: 1})}`);\n"
        "const s = sql`DELETE FROM c`;\n";
    auto fs = code(js, "src/purge.ts");
    ASSERT_EQ(fs.size(), 4u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM a WHERE id = $1");
    EXPECT_EQ(where(js, fs[0], "DELETE"), "3:17");
    EXPECT_EQ(fs[1].sql, "DELETE FROM b");
    EXPECT_EQ(fs[2].sql, "\n  DELETE FROM __table_\n  WHERE tenant = '__tenant_id_' AND x = __f__a__1___");
    EXPECT_EQ(interpolations(fs[2]), (std::vector<std::string>{"__table_", "__tenant_id_", "__f__a__1___"}));
    EXPECT_EQ(where(js, fs[2], "DELETE"), "6:3");
    EXPECT_EQ(where(js, fs[2], "WHERE"), "7:3");
    EXPECT_EQ(fs[3].sql, "DELETE FROM c");
    EXPECT_EQ(where(js, fs[3], "DELETE"), "8:15");
}

TEST(SqlSourcesCode, GoStringsAndRawStrings) {
    std::string go =
        "package purge\n"
        "const q = `DELETE FROM a\n"
        "WHERE note = '\\n'`\n"
        "func f() { db.Exec(\"DELETE FROM b WHERE c = '\\\\'\", x); r := 'x'; _ = r }\n";
    auto fs = code(go, "purge.go");
    ASSERT_EQ(fs.size(), 2u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM a\nWHERE note = '\\n'");  // raw: the backslash stays
    EXPECT_EQ(where(go, fs[0], "WHERE"), "3:1");
    EXPECT_EQ(fs[1].sql, "DELETE FROM b WHERE c = '\\'");
    EXPECT_EQ(where(go, fs[1], "WHERE"), "4:35");
}

TEST(SqlSourcesCode, JavaTextBlocksAndKotlinTemplates) {
    std::string java =
        "String q = \"\"\"\n"
        "    DELETE FROM a\n"
        "    WHERE id = ?\n"
        "    \"\"\";\n"
        "char c = '\"';\n"
        "String r = \"DELETE FROM b\";\n";
    auto fs = code(java, "A.java");
    ASSERT_EQ(fs.size(), 2u);
    EXPECT_EQ(fs[0].sql, "    DELETE FROM a\n    WHERE id = $1\n    ");
    EXPECT_EQ(where(java, fs[0], "DELETE"), "2:5");
    EXPECT_EQ(fs[1].sql, "DELETE FROM b");  // the '"' char literal did not open a string
    EXPECT_EQ(where(java, fs[1], "DELETE"), "6:13");

    std::string kt = "val q = \"DELETE FROM $table WHERE id = ${ids.first()}\"\nval r = \"\"\"delete from c\"\"\"\n";
    auto ks = code(kt, "A.kt");
    ASSERT_EQ(ks.size(), 2u);
    EXPECT_EQ(ks[0].sql, "DELETE FROM _table WHERE id = __ids_first___");
    EXPECT_EQ(ks[1].sql, "delete from c");
}

TEST(SqlSourcesCode, RubyPhpAndCSharpStrings) {
    std::string rb = "# DELETE FROM x\nActiveRecord::Base.connection.execute(\"DELETE FROM logs WHERE tenant = '#{tenant}'\")\nq = 'delete from t where a = \\'b\\''\n";
    auto r = code(rb, "purge.rb");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].sql, "DELETE FROM logs WHERE tenant = '__tenant_'");
    EXPECT_EQ(where(rb, r[0], "DELETE"), "2:40");
    EXPECT_EQ(r[1].sql, "delete from t where a = 'b'");

    std::string php = "<?php\n# $db->exec(\"DELETE FROM x\");\n$db->exec(\"DELETE FROM logs WHERE id = $id AND t = {$this->t}\");\n$db->exec('DELETE FROM ' . $table . ' WHERE a = 1');\n";
    auto p = code(php, "purge.php");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].sql, "DELETE FROM logs WHERE id = _id AND t = __this__t_");
    EXPECT_EQ(p[1].sql, "DELETE FROM _table WHERE a = 1");
    EXPECT_EQ(interpolations(p[1]), std::vector<std::string>{"_table"});
    EXPECT_EQ(where(php, p[1], "_table"), "4:28");

    std::string cs = "var a = @\"DELETE FROM \"\"Logs\"\"\nWHERE x = 1\";\nvar b = $\"DELETE FROM t WHERE id = {id} AND j = '{{}}'\";\n";
    auto c = code(cs, "Purge.cs");
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].sql, "DELETE FROM \"Logs\"\nWHERE x = 1");
    EXPECT_EQ(where(cs, c[0], "WHERE"), "2:1");
    EXPECT_EQ(c[1].sql, "DELETE FROM t WHERE id = _id_ AND j = '{}'");
    EXPECT_EQ(where(cs, c[1], "AND j"), "3:41");
}

TEST(SqlSourcesCode, RustRawStringsAndLifetimes) {
    std::string rs =
        "fn purge<'a>(c: &'a Client, t: &'a str) {\n"
        "    c.execute(r#\"DELETE FROM \"logs\" WHERE t = $1\"#, &[&t]);\n"
        "    let q = \"delete from x\\n where y = 1\";\n"
        "}\n";
    auto fs = code(rs, "purge.rs");
    ASSERT_EQ(fs.size(), 2u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM \"logs\" WHERE t = $1");
    EXPECT_EQ(where(rs, fs[0], "DELETE"), "2:18");
    EXPECT_EQ(fs[1].sql, "delete from x\n where y = 1");
    EXPECT_EQ(where(rs, fs[1], "where"), "3:30");
}

TEST(SqlSourcesCode, EscapesAreResolvedAndOffsetsStayExact) {
    std::string py = "q = \"DELETE FROM \\\"Caf\\u00e9\\\"\\n\\tWHERE note = 'it\\'s' AND x = '\\x41'\"\n";
    auto fs = code(py, "e.py");
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM \"Café\"\n\tWHERE note = 'it's' AND x = 'A'");
    EXPECT_EQ(where(py, fs[0], "WHERE"), "1:35");
    EXPECT_EQ(where(py, fs[0], "AND"), "1:56");
    EXPECT_EQ(where(py, fs[0], "é"), "1:23");  // the escape's backslash
}

TEST(SqlSourcesCode, ConcatenatedLiteralsAreOneFragment) {
    std::string py =
        "cur.execute(\"DELETE FROM memory_nodes \" + \"WHERE scope_key = %s\", (k,))\n"
        "cur.execute(\n"
        "    \"DELETE FROM x \"\n"
        "    \"WHERE y = 1\"\n"
        ")\n";
    auto fs = code(py, "c.py");
    ASSERT_EQ(fs.size(), 2u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM memory_nodes  WHERE scope_key = $1");
    EXPECT_EQ(where(py, fs[0], "WHERE"), "1:44");
    EXPECT_EQ(where(py, fs[0], 25), "1:39");  // the joining space: the gap's first byte (the closing quote)
    EXPECT_EQ(fs[1].sql, "DELETE FROM x  WHERE y = 1");
    EXPECT_EQ(where(py, fs[1], "WHERE"), "4:6");

    std::string java = "String q = \"DELETE FROM t \" +\n    \"WHERE a = 1 \"\n    + \"AND b = 2\";\n";
    auto js = code(java, "Q.java");
    ASSERT_EQ(js.size(), 1u);
    EXPECT_EQ(js[0].sql, "DELETE FROM t  WHERE a = 1  AND b = 2");
    EXPECT_EQ(where(java, js[0], "AND"), "3:8");
}

TEST(SqlSourcesCode, SqlBuiltAtRunTimeIsStillReturned) {
    std::string js =
        "db.query(\"DELETE FROM \" + table + \" WHERE tenant_id = $1\", [t]);\n"
        "db.query('DELETE FROM logs_' + suffix);\n"
        "db.query('DELETE FROM ' + schema.tables[i].name + ' WHERE x = ' + ids.join(',') + ' AND y');\n"
        "const msg = 'count: ' + n + 'DELETE FROM tail';\n";
    auto fs = code(js, "q.js");
    ASSERT_EQ(fs.size(), 4u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM _able WHERE tenant_id = $1");
    EXPECT_EQ(interpolations(fs[0]), std::vector<std::string>{"_able"});
    EXPECT_EQ(where(js, fs[0], "_able"), "1:27");
    EXPECT_EQ(where(js, fs[0], "WHERE"), "1:37");
    EXPECT_EQ(fs[1].sql, "DELETE FROM logs__uffix");  // the interpolation is part of the table name
    EXPECT_EQ(interpolations(fs[1]), std::vector<std::string>{"_uffix"});
    EXPECT_EQ(fs[2].sql, "DELETE FROM _chema_tables_i__name WHERE x = _ds_join_____ AND y");
    // A literal that starts a statement is returned even when something is prepended at run time.
    EXPECT_EQ(fs[3].sql, "DELETE FROM tail");
}

TEST(SqlSourcesCode, UnterminatedStrings) {
    std::string py = "a = \"DELETE FROM a\nb = 'DELETE FROM b'\nc = '''DELETE FROM c\n";
    auto fs = code(py, "u.py");
    ASSERT_EQ(fs.size(), 3u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM a");  // a single-line string ends with its line
    EXPECT_EQ(fs[1].sql, "DELETE FROM b");
    EXPECT_EQ(fs[2].sql, "DELETE FROM c\n");  // a triple-quoted one runs to the end of the file
    EXPECT_EQ(fs[2].source_offsets.back(), py.size());
}

TEST(SqlSourcesCode, LanguageFromShebangOrLenientWithoutPath) {
    std::string py = "#!/usr/bin/env python3\nx = 1 // 2  # 'DELETE FROM comment'\nq = f'DELETE FROM {t}'\n";
    auto fs = code(py, "bin/purge");
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].sql, "DELETE FROM _t_");
    auto lenient = extract_sql_fragments(SourceKind::code, "q = `DELETE FROM ${t}` // \"DELETE FROM c\"\n# 'DELETE FROM h'\n");
    ASSERT_EQ(lenient.size(), 1u);
    EXPECT_EQ(lenient[0].sql, "DELETE FROM __t_");
}

TEST(SqlSources, ClassifiesByExtensionThenShebang) {
    EXPECT_EQ(classify_source("db/init.sql", ""), SourceKind::sql);
    EXPECT_EQ(classify_source("x.PSQL", ""), SourceKind::sql);
    EXPECT_EQ(classify_source("scripts/admin/scope-purge.sh", ""), SourceKind::shell);
    EXPECT_EQ(classify_source("a.bash", ""), SourceKind::shell);
    EXPECT_EQ(classify_source("app/jobs.py", ""), SourceKind::code);
    EXPECT_EQ(classify_source("src/x.tsx", ""), SourceKind::code);
    EXPECT_EQ(classify_source("Purge.java", ""), SourceKind::code);
    EXPECT_EQ(classify_source("bin/purge", "#!/usr/bin/env bash\n"), SourceKind::shell);
    EXPECT_EQ(classify_source("bin/purge", "#!/bin/sh -e\n"), SourceKind::shell);
    EXPECT_EQ(classify_source("bin/purge", "#!/usr/bin/python3.11\n"), SourceKind::code);
    EXPECT_EQ(classify_source("bin/purge", "#!/usr/bin/env -S node --no-warnings\n"), SourceKind::code);
    EXPECT_EQ(classify_source("README.md", "# DELETE FROM x\n"), SourceKind::unknown);
    EXPECT_TRUE(extract_sql_fragments(SourceKind::unknown, "DELETE FROM x").empty());
    auto whole = extract_sql_fragments(SourceKind::sql, "DELETE FROM x;");
    ASSERT_EQ(whole.size(), 1u);
    EXPECT_EQ(whole[0].sql, "DELETE FROM x;");
}

// ---- robustness ----------------------------------------------------------------------------------

// 1 MB inputs built from the constructs that could make a scanner quadratic (unclosed brackets and quotes,
// long concatenation chains, many heredocs). No time is asserted: the scanners are linear by design, and
// this shows it stays so (a quadratic scan of 1 MB would take minutes).
TEST(SqlSources, MegabyteInputs) {
    auto repeat = [](const std::string& unit) {
        std::string s;
        while (s.size() < (1u << 20)) s += unit;
        return s;
    };
    const std::vector<std::pair<SourceKind, std::string>> inputs = {
        {SourceKind::shell, repeat("psql -c \"DELETE FROM t WHERE a = '$A'\" <<SQL\nDELETE FROM u;\nSQL\n")},
        {SourceKind::shell, repeat("$( ${ \" ' ` <<E <<-'F' \\\n")},
        {SourceKind::shell, repeat("x=$(((((( ")},
        {SourceKind::shell, "psql <<EOF\n" + repeat("DELETE FROM t WHERE a = '$(x)' ${y} `z` \\$ :v :'w';\n")},
        {SourceKind::code, repeat("q = \"DELETE FROM t \" + \"WHERE a = %s\" + x + \" AND b = ?\"\n")},
        {SourceKind::code, "q = f\"\"\"DELETE FROM " + repeat("{ {{ }} ( [ ") + "\"\"\""},
        {SourceKind::code, repeat("'DELETE FROM x' + (")},
        {SourceKind::code, "q = `DELETE FROM " + repeat("${ `") + "`"},
        {SourceKind::code, repeat("\"DELETE FROM t WHERE a = '?' AND b = $$ ? $$ AND c = :d ")},
    };
    for (const auto& [kind, text] : inputs) {
        auto start = std::chrono::steady_clock::now();
        auto fs = extract_sql_fragments(kind, text, kind == SourceKind::code ? "big.py" : "");
        auto files = psql_file_arguments(text);
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        for (const auto& f : fs) ASSERT_EQ(broken_invariant(text, f), "");
        std::string head = text.substr(0, 16);
        std::replace(head.begin(), head.end(), '\n', ' ');
        std::printf("[ 1 MB     ] %s input starting %s…: %zu fragments, %zu psql files (%.3f s)\n",
                    kind == SourceKind::code ? "code" : "shell", head.c_str(), fs.size(), files.size(), secs);
    }
}

// Bounded random-input fuzz: random bytes, random mixes of the scanners' special tokens, and mutations of the
// test corpus, each extracted as shell and as code of every language; never throws, never crashes (ASan and
// UBSan runs take PGGATE_FUZZ_INPUTS=N for more), and every fragment keeps its invariants.
TEST(SqlSources, FuzzExtraction) {
    const std::vector<std::string> corpus = {
        "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -c \"DELETE FROM t WHERE tenant_id = '$TENANT'\"\n",
        "psql <<-'EOF'\n\tDELETE FROM t;\n\tEOF\ncat <<SQL | psql\nDELETE FROM :tbl WHERE a = :'v';\n\\i x.sql\nSQL\n",
        "SQL=\"DELETE FROM a\"; \"${PSQL[@]}\" -tAc \"$SQL\" -f \"$DIR/x.sql\" --file=y.sql < z.sql\n",
        "X=$(psql -c \"$(echo `date` ${A:-b})\" <<< 'DELETE FROM b') # c\n",
        "cur.execute(f\"DELETE FROM {t} WHERE a = %s AND b = %(n)s AND c = :d AND e = ? {{}}\", x)\n",
        "q = (\"DELETE FROM x \"\n     \"WHERE y\") + z + r'''\\d''' + b\"\\x41\\u00e9\\N{DASH}\"\n",
        "db.query(`DELETE FROM ${t} WHERE a = '${f({a: `x`})}'` + \"DELETE FROM \" + table + ' WHERE')\n",
        "String q = \"\"\"\n  DELETE FROM a\n  \"\"\"; char c = '\"'; var s = $@\"DELETE {x} \"\"y\"\"\";\n",
        "$db->exec(\"DELETE FROM logs WHERE id = $id AND {$o->p}\" . $x . 'DELETE'); r#\"DELETE FROM r\"#; 'a\n",
        "execute(\"DELETE FROM logs WHERE t = '#{t}'\") /* DELETE */ // DELETE\n# DELETE\n",
        "DELETE FROM t WHERE a = $$ ? $$ AND b = E'\\'' AND c = \"q\" -- :x\n/* ? */ AND d = $tag$ %s $tag$",
    };
    const std::vector<std::string> tokens = {"'", "\"", "`", "$", "${", "$(", "((", "{", "}", "(", ")", "<<", "<<-", "<<<",
                                             "\\", "\n", "\r\n", "#", "//", "/*", "*/", "\"\"\"", "'''", "f\"", "r#\"", "@\"",
                                             "+", " ", "psql", "-c", "-f", "EOF", "DELETE FROM ", "%s", "?", ":x", "::", "\t", "$$",
                                             "\xE4\xB8\xAD", "\x80", std::string(1, '\0')};
    const std::vector<std::string> paths = {"", "a.py", "a.js", "a.go", "A.java", "a.kt", "a.cs", "a.rb", "a.php", "a.rs"};
    std::mt19937 rng(20240607u);
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    // 10,000 inputs by default (about a second: each goes through 11 scanners); PGGATE_FUZZ_INPUTS=N runs more.
    const int kInputs = std::getenv("PGGATE_FUZZ_INPUTS") ? std::max(1, std::atoi(std::getenv("PGGATE_FUZZ_INPUTS"))) : 10000;
    int ran = 0;
    long fragments = 0;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kInputs; ++i) {
        std::string s;
        if (i % 3 == 0) {
            size_t len = pick(200);
            for (size_t j = 0; j < len; ++j) s += static_cast<char>(pick(256));
        } else if (i % 3 == 1) {
            size_t len = pick(60);
            for (size_t j = 0; j < len; ++j) s += tokens[pick(tokens.size())];
        } else {
            s = corpus[pick(corpus.size())];
            size_t edits = 1 + pick(8);
            for (size_t k = 0; k < edits; ++k) {
                size_t op = pick(4);
                size_t at = pick(s.size() + 1);
                if (op == 0) s.insert(at, tokens[pick(tokens.size())]);
                else if (op == 1 && at < s.size()) s.erase(at, 1 + pick(std::min<size_t>(8, s.size() - at)));
                else if (op == 2) s.insert(at, corpus[pick(corpus.size())]);
                else if (at < s.size()) s[at] = static_cast<char>(pick(256));
            }
        }
        std::string failure;
        try {
            auto check = [&](const std::vector<SqlFragment>& fs) {
                for (const auto& f : fs) {
                    std::string b = broken_invariant(s, f);
                    if (!b.empty() && failure.empty()) failure = b + " in fragment \"" + f.sql + "\"";
                }
                fragments += static_cast<long>(fs.size());
            };
            check(extract_sql_fragments(SourceKind::shell, s));
            for (const auto& path : paths) check(extract_sql_fragments(SourceKind::code, s, path));
            (void)psql_file_arguments(s);
        } catch (const std::exception& e) {
            failure = std::string("exception: ") + e.what();
        }
        ASSERT_EQ(failure, "") << "input #" << i << ": " << testing::PrintToString(s);
        ++ran;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[ fuzz     ] SQL extraction (shell + 10 code dialects, psql files): %d inputs, %ld fragments, no crash, "
                "no exception (%.2f s)\n",
                ran, fragments, secs);
    EXPECT_EQ(ran, kInputs);
}

}  // namespace
}  // namespace pggate
