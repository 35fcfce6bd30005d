// Where SQL hides outside .sql files: shell scripts (psql -c, heredocs fed to psql, psql -f) and
// application code (string literals). The delete-paths linter parses every fragment found here with
// libpg_query; a fragment only has to be a good candidate, the parser has the last word.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pggate {

enum class SourceKind { sql, shell, code, unknown };

// By extension first (.sql/.psql → sql; .sh/.bash/.zsh → shell; .py .js .mjs .cjs .ts .tsx .go .java
// .kt .rb .php .cs .rs → code), then by a shebang line (sh/bash/zsh → shell, python/node → code).
SourceKind classify_source(const std::string& path, const std::string& content);

struct SqlFragment {
    // The SQL as the server would receive it: shell/code escapes resolved (\" → ", \\ → \, …) and
    // host-language interpolations (${x}, $x, $(cmd), {x} in f-strings, %s, %(name)s, :name, ?)
    // replaced by SQL that still parses (a same-length identifier, or a $n parameter).
    std::string sql;
    // source_offsets[i] = byte offset in the file of sql[i]; one extra entry for sql.size() (the end).
    std::vector<std::uint32_t> source_offsets;
    // Byte ranges [first, second) of `sql` that came from an interpolation: a DELETE whose target
    // table lies in one is built at run time.
    std::vector<std::pair<std::size_t, std::size_t>> interpolated;
    // What it is: "psql -c", "heredoc", "here-string", "psql stdin" (echo … | psql), "shell variable",
    // "string literal", "sql file".
    std::string origin;
};

// The SQL candidates of a shell script or a source file. Shell: the argument of every
// `psql … -c/--command` (quoted or not; also when psql is called through a variable such as $PSQL or
// "${PSQL[@]}"), every heredoc body (<<EOF, <<-EOF, <<'EOF', <<"EOF") on a line that runs psql, and
// SQL-looking strings assigned to variables (SQL="DELETE …"). Code: every string literal of the language
// (single, double, backtick/template, Python triple-quoted and prefixed strings, Go raw strings, Java text
// blocks; comments skipped) whose first word is a SQL verb (SELECT INSERT UPDATE DELETE WITH TRUNCATE
// ALTER DROP CREATE MERGE DO CALL BEGIN, written all upper or all lower case), plus adjacent literal
// concatenation ("a" "b", "a" + "b") joined into one fragment (a single space for the gap); a non-literal
// operand ("DELETE FROM " + table) joins as an interpolated identifier. Shell also: here-strings and
// `echo "…" | psql` into psql, and heredocs on other lines whose first word is a SQL verb (cat <<EOF >x.sql);
// psql meta-commands (\set, \i …) are blanked, and psql's :variables masked in heredocs.
// `path` (optional) picks the language's lexical rules by extension (then shebang); without one, a lenient
// mix of them. Never throws, never reads past `content`; an unterminated quote, heredoc or multi-line string
// ends at EOF, an unterminated single-line string (Python '…', JS "…") at the end of its line, as the
// compiler would. SourceKind::sql gives the whole file as one fragment; unknown gives nothing.
std::vector<SqlFragment> extract_sql_fragments(SourceKind kind, const std::string& content, const std::string& path = "");

// Files a shell script hands to psql (`psql -f FILE`, `--file=FILE`, `psql < FILE`, `\i FILE` in a heredoc), as written
// (relative paths are resolved by the caller against the script's folder and the working directory).
std::vector<std::string> psql_file_arguments(const std::string& content);

}  // namespace pggate
