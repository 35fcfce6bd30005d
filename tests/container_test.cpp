// The container provider with a real engine (podman; never mocked): the image built from this
// machine's PostgreSQL, start/ready/databases/removal, labels, reaping after a killed owner, SIGINT,
// SIGTERM and kill -9 of pggate, parallel runs, identical findings to the local provider, auto, and
// the errors a user meets. When podman is missing these tests FAIL (CI installs it); set
// PGGATE_NO_CONTAINER_ENGINE=1 to skip them on a machine that cannot run containers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "harness/config.h"
#include "harness/container_engine.h"
#include "harness/pg.h"
#include "harness/process.h"
#include "harness/provider.h"
#include "reports/schema.h"
#include "tests/support/test_server.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

namespace pggate {
namespace {

using testing::TempDir;

constexpr const char* kImage = "localhost/pggate-postgres:15";

bool skip_requested() {
    const char* v = std::getenv("PGGATE_NO_CONTAINER_ENGINE");
    return v && std::string(v) == "1";
}

ContainerEngine podman() {
    std::string why;
    auto e = find_container_engine("podman", why);
    if (!e) throw std::runtime_error(why);
    return *e;
}

ProcessResult pggate(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    ProcessSpec p;
    p.argv = {PGGATE_BIN};
    p.argv.insert(p.argv.end(), args.begin(), args.end());
    p.timeout = 300s;
    p.env_set = env;
    p.env_set["CI"] = "true";
    return run_process(p);
}

// Containers of pggate runs whose owner is gone: after every test there must be none.
std::vector<ContainerListing> leaked() {
    std::vector<ContainerListing> out;
    for (const auto& c : list_pggate_containers(podman()))
        if (owner_is_gone(c.labels, host_name()) && c.name.find(kKeptSuffix) == std::string::npos) out.push_back(c);
    return out;
}

std::vector<ContainerListing> containers_of_pid(pid_t pid) {
    std::vector<ContainerListing> out;
    for (const auto& c : list_pggate_containers(podman()))
        if (c.labels.count("pggate.pid") && c.labels.at("pggate.pid") == std::to_string(pid)) out.push_back(c);
    return out;
}

std::vector<ContainerListing> containers_of_run(const std::string& run) {
    std::vector<ContainerListing> out;
    for (const auto& c : list_pggate_containers(podman()))
        if (c.labels.count("pggate.run") && c.labels.at("pggate.run") == run) out.push_back(c);
    return out;
}

std::string unique_run(const std::string& prefix) {
    std::random_device rd;
    return prefix + std::to_string(rd() % 100000);
}

json read_report(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto problems = validate_report(text.str());
    EXPECT_TRUE(problems.empty()) << path << ": " << (problems.empty() ? "" : problems.front());
    return json::parse(text.str());
}

std::string scenario(const std::string& name) { return std::string(PGGATE_SOURCE_DIR) + "/scenarios/" + name; }

// A private copy of a scenario, with a container: section naming the test image.
std::string container_copy(const TempDir& d, const std::string& name, const std::string& extra = "") {
    std::string dest = d.path + "/" + name;
    fs::copy(scenario(name), dest, fs::copy_options::recursive);
    fs::remove_all(dest + "/.pggate");
    std::ofstream(dest + "/pggate.yaml", std::ios::app) << "container:\n  engine: podman\n  image: " << kImage << "\n" << extra;
    return dest;
}

class Container : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (skip_requested()) return;
        // Built once from this machine's PostgreSQL; skipped when the tag already has the same content hash.
        auto r = pggate({"image", "build", "--engine", "podman", "--tag", kImage});
        build_ok_ = r.exit_code == 0;
        build_output_ = r.out + r.err;
    }
    void SetUp() override {
        if (skip_requested()) GTEST_SKIP() << "PGGATE_NO_CONTAINER_ENGINE=1: container tests skipped on request";
        std::string why;
        ASSERT_TRUE(find_container_engine("podman", why)) << why << "\n(CI installs podman with ci/install-deps.sh; to skip these tests on a "
                                                             "machine without an engine, set PGGATE_NO_CONTAINER_ENGINE=1)";
        ASSERT_TRUE(build_ok_) << "pggate image build failed:\n" << build_output_;
    }
    void TearDown() override {
        if (skip_requested() || HasFatalFailure()) return;
        auto left = leaked();
        EXPECT_TRUE(left.empty()) << "leaked container: " << (left.empty() ? "" : left[0].name);
    }
    static inline bool build_ok_ = false;
    static inline std::string build_output_;
};

TEST_F(Container, StartsReadyCreatesCopiesAndLeavesNothing) {
    Config cfg;
    cfg.provider = "container";
    cfg.container.engine = "podman";
    std::string run = unique_run("ct");
    auto p = make_provider(cfg, run);
    p->start();
    EXPECT_EQ(p->kind(), "container");
    EXPECT_EQ(p->server_version().substr(0, 3), "15.");
    auto mine = containers_of_run(run);
    ASSERT_EQ(mine.size(), 1u);
    // Labels: run id, owner pid and its start time, host, start time.
    const auto& l = mine[0].labels;
    EXPECT_EQ(l.at("pggate.pid"), std::to_string(getpid()));
    EXPECT_EQ(l.at("pggate.pid_start"), std::to_string(process_start_time(getpid())));
    EXPECT_EQ(l.at("pggate.host"), host_name());
    EXPECT_FALSE(l.at("pggate.started_at").empty());
    // Published on loopback only.
    auto port = engine_command(podman(), {"port", mine[0].name, "5432/tcp"});
    EXPECT_EQ(port.out.rfind("127.0.0.1:", 0), 0u) << port.out;

    Database a = p->create_database("init", nullptr);
    {
        PgConn c(a.conninfo);
        EXPECT_EQ(c.exec("SELECT current_database()").get(0, 0), "init");
        EXPECT_EQ(c.exec("SHOW fsync").get(0, 0), "off");
        c.exec("CREATE TABLE only_in_init (id int PRIMARY KEY); INSERT INTO only_in_init VALUES (1), (2)");
    }
    Database b = p->create_database("init-upgrade", &a);  // a file-level copy (CREATE DATABASE … TEMPLATE)
    EXPECT_EQ(b.name, "init_upgrade");
    EXPECT_EQ(PgConn(b.conninfo).exec("SELECT count(*) FROM only_in_init").get(0, 0), "2");
    EXPECT_EQ(b.client_env.at("PGHOST"), "127.0.0.1");
    EXPECT_EQ(b.client_env.at("PGDATABASE"), "init_upgrade");
    EXPECT_NE(p->describe().find(kImage), std::string::npos);
    EXPECT_EQ(p->describe().find("password"), std::string::npos);
    EXPECT_GT(p->metrics().at("startup_ms"), 0);
    p->stop();
    EXPECT_TRUE(containers_of_run(run).empty());
    p->stop();  // idempotent
}

TEST_F(Container, ADeadOwnersContainerIsReapedAndALiveOnesIsNot) {
    std::string run = unique_run("victim");
    int pipefd[2];
    ASSERT_EQ(pipe(pipefd), 0);
    pid_t child = fork();
    if (child == 0) {
        close(pipefd[0]);
        Config cfg;
        cfg.provider = "container";
        cfg.container.engine = "podman";
        auto p = make_provider(cfg, run);
        p->start();
        (void)!write(pipefd[1], "x", 1);
        pause();
        _exit(0);
    }
    close(pipefd[1]);
    char c = 0;
    ASSERT_EQ(read(pipefd[0], &c, 1), 1) << "the child could not start its container";
    close(pipefd[0]);
    // Owner alive: a reap leaves it alone.
    EXPECT_EQ(reap_stale_containers(podman(), false), 0);
    ASSERT_EQ(containers_of_run(run).size(), 1u);
    kill(child, SIGKILL);  // no clean-up runs in the child
    waitpid(child, nullptr, 0);
    ASSERT_EQ(containers_of_run(run).size(), 1u) << "the orphaned container should still exist before the reap";
    auto r = pggate({"reap"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("reaped 1 container(s)"), std::string::npos) << r.out;
    EXPECT_TRUE(containers_of_run(run).empty());
}

// A run that is mid-replay (pg_sleep in the init script) when the signal arrives.
struct SlowRun {
    TempDir d;
    pid_t pid = 0;
    SlowRun() {
        d.write("init.sql", "CREATE TABLE a (id int);\nSELECT pg_sleep(60);\n");
        std::string cfg = d.write("pggate.yaml", std::string("init: {scripts: [init.sql]}\nprovider: container\ncontainer: {engine: podman, image: ") +
                                                     kImage + "}\n");
        ProcessSpec p;
        p.argv = {PGGATE_BIN, "run", "--config", cfg};
        p.stdout_file = d.path + "/out.txt";
        p.stderr_file = d.path + "/err.txt";
        pid = spawn_process(p);
    }
    // Waits until the init script is running in the container's server.
    bool wait_until_replaying() {
        for (int i = 0; i < 3000; ++i) {
            std::ifstream err(d.path + "/err.txt");
            std::stringstream s;
            s << err.rdbuf();
            if (s.str().find("[provision]") != std::string::npos) {
                std::this_thread::sleep_for(300ms);
                return !containers_of_pid(pid).empty();
            }
            if (waitpid(pid, nullptr, WNOHANG) == pid) return false;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    int wait_exit() {
        int status = 0;
        for (int i = 0; i < 3000; ++i) {
            if (waitpid(pid, &status, WNOHANG) == pid) return status;
            std::this_thread::sleep_for(10ms);
        }
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
    }
};

class ContainerSignal : public Container, public ::testing::WithParamInterface<int> {};

TEST_P(ContainerSignal, MidRunRemovesTheContainer) {
    SlowRun run;
    ASSERT_TRUE(run.wait_until_replaying()) << "the run did not reach the replay";
    kill(run.pid, GetParam());
    int status = run.wait_exit();
    ASSERT_TRUE(status >= 0 && WIFEXITED(status)) << "pggate did not exit within 30 s of signal " << GetParam();
    EXPECT_EQ(WEXITSTATUS(status), 128 + GetParam());
    EXPECT_TRUE(containers_of_pid(run.pid).empty()) << "the container outlived pggate";
}

INSTANTIATE_TEST_SUITE_P(SigintAndSigterm, ContainerSignal, ::testing::Values(SIGINT, SIGTERM));

TEST_F(Container, KillNineLeavesAContainerThatTheNextRunRemoves) {
    SlowRun run;
    ASSERT_TRUE(run.wait_until_replaying());
    kill(run.pid, SIGKILL);
    run.wait_exit();
    ASSERT_EQ(containers_of_pid(run.pid).size(), 1u) << "kill -9 leaves the container (nothing can run in pggate)";
    TempDir d;
    d.write("init.sql", "CREATE TABLE t (id int);\n");
    std::string cfg = d.write("pggate.yaml", std::string("init: {scripts: [init.sql]}\nprovider: container\ncontainer: {engine: podman, image: ") +
                                                 kImage + "}\n");
    auto next = pggate({"run", "--config", cfg, "--report-dir", d.path + "/out"});
    EXPECT_EQ(next.exit_code, 0) << next.out << next.err;
    EXPECT_TRUE(containers_of_pid(run.pid).empty()) << "the next run did not reap the killed run's container";
}

TEST_F(Container, KeepLeavesTheContainerUntilReapedWithKept) {
    TempDir d;
    d.write("init.sql", "CREATE TABLE kept_table (id int);\n");
    std::string cfg = d.write("pggate.yaml", std::string("init: {scripts: [init.sql]}\nprovider: container\ncontainer: {engine: podman, image: ") +
                                                 kImage + "}\n");
    auto r = pggate({"run", "--config", cfg, "--keep", "--report-dir", d.path + "/out"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto at = r.out.find("kept: psql \"");
    ASSERT_NE(at, std::string::npos) << r.out;
    std::string conninfo = r.out.substr(at + 12, r.out.find('"', at + 12) - at - 12);
    conninfo.replace(conninfo.find("<database>"), 10, "init");
    auto c = r.out.find("(container ", at);
    ASSERT_NE(c, std::string::npos) << r.out;
    std::string name = r.out.substr(c + 11, r.out.find(';', c) - c - 11);
    EXPECT_EQ(name.substr(name.size() - 5), "-kept") << name;
    EXPECT_EQ(PgConn(conninfo).exec("SELECT to_regclass('kept_table') IS NOT NULL").get(0, 0), "t");
    // Neither the next run's reaper nor a plain reap touches it; `pggate reap --kept` removes it.
    EXPECT_EQ(pggate({"run", "--config", cfg, "--report-dir", d.path + "/out2"}).exit_code, 0);
    EXPECT_EQ(pggate({"reap"}).exit_code, 0);
    EXPECT_NO_THROW(PgConn(conninfo).exec("SELECT 1"));
    auto reap = pggate({"reap", "--kept"});
    EXPECT_EQ(reap.exit_code, 0) << reap.err;
    bool still_there = false;
    for (const auto& x : list_pggate_containers(podman())) still_there = still_there || x.name == name;
    EXPECT_FALSE(still_there) << name << " survived pggate reap --kept";
}

TEST_F(Container, TwoRunsAtOnceBothPass) {
    // A small project (init path and a SQL chain, compared): the point is two containers side by side.
    TempDir d;
    for (const char* name : {"a", "b"}) {
        std::string p = d.path + "/" + name;
        d.write(std::string(name) + "/init.sql", "CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL);\n");
        d.write(std::string(name) + "/migrations/001_t.sql", "CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL);\n");
        d.write(std::string(name) + "/pggate.yaml", std::string("init: {scripts: [init.sql]}\nchain: {dir: migrations}\n"
                                                                "container: {engine: podman, image: ") + kImage + "}\n");
    }
    ProcessResult ra, rb;
    std::thread t([&] { ra = pggate({"run", "--config", d.path + "/a/pggate.yaml"}); });
    rb = pggate({"run", "--config", d.path + "/b/pggate.yaml"});
    t.join();
    EXPECT_EQ(ra.exit_code, 0) << ra.out << ra.err;
    EXPECT_EQ(rb.exit_code, 0) << rb.out << rb.err;
    json ja = read_report(d.path + "/a/.pggate/report/report.json");
    json jb = read_report(d.path + "/b/.pggate/report/report.json");
    EXPECT_EQ(ja["provider"]["kind"], "container");
    EXPECT_EQ(jb["provider"]["kind"], "container");
    EXPECT_NE(ja["provider"]["description"], jb["provider"]["description"]) << "two runs shared a container";
}

// Findings without what legitimately differs between providers (timings are not in findings; the
// provider's description and metrics are outside them).
json comparable_findings(const json& report) {
    json out = json::array();
    for (const auto& g : report["gates"]) {
        json gate = {{"id", g["id"]}, {"status", g["status"]}, {"findings", g["findings"]}};
        out.push_back(gate);
    }
    return out;
}

TEST_F(Container, CapacityScenarioGivesIdenticalFindingsOnContainerAndLocal) {
    TempDir d;
    std::string proj = container_copy(d, "capacity");
    auto rc = pggate({"run", "--config", proj + "/pggate.yaml", "--provider", "container", "--report-dir", d.path + "/container"});
    auto rl = pggate({"run", "--config", proj + "/pggate.yaml", "--provider", "local", "--report-dir", d.path + "/local"});
    EXPECT_EQ(rc.exit_code, 1) << rc.out << rc.err;
    EXPECT_EQ(rl.exit_code, 1) << rl.out << rl.err;
    json jc = read_report(d.path + "/container/report.json");
    json jl = read_report(d.path + "/local/report.json");
    EXPECT_EQ(jc["provider"]["kind"], "container");
    EXPECT_EQ(jl["provider"]["kind"], "local");
    EXPECT_EQ(jc["provider"]["reason"], "--provider container");
    json fc = comparable_findings(jc), fl = comparable_findings(jl);
    size_t n = 0;
    for (const auto& g : fc) n += g["findings"].size();
    EXPECT_GE(n, 6u) << "the capacity scenario's drift and pruning findings are missing";
    EXPECT_EQ(fc, fl) << "container:\n" << fc.dump(1) << "\nlocal:\n" << fl.dump(1);
    EXPECT_EQ(jc["status"], jl["status"]);
}

TEST_F(Container, AutoPicksTheContainerWhenTheConfigNamesAnImage) {
    TempDir d;
    d.write("init.sql", "CREATE TABLE t (id int);\n");
    std::string with_image = d.write("with/pggate.yaml", std::string("init: {scripts: [../init.sql]}\ncontainer: {engine: podman, image: ") + kImage + "}\n");
    std::string without = d.write("without/pggate.yaml", "init: {scripts: [../init.sql]}\n");
    std::string no_engine = d.write("noengine/pggate.yaml", std::string("init: {scripts: [../init.sql]}\ncontainer: {engine: /nonexistent/podman, image: ") +
                                                                kImage + "}\n");
    struct Case {
        std::string cfg, kind, reason;
    } cases[] = {{with_image, "container", "podman"}, {without, "local", "names no container.image"}, {no_engine, "local", "/nonexistent/podman does not exist"}};
    for (const auto& c : cases) {
        auto r = pggate({"run", "--config", c.cfg, "--report-dir", d.path + "/out"});
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        json j = read_report(d.path + "/out/report.json");
        EXPECT_EQ(j["provider"]["kind"], c.kind) << c.cfg;
        std::string reason = j["provider"]["reason"];
        EXPECT_NE(reason.find("provider auto: "), std::string::npos) << reason;
        EXPECT_NE(reason.find(c.reason), std::string::npos) << reason;
    }
}

// A failed start is exit 2 with one clear message, and no container is left.
struct Failure {
    int exit_code;
    std::string err;
};
Failure run_with(const TempDir& d, const std::string& container_section) {
    d.write("init.sql", "CREATE TABLE t (id int);\n");
    std::string cfg = d.write("pggate.yaml", "init: {scripts: [init.sql]}\nprovider: container\ncontainer:\n" + container_section);
    auto r = pggate({"run", "--config", cfg, "--report-dir", d.path + "/out"});
    return {r.exit_code, r.err};
}

TEST_F(Container, MissingImageSaysHowToBuildOrPullIt) {
    TempDir d;
    auto f = run_with(d, "  engine: podman\n  image: localhost/pggate-no-such-image:0\n");
    EXPECT_EQ(f.exit_code, 2);
    EXPECT_NE(f.err.find("image localhost/pggate-no-such-image:0 is not in podman's local image store"), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("pggate image build --engine podman --tag localhost/pggate-no-such-image:0"), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("podman pull localhost/pggate-no-such-image:0"), std::string::npos) << f.err;
}

TEST_F(Container, MissingEngineIsExitTwo) {
    TempDir d;
    auto f = run_with(d, "  engine: /nonexistent/podman\n  image: " + std::string(kImage) + "\n");
    EXPECT_EQ(f.exit_code, 2);
    EXPECT_NE(f.err.find("no usable container engine: /nonexistent/podman does not exist"), std::string::npos) << f.err;
    auto b = pggate({"image", "build", "--engine", "/nonexistent/podman"});
    EXPECT_EQ(b.exit_code, 2);
    EXPECT_NE(b.err.find("no usable container engine"), std::string::npos) << b.err;
}

TEST_F(Container, EngineRefusingTheContainerIsQuotedVerbatim) {
    TempDir d;
    auto f = run_with(d, "  engine: podman\n  image: " + std::string(kImage) + "\n  run_args: [--no-such-flag]\n");
    EXPECT_EQ(f.exit_code, 2);
    EXPECT_NE(f.err.find("podman refused to start a container from " + std::string(kImage)), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("unknown flag: --no-such-flag"), std::string::npos) << f.err;
}

TEST_F(Container, AServerThatNeverBecomesReadyShowsTheContainersLog) {
    TempDir d;
    // The server listens on 5433 inside, so the published 5432 never answers.
    auto f = run_with(d, "  engine: podman\n  image: " + std::string(kImage) + "\n  settings: {port: '5433'}\n  ready_timeout: 2s\n");
    EXPECT_EQ(f.exit_code, 2);
    EXPECT_NE(f.err.find("did not accept a connection and SELECT 1"), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("within 2"), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("port 5433"), std::string::npos) << "the container's log should be quoted:\n" << f.err;
}

TEST_F(Container, AServerThatExitsAtStartShowsItsLog) {
    TempDir d;
    auto f = run_with(d, "  engine: podman\n  image: " + std::string(kImage) + "\n  settings: {no_such_setting: '1'}\n");
    EXPECT_EQ(f.exit_code, 2);
    EXPECT_NE(f.err.find("exited during start-up"), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("no_such_setting"), std::string::npos) << f.err;
}

}  // namespace
}  // namespace pggate
