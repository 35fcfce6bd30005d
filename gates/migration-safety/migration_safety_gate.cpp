#include "gates/migration-safety/migration_safety_gate.h"

#include <yaml-cpp/yaml.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <stdlib.h>

#include "gates/delete-paths/delete_paths_gate.h"
#include "gates/migration-safety/migration_lint.h"
#include "gates/migration-safety/reversibility.h"
#include "gates/migration-safety/seeded_upgrade.h"
#include "harness/config.h"
#include "harness/pg.h"
#include "harness/provider.h"
#include "harness/replay.h"
#include "harness/sql_script.h"
#include "harness/yaml_checker.h"

namespace fs = std::filesystem;

namespace pggate {
namespace {

constexpr const char* kSection = "gates.migration-safety";

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

Location location_of(const YamlChecker& c, const YAML::Node& n) {
    return {relative_to(c.file, c.dir), n.Mark().line + 1, n.Mark().column + 1};
}

void read_invariants(YamlChecker& c, const YAML::Node& n, MigrationSafetyOptions& o) {
    if (!n.IsSequence()) {
        c.fail(n, std::string(kSection) + ".invariants must be a list of {name, sql} or {name, file}.");
        return;
    }
    for (const auto& e : n) {
        const std::string what = std::string(kSection) + ".invariants entry";
        if (!c.is_map(e, what)) continue;
        c.keys(e, what, {"name", "sql", "file"});
        Invariant inv;
        inv.where = location_of(c, e);
        if (e["name"])
            if (auto v = c.str(e["name"], what + " name")) inv.name = *v;
        if (e["sql"] && e["file"]) c.fail(e, what + " has both sql and file; give one.");
        if (e["sql"]) {
            if (auto v = c.str(e["sql"], what + " sql")) inv.sql = *v;
        } else if (e["file"]) {
            if (auto v = c.existing_path(e["file"], what + " file", false)) {
                std::ifstream in(*v);
                std::stringstream text;
                text << in.rdbuf();
                inv.sql = text.str();
                inv.file = *v;
                inv.where = {relative_to(*v, c.dir), 1, 1};
                if (inv.name.empty()) inv.name = fs::path(*v).stem().string();
            }
        } else {
            c.fail(e, what + " needs sql (a query that returns no rows when the invariant holds) or file.");
        }
        if (inv.name.empty()) inv.name = "invariant-" + std::to_string(o.invariants.size() + 1);
        if (!inv.sql.empty()) {
            try {
                SqlScript parsed = parse_sql_text(inv.file.empty() ? c.at(e["sql"]) : inv.file, inv.sql);
                if (parsed.statements.size() != 1)
                    c.fail(e, what + " " + inv.name + " must be one SELECT (it has " + std::to_string(parsed.statements.size()) + " statements).");
            } catch (const ScriptError& err) {
                c.problems.push_back(std::string(err.what()) + " (" + what + " " + inv.name + ")");
            }
        }
        o.invariants.push_back(inv);
    }
}

// Database names stay unique when a provider serves several runs of the gate (tests, a long-lived server).
std::string run_suffix() {
    static std::atomic<int> runs{0};
    int n = ++runs;
    return n == 1 ? "" : "-" + std::to_string(n);
}

}  // namespace

Finding not_linted(const std::string& why, const Config& cfg) {
    Finding f;
    f.rule = "migration-safety.not-linted";
    f.severity = "warning";
    f.object = relative_to(cfg.chain.alembic_config, cfg.dir);
    f.message = why + ". Revisions measured on seeded data are still judged; the others are not checked for locks and rewrites.";
    f.location = Location{f.object, 0, 0};
    f.details["fix"] = "make env.py's offline mode work (run_migrations_offline), or give revisions that need a connection a "
                       "`if context.is_offline_mode(): return` branch";
    return f;
}

// Alembic findings name the revision file; their line is the line in the revision's offline SQL (kept in
// details), not in the Python file.
void add_chain_lint(GateResult& gate, const LintResult& lint, const Config& cfg) {
    size_t first = gate.findings.size();
    add_lint_findings(gate, lint);
    for (size_t i = first; i < gate.findings.size(); ++i) {
        Finding& f = gate.findings[i];
        f.details["analysis"] = "static (libpg_query)";
        if (cfg.chain.kind == ChainKind::alembic && f.location) {
            f.details["alembic_sql_line"] = std::to_string(f.location->line);
            f.details["analysis"] = "static (libpg_query, on `alembic upgrade --sql` output)";
            f.location->line = 0;
            f.location->column = 0;
        }
    }
}

namespace {

// Lints the whole chain (state carries from file to file) and keeps the findings of files not in `measured`.
int add_static_findings(GateResult& gate, const MigrationSafetyOptions& options, const Config& cfg, const ReplayPlan& plan,
                        const std::set<std::string>& measured_files) {
    TableModel model;
    model.large_globs = options.large_tables;
    std::string note;
    LintResult lint = lint_chain(cfg, plan, model, note);
    if (!note.empty()) gate.findings.push_back(not_linted(note, cfg));
    LintResult kept;
    kept.files = lint.files;
    kept.statements = lint.statements;
    kept.problems = lint.problems;
    for (auto& f : lint.findings)
        if (!measured_files.count(f.file)) kept.findings.push_back(std::move(f));
    add_chain_lint(gate, kept, cfg);
    return static_cast<int>(kept.findings.size());
}

void settle(GateResult& gate, const std::string& summary) {
    int errors = 0, warnings = 0;
    for (const auto& f : gate.findings) {
        if (f.waived) continue;
        errors += f.severity == "error";
        warnings += f.severity == "warning";
    }
    gate.status = errors ? "fail" : warnings ? "warn" : "pass";
    gate.summary = summary;
}

}  // namespace

MigrationSafetyOptions parse_migration_safety_section(const YAML::Node& section, const Config& cfg, std::vector<std::string>& problems) {
    MigrationSafetyOptions o;
    YamlChecker c{cfg.file, cfg.dir, {}};
    const std::string S = kSection;
    o.where = location_of(c, section);
    if (section.IsNull()) return o;
    if (!c.is_map(section, S)) {
        problems.insert(problems.end(), c.problems.begin(), c.problems.end());
        return o;
    }
    c.keys(section, S, {"reversibility", "seed", "large_tables", "large_table_rows", "invariants", "row_counts", "sample_rows"});
    if (section["reversibility"])
        if (auto v = c.one_of(section["reversibility"], S + ".reversibility", {"per-revision", "chain", "off"})) o.reversibility = *v;
    if (const auto& seed = section["seed"]) {
        if (c.is_map(seed, S + ".seed")) {
            c.keys(seed, S + ".seed", {"at", "files"});
            if (seed["at"]) {
                if (auto v = c.str(seed["at"], S + ".seed.at")) o.seed_at = *v;
            } else {
                c.fail(seed, S + ".seed needs `at`: the revision after which the seed data loads.");
            }
            if (seed["files"])
                if (auto files = c.strings(seed["files"], S + ".seed.files"))
                    for (size_t i = 0; i < files->size(); ++i) {
                        const YAML::Node& node = seed["files"].IsSequence() ? seed["files"][i] : seed["files"];
                        if (auto p = c.existing_path(node, S + ".seed.files", false)) {
                            try {  // SQL the parser rejects stops pggate before any server starts
                                (void)load_sql_script(*p);
                                o.seed_files.push_back(*p);
                            } catch (const ScriptError& e) {
                                c.problems.push_back(e.what());
                            }
                        }
                    }
        }
    }
    if (section["large_tables"])
        if (auto v = c.strings(section["large_tables"], S + ".large_tables")) o.large_tables = *v;
    if (section["large_table_rows"])
        if (auto v = c.integer(section["large_table_rows"], S + ".large_table_rows", 1)) o.large_table_rows = *v;
    if (section["sample_rows"])
        if (auto v = c.integer(section["sample_rows"], S + ".sample_rows", 1)) o.sample_rows = static_cast<int>(*v);
    if (section["invariants"]) read_invariants(c, section["invariants"], o);
    if (const auto& rc = section["row_counts"]) {
        if (c.is_map(rc, S + ".row_counts")) {
            c.keys(rc, S + ".row_counts", {"allow_changes"});
            if (const auto& allow = rc["allow_changes"]) {
                if (!allow.IsSequence()) c.fail(allow, S + ".row_counts.allow_changes must be a list of {table, reason}.");
                else
                    for (const auto& e : allow) {
                        if (!c.is_map(e, S + ".row_counts.allow_changes entry")) continue;
                        c.keys(e, S + ".row_counts.allow_changes entry", {"table", "reason"});
                        RowCountException x;
                        if (e["table"]) {
                            if (auto v = c.str(e["table"], "table")) x.table = *v;
                        } else {
                            c.fail(e, S + ".row_counts.allow_changes entries need `table` (a glob over schema.table).");
                        }
                        if (e["reason"]) {
                            if (auto v = c.str(e["reason"], "reason")) x.reason = *v;
                        } else {
                            c.fail(e, S + ".row_counts.allow_changes entries need `reason`: say why the row count may change.");
                        }
                        o.allow_row_changes.push_back(x);
                    }
            }
        }
    }
    if (cfg.chain.kind == ChainKind::none || cfg.chain.kind == ChainKind::command)
        c.fail(section, S + " needs a migration chain pggate can step through (chain.dir with SQL files, or chain.alembic); a "
                            "chain.command runs as one opaque step.");
    problems.insert(problems.end(), c.problems.begin(), c.problems.end());
    return o;
}

std::vector<MigrationLintInput> chain_lint_inputs(const Config& cfg, const ReplayPlan& plan) {
    std::vector<MigrationLintInput> inputs;
    if (cfg.chain.kind != ChainKind::sql_dir) return inputs;
    for (const auto& m : plan.chain.migrations) inputs.push_back({m.up_file, relative_to(m.up_file, cfg.dir), m.version, m.up_section});
    return inputs;
}

LintResult lint_chain(const Config& cfg, const ReplayPlan& plan, const TableModel& model, std::string& note) {
    if (cfg.chain.kind == ChainKind::sql_dir) return lint_migrations(chain_lint_inputs(cfg, plan), model);
    if (cfg.chain.kind != ChainKind::alembic) return {};
    // Alembic revisions are Python: their SQL comes from Alembic's offline mode, one file per revision.
    std::vector<std::pair<std::string, std::string>> sections;
    try {
        sections = alembic_offline_sql(cfg);
    } catch (const std::runtime_error& e) {
        note = std::string("Alembic's offline mode (--sql) failed, so the revisions were not linted: ") + e.what();
        return {};
    }
    char dir_template[] = "/tmp/pggate-offline-XXXXXX";
    if (!mkdtemp(dir_template)) return {};
    const std::string dir = dir_template;
    std::vector<MigrationLintInput> inputs;
    for (size_t i = 0; i < sections.size(); ++i) {
        std::string file = dir + "/" + std::to_string(i) + ".sql";
        std::ofstream(file) << sections[i].second;
        std::string display = sections[i].first;
        for (const auto& m : plan.chain.migrations)
            if (m.version == sections[i].first) display = relative_to(m.up_file, cfg.dir);
        inputs.push_back({file, display, sections[i].first, ScriptSection::whole});
    }
    LintResult lint = lint_migrations(inputs, model);
    std::error_code ec;
    fs::remove_all(dir, ec);
    return lint;
}

GateResult run_migration_lint_gate(const MigrationSafetyOptions& options, const Config& cfg, const ReplayPlan& plan) {
    auto t = std::chrono::steady_clock::now();
    GateResult gate;
    gate.id = "migration-safety";
    TableModel model;
    model.large_globs = options.large_tables;
    std::string note;
    LintResult lint = lint_chain(cfg, plan, model, note);
    add_chain_lint(gate, lint, cfg);
    int errors = 0;
    for (const auto& f : gate.findings) errors += f.severity == "error";
    settle(gate, std::to_string(plan.chain.migrations.size()) + " migration(s) linted (static" +
                     (cfg.chain.kind == ChainKind::alembic ? ", from alembic --sql" : "") + "): " +
                     (errors ? std::to_string(errors) + " problem(s)" : std::to_string(gate.findings.size()) + " note(s), no problem"));
    if (!note.empty()) {
        gate.findings.push_back(not_linted(note, cfg));
        settle(gate, note);
    }
    gate.duration_ms = ms_since(t);
    return gate;
}

GateResult run_migration_safety_gate(const MigrationSafetyOptions& options, const Config& cfg, const ReplayPlan& plan, Provider& provider) {
    auto t = std::chrono::steady_clock::now();
    GateResult gate;
    gate.id = "migration-safety";
    if (!options.seed_at.empty() &&
        std::none_of(plan.chain.migrations.begin(), plan.chain.migrations.end(), [&](const Migration& m) { return m.version == options.seed_at; })) {
        gate.status = "error";
        gate.summary = cfg.file + ": " + kSection + ".seed.at is '" + options.seed_at + "', but the chain has no revision with that id";
        return gate;
    }
    try {
        // Reversibility and the seeded upgrade use databases of their own, so they run side by side.
        std::future<GateResult> reversal;
        const bool reverse = options.reversibility != "off";
        if (reverse) {
            reversal = std::async(std::launch::async, [&] {
                GateResult part;
                check_reversibility(options, cfg, plan,
                                    [&](const std::string& label) { return provider.create_database("migration-safety-" + label + run_suffix(), nullptr); },
                                    part);
                return part;
            });
        }
        std::vector<std::string> measured;
        if (!options.seed_at.empty()) {
            Database db = provider.create_database("migration-safety-seeded" + run_suffix(), nullptr);
            measured = run_seeded_upgrade(options, cfg, plan, db, gate);
        }
        // Revisions that did not run on seeded data (before seed.at, or all without a seed) are judged from
        // their text: the same rules, read by PostgreSQL's parser.
        std::set<std::string> measured_files;
        for (const auto& m : plan.chain.migrations)
            if (std::find(measured.begin(), measured.end(), m.version) != measured.end()) measured_files.insert(relative_to(m.up_file, cfg.dir));
        add_static_findings(gate, options, cfg, plan, measured_files);
        if (reverse) {
            GateResult part = reversal.get();
            gate.findings.insert(gate.findings.begin(), part.findings.begin(), part.findings.end());
            gate.metrics.insert(part.metrics.begin(), part.metrics.end());
        }
    } catch (const PgError& e) {
        gate.status = "error";
        gate.summary = std::string("PostgreSQL: ") + e.what();
        return gate;
    } catch (const ProvisionError& e) {
        gate.status = "error";
        gate.summary = e.what();
        return gate;
    } catch (const std::exception& e) {  // Alembic could not start, or anything pggate did not expect
        gate.status = "error";
        gate.summary = e.what();
        return gate;
    }
    int errors = 0;
    for (const auto& f : gate.findings) errors += f.severity == "error";
    std::ostringstream s;
    s << plan.chain.migrations.size() << " revision(s)";
    if (gate.metrics.count("revisions_reversed")) s << ", " << gate.metrics["revisions_reversed"] << " reversed (" << options.reversibility << ")";
    if (gate.metrics.count("measured_statements"))
        s << ", " << gate.metrics["measured_statements"] << " statement(s) measured on " << gate.metrics["seeded_rows"] << " seeded rows, "
          << options.invariants.size() << " invariant(s)";
    s << ": " << (errors ? std::to_string(errors) + " problem(s)" : "safe");
    settle(gate, s.str());
    gate.metrics["revisions"] = static_cast<double>(plan.chain.migrations.size());
    gate.duration_ms = ms_since(t);
    return gate;
}

}  // namespace pggate
