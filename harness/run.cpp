#include "harness/run.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <future>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <unistd.h>

#include "gates/config/config_gate.h"
#include "gates/delete-paths/delete_lint.h"
#include "gates/delete-paths/delete_paths_gate.h"
#include "gates/migration-safety/migration_lint.h"
#include "gates/migration-safety/migration_safety_gate.h"
#include "gates/partition-health/partition_health_gate.h"
#include "gates/partition-pruning/partition_pruning_gate.h"
#include "gates/replay/replay_gate.h"
#include "gates/schema-equality/schema_equality_gate.h"
#include "harness/catalog.h"
#include "harness/config.h"
#include "harness/live_diff.h"
#include "harness/pg.h"
#include "harness/process.h"
#include "harness/provider.h"
#include "harness/replay.h"
#include "harness/schema_diff.h"
#include "reports/compare.h"
#include "reports/redact.h"
#include "reports/render.h"
#include "reports/report.h"
#include "reports/schema.h"
#include "reports/waivers.h"

namespace fs = std::filesystem;

namespace pggate {
namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

std::string new_run_id() {
    std::random_device rd;
    std::ostringstream s;
    s << std::hex << std::setw(8) << std::setfill('0') << (rd() ^ static_cast<unsigned>(getpid()));
    return s.str();
}

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Progress lines on stderr: colored on a terminal, plain in CI and pipes. Safe from several threads.
class Progress {
public:
    Progress() : color_(isatty(2) && !std::getenv("CI") && !std::getenv("NO_COLOR")) {}
    bool color() const { return color_; }
    void line(const std::string& tag, const std::string& text, bool ok = true, double ms = -1) {
        std::lock_guard<std::mutex> lock(m_);
        std::ostringstream s;
        s << "pggate: ";
        if (!tag.empty()) s << (color_ ? "\033[36m" : "") << "[" << tag << "]" << (color_ ? "\033[0m" : "") << " ";
        if (!ok) s << (color_ ? "\033[1;31mFAILED\033[0m " : "FAILED ");
        s << text;
        if (ms >= 0) s << " (" << std::fixed << std::setprecision(2) << ms / 1000.0 << " s)";
        std::cerr << s.str() << "\n" << std::flush;
    }

private:
    std::mutex m_;
    bool color_;
};

void print_error(const std::string& what) {
    std::cerr << "pggate: error: " << what << "\n";
}

// Stops the provider on every way out of the run (return, exception), unless --keep.
struct ProviderGuard {
    Provider* p;
    ~ProviderGuard() {
        if (p) p->stop();
    }
};

PathReport to_path_report(const PathResult& r) {
    PathReport p;
    p.name = r.path;
    p.database = r.db.name;
    p.status = r.skipped ? "skipped" : r.ok ? "ok" : "failed";
    p.duration_ms = r.duration_ms;
    p.steps = r.steps;
    return p;
}

std::string describe_plan(const Config& cfg, const ReplayPlan& plan) {
    std::string chain = plan.chain.layout.empty() ? "no chain"
                        : plan.chain.layout == "command" ? "command chain"
                        : plan.chain.layout + " chain, " + std::to_string(plan.chain.migrations.size()) + " migration(s)";
    std::string paths;
    for (const auto& p : cfg.paths) paths += (paths.empty() ? "" : ", ") + p;
    return std::to_string(plan.init_scripts.size()) + " init script(s), " + chain + "; paths: " + paths;
}

struct Replayed {
    std::vector<PathResult> results;          // in the config's path order
    std::map<std::string, Snapshot> snapshots;  // paths that replayed cleanly
    double wall_ms = 0;
};

using Outcome = std::pair<PathResult, std::optional<Snapshot>>;

// Replays every path side by side, each into its own database, and snapshots those that succeed.
// When both init and init-upgrade are wanted, the init scripts run once: init-upgrade continues on a
// file-level copy of the database they built (also sparing a second run of cluster-wide statements).
Replayed replay_all(const Config& cfg, const ReplayPlan& plan, Provider& provider, Progress& progress) {
    auto t0 = std::chrono::steady_clock::now();
    auto on_step = [&](const std::string& path, const ReplayStep& s) { progress.line(path, s.label, s.ok, s.duration_ms); };
    auto finish = [&](PathResult r) -> Outcome {
        std::optional<Snapshot> snap;
        if (r.ok && !interrupted()) {
            auto ts = std::chrono::steady_clock::now();
            PgConn conn(r.db.conninfo);
            snap = read_snapshot(conn);
            progress.line(r.path, "catalog snapshot: " + std::to_string(snap->objects.size()) + " objects", true, ms_since(ts));
        }
        return {std::move(r), std::move(snap)};
    };
    auto wants = [&](const std::string& p) { return std::find(cfg.paths.begin(), cfg.paths.end(), p) != cfg.paths.end(); };
    const bool share_init = wants("init") && wants("init-upgrade");

    std::map<std::string, std::future<Outcome>> jobs;
    std::promise<Outcome> upgrade_promise;
    if (share_init) jobs["init-upgrade"] = upgrade_promise.get_future();
    for (const auto& path : cfg.paths) {
        if (share_init && path == "init-upgrade") continue;  // started by the init job
        Database db = provider.create_database(path, nullptr);
        if (share_init && path == "init") {
            jobs[path] = std::async(std::launch::async, [&, db]() -> Outcome {
                try {
                    PathResult scripts = replay_path("init", db, cfg, plan, on_step, {true, false});
                    std::future<Outcome> upgrade;
                    if (scripts.ok && !interrupted()) {
                        Database copy = provider.create_database("init-upgrade", &db);
                        upgrade = std::async(std::launch::async, [&, copy, scripts]() {
                            PathResult r = replay_path("init-upgrade", copy, cfg, plan, on_step, {false, true});
                            r.steps.insert(r.steps.begin(), scripts.steps.begin(), scripts.steps.end());
                            r.duration_ms += scripts.duration_ms;
                            return finish(std::move(r));
                        });
                    }
                    PathResult init = scripts;
                    if (scripts.ok) {
                        init = replay_path("init", db, cfg, plan, on_step, {false, true});
                        init.steps.insert(init.steps.begin(), scripts.steps.begin(), scripts.steps.end());
                        init.duration_ms += scripts.duration_ms;
                    }
                    if (upgrade.valid()) {
                        upgrade_promise.set_value(upgrade.get());
                    } else {
                        PathResult skipped;
                        skipped.path = "init-upgrade";
                        skipped.ok = false;
                        skipped.skipped = true;
                        upgrade_promise.set_value({skipped, std::nullopt});
                    }
                    return finish(std::move(init));
                } catch (...) {
                    upgrade_promise.set_exception(std::current_exception());
                    throw;
                }
            });
        } else {
            jobs[path] = std::async(std::launch::async, [&, db, path]() { return finish(replay_path(path, db, cfg, plan, on_step)); });
        }
    }
    Replayed out;
    std::exception_ptr error;
    for (const auto& path : cfg.paths) {
        try {
            auto [r, snap] = jobs[path].get();
            if (snap) out.snapshots[r.path] = std::move(*snap);
            out.results.push_back(std::move(r));
        } catch (...) {
            if (!error) error = std::current_exception();  // wait for every job before leaving
        }
    }
    if (error) std::rethrow_exception(error);
    out.wall_ms = ms_since(t0);
    return out;
}

int interrupted_exit() {
    std::cerr << "pggate: interrupted by signal " << interrupt_signal() << "; servers stopped and temp dirs removed.\n";
    return 128 + interrupt_signal();
}

// The gates that read their own pggate.yaml sections, and the waivers.
struct GateSections {
    std::optional<ConfigGateOptions> config;
    std::optional<PruningOptions> pruning;
    std::optional<PartitionHealthOptions> health;
    std::optional<DeletePathsOptions> delete_paths;
    std::optional<MigrationSafetyOptions> migration_safety;
    WaiverSet waivers;
};

// Reads pggate.yaml and the gates' own sections; prints every problem and returns false when any.
bool load_project(const std::string& path, Config& cfg, GateSections& gates) {
    std::vector<std::string> problems;
    try {
        cfg = load_config(path);
    } catch (const ConfigError& e) {
        problems = e.problems;
    }
    if (problems.empty() && cfg.config_gate_section)
        gates.config = parse_config_gate_section(*cfg.config_gate_section, cfg.file, cfg.dir, problems);
    if (problems.empty() && cfg.gate_sections.count("partition-pruning")) {
        gates.pruning = parse_partition_pruning_section(*cfg.gate_sections.at("partition-pruning"), cfg.file, cfg.dir, problems);
        std::string db = gates.pruning->database.empty() ? cfg.schema_equality.reference : gates.pruning->database;
        if (std::find(cfg.paths.begin(), cfg.paths.end(), db) == cfg.paths.end())
            problems.push_back(cfg.file + ": gates.partition-pruning checks the '" + db + "' path's database, but that path is not in paths.");
        gates.pruning->database = db;
    }
    if (problems.empty() && cfg.gate_sections.count("partition-health")) {
        gates.health = parse_partition_health_section(*cfg.gate_sections.at("partition-health"), cfg.file, cfg.dir, problems);
        std::string db = gates.health->database.empty() ? cfg.schema_equality.reference : gates.health->database;
        if (!cfg.paths.empty() && std::find(cfg.paths.begin(), cfg.paths.end(), db) == cfg.paths.end())
            problems.push_back(cfg.file + ": gates.partition-health checks the '" + db + "' path's database, but that path is not in paths.");
        gates.health->database = db;
    }
    if (problems.empty() && cfg.gate_sections.count("delete-paths")) {
        gates.delete_paths = parse_delete_paths_section(*cfg.gate_sections.at("delete-paths"), cfg.file, cfg.dir, problems);
        std::string db = gates.delete_paths->database.empty() ? cfg.schema_equality.reference : gates.delete_paths->database;
        if (!gates.delete_paths->commands.empty() && std::find(cfg.paths.begin(), cfg.paths.end(), db) == cfg.paths.end())
            problems.push_back(cfg.file + ": gates.delete-paths runs its commands on a copy of the '" + db + "' path's database, but that path is not in paths.");
        gates.delete_paths->database = db;
    }
    if (problems.empty() && cfg.gate_sections.count("migration-safety"))
        gates.migration_safety = parse_migration_safety_section(*cfg.gate_sections.at("migration-safety"), cfg, problems);
    if (problems.empty() && !cfg.waivers_file.empty()) gates.waivers = load_waivers(cfg.waivers_file, problems);
    if (problems.empty()) return true;
    print_error("the configuration has " + std::to_string(problems.size()) + " problem(s):");
    for (const auto& p : problems) std::cerr << "  " << p << "\n";
    return false;
}

Report new_report(const std::string& command, const Config& cfg) {
    Report report;
    report.tool_version = kVersion;
    report.command = command;
    report.project = cfg.project;
    report.config_file = cfg.file;
    report.run_id = new_run_id();
    report.started_at = utc_now();
    return report;
}

// Passwords pggate itself was given (the external admin DSN); other secret-looking text (URI
// passwords, password=…) is recognized by redact_report on its own.
std::vector<std::string> known_secrets(const Config& cfg) {
    std::vector<std::string> out;
    auto env = client_env_for(cfg.external.admin_dsn);
    if (auto it = env.find("PGPASSWORD"); it != env.end() && !it->second.empty()) out.push_back(it->second);
    return out;
}

// Applies waivers and redaction, settles the outcome, writes report.json (and the requested formats
// beside it), prints the summary; in GitHub Actions also appends the Markdown summary to
// $GITHUB_STEP_SUMMARY and prints annotations. Returns the exit code.
int finish_report(Report& report, const std::string& report_dir, const Config& cfg, const GateSections& gates, const Progress& progress,
                  std::chrono::steady_clock::time_point t0, const std::vector<std::string>& formats) {
    report.duration_ms = ms_since(t0);
    apply_waivers(report, gates.waivers, utc_today(), cfg.dir);
    redact_report(report, known_secrets(cfg));
    settle_outcome(report);
    std::string dir = report_dir.empty() ? (fs::path(cfg.dir) / ".pggate" / "report").string() : report_dir;
    std::error_code ec;
    fs::create_directories(dir, ec);
    std::string report_path = (fs::path(dir) / "report.json").string();
    try {
        write_report_json(report, report_path);
    } catch (const std::exception& e) {
        print_error(std::string(e.what()) + " (--report-dir " + dir + ")");
        return 2;
    }
    const std::string json = report_to_json(report);
    try {
        for (const auto& format : formats) {
            std::string path = (fs::path(dir) / report_format_file_name(format)).string();
            std::ofstream(path) << render_report(json, format);
        }
        if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary)
            std::ofstream(summary, std::ios::app) << render_report(json, "markdown");
        if (const char* gha = std::getenv("GITHUB_ACTIONS"); gha && std::string(gha) == "true") std::cout << render_report(json, "github");
    } catch (const std::exception& e) {
        print_error(std::string("cannot render the report: ") + e.what());
        return 2;
    }
    print_console_summary(report, std::cout, progress.color());
    std::cout << "report: " << report_path << "\n";
    return report.exit_code;
}

void add_config_gate(Report& report, ConfigGateOptions options, const std::string& mode, bool probe, Progress& progress) {
    auto t = std::chrono::steady_clock::now();
    if (!mode.empty()) options.mode = mode;
    options.probe = options.probe && probe;
    report.gates.push_back(run_config_gate(options));
    report.gates.back().duration_ms = ms_since(t);
    progress.line("config", report.gates.back().summary, report.gates.back().status != "fail" && report.gates.back().status != "error",
                  report.gates.back().duration_ms);
}

std::optional<Snapshot> load_lock(const std::string& lock_file) {
    if (lock_file.empty() || !fs::exists(lock_file)) return std::nullopt;
    std::ifstream in(lock_file);
    std::stringstream text;
    text << in.rdbuf();
    return snapshot_from_json(text.str(), lock_file);  // std::runtime_error when it is not a snapshot
}

// The replay part of `pggate run`: plan, provision, replay, snapshot, and the replay and schema-equality
// gates. Returns -1 to go on, or the exit code to stop with.
int replay_and_compare(const Config& cfg, const RunOptions& opts, Report& report, Progress& progress, Provider& provider,
                       std::vector<PathResult>& results_out, ReplayPlan& plan_out) {
    // Everything that can be checked without a server is checked before one starts: the config, and
    // every SQL file through PostgreSQL's parser. Alembic's revision listing (a Python start-up) runs
    // while the server starts.
    ReplayPlan plan;
    try {
        plan = plan_replay(cfg, false);
    } catch (const ScriptError& e) {
        print_error(e.what());
        return 2;
    }
    Replayed replayed;
    try {
        auto t = std::chrono::steady_clock::now();
        auto listing = std::async(std::launch::async, [&] {
            if (cfg.chain.kind == ChainKind::alembic) list_alembic_revisions(cfg, plan);
            return ms_since(t);
        });
        std::exception_ptr start_error;
        try {
            provider.start();
        } catch (...) {
            start_error = std::current_exception();
        }
        double plan_ms = listing.get();  // a ScriptError from Alembic wins: it names the user's file
        if (start_error) std::rethrow_exception(start_error);
        progress.line("plan", describe_plan(cfg, plan), true, plan_ms);
        progress.line("provision", provider.describe(), true, ms_since(t));
        report.provider_kind = provider.kind();
        report.provider_description = provider.describe();
        report.server_version = provider.server_version();
        replayed = replay_all(cfg, plan, provider, progress);
        if (interrupted()) return interrupted_exit();
        report.provider_metrics = provider.metrics();
    } catch (const ScriptError& e) {
        print_error(e.what());
        return 2;
    } catch (const ProvisionError& e) {
        if (interrupted()) return interrupted_exit();
        print_error(e.what());
        return 2;
    } catch (const PgError& e) {
        if (interrupted()) return interrupted_exit();
        print_error(std::string("PostgreSQL: ") + e.what() + (e.sqlstate.empty() ? "" : " (SQLSTATE " + e.sqlstate + ")"));
        return 2;
    }
    results_out = replayed.results;
    plan_out = plan;
    const auto& results = replayed.results;
    const auto& snapshots = replayed.snapshots;
    for (const auto& r : results) {
        report.paths.push_back(to_path_report(r));
        if (!r.ok && !r.skipped && r.path != "init-upgrade") print_error(describe_failure(r.path, *r.failure, cfg.dir));
    }
    if (cfg.replay_gate) {
        auto t = std::chrono::steady_clock::now();
        report.gates.push_back(run_replay_gate(results, plan.chain, cfg));
        report.gates.back().duration_ms = ms_since(t) + replayed.wall_ms;
    }
    if (!cfg.schema_equality.enabled) return -1;
    auto t = std::chrono::steady_clock::now();
    const std::string& lock_file = cfg.schema_equality.lock_file;
    std::optional<Snapshot> lock;
    if (opts.write_lock) {
        auto ref = snapshots.find(cfg.schema_equality.reference);
        if (lock_file.empty()) {
            print_error("--write-lock needs gates.schema-equality.lock (the file to write) in " + cfg.file + ".");
            return 2;
        }
        if (ref == snapshots.end()) {
            print_error("--write-lock: the " + cfg.schema_equality.reference + " path did not replay, so there is no schema to lock.");
            return 2;
        }
        std::ofstream(lock_file) << snapshot_to_json(ref->second);
        lock = ref->second;
        progress.line("lock", "wrote " + relative_to(lock_file, cfg.dir) + " from the " + ref->first + " path");
    } else {
        try {
            lock = load_lock(lock_file);
        } catch (const std::runtime_error& e) {
            print_error(e.what());
            return 2;
        }
    }
    report.gates.push_back(run_schema_equality_gate(snapshots, results, cfg, lock ? &*lock : nullptr));
    report.gates.back().duration_ms = ms_since(t);
    return -1;
}

// Runs a gate on the database of one replayed path (skipped when that path did not replay).
template <typename RunGate>
void add_database_gate(const std::string& gate_id, const std::string& tag, const std::string& database,
                       const std::vector<PathResult>& results, Report& report, Progress& progress, RunGate run_gate) {
    auto t = std::chrono::steady_clock::now();
    auto path = std::find_if(results.begin(), results.end(), [&](const PathResult& r) { return r.path == database; });
    if (path == results.end() || !path->ok) {
        GateResult g;
        g.id = gate_id;
        g.status = "skip";
        g.summary = "the " + database + " path did not replay, so there is no database to check";
        report.gates.push_back(g);
        return;
    }
    report.gates.push_back(run_gate(path->db.conninfo));
    report.gates.back().duration_ms = ms_since(t);
    const GateResult& g = report.gates.back();
    progress.line(tag, g.summary, g.status == "pass" || g.status == "warn", g.duration_ms);
}

void add_delete_paths_gate(const DeletePathsOptions& options, const std::vector<PathResult>& results, Provider* provider, Report& report,
                           Progress& progress) {
    auto t = std::chrono::steady_clock::now();
    auto path = std::find_if(results.begin(), results.end(), [&](const PathResult& r) { return r.path == options.database; });
    const Database* base = path != results.end() && path->ok ? &path->db : nullptr;
    report.gates.push_back(run_delete_paths_gate(options, provider, base));
    report.gates.back().duration_ms = ms_since(t);
    const GateResult& g = report.gates.back();
    progress.line("delete", g.summary, g.status == "pass" || g.status == "warn", g.duration_ms);
}

}  // namespace

int run_command(const RunOptions& opts) {
    auto t0 = std::chrono::steady_clock::now();
    Progress progress;
    Config cfg;
    GateSections gates;
    if (!load_project(opts.config_path, cfg, gates)) return 2;
    if (!opts.provider_override.empty()) cfg.provider = opts.provider_override;
    // In prod mode pggate refuses what could harm a real server: replaying creates and drops databases.
    if (opts.env == "prod" && cfg.provider == "external" && !cfg.paths.empty()) {
        print_error("refusing to replay against an external server in prod mode (--env prod): `pggate run` creates and drops "
                    "databases there. Use the local or container provider, or `pggate preflight --env prod` for the read-only checks.");
        return 2;
    }
    Report report = new_report("run", cfg);
    std::unique_ptr<Provider> provider;
    if (!cfg.paths.empty()) {
        try {
            ProviderChoice choice = choose_provider(cfg, opts.provider_override.empty() ? "" : "--provider " + opts.provider_override);
            cfg.provider = choice.kind;
            report.provider_reason = choice.reason;
            provider = make_provider(cfg, report.run_id);
        } catch (const ProvisionError& e) {
            print_error(e.what());
            return 2;
        }
    }
    ProviderGuard guard{provider.get()};
    std::vector<PathResult> results;
    ReplayPlan plan;
    if (provider) {
        int stop = replay_and_compare(cfg, opts, report, progress, *provider, results, plan);
        if (stop >= 0) return stop;
        if (gates.migration_safety) {
            auto t = std::chrono::steady_clock::now();
            report.gates.push_back(run_migration_safety_gate(*gates.migration_safety, cfg, plan, *provider));
            const GateResult& g = report.gates.back();
            progress.line("migrate", g.summary, g.status == "pass" || g.status == "warn", ms_since(t));
            if (interrupted()) return interrupted_exit();
        }
        // Delete paths copies the replayed database before pruning seeds it in place (a template must be
        // idle and unseeded); pruning seeds the database it checks; health runs after it, so default
        // partitions hold that data.
        if (gates.delete_paths) add_delete_paths_gate(*gates.delete_paths, results, provider.get(), report, progress);
        if (interrupted()) return interrupted_exit();
        if (gates.pruning)
            add_database_gate("partition-pruning", "pruning", gates.pruning->database, results, report, progress,
                              [&](const std::string& conninfo) { return run_partition_pruning_gate(*gates.pruning, conninfo); });
        if (gates.health)
            add_database_gate("partition-health", "health", gates.health->database, results, report, progress,
                              [&](const std::string& conninfo) { return run_partition_health_gate(*gates.health, conninfo); });
    }
    if (gates.delete_paths && !provider) add_delete_paths_gate(*gates.delete_paths, results, nullptr, report, progress);
    if (gates.config) add_config_gate(report, *gates.config, opts.env, true, progress);
    int code = finish_report(report, opts.report_dir, cfg, gates, progress, t0, opts.formats);
    if (opts.keep && provider) {
        provider->keep();
        std::cout << "kept: " << provider->connect_hint() << "\n";
    }
    return code;
}

int env_check_command(const EnvCheckOptions& opts) {
    auto t0 = std::chrono::steady_clock::now();
    Progress progress;
    Config cfg;
    GateSections gates;
    std::optional<ConfigGateOptions>& config_gate = gates.config;
    if (!opts.rules.empty()) {
        // Standalone: everything from the command line, paths relative to the current folder.
        cfg.dir = fs::current_path().string();
        cfg.project = fs::current_path().filename().string();
        ConfigGateOptions o;
        o.base_dir = cfg.dir;
        o.rules_file = opts.rules;
        o.env_files = opts.env_files;
        o.example_file = opts.example;
        config_gate = o;
    } else {
        if (!load_project(opts.config_path, cfg, gates)) return 2;
        if (!config_gate) {
            print_error(cfg.file + ": has no gates: config: section (rules: config/rules.yaml); or pass --rules FILE.");
            return 2;
        }
    }
    Report report = new_report("env check", cfg);
    add_config_gate(report, *config_gate, opts.env, opts.probe, progress);
    return finish_report(report, opts.report_dir, cfg, gates, progress, t0, opts.formats);
}

int preflight_command(const PreflightOptions& opts) {
    auto t0 = std::chrono::steady_clock::now();
    Progress progress;
    Config cfg;
    GateSections gates;
    if (!load_project(opts.config_path, cfg, gates)) return 2;
    const std::optional<ConfigGateOptions>& config_gate = gates.config;
    Report report = new_report("preflight --env " + opts.env, cfg);
    // Only read-only checks: the app's configuration for the release mode, and, given a DSN, the live
    // schema against the committed lock file (read in a READ ONLY transaction; nothing is created).
    if (config_gate) add_config_gate(report, *config_gate, opts.env, true, progress);
    // Partition health is read-only (catalog and statistics in a READ ONLY transaction): safe on production.
    if (!opts.dsn.empty() && gates.health) {
        auto t = std::chrono::steady_clock::now();
        report.gates.push_back(run_partition_health_gate(*gates.health, opts.dsn));
        report.gates.back().duration_ms = ms_since(t);
        progress.line("health", report.gates.back().summary, report.gates.back().status == "pass" || report.gates.back().status == "warn",
                      report.gates.back().duration_ms);
    }
    if (!opts.dsn.empty() && !cfg.schema_equality.lock_file.empty()) {
        auto t = std::chrono::steady_clock::now();
        std::optional<Snapshot> lock;
        try {
            lock = load_lock(cfg.schema_equality.lock_file);
        } catch (const std::runtime_error& e) {
            print_error(e.what());
            return 2;
        }
        if (!lock) {
            print_error("--dsn compares the live schema with gates.schema-equality.lock, which " +
                        (cfg.schema_equality.lock_file.empty() ? cfg.file + " does not name" : cfg.schema_equality.lock_file + " does not exist") +
                        " (create it with `pggate run --write-lock`).");
            return 2;
        }
        Snapshot live;
        try {
            PgConn conn(opts.dsn);
            live = read_snapshot(conn);
        } catch (const PgError& e) {
            print_error(e.what());
            return 2;
        }
        report.server_version = live.server_version;
        report.provider_kind = "external";
        report.provider_description = "read-only: " + redact_conninfo(opts.dsn);
        GateResult g;
        g.id = "schema-equality";
        const std::string lock_name = "lock file " + relative_to(cfg.schema_equality.lock_file, cfg.dir);
        for (auto& f : schema_findings(*lock, live, lock_name, "live database", cfg.schema_equality.policy)) {
            if (f.severity == "error") g.status = "fail";
            else if (g.status == "pass") g.status = "warn";
            g.findings.push_back(std::move(f));
        }
        g.metrics["objects_live"] = static_cast<double>(live.objects.size());
        g.summary = std::to_string(g.findings.size()) + " difference(s) between the live database and the " + lock_name;
        g.duration_ms = ms_since(t);
        progress.line("schema", g.summary, g.status != "fail", g.duration_ms);
        report.gates.push_back(std::move(g));
    }
    // The delete-paths gate's static half reads files only (with --dsn, also the live catalog's partitioning,
    // by plain SELECTs): no cleanup path still takes the big-DELETE route. Its commands need a disposable
    // database, so they belong to `pggate run`.
    if (gates.delete_paths && !gates.delete_paths->files.empty()) {
        auto t = std::chrono::steady_clock::now();
        DeletePathsOptions static_only = *gates.delete_paths;
        static_only.commands.clear();
        static_only.compare.clear();
        Database live;
        live.label = "live";
        live.conninfo = opts.dsn;
        report.gates.push_back(run_delete_paths_gate(static_only, nullptr, opts.dsn.empty() ? nullptr : &live));
        report.gates.back().duration_ms = ms_since(t);
        const GateResult& g = report.gates.back();
        progress.line("delete", g.summary, g.status == "pass" || g.status == "warn", g.duration_ms);
    }
    // The migrations about to be released, judged from their text (locks, rewrites, index builds, NOT NULL and
    // constraint tightening); `pggate run` measures them on a seeded database.
    if (gates.migration_safety) {
        try {
            report.gates.push_back(run_migration_lint_gate(*gates.migration_safety, cfg, plan_replay(cfg)));
        } catch (const ScriptError& e) {
            print_error(e.what());
            return 2;
        }
        const GateResult& g = report.gates.back();
        progress.line("migrate", g.summary, g.status == "pass" || g.status == "warn", g.duration_ms);
    }
    if (report.gates.empty()) {
        print_error("nothing to check before a release: add gates: config: to " + cfg.file + ", or pass --dsn with a schema lock file.");
        return 2;
    }
    return finish_report(report, opts.report_dir, cfg, gates, progress, t0, opts.formats);
}

int compare_command(const std::string& old_file, const std::string& new_file, const std::string& format) {
    auto read = [](const std::string& f, std::string& out) {
        std::ifstream in(f);
        if (!in) return false;
        std::stringstream text;
        text << in.rdbuf();
        out = text.str();
        return true;
    };
    std::string a, b;
    if (!read(old_file, a) || !read(new_file, b)) {
        print_error("cannot read " + (a.empty() ? old_file : new_file) + ".");
        return 2;
    }
    try {
        std::cout << compare_reports(a, b, format);
        return compare_new_failures(a, b) > 0 ? 1 : 0;
    } catch (const std::exception& e) {
        print_error(e.what());
        return 2;
    }
}

int render_command(const std::string& report_file, const std::string& format, const std::string& out_file) {
    std::ifstream in(report_file);
    if (!in) {
        print_error(report_file + ": cannot read the report.");
        return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto problems = validate_report(text.str());
    if (!problems.empty()) {
        print_error(report_file + " is not a valid pggate.report/v1 report: " + problems.front());
        return 2;
    }
    try {
        std::string rendered = render_report(text.str(), format);
        if (out_file.empty() || out_file == "-") std::cout << rendered;
        else std::ofstream(out_file) << rendered;
    } catch (const std::exception& e) {
        print_error(report_file + ": " + e.what());
        return 2;
    }
    return 0;
}

int snapshot_command(const std::string& dsn, const std::string& out_file) {
    try {
        PgConn conn(dsn);
        std::string json = snapshot_to_json(read_snapshot(conn));
        if (out_file.empty() || out_file == "-") {
            std::cout << json;
        } else {
            std::ofstream out(out_file);
            out << json;
            if (!out) {
                print_error("cannot write " + out_file);
                return 2;
            }
        }
        return 0;
    } catch (const PgError& e) {
        print_error(e.what());
        return 2;
    }
}

int diff_command(const DiffOptions& opts) {
    SchemaPolicy policy;
    policy.column_order = opts.column_order;
    policy.owners = opts.owners;
    policy.privileges = opts.privileges;
    policy.comments = !opts.no_comments;
    policy.partitions = opts.partitions;
    for (const auto& ig : opts.ignore) {
        auto colon = ig.find(':');
        if (colon == std::string::npos) policy.ignore.push_back({"*", ig});
        else policy.ignore.push_back({ig.substr(0, colon), ig.substr(colon + 1)});
    }
    auto t = std::chrono::steady_clock::now();
    // The command ends right after the comparison. Two snapshots are some 10^5 small allocations, which take longer to
    // free one by one than the comparison itself: they are left to the process's exit.
    LiveDiff& live = *new LiveDiff();
    try {
        live = diff_databases(opts.dsn_a, opts.dsn_b, policy);
    } catch (const PgError& e) {
        print_error(e.what());
        return 2;
    }
    const Snapshot& a = live.reference;
    const Snapshot& b = live.other;
    std::string name_a = redact_conninfo(opts.dsn_a), name_b = redact_conninfo(opts.dsn_b);
    auto findings = schema_findings(live.differences, "A", "B", policy);
    int errors = 0;
    for (const auto& f : findings) errors += f.severity == "error";
    if (opts.format == "json") {
        Report r;
        r.tool_version = kVersion;
        r.command = "diff";
        r.run_id = new_run_id();
        r.started_at = utc_now();
        r.provider_kind = "external";
        r.provider_description = "A: " + name_a + "; B: " + name_b;
        r.server_version = a.server_version;
        GateResult g;
        g.id = "schema-equality";
        g.findings = findings;
        g.status = errors ? "fail" : findings.empty() ? "pass" : "warn";
        g.summary = std::to_string(findings.size()) + " difference(s) between A and B";
        g.metrics["objects_a"] = static_cast<double>(a.objects.size());
        g.metrics["objects_b"] = static_cast<double>(b.objects.size());
        g.duration_ms = ms_since(t);
        r.gates.push_back(g);
        r.duration_ms = ms_since(t);
        settle_outcome(r);
        std::cout << report_to_json(r);
    } else {
        std::cout << "A: " << name_a << " (" << a.objects.size() << " objects)\nB: " << name_b << " (" << b.objects.size() << " objects)\n";
        for (const auto& f : findings) {
            std::cout << "\n" << (f.severity == "error" ? "-" : "~") << " " << f.rule << "  " << f.object << "\n";
            if (f.details.count("reference_definition")) std::cout << "    A: " << f.details.at("reference_definition") << "\n";
            if (f.details.count("compared_definition")) std::cout << "    B: " << f.details.at("compared_definition") << "\n";
        }
        std::cout << "\n" << (findings.empty() ? "equal" : std::to_string(findings.size()) + " difference(s)") << "\n";
    }
    return errors ? 1 : 0;
}

int lint_command(const LintOptions& opts) {
    auto t0 = std::chrono::steady_clock::now();
    Config cfg;
    GateSections gates;
    std::vector<std::string> large = opts.large_tables;
    std::vector<LintInput> inputs;                 // delete paths: SQL, shell, application code
    std::vector<MigrationLintInput> migrations;    // migration safety: SQL migration files in apply order
    ReplayPlan chain_plan;                         // or the config's whole chain (SQL files, or Alembic's offline SQL)
    bool lint_the_chain = false;
    if (!opts.config_path.empty()) {
        if (!load_project(opts.config_path, cfg, gates)) return 2;
        if (gates.delete_paths) {
            large.insert(large.end(), gates.delete_paths->large_tables.begin(), gates.delete_paths->large_tables.end());
            if (opts.files.empty()) {
                std::vector<std::string> problems;
                for (const auto& f : expand_file_globs(gates.delete_paths->files, cfg.dir, problems))
                    inputs.push_back({(fs::path(cfg.dir) / f).string(), f});
            }
        }
        if (gates.migration_safety) {
            large.insert(large.end(), gates.migration_safety->large_tables.begin(), gates.migration_safety->large_tables.end());
            if (opts.files.empty() && cfg.chain.kind != ChainKind::none && cfg.chain.kind != ChainKind::command) {
                try {
                    chain_plan = plan_replay(cfg);
                    lint_the_chain = true;
                } catch (const ScriptError& e) {
                    print_error(e.what());
                    return 2;
                }
            }
        }
    }
    for (const auto& f : opts.files) {
        inputs.push_back({f, f});
        if (fs::path(f).extension() == ".sql") migrations.push_back({f, f, "", ScriptSection::whole});
    }
    if (inputs.empty() && migrations.empty() && !lint_the_chain) {
        print_error("nothing to lint: name files (pggate lint FILE…), or a config whose gates.delete-paths has files or whose "
                    "gates.migration-safety has a chain of SQL files.");
        return 2;
    }
    TableModel model;
    for (auto& g : large)  // --large-tables a,b,c
        for (size_t from = 0; from <= g.size();) {
            size_t comma = g.find(',', from);
            std::string one = g.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
            if (!one.empty()) model.large_globs.push_back(one);
            if (comma == std::string::npos) break;
            from = comma + 1;
        }
    Report report = new_report("lint", cfg);
    report.project = cfg.project;
    int statements = 0;
    auto add_gate = [&](const std::string& id, const LintResult& lint, const std::string& what, bool whole_chain = false) {
        for (const auto& p : lint.problems) print_error(p.message);
        if (!lint.problems.empty()) return false;
        GateResult gate;
        gate.id = id;
        if (whole_chain) add_chain_lint(gate, lint, cfg);
        else add_lint_findings(gate, lint);
        int errors = 0;
        for (const auto& f : lint.findings) errors += f.severity == "error";
        settle_delete_paths_gate(gate, std::to_string(lint.files) + " file(s) linted, " + std::to_string(errors) + " " + what, "");
        gate.duration_ms = ms_since(t0);
        report.gates.push_back(std::move(gate));
        statements += lint.statements;
        return true;
    };
    if (!inputs.empty() && !add_gate("delete-paths", lint_files(inputs, model), "bulk-delete path(s)")) return 2;
    if (lint_the_chain) {
        std::string note;
        LintResult lint = lint_chain(cfg, chain_plan, model, note);
        if (!add_gate("migration-safety", lint, "unsafe migration step(s)", true)) return 2;
        if (!note.empty()) {  // nothing linted is not a pass
            report.gates.back().findings.push_back(not_linted(note, cfg));
            settle_delete_paths_gate(report.gates.back(), note, "");
        }
    } else if (!migrations.empty() && !add_gate("migration-safety", lint_migrations(migrations, model), "unsafe migration step(s)")) {
        return 2;
    }
    report.duration_ms = ms_since(t0);
    apply_waivers(report, gates.waivers, utc_today(), cfg.dir);
    redact_report(report, {});
    settle_outcome(report);
    const std::string json = report_to_json(report);
    if (opts.format == "json") {
        std::cout << json << "\n";
    } else if (opts.format != "text") {
        std::cout << render_report(json, opts.format);
    } else {
        int shown = 0;
        for (const auto& g : report.gates)
            for (const auto& f : g.findings) {
                if (f.severity == "info" && !opts.show_info) continue;
                ++shown;
                std::cout << f.location->file;
                if (f.location->line) std::cout << ":" << f.location->line << ":" << f.location->column;
                if (auto sql_line = f.details.find("alembic_sql_line"); sql_line != f.details.end())
                    std::cout << " (alembic --sql line " << sql_line->second << ")";
                std::cout << ": " << f.severity << ": " << f.rule
                          << (f.waived ? " (waived)" : "") << "\n    " << f.message.substr(0, f.message.find(" Fix: ")) << "\n";
                if (auto st = f.details.find("statement"); st != f.details.end()) std::cout << "    statement: " << st->second << "\n";
                if (auto fix = f.details.find("fix"); fix != f.details.end()) std::cout << "    fix: " << fix->second << "\n";
            }
        std::cout << (shown ? "\n" : "");
        for (const auto& g : report.gates) std::cout << g.id << " " << g.status << ": " << g.summary << "\n";
        std::cout << "(" << statements << " statements parsed)\n";
    }
    return report.exit_code;
}

int reap_command(bool include_kept) {
    int n = reap_stale_local_instances(default_temp_bases(""), include_kept);
    std::cout << "reaped " << n << " local instance(s)\n";
    int c = reap_stale_containers_everywhere(include_kept);
    std::cout << "reaped " << c << " container(s)\n";
    return 0;
}

}  // namespace pggate
