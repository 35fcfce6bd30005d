// Reversibility: every revision's down step restores the schema before its up step (per revision: up,
// snapshot, down, compare, up again), and the whole chain goes down to an empty database. Compared as
// catalog snapshots (harness/schema_diff.h), not as text.
#pragma once
#include <functional>
#include <string>

#include "harness/provider.h"
#include "gates/migration-safety/migration_safety_gate.h"

namespace pggate {

// Adds findings and metrics (reversibility_ms, revisions_reversed) to `gate`. Databases come from
// `new_database` (one, or two for long chains walked in halves side by side).
void check_reversibility(const MigrationSafetyOptions& options, const Config& cfg, const ReplayPlan& plan,
                         const std::function<Database(const std::string&)>& new_database, GateResult& gate);

}  // namespace pggate
