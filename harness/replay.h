// Replaying a schema path into a database: the init scripts (+ stamp), the migration chain from empty,
// or init + stamp + upgrade. Every failure is pinned to file:line:column, statement and SQLSTATE.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/chain.h"
#include "harness/config.h"
#include "harness/pg.h"
#include "harness/provider.h"
#include "harness/sql_script.h"
#include "reports/report.h"

namespace pggate {

// A step as the report shows it (label, kind, file, revision, ok, statements, duration).
using ReplayStep = StepReport;

struct ReplayFailure {
    std::string step;       // label of the failing step
    std::string revision;
    SourceLocation where;
    std::string statement;  // excerpt
    std::string sqlstate;
    std::string message;
    std::string detail;
    std::string hint;
    std::string output;     // tail of a command's output
};

struct PathResult {
    std::string path;  // init | chain | init-upgrade
    Database db;
    bool ok = true;
    bool skipped = false;  // not run because a step it shares with another path failed there
    std::vector<ReplayStep> steps;
    std::optional<ReplayFailure> failure;
    double duration_ms = 0;
};

// Reads the chain (SQL folder layout, or asks Alembic for its revisions) and parses every SQL file the
// run will send, so bad input stops pggate before any server starts. Throws ScriptError / ConfigError.
struct ReplayPlan {
    MigrationChain chain;
    std::vector<SqlScript> init_scripts;
    std::map<std::string, SqlScript> migration_scripts;  // by up_file
    std::map<std::string, SqlScript> down_scripts;       // by down_file (parsed up front too)
};
// With list_alembic=false the Alembic revision listing is left to list_alembic_revisions(), so the
// caller can overlap it (a Python start-up) with starting the server.
ReplayPlan plan_replay(const Config& cfg, bool list_alembic = true);
void list_alembic_revisions(const Config& cfg, ReplayPlan& plan);

using StepCallback = std::function<void(const std::string& path, const ReplayStep& step)>;

// Init and init-upgrade both begin with the init scripts. The caller may run them once, copy the
// database, and finish each path on its own copy: scripts_only stops after the scripts (the
// connection closed, so the database can serve as a template); scripts_done skips them.
struct ReplayOptions {
    bool scripts_only = false;
    bool scripts_done = false;
};

PathResult replay_path(const std::string& path, const Database& db, const Config& cfg, const ReplayPlan& plan,
                       const StepCallback& on_step, ReplayOptions options = {});

// A step that failed, thrown by run_script.
struct StepFailed {
    ReplayFailure failure;
};
// Runs a script statement by statement, like `psql -v ON_ERROR_STOP=1 -f`: in one transaction when asked
// and no statement needs autocommit (CREATE INDEX CONCURRENTLY & co.). Throws StepFailed.
int run_script(PgConn& conn, const SqlScript& script, bool one_transaction, const std::string& step);
// PostgreSQL's DETAIL without row values that may be secret: "Failing row contains (…)" is withheld, and
// "Key (cols)=(values)" keeps its values only when no key column has a secret-looking name.
std::string withhold_row_values(const std::string& detail);
// The failure of one statement, pinned to file:line:column from PostgreSQL's error position.
ReplayFailure failure_from_pg(const PgError& e, const SqlScript& script, const Statement& st, const std::string& step);
// A session with pggate's guards: statement_timeout and lock_timeout from the config, warnings only.
PgConn open_session(const Database& db, const Config& cfg);
// Applies these migrations (SQL files, or Alembic revisions one at a time) to a database; like a path.
// For Alembic, `driver_env` reaches the driver (PGGATE_STATE_QUERY turns its per-statement probe on) and
// `driver_events`, when given, receives the driver's "statement" events (JSON lines).
PathResult apply_migrations(const std::string& label, const Database& db, const Config& cfg, const ReplayPlan& plan,
                            const std::vector<Migration>& migrations, const StepCallback& on_step,
                            const std::map<std::string, std::string>& driver_env = {}, std::vector<std::string>* driver_events = nullptr);

// The SQL of each Alembic revision as `alembic upgrade base:heads --sql` (offline mode) writes it, in apply
// order: {revision, sql}. Throws std::runtime_error with Alembic's message when offline mode fails (an
// env.py without it, a revision that needs a live connection).
std::vector<std::pair<std::string, std::string>> alembic_offline_sql(const Config& cfg);

// One Alembic interpreter that upgrades and downgrades on request (`alembic upgrade <rev>`,
// `alembic downgrade <target>`), so a per-revision up/down/up walk pays one Python start-up, and pggate
// reads the schema between steps. Stopped (and its temp dir removed) on destruction.
class AlembicSession {
public:
    AlembicSession(const Config& cfg, const ReplayPlan& plan, const Database& db);  // throws std::runtime_error
    ~AlembicSession();
    AlembicSession(const AlembicSession&) = delete;
    AlembicSession& operator=(const AlembicSession&) = delete;
    // action: upgrade | downgrade; target as Alembic takes it ("b2", "b2@-1", "base"); `revision`, when given,
    // is the revision a failure is about. nullopt when it worked.
    std::optional<ReplayFailure> run(const std::string& action, const std::string& target, const std::string& revision = "");

private:
    bool next_event(std::string& line, long long timeout_ms);  // one JSON line from the driver
    void shutdown();
    const Config& cfg_;
    const ReplayPlan& plan_;
    Database db_;  // for redacting its password from Alembic's output
    std::string dir_, buffer_;
    int commands_fd_ = -1, events_fd_ = -1;
    int pid_ = -1;
};

// Formats a failure as the one-paragraph message users read.
// With with_output, the tail of a command's output follows on indented lines.
std::string describe_failure(const std::string& path, const ReplayFailure& f, const std::string& base_dir, bool with_output = true);
std::string relative_to(const std::string& file, const std::string& base_dir);

}  // namespace pggate
