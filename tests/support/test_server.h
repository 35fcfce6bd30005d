// One real PostgreSQL per test binary, started by pggate's own local provider (never a mock).
#pragma once
#include <memory>
#include <string>

#include "harness/provider.h"

namespace pggate::testing {

class TestServer {
public:
    static TestServer& shared();  // started on first use, stopped at exit
    Database create(const std::string& prefix);  // a fresh empty database with a unique name
    void exec(const Database& db, const std::string& sql);
    Provider& provider() { return *provider_; }
    ~TestServer();

private:
    TestServer();
    std::unique_ptr<Provider> provider_;
    int counter_ = 0;
};

// A private temp folder removed at destruction.
struct TempDir {
    std::string path;
    explicit TempDir(const std::string& base = "");  // default: the system temp folder
    ~TempDir();
    std::string write(const std::string& relative, const std::string& content) const;  // returns the full path
};

}  // namespace pggate::testing
