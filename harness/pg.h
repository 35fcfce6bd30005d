// A small libpq wrapper: connections, text results, and errors that keep PostgreSQL's diagnostic
// fields (SQLSTATE, error position, detail, hint) so replay failures can point at file:line:column.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace pggate {

struct PgError : std::runtime_error {
    std::string sqlstate;
    std::string detail;
    std::string hint;
    std::string context;
    // Which object the error is about, when PostgreSQL says (NOT NULL, CHECK, UNIQUE, FK violations).
    std::string schema, table, column, constraint, datatype;
    int position = 0;  // 1-based character offset into the statement sent, 0 when PostgreSQL gave none
    explicit PgError(const std::string& message) : std::runtime_error(message) {}
};

class PgResult {
public:
    PgResult() = default;
    explicit PgResult(pg_result* r);
    PgResult(PgResult&& o) noexcept;
    PgResult& operator=(PgResult&& o) noexcept;
    PgResult(const PgResult&) = delete;
    ~PgResult();
    int rows() const;
    int cols() const;
    std::string name(int col) const;
    int column(const std::string& name) const;  // throws when absent
    bool is_null(int row, int col) const;
    std::string get(int row, int col) const;    // "" for NULL
    const char* value(int row, int col) const;  // as get, without a copy; valid while the result lives
    int length(int row, int col) const;         // of value, in bytes
    std::string get(int row, const std::string& col) const { return get(row, column(col)); }
    std::optional<std::string> opt(int row, const std::string& col) const;
    long long affected() const;

private:
    pg_result* r_ = nullptr;
};

class PgConn {
public:
    explicit PgConn(const std::string& conninfo);  // throws PgError (message redacted)
    PgConn(PgConn&& o) noexcept;
    PgConn(const PgConn&) = delete;
    ~PgConn();
    PgResult exec(const std::string& sql);  // throws PgError
    PgResult exec_params(const std::string& sql, const std::vector<std::optional<std::string>>& params);
    std::string server_version() const;     // e.g. "15.18"
    int backend_pid() const;
    std::vector<std::string> take_notices();

private:
    pg_conn* c_ = nullptr;
    std::vector<std::string>* notices_ = nullptr;
};

std::string quote_ident(const std::string& s);
std::string quote_literal(const std::string& s);
// The conninfo (key=value or URI) with any password removed; safe for logs and reports.
std::string redact_conninfo(const std::string& conninfo);
// Replaces the database name of a conninfo, keeping every other parameter. Returns key=value form.
std::string conninfo_with_dbname(const std::string& conninfo, const std::string& dbname);
// Parses "60s", "500ms", "2m", "1h"; nullopt on anything else.
std::optional<long long> parse_duration_ms(const std::string& text);

}  // namespace pggate
