#include "harness/catalog.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "harness/expr_normalize.h"
#include "harness/pg.h"

namespace pggate {
namespace {

// User schemas only: never the system catalogs, TOAST or temp schemas.
constexpr const char* kUserNamespace =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
    "AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

// Objects that belong to an extension are the extension's business, not the schema's.
std::string not_extension_member(const std::string& catalog, const std::string& oid_expr) {
    return "NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '" + catalog + "'::regclass AND dep.objid = " +
           oid_expr + " AND dep.deptype = 'e')";
}

// A column's attoptions without the keys PostgreSQL builds add on their own (this build stores pg_attver=N in
// every column, with N differing per database); NULL when nothing is left.
std::string user_attoptions(const std::string& alias) {
    const std::string opts = alias + ".attoptions";
    // The common cases (none, or only pg_attver) without a subquery per column.
    return "CASE WHEN " + opts + " IS NULL OR (cardinality(" + opts + ") = 1 AND " + opts + "[1] LIKE 'pg\\_attver=%') THEN NULL "
           "ELSE NULLIF(array_to_string(ARRAY(SELECT o FROM unnest(" + opts + ") o WHERE o NOT LIKE 'pg\\_attver=%' ORDER BY o), ','), '') END";
}

// Comments come from a join, not obj_description()/col_description(): those are SQL functions run once
// per row, which costs more than the rest of a column's attributes together.
std::string comment_join(const std::string& alias, const std::string& catalog, const std::string& oid_expr,
                         const std::string& subid_expr = "0") {
    return " LEFT JOIN pg_description " + alias + " ON " + alias + ".objoid = " + oid_expr + " AND " + alias + ".classoid = '" +
           catalog + "'::regclass AND " + alias + ".objsubid = " + subid_expr + " ";
}

// Whether an object has a comment, for queries that keep only the objects with something of their own (the comment
// itself comes from Reader::comments).
std::string has_comment(const std::string& catalog, const std::string& oid_expr) {
    return oid_expr + " IN (SELECT d.objoid FROM pg_description d WHERE d.classoid = '" + catalog + "'::regclass AND d.objsubid = 0)";
}

std::string rel_id(const std::string& alias) {
    return "quote_ident(n.nspname) || '.' || quote_ident(" + alias + ".relname)";
}

// A reloptions-style text[] (name=value items) as text, the items sorted: PostgreSQL keeps them in the order they
// were set (SET (a, b) and SET (b) then SET (a) differ), which says nothing about the schema. NULL stays NULL; one
// item (the common case) needs no sort.
std::string sorted_options(const std::string& array, const std::string& separator) {
    return "CASE WHEN cardinality(" + array + ") > 1 THEN array_to_string(ARRAY(SELECT o FROM unnest(" + array +
           ") o ORDER BY o COLLATE \"C\"), '" + separator + "') ELSE array_to_string(" + array + ", '" + separator + "') END";
}

// The reloptions of a table's or materialized view's TOAST table (ALTER TABLE ... SET (toast.autovacuum_enabled =
// false)), looked up by the relation's reltoastrelid: a scan of pg_class for the TOAST tables that have any costs
// more than a lookup per table.
std::string toast_reloptions(const std::string& alias) {
    return "CASE WHEN " + alias + ".reltoastrelid <> 0 THEN (SELECT " + sorted_options("tc.reloptions", ",") + " FROM pg_class tc WHERE tc.oid = " +
           alias + ".reltoastrelid AND tc.reloptions IS NOT NULL) END AS toast_reloptions";
}

// One role name of an aclitem as aclitemout writes it: bare, or double-quoted with "" for a quote.
// Returns the name; `raw` receives the text as written.
std::string read_acl_role(const std::string& s, size_t& i, const std::string& stop, std::string& raw) {
    std::string name;
    size_t start = i;
    if (i < s.size() && s[i] == '"') {
        for (++i; i < s.size(); ++i) {
            if (s[i] == '"') {
                if (i + 1 < s.size() && s[i + 1] == '"') {
                    name += '"';
                    ++i;
                    continue;
                }
                ++i;
                break;
            }
            name += s[i];
        }
    } else {
        while (i < s.size() && stop.find(s[i]) == std::string::npos) name += s[i++];
    }
    raw = s.substr(start, i - start);
    return name;
}

// An aclitem[] literal ({a=r/b,"\"x y\"=r/b"}) as sorted items "grantee=privileges/grantor", the owner written
// <owner> (so that privileges compare equal between databases whose objects belong to different roles, and an
// owner change is an owner difference only) and the grantee PUBLIC for grants to everyone. Empty when it is.
std::string render_acl(const std::string& literal, const std::string& owner) {
    std::vector<std::string> elements;
    size_t i = literal.find('{');
    if (i == std::string::npos) return literal;
    for (++i; i < literal.size() && literal[i] != '}';) {
        std::string e;
        if (literal[i] == '"') {
            for (++i; i < literal.size() && literal[i] != '"'; ++i) {
                if (literal[i] == '\\' && i + 1 < literal.size()) ++i;
                e += literal[i];
            }
            ++i;
        } else {
            while (i < literal.size() && literal[i] != ',' && literal[i] != '}') e += literal[i++];
        }
        elements.push_back(std::move(e));
        if (i < literal.size() && literal[i] == ',') ++i;
    }
    std::vector<std::string> items;
    for (const std::string& e : elements) {
        size_t j = 0;
        std::string grantee_raw, grantor_raw;
        std::string grantee = read_acl_role(e, j, "=", grantee_raw);
        size_t slash = e.find('/', j);
        if (j >= e.size() || e[j] != '=' || slash == std::string::npos) {
            items.push_back(e);  // not an aclitem as expected: keep it as written
            continue;
        }
        std::string privs = e.substr(j + 1, slash - j - 1);
        size_t k = slash + 1;
        std::string grantor = read_acl_role(e, k, "", grantor_raw);
        std::string who = grantee_raw.empty() ? "PUBLIC" : grantee == owner ? "<owner>" : grantee_raw;
        items.push_back(who + "=" + privs + "/" + (grantor == owner ? "<owner>" : grantor_raw));
    }
    std::sort(items.begin(), items.end());
    std::string out;
    for (const auto& it : items) out += (out.empty() ? "" : ", ") + it;
    return out;
}

// pg_get_functiondef writes a function's SET clauses (proconfig) in the order they were set: CREATE ... SET a SET b
// and CREATE ... SET b, then ALTER FUNCTION ... SET a, are the same function. The header's run of " SET " lines is
// sorted (the header ends at the first line that does not start with a space: AS ..., BEGIN ATOMIC, RETURN ...).
void sort_function_settings(std::string& def) {
    size_t first = std::string::npos, end = 0;
    std::vector<std::string> lines;
    for (size_t line = def.find('\n'); line != std::string::npos && line + 1 < def.size() && def[line + 1] == ' ';) {
        const size_t start = line + 1, next = def.find('\n', start);
        if (next == std::string::npos) return;
        if (def.compare(start, 5, " SET ") == 0) {
            if (first == std::string::npos) first = start;
            else if (start != end) return;  // not one run: leave it as written
            lines.push_back(def.substr(start, next + 1 - start));
            end = next + 1;
        }
        line = next;
    }
    if (lines.size() < 2) return;
    std::sort(lines.begin(), lines.end());
    std::string sorted;
    for (const auto& l : lines) sorted += l;
    def.replace(first, end - first, sorted);
}

// A list partition's bound, FOR VALUES IN (v1, v2, ...), lists its values in the order they were written: the same
// set of values written in another order is the same partition. The values (literals, numbers, NULL; commas only
// inside quotes) are sorted.
void sort_list_bound(std::string& bound) {
    static const std::string head = "FOR VALUES IN (";
    if (bound.compare(0, head.size(), head) != 0 || bound.empty() || bound.back() != ')') return;
    std::vector<std::string> values;
    std::string current;
    bool quoted = false;
    for (size_t i = head.size(); i + 1 < bound.size(); ++i) {
        const char c = bound[i];
        if (c == '\'') quoted = !quoted;  // '' inside a literal toggles twice
        if (!quoted && c == ',') {
            values.push_back(current);
            current.clear();
            if (i + 1 < bound.size() && bound[i + 1] == ' ') ++i;
            continue;
        }
        current += c;
    }
    if (quoted) return;
    values.push_back(current);
    if (values.size() < 2) return;
    std::sort(values.begin(), values.end());
    std::string out = head;
    for (size_t k = 0; k < values.size(); ++k) out += (k ? ", " : "") + values[k];
    bound = out + ")";
}

// A trigger's UPDATE OF column list is a set, which pg_get_triggerdef writes in the order it was declared: sorted.
void sort_trigger_columns(std::string& def) {
    static const std::string head = " UPDATE OF ";
    const size_t at = def.find(head);
    if (at == std::string::npos) return;
    std::vector<std::string> names;
    size_t i = at + head.size();
    while (i < def.size()) {
        size_t start = i;
        if (def[i] == '"') {
            for (++i; i < def.size(); ++i)
                if (def[i] == '"') {
                    if (i + 1 < def.size() && def[i + 1] == '"') ++i;
                    else break;
                }
            if (i >= def.size()) return;
            ++i;
        } else {
            while (i < def.size() && def[i] != ',' && def[i] != ' ') ++i;
        }
        names.push_back(def.substr(start, i - start));
        if (def.compare(i, 2, ", ") != 0) break;
        i += 2;
    }
    if (names.size() < 2) return;
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    std::string list;
    for (const auto& n : sorted) list += (list.empty() ? "" : ", ") + n;
    def.replace(at + head.size(), i - (at + head.size()), list);
}

bool is_expression_attr(const std::string& n) {
    return n == "definition" || n == "default" || n == "generated" || n == "using" || n == "with_check";
}

// Deferred expressions travel from the server as "\x01<request>\x02<node tree>\x03" inside an attribute value and are
// kept in the snapshot as "\x01<serial>\x02<comparable form>\x03".
constexpr char kOpen = '\x01', kMid = '\x02', kClose = '\x03';

// Names of relations and columns travel from the server as OIDs and attnums, "\x04<what><oid>[:...]\x05", and are
// spelled on the client (Reader::resolve_names): the name lookups, one per key column, cost the server more than the
// rest of the constraints and indexes together. r<oid>: a relation's id; n<relid>:<attnum> <attnum>...: columns'
// quoted names, comma-separated; k<relid>:<attnum>:<collation oid>:<quoted collation name>: an index key column,
// with a COLLATE clause when its collation is not the column's; i<relid>:<indnkeyatts>:<indkey>:<indclass>:<indoption>:
// <indcollation>: an index's column list " (keys) INCLUDE (columns)", as the index query spells it for indexes with
// expression columns (COLLATE as for k, non-default operator classes, DESC, NULLS FIRST/LAST).
constexpr char kNameOpen = '\x04', kNameClose = '\x05';

std::string name_token(const std::string& what, const std::string& oid_sql, const std::string& rest_sql = "") {
    // OIDs as int8: int8out writes digits directly, oidout goes through snprintf (a tenth of some queries' time).
    return "chr(4) || '" + what + "' || (" + oid_sql + ")::int8" + (rest_sql.empty() ? "" : " || ':' || " + rest_sql) + " || chr(5)";
}

std::string token_sql(const std::string& request_sql, const std::string& tree_sql) {
    return "chr(1) || " + request_sql + " || chr(2) || " + tree_sql + " || chr(3)";
}

struct Reader {
    PgConn& conn;
    Snapshot& snap;
    std::unordered_map<std::string, std::string> acls = {};  // (owner, aclitem[] text) -> rendered; most objects share a few
    bool on_demand = false;
    // Column names by attnum per table (on demand only), to read the column numbers in node trees.
    std::unordered_map<std::string, std::vector<std::string>> layouts = {};
    std::vector<size_t> unpromised = {};  // deferred expressions whose comparable form promises nothing: spelled at once
    // Catalogs (pg_class, pg_proc, ...) that hold extension members in this database. The filter is left out of
    // the queries of the others: it would be true for every row, and costs an index lookup per row.
    std::set<std::string> member_catalogs = {};

    // What is read besides the schema's definition (see ReadScope).
    bool owners = true, privileges = true;

    // Owner (pg_get_userbyid reads the syscache) and the ACL, NULL (the defaults) spelled as the ACL PostgreSQL
    // would give, so that GRANT then REVOKE back to the default reads the same as never granting. The raw
    // aclitem[] text is rendered (owner abstracted, items sorted) on the client: see render_acl. Neither when the
    // scope leaves both out (a NULL column stands in, for the commas around it); the owner when privileges need it.
    std::string owner_and_acl(const std::string& owner_col, const std::string& acl_col, char object_type) const {
        if (!owners && !privileges) return " NULL AS \"@unread\" ";
        std::string sql = " pg_get_userbyid(" + owner_col + ") AS owner";
        if (privileges) sql += ", coalesce(" + acl_col + ", acldefault('" + std::string(1, object_type) + "', " + owner_col + "))::text AS privileges";
        return sql + " ";
    }
    // A column's GRANTs (NULL is none).
    std::string column_acl(const std::string& alias) const { return privileges ? alias + ".attacl::text AS privileges" : "NULL AS \"@unread\""; }

    std::string not_member(const std::string& catalog, const std::string& oid_expr) const {
        return member_catalogs.count(catalog) ? not_extension_member(catalog, oid_expr) : std::string("true");
    }

    // Names the server leaves to the client (see name_token): relations' ids and columns' quoted names by OID, from
    // the tables and columns read (hidden columns @oid, @relid, @attcollation), the others fetched when asked for.
    struct Attribute {
        std::string name;           // quoted
        unsigned long collation = 0;
    };
    std::unordered_map<unsigned long, std::string> relation_ids = {};
    std::unordered_map<unsigned long, std::vector<Attribute>> attributes = {};  // by attnum
    // Column objects with their attnum, by table OID, to number their positions 1..n once all are read.
    std::unordered_map<unsigned long, std::vector<std::pair<int, CatalogObject*>>> positions = {};
    std::unordered_map<unsigned long, std::pair<std::string, bool>> opclasses = {};  // quoted name, default for its type
    std::unordered_map<unsigned long, std::string> collations = {};                   // quoted name

    // An OID or other unsigned number as the server writes it (the hidden columns of a row: no locale, no copy).
    static unsigned long digits(const char* p) {
        unsigned long n = 0;
        for (; *p >= '0' && *p <= '9'; ++p) n = n * 10 + static_cast<unsigned long>(*p - '0');
        return n;
    }

    // The numbers of a space-separated list (int2vector, oidvector text).
    static std::vector<unsigned long> numbers(std::string_view list) {
        std::vector<unsigned long> out;
        for (size_t p = 0; p < list.size();) {
            if (list[p] < '0' || list[p] > '9') {
                ++p;
                continue;
            }
            unsigned long n = 0;
            for (; p < list.size() && list[p] >= '0' && list[p] <= '9'; ++p) n = n * 10 + static_cast<unsigned long>(list[p] - '0');
            out.push_back(n);
        }
        return out;
    }
    // The colon-separated fields of an i token: indnkeyatts, indkey, indclass, indoption, indcollation.
    static std::vector<std::string_view> index_fields(std::string_view fields) {
        std::vector<std::string_view> out;
        for (size_t p = 0;;) {
            size_t colon = fields.find(':', p);
            out.push_back(fields.substr(p, colon == std::string_view::npos ? std::string_view::npos : colon - p));
            if (colon == std::string_view::npos) return out;
            p = colon + 1;
        }
    }

    // A name token at `open` (see name_token): what it names and the OID, its fields after the OID, and where it ends.
    // False when the text there is not one.
    static bool parse_token(std::string_view v, size_t open, char& what, unsigned long& oid, std::string_view& fields, size_t& close) {
        if (open + 2 >= v.size() || (v[open + 1] != 'r' && v[open + 1] != 'n' && v[open + 1] != 'k' && v[open + 1] != 'i')) return false;
        what = v[open + 1];
        close = v.find(kNameClose, open);
        if (close == std::string_view::npos) return false;
        size_t p = open + 2;
        oid = 0;
        for (; p < close && v[p] >= '0' && v[p] <= '9'; ++p) oid = oid * 10 + static_cast<unsigned long>(v[p] - '0');
        if (p == open + 2) return false;
        if (what == 'r') {
            fields = {};
            return p == close;
        }
        if (p == close || v[p] != ':') return false;
        fields = v.substr(p + 1, close - p - 1);
        if (what == 'n') return fields.find_first_not_of("0123456789 ") == std::string_view::npos;
        if (what == 'i') return fields.find_first_not_of("0123456789 :") == std::string_view::npos && std::count(fields.begin(), fields.end(), ':') == 4;
        size_t colon1 = fields.find(':'), colon2 = colon1 == std::string_view::npos ? colon1 : fields.find(':', colon1 + 1);
        return colon2 != std::string_view::npos && colon1 > 0 && colon2 > colon1 + 1 &&
               fields.substr(0, colon2).find_first_not_of("0123456789:") == std::string_view::npos;
    }

    static std::string oid_array(const std::set<unsigned long>& oids) {
        std::string a = "{";
        for (unsigned long o : oids) a += (a.size() > 1 ? "," : "") + std::to_string(o);
        return a + "}";
    }

    // Fetches the ids of these relations.
    void fetch_relations(const std::set<unsigned long>& rels) {
        if (rels.empty()) return;
        PgResult r = conn.exec_params("SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
                                      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY($1::oid[])",
                                      {oid_array(rels)});
        for (int i = 0; i < r.rows(); ++i) relation_ids[std::stoul(r.get(i, 0))] = r.get(i, 1);
    }

    // Fetches the relations and columns that the tokens in these values name and that were not read.
    void fetch_missing_names(const std::vector<std::string_view>& values) {
        std::set<unsigned long> rels, atts, opcs, colls;
        for (std::string_view v : values)
            for_each_token(v, [&](size_t, char what, unsigned long oid, std::string_view fields, size_t) {
                if (what == 'r' ? !relation_ids.count(oid) : !attributes.count(oid)) (what == 'r' ? rels : atts).insert(oid);
                if (what != 'i') return;
                const auto f = index_fields(fields);
                for (unsigned long o : numbers(f[2]))
                    if (!opclasses.count(o)) opcs.insert(o);
                for (unsigned long o : numbers(f[4]))
                    if (o && !collations.count(o)) colls.insert(o);
            });
        fetch_relations(rels);
        if (!atts.empty()) {
            PgResult r = conn.exec_params("SELECT a.attrelid, a.attnum, quote_ident(a.attname), a.attcollation FROM pg_attribute a "
                                          "WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0",
                                          {oid_array(atts)});
            for (int i = 0; i < r.rows(); ++i) add_attribute(std::stoul(r.get(i, 0)), std::stoul(r.get(i, 1)), r.get(i, 2), std::stoul(r.get(i, 3)));
            for (unsigned long oid : atts) attributes[oid];  // known now, if without columns
        }
        if (!opcs.empty()) {
            PgResult r = conn.exec_params("SELECT o.oid, quote_ident(o.opcname), o.opcdefault FROM pg_opclass o WHERE o.oid = ANY($1::oid[])",
                                          {oid_array(opcs)});
            for (int i = 0; i < r.rows(); ++i) opclasses[std::stoul(r.get(i, 0))] = {r.get(i, 1), r.get(i, 2) == "t"};
        }
        if (!colls.empty()) {
            PgResult r = conn.exec_params("SELECT l.oid, quote_ident(l.collname) FROM pg_collation l WHERE l.oid = ANY($1::oid[])",
                                          {oid_array(colls)});
            for (int i = 0; i < r.rows(); ++i) collations[std::stoul(r.get(i, 0))] = r.get(i, 1);
        }
    }

    void add_attribute(unsigned long relid, size_t attnum, std::string name, unsigned long collation) {
        auto& list = attributes[relid];
        if (list.size() <= attnum) list.resize(attnum + 1);
        list[attnum] = {std::move(name), collation};
    }

    // Calls f(open, what, oid, fields, close) for each name token in v (see name_token), in order.
    template <class F>
    static void for_each_token(std::string_view v, F&& f) {
        for (size_t open = v.find(kNameOpen); open != std::string_view::npos; open = v.find(kNameOpen, open + 1)) {
            char what;
            unsigned long oid;
            std::string_view fields;
            size_t close;
            if (!parse_token(v, open, what, oid, fields, close)) continue;
            f(open, what, oid, fields, close);
            open = close;
        }
    }

    // What a name token stands for; nullopt when it names an OID that is not there.
    std::optional<std::string> spell_token(char what, unsigned long oid, std::string_view fields) const {
        std::string name;
        if (what == 'r') {
            auto it = relation_ids.find(oid);
            if (it == relation_ids.end()) return std::nullopt;
            name = it->second;
        } else {
            auto it = attributes.find(oid);
            if (it == attributes.end()) return std::nullopt;
            const auto& atts = it->second;
            auto number = [&](size_t& p) {
                unsigned long n = 0;
                for (; p < fields.size() && fields[p] >= '0' && fields[p] <= '9'; ++p) n = n * 10 + static_cast<unsigned long>(fields[p] - '0');
                return n;
            };
            size_t p = 0;
            if (what == 'n') {  // <attnum> <attnum>...: the columns' names, listed (as string_agg(..., ', ') would)
                while (p < fields.size()) {
                    if (fields[p] == ' ') {
                        ++p;
                        continue;
                    }
                    const unsigned long attnum = number(p);
                    if (attnum < atts.size() && !atts[attnum].name.empty()) name += (name.empty() ? "" : ", ") + atts[attnum].name;
                }
            } else if (what == 'i') {  // an index's column list, as the index query's keys spell it
                const auto f = index_fields(fields);
                const size_t key_count = std::strtoul(std::string(f[0]).c_str(), nullptr, 10);
                const auto keys = numbers(f[1]), classes = numbers(f[2]), options = numbers(f[3]), colls = numbers(f[4]);
                std::string key_list, include_list;
                for (size_t k = 0; k < keys.size(); ++k) {
                    const unsigned long attnum = keys[k];
                    if (attnum >= atts.size() || atts[attnum].name.empty()) continue;  // as a NULL key: left out
                    std::string def = atts[attnum].name;
                    if (k < colls.size() && colls[k] != 0 && colls[k] != atts[attnum].collation) {
                        auto coll = collations.find(colls[k]);
                        if (coll == collations.end()) continue;  // as a NULL key: left out
                        def.append(" COLLATE ").append(coll->second);
                    }
                    if (k < classes.size()) {
                        auto opc = opclasses.find(classes[k]);
                        if (opc != opclasses.end() && !opc->second.second) def.append(" ").append(opc->second.first);
                    }
                    if (k < options.size()) {
                        const unsigned long opt = options[k];
                        if (opt & 1) def += " DESC";
                        if ((opt & 1) && !(opt & 2)) def += " NULLS LAST";
                        else if (!(opt & 1) && (opt & 2)) def += " NULLS FIRST";
                    }
                    std::string& list = k < key_count ? key_list : include_list;
                    if (!list.empty()) list += ", ";
                    list += def;
                }
                if (key_list.empty()) return std::nullopt;
                name = " (" + key_list + ")";
                if (!include_list.empty()) name += " INCLUDE (" + include_list + ")";
            } else {  // <attnum>:<collation oid>:<quoted collation name>: an index key column
                const unsigned long attnum = number(p);
                ++p;
                const unsigned long collation = number(p);
                ++p;
                if (attnum >= atts.size() || atts[attnum].name.empty()) return std::nullopt;
                name = atts[attnum].name;
                if (collation != 0 && collation != atts[attnum].collation) name.append(" COLLATE ").append(fields.substr(p));
            }
        }
        return name;
    }

    // Replaces the name tokens of a value (see name_token) with the names they stand for. Text that only looks like
    // a token, or names an OID that is not there, is left as it is.
    std::string resolve_names(const std::string& value) const {
        const std::string_view v(value);
        std::string out;
        size_t i = 0;
        for_each_token(v, [&](size_t open, char what, unsigned long oid, std::string_view fields, size_t close) {
            std::optional<std::string> name = spell_token(what, oid, fields);
            if (!name) return;
            out.append(v.substr(i, open - i)).append(*name);
            i = close + 1;
        });
        if (i == 0) return value;
        out.append(v.substr(i));
        return out;
    }

    // The owner of a loaded relation (a column's table, an owned sequence's table), for ACLs of its parts.
    std::string owner_of_relation(const std::string& id) const {
        for (const char* kind : {"table", "partition", "view", "materialized-view"}) {
            auto it = snap.objects.find(snapshot_key(kind, id));
            if (it == snap.objects.end()) continue;
            auto owner = it->second.attrs.find("owner");
            if (owner != it->second.attrs.end()) return owner->second;
        }
        return "";
    }

    // Registers the server's deferred segments of a value and rewrites them into snapshot tokens.
    std::string take_deferred(const std::string& value, const std::string& key, const std::string& attr, const std::string& table) {
        std::string out;
        auto layout = layouts.find(table);
        size_t i = 0;
        while (true) {
            size_t open = value.find(kOpen, i), mid = value.find(kMid, open), close = value.find(kClose, mid);
            if (open == std::string::npos || mid == std::string::npos || close == std::string::npos) break;
            out.append(value, i, open - i);
            const size_t serial = snap.deferred.size();
            snap.deferred.push_back({value.substr(open + 1, mid - open - 1), key, attr});
            std::optional<std::string> form =
                comparable_node_tree(value.substr(mid + 1, close - mid - 1), layout == layouts.end() ? nullptr : &layout->second);
            if (!form) unpromised.push_back(serial);
            out += kOpen + std::to_string(serial) + kMid + (form ? *form : std::string("?")) + kClose;
            i = close + 1;
        }
        out.append(value, i, std::string::npos);
        return out;
    }

    // Runs one query; each row becomes an object. Columns: kind, id, parent, then attributes by name
    // (NULL attributes are left out, so absent and NULL read the same). A "privileges" column is an aclitem[]
    // rendered by render_acl with the owner from the "owner" column, or the parent's owner where that is NULL
    // (a sequence owned by a column goes with its table's owner). A query without an "owner" column reads
    // columns' ACLs (NULL and empty both mean none), with the table's owner.
    // With `names`, the "definition" column may hold name tokens (name_token) to be resolved.
    // A query with the hidden columns @relid and @name leaves a part's identity and parent (columns 1 and 2) to the
    // client: the parent is the relation @relid, read before (see relation_ids), the id the parent's and @name
    // (quoted) joined by a dot, as the server would spell them (the concatenations cost it more than the rest of a
    // column's attributes). A hidden column @parent alone names the parent (column 2) so.
    void load(const std::string& sql, bool names_to_resolve = false) { load_result(conn.exec(sql), names_to_resolve); }
    void load_params(const std::string& sql, const std::vector<std::optional<std::string>>& params) { load_result(conn.exec_params(sql, params)); }

    // `finish`, when given, adds the attributes a row's raw columns stand for (see load_columns). With `fixed_kind`,
    // every row is of that kind and the query has no kind, id and parent columns: it names parts (@relid, @name).
    using Finish = std::function<void(const PgResult&, int, CatalogObject&, const std::string& key)>;
    void load_result(const PgResult& r, bool names_to_resolve = false, const Finish& finish = {}, const char* fixed_kind = nullptr) {
        const int first = fixed_kind ? 0 : 3;  // the first attribute column
        std::vector<std::string> names;
        std::vector<bool> expression;  // attributes that hold deparsed SQL expressions
        int privileges = -1, owner = -1;
        for (int c = 0; c < r.cols(); ++c) {
            names.push_back(r.name(c));
            expression.push_back(is_expression_attr(names.back()));
            if (names.back() == "privileges") privileges = c;
            else if (names.back() == "owner") owner = c;
        }
        std::vector<int> hidden(r.cols(), 0);  // 1 @oid (a relation's), 2 @relid (a column's table), 3 @attcollation, 4 @name, 5 @parent
        std::vector<std::string_view> tokened;  // values naming relations or columns by OID, to be resolved
        int tokens = -1;  // the column that may hold them
        int relid_col = -1, name_col = -1, parent_col = -1;
        int comment_col = -1;  // "@comment:<catalog>": the OID its comment is recorded under (see read_comments)
        std::string comment_catalog;
        for (int c = first; c < r.cols(); ++c) {
            hidden[c] = names[c] == "@oid" ? 1 : names[c] == "@relid" ? 2 : names[c] == "@attcollation" ? 3 : names[c] == "@name" ? 4 : names[c] == "@parent" ? 5
                        : names[c][0] == '@' ? 6 : 0;  // 6: raw, for `finish`, or the object's OID for its comment
            if (names[c].rfind("@comment:", 0) == 0) {
                comment_col = c;
                comment_catalog = names[c].substr(9);
            }
            if (hidden[c] == 2) relid_col = c;
            if (hidden[c] == 4) name_col = c;
            if (hidden[c] == 5) parent_col = c;
            if (!names_to_resolve || names[c] != "definition") continue;
            tokens = c;
            for (int i = 0; i < r.rows(); ++i) {
                std::string_view v(r.value(i, c));
                if (v.find(kNameOpen) != std::string_view::npos) tokened.push_back(v);
            }
        }
        if (!tokened.empty()) fetch_missing_names(tokened);
        const bool parts = relid_col >= 0 && name_col >= 0;
        if (fixed_kind && !parts) throw std::logic_error("internal: a query of one kind without @relid and @name");
        if (parts) parent_col = relid_col;
        if (parent_col >= 0) {
            std::set<unsigned long> missing;
            for (int i = 0; i < r.rows(); ++i) {
                const unsigned long rel = digits(r.value(i, parent_col));
                if (!relation_ids.count(rel)) missing.insert(rel);
            }
            fetch_relations(missing);
        }
        // Attribute columns in name order, so that each row's attributes are appended in the order Attrs keeps.
        std::vector<int> by_name;
        for (int c = first; c < r.cols(); ++c) by_name.push_back(c);
        std::stable_sort(by_name.begin(), by_name.end(), [&](int a, int b) { return names[a] < names[b]; });
        struct Cell {
            bool null = true;
            const char* value = nullptr;
            size_t length = 0;
        };
        std::vector<Cell> cells(static_cast<size_t>(r.cols()));
        auto hint = snap.objects.end();
        std::string kind, key_prefix;  // a query yields one kind or a few: its key prefix is computed once per kind
        for (int i = 0; i < r.rows(); ++i) {
            unsigned long oid = 0, relid = 0, collation = 0;
            CatalogObject o;
            o.kind = fixed_kind ? fixed_kind : r.get(i, 0);
            if (parts) {
                auto rel = relation_ids.find(digits(r.value(i, relid_col)));
                o.parent = rel == relation_ids.end() ? std::string() : rel->second;
                const char* name = r.value(i, name_col);
                o.id.reserve(o.parent.size() + 1 + std::strlen(name));
                o.id.append(o.parent).append(1, '.').append(name);
            } else {
                o.id = r.get(i, 1);
                if (parent_col >= 0) {
                    auto rel = relation_ids.find(digits(r.value(i, parent_col)));
                    if (rel != relation_ids.end()) o.parent = rel->second;
                } else {
                    o.parent = r.get(i, 2);
                }
            }
            if (o.kind != kind) {
                kind = o.kind;
                key_prefix = snapshot_key(kind, "");
            }
            std::string key = key_prefix + o.id;
            // The row's cells, asked of libpq once each (a call per question, and rows have many cells).
            size_t present = 0;  // the attributes this row has: one allocation for them all
            for (int c = first; c < r.cols(); ++c) {
                Cell& cell = cells[static_cast<size_t>(c)];
                cell.null = r.is_null(i, c);
                if (cell.null) continue;
                cell.value = r.value(i, c);
                cell.length = static_cast<size_t>(r.length(i, c));
                present += !hidden[c];
            }
            o.attrs.reserve(present + (relid_col >= 0 ? 1 : 0) + (finish ? 6 : 0));  // columns get their position later
            for (int c : by_name) {
                const Cell& cell = cells[static_cast<size_t>(c)];
                if (cell.null) continue;
                if (hidden[c] >= 4) continue;
                if (hidden[c]) {
                    (hidden[c] == 1 ? oid : hidden[c] == 2 ? relid : collation) = digits(cell.value);
                    continue;
                }
                if (c != privileges) {
                    std::string v(cell.value, cell.length);
                    if (c == tokens && v.find(kNameOpen) != std::string::npos) v = resolve_names(v);
                    if (on_demand && v.find(kOpen) != std::string::npos) v = take_deferred(v, key, names[c], o.parent);
                    else if (expression[c]) v = normalize_expression(v);
                    o.attrs.add(names[c], std::move(v));
                    continue;
                }
                std::string who = owner >= 0 && !r.is_null(i, owner) ? r.get(i, owner) : owner_of_relation(o.parent);
                std::string acl = r.get(i, c);
                std::string acl_key = std::to_string(who.size()) + ':' + who + acl;
                auto it = acls.find(acl_key);
                if (it == acls.end()) {
                    std::string rendered = render_acl(acl, who);
                    it = acls.emplace(std::move(acl_key), rendered.empty() && owner >= 0 ? "none" : rendered).first;
                }
                if (!it->second.empty()) o.attrs.add(names[c], it->second);
            }
            if (finish) finish(r, i, o, key);
            if (comment_col >= 0 && !comments.empty()) {
                auto it = comments.find({comment_catalog, digits(r.value(i, comment_col))});
                if (it != comments.end()) o.attrs.add("comment", it->second);
            }
            if (oid) relation_ids[oid] = o.id;
            int attnum = -1;
            if (relid) {
                auto pos = o.attrs.find(kColumnPositionAttr);
                if (pos != o.attrs.end()) {
                    attnum = static_cast<int>(digits(pos->second.c_str()));
                    add_attribute(relid, static_cast<size_t>(attnum), o.id.substr(o.parent.size() + 1), collation);
                }
            }
            hint = snap.objects.insert_or_assign(hint, std::move(key), std::move(o));
            if (attnum >= 0) positions[relid].push_back({attnum, &hint->second});
        }
    }

    // Comments, read at once: looked up per row, they cost the server an index probe per object or column, and most
    // have none. User objects' OIDs are never below 16384; the public schema's is. Columns' comments (objsubid > 0 on
    // pg_class) are kept apart, by table OID and attnum, for the columns query.
    std::map<std::pair<std::string, unsigned long>, std::string> comments = {};
    std::unordered_map<unsigned long long, std::string> column_comments = {};
    static unsigned long long column_key(unsigned long relid, unsigned long attnum) { return (static_cast<unsigned long long>(relid) << 16) | attnum; }
    void read_comments() {
        PgResult r = conn.exec("SELECT d.classoid::regclass::text, d.objoid, d.description, d.objsubid FROM pg_description d "
                               "WHERE (d.objsubid = 0 AND (d.objoid >= 16384 OR d.classoid = 'pg_namespace'::regclass)) "
                               "OR (d.objsubid > 0 AND d.classoid = 'pg_class'::regclass AND d.objoid >= 16384)");
        for (int i = 0; i < r.rows(); ++i) {
            const unsigned long subid = digits(r.value(i, 3));
            if (subid == 0) comments[{r.get(i, 0), digits(r.value(i, 1))}] = r.get(i, 2);
            else column_comments[column_key(digits(r.value(i, 1)), subid)] = r.get(i, 2);
        }
    }

    // Tables' columns, read as raw catalog values and spelled here: format_type() and the CASEs cost the server
    // more per column than reading it (a schema has a few dozen distinct types and thousands of columns), and each
    // value sent costs it more than a NULL, so what is usually the default comes as NULL. The spellings are the
    // server's, as the partition columns query (column_attrs) writes them: format_type(atttypid, atttypmod) fetched
    // once per distinct pair, a collation other than the type's as schema.name, storage when it is not the type's.
    // The raw columns: @typid, @typmod (NULL: -1), @notnull (NULL: false), @identity, @compression (NULL: none),
    // @storage, @stattarget (NULL: -1), @attcollation (NULL: 0 or the default collation, 100, whichever the type
    // takes), @default_tree (a default's node tree, deferred: see take_deferred), @relid and @name.
    // Comments come from read_comments.
    void load_columns(const std::string& sql) {
        PgResult r = conn.exec(sql);
        auto column = [&](const char* name) {
            for (int c = 0; c < r.cols(); ++c)
                if (r.name(c) == name) return c;
            throw std::logic_error(std::string("internal: the columns query lacks ") + name);
        };
        const int typid = column("@typid"), typmod = column("@typmod"), notnull = column("@notnull"), identity = column("@identity"),
                  storage = column("@storage"), compression = column("@compression"), stattarget = column("@stattarget"),
                  collation = column("@attcollation"), relid = column("@relid"), position = column("position");
        int default_tree = -1;
        for (int c = 0; c < r.cols(); ++c)
            if (r.name(c) == "@default_tree") default_tree = c;
        struct TypeInfo {
            std::string spelled;
            char storage = 0;
            unsigned long collation = 0;
        };
        auto type_key = [&](int i) {
            return std::pair<unsigned long, long>{digits(r.value(i, typid)), r.is_null(i, typmod) ? -1L : std::strtol(r.value(i, typmod), nullptr, 10)};
        };
        std::map<std::pair<unsigned long, long>, TypeInfo> types;
        // Each row's type, looked up once.
        std::vector<TypeInfo*> row_type(static_cast<size_t>(r.rows()));
        for (int i = 0; i < r.rows(); ++i) row_type[static_cast<size_t>(i)] = &types[type_key(i)];
        if (!types.empty()) {
            std::string oids = "{", mods = "{";
            for (const auto& [key, info] : types) {
                oids += (oids.size() > 1 ? "," : "") + std::to_string(key.first);
                mods += (mods.size() > 1 ? "," : "") + std::to_string(key.second);
            }
            PgResult t = conn.exec_params("SELECT u.t, u.m, format_type(u.t, u.m), ty.typstorage, ty.typcollation "
                                          "FROM unnest($1::oid[], $2::int4[]) u(t, m) LEFT JOIN pg_type ty ON ty.oid = u.t",
                                          {oids + "}", mods + "}"});
            for (int i = 0; i < t.rows(); ++i) {
                auto& info = types[{digits(t.value(i, 0)), std::strtol(t.value(i, 1), nullptr, 10)}];
                info.spelled = t.get(i, 2);
                info.storage = t.is_null(i, 3) ? 0 : t.value(i, 3)[0];
                info.collation = t.is_null(i, 4) ? 0 : digits(t.value(i, 4));
            }
        }
        // Each row's collation: NULL stands for the one the type takes (0 for a type without collation, else the
        // default collation: a collatable type's column always has one).
        constexpr unsigned long kDefaultCollation = 100;
        std::vector<unsigned long> row_collation(static_cast<size_t>(r.rows()));
        std::set<unsigned long> other_collations;  // other than the column type's, spelled schema.name (rare)
        for (int i = 0; i < r.rows(); ++i) {
            const TypeInfo& type = *row_type[static_cast<size_t>(i)];
            const unsigned long coll = r.is_null(i, collation) ? (type.collation ? kDefaultCollation : 0) : digits(r.value(i, collation));
            row_collation[static_cast<size_t>(i)] = coll;
            if (coll && coll != type.collation) other_collations.insert(coll);
        }
        std::unordered_map<unsigned long, std::string> collation_ids;
        if (!other_collations.empty()) {
            PgResult l = conn.exec_params("SELECT co.oid, quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co "
                                          "JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = ANY($1::oid[])",
                                          {oid_array(other_collations)});
            for (int i = 0; i < l.rows(); ++i) collation_ids[digits(l.value(i, 0))] = l.get(i, 1);
        }
        load_result(r, false, [&](const PgResult& row, int i, CatalogObject& o, const std::string& key) {
            const TypeInfo& type = *row_type[static_cast<size_t>(i)];
            const unsigned long coll = row_collation[static_cast<size_t>(i)];
            const unsigned long table = digits(row.value(i, relid)), attnum = digits(row.value(i, position));
            if (coll && coll != type.collation) {
                auto name = collation_ids.find(coll);
                if (name != collation_ids.end()) o.attrs.add("collation", name->second);
            }
            if (!column_comments.empty()) {
                auto comment = column_comments.find(column_key(table, attnum));
                if (comment != column_comments.end()) o.attrs.add("comment", comment->second);
            }
            if (!row.is_null(i, compression)) switch (row.value(i, compression)[0]) {
                    case 'p': o.attrs.add("compression", "pglz"); break;
                    case 'l': o.attrs.add("compression", "lz4"); break;
                    default: break;
                }
            if (default_tree >= 0 && !row.is_null(i, default_tree)) {
                // The request (d<table oid>.<attnum>) and the node tree, as a deferred token from the server would be.
                std::string token(1, kOpen);
                token.append(1, 'd').append(std::to_string(table)).append(1, '.').append(std::to_string(attnum)).append(1, kMid);
                token.append(row.value(i, default_tree)).append(1, kClose);
                o.attrs.add("default", take_deferred(token, key, "default", o.parent));
            }
            if (!row.is_null(i, identity)) switch (row.value(i, identity)[0]) {
                    case 'a': o.attrs.add("identity", "always"); break;
                    case 'd': o.attrs.add("identity", "by default"); break;
                    default: break;
                }
            o.attrs.add("not_null", row.is_null(i, notnull) ? "false" : "true");
            if (!row.is_null(i, stattarget)) o.attrs.add("statistics", row.value(i, stattarget));
            const char st = row.value(i, storage)[0];
            if (st != type.storage) o.attrs.add("storage", std::string(1, st));
            o.attrs.add("type", type.spelled);
        }, "column");
        // The columns' collations as they are (see above), for index keys' COLLATE clauses (see spell_token).
        for (int i = 0; i < r.rows(); ++i) {
            auto& atts = attributes[digits(r.value(i, relid))];
            const size_t attnum = digits(r.value(i, position));
            if (attnum < atts.size()) atts[attnum].collation = row_collation[static_cast<size_t>(i)];
        }
    }

    // Sequences behind identity columns: not objects of the snapshot, their parameters become the identity_sequence
    // of a table's column (spelled as the partition columns query spells it; a partition's columns carry their own).
    // Rows: sequence OID, table OID, attnum, start, increment, min, max, cache, cycle. Returns the sequences' OIDs as
    // an oid[] literal, for the query of the others to leave out.
    std::string identity_sequences(const std::string& sql) {
        PgResult r = conn.exec(sql);
        std::set<unsigned long> oids;
        for (int i = 0; i < r.rows(); ++i) {
            oids.insert(digits(r.value(i, 0)));
            auto cols = positions.find(digits(r.value(i, 1)));
            if (cols == positions.end()) continue;
            const int attnum = static_cast<int>(digits(r.value(i, 2)));
            for (auto& [col_attnum, col] : cols->second) {
                if (col_attnum != attnum || !col->attrs.count("identity")) continue;
                col->attrs["identity_sequence"] = std::string("start ") + r.value(i, 3) + " increment " + r.value(i, 4) + " min " + r.value(i, 5) +
                                                  " max " + r.value(i, 6) + " cache " + r.value(i, 7) + (r.value(i, 8)[0] == 't' ? " cycle" : "");
                break;
            }
        }
        return oid_array(oids);
    }

    // Column names by attnum of every table whose columns were read (from the columns' @relid, by the tables' @oid).
    void record_layouts() {
        for (const auto& [relid, atts] : attributes) {
            auto id = relation_ids.find(relid);
            if (id == relation_ids.end()) continue;
            auto& names = layouts[id->second];
            names.resize(atts.size());
            for (size_t attnum = 0; attnum < atts.size(); ++attnum) names[attnum] = atts[attnum].name;
        }
    }
};

}  // namespace

Attrs::Attrs(std::initializer_list<value_type> items) {
    for (const auto& [name, value] : items) add(name, value);
}

Attrs::iterator Attrs::lower_bound(std::string_view name) {
    return std::lower_bound(items_.begin(), items_.end(), name, [](const value_type& a, std::string_view n) { return a.first < n; });
}

Attrs::iterator Attrs::find(std::string_view name) {
    auto it = lower_bound(name);
    return it != items_.end() && it->first == name ? it : items_.end();
}

Attrs::const_iterator Attrs::find(std::string_view name) const { return const_cast<Attrs*>(this)->find(name); }

const std::string& Attrs::at(std::string_view name) const {
    auto it = find(name);
    if (it == end()) throw std::out_of_range("no attribute " + std::string(name));
    return it->second;
}

std::string& Attrs::operator[](std::string_view name) {
    auto it = lower_bound(name);
    if (it == items_.end() || it->first != name) it = items_.emplace(it, std::string(name), std::string());
    return it->second;
}

void Attrs::add(std::string_view name, std::string value) {
    if (items_.empty() || items_.back().first < name) {
        items_.emplace_back(std::string(name), std::move(value));
        return;
    }
    auto it = lower_bound(name);
    if (it == items_.end() || it->first != name) items_.emplace(it, std::string(name), std::move(value));
}

size_t Attrs::erase(std::string_view name) {
    auto it = find(name);
    if (it == end()) return 0;
    items_.erase(it);
    return 1;
}

std::optional<std::string> comparable_node_tree(const std::string& tree, const std::vector<std::string>* columns) {
    // OIDs below FirstUnpinnedObjectId (12000) come from PostgreSQL's catalog data, the same in every database of a
    // version; objects initdb creates later (system collations among them) and user objects are numbered per cluster
    // or per database.
    constexpr unsigned long long kStableOidLimit = 12000;
    const size_t n = tree.size();
    const char* t = tree.data();
    std::string out;
    out.reserve(n);
    auto is_digit = [&](size_t k) { return k < n && t[k] >= '0' && t[k] <= '9'; };
    // The unsigned number at k (its end in `end`), saturated: only whether it reaches the limit matters.
    auto number = [&](size_t k, size_t& end) {
        unsigned long long v = 0;
        for (end = k; is_digit(end); ++end) v = v > kStableOidLimit ? v : v * 10 + static_cast<unsigned>(t[end] - '0');
        return v;
    };
    size_t copied = 0;  // out holds tree[0, copied) as rewritten
    for (size_t i = 0; i < n;) {
        const char c = t[i];
        if (c == '\\') {  // an escaped character of a token: never a field or a number of its own
            i += 2;
            continue;
        }
        if (c == ':' && i + 1 < n && t[i + 1] != ' ') {
            size_t end = i + 1;
            auto word = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'; };
            while (end < n && word(t[end])) ++end;  // isalnum in the C locale pggate runs in, without a call per character
            const std::string_view field(t + i + 1, end - i - 1);
            // A constant of an OID alias type (regclass, regtype, regproc, ... and their arrays) holds an OID in its
            // bytes, where the rule below never sees it, and is spelled by the name it points to.
            if (field == "consttype" && end + 1 < n && t[end] == ' ') {
                size_t num_end;
                static const std::set<unsigned long long> kOidAliases = {24,   1008, 2202, 2207, 2203, 2208, 2204, 2209, 2205, 2210, 2206,
                                                                         2211, 3734, 3735, 3769, 3770, 4089, 4090, 4096, 4097, 4191, 4192};
                if (kOidAliases.count(number(end + 1, num_end))) return std::nullopt;
            }
            if ((field == "location" || field == "varattno" || field == "varattnosyn") && end + 1 < n && t[end] == ' ') {
                size_t num = end + 1, num_end = num;
                const bool negative = t[num] == '-';
                const unsigned long long value = number(num + (negative ? 1 : 0), num_end);
                if (num_end > num + (negative ? 1 : 0)) {
                    out.append(t + copied, i - copied);
                    copied = i = num_end;
                    if (field == "location") continue;  // where in the statement text it was written: not its meaning
                    if (!columns || negative || value == 0 || value >= columns->size() || (*columns)[value].empty())
                        return std::nullopt;
                    out.append(":").append(field).append(" ").append((*columns)[value]);
                    continue;
                }
            }
            i = end;
            continue;
        }
        if (is_digit(i)) {
            size_t end;
            const unsigned long long value = number(i, end);
            // Digits inside a word (an identifier) are not a number of their own.
            const bool standalone = (i == 0 || t[i - 1] == ' ' || t[i - 1] == '(' || t[i - 1] == '[') &&
                                    (end == n || t[end] == ' ' || t[end] == ')' || t[end] == ']' || t[end] == '}');
            if (standalone && value >= kStableOidLimit) return std::nullopt;
            i = end;
            continue;
        }
        ++i;
    }
    out.append(t + copied, n - copied);
    return out;
}

bool same_value(const std::string& a, const std::string& b) {
    if (a == b) return true;
    if (a.find(kOpen) == std::string::npos || b.find(kOpen) == std::string::npos) return false;
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == kOpen && b[j] == kOpen) {  // skip both serials; the comparable forms after them are compared
            i = a.find(kMid, i);
            j = b.find(kMid, j);
            if (i == std::string::npos || j == std::string::npos) return false;
            continue;
        }
        if (a[i] != b[j]) return false;
        ++i, ++j;
    }
    return i == a.size() && j == b.size();
}

std::vector<size_t> deferred_serials(const std::string& text) {
    std::vector<size_t> out;
    for (size_t i = text.find(kOpen); i != std::string::npos; i = text.find(kOpen, i + 1)) {
        size_t mid = text.find(kMid, i);
        if (mid == std::string::npos) break;
        out.push_back(std::stoul(text.substr(i + 1, mid - i - 1)));
    }
    return out;
}

void resolve_deferred(PgConn& conn, Snapshot& snap, const std::vector<size_t>& serials) {
    std::string ids = "{", kinds = "{", oids = "{", columns = "{";
    size_t count = 0;
    for (size_t serial : serials) {
        if (serial >= snap.deferred.size()) continue;
        const std::string& req = snap.deferred[serial].request;  // c<oid>, p<oid>, k<oid>.<column>, d<table oid>.<attnum>
        size_t dot = req.find('.');
        const char* sep = count++ ? "," : "";
        ids += sep + std::to_string(serial);
        kinds += sep + req.substr(0, 1);
        oids += sep + req.substr(1, dot == std::string::npos ? std::string::npos : dot - 1);
        columns += sep + (dot == std::string::npos ? std::string("0") : req.substr(dot + 1));
    }
    if (count == 0) return;
    PgResult r = conn.exec_params(
        "SELECT r.i, CASE r.k WHEN 'c' THEN pg_get_constraintdef(r.o) "
        "  WHEN 'p' THEN (SELECT pg_get_expr(x.indpred, x.indrelid) FROM pg_index x WHERE x.indexrelid = r.o) "
        "  WHEN 'k' THEN pg_get_indexdef(r.o, r.n, false) "
        "  WHEN 'd' THEN (SELECT pg_get_expr(d.adbin, 0) FROM pg_attrdef d WHERE d.adrelid = r.o AND d.adnum = r.n) END "
        "FROM unnest($1::int[], $2::text[], $3::oid[], $4::int[]) AS r(i, k, o, n)",
        {ids + "}", kinds + "}", oids + "}", columns + "}"});
    for (int row = 0; row < r.rows(); ++row) {
        const size_t serial = std::stoul(r.get(row, 0));
        const DeferredExpr& d = snap.deferred[serial];
        auto obj = snap.objects.find(d.key);
        if (obj == snap.objects.end()) continue;
        auto attr = obj->second.attrs.find(d.attr);
        if (attr == obj->second.attrs.end()) continue;
        std::string& v = attr->second;
        const std::string head = kOpen + std::to_string(serial) + kMid;
        size_t at = v.find(head);
        size_t close = at == std::string::npos ? at : v.find(kClose, at);
        if (close == std::string::npos) continue;
        v.replace(at, close - at + 1, r.get(row, 1));  // NULL (the object went away meanwhile) reads as empty
        // Spelled whole again: normalized as a value read spelled (see Reader::load).
        if (v.find(kOpen) == std::string::npos && is_expression_attr(d.attr)) v = normalize_expression(v);
    }
}

std::string snapshot_key(const std::string& kind, const std::string& id) {
    return std::to_string(kind_rank(kind) + 10) + kind + ":" + id;
}

int kind_rank(const std::string& kind) {
    // Kinds added later take the next ranks (renumbering would reorder existing lock files).
    static const std::map<std::string, int> order = {
        {"schema", 0},    {"extension", 1}, {"type", 2},       {"sequence", 3}, {"table", 4},
        {"partition", 5}, {"column", 6},    {"constraint", 7}, {"index", 8},    {"view", 9},
        {"materialized-view", 10}, {"function", 11}, {"trigger", 12}, {"policy", 13},
        {"statistics", 14}, {"rule", 15}, {"publication", 16}, {"event-trigger", 17}};
    auto it = order.find(kind);
    return it == order.end() ? 50 : it->second;
}

const CatalogObject& default_public_schema() {
    static const CatalogObject o{"schema", "public", "", {{"comment", "standard public schema"},
                                                          {"owner", "pg_database_owner"},
                                                          {"privileges", "<owner>=UC/<owner>, PUBLIC=U/<owner>"}}};
    return o;
}

Snapshot read_snapshot(PgConn& conn, Deparse mode, ReadScope scope) {
    Snapshot snap;
    snap.server_version = conn.server_version();
    Reader rd{conn, snap};
    rd.on_demand = mode == Deparse::on_demand;
    rd.owners = scope.owners;
    rd.privileges = scope.privileges;
    // One short read-only transaction with a consistent view of the catalog.
    conn.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
        // How PostgreSQL spells constants and names (timestamptz partition bounds and CHECKs, quoted identities,
        // qualified names in views and defaults) follows session settings that come from the server's, the
        // database's, the role's and the client's (PGTZ) configuration, not from the schema: pinned, so that a lock
        // file written on a machine in another time zone, or by a role that has a schema of its name, reads the same.
        conn.exec("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL IntervalStyle = 'postgres'; "
                  "SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'; SET LOCAL quote_all_identifiers = off; "
                  "SET LOCAL standard_conforming_strings = on; SET LOCAL search_path = public; "
                  // Catalog queries are small, but their estimates (a subquery per row) can pass jit_above_cost: compiling
                  // one costs more (50-100 ms) than running it.
                  "SET LOCAL jit = off");
        {
            PgResult r = conn.exec(
                "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.oid IN "
                "(SELECT DISTINCT dep.classid FROM pg_depend dep WHERE dep.refclassid = 'pg_extension'::regclass AND dep.deptype = 'e')");
            for (int i = 0; i < r.rows(); ++i) rd.member_catalogs.insert(r.get(i, 0));
        }
        // Room for the hashed NOT IN lists and hash joins over whole catalogs of large schemas.
        conn.exec("SET LOCAL work_mem = '64MB'");
        if (rd.on_demand) {
            // What, besides a node tree, decides how PostgreSQL spells it: the version (OIDs and deparser), the
            // settings constants are written with, the search path, and user objects named like built-in ones
            // (which make PostgreSQL qualify the built-in's name).
            auto same_name = [](const std::string& column, const std::string& catalog, const std::string& ns) {
                return " IN (SELECT " + column + " FROM " + catalog + " WHERE " + ns + " = 'pg_catalog'::regnamespace)";
            };
            PgResult r = conn.exec(
                "SELECT concat_ws(';', current_setting('server_version_num'), current_setting('DateStyle'), current_setting('IntervalStyle'), "
                "  current_setting('TimeZone'), current_setting('extra_float_digits'), current_setting('bytea_output'), "
                "  current_setting('quote_all_identifiers'), current_setting('standard_conforming_strings'), current_schemas(true)::text, "
                "  (SELECT string_agg(x, ',' ORDER BY x COLLATE \"C\") FROM ("
                "    SELECT 'f ' || p.pronamespace::regnamespace::text || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')' "
                "      FROM pg_proc p WHERE p.oid >= 16384 AND p.proname" + same_name("proname", "pg_proc", "pronamespace") +
                "    UNION ALL SELECT 'o ' || o.oprnamespace::regnamespace::text || '.' || o.oprname || '(' || o.oprleft::regtype::text || ',' || o.oprright::regtype::text || ')' "
                "      FROM pg_operator o WHERE o.oid >= 16384 AND o.oprname" + same_name("oprname", "pg_operator", "oprnamespace") +
                "    UNION ALL SELECT 't ' || t.typnamespace::regnamespace::text || '.' || quote_ident(t.typname) "
                "      FROM pg_type t WHERE t.oid >= 16384 AND t.typname" + same_name("typname", "pg_type", "typnamespace") +
                "    UNION ALL SELECT 'l ' || l.collnamespace::regnamespace::text || '.' || quote_ident(l.collname) "
                "      FROM pg_collation l WHERE l.oid >= 16384 AND l.collname" + same_name("collname", "pg_collation", "collnamespace") +
                "    UNION ALL SELECT 'c ' || c.castsource::regtype::text || '>' || c.casttarget::regtype::text || ':' || c.castcontext::text "
                "      FROM pg_cast c WHERE c.oid >= 16384) u(x)))");
            snap.deparse_context = r.get(0, 0);
        }
        rd.read_comments();
        // Schemas, public included: it is dropped again below while it is as a fresh database has it.
        rd.load(std::string("SELECT 'schema', quote_ident(n.nspname), '', ") + rd.owner_and_acl("n.nspowner", "n.nspacl", 'n') +
                ", n.oid::int8 AS \"@comment:pg_namespace\" FROM pg_namespace n WHERE " +
                kUserNamespace + " AND " + rd.not_member("pg_namespace", "n.oid"));
        rd.load("SELECT 'extension', quote_ident(e.extname), '', e.extversion AS version, n.nspname AS schema "
                "FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'");
        // Enums (labels in order), domains, composite types.
        rd.load(std::string(
            "SELECT 'type', quote_ident(n.nspname) || '.' || quote_ident(t.typname), '', "
            "  CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite' WHEN 'r' THEN 'range' END AS type_kind, "
            "  CASE WHEN t.typtype = 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) END AS labels, "
            "  CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type, "
            "  CASE WHEN t.typtype = 'd' AND t.typnotnull THEN 'true' END AS not_null, "
            "  CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> (SELECT bt.typcollation FROM pg_type bt WHERE bt.oid = t.typbasetype) "
            "     THEN t.typcollation::regcollation::text END AS collation, "
            "  t.typdefault AS \"default\", "
            "  CASE WHEN t.typtype = 'r' THEN (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid) END AS subtype, "
            // What else a range type is made of, where it is not the default: the subtype's collation and operator class,
            // the canonical and subtype_diff functions, and the name of its multirange type.
            "  CASE WHEN t.typtype = 'r' THEN (SELECT NULLIF(concat_ws(', ', "
            "     CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN 'collation=' || r.rngcollation::regcollation::text END, "
            "     CASE WHEN NOT opc.opcdefault THEN 'subtype_opclass=' || quote_ident(opc.opcname) END, "
            "     'canonical=' || NULLIF(r.rngcanonical, 0)::regprocedure::text, 'subtype_diff=' || NULLIF(r.rngsubdiff, 0)::regprocedure::text, "
            "     CASE WHEN mt.typname <> CASE WHEN position('range' IN t.typname) > 0 THEN overlay(t.typname PLACING 'multirange' FROM position('range' IN t.typname) FOR 5) "
            "       ELSE t.typname || '_multirange' END OR mt.typnamespace <> t.typnamespace THEN 'multirange=' || r.rngmultitypid::regtype::text END), '') "
            "     FROM pg_range r JOIN pg_type st ON st.oid = r.rngsubtype JOIN pg_opclass opc ON opc.oid = r.rngsubopc "
            "     LEFT JOIN pg_type mt ON mt.oid = r.rngmultitypid WHERE r.rngtypid = t.oid) END AS range_options, "
            "  CASE WHEN t.typtype = 'd' THEN (SELECT string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid), '; ' ORDER BY c.conname) FROM pg_constraint c WHERE c.contypid = t.oid) END AS constraints, "
            "  CASE WHEN t.typtype = 'c' THEN (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) "
            "     || CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END, ', ' ORDER BY a.attnum) "
            "     FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END AS attributes, "
            // Comments on a domain's constraints and a composite type's attributes (by name), compared as comments are.
            "  CASE WHEN t.typtype = 'd' THEN (SELECT string_agg(quote_ident(c.conname) || ': ' || d.description, '; ' ORDER BY c.conname) "
            "     FROM pg_constraint c JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0 "
            "     WHERE c.contypid = t.oid) "
            "   WHEN t.typtype = 'c' THEN (SELECT string_agg(quote_ident(a.attname) || ': ' || d.description, '; ' ORDER BY a.attname) "
            "     FROM pg_attribute a JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum "
            "     WHERE a.attrelid = t.typrelid AND NOT a.attisdropped) END AS part_comments, "
            "  t.oid::int8 AS \"@comment:pg_type\", " + rd.owner_and_acl("t.typowner", "t.typacl", 'T') +
            "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace " +
            "LEFT JOIN pg_class tc ON tc.oid = t.typrelid "
            "WHERE ") + kUserNamespace + " AND t.typtype IN ('e', 'd', 'c', 'r') AND (t.typtype <> 'c' OR tc.relkind = 'c') AND " +
                rd.not_member("pg_type", "t.oid"));
        // Tables, partitioned tables and partitions (partitions carry their parent and bound).
        rd.load(std::string("SELECT CASE WHEN c.relispartition THEN 'partition' ELSE 'table' END, ") + rel_id("c") + ", "
                "  CASE WHEN c.relispartition THEN quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) ELSE '' END, "
                "  CASE c.relkind WHEN 'p' THEN 'partitioned' WHEN 'f' THEN 'foreign' ELSE 'regular' END AS table_kind, "
                "  CASE c.relpersistence WHEN 'u' THEN 'unlogged' END AS persistence, "
                "  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key, "
                "  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, 0) END AS partition_bound, "
                "  " + sorted_options("c.reloptions", ",") + " AS reloptions, "
                "  CASE WHEN c.relrowsecurity THEN 'enabled' END AS row_security, "
                "  CASE WHEN c.relforcerowsecurity THEN 'forced' END AS row_security_force, "
                // A typed table (CREATE TABLE t OF type): its composite type.
                "  CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END AS of_type, "
                "  CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full' WHEN 'i' THEN 'index ' || coalesce((SELECT quote_ident(ri.relname) "
                "     FROM pg_index x JOIN pg_class ri ON ri.oid = x.indexrelid WHERE x.indrelid = c.oid AND x.indisreplident), '?') END AS replica_identity, "
                "  CASE WHEN NOT c.relispartition THEN (SELECT string_agg(quote_ident(pn.nspname) || '.' || quote_ident(pc.relname), ', ' ORDER BY pc.relname) "
                "     FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid) END AS inherits, "
                "  " + toast_reloptions("c") + ", "
                "  c.oid::int8 AS \"@comment:pg_class\", " + rd.owner_and_acl("c.relowner", "c.relacl", 'r') + ", c.oid::int8 AS \"@oid\" "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "LEFT JOIN pg_inherits pi ON pi.inhrelid = c.oid AND c.relispartition "
                "LEFT JOIN pg_class pc ON pc.oid = pi.inhparent LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'f') AND " + kUserNamespace + " AND " + rd.not_member("pg_class", "c.oid"));
        {
            const std::string prefix = snapshot_key("partition", "");
            for (auto it = snap.objects.lower_bound(prefix); it != snap.objects.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
                auto bound = it->second.attrs.find("partition_bound");
                if (bound != it->second.attrs.end()) sort_list_bound(bound->second);
            }
        }
        // Columns of tables (partitions inherit theirs from the parent, so they are not repeated).
        // attoptions drops keys PostgreSQL builds add on their own (this build stores pg_attver=N per column).
        // The identity's own sequence is not an object of the snapshot; its parameters belong to the column.
        const std::string identity_sequence =
            "CASE WHEN a.attidentity <> '' THEN (SELECT 'start ' || s.seqstart || ' increment ' || s.seqincrement || ' min ' || s.seqmin "
            "     || ' max ' || s.seqmax || ' cache ' || s.seqcache || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END "
            "     FROM pg_depend dep JOIN pg_sequence s ON s.seqrelid = dep.objid WHERE dep.classid = 'pg_class'::regclass "
            "     AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i' "
            "     ORDER BY dep.objid LIMIT 1) END AS identity_sequence";
        const std::string column_attrs =
            "  format_type(a.atttypid, a.atttypmod) AS type, "
            "  CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END AS collation, "
            // A default cannot reference a column, so it deparses without its relation (opening that costs more).
            "  CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0) END AS \"default\", "
            "  CASE WHEN a.attnotnull THEN 'true' ELSE 'false' END AS not_null, "
            "  CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity, "
            "  " + identity_sequence + ", "
            "  CASE WHEN a.attgenerated = 's' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated, "
            "  CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage, "
            "  CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END AS compression, "
            "  CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::text END AS statistics, "
            "  " + user_attoptions("a") + " AS options, "
            // Column GRANTs; NULL is none (PostgreSQL stores an ACL that became empty as NULL).
            "  " + rd.column_acl("a") + ", "
            "  dsc.description AS comment ";
        // The same attributes as column_attrs, those the client can spell (see load_columns) as raw values, NULL for
        // what is usually the default; a default (on demand) as its node tree.
        rd.load_columns(std::string(
                "SELECT a.atttypid::int8 AS \"@typid\", NULLIF(a.atttypmod, -1) AS \"@typmod\", NULLIF(a.attnotnull, false) AS \"@notnull\", "
                "  NULLIF(a.attidentity, '') AS \"@identity\", a.attstorage AS \"@storage\", NULLIF(a.attcompression, '') AS \"@compression\", "
                "  NULLIF(a.attstattarget, -1) AS \"@stattarget\", NULLIF(NULLIF(a.attcollation, 0), 100) AS \"@attcollation\", ") +
                (rd.on_demand ? "  CASE WHEN a.attgenerated = '' THEN d.adbin::text END AS \"@default_tree\", "
                              : "  CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0) END AS \"default\", ") +
                "  CASE WHEN a.attgenerated = 's' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated, "
                "  " + user_attoptions("a") + " AS options, " + rd.column_acl("a") + ", "
                "  a.attnum AS position, "  // renumbered 1..n per table after loading (dropped columns leave gaps)
                "  a.attrelid::int8 AS \"@relid\", quote_ident(a.attname) AS \"@name\" "
                "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND NOT c.relispartition AND " + kUserNamespace +
                " AND " + rd.not_member("pg_class", "c.oid"));
        if (rd.on_demand) rd.record_layouts();
        // A partition's column is implied by its parent's, except what a partition may set on its own (a default,
        // NOT NULL, storage, statistics, options, a comment): a column that deviates from its parent's is an object
        // of the partition (without position: partitions attached later may order their columns differently).
        // Written partitions first and planned in that order (join_collapse_limit): searching the join order of
        // this many catalogs costs more than running the query.
        conn.exec("SET LOCAL join_collapse_limit = 1");
        rd.load("SELECT 'column', '', '', " + column_attrs +
                ", dev.what AS differs_from_parent, a.attrelid::int8 AS \"@relid\", quote_ident(a.attname) AS \"@name\" "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_inherits inh ON inh.inhrelid = c.oid "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                // The parent's column by name, fenced so that it stays an index lookup under the filter below.
                "JOIN LATERAL (SELECT * FROM pg_attribute pa WHERE pa.attrelid = inh.inhparent AND pa.attname = a.attname AND NOT pa.attisdropped OFFSET 0) pa ON true "
                "JOIN pg_type t ON t.oid = a.atttypid "
                "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "LEFT JOIN pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum" +
                comment_join("dsc", "pg_class", "a.attrelid", "a.attnum") + comment_join("pdsc", "pg_class", "pa.attrelid", "pa.attnum") +
                "CROSS JOIN LATERAL (SELECT concat_ws(', ', "
                "  CASE WHEN pg_get_expr(d.adbin, d.adrelid) IS DISTINCT FROM pg_get_expr(pd.adbin, pd.adrelid) THEN CASE WHEN a.attgenerated = 's' OR pa.attgenerated = 's' THEN 'generated' ELSE 'default' END END, "
                "  CASE WHEN a.attnotnull AND NOT pa.attnotnull THEN 'not_null' END, "
                // PARTITION OF never gives a partition an identity of its own; CREATE TABLE (LIKE ... INCLUDING
                // IDENTITY) then ATTACH does, with a sequence of its own for rows inserted into the partition.
                "  CASE WHEN a.attidentity <> '' THEN 'identity' END, "
                "  CASE WHEN a.attstorage <> pa.attstorage THEN 'storage' END, "
                "  CASE WHEN a.attcompression <> '' AND a.attcompression <> pa.attcompression THEN 'compression' END, "
                "  CASE WHEN a.attstattarget >= 0 AND a.attstattarget <> pa.attstattarget THEN 'statistics' END, "
                "  CASE WHEN " + user_attoptions("a") + " <> coalesce(" + user_attoptions("pa") + ", '') THEN 'options' END, "
                "  CASE WHEN dsc.description <> coalesce(pdsc.description, '') THEN 'comment' END) AS what) dev "
                "WHERE c.relkind IN ('r', 'p', 'f') AND c.relispartition AND " + kUserNamespace +
                " AND " + rd.not_member("pg_class", "c.oid") + " AND dev.what <> '' "
                // What can make dev.what non-empty, on the two columns alone, so that the columns that cannot deviate
                // (nearly all) are dropped before their defaults, types and comments are looked up.
                "AND (a.atthasdef OR pa.atthasdef OR (a.attnotnull AND NOT pa.attnotnull) OR a.attidentity <> '' OR a.attstorage <> pa.attstorage "
                "  OR (a.attcompression <> '' AND a.attcompression <> pa.attcompression) OR (a.attstattarget >= 0 AND a.attstattarget <> pa.attstattarget) "
                "  OR NOT (a.attoptions IS NULL OR (cardinality(a.attoptions) = 1 AND a.attoptions[1] LIKE 'pg\\_attver=%')) "
                "  OR (a.attrelid, a.attnum::int) IN (SELECT x.objoid, x.objsubid FROM pg_description x WHERE x.classoid = 'pg_class'::regclass AND x.objsubid > 0))");
        conn.exec("SET LOCAL join_collapse_limit TO DEFAULT");
        // Constraints declared on tables. Clones are implied by the constraint they were cloned from (conparentid):
        // a partition's copies of its parent's keys and foreign keys, and the per-partition rows PostgreSQL adds for
        // a foreign key that references a partitioned table. CHECK constraints a partition inherits (coninhcount)
        // are implied by the parent's, whether the partition was created with PARTITION OF or attached later.
        // A constraint trigger's constraint row is left to the trigger, whose definition says everything.
        // Keys and foreign keys are spelled from pg_constraint's column arrays, their columns and the referenced table
        // named by the client (name_token); only CHECK and EXCLUDE go through pg_get_constraintdef(), whose cold-cache
        // cost is tens of microseconds per table.
        const std::string key_names = name_token("n", "con.conrelid", "array_to_string(con.conkey, ' ')");
        rd.load(std::string(
            "SELECT 'constraint', '', '', con.conrelid::int8 AS \"@relid\", quote_ident(con.conname) AS \"@name\", ") +
            "  CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclude' END AS constraint_type, "
            "  CASE con.contype "
            "    WHEN 'p' THEN 'PRIMARY KEY (' || " + key_names + " || ')' "
            "    WHEN 'u' THEN 'UNIQUE ' || CASE WHEN ix.indnullsnotdistinct THEN 'NULLS NOT DISTINCT ' ELSE '' END || '(' || " + key_names + " || ')' "
            "    WHEN 'f' THEN 'FOREIGN KEY (' || " + key_names + " || ') REFERENCES ' || " + name_token("r", "con.confrelid") +
            "      || '(' || " + name_token("n", "con.confrelid", "array_to_string(con.confkey, ' ')") + " || ')' "
            "      || CASE con.confmatchtype WHEN 'f' THEN ' MATCH FULL' WHEN 'p' THEN ' MATCH PARTIAL' ELSE '' END "
            "      || CASE con.confupdtype WHEN 'r' THEN ' ON UPDATE RESTRICT' WHEN 'c' THEN ' ON UPDATE CASCADE' WHEN 'n' THEN ' ON UPDATE SET NULL' WHEN 'd' THEN ' ON UPDATE SET DEFAULT' ELSE '' END "
            "      || CASE con.confdeltype WHEN 'r' THEN ' ON DELETE RESTRICT' WHEN 'c' THEN ' ON DELETE CASCADE' WHEN 'n' THEN ' ON DELETE SET NULL' WHEN 'd' THEN ' ON DELETE SET DEFAULT' ELSE '' END "
            // The columns ON DELETE SET NULL / SET DEFAULT sets are a set (kept in the order written): sorted by name.
            "      || CASE WHEN cardinality(con.confdelsetcols) > 0 THEN ' (' || (SELECT string_agg(quote_ident(sa.attname), ', ' ORDER BY sa.attname) "
            "           FROM pg_attribute sa WHERE sa.attrelid = con.conrelid AND sa.attnum = ANY (con.confdelsetcols)) || ')' ELSE '' END "
            "    " + (rd.on_demand ? "WHEN 'c' THEN " + token_sql("'c' || con.oid::int8",
                "CASE WHEN con.connoinherit THEN 'NO INHERIT ' ELSE '' END || CASE WHEN con.convalidated THEN '' ELSE 'NOT VALID ' END || con.conbin::text") + " "
                : std::string()) +
            "    ELSE pg_get_constraintdef(con.oid) END "
            // indkey as int2[] counts from 0: the included columns follow the indnkeyatts key columns.
            "  || CASE WHEN con.contype IN ('p', 'u') THEN CASE WHEN ix.indnatts > ix.indnkeyatts THEN ' INCLUDE (' || " +
            name_token("n", "ix.indrelid", "array_to_string((ix.indkey::int2[])[ix.indnkeyatts:], ' ')") + " || ')' ELSE '' END "
            "       || coalesce(' WITH (' || " + sorted_options("ix.reloptions", ", ") + " || ')', '') "
            "       || coalesce(' USING INDEX TABLESPACE ' || quote_ident(ix.spcname), '') ELSE '' END AS definition, "
            "  CASE WHEN con.condeferrable THEN CASE WHEN con.condeferred THEN 'initially deferred' ELSE 'initially immediate' END END AS deferrable, "
            "  CASE WHEN NOT con.convalidated THEN 'not valid' END AS validated, "
            "  CASE WHEN ix.indisclustered THEN 'true' END AS clustered, "
            "  con.oid::int8 AS \"@comment:pg_constraint\" "
            "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            // The index of a key, by lookups for keys only rather than hashes of all of pg_index and pg_class.
            "LEFT JOIN LATERAL (SELECT ix.indnullsnotdistinct, ix.indnatts, ix.indnkeyatts, ix.indrelid, ix.indkey, ix.indisclustered, ixc.reloptions, ts.spcname "
            "  FROM pg_index ix JOIN pg_class ixc ON ixc.oid = ix.indexrelid LEFT JOIN pg_tablespace ts ON ts.oid = ixc.reltablespace "
            "  WHERE ix.indexrelid = con.conindid AND con.contype IN ('p', 'u') OFFSET 0) ix ON true "
            "WHERE con.contypid = 0 AND con.contype <> 't' AND " + kUserNamespace + " AND con.conparentid = 0 "
            "  AND NOT (c.relispartition AND con.contype = 'c' AND con.coninhcount > 0) "
            "  AND " + rd.not_member("pg_class", "c.oid"), true);
        // A partition's copy of its parent's constraint with a comment of its own is an object of the partition for
        // that comment (differs_from_parent), like a column that deviates from its parent's.
        rd.load("SELECT 'constraint', '', '', con.conrelid::int8 AS \"@relid\", quote_ident(con.conname) AS \"@name\", "
                "  'comment' AS differs_from_parent, con.oid::int8 AS \"@comment:pg_constraint\" "
                "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE " + has_comment("pg_constraint", "con.oid") + " "
                "  AND con.contypid = 0 AND (con.conparentid <> 0 OR (c.relispartition AND con.contype = 'c' AND con.coninhcount > 0)) "
                "  AND " + std::string(kUserNamespace) + " AND " + rd.not_member("pg_class", "c.oid"));
        // Indexes, except those backing a constraint (the constraint stands for them) and partition indexes
        // attached to a parent index (the parent's index stands for them). A parent index records how many of the
        // table's partitions lack an attached index (only when some do), so a partition that is missing or extra is
        // one finding about the partition, not a second one about every index of the parent.
        // The definition is spelled from pg_index's arrays with set-based joins rather than pg_get_indexdef(), which
        // costs tens of microseconds per index in a fresh session; only expression columns and partial predicates
        // go through PostgreSQL's deparser. Key columns are named by the client (name_token).
        rd.load(std::string(
            "WITH idx AS MATERIALIZED ("
            "  SELECT i.indexrelid, i.indrelid, i.indisunique, i.indnullsnotdistinct, i.indisvalid, i.indisclustered, i.indnkeyatts, i.indpred, i.indexprs, "
            "    i.indkey, i.indclass, i.indoption, i.indcollation, ic.relname AS index_name, ic.relkind AS index_kind, "
            "    ic.reloptions AS index_options, ic.relam, ic.reltablespace, c.oid AS table_oid, c.relname AS table_name, "
            "    c.relkind AS table_kind, n.nspname "
            "  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid "
            "  JOIN pg_namespace n ON n.oid = c.relnamespace "
            "  WHERE ") + kUserNamespace + " AND c.relkind IN ('r', 'p', 'm') AND NOT ic.relispartition "
            "  "
            // One hashed scan of pg_constraint rather than a lookup of the table's constraints per index (both columns
            // are never NULL, so NOT IN is NOT EXISTS).
            "  AND (i.indexrelid, c.oid) NOT IN (SELECT con.conindid, con.conrelid FROM pg_constraint con WHERE con.contype IN ('p', 'u', 'x')) "
            "  AND " + rd.not_member("pg_class", "c.oid") + "), "
            "keys AS ("
            "  SELECT k.indexrelid, "
            "    string_agg(k.def, ', ' ORDER BY k.ord) FILTER (WHERE k.ord <= k.indnkeyatts) AS key_list, "
            "    string_agg(k.def, ', ' ORDER BY k.ord) FILTER (WHERE k.ord > k.indnkeyatts) AS include_list "
            "  FROM (SELECT x.indexrelid, x.indnkeyatts, u.ord, "
            "      CASE WHEN u.attnum = 0 THEN " + (rd.on_demand ? token_sql("'k' || x.indexrelid || '.' || u.ord", "u.ord || ' ' || x.indexprs::text")
                                                       : std::string("pg_get_indexdef(x.indexrelid, u.ord::int, false)")) +
            "      || CASE WHEN u.coll <> 0 THEN ' COLLATE ' || quote_ident(coll.collname) ELSE '' END "
            // A column is named by the client, which adds the COLLATE clause when the collation is not the column's
            // (included columns have none: indcollation lists the key columns only).
            "      ELSE " + name_token("k", "x.indrelid", "u.attnum || ':' || coalesce(u.coll, 0) || ':' || coalesce(quote_ident(coll.collname), '')") + " END "
            "      || CASE WHEN opc.oid IS NOT NULL AND NOT opc.opcdefault THEN ' ' || quote_ident(opc.opcname) ELSE '' END "
            "      || CASE WHEN u.opt & 1 = 1 THEN ' DESC' ELSE '' END "
            "      || CASE WHEN u.opt & 1 = 1 AND u.opt & 2 = 0 THEN ' NULLS LAST' WHEN u.opt & 1 = 0 AND u.opt & 2 = 2 THEN ' NULLS FIRST' ELSE '' END AS def "
            "    FROM idx x CROSS JOIN LATERAL ROWS FROM (unnest(x.indkey::int2[]), unnest(x.indclass::oid[]), unnest(x.indoption::int2[]), "
            "         unnest(x.indcollation::oid[])) WITH ORDINALITY AS u(attnum, opclass, opt, coll, ord) "
            "    LEFT JOIN pg_opclass opc ON opc.oid = u.opclass "
            "    LEFT JOIN pg_collation coll ON coll.oid = u.coll "
            // Indexes on columns only are spelled by the client from their arrays (name token i).
            "    WHERE x.indexprs IS NOT NULL) k "
            "  GROUP BY k.indexrelid), "
            // Operator class options (gist_trgm_ops (siglen = 32)) live in the index's own columns' attoptions. Only
            // operator classes whose family has the access method's options function take any (PostgreSQL refuses
            // them otherwise): the indexes using one are found from the few such classes, not by reading every index's
            // columns. The options function's number is the built-in access methods' own; others are always read.
            "iopts AS ("
            "  SELECT a.attrelid, string_agg(a.attnum || ': ' || " + sorted_options("a.attoptions", ", ") + ", '; ' ORDER BY a.attnum) AS options "
            "  FROM idx x JOIN pg_attribute a ON a.attrelid = x.indexrelid "
            "  WHERE x.indclass::oid[] && (SELECT array_agg(o.oid) FROM pg_opclass o WHERE o.opcmethod NOT IN (403, 405, 783, 2742, 4000, 3580) "
            "      OR EXISTS (SELECT 1 FROM pg_amproc p WHERE p.amprocfamily = o.opcfamily AND p.amprocnum = "
            "        CASE o.opcmethod WHEN 405 THEN 3 WHEN 783 THEN 10 WHEN 2742 THEN 7 WHEN 4000 THEN 6 ELSE 5 END)) "
            "    AND a.attoptions IS NOT NULL GROUP BY a.attrelid) "
            "SELECT 'index', quote_ident(x.nspname) || '.' || quote_ident(x.index_name), '', x.indrelid::int8 AS \"@parent\", "
            "  'CREATE ' || CASE WHEN x.indisunique THEN 'UNIQUE ' ELSE '' END || 'INDEX ON ' || CASE WHEN x.table_kind = 'p' THEN 'ONLY ' ELSE '' END "
            "    || " + name_token("r", "x.indrelid") + " || ' USING ' || quote_ident(am.amname) "
            "    || CASE WHEN x.indexprs IS NULL THEN " + name_token("i", "x.indrelid",
                   "x.indnkeyatts || ':' || x.indkey::text || ':' || x.indclass::text || ':' || x.indoption::text || ':' || x.indcollation::text") +
            "      ELSE ' (' || keys.key_list || ')' || coalesce(' INCLUDE (' || keys.include_list || ')', '') END "
            "    || CASE WHEN x.indnullsnotdistinct THEN ' NULLS NOT DISTINCT' ELSE '' END "
            "    || coalesce(' WITH (' || " + sorted_options("x.index_options", ", ") + " || ')', '') "
            "    || coalesce(' TABLESPACE ' || quote_ident(ts.spcname), '') "
            "    || coalesce(' WHERE (' || " + (rd.on_demand ? token_sql("'p' || x.indexrelid::int8", "x.indpred::text") : std::string("pg_get_expr(x.indpred, x.indrelid)")) +
            " || ')', '') AS definition, "
            "  CASE WHEN NOT x.indisvalid THEN 'invalid' END AS validity, "
            "  iopts.options AS opclass_options, CASE WHEN x.indisclustered THEN 'true' END AS clustered, "
            "  CASE WHEN x.index_kind = 'I' THEN NULLIF((SELECT count(*) FROM pg_inherits pt JOIN pg_class ptc ON ptc.oid = pt.inhrelid "
            "     WHERE pt.inhparent = x.table_oid AND ptc.relkind <> 'f' AND NOT EXISTS (SELECT 1 FROM pg_inherits ih JOIN pg_index pi ON pi.indexrelid = ih.inhrelid "
            "     WHERE ih.inhparent = x.indexrelid AND pi.indrelid = pt.inhrelid)), 0)::text END AS partitions_without_index, "
            "  x.indexrelid::int8 AS \"@comment:pg_class\" "
            "FROM idx x LEFT JOIN keys ON keys.indexrelid = x.indexrelid LEFT JOIN iopts ON iopts.attrelid = x.indexrelid JOIN pg_am am ON am.oid = x.relam "
            "LEFT JOIN pg_tablespace ts ON ts.oid = x.reltablespace", true);
        // A partition's index attached to its parent's index is implied by it, except what it may set on its own:
        // storage parameters, a tablespace, a comment. One that does is an object of the partition (differs_from_parent
        // says what), like a partition's column that deviates from its parent's.
        rd.load("SELECT 'index', quote_ident(n.nspname) || '.' || quote_ident(ic.relname), '', i.indrelid::int8 AS \"@parent\", "
                "  concat_ws(', ', CASE WHEN " + has_comment("pg_class", "ic.oid") + " THEN 'comment' END, "
                "    CASE WHEN ic.reloptions::text[] IS DISTINCT FROM pic.reloptions::text[] THEN 'options' END, "
                "    CASE WHEN ic.reltablespace <> pic.reltablespace THEN 'tablespace' END) AS differs_from_parent, "
                "  quote_ident(pn.nspname) || '.' || quote_ident(pic.relname) AS attached_to, " +
                sorted_options("ic.reloptions", ", ") + " AS options, ts.spcname AS tablespace, ic.oid::int8 AS \"@comment:pg_class\" "
                "FROM pg_inherits inh JOIN pg_class ic ON ic.oid = inh.inhrelid JOIN pg_class pic ON pic.oid = inh.inhparent "
                "JOIN pg_namespace n ON n.oid = ic.relnamespace JOIN pg_index i ON i.indexrelid = ic.oid "
                "JOIN pg_namespace pn ON pn.oid = pic.relnamespace LEFT JOIN pg_tablespace ts ON ts.oid = ic.reltablespace "
                "WHERE ic.relkind IN ('i', 'I') AND " + kUserNamespace +
                " AND (" + has_comment("pg_class", "ic.oid") + " "
                "  OR ic.reloptions::text[] IS DISTINCT FROM pic.reloptions::text[] OR ic.reltablespace <> pic.reltablespace)");
        rd.load(std::string("SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized-view' END, ") + rel_id("c") + ", '', "
                "  pg_get_viewdef(c.oid, true) AS definition, " + sorted_options("c.reloptions", ",") + " AS reloptions, "
                "  " + toast_reloptions("c") + ", c.oid::int8 AS \"@comment:pg_class\", " + rd.owner_and_acl("c.relowner", "c.relacl", 'r') +
                // Found from their _RETURN rules (every view and materialized view has one) rather than by a scan of pg_class.
                "FROM pg_rewrite rw JOIN pg_class c ON c.oid = rw.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace " +
                "WHERE rw.rulename = '_RETURN' AND c.relkind IN ('v', 'm') AND " + kUserNamespace +
                " AND " + rd.not_member("pg_class", "c.oid"));
        // Columns of views and materialized views, which their definition implies, except what may be set on them
        // apart: a default (ALTER VIEW ... ALTER col SET DEFAULT), GRANTs on the column and a comment. Only columns
        // with one of those are objects. Not asked when the query above found no view.
        auto any_of_kind = [&](const char* kind) {
            auto it = snap.objects.lower_bound(snapshot_key(kind, ""));
            return it != snap.objects.end() && it->second.kind == kind;
        };
        if (any_of_kind("view") || any_of_kind("materialized-view")) {
            rd.load("SELECT 'column', '', '', pg_get_expr(d.adbin, 0) AS \"default\", " + rd.column_acl("a") + ", dsc.description AS comment, "
                    "  a.attrelid::int8 AS \"@relid\", quote_ident(a.attname) AS \"@name\" "
                    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum" + comment_join("dsc", "pg_class", "a.attrelid", "a.attnum") +
                    "WHERE c.relkind IN ('v', 'm') AND a.attnum > 0 AND NOT a.attisdropped AND (a.atthasdef OR a.attacl IS NOT NULL OR dsc.description IS NOT NULL) "
                    "AND " + kUserNamespace + " AND " + rd.not_member("pg_class", "c.oid"));
        }
        // Sequences behind identity columns are part of the column's definition: their parameters, found from their
        // dependency on the column, become the column's identity_sequence (see identity_sequences).
        const std::string identity_oids = rd.identity_sequences(
            "SELECT s.seqrelid::int8, d.refobjid::int8, d.refobjsubid, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle "
            // A lookup of each sequence's dependencies (fenced: the planner would rather scan all of pg_depend).
            "FROM pg_sequence s JOIN LATERAL (SELECT d.refobjid, d.refobjsubid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
            "  AND d.objid = s.seqrelid AND d.objsubid = 0 AND d.deptype = 'i' AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 OFFSET 0) d ON true");
        // The other sequences. One owned by a column (serial) hangs off that column's table: it goes with the table,
        // and has the table's owner (PostgreSQL keeps them the same), so its own owner is left to the table's.
        rd.load_params(std::string("SELECT 'sequence', ") + rel_id("c") + ", coalesce(own.table_id, ''), "
                "  format_type(s.seqtypid, NULL) AS data_type, s.seqstart::text AS start, s.seqincrement::text AS increment, "
                "  s.seqmin::text AS min, s.seqmax::text AS max, s.seqcache::text AS cache, CASE WHEN s.seqcycle THEN 'true' END AS cycle, "
                "  own.column_id AS owned_by, c.oid::int8 AS \"@comment:pg_class\", "
                // Unlogged, or not like its owning table (whose persistence an owned sequence follows): a table made
                // unlogged takes its serials' sequences along, which is the table's finding.
                "  CASE WHEN c.relpersistence <> coalesce(own.table_persistence, 'p') THEN CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'logged' END END AS persistence, " +
                (rd.owners || rd.privileges ? "  CASE WHEN own.table_id IS NULL THEN pg_get_userbyid(c.relowner) END AS owner, " : "") +
                (rd.privileges ? "  coalesce(c.relacl, acldefault('s', c.relowner))::text AS privileges, " : "") +
                "  c.oid::int8 AS \"@oid\" "
                // From pg_sequence, without the identity sequences, to their pg_class rows: a scan of pg_class costs more.
                "FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "LEFT JOIN LATERAL (SELECT quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) AS table_id, "
                "     quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) || '.' || quote_ident(ta.attname) AS column_id, tc.relpersistence AS table_persistence FROM pg_depend d "
                "     JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace "
                "     JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid "
                "     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.objid = c.oid "
                "     AND d.deptype = 'a' AND d.refobjsubid > 0 "
                "     ORDER BY 2 LIMIT 1) own ON true "
                // A hashed subplan: NOT (... = ANY ($1)) would be estimated element by element at planning.
                "WHERE s.seqrelid NOT IN (SELECT unnest($1::oid[])) AND " + kUserNamespace + " AND " + rd.not_member("pg_class", "c.oid"),
                {identity_oids});
        // A function is identified by its name and argument types, as PostgreSQL identifies it: renaming a parameter
        // changes its definition, not which function it is.
        rd.load(std::string("SELECT 'function', quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')', '', "
                "  CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END AS function_kind, "
                // pg_get_functiondef refuses aggregates: theirs is spelled from pg_aggregate.
                "  CASE WHEN p.prokind = 'a' THEN concat_ws(' ', 'AGGREGATE', format_type(p.prorettype, NULL), 'kind=' || ag.aggkind::text, "
                "     'sfunc=' || ag.aggtransfn::regprocedure::text, 'stype=' || format_type(ag.aggtranstype, NULL), "
                "     'finalfunc=' || NULLIF(ag.aggfinalfn, 0)::regprocedure::text, 'combinefunc=' || NULLIF(ag.aggcombinefn, 0)::regprocedure::text, "
                "     'msfunc=' || NULLIF(ag.aggmtransfn, 0)::regprocedure::text, 'sortop=' || NULLIF(ag.aggsortop, 0)::regoperator::text, "
                "     'initcond=' || quote_literal(ag.agginitval), 'minitcond=' || quote_literal(ag.aggminitval), "
                "     CASE WHEN p.proparallel <> 'u' THEN 'parallel=' || p.proparallel::text END) "
                "  ELSE pg_get_functiondef(p.oid) END AS definition, p.oid::int8 AS \"@comment:pg_proc\", " + rd.owner_and_acl("p.proowner", "p.proacl", 'f') +
                "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid "
                "WHERE p.prokind IN ('f', 'p', 'a', 'w') AND ") + kUserNamespace + " AND " + rd.not_member("pg_proc", "p.oid") +
                // Functions PostgreSQL creates as part of another object (a range type's constructors) go with it.
                " AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_proc'::regclass AND dep.objid = p.oid AND dep.deptype = 'i')");
        {
            const std::string prefix = snapshot_key("function", "");
            for (auto it = snap.objects.lower_bound(prefix); it != snap.objects.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
                auto def = it->second.attrs.find("definition");
                if (def != it->second.attrs.end()) sort_function_settings(def->second);
            }
        }
        // Triggers; clones that a partition receives from its parent's trigger are implied by the parent's.
        rd.load(std::string("SELECT 'trigger', ") + rel_id("c") + " || '.' || quote_ident(tg.tgname), " + rel_id("c") + ", "
                "  regexp_replace(pg_get_triggerdef(tg.oid, true), '^CREATE (CONSTRAINT )?TRIGGER (\"([^\"]|\"\")+\"|\\S+) ', 'CREATE \\1TRIGGER ') AS definition, "
                "  CASE tg.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled, "
                "  tg.oid::int8 AS \"@comment:pg_trigger\" "
                "FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE NOT tg.tgisinternal AND tg.tgparentid = 0 AND " + kUserNamespace + " AND " + rd.not_member("pg_class", "c.oid"));
        // A clone enabled or disabled on its partition alone (ALTER TABLE partition DISABLE TRIGGER), or with a comment of
        // its own, is no longer implied by its parent's trigger: it is an object of the partition, like a column that
        // deviates from its parent's.
        rd.load(std::string("SELECT 'trigger', ") + rel_id("c") + " || '.' || quote_ident(tg.tgname), " + rel_id("c") + ", "
                "  regexp_replace(pg_get_triggerdef(tg.oid, true), '^CREATE (CONSTRAINT )?TRIGGER (\"([^\"]|\"\")+\"|\\S+) ', 'CREATE \\1TRIGGER ') AS definition, "
                "  CASE tg.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' ELSE 'enabled' END AS enabled, "
                "  concat_ws(', ', CASE WHEN tg.tgenabled <> pt.tgenabled THEN 'enabled' END, "
                "    CASE WHEN " + has_comment("pg_trigger", "tg.oid") + " "
                "    THEN 'comment' END) AS differs_from_parent, tg.oid::int8 AS \"@comment:pg_trigger\" "
                "FROM pg_trigger tg JOIN pg_trigger pt ON pt.oid = tg.tgparentid JOIN pg_class c ON c.oid = tg.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE tg.tgparentid <> 0 AND NOT tg.tgisinternal AND (tg.tgenabled <> pt.tgenabled "
                "  OR " + has_comment("pg_trigger", "tg.oid") + ") AND " +
                kUserNamespace + " AND " +
                rd.not_member("pg_class", "c.oid"));
        {
            const std::string prefix = snapshot_key("trigger", "");
            for (auto it = snap.objects.lower_bound(prefix); it != snap.objects.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
                auto def = it->second.attrs.find("definition");
                if (def != it->second.attrs.end()) sort_trigger_columns(def->second);
            }
        }
        // Row-level security policies.
        rd.load(std::string("SELECT 'policy', ") + rel_id("c") + " || '.' || quote_ident(pol.polname), " + rel_id("c") + ", "
                "  CASE pol.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update' WHEN 'd' THEN 'delete' ELSE 'all' END AS command, "
                "  CASE WHEN pol.polpermissive THEN 'permissive' ELSE 'restrictive' END AS mode, "
                "  (SELECT string_agg(rn, ', ' ORDER BY rn) FROM (SELECT CASE WHEN r = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(r)) END AS rn "
                "     FROM unnest(pol.polroles) r) roles) AS roles, "
                "  pg_get_expr(pol.polqual, pol.polrelid) AS \"using\", pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check, "
                "  pol.oid::int8 AS \"@comment:pg_policy\" "
                "FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE " + kUserNamespace + " AND " + rd.not_member("pg_class", "c.oid"));
        // Rewrite rules other than the ones views are made of (_RETURN). The rule's relation is its parent.
        rd.load(std::string("SELECT 'rule', ") + rel_id("c") + " || '.' || quote_ident(r.rulename), " + rel_id("c") + ", "
                "  pg_get_ruledef(r.oid, true) AS definition, "
                "  CASE r.ev_enabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled, "
                "  r.oid::int8 AS \"@comment:pg_rewrite\" "
                "FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace " +
                "WHERE r.rulename <> '_RETURN' AND " + kUserNamespace + " AND " + rd.not_member("pg_class", "c.oid"));
        // Extended statistics, on the table they describe. Columns are a set (PostgreSQL keeps them in column
        // order, which differs between databases whose columns were added in another order): sorted by name.
        // Expressions keep the order they were declared in.
        rd.load(std::string("SELECT 'statistics', quote_ident(sn.nspname) || '.' || quote_ident(s.stxname), ") + rel_id("c") + ", " +
                rel_id("c") + " AS \"table\", "
                "  (SELECT string_agg(CASE k WHEN 'd' THEN 'ndistinct' WHEN 'f' THEN 'dependencies' WHEN 'm' THEN 'mcv' "
                "     WHEN 'e' THEN 'expressions' ELSE k::text END, ', ' ORDER BY o) FROM unnest(s.stxkind) WITH ORDINALITY u(k, o)) AS kinds, "
                "  (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attname) FROM unnest(s.stxkeys::int2[]) u(attnum) "
                "     JOIN pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = u.attnum) AS columns, "
                "  CASE WHEN s.stxexprs IS NOT NULL THEN array_to_string(pg_get_statisticsobjdef_expressions(s.oid), ', ') END AS expressions, "
                "  CASE WHEN s.stxstattarget >= 0 THEN s.stxstattarget::text END AS statistics_target, "
                "  pg_get_userbyid(s.stxowner) AS owner, s.oid::int8 AS \"@comment:pg_statistic_ext\" "
                "FROM pg_statistic_ext s JOIN pg_namespace sn ON sn.oid = s.stxnamespace JOIN pg_class c ON c.oid = s.stxrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace " +
                "WHERE " + kUserNamespace + " AND " + rd.not_member("pg_class", "c.oid") + " AND " +
                rd.not_member("pg_statistic_ext", "s.oid"));
        // Publications: what they publish (all tables, or tables with their column lists and row filters, and
        // whole schemas), which actions, and through which root.
        rd.load("WITH rels AS ("
                "  SELECT pr.prpubid, string_agg(quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                "    || coalesce(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attname) FROM unnest(pr.prattrs::int2[]) u(attnum) "
                "       JOIN pg_attribute a ON a.attrelid = pr.prrelid AND a.attnum = u.attnum) || ')', '') "
                "    || coalesce(' WHERE (' || pg_get_expr(pr.prqual, pr.prrelid) || ')', ''), ', ' ORDER BY n.nspname, c.relname) AS tables "
                "  FROM pg_publication_rel pr JOIN pg_class c ON c.oid = pr.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "  GROUP BY pr.prpubid), "
                "schemas AS ("
                "  SELECT pn.pnpubid, string_agg(quote_ident(n.nspname), ', ' ORDER BY n.nspname) AS schemas "
                "  FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid GROUP BY pn.pnpubid) "
                "SELECT 'publication', quote_ident(p.pubname), '', "
                "  CASE WHEN p.puballtables THEN 'true' END AS all_tables, rels.tables, schemas.schemas, "
                "  coalesce(NULLIF(concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END, "
                "    CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END), ''), 'none') AS publish, "
                "  CASE WHEN p.pubviaroot THEN 'true' END AS publish_via_partition_root, "
                "  pg_get_userbyid(p.pubowner) AS owner, p.oid::int8 AS \"@comment:pg_publication\" "
                "FROM pg_publication p LEFT JOIN rels ON rels.prpubid = p.oid LEFT JOIN schemas ON schemas.pnpubid = p.oid");
        // Event triggers: the event, the command tags they are limited to (a set), the function they run.
        rd.load("SELECT 'event-trigger', quote_ident(e.evtname), '', e.evtevent AS event, "
                "  CASE WHEN e.evttags IS NOT NULL THEN array_to_string(ARRAY(SELECT t FROM unnest(e.evttags) t ORDER BY t COLLATE \"C\"), ', ') END AS tags, "
                "  quote_ident(fn.nspname) || '.' || quote_ident(f.proname) || '(' || oidvectortypes(f.proargtypes) || ')' AS function, "
                "  CASE e.evtenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled, "
                "  pg_get_userbyid(e.evtowner) AS owner, e.oid::int8 AS \"@comment:pg_event_trigger\" "
                "FROM pg_event_trigger e JOIN pg_proc f ON f.oid = e.evtfoid JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE " + rd.not_member("pg_event_trigger", "e.oid"));
        // Deferred expressions whose comparable form promises nothing are spelled now, so that every one left
        // deferred compares equal exactly when its spelling would.
        if (!rd.unpromised.empty()) resolve_deferred(conn, snap, rd.unpromised);
        conn.exec("COMMIT");
    } catch (...) {
        try {
            conn.exec("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
    // The public schema is an object only when it is not as a fresh database has it (a comment, an owner or
    // privileges changed), so two fresh databases never differ by it; the diff compares a side without it as the
    // default public schema.
    auto pub = snap.objects.find(snapshot_key("schema", "public"));
    Attrs fresh_public = default_public_schema().attrs;  // as far as this scope reads it
    if (!scope.owners && !scope.privileges) fresh_public.erase("owner");
    if (!scope.privileges) fresh_public.erase("privileges");
    if (pub != snap.objects.end() && pub->second.attrs == fresh_public) snap.objects.erase(pub);
    // Columns arrive with their attnum, which dropped columns leave gaps in: renumber 1..n per table here
    // rather than with a window function on the server.
    // The columns with a position are those of the columns query, noted by table as they were read.
    for (auto& [table, cols] : rd.positions) {
        std::sort(cols.begin(), cols.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        int position = 0;
        for (auto& c : cols) c.second->attrs[kColumnPositionAttr] = std::to_string(++position);
    }
    return snap;
}

}  // namespace pggate
