// A PostgreSQL image run with Podman or Docker, bound to 127.0.0.1 on a port the engine picks.
// Ready means a real connection ran SELECT 1 (the official image restarts its server during first
// boot, so log lines and pg_isready can both lie). Every container carries its owner's pid and start
// time as labels, so the next run (or `pggate reap`) removes what a killed run left behind; SIGINT
// and SIGTERM remove it at once through process.h's interrupt clean-ups.
#include <libpq-fe.h>

#include <chrono>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "harness/config.h"
#include "harness/container_engine.h"
#include "harness/pg.h"
#include "harness/process.h"
#include "harness/provider.h"

using namespace std::chrono_literals;

namespace pggate {
namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}

std::string random_hex(int bytes) {
    std::random_device rd;
    std::ostringstream s;
    for (int i = 0; i < bytes; ++i) s << std::hex << ((rd() >> 3) & 0xf) << ((rd() >> 7) & 0xf);
    return s.str();
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

class ContainerProvider : public Provider {
public:
    ContainerProvider(const Config& cfg, std::string run_id) : cfg_(cfg.container), timeouts_(cfg.timeouts), run_id_(std::move(run_id)) {}
    ~ContainerProvider() override { stop(); }

    std::string kind() const override { return "container"; }

    void start() override {
        auto t0 = std::chrono::steady_clock::now();
        std::string why;
        auto engine = find_container_engine(cfg_.engine, why);
        if (!engine) throw ProvisionError(why);
        engine_ = *engine;
        reap_stale_containers(engine_, false);
        check_image();
        user_ = cfg_.env.count("POSTGRES_USER") ? cfg_.env.at("POSTGRES_USER") : "postgres";
        // Images that want a password (the official one) get a fresh one per run; pggate's own image trusts
        // its loopback-only port. It reaches the engine through the environment, never the command line.
        password_ = cfg_.env.count("POSTGRES_PASSWORD") ? cfg_.env.at("POSTGRES_PASSWORD") : random_hex(16);
        name_ = "pggate-" + run_id_ + "-" + std::to_string(getpid());
        cleanup_id_ = register_interrupt_cleanup([this] { remove_container(); });
        auto t = std::chrono::steady_clock::now();
        launch();
        metrics_["run_ms"] = ms_since(t);
        port_ = published_port();
        wait_ready();
        admin_ = std::make_unique<PgConn>(conninfo("postgres"));
        version_ = admin_->server_version();
        metrics_["startup_ms"] = ms_since(t0);
    }

    Database create_database(const std::string& label, const Database* copy_of) override {
        std::string name = label;
        for (char& c : name)
            if (c == '-') c = '_';
        std::string tmpl = copy_of ? copy_of->name : "template0";
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
        std::string q = quirks_.runtime.empty() ? "" : ", runtime " + quirks_.runtime;
        if (!quirks_.ulimits.empty()) q += ", ulimits " + join(quirks_.ulimits, " ");
        return "container " + cfg_.image + " (" + engine_.kind + " " + engine_.version + q + "), PostgreSQL " + version_ +
               " on 127.0.0.1:" + std::to_string(port_) + ", container " + name_;
    }
    std::string connect_hint() const override {
        return "psql \"host=127.0.0.1 port=" + std::to_string(port_) + " user=" + user_ + " dbname=<database>\"   (container " + name_ +
               kKeptSuffix + "; remove it with: pggate reap --kept)";
    }
    void keep() override {
        std::lock_guard<std::mutex> lock(container_mutex_);
        if (name_.empty() || removed_) return;
        // Labels cannot change after creation; the name can, and the reaper spares "-kept" names.
        auto r = engine_command(engine_, {"rename", name_, name_ + kKeptSuffix}, 30s, true);
        kept_ = r.exit_code == 0;
    }

    void stop() noexcept override {
        if (kept_) return;
        admin_.reset();
        remove_container();
        if (cleanup_id_) {
            unregister_interrupt_cleanup(cleanup_id_);
            cleanup_id_ = 0;
        }
    }
    std::map<std::string, double> metrics() const override { return metrics_; }

private:
    std::string conninfo(const std::string& db) const {
        return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + user_ + " password=" + password_ + " dbname=" + db +
               " connect_timeout=10";
    }

    void check_image() {
        auto r = engine_command(engine_, {"image", "inspect", "--format", "{{.Id}}", cfg_.image}, 30s);
        if (r.exit_code == 0) return;
        if (interrupted()) throw ProvisionError("interrupted");
        throw ProvisionError("image " + cfg_.image + " is not in " + engine_.kind + "'s local image store (" + engine_.path +
                             "). Build it from this machine's PostgreSQL with: pggate image build --engine " + engine_.kind + " --tag " +
                             cfg_.image + "   or pull it with: " + engine_.kind + " pull " + cfg_.image +
                             "   (or set container.image in pggate.yaml to an image you have).");
    }

    // Quirks from pggate.yaml, else the cached verdict, else the engine's facts (one `info` call).
    bool initial_quirks() {
        bool runtime_fixed = !cfg_.runtime.empty();
        if (runtime_fixed) quirks_.runtime = cfg_.runtime == "default" ? "" : cfg_.runtime;
        if (cfg_.ulimits_configured)
            for (const auto& [k, v] : cfg_.ulimits) quirks_.ulimits.push_back(k + "=" + v);
        if (runtime_fixed && cfg_.ulimits_configured) return false;
        if (auto cached = load_cached_quirks(engine_)) {
            if (!runtime_fixed) quirks_.runtime = cached->runtime;
            if (!cfg_.ulimits_configured) quirks_.ulimits = cached->ulimits;
            return false;
        }
        if (!runtime_fixed && engine_.kind == "podman") {
            auto [cgroups, runtime] = engine_host_facts(engine_);
            quirks_.runtime = runtime_for(cgroups, runtime, runc_installed());
        }
        return true;  // a verdict to store once a container started
    }

    ProcessResult run_once() {
        ContainerRunSpec spec;
        spec.name = name_;
        spec.image = cfg_.image;
        spec.labels = owner_labels(run_id_);
        spec.quirks = quirks_;
        spec.run_args = cfg_.run_args;
        spec.tmpfs = cfg_.tmpfs_configured ? cfg_.tmpfs
                     : engine_.kind == "podman" ? std::vector<std::string>{"/var/lib/postgresql"} : std::vector<std::string>{};
        spec.command = {"-c", "listen_addresses=*", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off",
                        "-c", "max_connections=40", "-c", "shared_buffers=64MB", "-c", "max_wal_size=1GB",
                        "-c", "checkpoint_timeout=1h", "-c", "autovacuum=off",
                        "-c", "statement_timeout=" + std::to_string(timeouts_.statement_ms),
                        "-c", "lock_timeout=" + std::to_string(timeouts_.lock_ms)};
        // pg_stat_statements (track=all) lets the delete-paths gate name the statements a cleanup ran, as on
        // the local provider. Only for images known to ship it: pggate's own and the official postgres image;
        // others can set it in container.settings.
        const std::string& img = cfg_.image;
        bool ships_contrib = img.find("pggate-postgres") != std::string::npos || img.rfind("postgres:", 0) == 0 ||
                             img.find("/postgres:") != std::string::npos;
        if (ships_contrib && !cfg_.settings.count("shared_preload_libraries"))
            spec.command.insert(spec.command.end(), {"-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all"});
        for (const auto& [k, v] : cfg_.settings) spec.command.insert(spec.command.end(), {"-c", k + "=" + v});
        ProcessSpec p;
        p.argv = {engine_.path};
        std::vector<std::string> args = container_run_args(spec);
        // Environment values go through the engine's own environment (`--env KEY` without a value),
        // so secrets never appear in a process listing.
        for (size_t i = 0; i + 1 < args.size(); ++i)
            if (args[i] == "--env") {
                auto eq = args[i + 1].find('=');
                p.env_set[args[i + 1].substr(0, eq)] = args[i + 1].substr(eq + 1);
                args[i + 1] = args[i + 1].substr(0, eq);
            }
        for (const char* k : {"POSTGRES_PASSWORD", "POSTGRES_USER"}) {
            if (cfg_.env.count(k)) continue;
            std::string v = std::string(k) == "POSTGRES_PASSWORD" ? password_ : user_;
            p.env_set[k] = v;
            args.insert(args.begin() + 1, {"--env", k});
        }
        p.argv.insert(p.argv.end(), args.begin(), args.end());
        p.timeout = 120s;
        return run_process(p);
    }

    void launch() {
        bool store = initial_quirks();
        bool ulimits_fixed = cfg_.ulimits_configured, runtime_fixed = !cfg_.runtime.empty();
        for (int attempt = 0;; ++attempt) {
            ProcessResult r = run_once();
            if (r.exit_code == 0) {
                container_id_ = trimmed(r.out);
                break;
            }
            remove_container();  // a refused `run` leaves a created container behind
            {
                std::lock_guard<std::mutex> lock(container_mutex_);
                removed_ = false;  // the retry creates it again under the same name
            }
            if (interrupted()) throw ProvisionError("interrupted while the container was starting");
            std::string err = trimmed(r.err.empty() ? r.out : r.err);
            if (attempt < 2 && !ulimits_fixed && quirks_.ulimits.empty() && is_rlimit_refusal(err)) {
                quirks_.ulimits = fallback_ulimits();
                store = true;
                continue;
            }
            if (attempt < 2 && !runtime_fixed && quirks_.runtime != "runc" && is_crun_cgroup_refusal(err) && runc_installed()) {
                quirks_.runtime = "runc";
                store = true;
                continue;
            }
            if (r.timed_out) err = "no answer within 120 s. " + err;
            throw ProvisionError(engine_.kind + " refused to start a container from " + cfg_.image + ": " + err +
                                 (ulimits_fixed || runtime_fixed ? "" : "  (Engine workarounds can be set in pggate.yaml: container.runtime, container.ulimits.)"));
        }
        if (store) store_cached_quirks(engine_, quirks_);
    }

    // Podman reports an exited server as exited, stopped or dead (and briefly as stopping).
    void throw_if_exited() {
        auto [status, code] = state();
        if (status != "running" && status != "created" && status != "initialized" && status != "restarting")
            throw ProvisionError("the container " + name_ + " (" + cfg_.image + ") exited during start-up" +
                                 (code.empty() ? "" : " with code " + code) + ". Its log ends with:\n" + logs_tail());
    }

    int published_port() {
        auto r = engine_command(engine_, {"port", name_, "5432/tcp"}, 30s);
        int port = parse_published_port(r.out);
        // An exited container publishes nothing; the engine may take a moment to notice the exit.
        for (int i = 0; port == 0 && i < 20 && !interrupted(); ++i) {
            throw_if_exited();
            std::this_thread::sleep_for(100ms);
            port = parse_published_port(engine_command(engine_, {"port", name_, "5432/tcp"}, 30s).out);
        }
        if (port == 0)
            throw ProvisionError(engine_.kind + " published no host port for the container's 5432/tcp (" + trimmed(r.err + r.out) +
                                 "). Check container.run_args (--network host, for one, disables publishing).");
        return port;
    }

    std::string logs_tail() {
        auto r = engine_command(engine_, {"logs", "--tail", "15", name_}, 30s, true);
        std::string text = trimmed(r.out + r.err);
        return text.empty() ? "(the container printed nothing)" : text;
    }

    // "running 0" / "exited 1".
    std::pair<std::string, std::string> state() {
        auto r = engine_command(engine_, {"inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name_}, 30s);
        std::istringstream in(r.out);
        std::string status, code;
        in >> status >> code;
        return {status, code};
    }

    void wait_ready() {
        auto t = std::chrono::steady_clock::now();
        std::string ping = conninfo("postgres");
        ping.replace(ping.find("connect_timeout=10"), 18, "connect_timeout=2");
        auto last_state_check = t;
        while (true) {
            if (interrupted()) throw ProvisionError("interrupted while PostgreSQL was starting in the container");
            PGconn* c = PQconnectdb(ping.c_str());
            bool ready = false;
            if (PQstatus(c) == CONNECTION_OK) {
                PGresult* res = PQexec(c, "SELECT 1");
                ready = PQresultStatus(res) == PGRES_TUPLES_OK;
                PQclear(res);
            }
            PQfinish(c);
            if (ready) break;
            if (ms_since(last_state_check) > 250) {
                last_state_check = std::chrono::steady_clock::now();
                throw_if_exited();
            }
            if (ms_since(t) > static_cast<double>(cfg_.ready_timeout_ms))
                throw ProvisionError("PostgreSQL in the container " + name_ + " (" + cfg_.image + ") did not accept a connection and SELECT 1 on 127.0.0.1:" +
                                     std::to_string(port_) + " within " + std::to_string(cfg_.ready_timeout_ms / 1000.0).substr(0, 4) +
                                     " s (container.ready_timeout). Its log ends with:\n" + logs_tail());
            std::this_thread::sleep_for(5ms);
        }
        metrics_["ready_wait_ms"] = ms_since(t);
    }

    // Idempotent, and safe from the interrupt clean-up thread while the main thread unwinds.
    void remove_container() noexcept {
        std::lock_guard<std::mutex> lock(container_mutex_);
        if (name_.empty() || removed_ || kept_) return;
        try {
            // --volumes: images that declare a VOLUME (the official one) get an anonymous volume per container.
            std::vector<std::string> rm = {"rm", "--force", "--volumes"};
            if (engine_.kind == "podman") rm.insert(rm.end(), {"--time", "0"});
            rm.push_back(name_);
            engine_command(engine_, rm, 60s, true);
        } catch (...) {
            // The next run's reaper removes it (its owner label names this dead process).
        }
        removed_ = true;
    }

    ContainerProviderConfig cfg_;
    Timeouts timeouts_;
    std::string run_id_;
    ContainerEngine engine_;
    EngineQuirks quirks_;
    std::string name_, container_id_, user_, password_, version_;
    int port_ = 0;
    int cleanup_id_ = 0;
    bool removed_ = false, kept_ = false;
    std::mutex container_mutex_;
    std::unique_ptr<PgConn> admin_;
    std::mutex admin_mutex_;
    std::map<std::string, double> metrics_;
};

}  // namespace

ProviderChoice choose_provider(const Config& cfg, const std::string& source) {
    bool automatic = cfg.provider == "auto" || cfg.provider.empty();
    std::string from = !source.empty() ? source : automatic ? "provider auto" : "provider: " + cfg.provider + " in pggate.yaml";
    if (!automatic) return {cfg.provider, from};
    if (!cfg.container.image_configured)
        return {"local", from + ": pggate.yaml names no container.image, so the embedded local PostgreSQL is used"};
    std::string why;
    auto engine = find_container_engine(cfg.container.engine, why);
    if (engine)
        return {"container", from + ": container.image is " + cfg.container.image + " and " + engine->kind + " " + engine->version + " (" +
                                 engine->path + ") is usable"};
    return {"local", from + ": container.image is set but " + why.substr(0, why.find(". Install")) + "; the embedded local PostgreSQL is used"};
}

std::unique_ptr<Provider> make_container_provider(const Config& cfg, const std::string& run_id) {
    return std::make_unique<ContainerProvider>(cfg, run_id);
}

}  // namespace pggate
