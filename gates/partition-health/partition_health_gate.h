// The `partition-health` gate: read-only checks of every partitioned table (or the configured ones)
// on a database — future range partitions for a horizon, empty default partitions, indexes of the
// parent present on every partition, range bounds without gaps, complete hash partition sets, and
// dead-tuple bloat. Only catalog/statistics reads and `SELECT EXISTS(SELECT 1 FROM ONLY default)`;
// the catalog is read in one short READ ONLY transaction (no pg_partition_tree: it locks every
// partition until the transaction ends). Rule ids, statuses and examples: README.md beside this file.
#pragma once
#include <string>
#include <vector>

#include "reports/report.h"

namespace YAML {
class Node;
}

namespace pggate {

struct PartitionHealthOptions {
    std::string base_dir;
    std::string database;             // which replayed path's database to check; empty: the schema-equality reference
    std::vector<std::string> tables;  // partitioned tables to check (with their sub-partitioned children); empty: all
    int horizon_months = 3;           // the current month and this many after must be covered; 0: only the current month; <0: off
    std::string today;                // YYYY-MM-DD reference date; empty: the server's current_date
    bool default_empty = true;        // check that default partitions hold no row
    double bloat_max_dead_share = 0.2;  // n_dead_tup / (n_live_tup + n_dead_tup) above this is bloat
    long long bloat_min_rows = 10000;   // partitions with fewer tuples (live + dead) are not judged
    std::string bloat_severity = "warning";  // warning (gate: warn) | error (gate: fail)
    std::vector<std::string> skip_rules;     // rule ids not checked, e.g. partition-health.bloat
};

// Never throws. Status: error when the database cannot be read or a configured table is not a
// partitioned table; fail when any finding has severity error; warn when only warnings; else pass.
// Metrics: partitioned_tables, leaf_partitions, and findings per rule ("<rule>" → count).
GateResult run_partition_health_gate(const PartitionHealthOptions& options, const std::string& conninfo);

// The pggate.yaml section `gates: partition-health:` (see README.md). Problems are appended as
// "file:line:col: message".
PartitionHealthOptions parse_partition_health_section(const YAML::Node& section, const std::string& config_file,
                                                      const std::string& config_dir, std::vector<std::string>& problems);
const std::vector<std::string>& partition_health_section_keys();
const std::vector<std::string>& partition_health_rules();

}  // namespace pggate
