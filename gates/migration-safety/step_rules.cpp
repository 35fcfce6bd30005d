#include "gates/migration-safety/step_rules.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace pggate {
namespace {

constexpr int kShare = 5;
constexpr int kAccessExclusive = 8;

std::string with_rows(const std::string& name, long long rows) {
    return name + " (" + std::to_string(rows) + " seeded row" + (rows == 1 ? "" : "s") + ")";
}

bool implies_not_null(const std::string& check_def, const std::string& column) {
    // pg_get_constraintdef spells `CHECK ((tenant_id IS NOT NULL))`; a quoted name keeps its quotes. Only a
    // conjunction proves it: `(a IS NOT NULL) OR (b IS NOT NULL)` proves neither.
    if (check_def.find(" OR ") != std::string::npos || check_def.find("NOT (") != std::string::npos) return false;
    std::string plain = "(" + column + " IS NOT NULL)";
    std::string quoted = "(\"" + column + "\" IS NOT NULL)";
    return check_def.find(plain) != std::string::npos || check_def.find(quoted) != std::string::npos;
}

}  // namespace

long long TableSizes::rows_of(unsigned table) const {
    auto it = rows.find(table);
    return it == rows.end() ? 0 : it->second;
}

bool matches_table_glob(const std::string& glob, const std::string& name) {
    std::string qualified = glob.find('.') == std::string::npos ? "public." + glob : glob;
    return fnmatch(qualified.c_str(), name.c_str(), 0) == 0;
}

bool TableSizes::declared_large(const std::string& name) const {
    return std::any_of(large_globs.begin(), large_globs.end(), [&](const std::string& g) { return matches_table_glob(g, name); });
}

bool TableSizes::is_large(unsigned table, const std::string& name) const {
    return declared_large(name) || rows_of(table) >= large_rows;
}

Finding safety_finding(const std::string& rule, const std::string& severity, const std::string& object, const std::string& message,
                       const MeasuredStatement& st, const std::string& fix) {
    Finding f;
    f.rule = "migration-safety." + rule;
    f.severity = severity;
    f.object = object;
    f.message = message;
    if (!st.where.file.empty()) f.location = st.where;
    if (!st.revision.empty()) f.details["revision"] = st.revision;
    if (!st.statement.empty()) f.details["statement"] = st.statement;
    if (!fix.empty()) f.details["fix"] = fix;
    return f;
}

namespace {

// A table as users name it: a plain table, or a partitioned table with all its partitions (a rewrite or an
// index build on 36 partitions is one finding about the partitioned table).
struct Subject {
    unsigned root = 0;
    std::set<unsigned> members;  // root and every partition below it
};

std::vector<Subject> subjects(const DatabaseState& at_start, const DatabaseState& after) {
    auto root_of = [&](unsigned oid) {
        for (int depth = 0; depth < 64; ++depth) {
            auto it = after.relations.find(oid);
            if (it == after.relations.end() || it->second.parent == 0) {
                auto st = at_start.relations.find(oid);
                if (st == at_start.relations.end() || st->second.parent == 0) return oid;
                oid = st->second.parent;
                continue;
            }
            oid = it->second.parent;
        }
        return oid;
    };
    std::map<unsigned, Subject> by_root;
    for (const auto& [oid, rel] : at_start.relations) {
        if (rel.kind != 'r' && rel.kind != 'p' && rel.kind != 'm') continue;
        unsigned root = root_of(oid);
        by_root[root].root = root;
        by_root[root].members.insert(oid);
    }
    std::vector<Subject> out;
    for (auto& [root, s] : by_root)
        if (at_start.relations.count(root)) out.push_back(std::move(s));
    return out;
}

}  // namespace

std::vector<Finding> judge_statement(const MeasuredStatement& st, const DatabaseState& at_start, const DatabaseState& before,
                                     const DatabaseState& after, const TableSizes& sizes) {
    std::vector<Finding> out;
    auto lock_of = [](const DatabaseState& s, unsigned oid) {
        auto it = s.locks.find(oid);
        return it == s.locks.end() ? 0 : it->second;
    };
    for (const Subject& subject : subjects(at_start, after)) {
        const unsigned oid = subject.root;
        auto a = after.relations.find(oid);
        if (a == after.relations.end() || !before.relations.count(oid)) continue;  // dropped: its data goes with it
        const std::string& name = a->second.name;
        const long long rows = sizes.rows_of(oid);
        bool large = sizes.is_large(oid, name);
        for (unsigned m : subject.members)
            if (auto r = after.relations.find(m); r != after.relations.end()) large = large || sizes.declared_large(r->second.name);
        int held = 0;  // the strongest lock on the table or any of its partitions
        for (unsigned m : subject.members) held = std::max(held, lock_of(after, m));
        const bool newly_locked = lock_of(after, oid) > lock_of(before, oid);
        const std::string lock_text = std::string(lock_name(held)) + " lock on " + name;
        const size_t partitions = subject.members.size() - 1;
        auto finding = [&](const std::string& rule, const std::string& message, const std::string& fix, const std::string& severity) {
            Finding f = safety_finding(rule, severity, name, message, st, fix);
            f.details["lock"] = std::string(lock_name(held)) + " (pg_locks)";
            f.details["seeded_rows"] = std::to_string(rows);
            out.push_back(std::move(f));
        };
        bool specific = false;

        // Rewrites: a new relfilenode for the table or any of its partitions.
        int rewritten = 0;
        for (unsigned m : subject.members) {
            auto mb = before.relations.find(m), ma = after.relations.find(m);
            if (mb != before.relations.end() && ma != after.relations.end() && ma->second.kind != 'p' && ma->second.filenode != mb->second.filenode)
                ++rewritten;
        }
        // TRUNCATE gives the table a new, empty file: data removed, not rewritten (row counts at head catch it).
        if (st.statement.size() >= 8 && std::equal(st.statement.begin(), st.statement.begin() + 8, "TRUNCATE",
                                                    [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; }))
            rewritten = 0;
        if (rewritten > 0) {
            std::string what = partitions == 0 ? with_rows(name, rows)
                                                : std::to_string(rewritten) + " of the " + std::to_string(partitions) + " partitions of " + with_rows(name, rows);
            std::vector<std::string> changed_types;
            for (const auto& [key, col] : after.columns) {
                if (key.first != oid) continue;
                auto old = before.columns.find(key);
                if (old != before.columns.end() && old->second.type != col.type)
                    changed_types.push_back(key.second + " " + old->second.type + " → " + col.type);
            }
            std::string severity = large ? "error" : "info";
            if (!changed_types.empty()) {
                std::string list;
                for (const auto& c : changed_types) list += (list.empty() ? "" : ", ") + c;
                finding("type-change-rewrite",
                        "changing the type of " + list + " rewrote " + what + " and all its indexes under " + lock_text +
                            ": reads and writes wait until the migration commits",
                        "add a column of the new type, backfill it in batches, switch readers, then drop the old column; for "
                        "an enum, check first that every value is allowed (SELECT DISTINCT col … WHERE col NOT IN (…))",
                        severity);
            } else {
                finding("table-rewrite", "the statement rewrote " + what + " (relfilenode changed) under " + lock_text,
                        "avoid the rewrite: add columns without a volatile default (set the default afterwards and backfill in "
                        "batches); do not SET LOGGED/UNLOGGED, SET TABLESPACE, VACUUM FULL or CLUSTER a live table",
                        severity);
            }
            specific = true;
        }
        if (!large) continue;

        // Indexes built by the statement while it holds at least SHARE on the table: not CONCURRENTLY.
        std::vector<std::string> built;
        bool from_constraint = false;
        for (const auto& [ioid, idx] : after.relations) {
            if ((idx.kind != 'i' && idx.kind != 'I') || !subject.members.count(idx.table) || before.relations.count(ioid)) continue;
            if (lock_of(after, idx.table) < kShare) continue;
            if (idx.parent == 0) built.push_back(idx.name);  // a partition's index is part of its parent's
            for (const auto& [coid, con] : after.constraints)
                if (con.index == ioid && !before.constraints.count(coid)) from_constraint = true;
        }
        if (!built.empty()) {
            std::string list;
            for (const auto& b : built) list += (list.empty() ? "" : ", ") + b;
            finding("index-without-concurrently",
                    "index " + list + " was built on " + with_rows(name, rows) +
                        (partitions ? " and its " + std::to_string(partitions) + " partitions" : "") + " while the migration's transaction held " +
                        lock_text + ": " + (held >= kAccessExclusive ? "reads and writes" : "every INSERT, UPDATE and DELETE") +
                        " wait for the whole build",
                    partitions ? "CREATE INDEX … ON ONLY the parent; CREATE INDEX CONCURRENTLY on each partition; ALTER INDEX … ATTACH PARTITION"
                    : from_constraint ? "CREATE UNIQUE INDEX CONCURRENTLY … in a migration of its own (outside a transaction), then "
                                        "ALTER TABLE … ADD CONSTRAINT … UNIQUE USING INDEX …"
                                      : "CREATE INDEX CONCURRENTLY … in a migration of its own (outside a transaction)",
                    "error");
            specific = true;
        }

        // NOT NULL set without a validated CHECK (col IS NOT NULL) to prove it: a full scan under ACCESS EXCLUSIVE.
        for (const auto& [key, col] : after.columns) {
            if (key.first != oid || !col.not_null) continue;
            auto old = before.columns.find(key);
            if (old == before.columns.end() || old->second.not_null) continue;
            bool proven = false;
            for (const auto& [coid, con] : before.constraints)
                proven = proven || (con.table == oid && con.type == 'c' && con.validated && implies_not_null(con.definition, key.second));
            if (proven) continue;
            finding("set-not-null-without-check",
                    "SET NOT NULL on " + name + "." + key.second + " scanned " + with_rows(name, rows) + " under " + lock_text +
                        ", because no validated CHECK (" + key.second + " IS NOT NULL) existed",
                    "ADD CONSTRAINT … CHECK (" + key.second + " IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT … (in a later "
                    "transaction); then SET NOT NULL (no scan) and drop the CHECK",
                    "error");
            specific = true;
        }

        // FOREIGN KEY / CHECK constraints added already validated: the whole table is scanned under the lock.
        for (const auto& [coid, con] : after.constraints) {
            if (con.table != oid || before.constraints.count(coid) || !con.validated) continue;
            if (con.type != 'f' && con.type != 'c') continue;
            finding("constraint-without-not-valid",
                    std::string(con.type == 'f' ? "foreign key " : "CHECK constraint ") + con.name + " was added validated: it scanned " +
                        with_rows(name, rows) + " while holding " + lock_text,
                    "ADD CONSTRAINT " + con.name + " … NOT VALID (instant), then VALIDATE CONSTRAINT " + con.name +
                        " in a later transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on)",
                    "error");
            specific = true;
        }

        if (newly_locked && lock_of(after, oid) >= kAccessExclusive && !specific) {
            finding("access-exclusive-lock",
                    "the statement took ACCESS EXCLUSIVE lock on " + with_rows(name, rows) +
                        (after.lock_timeout_set ? "; the migration set lock_timeout, so a long wait aborts it instead of queueing every query"
                                                : ": while it waits for that lock, every later query on the table queues behind it, and the "
                                                  "migration sets no lock_timeout"),
                    after.lock_timeout_set ? "" : "SET lock_timeout = '2s'; at the top of the migration, and retry the migration when it aborts",
                    after.lock_timeout_set ? "info" : "warning");
        }
    }
    return out;
}

}  // namespace pggate
