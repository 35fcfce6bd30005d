#include "gates/partition-health/partition_health_gate.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "harness/pg.h"

namespace pggate {

namespace {

const std::string kGate = "partition-health";
const std::string R_FUTURE = "partition-health.future-partition-missing";
const std::string R_DEFAULT = "partition-health.default-not-empty";
const std::string R_INDEX = "partition-health.index-missing-on-partition";
const std::string R_GAP = "partition-health.range-gap";
const std::string R_HASH = "partition-health.hash-incomplete";
const std::string R_BLOAT = "partition-health.bloat";
const std::string R_TABLE = "partition-health.table-not-partitioned";
const std::string R_NODB = "partition-health.no-database";
const std::string R_READ = "partition-health.read-failed";

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
}

std::string fmt(double d, int prec = 3) {
    std::ostringstream o;
    o.precision(prec);
    o << d;
    return o.str();
}

struct Child {
    std::string name;     // schema.table
    std::string sqlname;  // quoted
    char relkind = 'r';
    std::string bound;    // pg_get_expr(relpartbound)
};

struct PTable {
    long long oid = 0;
    std::string name, sqlname, strategy, partkey, key_type;  // key_type: single-column keys only
    bool is_partition = false;
    long long parent_oid = 0;
    std::vector<Child> children;
};

// "FOR VALUES FROM (x) TO (y)" with one column → {x, y}; MINVALUE/MAXVALUE become "".
bool range_bound(const std::string& b, std::string& lo, std::string& hi) {
    const std::string from = "FOR VALUES FROM (", to = ") TO (";
    if (b.rfind(from, 0) != 0 || b.empty() || b.back() != ')') return false;
    auto mid = b.find(to, from.size());
    if (mid == std::string::npos) return false;
    lo = b.substr(from.size(), mid - from.size());
    hi = b.substr(mid + to.size(), b.size() - 1 - mid - to.size());
    if (lo == "MINVALUE") lo.clear();
    if (hi == "MAXVALUE") hi.clear();
    return true;
}

bool hash_bound(const std::string& b, int& modulus, int& remainder) {
    static const std::regex re(R"(FOR VALUES WITH \(modulus (\d+), remainder (\d+)\))");
    std::smatch m;
    if (!std::regex_search(b, m, re)) return false;
    modulus = std::stoi(m[1]);
    remainder = std::stoi(m[2]);
    return true;
}

bool is_time_type(const std::string& t) {
    return t == "date" || t.rfind("timestamp", 0) == 0;
}

}  // namespace

const std::vector<std::string>& partition_health_rules() {
    static const std::vector<std::string> r{R_FUTURE, R_DEFAULT, R_INDEX, R_GAP, R_HASH, R_BLOAT};
    return r;
}

GateResult run_partition_health_gate(const PartitionHealthOptions& options, const std::string& conninfo) {
    auto t0 = std::chrono::steady_clock::now();
    GateResult g;
    g.id = kGate;
    auto finish = [&] {
        g.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return g;
    };
    auto skipped = [&](const std::string& rule) {
        return std::find(options.skip_rules.begin(), options.skip_rules.end(), rule) != options.skip_rules.end();
    };
    auto add = [&](const std::string& rule, const std::string& severity, const std::string& message, const std::string& object,
                   std::map<std::string, std::string> details = {}) {
        g.findings.push_back({rule, severity, message, object, std::nullopt, std::move(details), "", std::nullopt});
        g.metrics[rule] += 1;
    };
    std::unique_ptr<PgConn> conn;
    try {
        conn = std::make_unique<PgConn>(conninfo);
        conn->exec("SET default_transaction_read_only = on; SET TIME ZONE 'UTC'; SET lock_timeout = '5s'; "
                   "SET statement_timeout = '60s'; SET application_name = 'pggate partition-health'");
    } catch (const std::exception& e) {
        g.status = "error";
        g.summary = "cannot connect to the database to check";
        add(R_NODB, "error", std::string("Cannot connect to the database to check: ") + e.what(), redact_conninfo(conninfo));
        return finish();
    }

    std::vector<PTable> tables;
    struct IndexGap { std::string table, index, child, indexdef; bool parent_valid; };
    std::vector<IndexGap> index_gaps;
    struct Stat { std::string name, parent; long long live, dead; std::string last_vacuum; };
    std::vector<Stat> stats;
    std::string today = options.today;
    try {
        // One short READ ONLY transaction for every catalog/statistics read.
        conn->exec("BEGIN READ ONLY");
        PgResult t = conn->exec(R"SQL(
SELECT c.oid::bigint AS oid, n.nspname || '.' || c.relname AS name,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS sqlname,
       pt.partstrat::text AS strategy, pg_get_partkeydef(c.oid) AS partkey, c.relispartition::text AS is_partition,
       CASE WHEN pt.partnatts = 1 AND pt.partattrs[0] <> 0 THEN format_type(a.atttypid, a.atttypmod) END AS key_type,
       (SELECT i.inhparent::bigint FROM pg_inherits i WHERE i.inhrelid = c.oid) AS parent_oid
FROM pg_partitioned_table pt
JOIN pg_class c ON c.oid = pt.partrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = pt.partattrs[0]
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
ORDER BY 2)SQL");
        std::map<long long, size_t> by_oid;
        for (int r = 0; r < t.rows(); ++r) {
            PTable p;
            p.oid = std::stoll(t.get(r, "oid"));
            p.name = t.get(r, "name");
            p.sqlname = t.get(r, "sqlname");
            p.strategy = t.get(r, "strategy");
            p.partkey = t.get(r, "partkey");
            p.key_type = t.get(r, "key_type");
            p.is_partition = t.get(r, "is_partition") == "true";
            if (!t.is_null(r, t.column("parent_oid"))) p.parent_oid = std::stoll(t.get(r, "parent_oid"));
            by_oid[p.oid] = tables.size();
            tables.push_back(std::move(p));
        }
        PgResult c = conn->exec(R"SQL(
SELECT i.inhparent::bigint AS parent, n.nspname || '.' || c.relname AS name,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS sqlname, c.relkind::text AS relkind,
       pg_get_expr(c.relpartbound, c.oid) AS bound
FROM pg_inherits i
JOIN pg_partitioned_table pt ON pt.partrelid = i.inhparent
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f')
ORDER BY 2)SQL");
        for (int r = 0; r < c.rows(); ++r) {
            auto it = by_oid.find(std::stoll(c.get(r, "parent")));
            if (it == by_oid.end()) continue;
            tables[it->second].children.push_back({c.get(r, "name"), c.get(r, "sqlname"), c.get(r, "relkind")[0], c.get(r, "bound")});
        }
        // A partitioned index of a partitioned table, and a (non-foreign) partition with no index attached to it.
        PgResult ix = conn->exec(R"SQL(
SELECT tn.nspname || '.' || t.relname AS tbl, xn.nspname || '.' || x.relname AS idx, pi.indisvalid::text AS valid,
       cn.nspname || '.' || ch.relname AS child, pg_get_indexdef(pi.indexrelid) AS indexdef
FROM pg_index pi
JOIN pg_class x ON x.oid = pi.indexrelid AND x.relkind = 'I'
JOIN pg_namespace xn ON xn.oid = x.relnamespace
JOIN pg_class t ON t.oid = pi.indrelid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_inherits inh ON inh.inhparent = pi.indrelid
JOIN pg_class ch ON ch.oid = inh.inhrelid AND ch.relkind IN ('r', 'p')
JOIN pg_namespace cn ON cn.oid = ch.relnamespace
WHERE NOT EXISTS (SELECT 1 FROM pg_inherits ii JOIN pg_index ci ON ci.indexrelid = ii.inhrelid
                  WHERE ii.inhparent = pi.indexrelid AND ci.indrelid = ch.oid)
ORDER BY 1, 2, 4)SQL");
        for (int r = 0; r < ix.rows(); ++r)
            index_gaps.push_back({ix.get(r, "tbl"), ix.get(r, "idx"), ix.get(r, "child"), ix.get(r, "indexdef"), ix.get(r, "valid") == "true"});
        PgResult s = conn->exec(R"SQL(
SELECT s.schemaname || '.' || s.relname AS name, pn.nspname || '.' || p.relname AS parent,
       s.n_live_tup AS live, s.n_dead_tup AS dead,
       coalesce(greatest(s.last_vacuum, s.last_autovacuum)::text, 'never') AS last_vacuum
FROM pg_stat_user_tables s
JOIN pg_inherits i ON i.inhrelid = s.relid
JOIN pg_class p ON p.oid = i.inhparent AND p.relkind = 'p'
JOIN pg_namespace pn ON pn.oid = p.relnamespace
ORDER BY 1)SQL");
        for (int r = 0; r < s.rows(); ++r)
            stats.push_back({s.get(r, "name"), s.get(r, "parent"), std::stoll(s.get(r, "live")), std::stoll(s.get(r, "dead")), s.get(r, "last_vacuum")});
        if (today.empty()) today = conn->exec("SELECT current_date::text").get(0, 0);
        else today = conn->exec_params("SELECT $1::date::text", {today}).get(0, 0);
        conn->exec("COMMIT");
    } catch (const std::exception& e) {
        try { conn->exec("ROLLBACK"); } catch (...) {}
        g.status = "error";
        g.summary = "cannot read the partition catalog";
        add(R_READ, "error", std::string("Reading the partition catalog failed: ") + e.what(), redact_conninfo(conninfo));
        return finish();
    }

    // Which partitioned tables to check: the configured ones and their partitioned descendants, or all.
    std::set<std::string> selected;
    std::map<long long, std::string> name_of;
    for (const auto& t : tables) name_of[t.oid] = t.name;
    bool config_error = false;
    if (options.tables.empty()) {
        for (const auto& t : tables) selected.insert(t.name);
    } else {
        for (const auto& want : options.tables) {
            std::string q = want.find('.') == std::string::npos ? "public." + want : want;
            auto it = std::find_if(tables.begin(), tables.end(), [&](const PTable& t) { return t.name == q; });
            if (it == tables.end()) {
                add(R_TABLE, "error", "Configured table '" + want + "' does not exist or is not a partitioned table. "
                    "List partitioned tables (PARTITION BY …) under gates.partition-health.tables, or leave it out to check all.", want);
                config_error = true;
                continue;
            }
            selected.insert(q);
        }
        for (bool grew = true; grew;) {  // descendants
            grew = false;
            for (const auto& t : tables)
                if (!selected.count(t.name) && t.parent_oid && selected.count(name_of[t.parent_oid])) grew = selected.insert(t.name).second || grew;
        }
    }

    int leaves = 0, checked = 0;
    try {
        for (const auto& t : tables) {
            if (!selected.count(t.name)) continue;
            ++checked;
            for (const auto& c : t.children) leaves += c.relkind != 'p';

            // Default partitions hold no row.
            if (options.default_empty && !skipped(R_DEFAULT)) {
                for (const auto& c : t.children) {
                    if (c.bound != "DEFAULT" || c.relkind == 'f') continue;
                    std::string q = "SELECT EXISTS (SELECT 1 FROM " + std::string(c.relkind == 'r' ? "ONLY " : "") + c.sqlname + ")";
                    if (conn->exec(q).get(0, 0) != "t") continue;
                    long long est = 0;
                    for (const auto& s : stats)
                        if (s.name == c.name) est = s.live;
                    add(R_DEFAULT, "error",
                        "Default partition " + c.name + " of " + t.name + " holds rows" + (est > 0 ? " (about " + std::to_string(est) + ")" : "") +
                            ": they fell outside every partition of " + t.partkey + ". Queries on those keys scan the default too, and "
                            "a new partition covering them cannot be created while they sit there. Create the missing partitions, "
                            "then move the rows (DETACH the default, CREATE the partitions, INSERT … SELECT from the detached table, "
                            "TRUNCATE and re-ATTACH it as DEFAULT).",
                        c.name, {{"table", t.name}, {"partition_key", t.partkey}, {"estimated_rows", std::to_string(est)}});
                }
            }

            if (t.strategy == "h" && !skipped(R_HASH)) {
                int max_mod = 0;
                std::vector<std::pair<int, int>> mr;
                for (const auto& c : t.children) {
                    int m = 0, r = 0;
                    if (hash_bound(c.bound, m, r)) { mr.push_back({m, r}); max_mod = std::max(max_mod, m); }
                }
                if (max_mod > 0) {
                    std::vector<bool> covered(max_mod, false);
                    for (auto [m, r] : mr)
                        for (int k = r; k < max_mod; k += m) covered[k] = true;
                    std::vector<std::string> missing;
                    for (int k = 0; k < max_mod; ++k)
                        if (!covered[k]) missing.push_back(std::to_string(k));
                    if (!missing.empty()) {
                        std::string shown = missing.size() > 16 ? join(std::vector<std::string>(missing.begin(), missing.begin() + 16), ", ") + ", …" : join(missing, ", ");
                        add(R_HASH, "error",
                            "Hash-partitioned " + t.name + " (" + t.partkey + ") has " + std::to_string(mr.size()) + " partitions but " +
                                std::to_string(missing.size()) + " of " + std::to_string(max_mod) + " remainders of modulus " + std::to_string(max_mod) +
                                " have none (" + shown + "): every INSERT whose key hashes there fails with \"no partition of relation found for row\". "
                                "Add e.g. CREATE TABLE … PARTITION OF " + t.name + " FOR VALUES WITH (MODULUS " + std::to_string(max_mod) +
                                ", REMAINDER " + missing[0] + ").",
                            t.name, {{"modulus", std::to_string(max_mod)}, {"missing_remainders", join(missing, ",")}, {"partitions", std::to_string(mr.size())}});
                    }
                }
            }

            if (t.strategy == "r" && !t.key_type.empty()) {
                std::vector<std::string> rows;
                for (const auto& c : t.children) {
                    std::string lo, hi;
                    if (!range_bound(c.bound, lo, hi)) continue;
                    rows.push_back("(" + quote_literal(c.name) + ", " + (lo.empty() ? "NULL" : "CAST(" + lo + " AS " + t.key_type + ")") + ", " +
                                   (hi.empty() ? "NULL" : "CAST(" + hi + " AS " + t.key_type + ")") + ")");
                }
                if (rows.empty()) {
                    if (is_time_type(t.key_type) && options.horizon_months >= 0 && !skipped(R_FUTURE))
                        add(R_FUTURE, "error", "Range-partitioned " + t.name + " (" + t.partkey + ") has no range partition at all.", t.name);
                    continue;
                }
                // Pure constant SELECTs: no table is read, nothing is locked.
                std::string b = "WITH b(name, lo, hi) AS (VALUES " + join(rows, ", ") + ") ";
                if (!skipped(R_GAP)) {
                    PgResult gaps = conn->exec(b + "SELECT name, hi::text, next_name, next_lo::text FROM (SELECT name, hi, "
                                                   "lead(name) OVER w AS next_name, lead(lo) OVER w AS next_lo FROM b "
                                                   "WINDOW w AS (ORDER BY lo NULLS FIRST)) s WHERE next_name IS NOT NULL AND hi < next_lo ORDER BY hi");
                    for (int r = 0; r < gaps.rows(); ++r) {
                        std::string from = gaps.get(r, 1), to = gaps.get(r, 3);
                        add(R_GAP, "error",
                            "Range partitions of " + t.name + " (" + t.partkey + ") leave a gap: " + gaps.get(r, 0) + " ends at " + from + " but the next, " +
                                gaps.get(r, 2) + ", starts at " + to + ". Rows in [" + from + ", " + to + ") go to the default partition, or fail. "
                                "Add the missing partition: CREATE TABLE … PARTITION OF " + t.name + " FOR VALUES FROM ('" + from + "') TO ('" + to + "').",
                            t.name + " [" + from + ", " + to + ")", {{"after", gaps.get(r, 0)}, {"before", gaps.get(r, 2)}, {"from", from}, {"to", to}});
                    }
                }
                if (is_time_type(t.key_type) && options.horizon_months >= 0 && !skipped(R_FUTURE)) {
                    std::string start = "date_trunc('month', " + quote_literal(today) + "::date)::date";
                    std::string q = b + "SELECT to_char(d, 'YYYY-MM') AS month, min(d)::date::text AS first_day FROM generate_series(" + start + ", (" + start +
                                    " + make_interval(months => " + std::to_string(options.horizon_months + 1) + ") - interval '1 day')::date, interval '1 day') d "
                                    "WHERE NOT EXISTS (SELECT 1 FROM b WHERE (b.lo IS NULL OR b.lo <= CAST(d::date AS " + t.key_type + ")) "
                                    "AND (b.hi IS NULL OR CAST(d::date AS " + t.key_type + ") < b.hi)) GROUP BY 1 ORDER BY 1";
                    PgResult miss = conn->exec(q);
                    if (miss.rows() > 0) {
                        std::vector<std::string> months;
                        for (int r = 0; r < miss.rows(); ++r) months.push_back(miss.get(r, 0));
                        bool has_default = std::any_of(t.children.begin(), t.children.end(), [](const Child& c) { return c.bound == "DEFAULT"; });
                        add(R_FUTURE, "error",
                            "Range-partitioned " + t.name + " (" + t.partkey + ") has no partition for " + join(months, ", ") + " (horizon: the month of " +
                                today + " and the " + std::to_string(options.horizon_months) + " after it). " +
                                (has_default ? "Those rows land in the default partition, which then blocks creating the partition."
                                             : "Inserting those rows fails with \"no partition of relation found for row\".") +
                                " Create partitions ahead of time (a scheduled job, e.g. pg_partman or a migration per quarter).",
                            t.name, {{"missing_months", join(months, ",")}, {"today", today}, {"horizon_months", std::to_string(options.horizon_months)}});
                    }
                }
            }
        }
    } catch (const std::exception& e) {
        add(R_READ, "error", std::string("Checking partitions failed: ") + e.what(), redact_conninfo(conninfo));
        g.status = "error";
        g.summary = "a check could not run";
        return finish();
    }

    if (!skipped(R_INDEX)) {
        for (const auto& ig : index_gaps) {
            if (!selected.count(ig.table)) continue;
            add(R_INDEX, "error",
                "Partition " + ig.child + " of " + ig.table + " has no index attached to the parent's partitioned index " + ig.index +
                    (ig.parent_valid ? "" : " (which is therefore INVALID)") + ": queries on that partition cannot use it" +
                    " and a unique/PK index does not protect it. Declared on the parent: " + ig.indexdef +
                    ". Create the index on the partition and ATTACH it (ALTER INDEX " + ig.index + " ATTACH PARTITION <index on " + ig.child +
                    ">), or CREATE INDEX on the parent without ONLY.",
                ig.child + " " + ig.index, {{"table", ig.table}, {"index", ig.index}, {"partition", ig.child}, {"indexdef", ig.indexdef}});
        }
    }

    if (!skipped(R_BLOAT)) {
        for (const auto& s : stats) {
            if (!selected.count(s.parent)) continue;
            long long total = s.live + s.dead;
            if (total < options.bloat_min_rows || total == 0) continue;
            double share = static_cast<double>(s.dead) / static_cast<double>(total);
            if (share <= options.bloat_max_dead_share) continue;
            add(R_BLOAT, options.bloat_severity,
                "Partition " + s.name + " of " + s.parent + " is bloated: " + std::to_string(s.dead) + " dead of " + std::to_string(total) +
                    " tuples (" + fmt(share * 100) + "% > " + fmt(options.bloat_max_dead_share * 100) + "%; last vacuum: " + s.last_vacuum +
                    "). Bulk DELETEs leave dead tuples: drop or truncate whole partitions instead, and VACUUM (or tune autovacuum for) this one.",
                s.name, {{"table", s.parent}, {"n_dead_tup", std::to_string(s.dead)}, {"n_live_tup", std::to_string(s.live)}, {"dead_share", fmt(share, 4)}});
        }
    }

    g.metrics["partitioned_tables"] = checked;
    g.metrics["leaf_partitions"] = leaves;
    int errors = 0, warnings = 0;
    for (const auto& f : g.findings) (f.severity == "error" ? errors : warnings) += 1;
    g.status = config_error ? "error" : errors ? "fail" : warnings ? "warn" : "pass";
    g.summary = std::to_string(checked) + " partitioned table(s), " + std::to_string(leaves) + " partitions checked: " +
                std::to_string(errors) + " error(s), " + std::to_string(warnings) + " warning(s)";
    return finish();
}

const std::vector<std::string>& partition_health_section_keys() {
    static const std::vector<std::string> keys{"database", "tables", "horizon_months", "today", "default_empty", "bloat", "skip"};
    return keys;
}

PartitionHealthOptions parse_partition_health_section(const YAML::Node& section, const std::string& config_file,
                                                      const std::string& config_dir, std::vector<std::string>& problems) {
    PartitionHealthOptions o;
    o.base_dir = config_dir;
    const std::string S = "gates.partition-health";
    auto at = [&](const YAML::Node& n) {
        return config_file + ":" + std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1) + ": ";
    };
    auto unknown_keys = [&](const YAML::Node& map, const std::vector<std::string>& known, const std::string& where) {
        for (auto it = map.begin(); it != map.end(); ++it) {
            std::string k = it->first.Scalar();
            if (std::find(known.begin(), known.end(), k) == known.end())
                problems.push_back(at(it->first) + "unknown key '" + k + "' in " + where + ". Known keys: " + join(known, ", ") + ".");
        }
    };
    auto list = [&](const YAML::Node& n, const std::string& what, std::vector<std::string>& out) {
        if (n.IsScalar()) out.push_back(n.Scalar());
        else if (n.IsSequence()) {
            for (const auto& item : n) {
                if (item.IsScalar()) out.push_back(item.Scalar());
                else problems.push_back(at(item) + what + " entries must be strings.");
            }
        } else problems.push_back(at(n) + what + " must be a string or a list of strings.");
    };
    if (section.IsNull()) return o;  // `partition-health: {}` or an empty key: all defaults
    if (!section.IsMap()) {
        problems.push_back(at(section) + S + " must be a mapping (or {} for the defaults).");
        return o;
    }
    unknown_keys(section, partition_health_section_keys(), S);
    if (const YAML::Node& n = section["database"]) {
        if (n.IsScalar()) o.database = n.Scalar();
        else problems.push_back(at(n) + S + ".database must be a string (init, chain or init-upgrade).");
    }
    if (const YAML::Node& n = section["tables"]) list(n, S + ".tables", o.tables);
    if (const YAML::Node& n = section["horizon_months"]) {
        int v = 0;
        if (n.IsScalar() && YAML::convert<int>::decode(n, v) && v >= -1 && v <= 120) o.horizon_months = v;
        else problems.push_back(at(n) + S + ".horizon_months must be a whole number from 0 to 120 (or -1 to turn the check off).");
    }
    if (const YAML::Node& n = section["today"]) {
        static const std::regex date(R"(^\d{4}-\d{2}-\d{2}$)");
        if (n.IsScalar() && std::regex_match(n.Scalar(), date)) o.today = n.Scalar();
        else problems.push_back(at(n) + S + ".today must be a date YYYY-MM-DD.");
    }
    if (const YAML::Node& n = section["default_empty"]) {
        bool v = true;
        if (n.IsScalar() && YAML::convert<bool>::decode(n, v)) o.default_empty = v;
        else problems.push_back(at(n) + S + ".default_empty must be true or false.");
    }
    if (const YAML::Node& b = section["bloat"]) {
        if (!b.IsMap()) problems.push_back(at(b) + S + ".bloat must be a mapping {max_dead_share, min_rows, severity}.");
        else {
            unknown_keys(b, {"max_dead_share", "min_rows", "severity"}, S + ".bloat");
            if (const YAML::Node& n = b["max_dead_share"]) {
                double v = 0;
                if (n.IsScalar() && YAML::convert<double>::decode(n, v) && v >= 0 && v < 1) o.bloat_max_dead_share = v;
                else problems.push_back(at(n) + S + ".bloat.max_dead_share must be a number in [0, 1), e.g. 0.2.");
            }
            if (const YAML::Node& n = b["min_rows"]) {
                long long v = 0;
                if (n.IsScalar() && YAML::convert<long long>::decode(n, v) && v >= 0) o.bloat_min_rows = v;
                else problems.push_back(at(n) + S + ".bloat.min_rows must be a whole number >= 0.");
            }
            if (const YAML::Node& n = b["severity"]) {
                if (n.IsScalar() && (n.Scalar() == "warning" || n.Scalar() == "error")) o.bloat_severity = n.Scalar();
                else problems.push_back(at(n) + S + ".bloat.severity must be warning or error.");
            }
        }
    }
    if (const YAML::Node& n = section["skip"]) {
        list(n, S + ".skip", o.skip_rules);
        for (const auto& r : o.skip_rules)
            if (std::find(partition_health_rules().begin(), partition_health_rules().end(), r) == partition_health_rules().end())
                problems.push_back(at(n) + S + ".skip: unknown rule '" + r + "'. Known: " + join(partition_health_rules(), ", ") + ".");
    }
    return o;
}

}  // namespace pggate
