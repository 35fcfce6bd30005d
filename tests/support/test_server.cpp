#include "tests/support/test_server.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "harness/config.h"
#include "harness/pg.h"

namespace fs = std::filesystem;

namespace pggate::testing {

TestServer::TestServer() {
    Config cfg;
    cfg.provider = "local";
    provider_ = make_provider(cfg, "test" + std::to_string(getpid()));
    provider_->start();
}

TestServer::~TestServer() { provider_->stop(); }

TestServer& TestServer::shared() {
    static TestServer server;
    return server;
}

Database TestServer::create(const std::string& prefix) {
    return provider_->create_database(prefix + "_" + std::to_string(++counter_), nullptr);
}

void TestServer::exec(const Database& db, const std::string& sql) {
    PgConn conn(db.conninfo);
    conn.exec(sql);
}

TempDir::TempDir(const std::string& base) {
    std::string tmpl = ((base.empty() ? fs::temp_directory_path() : fs::path(base)) / "pggate-test-XXXXXX").string();
    path = mkdtemp(tmpl.data());
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
}

std::string TempDir::write(const std::string& relative, const std::string& content) const {
    fs::path p = fs::path(path) / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
}

}  // namespace pggate::testing
