// The embedded default: a private PostgreSQL cluster in a 0700 temp dir, unix socket only.
// Start-up is made cheap by copying a cached, already initialized data directory (initdb runs once
// per PostgreSQL version and user), starting `postgres` directly and polling its socket every few ms.
#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <sys/wait.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <sys/stat.h>
#include <sys/statvfs.h>
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

constexpr const char* kOwnerFile = "pggate-owner";

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string tail(const std::string& text, size_t lines) {
    size_t pos = text.size();
    for (size_t n = 0; n <= lines && pos > 0; ++n) {
        size_t nl = text.rfind('\n', pos - 1);
        if (nl == std::string::npos) return text;
        pos = nl;
    }
    return text.substr(pos + 1);
}

bool has_server_binaries(const fs::path& dir) {
    return access((dir / "postgres").c_str(), X_OK) == 0 && access((dir / "initdb").c_str(), X_OK) == 0;
}

// Where the server binaries are: config, $PGGATE_PG_BINDIR, Debian's /usr/lib/postgresql/N/bin
// (newest), pg_config --bindir, then PATH.
std::string find_bin_dir(const std::string& configured) {
    if (!configured.empty()) {
        if (has_server_binaries(configured)) return configured;
        throw ProvisionError("local.bin_dir " + configured + " has no postgres and initdb executables. Point it at the folder of the PostgreSQL server binaries (on Debian: /usr/lib/postgresql/15/bin).");
    }
    if (const char* env = std::getenv("PGGATE_PG_BINDIR"); env && *env) {
        if (has_server_binaries(env)) return env;
        throw ProvisionError(std::string("PGGATE_PG_BINDIR=") + env + " has no postgres and initdb executables.");
    }
    std::error_code ec;
    int best = -1;
    std::string best_dir;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        std::string v = e.path().filename().string();
        if (v.empty() || !std::all_of(v.begin(), v.end(), ::isdigit)) continue;
        if (has_server_binaries(e.path() / "bin") && std::stoi(v) > best) {
            best = std::stoi(v);
            best_dir = (e.path() / "bin").string();
        }
    }
    if (!best_dir.empty()) return best_dir;
    ProcessSpec pc;
    pc.argv = {"pg_config", "--bindir"};
    pc.timeout = 5s;
    try {
        auto r = run_process(pc);
        std::string dir = r.out.substr(0, r.out.find('\n'));
        if (r.exit_code == 0 && has_server_binaries(dir)) return dir;
    } catch (const std::exception&) {
    }
    const char* path = std::getenv("PATH");
    std::stringstream ss(path ? path : "");
    std::string dir;
    while (std::getline(ss, dir, ':'))
        if (!dir.empty() && has_server_binaries(dir)) return dir;
    throw ProvisionError("PostgreSQL server binaries (postgres, initdb) were not found: looked in $PGGATE_PG_BINDIR, /usr/lib/postgresql/*/bin, pg_config --bindir and PATH. Install them (Debian: apt-get install postgresql-15, or run ci/install-deps.sh), set local.bin_dir in pggate.yaml, or use --provider external with an admin DSN.");
}

bool dir_has_room(const std::string& dir, unsigned long long bytes) {
    struct statvfs s {};
    if (statvfs(dir.c_str(), &s) != 0) return false;
    return static_cast<unsigned long long>(s.f_bavail) * s.f_frsize >= bytes && access(dir.c_str(), W_OK) == 0;
}

std::string cache_root() {
    if (const char* c = std::getenv("PGGATE_CACHE_DIR"); c && *c) return c;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/pggate";
    if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/pggate";
    return "/tmp/pggate-cache-" + std::to_string(geteuid());
}

// Whether `user` can traverse every folder down to `dir` (as root, pggate itself always can; the
// server it starts as an unprivileged user must reach its data dir and socket too).
bool reachable_by(const fs::path& dir, const RunAs& user) {
    fs::path p = fs::absolute(dir);
    for (fs::path cur = p; !cur.empty(); cur = cur.parent_path()) {
        struct stat st {};
        if (stat(cur.c_str(), &st) != 0) return false;
        mode_t need = st.st_uid == user.uid ? S_IXUSR : st.st_gid == user.gid ? S_IXGRP : S_IXOTH;
        if (!(st.st_mode & need)) return false;
        if (cur == cur.root_path()) break;
    }
    return true;
}

struct Owner {
    pid_t pid = 0;
    unsigned long long start = 0;
    bool kept = false;
};

Owner read_owner(const fs::path& dir) {
    Owner o;
    std::istringstream in(read_text(dir / kOwnerFile));
    std::string key;
    while (in >> key) {
        if (key == "pid") in >> o.pid;
        else if (key == "start") in >> o.start;
        else if (key == "kept") o.kept = true;
        else in.ignore(1 << 20, '\n');
    }
    return o;
}

// The postmaster of a data dir, if it is still running (postmaster.pid's first line).
pid_t running_postmaster(const fs::path& data) {
    std::ifstream in(data / "postmaster.pid");
    pid_t pid = 0;
    if (!(in >> pid) || pid <= 0 || !pid_alive(pid)) return 0;
    std::string cmdline = read_text("/proc/" + std::to_string(pid) + "/cmdline");
    return cmdline.find("postgres") != std::string::npos ? pid : 0;
}

void kill_postmaster(pid_t pid) {
    kill(pid, SIGQUIT);  // immediate shutdown: no shared memory left behind (SIGKILL would leak it)
    for (int i = 0; i < 400 && pid_alive(pid); ++i) {
        waitpid(pid, nullptr, WNOHANG);
        std::this_thread::sleep_for(5ms);
    }
    if (pid_alive(pid)) kill(pid, SIGKILL);
    waitpid(pid, nullptr, WNOHANG);
}

class LocalProvider : public Provider {
public:
    LocalProvider(const LocalProviderConfig& cfg, const Timeouts& t, std::string run_id)
        : cfg_(cfg), timeouts_(t), run_id_(std::move(run_id)) {}
    ~LocalProvider() override { stop(); }

    std::string kind() const override { return "local"; }

    void start() override {
        auto t0 = std::chrono::steady_clock::now();
        bin_ = find_bin_dir(cfg_.bin_dir);
        version_line_ = postgres_version();
        if (geteuid() == 0) {
            run_as_ = lookup_user(cfg_.run_as);
            if (!run_as_) run_as_ = lookup_user("nobody");
            if (!run_as_ || run_as_->uid == 0)
                throw ProvisionError("pggate runs as root and PostgreSQL refuses to; the unprivileged user '" + cfg_.run_as + "' (local.run_as) does not exist. Create it (useradd -r postgres) or set local.run_as to an existing non-root user.");
        }
        auto bases = default_temp_bases(cfg_.temp_dir);
        reap_stale_local_instances(bases, false);
        std::string base;
        for (const auto& b : bases) {
            if (!run_as_ || reachable_by(b, *run_as_)) {
                base = b;
                break;
            }
            if (b == cfg_.temp_dir)
                throw ProvisionError("local.temp_dir " + b + " cannot be reached by user " + run_as_->name +
                                     ", who runs the server when pggate runs as root: give its parent folders o+x, or choose another folder.");
        }
        if (base.empty()) throw ProvisionError("no temp folder that user " + run_as_->name + " can reach (tried /dev/shm, $TMPDIR, /tmp).");
        make_instance_dir(base);
        prepare_data_dir();
        launch();
        wait_ready();
        admin_ = std::make_unique<PgConn>(conninfo("postgres"));
        version_ = admin_->server_version();
        metrics_["startup_ms"] = ms_since(t0);
    }

    Database create_database(const std::string& label, const Database* copy_of) override {
        std::string name = label;
        std::replace(name.begin(), name.end(), '-', '_');
        std::string tmpl = copy_of ? copy_of->name : "template0";
        // FILE_COPY copies the template's files: tens of ms on tmpfs, where WAL_LOG or replaying DDL costs more.
        std::lock_guard<std::mutex> lock(admin_mutex_);
        admin_->exec("CREATE DATABASE " + quote_ident(name) + " TEMPLATE " + quote_ident(tmpl) + " STRATEGY FILE_COPY");
        Database db;
        db.label = label;
        db.name = name;
        db.conninfo = conninfo(name);
        db.client_env = client_env_for(db.conninfo);
        return db;
    }

    std::string server_version() const override { return version_; }
    std::string describe() const override {
        return "local PostgreSQL " + version_ + " (" + bin_ + "), data in " + dir_ + ", unix socket only" +
               (run_as_ ? ", server runs as " + run_as_->name : "");
    }
    std::string connect_hint() const override {
        return "psql \"host=" + dir_ + " port=5432 user=postgres dbname=<database>\"   (stop it with: pggate reap --kept)";
    }
    void keep() override {
        kept_ = true;
        std::ofstream(fs::path(dir_) / kOwnerFile, std::ios::app) << "kept 1\n";
    }

    void stop() noexcept override {
        if (kept_) return;
        admin_.reset();
        if (postmaster_ > 0) {
            unregister_child_group(postmaster_);
            stop_child(postmaster_, SIGQUIT, 5000ms);
            postmaster_ = 0;
        }
        if (!dir_.empty()) {
            std::error_code ec;
            fs::remove_all(dir_, ec);
            dir_.clear();
        }
    }
    std::map<std::string, double> metrics() const override { return metrics_; }

private:
    std::string postgres_version() {
        ProcessSpec p;
        p.argv = {bin_ + "/postgres", "--version"};
        p.timeout = 10s;
        auto r = run_process(p);
        if (r.exit_code != 0) throw ProvisionError(bin_ + "/postgres --version failed: " + r.err);
        return r.out.substr(0, r.out.find('\n'));
    }

    std::string conninfo(const std::string& db) const {
        return "host=" + dir_ + " port=5432 user=postgres dbname=" + db + " connect_timeout=10";
    }

    void make_instance_dir(const std::string& base) {
        std::string tmpl = base + "/pggate-XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        if (!mkdtemp(buf.data())) throw ProvisionError("cannot create a temp dir in " + base + ": " + std::strerror(errno));
        dir_ = buf.data();
        if ((dir_ + "/.s.PGSQL.5432").size() >= 100)
            throw ProvisionError("temp dir path " + dir_ + " is too long for a unix socket; set local.temp_dir to a shorter folder.");
        {
            std::ofstream o(fs::path(dir_) / kOwnerFile);
            o << "pid " << getpid() << "\nstart " << process_start_time(getpid()) << "\nrun " << run_id_ << "\n";
        }
        chmod(dir_.c_str(), 0700);
        if (run_as_ && chown(dir_.c_str(), run_as_->uid, run_as_->gid) != 0)
            throw ProvisionError("cannot hand " + dir_ + " to user " + run_as_->name + ": " + std::strerror(errno));
    }

    std::string initdb_key() const {
        std::string key = version_line_ + "|C|UTF8|trust|" + std::to_string(run_as_ ? run_as_->uid : geteuid());
        size_t h = std::hash<std::string>{}(key);
        std::ostringstream s;
        s << "initdb-" << std::hex << h;
        return s.str();
    }

    void copy_tree(const std::string& from, const std::string& to) {
        ProcessSpec cp;
        cp.argv = {"cp", "-a", from, to};  // -a keeps owner and modes (as root the copy stays the run user's)
        cp.timeout = 60s;
        auto r = run_process(cp);
        if (r.exit_code != 0) throw ProvisionError("cannot copy " + from + " to " + to + ": " + r.err);
    }

    void prepare_data_dir() {
        data_ = dir_ + "/data";
        fs::path cached = fs::path(cache_root()) / initdb_key();
        std::error_code ec;
        if (cfg_.cache && fs::exists(cached / "PG_VERSION", ec)) {
            auto t = std::chrono::steady_clock::now();
            copy_tree(cached.string(), data_);
            metrics_["datadir_copy_ms"] = ms_since(t);
            metrics_["initdb_cached"] = 1;
            return;
        }
        auto t = std::chrono::steady_clock::now();
        ProcessSpec init;
        init.argv = {bin_ + "/initdb", "-D", data_, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                     "--no-sync", "--no-instructions"};
        init.run_as = run_as_;
        init.timeout = 120s;
        init.env_unset = {"PGDATA", "LC_ALL", "LANG"};
        auto r = run_process(init);
        if (r.exit_code != 0)
            throw ProvisionError("initdb failed (" + bin_ + "/initdb, exit " + std::to_string(r.exit_code) + "): " + tail(r.err + r.out, 5));
        metrics_["initdb_ms"] = ms_since(t);
        metrics_["initdb_cached"] = 0;
        if (!cfg_.cache) return;
        // Publish to the cache atomically: copy under a private name, then rename.
        fs::create_directories(cached.parent_path(), ec);
        std::string staging = cached.string() + ".tmp-" + std::to_string(getpid());
        try {
            copy_tree(data_, staging);
            fs::rename(staging, cached, ec);
            if (ec) fs::remove_all(staging, ec);  // another run won the race: theirs is as good
        } catch (const ProvisionError&) {
            fs::remove_all(staging, ec);  // no cache this time; the run itself is fine
        }
    }

    void launch() {
        ProcessSpec pg;
        pg.argv = {bin_ + "/postgres", "-D", data_, "-k", dir_, "-p", "5432",
                   "-c", "listen_addresses=",
                   "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off",
                   "-c", "max_connections=40", "-c", "shared_buffers=64MB",
                   "-c", "max_wal_size=1GB", "-c", "checkpoint_timeout=1h",
                   "-c", "autovacuum=off", "-c", "log_min_messages=warning",
                   // Dynamic shared memory as files in the data dir: removed with it, even after a SIGKILL.
                   "-c", "dynamic_shared_memory_type=mmap",
                   "-c", "statement_timeout=" + std::to_string(timeouts_.statement_ms),
                   "-c", "lock_timeout=" + std::to_string(timeouts_.lock_ms)};
        // pg_stat_statements lets the delete-paths gate name the statements a cleanup command ran;
        // track=all also sees the DELETEs inside functions. Loaded only when it ships with the server.
        std::error_code ec;
        if (fs::exists(fs::path(bin_).parent_path() / "lib" / "pg_stat_statements.so", ec) && !cfg_.settings.count("shared_preload_libraries"))
            for (const char* s : {"shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all"}) {
                pg.argv.push_back("-c");
                pg.argv.push_back(s);
            }
        for (const auto& [k, v] : cfg_.settings) {
            pg.argv.push_back("-c");
            pg.argv.push_back(k + "=" + v);
        }
        pg.run_as = run_as_;
        pg.stdout_file = dir_ + "/postgres.log";
        pg.stderr_file = "-";
        pg.env_unset = {"PGDATA", "PGOPTIONS"};
        postmaster_ = spawn_process(pg);
        register_child_group(postmaster_, SIGQUIT);
    }

    void wait_ready() {
        auto t = std::chrono::steady_clock::now();
        std::string ping = conninfo("postgres");
        while (true) {
            if (interrupted()) throw ProvisionError("interrupted while PostgreSQL was starting");
            int status = 0;
            if (waitpid(postmaster_, &status, WNOHANG) == postmaster_) {
                unregister_child_group(postmaster_);
                postmaster_ = 0;
                throw ProvisionError("PostgreSQL exited during start-up. Its log (" + dir_ + "/postgres.log) ends with:\n" +
                                     tail(read_text(dir_ + "/postgres.log"), 8));
            }
            if (fs::exists(dir_ + "/.s.PGSQL.5432") && PQping(ping.c_str()) == PQPING_OK) break;
            if (ms_since(t) > 60'000)
                throw ProvisionError("PostgreSQL did not accept connections within 60 s. Its log ends with:\n" +
                                     tail(read_text(dir_ + "/postgres.log"), 8));
            std::this_thread::sleep_for(3ms);
        }
        metrics_["ready_wait_ms"] = ms_since(t);
    }

    LocalProviderConfig cfg_;
    Timeouts timeouts_;
    std::string run_id_;
    std::string bin_, version_line_, version_, dir_, data_;
    std::optional<RunAs> run_as_;
    pid_t postmaster_ = 0;
    bool kept_ = false;
    std::unique_ptr<PgConn> admin_;
    std::mutex admin_mutex_;
    std::map<std::string, double> metrics_;
};

}  // namespace

std::vector<std::string> default_temp_bases(const std::string& configured) {
    std::vector<std::string> bases;
    if (!configured.empty()) bases.push_back(configured);
    // tmpfs when it has room for a data dir and its growth (inside containers /dev/shm is often 64 MB).
    if (dir_has_room("/dev/shm", 512ull << 20)) bases.push_back("/dev/shm");
    const char* tmp = std::getenv("TMPDIR");
    bases.push_back(tmp && *tmp ? tmp : "/tmp");
    if (bases.back() != "/tmp") bases.push_back("/tmp");
    return bases;
}

int reap_stale_local_instances(const std::vector<std::string>& base_dirs, bool include_kept) {
    int reaped = 0;
    for (const auto& base : base_dirs) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(base, ec)) {
            std::string name = e.path().filename().string();
            if (name.rfind("pggate-", 0) != 0 || !fs::exists(e.path() / kOwnerFile, ec)) continue;
            Owner o = read_owner(e.path());
            bool owner_alive = o.pid > 0 && pid_alive(o.pid) && process_start_time(o.pid) == o.start;
            if (o.kept ? !include_kept : owner_alive) continue;
            if (pid_t pm = running_postmaster(e.path() / "data")) kill_postmaster(pm);
            fs::remove_all(e.path(), ec);
            if (!ec) ++reaped;
        }
    }
    return reaped;
}

std::string cache_root_dir() { return cache_root(); }
std::string find_pg_bin_dir(const std::string& configured) { return find_bin_dir(configured); }

std::unique_ptr<Provider> make_local_provider(const Config& cfg, const std::string& run_id) {
    return std::make_unique<LocalProvider>(cfg.local, cfg.timeouts, run_id);
}

}  // namespace pggate
