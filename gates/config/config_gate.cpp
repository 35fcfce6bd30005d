#include "harness/text.h"
#include "gates/config/config_gate.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "gates/config/config_rules.h"
#include "harness/config.h"
#include "harness/dotenv.h"
#include "harness/process.h"

namespace fs = std::filesystem;

namespace pggate {
namespace {


std::string rel(const std::string& path, const std::string& base) {
    std::error_code ec;
    fs::path p = fs::path(path).lexically_normal();
    fs::path r = p.lexically_relative(base);
    if (!r.empty() && r.native().rfind("..", 0) != 0) return r.string();
    return p.string();
}


bool file_exists(const std::string& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// The effective value of a rule key in the checked mode.
struct Effective {
    const KeyRule* rule = nullptr;
    const EnvEntry* entry = nullptr;      // the env entry that set it (also when empty or invalid)
    bool explicit_value = false;          // set and not empty
    bool from_default = false;
    bool invalid = false;                 // set but not a valid value of its type
    std::optional<std::string> norm;      // canonical value (explicit and valid, or the mode default)
};

struct ProbeCase {
    std::string label;                          // KEY=value pairs, redacted
    std::vector<std::string> reasons;           // the rules it violates ("forbidden combination X", ...)
    std::map<std::string, std::optional<std::string>> delta;  // key -> value (nullopt: unset)
    std::set<std::string> expect_keys;          // the error must name one of these
    RulePos where;
    bool compliant = false;
};

struct ProbeOutcome {
    ProcessResult result;
    std::string error;  // pggate could not start the process
};

class Gate {
public:
    explicit Gate(const ConfigGateOptions& o) : o_(o) {}

    GateResult run() {
        auto start = std::chrono::steady_clock::now();
        g_.id = "config";
        try {
            body();
        } catch (const std::exception& e) {
            add("config.internal-error", "error", "", std::string("the config gate stopped unexpectedly: ") + e.what(), std::nullopt);
            fatal_ = true;
        }
        finish();
        g_.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        return g_;
    }

private:
    const ConfigGateOptions& o_;
    GateResult g_;
    std::string base_, env_dir_;
    ConfigRules rules_;
    std::string mode_;
    LayeredEnv env_;
    std::map<std::string, Effective> eff_;
    Redactor red_;
    bool fatal_ = false;            // the gate could not judge: status error
    bool value_errors_ = false;     // the env itself violates the rules: the probe's compliant run would be meaningless
    std::string target_file_;       // the env file a user should edit for this mode
    std::string probe_note_;

    // ---- findings ----------------------------------------------------------------------------------

    Finding& add(const std::string& rule, const std::string& severity, const std::string& object, const std::string& message,
                 std::optional<Location> where) {
        Finding f;
        f.rule = rule;
        f.severity = severity;
        f.object = object;
        f.message = message;
        f.location = std::move(where);
        // The env key a finding is about (its object, unless the object names a rule or a combination).
        if (!object.empty() && (rules_.key(object) || env_.values.count(object) || rule == "config.unknown-key" ||
                                rule.rfind("config.example-", 0) == 0 || rule == "config.duplicate-key" || rule == "config.ambiguous-syntax" ||
                                rule == "config.unresolved-reference"))
            f.details["key"] = object;
        g_.findings.push_back(std::move(f));
        return g_.findings.back();
    }

    std::optional<Location> at(const RulePos& p) const {
        if (p.file.empty()) return std::nullopt;
        return Location{p.file, p.line, p.column};
    }
    std::optional<Location> at(const EnvEntry* e) const {
        if (!e || e->from_process || e->file.empty()) return std::nullopt;
        return Location{e->file, e->line, e->column};
    }
    static std::string where_text(const EnvEntry* e) {
        if (!e) return "";
        if (e->from_process) return "the process environment";
        return e->file + ":" + std::to_string(e->line);
    }

    bool secret(const std::string& key) const {
        if (const KeyRule* k = rules_.key(key)) return k->secret;
        return is_secret_name(key);
    }
    std::string shown(const std::string& key, const std::string& value) const { return display_value(key, value, secret(key)); }
    // "KEY=value" for messages; secret values as ***.
    std::string kv(const std::string& key, const std::string& value) const { return key + "=" + shown(key, value); }

    // The value to write into an env file for a canonical value.
    std::string raw_for(const KeyRule& k, const std::string& canonical) const {
        if (k.type == EnvValueType::boolean)
            return canonical == "true" ? (rules_.true_values.empty() ? "true" : rules_.true_values[0])
                                       : (rules_.false_values.empty() ? "false" : rules_.false_values[0]);
        return canonical;
    }

    // ---- steps --------------------------------------------------------------------------------------

    void body() {
        std::error_code ec;
        base_ = o_.base_dir.empty() ? fs::current_path(ec).string() : fs::absolute(o_.base_dir, ec).lexically_normal().string();
        env_dir_ = o_.env_dir.empty() ? base_ : resolve_path(o_.env_dir, base_);
        if (o_.rules_file.empty()) {
            add("config.rules-invalid", "error", "", "no rules file: set gates.config.rules in pggate.yaml (e.g. config/rules.yaml).", std::nullopt);
            fatal_ = true;
            return;
        }
        std::string rules_path = resolve_path(o_.rules_file, base_);
        std::vector<RulesProblem> problems;
        rules_ = load_config_rules(rules_path, rel(rules_path, base_), problems);
        for (const auto& p : problems)
            add("config.rules-invalid", "error", "", p.message + " Fix the rules file; nothing else was checked.", p.where.line ? at(p.where) : std::optional<Location>(Location{p.where.file, 0, 0}));
        if (!problems.empty()) {
            fatal_ = true;
            return;
        }
        if (!determine_mode()) return;
        load_env();
        if (fatal_) return;
        build_redactor();
        report_env_problems(env_.problems);
        compute_effective();
        check_mode_key();
        check_types_required_allowed();
        check_forbidden();
        check_requirements();
        check_unknown_keys();
        check_example();
        if (fatal_) return;
        if (o_.probe && rules_.probe) run_probe();
        else if (!rules_.probe) probe_note_ = "no probe command in the rules";
        else probe_note_ = "probe disabled";
    }

    std::vector<std::string> env_paths(const std::string& mode, std::vector<std::string>& labels, std::vector<bool>& required) const {
        std::vector<std::string> paths;
        if (!o_.env_files.empty()) {
            for (const auto& f : o_.env_files) {
                paths.push_back(resolve_path(f, base_));
                labels.push_back(rel(paths.back(), base_));
                required.push_back(true);
            }
        } else {
            for (const auto& f : default_env_files(mode)) {
                paths.push_back(resolve_path(f, env_dir_));
                labels.push_back(rel(paths.back(), base_));
                required.push_back(false);
            }
        }
        return paths;
    }

    EnvLayerOptions layer_options(const std::string& mode) const {
        EnvLayerOptions lo;
        lo.files = env_paths(mode, lo.labels, lo.required);
        lo.use_process_env = o_.use_process_env;
        lo.process_env = o_.process_env;
        for (const auto& k : rules_.keys) lo.process_keys.insert(k.name);
        return lo;
    }

    bool determine_mode() {
        const std::string& mk = rules_.mode_key;
        if (!o_.mode.empty()) {
            mode_ = o_.mode;
        } else {
            // The base files (and the environment) decide the mode; the mode then picks .env.<mode>.
            EnvLayerOptions lo = layer_options("");
            LayeredEnv pre = load_layered_env(lo);
            auto it = pre.values.find(mk);
            if (it == pre.values.end() || it->second.value.empty()) {
                add("config.mode", "error", mk,
                    "no mode to check: " + mk + " is not set in " + (lo.labels.empty() ? std::string("any env file") : join(lo.labels, ", ")) +
                        " or the environment. Pass the mode (pggate preflight --env prod, or gates.config.mode), or set " + mk + ".",
                    std::nullopt);
                fatal_ = true;
                return false;
            }
            mode_ = it->second.value;
        }
        if (std::find(rules_.modes.begin(), rules_.modes.end(), mode_) == rules_.modes.end()) {
            add("config.mode", "error", mk,
                "mode '" + mode_ + "' is not one of the modes of " + rules_.label + " (" + join(rules_.modes, ", ") + "). Use one of them.",
                std::nullopt);
            fatal_ = true;
            return false;
        }
        return true;
    }

    void load_env() {
        EnvLayerOptions lo = layer_options(mode_);
        env_ = load_layered_env(lo);
        for (const auto& p : env_.problems)
            if (p.rule == "config.file-missing") fatal_ = true;
        // The file a user should edit: the mode's own file (.env.prod, created if need be), or the last
        // of an explicit list.
        target_file_ = o_.env_files.empty() ? rel(resolve_path(".env." + mode_, env_dir_), base_) : lo.labels.back();
        g_.metrics["env_files_loaded"] = static_cast<double>(env_.loaded.size());
    }

    void build_redactor() {
        for (const auto& f : env_.files)
            for (const auto& e : f.entries) {
                red_.add_value_of(e.key, e.value, secret(e.key));
                red_.add_value_of(e.key, e.raw, secret(e.key));
            }
        for (const auto& [k, e] : env_.values) red_.add_value_of(k, e.value, secret(k));
        for (const auto& [k, list] : env_.overridden)
            for (const auto& e : list) red_.add_value_of(k, e.value, secret(k));
    }

    void report_env_problems(const std::vector<EnvProblem>& problems) {
        for (const auto& p : problems) {
            std::optional<Location> loc;
            if (!p.file.empty()) loc = Location{p.file, p.line, p.column};
            Finding& f = add(p.rule, p.severity, p.key, p.message, loc);
            if (p.other_line) f.details["other_line"] = std::to_string(p.other_line);
            if (p.rule == "config.syntax" && p.severity == "error") value_errors_ = true;
        }
    }

    void compute_effective() {
        for (const auto& k : rules_.keys) {
            Effective e;
            e.rule = &k;
            if (auto it = env_.values.find(k.name); it != env_.values.end()) {
                e.entry = &it->second;
                if (!it->second.value.empty()) {
                    e.explicit_value = true;
                    e.norm = normalize_env_value(rules_, k, it->second.value);
                    e.invalid = !e.norm;
                }
            }
            if (!e.explicit_value) {
                if (auto d = k.defaults.find(mode_); d != k.defaults.end()) {
                    e.norm = d->second;
                    e.from_default = true;
                }
            }
            eff_[k.name] = e;
        }
    }

    // Where the value came from, for messages: ".env.prod:4", "the process environment", "the prod default".
    std::string source_of(const Effective& e) const {
        if (e.explicit_value) return where_text(e.entry);
        if (e.from_default) return "the " + mode_ + " default in " + rules_.label;
        return "unset";
    }

    std::string suggestion_for(const KeyRule& k) const {
        if (auto al = k.allowed.find(mode_); al != k.allowed.end() && !al->second.empty()) {
            if (auto d = k.defaults.find(mode_); d != k.defaults.end() &&
                std::find(al->second.begin(), al->second.end(), d->second) != al->second.end())
                return raw_for(k, d->second);
            return raw_for(k, al->second.front());
        }
        if (auto d = k.defaults.find(mode_); d != k.defaults.end()) return raw_for(k, d->second);
        return "";
    }

    void check_mode_key() {
        const Effective& e = eff_[rules_.mode_key];
        if (e.explicit_value && e.entry->value != mode_) {
            add("config.mode", "error", rules_.mode_key,
                rules_.mode_key + " is '" + e.entry->value + "' in " + where_text(e.entry) + ", but this check is for " + mode_ +
                    ": the app would start in another mode. Set " + rules_.mode_key + "=" + mode_ + " in " + target_file_ + ".",
                at(e.entry));
            value_errors_ = true;
        } else if (!e.explicit_value && e.from_default && *e.norm != mode_) {
            add("config.mode", "error", rules_.mode_key,
                rules_.mode_key + " is not set, so the app runs in its default mode '" + *e.norm + "', not " + mode_ + ". Set " +
                    rules_.mode_key + "=" + mode_ + " in " + target_file_ + ".",
                at(rules_.key(rules_.mode_key)->where));
            value_errors_ = true;
        }
    }

    void check_types_required_allowed() {
        for (const auto& k : rules_.keys) {
            const Effective& e = eff_[k.name];
            const bool is_mode_key = k.name == rules_.mode_key;
            if (e.invalid && !is_mode_key) {
                std::string why;
                normalize_env_value(rules_, k, e.entry->value, &why);
                std::string hint = suggestion_for(k);
                add("config.type", "error", k.name,
                    k.name + "=" + shown(k.name, e.entry->value) + " in " + where_text(e.entry) + " is not a valid " + type_name(k.type) +
                        " (" + why + "). " + (hint.empty() ? "Set a valid value" : "Set for example " + k.name + "=" + shown(k.name, hint)) +
                        (k.description.empty() ? "." : " (" + k.description + ")."),
                    at(e.entry));
                value_errors_ = true;
                continue;
            }
            if (k.required_in.count(mode_) && !e.explicit_value) {
                std::string how = e.entry ? " is set but empty in " + where_text(e.entry)
                                          : " is not set in " + (env_.loaded.empty() ? std::string("any env file") : join(env_.loaded, ", ")) +
                                                (o_.use_process_env ? " or the environment" : "");
                add("config.required-missing", "error", k.name,
                    k.name + how + ", and " + mode_ + " requires it" + (k.description.empty() ? "" : " (" + k.description + ")") +
                        ". Add " + k.name + "=<value> to " + target_file_ + " (or set it in the deployment's environment).",
                    e.entry ? at(e.entry) : at(k.where));
                value_errors_ = true;
                continue;
            }
            if (e.explicit_value && !is_mode_key) {
                auto al = k.allowed.find(mode_);
                if (al != k.allowed.end() && !al->second.empty() &&
                    std::find(al->second.begin(), al->second.end(), *e.norm) == al->second.end()) {
                    std::vector<std::string> shown_allowed;
                    for (const auto& v : al->second) shown_allowed.push_back(shown(k.name, raw_for(k, v)));
                    add("config.not-allowed-in-mode", "error", k.name,
                        k.name + "=" + shown(k.name, e.entry->value) + " in " + where_text(e.entry) + " is not allowed in " + mode_ +
                            " (allowed: " + join(shown_allowed, ", ") + "). Set " + k.name + "=" + shown(k.name, suggestion_for(k)) +
                            " in " + target_file_ + ", or remove the line to get the " + mode_ + " default.",
                        at(e.entry));
                    value_errors_ = true;
                }
            }
        }
    }

    bool condition_holds(const Condition& c) const {
        auto it = eff_.find(c.key);
        if (it == eff_.end() || it->second.invalid || !it->second.norm) return false;
        return std::find(c.values.begin(), c.values.end(), *it->second.norm) != c.values.end();
    }

    void check_forbidden() {
        for (const auto& f : rules_.forbidden) {
            if (!f.modes.count(mode_)) continue;
            if (!std::all_of(f.when.begin(), f.when.end(), [&](const Condition& c) { return condition_holds(c); })) continue;
            std::vector<std::string> parts;
            const EnvEntry* first_explicit = nullptr;
            std::string fix;
            for (const auto& c : f.when) {
                const Effective& e = eff_.at(c.key);
                std::string val = e.explicit_value ? e.entry->value : raw_for(*e.rule, *e.norm);
                parts.push_back(kv(c.key, val) + " (" + source_of(e) + ")");
                if (e.explicit_value && !first_explicit) first_explicit = e.entry;
                if (fix.empty()) {
                    std::string s = suggestion_for(*e.rule);
                    auto sn = normalize_env_value(rules_, *e.rule, s);
                    if (!s.empty() && sn && std::find(c.values.begin(), c.values.end(), *sn) == c.values.end())
                        fix = "Set " + kv(c.key, s) + (e.explicit_value ? " in " + where_text(e.entry) : " in " + target_file_) + ".";
                }
            }
            if (fix.empty()) fix = "Change one of these keys in " + target_file_ + ".";
            Finding& fd = add("config.forbidden-combination", "error", f.id,
                              "in " + mode_ + ", " + join(parts, " together with ") + " is a forbidden combination" +
                                  (f.message.empty() ? "" : ": " + f.message) + ". " + fix,
                              first_explicit ? at(first_explicit) : at(f.where));
            fd.details["rule_location"] = f.where.file + ":" + std::to_string(f.where.line);
            std::vector<std::string> keys;
            for (const auto& c : f.when) keys.push_back(c.key);
            fd.details["keys"] = join(keys, ",");
            value_errors_ = true;
        }
    }

    static std::string host_of(const std::string& url) {
        auto u = parse_env_url(url);
        return u ? u->host : "";
    }

    // Whether the requirement holds for the effective value; `what` explains a failure.
    bool requirement_holds(const Requirement& q, const Effective& e, std::string& what) const {
        const KeyRule& k = *e.rule;
        if (!e.norm) {
            switch (q.kind) {
                case RequirementKind::equals:
                case RequirementKind::in:
                case RequirementKind::matches:
                    what = q.key + " is not set";
                    return false;
                default:
                    return true;
            }
        }
        const std::string& v = *e.norm;
        std::vector<std::string> shown_vals;
        for (const auto& x : q.values) shown_vals.push_back(shown(q.key, raw_for(k, x)));
        std::string cur = kv(q.key, e.explicit_value ? e.entry->value : raw_for(k, v));
        switch (q.kind) {
            case RequirementKind::equals:
                what = cur + ", must be " + shown_vals[0];
                return v == q.values[0];
            case RequirementKind::not_equals:
                what = cur + ", must not be " + shown_vals[0];
                return v != q.values[0];
            case RequirementKind::in:
                what = cur + ", must be one of " + join(shown_vals, ", ");
                return std::find(q.values.begin(), q.values.end(), v) != q.values.end();
            case RequirementKind::not_in:
                what = cur + ", must not be any of " + join(shown_vals, ", ");
                return std::find(q.values.begin(), q.values.end(), v) == q.values.end();
            case RequirementKind::host_not_in: {
                std::string h = host_of(e.explicit_value ? e.entry->value : v);
                what = q.key + " points at host '" + h + "', which must not be one of " + join(q.values, ", ");
                return std::find(q.values.begin(), q.values.end(), h) == q.values.end();
            }
            case RequirementKind::matches: {
                what = cur + ", must match " + q.pattern;
                try {
                    return v.size() <= 4096 && std::regex_match(v, std::regex(q.pattern, std::regex::ECMAScript));
                } catch (const std::exception&) {
                    return false;
                }
            }
        }
        return true;
    }

    std::string requirement_fix(const Requirement& q) const {
        const KeyRule& k = *rules_.key(q.key);
        switch (q.kind) {
            case RequirementKind::equals: return "Set " + kv(q.key, raw_for(k, q.values[0])) + " in " + target_file_ + ".";
            case RequirementKind::in: return "Set " + q.key + " to one of the listed values in " + target_file_ + ".";
            case RequirementKind::host_not_in: return "Point " + q.key + " at the " + mode_ + " server (not " + join(q.values, ", ") + ") in " + target_file_ + ".";
            default: return "Change " + q.key + " in " + target_file_ + ".";
        }
    }

    void check_requirements() {
        for (const auto& q : rules_.requirements) {
            if (!q.modes.count(mode_)) continue;
            if (!std::all_of(q.when.begin(), q.when.end(), [&](const Condition& c) { return condition_holds(c); })) continue;
            const Effective& e = eff_.at(q.key);
            if (e.invalid) continue;  // already a config.type finding
            if (!e.norm && rules_.key(q.key)->required_in.count(mode_)) continue;  // already config.required-missing
            std::string what;
            if (requirement_holds(q, e, what)) continue;
            std::string src = e.explicit_value ? " (" + where_text(e.entry) + ")" : e.from_default ? " (" + source_of(e) + ")" : "";
            Finding& f = add("config.requirement", "error", q.key,
                             "in " + mode_ + ", " + what + src + (q.message.empty() ? "" : ": " + q.message) + ". " + requirement_fix(q),
                             e.explicit_value ? at(e.entry) : at(q.where));
            f.details["requirement"] = q.id;
            f.details["rule_location"] = q.where.file + ":" + std::to_string(q.where.line);
            value_errors_ = true;
        }
    }

    std::vector<std::string> rule_key_names() const {
        std::vector<std::string> names;
        for (const auto& k : rules_.keys) names.push_back(k.name);
        return names;
    }

    std::string did_you_mean(const std::string& key) const {
        return nearest(key, rule_key_names(), std::max<size_t>(2, key.size() / 5));
    }

    void check_unknown_keys() {
        std::set<std::string> done;
        for (const auto& f : env_.files)
            for (const auto& e : f.entries) {
                if (rules_.key(e.key) || done.count(e.key)) continue;
                done.insert(e.key);
                std::string dym = did_you_mean(e.key);
                add("config.unknown-key", "warning", e.key,
                    e.key + " is set in " + where_text(&e) + " but " + rules_.label + " does not declare it, so nothing checks it." +
                        (dym.empty() ? " Declare it under keys: (with its type), or remove it."
                                     : " Did you mean " + dym + "? As written, the app never reads this setting."),
                    at(&e));
            }
    }

    void check_example() {
        std::string path, label;
        if (!o_.example_file.empty()) {
            path = resolve_path(o_.example_file, base_);
            label = rel(path, base_);
            if (!file_exists(path)) {
                add("config.file-missing", "error", "", "the example file " + label + " does not exist (looked for " + path +
                    "). Create it with every key of " + rules_.label + ", or fix gates.config.example.", std::nullopt);
                fatal_ = true;
                return;
            }
        } else {
            path = resolve_path(".env.example", env_dir_);
            label = rel(path, base_);
            if (!file_exists(path)) {
                g_.metrics["example_checked"] = 0;
                return;
            }
        }
        g_.metrics["example_checked"] = 1;
        std::ifstream in(path, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        DotenvFile ex = parse_dotenv(label, ss.str());
        for (const auto& e : ex.entries) red_.add_value_of(e.key, e.value, secret(e.key));
        std::vector<EnvProblem> ps;
        for (const auto& p : ex.problems)
            if (p.rule != "config.ambiguous-syntax") ps.push_back(p);  // values in the example are placeholders
        report_env_problems(ps);
        std::map<std::string, const EnvEntry*> in_example;
        for (const auto& e : ex.entries) in_example.emplace(e.key, &e);
        // A commented-out assignment ("# SENTRY_DSN=") documents an optional key too.
        std::set<std::string> commented;
        {
            std::istringstream lines(ss.str());
            std::string line;
            static const std::regex commented_key(R"(^\s*#+\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=.*$)");
            std::smatch m;
            while (std::getline(lines, line))
                if (line.size() < 4096 && std::regex_match(line, m, commented_key)) commented.insert(m[1]);
        }
        for (const auto& k : rules_.keys) {
            if (!k.in_example || in_example.count(k.name) || commented.count(k.name)) continue;
            std::string sample = suggestion_for(k);
            if (k.secret) sample = "";
            add("config.example-missing-key", "error", k.name,
                k.name + " is declared in " + rules_.label + " but missing from " + label + ", so nobody setting up an environment learns about it. Add '" +
                    k.name + "=" + sample + "'" + (k.description.empty() ? "" : " with a comment (" + k.description + ")") + " to " + label + ".",
                at(k.where));
        }
        std::set<std::string> done;
        for (const auto& f : env_.files)
            for (const auto& e : f.entries) {
                if (rules_.key(e.key) || in_example.count(e.key) || commented.count(e.key) || done.count(e.key)) continue;
                done.insert(e.key);
                add("config.example-missing-key", "error", e.key,
                    e.key + " is set in " + where_text(&e) + " but missing from " + label + ". Add '" + e.key + "=' to " + label +
                        " (and declare it in " + rules_.label + ").",
                    at(&e));
            }
        for (const auto& e : ex.entries) {
            if (rules_.key(e.key) || done.count("example:" + e.key)) continue;
            done.insert("example:" + e.key);
            std::string dym = did_you_mean(e.key);
            add("config.example-unknown-key", "error", e.key,
                e.key + " is in " + label + " but " + rules_.label + " does not declare it." +
                    (dym.empty() ? " Declare it under keys: (with its type and per-mode defaults), or remove it from " + label + "."
                                 : " Did you mean " + dym + "? Rename it in " + label + "."),
                at(&e));
        }
    }

    // ---- probe --------------------------------------------------------------------------------------

    std::string describe_delta(const std::map<std::string, std::optional<std::string>>& delta, const std::string& host_note_key = "",
                               const std::string& host_note = "") const {
        std::vector<std::string> parts;
        for (const auto& [k, v] : delta) {
            if (!v) parts.push_back(k + " unset");
            else if (k == host_note_key && secret(k)) parts.push_back(k + "=*** (host " + host_note + ")");
            else parts.push_back(kv(k, *v));
        }
        return join(parts, " ");
    }

    // A valid raw value of k for which `bad` holds, trying likely candidates.
    template <class Pred>
    std::optional<std::string> pick_value(const KeyRule& k, Pred bad) const {
        std::vector<std::string> cands;
        switch (k.type) {
            case EnvValueType::boolean: cands = {"true", "false"}; break;
            case EnvValueType::enumeration: cands = k.values; break;
            case EnvValueType::integer: {
                long long lo = k.min.value_or(0), hi = k.max.value_or(lo + 1000);
                cands = {std::to_string(lo), std::to_string(hi), std::to_string(lo + 1), std::to_string(hi - 1)};
                break;
            }
            case EnvValueType::duration: cands = {"1s", "30s", "5m", "1h", "1ms"}; break;
            case EnvValueType::url: {
                std::string scheme = k.schemes.empty() ? "https" : k.schemes[0];
                cands = {scheme + "://pggate-probe.invalid:5432/probe"};
                break;
            }
            default: cands = {"pggate-probe-invalid", "x", "0", "-", "false", "none"}; break;
        }
        for (const auto& c : cands) {
            auto n = normalize_env_value(rules_, k, c);
            if (n && bad(*n)) return raw_for(k, *n);
        }
        return std::nullopt;
    }

    static void add_case(std::vector<ProbeCase>& cases, ProbeCase c) {
        for (auto& existing : cases) {
            if (existing.delta == c.delta && !existing.compliant) {
                existing.reasons.insert(existing.reasons.end(), c.reasons.begin(), c.reasons.end());
                existing.expect_keys.insert(c.expect_keys.begin(), c.expect_keys.end());
                return;
            }
        }
        cases.push_back(std::move(c));
    }

    // Puts the preconditions of a rule into a case (first listed value of each).
    bool apply_conditions(const std::vector<Condition>& when, ProbeCase& c) const {
        for (const auto& cond : when) {
            const KeyRule* k = rules_.key(cond.key);
            if (!k || cond.values.empty()) return false;
            c.delta[cond.key] = raw_for(*k, cond.values.front());
        }
        return true;
    }

    std::vector<ProbeCase> generate_cases() const {
        std::vector<ProbeCase> cases;
        ProbeCase compliant;
        compliant.compliant = true;
        compliant.label = "the compliant " + mode_ + " env";
        compliant.where = rules_.probe->where;
        cases.push_back(compliant);
        for (const auto& f : rules_.forbidden) {
            if (!f.modes.count(mode_)) continue;
            ProbeCase c;
            if (!apply_conditions(f.when, c)) continue;
            c.reasons.push_back("forbidden combination '" + f.id + "'");
            for (const auto& cond : f.when) c.expect_keys.insert(cond.key);
            c.where = f.where;
            add_case(cases, c);
        }
        for (const auto& q : rules_.requirements) {
            if (!q.modes.count(mode_)) continue;
            const KeyRule& k = *rules_.key(q.key);
            ProbeCase c;
            if (!apply_conditions(q.when, c)) continue;
            c.where = q.where;
            c.reasons.push_back("requirement '" + q.id + "'");
            c.expect_keys.insert(q.key);
            std::optional<std::string> v;
            std::string host_note;
            switch (q.kind) {
                case RequirementKind::equals: v = pick_value(k, [&](const std::string& n) { return n != q.values[0]; }); break;
                case RequirementKind::not_equals: v = raw_for(k, q.values[0]); break;
                case RequirementKind::in: v = pick_value(k, [&](const std::string& n) { return std::find(q.values.begin(), q.values.end(), n) == q.values.end(); }); break;
                case RequirementKind::not_in: v = raw_for(k, q.values[0]); break;
                case RequirementKind::matches:
                    v = pick_value(k, [&](const std::string& n) {
                        try {
                            return !std::regex_match(n, std::regex(q.pattern, std::regex::ECMAScript));
                        } catch (const std::exception&) {
                            return false;
                        }
                    });
                    break;
                case RequirementKind::host_not_in: {
                    const std::string& bad_host = q.values.front();
                    host_note = bad_host;
                    std::string base_url;
                    auto it = eff_.find(q.key);
                    if (it != eff_.end() && it->second.norm && !it->second.invalid)
                        base_url = it->second.explicit_value ? it->second.entry->value : *it->second.norm;
                    auto u = parse_env_url(base_url);
                    std::string host = bad_host.find(':') != std::string::npos ? "[" + bad_host + "]" : bad_host;
                    if (u) {
                        std::string userinfo = u->user.empty() && u->password.empty() ? "" : u->user + (u->password.empty() ? "" : ":" + u->password) + "@";
                        v = u->scheme + "://" + userinfo + host + (u->port.empty() ? "" : ":" + u->port) + u->rest;
                    } else {
                        std::string scheme = k.schemes.empty() ? "postgres" : k.schemes[0];
                        v = scheme + "://probe@" + host + ":5432/probe";
                    }
                    break;
                }
            }
            if (!v) continue;
            c.delta[q.key] = *v;
            c.label = describe_delta(c.delta, q.key, host_note);
            add_case(cases, c);
        }
        for (const auto& k : rules_.keys) {
            if (k.name == rules_.mode_key) continue;
            auto al = k.allowed.find(mode_);
            if (al == k.allowed.end() || al->second.empty()) continue;
            std::vector<std::string> domain;
            if (k.type == EnvValueType::boolean) domain = {"true", "false"};
            else if (k.type == EnvValueType::enumeration) domain = k.values;
            for (const auto& v : domain) {
                if (std::find(al->second.begin(), al->second.end(), v) != al->second.end()) continue;
                ProbeCase c;
                c.delta[k.name] = raw_for(k, v);
                c.reasons.push_back("value not allowed in " + mode_);
                c.expect_keys.insert(k.name);
                c.where = k.allowed_where.count(mode_) ? k.allowed_where.at(mode_) : k.where;
                add_case(cases, c);
            }
        }
        if (rules_.probe->cases_required) {
            for (const auto& k : rules_.keys) {
                if (k.name == rules_.mode_key || !k.required_in.count(mode_)) continue;
                ProbeCase c;
                c.delta[k.name] = std::nullopt;
                c.reasons.push_back("required key missing");
                c.expect_keys.insert(k.name);
                c.where = k.where;
                add_case(cases, c);
            }
        }
        for (auto& c : cases)
            if (!c.compliant && c.label.empty()) c.label = describe_delta(c.delta);
        return cases;
    }

    ProcessSpec spec_for(const ProbeCase& c) const {
        const ProbeRule& p = *rules_.probe;
        ProcessSpec s;
        s.argv = p.argv;
        s.cwd = p.cwd;
        // Nothing of the config may leak in from pggate's own environment: every key the rules, the
        // files or the example know is unset, then the checked env is set.
        std::set<std::string> known;
        for (const auto& k : rules_.keys) known.insert(k.name);
        for (const auto& f : env_.files)
            for (const auto& e : f.entries) known.insert(e.key);
        std::map<std::string, std::string> env;
        for (const auto& [k, e] : env_.values) env[k] = e.value;
        env[rules_.mode_key] = mode_;
        for (const auto& [k, v] : c.delta) {
            if (v) env[k] = *v;
            else env.erase(k);
        }
        for (const auto& [k, v] : p.env) env[k] = v;
        for (const auto& k : known)
            if (!env.count(k)) s.env_unset.push_back(k);
        s.env_set = env;
        s.timeout = std::chrono::milliseconds(p.kind == "server" ? p.up_for_ms : p.timeout_ms);
        return s;
    }

    std::string excerpt(const ProcessResult& r) const {
        std::string out = r.out;
        if (!r.err.empty()) out += (out.empty() || out.back() == '\n' ? "" : "\n") + r.err;
        while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
        if (out.size() > 1500) out = out.substr(0, 1500) + "…";
        return red_.apply(out);
    }

    static bool names_a_key(const ProcessResult& r, const std::set<std::string>& keys) {
        for (const auto& k : keys)
            if (r.out.find(k) != std::string::npos || r.err.find(k) != std::string::npos) return true;
        return false;
    }

    void run_probe() {
        const ProbeRule& p = *rules_.probe;
        if (value_errors_) {
            probe_note_ = "probe skipped: the " + mode_ + " env itself violates the rules (fix the findings above first)";
            g_.metrics["probe_skipped"] = 1;
            return;
        }
        std::vector<ProbeCase> cases = generate_cases();
        for (const auto& c : cases)
            for (const auto& [k, v] : c.delta)
                if (v) red_.add_value_of(k, *v, secret(k));
        auto t0 = std::chrono::steady_clock::now();
        std::vector<ProbeOutcome> outcomes(cases.size());
        auto run_one = [&](size_t i) {
            try {
                outcomes[i].result = run_process(spec_for(cases[i]));
            } catch (const std::exception& e) {
                outcomes[i].error = e.what();
            }
        };
        // The compliant run first: when it fails, the refusals of the dangerous runs prove nothing.
        run_one(0);
        const ProcessResult& base = outcomes[0].result;
        bool compliant_ok = outcomes[0].error.empty() &&
                            (p.kind == "server" ? base.timed_out : (!base.timed_out && base.exit_code == 0));
        int runs = 1, refused = 0, accepted = 0, hung = 0, unclear = 0;
        std::string cmd = p.command_text + (p.cwd.empty() ? "" : " (in " + rel(p.cwd, base_) + ")");
        if (!compliant_ok) {
            if (p.kind == "check" && base.timed_out) {
                Finding& f = add("config.probe-hung", "error", "compliant " + mode_ + " env",
                                 "the app's config check `" + p.command_text + "` did not finish within " + std::to_string(p.timeout_ms) +
                                     " ms with the compliant " + mode_ + " env; pggate killed it (process group). A config check must exit on its own: "
                                     "make it exit 0 when the config is valid, non-zero with an error naming the key when not.",
                                 at(p.where));
                f.details["command"] = cmd;
                f.details["output"] = excerpt(base);
                ++hung;
            } else {
                std::string how = !outcomes[0].error.empty() ? "could not be started (" + outcomes[0].error + ")"
                                  : p.kind == "server" ? (base.exit_code >= 0 ? "exited with code " + std::to_string(base.exit_code) : "was killed by signal " + std::to_string(base.signal)) +
                                                             " after " + std::to_string(base.elapsed.count()) + " ms instead of staying up for " + std::to_string(p.up_for_ms) + " ms"
                                  : base.exit_code >= 0 ? "exited with code " + std::to_string(base.exit_code)
                                                        : "was killed by signal " + std::to_string(base.signal);
                Finding& f = add("config.probe-compliant-failed", "error", "compliant " + mode_ + " env",
                                 "the app's config check `" + p.command_text + "` " + how + " with the compliant " + mode_ +
                                     " env (the env files as checked above). Either the app rejects a valid config or its rules differ from " +
                                     rules_.label + ": align them. The dangerous combinations were not probed.",
                                 at(p.where));
                f.details["command"] = cmd;
                f.details["exit_code"] = std::to_string(base.exit_code);
                f.details["output"] = excerpt(base);
            }
            finish_probe_metrics(runs, refused, accepted, hung, unclear, cases.size() - 1, t0);
            probe_note_ = "the compliant run failed; dangerous combinations not probed";
            return;
        }
        // The dangerous runs, in parallel.
        std::atomic<size_t> next{1};
        int jobs = std::max(1, std::min<int>(o_.probe_jobs, static_cast<int>(cases.size()) - 1));
        std::vector<std::thread> pool;
        for (int j = 0; j < jobs; ++j)
            pool.emplace_back([&] {
                for (size_t i = next++; i < cases.size(); i = next++) {
                    if (interrupted()) return;
                    run_one(i);
                }
            });
        for (auto& t : pool) t.join();
        if (interrupted()) {
            add("config.internal-error", "error", "", "the probe was interrupted (signal " + std::to_string(interrupt_signal()) +
                "); its processes were stopped. Run the check again.", std::nullopt);
            fatal_ = true;
            return;
        }
        for (size_t i = 1; i < cases.size(); ++i) {
            const ProbeCase& c = cases[i];
            const ProcessResult& r = outcomes[i].result;
            ++runs;
            std::string because = join(c.reasons, "; ");
            std::vector<std::string> keys(c.expect_keys.begin(), c.expect_keys.end());
            auto finding = [&](const std::string& rule, const std::string& msg) {
                Finding& f = add(rule, "error", c.label, msg, at(c.where));
                f.details["command"] = cmd;
                f.details["case"] = because;
                f.details["keys"] = join(keys, ",");
                f.details["exit_code"] = std::to_string(r.exit_code);
                f.details["elapsed_ms"] = std::to_string(r.elapsed.count());
                f.details["output"] = excerpt(r);
            };
            if (!outcomes[i].error.empty()) {
                finding("config.probe-compliant-failed", "pggate could not start `" + p.command_text + "` for " + c.label + ": " + outcomes[i].error + ".");
                continue;
            }
            if (p.kind == "check" && r.timed_out) {
                ++hung;
                finding("config.probe-hung",
                        "with " + c.label + " in " + mode_ + " (" + because + "), `" + p.command_text + "` neither accepted nor refused the config within " +
                            std::to_string(p.timeout_ms) + " ms; pggate killed it (process group). A dangerous config must make the app exit non-zero "
                            "at once with an error naming " + join(keys, " or ") + ".");
                continue;
            }
            bool still_up = p.kind == "server" && r.timed_out;
            if (still_up || r.exit_code == 0) {
                ++accepted;
                finding("config.probe-accepted-dangerous",
                        "in " + mode_ + ", the app accepted " + c.label + " (" + because + "): `" + p.command_text + "` " +
                            (still_up ? "was still running after " + std::to_string(p.up_for_ms) + " ms" : std::string("exited 0")) +
                            ". It must refuse to start: exit non-zero with an error naming " + join(keys, " or ") +
                            " (fail fast in the app's config loader).");
                continue;
            }
            if (!names_a_key(r, c.expect_keys)) {
                ++unclear;
                finding("config.probe-unclear-error",
                        "in " + mode_ + ", the app refused " + c.label + " (" + because + ", exit code " + std::to_string(r.exit_code) +
                            ") but its output does not name " + join(keys, " or ") +
                            ". Print an error that names the offending key, so the operator knows what to change.");
                continue;
            }
            ++refused;
        }
        finish_probe_metrics(runs, refused, accepted, hung, unclear, cases.size() - 1, t0);
        probe_note_ = cases.size() == 1 ? "the app accepted the compliant " + mode_ + " env; the rules define no dangerous combination for " + mode_
                                        : "the app accepted the compliant " + mode_ + " env and refused " + std::to_string(refused) + "/" +
                                              std::to_string(cases.size() - 1) + " dangerous combinations";
    }

    void finish_probe_metrics(int runs, int refused, int accepted, int hung, int unclear, size_t dangerous,
                              std::chrono::steady_clock::time_point t0) {
        g_.metrics["probe_runs"] = runs;
        g_.metrics["probe_dangerous_cases"] = static_cast<double>(dangerous);
        g_.metrics["probe_refused"] = refused;
        g_.metrics["probe_accepted"] = accepted;
        g_.metrics["probe_hung"] = hung;
        g_.metrics["probe_unclear"] = unclear;
        g_.metrics["probe_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }

    void finish() {
        int errors = 0, warnings = 0;
        for (auto& f : g_.findings) {
            f.message = red_.apply(f.message);
            f.object = red_.apply(f.object);
            for (auto& [k, v] : f.details) v = red_.apply(v);
            if (f.severity == "error") ++errors;
            else if (f.severity == "warning") ++warnings;
        }
        g_.metrics["findings_error"] = errors;
        g_.metrics["findings_warning"] = warnings;
        g_.metrics["keys"] = static_cast<double>(rules_.keys.size());
        if (fatal_) g_.status = "error";
        else if (errors) g_.status = "fail";
        else if (warnings) g_.status = "warn";
        else g_.status = "pass";
        std::string s = fatal_ ? "could not check the config" : std::to_string(rules_.keys.size()) + " keys checked for " + mode_ + " in " +
                                                                    (env_.loaded.empty() ? std::string("no env file") : join(env_.loaded, ", "));
        if (!fatal_) s += ": " + std::to_string(errors) + " error(s), " + std::to_string(warnings) + " warning(s)";
        if (!probe_note_.empty()) s += "; " + probe_note_;
        g_.summary = red_.apply(s);
    }
};

}  // namespace

GateResult run_config_gate(const ConfigGateOptions& options) {
    Gate gate(options);
    return gate.run();
}

const std::vector<std::string>& config_gate_section_keys() {
    static const std::vector<std::string> keys{"rules", "env_files", "env_dir", "example", "mode", "probe", "process_env"};
    return keys;
}

ConfigGateOptions parse_config_gate_section(const YAML::Node& section, const std::string& config_file, const std::string& config_dir,
                                            std::vector<std::string>& problems) {
    ConfigGateOptions o;
    o.base_dir = config_dir;
    auto at = [&](const YAML::Node& n) {
        return config_file + ":" + std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1) + ": ";
    };
    auto str = [&](const YAML::Node& n, const std::string& what) -> std::optional<std::string> {
        if (n.IsScalar()) return n.Scalar();
        problems.push_back(at(n) + what + " must be a string.");
        return std::nullopt;
    };
    auto boolean = [&](const YAML::Node& n, const std::string& what) -> std::optional<bool> {
        bool v = false;
        if (n.IsScalar() && YAML::convert<bool>::decode(n, v)) return v;
        problems.push_back(at(n) + what + " must be true or false.");
        return std::nullopt;
    };
    auto exists = [&](const YAML::Node& n, const std::string& what, const std::string& value, bool dir) {
        std::string p = resolve_path(value, config_dir);
        std::error_code ec;
        bool ok = dir ? fs::is_directory(p, ec) : fs::is_regular_file(p, ec);
        if (!ok) problems.push_back(at(n) + what + " '" + value + "' does not exist (looked for " + p + ").");
    };
    if (!section.IsMap()) {
        problems.push_back(at(section) + "gates.config must be a mapping with at least 'rules: <rules file>'.");
        return o;
    }
    const auto& known = config_gate_section_keys();
    for (auto it = section.begin(); it != section.end(); ++it) {
        std::string k = it->first.Scalar();
        if (std::find(known.begin(), known.end(), k) == known.end())
            problems.push_back(at(it->first) + "unknown key '" + k + "' in gates.config. Known keys: " + join(known, ", ") + ".");
    }
    if (!section["rules"]) problems.push_back(at(section) + "gates.config needs 'rules': the rules file (e.g. config/rules.yaml).");
    else if (auto v = str(section["rules"], "gates.config.rules")) {
        o.rules_file = *v;
        exists(section["rules"], "gates.config.rules", *v, false);
    }
    if (const YAML::Node& f = section["env_files"]) {
        if (f.IsScalar()) f.Scalar().empty() ? void() : o.env_files.push_back(f.Scalar());
        else if (f.IsSequence()) {
            for (const auto& item : f)
                if (auto v = str(item, "gates.config.env_files entry")) {
                    o.env_files.push_back(*v);
                    exists(item, "gates.config.env_files entry", *v, false);
                }
        } else
            problems.push_back(at(f) + "gates.config.env_files must be a file or a list of files.");
    }
    if (section["env_dir"]) {
        if (auto v = str(section["env_dir"], "gates.config.env_dir")) {
            o.env_dir = *v;
            exists(section["env_dir"], "gates.config.env_dir", *v, true);
        }
    }
    if (section["example"]) {
        if (auto v = str(section["example"], "gates.config.example")) {
            o.example_file = *v;
            exists(section["example"], "gates.config.example", *v, false);
        }
    }
    if (section["mode"]) {
        if (auto v = str(section["mode"], "gates.config.mode")) o.mode = *v;
    }
    if (section["probe"]) {
        if (auto v = boolean(section["probe"], "gates.config.probe")) o.probe = *v;
    }
    if (section["process_env"]) {
        if (auto v = boolean(section["process_env"], "gates.config.process_env")) o.use_process_env = *v;
    }
    return o;
}

}  // namespace pggate
