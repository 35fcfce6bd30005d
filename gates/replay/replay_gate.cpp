#include "gates/replay/replay_gate.h"

namespace pggate {
namespace {

Location location_of(const SourceLocation& s, const Config& cfg) {
    return Location{relative_to(s.file, cfg.dir), s.line, s.column};
}

}  // namespace

GateResult run_replay_gate(const std::vector<PathResult>& paths, const MigrationChain& chain, const Config& cfg) {
    GateResult g;
    g.id = "replay";
    for (const auto& p : chain.problems) {
        Finding f;
        f.rule = p.rule;
        // Multiple heads or a broken link stop `alembic upgrade head` in production: that is a failure.
        f.severity = (p.rule == "replay.unrecognized-file") ? "warning" : "error";
        f.message = p.message;
        f.object = p.object;
        if (!p.where.file.empty()) f.location = location_of(p.where, cfg);
        g.findings.push_back(f);
        if (f.severity == "error") g.status = "fail";
        else if (g.status == "pass") g.status = "warn";
    }
    int ok = 0;
    for (const auto& path : paths) {
        if (path.skipped) continue;  // its shared first step failed and is reported on the other path
        g.metrics["path_" + path.path + "_ms"] = path.duration_ms;
        if (path.ok) {
            ++ok;
            continue;
        }
        const ReplayFailure& fail = *path.failure;
        Finding f;
        const bool primary = path.path != "init-upgrade";
        f.rule = primary ? "replay.step-failed" : "replay.upgrade-from-init-failed";
        f.severity = "error";
        f.object = fail.revision.empty() ? fail.step : "revision " + fail.revision;
        f.message = describe_failure(path.path, fail, cfg.dir, false);
        if (!f.message.empty() && f.message.back() != '.') f.message += ".";
        if (!primary)
            f.message += " The init script does not match the revision it is stamped with (init.stamp " + cfg.init.stamp +
                         "): roll the script forward to head and stamp head, or make the increments idempotent.";
        if (!fail.where.file.empty()) f.location = location_of(fail.where, cfg);
        f.details["path"] = path.path;
        f.details["step"] = fail.step;
        if (!fail.sqlstate.empty()) f.details["sqlstate"] = fail.sqlstate;
        if (!fail.statement.empty()) f.details["statement"] = fail.statement;
        if (!fail.revision.empty()) f.details["revision"] = fail.revision;
        if (!fail.output.empty()) f.details["output"] = fail.output;
        g.findings.push_back(f);
        g.status = primary ? "error" : (g.status == "error" ? "error" : "fail");
    }
    g.metrics["paths_ok"] = ok;
    g.metrics["paths_total"] = static_cast<double>(paths.size());
    g.metrics["migrations"] = static_cast<double>(chain.migrations.size());
    g.summary = std::to_string(ok) + "/" + std::to_string(paths.size()) + " paths applied cleanly";
    return g;
}

}  // namespace pggate
