// Docker and Podman as pggate uses them: finding a usable engine, the quirks of this machine
// (OCI runtime, ulimits) detected rather than assumed, the `run` command line, and reading back
// what the engine prints (published ports, labelled containers). The pure parts are unit-tested
// in container_engine_test.cpp; the provider itself is container_provider.cpp.
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/process.h"

namespace pggate {

struct ContainerEngine {
    std::string kind;     // podman | docker
    std::string path;     // absolute path of the binary
    std::string version;  // e.g. 4.3.1
};

// Finds the engine named by `configured` (docker | podman | auto | a path; $PGGATE_CONTAINER_ENGINE
// overrides it) and checks that it can run containers (Docker: its daemon answers). auto prefers
// podman, then docker. On failure returns nullopt and sets `why_not` to a one-paragraph reason.
std::optional<ContainerEngine> find_container_engine(const std::string& configured, std::string& why_not);

// Runs `<engine> args…` with output captured. Clean-up commands pass survive_interrupt.
ProcessResult engine_command(const ContainerEngine& e, const std::vector<std::string>& args,
                             std::chrono::milliseconds timeout = std::chrono::seconds(60), bool survive_interrupt = false);

// Engine workarounds, applied to `run`. Detected (engine facts, one retry after a refusal) and
// cached per machine and engine version; pggate.yaml can set them instead.
struct EngineQuirks {
    std::string runtime;               // --runtime; empty: the engine's default
    std::vector<std::string> ulimits;  // --ulimit values, e.g. nofile=1024:1024
    std::string why;                   // what was detected, for the provider's description
};

// crun cannot create containers on hybrid (v1) cgroups here; runc can. Given `podman info` facts.
std::string runtime_for(const std::string& cgroup_version, const std::string& default_runtime, bool runc_installed);
bool runc_installed();
// The runtime refused the engine's default rlimits (rootful podman asks for nofile/nproc above what
// the host's hard limits or the sandbox allow): stderr says "error setting rlimit".
bool is_rlimit_refusal(const std::string& engine_stderr);
// crun failing on cgroups (the hybrid-cgroups failure), so runc is worth one retry.
bool is_crun_cgroup_refusal(const std::string& engine_stderr);
// Limits that every runtime accepts and that suffice for a throwaway server (max_files_per_process is 1000).
std::vector<std::string> fallback_ulimits();

// The quirks verdict cache (a small text file per engine version and kernel).
std::optional<EngineQuirks> load_cached_quirks(const ContainerEngine& e);
void store_cached_quirks(const ContainerEngine& e, const EngineQuirks& q);
// `podman info`: cgroup version and default OCI runtime ("v1", "crun"); empty strings when unknown.
std::pair<std::string, std::string> engine_host_facts(const ContainerEngine& e);

struct ContainerRunSpec {
    std::string name;
    std::string image;
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> env;
    std::string publish = "127.0.0.1::5432";  // host port chosen by the engine: no bind-then-release race
    std::string shm_size = "256m";            // the default 64 MB /dev/shm is too small for parallel queries
    EngineQuirks quirks;
    std::vector<std::string> tmpfs;           // --tmpfs PATH:rw,mode=0755 (podman copies the image's content up)
    std::vector<std::string> run_args;        // the user's, last before the image so they can override
    std::vector<std::string> command;         // after the image: -c key=value …
};
std::vector<std::string> container_run_args(const ContainerRunSpec& s);

// `podman port NAME 5432/tcp` / `docker port …`: "127.0.0.1:40451" (possibly several lines). 0: none.
int parse_published_port(const std::string& out);

struct ContainerListing {
    std::string id;
    std::string name;
    std::string state;
    std::map<std::string, std::string> labels;
};
// `podman ps -a --format json` (one JSON array, labels as an object) or `docker ps -a --format
// '{{json .}}'` (one object per line, labels as "k=v,k=v").
std::vector<ContainerListing> parse_container_list(const std::string& out);
std::vector<ContainerListing> list_pggate_containers(const ContainerEngine& e);

// The labels every pggate container carries: run id, owner pid and its start time, host, start time.
std::map<std::string, std::string> owner_labels(const std::string& run_id);
// Whether a labelled container's owner (same host) is gone: pid dead, or reused by another process.
bool owner_is_gone(const std::map<std::string, std::string>& labels, const std::string& this_host);
constexpr const char* kKeptSuffix = "-kept";  // `--keep` renames the container; reaped only with --kept

// Removes containers of dead pggate runs on this host. Returns how many.
int reap_stale_containers(const ContainerEngine& e, bool include_kept);
// For `pggate reap`: every engine found on this machine that answers. Never throws.
int reap_stale_containers_everywhere(bool include_kept);

std::string host_name();

}  // namespace pggate
