// The engine-facing parsing and decisions of the container provider, without an engine: what
// podman and docker print, the run command line, quirk detection rules, the reaper's verdict, and
// the container: section of pggate.yaml.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "harness/config.h"
#include "harness/container_engine.h"
#include "harness/process.h"

namespace fs = std::filesystem;

namespace pggate {
namespace {

TEST(ContainerEngine, PublishedPortFromPodmanAndDocker) {
    EXPECT_EQ(parse_published_port("127.0.0.1:40451\n"), 40451);
    EXPECT_EQ(parse_published_port("0.0.0.0:5433\n[::]:5433\n"), 5433);
    EXPECT_EQ(parse_published_port("5432/tcp -> 127.0.0.1:41000\n"), 41000);
    EXPECT_EQ(parse_published_port(""), 0);
    EXPECT_EQ(parse_published_port("Error: no such container\n"), 0);
}

TEST(ContainerEngine, ContainerListFromPodmanJsonArray) {
    auto list = parse_container_list(R"([{"Id":"abc","Names":["pggate-1-2"],"State":"running",
        "Labels":{"pggate.run":"1","pggate.pid":"42","pggate.host":"vm"}}])");
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].id, "abc");
    EXPECT_EQ(list[0].name, "pggate-1-2");
    EXPECT_EQ(list[0].state, "running");
    EXPECT_EQ(list[0].labels.at("pggate.pid"), "42");
    EXPECT_TRUE(parse_container_list("[]").empty());
    EXPECT_TRUE(parse_container_list("").empty());
}

TEST(ContainerEngine, ContainerListFromDockerJsonLines) {
    auto list = parse_container_list(
        "{\"ID\":\"d1\",\"Names\":\"pggate-a-1\",\"State\":\"exited\",\"Labels\":\"pggate.run=a,pggate.pid=7,pggate.host=h\"}\n"
        "{\"ID\":\"d2\",\"Names\":\"other\",\"State\":\"running\",\"Labels\":\"\"}\n");
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, "d1");
    EXPECT_EQ(list[0].name, "pggate-a-1");
    EXPECT_EQ(list[0].labels.at("pggate.run"), "a");
    EXPECT_EQ(list[0].labels.at("pggate.host"), "h");
    EXPECT_TRUE(list[1].labels.empty());
}

TEST(ContainerEngine, RunArgumentsPublishOnLoopbackOnlyAndPutTheUsersLast) {
    ContainerRunSpec s;
    s.name = "pggate-x-1";
    s.image = "localhost/pggate-postgres:15";
    s.labels = {{"pggate.run", "x"}};
    s.env = {{"TZ", "UTC"}};
    s.quirks.runtime = "runc";
    s.quirks.ulimits = {"nofile=1024:1024"};
    s.run_args = {"--memory", "1g"};
    s.command = {"-c", "fsync=off"};
    auto a = container_run_args(s);
    std::string line;
    for (const auto& x : a) line += x + " ";
    EXPECT_EQ(a.front(), "run");
    EXPECT_NE(line.find("--publish 127.0.0.1::5432 "), std::string::npos) << line;
    EXPECT_NE(line.find("--label pggate.run=x "), std::string::npos) << line;
    EXPECT_NE(line.find("--runtime runc "), std::string::npos) << line;
    EXPECT_NE(line.find("--ulimit nofile=1024:1024 "), std::string::npos) << line;
    EXPECT_NE(line.find("--env TZ=UTC "), std::string::npos) << line;
    EXPECT_NE(line.find("--memory 1g localhost/pggate-postgres:15 -c fsync=off "), std::string::npos) << line;
    // Without detected quirks there is no --runtime and no --ulimit.
    s.quirks = {};
    line.clear();
    for (const auto& x : container_run_args(s)) line += x + " ";
    EXPECT_EQ(line.find("--runtime"), std::string::npos);
    EXPECT_EQ(line.find("--ulimit"), std::string::npos);
}

TEST(ContainerEngine, QuirkRules) {
    // crun on hybrid (v1) cgroups fails here; runc does not. Nothing changes elsewhere.
    EXPECT_EQ(runtime_for("v1", "crun", true), "runc");
    EXPECT_EQ(runtime_for("v1", "crun", false), "");
    EXPECT_EQ(runtime_for("v2", "crun", true), "");
    EXPECT_EQ(runtime_for("v1", "runc", true), "");
    // The refusal measured on this machine's podman 4.3 with runc.
    EXPECT_TRUE(is_rlimit_refusal("Error: runc: runc create failed: unable to start container process: error during container init: "
                                  "error setting rlimits for ready process: error setting rlimit type 7: operation not permitted"));
    EXPECT_FALSE(is_rlimit_refusal("Error: short-name \"postgres\" did not resolve to an alias"));
    // Measured here with crun installed as podman's default runtime.
    EXPECT_TRUE(is_crun_cgroup_refusal("Error: OCI runtime error: crun: cgroups in hybrid mode not supported, drop all controllers from cgroupv2"));
    EXPECT_FALSE(is_crun_cgroup_refusal("Error: runc: something else"));
    EXPECT_EQ(fallback_ulimits().size(), 2u);
}

TEST(ContainerEngine, OwnerLabelsAndTheReapersVerdict) {
    auto labels = owner_labels("run1");
    EXPECT_EQ(labels.at("pggate.run"), "run1");
    EXPECT_EQ(labels.at("pggate.pid"), std::to_string(getpid()));
    EXPECT_EQ(labels.at("pggate.host"), host_name());
    EXPECT_FALSE(labels.at("pggate.started_at").empty());
    // This process is alive: its containers stay.
    EXPECT_FALSE(owner_is_gone(labels, host_name()));
    // Same pid, different start time: the pid was reused, the owner is gone.
    auto reused = labels;
    reused["pggate.pid_start"] = "1";
    EXPECT_TRUE(owner_is_gone(reused, host_name()));
    // A pid that does not exist.
    auto dead = labels;
    dead["pggate.pid"] = "999999999";
    EXPECT_TRUE(owner_is_gone(dead, host_name()));
    // Another host's container (a shared daemon) is not ours to judge.
    EXPECT_FALSE(owner_is_gone(dead, "some-other-host"));
    // Not a pggate container.
    EXPECT_FALSE(owner_is_gone({{"app", "x"}}, host_name()));
}

TEST(ContainerEngine, MissingEngineIsAClearReason) {
    std::string why;
    EXPECT_FALSE(find_container_engine("/nonexistent/podman", why));
    EXPECT_NE(why.find("/nonexistent/podman does not exist"), std::string::npos) << why;
    EXPECT_NE(why.find("--provider local"), std::string::npos) << why;
    // Something that runs but is no container engine.
    EXPECT_FALSE(find_container_engine("/bin/true", why));
    EXPECT_NE(why.find("/bin/true"), std::string::npos) << why;
}

std::string write_config(const std::string& text) {
    std::string dir = fs::temp_directory_path() / ("pggate-ce-" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir + "/init.sql") << "SELECT 1;\n";
    std::ofstream(dir + "/pggate.yaml") << text;
    return dir + "/pggate.yaml";
}

TEST(ContainerConfig, SectionIsReadWithDefaults) {
    std::string file = write_config(
        "init: {scripts: [init.sql]}\n"
        "provider: container\n"
        "container:\n"
        "  engine: podman\n"
        "  image: localhost/pg:15\n"
        "  run_args: [--memory, 1g]\n"
        "  env: {TZ: UTC}\n"
        "  settings: {work_mem: 64MB}\n"
        "  runtime: runc\n"
        "  ulimits: {nofile: '1024:1024'}\n"
        "  ready_timeout: 30s\n");
    Config cfg = load_config(file);
    EXPECT_EQ(cfg.provider, "container");
    EXPECT_EQ(cfg.container.engine, "podman");
    EXPECT_EQ(cfg.container.image, "localhost/pg:15");
    EXPECT_TRUE(cfg.container.image_configured);
    EXPECT_EQ(cfg.container.run_args, (std::vector<std::string>{"--memory", "1g"}));
    EXPECT_EQ(cfg.container.env.at("TZ"), "UTC");
    EXPECT_EQ(cfg.container.settings.at("work_mem"), "64MB");
    EXPECT_EQ(cfg.container.runtime, "runc");
    EXPECT_TRUE(cfg.container.ulimits_configured);
    EXPECT_EQ(cfg.container.ulimits.at("nofile"), "1024:1024");
    EXPECT_EQ(cfg.container.ready_timeout_ms, 30000);

    Config plain = load_config(write_config("init: {scripts: [init.sql]}\n"));
    EXPECT_EQ(plain.provider, "auto");
    EXPECT_FALSE(plain.container.image_configured);
    EXPECT_EQ(plain.container.image, "localhost/pggate-postgres:15");
    fs::remove_all(fs::path(file).parent_path());
}

TEST(ContainerConfig, MistakesNameFileLineAndColumn) {
    std::string file = write_config(
        "init: {scripts: [init.sql]}\n"
        "container:\n"
        "  engine: rkt\n"
        "  imagee: x\n"
        "  run_args: --memory\n");
    try {
        load_config(file);
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& e) {
        std::string all;
        for (const auto& p : e.problems) all += p + "\n";
        EXPECT_NE(all.find(":3:11: container.engine is 'rkt'"), std::string::npos) << all;
        EXPECT_NE(all.find(":4:3: unknown key 'imagee' in container. Did you mean 'image'?"), std::string::npos) << all;
        EXPECT_NE(all.find(":5:13: container.run_args must be a list"), std::string::npos) << all;
    }
    fs::remove_all(fs::path(file).parent_path());
}

}  // namespace
}  // namespace pggate
