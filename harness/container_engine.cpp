#include "harness/container_engine.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness/provider.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace pggate {
namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    size_t b = s.find_first_not_of(" \n");
    return b == std::string::npos ? "" : s.substr(b);
}

std::string first_line(const std::string& s) { return trim(s.substr(0, s.find('\n'))); }

// An executable by name in PATH, or the path itself; empty when there is none.
std::string resolve_binary(const std::string& name) {
    if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
    const char* path = std::getenv("PATH");
    std::stringstream ss(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        std::string cand = (dir.empty() ? "." : dir) + "/" + name;
        if (access(cand.c_str(), X_OK) == 0 && !fs::is_directory(cand)) return cand;
    }
    return "";
}

// "podman version 4.3.1" / "Docker version 28.2.2, build e6534b4".
std::optional<ContainerEngine> identify(const std::string& path, std::string& why_not) {
    ProcessSpec p;
    p.argv = {path, "--version"};
    p.timeout = 10s;
    ProcessResult r;
    try {
        r = run_process(p);
    } catch (const std::exception& e) {
        why_not = path + " cannot be run: " + e.what() + ".";
        return std::nullopt;
    }
    std::string line = first_line(r.out);
    if (r.exit_code != 0 || line.empty()) {
        why_not = path + " --version failed (exit " + std::to_string(r.exit_code) + "): " + first_line(r.err + r.out) + ".";
        return std::nullopt;
    }
    ContainerEngine e;
    e.path = path;
    std::string lower = line;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("podman", 0) == 0) e.kind = "podman";
    else if (lower.rfind("docker", 0) == 0) e.kind = "docker";
    else {
        why_not = path + " is neither Docker nor Podman (it prints '" + line + "').";
        return std::nullopt;
    }
    auto v = lower.find("version ");
    if (v != std::string::npos) e.version = line.substr(v + 8, line.find_first_of(", ", v + 8) - v - 8);
    return e;
}

// Podman needs no daemon; Docker's CLI is often installed without a reachable daemon.
bool answers(const ContainerEngine& e, std::string& why_not) {
    if (e.kind != "docker") return true;
    ProcessSpec p;
    p.argv = {e.path, "version", "--format", "{{.Server.Version}}"};
    p.timeout = 15s;
    auto r = run_process(p);
    if (r.exit_code == 0 && !trim(r.out).empty()) return true;
    why_not = "docker is installed (" + e.path + ") but its daemon does not answer: " + first_line(r.err.empty() ? r.out : r.err) + ".";
    return false;
}

std::string quirks_cache_file(const ContainerEngine& e) {
    struct utsname u {};
    uname(&u);
    std::string key = e.kind + "|" + e.path + "|" + e.version + "|" + u.release + "|" + std::to_string(geteuid());
    std::ostringstream s;
    s << cache_root_dir() << "/container-quirks-" << std::hex << std::hash<std::string>{}(key);
    return s.str();
}

}  // namespace

std::string host_name() {
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

std::optional<ContainerEngine> find_container_engine(const std::string& configured_in, std::string& why_not) {
    std::string configured = configured_in.empty() ? "auto" : configured_in;
    if (const char* env = std::getenv("PGGATE_CONTAINER_ENGINE"); env && *env) configured = env;
    std::vector<std::string> candidates = configured == "auto" ? std::vector<std::string>{"podman", "docker"}
                                                               : std::vector<std::string>{configured};
    std::vector<std::string> reasons;
    for (const auto& c : candidates) {
        std::string path = resolve_binary(c);
        if (path.empty()) {
            reasons.push_back(c.find('/') != std::string::npos ? c + " does not exist or is not executable"
                                                               : c + " is not installed (not in PATH)");
            continue;
        }
        std::string why;
        auto e = identify(path, why);
        if (e && answers(*e, why)) return e;
        reasons.push_back(why);
    }
    why_not = "no usable container engine: ";
    for (size_t i = 0; i < reasons.size(); ++i) why_not += (i ? "; " : "") + reasons[i];
    why_not += ". Install podman (Debian: apt-get install podman runc, or run ci/install-deps.sh) or start Docker's daemon, "
               "set container.engine in pggate.yaml to the engine's path, or use --provider local.";
    return std::nullopt;
}

ProcessResult engine_command(const ContainerEngine& e, const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                             bool survive_interrupt) {
    ProcessSpec p;
    p.argv = {e.path};
    p.argv.insert(p.argv.end(), args.begin(), args.end());
    p.timeout = timeout;
    p.survive_interrupt = survive_interrupt;
    return run_process(p);
}

std::string runtime_for(const std::string& cgroup_version, const std::string& default_runtime, bool runc_installed) {
    if (default_runtime == "crun" && cgroup_version == "v1" && runc_installed) return "runc";
    return "";
}

bool runc_installed() {
    return !resolve_binary("runc").empty() || access("/usr/sbin/runc", X_OK) == 0 || access("/usr/bin/runc", X_OK) == 0;
}

bool is_rlimit_refusal(const std::string& err) {
    return err.find("error setting rlimit") != std::string::npos || err.find("setrlimit") != std::string::npos ||
           err.find("RLIMIT_") != std::string::npos;
}

bool is_crun_cgroup_refusal(const std::string& err) {
    return err.find("crun") != std::string::npos && err.find("cgroup") != std::string::npos;
}

std::vector<std::string> fallback_ulimits() { return {"nofile=1024:1024", "nproc=1024:1024"}; }

std::optional<EngineQuirks> load_cached_quirks(const ContainerEngine& e) {
    std::ifstream in(quirks_cache_file(e));
    if (!in) return std::nullopt;
    EngineQuirks q;
    std::string key, value;
    bool any = false;
    while (in >> key >> value) {
        any = true;
        if (key == "runtime") q.runtime = value == "-" ? "" : value;
        else if (key == "ulimit") q.ulimits.push_back(value);
    }
    if (!any) return std::nullopt;
    return q;
}

void store_cached_quirks(const ContainerEngine& e, const EngineQuirks& q) {
    std::string file = quirks_cache_file(e);
    std::error_code ec;
    fs::create_directories(fs::path(file).parent_path(), ec);
    std::string tmp = file + ".tmp-" + std::to_string(getpid());
    {
        std::ofstream out(tmp);
        out << "runtime " << (q.runtime.empty() ? "-" : q.runtime) << "\n";
        for (const auto& u : q.ulimits) out << "ulimit " << u << "\n";
    }
    fs::rename(tmp, file, ec);  // atomic: concurrent runs write the same verdict
    if (ec) fs::remove(tmp, ec);
}

std::pair<std::string, std::string> engine_host_facts(const ContainerEngine& e) {
    auto r = e.kind == "podman" ? engine_command(e, {"info", "--format", "{{.Host.CgroupsVersion}} {{.Host.OCIRuntime.Name}}"}, 30s)
                                : engine_command(e, {"info", "--format", "v{{.CgroupVersion}} {{.DefaultRuntime}}"}, 30s);
    if (r.exit_code != 0) return {"", ""};
    std::istringstream in(r.out);
    std::string cg, rt;
    in >> cg >> rt;
    return {cg, rt};
}

std::vector<std::string> container_run_args(const ContainerRunSpec& s) {
    std::vector<std::string> a = {"run", "--detach", "--name", s.name, "--publish", s.publish};
    if (!s.shm_size.empty()) a.insert(a.end(), {"--shm-size", s.shm_size});
    for (const auto& [k, v] : s.labels) a.insert(a.end(), {"--label", k + "=" + v});
    if (!s.quirks.runtime.empty()) a.insert(a.end(), {"--runtime", s.quirks.runtime});
    for (const auto& u : s.quirks.ulimits) a.insert(a.end(), {"--ulimit", u});
    for (const auto& [k, v] : s.env) a.insert(a.end(), {"--env", k + "=" + v});
    for (const auto& t : s.tmpfs) a.insert(a.end(), {"--tmpfs", t + ":rw,mode=0755"});
    a.insert(a.end(), s.run_args.begin(), s.run_args.end());
    a.push_back(s.image);
    a.insert(a.end(), s.command.begin(), s.command.end());
    return a;
}

int parse_published_port(const std::string& out) {
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        // "0.0.0.0:1234", "127.0.0.1:1234", "[::]:1234", or "5432/tcp -> 127.0.0.1:1234" (listing all ports)
        auto colon = line.rfind(':');
        if (colon == std::string::npos) continue;
        std::string port = line.substr(colon + 1);
        if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) continue;
        int p = std::stoi(port);
        if (p > 0 && p < 65536) return p;
    }
    return 0;
}

std::vector<ContainerListing> parse_container_list(const std::string& out) {
    using nlohmann::json;
    std::vector<json> items;
    std::string text = trim(out);
    if (text.empty()) return {};
    if (text[0] == '[') {
        json arr = json::parse(text, nullptr, false);
        if (arr.is_array())
            for (auto& j : arr) items.push_back(j);
    } else {
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line)) {
            json j = json::parse(line, nullptr, false);
            if (j.is_object()) items.push_back(j);
        }
    }
    std::vector<ContainerListing> list;
    for (const auto& j : items) {
        if (!j.is_object()) continue;
        ContainerListing c;
        for (const char* k : {"Id", "ID"})
            if (j.contains(k) && j[k].is_string()) c.id = j[k];
        if (j.contains("Names")) {
            if (j["Names"].is_array() && !j["Names"].empty() && j["Names"][0].is_string()) c.name = j["Names"][0];
            else if (j["Names"].is_string()) c.name = j["Names"];
        }
        if (j.contains("State") && j["State"].is_string()) c.state = j["State"];
        if (j.contains("Labels")) {
            const json& l = j["Labels"];
            if (l.is_object()) {
                for (auto it = l.begin(); it != l.end(); ++it)
                    if (it.value().is_string()) c.labels[it.key()] = it.value();
            } else if (l.is_string()) {
                std::istringstream in(l.get<std::string>());
                std::string kv;
                while (std::getline(in, kv, ',')) {
                    auto eq = kv.find('=');
                    if (eq != std::string::npos) c.labels[kv.substr(0, eq)] = kv.substr(eq + 1);
                }
            }
        }
        list.push_back(c);
    }
    return list;
}

std::vector<ContainerListing> list_pggate_containers(const ContainerEngine& e) {
    std::vector<std::string> args = {"ps", "--all", "--filter", "label=pggate.run", "--format"};
    args.push_back(e.kind == "podman" ? "json" : "{{json .}}");
    auto r = engine_command(e, args, 30s, true);
    if (r.exit_code != 0) return {};
    return parse_container_list(r.out);
}

std::map<std::string, std::string> owner_labels(const std::string& run_id) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return {{"pggate.run", run_id},
            {"pggate.pid", std::to_string(getpid())},
            {"pggate.pid_start", std::to_string(process_start_time(getpid()))},
            {"pggate.host", host_name()},
            {"pggate.started_at", when}};
}

bool owner_is_gone(const std::map<std::string, std::string>& labels, const std::string& this_host) {
    auto get = [&](const char* k) { auto it = labels.find(k); return it == labels.end() ? std::string() : it->second; };
    if (get("pggate.run").empty() || get("pggate.host") != this_host) return false;  // another host's: not ours to judge
    pid_t pid = 0;
    unsigned long long start = 0;
    try {
        pid = static_cast<pid_t>(std::stol(get("pggate.pid")));
        start = std::stoull(get("pggate.pid_start"));
    } catch (const std::exception&) {
        return true;  // labelled by pggate but unreadable: nobody can own it
    }
    return !(pid > 0 && pid_alive(pid) && process_start_time(pid) == start);
}

int reap_stale_containers(const ContainerEngine& e, bool include_kept) {
    int reaped = 0;
    std::string me = host_name();
    for (const auto& c : list_pggate_containers(e)) {
        bool kept = c.name.size() > std::string(kKeptSuffix).size() &&
                    c.name.compare(c.name.size() - std::string(kKeptSuffix).size(), std::string::npos, kKeptSuffix) == 0;
        if (kept ? !include_kept : !owner_is_gone(c.labels, me)) continue;
        if (kept && c.labels.count("pggate.host") && c.labels.at("pggate.host") != me) continue;
        std::string target = c.id.empty() ? c.name : c.id;
        std::vector<std::string> rm = {"rm", "--force", "--volumes"};
        if (e.kind == "podman") rm.insert(rm.end(), {"--time", "0"});
        rm.push_back(target);
        if (engine_command(e, rm, 60s, true).exit_code == 0) ++reaped;
    }
    return reaped;
}

int reap_stale_containers_everywhere(bool include_kept) {
    int n = 0;
    for (const char* name : {"podman", "docker"}) {
        std::string why;
        try {
            if (auto e = find_container_engine(name, why)) n += reap_stale_containers(*e, include_kept);
        } catch (const std::exception&) {
        }
    }
    return n;
}

}  // namespace pggate
