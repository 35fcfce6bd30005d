// The static half of the delete-paths gate: every DELETE, UPDATE, TRUNCATE, DETACH and DROP that a
// project's SQL files, PL/pgSQL bodies, shell scripts and application strings contain, parsed with
// libpg_query and judged against what is known about the tables (partitioning, keys, bounds, size).
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

namespace pggate {

// A partition's bound as written: literals (MINVALUE/MAXVALUE kept as words), or a hash slot.
struct PartitionBound {
    bool is_default = false;
    int modulus = 0, remainder = 0;            // hash
    std::vector<std::string> list_values;      // list ("NULL" for a NULL entry)
    std::vector<std::string> from, to;         // range, one entry per key column
};

struct KnownTable {
    std::string name;                          // schema.table
    std::string strategy;                      // hash | list | range when partitioned, else empty
    std::vector<std::string> key_columns;      // partition key; "" for an expression
    std::string parent;                        // set for a partition
    PartitionBound bound;                      // for a partition
    std::set<std::string> columns;             // empty when not known
    std::vector<std::vector<std::string>> unique_keys;  // primary key and unique constraints/indexes
    bool partitioned() const { return !strategy.empty(); }
};

// What the linter knows about tables: learned from CREATE TABLE / ATTACH statements in the linted files,
// read from a replayed database, and declared large by the user (globs over schema.table; a name
// without a schema means public).
struct TableModel {
    std::map<std::string, KnownTable> tables;
    std::vector<std::string> large_globs;

    const KnownTable* find(const std::string& qualified) const;
    bool declared_large(const std::string& qualified) const;
    // Large: declared, partitioned, or a partition of a partitioned table.
    bool is_large(const std::string& qualified) const;
};

// Learns tables from SQL text (CREATE TABLE … PARTITION BY / PARTITION OF, ALTER TABLE … ATTACH
// PARTITION, primary keys and unique constraints). Statements that do not parse are skipped.
void learn_tables(TableModel& model, const std::string& sql);
// Adds one table as the catalog describes it: pg_get_partkeydef() text ("RANGE (created_at)"), the
// parent and pg_get_expr(relpartbound) text ("FOR VALUES FROM (…) TO (…)"), columns and unique keys.
void add_catalog_table(TableModel& model, const std::string& name, const std::string& partkeydef, const std::string& parent,
                       const std::string& bound_text, const std::vector<std::string>& columns,
                       const std::vector<std::vector<std::string>>& unique_keys);

struct LintFinding {
    std::string rule;       // delete-paths.<rule>
    std::string severity;   // error | warning | info
    std::string file;
    int line = 0, column = 0;
    std::string table;      // schema.table the statement works on (may be empty)
    std::string statement;  // the statement, on one line
    std::string origin;     // sql | plpgsql function f | DO block | psql -c | heredoc | string literal
    std::string message;    // what it does and why it matters
    std::string fix;        // what to do instead
};

// A file that could not be read, or a .sql file PostgreSQL's parser rejects: the linter cannot vouch
// for it, so the caller exits 2 with this one-paragraph message.
struct LintProblem {
    std::string file;
    int line = 0, column = 0;
    std::string message;
};

struct LintResult {
    std::vector<LintFinding> findings;  // in file order, then line order
    std::vector<LintProblem> problems;
    int files = 0;
    int statements = 0;  // statements (and fragments) parsed
};

struct LintInput {
    std::string path;     // to read
    std::string display;  // how findings name it (relative path)
};

// Lints the files. The model is completed from the files' own CREATE TABLE statements first (all
// files, so order does not matter); `psql -f` targets of shell scripts are linted too.
LintResult lint_files(const std::vector<LintInput>& files, TableModel model);
// schema.table of every DELETE in one statement (CTEs included), as PostgreSQL's parser reads it.
std::vector<std::string> delete_targets(const std::string& sql);

// Lints one text as if it were the file `display` (exposed for tests and fuzzing).
LintResult lint_text(const std::string& display, const std::string& content, TableModel model);

}  // namespace pggate
