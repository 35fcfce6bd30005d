#include "gates/migration-safety/seeded_upgrade.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <regex>
#include <set>

#include "gates/migration-safety/lock_probe.h"
#include "gates/migration-safety/step_rules.h"
#include "harness/chain.h"
#include "harness/dotenv.h"
#include "harness/pg.h"
#include "harness/replay.h"

namespace pggate {
namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

Location to_location(const SourceLocation& s, const Config& cfg) { return {relative_to(s.file, cfg.dir), s.line, s.column}; }

// Explicit BEGIN/COMMIT in a migration file: here the file runs as one measured transaction instead.
bool is_transaction_control(const Statement& st) {
    std::string ex = statement_excerpt(st.text, 20);
    std::string word;
    for (char c : ex) {
        if (!std::isalpha(static_cast<unsigned char>(c))) break;
        word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (word == "ROLLBACK" && ex.find(" TO ") != std::string::npos) return false;  // ROLLBACK TO SAVEPOINT: the file's own
    return word == "BEGIN" || word == "START" || word == "COMMIT" || word == "END" || word == "ROLLBACK" || word == "ABORT";
}

// SAVEPOINT, RELEASE, ROLLBACK TO: the file's own subtransactions, run as written inside the measured one.
bool is_savepoint_statement(const Statement& st) {
    std::string ex = statement_excerpt(st.text, 40);
    std::string up;
    for (char c : ex) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return up.rfind("SAVEPOINT", 0) == 0 || up.rfind("RELEASE", 0) == 0 || (up.rfind("ROLLBACK", 0) == 0 && up.find(" TO ") != std::string::npos);
}

// A measuring connection: pggate's guards arrive as connection options (pg_settings.source "client"), so a
// SET lock_timeout in the migration is told apart from them.
std::string measured_conninfo(const Database& db, const Config& cfg) {
    return db.conninfo + " options='-c lock_timeout=" + std::to_string(cfg.timeouts.lock_ms) + " -c statement_timeout=" +
           std::to_string(cfg.timeouts.statement_ms) + " -c client_min_messages=warning'";
}

// Row values as JSON objects, secret-looking columns (password, token, api_key, …) replaced by "***".
std::string redact_row(const std::string& json_text) {
    try {
        auto j = nlohmann::ordered_json::parse(json_text);  // columns stay in table order
        if (j.is_object())
            for (auto it = j.begin(); it != j.end(); ++it)
                if (is_secret_name(it.key()) && !it.value().is_null()) it.value() = "***";
        return j.dump();
    } catch (const nlohmann::json::exception&) {
        return json_text;
    }
}

struct Sample {
    long long count = -1;           // rows (or groups) that break it; -1 unknown
    std::string what;               // "rows of public.tasks where tenant_id IS NULL"
    std::vector<std::string> rows;  // JSON objects
};

Sample sample_where(PgConn& conn, const std::string& from, const std::string& cond, const std::string& what, int limit) {
    Sample s;
    s.what = what;
    s.count = std::stoll(conn.exec("SELECT count(*) FROM " + from + " x WHERE " + cond).get(0, 0));
    PgResult r = conn.exec("SELECT row_to_json(x)::text FROM " + from + " x WHERE " + cond + " LIMIT " + std::to_string(limit));
    for (int i = 0; i < r.rows(); ++i) s.rows.push_back(redact_row(r.get(i, 0)));
    return s;
}

// The text inside the first balanced parentheses after `from`.
std::string parenthesized_after(const std::string& text, size_t from) {
    size_t open = text.find('(', from);
    if (open == std::string::npos) return "";
    int depth = 0;
    for (size_t i = open; i < text.size(); ++i) {
        if (text[i] == '(') ++depth;
        if (text[i] == ')' && --depth == 0) return text.substr(open + 1, i - open - 1);
    }
    return "";
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Which seeded rows make the statement fail, read in the state just before it (its savepoint), so a
// backfill earlier in the same migration counts. Best effort: an empty sample when the error says too little.
Sample offending_rows(PgConn& conn, const PgError& e, const Statement& st, int limit) {
    std::string table = e.table.empty() ? "" : quote_ident(e.schema.empty() ? "public" : e.schema) + "." + quote_ident(e.table);
    try {
        if (e.sqlstate == "23502" && !table.empty() && !e.column.empty())
            return sample_where(conn, table, quote_ident(e.column) + " IS NULL",
                                "rows of " + table + " where " + e.column + " IS NULL", limit);
        if (e.sqlstate == "23514" && !table.empty()) {
            std::string expr;
            PgResult def = conn.exec_params(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = $1 AND conrelid = to_regclass($2)",
                {e.constraint, table});
            if (def.rows() > 0) expr = parenthesized_after(def.get(0, 0), 0);
            else {
                std::string up = upper(st.text);
                size_t at = up.find("CONSTRAINT " + upper(e.constraint));
                size_t check = up.find("CHECK", at == std::string::npos ? 0 : at);
                if (check != std::string::npos) expr = parenthesized_after(st.text, check);
            }
            if (!expr.empty())
                return sample_where(conn, table, "(" + expr + ") IS FALSE", "rows of " + table + " that break CHECK (" + expr + ")", limit);
        }
        if (e.sqlstate == "23505" && !table.empty()) {
            static const std::regex key(R"(Key \((.+?)\)=\()");
            std::smatch m;
            if (std::regex_search(e.detail, m, key)) {
                std::string cols = m[1];
                std::string from = "(SELECT " + cols + ", count(*) AS copies FROM " + table + " GROUP BY " + cols + " HAVING count(*) > 1)";
                Sample s = sample_where(conn, from, "true", "values of (" + cols + ") held by more than one row of " + table, limit);
                return s;
            }
        }
        if (e.sqlstate == "22P02" && std::string(e.what()).find("for enum") != std::string::npos) {
            // ALTER TABLE t … ALTER [COLUMN] c [SET DATA] TYPE enum_type …, among other subcommands.
            static const std::regex table_re(R"(ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?([\w."]+))", std::regex::icase);
            static const std::regex column_re(R"(ALTER\s+(?:COLUMN\s+)?([\w"]+)\s+(?:SET\s+DATA\s+)?TYPE\s+([\w."]+))", std::regex::icase);
            std::string text = statement_excerpt(st.text, 100000);
            std::smatch tm;
            if (std::regex_search(text, tm, table_re)) {
                const std::string t = tm[1];
                std::string rest = tm.suffix();
                for (std::smatch cm; std::regex_search(rest, cm, column_re); rest = cm.suffix()) {
                    const std::string col = cm[1], type = cm[2];
                    if (conn.exec_params("SELECT 1 FROM pg_type WHERE oid = to_regtype($1) AND typtype = 'e'", {type}).rows() == 0) continue;
                    std::string from = "(SELECT " + col + "::text AS value, count(*) AS rows FROM " + t + " WHERE " + col +
                                       " IS NOT NULL AND " + col + "::text <> ALL (enum_range(NULL::" + type +
                                       ")::text[]) GROUP BY 1 ORDER BY 2 DESC)";
                    Sample s = sample_where(conn, from, "true", "value(s) of " + t + "." + col + " that " + type + " does not have", limit);
                    if (s.count > 0) return s;
                }
            }
        }
    } catch (const PgError&) {
    } catch (const std::exception&) {
    }
    return {};
}

std::string join_rows(const std::vector<std::string>& rows) {
    std::string out;
    for (const auto& r : rows) out += (out.empty() ? "" : "\n") + r;
    return out;
}

// Exact row counts of every table (partitioned parents count their partitions), by oid; with `only`, of
// those tables alone.
std::map<unsigned, long long> count_rows(PgConn& conn, const std::set<unsigned>* only = nullptr) {
    std::map<unsigned, long long> out;
    if (only && only->empty()) return out;
    std::string filter;
    if (only) {
        filter = " AND c.oid IN (";
        for (unsigned oid : *only) filter += (filter.back() == '(' ? "" : ",") + std::to_string(oid);
        filter += ")";
    }
    PgResult q = conn.exec(
        "/* pggate */ SELECT string_agg(format('SELECT %s::oid::text, count(*) FROM %s', c.oid, c.oid::regclass), ' UNION ALL ') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid >= 16384 AND c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_toast%'" + filter);
    if (q.is_null(0, 0)) return out;
    PgResult r = conn.exec("/* pggate */ " + q.get(0, 0));
    for (int i = 0; i < r.rows(); ++i) out[static_cast<unsigned>(std::stoul(r.get(i, 0)))] = std::stoll(r.get(i, 1));
    return out;
}

struct Upgrade {
    const MigrationSafetyOptions& options;
    const Config& cfg;
    PgConn& conn;
    TableSizes sizes;
    GateResult& gate;
    int measured = 0;
};

void add_failure(Upgrade& u, const Migration& m, const ReplayFailure& f, const Sample& sample) {
    MeasuredStatement st{m.version, to_location(f.where, u.cfg), f.statement};
    std::string msg = "revision " + m.version + (m.name.empty() ? "" : " (" + m.name + ")") + " fails on the seeded data: " + f.message +
                      (f.sqlstate.empty() ? "" : " (SQLSTATE " + f.sqlstate + ")") + ".";
    if (!f.detail.empty()) msg += " " + f.detail;
    if (sample.count > 0) msg += " " + std::to_string(sample.count) + " " + sample.what + (sample.rows.empty() ? "." : "; first: " + sample.rows.front());
    Finding finding = safety_finding("seeded-upgrade-failed", "error", "revision " + m.version, msg, st,
                                     "make the migration handle the data production holds: backfill every row first (check with a "
                                     "SELECT that the backfill left none behind), or validate values before converting them");
    if (!f.sqlstate.empty()) finding.details["sqlstate"] = f.sqlstate;
    if (!f.detail.empty()) finding.details["detail"] = f.detail;
    if (!f.hint.empty()) finding.details["hint"] = f.hint;
    if (sample.count > 0) {
        finding.details["offending_count"] = std::to_string(sample.count);
        finding.details["offending"] = sample.what;
        finding.details["offending_rows"] = join_rows(sample.rows);
    }
    u.gate.findings.push_back(std::move(finding));
}

Finding invalid_index_finding(const std::string& index, const MeasuredStatement& st) {
    return safety_finding(
        "invalid-index", "error", index,
        "index " + index + " is INVALID: a CREATE INDEX CONCURRENTLY that failed leaves it behind; it slows every write and serves "
        "no read, and a rerun with IF NOT EXISTS keeps it",
        st, "DROP INDEX CONCURRENTLY IF EXISTS " + index + "; before CREATE INDEX CONCURRENTLY, and fix what made the build fail");
}

void add_invalid_indexes(Upgrade& u, const MeasuredStatement& st, const DatabaseState& before, const DatabaseState& after) {
    for (const auto& [oid, rel] : after.relations) {
        if ((rel.kind != 'i' && rel.kind != 'I') || rel.valid) continue;
        auto b = before.relations.find(oid);
        if (b != before.relations.end() && !b->second.valid) continue;
        u.gate.findings.push_back(invalid_index_finding(rel.name, st));
    }
}

// One migration file, one statement at a time. Returns false when it failed (finding added, rolled back).
bool measured_apply(Upgrade& u, const Migration& m, const SqlScript& script) {
    bool autocommit = false;
    for (const auto& st : script.statements)
        if (st.needs_autocommit && !is_transaction_control(st) && !is_savepoint_statement(st)) autocommit = true;
    // Each migration is judged on its own lock_timeout: a SET of an earlier file does not count here (RESET goes
    // back to pggate's connection option). Other settings carry over, as on a migration tool's one connection.
    u.conn.exec("RESET lock_timeout; RESET statement_timeout");  // pggate's guard against a hang comes back too
    const DatabaseState at_start = read_state(u.conn);
    DatabaseState before = at_start;
    const std::string label = "revision " + m.version;
    std::set<unsigned> written;  // tables this migration created or wrote to (ROW EXCLUSIVE or stronger)
    auto note_written = [&](const DatabaseState& s) {
        for (const auto& [oid, mode] : s.locks)
            if (mode >= 3 || !at_start.relations.count(oid)) written.insert(oid);
        for (const auto& [oid, rel] : s.relations)
            if ((rel.kind == 'r' || rel.kind == 'p') && !at_start.relations.count(oid)) written.insert(oid);
    };
    if (!autocommit) u.conn.exec("BEGIN");
    for (const auto& st : script.statements) {
        if (is_transaction_control(st)) continue;
        MeasuredStatement ms{m.version, to_location(st.start, u.cfg), statement_excerpt(st.text)};
        if (is_savepoint_statement(st)) {
            if (autocommit) continue;  // no transaction to take a savepoint in: the file's own BEGIN was dropped
            try {
                u.conn.exec(st.text);
            } catch (const PgError& e) {
                try { u.conn.exec("ROLLBACK"); } catch (const PgError&) {}
                add_failure(u, m, failure_from_pg(e, script, st, label), {});
                return false;
            }
            continue;
        }
        if (st.needs_autocommit) {  // CREATE INDEX CONCURRENTLY & co. run as production runs them: on their own
            try {
                u.conn.exec(st.text);
            } catch (const PgError& e) {
                add_failure(u, m, failure_from_pg(e, script, st, label), offending_rows(u.conn, e, st, u.options.sample_rows));
                add_invalid_indexes(u, ms, before, read_state(u.conn));
                return false;
            }
            DatabaseState after = read_state(u.conn);
            add_invalid_indexes(u, ms, before, after);
            // Its locks are gone by now, but a rewrite (VACUUM FULL) still shows in the relfilenodes.
            for (auto& f : judge_statement(ms, at_start, before, after, u.sizes)) u.gate.findings.push_back(std::move(f));
            note_written(after);
            before = std::move(after);
            ++u.measured;
            continue;
        }
        if (autocommit) u.conn.exec("BEGIN");
        u.conn.exec("SAVEPOINT pggate_statement");
        try {
            u.conn.exec(st.text);
        } catch (const PgError& e) {
            Sample sample;
            try {
                u.conn.exec("ROLLBACK TO SAVEPOINT pggate_statement");
                sample = offending_rows(u.conn, e, st, u.options.sample_rows);
                u.conn.exec("ROLLBACK");
            } catch (const PgError&) {
            }
            add_failure(u, m, failure_from_pg(e, script, st, label), sample);
            return false;
        }
        u.conn.exec("RELEASE SAVEPOINT pggate_statement");
        DatabaseState after = read_state(u.conn);
        for (auto& f : judge_statement(ms, at_start, before, after, u.sizes)) u.gate.findings.push_back(std::move(f));
        note_written(after);
        before = std::move(after);
        ++u.measured;
        if (autocommit) u.conn.exec("COMMIT");
    }
    if (!autocommit) {
        try {
            u.conn.exec("COMMIT");
        } catch (const PgError& e) {  // deferred constraints
            ReplayFailure f{label, m.version, {script.file, 0, 0}, "COMMIT", e.sqlstate, e.what(), e.detail, e.hint, ""};
            add_failure(u, m, f, {});
            return false;
        }
    }
    // Tables the migration created or filled count as large from their real size on (only those are counted
    // again: a 200-revision chain must not count every table 200 times).
    for (auto it = written.begin(); it != written.end();) {
        auto rel = before.relations.find(*it);
        if (rel == before.relations.end() || (rel->second.kind != 'r' && rel->second.kind != 'p')) it = written.erase(it);
        else ++it;
    }
    for (const auto& [oid, n] : count_rows(u.conn, &written))
        if (!at_start.relations.count(oid) || n > u.sizes.rows_of(oid)) u.sizes.rows[oid] = n;
    return true;
}

std::vector<std::vector<std::string>> rows_of(const nlohmann::json& j) {
    std::vector<std::vector<std::string>> rows;
    if (!j.is_array()) return rows;
    for (const auto& r : j) {
        std::vector<std::string> row;
        for (const auto& v : r) row.push_back(v.is_string() ? v.get<std::string>() : "");
        rows.push_back(std::move(row));
    }
    return rows;
}

// The Alembic driver's "statement" events: the state before and after each statement of a revision.
void judge_driver_statements(Upgrade& u, const std::vector<std::string>& events, std::vector<std::string>& measured) {
    std::string revision;
    DatabaseState at_start;
    for (const auto& line : events) {
        auto ev = nlohmann::json::parse(line, nullptr, false);
        if (!ev.is_object()) continue;
        DatabaseState before = state_from_rows(rows_of(ev["before"]));
        DatabaseState after = state_from_rows(rows_of(ev["after"]));
        if (ev.value("revision", "") != revision) {
            revision = ev.value("revision", "");
            at_start = before;
            measured.push_back(revision);
        }
        MeasuredStatement ms{revision, {relative_to(ev.value("file", ""), u.cfg.dir), ev.value("line", 0), 0},
                             statement_excerpt(ev.value("statement", ""))};
        for (auto& f : judge_statement(ms, at_start, before, after, u.sizes)) u.gate.findings.push_back(std::move(f));
        ++u.measured;
    }
}

bool allowed_change(const MigrationSafetyOptions& o, const std::string& name) {
    return std::any_of(o.allow_row_changes.begin(), o.allow_row_changes.end(),
                       [&](const RowCountException& a) { return matches_table_glob(a.table, name); });
}

void check_row_counts(Upgrade& u, const std::map<unsigned, long long>& seeded, const DatabaseState& seed_state,
                      const DatabaseState& head_state, const std::map<unsigned, long long>& head) {
    for (const auto& [oid, n] : seeded) {
        auto rel = seed_state.relations.find(oid);
        if (rel == seed_state.relations.end()) continue;
        std::string seed_name = rel->second.name;
        auto at_head = head_state.relations.find(oid);
        std::string head_name = seed_name;
        long long now = -1;
        if (at_head != head_state.relations.end()) {
            head_name = at_head->second.name;
            now = head.count(oid) ? head.at(oid) : -1;
        } else {
            for (const auto& [hoid, hrel] : head_state.relations)  // rebuilt under the same name (copy and swap)
                if (hrel.name == seed_name && (hrel.kind == 'r' || hrel.kind == 'p') && head.count(hoid)) now = head.at(hoid);
        }
        if (now == n) continue;
        if (allowed_change(u.options, seed_name) || allowed_change(u.options, head_name)) continue;
        std::string where = head_name == seed_name ? seed_name : seed_name + " (now " + head_name + ")";
        Finding f = safety_finding("row-count-changed", "error", seed_name,
                                   now < 0 ? where + " held " + std::to_string(n) + " seeded rows and is gone at head"
                                           : where + " held " + std::to_string(n) + " seeded rows and holds " + std::to_string(now) +
                                                 " at head: the upgrade lost or duplicated data",
                                   {"", u.options.where, ""},
                                   "if the change is intended, declare it: row_counts: allow_changes: [{table: " + seed_name + ", reason: …}]");
        f.details["seeded_rows"] = std::to_string(n);
        f.details["rows_at_head"] = std::to_string(now);
        u.gate.findings.push_back(std::move(f));
    }
}

void check_head_constraints(Upgrade& u, const DatabaseState& seed_state, const DatabaseState& head_state) {
    for (const auto& [oid, c] : head_state.constraints) {
        if (c.validated || seed_state.constraints.count(oid)) continue;
        auto t = head_state.relations.find(c.table);
        std::string table = t == head_state.relations.end() ? "" : t->second.name;
        // Would it hold on the seeded data? PostgreSQL's own VALIDATE answers, rolled back.
        std::string verdict = "; VALIDATE succeeds on the seeded data";
        Sample sample;
        std::string detail;
        try {
            PgResult q = u.conn.exec("SELECT format('ALTER TABLE %s VALIDATE CONSTRAINT %I', " + std::to_string(c.table) + "::regclass, " +
                                     quote_literal(c.name) + ")");
            u.conn.exec("BEGIN");
            u.conn.exec("SAVEPOINT pggate_validate");
            Statement st{q.get(0, 0), 0, {}, false};
            try {
                u.conn.exec(st.text);
            } catch (const PgError& e) {
                u.conn.exec("ROLLBACK TO SAVEPOINT pggate_validate");
                sample = offending_rows(u.conn, e, st, u.options.sample_rows);
                detail = withhold_row_values(e.detail);
                verdict = std::string("; it does not hold on the seeded data: ") + e.what() + (detail.empty() ? "" : " (" + detail + ")");
                if (sample.count >= 0) verdict += "; " + std::to_string(sample.count) + " " + sample.what;
            }
            u.conn.exec("ROLLBACK");
        } catch (const PgError&) {
            verdict.clear();
        }
        Finding f = safety_finding(
            "constraint-not-validated", "error", table + "." + c.name,
            "the chain adds " + std::string(c.type == 'f' ? "foreign key " : "constraint ") + c.name + " on " + table +
                " NOT VALID and never validates it: rows that existed before are not checked, and the planner cannot rely on it" + verdict,
            {"", u.options.where, ""}, "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + c.name + "; in a later revision");
        if (!sample.rows.empty()) f.details["offending_rows"] = join_rows(sample.rows);
        if (sample.count >= 0) f.details["offending_count"] = std::to_string(sample.count);
        u.gate.findings.push_back(std::move(f));
    }
    for (const auto& [oid, rel] : head_state.relations) {
        if ((rel.kind != 'i' && rel.kind != 'I') || rel.valid) continue;
        bool reported = std::any_of(u.gate.findings.begin(), u.gate.findings.end(),
                                    [&](const Finding& f) { return f.rule == "migration-safety.invalid-index" && f.object == rel.name; });
        if (!reported) u.gate.findings.push_back(invalid_index_finding(rel.name, {"", u.options.where, ""}));
    }
}

void run_invariants(Upgrade& u) {
    for (const auto& inv : u.options.invariants) {
        std::string sql = inv.sql;
        while (!sql.empty() && (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';')) sql.pop_back();
        MeasuredStatement where{"", inv.where, statement_excerpt(sql)};
        try {
            u.conn.exec("BEGIN READ ONLY");
            Sample s = sample_where(u.conn, "(" + sql + "\n)", "true", "rows", u.options.sample_rows);
            u.conn.exec("ROLLBACK");
            if (s.count == 0) continue;
            Finding f = safety_finding("invariant-failed", "error", "invariant " + inv.name,
                                       "invariant " + inv.name + " returned " + std::to_string(s.count) +
                                           " row(s) after the upgrade to head (it must return none); first: " + s.rows.front(),
                                       where, "");
            f.details["offending_count"] = std::to_string(s.count);
            f.details["offending_rows"] = join_rows(s.rows);
            u.gate.findings.push_back(std::move(f));
        } catch (const PgError& e) {
            try {
                u.conn.exec("ROLLBACK");
            } catch (const PgError&) {
            }
            u.gate.findings.push_back(safety_finding("invariant-error", "error", "invariant " + inv.name,
                                                     "invariant " + inv.name + " could not run at head: " + std::string(e.what()) +
                                                         (e.sqlstate.empty() ? "" : " (SQLSTATE " + e.sqlstate + ")"),
                                                     where, "fix the query; it must be a SELECT that returns no rows when the invariant holds"));
        }
    }
}

}  // namespace

std::vector<std::string> run_seeded_upgrade(const MigrationSafetyOptions& options, const Config& cfg, const ReplayPlan& plan,
                                            const Database& db, GateResult& gate) {
    auto t = std::chrono::steady_clock::now();
    std::vector<Migration> before_seed, after_seed;
    bool past = false;
    for (const auto& m : plan.chain.migrations) {
        (past ? after_seed : before_seed).push_back(m);
        if (m.version == options.seed_at) past = true;
    }
    StepCallback quiet = [](const std::string&, const ReplayStep&) {};
    PathResult base = apply_migrations("seeded", db, cfg, plan, before_seed, quiet);
    if (!base.ok) {
        gate.findings.push_back(safety_finding("seeded-upgrade-failed", "error", "revision " + base.failure->revision,
                                               "the chain does not reach the seed revision " + options.seed_at + ": " +
                                                   describe_failure("seeded", *base.failure, cfg.dir, false),
                                               {base.failure->revision, to_location(base.failure->where, cfg), base.failure->statement}, ""));
        return {};
    }
    PgConn conn(measured_conninfo(db, cfg));
    for (const auto& file : options.seed_files) {
        SqlScript seed = load_sql_script(file);
        try {
            run_script(conn, seed, false, "seed " + relative_to(file, cfg.dir));
        } catch (const StepFailed& f) {
            gate.findings.push_back(safety_finding("seed-failed", "error", relative_to(file, cfg.dir),
                                                   "the seed does not load at revision " + options.seed_at + ": " + f.failure.message +
                                                       (f.failure.sqlstate.empty() ? "" : " (SQLSTATE " + f.failure.sqlstate + ")"),
                                                   {"", to_location(f.failure.where, cfg), f.failure.statement},
                                                   "the seed must match the schema at seed.at"));
            return {};
        }
    }
    conn.exec("ANALYZE");
    Upgrade u{options, cfg, conn, {}, gate};
    u.sizes.rows = count_rows(conn);
    u.sizes.large_globs = options.large_tables;
    u.sizes.large_rows = options.large_table_rows;
    const std::map<unsigned, long long> seeded = u.sizes.rows;
    const DatabaseState seed_state = read_state(conn);
    long long seeded_rows = 0;
    for (const auto& [oid, n] : seeded)
        if (seed_state.relations.count(oid) && seed_state.relations.at(oid).kind == 'r') seeded_rows += n;
    gate.metrics["seeded_rows"] = static_cast<double>(seeded_rows);

    std::vector<std::string> measured;
    bool reached_head = true;
    if (cfg.chain.kind != ChainKind::sql_dir) {
        // Alembic runs the revisions itself (one interpreter for all of them); its driver probes the state
        // after each statement inside the revision's transaction and pggate judges the states here.
        std::vector<std::string> events;
        PathResult r = apply_migrations("seeded", db, cfg, plan, after_seed, quiet, {{"PGGATE_STATE_QUERY", state_query()}}, &events);
        judge_driver_statements(u, events, measured);
        if (!r.ok) {
            auto m = std::find_if(after_seed.begin(), after_seed.end(), [&](const Migration& x) { return x.version == r.failure->revision; });
            add_failure(u, m == after_seed.end() ? Migration{r.failure->revision} : *m, *r.failure, {});
            reached_head = false;
        }
    } else {
        for (const auto& m : after_seed) {
            measured.push_back(m.version);
            if (!measured_apply(u, m, plan.migration_scripts.at(m.up_file))) {
                reached_head = false;
                break;
            }
        }
    }
    gate.metrics["measured_statements"] = u.measured;
    if (reached_head) {
        const DatabaseState head_state = read_state(conn);
        check_row_counts(u, seeded, seed_state, head_state, count_rows(conn));
        check_head_constraints(u, seed_state, head_state);
        run_invariants(u);
    }
    gate.metrics["seeded_upgrade_ms"] = ms_since(t);
    return measured;
}

}  // namespace pggate
