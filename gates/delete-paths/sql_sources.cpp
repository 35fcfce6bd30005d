#include "gates/delete-paths/sql_sources.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

namespace pggate {
namespace {

constexpr size_t npos = std::string::npos;
// Deeper nesting ($( $( … ) ), backticks in backticks) is skipped by counting brackets instead of recursing,
// so the stack stays small whatever the input.
constexpr int kMaxDepth = 32;
// A non-literal operand joined to a SQL literal ("DELETE FROM " + table) is at most this long; longer is
// not an operand we understand, and the cap keeps the look-ahead linear.
constexpr size_t kMaxOperand = 256;

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
std::string lowercase(std::string s) {
    for (char& c : s) c = lower(c);
    return s;
}
// Bounds-safe look-ahead: '\0' past the end.
char at(const std::string& s, size_t i) { return i < s.size() ? s[i] : '\0'; }
bool starts(const std::string& s, size_t i, const std::string& lit) {
    return !lit.empty() && i <= s.size() && s.compare(i, lit.size(), lit) == 0;
}
bool has_non_blank(const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return !is_blank(c) && c != '\n'; });
}

// ---- fragments ------------------------------------------------------------------------------------

// A fragment being assembled: every byte appended carries the file offset it came from.
class FragmentBuilder {
  public:
    size_t size() const { return f_.sql.size(); }
    const std::string& sql() const { return f_.sql; }
    void add(char c, size_t at) {
        f_.sql += c == '\0' ? ' ' : c;  // libpg_query reads a C string
        f_.source_offsets.push_back(static_cast<std::uint32_t>(at));
    }
    // An interpolation s[from, to) becomes an identifier of the same length ($TENANT → _TENANT): it parses
    // where a table, a column or a value stands, and is harmless inside a SQL string literal.
    void add_placeholder(const std::string& s, size_t from, size_t to) {
        size_t first = size();
        for (size_t i = from; i < to; ++i) add(i == from || !is_word(s[i]) ? '_' : s[i], i);
        if (size() > first) f_.interpolated.emplace_back(first, size());
    }
    void mark_interpolated(size_t first, size_t last) { f_.interpolated.emplace_back(first, last); }
    // `end` is where the fragment's source ends; never before the byte after its last one.
    SqlFragment finish(size_t end, const std::string& origin) {
        if (!f_.source_offsets.empty()) end = std::max<size_t>(end, f_.source_offsets.back() + 1u);
        f_.source_offsets.push_back(static_cast<std::uint32_t>(end));
        f_.origin = origin;
        std::sort(f_.interpolated.begin(), f_.interpolated.end());
        return std::move(f_);
    }

  private:
    SqlFragment f_;
};

// sql[from…] of a finished fragment, keeping its offsets and interpolations.
SqlFragment slice(const SqlFragment& f, size_t from, const std::string& origin) {
    SqlFragment out;
    from = std::min(from, f.sql.size());
    out.sql = f.sql.substr(from);
    out.source_offsets.assign(f.source_offsets.begin() + static_cast<std::ptrdiff_t>(from), f.source_offsets.end());
    for (auto [a, b] : f.interpolated)
        if (b > from) out.interpolated.emplace_back(std::max(a, from) - from, b - from);
    out.origin = origin;
    return out;
}

// Rewrites a finished fragment where replacements change lengths (`?` → `$1`), keeping offsets and
// interpolated ranges true.
class Rewrite {
  public:
    explicit Rewrite(const SqlFragment& old) : old_(old), new_at_(old.sql.size() + 1, 0) {}
    void copy(size_t i) {
        new_at_[i] = b_.size();
        b_.add(old_.sql[i], old_.source_offsets[i]);
    }
    void copy(size_t from, size_t to) {
        for (size_t i = from; i < to; ++i) copy(i);
    }
    // old sql[from, to) → text; extra characters map to the last replaced byte.
    void replace(size_t from, size_t to, const std::string& text) {
        size_t first = b_.size();
        for (size_t k = from; k < to; ++k) new_at_[k] = first;
        for (size_t k = 0; k < text.size(); ++k) b_.add(text[k], old_.source_offsets[std::min(from + k, to - 1)]);
        b_.mark_interpolated(first, b_.size());
    }
    SqlFragment finish() {
        new_at_[old_.sql.size()] = b_.size();
        for (auto [a, e] : old_.interpolated) b_.mark_interpolated(new_at_[a], new_at_[e]);
        return b_.finish(old_.source_offsets.back(), old_.origin);
    }

  private:
    const SqlFragment& old_;
    FragmentBuilder b_;
    std::vector<size_t> new_at_;
};

// ---- a little of PostgreSQL's lexer ---------------------------------------------------------------

// When sql[i] opens a string literal, quoted identifier, comment or dollar quote: the index after it
// (the end when unterminated). Otherwise i.
size_t sql_quoted_end(const std::string& sql, size_t i) {
    const size_t n = sql.size();
    char c = sql[i];
    if (c == '\'') {
        bool backslash_escapes = i > 0 && lower(sql[i - 1]) == 'e' && (i < 2 || !is_word(sql[i - 2]));
        for (size_t j = i + 1; j < n; ++j) {
            if (backslash_escapes && sql[j] == '\\') { ++j; continue; }
            if (sql[j] == '\'') {
                if (at(sql, j + 1) == '\'') { ++j; continue; }
                return j + 1;
            }
        }
        return n;
    }
    if (c == '"') {
        size_t j = sql.find('"', i + 1);
        return j == npos ? n : j + 1;
    }
    if (c == '-' && at(sql, i + 1) == '-') {
        size_t j = sql.find('\n', i);
        return j == npos ? n : j;
    }
    if (c == '/' && at(sql, i + 1) == '*') {
        size_t j = sql.find("*/", i + 2);
        return j == npos ? n : j + 2;
    }
    if (c == '$' && (i == 0 || !is_word(sql[i - 1]))) {
        size_t j = i + 1;
        if (is_alpha(at(sql, j)) || at(sql, j) == '_')
            while (j < n && is_word(sql[j])) ++j;
        if (at(sql, j) != '$') return i;
        std::string tag = sql.substr(i, j + 1 - i);
        size_t close = sql.find(tag, j + 1);
        return close == npos ? n : close + tag.size();
    }
    return i;
}

size_t skip_sql_space(const std::string& sql, size_t i) {
    while (i < sql.size()) {
        char c = sql[i];
        if (is_blank(c) || c == '\n' || c == '(') { ++i; continue; }
        if ((c == '-' && at(sql, i + 1) == '-') || (c == '/' && at(sql, i + 1) == '*')) {
            i = sql_quoted_end(sql, i);
            continue;
        }
        break;
    }
    return i;
}

// The statement kinds a fragment may start with. Written all upper or all lower case: "Delete old rows"
// in a log message is prose.
bool starts_with_sql_verb(const std::string& sql) {
    static const char* const kVerbs[] = {"select", "insert", "update", "delete", "with",   "truncate", "alter",
                                         "drop",   "create", "merge",  "do",     "call", "begin"};
    size_t i = skip_sql_space(sql, 0);
    size_t j = i;
    while (j < sql.size() && is_alpha(sql[j])) ++j;
    if (j == i || j - i > 8 || is_word(at(sql, j))) return false;
    std::string word = sql.substr(i, j - i);
    std::string low = lowercase(word);
    bool one_case = word == low || std::none_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (!one_case || std::none_of(std::begin(kVerbs), std::end(kVerbs), [&](const char* v) { return low == v; })) return false;
    // The grammar's next word, where there is only one: "delete the old backups" is prose.
    const char* next = low == "delete" ? "from" : low == "insert" || low == "merge" ? "into" : nullptr;
    if (!next) return true;
    size_t k = j;
    while (k < sql.size() && (is_blank(sql[k]) || sql[k] == '\n')) ++k;
    size_t e = k;
    while (e < sql.size() && is_alpha(sql[e])) ++e;
    if (k == sql.size()) return k > j;  // "DELETE " + "FROM t": the rest comes from the next literal; a bare "delete" is a word
    return lowercase(sql.substr(k, e - k)) == next;
}

std::string parameter(int& next, size_t width) {
    std::string p = "$" + std::to_string(next++);
    if (p.size() < width) p.append(width - p.size(), ' ');
    return p;
}

std::string identifier_for(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) out += i == 0 || !is_word(text[i]) ? '_' : text[i];
    return out;
}

// Client-side placeholders of drivers and format strings, outside SQL quotes: %s %(name)s (psycopg, Python
// %-formatting), ? (JDBC, sqlite), :name (SQLAlchemy text, JPA, Oracle-style) become $n parameters;
// {name} and {} (str.format, C#/Rust format strings) become a same-length identifier.
SqlFragment mask_bind_parameters(const SqlFragment& f) {
    const std::string& sql = f.sql;
    const size_t n = sql.size();
    Rewrite r(f);
    int next = 1;
    size_t i = 0;
    while (i < n) {
        size_t e = sql_quoted_end(sql, i);
        if (e > i) {
            r.copy(i, e);
            i = e;
            continue;
        }
        char c = sql[i];
        char c1 = at(sql, i + 1);
        if (c == '%' && c1 == '%') {
            r.copy(i, i + 2);
            i += 2;
            continue;
        }
        if (c == '%' && std::strchr("sdbt", c1) && c1 && !is_word(at(sql, i + 2))) {
            r.replace(i, i + 2, parameter(next, 2));
            i += 2;
            continue;
        }
        if (c == '%' && c1 == '(') {
            size_t j = i + 2;
            while (j < n && j < i + 66 && (is_word(sql[j]) || sql[j] == '-' || sql[j] == '.')) ++j;
            if (at(sql, j) == ')' && at(sql, j + 1) == 's') {
                r.replace(i, j + 2, parameter(next, j + 2 - i));
                i = j + 2;
                continue;
            }
        }
        if (c == '?' && (i == 0 || sql[i - 1] != '?') && c1 != '?' && c1 != '|' && c1 != '&') {
            r.replace(i, i + 1, parameter(next, 1));
            ++i;
            continue;
        }
        // SQLAlchemy's rule: not after ':' (a ::cast), a word character or a backslash; not before ':'.
        if (c == ':' && (is_alpha(c1) || c1 == '_') && (i == 0 || (sql[i - 1] != ':' && sql[i - 1] != '\\' && !is_word(sql[i - 1])))) {
            size_t j = i + 1;
            while (j < n && is_word(sql[j])) ++j;
            if (at(sql, j) != ':') {
                r.replace(i, j, parameter(next, j - i));
                i = j;
                continue;
            }
        }
        if (c == '{') {
            size_t j = i + 1;
            while (j < n && j < i + 66 && (is_word(sql[j]) || sql[j] == '.' || sql[j] == '[' || sql[j] == ']')) ++j;
            if (at(sql, j) == '}') {
                r.replace(i, j + 1, identifier_for(sql.substr(i, j + 1 - i)));
                i = j + 1;
                continue;
            }
        }
        r.copy(i);
        ++i;
    }
    return r.finish();
}

// psql's own variables in a script it reads (heredoc, stdin): :name, :'name' (a literal), :"name" (an
// identifier). psql leaves them alone inside quotes, and so do we.
SqlFragment mask_psql_variables(const SqlFragment& f) {
    const std::string& sql = f.sql;
    const size_t n = sql.size();
    Rewrite r(f);
    int next = 1;
    size_t i = 0;
    while (i < n) {
        size_t e = sql_quoted_end(sql, i);
        if (e > i) {
            r.copy(i, e);
            i = e;
            continue;
        }
        char c1 = at(sql, i + 1);
        bool after_colon_or_word = i > 0 && (sql[i - 1] == ':' || is_word(sql[i - 1]));
        if (sql[i] == ':' && !after_colon_or_word) {
            if (c1 == '\'' || c1 == '"') {
                size_t j = i + 2;
                while (j < n && (is_word(sql[j]))) ++j;
                if (j > i + 2 && at(sql, j) == c1) {
                    std::string text = c1 == '\'' ? parameter(next, j + 1 - i) : identifier_for(sql.substr(i, j + 1 - i));
                    r.replace(i, j + 1, text);
                    i = j + 1;
                    continue;
                }
            } else if (is_alpha(c1) || c1 == '_') {
                size_t j = i + 1;
                while (j < n && is_word(sql[j])) ++j;
                r.replace(i, j, identifier_for(sql.substr(i, j - i)));
                i = j;
                continue;
            }
        }
        r.copy(i);
        ++i;
    }
    return r.finish();
}

// psql meta-commands (\set, \i, \gexec, …) run in psql, never reach the server: blanked (same length, so
// offsets stay). The files of \i, \ir, \include, \include_relative are collected.
void blank_psql_meta_commands(SqlFragment& f, std::vector<std::string>* files, const std::string& content) {
    std::string& sql = f.sql;
    size_t i = 0;
    while (i < sql.size()) {
        size_t e = sql_quoted_end(sql, i);
        if (e > i) {
            i = e;
            continue;
        }
        if (sql[i] != '\\') {
            ++i;
            continue;
        }
        size_t eol = sql.find('\n', i);
        if (eol == npos) eol = sql.size();
        size_t j = i + 1;
        while (j < eol && is_word(sql[j])) ++j;
        std::string command = sql.substr(i + 1, j - i - 1);
        if (files && (command == "i" || command == "ir" || command == "include" || command == "include_relative")) {
            while (j < eol && is_blank(sql[j])) ++j;
            size_t k = j;
            while (k < eol && !is_blank(sql[k])) ++k;
            if (k > j) {
                // As written in the file (an unquoted heredoc may hold $DIR/x.sql).
                size_t from = f.source_offsets[j], to = f.source_offsets[k - 1] + 1u;
                std::string name = from < to && to <= content.size() ? content.substr(from, to - from) : sql.substr(j, k - j);
                if (name.size() >= 2 && name.front() == '\'' && name.back() == '\'') name = name.substr(1, name.size() - 2);
                files->push_back(name);
            }
        }
        for (size_t k = i; k < eol; ++k) sql[k] = ' ';
        i = eol;
    }
}

// ---- shell ----------------------------------------------------------------------------------------

struct ShellWord {
    SqlFragment sql;         // as the shell would pass it, expansions replaced by placeholders
    std::string as_written;  // quotes removed, expansions as written (same length as sql.sql)
    size_t start = 0, end = 0;
};

struct ShellCommand {
    std::vector<ShellWord> words;
    std::vector<ShellWord> here_strings;  // <<< word
    std::vector<ShellWord> stdin_files;   // < file
};

struct PendingHeredoc {
    std::string delimiter;
    bool strip_tabs = false;  // <<-
    bool literal = false;     // quoted delimiter: no expansion in the body
};

bool is_shell_operator(char c) { return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>'; }

// psql itself, by path, or a variable holding it ($PSQL, "${PSQL[@]}", ${PSQL_BIN:-psql}).
bool is_psql_word(const ShellWord& w) {
    const std::string& a = w.as_written;
    size_t slash = a.rfind('/');
    std::string base = slash == npos ? a : a.substr(slash + 1);
    if (base == "psql") return true;
    if (a.empty() || a[0] != '$' || a.find_first_of(" \t\n") != npos) return false;
    return lowercase(a).find("psql") != npos;
}

class ShellScanner {
  public:
    ShellScanner(const std::string& s, std::vector<SqlFragment>* fragments, std::vector<std::string>* files)
        : s_(s), fragments_(fragments), files_(files) {}

    void run() {
        size_t i = 0;
        while (i < s_.size()) i = scan_commands(i, '\0', 0);
    }

  private:
    const std::string& s_;
    std::vector<SqlFragment>* fragments_;
    std::vector<std::string>* files_;
    std::vector<PendingHeredoc> pending_;
    bool line_runs_psql_ = false;       // some command on the current line runs psql (its heredocs are SQL)
    std::vector<ShellWord> piped_echo_;  // `echo … |`: its arguments reach the next command's stdin

    void emit(SqlFragment f) {
        if (fragments_ && has_non_blank(f.sql)) fragments_->push_back(std::move(f));
    }
    void add_file(const std::string& name) {
        if (files_ && !name.empty() && name != "-") files_->push_back(name);
    }

    // Commands from i until the end, or until `terminator` (')' of $( … ), '`' of a backtick substitution);
    // returns the index after the terminator.
    size_t scan_commands(size_t i, char terminator, int depth) {
        const size_t n = s_.size();
        ShellCommand cmd;
        int parens = 0;
        while (i < n) {
            char c = s_[i];
            if (terminator == '`' && c == '`') {
                end_command(cmd, ';');
                return i + 1;
            }
            if (c == ')' && parens == 0 && terminator == ')') {
                end_command(cmd, ';');
                return i + 1;
            }
            if (is_blank(c)) { ++i; continue; }
            if (c == '\\' && (at(s_, i + 1) == '\n' || (at(s_, i + 1) == '\r' && at(s_, i + 2) == '\n'))) {
                i += at(s_, i + 1) == '\n' ? 2 : 3;
                continue;
            }
            if (c == '\n') {
                end_command(cmd, '\n');
                i = read_heredoc_bodies(i + 1);
                continue;
            }
            if (c == '#') {  // a comment: '#' where a word would start
                while (i < n && s_[i] != '\n') ++i;
                continue;
            }
            if (c == '(' && at(s_, i + 1) == '(' && cmd.words.empty()) {  // (( arithmetic )): `<<` is a shift there
                i = skip_balanced(i, '(', ')', n);
                continue;
            }
            if (c == '<' || c == '>') {
                i = redirection(i, cmd, terminator, depth);
                continue;
            }
            if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')') {
                char c1 = at(s_, i + 1);
                bool pipe = (c == '|' && c1 != '|');
                end_command(cmd, pipe ? '|' : ';');
                if (c == '(') ++parens;
                else if (c == ')' && parens > 0) --parens;
                i += (c1 == c && c != '(' && c != ')') || (c == '|' && c1 == '&') ? 2 : 1;
                continue;
            }
            size_t before = i;
            ShellWord w = scan_word(i, terminator, depth);
            if (i == before) {  // cannot happen, but never loop forever
                ++i;
                continue;
            }
            cmd.words.push_back(std::move(w));
        }
        end_command(cmd, '\n');
        if (depth == 0) read_heredoc_bodies(n);
        return n;
    }

    ShellWord scan_word(size_t& i, char terminator, int depth) {
        const size_t n = s_.size();
        ShellWord w;
        w.start = i;
        FragmentBuilder b;
        while (i < n) {
            char c = s_[i];
            if (is_blank(c) || c == '\n' || is_shell_operator(c)) break;
            if (terminator == '`' && c == '`') break;
            if (c == '\\') {
                if (i + 1 >= n) {
                    b.add(c, i);
                    w.as_written += c;
                    ++i;
                } else if (s_[i + 1] == '\n') {
                    i += 2;
                } else if (s_[i + 1] == '\r' && at(s_, i + 2) == '\n') {
                    i += 3;
                } else {
                    b.add(s_[i + 1], i + 1);
                    w.as_written += s_[i + 1];
                    i += 2;
                }
                continue;
            }
            if (c == '\'') {
                i = single_quoted(i, b, w.as_written);
                continue;
            }
            if (c == '"') {
                i = double_quoted(i, b, w.as_written, depth);
                continue;
            }
            if (c == '$' && at(s_, i + 1) == '\'') {
                i = ansi_c_quoted(i + 1, b, w.as_written);
                continue;
            }
            if (c == '$' && at(s_, i + 1) == '"') {  // $"…" is a translated "…"
                ++i;
                continue;
            }
            if (c == '$' || c == '`') {
                size_t e = expansion_end(i, depth);
                if (e > i) {
                    b.add_placeholder(s_, i, e);
                    w.as_written.append(s_, i, e - i);
                    i = e;
                    continue;
                }
            }
            b.add(c, i);
            w.as_written += c;
            ++i;
        }
        w.end = i;
        w.sql = b.finish(i, "");
        return w;
    }

    size_t single_quoted(size_t i, FragmentBuilder& b, std::string& as_written) {
        for (++i; i < s_.size() && s_[i] != '\''; ++i) {
            b.add(s_[i], i);
            as_written += s_[i];
        }
        return i < s_.size() ? i + 1 : i;
    }

    size_t double_quoted(size_t i, FragmentBuilder& b, std::string& as_written, int depth) {
        const size_t n = s_.size();
        ++i;
        while (i < n) {
            char c = s_[i];
            if (c == '"') return i + 1;
            if (c == '\\' && i + 1 < n) {
                char d = s_[i + 1];
                if (d == '\n') {
                    i += 2;
                    continue;
                }
                if (d == '$' || d == '`' || d == '"' || d == '\\') {
                    b.add(d, i + 1);
                    as_written += d;
                    i += 2;
                    continue;
                }
            }
            if (c == '$' || c == '`') {
                size_t e = expansion_end(i, depth);
                if (e > i) {
                    b.add_placeholder(s_, i, e);
                    as_written.append(s_, i, e - i);
                    i = e;
                    continue;
                }
            }
            b.add(c, i);
            as_written += c;
            ++i;
        }
        return n;
    }

    // $'…' with the common C escapes; i is at the quote.
    size_t ansi_c_quoted(size_t i, FragmentBuilder& b, std::string& as_written) {
        const size_t n = s_.size();
        for (++i; i < n && s_[i] != '\''; ++i) {
            char c = s_[i];
            if (c == '\\' && i + 1 < n) {
                char d = s_[i + 1];
                char out = d == 'n' ? '\n' : d == 't' ? '\t' : d == 'r' ? '\r' : d;
                bool known = std::strchr("ntr'\"\\", d) != nullptr;
                if (!known) {
                    b.add(c, i);
                    as_written += c;
                }
                b.add(out, i);
                as_written += out;
                ++i;
                continue;
            }
            b.add(c, i);
            as_written += c;
        }
        return i < n ? i + 1 : n;
    }

    // The end of the expansion at s_[i] ('$' or '`'), or i when it is not one. $( … ) and backticks are
    // scanned as commands (a psql inside them is found too).
    size_t expansion_end(size_t i, int depth) {
        const size_t n = s_.size();
        if (s_[i] == '`') {
            if (depth < kMaxDepth) return scan_commands(i + 1, '`', depth + 1);
            size_t e = s_.find('`', i + 1);
            return e == npos ? n : e + 1;
        }
        if (at(s_, i + 1) == '(' && at(s_, i + 2) != '(' && depth < kMaxDepth) return scan_commands(i + 2, ')', depth + 1);
        return flat_expansion_end(i, n);
    }

    // Expansion end without recursion (heredoc bodies, arithmetic, deep nesting), within [i, limit).
    size_t flat_expansion_end(size_t i, size_t limit) const {
        char c1 = i + 1 < limit ? s_[i + 1] : '\0';
        if (c1 == '(') return skip_balanced(i + 1, '(', ')', limit);
        if (c1 == '{') return skip_balanced(i + 1, '{', '}', limit);
        if (is_alpha(c1) || c1 == '_') {
            size_t j = i + 1;
            while (j < limit && is_word(s_[j])) ++j;
            return j;
        }
        if (c1 && (is_digit(c1) || std::strchr("@*#?$!-", c1))) return i + 2;
        return i;
    }

    // From the opening bracket at i to after its match (quotes inside skipped), or limit.
    size_t skip_balanced(size_t i, char open, char close, size_t limit) const {
        int depth = 0;
        while (i < limit) {
            char c = s_[i];
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '\'' || c == '"') {
                size_t j = i + 1;
                while (j < limit && s_[j] != c) j += (c == '"' && s_[j] == '\\') ? 2 : 1;
                i = j + 1;
                continue;
            }
            if (c == open) ++depth;
            else if (c == close && --depth == 0) return i + 1;
            ++i;
        }
        return limit;
    }

    size_t redirection(size_t i, ShellCommand& cmd, char terminator, int depth) {
        const size_t n = s_.size();
        if (starts(s_, i, "<<<")) {
            i += 3;
            while (i < n && is_blank(s_[i])) ++i;
            size_t before = i;
            ShellWord w = scan_word(i, terminator, depth);
            if (i > before) cmd.here_strings.push_back(std::move(w));
            return i;
        }
        if (starts(s_, i, "<<")) {
            i += 2;
            PendingHeredoc h;
            if (at(s_, i) == '-') {
                h.strip_tabs = true;
                ++i;
            }
            while (i < n && is_blank(s_[i])) ++i;
            bool quoted = false;
            while (i < n) {
                char c = s_[i];
                if (is_blank(c) || c == '\n' || is_shell_operator(c)) break;
                if (c == '\'' || c == '"') {  // a quoted part of the delimiter, on this line
                    quoted = true;
                    size_t j = i + 1;
                    while (j < n && s_[j] != c && s_[j] != '\n') h.delimiter += s_[j++];
                    i = (j < n && s_[j] == c) ? j + 1 : j;
                    continue;
                }
                if (c == '\\') {
                    quoted = true;
                    if (i + 1 < n && s_[i + 1] != '\n') h.delimiter += s_[i + 1];
                    i += 2;
                    continue;
                }
                h.delimiter += c;
                ++i;
            }
            h.literal = quoted;
            if (quoted || !h.delimiter.empty()) pending_.push_back(std::move(h));
            return std::min(i, n);
        }
        if ((s_[i] == '<' || s_[i] == '>') && at(s_, i + 1) == '(') {  // process substitution
            if (depth < kMaxDepth) return scan_commands(i + 2, ')', depth + 1);
            return skip_balanced(i + 1, '(', ')', n);
        }
        bool input = s_[i] == '<' && at(s_, i + 1) != '&' && at(s_, i + 1) != '>';
        for (int k = 0; k < 3 && i < n && (s_[i] == '<' || s_[i] == '>' || s_[i] == '&' || s_[i] == '|'); ++k) ++i;
        while (i < n && is_blank(s_[i])) ++i;
        if (i < n && s_[i] != '\n' && !is_shell_operator(s_[i])) {
            ShellWord target = scan_word(i, terminator, depth);
            if (input) cmd.stdin_files.push_back(std::move(target));
        }
        return i;
    }

    // A body for each heredoc opened on the line that just ended, starting at p; returns where the next
    // line starts.
    size_t read_heredoc_bodies(size_t p) {
        const size_t n = s_.size();
        std::vector<PendingHeredoc> pending;
        pending.swap(pending_);
        for (const PendingHeredoc& h : pending) {
            p = std::min(p, n);
            size_t body_end = n, next = n;
            for (size_t q = p; q < n;) {
                size_t line_end = s_.find('\n', q);
                if (line_end == npos) line_end = n;
                size_t t = q;
                if (h.strip_tabs)
                    while (t < line_end && s_[t] == '\t') ++t;
                size_t e = line_end;
                if (e > t && s_[e - 1] == '\r') --e;  // a CRLF script
                if (e - t == h.delimiter.size() && s_.compare(t, e - t, h.delimiter) == 0) {
                    body_end = q;
                    next = std::min(line_end + 1, n);
                    break;
                }
                q = line_end + 1;
            }
            SqlFragment f = heredoc_body(h, p, body_end);
            bool for_psql = line_runs_psql_;
            f = mask_psql_variables(f);
            std::vector<std::string> files;
            blank_psql_meta_commands(f, &files, s_);
            if (for_psql || starts_with_sql_verb(f.sql)) {
                for (const auto& name : files) add_file(name);
                emit(std::move(f));
            }
            p = next;
        }
        line_runs_psql_ = false;
        return p;
    }

    SqlFragment heredoc_body(const PendingHeredoc& h, size_t from, size_t to) {
        FragmentBuilder b;
        bool line_start = true;
        size_t i = from;
        while (i < to) {
            char c = s_[i];
            if (line_start && h.strip_tabs && c == '\t') {
                ++i;
                continue;
            }
            line_start = false;
            if (c == '\n') {
                b.add(c, i++);
                line_start = true;
                continue;
            }
            if (!h.literal) {
                char c1 = i + 1 < to ? s_[i + 1] : '\0';
                if (c == '\\' && c1 == '\n') {
                    i += 2;
                    line_start = true;
                    continue;
                }
                if (c == '\\' && (c1 == '$' || c1 == '`' || c1 == '\\')) {
                    b.add(c1, i + 1);
                    i += 2;
                    continue;
                }
                size_t e = i;
                if (c == '$') e = flat_expansion_end(i, to);
                if (c == '`') {
                    e = s_.find('`', i + 1);
                    e = (e == npos || e >= to) ? to : e + 1;
                }
                if (e > i) {
                    b.add_placeholder(s_, i, e);
                    i = e;
                    continue;
                }
            }
            b.add(c, i++);
        }
        return b.finish(to, "heredoc");
    }

    void end_command(ShellCommand& cmd, char separator) {
        if (cmd.words.empty()) {  // `echo … |` then a line break: the pipe still goes to the next command
            cmd = ShellCommand{};
            return;
        }
        std::vector<ShellWord> echoed;
        echoed.swap(piped_echo_);
        size_t psql_at = 0;
        while (psql_at < cmd.words.size() && !is_psql_word(cmd.words[psql_at])) ++psql_at;
        if (psql_at < cmd.words.size()) {
            line_runs_psql_ = true;
            psql_options(cmd.words, psql_at + 1);
            for (const ShellWord& w : cmd.here_strings) emit(slice(w.sql, 0, "here-string"));
            for (const ShellWord& w : cmd.stdin_files) add_file(w.as_written);
            for (const ShellWord& w : echoed)
                if (starts_with_sql_verb(w.sql.sql)) emit(slice(w.sql, 0, "psql stdin"));
        }
        assignments(cmd.words);
        const std::string& first = cmd.words[0].as_written;
        if (separator == '|' && (first == "echo" || first == "printf"))
            for (size_t k = 1; k < cmd.words.size(); ++k)
                if (cmd.words[k].as_written.empty() || cmd.words[k].as_written[0] != '-') piped_echo_.push_back(cmd.words[k]);
        cmd = ShellCommand{};
    }

    void emit_command_string(const ShellWord& w, size_t from) {
        SqlFragment f = slice(w.sql, from, "psql -c");
        blank_psql_meta_commands(f, files_, s_);
        emit(std::move(f));
    }

    // psql's getopt: -c/--command and -f/--file, in any order, short options grouped (-tAc "…").
    void psql_options(const std::vector<ShellWord>& words, size_t k) {
        static const char* const kLongWithArgument[] = {"dbname", "host",   "port", "username",  "variable",        "set",
                                                        "output", "log-file", "pset", "table-attr", "field-separator", "record-separator"};
        for (; k < words.size(); ++k) {
            const std::string& a = words[k].as_written;
            if (a == "--") return;
            if (a.size() > 2 && a[0] == '-' && a[1] == '-') {
                size_t eq = a.find('=');
                std::string name = a.substr(2, eq == npos ? npos : eq - 2);
                bool has_next = k + 1 < words.size();
                if (name == "command" || name == "file") {
                    if (eq == npos && !has_next) continue;
                    const ShellWord& v = eq == npos ? words[++k] : words[k];
                    size_t from = eq == npos ? 0 : eq + 1;
                    if (name == "command") emit_command_string(v, from);
                    else add_file(v.as_written.substr(from));
                } else if (eq == npos && has_next &&
                           std::any_of(std::begin(kLongWithArgument), std::end(kLongWithArgument), [&](const char* o) { return name == o; })) {
                    ++k;
                }
                continue;
            }
            if (a.size() < 2 || a[0] != '-') continue;  // a positional argument (database, user)
            for (size_t j = 1; j < a.size(); ++j) {
                if (!std::strchr("cdfFhLoPpRTUv", a[j])) continue;
                bool rest = j + 1 < a.size();
                if (!rest && k + 1 >= words.size()) break;
                const ShellWord& v = rest ? words[k] : words[++k];
                size_t from = rest ? j + 1 : 0;
                if (a[j] == 'c') emit_command_string(v, from);
                else if (a[j] == 'f') add_file(v.as_written.substr(from));
                break;
            }
        }
    }

    // NAME="…" (also after export/local/declare/readonly) whose value reads as SQL.
    void assignments(const std::vector<ShellWord>& words) {
        for (const ShellWord& w : words) {
            const std::string& a = w.as_written;
            if (a == "export" || a == "local" || a == "declare" || a == "typeset" || a == "readonly" || (!a.empty() && a[0] == '-'))
                continue;
            size_t j = 0;
            while (j < a.size() && (is_alpha(a[j]) || a[j] == '_' || (j > 0 && is_digit(a[j])))) ++j;
            if (j == 0 || s_[w.start] != a[0]) return;  // not an assignment (a quoted name is not one)
            if (at(a, j) == '+') ++j;
            if (at(a, j) != '=') return;
            SqlFragment value = slice(w.sql, j + 1, "shell variable");
            if (starts_with_sql_verb(value.sql)) emit(std::move(value));
        }
    }
};

// ---- application code -----------------------------------------------------------------------------

enum class Lang { generic, python, js, go, java, kotlin, csharp, ruby, php, rust };

std::string extension_of(const std::string& path) {
    size_t slash = path.find_last_of("/\\");
    std::string base = slash == npos ? path : path.substr(slash + 1);
    size_t dot = base.rfind('.');
    return dot == npos || dot == 0 ? "" : lowercase(base.substr(dot + 1));
}

// The interpreter a shebang line names: "bash" for #!/bin/bash and #!/usr/bin/env bash, version digits dropped.
std::string shebang_interpreter(const std::string& content) {
    if (content.compare(0, 2, "#!") != 0) return "";
    size_t eol = content.find('\n');
    std::string line = content.substr(2, eol == npos ? npos : eol - 2);
    std::vector<std::string> words;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_blank(line[i])) ++i;
        size_t j = i;
        while (j < line.size() && !is_blank(line[j])) ++j;
        if (j > i) words.push_back(line.substr(i, j - i));
        i = j;
    }
    auto base = [](const std::string& w) {
        size_t slash = w.rfind('/');
        return slash == npos ? w : w.substr(slash + 1);
    };
    std::string prog;
    for (size_t k = 0; k < words.size(); ++k) {
        std::string b = base(words[k]);
        if (k == 0 && b == "env") continue;
        if (!b.empty() && b[0] == '-') continue;  // env -S
        prog = b;
        break;
    }
    while (!prog.empty() && (is_digit(prog.back()) || prog.back() == '.')) prog.pop_back();
    return prog;
}

Lang language_of(const std::string& path, const std::string& content) {
    std::string ext = extension_of(path);
    if (ext == "py" || ext == "pyw") return Lang::python;
    if (ext == "js" || ext == "mjs" || ext == "cjs" || ext == "ts" || ext == "tsx" || ext == "jsx" || ext == "mts" || ext == "cts")
        return Lang::js;
    if (ext == "go") return Lang::go;
    if (ext == "java") return Lang::java;
    if (ext == "kt" || ext == "kts") return Lang::kotlin;
    if (ext == "cs") return Lang::csharp;
    if (ext == "rb") return Lang::ruby;
    if (ext == "php") return Lang::php;
    if (ext == "rs") return Lang::rust;
    std::string interpreter = shebang_interpreter(content);
    if (interpreter == "python") return Lang::python;
    if (interpreter == "node" || interpreter == "deno" || interpreter == "bun") return Lang::js;
    if (interpreter == "ruby") return Lang::ruby;
    if (interpreter == "php") return Lang::php;
    return Lang::generic;
}

enum class Escapes { none, backslash, raw_python, quote_only };
enum class Interp { none, python_f, csharp, js_template, kotlin, php, ruby };

struct LiteralSyntax {
    size_t content_start = 0;
    std::string close;
    Escapes escapes = Escapes::backslash;
    bool doubled_quote = false;       // "" is one " (C# verbatim strings)
    bool multi_line = false;          // otherwise a newline ends an unterminated literal, as the compiler would
    bool keep_unknown_escape = false;  // Python: "\d" stays \d
    Interp interp = Interp::none;
};

bool has_char_literals(Lang lang) {
    return lang == Lang::go || lang == Lang::java || lang == Lang::kotlin || lang == Lang::csharp || lang == Lang::rust;
}

// The string literal starting at s[i] (prefix included), if one does.
std::optional<LiteralSyntax> literal_at(const std::string& s, size_t i, Lang lang) {
    const size_t n = s.size();
    if (i >= n) return std::nullopt;
    size_t j = i;
    while (j < n && j - i < 3 && (is_alpha(s[j]) || (lang == Lang::csharp && (s[j] == '$' || s[j] == '@')))) ++j;
    std::string prefix = lowercase(s.substr(i, j - i));
    char q = at(s, j);
    LiteralSyntax lit;
    auto triple = [&](char quote) { return at(s, j) == quote && at(s, j + 1) == quote && at(s, j + 2) == quote; };
    switch (lang) {
        case Lang::generic:
        case Lang::python: {
            static const char* const kPrefixes[] = {"", "r", "u", "b", "f", "br", "rb", "fr", "rf"};
            if (std::none_of(std::begin(kPrefixes), std::end(kPrefixes), [&](const char* p) { return prefix == p; })) return std::nullopt;
            if (lang == Lang::generic && prefix.empty() && q == '`') {
                lit.content_start = j + 1;
                lit.close = "`";
                lit.multi_line = true;
                lit.interp = Interp::js_template;
                return lit;
            }
            if (q != '"' && q != '\'') return std::nullopt;
            bool is_triple = triple(q);
            lit.close = std::string(is_triple ? 3 : 1, q);
            lit.content_start = j + lit.close.size();
            lit.multi_line = is_triple;
            lit.escapes = prefix.find('r') != npos ? Escapes::raw_python : Escapes::backslash;
            lit.keep_unknown_escape = true;
            if (prefix.find('f') != npos) lit.interp = Interp::python_f;
            return lit;
        }
        case Lang::js:
            if (!prefix.empty() || (q != '"' && q != '\'' && q != '`')) return std::nullopt;
            lit.content_start = j + 1;
            lit.close = std::string(1, q);
            if (q == '`') {
                lit.multi_line = true;
                lit.interp = Interp::js_template;
            }
            return lit;
        case Lang::go:
            if (!prefix.empty() || (q != '"' && q != '`')) return std::nullopt;
            lit.content_start = j + 1;
            lit.close = std::string(1, q);
            if (q == '`') {
                lit.multi_line = true;
                lit.escapes = Escapes::none;
            }
            return lit;
        case Lang::java:
        case Lang::kotlin: {
            if (!prefix.empty() || q != '"') return std::nullopt;
            Interp interp = lang == Lang::kotlin ? Interp::kotlin : Interp::none;
            if (triple('"')) {
                lit.close = "\"\"\"";
                lit.multi_line = true;
                lit.interp = interp;
                lit.content_start = j + 3;
                if (lang == Lang::java) {  // a text block starts on the line after """
                    size_t k = j + 3;
                    while (k < n && is_blank(s[k])) ++k;
                    if (at(s, k) == '\n') lit.content_start = k + 1;
                } else {
                    lit.escapes = Escapes::none;  // Kotlin raw string
                }
                return lit;
            }
            lit.content_start = j + 1;
            lit.close = "\"";
            lit.interp = interp;
            return lit;
        }
        case Lang::csharp: {
            if (q != '"' || (prefix != "" && prefix != "$" && prefix != "@" && prefix != "$@" && prefix != "@$" && prefix != "$$"))
                return std::nullopt;
            if (prefix.find('$') != npos) lit.interp = Interp::csharp;
            if (triple('"')) {  // raw string literal
                lit.close = "\"\"\"";
                lit.content_start = j + 3;
                lit.multi_line = true;
                lit.escapes = Escapes::none;
                return lit;
            }
            lit.content_start = j + 1;
            lit.close = "\"";
            if (prefix.find('@') != npos) {
                lit.escapes = Escapes::none;
                lit.doubled_quote = true;
                lit.multi_line = true;
            }
            return lit;
        }
        case Lang::ruby:
        case Lang::php:
            if (!prefix.empty() || (q != '"' && q != '\'')) return std::nullopt;
            lit.content_start = j + 1;
            lit.close = std::string(1, q);
            lit.multi_line = true;
            lit.keep_unknown_escape = true;
            if (q == '\'') lit.escapes = Escapes::quote_only;
            else lit.interp = lang == Lang::ruby ? Interp::ruby : Interp::php;
            return lit;
        case Lang::rust: {
            if (prefix != "" && prefix != "r" && prefix != "b" && prefix != "br") return std::nullopt;
            size_t k = j;
            if (prefix.find('r') != npos)
                while (k < n && s[k] == '#' && k - j < 255) ++k;
            if (at(s, k) != '"') return std::nullopt;
            lit.content_start = k + 1;
            lit.close = "\"" + std::string(k - j, '#');
            lit.multi_line = true;
            if (prefix.find('r') != npos) lit.escapes = Escapes::none;
            return lit;
        }
    }
    return std::nullopt;
}

void add_code_point(FragmentBuilder& b, std::uint32_t cp, size_t at) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = '?';
    if (cp < 0x80) {
        b.add(static_cast<char>(cp), at);
    } else if (cp < 0x800) {
        b.add(static_cast<char>(0xC0 | (cp >> 6)), at);
        b.add(static_cast<char>(0x80 | (cp & 0x3F)), at);
    } else if (cp < 0x10000) {
        b.add(static_cast<char>(0xE0 | (cp >> 12)), at);
        b.add(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), at);
        b.add(static_cast<char>(0x80 | (cp & 0x3F)), at);
    } else {
        b.add(static_cast<char>(0xF0 | (cp >> 18)), at);
        b.add(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)), at);
        b.add(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), at);
        b.add(static_cast<char>(0x80 | (cp & 0x3F)), at);
    }
}

// Up to max_digits digits of the given base at s[i]; returns the index after them.
size_t read_number(const std::string& s, size_t i, size_t max_digits, int base, std::uint32_t& value) {
    value = 0;
    size_t j = i;
    while (j < s.size() && j - i < max_digits) {
        char c = s[j];
        int d = is_digit(c) ? c - '0' : is_hex(c) ? lower(c) - 'a' + 10 : 99;
        if (d >= base) break;
        value = value * static_cast<std::uint32_t>(base) + static_cast<std::uint32_t>(d);
        ++j;
    }
    return j;
}

// The escape sequence at s[i] == '\\', decoded into b (every byte maps to the backslash); returns the index
// after it.
size_t decode_escape(const std::string& s, size_t i, const LiteralSyntax& lit, FragmentBuilder& b) {
    const size_t n = s.size();
    if (i + 1 >= n) {
        b.add('\\', i);
        return i + 1;
    }
    char e = s[i + 1];
    if (lit.escapes == Escapes::raw_python) {  // the backslash stays, and keeps the quote from closing
        b.add('\\', i);
        b.add(e, i + 1);
        return i + 2;
    }
    if (lit.escapes == Escapes::quote_only) {
        if (e == '\\' || e == lit.close[0]) {
            b.add(e, i);
            return i + 2;
        }
        b.add('\\', i);
        return i + 1;
    }
    if (e == '\n') return i + 2;  // line continuation
    if (e == '\r') return at(s, i + 2) == '\n' ? i + 3 : i + 2;
    std::uint32_t cp = 0;
    switch (e) {
        case 'n': b.add('\n', i); return i + 2;
        case 't': b.add('\t', i); return i + 2;
        case 'r': b.add('\r', i); return i + 2;
        case 'b': b.add('\b', i); return i + 2;
        case 'f': b.add('\f', i); return i + 2;
        case 'v': b.add('\v', i); return i + 2;
        case 'a': b.add('\a', i); return i + 2;
        case '\\': case '\'': case '"': b.add(e, i); return i + 2;
        case 'x': {
            size_t j = read_number(s, i + 2, 2, 16, cp);
            if (j == i + 2) break;
            add_code_point(b, cp, i);
            return j;
        }
        case 'u':
        case 'U': {
            size_t j;
            if (e == 'u' && at(s, i + 2) == '{') {
                j = read_number(s, i + 3, 8, 16, cp);
                if (at(s, j) != '}') break;
                ++j;
            } else {
                size_t want = e == 'u' ? 4 : 8;
                j = read_number(s, i + 2, want, 16, cp);
                if (j - (i + 2) != want) break;
            }
            add_code_point(b, cp, i);
            return j;
        }
        default:
            if (e >= '0' && e <= '7') {
                size_t j = read_number(s, i + 1, 3, 8, cp);
                add_code_point(b, cp, i);
                return j;
            }
            break;
    }
    if (lit.keep_unknown_escape) b.add('\\', i);
    b.add(e, i + 1);
    return i + 2;
}

// From the '{' at `open` to after its matching '}' inside a literal; npos when the literal (or its line)
// ends first.
size_t braced_end(const std::string& s, size_t open, const LiteralSyntax& lit) {
    int depth = 0;
    for (size_t j = open; j < s.size(); ++j) {
        if (starts(s, j, lit.close) && j > open) return npos;
        char c = s[j];
        if (c == '\n' && !lit.multi_line) return npos;
        if (c == '{' || c == '(' || c == '[') ++depth;
        else if ((c == '}' || c == ')' || c == ']') && --depth == 0) return c == '}' ? j + 1 : npos;
    }
    return npos;
}

size_t identifier_end(const std::string& s, size_t i) {
    while (i < s.size() && is_word(s[i])) ++i;
    return i;
}

struct Interpolation {
    size_t end = 0;       // after it; 0 when none starts here
    bool brace = false;   // {{ or }}: one literal brace
    bool failed = false;  // an opening without its close: the rest of the literal is plain text
};

Interpolation interpolation_at(const std::string& s, size_t i, const LiteralSyntax& lit) {
    char c = s[i], c1 = at(s, i + 1);
    Interpolation r;
    auto braced = [&](size_t open) {
        size_t e = braced_end(s, open, lit);
        if (e == npos) r.failed = true;
        else r.end = e;
        return r;
    };
    switch (lit.interp) {
        case Interp::python_f:
        case Interp::csharp:
            if ((c == '{' && c1 == '{') || (c == '}' && c1 == '}')) {
                r.brace = true;
                r.end = i + 2;
                return r;
            }
            if (c == '{') return braced(i);
            return r;
        case Interp::js_template:
            if (c == '$' && c1 == '{') return braced(i + 1);
            return r;
        case Interp::kotlin:
        case Interp::php:
            if (c == '$' && c1 == '{') return braced(i + 1);
            if (lit.interp == Interp::php && c == '{' && c1 == '$') return braced(i);
            if (c == '$' && (is_alpha(c1) || c1 == '_')) {
                size_t e = identifier_end(s, i + 1);
                if (lit.interp == Interp::php && at(s, e) == '-' && at(s, e + 1) == '>' && (is_alpha(at(s, e + 2)) || at(s, e + 2) == '_'))
                    e = identifier_end(s, e + 2);
                r.end = e;
            }
            return r;
        case Interp::ruby:
            if (c == '#' && c1 == '{') return braced(i + 1);
            return r;
        case Interp::none:
            return r;
    }
    return r;
}

struct Decoded {
    size_t end = 0;          // after the literal
    size_t content_end = 0;  // where its closing delimiter starts
    bool terminated = false;
};

Decoded decode_literal(const std::string& s, const LiteralSyntax& lit, FragmentBuilder& b) {
    const size_t n = s.size();
    bool interpolating = lit.interp != Interp::none;
    size_t i = lit.content_start;
    while (i < n) {
        if (starts(s, i, lit.close)) {
            if (lit.doubled_quote && starts(s, i + 1, lit.close)) {
                b.add(s[i], i);
                i += 2;
                continue;
            }
            return {i + lit.close.size(), i, true};
        }
        char c = s[i];
        if (c == '\n' && !lit.multi_line) return {i, i, false};
        if (c == '\\' && lit.escapes != Escapes::none) {
            i = decode_escape(s, i, lit, b);
            continue;
        }
        if (interpolating) {
            Interpolation in = interpolation_at(s, i, lit);
            if (in.failed) interpolating = false;
            if (in.brace) {
                b.add(c, i);
                i = in.end;
                continue;
            }
            if (in.end > i) {
                b.add_placeholder(s, i, in.end);
                i = in.end;
                continue;
            }
        }
        b.add(c, i);
        ++i;
    }
    return {n, n, false};
}

class CodeScanner {
  public:
    CodeScanner(const std::string& s, Lang lang, std::vector<SqlFragment>& out) : s_(s), lang_(lang), out_(out) {}

    void run() {
        const size_t n = s_.size();
        size_t i = 0;
        while (i < n) {
            size_t e = comment_end(i);
            if (e > i) {
                i = e;
                continue;
            }
            if (auto lit = literal_at(s_, i, lang_)) {
                i = take_literal(*lit);
                continue;
            }
            char c = s_[i];
            if (c == '\'' && has_char_literals(lang_)) {
                i = char_literal_end(i);
                continue;
            }
            if (is_word(c) || c == '$' || c == '@') {  // a name or number: a prefix-less quote cannot follow inside it
                ++i;
                while (i < n && (is_word(s_[i]) || s_[i] == '$')) ++i;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') ++depth_;
            else if ((c == ')' || c == ']' || c == '}') && depth_ > 0) --depth_;
            ++i;
        }
    }

  private:
    const std::string& s_;
    Lang lang_;
    std::vector<SqlFragment>& out_;
    int depth_ = 0;  // bracket depth: Python joins adjacent literals across lines only inside brackets

    bool hash_comments() const { return lang_ == Lang::python || lang_ == Lang::ruby || lang_ == Lang::php || lang_ == Lang::generic; }
    bool slash_comments() const { return lang_ != Lang::python && lang_ != Lang::ruby; }
    bool adjacent_literals_join() const { return lang_ == Lang::python || lang_ == Lang::ruby || lang_ == Lang::generic; }

    // After the comment at i, or i when none starts there.
    size_t comment_end(size_t i) const {
        char c = s_[i], c1 = at(s_, i + 1);
        bool hash = c == '#' && hash_comments() &&
                    (lang_ != Lang::generic || i == 0 || is_blank(s_[i - 1]) || s_[i - 1] == '\n');
        if (hash || (slash_comments() && c == '/' && c1 == '/')) {
            size_t e = s_.find('\n', i);
            return e == npos ? s_.size() : e;
        }
        if (slash_comments() && c == '/' && c1 == '*') {
            size_t e = s_.find("*/", i + 2);
            return e == npos ? s_.size() : e + 2;
        }
        return i;
    }

    // 'x', '\n', '\u00e9', 'é'; a Rust lifetime ('a) is a lone quote.
    size_t char_literal_end(size_t i) const {
        if (at(s_, i + 1) == '\\') {
            size_t limit = std::min(s_.size(), i + 14);
            for (size_t j = i + 3; j < limit && s_[j] != '\n'; ++j)
                if (s_[j] == '\'') return j + 1;
            return i + 1;
        }
        size_t j = i + 2;
        while (j < s_.size() && j < i + 5 && (static_cast<unsigned char>(s_[j]) & 0xC0) == 0x80) ++j;  // the rest of a UTF-8 character
        return at(s_, j) == '\'' ? j + 1 : i + 1;
    }

    // Whitespace and comments from i; `newline` tells whether a line ended on the way.
    size_t skip_space(size_t i, bool& newline) const {
        while (i < s_.size()) {
            char c = s_[i];
            if (c == '\n') {
                newline = true;
                ++i;
            } else if (is_blank(c)) {
                ++i;
            } else if (c == '\\' && (at(s_, i + 1) == '\n' || (at(s_, i + 1) == '\r' && at(s_, i + 2) == '\n'))) {
                i += at(s_, i + 1) == '\n' ? 2 : 3;  // an explicit line continuation
            } else {
                size_t e = comment_end(i);
                if (e == i) break;
                i = e;
            }
        }
        return i;
    }

    // The end of a non-literal operand (name, member access, call, index) at i, or i.
    size_t operand_end(size_t i) const {
        const size_t n = s_.size(), limit = std::min(n, i + kMaxOperand);
        size_t q = i;
        while (q < limit) {
            char c = s_[q];
            if (is_word(c) || c == '$') {
                ++q;
            } else if (c == '(' || c == '[') {
                int depth = 0;
                while (q < limit) {
                    char d = s_[q];
                    if (d == '"' || d == '\'') {  // a string argument: to its closing quote on the line
                        size_t j = q + 1;
                        while (j < limit && s_[j] != d && s_[j] != '\n') j += s_[j] == '\\' ? 2 : 1;
                        q = j + 1;
                        continue;
                    }
                    if (d == '(' || d == '[') ++depth;
                    else if ((d == ')' || d == ']') && --depth == 0) break;
                    ++q;
                }
                if (q >= limit) return i;
                ++q;
            } else if (c == '.' && lang_ != Lang::php && (is_word(at(s_, q + 1)) || at(s_, q + 1) == '$')) {
                ++q;
            } else if ((c == '-' && at(s_, q + 1) == '>') || (c == ':' && at(s_, q + 1) == ':')) {
                q += 2;
            } else {
                break;
            }
        }
        return q >= limit && q < n ? i : q;
    }

    // The literal found at i, joined with what is concatenated to it when it reads as SQL; returns where
    // scanning resumes.
    size_t take_literal(const LiteralSyntax& first) {
        FragmentBuilder b;
        Decoded d = decode_literal(s_, first, b);
        if (!starts_with_sql_verb(b.sql())) return d.end;
        size_t pos = d.end, gap_first = d.content_end;
        bool previous_is_literal = true, open = d.terminated;
        while (open) {
            bool newline = false;
            size_t p = skip_space(pos, newline);
            bool by_operator = false;
            char c = at(s_, p), c1 = at(s_, p + 1);
            if ((c == '+' && c1 != '+' && c1 != '=') || (lang_ == Lang::php && c == '.' && c1 != '=' && !is_digit(c1))) {
                by_operator = true;
                bool ignored = false;
                p = skip_space(p + 1, ignored);
            } else if (!adjacent_literals_join() || (newline && depth_ == 0)) {
                break;
            }
            if (auto lit = literal_at(s_, p, lang_)) {
                if (previous_is_literal) b.add(' ', gap_first);
                Decoded next = decode_literal(s_, *lit, b);
                pos = next.end;
                gap_first = next.content_end;
                previous_is_literal = true;
                open = next.terminated;
                continue;
            }
            if (!by_operator) break;
            size_t q = operand_end(p);
            if (q == p) break;
            b.add_placeholder(s_, p, q);  // built at run time: "DELETE FROM " + table
            pos = q;
            previous_is_literal = false;
        }
        out_.push_back(mask_bind_parameters(b.finish(std::min(pos, s_.size()), "string literal")));
        return pos;
    }
};

}  // namespace

SourceKind classify_source(const std::string& path, const std::string& content) {
    std::string ext = extension_of(path);
    if (ext == "sql" || ext == "psql" || ext == "pgsql") return SourceKind::sql;
    if (ext == "sh" || ext == "bash" || ext == "zsh" || ext == "ksh") return SourceKind::shell;
    static const char* const kCode[] = {"py", "pyw", "js", "mjs", "cjs", "ts", "tsx", "jsx", "mts", "cts",
                                        "go", "java", "kt", "kts", "rb", "php", "cs", "rs"};
    if (std::any_of(std::begin(kCode), std::end(kCode), [&](const char* e) { return ext == e; })) return SourceKind::code;
    std::string interpreter = shebang_interpreter(content);
    if (interpreter == "sh" || interpreter == "bash" || interpreter == "zsh" || interpreter == "dash" || interpreter == "ksh")
        return SourceKind::shell;
    if (interpreter == "python" || interpreter == "node" || interpreter == "deno" || interpreter == "bun" ||
        interpreter == "ruby" || interpreter == "php")
        return SourceKind::code;
    return SourceKind::unknown;
}

std::vector<SqlFragment> extract_sql_fragments(SourceKind kind, const std::string& content, const std::string& path) {
    std::vector<SqlFragment> out;
    if (content.size() >= std::numeric_limits<std::uint32_t>::max()) return out;  // offsets are 32-bit
    try {
        if (kind == SourceKind::sql) {
            FragmentBuilder b;
            for (size_t i = 0; i < content.size(); ++i) b.add(content[i], i);
            out.push_back(b.finish(content.size(), "sql file"));
        } else if (kind == SourceKind::shell) {
            ShellScanner(content, &out, nullptr).run();
            // $( … ) is scanned before the command around it ends: put fragments back in file order.
            std::stable_sort(out.begin(), out.end(), [](const SqlFragment& a, const SqlFragment& b) {
                return a.source_offsets.front() < b.source_offsets.front();
            });
        } else if (kind == SourceKind::code) {
            CodeScanner(content, language_of(path, content), out).run();
        }
    } catch (const std::exception&) {
        // Only allocation can throw here; a lint run reports what it found rather than dying.
    }
    return out;
}

std::vector<std::string> psql_file_arguments(const std::string& content) {
    std::vector<std::string> files;
    if (content.size() >= std::numeric_limits<std::uint32_t>::max()) return files;
    try {
        ShellScanner(content, nullptr, &files).run();
    } catch (const std::exception&) {
    }
    return files;
}

}  // namespace pggate
