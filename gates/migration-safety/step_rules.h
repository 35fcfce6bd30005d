// The measured rules: given the database state before a migration, before one of its statements and
// right after it (inside the same transaction), which risks did the statement really take? Each finding
// names the statement's file:line, the lock or rewrite measured, the table's seeded size and the safe
// alternative. Rule ids and examples: gates/migration-safety/README.md.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "gates/migration-safety/lock_probe.h"
#include "reports/report.h"

namespace pggate {

// A glob over schema.table (a name without a schema means public) against "schema.table".
bool matches_table_glob(const std::string& glob, const std::string& name);

// Which tables count as large: declared (globs over schema.table) or holding at least `large_rows` rows.
struct TableSizes {
    std::map<unsigned, long long> rows;   // exact counts of the seeded database, by table oid
    std::vector<std::string> large_globs;
    long long large_rows = 10000;
    long long rows_of(unsigned table) const;
    bool declared_large(const std::string& name) const;
    bool is_large(unsigned table, const std::string& name) const;
};

struct MeasuredStatement {
    std::string revision;
    Location where;          // the statement's first significant character
    std::string statement;   // one-line excerpt
};

std::vector<Finding> judge_statement(const MeasuredStatement& st, const DatabaseState& at_start, const DatabaseState& before,
                                     const DatabaseState& after, const TableSizes& sizes);

// A finding of this gate: rule id "migration-safety.<rule>", the statement and revision in details.
Finding safety_finding(const std::string& rule, const std::string& severity, const std::string& object, const std::string& message,
                       const MeasuredStatement& st, const std::string& fix);

}  // namespace pggate
