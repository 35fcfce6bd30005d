// Small string helpers shared by the config readers (pggate.yaml, rules files, env files).
#pragma once
#include <string>
#include <vector>

namespace pggate {

std::string join(const std::vector<std::string>& parts, const std::string& sep);
size_t edit_distance(const std::string& a, const std::string& b);
// The candidate nearest to `word` (for "did you mean"), when within `max_distance` edits; empty otherwise.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates, size_t max_distance);

}  // namespace pggate
