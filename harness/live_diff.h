// Comparing two live databases (`pggate diff`): both read at once with expressions deparsed on demand, then only
// the expressions that the differences show are spelled, so the result is the one two fully spelled snapshots give.
#pragma once
#include <string>
#include <vector>

#include "harness/catalog.h"
#include "harness/schema_diff.h"

namespace pggate {

struct LiveDiff {
    Snapshot reference, other;  // as compared: deferred expressions that no difference shows stay deferred
    std::vector<SchemaDifference> differences;
    size_t spelled = 0;  // deferred expressions spelled after reading, both sides
};

// Throws PgError when either database cannot be read.
LiveDiff diff_databases(const std::string& dsn_reference, const std::string& dsn_other, const DiffPolicy& policy);

}  // namespace pggate
