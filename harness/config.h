// pggate.yaml: parsed and validated up front, every path resolved against the config file's folder.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/sql_script.h"

namespace YAML {
class Node;
}

namespace pggate {

// A path as written in pggate.yaml, relative to `base_dir` (the file's folder) unless absolute; normalized.
std::string resolve_path(const std::string& path, const std::string& base_dir);

struct ConfigError : std::runtime_error {
    std::vector<std::string> problems;  // each "file:line:col: what is wrong and what to do"
    explicit ConfigError(std::vector<std::string> p);
};

struct LocalProviderConfig {
    std::string bin_dir;                          // empty: discover (pg_config, /usr/lib/postgresql/N/bin, PATH)
    std::string run_as = "postgres";              // used only when pggate runs as root
    std::string temp_dir;                         // empty: /dev/shm when it has room, else $TMPDIR or /tmp
    bool cache = true;                            // reuse an initialized data directory
    std::map<std::string, std::string> settings;  // extra postgres -c settings
};

// A PostgreSQL image run with Docker or Podman (harness/container_provider.cpp).
struct ContainerProviderConfig {
    std::string engine = "auto";                  // docker | podman | auto | the path of the engine binary
    std::string image = "localhost/pggate-postgres:15";  // default: what `pggate image build` makes
    bool image_configured = false;                // `provider: auto` picks containers only when the config names an image
    std::vector<std::string> run_args;            // extra arguments to `<engine> run`, before the image
    std::map<std::string, std::string> env;       // -e KEY=VALUE
    std::map<std::string, std::string> settings;  // server settings, passed as -c key=value
    std::string runtime;                          // OCI runtime (--runtime); empty: detected; "default": the engine's own
    std::map<std::string, std::string> ulimits;   // nofile: "1024:1024"; used instead of detection when configured
    bool ulimits_configured = false;
    long long ready_timeout_ms = 60'000;          // until a connection and SELECT 1 succeed
    // Folders mounted as tmpfs (the data dir on disk makes DDL and CREATE DATABASE several times
    // slower). Default with podman: /var/lib/postgresql, filled from the image (podman copies a tmpfs
    // mount's image content up; docker does not, so it gets none by default).
    std::vector<std::string> tmpfs;
    bool tmpfs_configured = false;
};

struct ExternalProviderConfig {
    std::string admin_dsn;  // after ${VAR} expansion; never printed unredacted
};

struct Timeouts {
    long long statement_ms = 60'000;
    long long lock_ms = 10'000;
    long long step_ms = 600'000;  // commands (alembic, user scripts)
};

enum class ChainKind { none, sql_dir, command, alembic };

struct ChainConfig {
    ChainKind kind = ChainKind::none;
    std::string dir;              // sql_dir: migrations folder
    std::string layout = "auto";  // sql_dir: auto | plain | up-down | flyway | dbmate
    std::string command;          // command: shell command that upgrades to head
    std::string alembic_config;   // alembic: path of alembic.ini
    std::string alembic_bin = "alembic";
    std::string python;           // empty: the interpreter of the `alembic` script (its #! line), else python3
    std::string cwd;              // where commands run; default: the config's folder
    SourceLocation where;         // of the `chain:` key, for findings about the chain as a whole
};

struct InitConfig {
    std::vector<std::string> scripts;
    std::string stamp;          // revision (alembic) or version (sql layouts) the init scripts correspond to
    std::string stamp_command;  // command chains: shell command run after the scripts
    std::vector<SourceLocation> script_where;
};

struct IgnoreRule {
    std::string kind;     // object kind (table, index, ...) or "*"
    std::string pattern;  // glob on the object's identity, e.g. public.alembic_version
};

// What counts as a schema difference. Defaults suit comparing replay paths of one project.
struct SchemaPolicy {
    std::string column_order = "ignore";  // ignore | warn | fail
    std::vector<IgnoreRule> ignore;
    bool owners = false;      // compare object owners (they depend on who ran the scripts)
    bool privileges = false;  // compare GRANTed privileges
    bool comments = true;     // compare COMMENTs
    std::string partitions = "by-name";  // by-name: partitions matched by name; by-bounds: by parent and bound
};

struct SchemaEqualityConfig {
    bool enabled = false;
    std::string reference = "chain";
    std::string lock_file;  // the committed expected schema (pggate snapshot format); empty: none
    SchemaPolicy policy;
};

struct Config {
    std::string file;  // absolute path of pggate.yaml
    std::string dir;   // its folder
    std::string project;
    std::string provider = "auto";  // auto | local | container | external
    LocalProviderConfig local;
    ContainerProviderConfig container;
    ExternalProviderConfig external;
    Timeouts timeouts;
    InitConfig init;
    ChainConfig chain;
    std::vector<std::string> paths;  // init, chain, init-upgrade
    std::string waivers_file;        // findings accepted for now: {rule, object, reason, owner, expires}
    bool replay_gate = false;
    SchemaEqualityConfig schema_equality;
    // gates.config, validated and read by the config gate itself (gates/config/config_gate.h), so that the
    // harness does not depend on the gates.
    std::shared_ptr<const YAML::Node> config_gate_section;
    // Likewise for the partition gates: "partition-pruning", "partition-health" → their sections.
    std::map<std::string, std::shared_ptr<const YAML::Node>> gate_sections;
};

// Throws ConfigError listing every problem found (unknown keys, wrong types, missing files).
Config load_config(const std::string& path);

// "${VAR}" and "${VAR:-default}" from the process environment.
std::string expand_env(const std::string& text);

}  // namespace pggate
