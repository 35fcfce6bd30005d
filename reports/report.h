// The report model: plain data that every gate fills in and every writer renders. report.json is
// its canonical serialization (schema name pggate.report/v1).
#pragma once
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pggate {

struct Location {
    std::string file;  // relative to the config's folder when inside it
    int line = 0;
    int column = 0;
};

// Why a finding is accepted for now (see reports/waivers.h). Waived findings stay in every format.
struct Waived {
    std::string reason;
    std::string owner;    // may be empty (inline waivers)
    std::string expires;  // YYYY-MM-DD, may be empty (inline waivers)
    std::string source;   // "waivers.yaml:4" or "sql/init.sql:12 (inline)"
};

// A quality-gate style condition on a numeric metric: pass when `actual <comparator> threshold`.
struct GateCondition {
    std::string metric;
    std::string comparator;  // lt | le | gt | ge | eq
    double threshold = 0;
    double actual = 0;
    std::string status;  // pass | warn | fail; empty: computed by condition_holds() when serialized
};
// True when `actual comparator threshold` holds; false for an unknown comparator.
bool condition_holds(const std::string& comparator, double actual, double threshold);

struct Finding {
    std::string rule;      // <gate>.<rule>, stable
    std::string severity;  // error | warning | info
    std::string message;   // what is wrong and what to do
    std::string object;    // what it is about (table, revision, file…)
    std::optional<Location> location;
    std::map<std::string, std::string> details;  // e.g. sqlstate, statement, reference_definition
    std::string fingerprint;  // empty: computed by finding_fingerprint() when serialized
    std::optional<Waived> waived;  // set by apply_waivers(); a waived finding does not fail its gate
};

struct GateResult {
    std::string id;
    std::string status = "pass";  // pass | warn | fail | error | skip
    std::string summary;
    std::vector<Finding> findings;
    std::map<std::string, double> metrics;
    double duration_ms = 0;
    std::vector<GateCondition> conditions;  // optional; serialized only when non-empty
};

struct StepReport {
    std::string label;
    std::string kind;      // script | migration | stamp | command
    std::string file;
    std::string revision;
    bool ok = true;
    int statements = 0;
    double duration_ms = 0;
};

struct PathReport {
    std::string name;      // init | chain | init-upgrade
    std::string database;
    std::string status;    // ok | failed | skipped
    double duration_ms = 0;
    std::vector<StepReport> steps;
};

struct Report {
    std::string schema = "pggate.report/v1";
    std::string tool_version;
    std::string command;
    std::string project;
    std::string config_file;
    std::string run_id;
    std::string started_at;  // UTC, ISO 8601
    double duration_ms = 0;
    std::string provider_kind;
    std::string provider_description;  // redacted
    std::string provider_reason;       // why this provider was used (auto's choice, or where it was set)
    std::string server_version;
    std::map<std::string, double> provider_metrics;
    std::vector<PathReport> paths;
    std::vector<GateResult> gates;
    std::string status;  // pass | fail | error
    int exit_code = 0;
};

// Stable identity of a problem across runs: 16 lowercase hex digits, FNV-1a 64 of
// rule NUL object NUL location.file NUL normalize_fingerprint_message(message).
std::string finding_fingerprint(const Finding& finding);
// The message with durations ("12.5 ms", "3 s") replaced by <duration> and temporary directories
// (/tmp/…, /var/tmp/…, /dev/shm/…, /var/folders/…) by <tmp>.
std::string normalize_fingerprint_message(const std::string& message);

// Overall status and exit code from the gates: error → 2, fail → 1, otherwise 0.
void settle_outcome(Report& report);
std::string report_to_json(const Report& report);
void write_report_json(const Report& report, const std::string& path);
void print_console_summary(const Report& report, std::ostream& out, bool color);

}  // namespace pggate
