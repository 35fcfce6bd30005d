// What a migration statement did to the database, read inside its own transaction right after it ran:
// the relation locks its backend holds (pg_locks), which tables and indexes got a new relfilenode (a
// rewrite), and the indexes, constraints and NOT NULL flags that appeared. Plain data, compared
// before/after by step_rules.h; nothing here guesses from the SQL text.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace pggate {

class PgConn;

struct RelationState {
    std::string name;       // schema.name, unquoted (what large_tables globs match)
    char kind = 'r';        // pg_class.relkind: r p i I m
    std::string filenode;   // pg_class.relfilenode; a change means the relation was rewritten
    unsigned table = 0;     // for an index: the table it is on
    bool valid = true;      // for an index: pg_index.indisvalid
    unsigned parent = 0;    // for a partition (table or index): its parent
};

struct ConstraintState {
    std::string name;
    char type = 'c';        // pg_constraint.contype
    bool validated = true;
    unsigned table = 0;
    unsigned index = 0;     // conindid: the index behind a PRIMARY KEY / UNIQUE / EXCLUDE
    std::string definition; // CHECK constraints only: pg_get_constraintdef
};

struct ColumnState {
    bool not_null = false;
    std::string type;       // format_type(atttypid, atttypmod)
};

struct DatabaseState {
    std::map<unsigned, RelationState> relations;       // user tables, partitioned tables, indexes, matviews
    std::map<unsigned, ConstraintState> constraints;   // table constraints
    std::map<std::pair<unsigned, std::string>, ColumnState> columns;
    std::map<unsigned, int> locks;                     // relation → strongest mode this backend holds (lock_rank)
    bool lock_timeout_set = false;                     // by the migration (SET / SET LOCAL), not by pggate's connection
};

// One round trip. Objects of extensions and the system catalogs are left out (oid < 16384).
DatabaseState read_state(PgConn& conn);
// The query read_state sends (tagged rows of 8 text columns): the Alembic driver runs it itself after
// each statement of a revision, inside the revision's transaction, and sends the rows back.
const char* state_query();
// The state from those rows (NULL as "").
DatabaseState state_from_rows(const std::vector<std::vector<std::string>>& rows);

// PostgreSQL's table lock modes in conflict order: AccessShareLock = 1 … AccessExclusiveLock = 8; 0 unknown.
int lock_rank(const std::string& mode);
const char* lock_name(int rank);  // "ACCESS EXCLUSIVE", as the documentation writes it

}  // namespace pggate
