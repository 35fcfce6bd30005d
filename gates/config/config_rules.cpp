#include "harness/text.h"
#include "gates/config/config_rules.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness/dotenv.h"

namespace fs = std::filesystem;

namespace pggate {
namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string suggest(const std::string& k, const std::vector<std::string>& known) {
    std::string best = nearest(k, known, std::max<size_t>(2, k.size() / 4));
    return best.empty() ? "" : " Did you mean '" + best + "'?";
}

// Collects problems with file:line:column, like harness/config.cpp.
struct Checker {
    std::string file;
    std::vector<RulesProblem>& problems;

    RulePos at(const YAML::Node& n) const { return {file, n.Mark().line + 1, n.Mark().column + 1}; }
    void fail(const YAML::Node& n, const std::string& msg) { problems.push_back({at(n), msg}); }
    static std::string describe(const YAML::Node& n) {
        if (n.IsSequence()) return "a list";
        if (n.IsScalar()) return "the scalar '" + n.Scalar() + "'";
        if (n.IsNull()) return "an empty value";
        return "a mapping";
    }
    bool is_map(const YAML::Node& n, const std::string& what) {
        if (n.IsMap()) return true;
        fail(n, what + " must be a mapping (key: value), not " + describe(n) + ".");
        return false;
    }
    void keys(const YAML::Node& n, const std::string& what, const std::vector<std::string>& allowed) {
        for (auto it = n.begin(); it != n.end(); ++it) {
            if (!it->first.IsScalar()) {
                fail(it->first, "keys of " + what + " must be plain names.");
                continue;
            }
            std::string k = it->first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
            fail(it->first, "unknown key '" + k + "' in " + what + "." + suggest(k, allowed) + " Known keys: " + join(allowed, ", ") + ".");
        }
    }
    std::optional<std::string> str(const YAML::Node& n, const std::string& what) {
        if (!n.IsScalar()) {
            fail(n, what + " must be a string, not " + describe(n) + ".");
            return std::nullopt;
        }
        return n.Scalar();
    }
    std::optional<bool> boolean(const YAML::Node& n, const std::string& what) {
        bool v = false;
        if (n.IsScalar() && YAML::convert<bool>::decode(n, v)) return v;
        fail(n, what + " must be true or false, not " + describe(n) + ".");
        return std::nullopt;
    }
    std::optional<long long> integer(const YAML::Node& n, const std::string& what) {
        if (n.IsScalar()) {
            const std::string& s = n.Scalar();
            size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
            if (i < s.size() && s.size() - i <= 18 && std::all_of(s.begin() + i, s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
                return std::stoll(s);
        }
        fail(n, what + " must be an integer, not " + describe(n) + ".");
        return std::nullopt;
    }
    // A scalar or a list of scalars.
    std::vector<std::pair<std::string, YAML::Node>> scalars(const YAML::Node& n, const std::string& what) {
        std::vector<std::pair<std::string, YAML::Node>> out;
        if (n.IsScalar()) out.push_back({n.Scalar(), n});
        else if (n.IsSequence()) {
            for (const auto& item : n)
                if (auto s = str(item, what + " entry")) out.push_back({*s, item});
            if (n.size() == 0) fail(n, what + " is an empty list.");
        } else
            fail(n, what + " must be a value or a list of values, not " + describe(n) + ".");
        return out;
    }
};

bool all_digits(const std::string& s, size_t from = 0) {
    if (from >= s.size()) return false;
    return std::all_of(s.begin() + from, s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

struct Parser {
    Checker c;
    ConfigRules& r;

    bool valid_mode(const YAML::Node& n, const std::string& m) {
        if (std::find(r.modes.begin(), r.modes.end(), m) != r.modes.end()) return true;
        c.fail(n, "'" + m + "' is not one of the modes (" + join(r.modes, ", ") + ")." + suggest(m, r.modes));
        return false;
    }

    std::set<std::string> mode_list(const YAML::Node& n, const std::string& what) {
        std::set<std::string> out;
        for (auto& [m, node] : c.scalars(n, what))
            if (valid_mode(node, m)) out.insert(m);
        return out;
    }

    // Checks a value against the key's type; returns its canonical form.
    std::optional<std::string> typed(const KeyRule& k, const YAML::Node& n, const std::string& value, const std::string& what) {
        std::string why;
        auto v = normalize_env_value(r, k, value, &why);
        if (!v) c.fail(n, what + ": '" + (k.secret ? std::string("***") : value) + "' is not a valid " + type_name(k.type) + " for " + k.name + " (" + why + ").");
        return v;
    }

    void key_rule(const YAML::Node& name_node, const YAML::Node& n) {
        KeyRule k;
        k.name = name_node.Scalar();
        k.where = c.at(name_node);
        if (k.name.empty() || !std::all_of(k.name.begin(), k.name.end(), [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-';
            }))
            c.fail(name_node, "key name '" + k.name + "' is not a dotenv key (letters, digits, _ . -).");
        std::optional<bool> secret;
        if (!n.IsNull()) {
            if (!c.is_map(n, "keys." + k.name)) return;
            c.keys(n, "keys." + k.name, {"type", "values", "min", "max", "pattern", "schemes", "required", "secret", "default",
                                         "allowed", "description", "example"});
            if (n["type"]) {
                if (auto t = c.str(n["type"], "keys." + k.name + ".type")) {
                    std::string s = lower(*t);
                    if (s == "bool" || s == "boolean") k.type = EnvValueType::boolean;
                    else if (s == "int" || s == "integer") k.type = EnvValueType::integer;
                    else if (s == "enum") k.type = EnvValueType::enumeration;
                    else if (s == "url") k.type = EnvValueType::url;
                    else if (s == "duration") k.type = EnvValueType::duration;
                    else if (s == "string") k.type = EnvValueType::string;
                    else c.fail(n["type"], "keys." + k.name + ".type is '" + *t + "'; expected one of: bool, int, enum, url, duration, string.");
                }
            }
            auto only_for = [&](const char* field, std::initializer_list<EnvValueType> types, const char* which) {
                if (n[field] && std::find(types.begin(), types.end(), k.type) == types.end())
                    c.fail(n[field], std::string("keys.") + k.name + "." + field + " only applies to " + which + " keys (this one is " + type_name(k.type) + ").");
            };
            only_for("values", {EnvValueType::enumeration}, "enum");
            only_for("min", {EnvValueType::integer, EnvValueType::duration}, "int or duration");
            only_for("max", {EnvValueType::integer, EnvValueType::duration}, "int or duration");
            only_for("pattern", {EnvValueType::string}, "string");
            only_for("schemes", {EnvValueType::url}, "url");
            if (k.type == EnvValueType::enumeration) {
                if (!n["values"]) c.fail(n, "keys." + k.name + " is an enum but has no 'values' (the list of accepted values).");
                else
                    for (auto& [v, node] : c.scalars(n["values"], "keys." + k.name + ".values")) k.values.push_back(v);
            }
            for (const char* bound : {"min", "max"}) {
                if (!n[bound] || (k.type != EnvValueType::integer && k.type != EnvValueType::duration)) continue;
                std::optional<long long> v;
                if (k.type == EnvValueType::duration && n[bound].IsScalar()) {
                    v = parse_env_duration_ms(n[bound].Scalar());
                    if (!v) c.fail(n[bound], "keys." + k.name + "." + bound + " must be a duration such as 500ms, 30s, 5m.");
                } else {
                    v = c.integer(n[bound], "keys." + k.name + "." + bound);
                }
                (std::string(bound) == "min" ? k.min : k.max) = v;
            }
            if (k.min && k.max && *k.min > *k.max) c.fail(n["min"], "keys." + k.name + ".min is greater than its max.");
            if (n["pattern"] && k.type == EnvValueType::string) {
                if (auto p = c.str(n["pattern"], "keys." + k.name + ".pattern")) {
                    try {
                        std::regex re(*p, std::regex::ECMAScript);
                        k.pattern = *p;
                    } catch (const std::regex_error& e) {
                        c.fail(n["pattern"], "keys." + k.name + ".pattern is not a valid regular expression (ECMAScript): " + e.what() + ".");
                    }
                }
            }
            if (n["schemes"] && k.type == EnvValueType::url)
                for (auto& [v, node] : c.scalars(n["schemes"], "keys." + k.name + ".schemes")) k.schemes.push_back(lower(v));
            if (n["secret"]) secret = c.boolean(n["secret"], "keys." + k.name + ".secret");
            if (n["example"]) {
                if (auto v = c.boolean(n["example"], "keys." + k.name + ".example")) k.in_example = *v;
            }
            if (n["description"]) {
                if (auto v = c.str(n["description"], "keys." + k.name + ".description")) k.description = *v;
            }
        }
        // Name-based secrecy only for free-form values: a bool, int, enum or duration is never a secret.
        bool free_form = k.type == EnvValueType::string || k.type == EnvValueType::url;
        k.secret = secret ? *secret : (free_form && is_secret_name(k.name));
        if (n.IsMap()) {
            if (const YAML::Node& req = n["required"]) {
                bool b = false;
                if (req.IsScalar() && YAML::convert<bool>::decode(req, b)) {
                    if (b) k.required_in.insert(r.modes.begin(), r.modes.end());
                } else if (req.IsSequence()) {
                    k.required_in = mode_list(req, "keys." + k.name + ".required");
                } else if (req.IsMap()) {
                    for (auto it = req.begin(); it != req.end(); ++it) {
                        std::string m = it->first.Scalar();
                        if (!valid_mode(it->first, m)) continue;
                        if (auto v = c.boolean(it->second, "keys." + k.name + ".required." + m); v && *v) k.required_in.insert(m);
                    }
                } else {
                    c.fail(req, "keys." + k.name + ".required must be true/false, a list of modes, or {mode: true|false}.");
                }
            }
            if (const YAML::Node& d = n["default"]) {
                if (d.IsMap()) {
                    for (auto it = d.begin(); it != d.end(); ++it) {
                        std::string m = it->first.Scalar();
                        if (m != "*" && !valid_mode(it->first, m)) continue;
                        auto s = c.str(it->second, "keys." + k.name + ".default." + m);
                        if (!s) continue;
                        auto v = typed(k, it->second, *s, "keys." + k.name + ".default." + m);
                        if (!v) continue;
                        if (m == "*") {
                            for (const auto& mm : r.modes)
                                if (!d[mm]) { k.defaults[mm] = *v; k.default_where[mm] = c.at(it->second); }
                        } else {
                            k.defaults[m] = *v;
                            k.default_where[m] = c.at(it->second);
                        }
                    }
                } else if (auto s = c.str(d, "keys." + k.name + ".default")) {
                    if (auto v = typed(k, d, *s, "keys." + k.name + ".default"))
                        for (const auto& m : r.modes) { k.defaults[m] = *v; k.default_where[m] = c.at(d); }
                }
            }
            if (const YAML::Node& a = n["allowed"]) {
                auto add = [&](const std::string& m, const YAML::Node& list) {
                    for (auto& [v, node] : c.scalars(list, "keys." + k.name + ".allowed." + m))
                        if (auto t = typed(k, node, v, "keys." + k.name + ".allowed." + m)) k.allowed[m].push_back(*t);
                    k.allowed_where[m] = c.at(list);
                };
                if (a.IsMap()) {
                    for (auto it = a.begin(); it != a.end(); ++it)
                        if (valid_mode(it->first, it->first.Scalar())) add(it->first.Scalar(), it->second);
                } else {
                    for (const auto& m : r.modes) add(m, a);
                }
            }
            for (const auto& [m, v] : k.defaults) {
                auto al = k.allowed.find(m);
                if (al != k.allowed.end() && !al->second.empty() && std::find(al->second.begin(), al->second.end(), v) == al->second.end())
                    problems_at(k.default_where[m], "keys." + k.name + ": the " + m + " default '" + (k.secret ? "***" : v) +
                                                        "' is not among the values allowed in " + m + " (" + join(al->second, ", ") + ").");
            }
        }
        r.keys.push_back(std::move(k));
    }

    void problems_at(const RulePos& p, const std::string& msg) { c.problems.push_back({p, msg}); }

    const KeyRule* declared(const YAML::Node& n, const std::string& key, const std::string& what) {
        if (const KeyRule* k = r.key(key)) return k;
        std::vector<std::string> names;
        for (const auto& kk : r.keys) names.push_back(kk.name);
        c.fail(n, what + " names '" + key + "', which is not declared under keys:." + suggest(key, names) + " Declare it (with its type) first.");
        return nullptr;
    }

    std::vector<Condition> conditions(const YAML::Node& n, const std::string& what, bool may_be_empty = false) {
        std::vector<Condition> out;
        if (!c.is_map(n, what)) return out;
        for (auto it = n.begin(); it != n.end(); ++it) {
            std::string key = it->first.Scalar();
            const KeyRule* k = declared(it->first, key, what);
            Condition cond;
            cond.key = key;
            cond.where = c.at(it->first);
            for (auto& [v, node] : c.scalars(it->second, what + "." + key)) {
                if (!k) continue;
                if (auto t = typed(*k, node, v, what + "." + key)) cond.values.push_back(*t);
            }
            if (k && !cond.values.empty()) out.push_back(cond);
        }
        if (n.IsMap() && n.size() == 0 && !may_be_empty) c.fail(n, what + " is empty: list the KEY: value pairs that together are forbidden.");
        return out;
    }

    std::set<std::string> modes_of(const YAML::Node& entry, const std::string& what) {
        if (entry["modes"]) return mode_list(entry["modes"], what + ".modes");
        if (entry["mode"]) return mode_list(entry["mode"], what + ".mode");
        return std::set<std::string>(r.modes.begin(), r.modes.end());
    }

    void forbidden(const YAML::Node& list) {
        if (!list.IsSequence()) {
            c.fail(list, "forbidden must be a list of {modes, when, message} entries.");
            return;
        }
        size_t i = 0;
        for (const auto& e : list) {
            std::string what = "forbidden[" + std::to_string(i++) + "]";
            if (!c.is_map(e, what)) continue;
            c.keys(e, what, {"id", "modes", "mode", "when", "message"});
            ForbiddenRule f;
            f.id = what;
            f.where = c.at(e);
            if (e["id"]) { if (auto v = c.str(e["id"], what + ".id")) f.id = *v; }
            f.modes = modes_of(e, what);
            if (!e["when"]) c.fail(e, what + " needs 'when': the KEY: value pairs that together are forbidden.");
            else f.when = conditions(e["when"], what + ".when");
            if (e["message"]) { if (auto v = c.str(e["message"], what + ".message")) f.message = *v; }
            if (!f.when.empty()) r.forbidden.push_back(f);
        }
    }

    void requirements(const YAML::Node& list) {
        if (!list.IsSequence()) {
            c.fail(list, "requirements must be a list of {modes, key, equals|in|not_in|host_not_in|matches, message} entries.");
            return;
        }
        size_t i = 0;
        const std::vector<std::pair<std::string, RequirementKind>> kinds = {
            {"equals", RequirementKind::equals}, {"not_equals", RequirementKind::not_equals}, {"in", RequirementKind::in},
            {"not_in", RequirementKind::not_in}, {"host_not_in", RequirementKind::host_not_in}, {"matches", RequirementKind::matches}};
        for (const auto& e : list) {
            std::string what = "requirements[" + std::to_string(i++) + "]";
            if (!c.is_map(e, what)) continue;
            c.keys(e, what, {"id", "modes", "mode", "when", "key", "equals", "not_equals", "in", "not_in", "host_not_in", "matches", "message"});
            Requirement q;
            q.id = what;
            q.where = c.at(e);
            if (e["id"]) { if (auto v = c.str(e["id"], what + ".id")) q.id = *v; }
            q.modes = modes_of(e, what);
            if (e["when"] && !e["when"].IsNull()) q.when = conditions(e["when"], what + ".when", true);
            if (e["message"]) { if (auto v = c.str(e["message"], what + ".message")) q.message = *v; }
            const KeyRule* k = nullptr;
            if (!e["key"]) c.fail(e, what + " needs 'key': the key the requirement is about.");
            else if (auto v = c.str(e["key"], what + ".key")) {
                q.key = *v;
                k = declared(e["key"], *v, what + ".key");
            }
            int n = 0;
            for (const auto& [name, kind] : kinds) {
                if (!e[name]) continue;
                ++n;
                q.kind = kind;
                const YAML::Node& p = e[name];
                if (kind == RequirementKind::matches) {
                    if (auto s = c.str(p, what + ".matches")) {
                        try {
                            std::regex re(*s, std::regex::ECMAScript);
                            q.pattern = *s;
                        } catch (const std::regex_error& ex) {
                            c.fail(p, what + ".matches is not a valid regular expression (ECMAScript): " + ex.what() + ".");
                        }
                    }
                } else if (kind == RequirementKind::host_not_in) {
                    for (auto& [v, node] : c.scalars(p, what + ".host_not_in")) q.values.push_back(lower(v));
                    if (k && k->type != EnvValueType::url) c.fail(p, what + ".host_not_in needs a url key; " + k->name + " is " + type_name(k->type) + ".");
                } else {
                    if ((kind == RequirementKind::equals || kind == RequirementKind::not_equals) && !p.IsScalar()) {
                        c.fail(p, what + "." + name + " must be one value (use in/not_in for a list).");
                        continue;
                    }
                    for (auto& [v, node] : c.scalars(p, what + "." + name)) {
                        if (!k) continue;
                        if (auto t = typed(*k, node, v, what + "." + name)) q.values.push_back(*t);
                    }
                }
            }
            if (n != 1) {
                c.fail(e, what + " needs exactly one of: equals, not_equals, in, not_in, host_not_in, matches.");
                continue;
            }
            if (k) r.requirements.push_back(q);
        }
    }

    void probe(const YAML::Node& n) {
        if (!c.is_map(n, "probe")) return;
        c.keys(n, "probe", {"command", "cwd", "kind", "timeout", "up_for", "env", "required_cases"});
        ProbeRule p;
        p.where = c.at(n);
        p.cwd = r.dir;
        if (!n["command"]) c.fail(n, "probe needs 'command': how to start the app's config check, e.g. node src/check-config.js.");
        else if (n["command"].IsScalar()) {
            p.command_text = n["command"].Scalar();
            if (p.command_text.empty()) c.fail(n["command"], "probe.command is empty.");
            p.argv = {"/bin/sh", "-c", p.command_text};
        } else if (n["command"].IsSequence()) {
            for (const auto& a : n["command"])
                if (auto s = c.str(a, "probe.command entry")) p.argv.push_back(*s);
            if (p.argv.empty()) c.fail(n["command"], "probe.command is an empty list.");
            p.command_text = join(p.argv, " ");
        } else {
            c.fail(n["command"], "probe.command must be a shell command (string) or an argv list.");
        }
        if (n["cwd"]) {
            if (auto s = c.str(n["cwd"], "probe.cwd")) {
                fs::path d = fs::path(*s).is_absolute() ? fs::path(*s) : fs::path(r.dir) / *s;
                d = d.lexically_normal();
                std::error_code ec;
                if (!fs::is_directory(d, ec)) c.fail(n["cwd"], "probe.cwd '" + *s + "' is not a folder (looked for " + d.string() + ").");
                p.cwd = d.string();
            }
        }
        if (n["kind"]) {
            if (auto s = c.str(n["kind"], "probe.kind")) {
                if (*s == "check" || *s == "server") p.kind = *s;
                else c.fail(n["kind"], "probe.kind is '" + *s + "'; expected check (exit 0 means the config was accepted) or server (still running after up_for means it started).");
            }
        }
        for (const char* f : {"timeout", "up_for"}) {
            if (!n[f]) continue;
            auto s = c.str(n[f], std::string("probe.") + f);
            if (!s) continue;
            auto ms = parse_env_duration_ms(*s);
            if (!ms || *ms <= 0 || *ms > 3'600'000) c.fail(n[f], std::string("probe.") + f + " is '" + *s + "'; expected a duration such as 500ms, 10s or 1m.");
            else (std::string(f) == "timeout" ? p.timeout_ms : p.up_for_ms) = *ms;
        }
        if (n["env"] && c.is_map(n["env"], "probe.env"))
            for (auto it = n["env"].begin(); it != n["env"].end(); ++it)
                if (auto s = c.str(it->second, "probe.env." + it->first.Scalar())) p.env[it->first.Scalar()] = *s;
        if (n["required_cases"]) {
            if (auto v = c.boolean(n["required_cases"], "probe.required_cases")) p.cases_required = *v;
        }
        r.probe = p;
    }

    void run(const YAML::Node& root) {
        if (!root.IsMap()) {
            problems_at({c.file, 1, 1}, "the rules file must be a YAML mapping (modes:, keys:, forbidden:, requirements:, probe:).");
            return;
        }
        c.keys(root, "the rules file", {"version", "mode_key", "modes", "booleans", "keys", "forbidden", "requirements", "probe"});
        if (root["version"]) {
            if (auto v = c.integer(root["version"], "version"); v && *v != 1) c.fail(root["version"], "version " + std::to_string(*v) + " is not supported; this pggate reads version 1.");
        }
        if (root["mode_key"]) {
            if (auto v = c.str(root["mode_key"], "mode_key")) r.mode_key = *v;
        }
        if (!root["modes"]) problems_at({c.file, 1, 1}, "the rules file needs 'modes', e.g. modes: [dev, ci, prod].");
        else {
            for (auto& [m, node] : c.scalars(root["modes"], "modes")) {
                if (std::find(r.modes.begin(), r.modes.end(), m) != r.modes.end()) c.fail(node, "mode '" + m + "' is listed twice.");
                else if (m.empty() || m == "*") c.fail(node, "'" + m + "' is not a usable mode name.");
                else r.modes.push_back(m);
            }
        }
        if (const YAML::Node& b = root["booleans"]) {
            if (c.is_map(b, "booleans")) {
                c.keys(b, "booleans", {"true", "false"});
                if (b["true"]) { r.true_values.clear(); for (auto& [v, node] : c.scalars(b["true"], "booleans.true")) r.true_values.push_back(lower(v)); }
                if (b["false"]) { r.false_values.clear(); for (auto& [v, node] : c.scalars(b["false"], "booleans.false")) r.false_values.push_back(lower(v)); }
                for (const auto& t : r.true_values)
                    if (std::find(r.false_values.begin(), r.false_values.end(), t) != r.false_values.end()) c.fail(b, "booleans: '" + t + "' is both true and false.");
            }
        }
        if (const YAML::Node& k = root["keys"]) {
            if (c.is_map(k, "keys"))
                for (auto it = k.begin(); it != k.end(); ++it) {
                    if (!it->first.IsScalar()) { c.fail(it->first, "key names must be plain names."); continue; }
                    if (r.key(it->first.Scalar())) { c.fail(it->first, "key " + it->first.Scalar() + " is declared twice."); continue; }
                    key_rule(it->first, it->second);
                }
        } else {
            problems_at({c.file, 1, 1}, "the rules file needs 'keys': one entry per environment variable the app reads.");
        }
        // The mode key: declared, or implied as an enum of the modes that must always be set.
        if (!r.key(r.mode_key) && !r.modes.empty()) {
            KeyRule k;
            k.name = r.mode_key;
            k.where = root["mode_key"] ? c.at(root["mode_key"]) : c.at(root["modes"]);
            k.type = EnvValueType::enumeration;
            k.values = r.modes;
            k.required_in.insert(r.modes.begin(), r.modes.end());
            k.description = "run mode";
            r.keys.insert(r.keys.begin(), k);
        } else if (const KeyRule* mk = r.key(r.mode_key); mk && mk->type == EnvValueType::enumeration) {
            for (const auto& m : r.modes)
                if (std::find(mk->values.begin(), mk->values.end(), m) == mk->values.end())
                    problems_at(mk->where, "keys." + mk->name + " is the mode key but its values do not include the mode '" + m + "'.");
        }
        if (root["forbidden"]) forbidden(root["forbidden"]);
        if (root["requirements"]) requirements(root["requirements"]);
        if (root["probe"]) probe(root["probe"]);
    }
};

}  // namespace

const KeyRule* ConfigRules::key(const std::string& name) const {
    for (const auto& k : keys)
        if (k.name == name) return &k;
    return nullptr;
}

std::string RulesProblem::text() const {
    return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + message;
}

std::string type_name(EnvValueType t) {
    switch (t) {
        case EnvValueType::boolean: return "bool";
        case EnvValueType::integer: return "int";
        case EnvValueType::enumeration: return "enum";
        case EnvValueType::url: return "url";
        case EnvValueType::duration: return "duration";
        default: return "string";
    }
}

std::optional<long long> parse_env_duration_ms(const std::string& text) {
    size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == 0 || i > 12) return std::nullopt;
    long long n = std::stoll(text.substr(0, i));
    std::string unit = text.substr(i);
    if (unit == "ms") return n;
    if (unit == "s") return n * 1000;
    if (unit == "m" || unit == "min") return n * 60'000;
    if (unit == "h") return n * 3'600'000;
    if (unit == "d") return n * 86'400'000;
    return std::nullopt;
}

std::optional<UrlParts> parse_env_url(const std::string& text) {
    auto sep = text.find("://");
    if (sep == std::string::npos || sep == 0) return std::nullopt;
    UrlParts u;
    u.scheme = lower(text.substr(0, sep));
    if (!std::isalpha(static_cast<unsigned char>(u.scheme[0])) ||
        !std::all_of(u.scheme.begin(), u.scheme.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'; }))
        return std::nullopt;
    size_t a = sep + 3;
    size_t end = text.find_first_of("/?#", a);
    if (end == std::string::npos) end = text.size();
    std::string authority = text.substr(a, end - a);
    u.rest = text.substr(end);
    if (auto at = authority.rfind('@'); at != std::string::npos) {
        std::string ui = authority.substr(0, at);
        authority = authority.substr(at + 1);
        auto colon = ui.find(':');
        u.user = ui.substr(0, colon);
        if (colon != std::string::npos) u.password = ui.substr(colon + 1);
    }
    if (!authority.empty() && authority[0] == '[') {  // [::1]:5432
        auto close = authority.find(']');
        if (close == std::string::npos) return std::nullopt;
        u.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return std::nullopt;
            u.port = authority.substr(close + 2);
        }
    } else {
        auto colon = authority.rfind(':');
        u.host = authority.substr(0, colon);
        if (colon != std::string::npos) u.port = authority.substr(colon + 1);
    }
    u.host = lower(u.host);
    if (!u.port.empty() && (!all_digits(u.port) || u.port.size() > 5)) return std::nullopt;
    for (char ch : text)
        if (std::isspace(static_cast<unsigned char>(ch))) return std::nullopt;
    return u;
}

std::optional<std::string> normalize_env_value(const ConfigRules& rules, const KeyRule& k, const std::string& value, std::string* why) {
    auto bad = [&](const std::string& w) -> std::optional<std::string> {
        if (why) *why = w;
        return std::nullopt;
    };
    switch (k.type) {
        case EnvValueType::boolean: {
            std::string l = lower(value);
            if (std::find(rules.true_values.begin(), rules.true_values.end(), l) != rules.true_values.end()) return std::string("true");
            if (std::find(rules.false_values.begin(), rules.false_values.end(), l) != rules.false_values.end()) return std::string("false");
            return bad("expected one of " + join(rules.true_values, ", ") + " / " + join(rules.false_values, ", "));
        }
        case EnvValueType::integer: {
            size_t i = (!value.empty() && (value[0] == '-' || value[0] == '+')) ? 1 : 0;
            if (!all_digits(value, i) || value.size() - i > 18) return bad("expected a whole number");
            long long n = std::stoll(value);
            if (k.min && n < *k.min) return bad("below the minimum " + std::to_string(*k.min));
            if (k.max && n > *k.max) return bad("above the maximum " + std::to_string(*k.max));
            return std::to_string(n);
        }
        case EnvValueType::enumeration:
            if (std::find(k.values.begin(), k.values.end(), value) == k.values.end()) return bad("expected one of " + join(k.values, ", "));
            return value;
        case EnvValueType::duration: {
            auto ms = parse_env_duration_ms(value);
            if (!ms) return bad("expected a duration such as 500ms, 30s, 5m, 1h or 1d");
            if (k.min && *ms < *k.min) return bad("shorter than the minimum " + std::to_string(*k.min) + "ms");
            if (k.max && *ms > *k.max) return bad("longer than the maximum " + std::to_string(*k.max) + "ms");
            return std::to_string(*ms) + "ms";
        }
        case EnvValueType::url: {
            auto u = parse_env_url(value);
            if (!u || u->host.empty()) return bad("expected scheme://[user[:password]@]host[:port][/path]");
            if (!k.schemes.empty() && std::find(k.schemes.begin(), k.schemes.end(), u->scheme) == k.schemes.end())
                return bad("scheme '" + u->scheme + "' is not one of " + join(k.schemes, ", "));
            return value;
        }
        default:
            if (!k.pattern.empty()) {
                bool ok = false;
                try {
                    ok = value.size() <= 4096 && std::regex_match(value, std::regex(k.pattern, std::regex::ECMAScript));
                } catch (const std::exception&) {
                    ok = false;
                }
                if (!ok) return bad("does not match the pattern " + k.pattern);
            }
            return value;
    }
}

ConfigRules parse_config_rules(const std::string& label, const std::string& text, const std::string& dir,
                               std::vector<RulesProblem>& problems) {
    ConfigRules r;
    r.label = label;
    r.dir = dir;
    size_t before = problems.size();
    try {
        YAML::Node root = YAML::Load(text);
        Parser p{Checker{label, problems}, r};
        p.run(root);
    } catch (const YAML::Exception& e) {
        problems.push_back({{label, e.mark.line + 1, e.mark.column + 1}, "not valid YAML: " + e.msg + "."});
    } catch (const std::exception& e) {
        problems.push_back({{label, 1, 1}, std::string("cannot read the rules: ") + e.what() + "."});
    }
    if (problems.size() != before) {
        ConfigRules empty;
        empty.label = label;
        empty.dir = dir;
        return empty;
    }
    return r;
}

ConfigRules load_config_rules(const std::string& path, const std::string& label, std::vector<RulesProblem>& problems) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        problems.push_back({{label, 0, 0}, "rules file " + label + " does not exist or cannot be read (looked for " + path + ")."});
        return {};
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec).lexically_normal();
    ConfigRules r = parse_config_rules(label, ss.str(), abs.parent_path().string(), problems);
    r.file = abs.string();
    return r;
}

}  // namespace pggate
