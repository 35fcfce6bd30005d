// Disposable PostgreSQL: one interface, one implementation per way of getting a server.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace pggate {

struct Config;

// pggate could not get or use a server: missing binaries, a server that will not start, a refused
// connection. what() is the one-paragraph message for the user (never holds a password).
struct ProvisionError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Database {
    std::string label;     // init, chain, init-upgrade, ...
    std::string name;      // the real database name on the server
    std::string conninfo;  // key=value; may hold a password: never print it, use redact_conninfo
    std::map<std::string, std::string> client_env;  // DATABASE_URL and PG* for commands run against it
};

class Provider {
public:
    virtual ~Provider() = default;
    virtual std::string kind() const = 0;            // local | external | container
    virtual void start() = 0;                        // throws ProvisionError
    // A fresh empty database (from template0), or, with `copy_of`, a file-level copy of one this
    // provider created (CREATE DATABASE … TEMPLATE: tens of ms, where replaying its scripts costs more).
    // Safe to call from several threads. `copy_of` must have no open connections.
    virtual Database create_database(const std::string& label, const Database* copy_of) = 0;
    virtual std::string server_version() const = 0;
    virtual std::string describe() const = 0;        // one line, redacted
    virtual std::string connect_hint() const = 0;    // how to reach it after --keep
    virtual void keep() = 0;                         // leave the server up when the run ends
    virtual void stop() noexcept = 0;                // idempotent; drops/stops only what it created
    virtual std::map<std::string, double> metrics() const { return {}; }  // e.g. startup_ms
};

// Which provider a run uses, and why (recorded in the report). `provider: auto` (the default) picks
// the container provider when the config names container.image and an engine is usable, else local.
// `source` says where an explicit choice came from (pggate.yaml, --provider).
struct ProviderChoice {
    std::string kind;    // local | container | external
    std::string reason;  // one sentence
};
ProviderChoice choose_provider(const Config& cfg, const std::string& source);

// Makes the provider cfg.provider names (auto is resolved with choose_provider first).
std::unique_ptr<Provider> make_provider(const Config& cfg, const std::string& run_id);

// Removes servers and temp dirs left by pggate runs that died (owner pid gone). Returns how many.
int reap_stale_local_instances(const std::vector<std::string>& base_dirs, bool include_kept);
std::vector<std::string> default_temp_bases(const std::string& configured);
// Removes containers of dead pggate runs on this host, with every engine that answers. Returns how many.
int reap_stale_containers_everywhere(bool include_kept);

// $PGGATE_CACHE_DIR, $XDG_CACHE_HOME/pggate or ~/.cache/pggate: initdb templates, engine verdicts.
std::string cache_root_dir();
// The PostgreSQL server binaries' folder: `configured`, $PGGATE_PG_BINDIR, /usr/lib/postgresql/N/bin
// (newest), pg_config --bindir, PATH. Throws ProvisionError naming what to install or set.
std::string find_pg_bin_dir(const std::string& configured);

// Builds a libpq-compatible URL (postgresql://user:pass@host:port/db?host=/socket) for tools like
// SQLAlchemy from key=value conninfo.
std::string conninfo_to_url(const std::string& conninfo, bool with_password = true);
std::map<std::string, std::string> client_env_for(const std::string& conninfo);

}  // namespace pggate
