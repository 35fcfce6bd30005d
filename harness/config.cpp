#include "harness/text.h"
#include "harness/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "harness/pg.h"
#include "harness/yaml_checker.h"

namespace fs = std::filesystem;

namespace pggate {

std::string resolve_path(const std::string& path, const std::string& base_dir) {
    if (path.empty()) return path;
    fs::path p = fs::path(path).is_absolute() || base_dir.empty() ? fs::path(path) : fs::path(base_dir) / path;
    return p.lexically_normal().string();
}
namespace {


using Checker = YamlChecker;

SourceLocation where_of(const Checker& c, const YAML::Node& n) {
    return {c.file, n.Mark().line + 1, n.Mark().column + 1};
}

void read_local(Checker& c, const YAML::Node& n, LocalProviderConfig& out) {
    if (!c.is_map(n, "local")) return;
    c.keys(n, "local", {"bin_dir", "run_as", "temp_dir", "cache", "settings"});
    if (n["bin_dir"]) {
        if (auto v = c.existing_path(n["bin_dir"], "local.bin_dir", true)) out.bin_dir = *v;
    }
    if (n["run_as"]) {
        if (auto v = c.str(n["run_as"], "local.run_as")) out.run_as = *v;
    }
    if (n["temp_dir"]) {
        if (auto v = c.existing_path(n["temp_dir"], "local.temp_dir", true)) out.temp_dir = *v;
    }
    if (n["cache"]) {
        if (auto v = c.boolean(n["cache"], "local.cache")) out.cache = *v;
    }
    if (n["settings"] && c.is_map(n["settings"], "local.settings")) {
        for (auto it = n["settings"].begin(); it != n["settings"].end(); ++it) {
            if (auto v = c.str(it->second, "local.settings." + it->first.Scalar())) out.settings[it->first.Scalar()] = *v;
        }
    }
}

void read_string_map(Checker& c, const YAML::Node& n, const std::string& what, std::map<std::string, std::string>& out) {
    if (!c.is_map(n, what)) return;
    for (auto it = n.begin(); it != n.end(); ++it)
        if (auto v = c.str(it->second, what + "." + it->first.Scalar())) out[it->first.Scalar()] = expand_env(*v);
}

void read_container(Checker& c, const YAML::Node& n, ContainerProviderConfig& out) {
    if (!c.is_map(n, "container")) return;
    c.keys(n, "container", {"engine", "image", "run_args", "env", "settings", "runtime", "ulimits", "ready_timeout", "tmpfs"});
    if (n["engine"]) {
        if (auto v = c.str(n["engine"], "container.engine")) {
            if (*v == "docker" || *v == "podman" || *v == "auto" || v->find('/') != std::string::npos) out.engine = *v;
            else c.fail(n["engine"], "container.engine is '" + *v + "'; expected docker, podman, auto, or the path of the engine's binary.");
        }
    }
    if (n["image"]) {
        if (auto v = c.str(n["image"], "container.image")) {
            out.image = expand_env(*v);
            out.image_configured = true;
            if (out.image.empty()) c.fail(n["image"], "container.image is empty; name an image such as localhost/pggate-postgres:15 (build it with `pggate image build`).");
        }
    }
    if (const YAML::Node& a = n["run_args"]) {
        if (!a.IsSequence()) c.fail(a, "container.run_args must be a list of arguments, e.g. [--memory, 1g].");
        else
            for (const auto& item : a)
                if (auto v = c.str(item, "container.run_args entry")) out.run_args.push_back(expand_env(*v));
    }
    if (n["env"]) read_string_map(c, n["env"], "container.env", out.env);
    if (n["settings"]) read_string_map(c, n["settings"], "container.settings", out.settings);
    if (n["runtime"]) {
        if (auto v = c.str(n["runtime"], "container.runtime")) out.runtime = *v;
    }
    if (n["ulimits"]) {
        out.ulimits_configured = true;
        if (!n["ulimits"].IsNull()) read_string_map(c, n["ulimits"], "container.ulimits", out.ulimits);
    }
    if (n["ready_timeout"]) {
        if (auto v = c.duration(n["ready_timeout"], "container.ready_timeout")) out.ready_timeout_ms = *v;
    }
    if (const YAML::Node& t = n["tmpfs"]) {
        out.tmpfs_configured = true;
        if (!t.IsSequence()) c.fail(t, "container.tmpfs must be a list of folders inside the container, e.g. [/var/lib/postgresql], or [] for none.");
        else
            for (const auto& item : t)
                if (auto v = c.str(item, "container.tmpfs entry")) {
                    if (v->empty() || (*v)[0] != '/') c.fail(item, "container.tmpfs entry '" + *v + "' must be an absolute path inside the container.");
                    else out.tmpfs.push_back(*v);
                }
    }
}

void read_chain(Checker& c, const YAML::Node& n, ChainConfig& out) {
    out.where = where_of(c, n);
    if (!c.is_map(n, "chain")) return;
    c.keys(n, "chain", {"dir", "layout", "command", "alembic", "cwd"});
    int kinds = (n["dir"] ? 1 : 0) + (n["command"] ? 1 : 0) + (n["alembic"] ? 1 : 0);
    if (kinds != 1) {
        c.fail(n, "chain needs exactly one of: dir (SQL migration files), command (a shell command that upgrades to head), alembic (an Alembic project).");
        return;
    }
    out.cwd = c.dir;
    if (n["cwd"]) {
        if (auto v = c.existing_path(n["cwd"], "chain.cwd", true)) out.cwd = *v;
    }
    if (n["dir"]) {
        out.kind = ChainKind::sql_dir;
        if (auto v = c.existing_path(n["dir"], "chain.dir", true)) out.dir = *v;
        if (n["layout"]) {
            if (auto v = c.one_of(n["layout"], "chain.layout", {"auto", "plain", "up-down", "flyway", "dbmate"})) out.layout = *v;
        }
    } else if (n["command"]) {
        out.kind = ChainKind::command;
        if (auto v = c.str(n["command"], "chain.command")) out.command = *v;
    } else {
        out.kind = ChainKind::alembic;
        const YAML::Node& a = n["alembic"];
        if (!c.is_map(a, "chain.alembic")) return;
        c.keys(a, "chain.alembic", {"config", "bin", "python"});
        if (!a["config"]) c.fail(a, "chain.alembic needs 'config' (the path of alembic.ini).");
        else if (auto v = c.existing_path(a["config"], "chain.alembic.config", false)) out.alembic_config = *v;
        if (a["bin"]) {
            if (auto v = c.str(a["bin"], "chain.alembic.bin")) out.alembic_bin = *v;
        }
        if (a["python"]) {
            if (auto v = c.str(a["python"], "chain.alembic.python")) out.python = *v;
        }
    }
    if (n["layout"] && out.kind != ChainKind::sql_dir) c.fail(n["layout"], "chain.layout only applies with chain.dir.");
}

void read_init(Checker& c, const YAML::Node& n, InitConfig& out) {
    if (!c.is_map(n, "init")) return;
    c.keys(n, "init", {"scripts", "stamp", "stamp_command"});
    const YAML::Node& s = n["scripts"];
    if (!s) c.fail(n, "init needs 'scripts': the list of SQL files that build the database from empty.");
    else if (s.IsScalar()) {
        if (auto v = c.existing_path(s, "init.scripts", false)) { out.scripts.push_back(*v); out.script_where.push_back(where_of(c, s)); }
    } else if (s.IsSequence()) {
        for (const auto& item : s)
            if (auto v = c.existing_path(item, "init.scripts entry", false)) { out.scripts.push_back(*v); out.script_where.push_back(where_of(c, item)); }
        if (s.size() == 0) c.fail(s, "init.scripts is empty.");
    } else {
        c.fail(s, "init.scripts must be a file or a list of files.");
    }
    if (n["stamp"]) {
        if (auto v = c.str(n["stamp"], "init.stamp")) out.stamp = *v;
    }
    if (n["stamp_command"]) {
        if (auto v = c.str(n["stamp_command"], "init.stamp_command")) out.stamp_command = *v;
    }
}

void read_gates(Checker& c, const YAML::Node& n, Config& cfg) {
    if (!c.is_map(n, "gates")) return;
    c.keys(n, "gates", {"replay", "schema-equality", "config", "partition-pruning", "partition-health", "delete-paths", "migration-safety"});
    if (n["config"]) cfg.config_gate_section = std::make_shared<const YAML::Node>(n["config"]);
    for (const char* gate : {"partition-pruning", "partition-health", "delete-paths", "migration-safety"})
        if (n[gate]) cfg.gate_sections[gate] = std::make_shared<const YAML::Node>(n[gate]);
    if (n["replay"]) {
        cfg.replay_gate = true;
        if (!n["replay"].IsNull() && c.is_map(n["replay"], "gates.replay")) c.keys(n["replay"], "gates.replay", {});
    }
    if (const YAML::Node& s = n["schema-equality"]) {
        auto& se = cfg.schema_equality;
        se.enabled = true;
        if (s.IsNull()) return;
        if (!c.is_map(s, "gates.schema-equality")) return;
        c.keys(s, "gates.schema-equality", {"reference", "ignore", "column_order", "lock", "owners", "privileges", "comments", "partitions"});
        for (const char* flag : {"owners", "privileges", "comments"}) {
            if (!s[flag]) continue;
            if (auto v = c.boolean(s[flag], std::string("gates.schema-equality.") + flag)) {
                bool& target = std::string(flag) == "owners" ? se.policy.owners : std::string(flag) == "privileges" ? se.policy.privileges : se.policy.comments;
                target = *v;
            }
        }
        if (s["partitions"]) {
            if (auto v = c.one_of(s["partitions"], "gates.schema-equality.partitions", {"by-name", "by-bounds"})) se.policy.partitions = *v;
        }
        if (s["lock"]) {
            // May not exist yet: `pggate run --write-lock` creates it.
            if (auto v = c.str(s["lock"], "gates.schema-equality.lock"))
                se.lock_file = resolve_path(*v, c.dir);
        }
        if (s["reference"]) {
            if (auto v = c.one_of(s["reference"], "gates.schema-equality.reference", {"init", "chain", "init-upgrade"})) se.reference = *v;
        }
        if (s["column_order"]) {
            if (auto v = c.one_of(s["column_order"], "gates.schema-equality.column_order", {"ignore", "warn", "fail"})) se.policy.column_order = *v;
        }
        if (const YAML::Node& ig = s["ignore"]) {
            if (!ig.IsSequence()) c.fail(ig, "gates.schema-equality.ignore must be a list of {kind, name} entries.");
            else
                for (const auto& e : ig) {
                    if (!c.is_map(e, "an ignore entry")) continue;
                    c.keys(e, "an ignore entry", {"kind", "name"});
                    IgnoreRule r{"*", "*"};
                    if (e["kind"]) { if (auto v = c.str(e["kind"], "ignore.kind")) r.kind = *v; }
                    if (e["name"]) { if (auto v = c.str(e["name"], "ignore.name")) r.pattern = *v; }
                    else c.fail(e, "an ignore entry needs 'name' (a glob such as public.alembic_version or public.tmp_*).");
                    se.policy.ignore.push_back(r);
                }
        }
    }
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> p)
    : std::runtime_error(p.empty() ? "invalid configuration" : p.front()), problems(std::move(p)) {}

std::string expand_env(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 2, "${") == 0) {
            size_t end = text.find('}', i);
            if (end != std::string::npos) {
                std::string body = text.substr(i + 2, end - i - 2);
                std::string name = body, fallback;
                bool has_fallback = false;
                if (auto d = body.find(":-"); d != std::string::npos) {
                    name = body.substr(0, d);
                    fallback = body.substr(d + 2);
                    has_fallback = true;
                }
                const char* v = std::getenv(name.c_str());
                out += (v && *v) ? std::string(v) : (has_fallback ? fallback : "");
                i = end;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

Config load_config(const std::string& path) {
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec).lexically_normal();
    if (!fs::exists(abs, ec))
        throw ConfigError({path + ": config file not found. Pass --config FILE, or run pggate in a folder that has pggate.yaml."});
    Config cfg;
    cfg.file = abs.string();
    cfg.dir = abs.parent_path().string();
    Checker c{path, cfg.dir, {}};
    YAML::Node root;
    try {
        root = YAML::LoadFile(abs.string());
    } catch (const YAML::Exception& e) {
        std::ostringstream s;
        s << path << ":" << e.mark.line + 1 << ":" << e.mark.column + 1 << ": not valid YAML: " << e.msg << ".";
        throw ConfigError({s.str()});
    }
    if (!root.IsMap()) throw ConfigError({path + ":1:1: the config must be a YAML mapping (project:, init:, chain:, gates:, ...)."});
    c.keys(root, "the top level", {"project", "provider", "local", "container", "external", "timeouts", "init", "chain", "paths", "gates", "waivers"});
    if (root["waivers"]) {
        if (auto v = c.existing_path(root["waivers"], "waivers", false)) cfg.waivers_file = *v;
    }
    cfg.project = abs.parent_path().filename().string();
    if (root["project"]) {
        if (auto v = c.str(root["project"], "project")) cfg.project = *v;
    }
    if (root["provider"]) {
        if (auto v = c.one_of(root["provider"], "provider", {"auto", "local", "container", "external"})) cfg.provider = *v;
    }
    if (root["local"]) read_local(c, root["local"], cfg.local);
    if (root["container"]) read_container(c, root["container"], cfg.container);
    if (const YAML::Node& e = root["external"]) {
        if (c.is_map(e, "external")) {
            c.keys(e, "external", {"admin_dsn"});
            if (e["admin_dsn"]) {
                if (auto v = c.str(e["admin_dsn"], "external.admin_dsn")) cfg.external.admin_dsn = expand_env(*v);
            }
        }
    }
    if (const YAML::Node& t = root["timeouts"]) {
        if (c.is_map(t, "timeouts")) {
            c.keys(t, "timeouts", {"statement", "lock", "step"});
            if (t["statement"]) { if (auto v = c.duration(t["statement"], "timeouts.statement")) cfg.timeouts.statement_ms = *v; }
            if (t["lock"]) { if (auto v = c.duration(t["lock"], "timeouts.lock")) cfg.timeouts.lock_ms = *v; }
            if (t["step"]) { if (auto v = c.duration(t["step"], "timeouts.step")) cfg.timeouts.step_ms = *v; }
        }
    }
    if (root["init"]) read_init(c, root["init"], cfg.init);
    if (root["chain"]) read_chain(c, root["chain"], cfg.chain);
    if (const YAML::Node& p = root["paths"]) {
        if (!p.IsSequence()) c.fail(p, "paths must be a list, e.g. [init, chain, init-upgrade].");
        else
            for (const auto& item : p)
                if (auto v = c.one_of(item, "paths entry", {"init", "chain", "init-upgrade"})) {
                    if (std::find(cfg.paths.begin(), cfg.paths.end(), *v) == cfg.paths.end()) cfg.paths.push_back(*v);
                }
    } else {
        if (!cfg.init.scripts.empty()) cfg.paths.push_back("init");
        if (cfg.chain.kind != ChainKind::none) cfg.paths.push_back("chain");
    }
    if (root["gates"]) read_gates(c, root["gates"], cfg);
    else {
        cfg.replay_gate = true;
        cfg.schema_equality.enabled = true;
    }

    // Alembic's own bookkeeping table is not part of the schema being compared (the init path may
    // have no stamp at all); other tools' version tables are named by the user in `ignore`.
    if (cfg.chain.kind == ChainKind::alembic) cfg.schema_equality.policy.ignore.push_back({"table", "*.alembic_version"});

    // Cross-field rules.
    auto wants = [&](const std::string& p) { return std::find(cfg.paths.begin(), cfg.paths.end(), p) != cfg.paths.end(); };
    if ((wants("init") || wants("init-upgrade")) && cfg.init.scripts.empty() && !root["init"])
        c.fail(root, "paths include init but there is no 'init:' section with scripts.");
    if ((wants("chain") || wants("init-upgrade")) && cfg.chain.kind == ChainKind::none && !root["chain"])
        c.fail(root, "paths include chain but there is no 'chain:' section (dir, command or alembic).");
    if (wants("init-upgrade") && root["init"] && cfg.init.stamp.empty() && cfg.init.stamp_command.empty())
        c.fail(root["init"], "the init-upgrade path needs init.stamp (the revision the init scripts correspond to) or init.stamp_command.");
    if (cfg.chain.kind == ChainKind::command && wants("init-upgrade") && cfg.init.stamp_command.empty() && root["init"])
        c.fail(root["init"], "with chain.command, the init-upgrade path needs init.stamp_command (e.g. 'alembic stamp <rev>').");
    if (cfg.provider == "external" && cfg.external.admin_dsn.empty())
        c.fail(root["provider"], "provider is external but external.admin_dsn is not set (it may use ${ENV_VAR}).");
    if (cfg.schema_equality.enabled && !wants(cfg.schema_equality.reference) && root["gates"])
        c.fail(root["gates"], "gates.schema-equality.reference is '" + cfg.schema_equality.reference + "' but that path is not in paths.");
    if (cfg.paths.empty() && !cfg.config_gate_section)
        c.fail(root, "nothing to check: add an init: section, a chain: section, or a gates: config: section.");
    if (!c.problems.empty()) throw ConfigError(c.problems);
    return cfg;
}

}  // namespace pggate
