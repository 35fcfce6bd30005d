#include "gates/delete-paths/delete_lint.h"

#include "gates/delete-paths/sql_sources.h"
#include "harness/sql_script.h"

#include <nlohmann/json.hpp>
#include <pg_query.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fnmatch.h>
#include <fstream>
#include <optional>
#include <sstream>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace pggate {

// ---------------------------------------------------------------------------------------------
// Table model

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string qualify(const std::string& name) {
    return name.find('.') == std::string::npos ? "public." + name : name;
}

// schema.table of a RangeVar (the parser has already folded unquoted names to lower case).
std::string range_var_name(const json& rv) {
    std::string rel = rv.value("relname", "");
    std::string schema = rv.value("schemaname", "");
    return (schema.empty() ? "public" : schema) + "." + rel;
}

// The dotted name of a List of String nodes (DROP TABLE objects).
std::string string_list_name(const json& items) {
    std::string out;
    for (const auto& it : items) {
        if (!out.empty()) out += ".";
        out += it["String"].value("sval", "");
    }
    return qualify(out);
}

// One datum of a partition bound as the linter keeps it: the literal's text, or MINVALUE/MAXVALUE/NULL.
std::string datum_text(const json& d) {
    if (d.contains("A_Const")) {
        const auto& c = d["A_Const"];
        if (c.value("isnull", false)) return "NULL";
        if (c.contains("sval")) return c["sval"].value("sval", "");
        if (c.contains("ival")) return std::to_string(c["ival"].value("ival", 0));
        if (c.contains("fval")) return c["fval"].value("fval", "");
        if (c.contains("boolval")) return c["boolval"].value("boolval", false) ? "true" : "false";
    }
    if (d.contains("TypeCast") && d["TypeCast"].contains("arg")) return datum_text(d["TypeCast"]["arg"]);
    if (d.contains("ColumnRef")) {  // MINVALUE / MAXVALUE parse as column references
        const auto& f = d["ColumnRef"]["fields"];
        if (!f.empty() && f[0].contains("String")) return lower(f[0]["String"].value("sval", ""));
    }
    return "?";
}

PartitionBound bound_from(const json& pb) {
    PartitionBound b;
    b.is_default = pb.value("is_default", false);
    b.modulus = pb.value("modulus", 0);
    b.remainder = pb.value("remainder", 0);
    for (const auto& d : pb.value("listdatums", json::array())) b.list_values.push_back(datum_text(d));
    for (const auto& d : pb.value("lowerdatums", json::array())) b.from.push_back(datum_text(d));
    for (const auto& d : pb.value("upperdatums", json::array())) b.to.push_back(datum_text(d));
    return b;
}

std::vector<std::string> key_names(const json& keys) {
    std::vector<std::string> out;
    for (const auto& k : keys) out.push_back(k["String"].value("sval", ""));
    return out;
}

void learn_create(TableModel& model, const json& cs) {
    std::string name = range_var_name(cs["relation"]);
    KnownTable& t = model.tables[name];
    t.name = name;
    for (const auto& elt : cs.value("tableElts", json::array())) {
        if (elt.contains("ColumnDef")) {
            const auto& cd = elt["ColumnDef"];
            std::string col = cd.value("colname", "");
            t.columns.insert(col);
            for (const auto& c : cd.value("constraints", json::array())) {
                std::string type = c["Constraint"].value("contype", "");
                if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") t.unique_keys.push_back({col});
            }
        } else if (elt.contains("Constraint")) {
            const auto& c = elt["Constraint"];
            std::string type = c.value("contype", "");
            if ((type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") && c.contains("keys")) t.unique_keys.push_back(key_names(c["keys"]));
        }
    }
    if (cs.contains("partspec")) {
        const auto& ps = cs["partspec"];
        t.strategy = lower(ps.value("strategy", ""));
        if (t.strategy.rfind("partition_strategy_", 0) == 0) t.strategy = t.strategy.substr(19);
        for (const auto& p : ps.value("partParams", json::array())) t.key_columns.push_back(p["PartitionElem"].value("name", ""));
    }
    if (cs.contains("partbound") && cs.contains("inhRelations") && !cs["inhRelations"].empty()) {
        t.parent = range_var_name(cs["inhRelations"][0]["RangeVar"]);
        t.bound = bound_from(cs["partbound"]);
        // A partition has its parent's columns even when CREATE … PARTITION OF lists none.
        if (auto* p = model.find(t.parent); p && t.columns.empty()) t.columns = p->columns;
    }
}

void learn_statement(TableModel& model, const json& stmt) {
    if (stmt.contains("CreateStmt")) {
        learn_create(model, stmt["CreateStmt"]);
    } else if (stmt.contains("AlterTableStmt")) {
        const auto& at = stmt["AlterTableStmt"];
        std::string table = range_var_name(at["relation"]);
        for (const auto& cmd : at.value("cmds", json::array())) {
            const auto& c = cmd["AlterTableCmd"];
            std::string sub = c.value("subtype", "");
            if (sub == "AT_AttachPartition" && c.contains("def")) {
                const auto& pc = c["def"]["PartitionCmd"];
                std::string part = range_var_name(pc["name"]);
                KnownTable& t = model.tables[part];
                t.name = part;
                t.parent = table;
                if (pc.contains("bound")) t.bound = bound_from(pc["bound"]);
            } else if (sub == "AT_AddConstraint" && c.contains("def") && c["def"].contains("Constraint")) {
                const auto& k = c["def"]["Constraint"];
                std::string type = k.value("contype", "");
                if ((type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") && k.contains("keys"))
                    model.tables[table].unique_keys.push_back(key_names(k["keys"])), model.tables[table].name = table;
            }
        }
    } else if (stmt.contains("IndexStmt")) {
        const auto& ix = stmt["IndexStmt"];
        if (!ix.value("unique", false)) return;
        std::vector<std::string> cols;
        for (const auto& p : ix.value("indexParams", json::array())) {
            std::string n = p["IndexElem"].value("name", "");
            if (n.empty()) return;  // expression index: not a key the linter can match
            cols.push_back(n);
        }
        if (ix.contains("whereClause")) return;  // partial: unique only within its predicate
        std::string table = range_var_name(ix["relation"]);
        model.tables[table].name = table;
        model.tables[table].unique_keys.push_back(cols);
    }
}

std::optional<json> parse_json(const std::string& sql) {
    PgQueryParseResult r = pg_query_parse(sql.c_str());
    std::optional<json> out;
    if (!r.error && r.parse_tree) out = json::parse(r.parse_tree, nullptr, false);
    pg_query_free_parse_result(r);
    if (out && out->is_discarded()) out.reset();
    return out;
}

}  // namespace

const KnownTable* TableModel::find(const std::string& qualified) const {
    auto it = tables.find(qualified);
    return it == tables.end() ? nullptr : &it->second;
}

bool TableModel::declared_large(const std::string& qualified) const {
    for (const auto& g : large_globs)
        if (fnmatch(qualify(g).c_str(), qualified.c_str(), 0) == 0) return true;
    return false;
}

bool TableModel::is_large(const std::string& qualified) const {
    if (declared_large(qualified)) return true;
    const KnownTable* t = find(qualified);
    return t && (t->partitioned() || !t->parent.empty());
}

std::vector<std::string> delete_targets(const std::string& sql) {
    std::vector<std::string> out;
    auto tree = parse_json(sql);
    if (!tree) return out;
    std::vector<const json*> stack{&*tree};
    while (!stack.empty()) {
        const json* n = stack.back();
        stack.pop_back();
        if (n->is_object()) {
            if (n->contains("DeleteStmt") && (*n)["DeleteStmt"].contains("relation")) out.push_back(range_var_name((*n)["DeleteStmt"]["relation"]));
            for (auto it = n->begin(); it != n->end(); ++it) stack.push_back(&*it);
        } else if (n->is_array()) {
            for (const auto& e : *n) stack.push_back(&e);
        }
    }
    return out;
}

void learn_tables(TableModel& model, const std::string& sql) {
    // Statement by statement, so one the parser rejects does not hide the others.
    PgQuerySplitResult split = pg_query_split_with_scanner(sql.c_str());
    if (split.error) {
        pg_query_free_split_result(split);
        return;
    }
    for (int i = 0; i < split.n_stmts; ++i) {
        std::string stmt = sql.substr(split.stmts[i]->stmt_location, split.stmts[i]->stmt_len);
        std::string l = lower(stmt);
        if (l.find("create") == std::string::npos && l.find("alter") == std::string::npos) continue;
        if (auto tree = parse_json(stmt))
            for (const auto& s : (*tree)["stmts"]) learn_statement(model, s["stmt"]);
    }
    pg_query_free_split_result(split);
}

void add_catalog_table(TableModel& model, const std::string& name, const std::string& partkeydef, const std::string& parent,
                       const std::string& bound_text, const std::vector<std::string>& columns,
                       const std::vector<std::vector<std::string>>& unique_keys) {
    KnownTable& t = model.tables[name];
    t.name = name;
    t.columns.insert(columns.begin(), columns.end());
    for (const auto& k : unique_keys) t.unique_keys.push_back(k);
    // The catalog's own texts go through the same parser as the files, so both give one model.
    if (!partkeydef.empty())
        if (auto tree = parse_json("CREATE TABLE pggate_x (pggate_c int) PARTITION BY " + partkeydef)) {
            const auto& ps = (*tree)["stmts"][0]["stmt"]["CreateStmt"]["partspec"];
            t.strategy = lower(ps.value("strategy", ""));
            t.key_columns.clear();
            for (const auto& p : ps.value("partParams", json::array())) t.key_columns.push_back(p["PartitionElem"].value("name", ""));
        }
    if (!parent.empty()) {
        t.parent = parent;
        if (auto tree = parse_json("CREATE TABLE pggate_x PARTITION OF pggate_y " + bound_text))
            t.bound = bound_from((*tree)["stmts"][0]["stmt"]["CreateStmt"]["partbound"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Literals: enough arithmetic to place a constant range inside a partition's bounds.

namespace {

struct Literal {
    enum Kind { number, time, text, minvalue, maxvalue } kind = text;
    double value = 0;  // number, or seconds since the epoch (UTC when no zone is written)
    std::string raw;
};

bool parse_int(const std::string& s, size_t& i, int digits, int& out) {
    if (i + digits > s.size()) return false;
    out = 0;
    for (int k = 0; k < digits; ++k) {
        if (!std::isdigit(static_cast<unsigned char>(s[i + k]))) return false;
        out = out * 10 + (s[i + k] - '0');
    }
    i += digits;
    return true;
}

long days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}

// 'YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][Z|UTC|±HH[:MM]]' → epoch seconds.
std::optional<double> parse_time(const std::string& s) {
    size_t i = 0;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!parse_int(s, i, 4, y) || i >= s.size() || s[i++] != '-' || !parse_int(s, i, 2, mo) || i >= s.size() || s[i++] != '-' ||
        !parse_int(s, i, 2, d))
        return std::nullopt;
    double frac = 0;
    if (i < s.size() && (s[i] == ' ' || s[i] == 'T')) {
        ++i;
        if (!parse_int(s, i, 2, h) || i >= s.size() || s[i++] != ':' || !parse_int(s, i, 2, mi)) return std::nullopt;
        if (i < s.size() && s[i] == ':') {
            ++i;
            if (!parse_int(s, i, 2, sec)) return std::nullopt;
            if (i < s.size() && s[i] == '.') {
                double scale = 0.1;
                for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, scale /= 10) frac += (s[i] - '0') * scale;
            }
        }
    }
    while (i < s.size() && s[i] == ' ') ++i;
    double offset = 0;
    if (i < s.size()) {
        std::string zone = s.substr(i);
        if (zone == "Z" || zone == "UTC" || zone == "utc") {
        } else if (zone[0] == '+' || zone[0] == '-') {
            size_t j = 1;
            int oh = 0, om = 0;
            if (!parse_int(zone, j, 2, oh)) return std::nullopt;
            if (j < zone.size() && zone[j] == ':') ++j;
            if (j < zone.size() && !parse_int(zone, j, 2, om)) return std::nullopt;
            if (j != zone.size()) return std::nullopt;
            offset = (zone[0] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        } else {
            return std::nullopt;
        }
    }
    return static_cast<double>(days_from_civil(y, mo, d)) * 86400 + h * 3600 + mi * 60 + sec + frac - offset;
}

Literal literal_from_text(const std::string& raw) {
    Literal l;
    l.raw = raw;
    if (raw == "minvalue") return l.kind = Literal::minvalue, l;
    if (raw == "maxvalue") return l.kind = Literal::maxvalue, l;
    if (auto t = parse_time(raw)) return l.kind = Literal::time, l.value = *t, l;
    char* end = nullptr;
    double v = std::strtod(raw.c_str(), &end);
    if (!raw.empty() && end == raw.c_str() + raw.size() && std::isfinite(v)) return l.kind = Literal::number, l.value = v, l;
    return l;
}

// -1, 0, 1, or nullopt when the two cannot be compared.
std::optional<int> compare(const Literal& a, const Literal& b) {
    if (a.kind == Literal::minvalue) return b.kind == Literal::minvalue ? 0 : -1;
    if (a.kind == Literal::maxvalue) return b.kind == Literal::maxvalue ? 0 : 1;
    if (b.kind == Literal::minvalue) return 1;
    if (b.kind == Literal::maxvalue) return -1;
    if (a.kind != b.kind) return std::nullopt;
    if (a.kind == Literal::text) return a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0;
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

std::optional<Literal> node_literal(const json& n) {
    if (n.contains("TypeCast") && n["TypeCast"].contains("arg")) return node_literal(n["TypeCast"]["arg"]);
    if (n.contains("A_Const") && !n["A_Const"].value("isnull", false)) return literal_from_text(datum_text(n));
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Which rows a DELETE's WHERE clause can touch.

struct KeyConditions {
    bool equality = false;                   // key = <one value> (literal or not)
    std::optional<Literal> equal_literal;
    std::vector<Literal> in_literals;        // key IN (literals)
    bool in_non_literal = false;
    std::optional<Literal> low, high;        // key >(=) low, key <(=) high
    bool low_inclusive = true, high_inclusive = false;
    std::string spelled;                     // how the condition reads, for messages
};

struct Target {
    const KnownTable* table = nullptr;
    std::string name;   // schema.table
    std::string alias;  // alias in the statement, if any
};

struct Verdict {
    bool pinned = false;
    std::string why;  // when not pinned: what the condition lacks
};

class Linter {
public:
    Linter(const TableModel& model, const std::string& display, const std::string& content, LintResult& result)
        : model_(model), display_(display), content_(content), result_(result) {}

    // One SQL text (a statement, a function body's statement, a fragment) whose byte i sits at file
    // offset offsets[i].
    struct Piece {
        std::string text;
        std::vector<uint32_t> offsets;  // text.size() + 1 entries
        std::string origin;
        std::set<std::string> variables;  // PL/pgSQL variables and parameters: references to them are values
        std::vector<std::pair<size_t, size_t>> interpolated;
    };

    void lint_piece(const Piece& piece) {
        auto tree = parse_json(piece.text);
        if (!tree) return;
        ++result_.statements;
        for (const auto& s : (*tree)["stmts"]) walk(s["stmt"], piece);
    }

    static Piece identity_piece(const std::string& text, size_t file_offset, const std::string& origin) {
        Piece p;
        p.text = text;
        p.origin = origin;
        p.offsets.resize(text.size() + 1);
        for (size_t i = 0; i <= text.size(); ++i) p.offsets[i] = static_cast<uint32_t>(file_offset + i);
        return p;
    }

    // A piece cut out of another: bytes [from, from + len) of `outer`.
    static Piece sub_piece(const Piece& outer, size_t from, const std::string& text, const std::string& origin) {
        Piece p;
        p.text = text;
        p.origin = origin;
        p.variables = outer.variables;
        p.offsets.resize(text.size() + 1);
        for (size_t i = 0; i <= text.size(); ++i) p.offsets[i] = outer.offsets[std::min(from + i, outer.offsets.size() - 1)];
        for (const auto& [a, b] : outer.interpolated)
            if (b > from && a < from + text.size()) p.interpolated.push_back({a > from ? a - from : 0, std::min(b - from, text.size())});
        return p;
    }

private:
    const TableModel& model_;
    const std::string& display_;
    const std::string& content_;
    LintResult& result_;
    std::set<std::string> detached_;  // partitions detached earlier in this file

    void walk(const json& node, const Piece& piece) {
        if (node.is_array()) {
            for (const auto& n : node) walk(n, piece);
            return;
        }
        if (!node.is_object()) return;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string& key = it.key();
            if (key == "DeleteStmt") on_delete(*it, piece);
            else if (key == "MergeStmt") on_merge(*it, piece);
            else if (key == "A_Const") on_string(*it, piece);
            else if (key == "UpdateStmt") on_update(*it, piece);
            else if (key == "TruncateStmt") on_truncate(*it, piece);
            else if (key == "AlterTableStmt") on_alter(*it, piece);
            else if (key == "DropStmt") on_drop(*it, piece);
            else if (key == "CreateFunctionStmt") { on_function(*it, piece); continue; }  // its body has its own variables
            else if (key == "DoStmt") { on_do(*it, piece); continue; }
            walk(*it, piece);
        }
    }

    // ---- locations

    std::pair<int, int> line_col(const Piece& piece, size_t at) const {
        size_t off = piece.offsets[std::min(at, piece.offsets.size() - 1)];
        SourceLocation loc = locate(display_, content_, std::min(off, content_.size()));
        return {loc.line, loc.column};
    }

    // The keyword that starts the statement whose target sits at `target_at` (DELETE FROM [ONLY] t).
    size_t keyword_before(const Piece& piece, size_t target_at, const std::string& keyword) const {
        size_t from = target_at > 400 ? target_at - 400 : 0;
        std::string window = lower(piece.text.substr(from, target_at - from));
        size_t k = window.rfind(keyword);
        return k == std::string::npos ? target_at : from + k;
    }

    bool interpolated_at(const Piece& piece, size_t at) const {
        for (const auto& [a, b] : piece.interpolated)
            if (at >= a && at < b) return true;
        return false;
    }

    void add(const Piece& piece, size_t at, std::string rule, std::string severity, std::string table, std::string message,
             std::string fix) {
        LintFinding f;
        f.rule = "delete-paths." + std::move(rule);
        f.severity = std::move(severity);
        f.file = display_;
        std::tie(f.line, f.column) = line_col(piece, at);
        f.table = std::move(table);
        f.statement = statement_excerpt(piece.text, 300);
        f.origin = piece.origin;
        f.message = std::move(message);
        f.fix = std::move(fix);
        result_.findings.push_back(std::move(f));
    }

    // ---- expressions

    static std::string column_name(const json& n, const Target& target) {
        if (!n.contains("ColumnRef")) return "";
        const auto& f = n["ColumnRef"]["fields"];
        auto part = [&](size_t i) { return f[i].contains("String") ? f[i]["String"].value("sval", "") : std::string("*"); };
        if (f.size() == 1) return part(0);
        if (f.size() == 2) {
            std::string q = part(0);
            std::string rel = target.name.substr(target.name.find('.') + 1);
            if (q == target.alias || q == rel) return part(1);
        }
        if (f.size() == 3 && part(0) + "." + part(1) == target.name) return part(2);
        return "";
    }

    // A column of the target table (and not a PL/pgSQL variable spelled like one).
    static bool is_target_column(const json& n, const Target& target, const Piece& piece, std::string& name) {
        name = column_name(n, target);
        if (name.empty()) return false;
        size_t loc = static_cast<size_t>(n["ColumnRef"].value("location", -1));
        for (const auto& [a, b] : piece.interpolated)
            if (loc >= a && loc < b) return false;
        if (target.table && !target.table->columns.empty()) return target.table->columns.count(name) > 0;
        return !piece.variables.count(name) || n["ColumnRef"]["fields"].size() > 1;
    }

    // An expression with one value for the whole statement: constants, parameters, variables, functions of those.
    static bool is_value(const json& n, const Target& target, const Piece& piece) {
        if (n.contains("A_Const") || n.contains("ParamRef") || n.contains("SQLValueFunction")) return true;
        if (n.contains("TypeCast")) return is_value(n["TypeCast"]["arg"], target, piece);
        if (n.contains("SubLink")) return n["SubLink"].value("subLinkType", "") == "EXPR_SUBLINK";  // (SELECT one value)
        if (n.contains("ColumnRef")) {
            // A host-language interpolation ($ID, {tenant}) stands for a value filled in before the query runs.
            size_t loc = static_cast<size_t>(n["ColumnRef"].value("location", -1));
            for (const auto& [a, b] : piece.interpolated)
                if (loc >= a && loc < b) return true;
            const auto& f = n["ColumnRef"]["fields"];
            std::string first = !f.empty() && f[0].contains("String") ? f[0]["String"].value("sval", "") : "";
            if (piece.variables.count(first)) return f.size() == 1 || !target.table || first != target.alias;
            if (f.size() == 1 && target.table && !target.table->columns.empty()) return !target.table->columns.count(first);
            return false;
        }
        if (n.contains("FuncCall")) {
            const auto& fc = n["FuncCall"];
            if (fc.contains("over") || fc.value("agg_star", false)) return false;
            for (const auto& a : fc.value("args", json::array()))
                if (!is_value(a, target, piece)) return false;
            return true;
        }
        if (n.contains("A_Expr")) {
            const auto& e = n["A_Expr"];
            if (e.value("kind", "") != "AEXPR_OP") return false;
            return (!e.contains("lexpr") || is_value(e["lexpr"], target, piece)) && (!e.contains("rexpr") || is_value(e["rexpr"], target, piece));
        }
        return false;
    }

    static std::string op_name(const json& e) {
        const auto& names = e.value("name", json::array());
        return names.empty() ? "" : names.back()["String"].value("sval", "");
    }

    std::map<std::string, KeyConditions> key_conditions(const json* where, const Target& target, const Piece& piece) {
        std::map<std::string, KeyConditions> out;
        if (!where) return out;
        std::vector<const json*> conjuncts;
        std::vector<const json*> stack{where};
        while (!stack.empty()) {
            const json* n = stack.back();
            stack.pop_back();
            if (n->contains("BoolExpr") && (*n)["BoolExpr"].value("boolop", "") == "AND_EXPR") {
                for (const auto& a : (*n)["BoolExpr"]["args"]) stack.push_back(&a);
            } else {
                conjuncts.push_back(n);
            }
        }
        for (const json* c : conjuncts) {
            if (c->contains("NullTest") && (*c)["NullTest"].value("nulltesttype", "") == "IS_NULL") {
                std::string col;
                if (is_target_column((*c)["NullTest"]["arg"], target, piece, col)) out[col].equality = true;
                continue;
            }
            if (!c->contains("A_Expr")) continue;
            const auto& e = (*c)["A_Expr"];
            std::string kind = e.value("kind", "");
            std::string op = op_name(e);
            if (!e.contains("lexpr") || !e.contains("rexpr")) continue;
            std::string col;
            if (kind == "AEXPR_BETWEEN" && is_target_column(e["lexpr"], target, piece, col)) {
                const auto& items = e["rexpr"]["List"]["items"];
                if (items.size() == 2) {
                    auto& k = out[col];
                    if (auto a = node_literal(items[0])) k.low = a, k.low_inclusive = true;
                    if (auto b = node_literal(items[1])) k.high = b, k.high_inclusive = true;
                    if (is_value(items[0], target, piece) && is_value(items[1], target, piece) && !k.low && !k.high) k.in_non_literal = true;
                }
                continue;
            }
            if (kind == "AEXPR_IN" && op == "=" && is_target_column(e["lexpr"], target, piece, col)) {
                const auto& items = e["rexpr"].contains("List") ? e["rexpr"]["List"]["items"] : json::array();
                auto& k = out[col];
                for (const auto& it : items) {
                    if (auto l = node_literal(it)) k.in_literals.push_back(*l);
                    else k.in_non_literal = true;
                }
                if (items.size() == 1 && is_value(items[0], target, piece)) k.equality = true, k.equal_literal = node_literal(items[0]);
                continue;
            }
            if (kind != "AEXPR_OP") continue;
            const json* col_side = nullptr;
            const json* val_side = nullptr;
            bool flipped = false;
            if (is_target_column(e["lexpr"], target, piece, col) && is_value(e["rexpr"], target, piece)) {
                col_side = &e["lexpr"], val_side = &e["rexpr"];
            } else if (is_target_column(e["rexpr"], target, piece, col) && is_value(e["lexpr"], target, piece)) {
                col_side = &e["rexpr"], val_side = &e["lexpr"], flipped = true;
            }
            if (!col_side) continue;
            auto& k = out[col];
            std::optional<Literal> lit = node_literal(*val_side);
            if (flipped) {
                if (op == "<") op = ">";
                else if (op == ">") op = "<";
                else if (op == "<=") op = ">=";
                else if (op == ">=") op = "<=";
            }
            if (op == "=") {
                k.equality = true;
                k.equal_literal = lit;
            } else if (op == ">" || op == ">=") {
                if (lit) k.low = lit, k.low_inclusive = op == ">=";
                else k.in_non_literal = true;
            } else if (op == "<" || op == "<=") {
                if (lit) k.high = lit, k.high_inclusive = op == "<=";
                else k.in_non_literal = true;
            }
        }
        return out;
    }

    std::vector<const KnownTable*> children_of(const std::string& parent) const {
        std::vector<const KnownTable*> out;
        for (const auto& [name, t] : model_.tables)
            if (t.parent == parent) out.push_back(&t);
        return out;
    }

    // The partition of `parent` that holds every row with key values in the constant range or list.
    const KnownTable* range_partition_for(const std::string& parent, const KeyConditions& k) const {
        for (const KnownTable* c : children_of(parent)) {
            if (c->bound.from.size() != 1 || c->bound.to.size() != 1) continue;
            Literal from = literal_from_text(c->bound.from[0]), to = literal_from_text(c->bound.to[0]);
            auto contains = [&](const Literal& v, bool inclusive_high) {
                auto lo = compare(from, v), hi = compare(v, to);
                return lo && hi && *lo <= 0 && (*hi < 0 || (!inclusive_high && *hi == 0));
            };
            if (k.equal_literal) {
                if (contains(*k.equal_literal, false)) return c;
                continue;
            }
            if (!k.low || !k.high) continue;
            // [low, high) or [low, high]: low inside the partition and high not past its end.
            auto lo = compare(from, *k.low);
            auto hi = compare(*k.high, to);
            if (lo && hi && *lo <= 0 && (*hi < 0 || (*hi == 0 && !k.high_inclusive))) return c;
        }
        return nullptr;
    }

    const KnownTable* list_partition_for(const std::string& parent, const std::vector<Literal>& values) const {
        const KnownTable* found = nullptr;
        for (const Literal& v : values) {
            const KnownTable* holder = nullptr;
            for (const KnownTable* c : children_of(parent))
                for (const auto& lv : c->bound.list_values) {
                    auto cmp = compare(literal_from_text(lv), v);
                    if (cmp && *cmp == 0) holder = c;
                }
            if (!holder || (found && found != holder)) return nullptr;
            found = holder;
        }
        return found;
    }

    Verdict pin(const KnownTable& t, const std::map<std::string, KeyConditions>& conds, int depth = 0) const {
        if (depth > 8) return {true, ""};
        std::string keys;
        for (const auto& k : t.key_columns) keys += (keys.empty() ? "" : ", ") + (k.empty() ? std::string("<expression>") : k);
        std::string strategy = t.strategy;
        for (auto& ch : strategy) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        size_t n_children = children_of(t.name).size();
        const std::string of = depth ? " of " + t.name : "";  // the message names the DELETE's own table already
        std::string spread = n_children ? "all " + std::to_string(n_children) + " partitions" : "every partition";
        for (const auto& k : t.key_columns)
            if (k.empty()) return {false, "the partition key" + of + " is an expression, so no condition can be proven to stay in one partition"};
        auto cond = [&](const std::string& col) -> const KeyConditions* {
            auto it = conds.find(col);
            return it == conds.end() ? nullptr : &it->second;
        };
        bool all_equal = true;
        for (const auto& k : t.key_columns)
            if (!cond(k) || !cond(k)->equality) all_equal = false;
        const KnownTable* pinned_child = nullptr;
        if (!all_equal) {
            if (t.strategy == "hash") {
                return {false, "no equality on every hash key column (" + keys + ")" + of + ": the DELETE visits " + spread};
            }
            const KeyConditions* k = t.key_columns.size() == 1 ? cond(t.key_columns[0]) : nullptr;
            if (!k) return {false, "no condition on the partition key (" + keys + ", " + strategy + ")" + of + ": the DELETE visits " + spread};
            if (t.strategy == "list") {
                if (!k->in_non_literal && !k->in_literals.empty()) pinned_child = list_partition_for(t.name, k->in_literals);
                if (!pinned_child)
                    return {false, "the condition on " + keys + " (LIST)" + of + " names values of several partitions, or values pggate cannot place"};
            } else {
                if (k->low && k->high) pinned_child = range_partition_for(t.name, *k);
                if (!pinned_child) {
                    std::string what = !k->low && !k->high ? "compares it with values known only at run time"
                                       : !k->low        ? "has only an upper bound"
                                       : !k->high       ? "has only a lower bound"
                                                        : "spans more than one partition's bounds";
                    return {false, "the condition on " + keys + " (RANGE)" + of + " " + what + ", so the DELETE can reach " + spread};
                }
            }
        } else if (t.strategy == "range" && t.key_columns.size() == 1 && cond(t.key_columns[0])->equal_literal) {
            pinned_child = range_partition_for(t.name, *cond(t.key_columns[0]));
        } else if (t.strategy == "list" && t.key_columns.size() == 1 && cond(t.key_columns[0])->equal_literal) {
            pinned_child = list_partition_for(t.name, {*cond(t.key_columns[0])->equal_literal});
        }
        // Sub-partitions: the partition the condition picks (or, when pggate cannot tell which, every one)
        // must be pinned by the same condition.
        std::vector<const KnownTable*> next = pinned_child ? std::vector<const KnownTable*>{pinned_child} : children_of(t.name);
        for (const KnownTable* c : next)
            if (c->partitioned()) {
                Verdict v = pin(*c, conds, depth + 1);
                if (!v.pinned) return v;
            }
        return {true, ""};
    }

    static bool pins_unique_key(const KnownTable& t, const std::map<std::string, KeyConditions>& conds) {
        for (const auto& key : t.unique_keys) {
            bool all = !key.empty();
            for (const auto& col : key) {
                auto it = conds.find(col);
                if (it == conds.end() || !it->second.equality) all = false;
            }
            if (all) return true;
        }
        return false;
    }

    // ---- statements

    Target target_of(const json& relation) const {
        Target t;
        t.name = range_var_name(relation);
        t.table = model_.find(t.name);
        if (relation.contains("alias")) t.alias = relation["alias"].value("aliasname", "");
        return t;
    }

    std::string partition_fix(const KnownTable& t) const {
        const KnownTable* root = &t;
        while (root->parent.size() && model_.find(root->parent)) root = model_.find(root->parent);
        if (root->strategy == "range")
            return "drop what expired a partition at a time: ALTER TABLE " + root->name + " DETACH PARTITION <partition> [CONCURRENTLY]; "
                   "DROP TABLE <partition>; (or TRUNCATE <partition>). Community PostgreSQL has no TRUNCATE PARTITION.";
        std::string keys;
        for (const auto& k : root->key_columns) keys += (keys.empty() ? "" : ", ") + k;
        return "TRUNCATE the partition that holds only this " + (keys.empty() ? std::string("key") : keys) +
               " (after checking that it holds no other tenant's rows), or filter on " + (keys.empty() ? std::string("the partition key") : keys) +
               " with = so the DELETE stays inside one partition.";
    }

    void on_delete(const json& d, const Piece& piece) {
        if (!d.contains("relation")) return;
        Target target = target_of(d["relation"]);
        size_t rel_at = static_cast<size_t>(d["relation"].value("location", 0));
        size_t at = keyword_before(piece, rel_at, "delete");
        if (interpolated_at(piece, rel_at)) {
            add(piece, at, "dynamic-delete", "warning", "",
                "a DELETE whose table is filled in at run time (" + piece.origin + "): pggate cannot tell which table it empties or how many rows it removes",
                "use a fixed table name, or make the cleanup a partition operation (TRUNCATE / DETACH + DROP of a partition) that pggate can check");
            return;
        }
        const json* where = d.contains("whereClause") ? &d["whereClause"] : nullptr;
        if (!where) {
            std::string what = target.table && target.table->partitioned()
                                   ? "deletes every row of every partition of " + target.name + ", one row at a time, in one transaction"
                                   : "deletes every row of " + target.name + " one at a time (a dead tuple and WAL for each, one long transaction)";
            add(piece, at, "delete-without-where", "error", target.name, "DELETE without WHERE " + what + ".",
                target.table && (target.table->partitioned() || !target.table->parent.empty())
                    ? partition_fix(*target.table)
                    : "TRUNCATE " + target.name + " (instant, no dead tuples), or add the WHERE clause that was meant.");
            return;
        }
        if (!model_.is_large(target.name)) return;
        auto conds = key_conditions(where, target, piece);
        if (target.table && target.table->partitioned()) {
            Verdict v = pin(*target.table, conds);
            if (v.pinned) return;
            add(piece, at, "bulk-delete", "error", target.name,
                "bulk DELETE on the partitioned table " + target.name + ": " + v.why +
                    ". Rows are removed one by one (dead tuples, WAL, vacuum, locks on every partition it visits).",
                partition_fix(*target.table));
            return;
        }
        if (target.table && !target.table->parent.empty()) return;  // a leaf partition: already inside one partition
        if (target.table && pins_unique_key(*target.table, conds)) return;  // one row by its key
        // Keys unknown (declared large, never created in the linted files): `id = …` is read as a point delete.
        if ((!target.table || target.table->unique_keys.empty()) && conds.count("id") && conds.at("id").equality) return;
        add(piece, at, "bulk-delete", "error", target.name,
            "bulk DELETE on " + target.name + ", declared large: it removes every row its condition matches in one statement "
            "(one long transaction, a dead tuple and WAL per row, then vacuum).",
            "partition " + target.name + " by the column the cleanup filters on (e.g. RANGE by month on the timestamp) and "
            "DETACH + DROP (or TRUNCATE) the expired partitions; until then, delete in bounded batches by primary key.");
    }

    // MERGE … WHEN MATCHED THEN DELETE removes every matched row: on a large table the join has to pin
    // one partition (or one row), as a DELETE's WHERE would.
    void on_merge(const json& m, const Piece& piece) {
        bool deletes = false;
        for (const auto& w : m.value("mergeWhenClauses", json::array()))
            deletes = deletes || w["MergeWhenClause"].value("commandType", "") == "CMD_DELETE";
        if (!deletes || !m.contains("relation")) return;
        Target target = target_of(m["relation"]);
        if (!model_.is_large(target.name)) return;
        auto conds = key_conditions(m.contains("joinCondition") ? &m["joinCondition"] : nullptr, target, piece);
        Verdict v{false, "the join condition does not pin one partition"};
        if (target.table && target.table->partitioned()) v = pin(*target.table, conds);
        else if (target.table && !target.table->parent.empty()) return;
        if (v.pinned) return;
        add(piece, keyword_before(piece, static_cast<size_t>(m["relation"].value("location", 0)), "merge"), "bulk-delete", "error", target.name,
            "MERGE … THEN DELETE on " + target.name + " removes every matched row one by one: " + v.why + ".",
            target.table && target.table->partitioned() ? partition_fix(*target.table)
                                                        : "partition " + target.name + " and drop or truncate what expires instead.");
    }

    // A DELETE kept in a string (psql \gexec, dblink_exec, a function's argument) runs later: linted as a
    // statement when it is one, a warning when it only becomes one at run time.
    void on_string(const json& c, const Piece& piece) {
        if (!c.contains("sval")) return;
        const std::string text = c["sval"].value("sval", "");
        std::string l = lower(text.substr(0, 64));
        size_t start = l.find_first_not_of(" \t\r\n");
        if (start == std::string::npos || l.compare(start, 6, "delete") != 0 || l.find("from", start) == std::string::npos) return;
        size_t at = static_cast<size_t>(c.value("location", 0));
        if (parse_json(text)) {
            // +1: past the opening quote (exact for '…' literals without doubled quotes).
            lint_piece(sub_piece(piece, std::min(at + 1, piece.text.size()), text, piece.origin + " (string)"));
            return;
        }
        add(piece, at, "dynamic-delete", "warning", "",
            "a DELETE assembled from a string at run time (" + statement_excerpt(text, 80) + "): pggate cannot tell which table or rows it deletes",
            "write the DELETE as a statement pggate can check, or clean up with a partition operation");
    }

    void on_update(const json& u, const Piece& piece) {
        if (!u.contains("relation") || u.contains("whereClause")) return;
        Target target = target_of(u["relation"]);
        size_t rel_at = static_cast<size_t>(u["relation"].value("location", 0));
        if (interpolated_at(piece, rel_at)) return;
        add(piece, keyword_before(piece, rel_at, "update"), "update-without-where", "error", target.name,
            "UPDATE without WHERE rewrites every row of " + target.name + " (a new row version for each, one long transaction"
            + std::string(model_.is_large(target.name) ? ", on a large table" : "") + ").",
            "add the WHERE clause that was meant; for a backfill, update in bounded batches by key.");
    }

    void on_truncate(const json& t, const Piece& piece) {
        for (const auto& r : t.value("relations", json::array())) {
            if (!r.contains("RangeVar")) continue;
            Target target = target_of(r["RangeVar"]);
            size_t rel_at = static_cast<size_t>(r["RangeVar"].value("location", 0));
            size_t at = keyword_before(piece, rel_at, "truncate");
            if (target.table && !target.table->parent.empty()) {
                add(piece, at, "partition-path", "info", target.name,
                    "TRUNCATE of " + target.name + ", a partition of " + target.table->parent + ": the partition path (instant, no dead tuples).", "");
            } else if (model_.is_large(target.name)) {
                add(piece, at, "truncate-whole-table", "warning", target.name,
                    "TRUNCATE " + target.name + " empties the whole table, every tenant's and scope's rows included.",
                    "truncate only the partitions that belong to what you clean up; keep whole-table truncation to disposable environments.");
            }
        }
    }

    void on_alter(const json& a, const Piece& piece) {
        std::string parent = range_var_name(a["relation"]);
        for (const auto& cmd : a.value("cmds", json::array())) {
            const auto& c = cmd["AlterTableCmd"];
            if (c.value("subtype", "") != "AT_DetachPartition" || !c.contains("def")) continue;
            const auto& pc = c["def"]["PartitionCmd"];
            std::string part = range_var_name(pc["name"]);
            detached_.insert(part);
            size_t at = keyword_before(piece, static_cast<size_t>(a["relation"].value("location", 0)), "alter");
            add(piece, at, "partition-path", "info", part,
                "DETACH PARTITION " + part + " from " + parent + (pc.value("concurrent", false) ? " CONCURRENTLY" : "") +
                    ": the partition path (then DROP TABLE or archive it).",
                "");
        }
    }

    void on_drop(const json& d, const Piece& piece) {
        if (d.value("removeType", "") != "OBJECT_TABLE") return;
        for (const auto& o : d.value("objects", json::array())) {
            if (!o.contains("List")) continue;
            std::string name = string_list_name(o["List"]["items"]);
            const KnownTable* t = model_.find(name);
            bool partition = (t && !t->parent.empty()) || detached_.count(name);
            if (!partition) continue;
            std::string lname = lower(piece.text);
            size_t at = lname.find("drop");
            add(piece, at == std::string::npos ? 0 : at, "partition-path", "info", name,
                "DROP TABLE " + name + (t && !t->parent.empty() ? ", a partition of " + t->parent : ", a detached partition") +
                    ": the partition path.",
                "");
        }
    }

    // ---- bodies

    static std::string option_string(const json& options, const std::string& name) {
        for (const auto& o : options) {
            const auto& de = o["DefElem"];
            if (de.value("defname", "") != name || !de.contains("arg")) continue;
            if (de["arg"].contains("String")) return de["arg"]["String"].value("sval", "");
            if (de["arg"].contains("List") && !de["arg"]["List"]["items"].empty()) return de["arg"]["List"]["items"][0]["String"].value("sval", "");
        }
        return "";
    }

    // The body as a piece of the statement: found as is (dollar quoting), or as a '…' literal whose
    // quotes are doubled in the source (then each byte maps past the doubled quotes before it).
    static std::optional<Piece> body_piece(const Piece& piece, const std::string& body, const std::string& origin) {
        if (body.empty()) return std::nullopt;
        size_t at = piece.text.find(body);
        if (at != std::string::npos) return sub_piece(piece, at, body, origin);
        std::string doubled;
        for (char c : body) doubled += c == '\'' ? std::string("''") : std::string(1, c);
        at = piece.text.find(doubled);
        if (at == std::string::npos) return std::nullopt;
        Piece p = sub_piece(piece, at, body, origin);
        size_t src = at;
        for (size_t i = 0; i < body.size(); ++i) {
            p.offsets[i] = piece.offsets[src];
            src += body[i] == '\'' ? 2 : 1;
        }
        p.offsets[body.size()] = piece.offsets[std::min(src, piece.offsets.size() - 1)];
        return p;
    }

    void on_function(const json& f, const Piece& piece) {
        std::string name;
        for (const auto& n : f.value("funcname", json::array())) name += (name.empty() ? "" : ".") + n["String"].value("sval", "");
        std::set<std::string> params;
        for (const auto& p : f.value("parameters", json::array()))
            if (p.contains("FunctionParameter") && p["FunctionParameter"].contains("name")) params.insert(p["FunctionParameter"].value("name", ""));
        const auto& options = f.value("options", json::array());
        std::string language = lower(option_string(options, "language"));
        std::string kind = f.value("is_procedure", false) ? "procedure " : "function ";
        if (f.contains("sql_body")) {  // BEGIN ATOMIC … END: already parsed
            Piece p = piece;
            p.origin = "SQL " + kind + name;
            p.variables.insert(params.begin(), params.end());
            walk(f["sql_body"], p);
            return;
        }
        std::string body = option_string(options, "as");
        auto p = body_piece(piece, body, (language == "sql" ? "SQL " : "PL/pgSQL ") + kind + name);
        if (!p) return;
        p->variables.insert(params.begin(), params.end());
        if (language == "sql") lint_sql_body(*p);
        else if (language == "plpgsql") lint_plpgsql(piece.text, *p, params);
    }

    void on_do(const json& d, const Piece& piece) {
        std::string body = option_string(d.value("args", json::array()), "as");
        std::string language = lower(option_string(d.value("args", json::array()), "language"));
        if (!language.empty() && language != "plpgsql") return;
        auto p = body_piece(piece, body, "DO block");
        if (!p) return;
        // PL/pgSQL's parser takes a CREATE FUNCTION; line numbers it reports count from the body's start.
        const std::string tag = "$pggate_do$";
        lint_plpgsql("CREATE FUNCTION pggate_do() RETURNS void LANGUAGE plpgsql AS " + tag + body + tag, *p, {});
    }

    // The statements of a SQL function body.
    void lint_sql_body(const Piece& body) {
        PgQuerySplitResult split = pg_query_split_with_parser(body.text.c_str());
        if (!split.error)
            for (int i = 0; i < split.n_stmts; ++i) {
                size_t from = split.stmts[i]->stmt_location, len = split.stmts[i]->stmt_len;
                lint_piece(sub_piece(body, from, body.text.substr(from, len ? len : body.text.size() - from), body.origin));
            }
        pg_query_free_split_result(split);
    }

    // Offset in `body` of the first byte of its `line`-th line (1-based).
    static size_t line_offset(const std::string& body, int line) {
        size_t off = 0;
        for (int l = 1; l < line && off < body.size(); ++l) {
            size_t nl = body.find('\n', off);
            if (nl == std::string::npos) return body.size();
            off = nl + 1;
        }
        return off;
    }

    // A PL/pgSQL body, through PostgreSQL's PL/pgSQL parser (`fn` is the CREATE FUNCTION statement): each
    // embedded statement is found at the line the parser reports and linted as SQL, with the body's
    // variables counting as values.
    void lint_plpgsql(const std::string& fn, Piece body_piece, std::set<std::string> variables) {
        PgQueryPlpgsqlParseResult r = pg_query_parse_plpgsql(fn.c_str());
        std::optional<json> tree;
        if (!r.error && r.plpgsql_funcs) {
            json j = json::parse(r.plpgsql_funcs, nullptr, false);
            if (!j.is_discarded()) tree = std::move(j);
        }
        pg_query_free_plpgsql_parse_result(r);
        if (!tree) {
            scan_plpgsql(body_piece, variables);
            return;
        }
        std::vector<const json*> stack{&*tree};
        while (!stack.empty()) {  // variables first: they may be declared in inner blocks
            const json* n = stack.back();
            stack.pop_back();
            if (n->is_object()) {
                for (const char* k : {"PLpgSQL_var", "PLpgSQL_rec", "PLpgSQL_row"})
                    if (n->contains(k) && (*n)[k].contains("refname")) variables.insert(lower((*n)[k].value("refname", "")));
                for (auto it = n->begin(); it != n->end(); ++it) stack.push_back(&*it);
            } else if (n->is_array()) {
                for (const auto& e : *n) stack.push_back(&e);
            }
        }
        body_piece.variables.insert(variables.begin(), variables.end());
        walk_plpgsql(*tree, body_piece, 0);
    }

    void walk_plpgsql(const json& node, const Piece& body, int lineno) {
        if (node.is_array()) {
            for (const auto& n : node) walk_plpgsql(n, body, lineno);
            return;
        }
        if (!node.is_object()) return;
        int line = node.value("lineno", lineno);
        for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string& key = it.key();
            const json& v = *it;
            if (key == "PLpgSQL_stmt_execsql" && v.contains("sqlstmt")) {
                embedded_sql(v["sqlstmt"]["PLpgSQL_expr"].value("query", ""), body, v.value("lineno", line));
            } else if ((key == "PLpgSQL_stmt_fors" || key == "PLpgSQL_stmt_return_query" || key == "PLpgSQL_stmt_open") && v.contains("query")) {
                embedded_sql(v["query"]["PLpgSQL_expr"].value("query", ""), body, v.value("lineno", line));
            } else if ((key == "PLpgSQL_stmt_dynexecute" || key == "PLpgSQL_stmt_dynfors") && v.contains("query")) {
                dynamic_sql(v["query"]["PLpgSQL_expr"].value("query", ""), body, v.value("lineno", line));
            } else if ((key == "PLpgSQL_stmt_return_query" || key == "PLpgSQL_stmt_open") && v.contains("dynquery")) {
                dynamic_sql(v["dynquery"]["PLpgSQL_expr"].value("query", ""), body, v.value("lineno", line));
            }
            walk_plpgsql(v, body, line);
        }
    }

    // Where `query` starts in the body, searching from its line: the exact text, or its first word.
    static size_t find_in_body(const std::string& body, const std::string& query, int lineno) {
        size_t from = line_offset(body, std::max(lineno, 1));
        size_t at = body.find(query, from);
        if (at != std::string::npos) return at;
        std::string word = lower(query.substr(0, query.find_first_of(" \t\r\n(")));
        at = lower(body).find(word, from);
        return at == std::string::npos ? from : at;
    }

    void embedded_sql(const std::string& query, const Piece& body, int lineno) {
        if (query.empty()) return;
        size_t at = find_in_body(body.text, query, lineno);
        lint_piece(sub_piece(body, at, query, body.origin));
    }

    // EXECUTE of a string: a constant that is itself a statement is linted like any other; a string
    // assembled at run time that spells DELETE is a warning (it cannot be proven safe).
    void dynamic_sql(const std::string& expr, const Piece& body, int lineno) {
        size_t at = find_in_body(body.text, expr, lineno);
        Piece expr_piece = sub_piece(body, at, expr, body.origin);
        auto tree = parse_json("SELECT " + expr);
        if (!tree) return;
        std::vector<std::pair<std::string, size_t>> strings;  // constant text, location in expr
        std::vector<const json*> stack{&*tree};
        while (!stack.empty()) {
            const json* n = stack.back();
            stack.pop_back();
            if (n->is_object()) {
                if (n->contains("A_Const") && (*n)["A_Const"].contains("sval")) {
                    size_t loc = (*n)["A_Const"].value("location", 7);
                    strings.push_back({(*n)["A_Const"]["sval"].value("sval", ""), loc >= 7 ? loc - 7 : 0});
                }
                for (auto it = n->begin(); it != n->end(); ++it) stack.push_back(&*it);
            } else if (n->is_array()) {
                for (const auto& e : *n) stack.push_back(&e);
            }
        }
        bool whole_statement = strings.size() == 1 && lower(expr).find("format") == std::string::npos && expr.find("||") == std::string::npos;
        for (const auto& [text, loc] : strings) {
            std::string l = lower(text);
            if (whole_statement && parse_json(text)) {
                Piece p = sub_piece(expr_piece, loc + 1, text, body.origin + " (EXECUTE)");  // +1: past the opening quote
                lint_piece(p);
                continue;
            }
            size_t d = l.find("delete");
            if (d != std::string::npos && l.find("from", d) != std::string::npos) {
                add(expr_piece, 0, "dynamic-delete", "warning", "",
                    "EXECUTE builds a DELETE at run time (" + body.origin + "): pggate cannot prove which table it touches or that it stays in one partition",
                    "prefer TRUNCATE / DETACH PARTITION + DROP of the partition the cleanup owns; if the DELETE must stay, pin it to one partition "
                    "(= on the partition key) and cover it with the dynamic check (gates.delete-paths.commands)");
            } else if (l.find("detach partition") != std::string::npos || (l.find("drop table") != std::string::npos) ||
                       l.rfind("truncate", 0) == 0) {
                add(expr_piece, 0, "partition-path", "info", "",
                    "EXECUTE builds a partition operation (" + statement_excerpt(text, 80) + "): the partition path.", "");
            }
        }
    }

    // When the PL/pgSQL parser rejects a body (a variable it cannot resolve, say), every statement that
    // starts with DELETE/UPDATE/TRUNCATE/WITH/ALTER/DROP is cut at its semicolon and parsed on its own.
    void scan_plpgsql(const Piece& body, const std::set<std::string>& variables) {
        Piece p = body;
        p.variables.insert(variables.begin(), variables.end());
        PgQuerySplitResult split = pg_query_split_with_scanner(body.text.c_str());
        if (split.error) {
            pg_query_free_split_result(split);
            return;
        }
        for (int i = 0; i < split.n_stmts; ++i) {
            size_t from = split.stmts[i]->stmt_location, len = split.stmts[i]->stmt_len;
            std::string stmt = body.text.substr(from, len ? len : body.text.size() - from);
            std::string l = lower(stmt);
            for (const char* verb : {"delete", "update", "truncate", "with", "alter", "drop", "execute"}) {
                size_t at = 0;
                while ((at = l.find(verb, at)) != std::string::npos) {
                    bool word = (at == 0 || !std::isalnum(static_cast<unsigned char>(l[at - 1]))) &&
                                (at + std::strlen(verb) >= l.size() || !std::isalnum(static_cast<unsigned char>(l[at + std::strlen(verb)])));
                    if (word) break;
                    ++at;
                }
                if (at == std::string::npos) continue;
                std::string candidate = stmt.substr(at);
                if (std::string(verb) == "execute") {
                    dynamic_sql(candidate.substr(7), sub_piece(p, from + at + 7, candidate.substr(7), p.origin), 1);
                } else if (parse_json(candidate)) {
                    lint_piece(sub_piece(p, from + at, candidate, p.origin));
                }
                break;
            }
        }
        pg_query_free_split_result(split);
    }
};

// psql interpolates :'var', :"var" and :var before the server sees the text. Each becomes SQL of the
// same length that parses ('var' a literal, "var" an identifier, var a name recorded as a value), so
// the parser accepts the script and every offset stays right. Quotes, comments and :: casts are skipped.
std::string mask_psql_variables(std::string sql, std::set<std::string>& names) {
    auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); };
    size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            size_t j = sql.find(c, i + 1);
            i = j == std::string::npos ? sql.size() : j + 1;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            size_t j = sql.find('\n', i);
            i = j == std::string::npos ? sql.size() : j;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            size_t j = sql.find("*/", i + 2);
            i = j == std::string::npos ? sql.size() : j + 2;
        } else if (c == '$' && (i == 0 || !ident(sql[i - 1]))) {  // $tag$ … $tag$
            size_t j = i + 1;
            while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
            if (j < sql.size() && sql[j] == '$' && (j == i + 1 || !std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
                std::string tag = sql.substr(i, j - i + 1);
                size_t end = sql.find(tag, j + 1);
                i = end == std::string::npos ? sql.size() : end + tag.size();
            } else {
                i = j;
            }
        } else if (c == ':' && i + 1 < sql.size() && (i == 0 || sql[i - 1] != ':') && sql[i + 1] != ':') {
            char n = sql[i + 1];
            if (n == '\'' || n == '"') {
                sql[i] = ' ';
            } else if (std::isalpha(static_cast<unsigned char>(n)) || n == '_') {
                size_t j = i + 1;
                while (j < sql.size() && ident(sql[j])) ++j;
                names.insert(lower(sql.substr(i + 1, j - i - 1)));
                sql[i] = ' ';
                i = j;
                continue;
            }
            ++i;
        } else {
            ++i;
        }
    }
    return sql;
}

std::string read_text(const std::string& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    ok = static_cast<bool>(in);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void lint_content(const std::string& display, const std::string& content, SourceKind kind, const TableModel& model, LintResult& result) {
    Linter linter(model, display, content, result);
    if (kind == SourceKind::sql) {
        SqlScript script;
        std::set<std::string> psql_variables;
        try {
            script = parse_sql_text(display, mask_psql_variables(content, psql_variables));
        } catch (const ScriptError& e) {
            result.problems.push_back({display, e.where.line, e.where.column, e.what()});
            return;
        }
        for (const auto& st : script.statements) {
            Linter::Piece piece = Linter::identity_piece(st.text, st.offset, "sql");
            piece.variables = psql_variables;
            linter.lint_piece(piece);
        }
        return;
    }
    for (const SqlFragment& f : extract_sql_fragments(kind, content, display)) {
        Linter::Piece whole;
        whole.text = f.sql;  // psql variables and meta-commands: already masked by the extractor
        whole.offsets = f.source_offsets;
        whole.origin = f.origin;
        whole.interpolated = f.interpolated;
        if (whole.offsets.size() != whole.text.size() + 1) continue;  // defensive: a malformed fragment is skipped
        PgQuerySplitResult split = pg_query_split_with_parser(whole.text.c_str());
        bool parsed = !split.error;
        if (parsed)
            for (int i = 0; i < split.n_stmts; ++i) {
                size_t from = split.stmts[i]->stmt_location, len = split.stmts[i]->stmt_len;
                Linter::Piece p = Linter::sub_piece(whole, from, whole.text.substr(from, len ? len : whole.text.size() - from), f.origin);
                linter.lint_piece(p);
            }
        pg_query_free_split_result(split);
        if (parsed) continue;
        // A DELETE that does not parse as written is assembled at run time ("DELETE FROM " + table + …).
        std::string l = lower(f.sql);
        size_t start = l.find_first_not_of(" \t\r\n(");
        size_t from_kw = start == std::string::npos ? start : l.find_first_not_of(" \t\r\n", start + 6);
        bool delete_from = start != std::string::npos && l.compare(start, 6, "delete") == 0 && start + 6 < l.size() &&
                           std::isspace(static_cast<unsigned char>(l[start + 6])) && from_kw != std::string::npos &&
                           l.compare(from_kw, 4, "from") == 0;
        if (delete_from) {  // a bare word such as 'delete' (a mode name) is not a statement
            LintFinding finding;
            finding.rule = "delete-paths.dynamic-delete";
            finding.severity = "warning";
            finding.file = display;
            SourceLocation loc = locate(display, content, std::min<size_t>(f.source_offsets[start], content.size()));
            finding.line = loc.line, finding.column = loc.column;
            finding.statement = statement_excerpt(f.sql, 300);
            finding.origin = f.origin;
            finding.message = "a DELETE assembled at run time (" + f.origin + "): pggate cannot tell which table or rows it deletes";
            finding.fix = "write the statement whole with parameters for values (then pggate checks it), or move the cleanup to a partition operation";
            result.findings.push_back(std::move(finding));
        }
    }
}

}  // namespace

LintResult lint_text(const std::string& display, const std::string& content, TableModel model) {
    LintResult result;
    SourceKind kind = classify_source(display, content);
    if (kind == SourceKind::unknown) kind = SourceKind::sql;
    if (kind == SourceKind::sql) learn_tables(model, content);
    lint_content(display, content, kind, model, result);
    result.files = 1;
    return result;
}

LintResult lint_files(const std::vector<LintInput>& inputs, TableModel model) {
    LintResult result;
    struct Loaded {
        LintInput input;
        std::string content;
        SourceKind kind;
    };
    std::vector<Loaded> loaded;
    std::set<std::string> seen;
    std::vector<LintInput> queue = inputs;
    for (size_t i = 0; i < queue.size(); ++i) {
        std::error_code ec;
        std::string canonical = fs::weakly_canonical(queue[i].path, ec).string();
        if (!seen.insert(canonical.empty() ? queue[i].path : canonical).second) continue;
        bool ok = false;
        std::string content = read_text(queue[i].path, ok);
        if (!ok || fs::is_directory(queue[i].path, ec)) {
            result.problems.push_back({queue[i].display, 0, 0, queue[i].display + ": cannot read the file (missing or not readable)."});
            continue;
        }
        SourceKind kind = classify_source(queue[i].path, content);
        if (kind == SourceKind::unknown) kind = SourceKind::sql;
        if (kind == SourceKind::shell)  // psql -f targets are part of what the script runs
            for (const auto& arg : psql_file_arguments(content)) {
                if (arg.find('$') != std::string::npos) continue;  // a path known only at run time
                fs::path p = fs::path(arg).is_absolute() ? fs::path(arg) : fs::path(queue[i].path).parent_path() / arg;
                if (!fs::exists(p, ec)) p = fs::path(arg);
                if (fs::exists(p, ec))
                    queue.push_back({p.string(), (fs::path(queue[i].display).parent_path() / arg).lexically_normal().string()});
            }
        loaded.push_back({queue[i], std::move(content), kind});
    }
    // Tables first, from every SQL file, so a cleanup script linted before the migration that creates
    // its table still knows the table is partitioned.
    for (const auto& l : loaded)
        if (l.kind == SourceKind::sql) learn_tables(model, l.content);
    for (const auto& l : loaded) lint_content(l.input.display, l.content, l.kind, model, result);
    result.files = static_cast<int>(loaded.size());
    return result;
}

}  // namespace pggate
