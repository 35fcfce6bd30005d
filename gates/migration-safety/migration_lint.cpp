#include "gates/migration-safety/migration_lint.h"

#include <nlohmann/json.hpp>
#include <pg_query.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace pggate {
namespace {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// JSON access that never throws and never asserts: the parse tree of fuzzed input can be anything.

const json& null_json() {
    static const json n;
    return n;
}
const json& empty_array() {
    static const json a = json::array();
    return a;
}
const json& F(const json& j, const char* key) {
    if (j.is_object()) {
        auto it = j.find(key);
        if (it != j.end()) return *it;
    }
    return null_json();
}
const json& A(const json& j, const char* key) {
    const json& v = F(j, key);
    return v.is_array() ? v : empty_array();
}
std::string S(const json& j, const char* key) {
    const json& v = F(j, key);
    return v.is_string() ? v.get<std::string>() : std::string();
}
bool B(const json& j, const char* key) {
    const json& v = F(j, key);
    return v.is_boolean() && v.get<bool>();
}
long N(const json& j, const char* key, long fallback) {
    const json& v = F(j, key);
    return v.is_number_integer() ? v.get<long>() : fallback;
}
size_t L(const json& j) {  // a node's "location", 0 when absent
    long l = N(j, "location", 0);
    return l > 0 ? static_cast<size_t>(l) : 0;
}
std::string sval(const json& n) { return S(F(n, "String"), "sval"); }

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
std::string rel_of(const std::string& qualified) {
    size_t dot = qualified.rfind('.');
    return dot == std::string::npos ? qualified : qualified.substr(dot + 1);
}
std::string schema_of(const std::string& qualified) {
    size_t dot = qualified.rfind('.');
    return dot == std::string::npos ? "public" : qualified.substr(0, dot);
}
std::string qualify_default(const std::string& name) { return name.find('.') == std::string::npos ? "public." + name : name; }

// ---------------------------------------------------------------------------------------------
// A small lexer over one statement: enough to find where each ALTER TABLE subcommand starts and ends
// (the parse tree gives no location for AlterTableCmd) and to rewrite a statement for a fix.

struct Token {
    size_t begin = 0, end = 0;
    std::string word;   // unquoted word, lower case (keywords, identifiers, numbers)
    char punct = 0;     // single punctuation character
    bool quoted = false;  // "identifier"
    int depth = 0;      // parenthesis depth
};

bool ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

std::vector<Token> lex(const std::string& s) {
    std::vector<Token> out;
    size_t i = 0, n = s.size();
    int depth = 0;
    while (i < n) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (std::isspace(c)) {
            ++i;
            continue;
        }
        if (s.compare(i, 2, "--") == 0) {
            while (i < n && s[i] != '\n') ++i;
            continue;
        }
        if (s.compare(i, 2, "/*") == 0) {
            int d = 0;
            do {
                if (s.compare(i, 2, "/*") == 0) ++d, i += 2;
                else if (s.compare(i, 2, "*/") == 0) --d, i += 2;
                else ++i;
            } while (d > 0 && i < n);
            continue;
        }
        Token t;
        t.begin = i;
        t.depth = depth;
        if (c == '\'') {
            bool escapes = !out.empty() && out.back().end == i && (out.back().word == "e");
            if (escapes) {
                t.begin = out.back().begin;
                out.pop_back();
            }
            ++i;
            while (i < n) {
                if (escapes && s[i] == '\\') {
                    i += 2;
                    continue;
                }
                if (s[i] == '\'') {
                    if (i + 1 < n && s[i + 1] == '\'') {
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                ++i;
            }
            t.end = std::min(i, n);
            out.push_back(t);
            continue;
        }
        if (c == '"') {
            ++i;
            std::string w;
            while (i < n) {
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        w += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                w += s[i++];
            }
            t.end = std::min(i, n);
            t.word = w;
            t.quoted = true;
            out.push_back(t);
            continue;
        }
        if (c == '$') {
            size_t j = i + 1;
            while (j < n && ident_char(static_cast<unsigned char>(s[j])) && s[j] != '$') ++j;
            bool tag_ok = j < n && s[j] == '$' && (j == i + 1 || !std::isdigit(static_cast<unsigned char>(s[i + 1])));
            if (tag_ok) {
                std::string tag = s.substr(i, j - i + 1);
                size_t close = s.find(tag, j + 1);
                i = close == std::string::npos ? n : close + tag.size();
                t.end = i;
                out.push_back(t);
                continue;
            }
            i = j;  // $1 parameter
            t.end = i;
            out.push_back(t);
            continue;
        }
        if (ident_start(c)) {
            while (i < n && ident_char(static_cast<unsigned char>(s[i]))) ++i;
            t.end = i;
            t.word = lower(s.substr(t.begin, i - t.begin));
            out.push_back(t);
            continue;
        }
        if (std::isdigit(c)) {
            while (i < n && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
            t.end = i;
            t.word = s.substr(t.begin, i - t.begin);
            out.push_back(t);
            continue;
        }
        t.punct = static_cast<char>(c);
        if (c == '(') ++depth;
        if (c == ')') t.depth = depth = std::max(0, depth - 1);
        t.end = ++i;
        out.push_back(t);
    }
    return out;
}

struct Range {
    size_t begin = 0, end = 0;
};

// The byte ranges of an ALTER TABLE's subcommands: after the relation name at `rel_at`, split at top-level
// commas. Empty when the text does not look as expected.
std::vector<Range> subcommand_ranges(const std::vector<Token>& toks, size_t rel_at) {
    std::vector<Range> out;
    size_t k = 0;
    while (k < toks.size() && toks[k].begin < rel_at) ++k;
    if (k >= toks.size() || (toks[k].word.empty() && !toks[k].quoted)) return out;
    while (k + 2 < toks.size() && toks[k + 1].punct == '.' && (!toks[k + 2].word.empty() || toks[k + 2].quoted)) k += 2;
    ++k;
    if (k >= toks.size()) return out;
    Range cur{toks[k].begin, toks[k].end};
    for (; k < toks.size(); ++k) {
        const Token& t = toks[k];
        if (t.depth == 0 && t.punct == ';') break;
        if (t.depth == 0 && t.punct == ',') {
            out.push_back(cur);
            if (k + 1 >= toks.size()) return {};
            cur = {toks[k + 1].begin, toks[k + 1].end};
            continue;
        }
        cur.end = t.end;
    }
    out.push_back(cur);
    return out;
}

// The statement's own text from `from` to `to`, on one line.
std::string clause(const std::string& text, size_t from, size_t to) {
    if (from >= text.size() || to <= from) return "";
    return statement_excerpt(text.substr(from, std::min(to, text.size()) - from), 400);
}

// ---------------------------------------------------------------------------------------------
// Types: just enough to prove a few ALTER COLUMN … TYPE changes binary-coercible.

const std::set<std::string>& builtin_types() {
    static const std::set<std::string> s{
        "text", "varchar", "bpchar", "char", "int2", "int4", "int8", "float4", "float8", "numeric", "bool", "date", "time",
        "timetz", "timestamp", "timestamptz", "interval", "uuid", "json", "jsonb", "bytea", "inet", "cidr", "macaddr",
        "macaddr8", "money", "bit", "varbit", "xml", "tsvector", "tsquery", "oid", "name", "regclass", "point", "line", "lseg",
        "box", "path", "polygon", "circle", "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange",
        "int4multirange", "int8multirange", "nummultirange", "tsmultirange", "tstzmultirange", "datemultirange", "pg_lsn",
        "serial", "bigserial", "smallserial", "serial2", "serial4", "serial8", "int", "integer", "smallint", "bigint",
        "decimal", "real", "boolean", "float", "character", "jsonpath", "txid_snapshot", "pg_snapshot", "record"};
    return s;
}

struct TypeSpec {
    bool known = false;
    std::string base;        // normalised name (int4, varchar, numeric, text, mood…)
    std::vector<long> mods;  // typmods as written
    bool mods_known = true;
    bool array = false;
    bool builtin = false;
};

TypeSpec type_spec(const json& tn) {
    TypeSpec t;
    const json& names = A(tn, "names");
    if (names.empty()) return t;
    std::string first = sval(names[0]), last = sval(names[names.size() - 1]);
    t.base = lower(last);
    static const std::map<std::string, std::string> alias{{"int", "int4"},     {"integer", "int4"}, {"smallint", "int2"},
                                                          {"bigint", "int8"},  {"decimal", "numeric"}, {"boolean", "bool"},
                                                          {"real", "float4"},  {"float", "float8"}, {"character", "bpchar"}};
    if (auto it = alias.find(t.base); it != alias.end()) t.base = it->second;
    t.builtin = (names.size() == 2 && first == "pg_catalog") || (names.size() == 1 && builtin_types().count(t.base));
    for (const auto& m : A(tn, "typmods")) {
        const json& ac = F(m, "A_Const");
        if (ac.is_null()) {
            t.mods_known = false;
            continue;
        }
        t.mods.push_back(N(F(ac, "ival"), "ival", 0));
    }
    t.array = !A(tn, "arrayBounds").empty();
    t.known = !t.base.empty();
    return t;
}

bool binary_coercible(const TypeSpec& from, const TypeSpec& to) {
    if (!from.known || !to.known || !from.mods_known || !to.mods_known || from.array != to.array) return false;
    if (from.base == to.base && from.mods == to.mods) return true;
    if (from.array) return false;
    if (from.base == "varchar" || from.base == "varbit") {
        if (from.base == "varchar" && to.base == "text") return true;
        if (to.base == from.base) {
            if (to.mods.empty()) return true;
            if (from.mods.empty()) return false;
            return to.mods[0] >= from.mods[0];
        }
        return false;
    }
    if (from.base == "text" && to.base == "varchar" && to.mods.empty()) return true;
    if (from.base == "numeric" && to.base == "numeric") {
        if (to.mods.empty()) return true;
        if (from.mods.empty()) return false;
        long p = from.mods[0], s = from.mods.size() > 1 ? from.mods[1] : 0;
        long p2 = to.mods[0], s2 = to.mods.size() > 1 ? to.mods[1] : 0;
        return s2 == s && p2 >= p;
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Expressions

const std::set<std::string>& volatile_functions() {
    static const std::set<std::string> s{"random", "clock_timestamp", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
                                         "uuid_generate_v4", "nextval", "timeofday", "txid_current", "setseed", "random_normal"};
    return s;
}

// The first FuncCall in `n` whose name satisfies `pred` (depth-first, bounded).
const json* find_call(const json& n, const std::function<bool(const std::string&, const json&)>& pred, int depth = 0) {
    if (depth > 200) return nullptr;
    if (n.is_object()) {
        const json& fc = F(n, "FuncCall");
        if (fc.is_object()) {
            const json& names = A(fc, "funcname");
            std::string name = names.empty() ? "" : lower(sval(names[names.size() - 1]));
            if (pred(name, fc)) return &fc;
        }
        for (auto it = n.begin(); it != n.end(); ++it)
            if (const json* r = find_call(*it, pred, depth + 1)) return r;
    } else if (n.is_array()) {
        for (const auto& e : n)
            if (const json* r = find_call(e, pred, depth + 1)) return r;
    }
    return nullptr;
}

// A TypeCast in `n` to a type that is not built in (an enum, a domain, an extension type).
const json* find_custom_cast(const json& n, int depth = 0) {
    if (depth > 200) return nullptr;
    if (n.is_object()) {
        const json& tc = F(n, "TypeCast");
        if (tc.is_object() && !type_spec(F(tc, "typeName")).builtin && type_spec(F(tc, "typeName")).known) return &tc;
        for (auto it = n.begin(); it != n.end(); ++it)
            if (const json* r = find_custom_cast(*it, depth + 1)) return r;
    } else if (n.is_array()) {
        for (const auto& e : n)
            if (const json* r = find_custom_cast(e, depth + 1)) return r;
    }
    return nullptr;
}

// Columns a CHECK expression proves NOT NULL: `col IS NOT NULL`, possibly inside a top-level AND.
std::set<std::string> not_null_columns(const json& e, int depth = 0) {
    std::set<std::string> out;
    if (depth > 50) return out;
    const json& nt = F(e, "NullTest");
    if (nt.is_object() && S(nt, "nulltesttype") == "IS_NOT_NULL") {
        const json& fields = A(F(F(nt, "arg"), "ColumnRef"), "fields");
        if (!fields.empty()) {
            std::string c = sval(fields[fields.size() - 1]);
            if (!c.empty()) out.insert(c);
        }
    }
    const json& be = F(e, "BoolExpr");
    if (be.is_object() && S(be, "boolop") == "AND_EXPR")
        for (const auto& a : A(be, "args"))
            for (const auto& c : not_null_columns(a, depth + 1)) out.insert(c);
    return out;
}

// The first column an expression names (PostgreSQL names an unnamed CHECK <table>_<column>_check).
std::string first_column(const json& n, int depth = 0) {
    if (depth > 200) return "";
    if (n.is_object()) {
        const json& fields = A(F(n, "ColumnRef"), "fields");
        if (!fields.empty()) return sval(fields[fields.size() - 1]);
        for (auto it = n.begin(); it != n.end(); ++it)
            if (std::string c = first_column(*it, depth + 1); !c.empty()) return c;
    } else if (n.is_array()) {
        for (const auto& e : n)
            if (std::string c = first_column(e, depth + 1); !c.empty()) return c;
    }
    return "";
}

// A constant (or SQL value function) that fills every existing row with a non-NULL value.
bool fills_rows(const json& expr) {
    const json& ac = F(expr, "A_Const");
    if (ac.is_object()) return !B(ac, "isnull");
    const json& tc = F(expr, "TypeCast");
    if (tc.is_object()) return fills_rows(F(tc, "arg"));
    return !expr.is_null();
}

// ---------------------------------------------------------------------------------------------

const std::set<std::string>& weaker_alter_subcommands() {
    // PostgreSQL 15 AlterTableGetLockLevel(): everything else takes ACCESS EXCLUSIVE.
    static const std::set<std::string> s{
        "AT_SetStatistics", "AT_ClusterOn", "AT_DropCluster", "AT_SetOptions", "AT_ResetOptions",  // SHARE UPDATE EXCLUSIVE
        "AT_ValidateConstraint", "AT_SetRelOptions", "AT_ResetRelOptions", "AT_AttachPartition",
        "AT_DetachPartitionFinalize", "AT_CheckNotNull",
        "AT_EnableTrig", "AT_EnableAlwaysTrig", "AT_EnableReplicaTrig", "AT_EnableTrigAll", "AT_EnableTrigUser",  // SHARE ROW EXCLUSIVE
        "AT_DisableTrig", "AT_DisableTrigAll", "AT_DisableTrigUser"};
    return s;
}

bool takes_access_exclusive(const json& cmd) {
    std::string sub = S(cmd, "subtype");
    if (weaker_alter_subcommands().count(sub)) return false;
    if (sub == "AT_AddConstraint" && S(F(F(cmd, "def"), "Constraint"), "contype") == "CONSTR_FOREIGN") return false;  // SHARE ROW EXCLUSIVE
    if (sub == "AT_DetachPartition" && B(F(F(cmd, "def"), "PartitionCmd"), "concurrent")) return false;
    return true;
}

const char* kLockTimeoutFix = "SET lock_timeout = '2s';";

class MigrationLinter {
public:
    MigrationLinter(const TableModel& model, LintResult& result) : model_(model), result_(result) {
        for (const auto& [name, t] : model.tables) existing_.insert(name);
    }

    void add_existing(const std::string& name) { existing_.insert(qualify_default(name)); }

    void lint(const std::string& display, const std::string& revision, const SqlScript& script) {
        display_ = display;
        revision_ = revision;
        script_ = &script;
        created_.clear();
        dropped_indexes_.clear();
        lock_timeout_ = lock_timeout_local_ = false;
        schema_ = "public";
        trees_.clear();
        for (const auto& st : script.statements) {
            PgQueryParseResult r = pg_query_parse(st.text.c_str());
            json tree;
            if (!r.error && r.parse_tree) tree = json::parse(r.parse_tree, nullptr, false);
            pg_query_free_parse_result(r);
            if (tree.is_discarded()) tree = json();
            trees_.push_back(std::move(tree));
        }
        size_t first_finding = result_.findings.size();
        for (size_t i = 0; i < script.statements.size(); ++i) {
            if (trees_[i].is_null()) continue;
            ++result_.statements;
            for (const auto& s : A(trees_[i], "stmts")) {
                try {
                    statement(script.statements[i], F(s, "stmt"), i);
                } catch (const std::exception&) {
                    // a parse tree of a shape this linter does not expect: skip the statement, never the file
                }
            }
        }
        std::stable_sort(result_.findings.begin() + static_cast<long>(first_finding), result_.findings.end(),
                         [](const LintFinding& a, const LintFinding& b) { return std::tie(a.line, a.column) < std::tie(b.line, b.column); });
        // What this file created pre-exists for the next files.
        created_.clear();
    }

private:
    // ---- chain state
    TableModel model_;
    LintResult& result_;
    std::set<std::string> existing_;                  // tables known to exist
    std::map<std::string, std::string> origin_name_;  // renamed table → the name it had (declared-large globs)
    std::map<std::string, std::string> created_by_;   // table → migration that created it
    std::map<std::string, std::map<std::string, TypeSpec>> types_;
    std::map<std::string, std::set<std::string>> not_null_;
    struct Check {
        std::string name;
        std::set<std::string> columns;  // proven NOT NULL
        bool validated = false;
    };
    std::map<std::string, std::vector<Check>> checks_;
    std::map<std::string, std::string> index_table_;  // schema.index → schema.table

    // ---- file state
    std::string display_, revision_;
    const SqlScript* script_ = nullptr;
    std::set<std::string> created_;          // tables created in this file: no rows
    std::set<std::string> dropped_indexes_;  // DROP INDEX [CONCURRENTLY] IF EXISTS seen in this file
    bool lock_timeout_ = false;
    bool lock_timeout_local_ = false;  // SET LOCAL / set_config(…, true): ends with the transaction
    std::string schema_ = "public";
    std::vector<json> trees_;

    // ---- current statement
    const Statement* st_ = nullptr;
    std::vector<Token> toks_;
    bool specific_ = false;  // a specific rule fired: no access-exclusive-lock for this statement

    // ---- names

    std::string qualify(const json& rv) const {
        std::string rel = S(rv, "relname");
        std::string schema = S(rv, "schemaname");
        return (schema.empty() ? schema_ : schema) + "." + rel;
    }
    std::string qualify_list(const json& items) const {
        std::vector<std::string> parts;
        for (const auto& it : items) parts.push_back(sval(it));
        if (parts.empty()) return "";
        if (parts.size() == 1) return schema_ + "." + parts[0];
        return parts[parts.size() - 2] + "." + parts[parts.size() - 1];
    }

    bool pre_existing(const std::string& t) const { return !t.empty() && !created_.count(t); }
    bool large(const std::string& t) const {
        if (model_.is_large(t)) return true;
        auto it = origin_name_.find(t);
        return it != origin_name_.end() && model_.is_large(it->second);
    }
    std::string severity(const std::string& t) const { return large(t) ? "error" : "warning"; }
    bool declared_large(const std::string& t) const {
        if (model_.declared_large(t)) return true;
        auto it = origin_name_.find(t);
        return it != origin_name_.end() && model_.declared_large(it->second);
    }
    std::string size_note(const std::string& t) const {
        std::string note;
        if (declared_large(t)) note = " " + t + " is declared large.";
        else if (large(t)) note = " " + t + " is partitioned (or a partition), so pggate counts it as large.";
        auto it = created_by_.find(t);
        if (it != created_by_.end()) note += " " + t + " was created by " + it->second + ", so it may hold rows in production.";
        return note;
    }

    // ---- findings

    size_t stmt_start() const { return toks_.empty() ? 0 : toks_.front().begin; }

    void add(const std::string& rule, const std::string& severity, size_t at, const std::string& table, const std::string& message,
             const std::string& fix) {
        LintFinding f;
        f.rule = "migration-safety." + rule;
        f.severity = severity;
        f.file = display_;
        SourceLocation loc = locate(display_, script_->content, std::min(st_->offset + std::min(at, st_->text.size()), script_->content.size()));
        f.line = loc.line;
        f.column = loc.column;
        f.table = table;
        f.statement = statement_excerpt(st_->text, 300);
        f.origin = revision_.empty() ? "sql" : "migration " + revision_;
        f.message = message;
        f.fix = fix;
        result_.findings.push_back(std::move(f));
        if (rule != "access-exclusive-lock" && rule != "invalid-on-failure") specific_ = true;
    }

    void access_exclusive(size_t at, const std::string& table, const std::string& what, const std::string& also_fix = "") {
        if (specific_ || lock_timeout_ || !pre_existing(table)) return;
        add("access-exclusive-lock", large(table) ? "warning" : "info", at, table,
            what + " takes an ACCESS EXCLUSIVE lock on " + table +
                ": while it waits for running transactions on the table to finish, every new query on " + table +
                " (reads included) queues behind it, and no lock_timeout is set earlier in this file." + size_note(table),
            std::string(kLockTimeoutFix) + " /* at the top of the migration: the statement gives up after 2s instead of "
                                           "stalling the application; retry the migration later */" +
                (also_fix.empty() ? "" : " " + also_fix));
    }

    // ---- statements

    void statement(const Statement& st, const json& node, size_t index) {
        st_ = &st;
        toks_ = lex(st.text);
        specific_ = false;
        if (!node.is_object() || node.empty()) return;
        const std::string key = node.begin().key();
        const json& n = node.begin().value();
        if (key == "VariableSetStmt") on_set(n);
        else if (key == "SelectStmt") on_select(n);
        else if (key == "CreateStmt") on_create(n);
        else if (key == "CreateTableAsStmt") on_create_as(n);
        else if (key == "IndexStmt") on_index(n);
        else if (key == "AlterTableStmt") on_alter(n);
        else if (key == "RenameStmt") on_rename(n, index);
        else if (key == "DropStmt") on_drop(n);
        else if (key == "TruncateStmt") on_truncate(n);
        else if (key == "LockStmt") on_lock(n);
        else if (key == "ReindexStmt") on_reindex(n);
        else if (key == "VacuumStmt") on_vacuum(n);
        else if (key == "ClusterStmt") on_cluster(n);
        else if (key == "RefreshMatViewStmt") on_refresh(n);
        else if (key == "TransactionStmt") on_transaction(n);
        // DO blocks and function bodies are out of scope.
    }

    static bool timeout_value_on(const std::string& v) {
        char* end = nullptr;
        double d = std::strtod(v.c_str(), &end);
        return end != v.c_str() && d > 0;
    }

    void on_set(const json& n) {
        std::string name = lower(S(n, "name"));
        std::string kind = S(n, "kind");
        const json& args = A(n, "args");
        std::string value;
        bool numeric_zero = false;
        if (!args.empty()) {
            const json& ac = F(args[0], "A_Const");
            if (F(ac, "sval").is_object()) value = S(F(ac, "sval"), "sval");
            else if (F(ac, "ival").is_object()) value = std::to_string(N(F(ac, "ival"), "ival", 0)), numeric_zero = value == "0";
            else if (F(ac, "fval").is_object()) value = S(F(ac, "fval"), "fval");
        }
        if (kind == "VAR_RESET_ALL") {
            lock_timeout_ = false;
            schema_ = "public";
            return;
        }
        if (name == "lock_timeout") {
            lock_timeout_ = kind == "VAR_SET_VALUE" && !numeric_zero && timeout_value_on(value);
            lock_timeout_local_ = B(n, "is_local");
        }
        if (name == "search_path") set_search_path(kind == "VAR_SET_VALUE" ? args : empty_array());
    }

    void set_search_path(const json& args) {
        schema_ = "public";
        for (const auto& a : args) {
            std::string v = S(F(F(a, "A_Const"), "sval"), "sval");
            if (v.empty() || v == "$user") continue;
            if (v.find(',') != std::string::npos) {  // set_config('search_path', 'app, public', …)
                std::stringstream ss(v);
                std::string part;
                while (std::getline(ss, part, ',')) {
                    size_t b = part.find_first_not_of(" \t\""), e = part.find_last_not_of(" \t\"");
                    if (b == std::string::npos) continue;
                    part = part.substr(b, e - b + 1);
                    if (part == "$user") continue;
                    schema_ = part;
                    return;
                }
                continue;
            }
            schema_ = v;
            return;
        }
    }

    void on_select(const json& n) {
        // SELECT set_config('lock_timeout', '2s', …) / set_config('search_path', …)
        find_call(n, [&](const std::string& name, const json& fc) {
            if (name != "set_config") return false;
            const json& args = A(fc, "args");
            if (args.size() < 2) return false;
            std::string setting = lower(S(F(F(args[0], "A_Const"), "sval"), "sval"));
            const json& value = F(F(args[1], "A_Const"), "sval");
            if (setting == "lock_timeout") {
                lock_timeout_ = value.is_object() ? timeout_value_on(S(value, "sval")) : true;
                lock_timeout_local_ = args.size() > 2 && B(F(F(args[2], "A_Const"), "boolval"), "boolval");
            }
            if (setting == "search_path" && value.is_object()) {
                json one = json::array();
                one.push_back(args[1]);
                set_search_path(one);
            }
            return false;
        });
    }

    void forget(const std::string& t) {
        types_.erase(t);
        not_null_.erase(t);
        checks_.erase(t);
    }

    void add_check(const std::string& table, const std::string& name, const json& expr, bool validated) {
        Check c;
        c.name = name;
        c.columns = not_null_columns(expr);
        c.validated = validated;
        checks_[table].push_back(std::move(c));
    }

    std::string created_label() const { return revision_.empty() ? display_ : "migration " + revision_ + " (" + display_ + ")"; }

    void mark_created(const std::string& t) {
        created_.insert(t);
        existing_.insert(t);
        created_by_[t] = created_label();
        origin_name_.erase(t);
        forget(t);
    }

    void on_create(const json& cs) {
        std::string table = qualify(F(cs, "relation"));
        if (B(cs, "if_not_exists") && existing_.count(table)) return;
        mark_created(table);
        learn_tables(model_, st_->text);
        const json& parents = A(cs, "inhRelations");
        if (!F(cs, "partbound").is_null() && !parents.empty()) {
            // CREATE TABLE … PARTITION OF locks the parent ACCESS EXCLUSIVE; ATTACH PARTITION needs only SHARE UPDATE EXCLUSIVE.
            std::string parent = qualify(F(parents[0], "RangeVar"));
            size_t bound_at = L(F(cs, "partbound"));
            for (const auto& t : toks_)  // the location is past FOR VALUES
                if (t.depth == 0 && t.word == "for" && t.begin < bound_at && bound_at - t.begin < 40) bound_at = t.begin;
            std::string bound = bound_at > 0 ? clause(st_->text, bound_at, st_->text.size()) : "FOR VALUES …";
            while (!bound.empty() && (bound.back() == ';' || bound.back() == ' ')) bound.pop_back();
            access_exclusive(stmt_start(), parent, "CREATE TABLE " + table + " PARTITION OF " + parent,
                             "/* or: */ CREATE TABLE " + table + " (LIKE " + parent + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS); ALTER TABLE " +
                                 parent + " ATTACH PARTITION " + table + " " + bound +
                                 "; /* SHARE UPDATE EXCLUSIVE on the parent: reads and writes continue */");
        }
        for (const auto& elt : A(cs, "tableElts")) {
            const json& cd = F(elt, "ColumnDef");
            if (cd.is_object()) {
                std::string col = S(cd, "colname");
                types_[table][col] = type_spec(F(cd, "typeName"));
                for (const auto& c : A(cd, "constraints")) {
                    const json& k = F(c, "Constraint");
                    std::string type = S(k, "contype");
                    if (type == "CONSTR_NOTNULL" || type == "CONSTR_PRIMARY") not_null_[table].insert(col);
                    if (type == "CONSTR_CHECK") add_check(table, S(k, "conname"), F(k, "raw_expr"), true);
                }
            }
            const json& k = F(elt, "Constraint");
            if (k.is_object()) {
                std::string type = S(k, "contype");
                if (type == "CONSTR_PRIMARY")
                    for (const auto& key : A(k, "keys")) not_null_[table].insert(sval(key));
                if (type == "CONSTR_CHECK") add_check(table, S(k, "conname"), F(k, "raw_expr"), true);
            }
        }
    }

    void on_create_as(const json& n) {
        std::string table = qualify(F(F(n, "into"), "rel"));
        if (B(n, "if_not_exists") && existing_.count(table)) return;
        mark_created(table);
    }

    // ---- CREATE INDEX

    // The statement with CONCURRENTLY after INDEX (and the tail after the table name, for other fixes).
    std::string with_concurrently() const {
        for (const auto& t : toks_)
            if (t.depth == 0 && t.word == "index") {
                std::string s = st_->text.substr(0, t.end) + " CONCURRENTLY" + st_->text.substr(t.end);
                return statement_excerpt(s, 400);
            }
        return statement_excerpt(st_->text, 400);
    }
    static std::string terminated(std::string s) {
        if (s.empty() || s.back() != ';') s += ";";
        return s;
    }
    std::string after_relation(size_t rel_at) const {
        for (size_t k = 0; k < toks_.size(); ++k) {
            if (toks_[k].begin < rel_at) continue;
            while (k + 2 < toks_.size() && toks_[k + 1].punct == '.') k += 2;
            if (k + 1 >= toks_.size()) return "";
            std::string tail = clause(st_->text, toks_[k + 1].begin, st_->text.size());
            while (!tail.empty() && (tail.back() == ';' || tail.back() == ' ')) tail.pop_back();
            return tail;
        }
        return "";
    }

    void on_index(const json& ix) {
        const json& rv = F(ix, "relation");
        std::string table = qualify(rv);
        std::string idx = S(ix, "idxname");
        std::string idxq = idx.empty() ? "" : schema_of(table) + "." + idx;
        if (!idxq.empty()) index_table_[idxq] = table;
        if (!pre_existing(table)) return;
        std::string unique = B(ix, "unique") ? "UNIQUE " : "";
        if (B(ix, "concurrent")) {
            if (!idxq.empty() && dropped_indexes_.count(idxq)) return;
            std::string name = idx.empty() ? rel_of(table) + "_idx" : idx;
            add("invalid-on-failure", "info", stmt_start(), table,
                "CREATE INDEX CONCURRENTLY " + (idx.empty() ? "without an index name" : idx) +
                    ": if the build fails (a duplicate for a unique index, a deadlock, a cancel, lock_timeout) it leaves an INVALID "
                    "index behind that still slows every write; rerunning the migration then fails on the name" +
                    (B(ix, "if_not_exists") ? " or, with IF NOT EXISTS, silently keeps the invalid index" : "") +
                    ". No DROP INDEX CONCURRENTLY IF EXISTS of it precedes the statement in this file.",
                "DROP INDEX CONCURRENTLY IF EXISTS " + schema_of(table) + "." + name + "; " +
                    (idx.empty() ? "CREATE " + unique + "INDEX CONCURRENTLY " + name + " ON " + table + " " + after_relation(L(rv)) + ";"
                                 : terminated(statement_excerpt(st_->text, 400))));
            return;
        }
        if (!B(rv, "inh")) return;  // ON ONLY: the parent's index alone, no build
        const KnownTable* kt = model_.find(table);
        std::string tail = after_relation(L(rv));
        if (kt && kt->partitioned()) {
            std::string name = idx.empty() ? rel_of(table) + "_idx" : idx;
            std::string parts;
            int count = 0;
            for (const auto& [pname, p] : model_.tables)
                if (p.parent == table && count++ < 3) parts += (parts.empty() ? "" : ", ") + pname;
            add("index-without-concurrently", severity(table), stmt_start(), table,
                "CREATE " + unique + "INDEX on the partitioned table " + table +
                    " builds the index on every partition while holding a SHARE lock on each: every INSERT, UPDATE and DELETE "
                    "on " + table + " waits for the whole build (reads continue), and a partitioned parent cannot take "
                    "CONCURRENTLY." + size_note(table),
                "CREATE " + unique + "INDEX " + name + " ON ONLY " + table + " " + tail + "; /* then for each partition P" +
                    (parts.empty() ? "" : " (" + parts + (count > 3 ? ", …" : "") + ")") + ": */ CREATE " + unique +
                    "INDEX CONCURRENTLY " + name + "_P ON P " + tail + "; ALTER INDEX " + schema_of(table) + "." + name +
                    " ATTACH PARTITION " + name + "_P; /* the parent's index becomes valid when every partition's is attached */");
            return;
        }
        std::string fix = terminated(with_concurrently());
        add("index-without-concurrently", severity(table), stmt_start(), table,
            "CREATE " + unique + "INDEX without CONCURRENTLY holds a SHARE lock on " + table +
                " for the whole build: every INSERT, UPDATE and DELETE on " + table + " waits until the index is built (reads continue)." +
                size_note(table),
            (idx.empty() ? "" : "DROP INDEX CONCURRENTLY IF EXISTS " + idxq + "; ") + fix +
                " /* outside a transaction block (one statement per migration for tools that wrap files in BEGIN/COMMIT) */");
    }

    // ---- ALTER TABLE

    bool proven_not_null(const std::string& table, const std::string& col, std::string& pending) const {
        if (auto it = not_null_.find(table); it != not_null_.end() && it->second.count(col)) return true;
        if (auto it = checks_.find(table); it != checks_.end())
            for (const auto& c : it->second)
                if (c.columns.count(col)) {
                    if (c.validated) return true;
                    pending = c.name;
                }
        return false;
    }

    void index_constraint(const std::string& table, const json& con, size_t at, const std::vector<std::string>& keys) {
        std::string type = S(con, "contype") == "CONSTR_PRIMARY" ? "PRIMARY KEY" : "UNIQUE";
        std::string cols;
        for (const auto& k : keys) cols += (cols.empty() ? "" : ", ") + k;
        std::string rel = rel_of(table);
        std::string conname = S(con, "conname");
        if (conname.empty()) conname = type == "PRIMARY KEY" ? rel + "_pkey" : rel + "_" + (keys.empty() ? "" : keys[0]) + "_key";
        std::string idx = conname + "_idx";
        add("index-without-concurrently", severity(table), at, table,
            "ADD " + type + " builds its unique index while holding an ACCESS EXCLUSIVE lock on " + table + ": reads and writes on " +
                table + " wait for the whole build." + size_note(table),
            "CREATE UNIQUE INDEX CONCURRENTLY " + idx + " ON " + table + " (" + cols + "); ALTER TABLE " + table + " ADD CONSTRAINT " +
                conname + " " + type + " USING INDEX " + idx + ";" +
                (type == "PRIMARY KEY" ? " /* the key columns must already be NOT NULL: see set-not-null-without-check */" : ""));
    }

    void constraint_not_valid(const std::string& table, const json& con, size_t at, size_t clause_end, const std::string& column) {
        std::string type = S(con, "contype");
        bool fk = type == "CONSTR_FOREIGN";
        std::string conname = S(con, "conname");
        std::string rel = rel_of(table);
        std::string text = clause(st_->text, at, clause_end);
        if (conname.empty()) {
            std::string named = !column.empty() ? column : fk ? (A(con, "fk_attrs").empty() ? "" : sval(A(con, "fk_attrs")[0]))
                                                              : first_column(F(con, "raw_expr"));
            conname = rel + "_" + (named.empty() ? "" : named + "_") + (fk ? "fkey" : "check");
            text = "CONSTRAINT " + conname + " " + text;
        }
        if (fk && !column.empty() && lower(text).find("foreign key") == std::string::npos) {
            // column-level REFERENCES: the table-level form names the column
            size_t r = lower(text).find("references");
            if (r != std::string::npos) text = text.substr(0, r) + "FOREIGN KEY (" + column + ") " + text.substr(r);
        }
        std::string referenced = fk ? qualify(F(con, "pktable")) : "";
        std::string message =
            fk ? "ADD FOREIGN KEY without NOT VALID checks every existing row of " + table + " against " + referenced +
                     " while holding SHARE ROW EXCLUSIVE locks on both tables: every INSERT, UPDATE and DELETE on " + table + " and " +
                     referenced + " waits for the whole scan."
               : "ADD CHECK without NOT VALID scans every existing row of " + table +
                     " while holding an ACCESS EXCLUSIVE lock: reads and writes on " + table + " wait for the whole scan.";
        if (!column.empty())
            message = "ADD COLUMN " + column + " with a default that fills every existing row and a column " + (fk ? "REFERENCES" : "CHECK") +
                      " constraint: " + message;
        add("constraint-without-not-valid", severity(table), at, table, message + size_note(table),
            (column.empty() ? "" : "add the column without the constraint, then: ") + std::string("ALTER TABLE ") + table + " ADD " +
                text + " NOT VALID; /* later, in its own transaction (SHARE UPDATE EXCLUSIVE: reads and writes continue): */ "
                "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + conname + ";");
    }

    void rewrite(size_t at, const std::string& table, const std::string& what, const std::string& fix) {
        add("table-rewrite", severity(table), at, table,
            what + " rewrites every row of " + table + " (and rebuilds its indexes) while holding an ACCESS EXCLUSIVE lock: reads and "
                   "writes on " + table + " wait for the whole rewrite, and the rewrite needs as much free disk as the table." +
                size_note(table),
            fix);
    }

    void add_column(const std::string& table, const json& cd, Range seg, bool pre) {
        std::string col = S(cd, "colname");
        TypeSpec type = type_spec(F(cd, "typeName"));
        types_[table][col] = type;
        std::string type_text;
        {
            const json& tn = F(cd, "typeName");
            size_t b = L(tn);
            size_t e = seg.end;
            for (const auto& c : A(cd, "constraints")) {
                size_t l = L(F(c, "Constraint"));
                if (l > b && l < e) e = l;
            }
            type_text = clause(st_->text, b, e);
        }
        const json* default_expr = nullptr;
        bool serial = type.base.find("serial") != std::string::npos;
        bool identity = false, generated = false;
        size_t generated_at = 0;
        std::vector<std::pair<const json*, size_t>> constraints;  // constraint, location
        for (const auto& c : A(cd, "constraints")) {
            const json& k = F(c, "Constraint");
            std::string t = S(k, "contype");
            if (t == "CONSTR_DEFAULT") default_expr = &F(k, "raw_expr");
            if (t == "CONSTR_IDENTITY") identity = true, generated_at = L(k);
            if (t == "CONSTR_GENERATED") generated = true, generated_at = L(k);
            if (t == "CONSTR_NOTNULL" || t == "CONSTR_PRIMARY") not_null_[table].insert(col);
            constraints.push_back({&k, L(k)});
        }
        if (!pre) return;
        bool fills = (default_expr && fills_rows(*default_expr)) || serial || identity || generated;
        if (default_expr) {
            const json* v = find_call(*default_expr, [](const std::string& name, const json&) { return volatile_functions().count(name) > 0; });
            if (v) {
                const json& names = A(*v, "funcname");
                std::string fn = names.empty() ? "" : sval(names[names.size() - 1]);
                size_t dflt_end = seg.end;
                for (const auto& [k, l] : constraints)
                    if (l > L(*v) && l < dflt_end) dflt_end = l;
                std::string expr = clause(st_->text, L(*v), dflt_end);
                rewrite(L(*v), table, "ADD COLUMN " + col + " with the volatile DEFAULT " + fn + "() (computed per row; only constant "
                        "and stable defaults such as now() are stored once since PostgreSQL 11)",
                        "ALTER TABLE " + table + " ADD COLUMN " + col + " " + type_text + "; ALTER TABLE " + table + " ALTER COLUMN " + col +
                            " SET DEFAULT " + expr + "; /* then backfill existing rows in batches: */ UPDATE " + table + " SET " + col +
                            " = " + expr + " WHERE " + col + " IS NULL AND <key range>;");
            }
        }
        if (!specific_ && (serial || identity)) {
            std::string base = serial ? (type.base == "bigserial" || type.base == "serial8" ? "bigint" : type.base == "smallserial" || type.base == "serial2" ? "smallint" : "integer") : type_text;
            rewrite(serial ? L(F(cd, "typeName")) : generated_at, table,
                    "ADD COLUMN " + col + (serial ? " " + type.base : " GENERATED AS IDENTITY") + " (a sequence value per existing row)",
                    "CREATE SEQUENCE " + table + "_" + col + "_seq; ALTER TABLE " + table + " ADD COLUMN " + col + " " + base +
                        "; ALTER TABLE " + table + " ALTER COLUMN " + col + " SET DEFAULT nextval('" + table + "_" + col +
                        "_seq'); /* then backfill existing rows in batches: */ UPDATE " + table + " SET " + col + " = nextval('" + table +
                        "_" + col + "_seq') WHERE " + col + " IS NULL AND <key range>;");
        }
        if (!specific_ && generated) {
            rewrite(generated_at, table, "ADD COLUMN " + col + " GENERATED ALWAYS AS (…) STORED (the value is computed and stored for every existing row)",
                    "ALTER TABLE " + table + " ADD COLUMN " + col + " " + type_text +
                        "; /* keep it filled with a BEFORE INSERT OR UPDATE trigger, backfill existing rows in batches "
                        "(UPDATE … WHERE <key range>), or compute the expression in a view */");
        }
        for (const auto& [k, at] : constraints) {
            std::string t = S(*k, "contype");
            if (t == "CONSTR_PRIMARY" || t == "CONSTR_UNIQUE") {
                index_constraint(table, *k, at, {col});
            } else if ((t == "CONSTR_CHECK" || t == "CONSTR_FOREIGN") && fills && !B(*k, "skip_validation")) {
                size_t end = seg.end;
                for (const auto& [k2, l2] : constraints)
                    if (l2 > at && l2 < end) end = l2;
                constraint_not_valid(table, *k, at, end, col);
            }
        }
    }

    void alter_type(const std::string& table, const json& c, Range seg) {
        std::string col = S(c, "name");
        const json& cd = F(F(c, "def"), "ColumnDef");
        TypeSpec to = type_spec(F(cd, "typeName"));
        const json& using_expr = F(cd, "raw_default");
        TypeSpec from;
        bool seen = false;
        if (auto it = types_.find(table); it != types_.end())
            if (auto jt = it->second.find(col); jt != it->second.end()) from = jt->second, seen = true;
        types_[table][col] = to;
        if (!pre_existing(table)) return;
        if (using_expr.is_null() && binary_coercible(from, to)) return;
        // The type as written, without USING.
        size_t tb = L(F(cd, "typeName")), te = seg.end;
        for (const auto& t : toks_)
            if (t.begin > tb && t.begin < te && t.depth == 0 && t.word == "using") te = t.begin;
        std::string type_text = clause(st_->text, tb, te);
        bool custom = (to.known && !to.builtin) || find_custom_cast(using_expr) != nullptr;
        std::string message = "ALTER COLUMN " + col + " TYPE " + type_text + " rewrites " + table +
                              " and rebuilds all its indexes while holding an ACCESS EXCLUSIVE lock: reads and writes on " + table +
                              " wait for the whole rewrite.";
        if (!using_expr.is_null()) message += " A USING expression always forces the rewrite.";
        else if (!seen) message += " (pggate did not see the column's current type in the chain, so it cannot prove the change binary-coercible.)";
        std::string check;
        if (custom) {
            message += " The target type is not built in (an enum or a domain): one existing value it does not accept makes the "
                       "statement fail after the rewrite has started, so check the values first.";
            check = " /* first: */ SELECT DISTINCT " + col + " FROM " + table + " WHERE " + col + " IS NOT NULL AND " + col +
                    "::text NOT IN (SELECT unnest(enum_range(NULL::" + type_text + "))::text);";
        }
        std::string using_text = clause(st_->text, te, seg.end);  // "USING expr"
        using_text = using_text.size() > 6 ? using_text.substr(6) : col + "::" + type_text;
        add("type-change-rewrite", severity(table), seg.begin, table, message + size_note(table),
            (check.empty() ? "" : check.substr(1) + " ") + "ALTER TABLE " + table + " ADD COLUMN " + col + "_new " + type_text +
                "; /* write both columns from the application (or a trigger), backfill in batches: */ UPDATE " + table + " SET " + col +
                "_new = " + (using_expr.is_null() ? col + "::" + type_text : using_text) +
                " WHERE <key range>; /* then switch reads, and in a later migration: */ ALTER TABLE " + table + " DROP COLUMN " + col +
                "; ALTER TABLE " + table + " RENAME COLUMN " + col + "_new TO " + col +
                "; /* varchar(n) to varchar(m ≥ n) or text, and numeric(p,s) to numeric(p2 ≥ p,s), need no rewrite */");
    }

    void on_alter(const json& at) {
        if (S(at, "objtype") != "OBJECT_TABLE") return;
        const json& rv = F(at, "relation");
        std::string table = qualify(rv);
        bool pre = pre_existing(table);
        if (!existing_.count(table) && !B(at, "missing_ok")) existing_.insert(table);
        const json& cmds = A(at, "cmds");
        std::vector<Range> ranges = subcommand_ranges(toks_, L(rv));
        if (ranges.size() != cmds.size()) ranges.assign(cmds.size(), Range{stmt_start(), st_->text.size()});
        bool learn = false;
        std::optional<size_t> ael_at;
        std::string ael_what;
        std::vector<std::pair<std::string, size_t>> attached;  // pre-existing tables attached as partitions
        for (size_t i = 0; i < cmds.size(); ++i) {
            const json& c = F(cmds[i], "AlterTableCmd");
            std::string sub = S(c, "subtype");
            Range seg = ranges[i];
            if (takes_access_exclusive(c) && !ael_at) ael_at = seg.begin, ael_what = "ALTER TABLE … " + clause(st_->text, seg.begin, seg.end);
            if (sub == "AT_AddColumn") {
                add_column(table, F(F(c, "def"), "ColumnDef"), seg, pre);
            } else if (sub == "AT_SetNotNull") {
                std::string col = S(c, "name"), pending;
                if (pre && !proven_not_null(table, col, pending)) {
                    std::string k = rel_of(table) + "_" + col + "_not_null";
                    add("set-not-null-without-check", severity(table), seg.begin, table,
                        "SET NOT NULL on " + table + "." + col + " scans the whole table to check for NULLs while holding an ACCESS "
                        "EXCLUSIVE lock: reads and writes on " + table + " wait for the scan. " +
                            (pending.empty() ? "No validated CHECK (" + col + " IS NOT NULL) precedes it."
                                             : "The CHECK constraint " + pending + " proves it only once validated, and no VALIDATE CONSTRAINT " +
                                                   pending + " precedes it.") +
                            size_note(table),
                        (pending.empty() ? "ALTER TABLE " + table + " ADD CONSTRAINT " + k + " CHECK (" + col + " IS NOT NULL) NOT VALID; "
                                         : std::string()) +
                            "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + (pending.empty() ? k : pending) +
                            "; /* in a later transaction: */ ALTER TABLE " + table + " ALTER COLUMN " + col +
                            " SET NOT NULL; /* no scan: the validated CHECK proves it */ ALTER TABLE " + table + " DROP CONSTRAINT " +
                            (pending.empty() ? k : pending) + ";");
                }
                not_null_[table].insert(col);
            } else if (sub == "AT_DropNotNull") {
                not_null_[table].erase(S(c, "name"));
            } else if (sub == "AT_AddConstraint") {
                const json& con = F(F(c, "def"), "Constraint");
                std::string type = S(con, "contype");
                size_t cat = std::max(L(con), seg.begin);
                if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
                    std::vector<std::string> keys;
                    for (const auto& k : A(con, "keys")) keys.push_back(sval(k));
                    if (type == "CONSTR_PRIMARY")
                        for (const auto& k : keys) not_null_[table].insert(k);
                    if (pre && S(con, "indexname").empty()) index_constraint(table, con, cat, keys);
                } else if (type == "CONSTR_CHECK" || type == "CONSTR_FOREIGN") {
                    bool not_valid = B(con, "skip_validation");
                    if (type == "CONSTR_CHECK") {
                        std::string name = S(con, "conname");
                        if (name.empty()) {
                            std::string first = first_column(F(con, "raw_expr"));
                            name = rel_of(table) + "_" + (first.empty() ? std::string() : first + "_") + "check";
                        }
                        add_check(table, name, F(con, "raw_expr"), !not_valid);
                    }
                    if (pre && !not_valid) constraint_not_valid(table, con, cat, seg.end, "");
                }
            } else if (sub == "AT_ValidateConstraint") {
                for (auto& k : checks_[table])
                    if (k.name == S(c, "name")) k.validated = true;
            } else if (sub == "AT_DropConstraint") {
                auto& v = checks_[table];
                v.erase(std::remove_if(v.begin(), v.end(), [&](const Check& k) { return k.name == S(c, "name"); }), v.end());
            } else if (sub == "AT_AlterColumnType") {
                alter_type(table, c, seg);
            } else if (pre && (sub == "AT_SetLogged" || sub == "AT_SetUnLogged")) {
                bool logged = sub == "AT_SetLogged";
                rewrite(seg.begin, table, std::string("SET ") + (logged ? "LOGGED" : "UNLOGGED") +
                                              (logged ? " (writes the whole table to WAL)" : " (copies the whole table)"),
                        "create the new table " + std::string(logged ? "" : "UNLOGGED ") + "alongside (CREATE " + (logged ? "" : "UNLOGGED ") +
                            "TABLE " + table + "_new (LIKE " + table + " INCLUDING ALL);), copy rows in batches, then swap names in one short "
                            "transaction with SET lock_timeout; or schedule a maintenance window");
            } else if (pre && sub == "AT_SetTableSpace") {
                rewrite(seg.begin, table, "SET TABLESPACE (copies every block of the table and its TOAST data)",
                        "pg_repack --table=" + table + " --tablespace=" + S(c, "name") +
                            " (online), or create the table in the new tablespace and move rows in batches");
            } else if (pre && sub == "AT_SetAccessMethod") {
                rewrite(seg.begin, table, "SET ACCESS METHOD " + S(c, "name"),
                        "CREATE TABLE " + table + "_new (LIKE " + table + " INCLUDING ALL) USING " + S(c, "name") +
                            "; /* copy rows in batches, keep them in sync with a trigger, then swap names in one short transaction */");
            } else if (sub == "AT_AttachPartition") {
                const json& pc = F(F(c, "def"), "PartitionCmd");
                std::string part = qualify(F(pc, "name"));
                learn = true;
                if (pre_existing(part)) attached.push_back({part, seg.begin});
            } else if (sub == "AT_DetachPartition") {
                learn = true;
            }
        }
        if (ael_at && pre) access_exclusive(*ael_at, table, ael_what);
        for (const auto& [part, at2] : attached)
            access_exclusive(at2, part, "ATTACH PARTITION " + part + " (SHARE UPDATE EXCLUSIVE on " + table + ", and a scan of " + part +
                                            " to check the bound unless a CHECK constraint already proves it)");
        if (learn) learn_tables(model_, st_->text);
    }

    // ---- RENAME

    bool view_named_later(size_t index, const std::string& name) const {
        for (size_t k = index + 1; k < trees_.size(); ++k)
            for (const auto& s : A(trees_[k], "stmts")) {
                const json& v = F(F(s, "stmt"), "ViewStmt");
                if (v.is_object() && qualify(F(v, "view")) == name) return true;
            }
        return false;
    }
    bool view_exposes_later(size_t index, const std::string& column) const {
        for (size_t k = index + 1; k < trees_.size(); ++k)
            for (const auto& s : A(trees_[k], "stmts")) {
                const json& v = F(F(s, "stmt"), "ViewStmt");
                if (!v.is_object()) continue;
                for (const auto& a : A(v, "aliases"))
                    if (sval(a) == column) return true;
                for (const auto& t : A(F(F(v, "query"), "SelectStmt"), "targetList"))
                    if (S(F(t, "ResTarget"), "name") == column) return true;
            }
        return false;
    }

    size_t word_at_or_start(const std::string& word, size_t from) const {
        for (const auto& t : toks_)
            if (t.begin >= from && t.depth == 0 && t.word == word) return t.begin;
        return stmt_start();
    }

    template <class Map>
    static void move_key(Map& m, const std::string& from, const std::string& to) {
        auto it = m.find(from);
        if (it == m.end()) return;
        auto v = std::move(it->second);
        m.erase(it);
        m[to] = std::move(v);
    }

    void on_rename(const json& rn, size_t index) {
        std::string type = S(rn, "renameType");
        const json& rv = F(rn, "relation");
        std::string table = qualify(rv);
        bool pre = pre_existing(table);
        size_t at = word_at_or_start("rename", L(rv));
        if (type == "OBJECT_TABLE") {
            std::string to = schema_of(table) + "." + S(rn, "newname");
            if (pre && !view_named_later(index, table))
                add("rename-without-compat-view", "warning", at, table,
                    "RENAME TO " + to + ": " + table + " disappears at commit, so every deployed application version that still reads "
                    "or writes " + table + " fails until it is redeployed (and the rename takes an ACCESS EXCLUSIVE lock). No "
                    "compatibility view named " + table + " follows in this file.",
                    "ALTER TABLE " + table + " RENAME TO " + S(rn, "newname") + "; CREATE VIEW " + table + " AS SELECT * FROM " + to +
                        "; /* same transaction; a simple view is updatable, so old code keeps reading and writing; drop it once no "
                        "deployed version uses the old name */");
            access_exclusive(at, table, "ALTER TABLE … RENAME TO " + S(rn, "newname"));
            // The table keeps its state under the new name.
            bool was_created = created_.erase(table) > 0;
            if (was_created) created_.insert(to);
            existing_.erase(table);
            existing_.insert(to);
            origin_name_[to] = origin_name_.count(table) ? origin_name_[table] : table;
            origin_name_.erase(table);
            move_key(created_by_, table, to);
            move_key(types_, table, to);
            move_key(not_null_, table, to);
            move_key(checks_, table, to);
            if (model_.tables.count(table)) {
                KnownTable kt = model_.tables[table];
                kt.name = to;
                model_.tables[to] = kt;
            }
        } else if (type == "OBJECT_COLUMN" && S(rn, "relationType") == "OBJECT_TABLE") {
            std::string from = S(rn, "subname"), to = S(rn, "newname");
            if (pre && !view_exposes_later(index, from))
                add("rename-without-compat-view", "warning", at, table,
                    "RENAME COLUMN " + from + " TO " + to + ": every deployed application version that still names " + table + "." + from +
                        " fails from the commit until it is redeployed (and the rename takes an ACCESS EXCLUSIVE lock). No view that "
                        "keeps exposing " + from + " follows in this file.",
                    "ALTER TABLE " + table + " ADD COLUMN " + to + " <type>; /* write both columns (application or trigger), backfill " +
                        to + " from " + from + " in batches, switch reads to " + to + ", and in a later migration: */ ALTER TABLE " + table +
                        " DROP COLUMN " + from + "; /* or keep the old name readable: CREATE VIEW " + rel_of(table) + "_compat AS SELECT *, " +
                        to + " AS " + from + " FROM " + table + "; */");
            move_key(types_[table], from, to);
            if (not_null_[table].erase(from)) not_null_[table].insert(to);
            for (auto& k : checks_[table])
                if (k.columns.erase(from)) k.columns.insert(to);
            access_exclusive(at, table, "ALTER TABLE … RENAME COLUMN " + from + " TO " + to);
        } else if (type == "OBJECT_TABCONSTRAINT") {
            access_exclusive(at, table, "ALTER TABLE … RENAME CONSTRAINT");
        }
    }

    // ---- DROP, TRUNCATE, LOCK, REINDEX, VACUUM FULL, CLUSTER

    void on_drop(const json& d) {
        std::string type = S(d, "removeType");
        bool missing_ok = B(d, "missing_ok");
        if (type == "OBJECT_TABLE") {
            std::string first;
            for (const auto& o : A(d, "objects")) {
                std::string name = qualify_list(A(F(o, "List"), "items"));
                if (name.empty()) continue;
                bool known = existing_.count(name) > 0;
                if (first.empty() && pre_existing(name) && (known || !missing_ok)) first = name;
                created_.erase(name);
                existing_.erase(name);
                forget(name);
            }
            if (!first.empty()) access_exclusive(word_at_or_start("drop", 0), first, "DROP TABLE " + first);
        } else if (type == "OBJECT_INDEX") {
            bool concurrent = B(d, "concurrent");
            for (const auto& o : A(d, "objects")) {
                std::string idx = qualify_list(A(F(o, "List"), "items"));
                if (idx.empty()) continue;
                if (missing_ok) dropped_indexes_.insert(idx);
                auto it = index_table_.find(idx);
                std::string table = it == index_table_.end() ? "" : it->second;
                if (it != index_table_.end()) index_table_.erase(it);
                if (concurrent) continue;
                if (table.empty()) {
                    if (missing_ok || specific_ || lock_timeout_) continue;
                    add("access-exclusive-lock", "info", word_at_or_start("drop", 0), "",
                        "DROP INDEX " + idx + " without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table: every new "
                        "query on it queues behind the drop, and no lock_timeout is set earlier in this file.",
                        "DROP INDEX CONCURRENTLY IF EXISTS " + idx + "; /* outside a transaction block */ /* or: */ " + kLockTimeoutFix);
                    continue;
                }
                access_exclusive(word_at_or_start("drop", 0), table, "DROP INDEX " + idx + " (without CONCURRENTLY)",
                                 "/* or: */ DROP INDEX CONCURRENTLY IF EXISTS " + idx + "; /* outside a transaction block */");
            }
        }
    }

    void on_truncate(const json& t) {
        for (const auto& r : A(t, "relations")) {
            std::string name = qualify(F(r, "RangeVar"));
            if (pre_existing(name)) {
                access_exclusive(stmt_start(), name, "TRUNCATE " + name);
                return;
            }
        }
    }

    void on_lock(const json& l) {
        if (N(l, "mode", 8) != 8) return;  // ACCESS EXCLUSIVE (also the default mode)
        for (const auto& r : A(l, "relations")) {
            std::string name = qualify(F(r, "RangeVar"));
            if (pre_existing(name)) {
                access_exclusive(stmt_start(), name, "LOCK TABLE " + name + " (ACCESS EXCLUSIVE MODE)");
                return;
            }
        }
    }

    void on_reindex(const json& r) {
        for (const auto& p : A(r, "params"))
            if (S(F(p, "DefElem"), "defname") == "concurrently") return;
        std::string kind = S(r, "kind");
        std::string name = qualify(F(r, "relation"));
        std::string table;
        if (kind == "REINDEX_OBJECT_TABLE") table = name;
        else if (kind == "REINDEX_OBJECT_INDEX") {
            auto it = index_table_.find(name);
            if (it == index_table_.end()) return;
            table = it->second;
        } else {
            return;
        }
        if (specific_ || lock_timeout_ || !pre_existing(table)) return;
        bool is_table = kind == "REINDEX_OBJECT_TABLE";
        add("access-exclusive-lock", large(table) ? "warning" : "info", stmt_start(), table,
            "REINDEX " + std::string(is_table ? "TABLE " : "INDEX ") + name + " without CONCURRENTLY takes a SHARE lock on " + table +
                " (writes wait for the whole rebuild) and an ACCESS EXCLUSIVE lock on each index it rebuilds (queries that would use it "
                "wait), and no lock_timeout is set earlier in this file." + size_note(table),
            "REINDEX " + std::string(is_table ? "TABLE" : "INDEX") + " CONCURRENTLY " + name + "; /* outside a transaction block */");
    }

    void on_vacuum(const json& v) {
        bool full = false;
        for (const auto& o : A(v, "options")) {
            const json& de = F(o, "DefElem");
            if (S(de, "defname") != "full") continue;
            const json& arg = F(de, "arg");
            std::string a = lower(S(F(arg, "String"), "sval"));
            full = arg.is_null() || !(a == "false" || a == "off" || a == "0" || (F(arg, "Integer").is_object() && N(F(arg, "Integer"), "ival", 0) == 0));
        }
        if (!full || !B(v, "is_vacuumcmd")) return;
        const json& rels = A(v, "rels");
        if (rels.empty()) {
            add("table-rewrite", "warning", stmt_start(), "",
                "VACUUM FULL without a table rewrites every table of the database, each under an ACCESS EXCLUSIVE lock.",
                "VACUUM (ANALYZE); /* plain VACUUM takes SHARE UPDATE EXCLUSIVE: reads and writes continue; to give space back online use pg_repack */");
            return;
        }
        for (const auto& r : rels) {
            std::string name = qualify(F(F(r, "VacuumRelation"), "relation"));
            if (!pre_existing(name)) continue;
            rewrite(stmt_start(), name, "VACUUM FULL " + name,
                    "VACUUM (ANALYZE) " + name + "; /* plain VACUUM takes SHARE UPDATE EXCLUSIVE: reads and writes continue; to give "
                                                 "space back online use pg_repack --table=" + name + " */");
            return;
        }
    }

    void on_transaction(const json& t) {
        std::string kind = S(t, "kind");
        if (lock_timeout_local_ && (kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_ROLLBACK" || kind == "TRANS_STMT_PREPARE"))
            lock_timeout_ = lock_timeout_local_ = false;
    }

    void on_refresh(const json& r) {
        if (B(r, "concurrent")) return;
        std::string name = qualify(F(r, "relation"));
        access_exclusive(stmt_start(), name,
                         "REFRESH MATERIALIZED VIEW " + name + " (without CONCURRENTLY; held for the whole refresh, so reads of " + name +
                             " also wait until it is done)",
                         "/* and: */ REFRESH MATERIALIZED VIEW CONCURRENTLY " + name +
                             "; /* EXCLUSIVE lock: reads continue; needs a unique index on the view */");
    }

    void on_cluster(const json& c) {
        if (F(c, "relation").is_null()) {
            add("table-rewrite", "warning", stmt_start(), "",
                "CLUSTER without a table rewrites every previously clustered table of the database, each under an ACCESS EXCLUSIVE lock.",
                "pg_repack --order-by=<columns> --table=<table> /* online */");
            return;
        }
        std::string name = qualify(F(c, "relation"));
        if (!pre_existing(name)) return;
        rewrite(stmt_start(), name, "CLUSTER " + name,
                "pg_repack --table=" + name + " --order-by=<index columns> /* rewrites in order online, with only brief locks */");
    }
};

void lint_one(MigrationLinter& linter, LintResult& result, const std::string& display, const std::string& revision,
              const std::function<SqlScript()>& load) {
    ++result.files;
    SqlScript script;
    try {
        script = load();
    } catch (const ScriptError& e) {
        std::string msg = e.what();
        if (!e.where.file.empty() && e.where.file != display && msg.compare(0, e.where.file.size(), e.where.file) == 0)
            msg = display + msg.substr(e.where.file.size());
        result.problems.push_back({display, e.where.line, e.where.column, msg});
        return;
    } catch (const std::exception& e) {
        result.problems.push_back({display, 0, 0, display + ": " + e.what()});
        return;
    }
    linter.lint(display, revision, script);
}

}  // namespace

LintResult lint_migrations(const std::vector<MigrationLintInput>& files, const TableModel& model) {
    LintResult result;
    MigrationLinter linter(model, result);
    for (const auto& f : files)
        lint_one(linter, result, f.display.empty() ? f.path : f.display, f.revision,
                 [&] { return load_sql_script(f.path, f.section); });
    return result;
}

LintResult lint_migration_text(const std::string& display, const std::string& content, const TableModel& model,
                               const std::vector<std::string>& preexisting) {
    LintResult result;
    MigrationLinter linter(model, result);
    for (const auto& t : preexisting) linter.add_existing(t);
    lint_one(linter, result, display, "", [&] {
        if (content.find('\0') != std::string::npos) throw ScriptError({display, 0, 0}, display + ": is not a text file (contains NUL bytes).");
        return parse_sql_text(display, content);
    });
    return result;
}

}  // namespace pggate
