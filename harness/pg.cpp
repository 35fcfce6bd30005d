#include "harness/pg.h"

#include <libpq-fe.h>

#include <cctype>
#include <cstring>

namespace pggate {
namespace {

std::string field(const PGresult* r, int code) {
    const char* v = r ? PQresultErrorField(r, code) : nullptr;
    return v ? v : "";
}

PgError error_from(const PGresult* r, PGconn* c) {
    std::string msg = field(r, PG_DIAG_MESSAGE_PRIMARY);
    if (msg.empty()) {
        msg = c ? PQerrorMessage(c) : "unknown error";
        while (!msg.empty() && std::isspace(static_cast<unsigned char>(msg.back()))) msg.pop_back();
    }
    PgError e(msg);
    e.sqlstate = field(r, PG_DIAG_SQLSTATE);
    e.detail = field(r, PG_DIAG_MESSAGE_DETAIL);
    e.hint = field(r, PG_DIAG_MESSAGE_HINT);
    e.context = field(r, PG_DIAG_CONTEXT);
    e.schema = field(r, PG_DIAG_SCHEMA_NAME);
    e.table = field(r, PG_DIAG_TABLE_NAME);
    e.column = field(r, PG_DIAG_COLUMN_NAME);
    e.constraint = field(r, PG_DIAG_CONSTRAINT_NAME);
    e.datatype = field(r, PG_DIAG_DATATYPE_NAME);
    std::string pos = field(r, PG_DIAG_STATEMENT_POSITION);
    if (!pos.empty()) e.position = std::atoi(pos.c_str());
    if (e.sqlstate.empty() && c && PQstatus(c) == CONNECTION_BAD) e.sqlstate = "08006";
    return e;
}

void notice_receiver(void* arg, const PGresult* r) {
    auto* sink = static_cast<std::vector<std::string>*>(arg);
    if (sink->size() < 1000) sink->push_back(field(r, PG_DIAG_MESSAGE_PRIMARY));
}

}  // namespace

PgResult::PgResult(pg_result* r) : r_(r) {}
PgResult::PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
PgResult& PgResult::operator=(PgResult&& o) noexcept {
    if (this != &o) {
        if (r_) PQclear(r_);
        r_ = o.r_;
        o.r_ = nullptr;
    }
    return *this;
}
PgResult::~PgResult() {
    if (r_) PQclear(r_);
}
int PgResult::rows() const { return r_ ? PQntuples(r_) : 0; }
int PgResult::cols() const { return r_ ? PQnfields(r_) : 0; }
std::string PgResult::name(int col) const { return PQfname(r_, col); }
int PgResult::column(const std::string& name) const {
    int c = r_ ? PQfnumber(r_, name.c_str()) : -1;
    if (c < 0) throw std::runtime_error("internal: result has no column " + name);
    return c;
}
bool PgResult::is_null(int row, int col) const { return PQgetisnull(r_, row, col); }
std::string PgResult::get(int row, int col) const {
    if (PQgetisnull(r_, row, col)) return "";
    return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
}
const char* PgResult::value(int row, int col) const { return PQgetvalue(r_, row, col); }
int PgResult::length(int row, int col) const { return PQgetlength(r_, row, col); }
std::optional<std::string> PgResult::opt(int row, const std::string& col) const {
    int c = column(col);
    if (PQgetisnull(r_, row, c)) return std::nullopt;
    return get(row, c);
}
long long PgResult::affected() const {
    const char* t = r_ ? PQcmdTuples(r_) : nullptr;
    return (t && *t) ? std::atoll(t) : 0;
}

PgConn::PgConn(const std::string& conninfo) {
    c_ = PQconnectdb(conninfo.c_str());
    if (!c_ || PQstatus(c_) != CONNECTION_OK) {
        std::string msg = c_ ? PQerrorMessage(c_) : "out of memory";
        while (!msg.empty() && std::isspace(static_cast<unsigned char>(msg.back()))) msg.pop_back();
        if (c_) PQfinish(c_);
        c_ = nullptr;
        PgError e("cannot connect to " + redact_conninfo(conninfo) + ": " + msg);
        e.sqlstate = "08001";
        throw e;
    }
    notices_ = new std::vector<std::string>();
    PQsetNoticeReceiver(c_, notice_receiver, notices_);
}
PgConn::PgConn(PgConn&& o) noexcept : c_(o.c_), notices_(o.notices_) {
    o.c_ = nullptr;
    o.notices_ = nullptr;
}
PgConn::~PgConn() {
    if (c_) PQfinish(c_);
    delete notices_;
}

PgResult PgConn::exec(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return PgResult(r);
    if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT) {
        PQclear(r);
        // Leave COPY mode so the connection stays usable, then report it as unsupported.
        PQputCopyEnd(c_, "COPY through pggate is not supported");
        while (PGresult* rest = PQgetResult(c_)) PQclear(rest);
        PgError e("COPY ... FROM STDIN / TO STDOUT is not supported in replayed scripts; load data with INSERT or a server-side file");
        e.sqlstate = "0A000";
        throw e;
    }
    PgError e = error_from(r, c_);
    if (r) PQclear(r);
    throw e;
}

PgResult PgConn::exec_params(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* r = PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                               nullptr, 0);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return PgResult(r);
    PgError e = error_from(r, c_);
    if (r) PQclear(r);
    throw e;
}

std::string PgConn::server_version() const {
    const char* v = PQparameterStatus(c_, "server_version");
    std::string s = v ? v : "";
    auto sp = s.find(' ');
    return sp == std::string::npos ? s : s.substr(0, sp);
}
int PgConn::backend_pid() const { return PQbackendPID(c_); }
std::vector<std::string> PgConn::take_notices() {
    std::vector<std::string> out;
    if (notices_) out.swap(*notices_);
    return out;
}

std::string quote_ident(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string quote_literal(const std::string& s) {
    // standard_conforming_strings is on (the default since 9.1): backslashes are literal.
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

namespace {
// Values in key=value conninfo strings are single-quoted with backslash escapes when needed.
std::string conninfo_value(const std::string& v) {
    if (!v.empty() && v.find_first_of(" '\\") == std::string::npos) return v;
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string rebuild(const std::string& conninfo, const char* drop_key, const char* set_key, const std::string& set_value,
                    bool redact) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (!opts) {
        if (err) PQfreemem(err);
        return redact ? "<unparsable connection string>" : conninfo;
    }
    std::string out;
    bool set_done = false;
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
        std::string key = o->keyword;
        if (set_key && key == set_key) {
            out += (out.empty() ? "" : " ") + key + "=" + conninfo_value(set_value);
            set_done = true;
            continue;
        }
        if (!o->val || (drop_key && key == drop_key)) continue;
        std::string val = o->val;
        if (redact && key == "password") continue;
        out += (out.empty() ? "" : " ") + key + "=" + conninfo_value(val);
    }
    if (set_key && !set_done) out += (out.empty() ? "" : " ") + std::string(set_key) + "=" + conninfo_value(set_value);
    PQconninfoFree(opts);
    return out;
}
}  // namespace

std::string redact_conninfo(const std::string& conninfo) { return rebuild(conninfo, "password", nullptr, "", true); }

std::string conninfo_with_dbname(const std::string& conninfo, const std::string& dbname) {
    return rebuild(conninfo, nullptr, "dbname", dbname, false);
}

std::optional<long long> parse_duration_ms(const std::string& text) {
    size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == 0) return std::nullopt;
    long long n = std::stoll(text.substr(0, i));
    std::string unit = text.substr(i);
    if (unit == "ms") return n;
    if (unit == "s" || unit.empty()) return n * 1000;
    if (unit == "m" || unit == "min") return n * 60'000;
    if (unit == "h") return n * 3'600'000;
    return std::nullopt;
}

}  // namespace pggate
