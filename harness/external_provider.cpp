// An existing server reached with an admin DSN. pggate creates uniquely named throwaway databases
// (pggate_<run id>_<label>), marks them with a comment naming the run, and drops only those.
#include <libpq-fe.h>

#include <sstream>
#include <unistd.h>

#include "harness/config.h"
#include "harness/pg.h"
#include "harness/process.h"
#include "harness/provider.h"

namespace pggate {
namespace {

std::string url_escape(const std::string& s) {
    std::ostringstream o;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') o << c;
        else o << '%' << std::uppercase << std::hex << (c >> 4) << (c & 15) << std::dec;
    }
    return o.str();
}

std::string host_name() {
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

class ExternalProvider : public Provider {
public:
    ExternalProvider(const Config& cfg, std::string run_id) : dsn_(cfg.external.admin_dsn), timeouts_(cfg.timeouts), run_id_(std::move(run_id)) {}
    ~ExternalProvider() override { stop(); }
    std::string kind() const override { return "external"; }

    void start() override {
        try {
            admin_ = std::make_unique<PgConn>(dsn_);
        } catch (const PgError& e) {
            throw ProvisionError(std::string(e.what()) + ". Check external.admin_dsn (it needs a role that may CREATE DATABASE).");
        }
        version_ = admin_->server_version();
        reap_stale();
    }

    Database create_database(const std::string& label, const Database* copy_of) override {
        std::string safe = label;
        for (char& c : safe)
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        std::string name = "pggate_" + run_id_ + "_" + safe;
        std::string tmpl = copy_of ? copy_of->name : "template0";
        std::lock_guard<std::mutex> lock(admin_mutex_);
        admin_->exec("CREATE DATABASE " + quote_ident(name) + " TEMPLATE " + quote_ident(tmpl));
        created_.push_back(name);
        admin_->exec("COMMENT ON DATABASE " + quote_ident(name) + " IS " +
                     quote_literal("pggate run " + run_id_ + " pid " + std::to_string(getpid()) + " start " +
                                   std::to_string(process_start_time(getpid())) + " host " + host_name()));
        Database db;
        db.label = label;
        db.name = name;
        db.conninfo = conninfo_with_dbname(dsn_, name) + " options='-c statement_timeout=" + std::to_string(timeouts_.statement_ms) +
                      " -c lock_timeout=" + std::to_string(timeouts_.lock_ms) + "'";
        db.client_env = client_env_for(db.conninfo);
        return db;
    }

    std::string server_version() const override { return version_; }
    std::string describe() const override { return "external PostgreSQL " + version_ + " at " + redact_conninfo(dsn_); }
    std::string connect_hint() const override {
        std::string names;
        for (const auto& n : created_) names += (names.empty() ? "" : ", ") + n;
        return "databases " + names + " on " + redact_conninfo(dsn_) + " (drop them yourself when done)";
    }
    void keep() override { kept_ = true; }

    void stop() noexcept override {
        std::lock_guard<std::mutex> lock(admin_mutex_);
        if (kept_ || !admin_) return;
        for (const auto& name : created_) {
            try {
                admin_->exec("DROP DATABASE IF EXISTS " + quote_ident(name) + " WITH (FORCE)");
            } catch (const std::exception&) {
                // Keep going: the next run's reaper removes what is left (the comment names this run).
            }
        }
        created_.clear();
        admin_.reset();
    }

private:
    // Drops databases of earlier pggate runs on this host whose process is gone. Only databases whose
    // name and comment both say pggate made them are touched.
    void reap_stale() {
        PgResult r = admin_->exec(
            "SELECT d.datname, shobj_description(d.oid, 'pg_database') FROM pg_database d "
            "WHERE d.datname LIKE 'pggate\\_%' AND shobj_description(d.oid, 'pg_database') LIKE 'pggate run %'");
        std::string me = host_name();
        for (int i = 0; i < r.rows(); ++i) {
            std::istringstream c(r.get(i, 1));
            std::string w, run, host;
            pid_t pid = 0;
            unsigned long long start = 0;
            while (c >> w) {
                if (w == "run") c >> run;
                else if (w == "pid") c >> pid;
                else if (w == "start") c >> start;
                else if (w == "host") c >> host;
            }
            if (host != me || pid <= 0) continue;
            if (pid_alive(pid) && process_start_time(pid) == start) continue;
            try {
                admin_->exec("DROP DATABASE IF EXISTS " + quote_ident(r.get(i, 0)) + " WITH (FORCE)");
            } catch (const std::exception&) {
            }
        }
    }

    std::string dsn_;
    Timeouts timeouts_;
    std::string run_id_, version_;
    std::unique_ptr<PgConn> admin_;
    std::mutex admin_mutex_;
    std::vector<std::string> created_;
    bool kept_ = false;
};

}  // namespace

std::unique_ptr<Provider> make_local_provider(const Config& cfg, const std::string& run_id);
std::unique_ptr<Provider> make_container_provider(const Config& cfg, const std::string& run_id);

std::unique_ptr<Provider> make_provider(const Config& cfg, const std::string& run_id) {
    if (cfg.provider == "local") return make_local_provider(cfg, run_id);
    if (cfg.provider == "external") return std::make_unique<ExternalProvider>(cfg, run_id);
    if (cfg.provider == "container") return make_container_provider(cfg, run_id);
    if (cfg.provider == "auto" || cfg.provider.empty()) {
        Config resolved = cfg;
        resolved.provider = choose_provider(cfg, "").kind;
        return make_provider(resolved, run_id);
    }
    throw ProvisionError("unknown provider '" + cfg.provider + "'; expected auto, local, container or external.");
}

std::string conninfo_to_url(const std::string& conninfo, bool with_password) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (!opts) {
        if (err) PQfreemem(err);
        return "";
    }
    std::map<std::string, std::string> v;
    for (PQconninfoOption* o = opts; o->keyword; ++o)
        if (o->val) v[o->keyword] = o->val;
    PQconninfoFree(opts);
    std::string url = "postgresql://";
    if (v.count("user")) {
        url += url_escape(v["user"]);
        if (with_password && v.count("password")) url += ":" + url_escape(v["password"]);
        url += "@";
    }
    std::string host = v.count("host") ? v["host"] : "";
    bool socket = !host.empty() && host[0] == '/';
    if (!socket) url += host;
    if (!socket && v.count("port")) url += ":" + v["port"];
    url += "/" + url_escape(v.count("dbname") ? v["dbname"] : "");
    std::string query;
    if (socket) query += "host=" + url_escape(host) + (v.count("port") ? "&port=" + v["port"] : "");
    if (v.count("sslmode")) query += std::string(query.empty() ? "" : "&") + "sslmode=" + v["sslmode"];
    if (!query.empty()) url += "?" + query;
    return url;
}

std::map<std::string, std::string> client_env_for(const std::string& conninfo) {
    std::map<std::string, std::string> env;
    env["DATABASE_URL"] = conninfo_to_url(conninfo, true);
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (!opts) {
        if (err) PQfreemem(err);
        return env;
    }
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
        if (!o->val || !o->envvar) continue;
        env[o->envvar] = o->val;  // PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGOPTIONS, ...
    }
    PQconninfoFree(opts);
    return env;
}

}  // namespace pggate
