// Dotenv files as a Node app sees them: motdotla/dotenv (>= 15, the multi-line parser) for the syntax,
// dotenv-expand for ${VAR} expansion, dotenv-flow for the order of files. Every value remembers the
// file and line it came from; values of secret keys are never put into a message.
//
// Syntax (what `dotenv.parse` does; pggate reproduces it, including its quirks):
//   KEY=value            unquoted: trimmed; a `#` anywhere ends the value (`A=abc#x` is `abc`)
//   export KEY=value     `export ` prefix ignored;  `KEY: value` (colon and a space) also accepted
//   KEY='literal'        single quotes: taken as written (no escapes, no ${} expansion)
//   KEY="a\nb"           double quotes: only \n and \r are expanded (dotenv does not unescape \t, \" or
//                        \\ — pggate warns `config.ambiguous-syntax` because other loaders do)
//   KEY="multi           quoted values (', ", `) may span lines; the closing quote must be followed
//   line"                by nothing but spaces and an optional `# comment`
//   KEY=`backtick`       like single quotes for the syntax; expanded like unquoted values
//   KEY=                 empty value
//   # comment            comment lines and blank lines are skipped
// A line that is none of these is ignored by dotenv: pggate reports it (`config.syntax`, error).
// A key set twice in one file: the last one wins (as in dotenv), reported as `config.duplicate-key`.
//
// Expansion (dotenv-expand): ${VAR}, $VAR, ${VAR:-default} / ${VAR-default} (default when VAR is unset
// or empty), ${VAR:+alt} / ${VAR+alt} (alt when VAR is set and not empty), nested defaults
// (${A:-${B:-x}}), and \$ for a literal dollar. VAR is looked up in the process environment first
// (it wins, as in dotenv-expand), then among the keys defined earlier in the layering (earlier lines,
// earlier files). A substituted value is not expanded again. Single-quoted values are never expanded.
//
// Layering (dotenv-flow, the Node convention for per-mode files): files are applied in order, a later
// file overriding an earlier one; then the process environment wins over every file (neither dotenv
// nor dotenv-flow overwrite a variable that is already set). Default files for mode M, in order:
// .env, .env.local, .env.M, .env.M.local (.env.local is skipped when M is `ci`/`test`, so CI runs do
// not depend on a developer's local overrides — the dotenv-flow rule for NODE_ENV=test).
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pggate {

// A problem found while reading env files. `message` never contains a value.
struct EnvProblem {
    std::string rule;      // config.syntax | config.duplicate-key | config.ambiguous-syntax | config.unresolved-reference | config.file-missing
    std::string severity;  // error | warning
    std::string file;      // label of the file (as given), "" for the process environment
    int line = 0;          // 1-based
    int column = 0;        // 1-based, 0 when not meaningful
    std::string key;
    std::string message;
    int other_line = 0;    // config.duplicate-key: the line of the earlier definition
};

enum class EnvQuote { none, single, double_quote, backtick };

struct EnvEntry {
    std::string key;
    std::string raw;    // after quote removal and \n expansion, before ${} expansion
    std::string value;  // after expansion: what the app sees
    EnvQuote quote = EnvQuote::none;
    std::string file;   // label of the file; "(environment)" when the process environment set it
    int line = 0;
    int column = 0;     // of the key
    bool from_process = false;
};

struct DotenvFile {
    std::string file;                   // label
    std::vector<EnvEntry> entries;      // in file order, duplicates included (value == raw: not expanded)
    std::vector<EnvProblem> problems;
};

// Parses dotenv text. Never throws; anything odd becomes a problem.
DotenvFile parse_dotenv(const std::string& label, const std::string& text);

// Expands ${VAR} etc. in `raw` with `lookup` (nullopt = unset). Unresolved names (no value, no default)
// are appended to `unresolved` when given.
std::string expand_dotenv_value(const std::string& raw,
                                const std::map<std::string, std::string>& earlier,
                                const std::map<std::string, std::string>& process_env,
                                std::vector<std::string>* unresolved = nullptr);

struct EnvLayerOptions {
    std::vector<std::string> files;   // absolute or relative paths, in order (later overrides earlier)
    std::vector<std::string> labels;  // how each file is named in problems (default: the path as given)
    std::vector<bool> required;       // per file: a missing required file is a config.file-missing error
    bool use_process_env = true;
    // The process environment to use; when unset, the real one (environ) is read.
    std::optional<std::map<std::string, std::string>> process_env;
    // Keys that are taken from the process environment even when no file defines them (the rule keys).
    std::set<std::string> process_keys;
};

struct LayeredEnv {
    std::map<std::string, EnvEntry> values;            // effective entry per key
    std::map<std::string, std::vector<EnvEntry>> overridden;  // earlier definitions a later layer replaced
    std::vector<std::string> loaded;                   // labels of the files read, in order
    std::vector<DotenvFile> files;                     // parsed files (entries expanded), in order
    std::vector<EnvProblem> problems;
};

LayeredEnv load_layered_env(const EnvLayerOptions& options);

// The dotenv-flow file list for a mode, relative names (".env", ".env.local", ".env.prod", ...).
std::vector<std::string> default_env_files(const std::string& mode);

// The process environment as a map.
std::map<std::string, std::string> current_process_env();

// True for names that look secret: PASSWORD, PASSWD, SECRET, TOKEN, KEY, CREDENTIAL, PRIVATE, DSN,
// DATABASE_URL (case-insensitive, anywhere in the name). Rules may override with `secret: true|false`.
bool is_secret_name(const std::string& key);

// The value as it may be printed: "***" for a secret key; otherwise the value with any password inside
// a URL (scheme://user:password@host) replaced by ***.
std::string display_value(const std::string& key, const std::string& value, bool secret);
// Replaces the password of every scheme://user:password@ in text with ***.
std::string redact_url_passwords(const std::string& text);

// Scrubs known secret strings out of free text (app output, messages built from values).
class Redactor {
public:
    void add(const std::string& secret);  // values shorter than 3 characters are ignored
    void add_value_of(const std::string& key, const std::string& value, bool secret);
    std::string apply(const std::string& text) const;
    bool empty() const { return secrets_.empty(); }

private:
    std::vector<std::string> secrets_;  // longest first
};

}  // namespace pggate
