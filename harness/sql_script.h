// SQL files as pggate replays them: read, psql meta-commands masked, split into statements with
// PostgreSQL's own parser (libpg_query), each statement knowing where it sits in the file.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace pggate {

struct SourceLocation {
    std::string file;
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based, in characters
};

struct Statement {
    std::string text;    // exactly the bytes sent to the server (may start with comments/whitespace)
    size_t offset = 0;   // byte offset of `text` in the file
    SourceLocation start;  // first significant character
    bool needs_autocommit = false;  // e.g. CREATE INDEX CONCURRENTLY, VACUUM, explicit BEGIN/COMMIT
};

struct SqlScript {
    std::string file;
    std::string content;  // after masking; same length and line breaks as the file
    std::vector<Statement> statements;
    std::vector<SourceLocation> skipped_meta_commands;  // psql lines (\set, \connect…) that were masked
};

// Thrown for unreadable files and SQL the parser rejects; what() is the one-paragraph message.
struct ScriptError : std::runtime_error {
    SourceLocation where;
    ScriptError(SourceLocation w, const std::string& msg);
};

// Which part of the file to replay: the whole file, or a dbmate section.
enum class ScriptSection { whole, dbmate_up, dbmate_down };

SqlScript load_sql_script(const std::string& path, ScriptSection section = ScriptSection::whole);
SqlScript parse_sql_text(const std::string& label, std::string content);

// Maps a byte offset in `content` to a 1-based line and character column.
SourceLocation locate(const std::string& file, const std::string& content, size_t byte_offset);
// Byte offset of the `char_pos`-th character (1-based, as PostgreSQL reports positions) of `text`.
size_t char_to_byte(const std::string& text, int char_pos);
// The statement without leading comments/whitespace, collapsed to one line and cut to `max_len`.
std::string statement_excerpt(const std::string& text, size_t max_len = 200);
bool file_has_dbmate_markers(const std::string& content);

}  // namespace pggate
