#include "reports/redact.h"

#include <algorithm>
#include <regex>

namespace pggate {

std::string redact_text(const std::string& text, const std::vector<std::string>& secrets) {
    std::string out = text;
    std::vector<std::string> sorted;
    for (const auto& s : secrets)
        if (s.size() >= 4) sorted.push_back(s);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& s : sorted)
        for (size_t p = out.find(s); p != std::string::npos; p = out.find(s, p + 3)) out.replace(p, s.size(), "***");
    // scheme://user:password@host
    static const std::regex uri(R"(([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@'"]*):[^\s@/'"]*@)");
    out = std::regex_replace(out, uri, "$1:***@");
    // password='quoted value' / password="quoted"
    static const std::regex quoted(R"(((?:password|passwd|pwd)\s*=\s*)('[^']*'|"[^"]*"))", std::regex::icase);
    out = std::regex_replace(out, quoted, "$1***");
    // password=value, PGPASSWORD=value, FOO_PASSWORD=value, FOO_SECRET=value, FOO_TOKEN=value, ?password=value
    static const std::regex plain(
        R"(((?:[A-Za-z0-9_]*(?:password|passwd|secret|token)|pwd)\s*[=:]\s*)(?!\*\*\*)[^\s&;,'"]+)", std::regex::icase);
    out = std::regex_replace(out, plain, "$1***");
    return out;
}

void redact_report(Report& r, const std::vector<std::string>& secrets) {
    auto red = [&](std::string& s) { s = redact_text(s, secrets); };
    red(r.command);
    red(r.project);
    red(r.config_file);
    red(r.provider_description);
    red(r.provider_kind);
    red(r.provider_reason);
    red(r.server_version);
    for (auto& p : r.paths) {
        red(p.name);
        red(p.database);
        for (auto& s : p.steps) red(s.label), red(s.file), red(s.revision);
    }
    for (auto& g : r.gates) {
        red(g.summary);
        for (auto& c : g.conditions) red(c.metric);
        std::map<std::string, double> metrics;
        for (const auto& [k, v] : g.metrics) metrics[redact_text(k, secrets)] = v;
        g.metrics = std::move(metrics);
        for (auto& f : g.findings) {
            red(f.message);
            red(f.object);
            if (f.location) red(f.location->file);
            std::map<std::string, std::string> details;
            for (const auto& [k, v] : f.details) details[redact_text(k, secrets)] = redact_text(v, secrets);
            f.details = std::move(details);
            if (f.waived) red(f.waived->reason), red(f.waived->owner), red(f.waived->source);
        }
    }
}

}  // namespace pggate
