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
};

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

int snapshot_command(const std::string& dsn, const std::string& out_file);
int reap_command(bool include_kept);

// Serializes a snapshot (the lock-file format, pggate.snapshot/v1).
struct Snapshot;
std::string snapshot_to_json(const Snapshot& snap);
// Reads that format back; throws std::runtime_error naming `label` when it is not a pggate snapshot.
Snapshot snapshot_from_json(const std::string& text, const std::string& label);

}  // namespace pggate
