// pggate's command line: parses arguments (CLI11) and calls the commands in run.h. Nothing else.
#include <CLI/CLI.hpp>

#include <iostream>

#include "harness/process.h"
#include "harness/run.h"

int main(int argc, char** argv) {
    pggate::install_signal_handlers();
    CLI::App app{
        "pggate: preflight and regression gates for PostgreSQL schemas.\n"
        "Replays a project's init script and migration chain into disposable PostgreSQL databases,\n"
        "runs the gates (replay, schema-equality, ...) and writes report.json.\n"
        "Exit codes: 0 all gates passed, 1 a gate failed, 2 pggate could not run.",
        "pggate"};
    app.set_version_flag("--version", std::string("pggate ") + pggate::kVersion);
    app.require_subcommand(1);
    app.footer("Start with: pggate run --config scenarios/capacity/pggate.yaml\nMore: pggate <command> --help");

    pggate::RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "Replay every configured path and run all configured gates.");
    run_cmd->add_option("-c,--config", run.config_path, "pggate.yaml of the project")->capture_default_str();
    run_cmd->add_option("-o,--report-dir", run.report_dir, "where report.json goes (default: <config dir>/.pggate/report)");
    run_cmd->add_option("--provider", run.provider_override, "override the config's provider")
        ->check(CLI::IsMember({"local", "external", "container"}));
    run_cmd->add_flag("--keep", run.keep, "leave the PostgreSQL server and databases up afterwards and print how to connect");
    run_cmd->add_flag("--write-lock", run.write_lock, "write the reference path's schema to gates.schema-equality.lock (then commit it)");

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

    bool reap_kept = false;
    auto* reap_cmd = app.add_subcommand("reap", "Stop local servers and remove temp dirs left by pggate runs that died.");
    reap_cmd->add_flag("--kept", reap_kept, "also stop instances left up on purpose with --keep");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    try {
        if (*run_cmd) return pggate::run_command(run);
        if (*diff_cmd) return pggate::diff_command(diff);
        if (*snap_cmd) return pggate::snapshot_command(snap_dsn, snap_out);
        if (*reap_cmd) return pggate::reap_command(reap_kept);
    } catch (const std::exception& e) {
        std::cerr << "pggate: internal error: " << e.what() << "\n";
        return 2;
    }
    return 2;
}
