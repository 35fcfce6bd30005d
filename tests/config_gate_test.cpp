// The config gate end to end on scenarios/memory (a real Node.js app as the probe target) and on
// small hand-written env files and rules. No database.
#include "gates/config/config_gate.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "gates/config/config_rules.h"
#include "harness/process.h"
#include "tests/support/test_server.h"

namespace fs = std::filesystem;

namespace pggate {
namespace {

const std::string kScenario = std::string(PGGATE_SOURCE_DIR) + "/scenarios/memory";

// The scenario copied into a temp folder, with a variant's files laid over it.
std::string copy_scenario(const testing::TempDir& dir, const std::string& variant = "") {
    for (const auto& e : fs::directory_iterator(kScenario)) {
        if (e.path().filename() == "variants" || e.path().filename() == "node_modules") continue;
        fs::copy(e.path(), fs::path(dir.path) / e.path().filename(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
    if (!variant.empty())
        fs::copy(kScenario + "/variants/" + variant, dir.path, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    return dir.path;
}

ConfigGateOptions scenario_options(const std::string& base) {
    ConfigGateOptions o;
    o.base_dir = base;
    o.rules_file = "config/rules.yaml";
    o.example_file = ".env.example";
    o.mode = "prod";
    o.process_env = std::map<std::string, std::string>{};  // nothing from the test runner's environment
    return o;
}

std::string dump(const GateResult& g) {
    std::ostringstream s;
    s << "status=" << g.status << " summary=" << g.summary << "\n";
    for (const auto& f : g.findings) {
        s << "  [" << f.severity << "] " << f.rule << " object=" << f.object;
        if (f.location) s << " at " << f.location->file << ":" << f.location->line << ":" << f.location->column;
        s << "\n      " << f.message << "\n";
        for (const auto& [k, v] : f.details) s << "      " << k << ": " << v << "\n";
    }
    return s.str();
}

// Everything of the result that any writer could print.
std::string all_text(const GateResult& g) {
    std::string s = g.summary + "\n";
    for (const auto& f : g.findings) {
        s += f.rule + "\n" + f.message + "\n" + f.object + "\n";
        if (f.location) s += f.location->file + "\n";
        for (const auto& [k, v] : f.details) s += k + "=" + v + "\n";
    }
    return s;
}

std::vector<const Finding*> with_rule(const GateResult& g, const std::string& rule) {
    std::vector<const Finding*> out;
    for (const auto& f : g.findings)
        if (f.rule == rule) out.push_back(&f);
    return out;
}

int line_of(const std::string& file, const std::string& needle) {
    std::ifstream in(file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (line.find(needle) != std::string::npos) return n;
    return 0;
}

void expect_at(const Finding* f, const std::string& file, int line) {
    ASSERT_TRUE(f->location.has_value()) << f->rule << ": " << f->message;
    EXPECT_EQ(f->location->file, file) << f->message;
    EXPECT_EQ(f->location->line, line) << f->message;
}

const char* const kScenarioSecrets[] = {"Pr0d-db-pass-example", "example-jwt-signing-key-not-for-real-use-0123", "devpass"};

TEST(ConfigGate, MemoryScenarioIsCompliantInProdAndTheAppRefusesEveryDangerousCombination) {
    testing::TempDir dir;
    GateResult g = run_config_gate(scenario_options(copy_scenario(dir)));
    EXPECT_EQ(g.status, "pass") << dump(g);
    EXPECT_TRUE(g.findings.empty()) << dump(g);
    // 2 forbidden combinations, 2 requirements, 5 values not allowed in prod, 3 required keys unset.
    EXPECT_EQ(g.metrics["probe_dangerous_cases"], 12) << dump(g);
    EXPECT_EQ(g.metrics["probe_refused"], 12) << dump(g);
    EXPECT_EQ(g.metrics["probe_runs"], 13);
    EXPECT_EQ(g.metrics["env_files_loaded"], 2);  // .env, .env.prod
    for (const char* s : kScenarioSecrets) EXPECT_EQ(all_text(g).find(s), std::string::npos) << s;
}

TEST(ConfigGate, BrokenAppThatAcceptsOneDangerousCombinationFailsWithExactlyThatFinding) {
    testing::TempDir dir;
    std::string base = copy_scenario(dir, "accepts-dangerous");
    GateResult g = run_config_gate(scenario_options(base));
    EXPECT_EQ(g.status, "fail") << dump(g);
    ASSERT_EQ(g.findings.size(), 1u) << dump(g);
    const Finding& f = g.findings[0];
    EXPECT_EQ(f.rule, "config.probe-accepted-dangerous");
    EXPECT_EQ(f.object, "PERF_ALLOW_DESTRUCTIVE_RESET=true");
    EXPECT_NE(f.message.find("accepted PERF_ALLOW_DESTRUCTIVE_RESET=true"), std::string::npos) << f.message;
    EXPECT_NE(f.message.find("exited 0"), std::string::npos) << f.message;
    // Points at the rule the app ignores: `allowed: {prod: [false]}` of the key in the rules file.
    int key_line = line_of(base + "/config/rules.yaml", "PERF_ALLOW_DESTRUCTIVE_RESET:");
    expect_at(&f, "config/rules.yaml", key_line + 3);
    EXPECT_EQ(g.metrics["probe_accepted"], 1);
    EXPECT_EQ(g.metrics["probe_refused"], 11);
    for (const char* s : kScenarioSecrets) EXPECT_EQ(all_text(g).find(s), std::string::npos) << s;
}

TEST(ConfigGate, LaggingEnvExampleFailsWithExactlyTheDriftInBothDirections) {
    testing::TempDir dir;
    std::string base = copy_scenario(dir, "example-lags");
    GateResult g = run_config_gate(scenario_options(base));
    EXPECT_EQ(g.status, "fail") << dump(g);
    auto missing = with_rule(g, "config.example-missing-key");
    auto unknown = with_rule(g, "config.example-unknown-key");
    ASSERT_EQ(missing.size(), 3u) << dump(g);
    ASSERT_EQ(unknown.size(), 1u) << dump(g);
    EXPECT_EQ(g.findings.size(), 4u) << dump(g);
    std::set<std::string> keys;
    for (const auto* f : missing) {
        keys.insert(f->object);
        expect_at(f, "config/rules.yaml", line_of(base + "/config/rules.yaml", "  " + f->object + ":"));
        EXPECT_NE(f->message.find("Add '" + f->object + "="), std::string::npos) << f->message;
    }
    EXPECT_EQ(keys, (std::set<std::string>{"START_SERVICES_IF_NEEDED", "WORKER_HEALTH_URL", "SCOPE_PURGE_REQUIRE_CONFIRM"}));
    EXPECT_EQ(unknown[0]->object, "AUTO_START_SERVICES");
    expect_at(unknown[0], ".env.example", line_of(base + "/.env.example", "AUTO_START_SERVICES="));
    EXPECT_EQ(g.metrics["probe_refused"], 12);  // the app itself is fine
}

TEST(ConfigGate, EachViolationClassIsReportedOnceWithFileAndLine) {
    testing::TempDir dir;
    std::string base = copy_scenario(dir);
    const std::string prod =
        "APP_ENV=prod\n"                                                              // 1
        "DATABASE_URL=postgres://memory:Sup3rS3cret!@127.0.0.1:5432/memory\n"        // 2 requirement
        "PORT=eighty\n"                                                               // 3 type
        "START_SERVICES_IF_NEEDED=true\n"                                             // 4 not allowed in prod
        "SCOPE_PURGE_MODE=delete\n"                                                   // 5 forbidden (with 6)
        "SCOPE_PURGE_REQUIRE_CONFIRM=false\n"                                         // 6
        "this line is broken\n"                                                       // 7 syntax
        "JWT_SECRET=${MEMORY_JWT_SECRET:-another-example-signing-key-0123456789}\n"   // 8
        "LOG_LEVEL=info\n"                                                            // 9
        "LOG_LEVEL=warn\n"                                                            // 10 duplicate
        "START_SERVICE_IF_NEEDED=false\n"                                             // 11 typo: unknown key
        "DB_HOST=db.prod.internal\n";                                                 // 12
    dir.write(".env.prod", prod);  // WORKER_HEALTH_URL missing: required in prod
    GateResult g = run_config_gate(scenario_options(base));
    EXPECT_EQ(g.status, "fail") << dump(g);
    auto one = [&](const std::string& rule) -> const Finding* {
        auto fs = with_rule(g, rule);
        EXPECT_EQ(fs.size(), 1u) << rule << "\n" << dump(g);
        return fs.empty() ? nullptr : fs[0];
    };
    const Finding* f;
    if ((f = one("config.requirement"))) {
        expect_at(f, ".env.prod", 2);
        EXPECT_EQ(f->object, "DATABASE_URL");
        EXPECT_NE(f->message.find("host '127.0.0.1'"), std::string::npos) << f->message;
        EXPECT_NE(f->message.find("Point DATABASE_URL at the prod server"), std::string::npos) << f->message;
    }
    if ((f = one("config.type"))) {
        expect_at(f, ".env.prod", 3);
        EXPECT_NE(f->message.find("PORT=eighty"), std::string::npos) << f->message;
        EXPECT_NE(f->message.find("PORT=3000"), std::string::npos) << f->message;  // what to set instead
    }
    if ((f = one("config.not-allowed-in-mode"))) {
        expect_at(f, ".env.prod", 4);
        EXPECT_NE(f->message.find("Set START_SERVICES_IF_NEEDED=false"), std::string::npos) << f->message;
    }
    if ((f = one("config.forbidden-combination"))) {
        expect_at(f, ".env.prod", 5);
        EXPECT_EQ(f->object, "unconfirmed-delete-purge");
        EXPECT_NE(f->message.find("SCOPE_PURGE_MODE=delete (.env.prod:5) together with SCOPE_PURGE_REQUIRE_CONFIRM=false (.env.prod:6)"),
                  std::string::npos) << f->message;
        EXPECT_NE(f->message.find("Set SCOPE_PURGE_MODE=partition"), std::string::npos) << f->message;
    }
    if ((f = one("config.syntax"))) expect_at(f, ".env.prod", 7);
    if ((f = one("config.duplicate-key"))) {
        expect_at(f, ".env.prod", 10);
        EXPECT_EQ(f->details.at("other_line"), "9");
    }
    if ((f = one("config.unknown-key"))) {
        expect_at(f, ".env.prod", 11);
        EXPECT_NE(f->message.find("Did you mean START_SERVICES_IF_NEEDED?"), std::string::npos) << f->message;
    }
    if ((f = one("config.required-missing"))) {
        EXPECT_EQ(f->object, "WORKER_HEALTH_URL");
        expect_at(f, "config/rules.yaml", line_of(base + "/config/rules.yaml", "  WORKER_HEALTH_URL:"));
        EXPECT_NE(f->message.find("Add WORKER_HEALTH_URL=<value> to .env.prod"), std::string::npos) << f->message;
    }
    // START_SERVICE_IF_NEEDED is also not documented in .env.example.
    if ((f = one("config.example-missing-key"))) expect_at(f, ".env.prod", 11);
    EXPECT_EQ(g.findings.size(), 9u) << dump(g);
    EXPECT_EQ(g.metrics.count("probe_runs"), 0u) << "the probe must not run on a non-compliant env";
    EXPECT_EQ(all_text(g).find("Sup3rS3cret!"), std::string::npos) << dump(g);
    EXPECT_EQ(all_text(g).find("another-example-signing-key"), std::string::npos) << dump(g);
}

TEST(ConfigGate, ModeMismatchAndProcessEnvironmentPrecedence) {
    testing::TempDir dir;
    std::string base = copy_scenario(dir);
    ConfigGateOptions o = scenario_options(base);
    o.probe = false;
    // The process environment wins over .env.prod (as for the app): TLS off from the deployment.
    o.process_env = std::map<std::string, std::string>{{"TLS_ENABLED", "false"}, {"PATH", "/usr/bin"}};
    GateResult g = run_config_gate(o);
    auto req = with_rule(g, "config.requirement");
    ASSERT_EQ(req.size(), 1u) << dump(g);
    EXPECT_EQ(req[0]->object, "TLS_ENABLED");
    EXPECT_NE(req[0]->message.find("the process environment"), std::string::npos) << req[0]->message;
    EXPECT_FALSE(req[0]->location.has_value());
    EXPECT_EQ(g.findings.size(), 1u) << dump(g);

    // APP_ENV=dev in a file checked as prod.
    o.process_env = std::map<std::string, std::string>{};
    o.env_files = {".env", ".env.prod", ".env.override"};
    dir.write(".env.override", "# staging copy\nAPP_ENV=dev\n");
    g = run_config_gate(o);
    auto mode = with_rule(g, "config.mode");
    ASSERT_EQ(mode.size(), 1u) << dump(g);
    expect_at(mode[0], ".env.override", 2);
    EXPECT_EQ(g.status, "fail");

    // No mode given: APP_ENV of the env files decides (.env says dev, so .env.dev would be read).
    o.mode = "";
    o.env_files.clear();
    g = run_config_gate(o);
    EXPECT_EQ(g.status, "pass") << dump(g);
    EXPECT_NE(g.summary.find("checked for dev"), std::string::npos) << g.summary;

    // A mode the rules do not know: the gate cannot judge.
    o.mode = "staging";
    g = run_config_gate(o);
    EXPECT_EQ(g.status, "error") << dump(g);
    EXPECT_EQ(with_rule(g, "config.mode").size(), 1u);
}

// A tiny app in sh whose behaviour per case is chosen by env: used for the probe's edge cases.
const char* kProbeRules = R"(modes: [dev, prod]
keys:
  APP_ENV: {type: enum, values: [dev, prod], required: true}
  DATABASE_URL: {type: url, required: [prod], secret: true}
  REDIS_URL: {type: url}
  DANGER_A: {type: bool, default: false, allowed: {prod: [false]}}
  DANGER_B: {type: bool, default: false, allowed: {prod: [false]}}
  DANGER_C: {type: bool, default: false, allowed: {prod: [false]}}
  API_TOKEN: {type: string, required: [prod]}
probe:
  command: sh app.sh
  cwd: .
  kind: KIND
  timeout: 2s
  up_for: 1500ms
  required_cases: false
)";

struct ProbeFixture {
    testing::TempDir dir;
    ConfigGateOptions o;
    ProbeFixture(const std::string& kind, const std::string& app) {
        std::string rules = kProbeRules;
        rules.replace(rules.find("KIND"), 4, kind);
        dir.write("rules.yaml", rules);
        dir.write("app.sh", app);
        dir.write(".env.prod",
                  "APP_ENV=prod\nDATABASE_URL=postgres://svc:Pa55w0rd-xyz@db.internal/app\nREDIS_URL=redis://:r3dis-pw-123@cache:6379/0\n"
                  "API_TOKEN=tok_live_ABCDEF123456\n");
        o.base_dir = dir.path;
        o.rules_file = "rules.yaml";
        o.mode = "prod";
        o.process_env = std::map<std::string, std::string>{};
    }
};

TEST(ConfigGate, ExampleAlignmentAcceptsCommentedOutOptionalKeys) {
    ProbeFixture fx("check", "exit 0\n");
    fx.o.probe = false;
    fx.o.example_file = ".env.example";
    fx.dir.write(".env.example",
                 "APP_ENV=dev\nDATABASE_URL=\n# REDIS_URL=redis://cache:6379/0   (optional)\n#DANGER_A=false\n"
                 "DANGER_B=false\nDANGER_C=false\nAPI_TOKEN=\nLEGACY_FLAG=1\n");
    GateResult g = run_config_gate(fx.o);
    ASSERT_EQ(g.findings.size(), 1u) << dump(g);
    EXPECT_EQ(g.findings[0].rule, "config.example-unknown-key");
    EXPECT_EQ(g.findings[0].object, "LEGACY_FLAG");
    expect_at(&g.findings[0], ".env.example", 8);
}

TEST(ConfigGate, HangingAppIsKilledWithItsProcessGroupAndReported) {
    // Dangerous DANGER_A: the app starts a child and never exits.
    ProbeFixture fx("check",
                    "if [ \"$DANGER_A\" = true ]; then sleep 300 & echo $! > child.pid; echo $$ > app.pid; wait; fi\n"
                    "if [ \"$DANGER_B\" = true ] || [ \"$DANGER_C\" = true ]; then echo 'DANGER_B/DANGER_C refused' >&2; exit 1; fi\n"
                    "exit 0\n");
    GateResult g = run_config_gate(fx.o);
    auto hung = with_rule(g, "config.probe-hung");
    ASSERT_EQ(hung.size(), 1u) << dump(g);
    EXPECT_EQ(hung[0]->object, "DANGER_A=true");
    EXPECT_NE(hung[0]->message.find("killed it"), std::string::npos);
    EXPECT_EQ(g.findings.size(), 1u) << dump(g);
    EXPECT_EQ(g.status, "fail");
    // Both the app and the child it started are gone (killed as a group, reaped).
    for (const char* pidfile : {"app.pid", "child.pid"}) {
        std::ifstream in(fx.dir.path + "/" + pidfile);
        pid_t pid = 0;
        ASSERT_TRUE(in >> pid) << pidfile;
        bool alive = true;
        for (int i = 0; i < 100 && (alive = pid_alive(pid)); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_FALSE(alive) << pidfile << " " << pid;
    }
}

TEST(ConfigGate, ServerProbeAcceptedRefusedAndUnclearErrors) {
    ProbeFixture fx("server",
                    "if [ \"$DANGER_A\" = true ]; then echo 'refusing: DANGER_A must be false in prod' >&2; exit 1; fi\n"
                    "if [ \"$DANGER_C\" = true ]; then echo 'bad config' >&2; exit 3; fi\n"
                    "exec sleep 30\n");  // the compliant env and DANGER_B: the server stays up
    GateResult g = run_config_gate(fx.o);
    auto accepted = with_rule(g, "config.probe-accepted-dangerous");
    auto unclear = with_rule(g, "config.probe-unclear-error");
    ASSERT_EQ(accepted.size(), 1u) << dump(g);
    EXPECT_EQ(accepted[0]->object, "DANGER_B=true");
    EXPECT_NE(accepted[0]->message.find("still running after 1500 ms"), std::string::npos) << accepted[0]->message;
    ASSERT_EQ(unclear.size(), 1u) << dump(g);
    EXPECT_EQ(unclear[0]->object, "DANGER_C=true");
    EXPECT_EQ(g.metrics["probe_refused"], 1);
    EXPECT_EQ(g.findings.size(), 2u) << dump(g);
}

TEST(ConfigGate, CompliantRunThatFailsStopsTheProbe) {
    ProbeFixture fx("check", "echo 'config error: API_TOKEN looks wrong' >&2\nexit 2\n");
    GateResult g = run_config_gate(fx.o);
    auto f = with_rule(g, "config.probe-compliant-failed");
    ASSERT_EQ(f.size(), 1u) << dump(g);
    EXPECT_EQ(f[0]->details.at("exit_code"), "2");
    EXPECT_NE(f[0]->details.at("output").find("API_TOKEN looks wrong"), std::string::npos);
    EXPECT_EQ(g.metrics["probe_runs"], 1);
    EXPECT_EQ(g.findings.size(), 1u) << dump(g);
}

TEST(ConfigGate, NoSecretValueAppearsInAnyFindingEvenWhenTheAppPrintsThem) {
    // The app dumps its whole environment on every refusal, and accepts DANGER_B.
    ProbeFixture fx("check",
                    "if [ \"$DANGER_A\" = true ] || [ \"$DANGER_C\" = true ]; then env >&2; echo \"DANGER_A DANGER_C $DATABASE_URL $API_TOKEN\"; exit 1; fi\n"
                    "env; echo \"token=$API_TOKEN db=$DATABASE_URL redis=$REDIS_URL\"\n"
                    "exit 0\n");
    // Also a type error on a secret key, and a duplicate of it.
    fx.dir.write(".env.prod",
                 "APP_ENV=prod\nDATABASE_URL=postgres://svc:Pa55w0rd-xyz@db.internal/app\nREDIS_URL=redis://:r3dis-pw-123@cache:6379/0\n"
                 "API_TOKEN=tok_live_ABCDEF123456\nAPI_TOKEN=tok_live_OLD987654321\n");
    GateResult g = run_config_gate(fx.o);
    ASSERT_FALSE(g.findings.empty()) << dump(g);
    ASSERT_EQ(with_rule(g, "config.probe-accepted-dangerous").size(), 1u) << dump(g);
    std::string text = all_text(g);
    for (const char* s : {"Pa55w0rd-xyz", "tok_live_ABCDEF123456", "tok_live_OLD987654321", "r3dis-pw-123"})
        EXPECT_EQ(text.find(s), std::string::npos) << s << "\n" << dump(g);

    // A secret that is not a valid value of its type is not echoed either.
    fx.dir.write(".env.prod", "APP_ENV=prod\nDATABASE_URL=not a url but a pa55phrase\nAPI_TOKEN=t\n");
    g = run_config_gate(fx.o);
    auto type = with_rule(g, "config.type");
    ASSERT_EQ(type.size(), 1u) << dump(g);
    EXPECT_NE(type[0]->message.find("DATABASE_URL=***"), std::string::npos) << type[0]->message;
    EXPECT_EQ(all_text(g).find("pa55phrase"), std::string::npos) << dump(g);
}

TEST(ConfigGate, RulesFileProblemsAreListedWithLineAndColumn) {
    testing::TempDir dir;
    dir.write("rules.yaml",
              "modes: [dev, prod]\n"
              "keys:\n"
              "  FLAG: {type: bool, default: maybe}\n"               // 3: invalid default
              "  LEVEL: {type: enum, valeus: [a, b]}\n"              // 4: typo, and no values
              "  NAME: {type: string, pattern: '(['}\n"              // 5: bad regex
              "forbidden:\n"
              "  - modes: [prod, staging]\n"                         // 7: unknown mode
              "    when: {FLGA: true}\n");                           // 8: undeclared key
    ConfigGateOptions o;
    o.base_dir = dir.path;
    o.rules_file = "rules.yaml";
    o.mode = "prod";
    o.process_env = std::map<std::string, std::string>{};
    GateResult g = run_config_gate(o);
    EXPECT_EQ(g.status, "error") << dump(g);
    std::vector<std::string> where;
    for (const auto& f : g.findings) {
        EXPECT_EQ(f.rule, "config.rules-invalid");
        ASSERT_TRUE(f.location.has_value());
        where.push_back(std::to_string(f.location->line) + ":" + std::to_string(f.location->column));
    }
    std::string all = all_text(g);
    EXPECT_NE(all.find("'maybe' is not a valid bool"), std::string::npos) << dump(g);
    EXPECT_NE(all.find("Did you mean 'values'?"), std::string::npos) << dump(g);
    EXPECT_NE(all.find("not a valid regular expression"), std::string::npos) << dump(g);
    EXPECT_NE(all.find("'staging' is not one of the modes"), std::string::npos) << dump(g);
    EXPECT_NE(all.find("Did you mean 'FLAG'?"), std::string::npos) << dump(g);
    EXPECT_NE(std::find(where.begin(), where.end(), "3:31"), where.end()) << dump(g);
    EXPECT_NE(std::find(where.begin(), where.end(), "8:12"), where.end()) << dump(g);

    dir.write("rules.yaml", "modes: [dev\nkeys: {}\n");
    g = run_config_gate(o);
    ASSERT_EQ(g.findings.size(), 1u) << dump(g);
    EXPECT_NE(g.findings[0].message.find("not valid YAML"), std::string::npos);
    EXPECT_EQ(g.status, "error");

    o.rules_file = "missing.yaml";
    g = run_config_gate(o);
    EXPECT_EQ(g.status, "error") << dump(g);
}

TEST(ConfigGate, PggateYamlSection) {
    testing::TempDir dir;
    dir.write("config/rules.yaml", "modes: [prod]\nkeys: {}\n");
    dir.write(".env.example", "");
    std::string cfg = dir.write("pggate.yaml",
                                "gates:\n  config:\n    rules: config/rules.yaml\n    env_files: [.env.prod]\n    example: .env.example\n"
                                "    mode: prod\n    probe: false\n    process_env: no\n    rulez: x\n");
    YAML::Node root = YAML::LoadFile(cfg);
    std::vector<std::string> problems;
    ConfigGateOptions o = parse_config_gate_section(root["gates"]["config"], "pggate.yaml", dir.path, problems);
    EXPECT_EQ(o.rules_file, "config/rules.yaml");
    EXPECT_EQ(o.env_files, std::vector<std::string>{".env.prod"});
    EXPECT_EQ(o.example_file, ".env.example");
    EXPECT_EQ(o.mode, "prod");
    EXPECT_FALSE(o.probe);
    EXPECT_FALSE(o.use_process_env);
    EXPECT_EQ(o.base_dir, dir.path);
    ASSERT_EQ(problems.size(), 2u);  // env_files entry missing, unknown key
    std::sort(problems.begin(), problems.end());
    EXPECT_NE(problems[0].find("pggate.yaml:4:17: gates.config.env_files entry '.env.prod' does not exist"), std::string::npos) << problems[0];
    EXPECT_NE(problems[1].find("pggate.yaml:9:5: unknown key 'rulez' in gates.config"), std::string::npos) << problems[1];
}

// Bounded random-input fuzz of the rules parser: mutated rules files must never crash or throw.
TEST(ConfigGate, FuzzRulesParser) {
    std::ifstream in(kScenario + "/config/rules.yaml");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::vector<std::string> corpus = {
        ss.str(),
        kProbeRules,
        "modes: [a, b]\nkeys:\n  X: {type: int, min: 1, max: 3, default: {a: 2, '*': 3}}\n",
        "modes: [p]\nbooleans: {true: [y], false: [n]}\nkeys:\n  B: {type: bool, allowed: [n]}\nforbidden:\n  - when: {B: y}\n",
        "modes: [p]\nkeys:\n  U: {type: url, schemes: [http]}\nrequirements:\n  - {key: U, host_not_in: [localhost], when: {U: 'http://x'}}\n",
        "modes: [p]\nkeys:\n  S: {type: string, pattern: 'a+b*'}\nrequirements:\n  - {key: S, matches: '[ab]+'}\n  - {key: S, in: [a, b]}\n",
        "modes: [p]\nkeys:\n  D: {type: duration, min: 1s, max: 1h, default: 30s}\nprobe: {command: [true], kind: server, up_for: 1s}\n",
    };
    const std::string tokens[] = {"\n", " ", "  ", ":", "- ", "[", "]", "{", "}", ",", "'", "\"", "#", "type", "bool", "int", "enum",
                                  "url", "values", "default", "allowed", "required", "modes", "keys", "when", "probe", "prod",
                                  "true", "false", "&a", "*a", "!!str", "|", ">", "%", "\t", "min", "max", "pattern", "(", ")", "*"};
    std::mt19937 rng(424242u);
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    // 20,000 by default (well under a second); PGGATE_FUZZ_INPUTS=N runs more.
    const int kInputs = std::getenv("PGGATE_FUZZ_INPUTS") ? std::max(1, std::atoi(std::getenv("PGGATE_FUZZ_INPUTS"))) : 20000;
    int ran = 0, valid = 0;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kInputs; ++i) {
        std::string s = corpus[pick(corpus.size())];
        size_t edits = pick(2) == 0 ? 1 : 1 + pick(6);
        for (size_t k = 0; k < edits; ++k) {
            size_t at = pick(s.size() + 1);
            switch (pick(4)) {
                case 0: s.insert(at, tokens[pick(std::size(tokens))]); break;
                case 1: if (at < s.size()) s.erase(at, 1 + pick(std::min<size_t>(8, s.size() - at))); break;
                case 2: if (at < s.size()) s[at] = static_cast<char>(pick(256)); break;
                default: {  // splice a piece of another corpus entry
                    const std::string& o = corpus[pick(corpus.size())];
                    size_t from = pick(o.size());
                    s.insert(at, o.substr(from, pick(40)));
                }
            }
        }
        std::vector<RulesProblem> problems;
        std::string failure;
        try {
            ConfigRules r = parse_config_rules("fuzz.yaml", s, "/tmp", problems);
            if (problems.empty()) {
                ++valid;
                for (const auto& k : r.keys)
                    for (const auto& [m, v] : k.defaults) (void)normalize_env_value(r, k, v);
            }
            for (const auto& p : problems)
                if (p.message.empty()) failure = "problem without a message";
        } catch (const std::exception& e) {
            failure = std::string("exception escaped: ") + e.what();
        } catch (...) {
            failure = "unknown exception escaped";
        }
        ASSERT_EQ(failure, "") << "input #" << i << ":\n" << s;
        ++ran;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[ fuzz     ] rules parser: %d inputs (%d valid), no crash, no exception (%.2f s)\n", ran, valid, secs);
    EXPECT_EQ(ran, kInputs);
}

}  // namespace
}  // namespace pggate
