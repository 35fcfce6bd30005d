#include "gates/delete-paths/delete_paths_gate.h"

#include <yaml-cpp/yaml.h>
#include <fnmatch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "gates/delete-paths/delete_lint.h"
#include "harness/config.h"
#include "harness/pg.h"
#include "harness/process.h"
#include "harness/provider.h"
#include "harness/sql_script.h"
#include "harness/text.h"

namespace fs = std::filesystem;

namespace pggate {
namespace {

constexpr const char* kGate = "delete-paths";
// Marks pggate's own statements on the measured database, so pg_stat_statements' figures for the
// command leave them out.
const std::string kOwn = "/* pggate */ ";


std::string fmt_ms(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
    return buf;
}

std::string with_thousands(long long n) {
    std::string s = std::to_string(n < 0 ? -n : n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
    return (n < 0 ? "-" : "") + s;
}

// ** matches any number of folders; other segments are fnmatch patterns.
bool glob_segments(const std::vector<std::string>& pat, size_t pi, const std::vector<std::string>& path, size_t si) {
    if (pi == pat.size()) return si == path.size();
    if (pat[pi] == "**") {
        for (size_t k = si; k <= path.size(); ++k)
            if (glob_segments(pat, pi + 1, path, k)) return true;
        return false;
    }
    if (si == path.size()) return false;
    return fnmatch(pat[pi].c_str(), path[si].c_str(), FNM_PERIOD) == 0 && glob_segments(pat, pi + 1, path, si + 1);
}

std::vector<std::string> split_path(const std::string& p) {
    std::vector<std::string> out;
    std::stringstream ss(p);
    std::string part;
    while (std::getline(ss, part, '/'))
        if (!part.empty() && part != ".") out.push_back(part);
    return out;
}

// Shell-style words of a command line with their byte ranges (quotes kept in the range).
std::vector<std::pair<size_t, size_t>> words(const std::string& s) {
    std::vector<std::pair<size_t, size_t>> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        if (i >= s.size()) break;
        size_t start = i;
        char quote = 0;
        while (i < s.size() && (quote || !std::isspace(static_cast<unsigned char>(s[i])))) {
            if (quote) {
                if (s[i] == quote) quote = 0;
                else if (s[i] == '\\' && quote == '"' && i + 1 < s.size()) ++i;
            } else if (s[i] == '\'' || s[i] == '"') {
                quote = s[i];
            } else if (s[i] == '\\' && i + 1 < s.size()) {
                ++i;
            }
            ++i;
        }
        out.push_back({start, i});
    }
    return out;
}

}  // namespace

std::string command_without_flag(const std::string& command, const std::string& flag) {
    auto ws = words(command);
    std::vector<std::pair<size_t, size_t>> cut;  // byte ranges to remove, each with the space before it
    for (size_t i = 0; i < ws.size(); ++i) {
        std::string w = command.substr(ws[i].first, ws[i].second - ws[i].first);
        size_t flag_word = i, end = ws[i].second;
        if (w == flag) {
            if (i + 1 < ws.size() && command[ws[i + 1].first] != '-') end = ws[++i].second;  // --flag value
        } else if (w.rfind(flag + "=", 0) != 0) {
            continue;
        }
        cut.push_back({flag_word > 0 ? ws[flag_word - 1].second : ws[flag_word].first, end});
    }
    std::string out;
    size_t copied = 0;
    for (const auto& [from, to] : cut) {
        if (from < copied) continue;
        out += command.substr(copied, from - copied);
        copied = to;
    }
    return out + command.substr(copied);
}

std::vector<std::string> expand_file_globs(const std::vector<std::string>& globs, const std::string& base_dir,
                                           std::vector<std::string>& problems) {
    std::set<std::string> out;
    std::vector<std::string> all;  // every file under base_dir, relative, walked once
    bool walked = false;
    for (const auto& g : globs) {
        if (g.find_first_of("*?[") == std::string::npos) {
            std::error_code ec;
            if (fs::is_regular_file(resolve_path(g, base_dir), ec)) out.insert(fs::path(g).lexically_normal().string());
            else problems.push_back(g + ": no such file (looked for " + resolve_path(g, base_dir) + ").");
            continue;
        }
        if (!walked) {
            std::error_code ec;
            for (auto it = fs::recursive_directory_iterator(base_dir, fs::directory_options::skip_permission_denied, ec);
                 !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
                std::string name = it->path().filename().string();
                if (it->is_directory(ec) && (name == "node_modules" || name == ".git" || name == ".pggate" || name == "build" || name == "__pycache__")) {
                    it.disable_recursion_pending();
                    continue;
                }
                if (it->is_regular_file(ec)) all.push_back(fs::relative(it->path(), base_dir, ec).string());
            }
            walked = true;
        }
        auto pat = split_path(g);
        size_t before = out.size();
        for (const auto& f : all)
            if (glob_segments(pat, 0, split_path(f), 0)) out.insert(f);
        if (out.size() == before && std::none_of(all.begin(), all.end(), [&](const std::string& f) { return glob_segments(pat, 0, split_path(f), 0); }))
            problems.push_back(g + ": the glob matches no file under " + base_dir + ".");
    }
    return {out.begin(), out.end()};
}

void add_lint_findings(GateResult& gate, const LintResult& lint) {
    for (const auto& p : lint.problems) {
        Finding f;
        f.rule = (gate.id.empty() ? std::string(kGate) : gate.id) + ".unreadable";
        f.severity = "error";
        f.message = p.message;
        f.object = p.file;
        f.location = Location{p.file, p.line, p.column};
        gate.findings.push_back(std::move(f));
    }
    for (const auto& l : lint.findings) {
        Finding f;
        f.rule = l.rule;
        f.severity = l.severity;
        f.message = l.message + (l.fix.empty() ? "" : " Fix: " + l.fix);
        f.object = l.table.empty() ? l.file : l.table;
        f.location = Location{l.file, l.line, l.column};
        f.details["statement"] = l.statement;
        f.details["origin"] = l.origin;
        if (!l.fix.empty()) f.details["fix"] = l.fix;
        gate.findings.push_back(std::move(f));
    }
    gate.metrics["files_linted"] = lint.files;
    gate.metrics["statements_parsed"] = lint.statements;
}

void settle_delete_paths_gate(GateResult& gate, const std::string& static_part, const std::string& dynamic_part) {
    int errors = 0, warnings = 0, infos = 0;
    bool problem = false;
    for (const auto& f : gate.findings) {
        if (f.waived) continue;
        if (f.rule == std::string(kGate) + ".unreadable" || f.rule == std::string(kGate) + ".seed-failed" ||
            f.rule == std::string(kGate) + ".no-database")
            problem = true;
        if (f.severity == "error") ++errors;
        else if (f.severity == "warning") ++warnings;
        else ++infos;
    }
    gate.status = problem ? "error" : errors ? "fail" : warnings ? "warn" : "pass";
    gate.summary = static_part + (dynamic_part.empty() ? "" : "; " + dynamic_part);
}

// ---------------------------------------------------------------------------------------------
// The dynamic check

namespace {

struct TableCounters {
    std::string name, root;
    long long deleted = 0, updated = 0, inserted = 0;
    bool partition = false;
};

struct Measurement {
    std::map<std::string, TableCounters> counters;                         // by table
    std::map<std::string, std::map<std::string, long long>> groups;       // root table → "tenant=…, scope=…" → rows
};

struct TenantTable {
    std::string name;
    std::vector<std::string> columns;  // the tenant columns it has
};

std::vector<TenantTable> tenant_tables(PgConn& conn, const std::vector<std::string>& tenant_columns) {
    std::string list;
    for (const auto& c : tenant_columns) list += (list.empty() ? "" : ",") + quote_literal(c);
    PgResult r = conn.exec(
        kOwn + "SELECT n.nspname || '.' || c.relname AS name, string_agg(a.attname, ',' ORDER BY array_position(ARRAY[" + list + "]::text[], a.attname::text)) AS cols "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
        "WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped AND a.attname::text = ANY(ARRAY[" + list + "]::text[]) "
        "AND c.relpersistence <> 't' AND n.nspname NOT IN ('pg_catalog','information_schema') GROUP BY 1 ORDER BY 1");
    std::vector<TenantTable> out;
    for (int i = 0; i < r.rows(); ++i) {
        TenantTable t;
        t.name = r.get(i, "name");
        std::stringstream ss(r.get(i, "cols"));
        std::string c;
        while (std::getline(ss, c, ',')) t.columns.push_back(c);
        out.push_back(std::move(t));
    }
    return out;
}

std::string qualified_sql(const std::string& name) {
    auto dot = name.find('.');
    return quote_ident(name.substr(0, dot)) + "." + quote_ident(name.substr(dot + 1));
}

Measurement measure(PgConn& conn, const std::vector<TenantTable>& tables) {
    Measurement m;
    conn.exec(kOwn + "SELECT pg_stat_clear_snapshot()");
    PgResult r = conn.exec(
        kOwn + "SELECT s.schemaname || '.' || s.relname AS name, s.n_tup_del, s.n_tup_upd, s.n_tup_ins, c.relispartition, "
        "  COALESCE((SELECT rn.nspname || '.' || rc.relname FROM pg_class rc JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
        "            WHERE rc.oid = pg_partition_root(s.relid)), s.schemaname || '.' || s.relname) AS root "
        "FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE c.relpersistence <> 't'");
    for (int i = 0; i < r.rows(); ++i) {
        TableCounters t;
        t.name = r.get(i, "name");
        t.root = r.get(i, "root");
        t.deleted = std::stoll(r.get(i, "n_tup_del"));
        t.updated = std::stoll(r.get(i, "n_tup_upd"));
        t.inserted = std::stoll(r.get(i, "n_tup_ins"));
        t.partition = r.get(i, "relispartition") == "t";
        m.counters[t.name] = t;
    }
    for (const auto& t : tables) {
        std::string cols, label;
        for (const auto& c : t.columns) {
            cols += (cols.empty() ? "" : ", ") + quote_ident(c);
            label += std::string(label.empty() ? "" : " || ', ' || ") + quote_literal(c + "=") + " || coalesce(" + quote_ident(c) + "::text, 'NULL')";
        }
        PgResult g = conn.exec(kOwn + "SELECT " + label + " AS grp, count(*) AS n FROM " + qualified_sql(t.name) + " GROUP BY " + cols);
        for (int i = 0; i < g.rows(); ++i) m.groups[t.name][g.get(i, "grp")] = std::stoll(g.get(i, "n"));
    }
    return m;
}

// The command's own connections flush their statistics when they exit; wait until they are gone.
void wait_for_other_backends(PgConn& conn) {
    for (int i = 0; i < 500; ++i) {
        PgResult r = conn.exec(kOwn + "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        if (r.get(0, 0) == "0") return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool group_is_target(const std::string& group, const std::map<std::string, std::string>& target) {
    if (target.empty()) return false;
    bool any = false;
    std::stringstream ss(group);
    std::string item;
    while (std::getline(ss, item, ',')) {
        while (!item.empty() && item.front() == ' ') item.erase(0, 1);
        auto eq = item.find('=');
        if (eq == std::string::npos) continue;
        auto it = target.find(item.substr(0, eq));
        if (it == target.end()) continue;
        if (it->second != item.substr(eq + 1)) return false;
        any = true;
    }
    return any;
}

struct Statement {
    std::string query;
    long long calls = 0, rows = 0;
    std::string target;  // schema.table the DELETE names
};

std::vector<Statement> delete_statements(PgConn& conn, bool available) {
    std::vector<Statement> out;
    if (!available) return out;
    PgResult r = conn.exec(
        kOwn + "SELECT query, calls, rows FROM pg_stat_statements "
        "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ~* '\\mdelete\\M' AND rows > 0 "
        "AND query NOT LIKE '/* pggate */%' "
        "ORDER BY rows DESC, query");
    for (int i = 0; i < r.rows(); ++i) {
        Statement s;
        s.query = r.get(i, "query");
        s.calls = std::stoll(r.get(i, "calls"));
        s.rows = std::stoll(r.get(i, "rows"));
        auto targets = delete_targets(s.query);
        s.target = targets.empty() ? "" : targets.front();
        out.push_back(std::move(s));
    }
    return out;
}

struct Timing {
    double wall_ms = 0, server_ms = -1;
};

struct CommandRun {
    ProcessResult process;
    double ms = 0;         // wall time of the command
    double server_ms = -1; // execution time of its top-level statements (pg_stat_statements); -1 unknown
    Measurement before, after;
    std::vector<Statement> statements;
};

std::string tail(const std::string& text, size_t lines) {
    size_t pos = text.size();
    while (pos > 0 && (text[pos - 1] == '\n' || text[pos - 1] == ' ')) --pos;
    size_t end = pos;
    for (size_t n = 0; pos > 0 && n < lines; --pos)
        if (text[pos - 1] == '\n' && ++n == lines) break;
    return text.substr(pos, end - pos);
}

class DynamicCheck {
public:
    DynamicCheck(const DeletePathsOptions& o, Provider& provider, GateResult& gate) : o_(o), provider_(provider), gate_(gate) {}

    // Returns a one-line description of what was measured, or "" when nothing ran.
    std::string run(const Database& base) {
        if (!prepare(base)) return "";
        std::set<std::string> baselines;
        for (const auto& c : o_.compare) baselines.insert(c.baseline);
        std::map<std::string, std::vector<Timing>> times;
        int checked = 0, failed_commands = 0;
        for (const auto& cmd : o_.commands) {
            if (interrupted()) return "interrupted";
            bool baseline = baselines.count(cmd.name) > 0;
            Database db = copy();
            PgConn conn(db.conninfo);
            if (!baseline) check_refusals(cmd, db, conn);
            CommandRun run = run_command(cmd, db, conn);
            times[cmd.name].push_back({run.ms, run.server_ms});
            ++checked;
            if (!judge(cmd, run, baseline)) ++failed_commands;
        }
        for (const auto& c : o_.compare)
            if (!interrupted()) compare(c, times);
        return std::to_string(checked) + " cleanup command(s) run on seeded copies" +
               (failed_commands ? " (" + std::to_string(failed_commands) + " with findings)" : "");
    }

private:
    const DeletePathsOptions& o_;
    Provider& provider_;
    GateResult& gate_;
    Database seeded_;
    std::vector<TenantTable> tenant_tables_;
    bool statements_available_ = false;
    int copies_ = 0;

    void finding(const std::string& rule, const std::string& severity, const std::string& message, const std::string& object,
                 std::optional<Location> where, std::map<std::string, std::string> details = {}) {
        Finding f;
        f.rule = std::string(kGate) + "." + rule;
        f.severity = severity;
        f.message = message;
        f.object = object;
        f.location = std::move(where);
        f.details = std::move(details);
        gate_.findings.push_back(std::move(f));
    }

    // A fresh copy of the seeded database for one command run (a file copy: tens of ms).
    Database copy() { return provider_.create_database("delete-paths-" + std::to_string(++copies_), &seeded_); }

    bool prepare(const Database& base) {
        auto t = std::chrono::steady_clock::now();
        seeded_ = provider_.create_database("delete-paths-seed", &base);
        PgConn conn(seeded_.conninfo);
        PgResult libs = conn.exec(kOwn + "SELECT current_setting('shared_preload_libraries') ~ 'pg_stat_statements' AS loaded, "
                                  "EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available");
        statements_available_ = libs.get(0, "loaded") == "t" && libs.get(0, "available") == "t";
        if (statements_available_) conn.exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        if (!o_.seed_file.empty()) {
            std::string path = resolve_path(o_.seed_file, o_.base_dir);
            try {
                SqlScript script = load_sql_script(path);
                for (const auto& st : script.statements) {
                    try {
                        conn.exec(st.text);
                    } catch (const PgError& e) {
                        finding("seed-failed", "error",
                                "The seed data could not be loaded: " + std::string(e.what()) + (e.sqlstate.empty() ? "" : " (SQLSTATE " + e.sqlstate + ")"),
                                o_.seed_file, Location{o_.seed_file, st.start.line, st.start.column}, {{"statement", statement_excerpt(st.text)}});
                        return false;
                    }
                }
            } catch (const ScriptError& e) {
                finding("seed-failed", "error", e.what(), o_.seed_file, Location{o_.seed_file, e.where.line, e.where.column});
                return false;
            }
            // No ANALYZE here: it costs seconds on a partitioned schema and a cleanup's plans rarely hinge on
            // it; a seed that needs statistics ends with its own ANALYZE.
        }
        tenant_tables_ = tenant_tables(conn, o_.tenant_columns);
        gate_.metrics["seed_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
        return true;
    }

    ProcessResult run_shell(const std::string& command, const Database& db) {
        ProcessSpec spec;
        spec.argv = {"bash", "-c", command};
        spec.cwd = o_.base_dir;
        spec.env_set = db.client_env;
        spec.timeout = std::chrono::milliseconds(o_.timeout_ms);
        return run_process(spec);
    }

    long long rows_changed(const Measurement& a, const Measurement& b, std::string* which = nullptr) const {
        long long changed = 0;
        for (const auto& [table, groups] : a.groups) {
            auto after = b.groups.find(table);
            for (const auto& [g, n] : groups) {
                long long m = after == b.groups.end() || !after->second.count(g) ? 0 : after->second.at(g);
                if (m != n) {
                    changed += std::llabs(n - m);
                    if (which && which->empty()) *which = table + " (" + g + ")";
                }
            }
        }
        return changed;
    }

    // Without each of its confirmation flags the command must refuse and change nothing.
    void check_refusals(const CleanupCommand& cmd, const Database& db, PgConn& conn) {
        for (const auto& flag : cmd.require_flags) {
            std::string without = command_without_flag(cmd.run, flag);
            if (without == cmd.run) {
                finding("confirmation-untested", "warning",
                        "Command '" + cmd.name + "' does not contain " + flag + ", so pggate cannot check that it refuses to run without it.",
                        cmd.name, cmd.location);
                continue;
            }
            Measurement before = measure(conn, tenant_tables_);
            ProcessResult p = run_shell(without, db);
            wait_for_other_backends(conn);
            Measurement after = measure(conn, tenant_tables_);
            std::string where;
            long long changed = rows_changed(before, after, &where);
            if (p.exit_code == 0 || changed > 0) {
                finding("runs-without-confirmation", "error",
                        "Command '" + cmd.name + "' without " + flag + " " +
                            (p.exit_code == 0 ? "exited 0" : "exited " + std::to_string(p.exit_code)) +
                            (changed > 0 ? " and changed " + with_thousands(changed) + " row(s), first in " + where : "") +
                            ": destructive commands must refuse unless every confirmation flag (" + join(cmd.require_flags, ", ") + ") is given.",
                        cmd.name, cmd.location, {{"command", without}});
            }
        }
    }

    // Time the server spent executing the command's top-level statements (DO blocks and functions
    // include what they run): the cleanup's own cost, without process and connection start-up.
    double server_time(PgConn& conn) const {
        if (!statements_available_) return -1;
        PgResult r = conn.exec(kOwn + "SELECT coalesce(sum(total_exec_time), 0) FROM pg_stat_statements "
                               "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel "
                               "AND query NOT LIKE '/* pggate */%'");
        return std::stod(r.get(0, 0));
    }

    void reset_statements(PgConn& conn) const {
        if (statements_available_) conn.exec(kOwn + "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)");
    }

    CommandRun run_command(const CleanupCommand& cmd, const Database& db, PgConn& conn) {
        CommandRun run;
        run.before = measure(conn, tenant_tables_);
        reset_statements(conn);
        auto t = std::chrono::steady_clock::now();
        run.process = run_shell(cmd.run, db);
        run.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
        wait_for_other_backends(conn);
        run.after = measure(conn, tenant_tables_);
        run.statements = delete_statements(conn, statements_available_);
        run.server_ms = server_time(conn);
        return run;
    }

    // Findings for one run; false when it had any warning or error.
    bool judge(const CleanupCommand& cmd, const CommandRun& run, bool baseline) {
        size_t before = gate_.findings.size();
        gate_.metrics[cmd.name + ".duration_ms"] = run.ms;
        if (run.server_ms >= 0) gate_.metrics[cmd.name + ".server_ms"] = run.server_ms;
        if (run.process.exit_code != 0) {
            std::string why = run.process.timed_out ? "timed out after " + fmt_ms(static_cast<double>(o_.timeout_ms))
                              : run.process.signal ? "was killed by signal " + std::to_string(run.process.signal)
                                                   : "exited " + std::to_string(run.process.exit_code);
            finding("command-failed", "error",
                    "Command '" + cmd.name + "' " + why + ": " + tail(run.process.err.empty() ? run.process.out : run.process.err, 6),
                    cmd.name, cmd.location, {{"command", cmd.run}});
        }
        // Rows deleted per root table, summed over its partitions (the counters live on the leaves).
        std::map<std::string, long long> deleted;
        std::map<std::string, std::vector<std::string>> leaves;
        std::set<std::string> partitioned;
        for (const auto& [name, after] : run.after.counters) {
            auto b = run.before.counters.find(name);
            long long d = after.deleted - (b == run.before.counters.end() ? 0 : b->second.deleted);
            if (after.partition || after.root != name) partitioned.insert(after.root);
            if (d <= 0) continue;
            deleted[after.root] += d;
            leaves[after.root].push_back(name);
        }
        long long total_deleted = 0;
        for (const auto& [root, n] : deleted) {
            total_deleted += n;
            std::string stmts;
            std::map<std::string, std::string> details;
            int k = 0;
            for (const auto& s : run.statements) {
                bool about = s.target == root;
                for (const auto& leaf : leaves[root]) about = about || s.target == leaf;
                if (!about) continue;
                details["statement" + (k ? "_" + std::to_string(k + 1) : std::string())] =
                    statement_excerpt(s.query, 300) + "  (" + std::to_string(s.calls) + " call(s), " + with_thousands(s.rows) + " rows)";
                if (k++ == 0) stmts = ": " + statement_excerpt(s.query, 160);
            }
            if (stmts.empty() && !statements_available_) details["statement"] = "(pg_stat_statements is not loaded on this server)";
            details["command"] = cmd.run;
            bool is_partitioned = partitioned.count(root) > 0;
            std::string where = is_partitioned ? " from the partitioned table " + root + " (" + std::to_string(leaves[root].size()) + " partition(s))"
                                               : " from " + root;
            if (baseline) {
                finding("baseline-delete", "info",
                        "Command '" + cmd.name + "' (the old path, timed for comparison) deleted " + with_thousands(n) + " row(s)" + where + stmts + ".",
                        root, cmd.location, details);
            } else if (is_partitioned) {
                finding("partitioned-delete", "error",
                        "Command '" + cmd.name + "' deleted " + with_thousands(n) + " row(s)" + where + " with DELETE" + stmts +
                            ". Clean partitioned tables with TRUNCATE of the partition, or DETACH PARTITION + DROP TABLE.",
                        root, cmd.location, details);
            } else if (n > o_.max_deleted_rows) {
                finding("bulk-delete-measured", "error",
                        "Command '" + cmd.name + "' deleted " + with_thousands(n) + " row(s)" + where + " with DELETE (limit " +
                            with_thousands(o_.max_deleted_rows) + ")" + stmts + ". Partition " + root + " and drop expired partitions instead.",
                        root, cmd.location, details);
            }
        }
        gate_.metrics[cmd.name + ".rows_deleted"] = static_cast<double>(total_deleted);
        // Isolation: every other tenant's and scope's row counts are unchanged.
        if (!cmd.target.empty()) {
            long long removed_target = 0;
            for (const auto& [table, groups] : run.before.groups) {
                auto after = run.after.groups.find(table);
                for (const auto& [g, n] : groups) {
                    long long m = after == run.after.groups.end() || !after->second.count(g) ? 0 : after->second.at(g);
                    if (group_is_target(g, cmd.target)) {
                        removed_target += n - m;
                        if (m > 0 && std::find(cmd.expect_empty.begin(), cmd.expect_empty.end(), table) != cmd.expect_empty.end())
                            finding("purge-incomplete", "error",
                                    "Command '" + cmd.name + "' left " + with_thousands(m) + " of " + with_thousands(n) + " row(s) of " + g + " in " + table + ".",
                                    table, cmd.location);
                        continue;
                    }
                    if (m != n)
                        finding("other-tenant-touched", "error",
                                "Command '" + cmd.name + "' changed rows it does not own: " + table + " (" + g + ") had " + with_thousands(n) +
                                    " row(s), now " + with_thousands(m) + ". A purge must touch only its own tenant and scope.",
                                table, cmd.location, {{"command", cmd.run}});
                }
            }
            gate_.metrics[cmd.name + ".target_rows_removed"] = static_cast<double>(removed_target);
        }
        for (size_t i = before; i < gate_.findings.size(); ++i)
            if (gate_.findings[i].severity != "info") return false;
        return true;
    }

    void compare(const CleanupComparison& c, std::map<std::string, std::vector<Timing>>& times) {
        const CleanupCommand* base = nullptr;
        const CleanupCommand* cand = nullptr;
        for (const auto& cmd : o_.commands) {
            if (cmd.name == c.baseline) base = &cmd;
            if (cmd.name == c.candidate) cand = &cmd;
        }
        if (!base || !cand) return;  // the section parser already reported it
        // Alternate the two so drift in the machine's load hits both alike; each run on a fresh copy.
        for (int i = 1; i < c.runs; ++i)
            for (const CleanupCommand* cmd : {base, cand}) {
                Database db = copy();
                PgConn conn(db.conninfo);
                reset_statements(conn);
                auto t = std::chrono::steady_clock::now();
                run_shell(cmd->run, db);
                double wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
                wait_for_other_backends(conn);
                times[cmd->name].push_back({wall, server_time(conn)});
            }
        // Server time by default: at a test database's scale, starting bash and psql would otherwise weigh
        // as much as the cleanup itself. Wall time when asked, or when pg_stat_statements is not loaded.
        bool server = c.measure == "server" && statements_available_;
        auto pick = [&](const std::vector<Timing>& v) {
            std::vector<double> out;
            for (const auto& t : v) out.push_back(server ? t.server_ms : t.wall_ms);
            return out;
        };
        auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v.empty() ? 0.0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
        };
        std::vector<double> base_runs = pick(times[base->name]), cand_runs = pick(times[cand->name]);
        double b = median(base_runs), n = median(cand_runs);
        double reduction = b > 0 ? (1 - n / b) * 100 : 0;
        std::string key = c.candidate + "_vs_" + c.baseline;
        gate_.metrics[key + ".baseline_ms"] = b;
        gate_.metrics[key + ".candidate_ms"] = n;
        gate_.metrics[key + ".baseline_wall_ms"] = median([&] { std::vector<double> v; for (auto& t : times[base->name]) v.push_back(t.wall_ms); return v; }());
        gate_.metrics[key + ".candidate_wall_ms"] = median([&] { std::vector<double> v; for (auto& t : times[cand->name]) v.push_back(t.wall_ms); return v; }());
        gate_.metrics[key + ".reduction_pct"] = std::round(reduction * 10) / 10;
        GateCondition cond;
        cond.metric = key + ".reduction_pct";
        cond.comparator = "ge";
        cond.threshold = c.min_reduction_pct;
        cond.actual = std::round(reduction * 10) / 10;
        gate_.conditions.push_back(cond);
        char line[320];
        std::snprintf(line, sizeof line, "'%s' took %s against '%s' %s (%s time, median of %d run(s) each on identical seeded copies): %.1f%% less time",
                      c.candidate.c_str(), fmt_ms(n).c_str(), c.baseline.c_str(), fmt_ms(b).c_str(), server ? "server" : "wall", c.runs, reduction);
        auto samples = [](const std::vector<double>& v) {
            std::string out;
            for (double ms : v) out += (out.empty() ? "" : ", ") + fmt_ms(ms);
            return out;
        };
        std::map<std::string, std::string> details{{"baseline_runs", samples(base_runs)}, {"candidate_runs", samples(cand_runs)},
                                                   {"baseline_command", base->run}, {"candidate_command", cand->run}};
        if (reduction < c.min_reduction_pct)
            finding("reduction-below-target", "error",
                    std::string(line) + ", below the required " + std::to_string(static_cast<int>(c.min_reduction_pct)) + "%.", c.candidate, cand->location,
                    details);
        else
            finding("reduction", "info", std::string(line) + " (target " + std::to_string(static_cast<int>(c.min_reduction_pct)) + "%).", c.candidate,
                    cand->location, details);
    }
};

// Tables as the replayed database has them: partition keys, bounds, columns and unique keys.
void learn_from_database(TableModel& model, const std::string& conninfo) {
    PgConn conn(conninfo);
    PgResult r = conn.exec(
        "SELECT n.nspname || '.' || c.relname AS name, "
        "  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey, "
        "  (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent "
        "     JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid AND c.relispartition) AS parent, "
        "  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS bound, "
        "  (SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS cols, "
        "  (SELECT string_agg(k, ';') FROM (SELECT (SELECT string_agg(a.attname, ',') FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = ANY(ix.indkey)) AS k "
        "     FROM pg_index ix WHERE ix.indrelid = c.oid AND ix.indisunique AND ix.indpred IS NULL AND 0 <> ALL(ix.indkey)) u) AS uniq "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r','p') AND c.relpersistence <> 't' AND n.nspname NOT IN ('pg_catalog','information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%'");
    auto split = [](const std::string& s, char sep) {
        std::vector<std::string> out;
        std::stringstream ss(s);
        std::string part;
        while (std::getline(ss, part, sep))
            if (!part.empty()) out.push_back(part);
        return out;
    };
    for (int i = 0; i < r.rows(); ++i) {
        std::vector<std::vector<std::string>> keys;
        for (const auto& k : split(r.get(i, "uniq"), ';')) keys.push_back(split(k, ','));
        add_catalog_table(model, r.get(i, "name"), r.get(i, "partkey"), r.get(i, "parent"), r.get(i, "bound"), split(r.get(i, "cols"), ','), keys);
    }
}

}  // namespace

GateResult run_delete_paths_gate(const DeletePathsOptions& options, Provider* provider, const Database* base) {
    GateResult gate;
    gate.id = kGate;
    TableModel model;
    model.large_globs = options.large_tables;
    std::string dynamic_part;
    if (base) {
        try {
            learn_from_database(model, base->conninfo);
        } catch (const PgError& e) {
            Finding f{std::string(kGate) + ".no-database", "error", std::string("Cannot read the tables of the replayed database: ") + e.what(),
                      options.database, std::nullopt, {}, "", std::nullopt};
            gate.findings.push_back(f);
        }
    }
    // Static half.
    std::vector<std::string> problems;
    std::vector<LintInput> inputs;
    for (const auto& f : expand_file_globs(options.files, options.base_dir, problems)) inputs.push_back({resolve_path(f, options.base_dir), f});
    LintResult lint = lint_files(inputs, model);
    add_lint_findings(gate, lint);
    int static_errors = 0;
    for (const auto& f : lint.findings) static_errors += f.severity == "error";
    std::string static_part = std::to_string(lint.files) + " file(s) linted, " + std::to_string(static_errors) + " bulk-delete path(s)";
    // Dynamic half.
    if (!options.commands.empty()) {
        if (!base || !provider) {
            dynamic_part = "cleanup commands not run: the " + options.database + " path did not replay";
        } else {
            try {
                DynamicCheck check(options, *provider, gate);
                dynamic_part = check.run(*base);
            } catch (const ProvisionError& e) {
                gate.findings.push_back({std::string(kGate) + ".no-database", "error", e.what(), options.database, std::nullopt, {}, "", std::nullopt});
            } catch (const PgError& e) {
                gate.findings.push_back({std::string(kGate) + ".no-database", "error", std::string("PostgreSQL: ") + e.what(), options.database,
                                         std::nullopt, {}, "", std::nullopt});
            }
        }
    }
    settle_delete_paths_gate(gate, static_part, dynamic_part);
    return gate;
}

// ---------------------------------------------------------------------------------------------
// pggate.yaml

DeletePathsOptions parse_delete_paths_section(const YAML::Node& section, const std::string& config_file, const std::string& config_dir,
                                              std::vector<std::string>& problems) {
    DeletePathsOptions o;
    o.base_dir = config_dir;
    const std::string S = "gates.delete-paths";
    auto at = [&](const YAML::Node& n) {
        return config_file + ":" + std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1) + ": ";
    };
    auto unknown_keys = [&](const YAML::Node& map, const std::vector<std::string>& known, const std::string& where) {
        for (auto it = map.begin(); it != map.end(); ++it) {
            std::string k = it->first.Scalar();
            if (std::find(known.begin(), known.end(), k) == known.end()) {
                std::string near = nearest(k, known, 3);
                problems.push_back(at(it->first) + "unknown key '" + k + "' in " + where + "." + (near.empty() ? " Known keys: " + join(known, ", ") + "." : " Did you mean '" + near + "'?"));
            }
        }
    };
    auto str = [&](const YAML::Node& n, const std::string& what) -> std::optional<std::string> {
        if (n.IsScalar()) return n.Scalar();
        problems.push_back(at(n) + what + " must be a string.");
        return std::nullopt;
    };
    auto strings = [&](const YAML::Node& n, const std::string& what) {
        std::vector<std::string> out;
        if (n.IsScalar()) return std::vector<std::string>{n.Scalar()};
        if (!n.IsSequence()) {
            problems.push_back(at(n) + what + " must be a list of strings.");
            return out;
        }
        for (const auto& e : n)
            if (auto v = str(e, what + " entries")) out.push_back(*v);
        return out;
    };
    auto number = [&](const YAML::Node& n, const std::string& what, double lo) -> std::optional<double> {
        std::string text = n.IsScalar() ? n.Scalar() : "";
        if (!text.empty() && text.back() == '%') text.pop_back();
        try {
            size_t used = 0;
            double v = std::stod(text, &used);
            if (used == text.size() && v >= lo) return v;
        } catch (...) {
        }
        problems.push_back(at(n) + what + " must be a number ≥ " + std::to_string(static_cast<long long>(lo)) + ".");
        return std::nullopt;
    };
    if (!section.IsMap()) {
        problems.push_back(at(section) + S + " must be a mapping (files, large_tables, seed, commands, compare).");
        return o;
    }
    static const std::vector<std::string> keys{"files", "large_tables", "database", "seed", "tenant_columns", "max_deleted_rows", "timeout", "commands", "compare"};
    unknown_keys(section, keys, S);
    if (section["files"]) o.files = strings(section["files"], S + ".files");
    if (section["large_tables"]) o.large_tables = strings(section["large_tables"], S + ".large_tables");
    if (section["database"])
        if (auto v = str(section["database"], S + ".database")) o.database = *v;
    if (section["tenant_columns"]) o.tenant_columns = strings(section["tenant_columns"], S + ".tenant_columns");
    if (section["max_deleted_rows"])
        if (auto v = number(section["max_deleted_rows"], S + ".max_deleted_rows", 0)) o.max_deleted_rows = static_cast<long long>(*v);
    if (section["timeout"]) {
        auto v = section["timeout"].IsScalar() ? parse_duration_ms(section["timeout"].Scalar()) : std::nullopt;
        if (v) o.timeout_ms = *v;
        else problems.push_back(at(section["timeout"]) + S + ".timeout must be a duration such as 60s or 5m.");
    }
    if (section["seed"])
        if (auto v = str(section["seed"], S + ".seed")) {
            o.seed_file = *v;
            std::error_code ec;
            if (!fs::is_regular_file(resolve_path(*v, config_dir), ec))
                problems.push_back(at(section["seed"]) + S + ".seed '" + *v + "' does not exist (looked for " + resolve_path(*v, config_dir) + ").");
        }
    if (o.files.empty() && !section["commands"])
        problems.push_back(at(section) + S + " needs files (globs of SQL, shell and code to lint) or commands (cleanups to run), or both.");
    if (!o.files.empty()) {
        std::vector<std::string> glob_problems;
        expand_file_globs(o.files, config_dir, glob_problems);
        for (const auto& p : glob_problems) problems.push_back(at(section["files"]) + S + ".files: " + p);
    }
    std::vector<std::string> names;
    if (const YAML::Node& cs = section["commands"]) {
        if (!cs.IsSequence()) problems.push_back(at(cs) + S + ".commands must be a list of {name, run, …}.");
        else
            for (const auto& cn : cs) {
                if (!cn.IsMap()) {
                    problems.push_back(at(cn) + S + ".commands entries must be mappings.");
                    continue;
                }
                static const std::vector<std::string> ckeys{"name", "run", "target", "require_flags", "expect_empty"};
                unknown_keys(cn, ckeys, S + ".commands entry");
                CleanupCommand c;
                c.location = Location{fs::path(config_file).filename().string(), static_cast<int>(cn.Mark().line + 1), static_cast<int>(cn.Mark().column + 1)};
                if (!cn["name"] || !cn["run"]) problems.push_back(at(cn) + S + ".commands entry needs 'name' and 'run'.");
                if (cn["name"])
                    if (auto v = str(cn["name"], "name")) c.name = *v;
                if (cn["run"])
                    if (auto v = str(cn["run"], "run")) c.run = *v;
                if (std::find(names.begin(), names.end(), c.name) != names.end()) problems.push_back(at(cn["name"]) + "command name '" + c.name + "' is used twice.");
                names.push_back(c.name);
                if (const YAML::Node& t = cn["target"]) {
                    if (!t.IsMap()) problems.push_back(at(t) + "target must map tenant columns to values, e.g. {tenant_id: t1, scope_key: s1}.");
                    else
                        for (auto it = t.begin(); it != t.end(); ++it) {
                            std::string col = it->first.Scalar();
                            if (std::find(o.tenant_columns.begin(), o.tenant_columns.end(), col) == o.tenant_columns.end())
                                problems.push_back(at(it->first) + "target column '" + col + "' is not one of tenant_columns (" + join(o.tenant_columns, ", ") + ").");
                            if (auto v = str(it->second, "target." + col)) c.target[col] = *v;
                        }
                }
                if (cn["require_flags"]) c.require_flags = strings(cn["require_flags"], "require_flags");
                if (cn["expect_empty"])
                    for (auto& t : strings(cn["expect_empty"], "expect_empty")) c.expect_empty.push_back(t.find('.') == std::string::npos ? "public." + t : t);
                o.commands.push_back(std::move(c));
            }
    }
    if (const YAML::Node& cmp = section["compare"]) {
        if (!cmp.IsSequence()) problems.push_back(at(cmp) + S + ".compare must be a list of {baseline, candidate, min_reduction}.");
        else
            for (const auto& e : cmp) {
                if (!e.IsMap()) {
                    problems.push_back(at(e) + S + ".compare entries must be mappings.");
                    continue;
                }
                static const std::vector<std::string> kkeys{"baseline", "candidate", "min_reduction", "runs", "measure"};
                unknown_keys(e, kkeys, S + ".compare entry");
                CleanupComparison c;
                if (e["baseline"])
                    if (auto v = str(e["baseline"], "baseline")) c.baseline = *v;
                if (e["candidate"])
                    if (auto v = str(e["candidate"], "candidate")) c.candidate = *v;
                for (const auto* name : {&c.baseline, &c.candidate})
                    if (std::find(names.begin(), names.end(), *name) == names.end())
                        problems.push_back(at(e) + "compare names command '" + *name + "', which is not in " + S + ".commands (" + join(names, ", ") + ").");
                if (e["min_reduction"])
                    if (auto v = number(e["min_reduction"], "min_reduction", 0)) c.min_reduction_pct = *v;
                if (e["runs"])
                    if (auto v = number(e["runs"], "runs", 1)) c.runs = static_cast<int>(*v);
                if (e["measure"]) {
                    auto v = str(e["measure"], "measure");
                    if (v && *v != "server" && *v != "wall") problems.push_back(at(e["measure"]) + "measure must be server or wall.");
                    else if (v) c.measure = *v;
                }
                o.compare.push_back(c);
            }
    }
    return o;
}

}  // namespace pggate
