// Reversibility: every revision's down step restores the schema before its up step (per revision: up,
// snapshot, down, compare, up again), and the whole chain goes down to an empty database. Compared as
// catalog snapshots (harness/schema_diff.h), not as text.
#pragma once
#include "gates/migration-safety/migration_safety_gate.h"

namespace pggate {

struct Database;

// Adds findings and metrics (reversibility_ms, revisions_reversed) to `gate`.
void check_reversibility(const MigrationSafetyOptions& options, const Config& cfg, const ReplayPlan& plan, const Database& db,
                         GateResult& gate);

}  // namespace pggate
