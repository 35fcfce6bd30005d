// The `delete-paths` gate: no cleanup path deletes in bulk from a large or partitioned table.
// Static half: the linter (delete_lint.h) over the files the scenario names. Dynamic half: the
// scenario's cleanup commands run against a seeded copy of a replayed database, measured (rows deleted
// per table from the statistics views, the statements from pg_stat_statements, wall time, other
// tenants' row counts, refusal without confirmation flags), and old-path/new-path time compared.
// Rule ids, statuses and examples: gates/delete-paths/README.md.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace YAML {
class Node;
}

namespace pggate {

class Provider;
struct Database;
struct LintResult;

struct CleanupCommand {
    std::string name;
    std::string run;                                 // shell command line, run with bash -c in the config's folder
    Location location;                               // of its entry in pggate.yaml
    std::map<std::string, std::string> target;       // tenant column → value it may touch; empty: not scoped
    std::vector<std::string> require_flags;          // without any one of them the command must refuse
    std::vector<std::string> expect_empty;           // tables where no target row may remain
};

struct CleanupComparison {
    std::string baseline, candidate;                 // command names: the old (DELETE) and the new path
    double min_reduction_pct = 70;                   // the seed's target
    int runs = 3;                                    // timed runs of each, on fresh copies; the median counts
    std::string measure = "server";                  // server: statements' execution time; wall: the whole command
};

struct DeletePathsOptions {
    std::string base_dir;
    std::vector<std::string> files;                  // globs, relative to base_dir (** allowed)
    std::vector<std::string> large_tables;           // globs over schema.table
    std::string database;                            // replayed path whose database is copied; empty: reference
    std::string seed_file;
    std::vector<std::string> tenant_columns{"tenant_id"};
    long long max_deleted_rows = 1000;               // per non-partitioned table and command
    long long timeout_ms = 300000;                   // per command run
    std::vector<CleanupCommand> commands;
    std::vector<CleanupComparison> compare;
};

// The static analysis as gate findings (rule, severity, file:line:col, statement, fix in details); files it
// could not read are "<gate id>.unreadable" errors. Shared with the migration-safety gate's static pass.
void add_lint_findings(GateResult& gate, const LintResult& lint);
// The gate's summary and status from its findings: error when problems, fail on error findings, warn on
// warnings, else pass.
void settle_delete_paths_gate(GateResult& gate, const std::string& static_part, const std::string& dynamic_part);

// The whole gate in `pggate run`. `base` is the replayed database to copy (no open connections);
// nullptr when that path did not replay (then only the static half runs and the gate says so).
GateResult run_delete_paths_gate(const DeletePathsOptions& options, Provider* provider, const Database* base);

// Files named by the globs, sorted, relative to base_dir; problems for globs that match nothing.
std::vector<std::string> expand_file_globs(const std::vector<std::string>& globs, const std::string& base_dir,
                                           std::vector<std::string>& problems);

// The pggate.yaml section `gates: delete-paths:` (see README.md). Problems as "file:line:col: message".
DeletePathsOptions parse_delete_paths_section(const YAML::Node& section, const std::string& config_file,
                                              const std::string& config_dir, std::vector<std::string>& problems);

// Removes `flag` (and its value, when written `--flag value` or `--flag=value`) from a command line.
std::string command_without_flag(const std::string& command, const std::string& flag);

}  // namespace pggate
