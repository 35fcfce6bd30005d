#include "harness/explain.h"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "harness/pg.h"

namespace pggate {

namespace {

using nlohmann::json;

void walk_node(const json& node, PlanWalk& out) {
    if (!node.is_object()) return;
    std::string type = node.value("Node Type", "");
    if (node.contains("Relation Name") && type != "ModifyTable") {
        PlanScan s;
        s.node_type = type;
        s.relation = node.value("Relation Name", "");
        s.schema = node.value("Schema", "");
        s.alias = node.value("Alias", "");
        if (node.contains("Actual Loops") && node["Actual Loops"].is_number()) s.actual_loops = node["Actual Loops"].get<double>();
        out.scans.push_back(std::move(s));
    }
    if (node.contains("Subplans Removed") && node["Subplans Removed"].is_number())
        out.subplans_removed += node["Subplans Removed"].get<int>();
    if (node.contains("One-Time Filter") && node["One-Time Filter"].is_string() && node["One-Time Filter"].get<std::string>() == "false")
        out.one_time_false = true;
    if (node.contains("Actual Loops")) out.analyzed = true;
    if (node.contains("Plans") && node["Plans"].is_array())
        for (const auto& child : node["Plans"]) walk_node(child, out);
}

std::string table_part(const std::string& qualified) {
    auto dot = qualified.find('.');
    return dot == std::string::npos ? qualified : qualified.substr(dot + 1);
}

}  // namespace

PlanWalk walk_explain_json(const std::string& explain_json) {
    json doc;
    try {
        doc = json::parse(explain_json);
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("EXPLAIN output is not JSON: ") + e.what());
    }
    PlanWalk out;
    auto top = [&](const json& entry) {
        if (entry.is_object() && entry.contains("Plan")) walk_node(entry["Plan"], out);
        else walk_node(entry, out);
    };
    if (doc.is_array()) for (const auto& e : doc) top(e);
    else top(doc);
    return out;
}

const PartitionedTable* PartitionCatalog::find(const std::string& qualified) const {
    for (const auto& t : tables)
        if (t.name == qualified) return &t;
    return nullptr;
}

PartitionCatalog load_partition_catalog(PgConn& conn) {
    // Autocommit: the locks (none beyond catalog reads) end with the statement.
    PgResult r = conn.exec(R"SQL(
WITH RECURSIVE tree(top, rel) AS (
    SELECT c.oid, c.oid FROM pg_catalog.pg_class c WHERE c.relkind = 'p'
    UNION ALL
    SELECT t.top, i.inhrelid FROM tree t JOIN pg_catalog.pg_inherits i ON i.inhparent = t.rel
)
SELECT tn.nspname || '.' || tc.relname AS tbl, tc.relispartition AS is_partition,
       pg_catalog.pg_get_partkeydef(tc.oid) AS partkey,
       CASE WHEN lc.relkind IN ('r', 'f') THEN ln.nspname || '.' || lc.relname END AS leaf
FROM tree t
JOIN pg_catalog.pg_class tc ON tc.oid = t.top
JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
JOIN pg_catalog.pg_class lc ON lc.oid = t.rel
JOIN pg_catalog.pg_namespace ln ON ln.oid = lc.relnamespace
ORDER BY 1, 4)SQL");
    PartitionCatalog cat;
    for (int i = 0; i < r.rows(); ++i) {
        std::string name = r.get(i, "tbl");
        if (cat.tables.empty() || cat.tables.back().name != name) {
            PartitionedTable t;
            t.name = name;
            t.is_root = r.get(i, "is_partition") != "t";
            t.partition_key = r.get(i, "partkey");
            cat.tables.push_back(std::move(t));
        }
        if (!r.is_null(i, r.column("leaf"))) cat.tables.back().leaves.push_back(r.get(i, "leaf"));
    }
    for (auto& t : cat.tables) std::sort(t.leaves.begin(), t.leaves.end());
    return cat;
}

PruningReport summarize_pruning(const PlanWalk& walk, const PartitionCatalog& catalog, const std::vector<std::string>& declared) {
    PruningReport rep;
    rep.subplans_removed = walk.subplans_removed;
    rep.one_time_false = walk.one_time_false;
    rep.analyzed = walk.analyzed;

    // Every leaf that exists, by qualified name and by bare name (for plans without VERBOSE).
    std::map<std::string, std::string> by_bare;
    std::set<std::string> all_leaves;
    for (const auto& t : catalog.tables)
        for (const auto& l : t.leaves) {
            all_leaves.insert(l);
            by_bare.emplace(table_part(l), l);
        }
    std::map<std::string, bool> seen;  // leaf -> executed at least once (always true without ANALYZE)
    for (const auto& s : walk.scans) {
        std::string leaf;
        if (!s.schema.empty()) {
            std::string q = s.schema + "." + s.relation;
            if (all_leaves.count(q)) leaf = q;
        } else if (auto it = by_bare.find(s.relation); it != by_bare.end()) {
            leaf = it->second;
        }
        if (leaf.empty()) continue;  // not a partition
        bool executed = !s.actual_loops || *s.actual_loops > 0;
        seen[leaf] = seen[leaf] || executed;
    }

    auto fill = [&](const PartitionedTable& t, bool is_declared) {
        TablePruning tp;
        tp.table = t.name;
        tp.partition_key = t.partition_key;
        tp.declared = is_declared;
        tp.partitions_total = static_cast<int>(t.leaves.size());
        for (const auto& l : t.leaves) {
            auto it = seen.find(l);
            if (it == seen.end()) continue;
            tp.in_plan = true;
            if (it->second) tp.scanned.push_back(l);
            else tp.not_executed.push_back(l);
        }
        tp.partitions_scanned = static_cast<int>(tp.scanned.size());
        rep.tables.push_back(std::move(tp));
    };
    std::set<std::string> done;
    for (const auto& d : declared) {
        if (done.count(d)) continue;
        const PartitionedTable* t = catalog.find(d);
        if (!t) {
            PartitionedTable empty;
            empty.name = d;
            fill(empty, true);
        } else {
            fill(*t, true);
        }
        done.insert(d);
    }
    for (const auto& t : catalog.tables) {
        if (!t.is_root || done.count(t.name)) continue;
        bool touched = std::any_of(t.leaves.begin(), t.leaves.end(), [&](const std::string& l) { return seen.count(l) > 0; });
        if (touched) fill(t, false);
    }
    return rep;
}

namespace {

// schema.table of a declared name; throws when it does not exist or is not partitioned.
std::string resolve_declared(PgConn& conn, const std::string& name) {
    PgResult r = conn.exec_params(
        "SELECT n.nspname || '.' || c.relname AS q, c.relkind FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass($1)",
        {name});
    if (r.rows() == 0) throw std::runtime_error("table '" + name + "' does not exist");
    if (r.get(0, "relkind") != "p") throw std::runtime_error("table '" + name + "' is not a partitioned table");
    return r.get(0, "q");
}

}  // namespace

PruningReport explain_partitions(PgConn& conn, const std::string& sql_in, const std::vector<std::string>& params,
                                 const ExplainOptions& options) {
    std::string sql = sql_in;
    while (!sql.empty() && (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';')) sql.pop_back();

    std::vector<std::string> declared;
    for (const auto& t : options.tables) declared.push_back(resolve_declared(conn, t));

    const std::string stmt = "pggate_explain_stmt";
    std::string opts = options.analyze ? "ANALYZE, TIMING OFF, VERBOSE, FORMAT JSON" : "VERBOSE, FORMAT JSON";
    bool prepared = false;
    std::string plan;
    auto deallocate = [&] {
        if (!prepared) return;
        try {
            conn.exec("DEALLOCATE " + stmt);
        } catch (const PgError&) {
        }
        prepared = false;
    };
    conn.exec("BEGIN");
    try {
        conn.exec(std::string("SET LOCAL plan_cache_mode = ") + (options.generic_plan ? "force_generic_plan" : "force_custom_plan"));
        std::string explain;
        if (options.generic_plan || !params.empty()) {
            conn.exec("PREPARE " + stmt + " AS " + sql);
            prepared = true;
            explain = "EXPLAIN (" + opts + ") EXECUTE " + stmt;
            if (!params.empty()) {
                explain += "(";
                for (size_t i = 0; i < params.size(); ++i) explain += (i ? ", " : "") + quote_literal(params[i]);
                explain += ")";
            }
        } else {
            explain = "EXPLAIN (" + opts + ") " + sql;
        }
        PgResult r = conn.exec(explain);
        for (int i = 0; i < r.rows(); ++i) plan += r.get(i, 0);
        conn.exec("ROLLBACK");
    } catch (...) {
        try {
            conn.exec("ROLLBACK");
        } catch (const PgError&) {
        }
        deallocate();
        throw;
    }
    deallocate();

    PartitionCatalog catalog = load_partition_catalog(conn);
    PruningReport rep = summarize_pruning(walk_explain_json(plan), catalog, declared);
    rep.generic_plan = options.generic_plan;
    rep.plan_json = plan;
    return rep;
}

std::string pruning_report_json(const PruningReport& report) {
    nlohmann::ordered_json out;
    out["tables"] = nlohmann::ordered_json::array();
    for (const auto& t : report.tables) {
        nlohmann::ordered_json j;
        j["table"] = t.table;
        j["partitions_total"] = t.partitions_total;
        j["partitions_scanned"] = t.partitions_scanned;
        j["scanned"] = t.scanned;
        j["not_executed"] = t.not_executed;
        j["partition_key"] = t.partition_key;
        j["declared"] = t.declared;
        j["in_plan"] = t.in_plan;
        out["tables"].push_back(std::move(j));
    }
    out["generic_plan"] = report.generic_plan;
    out["analyzed"] = report.analyzed;
    out["subplans_removed"] = report.subplans_removed;
    out["all_pruned"] = report.one_time_false;
    return out.dump(2);
}

std::string pruning_report_text(const PruningReport& report) {
    std::ostringstream o;
    if (report.tables.empty()) {
        o << "The plan touches no partitioned table.\n";
    } else {
        size_t w = 5;
        for (const auto& t : report.tables) w = std::max(w, t.table.size());
        o << std::left;
        o.width(static_cast<std::streamsize>(w + 2));
        o << "table" << "scanned/total  partition key\n";
        for (const auto& t : report.tables) {
            o.width(static_cast<std::streamsize>(w + 2));
            o << t.table;
            std::string counts = std::to_string(t.partitions_scanned) + "/" + std::to_string(t.partitions_total);
            o.width(15);
            o << counts << t.partition_key << "\n";
            std::string list;
            for (const auto& l : t.scanned) list += (list.empty() ? "" : ", ") + l;
            o << "  scanned: " << (list.empty() ? "(none: pruned away)" : list) << "\n";
            if (!t.not_executed.empty()) {
                std::string ne;
                for (const auto& l : t.not_executed) ne += (ne.empty() ? "" : ", ") + l;
                o << "  in the plan, never executed: " << ne << "\n";
            }
        }
    }
    o << "plan: " << (report.generic_plan ? "generic" : "custom") << (report.analyzed ? ", analyzed (rolled back)" : "")
      << ", subplans removed at executor start: " << report.subplans_removed << "\n";
    return o.str();
}

int explain_command(const std::string& dsn, const std::string& sql, const std::vector<std::string>& params,
                    const std::vector<std::string>& tables, const std::string& format, bool generic_plan, bool analyze) {
    if (format != "text" && format != "json") {
        std::cerr << "pggate explain: --format must be text or json\n";
        return 2;
    }
    try {
        PgConn conn(dsn);
        ExplainOptions o;
        o.generic_plan = generic_plan;
        o.analyze = analyze;
        o.tables = tables;
        PruningReport rep = explain_partitions(conn, sql, params, o);
        std::cout << (format == "json" ? pruning_report_json(rep) + "\n" : pruning_report_text(rep));
        return 0;
    } catch (const PgError& e) {
        std::cerr << "pggate explain: " << e.what();
        if (!e.sqlstate.empty()) std::cerr << " (SQLSTATE " << e.sqlstate << ")";
        std::cerr << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "pggate explain: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace pggate
