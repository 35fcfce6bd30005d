#include "gates/migration-safety/lock_probe.h"

#include <algorithm>
#include <cstdlib>

#include "harness/pg.h"

namespace pggate {
namespace {

// One result set of tagged rows, so a probe costs one round trip whatever the step did.
constexpr const char* kStateQuery = R"SQL(/* pggate */
SELECT 'L', l.relation::oid::text, l.mode, NULL, NULL, NULL, NULL, NULL
  FROM pg_locks l
 WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND l.relation >= 16384
UNION ALL
SELECT 'R', c.oid::text, c.relkind::text, c.relfilenode::text, n.nspname || '.' || c.relname,
       i.indrelid::text, i.indisvalid::text, inh.inhparent::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_index i ON i.indexrelid = c.oid
  LEFT JOIN pg_inherits inh ON inh.inhrelid = c.oid AND c.relispartition
 WHERE c.oid >= 16384 AND c.relkind IN ('r', 'p', 'i', 'I', 'm') AND n.nspname NOT LIKE 'pg\_toast%'
UNION ALL
SELECT 'C', co.oid::text, co.contype::text, co.convalidated::text, co.conname, co.conrelid::text, co.conindid::text,
       CASE WHEN co.contype = 'c' THEN pg_get_constraintdef(co.oid) END
  FROM pg_constraint co
 WHERE co.oid >= 16384 AND co.conrelid <> 0
UNION ALL
SELECT 'A', a.attrelid::text, a.attname, a.attnotnull::text, format_type(a.atttypid, a.atttypmod), NULL, NULL, NULL
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE a.attrelid >= 16384 AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
UNION ALL
SELECT 'S', NULL, source, setting, NULL, NULL, NULL, NULL FROM pg_settings WHERE name = 'lock_timeout')SQL";

unsigned to_oid(const std::string& s) { return static_cast<unsigned>(std::strtoul(s.c_str(), nullptr, 10)); }

}  // namespace

int lock_rank(const std::string& mode) {
    static const char* const kModes[] = {"AccessShareLock",   "RowShareLock", "RowExclusiveLock",   "ShareUpdateExclusiveLock",
                                         "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"};
    for (int i = 0; i < 8; ++i)
        if (mode == kModes[i]) return i + 1;
    return 0;
}

const char* lock_name(int rank) {
    static const char* const kNames[] = {"no",    "ACCESS SHARE",  "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
                                         "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
    return rank >= 0 && rank <= 8 ? kNames[rank] : "unknown";
}

const char* state_query() { return kStateQuery; }

DatabaseState read_state(PgConn& conn) {
    PgResult r = conn.exec(kStateQuery);
    std::vector<std::vector<std::string>> rows(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        for (int c = 0; c < 8; ++c) rows[static_cast<size_t>(i)].push_back(r.get(i, c));
    return state_from_rows(rows);
}

DatabaseState state_from_rows(const std::vector<std::vector<std::string>>& rows) {
    DatabaseState s;
    for (const auto& row : rows) {
        if (row.size() < 8) continue;
        const std::string& tag = row[0];
        if (tag == "L") {
            int& m = s.locks[to_oid(row[1])];
            m = std::max(m, lock_rank(row[2]));
        } else if (tag == "R") {
            RelationState rel;
            rel.kind = row[2].empty() ? 'r' : row[2][0];
            rel.filenode = row[3];
            rel.name = row[4];
            rel.table = to_oid(row[5]);
            rel.valid = row[6] != "false";
            rel.parent = to_oid(row[7]);
            s.relations[to_oid(row[1])] = rel;
        } else if (tag == "C") {
            ConstraintState c;
            c.type = row[2].empty() ? 'c' : row[2][0];
            c.validated = row[3] == "true";
            c.name = row[4];
            c.table = to_oid(row[5]);
            c.index = to_oid(row[6]);
            c.definition = row[7];
            s.constraints[to_oid(row[1])] = c;
        } else if (tag == "A") {
            s.columns[{to_oid(row[1]), row[2]}] = ColumnState{row[3] == "true", row[4]};
        } else if (tag == "S") {
            // pggate's own guard arrives with the connection (source "client"); a SET in the migration is "session".
            s.lock_timeout_set = row[2] == "session" && row[3] != "0";  // 0 waits forever
        }
    }
    return s;
}

}  // namespace pggate
