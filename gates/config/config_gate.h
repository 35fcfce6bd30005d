// The `config` gate: APP_ENV modes, per-mode defaults, forbidden combinations and requirements,
// .env.example alignment, and a fail-fast probe that starts the app once with the compliant env and
// once per dangerous combination. Rule ids and the rules-file format: gates/config/README.md.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace YAML {
class Node;
}

namespace pggate {

struct ConfigGateOptions {
    std::string base_dir;                 // relative paths below are resolved here; empty: the current folder
    std::string rules_file;               // required, e.g. config/rules.yaml
    std::vector<std::string> env_files;   // in order, later wins; empty: the dotenv-flow files of the mode in env_dir
    std::string env_dir;                  // where the default env files and .env.example are looked for; empty: base_dir
    std::string example_file;             // empty: <env_dir>/.env.example when it exists (alignment skipped otherwise)
    std::string mode;                     // e.g. prod (from `--env prod`); empty: the mode key (APP_ENV) of the env
    bool probe = true;                    // run the rules' probe command (when the rules name one)
    bool use_process_env = true;          // the process environment wins over the files (as for the app)
    int probe_jobs = 4;                   // probe runs in parallel
    // Tests: the process environment to use instead of the real one (still only when use_process_env).
    std::optional<std::map<std::string, std::string>> process_env;
};

// Runs the gate. Never throws for user errors: problems with the rules or env files become findings
// (status "error" when the gate cannot judge, "fail" for violations, "warn" for warnings only).
// No secret value (keys marked secret or with secret-looking names, passwords inside URLs) appears in
// any message, object or detail of the result.
GateResult run_config_gate(const ConfigGateOptions& options);

// The pggate.yaml section `gates: config:`. Keys (all paths relative to pggate.yaml's folder):
//   rules: config/rules.yaml      required
//   env_files: [.env, .env.prod]  optional (default: dotenv-flow files for the mode in env_dir)
//   env_dir: .                    optional
//   example: .env.example         optional
//   mode: prod                    optional (the CLI's --env overrides it)
//   probe: true                   optional
//   process_env: true             optional
// Problems are appended as "file:line:col: message" (the harness/config.cpp ConfigError format).
ConfigGateOptions parse_config_gate_section(const YAML::Node& section, const std::string& config_file,
                                            const std::string& config_dir, std::vector<std::string>& problems);
const std::vector<std::string>& config_gate_section_keys();

}  // namespace pggate
