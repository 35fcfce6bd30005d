#include "harness/yaml_checker.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "harness/config.h"
#include "harness/pg.h"
#include "harness/text.h"

namespace fs = std::filesystem;

namespace pggate {

std::string YamlChecker::at(const YAML::Node& n) const {
    std::ostringstream s;
    s << file << ":" << n.Mark().line + 1 << ":" << n.Mark().column + 1;
    return s.str();
}
void YamlChecker::fail(const YAML::Node& n, const std::string& msg) { problems.push_back(at(n) + ": " + msg); }

bool YamlChecker::is_map(const YAML::Node& n, const std::string& what) {
    if (n.IsMap()) return true;
    fail(n, what + " must be a mapping (key: value), not " + describe(n) + ".");
    return false;
}
std::string YamlChecker::describe(const YAML::Node& n) {
    if (n.IsSequence()) return "a list";
    if (n.IsScalar()) return "the scalar '" + n.Scalar() + "'";
    if (n.IsNull()) return "an empty value";
    return "a mapping";
}
void YamlChecker::keys(const YAML::Node& n, const std::string& what, const std::vector<std::string>& allowed) {
    for (auto it = n.begin(); it != n.end(); ++it) {
        std::string k = it->first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
        std::string best = nearest(k, allowed, 3);
        std::string hint = best.empty() ? "" : " Did you mean '" + best + "'?";
        fail(it->first, "unknown key '" + k + "' in " + what + "." + hint + " Known keys: " + join(allowed, ", ") + ".");
    }
}
std::optional<std::string> YamlChecker::str(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
        fail(n, what + " must be a string, not " + describe(n) + ".");
        return std::nullopt;
    }
    return n.Scalar();
}
std::optional<bool> YamlChecker::boolean(const YAML::Node& n, const std::string& what) {
    bool v = false;
    if (n.IsScalar() && YAML::convert<bool>::decode(n, v)) return v;
    fail(n, what + " must be true or false, not " + describe(n) + ".");
    return std::nullopt;
}
std::optional<std::string> YamlChecker::one_of(const YAML::Node& n, const std::string& what, const std::vector<std::string>& values) {
    auto s = str(n, what);
    if (!s) return std::nullopt;
    if (std::find(values.begin(), values.end(), *s) == values.end()) {
        fail(n, what + " is '" + *s + "'; expected one of: " + join(values, ", ") + ".");
        return std::nullopt;
    }
    return s;
}
std::optional<long long> YamlChecker::duration(const YAML::Node& n, const std::string& what) {
    auto s = str(n, what);
    if (!s) return std::nullopt;
    auto ms = parse_duration_ms(*s);
    if (!ms || *ms <= 0) {
        fail(n, what + " is '" + *s + "'; expected a duration such as 500ms, 30s, 5m or 1h.");
        return std::nullopt;
    }
    return ms;
}
std::optional<std::string> YamlChecker::existing_path(const YAML::Node& n, const std::string& what, bool want_dir) {
    auto s = str(n, what);
    if (!s) return std::nullopt;
    fs::path p = resolve_path(*s, dir);
    std::error_code ec;
    if (!fs::exists(p, ec)) {
        fail(n, what + " '" + *s + "' does not exist (looked for " + p.string() + ").");
        return std::nullopt;
    }
    if (want_dir != fs::is_directory(p, ec)) {
        fail(n, what + " '" + *s + "' must be a " + (want_dir ? "folder" : "file") + ".");
        return std::nullopt;
    }
    return p.string();
}

std::optional<std::vector<std::string>> YamlChecker::strings(const YAML::Node& n, const std::string& what) {
    if (n.IsScalar()) return std::vector<std::string>{n.Scalar()};
    if (!n.IsSequence()) {
        fail(n, what + " must be a string or a list of strings, not " + describe(n) + ".");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& e : n) {
        auto v = str(e, what + " entries");
        if (!v) return std::nullopt;
        out.push_back(*v);
    }
    return out;
}

std::optional<long long> YamlChecker::integer(const YAML::Node& n, const std::string& what, long long min) {
    long long v = 0;
    if (n.IsScalar() && YAML::convert<long long>::decode(n, v) && v >= min) return v;
    fail(n, what + " must be a whole number ≥ " + std::to_string(min) + ", not " + describe(n) + ".");
    return std::nullopt;
}

}  // namespace pggate
