#pragma once
#include <map>
#include <vector>

#include "harness/catalog.h"
#include "harness/replay.h"
#include "reports/report.h"

namespace pggate {

// schema-equality: every replayed path builds the same schema as the reference path (default: chain).
GateResult run_schema_equality_gate(const std::map<std::string, Snapshot>& snapshots, const std::vector<PathResult>& paths,
                                    const Config& cfg);

// The findings for one pair, shared with `pggate diff`.
std::vector<Finding> schema_findings(const Snapshot& reference, const Snapshot& other, const std::string& reference_name,
                                     const std::string& other_name, const SchemaEqualityConfig& policy);

}  // namespace pggate
