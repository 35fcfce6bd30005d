#include "reports/render.h"

#include "reports/report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
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

}  // namespace

Report report_from_json(const std::string& text) {
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
        r.provider_reason = str(*p, "reason");
        r.server_version = str(*p, "server_version");
        if (auto m = p->find("metrics"); m != p->end() && m->is_object())
            for (const auto& [k, v] : m->items())
                if (v.is_number()) r.provider_metrics[k] = v.get<double>();
    }
    if (auto ps = j.find("paths"); ps != j.end() && ps->is_array()) {
        for (const auto& pj : *ps) {
            if (!pj.is_object()) continue;
            PathReport p;
            p.name = str(pj, "name");
            p.database = str(pj, "database");
            p.status = str(pj, "status");
            p.duration_ms = num(pj, "duration_ms");
            if (auto st = pj.find("steps"); st != pj.end() && st->is_array())
                for (const auto& sj : *st) {
                    if (!sj.is_object()) continue;
                    StepReport s;
                    s.label = str(sj, "label");
                    s.kind = str(sj, "kind");
                    s.file = str(sj, "file");
                    s.revision = str(sj, "revision");
                    if (auto ok = sj.find("ok"); ok != sj.end() && ok->is_boolean()) s.ok = ok->get<bool>();
                    s.statements = static_cast<int>(num(sj, "statements"));
                    s.duration_ms = num(sj, "duration_ms");
                    p.steps.push_back(s);
                }
            r.paths.push_back(p);
        }
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
        if (auto m = gj.find("metrics"); m != gj.end() && m->is_object())
            for (const auto& [k, v] : m->items())
                if (v.is_number()) g.metrics[k] = v.get<double>();
        if (auto cs = gj.find("conditions"); cs != gj.end() && cs->is_array())
            for (const auto& cj : *cs) {
                if (!cj.is_object()) continue;
                GateCondition c;
                c.metric = str(cj, "metric");
                c.comparator = str(cj, "comparator");
                c.threshold = num(cj, "threshold");
                c.actual = num(cj, "actual");
                c.status = str(cj, "status");
                g.conditions.push_back(c);
            }
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
                if (auto w = fj.find("waived"); w != fj.end() && w->is_object())
                    f.waived = Waived{str(*w, "reason"), str(*w, "owner"), str(*w, "expires"), str(*w, "source")};
                f.fingerprint = str(fj, "fingerprint");
                if (f.fingerprint.empty()) f.fingerprint = finding_fingerprint(f);
                g.findings.push_back(std::move(f));
            }
        }
        r.gates.push_back(std::move(g));
    }
    return r;
}

namespace {

Report parse_report(const std::string& text) { return report_from_json(text); }

std::string waived_text(const Waived& w) {
    std::string t = "waived by " + w.source;
    if (!w.owner.empty()) t += " (owner " + w.owner + ")";
    if (!w.expires.empty()) t += ", until " + w.expires;
    return t + ": " + w.reason;
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
    if (f.waived) t = "WAIVED — " + waived_text(*f.waived) + "\n" + t;
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
                if (f.waived) c.element.clear();
                else if (f.severity == "error") c.element = gate_error ? "error" : "failure";
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
            if (f.waived) {
                bool inline_waiver = f.waived->source.find("(inline)") != std::string::npos;
                ordered_json sup;
                sup["kind"] = inline_waiver ? "inSource" : "external";
                sup["status"] = "accepted";
                sup["justification"] = utf8_truncate(waived_text(*f.waived), 4096);
                res["suppressions"] = ordered_json::array({sup});
            }
            ordered_json props;
            props["gate"] = g.id;
            if (!f.object.empty()) props["object"] = f.object;
            if (!f.details.empty()) props["details"] = f.details;
            if (f.waived) props["waived"] = {{"reason", f.waived->reason}, {"owner", f.waived->owner},
                                             {"expires", f.waived->expires}, {"source", f.waived->source}};
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
            if (f.waived) desc = "[waived: " + f.waived->reason + "] " + desc;
            issue["type"] = "issue";
            issue["description"] = utf8_truncate(desc, 4096);
            issue["check_name"] = f.rule.empty() ? g.id : f.rule;
            issue["fingerprint"] = f.fingerprint;
            issue["severity"] = f.waived ? "info" : f.severity == "error" ? "major" : f.severity == "warning" ? "minor" : "info";
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

std::string fmt_number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

std::string comparator_symbol(const std::string& op) {
    if (op == "lt") return "&lt;";
    if (op == "le") return "≤";
    if (op == "gt") return "&gt;";
    if (op == "ge") return "≥";
    if (op == "eq") return "=";
    return md_cell(op);
}

std::string condition_status(const GateCondition& c) {
    if (!c.status.empty()) return c.status;
    return condition_holds(c.comparator, c.actual, c.threshold) ? "pass" : "fail";
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
            body.push_back("| " + md_cell(f.severity) + (f.waived ? " 🔕 waived" : "") + " | " + md_cell(f.rule) + " | " + md_cell(f.object) + " | " +
                           md_cell(location_text(f)) + " | " + md_cell(utf8_truncate(f.message, 8000)) +
                           (f.waived ? "<br>**Waived:** " + md_cell(utf8_truncate(waived_text(*f.waived), 2000)) : "") +
                           " |\n");
    }
    bool any_conditions = false;
    for (const auto& g : r.gates) any_conditions |= !g.conditions.empty();
    if (any_conditions) {
        body.push_back("\n### Conditions\n\n| Gate | Metric | Condition | Actual | Status |\n|---|---|---|---:|---|\n");
        for (const auto& g : r.gates)
            for (const auto& c : g.conditions)
                body.push_back("| " + md_cell(g.id) + " | " + md_cell(c.metric) + " | " + comparator_symbol(c.comparator) +
                               " " + fmt_number(c.threshold) + " | " + fmt_number(c.actual) + " | " +
                               status_badge(condition_status(c)) + " |\n");
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

// ---- HTML ----------------------------------------------------------------------------------------

std::string h(const std::string& s) { return xml_escape(s, true); }

// Text inside <pre>/<td>: escaped, line breaks kept by CSS (white-space: pre-wrap).
std::string ht(const std::string& s) { return xml_escape(s, false); }

std::string href_of(const std::string& path) { return h(uri_of(path)); }

std::string html_status(const std::string& status) {
    return "<span class=\"status status-" + h(status) + "\">" + ht(status) + "</span>";
}

std::string html_location(const Finding& f) {
    if (!f.location || f.location->file.empty()) return "";
    std::string href = uri_of(f.location->file);
    return "<a class=\"file-link\" href=\"" + h(href) + "\">" + ht(location_text(f)) + "</a>";
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const char* kHtmlStyle = R"CSS(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:20px;margin:0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
#verdict{padding:20px 24px;color:#fff}#verdict .word{font-size:34px;font-weight:800;letter-spacing:1px;margin-right:16px}
#verdict.go{background:#1a7f37}#verdict.nogo{background:#cf222e}#verdict.error{background:#8250df}
#counts{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
#counts .count{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:90px}
#counts .count b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0}
th,td{border:1px solid #d0d7de;padding:5px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
#pruning table,#schema-diffs table{table-layout:fixed}#pruning th:nth-child(1){width:28%}#pruning th:nth-child(2),#pruning th:nth-child(3){width:9%}
th{background:#eef1f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.status{display:inline-block;border-radius:10px;padding:0 8px;font-weight:600;font-size:12px;text-transform:uppercase}
.status-pass,.status-ok{background:#dafbe1;color:#116329}.status-warn,.status-skip,.status-skipped{background:#fff8c5;color:#7d4e00}
.status-fail,.status-failed{background:#ffebe9;color:#a40e26}.status-error{background:#fbefff;color:#6e40c9}
.finding{background:#fff;border:1px solid #d0d7de;border-left:5px solid #8c959f;border-radius:4px;padding:8px 12px;margin:8px 0}
.finding[data-severity=error]{border-left-color:#cf222e}.finding[data-severity=warning]{border-left-color:#bf8700}
.finding[data-waived=true]{border-left-color:#8c959f;opacity:.8}
.finding .rule{font-family:ui-monospace,monospace;font-weight:600}.finding .sev{font-size:12px;text-transform:uppercase;margin-right:6px}
.message,pre{white-space:pre-wrap;word-break:break-word}pre{font:12px/1.4 ui-monospace,monospace;margin:0}
.waiver{background:#f6f8fa;border:1px dashed #8c959f;padding:4px 8px;margin-top:6px}
.badge-waived{background:#eaeef2;color:#57606a;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
dl.details{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0 0;font-size:13px}
dl.details dt{color:#57606a}dl.details dd{margin:0}
.schema-diff td.reference{background:#f0fff4}.schema-diff td.compared{background:#fff5f5}.absent{color:#8c959f;font-style:italic}
ul.partitions{columns:2;font:12px ui-monospace,monospace;margin:4px 0;padding-left:18px}
#metadata dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;background:#fff;border:1px solid #d0d7de;padding:10px}
#metadata dt{color:#57606a}#metadata dd{margin:0;word-break:break-all}
.muted{color:#57606a}
)CSS";

std::string html_details(const Finding& f, const std::set<std::string>& skip) {
    std::string out;
    for (const auto& [k, v] : f.details) {
        if (skip.count(k)) continue;
        out += "<dt>" + ht(k) + "</dt><dd><pre>" + ht(utf8_truncate(v, 4000)) + "</pre></dd>";
    }
    return out.empty() ? "" : "<dl class=\"details\">" + out + "</dl>";
}

std::string html_finding(const Finding& f) {
    std::string o = "<div class=\"finding\" id=\"finding-" + h(f.fingerprint) + "\" data-severity=\"" + h(f.severity) +
                    "\" data-rule=\"" + h(f.rule) + "\" data-fingerprint=\"" + h(f.fingerprint) + "\" data-waived=\"" +
                    (f.waived ? "true" : "false") + "\">";
    o += "<div><span class=\"sev\">" + ht(f.severity) + "</span><span class=\"rule\">" + ht(f.rule) + "</span>";
    if (f.waived) o += " <span class=\"badge-waived\">waived</span>";
    if (!f.object.empty()) o += " on <span class=\"object\">" + ht(f.object) + "</span>";
    if (auto loc = html_location(f); !loc.empty()) o += " at " + loc;
    o += "</div><div class=\"message\">" + ht(utf8_truncate(f.message, 16000)) + "</div>";
    if (f.waived) {
        o += "<div class=\"waiver\">Waived: <span class=\"waiver-reason\">" + ht(f.waived->reason) + "</span>";
        if (!f.waived->owner.empty()) o += " — owner <span class=\"waiver-owner\">" + ht(f.waived->owner) + "</span>";
        if (!f.waived->expires.empty()) o += ", expires <span class=\"waiver-expires\">" + ht(f.waived->expires) + "</span>";
        o += " <span class=\"muted\">(" + ht(f.waived->source) + ")</span></div>";
    }
    o += html_details(f, {"scanned", "reference_definition", "compared_definition"});
    o += "</div>\n";
    return o;
}

std::string render_html(const Report& r) {
    size_t findings = 0, errors = 0, warnings = 0, waived = 0, failed_gates = 0;
    for (const auto& g : r.gates) {
        failed_gates += g.status == "fail" || g.status == "error";
        for (const auto& f : g.findings) {
            ++findings;
            if (f.waived) ++waived;
            else if (f.severity == "error") ++errors;
            else if (f.severity == "warning") ++warnings;
        }
    }
    std::string word = r.status == "pass" ? "GO" : r.status == "fail" ? "NO-GO" : "ERROR";
    std::string cls = r.status == "pass" ? "go" : r.status == "fail" ? "nogo" : "error";
    std::string title = "pggate " + r.command + (r.project.empty() ? "" : " — " + r.project);
    std::string o;
    o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
    o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    o += "<title>" + ht(word + ": " + title) + "</title>\n<style>" + std::string(kHtmlStyle) + "</style>\n</head>\n<body>\n";
    o += "<header id=\"verdict\" class=\"" + cls + "\" data-status=\"" + h(r.status) + "\"><span class=\"word\">" + word +
         "</span><span class=\"headline\">" + ht(title) + ": " +
         (r.status == "pass" ? std::string("all gates passed")
                             : std::to_string(failed_gates) + " of " + std::to_string(r.gates.size()) + " gate(s) failed") +
         " — exit code " + std::to_string(r.exit_code) + "</span></header>\n<main>\n";
    auto count = [&](const std::string& key, size_t n, const std::string& label) {
        o += "<div class=\"count\" data-count=\"" + key + "\"><b>" + std::to_string(n) + "</b>" + label + "</div>";
    };
    o += "<section id=\"counts\">";
    count("gates", r.gates.size(), "gates");
    count("failed-gates", failed_gates, "failed gates");
    count("findings", findings, "findings");
    count("errors", errors, "errors");
    count("warnings", warnings, "warnings");
    count("waived", waived, "waived");
    o += "</section>\n";

    // Gates
    o += "<section id=\"gates\"><h2>Gates</h2><table><thead><tr><th>Gate</th><th>Status</th><th>Duration</th>"
         "<th>Findings</th><th>Summary</th></tr></thead><tbody>\n";
    for (const auto& g : r.gates) {
        size_t waived_here = 0;
        for (const auto& f : g.findings) waived_here += f.waived.has_value();
        o += "<tr class=\"gate\" id=\"gate-" + h(g.id) + "\" data-gate=\"" + h(g.id) + "\" data-status=\"" + h(g.status) +
             "\"><td><a href=\"#findings-" + h(g.id) + "\">" + ht(g.id) + "</a></td><td>" + html_status(g.status) +
             "</td><td class=\"num duration\">" + ht(fmt_duration(g.duration_ms)) + "</td><td class=\"num findings\">" +
             std::to_string(g.findings.size()) + (waived_here ? " (" + std::to_string(waived_here) + " waived)" : "") +
             "</td><td>" + ht(utf8_truncate(g.summary, 2000)) + "</td></tr>\n";
    }
    o += "</tbody></table></section>\n";

    // Conditions
    bool any_conditions = false;
    for (const auto& g : r.gates) any_conditions |= !g.conditions.empty();
    if (any_conditions) {
        o += "<section id=\"conditions\"><h2>Conditions</h2><table><thead><tr><th>Gate</th><th>Metric</th>"
             "<th>Condition</th><th>Actual</th><th>Status</th></tr></thead><tbody>\n";
        for (const auto& g : r.gates)
            for (const auto& c : g.conditions) {
                std::string st = condition_status(c);
                o += "<tr class=\"condition\" data-gate=\"" + h(g.id) + "\" data-metric=\"" + h(c.metric) +
                     "\" data-status=\"" + h(st) + "\"><td>" + ht(g.id) + "</td><td>" + ht(c.metric) + "</td><td>" +
                     comparator_symbol(c.comparator) + " " + fmt_number(c.threshold) + "</td><td class=\"num\">" +
                     fmt_number(c.actual) + "</td><td>" + html_status(st) + "</td></tr>\n";
            }
        o += "</tbody></table></section>\n";
    }

    // Schema differences side by side
    std::string diffs;
    size_t ndiffs = 0;
    for (const auto& g : r.gates)
        for (const auto& f : g.findings) {
            auto ref = f.details.find("reference_definition");
            auto cmp = f.details.find("compared_definition");
            if (ref == f.details.end() && cmp == f.details.end()) continue;
            ++ndiffs;
            auto side = [&](std::map<std::string, std::string>::const_iterator it) {
                return it == f.details.end() ? std::string("<span class=\"absent\">absent</span>")
                                             : "<pre>" + ht(utf8_truncate(it->second, 8000)) + "</pre>";
            };
            auto name = [&](const char* key, const char* fallback) {
                auto it = f.details.find(key);
                return it == f.details.end() ? std::string(fallback) : it->second;
            };
            diffs += "<tr class=\"schema-diff\" data-rule=\"" + h(f.rule) + "\" data-waived=\"" +
                     (f.waived ? "true" : "false") + "\"><td class=\"object\">" + ht(f.object) + "<br><span class=\"muted\">" +
                     ht(f.rule) + "</span></td><td class=\"reference\"><div class=\"muted\">" +
                     ht(name("reference", "reference")) + "</div>" + side(ref) + "</td><td class=\"compared\"><div class=\"muted\">" +
                     ht(name("compared", "compared")) + "</div>" + side(cmp) + "</td></tr>\n";
        }
    if (ndiffs)
        o += "<section id=\"schema-diffs\"><h2>Schema differences</h2><table><thead><tr><th>Object</th>"
             "<th>Reference</th><th>Compared</th></tr></thead><tbody>\n" + diffs + "</tbody></table></section>\n";

    // Pruning checks: from metrics (<check>.partitions_scanned / _total) and findings' details.
    struct Check {
        std::string name, table, partitions, status = "pass", location_html;
        double scanned = -1, total = -1;
    };
    std::vector<Check> checks;
    for (const auto& g : r.gates) {
        std::map<std::string, size_t> by_name;
        for (const auto& [k, v] : g.metrics) {
            bool s = ends_with(k, ".partitions_scanned"), t = ends_with(k, ".partitions_total");
            if (!s && !t) continue;
            std::string name = k.substr(0, k.rfind('.'));
            auto [it, fresh] = by_name.emplace(name, checks.size());
            if (fresh) { Check c; c.name = name; checks.push_back(c); }
            (s ? checks[it->second].scanned : checks[it->second].total) = v;
        }
        for (const auto& f : g.findings) {
            auto sc = f.details.find("partitions_scanned");
            if (sc == f.details.end()) continue;
            auto tbl = f.details.count("table") ? f.details.at("table") : std::string();
            Check* c = nullptr;
            for (auto& [name, idx] : by_name) {
                std::string query = name.size() > tbl.size() + 1 && ends_with(name, "." + tbl)
                                        ? name.substr(0, name.size() - tbl.size() - 1) : name;
                if ((!tbl.empty() && ends_with(name, "." + tbl) && f.object.find(query) != std::string::npos) ||
                    f.object == name)
                    c = &checks[idx];
            }
            if (!c) {
                { Check nc; nc.name = f.object.empty() ? f.rule : f.object; checks.push_back(nc); }
                c = &checks.back();
                c->scanned = std::atof(sc->second.c_str());
                if (auto tt = f.details.find("partitions_total"); tt != f.details.end()) c->total = std::atof(tt->second.c_str());
            }
            c->table = tbl;
            c->status = f.waived ? "waived" : f.severity == "error" ? "fail" : f.severity == "warning" ? "warn" : c->status;
            if (auto p = f.details.find("scanned"); p != f.details.end()) c->partitions = p->second;
            c->location_html = html_location(f);
        }
    }
    if (!checks.empty()) {
        o += "<section id=\"pruning\"><h2>Partition pruning</h2><table><thead><tr><th>Check</th><th>Scanned / total</th>"
             "<th>Status</th><th>Partitions scanned</th></tr></thead><tbody>\n";
        for (const auto& c : checks) {
            o += "<tr class=\"pruning-check\" data-check=\"" + h(c.name) + "\" data-status=\"" + h(c.status) +
                 "\" data-scanned=\"" + (c.scanned >= 0 ? fmt_number(c.scanned) : "") + "\" data-total=\"" +
                 (c.total >= 0 ? fmt_number(c.total) : "") + "\"><td>" + ht(c.name) +
                 (c.location_html.empty() ? "" : "<br>" + c.location_html) + "</td><td class=\"num\">" +
                 (c.scanned >= 0 ? fmt_number(c.scanned) : "?") + " / " + (c.total >= 0 ? fmt_number(c.total) : "?") +
                 "</td><td>" + html_status(c.status) + "</td><td>";
            if (!c.partitions.empty()) {
                o += "<ul class=\"partitions\">";
                size_t start = 0;
                while (start <= c.partitions.size()) {
                    size_t comma = c.partitions.find(", ", start);
                    std::string item = c.partitions.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                    if (!item.empty()) o += "<li>" + ht(item) + "</li>";
                    if (comma == std::string::npos) break;
                    start = comma + 2;
                }
                o += "</ul>";
            } else {
                o += "<span class=\"muted\">within budget</span>";
            }
            o += "</td></tr>\n";
        }
        o += "</tbody></table></section>\n";
    }

    // Config matrix: config gate findings by key.
    for (const auto& g : r.gates) {
        if (g.id != "config") continue;
        std::map<std::string, std::vector<const Finding*>> by_key;
        for (const auto& f : g.findings) {
            auto k = f.details.find("key");
            by_key[k != f.details.end() ? k->second : f.object.empty() ? "(general)" : f.object].push_back(&f);
        }
        o += "<section id=\"config-matrix\" data-status=\"" + h(g.status) + "\"><h2>Configuration matrix</h2><p>" +
             ht(g.summary) + "</p>";
        if (by_key.empty()) {
            o += "<p class=\"muted\">No configuration findings.</p>";
        } else {
            o += "<table><thead><tr><th>Key</th><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th></tr></thead><tbody>\n";
            for (const auto& [key, fs] : by_key)
                for (size_t i = 0; i < fs.size(); ++i) {
                    const Finding& f = *fs[i];
                    o += "<tr class=\"config-key\" data-key=\"" + h(key) + "\" data-severity=\"" + h(f.severity) +
                         "\" data-waived=\"" + (f.waived ? "true" : "false") + "\">";
                    if (i == 0) o += "<td rowspan=\"" + std::to_string(fs.size()) + "\"><code>" + ht(key) + "</code></td>";
                    o += "<td>" + ht(f.severity) + (f.waived ? " <span class=\"badge-waived\">waived</span>" : "") +
                         "</td><td>" + ht(f.rule) + "</td><td>" + html_location(f) + "</td><td class=\"message\">" +
                         ht(utf8_truncate(f.message, 4000)) + "</td></tr>\n";
                }
            o += "</tbody></table>";
        }
        if (!g.metrics.empty()) {
            o += "<table class=\"config-metrics\"><tbody>";
            for (const auto& [k, v] : g.metrics)
                o += "<tr><th>" + ht(k) + "</th><td class=\"num\">" + fmt_number(v) + "</td></tr>";
            o += "</tbody></table>";
        }
        o += "</section>\n";
    }

    // Findings grouped by gate
    o += "<section id=\"findings\"><h2>Findings</h2>\n";
    if (findings == 0) o += "<p class=\"muted\">No findings.</p>\n";
    for (const auto& g : r.gates) {
        if (g.findings.empty()) continue;
        o += "<div class=\"gate-findings\" id=\"findings-" + h(g.id) + "\" data-gate=\"" + h(g.id) + "\"><h3>" + ht(g.id) +
             " " + html_status(g.status) + " <span class=\"muted\">" + std::to_string(g.findings.size()) +
             " finding(s)</span></h3>\n";
        for (const auto& f : g.findings) o += html_finding(f);
        o += "</div>\n";
    }
    o += "</section>\n";

    // Paths
    if (!r.paths.empty()) {
        o += "<section id=\"paths\"><h2>Migration paths</h2><table><thead><tr><th>Path</th><th>Status</th><th>Duration</th>"
             "<th>Steps</th></tr></thead><tbody>\n";
        for (const auto& p : r.paths) {
            o += "<tr class=\"path\" data-path=\"" + h(p.name) + "\" data-status=\"" + h(p.status) + "\"><td>" + ht(p.name) +
                 "<br><span class=\"muted\">" + ht(p.database) + "</span></td><td>" + html_status(p.status) +
                 "</td><td class=\"num\">" + ht(fmt_duration(p.duration_ms)) + "</td><td>";
            for (const auto& s : p.steps)
                o += "<div class=\"step\" data-ok=\"" + std::string(s.ok ? "true" : "false") + "\">" + (s.ok ? "✓ " : "✗ ") +
                     (s.file.empty() ? ht(s.label) : "<a class=\"file-link\" href=\"" + href_of(s.file) + "\">" + ht(s.label) + "</a>") +
                     " <span class=\"muted\">" + ht(s.kind) + ", " + ht(fmt_duration(s.duration_ms)) + "</span></div>";
            o += "</td></tr>\n";
        }
        o += "</tbody></table></section>\n";
    }

    // Metadata
    o += "<section id=\"metadata\"><h2>Run</h2><dl>";
    auto meta = [&](const std::string& key, const std::string& label, const std::string& value) {
        if (value.empty()) return;
        o += "<dt>" + ht(label) + "</dt><dd data-meta=\"" + h(key) + "\">" + ht(value) + "</dd>";
    };
    meta("project", "Project", r.project);
    meta("command", "Command", "pggate " + r.command);
    meta("config", "Config", r.config_file);
    meta("run-id", "Run id", r.run_id);
    meta("started-at", "Started at (UTC)", r.started_at);
    meta("duration", "Duration", fmt_duration(r.duration_ms));
    meta("status", "Status", r.status + ", exit code " + std::to_string(r.exit_code));
    meta("tool", "Tool", "pggate " + r.tool_version);
    meta("provider", "Provider", r.provider_kind);
    meta("provider-description", "Provider description", r.provider_description);
    if (!r.provider_reason.empty()) meta("provider-reason", "Provider reason", r.provider_reason);
    meta("server-version", "PostgreSQL", r.server_version);
    for (const auto& [k, v] : r.provider_metrics) meta("provider-" + k, "Provider " + k, fmt_number(v));
    o += "</dl></section>\n</main>\n</body>\n</html>\n";
    return o;
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
            std::string level = f.waived ? "notice" : f.severity == "error" ? "error" : f.severity == "warning" ? "warning" : "notice";
            std::vector<std::string> props;
            if (f.location && !f.location->file.empty()) {
                props.push_back("file=" + gh_property(f.location->file));
                if (f.location->line > 0) {
                    props.push_back("line=" + std::to_string(f.location->line));
                    if (f.location->column > 0) props.push_back("col=" + std::to_string(f.location->column));
                }
            }
            std::string title = (f.waived ? "waived: " : "") + f.rule + (f.object.empty() ? "" : " (" + f.object + ")");
            props.push_back("title=" + gh_property(utf8_truncate(title, 255)));
            std::string line = "::" + level;
            for (size_t i = 0; i < props.size(); ++i) line += (i ? "," : " ") + props[i];
            std::string msg;
            std::string text = f.message;
            if (f.waived) text = "[" + waived_text(*f.waived) + "] " + text;
            for (char c : utf8_truncate(text, 4096))
                if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\r' || c == '\t') msg += c;
            line += "::" + gh_data(msg) + "\n";
            out += line;
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> report_formats() { return {"junit", "sarif", "codequality", "markdown", "github", "html"}; }

std::string report_format_file_name(const std::string& format) {
    if (format == "junit") return "report.junit.xml";
    if (format == "sarif") return "report.sarif";
    if (format == "codequality") return "gl-code-quality-report.json";
    if (format == "markdown") return "report.md";
    if (format == "github") return "report.annotations.txt";
    if (format == "html") return "report.html";
    throw std::runtime_error("unknown report format \"" + format + "\" (known: junit, sarif, codequality, markdown, github, html)");
}

std::string render_report(const std::string& report_json, const std::string& format) {
    report_format_file_name(format);  // rejects unknown formats before parsing
    Report r = parse_report(report_json);
    if (format == "junit") return render_junit(r);
    if (format == "sarif") return render_sarif(r);
    if (format == "codequality") return render_codequality(r);
    if (format == "markdown") return render_markdown(r, kMarkdownLimit);
    if (format == "html") return render_html(r);
    return render_github(r);
}

}  // namespace pggate
