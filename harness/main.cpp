// pggate's command line: parses arguments (CLI11) and calls the commands in run.h. Nothing else.
#include <CLI/CLI.hpp>

#include <iostream>

#include "harness/container_image.h"
#include "harness/explain.h"
#include "harness/process.h"
#include "harness/run.h"
#include "reports/render.h"

int main(int argc, char** argv) {
    pggate::install_signal_handlers();
    CLI::App app{
        "pggate: preflight and regression gates for PostgreSQL schemas.\n"
        "Replays a project's init script and migration chain into disposable PostgreSQL databases and\n"
        "runs the gates: replay, schema-equality, partition-pruning, partition-health, config (APP_ENV).\n"
        "Writes report.json (and JUnit, SARIF, GitLab, Markdown, HTML on request).\n"
        "Exit codes: 0 all gates passed, 1 a gate failed, 2 pggate could not run.",
        "pggate"};
    app.set_version_flag("--version", std::string("pggate ") + pggate::kVersion);
    app.require_subcommand(1);
    app.footer("Start with: pggate run --config scenarios/capacity/pggate.yaml   (a project with seed 002's drift: exit 1)\n"
               "Before a release: pggate preflight --env prod   (read-only)\nMore: pggate <command> --help");

    pggate::RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "Replay every configured path and run all configured gates.");
    run_cmd->add_option("-c,--config", run.config_path, "pggate.yaml of the project")->capture_default_str();
    run_cmd->add_option("-o,--report-dir", run.report_dir, "where report.json goes (default: <config dir>/.pggate/report)");
    run_cmd->add_option("--provider", run.provider_override,
                        "override the config's provider (auto: a container when pggate.yaml names container.image and an engine is usable, else local)")
        ->check(CLI::IsMember({"auto", "local", "container", "external"}));
    run_cmd->add_flag("--keep", run.keep, "leave the PostgreSQL server and databases up afterwards and print how to connect");
    run_cmd->add_flag("--write-lock", run.write_lock, "write the reference path's schema to gates.schema-equality.lock (then commit it)");
    const std::string format_help = "also write this format beside report.json (junit, sarif, codequality, markdown, github, html; repeatable)";
    auto format_check = CLI::IsMember(pggate::report_formats());
    run_cmd->add_option("--format", run.formats, format_help)->check(format_check);
    run_cmd->add_option("--env", run.env, "APP_ENV mode for the config gate (dev, ci, prod); prod refuses to replay on an external server");

    pggate::EnvCheckOptions env_check;
    auto* env_cmd = app.add_subcommand("env", "The app's environment configuration.");
    env_cmd->require_subcommand(1);
    auto* env_check_cmd = env_cmd->add_subcommand("check", "Run the config gate alone: dotenv files against the rules, .env.example alignment, fail-fast probe.");
    env_check_cmd->add_option("-c,--config", env_check.config_path, "pggate.yaml with a gates: config: section")->capture_default_str();
    env_check_cmd->add_option("--env", env_check.env, "mode to check (default: APP_ENV of the env files)");
    env_check_cmd->add_option("--rules", env_check.rules, "rules file (standalone use, without pggate.yaml)");
    env_check_cmd->add_option("--env-file", env_check.env_files, "env file, in layering order (standalone use; repeatable)");
    env_check_cmd->add_option("--example", env_check.example, ".env.example to align with (standalone use)");
    env_check_cmd->add_option("-o,--report-dir", env_check.report_dir, "where report.json goes");
    env_check_cmd->add_option("--format", env_check.formats, format_help)->check(format_check);
    bool no_probe = false;
    env_check_cmd->add_flag("--no-probe", no_probe, "do not start the app to prove it refuses dangerous combinations");

    pggate::PreflightOptions preflight;
    auto* preflight_cmd = app.add_subcommand("preflight", "Read-only checks before a release (the project's preflight:prod step).");
    preflight_cmd->add_option("--env", preflight.env, "the release mode")->capture_default_str();
    preflight_cmd->add_option("-c,--config", preflight.config_path, "pggate.yaml of the project")->capture_default_str();
    preflight_cmd->add_option("--dsn", preflight.dsn, "a live database to compare, read-only, with the schema lock file");
    preflight_cmd->add_option("-o,--report-dir", preflight.report_dir, "where report.json goes");
    preflight_cmd->add_option("--format", preflight.formats, format_help)->check(format_check);

    std::string render_in, render_format, render_out;
    auto* report_cmd = app.add_subcommand("report", "Work with report.json files.");
    report_cmd->require_subcommand(1);
    auto* render_cmd = report_cmd->add_subcommand("render", "Render report.json as JUnit XML, SARIF 2.1.0, GitLab Code Quality, Markdown or GitHub annotations.");
    render_cmd->add_option("report", render_in, "a report.json written by pggate")->required();
    render_cmd->add_option("--format", render_format, "junit, sarif, codequality, markdown, github or html")->required()->check(format_check);
    render_cmd->add_option("-o,--output", render_out, "write to this file instead of stdout");
    std::string compare_old, compare_new, compare_format = "text";
    auto* compare_cmd = report_cmd->add_subcommand("compare", "New, fixed and unchanged findings between two reports (exit 1 when new failures appeared).");
    compare_cmd->add_option("old", compare_old, "the earlier report.json")->required();
    compare_cmd->add_option("new", compare_new, "the later report.json")->required();
    compare_cmd->add_option("--format", compare_format, "text, json or markdown")->check(CLI::IsMember({"text", "json", "markdown"}))->capture_default_str();

    pggate::LintOptions lint;
    auto* lint_cmd = app.add_subcommand("lint", "Find bulk DELETE paths in SQL, PL/pgSQL, shell scripts and app code, without a database (exit 1 when found).");
    lint_cmd->add_option("files", lint.files, "SQL files, shell scripts, source files (default: gates.delete-paths.files of --config)");
    lint_cmd->add_option("--large-tables", lint.large_tables, "tables that count as large, as globs (schema.table; comma-separated or repeated); partitioned tables always do");
    lint_cmd->add_option("--config", lint.config_path, "pggate.yaml whose gates.delete-paths (large_tables, files) and waivers apply");
    lint_cmd->add_option("--format", lint.format, "text, json (report JSON), junit, sarif, codequality, markdown, github or html")
        ->check(CLI::IsMember({"text", "json", "junit", "sarif", "codequality", "markdown", "github", "html"}))->capture_default_str();
    lint_cmd->add_flag("--info", lint.show_info, "also list the partition paths it recognised (TRUNCATE/DETACH/DROP of partitions)");
    pggate::DiffOptions diff;
    auto* diff_cmd = app.add_subcommand("diff", "Compare the schemas of two live databases (exit 0 equal, 1 different).");
    diff_cmd->add_option("dsn_a", diff.dsn_a, "libpq connection string or URI of database A")->required();
    diff_cmd->add_option("dsn_b", diff.dsn_b, "libpq connection string or URI of database B")->required();
    diff_cmd->add_option("--format", diff.format, "text or json (report JSON)")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    diff_cmd->add_option("--column-order", diff.column_order, "ignore, warn or fail on different column order")
        ->check(CLI::IsMember({"ignore", "warn", "fail"}))->capture_default_str();
    diff_cmd->add_option("--ignore", diff.ignore, "objects to leave out: GLOB or KIND:GLOB (e.g. table:public.alembic_version)");
    diff_cmd->add_flag("--owners", diff.owners, "also compare owners");
    diff_cmd->add_flag("--privileges", diff.privileges, "also compare granted privileges");
    diff_cmd->add_flag("--no-comments", diff.no_comments, "do not compare comments");
    diff_cmd->add_option("--partitions", diff.partitions, "match partitions by-name, or by-bounds (renamed partitions are equal)")
        ->check(CLI::IsMember({"by-name", "by-bounds"}))->capture_default_str();

    std::string snap_dsn, snap_out;
    auto* snap_cmd = app.add_subcommand("snapshot", "Print the normalized catalog of a database as JSON (the lock-file format).");
    snap_cmd->add_option("dsn", snap_dsn, "libpq connection string or URI")->required();
    snap_cmd->add_option("-o,--output", snap_out, "write to this file instead of stdout");

    std::string explain_dsn, explain_sql, explain_format = "text";
    std::vector<std::string> explain_params, explain_tables;
    bool explain_generic = false, explain_analyze = false;
    auto* explain_cmd = app.add_subcommand("explain", "Partitions a query scans, per partitioned table: total and scanned (leaf names).");
    explain_cmd->add_option("dsn", explain_dsn, "libpq connection string or URI")->required();
    explain_cmd->add_option("--sql", explain_sql, "the query (one statement)")->required();
    explain_cmd->add_option("--param", explain_params, "value of $1, $2, … in order (repeatable)");
    explain_cmd->add_option("--table", explain_tables, "a partitioned table the query should touch (reported even when fully pruned; repeatable)");
    explain_cmd->add_option("--format", explain_format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    explain_cmd->add_flag("--generic-plan", explain_generic, "plan as a prepared statement's generic plan (shows executor-start pruning)");
    explain_cmd->add_flag("--analyze", explain_analyze, "EXPLAIN ANALYZE: really runs the statement (rolled back) to show run-time pruning");

    bool reap_kept = false;
    auto* reap_cmd = app.add_subcommand("reap", "Stop local servers, remove temp dirs and containers left by pggate runs that died.");
    reap_cmd->add_flag("--kept", reap_kept, "also stop instances left up on purpose with --keep");

    pggate::ImageBuildOptions image_build;
    auto* image_cmd = app.add_subcommand("image", "Container images for the container provider.");
    image_cmd->require_subcommand(1);
    auto* image_build_cmd = image_cmd->add_subcommand(
        "build", "Build a PostgreSQL image from this machine's installed server binaries (no registry needed); skipped when up to date.");
    image_build_cmd->add_option("--engine", image_build.engine, "docker, podman, auto or the engine's path")->capture_default_str();
    image_build_cmd->add_option("--tag", image_build.tag, "image tag (default: localhost/pggate-postgres:<major version>)");
    image_build_cmd->add_option("--pg-bin", image_build.pg_bin, "folder of the PostgreSQL server binaries (default: as the local provider finds them)");
    image_build_cmd->add_flag("--force", image_build.force, "rebuild even when the image's content hash is unchanged");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    try {
        if (*run_cmd) return pggate::run_command(run);
        if (*env_check_cmd) {
            env_check.probe = !no_probe;
            return pggate::env_check_command(env_check);
        }
        if (*preflight_cmd) return pggate::preflight_command(preflight);
        if (*render_cmd) return pggate::render_command(render_in, render_format, render_out);
        if (*compare_cmd) return pggate::compare_command(compare_old, compare_new, compare_format);
        if (*explain_cmd)
            return pggate::explain_command(explain_dsn, explain_sql, explain_params, explain_tables, explain_format, explain_generic,
                                           explain_analyze);
        if (*diff_cmd) return pggate::diff_command(diff);
        if (*lint_cmd) return pggate::lint_command(lint);
        if (*snap_cmd) return pggate::snapshot_command(snap_dsn, snap_out);
        if (*reap_cmd) return pggate::reap_command(reap_kept);
        if (*image_build_cmd) return pggate::image_build_command(image_build);
    } catch (const std::exception& e) {
        std::cerr << "pggate: internal error: " << e.what() << "\n";
        return 2;
    }
    return 2;
}
