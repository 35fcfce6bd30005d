#include "reports/render.h"
#include "reports/report.h"
#include "reports/test_reports.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

using namespace pggate;
using nlohmann::json;

namespace {

std::string full_json() { return report_to_json(test::full_report()); }

// A report whose texts contain markup, quotes, control characters and newlines.
std::string nasty_json() {
    Report r = test::full_report();
    Finding& f = r.gates[0].findings[0];
    f.message = "a <b> & \"c\" 'd'\x01\x02\x1b[31m 100% done\r\nsecond | line `x` *y*";
    f.object = "t<&\"'>\x07";
    f.location->file = "dir, with: comma/file name.py";
    Finding dup = f;  // same rule and object: test case names must still be unique
    r.gates[0].findings.push_back(dup);
    r.gates[0].findings.push_back(dup);
    return report_to_json(r);
}

// Minimal XML well-formedness check: balanced tags, quoted attributes, only the five entities and
// numeric references, no control characters except TAB/LF/CR. Returns "" when well formed.
std::string xml_problem(const std::string& x, std::vector<std::string>* elements = nullptr) {
    std::vector<std::string> stack;
    size_t i = 0;
    if (x.rfind("<?xml", 0) == 0) i = x.find("?>") + 2;
    auto check_text = [&](const std::string& t) -> std::string {
        for (size_t k = 0; k < t.size(); ++k) {
            unsigned char c = t[k];
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return "control character in text";
            if (c == '<') return "raw < in text";
            if (c == '&') {
                auto semi = t.find(';', k);
                if (semi == std::string::npos) return "unterminated entity";
                std::string ent = t.substr(k + 1, semi - k - 1);
                static const std::set<std::string> ok = {"amp", "lt", "gt", "quot", "apos"};
                if (!ok.count(ent) && !(ent.size() > 1 && ent[0] == '#')) return "bad entity &" + ent + ";";
            }
        }
        return "";
    };
    int roots = 0;
    while (i < x.size()) {
        size_t lt = x.find('<', i);
        std::string text = x.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
        if (auto p = check_text(text); !p.empty()) return p;
        if (lt == std::string::npos) break;
        size_t gt = lt + 1;
        char quote = 0;
        for (; gt < x.size(); ++gt) {
            if (quote) {
                if (x[gt] == quote) quote = 0;
                else if (x[gt] == '<') return "raw < in attribute";
            } else if (x[gt] == '"' || x[gt] == '\'') quote = x[gt];
            else if (x[gt] == '>') break;
        }
        if (gt >= x.size()) return "unterminated tag";
        std::string tag = x.substr(lt + 1, gt - lt - 1);
        // attribute values must be valid text too
        for (size_t q = tag.find('"'); q != std::string::npos; q = tag.find('"', tag.find('"', q + 1) + 1)) {
            size_t end = tag.find('"', q + 1);
            if (end == std::string::npos) return "unbalanced quote";
            if (auto p = check_text(tag.substr(q + 1, end - q - 1)); !p.empty()) return "attribute: " + p;
        }
        if (tag[0] == '/') {
            std::string name = tag.substr(1);
            if (stack.empty() || stack.back() != name) return "mismatched </" + name + ">";
            stack.pop_back();
        } else {
            std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
            if (elements) elements->push_back(name);
            if (stack.empty()) ++roots;
            if (tag.back() != '/') stack.push_back(name);
        }
        i = gt + 1;
    }
    if (!stack.empty()) return "unclosed <" + stack.back() + ">";
    if (roots != 1) return "expected one root element";
    return "";
}

// Test cases of a JUnit document: (classname, name, number of failure/error/skipped children).
struct Case {
    std::string classname, name;
    int results = 0;
};
std::string attr_of(const std::string& tag, const std::string& name) {
    auto p = tag.find(" " + name + "=\"");
    if (p == std::string::npos) return "";
    p += name.size() + 3;
    return tag.substr(p, tag.find('"', p) - p);
}
std::vector<Case> junit_cases(const std::string& x) {
    std::vector<Case> out;
    size_t p = 0;
    while ((p = x.find("<testcase ", p)) != std::string::npos) {
        size_t gt = x.find('>', p);
        std::string tag = x.substr(p, gt - p + 1);
        Case c{attr_of(tag, "classname"), attr_of(tag, "name")};
        if (tag[tag.size() - 2] != '/') {
            size_t end = x.find("</testcase>", gt);
            std::string inner = x.substr(gt, end - gt);
            for (const char* el : {"<failure", "<error", "<skipped"})
                for (size_t q = inner.find(el); q != std::string::npos; q = inner.find(el, q + 1)) ++c.results;
        }
        out.push_back(c);
        p = gt;
    }
    return out;
}

}  // namespace

TEST(RenderReport, FormatsAndErrors) {
    auto formats = report_formats();
    EXPECT_EQ(formats.size(), 6u);
    for (const auto& f : formats) {
        EXPECT_FALSE(report_format_file_name(f).empty());
        EXPECT_FALSE(render_report(full_json(), f).empty()) << f;
    }
    try {
        render_report(full_json(), "pdf");
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("pdf"), std::string::npos);
    }
    EXPECT_THROW(render_report("{not json", "junit"), std::runtime_error);
    EXPECT_THROW(render_report(R"({"schema":"other"})", "sarif"), std::runtime_error);
    EXPECT_THROW(render_report(R"({"schema":"pggate.report/v1"})", "sarif"), std::runtime_error);
}

TEST(RenderJunit, WellFormedOneSuitePerGate) {
    std::string x = render_report(full_json(), "junit");
    std::vector<std::string> elements;
    ASSERT_EQ(xml_problem(x, &elements), "") << x;
    EXPECT_EQ(elements[0], "testsuites");
    EXPECT_EQ(std::count(elements.begin(), elements.end(), "testsuite"), 5);
    auto cases = junit_cases(x);
    // replay 1 finding, schema-equality 2, config 1, pruning (skip) 1 gate case, lint (pass) 1 gate case
    ASSERT_EQ(cases.size(), 6u) << x;
    int failing = 0;
    for (const auto& c : cases) {
        EXPECT_LE(c.results, 1) << c.name;
        failing += c.results;
    }
    EXPECT_EQ(failing, 3);  // two error findings + the skipped gate
    EXPECT_NE(x.find("<testcase classname=\"pggate.lint\" name=\"lint\" time=\"0.002\">\n      <system-out>no findings"),
              std::string::npos)
        << x;
    EXPECT_NE(x.find("<skipped message=\"no pruning checks configured\"/>"), std::string::npos);
    EXPECT_NE(x.find("tests=\"6\" failures=\"2\" errors=\"0\" skipped=\"1\""), std::string::npos);
}

TEST(RenderJunit, EscapesStripsControlsAndKeepsNamesUnique) {
    std::string x = render_report(nasty_json(), "junit");
    ASSERT_EQ(xml_problem(x), "") << x;
    for (char c = 1; c < 0x20; ++c) {
        if (c != '\n' && c != '\r' && c != '\t') {
            EXPECT_EQ(x.find(c), std::string::npos) << int(c);
        }
    }
    EXPECT_NE(x.find("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;"), std::string::npos);  // attribute
    EXPECT_NE(x.find("a &lt;b&gt; &amp; \"c\" 'd'"), std::string::npos);                   // element text
    std::set<std::string> ids;
    for (const auto& c : junit_cases(x)) EXPECT_TRUE(ids.insert(c.classname + "\n" + c.name).second) << c.name;
    EXPECT_EQ(ids.size(), 8u);
}

TEST(RenderJunit, GateErrorWithoutFindingsIsAnErrorElement) {
    Report r;
    GateResult g;
    g.id = "replay";
    g.status = "error";
    g.summary = "PostgreSQL did not start";
    r.gates.push_back(g);
    settle_outcome(r);
    std::string x = render_report(report_to_json(r), "junit");
    ASSERT_EQ(xml_problem(x), "") << x;
    EXPECT_NE(x.find("<error message=\"PostgreSQL did not start\" type=\"error\">"), std::string::npos) << x;
}

TEST(RenderJunit, LongMessagesAreCapped) {
    Report r = test::full_report();
    r.gates[0].findings[0].message = std::string(200000, 'x') + "é";
    std::string x = render_report(report_to_json(r), "junit");
    ASSERT_EQ(xml_problem(x), "");
    EXPECT_LT(x.size(), 90000u);
    EXPECT_NE(x.find("truncated, see report.json"), std::string::npos);
}

TEST(RenderSarif, RequiredKeysRulesAndLocations) {
    json s = json::parse(render_report(full_json(), "sarif"));
    EXPECT_EQ(s["version"], "2.1.0");
    EXPECT_TRUE(s.contains("$schema"));
    ASSERT_EQ(s["runs"].size(), 1u);
    const json& run = s["runs"][0];
    EXPECT_EQ(run["tool"]["driver"]["name"], "pggate");
    const json& rules = run["tool"]["driver"]["rules"];
    const json& results = run["results"];
    ASSERT_EQ(results.size(), 4u);
    std::set<std::string> rule_ids;
    for (const auto& rule : rules) {
        EXPECT_TRUE(rule_ids.insert(rule["id"].get<std::string>()).second);
        EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty());
        EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
    }
    EXPECT_EQ(rule_ids.size(), 4u);
    std::set<std::string> levels;
    for (const auto& res : results) {
        EXPECT_TRUE(rule_ids.count(res["ruleId"].get<std::string>()));
        EXPECT_EQ(rules[res["ruleIndex"].get<size_t>()]["id"], res["ruleId"]);
        levels.insert(res["level"].get<std::string>());
        EXPECT_FALSE(res["message"]["text"].get<std::string>().empty());
        ASSERT_EQ(res["locations"].size(), 1u);
        EXPECT_FALSE(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].get<std::string>().empty());
        EXPECT_EQ(res["partialFingerprints"]["pggateFingerprint/v1"].get<std::string>().size(), 16u);
    }
    EXPECT_EQ(levels, (std::set<std::string>{"error", "warning", "note"}));
    const json& first = results[0]["locations"][0]["physicalLocation"];
    EXPECT_EQ(first["artifactLocation"]["uri"], "migrations/versions/20251224120000_drop_credentials_instance_ids.py");
    EXPECT_EQ(first["region"]["startLine"], 22);
    EXPECT_EQ(first["region"]["startColumn"], 5);
    // no location: attributed to the config file, without a region
    const json& second = results[1]["locations"][0]["physicalLocation"];
    EXPECT_EQ(second["artifactLocation"]["uri"], "pggate.yaml");
    EXPECT_FALSE(second.contains("region"));
    EXPECT_FALSE(results[2]["locations"][0]["physicalLocation"]["region"].contains("startColumn"));
}

TEST(RenderSarif, UrisAreEncodedAndTextKept) {
    json s = json::parse(render_report(nasty_json(), "sarif"));
    const json& res = s["runs"][0]["results"][0];
    EXPECT_EQ(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "dir%2C%20with%3A%20comma/file%20name.py");
    EXPECT_NE(res["message"]["text"].get<std::string>().find("a <b> & \"c\""), std::string::npos);
}

TEST(RenderCodeQuality, GitLabFields) {
    json cq = json::parse(render_report(full_json(), "codequality"));
    ASSERT_TRUE(cq.is_array());
    ASSERT_EQ(cq.size(), 4u);
    std::set<std::string> sev;
    for (const auto& i : cq) {
        for (const char* k : {"description", "check_name", "fingerprint", "severity", "location"})
            EXPECT_TRUE(i.contains(k)) << k;
        EXPECT_FALSE(i["location"]["path"].get<std::string>().empty());
        EXPECT_GE(i["location"]["lines"]["begin"].get<int>(), 1);
        sev.insert(i["severity"].get<std::string>());
    }
    EXPECT_EQ(sev, (std::set<std::string>{"major", "minor", "info"}));
    EXPECT_EQ(cq[0]["location"]["lines"]["begin"], 22);
    EXPECT_EQ(cq[0]["check_name"], "replay.upgrade-from-init-failed");
    auto report = json::parse(full_json());
    EXPECT_EQ(cq[0]["fingerprint"], report["gates"][0]["findings"][0]["fingerprint"]);
}

TEST(RenderMarkdown, SummaryTableAndGroupedFindings) {
    std::string md = render_report(full_json(), "markdown");
    EXPECT_NE(md.find("NO-GO"), std::string::npos);
    EXPECT_NE(md.find("| Gate | Status | Duration | Findings | Summary |"), std::string::npos);
    EXPECT_NE(md.find("| replay | ❌ fail | 791 ms | 1 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| lint | ✅ pass | 2 ms | 0 | no findings |"), std::string::npos) << md;
    EXPECT_NE(md.find("### replay"), std::string::npos);
    EXPECT_NE(md.find("### schema-equality"), std::string::npos);
    EXPECT_EQ(md.find("### lint"), std::string::npos);
    EXPECT_LT(md.find("### replay"), md.find("### schema-equality"));
    // every table row has the same number of unescaped pipes as its header
    std::istringstream in(md);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] != '|') continue;
        int pipes = 0;
        for (size_t i = 0; i < line.size(); ++i) pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
        EXPECT_EQ(pipes, 6) << line;
    }
}

TEST(RenderMarkdown, EscapesCellsAndStripsControls) {
    std::string md = render_report(nasty_json(), "markdown");
    EXPECT_NE(md.find("a &lt;b&gt; &amp; \"c\" 'd'"), std::string::npos) << md;
    EXPECT_NE(md.find("<br>second \\| line \\`x\\` \\*y\\*"), std::string::npos) << md;
    EXPECT_EQ(md.find('\x1b'), std::string::npos);
    EXPECT_EQ(md.find('\x01'), std::string::npos);
    EXPECT_EQ(md.find('\r'), std::string::npos);
}

TEST(RenderMarkdown, CappedAtOneMebibyteWithANote) {
    Report r = test::full_report();
    Finding f = r.gates[0].findings[0];
    f.message = std::string(5000, 'm');
    for (int i = 0; i < 400; ++i) {
        f.object = "object " + std::to_string(i);
        r.gates[0].findings.push_back(f);
    }
    std::string md = render_report(report_to_json(r), "markdown");
    EXPECT_LE(md.size(), kMarkdownLimit);
    EXPECT_GT(md.size(), kMarkdownLimit - 16 * 1024);
    EXPECT_NE(md.find("truncated to stay within 1024 KiB"), std::string::npos);
    EXPECT_NE(md.find("| lint |"), std::string::npos);  // the summary table always survives
    EXPECT_EQ(render_report(full_json(), "markdown").find("truncated"), std::string::npos);
}

TEST(RenderGithub, AnnotationLinesAndEscaping) {
    std::string gh = render_report(full_json(), "github");
    std::istringstream in(gh);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    ASSERT_EQ(lines.size(), 4u) << gh;
    EXPECT_EQ(lines[0].rfind("::error file=migrations/versions/20251224120000_drop_credentials_instance_ids.py,line=22,col=5,"
                             "title=replay.upgrade-from-init-failed (revision 20251224120000)::column ",
                             0),
              0u)
        << lines[0];
    EXPECT_EQ(lines[1].rfind("::error title=schema-equality.constraint.missing", 0), 0u) << lines[1];
    EXPECT_EQ(lines[2].rfind("::warning file=sql/init_postgresql.sql,line=40,title=", 0), 0u) << lines[2];
    EXPECT_EQ(lines[3].rfind("::notice file=.env.prod,line=3,", 0), 0u) << lines[3];

    std::string nasty = render_report(nasty_json(), "github");
    std::string first = nasty.substr(0, nasty.find('\n'));
    EXPECT_NE(first.find("file=dir%2C with%3A comma/file name.py,"), std::string::npos) << first;
    EXPECT_NE(first.find("100%25 done%0D%0Asecond"), std::string::npos) << first;
    EXPECT_EQ(first.find('\x01'), std::string::npos);
    EXPECT_EQ(std::count(nasty.begin(), nasty.end(), '\n'), 6);  // one line per finding
}
