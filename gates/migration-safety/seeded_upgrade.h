// The seeded upgrade: the chain applied up to the seed revision, the scenario's data loaded, then every
// later migration applied one statement at a time inside its transaction and measured (step_rules.h);
// at head the invariants run: the scenario's SQL assertions, row counts of pre-existing tables, and
// constraints the chain added left NOT VALID or indexes left INVALID.
#pragma once
#include "gates/migration-safety/migration_safety_gate.h"

namespace pggate {

struct Database;

// Adds findings and metrics (seeded_rows, measured_statements, seeded_upgrade_ms) to `gate`.
// Returns the revisions whose statements were measured (the static pass skips those).
std::vector<std::string> run_seeded_upgrade(const MigrationSafetyOptions& options, const Config& cfg, const ReplayPlan& plan,
                                            const Database& db, GateResult& gate);

}  // namespace pggate
