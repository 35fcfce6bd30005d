#include "harness/replay.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sstream>

#include "alembic_driver.h"  // generated: kAlembicDriver, the text of harness/alembic_driver.py
#include "harness/dotenv.h"
#include "harness/pg.h"
#include "harness/process.h"

namespace fs = std::filesystem;

namespace pggate {
namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

std::string last_lines(const std::string& text, size_t n) {
    size_t pos = text.size();
    while (pos > 0 && (text[pos - 1] == '\n' || text[pos - 1] == ' ')) --pos;
    size_t end = pos;
    for (size_t i = 0; i < n && pos > 0; ++i) {
        size_t nl = text.rfind('\n', pos - 1);
        if (nl == std::string::npos) { pos = 0; break; }
        pos = nl;
    }
    return text.substr(pos == 0 ? 0 : pos + 1, end - (pos == 0 ? 0 : pos + 1));
}

// Command output may echo the connection URL; never let a password through.
std::string redact_secrets(std::string text, const Database& db) {
    auto it = db.client_env.find("PGPASSWORD");
    if (it != db.client_env.end() && !it->second.empty()) {
        for (size_t p; (p = text.find(it->second)) != std::string::npos;) text.replace(p, it->second.size(), "***");
    }
    return text;
}

}  // namespace

std::string withhold_row_values(const std::string& detail) {
    // "Failing row contains (7, null, $2b$12$…)": any column may be a secret, and the row has no column names.
    if (detail.rfind("Failing row contains", 0) == 0) return "Failing row contains (values withheld by pggate)";
    // "Key (api_token)=(…) already exists.": the values stay only when no key column looks secret.
    if (detail.rfind("Key (", 0) == 0) {
        size_t close = detail.find(")=(");
        if (close != std::string::npos) {
            std::string cols = detail.substr(5, close - 5);
            std::istringstream names(cols);
            bool secret = false;
            for (std::string name; std::getline(names, name, ',');) {
                while (!name.empty() && name.front() == ' ') name.erase(0, 1);
                secret = secret || is_secret_name(name);
            }
            if (secret) {
                size_t end = detail.find(") ", close + 3);
                return detail.substr(0, close + 3) + "***" + (end == std::string::npos ? ")" : detail.substr(end));
            }
        }
    }
    return detail;
}

ReplayFailure failure_from_pg(const PgError& e, const SqlScript& script, const Statement& st, const std::string& step) {
    ReplayFailure f;
    f.step = step;
    f.sqlstate = e.sqlstate;
    f.message = e.what();
    f.detail = withhold_row_values(e.detail);
    f.hint = e.hint;
    f.statement = statement_excerpt(st.text);
    // PostgreSQL's position counts characters from the start of what we sent: map it back into the file.
    f.where = e.position > 0 ? locate(script.file, script.content, st.offset + char_to_byte(st.text, e.position)) : st.start;
    return f;
}

int run_script(PgConn& conn, const SqlScript& script, bool one_transaction, const std::string& step) {
    bool tx = one_transaction;
    for (const auto& st : script.statements)
        if (st.needs_autocommit) tx = false;  // CREATE INDEX CONCURRENTLY & co. cannot run inside BEGIN
    if (tx) conn.exec("BEGIN");
    for (const auto& st : script.statements) {
        if (interrupted()) throw std::runtime_error("interrupted");
        try {
            conn.exec(st.text);
        } catch (const PgError& e) {
            if (tx) {
                try { conn.exec("ROLLBACK"); } catch (const PgError&) {}
            }
            throw StepFailed{failure_from_pg(e, script, st, step)};
        }
    }
    if (tx) {
        try {
            conn.exec("COMMIT");
        } catch (const PgError& e) {  // deferred constraints fail at commit
            ReplayFailure f;
            f.step = step;
            f.sqlstate = e.sqlstate;
            f.message = e.what();
            f.detail = e.detail;
            f.statement = "COMMIT";
            f.where = {script.file, 0, 0};
            throw StepFailed{f};
        }
    }
    return static_cast<int>(script.statements.size());
}

namespace {

ProcessSpec command_spec(const std::string& command, const Database& db, const Config& cfg) {
    ProcessSpec p;
    p.argv = {"/bin/sh", "-c", command};
    p.cwd = cfg.chain.cwd.empty() ? cfg.dir : cfg.chain.cwd;
    p.env_set = db.client_env;
    p.stderr_file = "-";
    p.timeout = std::chrono::milliseconds(cfg.timeouts.step_ms);
    return p;
}

ReplayStep run_command_step(const std::string& command, const std::string& kind, const Database& db, const Config& cfg) {
    ReplayStep step{kind == "stamp" ? "stamp: " + command : command, kind, "", "", true, 0, 0};
    auto r = run_process(command_spec(command, db, cfg));
    step.duration_ms = static_cast<double>(r.elapsed.count());
    if (r.exit_code != 0) {
        ReplayFailure f;
        f.step = step.label;
        f.where = {cfg.file, cfg.chain.where.line, cfg.chain.where.column};
        f.message = r.timed_out ? "timed out after " + std::to_string(cfg.timeouts.step_ms / 1000) + " s (timeouts.step)"
                                : (r.signal ? "killed by signal " + std::to_string(r.signal) : "exited with status " + std::to_string(r.exit_code));
        f.output = redact_secrets(last_lines(r.out, 15), db);
        throw StepFailed{f};
    }
    return step;
}

// The Python that has Alembic: the one named on the `alembic` script's #! line, so a pyenv or venv
// python3 earlier in PATH (without the alembic package) does not get in the way.
std::string alembic_python(const ChainConfig& chain) {
    if (!chain.python.empty()) return chain.python;
    std::string script = chain.alembic_bin;
    if (script.find('/') == std::string::npos) {
        const char* path = std::getenv("PATH");
        std::istringstream dirs(path ? path : "");
        for (std::string d; std::getline(dirs, d, ':');) {
            if (!d.empty() && access((d + "/" + script).c_str(), X_OK) == 0) {
                script = d + "/" + script;
                break;
            }
        }
    }
    std::ifstream in(script);
    std::string first;
    if (in && std::getline(in, first) && first.rfind("#!", 0) == 0) {
        std::istringstream words(first.substr(2));
        std::string interp, arg;
        words >> interp >> arg;
        if (interp.size() >= 4 && interp.substr(interp.size() - 4) == "/env") return arg.empty() ? "python3" : arg;
        if (interp.find("python") != std::string::npos) return interp;
    }
    return "python3";
}

ProcessSpec alembic_spec(const Config& cfg, const std::vector<std::string>& args) {
    ProcessSpec p;
    p.argv = {alembic_python(cfg.chain), "-c", kAlembicDriver, cfg.chain.alembic_config};
    p.argv.insert(p.argv.end(), args.begin(), args.end());
    p.cwd = cfg.chain.cwd.empty() ? cfg.dir : cfg.chain.cwd;
    p.timeout = std::chrono::milliseconds(cfg.timeouts.step_ms);
    p.env_set["PYTHONDONTWRITEBYTECODE"] = "1";  // keep users' migration folders clean
    return p;
}

std::vector<nlohmann::json> driver_events(const std::string& out) {
    std::vector<nlohmann::json> events;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("@@pggate ", 0) != 0) continue;
        try {
            events.push_back(nlohmann::json::parse(line.substr(9)));
        } catch (const nlohmann::json::exception&) {
        }
    }
    return events;
}

std::string revision_label(const MigrationChain& chain, const std::string& rev) {
    for (const auto& m : chain.migrations)
        if (m.version == rev) return "revision " + rev + (m.name.empty() ? "" : " (" + m.name + ")");
    return "revision " + rev;
}

// A driver "error" event as a failure pinned to the revision file and line of the failing op.* call.
ReplayFailure failure_from_event(const nlohmann::json& ev, const ReplayPlan& plan, const Config& cfg) {
    std::string rev = ev.value("revision", "");
    std::string action = ev.value("action", "upgrade");
    ReplayFailure f;
    f.revision = rev;
    f.step = rev.empty() ? "alembic" : (action == "stamp" ? "alembic stamp " + rev : revision_label(plan.chain, rev));
    if (action == "downgrade") f.step = "alembic downgrade " + rev;
    f.sqlstate = ev.value("sqlstate", "");
    f.message = ev.value("message", "");
    f.detail = withhold_row_values(ev.value("detail", ""));
    f.hint = ev.value("hint", "");
    f.statement = statement_excerpt(ev.value("statement", ""));
    std::string file = ev.value("file", "");
    if (file.empty())
        for (const auto& m : plan.chain.migrations)
            if (m.version == rev) file = m.up_file;
    f.where = {file.empty() ? cfg.chain.alembic_config : file, ev.value("line", 0), 0};
    return f;
}

// Stamps and/or applies Alembic revisions one at a time in one Python process.
void run_alembic(const Config& cfg, const ReplayPlan& plan, const Database& db, const std::string& stamp,
                 const std::vector<Migration>& revisions, PathResult& result, const std::string& path, const StepCallback& on_step,
                 const std::map<std::string, std::string>& driver_env = {}, std::vector<std::string>* statement_events = nullptr) {
    std::vector<std::string> args = {"apply"};
    if (!stamp.empty()) args.insert(args.end(), {"--stamp", stamp});
    std::string list;
    for (const auto& m : revisions) list += (list.empty() ? "" : ",") + m.version;
    if (!list.empty()) args.insert(args.end(), {"--revisions", list});
    ProcessSpec spec = alembic_spec(cfg, args);
    spec.env_set.insert(db.client_env.begin(), db.client_env.end());
    spec.env_set.insert(driver_env.begin(), driver_env.end());
    spec.stderr_file = "-";
    auto r = run_process(spec);
    if (statement_events) {
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);)
            if (line.rfind("@@pggate {\"event\": \"statement\"", 0) == 0) statement_events->push_back(line.substr(9));
    }
    bool failed_event = false;
    for (const auto& ev : driver_events(r.out)) {
        std::string kind = ev.value("event", "");
        std::string rev = ev.value("revision", "");
        std::string action = ev.value("action", "upgrade");
        if (kind == "done") {
            ReplayStep s;
            s.kind = action == "stamp" ? "stamp" : "migration";
            s.revision = rev;
            s.label = action == "stamp" ? "alembic stamp " + rev : revision_label(plan.chain, rev);
            for (const auto& m : plan.chain.migrations)
                if (m.version == rev) s.file = m.up_file;
            s.duration_ms = ev.value("ms", 0);
            result.steps.push_back(s);
            on_step(path, s);
        } else if (kind == "error") {
            failed_event = true;
            ReplayFailure f = failure_from_event(ev, plan, cfg);
            const std::string file = f.where.file == cfg.chain.alembic_config ? "" : f.where.file;
            std::string out;
            std::istringstream in(r.out);
            for (std::string line; std::getline(in, line);)
                if (line.rfind("@@pggate ", 0) != 0) out += line + "\n";
            f.output = redact_secrets(last_lines(out, 12), db);
            ReplayStep s{f.step, action == "stamp" ? "stamp" : "migration", file, rev, false, 0, 0};
            result.steps.push_back(s);
            on_step(path, s);
            throw StepFailed{f};
        }
    }
    if (r.exit_code != 0 && !failed_event) {
        ReplayFailure f;
        f.step = "alembic";
        f.where = {cfg.chain.alembic_config, 0, 0};
        f.message = r.timed_out ? "Alembic timed out (timeouts.step)" : "Alembic exited with status " + std::to_string(r.exit_code);
        f.output = redact_secrets(last_lines(r.out, 12), db);
        throw StepFailed{f};
    }
}

void run_init(PgConn& conn, const Config& cfg, const ReplayPlan& plan, PathResult& result, const StepCallback& on_step) {
    for (const auto& script : plan.init_scripts) {
        ReplayStep s{relative_to(script.file, cfg.dir), "script", script.file, "", true, 0, 0};
        auto t = std::chrono::steady_clock::now();
        try {
            s.statements = run_script(conn, script, false, s.label);
        } catch (const StepFailed&) {
            s.ok = false;
            s.duration_ms = ms_since(t);
            result.steps.push_back(s);
            on_step(result.path, s);
            throw;
        }
        s.duration_ms = ms_since(t);
        result.steps.push_back(s);
        on_step(result.path, s);
    }
}

void run_sql_migrations(PgConn& conn, const Config& cfg, const ReplayPlan& plan, const std::vector<Migration>& migrations,
                        PathResult& result, const StepCallback& on_step) {
    for (const auto& m : migrations) {
        const SqlScript& script = plan.migration_scripts.at(m.up_file);
        ReplayStep s{relative_to(m.up_file, cfg.dir), "migration", m.up_file, m.version, true, 0, 0};
        auto t = std::chrono::steady_clock::now();
        try {
            s.statements = run_script(conn, script, true, s.label);  // each migration is atomic, as the tools run them
        } catch (const StepFailed& f) {
            s.ok = false;
            s.duration_ms = ms_since(t);
            result.steps.push_back(s);
            on_step(result.path, s);
            StepFailed copy = f;
            copy.failure.revision = m.version;
            throw copy;
        }
        s.duration_ms = ms_since(t);
        result.steps.push_back(s);
        on_step(result.path, s);
    }
}

}  // namespace

PgConn open_session(const Database& db, const Config& cfg) {
    PgConn conn(db.conninfo);
    conn.exec("SET client_min_messages = warning");
    conn.exec("SET statement_timeout = " + std::to_string(cfg.timeouts.statement_ms));
    conn.exec("SET lock_timeout = " + std::to_string(cfg.timeouts.lock_ms));
    return conn;
}

PathResult apply_migrations(const std::string& label, const Database& db, const Config& cfg, const ReplayPlan& plan,
                            const std::vector<Migration>& migrations, const StepCallback& on_step,
                            const std::map<std::string, std::string>& driver_env, std::vector<std::string>* driver_events) {
    PathResult result;
    result.path = label;
    result.db = db;
    auto t = std::chrono::steady_clock::now();
    try {
        if (cfg.chain.kind == ChainKind::alembic) {
            if (!migrations.empty()) run_alembic(cfg, plan, db, "", migrations, result, label, on_step, driver_env, driver_events);
        } else {
            PgConn conn = open_session(db, cfg);
            run_sql_migrations(conn, cfg, plan, migrations, result, on_step);
        }
    } catch (const StepFailed& f) {
        result.ok = false;
        result.failure = f.failure;
    } catch (const PgError& e) {
        result.ok = false;
        result.failure = ReplayFailure{label, "", {}, "", e.sqlstate, e.what(), e.detail, e.hint, ""};
    }
    result.duration_ms = ms_since(t);
    return result;
}

std::string relative_to(const std::string& file, const std::string& base_dir) {
    if (file.empty()) return file;
    std::error_code ec;
    fs::path rel = fs::path(file).lexically_relative(base_dir);
    if (rel.empty() || rel.string().rfind("..", 0) == 0) return file;
    return rel.string();
}

ReplayPlan plan_replay(const Config& cfg, bool list_alembic) {
    ReplayPlan plan;
    for (const auto& f : cfg.init.scripts) plan.init_scripts.push_back(load_sql_script(f));
    switch (cfg.chain.kind) {
        case ChainKind::none:
            break;
        case ChainKind::command:
            plan.chain.layout = "command";
            break;
        case ChainKind::sql_dir:
            plan.chain = discover_sql_chain(cfg.chain.dir, cfg.chain.layout);
            for (const auto& m : plan.chain.migrations) {
                plan.migration_scripts.emplace(m.up_file, load_sql_script(m.up_file, m.up_section));
                if (!m.down_file.empty())
                    plan.down_scripts.emplace(m.down_file, load_sql_script(m.down_file, m.up_section == ScriptSection::dbmate_up
                                                                                             ? ScriptSection::dbmate_down
                                                                                             : ScriptSection::whole));
            }
            if (!cfg.init.stamp.empty() && cfg.chain.kind == ChainKind::sql_dir) {
                try {
                    (void)migrations_after(plan.chain, cfg.init.stamp);
                } catch (const std::runtime_error& e) {
                    throw ScriptError({cfg.file, 0, 0}, cfg.file + ": " + e.what() + " (versions found in " + cfg.chain.dir + ").");
                }
            }
            break;
        case ChainKind::alembic:
            if (list_alembic) list_alembic_revisions(cfg, plan);
            break;
    }
    return plan;
}

void list_alembic_revisions(const Config& cfg, ReplayPlan& plan) {
    auto r = run_process(alembic_spec(cfg, {"revisions"}));
    auto events = driver_events(r.out);
    if (r.exit_code != 0 || events.empty() || events.front().value("event", "") != "revisions") {
        std::string why = events.empty() ? last_lines(r.out + r.err, 6) : events.front().value("message", "");
        throw ScriptError({cfg.chain.alembic_config, 0, 0},
                          cfg.chain.alembic_config + ": Alembic could not list the revisions (" + alembic_python(cfg.chain) +
                              " with the alembic package is needed; Debian: apt-get install alembic): " + why);
    }
    std::vector<Migration> revs;
    for (const auto& j : events.front()["revisions"]) {
        Migration m;
        m.version = j.value("revision", "");
        m.name = j.value("doc", "");
        m.up_file = j.value("path", "");
        for (const auto& d : j["down_revisions"]) m.down_revisions.push_back(d.get<std::string>());
        revs.push_back(m);
    }
    plan.chain = order_alembic_revisions(revs, cfg.chain.alembic_config);
    if (!cfg.init.stamp.empty()) {
        try {
            (void)migrations_after(plan.chain, cfg.init.stamp);
        } catch (const std::runtime_error& e) {
            throw ScriptError({cfg.file, 0, 0}, cfg.file + ": " + e.what() + ": no Alembic revision has that id.");
        }
    }
}

PathResult replay_path(const std::string& path, const Database& db, const Config& cfg, const ReplayPlan& plan,
                       const StepCallback& on_step, ReplayOptions options) {
    PathResult result;
    result.path = path;
    result.db = db;
    auto t = std::chrono::steady_clock::now();
    try {
        const bool init_like = path == "init" || path == "init-upgrade";
        if (init_like && !options.scripts_done) {
            PgConn conn = open_session(db, cfg);
            run_init(conn, cfg, plan, result, on_step);
        }
        if (init_like && options.scripts_only) {
            result.duration_ms = ms_since(t);
            return result;
        }
        PgConn conn = open_session(db, cfg);
        const bool alembic = cfg.chain.kind == ChainKind::alembic;
        if (path == "init") {
            if (alembic && !cfg.init.stamp.empty()) run_alembic(cfg, plan, db, cfg.init.stamp, {}, result, path, on_step);
            else if (!cfg.init.stamp_command.empty()) result.steps.push_back(run_command_step(cfg.init.stamp_command, "stamp", db, cfg));
        } else if (path == "chain") {
            if (alembic) run_alembic(cfg, plan, db, "", plan.chain.migrations, result, path, on_step);
            else if (cfg.chain.kind == ChainKind::command) {
                result.steps.push_back(run_command_step(cfg.chain.command, "command", db, cfg));
                on_step(path, result.steps.back());
            } else run_sql_migrations(conn, cfg, plan, plan.chain.migrations, result, on_step);
        } else if (path == "init-upgrade") {
            if (alembic) {
                run_alembic(cfg, plan, db, cfg.init.stamp, migrations_after(plan.chain, cfg.init.stamp), result, path, on_step);
            } else if (cfg.chain.kind == ChainKind::command) {
                result.steps.push_back(run_command_step(cfg.init.stamp_command, "stamp", db, cfg));
                result.steps.push_back(run_command_step(cfg.chain.command, "command", db, cfg));
                on_step(path, result.steps.back());
            } else {
                run_sql_migrations(conn, cfg, plan, migrations_after(plan.chain, cfg.init.stamp), result, on_step);
            }
        }
    } catch (const StepFailed& f) {
        result.ok = false;
        result.failure = f.failure;
    } catch (const PgError& e) {  // lost connection, server gone
        result.ok = false;
        result.failure = ReplayFailure{path, "", {}, "", e.sqlstate, e.what(), e.detail, e.hint, ""};
    }
    result.duration_ms = ms_since(t);
    return result;
}

std::vector<std::pair<std::string, std::string>> alembic_offline_sql(const Config& cfg) {
    ProcessSpec spec = alembic_spec(cfg, {"offline"});
    spec.env_set["DATABASE_URL"] = "postgresql://pggate-offline@localhost/pggate-offline";  // never connected to
    spec.stderr_file = "-";
    auto r = run_process(spec);
    std::string sql;
    bool found = false;
    for (const auto& ev : driver_events(r.out)) {
        if (ev.value("event", "") == "offline") {
            sql = ev.value("sql", "");
            found = true;
        } else if (ev.value("event", "") == "error") {
            throw std::runtime_error(ev.value("message", "Alembic offline mode failed"));
        }
    }
    if (!found) throw std::runtime_error("Alembic offline mode failed: " + last_lines(r.out, 4));
    // Sections start with Alembic's own marker: "-- Running upgrade <from> -> <to>".
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream lines(sql);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("-- Running upgrade ", 0) == 0) {
            size_t arrow = line.rfind("-> ");
            std::string to = arrow == std::string::npos ? "" : line.substr(arrow + 3);
            while (!to.empty() && std::isspace(static_cast<unsigned char>(to.back()))) to.pop_back();
            out.push_back({to, ""});
            continue;
        }
        if (!out.empty()) out.back().second += line + "\n";
    }
    return out;
}

AlembicSession::AlembicSession(const Config& cfg, const ReplayPlan& plan, const Database& db) : cfg_(cfg), plan_(plan), db_(db) {
    char dir_template[] = "/tmp/pggate-alembic-XXXXXX";
    if (!mkdtemp(dir_template)) throw std::runtime_error("cannot create a temp dir for the Alembic session");
    dir_ = dir_template;
    const std::string in = dir_ + "/commands", out = dir_ + "/events";
    if (mkfifo(in.c_str(), 0600) != 0 || mkfifo(out.c_str(), 0600) != 0) {
        fs::remove_all(dir_);
        throw std::runtime_error("cannot create the Alembic session's pipes in " + dir_);
    }
    // Read-write opens never block on a FIFO, and keep it open if the driver dies (its death is seen by pid).
    commands_fd_ = open(in.c_str(), O_RDWR | O_CLOEXEC);
    events_fd_ = open(out.c_str(), O_RDWR | O_CLOEXEC);
    ProcessSpec spec = alembic_spec(cfg, {"session"});
    spec.env_set.insert(db.client_env.begin(), db.client_env.end());
    spec.env_set["PGGATE_SESSION_IN"] = in;
    spec.env_set["PGGATE_SESSION_OUT"] = out;
    spec.stdout_file = dir_ + "/output";
    spec.stderr_file = "-";
    pid_ = spawn_process(spec);
    register_child_group(pid_, SIGTERM);
    std::string line;
    nlohmann::json ready = next_event(line, 60'000) ? nlohmann::json::parse(line, nullptr, false) : nlohmann::json();
    if (!ready.is_object() || ready.value("event", "") != "ready") {
        std::string why = ready.is_object() ? ready.value("message", "") : "";
        if (why.empty()) {
            std::ifstream in(dir_ + "/output");
            std::stringstream text;
            text << in.rdbuf();
            why = redact_secrets(last_lines(text.str(), 6), db);
        }
        shutdown();
        throw std::runtime_error("Alembic could not start (" + alembic_python(cfg.chain) + " with the alembic package is needed)" +
                                 (why.empty() ? "" : ": " + redact_secrets(why, db)));
    }
}

AlembicSession::~AlembicSession() { shutdown(); }

void AlembicSession::shutdown() {
    if (pid_ > 0) {
        (void)!write(commands_fd_, "quit\n", 5);
        stop_child(pid_, SIGTERM, std::chrono::milliseconds(2000));
        unregister_child_group(pid_);
        pid_ = -1;
    }
    if (commands_fd_ >= 0) close(commands_fd_);
    if (events_fd_ >= 0) close(events_fd_);
    commands_fd_ = events_fd_ = -1;
    if (!dir_.empty()) {
        std::error_code ec;
        fs::remove_all(dir_, ec);
        dir_.clear();
    }
}

bool AlembicSession::next_event(std::string& line, long long timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        size_t nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return true;
        }
        // Drain first: a last event written just before the driver exits must not be lost.
        pollfd p{events_fd_, POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            char buf[65536];
            ssize_t n = read(events_fd_, buf, sizeof buf);
            if (n > 0) {
                buffer_.append(buf, static_cast<size_t>(n));
                continue;
            }
        }
        if (interrupted() || !pid_alive(pid_) || std::chrono::steady_clock::now() > deadline) return false;
    }
}

std::optional<ReplayFailure> AlembicSession::run(const std::string& action, const std::string& target, const std::string& revision) {
    std::string line = action + " " + target + "\n";
    if (write(commands_fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
        return ReplayFailure{"alembic " + action + " " + target, target, {cfg_.chain.alembic_config, 0, 0}, "", "", "the Alembic session is gone", "", "", ""};
    std::string text_line;
    if (!next_event(text_line, cfg_.timeouts.step_ms)) {
        std::ifstream in(dir_ + "/output");
        std::stringstream text;
        text << in.rdbuf();
        ReplayFailure f{"alembic " + action + " " + target, target, {cfg_.chain.alembic_config, 0, 0}, "", "",
                        interrupted() ? "interrupted" : pid_alive(pid_) ? "timed out (timeouts.step)" : "Alembic exited", "", "", ""};
        f.output = redact_secrets(last_lines(text.str(), 12), db_);
        return f;
    }
    nlohmann::json ev = nlohmann::json::parse(text_line, nullptr, false);
    if (ev.is_object() && ev.value("event", "") == "done") return std::nullopt;
    if (!ev.is_object()) return ReplayFailure{"alembic " + action + " " + target, target, {cfg_.chain.alembic_config, 0, 0}, "", "", "unreadable reply from the Alembic session", "", "", ""};
    if (!revision.empty()) ev["revision"] = revision;  // the target may be relative ("b2@-1"): name the revision itself
    return failure_from_event(ev, plan_, cfg_);
}

std::string describe_failure(const std::string& path, const ReplayFailure& f, const std::string& base_dir, bool with_output) {
    std::ostringstream s;
    std::string file = relative_to(f.where.file, base_dir);
    if (!file.empty()) {
        s << file;
        if (f.where.line > 0) s << ":" << f.where.line;
        if (f.where.column > 0) s << ":" << f.where.column;
        s << ": ";
    }
    s << "the " << path << " path failed in " << f.step << ": " << f.message;
    if (!f.sqlstate.empty()) s << " (SQLSTATE " << f.sqlstate << ")";
    s << ".";
    if (!f.detail.empty()) s << " Detail: " << f.detail;
    if (!f.hint.empty()) s << " Hint: " << f.hint;
    if (!f.statement.empty()) s << " Statement: " << f.statement;
    if (with_output && !f.output.empty()) s << "\n  output:\n    " << [&] {
        std::string o = f.output, r;
        for (char c : o) { r += c; if (c == '\n') r += "    "; }
        return r;
    }();
    return s.str();
}

}  // namespace pggate
