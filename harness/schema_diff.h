// Differences between two snapshots, typed by object kind and change, with both sides' definitions.
#pragma once
#include <string>
#include <vector>

#include "harness/catalog.h"
#include "harness/config.h"

namespace pggate {

struct SchemaDifference {
    std::string kind;    // object kind, or "column-order"
    std::string id;
    std::string change;  // missing (only in the reference) | extra (only in the other) | changed
    std::string reference_definition;  // "attr=value; ..." of the reference side, empty when absent
    std::string other_definition;
    std::vector<std::string> changed_attrs;
};

using DiffPolicy = SchemaPolicy;

// Owners, privileges and comments are compared as the policy says. Partitions are matched by name or by (parent,
// bound) as policy.partitions says, then by the other key among those left: a partition renamed with its bound
// kept is one finding (changed, "name") by name and none by bounds; a changed bound is one finding either way.
// The other side's matched partitions and their parts take the reference's identities.
std::vector<SchemaDifference> diff_snapshots(const Snapshot& reference, const Snapshot& other, const DiffPolicy& policy);
bool is_ignored(const CatalogObject& o, const std::vector<IgnoreRule>& rules);
std::string render_definition(const CatalogObject& o);

}  // namespace pggate
