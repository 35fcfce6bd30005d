#include "reports/waivers.h"

#include <yaml-cpp/yaml.h>

#include <ctime>
#include <fnmatch.h>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace pggate {
namespace {

bool is_date(const std::string& s) {
    static const std::regex re(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
    return std::regex_match(s, re);
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

struct InlineWaiver {
    std::string rule, reason, source;
};

// `-- pggate:ignore <rule> <reason>` on a line; false when the line has none.
bool parse_inline(const std::string& line, InlineWaiver& out) {
    static const std::regex re(R"(--\s*pggate:ignore\s+(\S+)\s*(.*)$)");
    std::smatch m;
    if (!std::regex_search(line, m, re)) return false;
    out.rule = m[1].str();
    out.reason = trim(m[2].str());
    if (out.reason.empty()) out.reason = "(no reason given)";
    return true;
}

const std::vector<std::string>& file_lines(std::map<std::string, std::vector<std::string>>& cache, const std::string& path) {
    auto it = cache.find(path);
    if (it != cache.end()) return it->second;
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return cache.emplace(path, std::move(lines)).first->second;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool waiver_glob_match(const std::string& pattern, const std::string& text) {
    return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

std::string utc_today() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

WaiverSet parse_waivers(const std::string& text, const std::string& source_name, std::vector<std::string>& problems) {
    WaiverSet set;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        problems.push_back(source_name + ": not valid YAML: " + e.what());
        return set;
    }
    if (root.IsMap() && root["waivers"]) root = root["waivers"];
    if (root.IsNull()) return set;
    if (!root.IsSequence()) {
        problems.push_back(source_name + ": expected a list of waivers (or a `waivers:` list)");
        return set;
    }
    for (const auto& n : root) {
        std::string where = source_name + ":" + std::to_string(n.Mark().line + 1);
        if (!n.IsMap()) {
            problems.push_back(where + ": a waiver must be a mapping with rule, object, reason, owner, expires");
            continue;
        }
        auto get = [&](const char* key) {
            return n[key] && n[key].IsScalar() ? trim(n[key].as<std::string>()) : std::string();
        };
        WaiverEntry w;
        w.rule = get("rule");
        if (n["object"]) w.object = get("object");
        w.reason = get("reason");
        w.owner = get("owner");
        w.expires = get("expires");
        w.source = where;
        std::vector<std::string> missing;
        for (auto [k, v] : {std::pair{"rule", &w.rule}, {"reason", &w.reason}, {"owner", &w.owner}, {"expires", &w.expires}})
            if (v->empty()) missing.push_back(k);
        if (!missing.empty()) {
            std::string m;
            for (const auto& k : missing) m += (m.empty() ? "" : ", ") + k;
            problems.push_back(where + ": waiver is missing " + m);
            continue;
        }
        if (!is_date(w.expires)) {
            problems.push_back(where + ": expires \"" + w.expires + "\" is not a YYYY-MM-DD date");
            continue;
        }
        if (w.object.empty()) w.object = "*";
        set.entries.push_back(w);
    }
    return set;
}

WaiverSet load_waivers(const std::string& file, std::vector<std::string>& problems) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        problems.push_back(file + ": cannot read the waiver file");
        return {};
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_waivers(ss.str(), file, problems);
}

void apply_waivers(Report& report, const WaiverSet& waivers, const std::string& today, const std::string& base_dir) {
    std::vector<bool> used(waivers.entries.size(), false), expired_hit(waivers.entries.size(), false);
    std::map<std::string, std::vector<std::string>> cache;
    bool inline_used = false;
    for (auto& g : report.gates) {
        if (g.id == "waivers") continue;
        size_t waived_here = 0;
        for (auto& f : g.findings) {
            if (f.waived) {
                ++waived_here;
                continue;
            }
            for (size_t i = 0; i < waivers.entries.size() && !f.waived; ++i) {
                const auto& w = waivers.entries[i];
                if (!waiver_glob_match(w.rule, f.rule) || !waiver_glob_match(w.object, f.object)) continue;
                if (today > w.expires) {
                    expired_hit[i] = true;
                    continue;
                }
                used[i] = true;
                f.waived = Waived{w.reason, w.owner, w.expires, w.source};
            }
            if (!f.waived && f.location && f.location->line > 0 && ends_with(f.location->file, ".sql")) {
                std::string path = !f.location->file.empty() && f.location->file[0] == '/' ? f.location->file
                                   : base_dir.empty() ? f.location->file : base_dir + "/" + f.location->file;
                const auto& lines = file_lines(cache, path);
                for (int ln : {f.location->line, f.location->line - 1}) {
                    if (ln < 1 || ln > static_cast<int>(lines.size())) continue;
                    InlineWaiver iw;
                    if (parse_inline(lines[ln - 1], iw) && waiver_glob_match(iw.rule, f.rule)) {
                        f.waived = Waived{iw.reason, "", "", f.location->file + ":" + std::to_string(ln) + " (inline)"};
                        inline_used = true;
                        break;
                    }
                }
            }
            if (f.waived) ++waived_here;
        }
        if (waived_here == 0) continue;
        bool unwaived_error = false, unwaived_warning = false;
        for (const auto& f : g.findings) {
            if (f.waived) continue;
            unwaived_error |= f.severity == "error";
            unwaived_warning |= f.severity == "warning";
        }
        if (g.status == "fail" && !unwaived_error) g.status = unwaived_warning ? "warn" : "pass";
        g.summary += " (" + std::to_string(waived_here) + " finding(s) waived)";
    }
    if (waivers.entries.empty() && !inline_used) {
        settle_outcome(report);
        return;
    }
    GateResult wg;
    wg.id = "waivers";
    size_t active = 0;
    for (size_t i = 0; i < waivers.entries.size(); ++i) {
        const auto& w = waivers.entries[i];
        Finding f;
        f.object = w.rule + (w.object == "*" ? "" : " " + w.object);
        std::string file = w.source.substr(0, w.source.rfind(':'));
        int line = std::atoi(w.source.substr(w.source.rfind(':') + 1).c_str());
        f.location = Location{file, line > 0 ? line : 0, 0};
        f.details = {{"rule", w.rule}, {"object", w.object}, {"owner", w.owner}, {"expires", w.expires}, {"reason", w.reason}};
        if (today > w.expires) {
            f.rule = "report.waiver-expired";
            f.severity = "warning";
            f.message = "waiver for " + w.rule + " (object " + w.object + ", owner " + w.owner + ", " + w.source +
                        ") expired on " + w.expires + " and no longer waives" +
                        (expired_hit[i] ? " its findings; fix them or renew the waiver" : " anything") + ".";
            wg.findings.push_back(f);
        } else if (!used[i]) {
            f.rule = "report.waiver-unused";
            f.severity = "warning";
            f.message = "waiver for " + w.rule + " (object " + w.object + ", owner " + w.owner + ", " + w.source +
                        ") matched no finding; remove it.";
            wg.findings.push_back(f);
        } else {
            ++active;
        }
    }
    wg.status = wg.findings.empty() ? "pass" : "warn";
    wg.summary = std::to_string(waivers.entries.size()) + " waiver(s) in the waiver file: " + std::to_string(active) +
                 " in use, " + std::to_string(wg.findings.size()) + " expired or unused" +
                 (inline_used ? "; inline SQL waivers in use" : "");
    wg.metrics = {{"waivers", static_cast<double>(waivers.entries.size())}, {"waivers_active", static_cast<double>(active)}};
    report.gates.push_back(wg);
    settle_outcome(report);
}

}  // namespace pggate
