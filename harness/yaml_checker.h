// Reading pggate.yaml sections: every problem collected with file:line:column, so one run shows all of
// them. Shared by the config loader and the gates that read their own sections.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace pggate {

struct YamlChecker {
    std::string file;
    std::string dir;
    std::vector<std::string> problems;

    std::string at(const YAML::Node& n) const;
    void fail(const YAML::Node& n, const std::string& msg);
    bool is_map(const YAML::Node& n, const std::string& what);
    static std::string describe(const YAML::Node& n);
    // Flags keys that are not in `allowed`, suggesting the closest known one.
    void keys(const YAML::Node& n, const std::string& what, const std::vector<std::string>& allowed);
    std::optional<std::string> str(const YAML::Node& n, const std::string& what);
    // A string or a list of strings.
    std::optional<std::vector<std::string>> strings(const YAML::Node& n, const std::string& what);
    std::optional<bool> boolean(const YAML::Node& n, const std::string& what);
    std::optional<long long> integer(const YAML::Node& n, const std::string& what, long long min);
    std::optional<std::string> one_of(const YAML::Node& n, const std::string& what, const std::vector<std::string>& values);
    std::optional<long long> duration(const YAML::Node& n, const std::string& what);
    // A path relative to the config's folder that must exist.
    std::optional<std::string> existing_path(const YAML::Node& n, const std::string& what, bool want_dir);
};

}  // namespace pggate
