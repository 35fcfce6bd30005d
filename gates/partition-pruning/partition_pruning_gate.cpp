#include "gates/partition-pruning/partition_pruning_gate.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/explain.h"
#include "harness/config.h"
#include "harness/pg.h"
#include "harness/sql_script.h"

namespace fs = std::filesystem;

namespace pggate {

namespace {

const char* kGate = "partition-pruning";


std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
}

// "RANGE (collected_date)" -> "collected_date"; "LIST (a, b)" -> "a, b".
std::string key_columns(const std::string& partkey) {
    auto open = partkey.find('(');
    auto close = partkey.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close <= open) return partkey;
    return partkey.substr(open + 1, close - open - 1);
}

std::string hint_for(const std::string& partkey) {
    if (partkey.empty()) return "";
    std::string cols = key_columns(partkey);
    std::string strategy = partkey.substr(0, partkey.find(' '));
    std::string how;
    if (strategy == "HASH")
        how = "an equality on " + cols + " (col = constant or $n; hash partitions prune only on equality of every key column)";
    else if (strategy == "LIST")
        how = "an equality or IN list on " + cols;
    else
        how = "a range or equality on " + cols + " (e.g. " + cols + " >= $1 AND " + cols + " < $2)";
    return "To prune, filter on the partition key " + partkey + ": add " + how +
           ", compared with constants or parameters, not wrapped in a function; a filter on another column "
           "(such as a derived date) prunes nothing.";
}

std::string trim_list(const std::vector<std::string>& v, size_t max = 12) {
    if (v.size() <= max) return join(v, ", ");
    std::vector<std::string> head(v.begin(), v.begin() + static_cast<long>(max));
    return join(head, ", ") + ", … (" + std::to_string(v.size() - max) + " more)";
}

std::string fmt_share(double s) {
    std::ostringstream o;
    o << s;
    return o.str();
}

}  // namespace

GateResult run_partition_pruning_gate(const PruningOptions& options, const std::string& conninfo) {
    auto t0 = std::chrono::steady_clock::now();
    GateResult g;
    g.id = kGate;
    auto finish = [&] {
        g.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return g;
    };
    std::unique_ptr<PgConn> conn;
    try {
        conn = std::make_unique<PgConn>(conninfo);
    } catch (const std::exception& e) {
        g.status = "error";
        g.summary = "cannot connect to the database to check";
        g.findings.push_back({std::string(kGate) + ".no-database", "error",
                              std::string("Cannot connect to the database to check: ") + e.what(), redact_conninfo(conninfo),
                              std::nullopt, {}, "", std::nullopt});
        return finish();
    }

    if (!options.seed_file.empty()) {
        std::string path = resolve_path(options.seed_file, options.base_dir);
        try {
            SqlScript script = load_sql_script(path);
            for (const auto& st : script.statements) {
                try {
                    conn->exec(st.text);
                } catch (const PgError& e) {
                    Finding f{std::string(kGate) + ".seed-failed", "error",
                              "The seed data could not be loaded: " + std::string(e.what()) +
                                  (e.sqlstate.empty() ? "" : " (SQLSTATE " + e.sqlstate + ")"),
                              options.seed_file, Location{options.seed_file, st.start.line, st.start.column}, {}, "", std::nullopt};
                    f.details["statement"] = statement_excerpt(st.text);
                    if (!e.sqlstate.empty()) f.details["sqlstate"] = e.sqlstate;
                    g.findings.push_back(std::move(f));
                    g.status = "error";
                    g.summary = "seed failed; no query checked";
                    return finish();
                }
            }
            conn->exec("ANALYZE");
        } catch (const ScriptError& e) {
            g.findings.push_back({std::string(kGate) + ".seed-failed", "error", e.what(), options.seed_file,
                                  Location{options.seed_file, e.where.line, e.where.column}, {}, "", std::nullopt});
            g.status = "error";
            g.summary = "seed failed; no query checked";
            return finish();
        } catch (const PgError& e) {
            g.findings.push_back({std::string(kGate) + ".seed-failed", "error",
                                  std::string("ANALYZE after the seed failed: ") + e.what(), options.seed_file,
                                  std::nullopt, {}, "", std::nullopt});
            g.status = "error";
            g.summary = "seed failed; no query checked";
            return finish();
        }
    }

    int failed = 0, over = 0;
    for (const auto& q : options.queries) {
        std::string where = q.file.empty() ? "inline" : q.file + ":" + std::to_string(q.location.line);
        ExplainOptions eo;
        eo.generic_plan = q.generic_plan;
        eo.analyze = q.analyze;
        eo.tables = q.tables;
        PruningReport rep;
        try {
            rep = explain_partitions(*conn, q.sql, q.params, eo);
        } catch (const PgError& e) {
            Finding f{std::string(kGate) + ".query-failed", "error",
                      "Query '" + q.name + "' (" + where + ") could not be explained: " + e.what() +
                          (e.sqlstate.empty() ? "" : " (SQLSTATE " + e.sqlstate + ")") +
                          ". Fix the query or its params so it runs on the replayed schema.",
                      q.name, q.location, {}, "", std::nullopt};
            f.details["statement"] = statement_excerpt(q.sql);
            if (!e.sqlstate.empty()) f.details["sqlstate"] = e.sqlstate;
            g.findings.push_back(std::move(f));
            ++failed;
            continue;
        } catch (const std::exception& e) {
            g.findings.push_back({std::string(kGate) + ".table-not-partitioned", "error",
                                  "Query '" + q.name + "' (" + where + "): declared " + e.what() +
                                      ". Declare the partitioned table(s) the query reads.",
                                  q.name, q.location, {}, "", std::nullopt});
            ++failed;
            continue;
        }
        for (const auto& t : rep.tables) {
            if (!t.declared) continue;
            std::string mkey = q.name + "." + t.table;
            g.metrics[mkey + ".partitions_scanned"] = t.partitions_scanned;
            g.metrics[mkey + ".partitions_total"] = t.partitions_total;
            // The budget as a quality-gate condition, so CI dashboards see threshold and actual side by side.
            GateCondition budget;
            budget.metric = mkey + ".partitions_scanned";
            budget.comparator = "le";
            budget.actual = t.partitions_scanned;
            budget.threshold = q.max_partitions ? *q.max_partitions
                                                : (q.max_share ? static_cast<int>(*q.max_share * t.partitions_total) : t.partitions_total);
            budget.status = condition_holds(budget.comparator, budget.actual, budget.threshold) ? "pass" : "fail";
            g.conditions.push_back(budget);
            std::string counts = std::to_string(t.partitions_scanned) + "/" + std::to_string(t.partitions_total);
            if (!t.in_plan) {
                Finding f{std::string(kGate) + ".table-not-in-plan", "info",
                          "Query '" + q.name + "' (" + where + "): no partition of " + t.table +
                              " remains in the plan (all pruned, or the query does not read it); counted as 0/" +
                              std::to_string(t.partitions_total) + ".",
                          q.name + " " + t.table, q.location, {}, "", std::nullopt};
                f.details["partitions_total"] = std::to_string(t.partitions_total);
                g.findings.push_back(std::move(f));
            }
            std::string allowed;
            bool too_many = false;
            if (q.max_partitions) {
                allowed = "at most " + std::to_string(*q.max_partitions);
                too_many = t.partitions_scanned > *q.max_partitions;
            }
            if (q.max_share) {
                double limit = *q.max_share * t.partitions_total;
                allowed += (allowed.empty() ? "" : " and ") + std::string("at most ") + fmt_share(*q.max_share * 100) + "% (" +
                           std::to_string(static_cast<int>(std::floor(limit + 1e-9))) + ")";
                too_many = too_many || t.partitions_scanned > limit + 1e-9;
            }
            if (!too_many) continue;
            ++over;
            Finding f{std::string(kGate) + ".too-many-partitions", "error",
                      "Query '" + q.name + "' (" + where + ") scans " + counts + " partitions of " + t.table + " (allowed: " +
                          allowed + "): " + trim_list(t.scanned) + ". " + hint_for(t.partition_key),
                      q.name + " " + t.table, q.location, {}, "", std::nullopt};
            f.details["table"] = t.table;
            f.details["partitions_scanned"] = std::to_string(t.partitions_scanned);
            f.details["partitions_total"] = std::to_string(t.partitions_total);
            f.details["scanned"] = join(t.scanned, ", ");
            f.details["partition_key"] = t.partition_key;
            f.details["plan"] = std::string(q.generic_plan ? "generic" : "custom") + (q.analyze ? ", analyzed" : "");
            f.details["statement"] = statement_excerpt(q.sql);
            if (!t.not_executed.empty()) f.details["not_executed"] = join(t.not_executed, ", ");
            g.findings.push_back(std::move(f));
        }
    }
    g.metrics["queries"] = static_cast<double>(options.queries.size());
    g.metrics["queries_over_budget"] = over;
    g.metrics["queries_failed"] = failed;
    g.status = failed ? "error" : over ? "fail" : "pass";
    g.summary = std::to_string(options.queries.size()) + " queries checked: " + std::to_string(over) +
                " partition budget(s) exceeded, " + std::to_string(failed) + " could not be explained";
    return finish();
}

const std::vector<std::string>& partition_pruning_section_keys() {
    static const std::vector<std::string> keys{"database", "seed", "queries"};
    return keys;
}

PruningOptions parse_partition_pruning_section(const YAML::Node& section, const std::string& config_file,
                                               const std::string& config_dir, std::vector<std::string>& problems) {
    PruningOptions o;
    o.base_dir = config_dir;
    const std::string S = "gates.partition-pruning";
    auto at = [&](const YAML::Node& n) {
        return config_file + ":" + std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1) + ": ";
    };
    auto str = [&](const YAML::Node& n, const std::string& what) -> std::optional<std::string> {
        if (n.IsScalar()) return n.Scalar();
        problems.push_back(at(n) + what + " must be a string.");
        return std::nullopt;
    };
    auto boolean = [&](const YAML::Node& n, const std::string& what) -> std::optional<bool> {
        bool v = false;
        if (n.IsScalar() && YAML::convert<bool>::decode(n, v)) return v;
        problems.push_back(at(n) + what + " must be true or false.");
        return std::nullopt;
    };
    auto unknown_keys = [&](const YAML::Node& map, const std::vector<std::string>& known, const std::string& where) {
        for (auto it = map.begin(); it != map.end(); ++it) {
            std::string k = it->first.Scalar();
            if (std::find(known.begin(), known.end(), k) == known.end())
                problems.push_back(at(it->first) + "unknown key '" + k + "' in " + where + ". Known keys: " + join(known, ", ") + ".");
        }
    };
    if (!section.IsMap()) {
        problems.push_back(at(section) + S + " must be a mapping with 'queries: [...]'.");
        return o;
    }
    unknown_keys(section, partition_pruning_section_keys(), S);
    if (section["database"])
        if (auto v = str(section["database"], S + ".database")) o.database = *v;
    if (section["seed"]) {
        if (auto v = str(section["seed"], S + ".seed")) {
            o.seed_file = *v;
            std::error_code ec;
            if (!fs::is_regular_file(resolve_path(*v, config_dir), ec))
                problems.push_back(at(section["seed"]) + S + ".seed '" + *v + "' does not exist (looked for " + resolve_path(*v, config_dir) + ").");
        }
    }
    const YAML::Node& qs = section["queries"];
    if (!qs || !qs.IsSequence() || qs.size() == 0) {
        problems.push_back(at(qs ? qs : section) + S + ".queries must be a non-empty list of queries (name, file or sql, table, max_partitions or max_share).");
        return o;
    }
    static const std::vector<std::string> qkeys{"name", "file", "sql", "params", "table", "tables", "max_partitions", "max_share", "generic_plan", "analyze"};
    std::vector<std::string> names;
    for (const auto& qn : qs) {
        if (!qn.IsMap()) {
            problems.push_back(at(qn) + S + ".queries entries must be mappings.");
            continue;
        }
        unknown_keys(qn, qkeys, S + ".queries entry");
        PruningQuery q;
        std::string W = S + ".queries entry";
        if (!qn["name"]) problems.push_back(at(qn) + W + " needs 'name'.");
        else if (auto v = str(qn["name"], W + ".name")) {
            q.name = *v;
            if (std::find(names.begin(), names.end(), q.name) != names.end())
                problems.push_back(at(qn["name"]) + "query name '" + q.name + "' is used twice.");
            names.push_back(q.name);
            W = S + " query '" + q.name + "'";
        }
        if (qn["file"] && qn["sql"]) problems.push_back(at(qn) + W + ": give either 'file' or 'sql', not both.");
        else if (qn["file"]) {
            if (auto v = str(qn["file"], W + ".file")) {
                q.file = *v;
                std::string path = resolve_path(*v, config_dir);
                try {
                    SqlScript script = load_sql_script(path);
                    if (script.statements.size() != 1) {
                        problems.push_back(at(qn["file"]) + W + ": '" + *v + "' must hold exactly one statement (it holds " +
                                           std::to_string(script.statements.size()) + ").");
                    } else {
                        q.sql = script.statements[0].text;
                        q.location = Location{*v, script.statements[0].start.line, script.statements[0].start.column};
                    }
                } catch (const ScriptError& e) {
                    problems.push_back(at(qn["file"]) + W + ": " + e.what());
                }
            }
        } else if (qn["sql"]) {
            if (auto v = str(qn["sql"], W + ".sql")) {
                q.sql = *v;
                q.location = Location{fs::path(config_file).filename().string(), qn["sql"].Mark().line + 1, qn["sql"].Mark().column + 1};
            }
        } else {
            problems.push_back(at(qn) + W + " needs 'file' (a .sql file with one statement) or 'sql'.");
        }
        if (const YAML::Node& p = qn["params"]) {
            if (p.IsSequence()) {
                for (const auto& item : p)
                    if (auto v = str(item, W + ".params entry")) q.params.push_back(*v);
            } else if (p.IsScalar()) {
                q.params.push_back(p.Scalar());
            } else {
                problems.push_back(at(p) + W + ".params must be a list of values ($1, $2, …).");
            }
        }
        for (const char* key : {"table", "tables"}) {
            const YAML::Node& t = qn[key];
            if (!t) continue;
            if (t.IsScalar()) q.tables.push_back(t.Scalar());
            else if (t.IsSequence()) {
                for (const auto& item : t)
                    if (auto v = str(item, W + "." + key + " entry")) q.tables.push_back(*v);
            } else
                problems.push_back(at(t) + W + "." + key + " must be a table or a list of tables.");
        }
        if (q.tables.empty()) problems.push_back(at(qn) + W + " needs 'table': the partitioned table(s) it reads.");
        if (const YAML::Node& m = qn["max_partitions"]) {
            int v = 0;
            if (m.IsScalar() && YAML::convert<int>::decode(m, v) && v >= 0) q.max_partitions = v;
            else problems.push_back(at(m) + W + ".max_partitions must be a whole number >= 0.");
        }
        if (const YAML::Node& m = qn["max_share"]) {
            double v = 0;
            if (m.IsScalar() && YAML::convert<double>::decode(m, v) && v > 0 && v <= 1) q.max_share = v;
            else problems.push_back(at(m) + W + ".max_share must be a number in (0, 1], e.g. 0.1.");
        }
        if (!qn["max_partitions"] && !qn["max_share"])
            problems.push_back(at(qn) + W + " needs 'max_partitions' or 'max_share': how many leaf partitions it may scan.");
        if (qn["generic_plan"])
            if (auto v = boolean(qn["generic_plan"], W + ".generic_plan")) q.generic_plan = *v;
        if (qn["analyze"])
            if (auto v = boolean(qn["analyze"], W + ".analyze")) q.analyze = *v;
        o.queries.push_back(std::move(q));
    }
    return o;
}

}  // namespace pggate
