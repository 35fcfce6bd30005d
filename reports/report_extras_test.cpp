// Waivers, conditions, HTML, compare and redaction of reports (no database).
#include "reports/compare.h"
#include "reports/redact.h"
#include "reports/render.h"
#include "reports/schema.h"
#include "reports/test_reports.h"
#include "reports/waivers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace pggate;

namespace {

const Finding* find_rule(const Report& r, const std::string& rule) {
    for (const auto& g : r.gates)
        for (const auto& f : g.findings)
            if (f.rule == rule) return &f;
    return nullptr;
}
const GateResult* gate(const Report& r, const std::string& id) {
    for (const auto& g : r.gates)
        if (g.id == id) return &g;
    return nullptr;
}
size_t count_of(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

const char* kWaiverYaml = R"(
waivers:
  - rule: "replay.upgrade-*"
    object: "revision 2025*"
    reason: "init script is rolled forward in PLAT-812"
    owner: "@release-team"
    expires: 2026-11-21
  - rule: "lint.*"
    reason: "nothing matches this"
    owner: "@nobody"
    expires: 2027-01-01
)";

}  // namespace

TEST(Waivers, ParseReportsProblems) {
    std::vector<std::string> problems;
    auto set = parse_waivers(kWaiverYaml, "waivers.yaml", problems);
    EXPECT_TRUE(problems.empty());
    ASSERT_EQ(set.entries.size(), 2u);
    EXPECT_EQ(set.entries[0].object, "revision 2025*");
    EXPECT_EQ(set.entries[1].object, "*");
    EXPECT_EQ(set.entries[0].source, "waivers.yaml:3");
    problems.clear();
    set = parse_waivers("- rule: a.*\n  reason: r\n  owner: o\n  expires: 21.11.2026\n- rule: b\n", "w.yaml", problems);
    EXPECT_TRUE(set.entries.empty());
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_NE(problems[0].find("w.yaml:1: expires \"21.11.2026\""), std::string::npos) << problems[0];
    EXPECT_NE(problems[1].find("missing reason, owner, expires"), std::string::npos) << problems[1];
    problems.clear();
    load_waivers("/nonexistent/waivers.yaml", problems);
    EXPECT_EQ(problems.size(), 1u);
    EXPECT_TRUE(waiver_glob_match("schema-equality.*", "schema-equality.constraint.missing"));
    EXPECT_FALSE(waiver_glob_match("replay.*", "schema-equality.x"));
}

TEST(Waivers, ExpiryDayStillWaivesDayAfterDoesNot) {
    std::vector<std::string> problems;
    auto set = parse_waivers(kWaiverYaml, "waivers.yaml", problems);
    Report on_day = test::full_report();
    apply_waivers(on_day, set, "2026-11-21", "/nonexistent");
    const Finding* f = find_rule(on_day, "replay.upgrade-from-init-failed");
    ASSERT_TRUE(f && f->waived);
    EXPECT_EQ(f->waived->owner, "@release-team");
    EXPECT_EQ(f->waived->expires, "2026-11-21");
    EXPECT_EQ(gate(on_day, "replay")->status, "pass");
    EXPECT_NE(gate(on_day, "replay")->summary.find("1 finding(s) waived"), std::string::npos);
    EXPECT_EQ(gate(on_day, "schema-equality")->status, "fail");  // not waived
    const GateResult* wg = gate(on_day, "waivers");
    ASSERT_TRUE(wg);
    EXPECT_EQ(wg->status, "warn");
    ASSERT_EQ(wg->findings.size(), 1u);
    EXPECT_EQ(wg->findings[0].rule, "report.waiver-unused");
    EXPECT_NE(wg->findings[0].message.find("lint.*"), std::string::npos);
    EXPECT_EQ(find_rule(on_day, "report.waiver-expired"), nullptr);

    Report day_after = test::full_report();
    apply_waivers(day_after, set, "2026-11-22", "/nonexistent");
    f = find_rule(day_after, "replay.upgrade-from-init-failed");
    ASSERT_TRUE(f);
    EXPECT_FALSE(f->waived);
    EXPECT_EQ(gate(day_after, "replay")->status, "fail");
    const Finding* expired = find_rule(day_after, "report.waiver-expired");
    ASSERT_TRUE(expired);
    EXPECT_EQ(expired->severity, "warning");
    EXPECT_NE(expired->message.find("expired on 2026-11-21"), std::string::npos) << expired->message;
    EXPECT_NE(expired->message.find("replay.upgrade-*"), std::string::npos);
    EXPECT_NE(expired->message.find("waivers.yaml:3"), std::string::npos);
    EXPECT_EQ(day_after.exit_code, 1);
}

TEST(Waivers, AllFailuresWaivedMakesRunPassAndEveryFormatShowsIt) {
    std::vector<std::string> problems;
    auto set = parse_waivers(R"(
- {rule: "replay.*", object: "*", reason: "known, PLAT-812", owner: "@rel", expires: 2026-12-31}
- {rule: "schema-equality.*", reason: "pk differs, PLAT-813", owner: "@dba", expires: 2026-12-31}
)", "w.yaml", problems);
    ASSERT_TRUE(problems.empty());
    Report r = test::full_report();
    ASSERT_EQ(r.exit_code, 1);
    apply_waivers(r, set, "2026-11-21", "");
    EXPECT_EQ(gate(r, "replay")->status, "pass");
    EXPECT_EQ(gate(r, "schema-equality")->status, "pass");  // the warning is waived too
    EXPECT_EQ(gate(r, "waivers")->status, "pass");
    EXPECT_EQ(r.status, "pass");
    EXPECT_EQ(r.exit_code, 0);
    std::string json = report_to_json(r);
    EXPECT_TRUE(validate_report(json).empty()) << validate_report(json)[0];
    EXPECT_NE(json.find("\"waived\""), std::string::npos);
    // Round trip keeps the waiver.
    Report back = report_from_json(json);
    ASSERT_TRUE(find_rule(back, "replay.upgrade-from-init-failed")->waived);

    std::string junit = render_report(json, "junit");
    EXPECT_EQ(junit.find("<failure"), std::string::npos) << junit;
    EXPECT_NE(junit.find("WAIVED"), std::string::npos);
    std::string sarif = render_report(json, "sarif");
    EXPECT_EQ(count_of(sarif, "\"suppressions\""), 3u);
    EXPECT_NE(sarif.find("\"kind\": \"external\""), std::string::npos);
    EXPECT_NE(sarif.find("known, PLAT-812"), std::string::npos);
    std::string cq = render_report(json, "codequality");
    EXPECT_NE(cq.find("[waived: known, PLAT-812]"), std::string::npos);
    std::string md = render_report(json, "markdown");
    EXPECT_NE(md.find("waived"), std::string::npos);
    EXPECT_NE(md.find("✅ GO"), std::string::npos);
    std::string gh = render_report(json, "github");
    EXPECT_EQ(gh.find("::error"), std::string::npos) << gh;
    EXPECT_NE(gh.find("title=waived%3A replay"), std::string::npos);
    std::string html = render_report(json, "html");
    EXPECT_EQ(count_of(html, "data-waived=\"true\""), 3u);
    EXPECT_NE(html.find("data-count=\"waived\"><b>3</b>"), std::string::npos);
}

TEST(Waivers, InlineSqlWaiverOnLineOrLineBefore) {
    auto dir = std::filesystem::temp_directory_path() / ("pggate-waivers-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "sql");
    {
        std::ofstream sql(dir / "sql/init_postgresql.sql");
        for (int i = 1; i < 39; ++i) sql << "-- line " << i << "\n";
        sql << "-- pggate:ignore schema-equality.column-order.* column order is cosmetic here\n";  // line 39
        sql << "CREATE TABLE t (b int, a int);\n";                                                     // line 40
    }
    Report r = test::full_report();
    apply_waivers(r, WaiverSet{}, "2026-11-21", dir.string());
    const Finding* f = find_rule(r, "schema-equality.column-order.changed");
    ASSERT_TRUE(f && f->waived);
    EXPECT_EQ(f->waived->reason, "column order is cosmetic here");
    EXPECT_EQ(f->waived->source, "sql/init_postgresql.sql:39 (inline)");
    EXPECT_TRUE(f->waived->owner.empty());
    EXPECT_EQ(gate(r, "schema-equality")->status, "fail");  // the error is not waived
    std::string json = report_to_json(r);
    EXPECT_TRUE(validate_report(json).empty());
    EXPECT_NE(render_report(json, "sarif").find("\"kind\": \"inSource\""), std::string::npos);

    // A comment for another rule, or two lines above, does not waive.
    {
        std::ofstream sql(dir / "sql/init_postgresql.sql");
        for (int i = 1; i < 38; ++i) sql << "-- line " << i << "\n";
        sql << "-- pggate:ignore schema-equality.column-order.changed too far away\n";  // line 38
        sql << "-- pggate:ignore replay.* other rule\n";                             // line 39
        sql << "CREATE TABLE t (b int, a int);\n";
    }
    Report r2 = test::full_report();
    apply_waivers(r2, WaiverSet{}, "2026-11-21", dir.string());
    EXPECT_FALSE(find_rule(r2, "schema-equality.column-order.changed")->waived);
    EXPECT_EQ(gate(r2, "waivers"), nullptr);
    std::filesystem::remove_all(dir);
}

TEST(Conditions, SerializedValidatedAndRendered) {
    EXPECT_TRUE(condition_holds("le", 4, 4));
    EXPECT_FALSE(condition_holds("lt", 4, 4));
    EXPECT_TRUE(condition_holds("ge", 5, 4));
    EXPECT_TRUE(condition_holds("gt", 5, 4));
    EXPECT_TRUE(condition_holds("eq", 0, 0));
    EXPECT_FALSE(condition_holds("ne", 1, 0));
    Report r = test::full_report();
    GateResult g;
    g.id = "partition-pruning";
    g.status = "fail";
    g.summary = "1 query checked";
    g.conditions.push_back({"ledger-latest-size.partitions_scanned", "le", 4, 24, ""});
    g.conditions.push_back({"deleted_rows", "eq", 0, 0, ""});
    r.gates.push_back(g);
    std::string json = report_to_json(r);
    auto errors = validate_report(json);
    EXPECT_TRUE(errors.empty()) << errors[0];
    EXPECT_NE(json.find("\"comparator\": \"le\""), std::string::npos);
    Report back = report_from_json(json);
    ASSERT_EQ(back.gates.back().conditions.size(), 2u);
    EXPECT_EQ(back.gates.back().conditions[0].status, "fail");
    EXPECT_EQ(back.gates.back().conditions[1].status, "pass");
    std::string md = render_report(json, "markdown");
    EXPECT_NE(md.find("| partition-pruning | ledger-latest-size.partitions\\_scanned | ≤ 4 | 24 | ❌ fail |"), std::string::npos) << md;
    std::string html = render_report(json, "html");
    EXPECT_NE(html.find("class=\"condition\" data-gate=\"partition-pruning\" data-metric=\"deleted_rows\" data-status=\"pass\""),
              std::string::npos);
    // A bad comparator is rejected by the schema.
    std::string bad = json;
    bad.replace(bad.find("\"comparator\": \"le\""), 18, "\"comparator\": \"<=\"");
    EXPECT_FALSE(validate_report(bad).empty());
}

TEST(Html, SelfContainedEscapedWithStableHooks) {
    Report r = test::full_report();
    r.gates[0].findings[0].message += " <script>alert('x')</script> & \"quotes\"";
    r.gates[1].findings[0].details["compared_definition"] = "PRIMARY KEY (id)";
    r.gates[1].findings[0].details["reference_definition"] = "PRIMARY KEY (id, period_start)";
    GateResult pr;
    pr.id = "partition-pruning";
    pr.status = "fail";
    pr.metrics = {{"q1.public.stats.partitions_scanned", 24}, {"q1.public.stats.partitions_total", 24},
                  {"q2.public.stats.partitions_scanned", 1}, {"q2.public.stats.partitions_total", 24}};
    Finding pf;
    pf.rule = "partition-pruning.too-many-partitions";
    pf.severity = "error";
    pf.message = "Query 'q1' scans 24/24 partitions";
    pf.object = "q1 public.stats";
    pf.location = Location{"queries/q1.sql", 3, 1};
    pf.details = {{"table", "public.stats"}, {"partitions_scanned", "24"}, {"partitions_total", "24"},
                  {"scanned", "public.stats_2025_01, public.stats_2025_02"}};
    pr.findings.push_back(pf);
    r.gates.push_back(pr);
    settle_outcome(r);
    std::string html = render_report(report_to_json(r), "html");
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"quotes\""), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_NE(html.find("id=\"verdict\" class=\"nogo\" data-status=\"fail\"><span class=\"word\">NO-GO</span>"), std::string::npos);
    EXPECT_EQ(count_of(html, "class=\"gate\" "), 6u);
    EXPECT_EQ(count_of(html, "class=\"finding\" "), 5u);
    EXPECT_NE(html.find("href=\"migrations/versions/20251224120000_drop_credentials_instance_ids.py\""), std::string::npos);
    EXPECT_NE(html.find("<td class=\"reference\"><div class=\"muted\">chain path</div><pre>PRIMARY KEY (id, period_start)</pre>"),
              std::string::npos);
    EXPECT_NE(html.find("<td class=\"compared\"><div class=\"muted\">init path</div><pre>PRIMARY KEY (id)</pre>"), std::string::npos);
    EXPECT_NE(html.find("data-check=\"q1.public.stats\" data-status=\"fail\" data-scanned=\"24\" data-total=\"24\""), std::string::npos);
    EXPECT_NE(html.find("data-check=\"q2.public.stats\" data-status=\"pass\" data-scanned=\"1\" data-total=\"24\""), std::string::npos);
    EXPECT_NE(html.find("<li>public.stats_2025_02</li>"), std::string::npos);
    EXPECT_NE(html.find("id=\"config-matrix\""), std::string::npos);
    EXPECT_NE(html.find("data-key=\"FEATURE_X\""), std::string::npos);
    EXPECT_NE(html.find("data-meta=\"run-id\">8fc9ea33"), std::string::npos);
    EXPECT_NE(html.find("data-count=\"errors\"><b>3</b>"), std::string::npos);
    EXPECT_EQ(report_format_file_name("html"), "report.html");
}

TEST(Compare, NewFixedUnchangedByFingerprint) {
    Report old_r = test::full_report();
    Report new_r = test::full_report();
    new_r.run_id = "second";
    new_r.gates[0].findings[0].message = "column \"instance_ids\" of relation \"credentials\" does not exist (SQLSTATE 42703) after 57 ms";
    new_r.gates[1].findings.erase(new_r.gates[1].findings.begin());  // the constraint is fixed
    Finding added;
    added.rule = "replay.multiple-heads";
    added.severity = "error";
    added.message = "two heads";
    added.object = "revision graph";
    new_r.gates[0].findings.push_back(added);
    std::string a = report_to_json(old_r), b = report_to_json(new_r);
    auto c = compare_counts(a, b);
    EXPECT_EQ(c.new_findings, 1);
    EXPECT_EQ(c.fixed_findings, 1);
    EXPECT_EQ(c.unchanged_findings, 3);  // duration in the message does not change the fingerprint
    EXPECT_EQ(c.new_errors, 1);
    EXPECT_EQ(compare_new_failures(a, b), 1);
    EXPECT_EQ(compare_new_failures(b, a), 1);  // the constraint error is "new" when going back
    EXPECT_EQ(compare_new_failures(a, a), 0);
    std::string text = compare_reports(a, b, "text");
    EXPECT_NE(text.find("1 new, 1 fixed, 3 unchanged finding(s); 1 new error(s)"), std::string::npos) << text;
    EXPECT_NE(text.find("+ error replay.multiple-heads on revision graph"), std::string::npos);
    EXPECT_NE(text.find("- error schema-equality.constraint.missing"), std::string::npos);
    std::string json = compare_reports(a, b, "json");
    EXPECT_NE(json.find("\"schema\": \"pggate.compare/v1\""), std::string::npos);
    EXPECT_NE(json.find("\"new_errors\": 1"), std::string::npos);
    std::string md = compare_reports(a, b, "markdown");
    EXPECT_NE(md.find("| 1 | 1 | 3 | 1 |"), std::string::npos) << md;
    EXPECT_THROW(compare_reports(a, b, "pdf"), std::runtime_error);
    EXPECT_THROW(compare_reports("{}", b, "text"), std::runtime_error);
    // A waived new error is not a new failure.
    new_r.gates[0].findings.back().waived = Waived{"accepted", "@rel", "2027-01-01", "w.yaml:2"};
    EXPECT_EQ(compare_new_failures(a, report_to_json(new_r)), 0);
}

TEST(Redaction, NoSecretInAnyFormat) {
    const std::string password = "S3cr3t-Pa55w0rd";
    const std::string env_secret = "sk_live_9f8e7d6c5b4a";
    Report r = test::full_report();
    r.provider_description = "external PostgreSQL at postgresql://gate:" + password + "@db.internal:5432/app?sslmode=require";
    r.gates[0].findings[0].message += " while connecting to postgres://admin:" + password + "@10.0.0.5/app";
    r.gates[0].findings[0].details["dsn"] = "host=db.internal user=gate password=" + password + " dbname=app";
    r.gates[0].findings[0].details["quoted"] = "host=db password='" + password + "' port=5432";
    r.gates[0].summary += " (PGPASSWORD=" + password + ")";
    r.gates[2].findings[0].message = "STRIPE_KEY=" + env_secret + " is not described by the rules";
    r.gates[2].findings[0].details["value"] = env_secret;
    r.gates[2].findings[0].object = "STRIPE_KEY (" + env_secret + ")";
    r.paths[0].steps[0].label = "psql " + std::string("postgresql://u:") + password + "@h/db -f init.sql";
    redact_report(r, {env_secret, password});
    std::string json = report_to_json(r);
    EXPECT_TRUE(validate_report(json).empty());
    EXPECT_NE(json.find("postgresql://gate:***@db.internal:5432/app"), std::string::npos) << json;
    EXPECT_NE(json.find("password=*** dbname=app"), std::string::npos);
    std::vector<std::string> outputs = {json};
    for (const auto& f : report_formats()) outputs.push_back(render_report(json, f));
    ASSERT_EQ(outputs.size(), 7u);
    for (size_t i = 0; i < outputs.size(); ++i) {
        std::string name = i == 0 ? "json" : report_formats()[i - 1];
        EXPECT_EQ(outputs[i].find(password), std::string::npos) << name;
        EXPECT_EQ(outputs[i].find(env_secret), std::string::npos) << name;
        EXPECT_EQ(outputs[i].find("S3cr3t"), std::string::npos) << name;
        EXPECT_EQ(outputs[i].find("sk_live"), std::string::npos) << name;
    }
    // Text without secrets is left alone.
    EXPECT_EQ(redact_text("postgresql://gate@db/app port=5432 user=x", {"abc"}), "postgresql://gate@db/app port=5432 user=x");
    EXPECT_EQ(redact_text("DB_PASSWORD=hunter22 next", {}), "DB_PASSWORD=*** next");
}
