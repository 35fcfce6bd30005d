// The commands, wired from the stages: config → plan → provision → replay → catalog → gates → report.
// The CLI (main.cpp) only parses arguments and calls these.
#pragma once
#include <string>
#include <vector>

namespace pggate {

inline constexpr const char* kVersion = "0.1.0";

struct RunOptions {
    std::string config_path = "pggate.yaml";
    std::string report_dir;         // empty: <config dir>/.pggate/report
    std::string provider_override;  // local | external | container
    bool keep = false;              // leave the server up and print how to connect
    bool write_lock = false;        // write the reference path's schema to gates.schema-equality.lock
    std::string env;                // APP_ENV mode for the config gate; prod also refuses unsafe steps
    std::vector<std::string> formats;  // also written beside report.json: junit, sarif, codequality, markdown, github
};

// `pggate env check`: the config gate alone, from pggate.yaml's gates.config or from --rules & co.
struct EnvCheckOptions {
    std::string config_path = "pggate.yaml";
    std::string env;                     // mode to check (default: the env's APP_ENV)
    std::string rules;                   // standalone: the rules file (then pggate.yaml is not read)
    std::vector<std::string> env_files;  // standalone: env files in layering order
    std::string example;                 // standalone: .env.example
    std::string report_dir;
    bool probe = true;
    std::vector<std::string> formats;
};
int env_check_command(const EnvCheckOptions& opts);

// `pggate preflight --env prod`: only read-only checks before a release: the config gate for that mode
// and, with --dsn, the live schema against the committed lock file. Never creates or drops anything.
struct PreflightOptions {
    std::string config_path = "pggate.yaml";
    std::string env = "prod";
    std::string dsn;
    std::string report_dir;
    std::vector<std::string> formats;
};
int preflight_command(const PreflightOptions& opts);

// `pggate report render report.json --format F [-o FILE]`: any format, from the canonical report.json.
int render_command(const std::string& report_file, const std::string& format, const std::string& out_file);
// `pggate report compare OLD NEW`: new, fixed and unchanged findings; exit 1 when new failures appeared.
int compare_command(const std::string& old_file, const std::string& new_file, const std::string& format);

int run_command(const RunOptions& opts);

struct DiffOptions {
    std::string dsn_a, dsn_b;
    std::string format = "text";  // text | json
    std::string column_order = "ignore";
    std::vector<std::string> ignore;  // kind:glob or glob
    bool owners = false, privileges = false, no_comments = false;
    std::string partitions = "by-name";
};
int diff_command(const DiffOptions& opts);

// `pggate lint FILE…`: the delete-paths static analysis alone, no database. Large tables: --large-tables
// globs, gates.delete-paths.large_tables of --config, and every table the files create partitioned.
struct LintOptions {
    std::vector<std::string> files;          // empty: gates.delete-paths.files of the config
    std::vector<std::string> large_tables;
    std::string config_path;                 // optional pggate.yaml
    std::string format = "text";             // text | json | junit | sarif | codequality | markdown | github | html
    bool show_info = false;                  // also print the recognised partition paths (text)
};
int lint_command(const LintOptions& opts);

int snapshot_command(const std::string& dsn, const std::string& out_file);
int reap_command(bool include_kept);

// Serializes a snapshot (the lock-file format, pggate.snapshot/v1).
struct Snapshot;
std::string snapshot_to_json(const Snapshot& snap);
// Reads that format back; throws std::runtime_error naming `label` when it is not a pggate snapshot.
Snapshot snapshot_from_json(const std::string& text, const std::string& label);

}  // namespace pggate
