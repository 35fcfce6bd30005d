// The `partition-pruning` gate: each declared query is EXPLAINed (harness/explain.h) on the replayed
// database and must not scan more leaf partitions of its declared partitioned table(s) than allowed.
// Rule ids, statuses and examples: gates/partition-pruning/README.md.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace YAML {
class Node;
}

namespace pggate {

struct PruningQuery {
    std::string name;
    std::string file;                  // as written in pggate.yaml (relative to its folder); empty for inline sql
    std::string sql;                   // the statement sent (from the file, or inline)
    Location location;                 // the statement's first line in its file, or the `sql:` key in pggate.yaml
    std::vector<std::string> params;   // $1, $2, … as text
    std::vector<std::string> tables;   // declared partitioned tables (at least one)
    std::optional<int> max_partitions; // at most this many leaves scanned per declared table
    std::optional<double> max_share;   // at most this share (0..1] of the leaves that exist
    bool generic_plan = false;         // PREPARE + force_generic_plan: executor-start pruning
    bool analyze = false;              // EXPLAIN ANALYZE in a rolled-back transaction: run-time pruning
};

struct PruningOptions {
    std::string base_dir;              // where relative paths are resolved
    std::string database;              // which replayed path's database to check; empty: the schema-equality reference
    std::string seed_file;             // optional, relative to base_dir: run statement by statement, then ANALYZE
    std::vector<PruningQuery> queries;
};

// Never throws. Status: error when the database, the seed, a query or a declared table cannot be
// used (nothing can be judged for it), fail when a query scans more partitions than allowed, else pass.
// Metrics: queries, and per query and declared table "<query>.<table>.partitions_scanned|partitions_total".
GateResult run_partition_pruning_gate(const PruningOptions& options, const std::string& conninfo);

// The pggate.yaml section `gates: partition-pruning:` (see README.md). Query files are read and
// checked here (one statement each). Problems are appended as "file:line:col: message".
PruningOptions parse_partition_pruning_section(const YAML::Node& section, const std::string& config_file,
                                               const std::string& config_dir, std::vector<std::string>& problems);
const std::vector<std::string>& partition_pruning_section_keys();

}  // namespace pggate
