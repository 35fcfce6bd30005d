// A database's schema as one normalized, deterministic model: every object is a kind, a stable identity,
// its parent, and a flat, ordered map of attributes that define it. Read with set-based catalog queries
// (one per object kind, never one per table), so the cost does not grow with round trips.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace pggate {

class PgConn;

struct CatalogObject {
    std::string kind;    // schema, extension, type, table, partition, column, constraint, index, view, ...,
                         // statistics, rule, publication, event-trigger (see kind_rank)
    std::string id;      // schema-qualified identity, e.g. public.instances, public.instances.name
    std::string parent;  // id of the owning table/type; empty for top-level objects
    std::map<std::string, std::string> attrs;  // the definition; compared attribute by attribute
};

struct Snapshot {
    std::string server_version;
    std::map<std::string, CatalogObject> objects;  // keyed by kind + ":" + id, so iteration is deterministic
};

// Attributes that describe physical placement, not the schema; compared only when policy asks.
inline constexpr const char* kColumnPositionAttr = "position";

// Owners (attribute "owner") and ACLs ("privileges": sorted grantee=privileges/grantor items, the owner written
// <owner>, everyone PUBLIC, NULL read as PostgreSQL's default ACL) are always read; the diff compares them only
// when its policy asks.
Snapshot read_snapshot(PgConn& conn);
// The public schema as a fresh database (PostgreSQL 15 and later) has it. Snapshots leave it out while it is
// like this, so a snapshot without it stands for this one.
const CatalogObject& default_public_schema();
std::string snapshot_key(const std::string& kind, const std::string& id);
// Ordering of kinds for output: containers before their parts.
int kind_rank(const std::string& kind);

}  // namespace pggate
