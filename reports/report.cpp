#include "reports/report.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <cstdint>
#include <iomanip>
#include <regex>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace pggate {
namespace {

using nlohmann::ordered_json;

double round_ms(double v) { return std::round(v * 10.0) / 10.0; }

ordered_json metrics_json(const std::map<std::string, double>& m) {
    ordered_json j = ordered_json::object();
    for (const auto& [k, v] : m) j[k] = round_ms(v);
    return j;
}

ordered_json finding_json(const Finding& f) {
    ordered_json j;
    j["rule"] = f.rule;
    j["severity"] = f.severity;
    j["message"] = f.message;
    j["object"] = f.object;
    if (f.location) {
        ordered_json loc;
        loc["file"] = f.location->file;
        if (f.location->line > 0) loc["line"] = f.location->line;
        if (f.location->column > 0) loc["column"] = f.location->column;
        j["location"] = loc;
    }
    if (!f.details.empty()) j["details"] = f.details;
    j["fingerprint"] = f.fingerprint.empty() ? finding_fingerprint(f) : f.fingerprint;
    if (f.waived) {
        ordered_json w;
        w["reason"] = f.waived->reason;
        if (!f.waived->owner.empty()) w["owner"] = f.waived->owner;
        if (!f.waived->expires.empty()) w["expires"] = f.waived->expires;
        w["source"] = f.waived->source;
        j["waived"] = w;
    }
    return j;
}

double round_value(double v) { return std::round(v * 1000.0) / 1000.0; }

ordered_json condition_json(const GateCondition& c) {
    ordered_json j;
    j["metric"] = c.metric;
    j["comparator"] = c.comparator;
    j["threshold"] = round_value(c.threshold);
    j["actual"] = round_value(c.actual);
    j["status"] = !c.status.empty() ? c.status : condition_holds(c.comparator, c.actual, c.threshold) ? "pass" : "fail";
    return j;
}

}  // namespace

bool condition_holds(const std::string& op, double actual, double threshold) {
    if (op == "lt") return actual < threshold;
    if (op == "le") return actual <= threshold;
    if (op == "gt") return actual > threshold;
    if (op == "ge") return actual >= threshold;
    if (op == "eq") return actual == threshold;
    return false;
}

std::string normalize_fingerprint_message(const std::string& message) {
    static const std::regex tmp_dir(R"((/private)?(/tmp|/var/tmp|/dev/shm|/var/folders)/[^\s'"`),;]*)");
    static const std::regex duration(
        R"(\b\d+(\.\d+)?\s*(ms|msec|milliseconds?|s|sec|secs|seconds?|min|minutes?)\b)",
        std::regex::icase);
    std::string out = std::regex_replace(message, tmp_dir, "<tmp>");
    return std::regex_replace(out, duration, "<duration>");
}

std::string finding_fingerprint(const Finding& f) {
    std::uint64_t h = 1469598103934665603ULL;
    auto feed = [&](const std::string& s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0;
        h *= 1099511628211ULL;  // field separator (NUL)
    };
    feed(f.rule);
    feed(f.object);
    feed(f.location ? f.location->file : std::string());
    feed(normalize_fingerprint_message(f.message));
    static const char* hex = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[i] = hex[h & 0xF];
    return out;
}

void settle_outcome(Report& report) {
    bool fail = false, error = false;
    for (const auto& g : report.gates) {
        fail |= g.status == "fail";
        error |= g.status == "error";
    }
    report.status = error ? "error" : fail ? "fail" : "pass";
    report.exit_code = error ? 2 : fail ? 1 : 0;
}

std::string report_to_json(const Report& r) {
    ordered_json j;
    j["schema"] = r.schema;
    j["tool"] = {{"name", "pggate"}, {"version", r.tool_version}};
    j["run"] = {{"id", r.run_id}, {"command", r.command}, {"project", r.project}, {"config", r.config_file},
                {"started_at", r.started_at}, {"duration_ms", round_ms(r.duration_ms)}};
    j["status"] = r.status;
    j["exit_code"] = r.exit_code;
    j["provider"] = {{"kind", r.provider_kind}, {"description", r.provider_description},
                     {"server_version", r.server_version}, {"metrics", metrics_json(r.provider_metrics)}};
    if (!r.provider_reason.empty()) j["provider"]["reason"] = r.provider_reason;
    ordered_json paths = ordered_json::array();
    for (const auto& p : r.paths) {
        ordered_json pj;
        pj["name"] = p.name;
        pj["database"] = p.database;
        pj["status"] = p.status;
        pj["duration_ms"] = round_ms(p.duration_ms);
        ordered_json steps = ordered_json::array();
        for (const auto& s : p.steps) {
            ordered_json sj;
            sj["label"] = s.label;
            sj["kind"] = s.kind;
            if (!s.file.empty()) sj["file"] = s.file;
            if (!s.revision.empty()) sj["revision"] = s.revision;
            sj["ok"] = s.ok;
            if (s.statements) sj["statements"] = s.statements;
            sj["duration_ms"] = round_ms(s.duration_ms);
            steps.push_back(sj);
        }
        pj["steps"] = steps;
        paths.push_back(pj);
    }
    j["paths"] = paths;
    ordered_json gates = ordered_json::array();
    for (const auto& g : r.gates) {
        ordered_json gj;
        gj["id"] = g.id;
        gj["status"] = g.status;
        gj["summary"] = g.summary;
        gj["duration_ms"] = round_ms(g.duration_ms);
        gj["metrics"] = metrics_json(g.metrics);
        ordered_json fs = ordered_json::array();
        for (const auto& f : g.findings) fs.push_back(finding_json(f));
        gj["findings"] = fs;
        if (!g.conditions.empty()) {
            ordered_json cs = ordered_json::array();
            for (const auto& c : g.conditions) cs.push_back(condition_json(c));
            gj["conditions"] = cs;
        }
        gates.push_back(gj);
    }
    j["gates"] = gates;
    return j.dump(2) + "\n";
}

void write_report_json(const Report& report, const std::string& path) {
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + path);
        out << report_to_json(report);
        if (!out) throw std::runtime_error("cannot write " + path);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
}

void print_console_summary(const Report& r, std::ostream& out, bool color) {
    auto paint = [&](const std::string& status) {
        std::string code = status == "pass" ? "32" : status == "warn" || status == "skip" ? "33" : "31";
        std::string label = status;
        for (auto& c : label) c = static_cast<char>(std::toupper(c));
        return color ? "\033[1;" + code + "m" + label + "\033[0m" : label;
    };
    out << "\n";
    for (const auto& g : r.gates) {
        out << std::left << std::setw(color ? 16 : 5) << paint(g.status) << " " << std::setw(17) << g.id << " " << g.summary;
        std::ostringstream ms;
        ms << std::fixed << std::setprecision(2) << g.duration_ms / 1000.0;
        out << " (" << ms.str() << " s)\n";
        size_t shown = 0;
        // Errors first, then warnings, then notes: a long list of infos must not hide the failure.
        std::vector<const Finding*> ordered;
        for (const char* severity : {"error", "warning", "info"})
            for (const auto& f : g.findings)
                if (f.severity == severity) ordered.push_back(&f);
        for (const auto& f : g.findings)
            if (f.severity != "error" && f.severity != "warning" && f.severity != "info") ordered.push_back(&f);
        for (const Finding* fp : ordered) {
            const Finding& f = *fp;
            if (++shown > 25) {
                out << "      … " << g.findings.size() - 25 << " more in report.json\n";
                break;
            }
            out << "      " << f.rule;
            if (f.location) {
                out << "  " << f.location->file;
                if (f.location->line) out << ":" << f.location->line;
                if (f.location->column) out << ":" << f.location->column;
            }
            // The first line, and up to 4 more of a multi-line message (e.g. the differences a down step leaves).
            std::istringstream lines(f.message);
            std::string line;
            for (int n = 0; n < 5 && std::getline(lines, line); ++n) {
                if (line.size() > 400) line = line.substr(0, 400) + "…";
                out << (n == 0 ? "\n        " : "\n          ") << line;
            }
            if (std::getline(lines, line)) out << "\n          …";
            out << "\n";
        }
    }
    std::ostringstream total;
    total << std::fixed << std::setprecision(2) << r.duration_ms / 1000.0;
    out << "\n" << paint(r.status) << "  " << r.project << ": " << r.gates.size() << " gate(s), exit " << r.exit_code << ", "
        << total.str() << " s";
    if (!r.provider_kind.empty()) out << " on " << r.provider_kind << " PostgreSQL " << r.server_version;
    out << "\n";
}

}  // namespace pggate
