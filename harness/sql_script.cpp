#include "harness/sql_script.h"

#include <pg_query.h>

#include <fstream>
#include <sstream>

namespace pggate {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScriptError({path, 0, 0}, path + ": cannot read the file (missing or not readable).");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Offset of the first character that is not whitespace or part of a comment.
size_t skip_insignificant(const std::string& s, size_t i) {
    while (i < s.size()) {
        if (std::isspace(static_cast<unsigned char>(s[i]))) { ++i; continue; }
        if (s.compare(i, 2, "--") == 0) {
            while (i < s.size() && s[i] != '\n') ++i;
            continue;
        }
        if (s.compare(i, 2, "/*") == 0) {
            int depth = 0;
            do {
                if (s.compare(i, 2, "/*") == 0) { ++depth; i += 2; }
                else if (s.compare(i, 2, "*/") == 0) { --depth; i += 2; }
                else ++i;
            } while (depth > 0 && i < s.size());
            continue;
        }
        break;
    }
    return i;
}

void blank_range(std::string& s, size_t from, size_t to) {
    for (size_t i = from; i < to && i < s.size(); ++i)
        if (s[i] != '\n') s[i] = ' ';
}

bool needs_autocommit(const std::string& stmt) {
    PgQueryParseResult r = pg_query_parse(stmt.c_str());
    bool out = false;
    if (!r.error && r.parse_tree) {
        std::string tree = r.parse_tree;
        out = tree.find("\"TransactionStmt\"") != std::string::npos || tree.find("\"VacuumStmt\"") != std::string::npos ||
              tree.find("\"CreatedbStmt\"") != std::string::npos || tree.find("\"DropdbStmt\"") != std::string::npos ||
              tree.find("\"AlterSystemStmt\"") != std::string::npos ||
              tree.find("\"concurrent\":true") != std::string::npos ||
              (tree.find("\"ReindexStmt\"") != std::string::npos && tree.find("concurrently") != std::string::npos);
    }
    pg_query_free_parse_result(r);
    return out;
}

}  // namespace

ScriptError::ScriptError(SourceLocation w, const std::string& msg) : std::runtime_error(msg), where(std::move(w)) {}

SourceLocation locate(const std::string& file, const std::string& content, size_t byte_offset) {
    SourceLocation loc{file, 1, 1};
    for (size_t i = 0; i < byte_offset && i < content.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(content[i]);
        if (c == '\n') {
            ++loc.line;
            loc.column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++loc.column;  // count characters, not UTF-8 continuation bytes
        }
    }
    return loc;
}

size_t char_to_byte(const std::string& text, int char_pos) {
    if (char_pos <= 1) return 0;
    int seen = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (++seen == char_pos) return i;
        }
    }
    return text.size();
}

std::string statement_excerpt(const std::string& text, size_t max_len) {
    size_t start = skip_insignificant(text, 0);
    std::string out;
    bool space = false;
    for (size_t i = start; i < text.size(); ++i) {
        char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    if (out.size() > max_len) {
        size_t cut = max_len;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
        out = out.substr(0, cut) + "…";
    }
    return out;
}

bool file_has_dbmate_markers(const std::string& content) {
    return content.find("-- migrate:up") != std::string::npos;
}

SqlScript parse_sql_text(const std::string& label, std::string content) {
    SqlScript script;
    script.file = label;
    // Mask psql meta-commands (\set, \connect, pg_dump's \restrict…): psql runs them, the server never sees them.
    size_t line_start = 0;
    while (line_start < content.size()) {
        size_t line_end = content.find('\n', line_start);
        if (line_end == std::string::npos) line_end = content.size();
        size_t first = content.find_first_not_of(" \t", line_start);
        if (first < line_end && content[first] == '\\') {
            script.skipped_meta_commands.push_back(locate(label, content, first));
            // \g, \gexec, \gset, \gx, \crosstabview and \watch send the query before them, as a semicolon would.
            bool sends = content.compare(first, 2, "\\g") == 0 || content.compare(first, 13, "\\crosstabview") == 0 ||
                         content.compare(first, 6, "\\watch") == 0;
            blank_range(content, line_start, line_end);
            if (sends) content[first] = ';';
        }
        line_start = line_end + 1;
    }
    PgQuerySplitResult split = pg_query_split_with_parser(content.c_str());
    if (split.error) {
        int pos = split.error->cursorpos;  // 1-based byte offset into the input, 0 when unknown
        SourceLocation where = pos > 0 ? locate(label, content, static_cast<size_t>(pos - 1)) : SourceLocation{label, 0, 0};
        std::string msg = split.error->message ? split.error->message : "syntax error";
        pg_query_free_split_result(split);
        std::ostringstream m;
        m << label;
        if (where.line > 0) m << ":" << where.line << ":" << where.column;
        m << ": SQL does not parse: " << msg << " (PostgreSQL 15 grammar, checked before any database work).";
        throw ScriptError(where, m.str());
    }
    for (int i = 0; i < split.n_stmts; ++i) {
        Statement st;
        st.offset = static_cast<size_t>(split.stmts[i]->stmt_location);
        st.text = content.substr(st.offset, static_cast<size_t>(split.stmts[i]->stmt_len));
        size_t significant = skip_insignificant(content, st.offset);
        if (significant >= st.offset + st.text.size()) continue;  // only comments
        st.start = locate(label, content, significant);
        st.needs_autocommit = needs_autocommit(st.text);
        script.statements.push_back(std::move(st));
    }
    pg_query_free_split_result(split);
    script.content = std::move(content);
    return script;
}

SqlScript load_sql_script(const std::string& path, ScriptSection section) {
    std::string content = read_file(path);
    if (content.find('\0') != std::string::npos)
        throw ScriptError({path, 0, 0}, path + ": is not a text file (contains NUL bytes).");
    if (section != ScriptSection::whole) {
        // dbmate: keep only the wanted section, blanking the rest so line numbers stay true.
        size_t up = content.find("-- migrate:up");
        size_t down = content.find("-- migrate:down");
        if (up == std::string::npos)
            throw ScriptError({path, 1, 1}, path + ": dbmate migration without a '-- migrate:up' marker.");
        size_t from, to;
        if (section == ScriptSection::dbmate_up) {
            from = up;
            to = down == std::string::npos ? content.size() : down;
        } else {
            if (down == std::string::npos) return parse_sql_text(path, std::string(content.size(), ' '));
            from = down;
            to = down < up ? up : content.size();
        }
        std::string masked = content;
        blank_range(masked, 0, from);
        blank_range(masked, to, masked.size());
        return parse_sql_text(path, masked);
    }
    return parse_sql_text(path, std::move(content));
}

}  // namespace pggate
