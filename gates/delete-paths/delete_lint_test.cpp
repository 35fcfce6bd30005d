// The delete-paths linter on SQL it has to see through: CTEs, PL/pgSQL and SQL function bodies, DO
// blocks, EXECUTE, shell scripts and application strings; pinned deletes and partition operations
// must not be flagged. Every expectation names the exact line.
#include "gates/delete-paths/delete_lint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace pggate {
namespace {

const char* kSchema = R"sql(
CREATE TABLE memory_nodes (tenant_id text NOT NULL, scope_key text NOT NULL, node_id bigint NOT NULL,
  PRIMARY KEY (scope_key, node_id)) PARTITION BY HASH (scope_key);
CREATE TABLE memory_nodes_p00 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE memory_nodes_p01 PARTITION OF memory_nodes FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE outbox (id bigint, tenant_id text, created_at timestamptz NOT NULL, processed_at timestamptz) PARTITION BY RANGE (created_at);
CREATE TABLE outbox_2026_01 PARTITION OF outbox FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00');
CREATE TABLE outbox_2026_02 PARTITION OF outbox FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00');
CREATE TABLE tenants_data (tenant text NOT NULL, id bigint NOT NULL) PARTITION BY LIST (tenant);
CREATE TABLE tenants_data_a PARTITION OF tenants_data FOR VALUES IN ('a', 'b');
CREATE TABLE tenants_data_c PARTITION OF tenants_data FOR VALUES IN ('c');
CREATE TABLE unified_logs (id bigserial PRIMARY KEY, "timestamp" timestamptz NOT NULL, level text);
)sql";

struct Hit {
    std::string rule;
    int line;
};

// Lints `body` placed after the schema; returns (rule, line relative to the body's first line).
std::vector<Hit> lint(const std::string& body, const std::vector<std::string>& large = {"public.unified_logs"},
                      const std::string& file = "cleanup.sql", bool with_schema = true) {
    TableModel model;
    model.large_globs = large;
    std::string schema = with_schema ? kSchema : "";
    int offset = static_cast<int>(std::count(schema.begin(), schema.end(), '\n'));
    if (!with_schema) learn_tables(model, kSchema);
    LintResult r = lint_text(file, schema + body, model);
    EXPECT_TRUE(r.problems.empty()) << (r.problems.empty() ? "" : r.problems[0].message);
    std::vector<Hit> out;
    for (const auto& f : r.findings) out.push_back({f.rule, f.line - offset});
    return out;
}

std::string dump(const std::vector<Hit>& hits) {
    std::string s;
    for (const auto& h : hits) s += h.rule + "@" + std::to_string(h.line) + " ";
    return s;
}

bool has(const std::vector<Hit>& hits, const std::string& rule, int line) {
    return std::any_of(hits.begin(), hits.end(), [&](const Hit& h) { return h.rule == "delete-paths." + rule && h.line == line; });
}

size_t count_rule(const std::vector<Hit>& hits, const std::string& rule) {
    return std::count_if(hits.begin(), hits.end(), [&](const Hit& h) { return h.rule == "delete-paths." + rule; });
}

TEST(DeleteLint, BulkDeleteOnHashPartitionedTableUnlessTheKeyIsPinned) {
    auto hits = lint("DELETE FROM memory_nodes WHERE tenant_id = 'a';\n"
                     "DELETE FROM memory_nodes WHERE scope_key = 'a/s1' AND tenant_id = 'a';\n"
                     "DELETE FROM memory_nodes WHERE scope_key = $1;\n"
                     "DELETE FROM public.memory_nodes AS n WHERE n.scope_key IN ('a', 'b');\n"
                     "DELETE FROM memory_nodes WHERE scope_key = 'a' OR tenant_id = 'b';\n");
    EXPECT_TRUE(has(hits, "bulk-delete", 1)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 4)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 5)) << dump(hits);
    EXPECT_EQ(count_rule(hits, "bulk-delete"), 3u) << dump(hits);
}

TEST(DeleteLint, RangeDeletesArePlacedAgainstTheBounds) {
    auto hits = lint("DELETE FROM outbox WHERE created_at < now() - interval '30 days';\n"
                     "DELETE FROM outbox WHERE created_at >= '2026-01-01' AND created_at < '2026-02-01';\n"
                     "DELETE FROM outbox WHERE created_at >= '2026-01-15' AND created_at < '2026-02-15';\n"
                     "DELETE FROM outbox WHERE created_at BETWEEN '2026-02-03 10:00+00' AND '2026-02-04';\n"
                     "DELETE FROM outbox WHERE created_at = '2026-01-20 08:00:00+00' AND id = 4;\n"
                     "DELETE FROM outbox WHERE created_at >= $1 AND created_at < $2;\n"
                     "DELETE FROM outbox WHERE processed_at IS NOT NULL;\n"
                     "DELETE FROM outbox WHERE '2026-01-02' <= created_at AND '2026-01-09' > created_at;\n");
    EXPECT_TRUE(has(hits, "bulk-delete", 1)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 3)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 6)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 7)) << dump(hits);
    EXPECT_EQ(count_rule(hits, "bulk-delete"), 4u) << dump(hits);
}

TEST(DeleteLint, ListPartitionsPinByValue) {
    auto hits = lint("DELETE FROM tenants_data WHERE tenant = 'c';\n"
                     "DELETE FROM tenants_data WHERE tenant IN ('a', 'b');\n"
                     "DELETE FROM tenants_data WHERE tenant IN ('a', 'c');\n"
                     "DELETE FROM tenants_data WHERE id > 10;\n");
    EXPECT_TRUE(has(hits, "bulk-delete", 3)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 4)) << dump(hits);
    EXPECT_EQ(count_rule(hits, "bulk-delete"), 2u) << dump(hits);
}

TEST(DeleteLint, LeafPartitionsAndPointDeletesAreNotBulk) {
    auto hits = lint("DELETE FROM outbox_2026_01 WHERE processed_at IS NOT NULL;\n"
                     "DELETE FROM unified_logs WHERE id = 42;\n"
                     "DELETE FROM unified_logs WHERE \"timestamp\" < now() - interval '30 days';\n"
                     "DELETE FROM some_small_table WHERE x = 1;\n");
    EXPECT_TRUE(has(hits, "bulk-delete", 3)) << dump(hits);
    EXPECT_EQ(hits.size(), 1u) << dump(hits);
}

TEST(DeleteLint, DeletesInsideCtesUsingAndSubqueries) {
    auto hits = lint("WITH gone AS (\n"
                     "  DELETE FROM memory_nodes n\n"
                     "   WHERE n.tenant_id = $1\n"
                     "  RETURNING n.node_id\n"
                     ") SELECT count(*) FROM gone;\n"
                     "DELETE FROM memory_nodes n USING tenants t WHERE n.scope_key = t.scope AND t.closed;\n"
                     "DELETE FROM memory_nodes WHERE scope_key = (SELECT scope FROM purge_queue LIMIT 1);\n"
                     "INSERT INTO audit SELECT * FROM (WITH d AS (DELETE FROM outbox RETURNING *) SELECT * FROM d) x;\n");
    EXPECT_TRUE(has(hits, "bulk-delete", 2)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 6)) << dump(hits);
    EXPECT_TRUE(has(hits, "delete-without-where", 8)) << dump(hits);
    EXPECT_EQ(hits.size(), 3u) << dump(hits);
}

TEST(DeleteLint, WithoutWhereOnAnyTable) {
    auto hits = lint("DELETE FROM session_cache;\n"
                     "UPDATE accounts SET flagged = false;\n"
                     "UPDATE accounts SET flagged = false WHERE id = 1;\n"
                     "DELETE FROM memory_nodes;\n");
    EXPECT_TRUE(has(hits, "delete-without-where", 1)) << dump(hits);
    EXPECT_TRUE(has(hits, "update-without-where", 2)) << dump(hits);
    EXPECT_TRUE(has(hits, "delete-without-where", 4)) << dump(hits);
    EXPECT_EQ(hits.size(), 3u) << dump(hits);
}

TEST(DeleteLint, PartitionPathIsRecognised) {
    auto hits = lint("TRUNCATE memory_nodes_p01;\n"
                     "ALTER TABLE outbox DETACH PARTITION outbox_2026_01 CONCURRENTLY;\n"
                     "DROP TABLE outbox_2026_01;\n"
                     "DROP TABLE IF EXISTS outbox_2026_02;\n"
                     "TRUNCATE memory_nodes;\n"
                     "TRUNCATE some_small_table;\n");
    EXPECT_TRUE(has(hits, "partition-path", 1)) << dump(hits);
    EXPECT_TRUE(has(hits, "partition-path", 2)) << dump(hits);
    EXPECT_TRUE(has(hits, "partition-path", 3)) << dump(hits);
    EXPECT_TRUE(has(hits, "partition-path", 4)) << dump(hits);
    EXPECT_TRUE(has(hits, "truncate-whole-table", 5)) << dump(hits);
    EXPECT_EQ(hits.size(), 5u) << dump(hits);
}

TEST(DeleteLint, PlpgsqlFunctionBodiesWithVariablesAndExecute) {
    auto hits = lint("CREATE OR REPLACE FUNCTION purge_scope(p_tenant text, p_scope text)\n"  // 1
                     "RETURNS bigint LANGUAGE plpgsql AS $fn$\n"
                     "DECLARE\n"
                     "  v_count bigint;\n"
                     "BEGIN\n"                                                            // 5
                     "  DELETE FROM memory_nodes WHERE scope_key = p_scope AND tenant_id = p_tenant;\n"
                     "  GET DIAGNOSTICS v_count = ROW_COUNT;\n"
                     "  IF v_count > 0 THEN\n"
                     "    DELETE FROM memory_nodes\n"                                     // 9
                     "     WHERE tenant_id = p_tenant;\n"
                     "  END IF;\n"
                     "  EXECUTE format('DELETE FROM %I WHERE tenant_id = $1', 'memory_' || p_scope) USING p_tenant;\n"  // 12
                     "  EXECUTE 'DELETE FROM outbox WHERE processed_at IS NOT NULL';\n"   // 13
                     "  EXECUTE format('ALTER TABLE outbox DETACH PARTITION %I', 'outbox_2026_01');\n"  // 14
                     "  RETURN v_count;\n"
                     "END\n"
                     "$fn$;\n");
    EXPECT_TRUE(has(hits, "bulk-delete", 9)) << dump(hits);
    EXPECT_TRUE(has(hits, "dynamic-delete", 12)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 13)) << dump(hits);
    EXPECT_TRUE(has(hits, "partition-path", 14)) << dump(hits);
    EXPECT_EQ(hits.size(), 4u) << dump(hits);
}

TEST(DeleteLint, TriggerAndSqlFunctionsProceduresAndDoBlocks) {
    auto hits = lint("CREATE FUNCTION cascade_scope() RETURNS trigger LANGUAGE plpgsql AS $$\n"  // 1
                     "BEGIN\n"
                     "  DELETE FROM memory_nodes WHERE scope_key = OLD.scope_key;\n"  // 3: pinned by the row's value
                     "  RETURN OLD;\n"
                     "END $$;\n"
                     "CREATE FUNCTION drop_tenant(t text) RETURNS void LANGUAGE sql AS $$\n"  // 6
                     "  DELETE FROM memory_nodes WHERE tenant_id = t;\n"  // 7
                     "$$;\n"
                     "CREATE PROCEDURE purge_logs() LANGUAGE sql BEGIN ATOMIC\n"  // 9
                     "  DELETE FROM unified_logs WHERE level = 'debug';\n"  // 10
                     "END;\n"
                     "DO $do$\n"  // 12
                     "DECLARE r record;\n"
                     "BEGIN\n"
                     "  FOR r IN SELECT 1 LOOP\n"
                     "    DELETE FROM outbox WHERE id > 5;\n"  // 16
                     "  END LOOP;\n"
                     "END $do$;\n"
                     "DO 'BEGIN DELETE FROM memory_nodes WHERE tenant_id = ''x''; END';\n");  // 19
    EXPECT_TRUE(has(hits, "bulk-delete", 7)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 10)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 16)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 19)) << dump(hits);
    EXPECT_EQ(count_rule(hits, "bulk-delete"), 4u) << dump(hits);
}

TEST(DeleteLint, BodyThePlpgsqlParserRejectsIsStillScanned) {
    // `r` is not declared, so PL/pgSQL's parser refuses the body; the statements are still found.
    auto hits = lint("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\n"
                     "BEGIN\n"
                     "  FOR r IN SELECT 1 LOOP PERFORM 1; END LOOP;\n"
                     "  DELETE FROM outbox WHERE processed_at IS NOT NULL;\n"
                     "END $$;\n");
    EXPECT_TRUE(has(hits, "bulk-delete", 4)) << dump(hits);
}

TEST(DeleteLint, TablesLearnedFromOtherFilesAndFromTheCatalog) {
    // Declared partitioned only in the model (as the replayed database reports it).
    TableModel model;
    add_catalog_table(model, "public.events", "RANGE (created_at)", "", "", {"id", "created_at"}, {{"id", "created_at"}});
    add_catalog_table(model, "public.events_2026_03", "", "public.events",
                      "FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-04-01 00:00:00+00')", {"id", "created_at"}, {});
    LintResult r = lint_text("x.sql",
                             "DELETE FROM events WHERE created_at < '2026-03-10';\n"
                             "DELETE FROM events WHERE created_at >= '2026-03-02' AND created_at < '2026-03-10';\n"
                             "DELETE FROM events WHERE id = 1 AND created_at = '2026-03-03';\n",
                             model);
    ASSERT_EQ(r.findings.size(), 1u);
    EXPECT_EQ(r.findings[0].rule, "delete-paths.bulk-delete");
    EXPECT_EQ(r.findings[0].line, 1);
    EXPECT_EQ(r.findings[0].table, "public.events");
    EXPECT_NE(r.findings[0].fix.find("DETACH PARTITION"), std::string::npos);
}

TEST(DeleteLint, SubPartitionsMustBePinnedAtEveryLevel) {
    TableModel model;
    learn_tables(model,
                 "CREATE TABLE ev (tenant text, at date) PARTITION BY LIST (tenant);\n"
                 "CREATE TABLE ev_a PARTITION OF ev FOR VALUES IN ('a') PARTITION BY RANGE (at);\n"
                 "CREATE TABLE ev_a_2026 PARTITION OF ev_a FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n"
                 "CREATE TABLE ev_a_2027 PARTITION OF ev_a FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');\n");
    LintResult r = lint_text("x.sql",
                             "DELETE FROM ev WHERE tenant = 'a';\n"
                             "DELETE FROM ev WHERE tenant = 'a' AND at >= '2026-02-01' AND at < '2026-03-01';\n",
                             model);
    ASSERT_EQ(r.findings.size(), 1u);
    EXPECT_EQ(r.findings[0].line, 1);
}

TEST(DeleteLint, ColumnsPointAtTheDeleteKeyword) {
    LintResult r = lint_text("x.sql", std::string(kSchema) + "SELECT 1;\n   delete  from  memory_nodes where tenant_id = 'é';\n", TableModel{});
    ASSERT_EQ(r.findings.size(), 1u);
    EXPECT_EQ(r.findings[0].column, 4);
    EXPECT_EQ(r.findings[0].statement, "delete from memory_nodes where tenant_id = 'é'");
}

TEST(DeleteLint, SqlThatDoesNotParseIsAProblemWithItsLine) {
    LintResult r = lint_text("broken.sql", "SELECT 1;\nDELETE FROM WHERE;\n", TableModel{});
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].line, 2);
    EXPECT_NE(r.problems[0].message.find("broken.sql"), std::string::npos);
}

TEST(DeleteLint, DeleteTargetsIncludeCtes) {
    auto t = delete_targets("WITH a AS (DELETE FROM s.x RETURNING 1) DELETE FROM \"Y\" WHERE id IN (SELECT 1 FROM a)");
    std::sort(t.begin(), t.end());
    EXPECT_EQ(t, (std::vector<std::string>{"public.Y", "s.x"}));
}

TEST(DeleteLint, ShellAndCodeInterpolationsAreValues) {
    // $SCOPE and {scope} are filled in before the query runs: the DELETE is pinned to one partition.
    TableModel model;
    learn_tables(model, kSchema);
    LintResult sh = lint_text("purge.sh", "psql \"$DATABASE_URL\" -c \"DELETE FROM memory_nodes WHERE scope_key = $SCOPE\"\n", model);
    EXPECT_TRUE(sh.findings.empty()) << (sh.findings.empty() ? "" : sh.findings[0].message);
    LintResult py = lint_text("purge.py", "q = f\"DELETE FROM memory_nodes WHERE scope_key = {scope}\"\n"
                                          "r = f\"DELETE FROM memory_nodes WHERE tenant_id = {tenant}\"\n", model);
    ASSERT_EQ(py.findings.size(), 1u);
    EXPECT_EQ(py.findings[0].line, 2);
    EXPECT_EQ(py.findings[0].rule, "delete-paths.bulk-delete");
}

TEST(DeleteLint, MergeDeletesAndDeletesKeptInStrings) {
    auto hits = lint("MERGE INTO memory_nodes n USING gone g ON n.tenant_id = g.tenant_id WHEN MATCHED THEN DELETE;\n"
                     "MERGE INTO memory_nodes n USING gone g ON n.scope_key = $1 AND n.node_id = g.id WHEN MATCHED THEN DELETE;\n"
                     "SELECT format('DELETE FROM %I WHERE tenant_id = %L', t, 'x') FROM tables_to_clean\n"
                     "\\gexec\n"
                     "SELECT dblink_exec('remote', 'DELETE FROM outbox WHERE processed_at IS NOT NULL');\n");
    EXPECT_TRUE(has(hits, "bulk-delete", 1)) << dump(hits);
    EXPECT_TRUE(has(hits, "dynamic-delete", 3)) << dump(hits);
    EXPECT_TRUE(has(hits, "bulk-delete", 5)) << dump(hits);
    EXPECT_EQ(hits.size(), 3u) << dump(hits);
}

TEST(DeleteLint, LargeTableGlobs) {
    TableModel m;
    m.large_globs = {"audit_*", "logs.*"};
    EXPECT_TRUE(m.is_large("public.audit_events"));
    EXPECT_TRUE(m.is_large("logs.app"));
    EXPECT_FALSE(m.is_large("public.accounts"));
}

// Bounded random-input fuzz of the whole linter (extraction, masking, both parsers, pinning): mutated
// SQL, PL/pgSQL, shell and Python; it must never throw or crash, and every finding must sit on a line
// of its input.
TEST(DeleteLint, FuzzNeverThrowsAndFindingsStayInTheFile) {
    const std::vector<std::string> corpus = {
        std::string(kSchema),
        "DELETE FROM memory_nodes WHERE scope_key = :'s' AND tenant_id = :t;\n",
        "WITH d AS (DELETE FROM outbox WHERE created_at < '2026-02-01' RETURNING *) SELECT * FROM d;\n",
        "CREATE FUNCTION f(p text) RETURNS void LANGUAGE plpgsql AS $f$ BEGIN EXECUTE 'DELETE FROM outbox'; "
        "DELETE FROM memory_nodes WHERE tenant_id = p; END $f$;\n",
        "DO $$ BEGIN FOR r IN SELECT 1 LOOP DELETE FROM x; END LOOP; END $$;\n",
        "psql \"$DATABASE_URL\" -c \"DELETE FROM outbox WHERE id = '$ID'\" <<SQL\nTRUNCATE memory_nodes_p00;\nSQL\n",
        "cur.execute(\"DELETE FROM memory_nodes \" \"WHERE tenant_id = %s\", (t,))\nq = f\"DELETE FROM {t} WHERE x\"\n",
        "ALTER TABLE outbox DETACH PARTITION outbox_2026_01; DROP TABLE outbox_2026_01;\n",
    };
    const std::vector<std::string> names = {"fuzz.sql", "fuzz.sh", "fuzz.py", "fuzz.ts"};
    const std::string alphabet = "DELETEFROMWHERE ;'\"$(){}:=<>-/*\n\\`%?_aZ09.,";
    std::mt19937 rng(20261121u);
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    // 20,000 by default (well under a second); PGGATE_FUZZ_INPUTS=N runs more.
    const int kInputs = std::getenv("PGGATE_FUZZ_INPUTS") ? std::max(1, std::atoi(std::getenv("PGGATE_FUZZ_INPUTS"))) : 20000;
    TableModel model;
    learn_tables(model, kSchema);
    model.large_globs = {"unified_logs"};
    int ran = 0;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kInputs; ++i) {
        std::string text = corpus[pick(corpus.size())];
        for (size_t k = 0, edits = 1 + pick(6); k < edits; ++k) {
            size_t at = text.empty() ? 0 : pick(text.size() + 1);
            switch (pick(4)) {
                case 0: text.insert(at, 1, alphabet[pick(alphabet.size())]); break;
                case 1: if (at < text.size()) text.erase(at, 1 + pick(4)); break;
                case 2: text.insert(at, corpus[pick(corpus.size())].substr(0, 40)); break;
                default: if (at < text.size()) text[at] = static_cast<char>(pick(256));
            }
        }
        const std::string& name = names[pick(names.size())];
        std::string failure;
        try {
            LintResult r = lint_text(name, text, model);
            int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
            for (const auto& f : r.findings)
                if (f.line < 1 || f.line > lines || f.column < 1) failure = f.rule + " at " + std::to_string(f.line) + ":" + std::to_string(f.column);
        } catch (const std::exception& e) {
            failure = std::string("exception: ") + e.what();
        }
        ASSERT_EQ(failure, "") << name << " input #" << i << ":\n" << text;
        ++ran;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[ fuzz     ] delete-paths linter: %d inputs, no crash, no exception (%.2f s)\n", ran, secs);
}

}  // namespace
}  // namespace pggate
