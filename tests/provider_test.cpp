// The local provider against the real PostgreSQL binaries: start-up, privilege drop as root,
// isolation between instances, clean-up, and reaping what a killed run left behind.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "harness/config.h"
#include "harness/pg.h"
#include "harness/process.h"
#include "harness/provider.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace pggate {
namespace {

std::string socket_dir(const Database& db) {
    auto pos = db.conninfo.find("host=");
    return db.conninfo.substr(pos + 5, db.conninfo.find(' ', pos) - pos - 5);
}

pid_t postmaster_of(const std::string& dir) {
    std::ifstream in(dir + "/data/postmaster.pid");
    pid_t pid = 0;
    in >> pid;
    return pid;
}

uid_t uid_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (in >> key)
        if (key == "Uid:") {
            uid_t uid;
            in >> uid;
            return uid;
        }
    return static_cast<uid_t>(-1);
}

TEST(LocalProvider, StartsQueriesAndLeavesNothingBehind) {
    Config cfg;
    auto p = make_provider(cfg, "ptest1");
    p->start();
    EXPECT_EQ(p->kind(), "local");
    EXPECT_EQ(p->server_version().substr(0, 3), "15.");
    Database a = p->create_database("alpha", nullptr);
    Database b = p->create_database("init-upgrade", nullptr);
    EXPECT_EQ(b.name, "init_upgrade");
    PgConn ca(a.conninfo);
    EXPECT_EQ(ca.exec("SELECT current_database()").get(0, 0), "alpha");
    // Unix socket only: TCP is off.
    EXPECT_EQ(ca.exec("SHOW listen_addresses").get(0, 0), "");
    EXPECT_EQ(ca.exec("SHOW fsync").get(0, 0), "off");
    std::string dir = socket_dir(a);
    EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms::owner_all);  // 0700
    pid_t pm = postmaster_of(dir);
    ASSERT_GT(pm, 0);
    EXPECT_TRUE(pid_alive(pm));
    if (geteuid() == 0) {
        EXPECT_NE(uid_of(pm), 0u) << "the server must not run as root";
    }
    EXPECT_EQ(a.client_env.at("PGDATABASE"), "alpha");
    EXPECT_NE(a.client_env.at("DATABASE_URL").find("/alpha?host="), std::string::npos);
    p->stop();
    EXPECT_FALSE(fs::exists(dir));
    EXPECT_FALSE(pid_alive(pm));
    p->stop();  // idempotent
}

TEST(LocalProvider, TwoInstancesAtOnceDoNotCollide) {
    Config cfg;
    auto p1 = make_provider(cfg, "ptest2");
    auto p2 = make_provider(cfg, "ptest3");
    std::thread t([&] { p1->start(); });
    p2->start();
    t.join();
    Database a = p1->create_database("same", nullptr);
    Database b = p2->create_database("same", nullptr);
    EXPECT_NE(socket_dir(a), socket_dir(b));
    PgConn(a.conninfo).exec("CREATE TABLE only_in_a (id int)");
    EXPECT_EQ(PgConn(b.conninfo).exec("SELECT to_regclass('only_in_a') IS NULL").get(0, 0), "t");
    p1->stop();
    p2->stop();
}

TEST(LocalProvider, ReapsWhatAKilledRunLeftBehind) {
    // A child process starts an instance and is then killed with SIGKILL: no clean-up runs in it.
    int pipefd[2];
    ASSERT_EQ(pipe(pipefd), 0);
    pid_t child = fork();
    if (child == 0) {
        close(pipefd[0]);
        Config cfg;
        auto p = make_provider(cfg, "victim");
        p->start();
        Database db = p->create_database("x", nullptr);
        std::string dir = socket_dir(db) + "\n";
        (void)!write(pipefd[1], dir.data(), dir.size());
        pause();
        _exit(0);
    }
    close(pipefd[1]);
    std::string dir;
    char c;
    while (read(pipefd[0], &c, 1) == 1 && c != '\n') dir += c;
    close(pipefd[0]);
    ASSERT_FALSE(dir.empty());
    pid_t pm = postmaster_of(dir);
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    ASSERT_TRUE(fs::exists(dir));
    ASSERT_TRUE(pid_alive(pm)) << "the orphaned server should still be running before the reap";
    int reaped = reap_stale_local_instances({fs::path(dir).parent_path().string()}, false);
    EXPECT_GE(reaped, 1);
    EXPECT_FALSE(fs::exists(dir));
    for (int i = 0; i < 200 && pid_alive(pm); ++i) std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(pid_alive(pm));
}

TEST(LocalProvider, ReaperLeavesLiveRunsAlone) {
    Config cfg;
    auto p = make_provider(cfg, "alive");
    p->start();
    Database db = p->create_database("x", nullptr);
    std::string dir = socket_dir(db);
    reap_stale_local_instances({fs::path(dir).parent_path().string()}, false);
    EXPECT_TRUE(fs::exists(dir));
    EXPECT_NO_THROW(PgConn(db.conninfo).exec("SELECT 1"));
    p->stop();
}

TEST(LocalProvider, MissingBinariesIsAClearError) {
    Config cfg;
    cfg.local.bin_dir = "/nonexistent/bin";
    auto p = make_provider(cfg, "nobin");
    try {
        p->start();
        FAIL();
    } catch (const ProvisionError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/bin"), std::string::npos);
    }
}

TEST(ExternalProvider, CreatesAndDropsOnlyItsOwnDatabases) {
    // The "external" server here is one the local provider started; pggate must treat it as foreign.
    Config local_cfg;
    auto host = make_provider(local_cfg, "exthost");
    host->start();
    Database admin = host->create_database("admin_db", nullptr);
    PgConn(admin.conninfo).exec("CREATE TABLE precious (id int)");
    Config cfg;
    cfg.provider = "external";
    cfg.external.admin_dsn = admin.conninfo;
    auto ext = make_provider(cfg, "abc123");
    ext->start();
    Database db = ext->create_database("chain", nullptr);
    EXPECT_EQ(db.name, "pggate_abc123_chain");
    PgConn(db.conninfo).exec("CREATE TABLE t (id int)");
    ext->stop();
    PgConn check(admin.conninfo);
    EXPECT_EQ(check.exec("SELECT count(*) FROM pg_database WHERE datname LIKE 'pggate\\_%'").get(0, 0), "0");
    EXPECT_EQ(check.exec("SELECT count(*) FROM pg_database WHERE datname = 'admin_db'").get(0, 0), "1");
    EXPECT_EQ(check.exec("SELECT to_regclass('precious') IS NOT NULL").get(0, 0), "t");
    host->stop();
}

TEST(ExternalProvider, BadDsnIsAClearErrorWithoutThePassword) {
    Config cfg;
    cfg.provider = "external";
    cfg.external.admin_dsn = "host=/nonexistent-socket-dir port=5999 user=x password=hunter2 dbname=y connect_timeout=2";
    auto ext = make_provider(cfg, "bad");
    try {
        ext->start();
        FAIL();
    } catch (const ProvisionError& e) {
        std::string msg = e.what();
        EXPECT_EQ(msg.find("hunter2"), std::string::npos) << msg;
        EXPECT_NE(msg.find("/nonexistent-socket-dir"), std::string::npos) << msg;
    }
}

}  // namespace
}  // namespace pggate
