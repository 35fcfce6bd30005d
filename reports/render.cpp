#include "reports/render.h"

#include "reports/report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace pggate {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// ---- report.json → Report ------------------------------------------------------------------------

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
double num(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

Report parse_report(const std::string& text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("report is not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw std::runtime_error("report is not a JSON object");
    if (str(j, "schema") != "pggate.report/v1")
        throw std::runtime_error("not a pggate.report/v1 report (schema: \"" + str(j, "schema") + "\")");
    Report r;
    if (auto t = j.find("tool"); t != j.end() && t->is_object()) r.tool_version = str(*t, "version");
    if (auto run = j.find("run"); run != j.end() && run->is_object()) {
        r.run_id = str(*run, "id");
        r.command = str(*run, "command");
        r.project = str(*run, "project");
        r.config_file = str(*run, "config");
        r.started_at = str(*run, "started_at");
        r.duration_ms = num(*run, "duration_ms");
    }
    r.status = str(j, "status");
    if (auto e = j.find("exit_code"); e != j.end() && e->is_number_integer()) r.exit_code = e->get<int>();
    if (auto p = j.find("provider"); p != j.end() && p->is_object()) {
        r.provider_kind = str(*p, "kind");
        r.provider_description = str(*p, "description");
        r.server_version = str(*p, "server_version");
    }
    auto gates = j.find("gates");
    if (gates == j.end() || !gates->is_array()) throw std::runtime_error("report has no \"gates\" array");
    for (const auto& gj : *gates) {
        if (!gj.is_object()) throw std::runtime_error("report: a gate is not an object");
        GateResult g;
        g.id = str(gj, "id");
        g.status = str(gj, "status");
        g.summary = str(gj, "summary");
        g.duration_ms = num(gj, "duration_ms");
        if (auto fs = gj.find("findings"); fs != gj.end() && fs->is_array()) {
            for (const auto& fj : *fs) {
                if (!fj.is_object()) throw std::runtime_error("report: a finding of gate " + g.id + " is not an object");
                Finding f;
                f.rule = str(fj, "rule");
                f.severity = str(fj, "severity");
                f.message = str(fj, "message");
                f.object = str(fj, "object");
                if (auto loc = fj.find("location"); loc != fj.end() && loc->is_object()) {
                    Location l;
                    l.file = str(*loc, "file");
                    if (auto ln = loc->find("line"); ln != loc->end() && ln->is_number_integer()) l.line = ln->get<int>();
                    if (auto c = loc->find("column"); c != loc->end() && c->is_number_integer()) l.column = c->get<int>();
                    f.location = l;
                }
                if (auto d = fj.find("details"); d != fj.end() && d->is_object())
                    for (const auto& [k, v] : d->items())
                        f.details[k] = v.is_string() ? v.get<std::string>() : v.dump();
                f.fingerprint = str(fj, "fingerprint");
                if (f.fingerprint.empty()) f.fingerprint = finding_fingerprint(f);
                g.findings.push_back(std::move(f));
            }
        }
        r.gates.push_back(std::move(g));
    }
    return r;
}

// ---- text helpers --------------------------------------------------------------------------------

// Cuts at most max_bytes bytes without splitting a UTF-8 sequence.
std::string utf8_truncate(const std::string& s, size_t max_bytes, const std::string& marker = "…") {
    if (s.size() <= max_bytes) return s;
    size_t cut = max_bytes > marker.size() ? max_bytes - marker.size() : 0;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return s.substr(0, cut) + marker;
}

std::string first_line(const std::string& s) {
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

std::string fmt_seconds(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", ms / 1000.0);
    return buf;
}

std::string fmt_duration(double ms) {
    char buf[32];
    if (ms < 1000) std::snprintf(buf, sizeof buf, "%.0f ms", ms);
    else std::snprintf(buf, sizeof buf, "%.2f s", ms / 1000.0);
    return buf;
}

std::string location_text(const Finding& f) {
    if (!f.location || f.location->file.empty()) return "";
    std::string s = f.location->file;
    if (f.location->line > 0) s += ":" + std::to_string(f.location->line);
    if (f.location->line > 0 && f.location->column > 0) s += ":" + std::to_string(f.location->column);
    return s;
}

std::string base_name(const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Path attributed to a finding in formats that require one.
std::string finding_path(const Report& r, const Finding& f) {
    if (f.location && !f.location->file.empty()) return f.location->file;
    std::string cfg = base_name(r.config_file);
    return cfg.empty() ? "pggate.yaml" : cfg;
}

std::string gate_of_rule(const std::string& rule) {
    auto dot = rule.find('.');
    return dot == std::string::npos ? rule : rule.substr(0, dot);
}

// ---- rule help -----------------------------------------------------------------------------------

std::string gate_help(const std::string& gate) {
    if (gate == "replay")
        return "The replay gate applies every migration path (init script, full migration chain, init script "
               "followed by upgrade) to a fresh PostgreSQL database. A failing step, an unreadable migration or a "
               "broken revision graph fails the gate. Fix the migration named in the message and rerun pggate.";
    if (gate == "schema-equality")
        return "The schema-equality gate compares the catalogs produced by the migration paths. An object that is "
               "missing, extra or different in one path means a fresh install and an upgraded database disagree; "
               "change the init script or add a migration so both paths produce the same schema.";
    if (gate == "config")
        return "The config gate checks the deployment configuration (env files, required keys, forbidden "
               "combinations, .env.example) before it reaches an environment. Fix the key named in the message.";
    return "Reported by the " + gate + " gate of pggate; the message says what is wrong and what to do.";
}

std::string rule_help(const std::string& rule) {
    static const std::map<std::string, std::string> specific = {
        {"replay.step-failed", "A migration step failed while replaying a path on a fresh database."},
        {"replay.upgrade-from-init-failed",
         "Upgrading a database created by the init script failed: the init script and the migration chain "
         "disagree about the schema the migration expects."},
        {"replay.multiple-heads", "The revision graph has more than one head; merge the branches."},
        {"replay.multiple-bases", "The revision graph has more than one base revision."},
        {"replay.revision-cycle", "The revision graph contains a cycle."},
        {"replay.broken-revision-link", "A migration names a down_revision that does not exist."},
        {"replay.duplicate-version", "Two migrations declare the same revision id."},
        {"replay.empty-chain", "No migrations were found."},
        {"config.required-missing", "A required configuration key has no value in this environment."},
        {"config.unknown-key", "A configuration key is not known to the rules; it may be misspelt."},
        {"config.forbidden-combination", "Two configuration values are not allowed together."},
    };
    std::string gate = gate_of_rule(rule);
    auto it = specific.find(rule);
    std::string head = it != specific.end() ? it->second : "Rule " + rule + ".";
    return head + " " + gate_help(gate);
}

// ---- JUnit XML -----------------------------------------------------------------------------------

// XML 1.0 text: control characters other than TAB/LF/CR, U+FFFE and U+FFFF are dropped; markup escaped.
std::string xml_escape(const std::string& s, bool attribute) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) continue;
        if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(s[i + 2]) == 0xBE || static_cast<unsigned char>(s[i + 2]) == 0xBF)) {
            i += 2;
            continue;
        }
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += attribute ? "&quot;" : "\""; break;
            case '\'': out += attribute ? "&apos;" : "'"; break;
            case '\n': out += attribute ? "&#10;" : "\n"; break;
            case '\r': out += attribute ? "&#13;" : "\r"; break;
            case '\t': out += attribute ? "&#9;" : "\t"; break;
            default: out += static_cast<char>(c);
        }
    }
    return out;
}

std::string attr(const std::string& s) { return xml_escape(s, true); }

constexpr size_t kJunitTextLimit = 64 * 1024;
constexpr size_t kJunitAttrLimit = 1024;

std::string finding_text(const Finding& f) {
    std::string t = f.severity + " " + f.rule;
    if (!f.object.empty()) t += " on " + f.object;
    if (auto loc = location_text(f); !loc.empty()) t += " at " + loc;
    t += "\n" + f.message + "\n";
    for (const auto& [k, v] : f.details) t += k + ": " + v + "\n";
    t += "fingerprint: " + f.fingerprint + "\n";
    return t;
}

std::string render_junit(const Report& r) {
    struct Case {
        std::string name, element, message, type, text;
        double ms = 0;
    };
    std::ostringstream suites;
    int all_tests = 0, all_failures = 0, all_errors = 0, all_skipped = 0;
    std::set<std::string> used_suites;
    for (const auto& g : r.gates) {
        std::string classname = "pggate." + (g.id.empty() ? std::string("gate") : g.id);
        std::string suite = classname;
        for (int n = 2; !used_suites.insert(suite).second; ++n) suite = classname + " (" + std::to_string(n) + ")";
        classname = suite;
        std::vector<Case> cases;
        bool gate_error = g.status == "error";
        if (g.findings.empty()) {
            Case c;
            c.name = g.id.empty() ? "gate" : g.id;
            c.ms = g.duration_ms;
            c.message = g.summary;
            c.text = g.summary;
            if (g.status == "fail") c.element = "failure", c.type = "fail";
            else if (g.status == "error") c.element = "error", c.type = "error";
            else if (g.status == "skip") c.element = "skipped";
            cases.push_back(c);
        } else {
            std::set<std::string> names;
            for (const auto& f : g.findings) {
                Case c;
                std::string base = f.rule;
                if (!f.object.empty()) base += " " + f.object;
                else if (auto loc = location_text(f); !loc.empty()) base += " " + loc;
                base = utf8_truncate(first_line(base), 400);
                c.name = base;
                for (int n = 2; !names.insert(c.name).second; ++n) c.name = base + " #" + std::to_string(n);
                c.message = first_line(f.message);
                c.text = finding_text(f);
                c.type = f.rule;
                if (f.severity == "error") c.element = gate_error ? "error" : "failure";
                else if (g.status == "skip") c.element = "skipped";
                cases.push_back(c);
            }
        }
        int failures = 0, errors = 0, skipped = 0;
        for (const auto& c : cases) {
            failures += c.element == "failure";
            errors += c.element == "error";
            skipped += c.element == "skipped";
        }
        all_tests += static_cast<int>(cases.size());
        all_failures += failures;
        all_errors += errors;
        all_skipped += skipped;
        suites << "  <testsuite name=\"" << attr(suite) << "\" tests=\"" << cases.size() << "\" failures=\"" << failures
               << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\"" << fmt_seconds(g.duration_ms)
               << "\"";
        if (!r.started_at.empty()) suites << " timestamp=\"" << attr(r.started_at) << "\"";
        suites << ">\n";
        suites << "    <properties>\n      <property name=\"status\" value=\"" << attr(g.status) << "\"/>\n"
               << "      <property name=\"summary\" value=\"" << attr(utf8_truncate(g.summary, kJunitAttrLimit))
               << "\"/>\n    </properties>\n";
        for (const auto& c : cases) {
            suites << "    <testcase classname=\"" << attr(classname) << "\" name=\"" << attr(c.name) << "\" time=\""
                   << fmt_seconds(c.ms) << "\"";
            if (c.element.empty() && c.text.empty()) {
                suites << "/>\n";
                continue;
            }
            suites << ">\n";
            std::string body = xml_escape(utf8_truncate(c.text, kJunitTextLimit, "\n… (truncated, see report.json)"), false);
            if (c.element == "skipped") {
                suites << "      <skipped message=\"" << attr(utf8_truncate(c.message, kJunitAttrLimit)) << "\"/>\n";
            } else if (!c.element.empty()) {
                suites << "      <" << c.element << " message=\"" << attr(utf8_truncate(c.message, kJunitAttrLimit))
                       << "\"";
                if (!c.type.empty()) suites << " type=\"" << attr(c.type) << "\"";
                suites << ">" << body << "</" << c.element << ">\n";
            } else {
                suites << "      <system-out>" << body << "</system-out>\n";
            }
            suites << "    </testcase>\n";
        }
        suites << "  </testsuite>\n";
    }
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"" << attr("pggate " + r.command + (r.project.empty() ? "" : " " + r.project))
        << "\" tests=\"" << all_tests << "\" failures=\"" << all_failures << "\" errors=\"" << all_errors
        << "\" skipped=\"" << all_skipped << "\" time=\"" << fmt_seconds(r.duration_ms) << "\">\n";
    out << suites.str() << "</testsuites>\n";
    return out.str();
}

// ---- SARIF 2.1.0 ---------------------------------------------------------------------------------

constexpr size_t kSarifMaxResults = 25000;
constexpr size_t kSarifMessageLimit = 32 * 1024;

std::string sarif_level(const std::string& severity) {
    if (severity == "error") return "error";
    if (severity == "warning") return "warning";
    return "note";
}

// RFC 3986 URI reference of a path: unreserved characters and '/' kept, everything else %-encoded.
std::string uri_of(const std::string& path) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return !path.empty() && path[0] == '/' ? "file://" + out : out;
}

std::string render_sarif(const Report& r) {
    ordered_json rules = ordered_json::array();
    std::map<std::string, size_t> rule_index;
    ordered_json results = ordered_json::array();
    size_t total = 0;
    for (const auto& g : r.gates) {
        for (const auto& f : g.findings) {
            ++total;
            if (results.size() >= kSarifMaxResults) continue;
            std::string rule_id = f.rule.empty() ? g.id + ".finding" : f.rule;
            if (!rule_index.count(rule_id)) {
                rule_index[rule_id] = rules.size();
                std::string help = rule_help(rule_id);
                ordered_json rule;
                rule["id"] = rule_id;
                rule["name"] = rule_id;
                rule["shortDescription"] = {{"text", "pggate " + gate_of_rule(rule_id) + " gate: " + rule_id}};
                rule["fullDescription"] = {{"text", help}};
                rule["help"] = {{"text", help}, {"markdown", "**" + rule_id + "**\n\n" + help}};
                rule["defaultConfiguration"] = {{"level", sarif_level(f.severity)}};
                rule["properties"] = {{"tags", {"pggate", g.id}}};
                rules.push_back(rule);
            }
            ordered_json res;
            res["ruleId"] = rule_id;
            res["ruleIndex"] = rule_index[rule_id];
            res["level"] = sarif_level(f.severity);
            std::string text = f.message.empty() ? rule_id : f.message;
            res["message"] = {{"text", utf8_truncate(text, kSarifMessageLimit)}};
            ordered_json phys;
            phys["artifactLocation"] = {{"uri", uri_of(finding_path(r, f))}};
            if (f.location && f.location->line > 0) {
                ordered_json region;
                region["startLine"] = f.location->line;
                if (f.location->column > 0) region["startColumn"] = f.location->column;
                phys["region"] = region;
            }
            ordered_json loc;
            loc["physicalLocation"] = phys;
            if (!f.object.empty())
                loc["logicalLocations"] = ordered_json::array({{{"fullyQualifiedName", f.object}}});
            res["locations"] = ordered_json::array({loc});
            res["partialFingerprints"] = {{"pggateFingerprint/v1", f.fingerprint}};
            ordered_json props;
            props["gate"] = g.id;
            if (!f.object.empty()) props["object"] = f.object;
            if (!f.details.empty()) props["details"] = f.details;
            res["properties"] = props;
            results.push_back(res);
        }
    }
    ordered_json driver;
    driver["name"] = "pggate";
    if (!r.tool_version.empty()) driver["version"] = r.tool_version, driver["semanticVersion"] = r.tool_version;
    driver["informationUri"] = "https://github.com/pggate/pggate";
    driver["rules"] = rules;
    ordered_json run;
    run["tool"] = {{"driver", driver}};
    ordered_json invocation;
    invocation["executionSuccessful"] = r.status != "error";
    invocation["exitCode"] = r.exit_code;
    if (total > results.size())
        invocation["toolExecutionNotifications"] = ordered_json::array(
            {{{"level", "warning"},
              {"message",
               {{"text", std::to_string(total - results.size()) + " more findings omitted (SARIF result limit " +
                             std::to_string(kSarifMaxResults) + "); see report.json"}}}}});
    run["invocations"] = ordered_json::array({invocation});
    run["automationDetails"] = {{"id", "pggate/" + (r.command.empty() ? std::string("run") : r.command) + "/" +
                                           (r.project.empty() ? std::string("default") : r.project) + "/"}};
    run["results"] = results;
    run["properties"] = {{"status", r.status}, {"runId", r.run_id}};
    ordered_json doc;
    doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
    doc["version"] = "2.1.0";
    doc["runs"] = ordered_json::array({run});
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// ---- GitLab Code Quality -------------------------------------------------------------------------

std::string render_codequality(const Report& r) {
    ordered_json out = ordered_json::array();
    for (const auto& g : r.gates) {
        for (const auto& f : g.findings) {
            ordered_json issue;
            std::string desc = first_line(f.message);
            if (!f.object.empty() && desc.find(f.object) == std::string::npos) desc = f.object + ": " + desc;
            issue["type"] = "issue";
            issue["description"] = utf8_truncate(desc, 4096);
            issue["check_name"] = f.rule.empty() ? g.id : f.rule;
            issue["fingerprint"] = f.fingerprint;
            issue["severity"] = f.severity == "error" ? "major" : f.severity == "warning" ? "minor" : "info";
            issue["categories"] = {"Bug Risk"};
            int line = f.location && f.location->line > 0 ? f.location->line : 1;
            issue["location"] = {{"path", finding_path(r, f)}, {"lines", {{"begin", line}}}};
            out.push_back(issue);
        }
    }
    return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// ---- Markdown ------------------------------------------------------------------------------------

// Text safe inside a GFM table cell: HTML and Markdown syntax escaped, line breaks as <br>.
std::string md_cell(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '\r') continue;
        if (c == '\n') {
            out += "<br>";
            continue;
        }
        if (c < 0x20 || c == 0x7F) {
            if (c == '\t') out += ' ';
            continue;
        }
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '|': out += "\\|"; break;
            case '\\': case '`': case '*': case '_': case '[': case ']': case '#': case '~': case '!':
                out += '\\';
                out += static_cast<char>(c);
                break;
            default: out += static_cast<char>(c);
        }
    }
    return out;
}

std::string status_badge(const std::string& status) {
    if (status == "pass") return "✅ pass";
    if (status == "warn") return "⚠️ warn";
    if (status == "fail") return "❌ fail";
    if (status == "error") return "💥 error";
    if (status == "skip") return "⏭️ skip";
    return md_cell(status);
}

std::string render_markdown(const Report& r, size_t limit) {
    std::vector<std::string> head, body;
    std::string verdict = r.status == "pass" ? "✅ GO" : r.status == "fail" ? "❌ NO-GO" : "💥 ERROR";
    head.push_back("## pggate " + md_cell(r.command) + (r.project.empty() ? "" : ": " + md_cell(r.project)) + " — " +
                   verdict + "\n\n");
    size_t total_findings = 0;
    for (const auto& g : r.gates) total_findings += g.findings.size();
    std::string meta = "Status **" + md_cell(r.status) + "**, exit code " + std::to_string(r.exit_code) + ", " +
                       std::to_string(r.gates.size()) + " gate(s), " + std::to_string(total_findings) +
                       " finding(s), " + fmt_duration(r.duration_ms);
    if (!r.provider_kind.empty())
        meta += ", " + md_cell(r.provider_kind) + " PostgreSQL " + md_cell(r.server_version);
    if (!r.run_id.empty()) meta += ", run " + md_cell(r.run_id);
    head.push_back(meta + ".\n\n");
    head.push_back("| Gate | Status | Duration | Findings | Summary |\n|---|---|---:|---:|---|\n");
    for (const auto& g : r.gates)
        head.push_back("| " + md_cell(g.id) + " | " + status_badge(g.status) + " | " + fmt_duration(g.duration_ms) +
                       " | " + std::to_string(g.findings.size()) + " | " + md_cell(utf8_truncate(g.summary, 2000)) +
                       " |\n");
    for (const auto& g : r.gates) {
        if (g.findings.empty()) continue;
        body.push_back("\n### " + md_cell(g.id) + " — " + status_badge(g.status) + "\n\n");
        body.push_back("| Severity | Rule | Object | Location | Message |\n|---|---|---|---|---|\n");
        for (const auto& f : g.findings)
            body.push_back("| " + md_cell(f.severity) + " | " + md_cell(f.rule) + " | " + md_cell(f.object) + " | " +
                           md_cell(location_text(f)) + " | " + md_cell(utf8_truncate(f.message, 8000)) + " |\n");
    }
    const size_t reserve = 256;  // room for the truncation note
    std::string out;
    size_t used_body = 0;
    bool cut = false;
    for (const auto& part : head) {
        if (out.size() + part.size() + reserve > limit) {
            cut = true;
            break;
        }
        out += part;
    }
    if (!cut) {
        for (const auto& part : body) {
            if (out.size() + part.size() + reserve > limit) {
                cut = true;
                break;
            }
            out += part;
            ++used_body;
        }
    }
    if (cut) {
        std::string note = "\n> **Note:** this summary was truncated to stay within " + std::to_string(limit / 1024) +
                           " KiB; the complete findings are in report.json.\n";
        out = utf8_truncate(out, limit > note.size() ? limit - note.size() : 0, "") + note;
        if (out.size() > limit) out = utf8_truncate(out, limit, "");
    }
    return out;
}

// ---- GitHub annotations --------------------------------------------------------------------------

std::string gh_data(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '%') out += "%25";
        else if (c == '\r') out += "%0D";
        else if (c == '\n') out += "%0A";
        else out += c;
    }
    return out;
}

std::string gh_property(const std::string& s) {
    std::string out;
    for (char c : gh_data(s)) {
        if (c == ':') out += "%3A";
        else if (c == ',') out += "%2C";
        else out += c;
    }
    return out;
}

std::string render_github(const Report& r) {
    std::string out;
    for (const auto& g : r.gates) {
        for (const auto& f : g.findings) {
            std::string level = f.severity == "error" ? "error" : f.severity == "warning" ? "warning" : "notice";
            std::vector<std::string> props;
            if (f.location && !f.location->file.empty()) {
                props.push_back("file=" + gh_property(f.location->file));
                if (f.location->line > 0) {
                    props.push_back("line=" + std::to_string(f.location->line));
                    if (f.location->column > 0) props.push_back("col=" + std::to_string(f.location->column));
                }
            }
            std::string title = f.rule + (f.object.empty() ? "" : " (" + f.object + ")");
            props.push_back("title=" + gh_property(utf8_truncate(title, 255)));
            std::string line = "::" + level;
            for (size_t i = 0; i < props.size(); ++i) line += (i ? "," : " ") + props[i];
            std::string msg;
            for (char c : utf8_truncate(f.message, 4096))
                if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\r' || c == '\t') msg += c;
            line += "::" + gh_data(msg) + "\n";
            out += line;
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> report_formats() { return {"junit", "sarif", "codequality", "markdown", "github"}; }

std::string report_format_file_name(const std::string& format) {
    if (format == "junit") return "report.junit.xml";
    if (format == "sarif") return "report.sarif";
    if (format == "codequality") return "gl-code-quality-report.json";
    if (format == "markdown") return "report.md";
    if (format == "github") return "report.annotations.txt";
    throw std::runtime_error("unknown report format \"" + format + "\" (known: junit, sarif, codequality, markdown, github)");
}

std::string render_report(const std::string& report_json, const std::string& format) {
    report_format_file_name(format);  // rejects unknown formats before parsing
    Report r = parse_report(report_json);
    if (format == "junit") return render_junit(r);
    if (format == "sarif") return render_sarif(r);
    if (format == "codequality") return render_codequality(r);
    if (format == "markdown") return render_markdown(r, kMarkdownLimit);
    return render_github(r);
}

}  // namespace pggate
