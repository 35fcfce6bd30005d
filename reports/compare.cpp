#include "reports/compare.h"

#include "reports/render.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <stdexcept>
#include <vector>

namespace pggate {
namespace {

using nlohmann::ordered_json;

struct Item {
    std::string gate;
    Finding f;
};

struct Diff {
    Report old_r, new_r;
    std::vector<Item> added, fixed, unchanged;
};

std::vector<Item> items(const Report& r) {
    std::vector<Item> out;
    for (const auto& g : r.gates)
        for (const auto& f : g.findings) out.push_back({g.id, f});
    return out;
}

Diff diff(const std::string& old_json, const std::string& new_json) {
    Diff d;
    d.old_r = report_from_json(old_json);
    d.new_r = report_from_json(new_json);
    auto olds = items(d.old_r), news = items(d.new_r);
    // Multiset semantics: the same fingerprint twice counts twice.
    std::map<std::string, int> old_count, new_count;
    for (const auto& i : olds) ++old_count[i.f.fingerprint];
    for (const auto& i : news) {
        if (old_count[i.f.fingerprint] > 0) {
            --old_count[i.f.fingerprint];
            d.unchanged.push_back(i);
        } else {
            d.added.push_back(i);
        }
    }
    for (const auto& i : news) ++new_count[i.f.fingerprint];
    for (const auto& i : olds) {
        if (new_count[i.f.fingerprint] > 0) --new_count[i.f.fingerprint];
        else d.fixed.push_back(i);
    }
    return d;
}

int count_new_errors(const Diff& d) {
    int n = 0;
    for (const auto& i : d.added) n += i.f.severity == "error" && !i.f.waived;
    return n;
}

std::string loc(const Finding& f) {
    if (!f.location || f.location->file.empty()) return "";
    std::string s = f.location->file;
    if (f.location->line > 0) s += ":" + std::to_string(f.location->line);
    return s;
}

std::string first_line(const std::string& s) {
    auto nl = s.find('\n');
    std::string l = nl == std::string::npos ? s : s.substr(0, nl);
    return l.size() > 300 ? l.substr(0, 300) + "…" : l;
}

std::string md(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += "\\|";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else if (c == '\n' || c == '\r') out += ' ';
        else if (c == '`' || c == '*' || c == '_' || c == '[' || c == ']') out += std::string("\\") + c;
        else out += c;
    }
    return out;
}

std::string run_label(const Report& r) {
    return r.project + " run " + r.run_id + (r.started_at.empty() ? "" : " at " + r.started_at) + " (" + r.status + ")";
}

}  // namespace

CompareCounts compare_counts(const std::string& old_json, const std::string& new_json) {
    Diff d = diff(old_json, new_json);
    return {static_cast<int>(d.added.size()), static_cast<int>(d.fixed.size()), static_cast<int>(d.unchanged.size()),
            count_new_errors(d)};
}

int compare_new_failures(const std::string& old_json, const std::string& new_json) {
    return compare_counts(old_json, new_json).new_errors;
}

std::string compare_reports(const std::string& old_json, const std::string& new_json, const std::string& format) {
    if (format != "text" && format != "json" && format != "markdown")
        throw std::runtime_error("unknown compare format \"" + format + "\" (known: text, json, markdown)");
    Diff d = diff(old_json, new_json);
    int new_errors = count_new_errors(d);
    if (format == "json") {
        auto list = [](const std::vector<Item>& v) {
            ordered_json a = ordered_json::array();
            for (const auto& i : v) {
                ordered_json j;
                j["gate"] = i.gate;
                j["rule"] = i.f.rule;
                j["severity"] = i.f.severity;
                j["message"] = i.f.message;
                j["object"] = i.f.object;
                if (i.f.location) j["location"] = {{"file", i.f.location->file}, {"line", i.f.location->line}};
                j["fingerprint"] = i.f.fingerprint;
                if (i.f.waived) j["waived"] = {{"reason", i.f.waived->reason}, {"source", i.f.waived->source}};
                a.push_back(j);
            }
            return a;
        };
        auto run = [](const Report& r) {
            return ordered_json{{"id", r.run_id}, {"project", r.project}, {"started_at", r.started_at}, {"status", r.status}};
        };
        ordered_json j;
        j["schema"] = "pggate.compare/v1";
        j["old_run"] = run(d.old_r);
        j["new_run"] = run(d.new_r);
        j["counts"] = {{"new", d.added.size()}, {"fixed", d.fixed.size()}, {"unchanged", d.unchanged.size()},
                       {"new_errors", new_errors}};
        j["new"] = list(d.added);
        j["fixed"] = list(d.fixed);
        j["unchanged"] = list(d.unchanged);
        return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    std::string o;
    if (format == "text") {
        o += "pggate report compare\n  old: " + run_label(d.old_r) + "\n  new: " + run_label(d.new_r) + "\n";
        o += std::to_string(d.added.size()) + " new, " + std::to_string(d.fixed.size()) + " fixed, " +
             std::to_string(d.unchanged.size()) + " unchanged finding(s); " + std::to_string(new_errors) +
             " new error(s)\n";
        auto section = [&](const char* title, const char* mark, const std::vector<Item>& v) {
            if (v.empty()) return;
            o += std::string("\n") + title + ":\n";
            for (const auto& i : v) {
                o += std::string("  ") + mark + " " + i.f.severity + " " + i.f.rule;
                if (!i.f.object.empty()) o += " on " + i.f.object;
                if (auto l = loc(i.f); !l.empty()) o += " at " + l;
                if (i.f.waived) o += " [waived]";
                o += "\n      " + first_line(i.f.message) + "\n";
            }
        };
        section("New", "+", d.added);
        section("Fixed", "-", d.fixed);
        section("Unchanged", "=", d.unchanged);
        return o;
    }
    o += "## pggate report compare\n\n";
    o += "Old: " + md(run_label(d.old_r)) + "  \nNew: " + md(run_label(d.new_r)) + "\n\n";
    o += "| New | Fixed | Unchanged | New errors |\n|---:|---:|---:|---:|\n| " + std::to_string(d.added.size()) + " | " +
         std::to_string(d.fixed.size()) + " | " + std::to_string(d.unchanged.size()) + " | " + std::to_string(new_errors) +
         " |\n";
    auto section = [&](const char* title, const std::vector<Item>& v) {
        if (v.empty()) return;
        o += std::string("\n### ") + title + "\n\n| Severity | Gate | Rule | Object | Location | Message |\n|---|---|---|---|---|---|\n";
        for (const auto& i : v)
            o += "| " + md(i.f.severity) + (i.f.waived ? " (waived)" : "") + " | " + md(i.gate) + " | " + md(i.f.rule) +
                 " | " + md(i.f.object) + " | " + md(loc(i.f)) + " | " + md(first_line(i.f.message)) + " |\n";
    };
    section("New", d.added);
    section("Fixed", d.fixed);
    section("Unchanged", d.unchanged);
    return o;
}

}  // namespace pggate
