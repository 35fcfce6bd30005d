#pragma once
#include <vector>

#include "harness/replay.h"
#include "reports/report.h"

namespace pggate {

// replay: every configured path applies cleanly; the chain itself is well formed.
// A failing init or chain path is an error (the schema cannot be built, so later gates cannot run);
// a failing init-upgrade path is a failure (drift between the init script and the chain).
GateResult run_replay_gate(const std::vector<PathResult>& paths, const MigrationChain& chain, const Config& cfg);

}  // namespace pggate
