#include "gates/migration-safety/reversibility.h"

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>

#include "gates/migration-safety/step_rules.h"
#include "harness/catalog.h"
#include "harness/pg.h"
#include "harness/replay.h"
#include "harness/schema_diff.h"

namespace pggate {
namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// The migration tools' own bookkeeping tables are not the schema.
SchemaPolicy reversal_policy(const Config& cfg) {
    SchemaPolicy p = cfg.schema_equality.policy;
    for (const char* t : {"*.alembic_version", "*.schema_migrations", "*.flyway_schema_history", "*.schema_version"})
        p.ignore.push_back({"*", t});
    return p;
}

// "left behind: index public.users_email_key", one per line, at most `max` lines.
std::string describe(const std::vector<SchemaDifference>& diffs, size_t max = 12) {
    std::string out;
    size_t n = 0;
    for (const auto& d : diffs) {
        if (n++ == max) {
            out += "\n… and " + std::to_string(diffs.size() - max) + " more";
            break;
        }
        std::string line;
        if (d.change == "missing") line = "missing: " + d.kind + " " + d.id + " (" + d.reference_definition + ")";
        else if (d.change == "extra") line = "left behind: " + d.kind + " " + d.id + " (" + d.other_definition + ")";
        else {
            std::string attrs;
            for (const auto& a : d.changed_attrs) attrs += (attrs.empty() ? "" : ", ") + a;
            line = "changed: " + d.kind + " " + d.id + " [" + attrs + "]: was " + d.reference_definition + "; now " + d.other_definition;
        }
        out += (out.empty() ? "" : "\n") + line;
    }
    return out;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

struct Reverser {
    const Config& cfg;
    const ReplayPlan& plan;
    PgConn conn;
    SchemaPolicy policy;
    GateResult& gate;
    AlembicSession* alembic = nullptr;  // Alembic chains: `alembic upgrade <rev>` / `alembic downgrade -1`
    int snapshots = 0;

    bool has_down(const Migration& m) const { return alembic || !m.down_file.empty(); }
    // Undoing exactly this revision, whatever else is applied on other branches: a merge goes back to its
    // parents (downgrading to one of them runs only the merge's downgrade), a root to its branch's base,
    // any other revision one step down its own branch.
    static std::string alembic_down_target(const Migration& m) {
        if (m.down_revisions.size() > 1) return m.down_revisions.front();
        if (m.down_revisions.empty()) return m.version + "@base";
        return m.version + "@-1";
    }
    // Where a finding about the revision's down step points: its down file, or the Alembic revision file.
    Location down_location(const Migration& m) const { return at(m.down_file.empty() ? m.up_file : m.down_file); }

    Snapshot snapshot() {
        ++snapshots;
        return read_snapshot(conn);
    }
    Location at(const std::string& file) const { return {relative_to(file, cfg.dir), 0, 0}; }
    std::string name(const Migration& m) const { return "revision " + m.version + (m.name.empty() ? "" : " (" + m.name + ")"); }

    std::optional<ReplayFailure> try_step(const Migration& m, bool down) {
        if (alembic) return down ? alembic->run("downgrade", alembic_down_target(m), m.version) : alembic->run("upgrade", m.version, m.version);
        const std::string& file = down ? m.down_file : m.up_file;
        const SqlScript& script = down ? plan.down_scripts.at(file) : plan.migration_scripts.at(file);
        try {
            run_script(conn, script, true, name(m));
            return std::nullopt;
        } catch (const StepFailed& f) {
            return f.failure;
        }
    }
    static std::string what_failed(const ReplayFailure& f) {
        return f.message + (f.sqlstate.empty() ? "" : " (SQLSTATE " + f.sqlstate + ")");
    }

    // Runs a step; on failure adds the finding and returns false.
    bool step(const Migration& m, bool down, const std::string& rule_on_failure) {
        auto failure = try_step(m, down);
        if (!failure) return true;
        MeasuredStatement st{m.version, {relative_to(failure->where.file, cfg.dir), failure->where.line, failure->where.column}, failure->statement};
        std::string msg = std::string(down ? "the down step of " : "applying ") + name(m) + (rule_on_failure == "reup-failed" ? " again after its down step" : "") +
                          " fails: " + what_failed(*failure);
        gate.findings.push_back(safety_finding(rule_on_failure, rule_on_failure == "up-failed" ? "info" : "error", "revision " + m.version, msg, st,
                                               down ? "the down step must undo exactly what the up step did, in reverse order"
                                                    : "the down step must leave nothing the up step would trip over"));
        return false;
    }

    void difference(const std::string& rule, const Migration& m, const std::vector<SchemaDifference>& diffs, const std::string& message,
                    const std::string& fix) {
        Finding f = safety_finding(rule, "error", "revision " + m.version, message + ":\n" + describe(diffs), {m.version, down_location(m), ""}, fix);
        f.details["differences"] = std::to_string(diffs.size());
        f.details["first_difference"] = first_line(describe(diffs, 1));
        gate.findings.push_back(std::move(f));
    }
};

}  // namespace

namespace {

struct WalkResult {
    bool stopped = false;  // a step failed: the database is in an unknown state
    int reversed = 0;
};

// Per revision in [lo, hi): up, snapshot, down, snapshot (must equal `before`), up again.
WalkResult walk(Reverser& r, const std::vector<Migration>& chain, size_t lo, size_t hi, Snapshot before) {
    WalkResult w;
    for (size_t i = lo; i < hi; ++i) {
        const Migration& m = chain[i];
        if (!r.step(m, false, "up-failed")) return {true, w.reversed};
        Snapshot after_up = r.snapshot();
        if (!r.has_down(m)) {
            before = std::move(after_up);
            continue;
        }
        if (!r.step(m, true, "down-failed")) return {true, w.reversed};
        auto diffs = diff_snapshots(before, r.snapshot(), r.policy);
        if (!diffs.empty()) {
            // Applying it again may trip over what the down step left; that is the same problem, said once.
            auto refailure = r.try_step(m, false);
            std::string then = refailure ? "; applying it again then fails: " + Reverser::what_failed(*refailure) : "";
            r.difference("down-not-restoring", m, diffs,
                         "the down step of " + r.name(m) + " does not restore the schema before it (" + std::to_string(diffs.size()) +
                             " difference(s)" + then + ")",
                         "make the down step undo every change of the up step");
            if (refailure) return {true, w.reversed};
            ++w.reversed;
            auto redo = diff_snapshots(after_up, r.snapshot(), r.policy);
            if (!redo.empty())
                r.difference("reup-differs", m, redo,
                             "applying " + r.name(m) + " again after its down step gives a different schema than the first time",
                             "the down step leaves something behind that changes what the up step builds");
        } else {
            if (!r.step(m, false, "reup-failed")) return {true, w.reversed};
            ++w.reversed;
        }
        before = std::move(after_up);
    }
    return w;
}

}  // namespace

void check_reversibility(const MigrationSafetyOptions& options, const Config& cfg, const ReplayPlan& plan,
                         const std::function<Database(const std::string&)>& new_database, GateResult& gate) {
    auto t = std::chrono::steady_clock::now();
    const auto& chain = plan.chain.migrations;
    const SchemaPolicy policy = reversal_policy(cfg);
    auto session_for = [&](const Database& db) {
        return cfg.chain.kind == ChainKind::alembic ? std::make_unique<AlembicSession>(cfg, plan, db) : nullptr;
    };
    Database db = new_database("reversibility");
    std::unique_ptr<AlembicSession> session = session_for(db);
    Reverser r{cfg, plan, open_session(db, cfg), policy, gate, session.get()};
    const Snapshot empty = r.snapshot();
    bool every_down = true;
    for (const auto& m : chain) {
        if (r.has_down(m)) continue;
        every_down = false;
        gate.findings.push_back(safety_finding("irreversible", "error", "revision " + m.version,
                                               r.name(m) + " has no down step: it cannot be rolled back when the release is",
                                               {m.version, r.at(m.up_file), ""},
                                               "write the down file (" + plan.chain.layout + " layout) that undoes it; for a "
                                               "destructive step, restore the structure and say in a comment that data cannot return"));
    }
    int reversed = 0;
    bool stopped = false;
    Reverser* at_head = &r;  // the walker whose database ends at head
    std::unique_ptr<AlembicSession> second_session;
    std::optional<Reverser> second;
    GateResult second_part;
    if (options.reversibility == "per-revision") {
        // Long chains are walked in two halves side by side: the second walker first applies the first half
        // plainly (no snapshots), then walks the rest. Findings keep chain order.
        const size_t mid = chain.size() >= 40 ? chain.size() / 2 : chain.size();
        std::future<WalkResult> tail;
        if (mid < chain.size()) {
            Database db2 = new_database("reversibility-tail");
            second_session = session_for(db2);
            second.emplace(Reverser{cfg, plan, open_session(db2, cfg), policy, second_part, second_session.get()});
            tail = std::async(std::launch::async, [&] {
                for (size_t i = 0; i < mid; ++i)
                    if (second->try_step(chain[i], false)) return WalkResult{true, 0};  // the first walker reports it
                return walk(*second, chain, mid, chain.size(), second->snapshot());
            });
        }
        WalkResult head = walk(r, chain, 0, mid, empty);
        reversed = head.reversed;
        stopped = head.stopped;
        if (tail.valid()) {
            WalkResult rest = tail.get();
            reversed += rest.reversed;
            stopped = stopped || rest.stopped;
            gate.findings.insert(gate.findings.end(), second_part.findings.begin(), second_part.findings.end());
            second_part.findings.clear();
            at_head = &*second;
        }
    } else {  // chain: up all, down all, up all
        Snapshot head;
        for (const auto& m : chain)
            if (!r.step(m, false, "up-failed")) { stopped = true; break; }
        if (!stopped) head = r.snapshot();
        if (!stopped && every_down) {
            for (auto m = chain.rbegin(); m != chain.rend() && !stopped; ++m) stopped = !r.step(*m, true, "down-failed");
            if (!stopped) {
                auto left = diff_snapshots(empty, r.snapshot(), r.policy);
                std::string then;
                for (const auto& m : chain) {
                    if (stopped) break;
                    if (left.empty()) {
                        stopped = !r.step(m, false, "reup-failed");
                    } else if (auto failure = r.try_step(m, false)) {  // tripping over the leftovers: the same problem
                        then = "; applying the chain again then fails in " + r.name(m) + ": " + Reverser::what_failed(*failure);
                        stopped = true;
                    }
                }
                if (!left.empty())
                    r.difference("down-leaves-objects", chain.front(), left,
                                 "going down from head to empty leaves objects behind (" + std::to_string(left.size()) + " difference(s)" +
                                     then + ")",
                                 "run with reversibility: per-revision to name the revision whose down step forgets them");
                if (!stopped) {
                    auto again = diff_snapshots(head, r.snapshot(), r.policy);
                    if (!again.empty())
                        r.difference("reup-differs", chain.back(), again, "up → down → up gives a different schema than up",
                                     "run with reversibility: per-revision to name the revision");
                }
                reversed = static_cast<int>(chain.size());
            }
        }
    }
    // Down to empty after the per-revision walk: nothing may remain.
    if (options.reversibility == "per-revision" && !stopped && every_down && !chain.empty()) {
        Reverser& h = *at_head;
        for (auto m = chain.rbegin(); m != chain.rend() && !stopped; ++m) stopped = !h.step(*m, true, "down-failed");
        if (!stopped) {
            auto left = diff_snapshots(empty, h.snapshot(), h.policy);
            if (!left.empty())
                h.difference("down-leaves-objects", chain.front(), left, "going down from head to an empty database leaves objects behind",
                             "the down steps must drop everything the up steps create (types, sequences, views, functions too)");
        }
        gate.findings.insert(gate.findings.end(), second_part.findings.begin(), second_part.findings.end());  // the second walker's
    }
    gate.metrics["revisions_reversed"] = reversed;
    gate.metrics["reversibility_snapshots"] = r.snapshots + (second ? second->snapshots : 0);
    gate.metrics["reversibility_ms"] = ms_since(t);
}

}  // namespace pggate
