#include "reports/report.h"
#include "reports/schema.h"
#include "reports/test_reports.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace pggate;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + "\n";
    return out;
}

// Mutates one value of a valid report and returns the validation errors.
template <class F>
std::vector<std::string> errors_after(F mutate) {
    auto j = nlohmann::json::parse(report_to_json(test::full_report()));
    mutate(j);
    return validate_report(j.dump());
}

}  // namespace

TEST(ReportSchema, PublishedFileMatchesCompiledInCopy) {
    std::string file = read_file(std::string(PGGATE_SOURCE_DIR) + "/reports/report.schema.json");
    ASSERT_FALSE(file.empty());
    EXPECT_EQ(nlohmann::json::parse(file), nlohmann::json::parse(report_schema()));
    EXPECT_EQ(nlohmann::json::parse(file)["title"], "pggate.report/v1");
}

TEST(ReportSchema, FullReportIsValid) {
    std::string json = report_to_json(test::full_report());
    auto errors = validate_report(json);
    EXPECT_TRUE(errors.empty()) << join(errors) << json;
}

TEST(ReportSchema, EmptyAndMinimalReportsAreValid) {
    Report r;
    settle_outcome(r);
    EXPECT_TRUE(validate_report(report_to_json(r)).empty()) << join(validate_report(report_to_json(r)));
    GateResult g;
    g.id = "config";
    g.status = "error";
    Finding f;
    f.rule = "config.internal-error";
    f.severity = "error";
    g.findings.push_back(f);  // no object text, no location, no details
    r.gates.push_back(g);
    settle_outcome(r);
    EXPECT_TRUE(validate_report(report_to_json(r)).empty()) << join(validate_report(report_to_json(r)));
}

TEST(ReportSchema, EveryFindingHasAFingerprint) {
    auto j = nlohmann::json::parse(report_to_json(test::full_report()));
    int n = 0;
    for (const auto& g : j["gates"])
        for (const auto& f : g["findings"]) {
            ASSERT_TRUE(f.contains("fingerprint"));
            EXPECT_EQ(f["fingerprint"].get<std::string>().size(), 16u);
            ++n;
        }
    EXPECT_EQ(n, 4);
}

TEST(ReportSchema, RejectsBadStatusSeverityAndMissingFields) {
    auto e = errors_after([](auto& j) { j["gates"][0]["status"] = "failed"; });
    ASSERT_EQ(e.size(), 1u) << join(e);
    EXPECT_NE(e[0].find("/gates/0/status"), std::string::npos) << e[0];

    e = errors_after([](auto& j) { j["gates"][1]["findings"][0]["severity"] = "critical"; });
    ASSERT_EQ(e.size(), 1u) << join(e);
    EXPECT_NE(e[0].find("/gates/1/findings/0/severity"), std::string::npos);

    e = errors_after([](auto& j) { j["gates"][0]["findings"][0].erase("fingerprint"); });
    ASSERT_EQ(e.size(), 1u) << join(e);
    EXPECT_NE(e[0].find("fingerprint"), std::string::npos);

    e = errors_after([](auto& j) { j["gates"][0]["findings"][0]["fingerprint"] = "XYZ"; });
    EXPECT_EQ(e.size(), 1u) << join(e);

    e = errors_after([](auto& j) { j["run"]["surprise"] = 1; });
    ASSERT_EQ(e.size(), 1u) << join(e);
    EXPECT_NE(e[0].find("unexpected property \"surprise\""), std::string::npos);

    e = errors_after([](auto& j) { j["schema"] = "pggate.report/v2"; });
    EXPECT_EQ(e.size(), 1u) << join(e);

    e = errors_after([](auto& j) { j["gates"][0]["findings"][0]["location"]["line"] = 0; });
    EXPECT_EQ(e.size(), 1u) << join(e);

    e = errors_after([](auto& j) { j["paths"][0]["steps"][0]["statements"] = 2.5; });
    EXPECT_EQ(e.size(), 1u) << join(e);

    e = errors_after([](auto& j) { j["gates"][0]["findings"][0]["details"]["n"] = 3; });
    EXPECT_EQ(e.size(), 1u) << join(e);

    e = errors_after([](auto& j) { j.erase("gates"); });
    EXPECT_EQ(e.size(), 1u) << join(e);
}

TEST(ReportSchema, ValidatorRefusesUnknownKeywordsAndBadJson) {
    EXPECT_THROW(validate_json("{}", R"({"type":"object","oneOf":[]})"), std::runtime_error);
    EXPECT_THROW(validate_json("{", R"({"type":"object"})"), std::runtime_error);
    EXPECT_THROW(validate_json("{}", R"({"$ref":"#/$defs/nope"})"), std::runtime_error);
    EXPECT_TRUE(validate_json("1.0", R"({"type":"integer","minimum":1})").empty());
    EXPECT_EQ(validate_json("\"é\"", R"({"type":"string","minLength":2})").size(), 1u);
}

TEST(Fingerprint, StableAcrossRunsForTheSameProblem) {
    Finding a;
    a.rule = "replay.step-failed";
    a.object = "revision 1";
    a.location = Location{"migrations/versions/1.py", 10, 0};
    a.message = "statement timed out after 1200 ms in /tmp/pggate-abc123/data; 2.5 s total";
    Finding b = a;
    b.message = "statement timed out after 987.5 ms in /tmp/pggate-zz9/data; 3 s total";
    b.location->line = 12;  // line moves with unrelated edits above: not part of the identity
    EXPECT_EQ(finding_fingerprint(a), finding_fingerprint(b));
    EXPECT_EQ(normalize_fingerprint_message(a.message),
              "statement timed out after <duration> in <tmp>; <duration> total");

    Finding c = a;
    c.object = "revision 2";
    EXPECT_NE(finding_fingerprint(a), finding_fingerprint(c));
    Finding d = a;
    d.rule = "replay.other";
    EXPECT_NE(finding_fingerprint(a), finding_fingerprint(d));
    Finding e = a;
    e.location->file = "migrations/versions/2.py";
    EXPECT_NE(finding_fingerprint(a), finding_fingerprint(e));
    Finding f = a;
    f.message = "column x does not exist";
    EXPECT_NE(finding_fingerprint(a), finding_fingerprint(f));
    // Known value: changing the algorithm changes every fingerprint users have stored.
    Finding k;
    k.rule = "r";
    EXPECT_EQ(finding_fingerprint(k), "e78ad2069db95033");
    EXPECT_EQ(finding_fingerprint(k).find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(Fingerprint, ExplicitFingerprintIsKept) {
    Report r = test::full_report();
    r.gates[0].findings[0].fingerprint = "0123456789abcdef";
    auto j = nlohmann::json::parse(report_to_json(r));
    EXPECT_EQ(j["gates"][0]["findings"][0]["fingerprint"], "0123456789abcdef");
}
