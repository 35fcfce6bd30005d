#include "gates/schema-equality/schema_equality_gate.h"

#include "harness/schema_diff.h"

namespace pggate {

std::vector<Finding> schema_findings(const Snapshot& reference, const Snapshot& other, const std::string& reference_name,
                                     const std::string& other_name, const SchemaPolicy& policy) {
    return schema_findings(diff_snapshots(reference, other, policy), reference_name, other_name, policy);
}

std::vector<Finding> schema_findings(const std::vector<SchemaDifference>& differences, const std::string& reference_name,
                                     const std::string& other_name, const SchemaPolicy& policy) {
    std::vector<Finding> out;
    for (const auto& d : differences) {
        Finding f;
        f.object = d.id;
        f.details["reference"] = reference_name;
        f.details["compared"] = other_name;
        if (!d.reference_definition.empty()) f.details["reference_definition"] = d.reference_definition;
        if (!d.other_definition.empty()) f.details["compared_definition"] = d.other_definition;
        if (d.kind == "column-order") {
            f.rule = "schema-equality.column-order.changed";
            f.severity = policy.column_order == "fail" ? "error" : "warning";
            f.message = "columns of " + d.id + " are in a different order in " + other_name + " (" + d.other_definition +
                        ") than in " + reference_name + " (" + d.reference_definition + ")";
            out.push_back(f);
            continue;
        }
        f.rule = "schema-equality." + d.kind + "." + d.change;
        f.severity = "error";
        if (d.change == "missing")
            f.message = d.kind + " " + d.id + " exists in " + reference_name + " but not in " + other_name + ": " + d.reference_definition;
        else if (d.change == "extra")
            f.message = d.kind + " " + d.id + " exists in " + other_name + " but not in " + reference_name + ": " + d.other_definition;
        else {
            std::string attrs;
            for (const auto& a : d.changed_attrs) attrs += (attrs.empty() ? "" : ", ") + a;
            f.message = d.kind + " " + d.id + " differs (" + attrs + "): " + reference_name + " has " + d.reference_definition +
                        "; " + other_name + " has " + d.other_definition;
            f.details["changed"] = attrs;
        }
        out.push_back(f);
    }
    return out;
}

namespace {

void add_findings(GateResult& g, std::vector<Finding> findings) {
    for (auto& f : findings) {
        if (f.severity == "error") g.status = "fail";
        else if (g.status == "pass") g.status = "warn";
        g.findings.push_back(std::move(f));
    }
}

}  // namespace

GateResult run_schema_equality_gate(const std::map<std::string, Snapshot>& snapshots, const std::vector<PathResult>& paths,
                                    const Config& cfg, const Snapshot* lock) {
    GateResult g;
    g.id = "schema-equality";
    const std::string lock_name = "lock file " + relative_to(cfg.schema_equality.lock_file, cfg.dir);
    if (!cfg.schema_equality.lock_file.empty() && !lock) {
        Finding f;
        f.rule = "schema-equality.lock-missing";
        f.severity = "warning";
        f.object = relative_to(cfg.schema_equality.lock_file, cfg.dir);
        f.message = "the lock file " + f.object + " does not exist yet; create it from the " + cfg.schema_equality.reference +
                    " path with `pggate run --write-lock` and commit it";
        g.findings.push_back(f);
        g.status = "warn";
    }
    if (lock) {
        int locked = 0;
        for (const auto& p : paths) {
            auto it = snapshots.find(p.path);
            if (it == snapshots.end()) continue;
            ++locked;
            add_findings(g, schema_findings(*lock, it->second, lock_name, p.path + " path", cfg.schema_equality.policy));
        }
        g.metrics["paths_compared_with_lock"] = locked;
    }
    const std::string& ref = cfg.schema_equality.reference;
    auto ref_it = snapshots.find(ref);
    if (ref_it == snapshots.end()) {
        if (g.status == "fail") return g;  // the lock comparison found something already
        g.status = "skip";
        g.summary = "the reference path '" + ref + "' did not replay, so there is nothing to compare against";
        return g;
    }
    int compared = 0;
    std::string skipped;
    for (const auto& p : paths) {
        if (p.path == ref) continue;
        auto it = snapshots.find(p.path);
        if (it == snapshots.end()) {
            skipped += (skipped.empty() ? "" : ", ") + p.path;
            continue;
        }
        ++compared;
        add_findings(g, schema_findings(ref_it->second, it->second, ref + " path", p.path + " path", cfg.schema_equality.policy));
    }
    g.metrics["objects_in_reference"] = static_cast<double>(ref_it->second.objects.size());
    g.metrics["paths_compared"] = compared;
    g.metrics["differences"] = static_cast<double>(g.findings.size());
    if (compared == 0 && !lock) {
        g.status = "skip";
        g.summary = "no other path replayed cleanly" + (skipped.empty() ? std::string() : " (" + skipped + " failed)");
        return g;
    }
    g.summary = std::to_string(g.findings.size()) + " difference(s) against the " + ref + " path across " + std::to_string(compared) +
                " path(s)" + (skipped.empty() ? "" : "; not compared (replay failed): " + skipped);
    return g;
}

}  // namespace pggate
