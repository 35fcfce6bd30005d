// The delete-paths gate end to end, through the pggate binary: `pggate lint` on a project it has never
// seen (SQL, PL/pgSQL, shell, Python, TypeScript), and the dynamic check on the memory service's purge
// and retention (partition path passes; delete mode, a purge that truncates a neighbour's partition and
// a purge that runs without --confirm each fail with their own finding) on a real PostgreSQL.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "harness/process.h"
#include "reports/schema.h"
#include "tests/support/test_server.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

namespace pggate {
namespace {

using testing::TempDir;

ProcessResult pggate(std::vector<std::string> args, const std::string& cwd = "") {
    ProcessSpec p;
    p.argv = {PGGATE_BIN};
    p.argv.insert(p.argv.end(), args.begin(), args.end());
    p.timeout = 300s;
    p.cwd = cwd;
    p.env_set["CI"] = "true";
    return run_process(p);
}

json parse_report(const std::string& text) {
    auto problems = validate_report(text);
    EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems.front());
    return json::parse(text);
}

json read_report(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return parse_report(text.str());
}

void write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

const json& gate(const json& report, const std::string& id) {
    for (const auto& g : report["gates"])
        if (g["id"] == id) return g;
    static const json none;
    ADD_FAILURE() << "no gate " << id << " in " << report.dump(1);
    return none;
}

// rule@file:line of every finding of the gate.
std::set<std::string> hits(const json& g) {
    std::set<std::string> out;
    for (const auto& f : g["findings"]) {
        std::string where = f.contains("location") ? f["location"]["file"].get<std::string>() + ":" + std::to_string(f["location"]["line"].get<int>()) : "";
        out.insert(f["rule"].get<std::string>() + "@" + where);
    }
    return out;
}

std::set<std::string> rules(const json& g) {
    std::set<std::string> out;
    for (const auto& f : g["findings"]) out.insert(f["rule"]);
    return out;
}

std::string dump(const std::set<std::string>& s) {
    std::string out;
    for (const auto& x : s) out += x + "\n";
    return out;
}

// A project pggate has never seen: an events service with a partitioned event store, a cleanup
// script, a job in Python and a worker in TypeScript. Comments give each hidden DELETE's line.
void write_unseen_project(const std::string& dir) {
    write(dir + "/db/001_events.sql",
          "CREATE TABLE events (tenant_id uuid NOT NULL, id bigint NOT NULL, at timestamptz NOT NULL, body jsonb)\n"
          "  PARTITION BY RANGE (at);\n"
          "CREATE TABLE events_2026_05 PARTITION OF events FOR VALUES FROM ('2026-05-01') TO ('2026-06-01');\n"
          "CREATE TABLE events_2026_06 PARTITION OF events FOR VALUES FROM ('2026-06-01') TO ('2026-07-01');\n"
          "CREATE TABLE sessions (id bigint PRIMARY KEY, tenant_id uuid, seen timestamptz);\n"
          "CREATE OR REPLACE FUNCTION forget_tenant(p_tenant uuid) RETURNS void LANGUAGE plpgsql AS $$\n"
          "BEGIN\n"
          "  DELETE FROM sessions WHERE tenant_id = p_tenant;\n"
          "  WITH gone AS (DELETE FROM events WHERE tenant_id = p_tenant RETURNING id)\n"  // line 9
          "  INSERT INTO audit (what) SELECT 'event ' || id FROM gone;\n"
          "END $$;\n");
    write(dir + "/ops/cleanup.sh",
          "#!/usr/bin/env bash\n"
          "set -euo pipefail\n"
          "PSQL=(psql \"$DATABASE_URL\" -X -v ON_ERROR_STOP=1)\n"
          "\"${PSQL[@]}\" -c \"DELETE FROM events WHERE at < now() - interval '90 days'\"\n"  // line 4
          "\"${PSQL[@]}\" -c \"ALTER TABLE events DETACH PARTITION events_2026_05\" \\\n"
          "  -c 'DROP TABLE events_2026_05'\n"
          "\"${PSQL[@]}\" <<SQL\n"
          "DO \\$\\$\n"
          "BEGIN\n"
          "  DELETE FROM events WHERE tenant_id = '${TENANT}';\n"  // line 10
          "END \\$\\$;\n"
          "SQL\n"
          "\"${PSQL[@]}\" -f purge_sessions.sql\n");
    write(dir + "/ops/purge_sessions.sql", "-- expired sessions\nDELETE FROM sessions;\n");  // line 2
    write(dir + "/app/jobs.py",
          "import psycopg2\n"
          "\n"
          "def expire(conn, tenant):\n"
          "    with conn.cursor() as cur:\n"
          "        cur.execute(\n"
          "            \"DELETE FROM events \"\n"  // line 6
          "            \"WHERE tenant_id = %s AND at < now() - interval '30 days'\",\n"
          "            (tenant,))\n"
          "        cur.execute(f\"DELETE FROM {table_for(tenant)} WHERE id = %s\", (1,))\n"  // line 9
          "        cur.execute(\"DELETE FROM events WHERE at >= '2026-05-02' AND at < '2026-05-03'\")\n");  // pinned
    write(dir + "/app/worker.ts",
          "export async function reset(db: Db, tenant: string) {\n"
          "  // DELETE FROM events in a comment is not code\n"
          "  await db.query(`\n"
          "    DELETE FROM events\n"  // line 4
          "     WHERE tenant_id = ${tenant}`);\n"
          "  await db.query('TRUNCATE events_2026_06');\n"
          "}\n");
}

TEST(DeletePathsLint, FindsEveryHiddenBulkDeleteWithItsLine) {
    TempDir d;
    write_unseen_project(d.path);
    auto r = pggate({"lint", "db/001_events.sql", "ops/cleanup.sh", "app/jobs.py", "app/worker.ts", "--format", "json"}, d.path);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    json rep = parse_report(r.out);
    const json& g = gate(rep, "delete-paths");
    EXPECT_EQ(g["status"], "fail");
    std::set<std::string> expected{
        "delete-paths.bulk-delete@db/001_events.sql:9",        // in a CTE inside a PL/pgSQL function
        "delete-paths.bulk-delete@ops/cleanup.sh:4",           // psql -c
        "delete-paths.partition-path@ops/cleanup.sh:5",        // DETACH PARTITION
        "delete-paths.partition-path@ops/cleanup.sh:6",        // DROP TABLE of the detached partition
        "delete-paths.bulk-delete@ops/cleanup.sh:10",          // DO block in a heredoc
        "delete-paths.delete-without-where@ops/purge_sessions.sql:2",  // followed through psql -f
        "delete-paths.bulk-delete@app/jobs.py:6",              // concatenated Python literals
        "delete-paths.dynamic-delete@app/jobs.py:9",           // f-string table name
        "delete-paths.bulk-delete@app/worker.ts:4",            // template literal
        "delete-paths.partition-path@app/worker.ts:6",         // TRUNCATE of a partition
    };
    EXPECT_EQ(hits(g), expected) << dump(hits(g));
    for (const auto& f : g["findings"]) {
        EXPECT_FALSE(f["details"]["statement"].get<std::string>().empty());
        if (f["severity"] == "error") {
            EXPECT_FALSE(f["details"]["fix"].get<std::string>().empty()) << f.dump();
        }
    }
    // Text output: compiler-style lines with the statement and the fix.
    auto text = pggate({"lint", "ops/cleanup.sh", "db/001_events.sql"}, d.path);
    EXPECT_EQ(text.exit_code, 1);
    EXPECT_NE(text.out.find("ops/cleanup.sh:4:"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("fix: "), std::string::npos) << text.out;
}

TEST(DeletePathsLint, LargeTablesFromTheCommandLineAndCleanFilesPass) {
    TempDir d;
    write(d.path + "/logs.sql", "DELETE FROM unified_logs WHERE \"timestamp\" < now() - interval '30 days';\nDELETE FROM unified_logs WHERE id = 7;\n");
    EXPECT_EQ(pggate({"lint", d.path + "/logs.sql"}).exit_code, 0);  // not known to be large
    auto r = pggate({"lint", d.path + "/logs.sql", "--large-tables", "public.unified_logs,audit_*", "--format", "json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    json rep = parse_report(r.out);
    EXPECT_EQ(hits(gate(rep, "delete-paths")), (std::set<std::string>{"delete-paths.bulk-delete@" + d.path + "/logs.sql:1"}));
    // Every SARIF result keeps the location.
    auto sarif = pggate({"lint", d.path + "/logs.sql", "--large-tables", "unified_logs", "--format", "sarif"});
    EXPECT_NE(sarif.out.find("\"startLine\": 1"), std::string::npos) << sarif.out;
}

TEST(DeletePathsLint, BadInputIsExitTwoNamingTheFileAndLine) {
    TempDir d;
    write(d.path + "/broken.sql", "SELECT 1;\nDELETE FROM WHERE x;\n");
    auto r = pggate({"lint", d.path + "/broken.sql"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("broken.sql:2"), std::string::npos) << r.err;
    auto missing = pggate({"lint", d.path + "/nope.sql"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("nope.sql"), std::string::npos) << missing.err;
    EXPECT_EQ(pggate({"lint"}).exit_code, 2);
}

TEST(DeletePathsLint, PreflightRunsTheStaticHalfBeforeARelease) {
    // Read-only: files only, no database, no cleanup command run.
    std::string src = std::string(PGGATE_SOURCE_DIR) + "/scenarios/";
    TempDir d;
    auto broken = pggate({"preflight", "--env", "prod", "--config", src + "capacity/pggate.yaml", "--report-dir", d.path + "/broken"});
    EXPECT_EQ(broken.exit_code, 1) << broken.out << broken.err;
    json rep = read_report(d.path + "/broken/report.json");
    EXPECT_EQ(hits(gate(rep, "delete-paths")), (std::set<std::string>{"delete-paths.bulk-delete@app/tasks/log_cleanup_tasks.py:15"}));
    auto fixed = pggate({"preflight", "--env", "prod", "--config", src + "capacity-fixed/pggate.yaml", "--report-dir", d.path + "/fixed"});
    EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
}

// The memory service with only the replay and delete-paths gates, a smaller perf scope (the findings do
// not depend on its size) and no timing condition (tests never assert wall times); `variant` files are
// laid over it, and `edit` changes its pggate.yaml.
std::string memory_project(const TempDir& d, const std::string& variant, const std::function<std::string(std::string)>& edit = {}) {
    std::string src = std::string(PGGATE_SOURCE_DIR) + "/scenarios/memory";
    std::string dest = d.path + "/memory";
    fs::copy(src, dest, fs::copy_options::recursive);
    fs::remove_all(dest + "/.pggate");
    if (!variant.empty()) fs::copy(src + "/variants/" + variant, dest, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    std::string yaml = read(dest + "/pggate.yaml");
    // Keep replay + delete-paths: cut the other gates' sections (two-space keys under gates:).
    std::stringstream in(yaml);
    std::string line, kept;
    bool skipping = false;
    while (std::getline(in, line)) {
        if (line.size() > 2 && line.compare(0, 2, "  ") == 0 && line[2] != ' ' && line[2] != '#')
            skipping = line == "  config:" || line == "  partition-pruning:" || line == "  partition-health:";
        else if (!line.empty() && line[0] != ' ')
            skipping = false;
        if (!skipping) kept += line + "\n";
    }
    yaml = kept;
    yaml = std::regex_replace(yaml, std::regex("min_reduction: 70%"), "min_reduction: 0");
    yaml = std::regex_replace(yaml, std::regex("runs: 3"), "runs: 1");
    if (edit) yaml = edit(yaml);
    std::ofstream(dest + "/pggate.yaml") << yaml;
    std::string seed = read(dest + "/scripts/perf/seed-purge.sql");
    seed = std::regex_replace(seed, std::regex("generate_series\\(1, (60000|12000)\\)"), "generate_series(1, 3000)");
    std::ofstream(dest + "/scripts/perf/seed-purge.sql") << seed;
    return dest;
}

TEST(DeletePathsRun, MemoryPurgeAndRetentionTakeThePartitionPath) {
    TempDir d;
    // Without the old path and the comparison: at this test's small scale both take about the same time.
    std::string proj = memory_project(d, "", [](std::string y) {
        y = y.substr(0, y.find("    compare:"));
        size_t old_path = y.find("      - name: scope-purge-delete");
        return y.erase(old_path, y.find("      - name: outbox-retention") - old_path);
    });
    auto r = pggate({"run", "--config", proj + "/pggate.yaml", "--report-dir", d.path + "/out"});
    json rep = read_report(d.path + "/out/report.json");
    const json& g = gate(rep, "delete-paths");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(g["status"], "pass") << g.dump(1);
    // The purge removed the whole scope without a single DELETE.
    EXPECT_EQ(g["metrics"]["scope-purge.rows_deleted"], 0);
    EXPECT_EQ(g["metrics"]["scope-purge.target_rows_removed"], 3000 * 2 + 3000);
    EXPECT_EQ(g["metrics"]["outbox-retention.rows_deleted"], 0);
    EXPECT_EQ(rules(g), (std::set<std::string>{"delete-paths.partition-path"})) << g.dump(1);
}

TEST(DeletePathsRun, PurgeByDeleteFailsNamingTheStatements) {
    TempDir d;
    // A required reduction above 100% cannot be met: the comparison must fail however fast the machine is.
    std::string proj = memory_project(d, "purge-by-delete", [](std::string y) {
        return std::regex_replace(y, std::regex("min_reduction: 0"), "min_reduction: 101");
    });
    auto r = pggate({"run", "--config", proj + "/pggate.yaml", "--report-dir", d.path + "/out"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    json rep = read_report(d.path + "/out/report.json");
    const json& g = gate(rep, "delete-paths");
    std::set<std::string> tables;
    for (const auto& f : g["findings"])
        if (f["rule"] == "delete-paths.partitioned-delete") {
            tables.insert(f["object"]);
            EXPECT_NE(f["details"]["statement"].get<std::string>().find("DELETE FROM " + f["object"].get<std::string>().substr(7)), std::string::npos)
                << f.dump();
        }
    EXPECT_EQ(tables, (std::set<std::string>{"public.memory_nodes", "public.memory_edges", "public.memory_commits"})) << g.dump(1);
    // The old path, timed for the comparison, is reported, not failed; the comparison is reported (both
    // medians, the reduction, the condition it was judged by).
    int baseline = 0;
    for (const auto& f : g["findings"])
        if (f["rule"] == "delete-paths.baseline-delete") {
            ++baseline;
            EXPECT_EQ(f["severity"], "info");
            EXPECT_NE(f["message"].get<std::string>().find("DELETE FROM memory_"), std::string::npos) << f.dump();
        }
    EXPECT_EQ(baseline, 3);
    EXPECT_TRUE(g["metrics"].contains("scope-purge_vs_scope-purge-delete.baseline_ms"));
    EXPECT_TRUE(g["metrics"].contains("scope-purge_vs_scope-purge-delete.candidate_ms"));
    EXPECT_TRUE(g["metrics"].contains("scope-purge_vs_scope-purge-delete.reduction_pct"));
    ASSERT_EQ(g["conditions"].size(), 1u);
    EXPECT_EQ(g["conditions"][0]["metric"], "scope-purge_vs_scope-purge-delete.reduction_pct");
    EXPECT_EQ(g["conditions"][0]["status"], "fail");
    EXPECT_TRUE(rules(g).count("delete-paths.reduction-below-target")) << g.dump(1);
}

TEST(DeletePathsRun, PurgeThatTruncatesANeighboursPartitionFails) {
    TempDir d;
    std::string proj = memory_project(d, "purge-ignores-neighbours");
    auto r = pggate({"run", "--config", proj + "/pggate.yaml", "--report-dir", d.path + "/out"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    json rep = read_report(d.path + "/out/report.json");
    const json& g = gate(rep, "delete-paths");
    std::set<std::string> touched;
    for (const auto& f : g["findings"]) {
        EXPECT_NE(f["rule"], "delete-paths.partitioned-delete");  // no DELETE at all: TRUNCATE did the damage
        if (f["rule"] == "delete-paths.other-tenant-touched") touched.insert(f["message"].get<std::string>());
    }
    bool other_tenant = false;
    for (const auto& m : touched) other_tenant |= m.find("tenant_id=tenant-4, scope_key=tenant-4/scope-02") != std::string::npos;
    EXPECT_TRUE(other_tenant) << dump(touched);
}

TEST(DeletePathsRun, TheRealPurgeRefusesASharedPartitionAndChangesNothing) {
    TempDir d;
    // The correct script, pointed at a scope whose partitions it shares: it must refuse, not truncate.
    std::string proj = memory_project(d, "", [](std::string y) {
        return std::regex_replace(y, std::regex("tenant-perf/bench"), "tenant-1/scope-10");
    });
    std::string yaml = read(proj + "/pggate.yaml");
    yaml = std::regex_replace(yaml, std::regex("--tenant-id tenant-perf"), "--tenant-id tenant-1");
    yaml = std::regex_replace(yaml, std::regex("tenant_id: tenant-perf"), "tenant_id: tenant-1");
    std::ofstream(proj + "/pggate.yaml") << yaml;
    auto r = pggate({"run", "--config", proj + "/pggate.yaml", "--report-dir", d.path + "/out"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    json rep = read_report(d.path + "/out/report.json");
    const json& g = gate(rep, "delete-paths");
    std::set<std::string> got = rules(g);
    EXPECT_TRUE(got.count("delete-paths.command-failed")) << dump(got);
    EXPECT_FALSE(got.count("delete-paths.other-tenant-touched")) << dump(got);
    EXPECT_TRUE(got.count("delete-paths.purge-incomplete")) << dump(got);  // the scope's rows are all still there
    for (const auto& f : g["findings"])
        if (f["rule"] == "delete-paths.command-failed" && f["object"] == "scope-purge") {
            EXPECT_NE(f["message"].get<std::string>().find("also holds rows of other scopes"), std::string::npos) << f.dump();
        }
}

TEST(DeletePathsRun, PurgeThatRunsWithoutConfirmFails) {
    TempDir d;
    std::string proj = memory_project(d, "purge-without-confirm");
    auto r = pggate({"run", "--config", proj + "/pggate.yaml", "--report-dir", d.path + "/out"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    json rep = read_report(d.path + "/out/report.json");
    const json& g = gate(rep, "delete-paths");
    std::vector<std::string> refused;
    for (const auto& f : g["findings"])
        if (f["rule"] == "delete-paths.runs-without-confirmation") refused.push_back(f["details"]["command"]);
    ASSERT_EQ(refused.size(), 1u) << g.dump(1);
    EXPECT_EQ(refused[0].find("--confirm"), std::string::npos) << refused[0];
    EXPECT_NE(refused[0].find("--tenant-id tenant-perf"), std::string::npos) << refused[0];
}

}  // namespace
}  // namespace pggate
