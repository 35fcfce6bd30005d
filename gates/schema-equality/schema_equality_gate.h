#pragma once
#include <map>
#include <vector>

#include "harness/catalog.h"
#include "harness/replay.h"
#include "harness/schema_diff.h"
#include "reports/report.h"

namespace pggate {

// schema-equality: every replayed path builds the same schema as the reference path (default: chain),
// and, with a lock file (the committed expected schema), the same schema as the lock: so drift is
// caught even when all paths drift together. `lock` is null when none is configured or it is missing.
GateResult run_schema_equality_gate(const std::map<std::string, Snapshot>& snapshots, const std::vector<PathResult>& paths,
                                    const Config& cfg, const Snapshot* lock);

// The findings for one pair, shared with `pggate diff`.
std::vector<Finding> schema_findings(const Snapshot& reference, const Snapshot& other, const std::string& reference_name,
                                     const std::string& other_name, const SchemaPolicy& policy);
// The same, from differences already computed (diff_databases).
std::vector<Finding> schema_findings(const std::vector<SchemaDifference>& differences, const std::string& reference_name,
                                     const std::string& other_name, const SchemaPolicy& policy);

}  // namespace pggate
