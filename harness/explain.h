// Partition pruning as the plan shows it: run EXPLAIN (FORMAT JSON, VERBOSE) for one statement and
// count, per partitioned table, the leaf partitions the plan scans against the leaves that exist.
//
// Counting rules (see /work/shared/FACTS.md "EXPLAIN and partitions"):
//  * leaves are counted from the scan nodes' relations (Relation Name + Schema, VERBOSE always on),
//    never from `Subplans Removed` (it counts child nodes, not leaves) nor from ModifyTable's
//    Target Tables (they list pruned partitions too); aliases, CTEs, subqueries and joins need no
//    special case because every scan names its real relation;
//  * a leaf belongs to every partitioned ancestor (multi-level aware); the report holds each
//    partitioned ROOT with a scanned leaf, plus each declared table even when nothing of it remains
//    in the plan (everything pruned: a Result with One-Time Filter false);
//  * generic_plan: PREPARE + SET LOCAL plan_cache_mode = force_generic_plan + EXPLAIN EXECUTE, so
//    pruning done at executor start is visible (the removed subplans are simply absent);
//  * analyze: EXPLAIN ANALYZE inside a transaction that is always rolled back; scan nodes with
//    `Actual Loops: 0` are "not executed" (run-time pruning, but also LIMIT): they are listed apart
//    and not counted in partitions_scanned.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace pggate {

class PgConn;

// One scan node of a plan (any node with a Relation Name except ModifyTable).
struct PlanScan {
    std::string node_type;  // Seq Scan, Index Scan, Bitmap Heap Scan, ...
    std::string schema;     // empty without VERBOSE
    std::string relation;
    std::string alias;
    std::optional<double> actual_loops;  // only with ANALYZE
};

struct PlanWalk {
    std::vector<PlanScan> scans;
    int subplans_removed = 0;        // sum over Append/MergeAppend nodes (child nodes, not leaves)
    bool one_time_false = false;     // some Result has One-Time Filter 'false' (everything pruned)
    bool analyzed = false;
};

// Walks EXPLAIN (FORMAT JSON) output (the top-level array). Throws std::runtime_error on bad JSON.
PlanWalk walk_explain_json(const std::string& explain_json);

// The partition tree as the catalog holds it.
struct PartitionedTable {
    std::string name;                 // schema.table
    bool is_root = true;              // not itself a partition
    std::string partition_key;        // pg_get_partkeydef, e.g. "RANGE (collected_date)"
    std::vector<std::string> leaves;  // schema.table, sorted
};

struct PartitionCatalog {
    std::vector<PartitionedTable> tables;  // every partitioned table, sorted by name
    const PartitionedTable* find(const std::string& qualified) const;
};

// One short catalog query (pg_inherits, recursive; no pg_partition_tree locks held afterwards).
PartitionCatalog load_partition_catalog(PgConn& conn);

struct TablePruning {
    std::string table;                 // schema.table (the root, or the declared table)
    std::string partition_key;
    bool declared = false;
    bool in_plan = false;              // at least one of its leaves appears in the plan
    int partitions_total = 0;          // leaves that exist
    int partitions_scanned = 0;        // leaves scanned (with ANALYZE: executed at least once)
    std::vector<std::string> scanned;  // sorted
    std::vector<std::string> not_executed;  // ANALYZE only: in the plan, Actual Loops 0 everywhere
};

struct PruningReport {
    std::vector<TablePruning> tables;  // declared tables first (in declared order), then other roots by name
    int subplans_removed = 0;
    bool one_time_false = false;
    bool analyzed = false;
    bool generic_plan = false;
    std::string plan_json;             // the raw EXPLAIN output
};

// Combines a walked plan with the catalog. `declared` are already-resolved schema.table names.
// Scans with an empty schema are matched by table name alone.
PruningReport summarize_pruning(const PlanWalk& walk, const PartitionCatalog& catalog,
                                const std::vector<std::string>& declared);

struct ExplainOptions {
    bool generic_plan = false;
    bool analyze = false;                 // runs the statement, in a transaction rolled back
    std::vector<std::string> tables;      // declared tables, any spelling to_regclass accepts
};

// Runs the analysis. Throws PgError for SQL errors and std::runtime_error when a declared table
// does not exist or is not partitioned. The connection is left outside any transaction.
PruningReport explain_partitions(PgConn& conn, const std::string& sql, const std::vector<std::string>& params,
                                 const ExplainOptions& options);

std::string pruning_report_json(const PruningReport& report);  // {"tables":[{table, partitions_total, ...}], ...}
std::string pruning_report_text(const PruningReport& report);  // a readable table

// `pggate explain DSN --sql … [--param …] [--table …] [--format text|json] [--generic-plan] [--analyze]`.
// Prints to stdout; errors to stderr. Returns 0, or 2 on any error.
int explain_command(const std::string& dsn, const std::string& sql, const std::vector<std::string>& params,
                    const std::vector<std::string>& tables, const std::string& format, bool generic_plan,
                    bool analyze);

}  // namespace pggate
