// A database's schema as one normalized, deterministic model: every object is a kind, a stable identity,
// its parent, and a flat, ordered map of attributes that define it. Read with set-based catalog queries
// (one per object kind, never one per table), so the cost does not grow with round trips.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pggate {

class PgConn;

// An object's attributes, sorted by name, in one flat vector: a snapshot holds a few hundred thousand of them, and a
// tree node apiece made allocation the largest part of the client's time. Read as a std::map would be.
class Attrs {
public:
    using value_type = std::pair<std::string, std::string>;
    using iterator = std::vector<value_type>::iterator;
    using const_iterator = std::vector<value_type>::const_iterator;

    Attrs() = default;
    Attrs(std::initializer_list<value_type> items);
    Attrs(const std::map<std::string, std::string>& items) : items_(items.begin(), items.end()) {}

    iterator begin() { return items_.begin(); }
    iterator end() { return items_.end(); }
    const_iterator begin() const { return items_.begin(); }
    const_iterator end() const { return items_.end(); }
    size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }
    void reserve(size_t n) { items_.reserve(n); }

    iterator find(std::string_view name);
    const_iterator find(std::string_view name) const;
    size_t count(std::string_view name) const { return find(name) == end() ? 0 : 1; }
    const std::string& at(std::string_view name) const;  // throws std::out_of_range
    std::string& operator[](std::string_view name);       // inserts an empty value when absent
    // Appends when `name` sorts after every attribute present (how rows are read: columns in name order are not
    // guaranteed, so this falls back to a sorted insert); an existing attribute keeps its value.
    void add(std::string_view name, std::string value);
    size_t erase(std::string_view name);
    iterator erase(const_iterator it) { return items_.erase(it); }

    bool operator==(const Attrs& other) const { return items_ == other.items_; }

private:
    iterator lower_bound(std::string_view name);
    std::vector<value_type> items_;
};

struct CatalogObject {
    std::string kind;    // schema, extension, type, table, partition, column, constraint, index, view, ...,
                         // statistics, rule, publication, event-trigger (see kind_rank)
    std::string id;      // schema-qualified identity, e.g. public.instances, public.instances.name
    std::string parent;  // id of the owning table/type; empty for top-level objects
    Attrs attrs;         // the definition; compared attribute by attribute
};

// An expression whose deparsing (pg_get_constraintdef, pg_get_expr, pg_get_indexdef) was put off: in attribute
// values it stands as a token "\x01<serial>\x02<comparable form>\x03" until resolve_deferred() replaces it.
struct DeferredExpr {
    std::string request;  // what to ask the server: c<constraint oid>, p<index oid> (predicate), k<index oid>.<column>,
                          // d<table oid>.<attnum> (a column default)
    std::string key;      // snapshot key of the object holding it
    std::string attr;     // attribute holding it
};

struct Snapshot {
    std::string server_version;
    std::map<std::string, CatalogObject> objects;  // keyed by kind + ":" + id, so iteration is deterministic
    // Only for snapshots read with Deparse::on_demand. Deferred expressions by serial, and what must be equal
    // between two servers for equal comparable forms to mean equal deparsed text (version, output settings,
    // user objects that could change how built-in ones are spelled).
    std::vector<DeferredExpr> deferred;
    std::string deparse_context;
};

// Attributes that describe physical placement, not the schema; compared only when policy asks.
inline constexpr const char* kColumnPositionAttr = "position";

// Owners (attribute "owner") and ACLs ("privileges": sorted grantee=privileges/grantor items, the owner written
// <owner>, everyone PUBLIC, NULL read as PostgreSQL's default ACL) are read unless the ReadScope leaves them out;
// the diff compares them only when its policy asks.
// Deparse::now spells every expression (the model `pggate snapshot` writes and lock files hold). Deparse::on_demand
// is for comparing two live databases: CHECK expressions, column defaults and index predicates and expressions (the deparsing of
// which opens every table, tens of microseconds each) are read as their stored node trees and compared in that
// form; resolve_deferred() spells those that a comparison needs. A node tree stands in only when its comparable
// form guarantees the spelling (see comparable_node_tree); the others are spelled before read_snapshot returns.
enum class Deparse { now, on_demand };
// What a snapshot holds besides the schema's definition. A comparison whose policy leaves owners or privileges out
// need not read them (pg_get_userbyid and the ACL of every table, sequence, type and function).
struct ReadScope {
    bool owners = true;
    bool privileges = true;
};
Snapshot read_snapshot(PgConn& conn, Deparse mode = Deparse::now, ReadScope scope = {});
// Spells the deferred expressions with these serials (in the database `snap` was read from) into their values.
void resolve_deferred(PgConn& conn, Snapshot& snap, const std::vector<size_t>& serials);
// Serials of the deferred expressions a text (an attribute value, a rendered definition) holds.
std::vector<size_t> deferred_serials(const std::string& text);
// Attribute values compared with deferred expressions' serials left out (they number each side's own list).
bool same_value(const std::string& a, const std::string& b);
// A node tree (pg_node_tree text) in a form that is equal between two databases only if PostgreSQL deparses both
// the same way there: source locations dropped, column numbers replaced by the names `columns` gives them
// (indexed by attnum). nullopt when that cannot be promised: a column it does not know, or any number that could
// be the OID of a user object (>= 12000: OIDs below are PostgreSQL's own, fixed per version; user objects' differ
// between databases).
std::optional<std::string> comparable_node_tree(const std::string& tree, const std::vector<std::string>* columns);
// The public schema as a fresh database (PostgreSQL 15 and later) has it. Snapshots leave it out while it is
// like this, so a snapshot without it stands for this one.
const CatalogObject& default_public_schema();
std::string snapshot_key(const std::string& kind, const std::string& id);
// Ordering of kinds for output: containers before their parts.
int kind_rank(const std::string& kind);

}  // namespace pggate
