// The static half of the migration-safety gate (`pggate lint`): the migration files of a chain, in apply
// order, parsed with libpg_query and judged for the locks they take and the rewrites they cause, with no
// database. The dynamic half (migration_safety_gate.*) measures the same risks on a seeded database and
// reports them under the same rule ids ("migration-safety.<rule>"); README.md documents each rule.
#pragma once
#include <string>
#include <vector>

#include "gates/delete-paths/delete_lint.h"
#include "harness/sql_script.h"

namespace pggate {

struct MigrationLintInput {
    std::string path;      // file to read
    std::string display;   // how findings name it
    std::string revision;  // version/revision id, for messages (may be empty)
    ScriptSection section = ScriptSection::whole;  // dbmate files: the up section
};

// Lints migration files in APPLY ORDER. State carries across files: a table created in an earlier file
// is pre-existing (it may hold rows in production) for later files; a table created earlier in the SAME
// file is new (no rows, no risk). Severity: error when the table is large in the model (declared, or
// partitioned), warning when it pre-exists with an unknown size, nothing for a table created in the same
// file (access-exclusive-lock: warning on large tables, info otherwise; invalid-on-failure: info).
// A file that cannot be read or that PostgreSQL's parser rejects gives a LintProblem (the caller exits 2);
// the other files are still linted.
LintResult lint_migrations(const std::vector<MigrationLintInput>& files, const TableModel& model);

// One text as if it were the file `display` (tests, fuzzing); tables named in `preexisting` count as
// existing (schema.table; public when unqualified).
LintResult lint_migration_text(const std::string& display, const std::string& content, const TableModel& model,
                               const std::vector<std::string>& preexisting = {});

}  // namespace pggate
