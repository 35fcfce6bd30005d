// The config gate's rules file (e.g. config/rules.yaml): modes, one entry per key (type, required,
// secret, per-mode defaults and allowed values), forbidden combinations, requirements, and the app's
// fail-fast probe command. Parsed with yaml-cpp in config_rules.cpp; this header stays light.
// The format is documented in gates/config/README.md.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pggate {

struct RulePos {
    std::string file;  // label of the rules file
    int line = 0;      // 1-based
    int column = 0;    // 1-based
};

enum class EnvValueType { string, boolean, integer, enumeration, url, duration };

struct KeyRule {
    std::string name;
    RulePos where;
    EnvValueType type = EnvValueType::string;
    std::optional<long long> min, max;                 // integer (and duration, in ms)
    std::vector<std::string> values;                   // enumeration
    std::string pattern;                               // string: ECMAScript regex the whole value must match
    std::vector<std::string> schemes;                  // url: allowed schemes (empty: any)
    std::set<std::string> required_in;                 // modes where the key must be set (not empty)
    bool secret = false;                               // resolved: declared, or by name for string/url keys
    bool in_example = true;                            // must appear in .env.example
    std::string description;
    std::map<std::string, std::string> defaults;       // mode -> value the app uses when unset
    std::map<std::string, RulePos> default_where;
    std::map<std::string, std::vector<std::string>> allowed;  // mode -> the only values allowed
    std::map<std::string, RulePos> allowed_where;
};

struct Condition {
    std::string key;
    std::vector<std::string> values;  // matches when the effective value is one of these
    RulePos where;
};

struct ForbiddenRule {
    std::string id;                   // given, or forbidden[N]
    std::set<std::string> modes;
    std::vector<Condition> when;      // all must hold
    std::string message;
    RulePos where;
};

enum class RequirementKind { equals, not_equals, in, not_in, host_not_in, matches };

struct Requirement {
    std::string id;                   // given, or requirements[N]
    std::set<std::string> modes;
    std::vector<Condition> when;      // optional preconditions
    std::string key;
    RequirementKind kind = RequirementKind::equals;
    std::vector<std::string> values;  // equals/not_equals: one; in/not_in/host_not_in: the list
    std::string pattern;              // matches
    std::string message;
    RulePos where;
};

struct ProbeRule {
    std::vector<std::string> argv;    // a string command becomes {"/bin/sh", "-c", command}
    std::string command_text;         // as written, for messages
    std::string cwd;                  // absolute
    std::string kind = "check";       // check: exit 0 = accepted; server: still running after up_for = accepted
    long long timeout_ms = 10'000;    // check: longest run before it counts as hung
    long long up_for_ms = 2'000;      // server: how long it must stay up
    std::map<std::string, std::string> env;  // extra variables for every probe run (e.g. NODE_OPTIONS)
    bool cases_required = true;       // also probe each key required in the mode, unset
    RulePos where;
};

struct ConfigRules {
    std::string file;                 // absolute path
    std::string label;                // as shown in findings
    std::string dir;                  // folder of the rules file
    std::string mode_key = "APP_ENV";
    std::vector<std::string> modes;
    std::vector<std::string> true_values{"true", "1", "yes", "on"};
    std::vector<std::string> false_values{"false", "0", "no", "off"};
    std::vector<KeyRule> keys;        // in file order (the mode key included)
    std::vector<ForbiddenRule> forbidden;
    std::vector<Requirement> requirements;
    std::optional<ProbeRule> probe;

    const KeyRule* key(const std::string& name) const;
};

struct RulesProblem {
    RulePos where;
    std::string message;
    std::string text() const;  // "file:line:col: message"
};

// Parses and validates a rules file. Never throws: every problem is listed (rules are empty then).
ConfigRules parse_config_rules(const std::string& label, const std::string& text, const std::string& dir,
                               std::vector<RulesProblem>& problems);
ConfigRules load_config_rules(const std::string& path, const std::string& label, std::vector<RulesProblem>& problems);

// Value handling shared with the gate.
// Canonical form of a value of `rule`'s type ("true"/"false" for booleans, the integer for ints, the
// duration in ms); nullopt plus a reason when it is not a valid value of the type.
std::optional<std::string> normalize_env_value(const ConfigRules& rules, const KeyRule& rule, const std::string& value,
                                               std::string* why = nullptr);
// Parses "30s", "500ms", "5m", "2h", "1d" (and a bare number of ms when allowed).
std::optional<long long> parse_env_duration_ms(const std::string& text);
struct UrlParts {
    std::string scheme, user, password, host, port, rest;  // rest: path, query and fragment
};
std::optional<UrlParts> parse_env_url(const std::string& text);
std::string type_name(EnvValueType t);

}  // namespace pggate
