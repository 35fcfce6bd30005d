// The `migration-safety` gate: proves on disposable databases what expand/backfill/contract plans claim.
//   reversibility   up → down → up gives the same schema (per revision, or for the whole chain), and
//                   down to empty leaves nothing behind (reversibility.cpp);
//   seeded upgrade  data loaded at an older revision, the chain applied to head one statement at a time,
//                   each measured in its own transaction: locks (pg_locks), rewrites (relfilenode), index
//                   builds, NOT NULL and constraint validation (seeded_upgrade.cpp, step_rules.cpp); then
//                   the invariants: the scenario's SQL assertions, row counts kept, constraints validated;
//   static          the same risks read from the files with PostgreSQL's parser, for revisions that did not
//                   run on seeded data and for `pggate lint` (migration_lint.cpp).
// Rule ids, statuses and examples: gates/migration-safety/README.md.
#pragma once
#include <string>
#include <vector>

#include "reports/report.h"

namespace YAML {
class Node;
}

namespace pggate {

class Provider;
struct Config;
struct ReplayPlan;

struct Invariant {
    std::string name;
    std::string sql;    // a query that must return no rows
    std::string file;   // where it came from (empty: inline in pggate.yaml)
    Location where;     // its entry in pggate.yaml, or line 1 of its file
};

struct RowCountException {
    std::string table;  // glob over schema.table (names at the seed revision or at head)
    std::string reason;
};

struct MigrationSafetyOptions {
    std::string reversibility = "per-revision";  // per-revision | chain | off
    std::string seed_at;                         // revision/version after which the seed loads; empty: no seeded upgrade
    std::vector<std::string> seed_files;         // absolute
    std::vector<std::string> large_tables;       // globs over schema.table
    long long large_table_rows = 10000;
    std::vector<Invariant> invariants;
    std::vector<RowCountException> allow_row_changes;
    int sample_rows = 5;                         // offending rows shown per failed invariant or constraint
    Location where;                              // the section in pggate.yaml
};

// The pggate.yaml section `gates: migration-safety:`. Problems as "file:line:col: message".
MigrationSafetyOptions parse_migration_safety_section(const YAML::Node& section, const Config& cfg, std::vector<std::string>& problems);

// The chain's SQL migration files in apply order, as the static pass reads them (empty for Alembic).
struct MigrationLintInput;
struct LintResult;
struct TableModel;
std::vector<MigrationLintInput> chain_lint_inputs(const Config& cfg, const ReplayPlan& plan);
// The static pass over the whole chain: SQL files, or for Alembic the SQL of `alembic upgrade --sql`, one
// section per revision (findings name the revision file). `note` says why nothing was linted, if so.
LintResult lint_chain(const Config& cfg, const ReplayPlan& plan, const TableModel& model, std::string& note);
// A warning that the static pass could not read the chain (Alembic's offline mode failed: `why`).
Finding not_linted(const std::string& why, const Config& cfg);
// Its findings as gate findings; Alembic ones keep their offline-SQL line in details.alembic_sql_line.
void add_chain_lint(GateResult& gate, const LintResult& lint, const Config& cfg);
// The static pass alone (`pggate lint`, `pggate preflight`): the chain's files judged without a database.
GateResult run_migration_lint_gate(const MigrationSafetyOptions& options, const Config& cfg, const ReplayPlan& plan);

// The whole gate in `pggate run`: its own databases from `provider`, the chain from `plan`.
GateResult run_migration_safety_gate(const MigrationSafetyOptions& options, const Config& cfg, const ReplayPlan& plan, Provider& provider);

}  // namespace pggate
