// The migration chain as an ordered list of steps, whatever tool wrote it: plain *.sql, NNN_name.up/.down.sql
// pairs, Flyway V<ver>__name.sql, dbmate -- migrate:up/down files, or Alembic revisions.
#pragma once
#include <string>
#include <vector>

#include "harness/config.h"
#include "harness/sql_script.h"

namespace pggate {

struct Migration {
    std::string version;    // ordering key as written (001, 1.2.3, 20251224120000, an Alembic revision id)
    std::string name;       // human name (file slug or revision docstring)
    std::string up_file;
    std::string down_file;  // empty when there is none
    ScriptSection up_section = ScriptSection::whole;  // dbmate files hold both directions
    std::vector<std::string> down_revisions;           // Alembic only
};

struct ChainProblem {
    std::string rule;     // replay.<rule>
    std::string message;
    SourceLocation where;
    std::string object;
};

struct MigrationChain {
    std::string layout;  // plain | up-down | flyway | dbmate | alembic | command
    std::vector<Migration> migrations;  // in apply order
    std::vector<ChainProblem> problems;  // multiple heads, broken links, duplicate versions, ...
    std::vector<std::string> heads;      // Alembic
};

// SQL folder layouts. Throws ScriptError for unreadable folders.
MigrationChain discover_sql_chain(const std::string& dir, const std::string& layout);
// Compares two version strings the way migration tools order them (numeric runs compared as numbers).
int compare_versions(const std::string& a, const std::string& b);
// Orders Alembic revisions base→head and reports multiple heads/bases and broken down_revision links.
MigrationChain order_alembic_revisions(std::vector<Migration> revisions, const std::string& where_file);
// The migrations strictly after `stamp` (inclusive=false); throws std::runtime_error if stamp is unknown.
std::vector<Migration> migrations_after(const MigrationChain& chain, const std::string& stamp);

}  // namespace pggate
