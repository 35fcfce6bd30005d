#include "harness/dotenv.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

extern char** environ;

namespace pggate {
namespace {

constexpr size_t npos = std::string::npos;

// JavaScript's \s, restricted to ASCII (the input has \r\n already folded to \n).
bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_hws(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r'; }
bool is_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; }

std::string trim_js(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && is_ws(s[b])) ++b;
    while (e > b && is_ws(s[e - 1])) --e;
    return s.substr(b, e - b);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t p = s.find(from); p != npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
    return s;
}

// Line/column of byte offsets in the normalized text.
struct LineIndex {
    std::vector<size_t> starts{0};
    explicit LineIndex(const std::string& s) {
        for (size_t i = 0; i < s.size(); ++i)
            if (s[i] == '\n') starts.push_back(i + 1);
    }
    int line(size_t pos) const {
        return static_cast<int>(std::upper_bound(starts.begin(), starts.end(), pos) - starts.begin());
    }
    int column(size_t pos) const { return static_cast<int>(pos - starts[line(pos) - 1]) + 1; }
};

// `\s*(?:#.*)?$` at p: the rest of the line is blank or a comment. Returns the end of the line, or npos.
size_t tail_end(const std::string& s, size_t p) {
    while (p < s.size() && is_hws(s[p])) ++p;
    if (p < s.size() && s[p] == '#')
        while (p < s.size() && s[p] != '\n') ++p;
    if (p == s.size() || s[p] == '\n') return p;
    return npos;
}

struct ValueMatch {
    std::string raw;   // the text of dotenv's value group (quotes included), "" when absent
    size_t end = 0;    // end of the consumed line
    size_t start = 0;  // where the value group starts (after leading whitespace for quoted values)
    bool quoted_alt = false;
    bool cut_at_hash = false;  // unquoted value that stopped at a '#' glued to it
};

// One of dotenv's quoted alternatives: \s*Q(?:\\Q|[^Q])*Q followed by a blank/comment tail.
// The regex's backtracking means the closing quote is the first unescaped Q, or failing that an
// escaped one (latest first) after which the line ends.
std::optional<ValueMatch> quoted_at(const std::string& s, size_t v, char q) {
    size_t w = v;
    while (w < s.size() && is_ws(s[w])) ++w;
    if (w >= s.size() || s[w] != q) return std::nullopt;
    std::vector<size_t> escaped;
    size_t i = w + 1;
    while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == q) {
            escaped.push_back(i + 1);
            i += 2;
            continue;
        }
        if (s[i] == q) break;
        ++i;
    }
    std::vector<size_t> candidates;
    if (i < s.size()) candidates.push_back(i);
    for (auto it = escaped.rbegin(); it != escaped.rend(); ++it) candidates.push_back(*it);
    for (size_t c : candidates) {
        size_t end = tail_end(s, c + 1);
        if (end == npos) continue;
        ValueMatch m;
        m.raw = s.substr(w, c + 1 - w);
        m.end = end;
        m.start = w;
        m.quoted_alt = true;
        return m;
    }
    return std::nullopt;
}

// The value group and tail starting at v: quoted alternatives first, then [^#\n]+, then nothing.
ValueMatch value_at(const std::string& s, size_t v) {
    for (char q : {'\'', '"', '`'})
        if (auto m = quoted_at(s, v, q)) return *m;
    ValueMatch m;
    m.start = v;
    if (v < s.size() && s[v] != '#' && s[v] != '\n') {
        size_t e = v;
        while (e < s.size() && s[e] != '#' && s[e] != '\n') ++e;
        m.raw = s.substr(v, e - v);
        m.cut_at_hash = e < s.size() && s[e] == '#' && e > v && !is_ws(s[e - 1]);
        m.end = tail_end(s, e);  // always succeeds: '#' starts a comment, '\n' ends the line
        return m;
    }
    m.end = tail_end(s, v);
    return m;
}

struct Record {
    std::string key;
    size_t key_pos = 0;
    ValueMatch value;
};

// dotenv's LINE regex anchored at k (after any `export `).
std::optional<Record> record_at(const std::string& s, size_t k) {
    size_t e = k;
    while (e < s.size() && is_key_char(s[e])) ++e;
    if (e == k) return std::nullopt;
    Record r;
    r.key = s.substr(k, e - k);
    r.key_pos = k;
    size_t j = e;
    while (j < s.size() && is_ws(s[j])) ++j;
    if (j < s.size() && s[j] == '=') {
        r.value = value_at(s, j + 1);
    } else if (e < s.size() && s[e] == ':' && e + 1 < s.size() && is_ws(s[e + 1])) {
        r.value = value_at(s, e + 2);
    } else {
        return std::nullopt;
    }
    if (r.value.end == npos) return std::nullopt;
    return r;
}

std::optional<Record> line_record(const std::string& s, size_t p) {
    if (s.compare(p, 6, "export") == 0 && p + 6 < s.size() && is_ws(s[p + 6])) {
        size_t k = p + 6;
        while (k < s.size() && is_ws(s[k])) ++k;
        if (auto r = record_at(s, k)) return r;
    }
    return record_at(s, p);
}

// ---- expansion --------------------------------------------------------------------------------

struct Expander {
    const std::map<std::string, std::string>& earlier;
    const std::map<std::string, std::string>& process_env;

    std::optional<std::string> lookup(const std::string& name) const {
        if (auto it = process_env.find(name); it != process_env.end()) return it->second;
        if (auto it = earlier.find(name); it != earlier.end()) return it->second;
        return std::nullopt;
    }

    // Expands s from i until the end, or until an unmatched '}' when `in_braces` (left at s[i]).
    std::string run(const std::string& s, size_t& i, bool in_braces, int depth, std::vector<std::string>& unresolved) const {
        std::string out;
        while (i < s.size()) {
            char c = s[i];
            if (in_braces && c == '}') return out;
            if (c == '\\' && i + 1 < s.size() && s[i + 1] == '$') {
                out += '$';
                i += 2;
                continue;
            }
            if (c != '$') {
                out += c;
                ++i;
                continue;
            }
            if (i + 1 < s.size() && s[i + 1] == '{' && depth < 32) {
                size_t j = i + 2;
                while (j < s.size() && s[j] != '}' && s[j] != '{' && s[j] != '-' && s[j] != '+' &&
                       !(s[j] == ':' && j + 1 < s.size() && (s[j + 1] == '-' || s[j + 1] == '+')))
                    ++j;
                if (j >= s.size() || s[j] == '{' || j == i + 2) {  // not an expansion: keep the '$'
                    out += '$';
                    ++i;
                    continue;
                }
                std::string name = s.substr(i + 2, j - i - 2);
                auto val = lookup(name);
                bool has = val && !val->empty();
                if (s[j] == '}') {
                    if (!val) unresolved.push_back(name);
                    out += has ? *val : "";
                    i = j + 1;
                    continue;
                }
                std::string op = s[j] == ':' ? s.substr(j, 2) : s.substr(j, 1);
                size_t w = j + op.size();
                std::vector<std::string> word_unresolved;
                std::string word = run(s, w, true, depth + 1, word_unresolved);
                if (w >= s.size()) {  // no closing brace: literal
                    out += '$';
                    ++i;
                    continue;
                }
                bool plus = op.back() == '+';
                if (plus) {
                    if (has) {
                        out += word;
                        unresolved.insert(unresolved.end(), word_unresolved.begin(), word_unresolved.end());
                    }
                } else if (has) {
                    out += *val;
                } else {
                    out += word;
                    unresolved.insert(unresolved.end(), word_unresolved.begin(), word_unresolved.end());
                }
                i = w + 1;
                continue;
            }
            if (i + 1 < s.size() && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '_')) {
                size_t j = i + 1;
                while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
                std::string name = s.substr(i + 1, j - i - 1);
                auto val = lookup(name);
                if (!val) unresolved.push_back(name);
                out += val ? *val : "";
                i = j;
                continue;
            }
            out += '$';
            ++i;
        }
        return out;
    }
};

}  // namespace

DotenvFile parse_dotenv(const std::string& label, const std::string& input) {
    DotenvFile df;
    df.file = label;
    // dotenv folds \r\n and lone \r into \n; a UTF-8 byte order mark is whitespace to JavaScript.
    std::string s;
    s.reserve(input.size());
    for (size_t i = 0; i < input.size(); ++i) {
        if (input[i] == '\r') {
            s += '\n';
            if (i + 1 < input.size() && input[i + 1] == '\n') ++i;
        } else {
            s += input[i];
        }
    }
    size_t pos = 0;
    if (s.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;
    LineIndex idx(s);
    std::map<std::string, int> seen;
    auto problem = [&](const std::string& rule, const std::string& sev, size_t at, const std::string& key, const std::string& msg) {
        EnvProblem p;
        p.rule = rule;
        p.severity = sev;
        p.file = label;
        p.line = idx.line(at);
        p.column = idx.column(at);
        p.key = key;
        p.message = msg;
        df.problems.push_back(p);
    };
    while (pos < s.size()) {
        size_t line_end = s.find('\n', pos);
        if (line_end == npos) line_end = s.size();
        size_t p = pos;
        while (p < line_end && is_hws(s[p])) ++p;
        if (p == line_end || s[p] == '#') {
            pos = line_end + 1;
            continue;
        }
        auto rec = line_record(s, p);
        if (!rec) {
            std::string first_word;
            for (size_t q = p; q < line_end && first_word.size() < 40 && is_key_char(s[q]); ++q) first_word += s[q];
            problem("config.syntax", "error", p, "",
                    "this line is not KEY=VALUE, so dotenv silently ignores it" +
                        std::string(first_word.empty() ? "" : " (it starts with '" + first_word + "')") +
                        ". Write it as KEY=value (quote values that contain spaces or '#'), or comment it out with '#'.");
            pos = line_end + 1;
            continue;
        }
        const ValueMatch& vm = rec->value;
        EnvEntry e;
        e.key = rec->key;
        e.file = label;
        e.line = idx.line(rec->key_pos);
        e.column = idx.column(rec->key_pos);
        std::string value = trim_js(vm.raw);
        char maybe_quote = value.empty() ? 0 : value[0];
        bool stripped = false;
        if (value.size() >= 2 && (maybe_quote == '\'' || maybe_quote == '"' || maybe_quote == '`') && value.back() == maybe_quote) {
            value = value.substr(1, value.size() - 2);
            stripped = true;
        }
        if (stripped) e.quote = maybe_quote == '\'' ? EnvQuote::single : maybe_quote == '"' ? EnvQuote::double_quote : EnvQuote::backtick;
        if (maybe_quote == '"') {
            // Portability: other loaders unescape more than dotenv does.
            for (size_t q = 0; q + 1 < value.size(); ++q) {
                if (value[q] != '\\') continue;
                char n = value[q + 1];
                if (n != 'n' && n != 'r' && n != '$') {
                    problem("config.ambiguous-syntax", "warning", rec->key_pos, e.key,
                            e.key + " is double-quoted and contains '\\" + std::string(1, n) +
                                "': dotenv expands only \\n and \\r and keeps this backslash, while other loaders (Docker Compose, "
                                "python-dotenv) unescape it. Write the character itself, or use single quotes for a literal value.");
                    break;
                }
                ++q;
            }
            value = replace_all(value, "\\n", "\n");
            value = replace_all(value, "\\r", "\r");
        }
        if (vm.cut_at_hash)
            problem("config.ambiguous-syntax", "warning", rec->key_pos, e.key,
                    "the value of " + e.key + " is cut at a '#' that follows it without a space: dotenv reads only the part "
                    "before it, other loaders keep it. Quote the value if the '#' belongs to it, or put a space before the comment.");
        if (!vm.quoted_alt && (maybe_quote == '\'' || maybe_quote == '"' || maybe_quote == '`'))
            problem("config.ambiguous-syntax", "warning", rec->key_pos, e.key,
                    "the value of " + e.key + " opens a quote (" + std::string(1, maybe_quote) +
                        ") that is not closed at the end of a line: dotenv keeps the quote character as part of the value. "
                        "Close the quote, or remove it.");
        if (!vm.raw.empty() && idx.line(vm.start) > e.line)
            // The value group began on a later line: dotenv read the next line as this key's value.
            problem("config.ambiguous-syntax", "warning", rec->key_pos, e.key,
                    e.key + " has no value on its own line, so dotenv takes its value from line " +
                        std::to_string(idx.line(vm.start)) + ". Put the value on the same line as the key (KEY=\"...\").");
        e.raw = value;
        e.value = value;
        if (auto it = seen.find(e.key); it != seen.end()) {
            EnvProblem p;
            p.rule = "config.duplicate-key";
            p.severity = "warning";
            p.file = label;
            p.line = e.line;
            p.column = e.column;
            p.key = e.key;
            p.other_line = it->second;
            p.message = e.key + " is set twice in " + label + " (lines " + std::to_string(it->second) + " and " +
                        std::to_string(e.line) + "); dotenv keeps the last one (line " + std::to_string(e.line) +
                        "). Delete the line that is not meant to apply.";
            df.problems.push_back(p);
        }
        seen[e.key] = e.line;
        df.entries.push_back(e);
        pos = vm.end + 1;
    }
    return df;
}

std::string expand_dotenv_value(const std::string& raw, const std::map<std::string, std::string>& earlier,
                                const std::map<std::string, std::string>& process_env, std::vector<std::string>* unresolved) {
    Expander ex{earlier, process_env};
    std::vector<std::string> u;
    size_t i = 0;
    std::string out = ex.run(raw, i, false, 0, u);
    if (unresolved) unresolved->insert(unresolved->end(), u.begin(), u.end());
    return out;
}

std::vector<std::string> default_env_files(const std::string& mode) {
    std::vector<std::string> files{".env"};
    if (mode != "ci" && mode != "test") files.push_back(".env.local");
    if (!mode.empty()) {
        files.push_back(".env." + mode);
        files.push_back(".env." + mode + ".local");
    }
    return files;
}

std::map<std::string, std::string> current_process_env() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return env;
}

LayeredEnv load_layered_env(const EnvLayerOptions& options) {
    LayeredEnv out;
    std::map<std::string, std::string> penv;
    if (options.use_process_env) penv = options.process_env ? *options.process_env : current_process_env();
    std::map<std::string, std::string> running;
    for (size_t i = 0; i < options.files.size(); ++i) {
        const std::string& path = options.files[i];
        std::string label = i < options.labels.size() && !options.labels[i].empty() ? options.labels[i] : path;
        bool required = i < options.required.size() && options.required[i];
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            if (required) {
                EnvProblem p;
                p.rule = "config.file-missing";
                p.severity = "error";
                p.file = label;
                p.message = "env file " + label + " does not exist or cannot be read (looked for " + path +
                            "). Create it, or remove it from the list of env files.";
                out.problems.push_back(p);
            }
            continue;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        DotenvFile df = parse_dotenv(label, ss.str());
        for (auto& e : df.entries) {
            if (e.quote != EnvQuote::single) {
                std::vector<std::string> unresolved;
                e.value = expand_dotenv_value(e.raw, running, penv, &unresolved);
                std::sort(unresolved.begin(), unresolved.end());
                unresolved.erase(std::unique(unresolved.begin(), unresolved.end()), unresolved.end());
                for (const auto& name : unresolved) {
                    EnvProblem p;
                    p.rule = "config.unresolved-reference";
                    p.severity = "warning";
                    p.file = label;
                    p.line = e.line;
                    p.column = e.column;
                    p.key = e.key;
                    p.message = e.key + " refers to $" + name + ", which no earlier line, earlier env file or the environment sets, "
                                "so it expands to an empty string. Define " + name + " before this line, or give a default: ${" +
                                name + ":-value}.";
                    df.problems.push_back(p);
                }
            }
            running[e.key] = e.value;
            if (auto it = out.values.find(e.key); it != out.values.end() && it->second.file != label)
                out.overridden[e.key].push_back(it->second);
            out.values[e.key] = e;
        }
        out.problems.insert(out.problems.end(), df.problems.begin(), df.problems.end());
        out.loaded.push_back(label);
        out.files.push_back(std::move(df));
    }
    if (options.use_process_env) {
        std::set<std::string> keys = options.process_keys;
        for (const auto& [k, v] : out.values) keys.insert(k);
        for (const auto& k : keys) {
            auto it = penv.find(k);
            if (it == penv.end()) continue;
            EnvEntry e;
            e.key = k;
            e.raw = e.value = it->second;
            e.file = "(environment)";
            e.from_process = true;
            if (auto old = out.values.find(k); old != out.values.end()) out.overridden[k].push_back(old->second);
            out.values[k] = e;
        }
    }
    return out;
}

bool is_secret_name(const std::string& key) {
    std::string up;
    for (char c : key) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const char* w : {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE", "DSN", "DATABASE_URL"})
        if (up.find(w) != npos) return true;
    return false;
}

std::string redact_url_passwords(const std::string& text) {
    std::string out = text;
    size_t from = 0;
    while (true) {
        size_t sep = out.find("://", from);
        if (sep == npos) break;
        size_t a = sep + 3;
        size_t end = a;
        while (end < out.size() && out[end] != '/' && out[end] != '?' && out[end] != '#' && !is_ws(out[end]) &&
               out[end] != '"' && out[end] != '\'' && out[end] != '<' && out[end] != '>' && out[end] != '`')
            ++end;
        size_t at = out.rfind('@', end == 0 ? 0 : end - 1);
        if (at != npos && at >= a && at < end) {
            size_t colon = out.find(':', a);
            if (colon != npos && colon < at && at > colon + 1 && out.compare(colon + 1, at - colon - 1, "***") != 0) {
                out.replace(colon + 1, at - colon - 1, "***");
                end = colon + 1 + 3 + 1;
            }
        }
        from = std::max(end, a);
    }
    return out;
}

std::string display_value(const std::string& key, const std::string& value, bool secret) {
    if (secret) return value.empty() ? "" : "***";
    return redact_url_passwords(value);
}

void Redactor::add(const std::string& secret) {
    if (secret.size() < 3) return;
    if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
    secrets_.push_back(secret);
    std::stable_sort(secrets_.begin(), secrets_.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void Redactor::add_value_of(const std::string& key, const std::string& value, bool secret) {
    // A flag's value is not a secret even under a secret-looking name (API_KEY_ENABLED=false), and
    // scrubbing "false" from every message would make them unreadable.
    static const char* const flags[] = {"true", "false", "yes", "no", "on", "off", "TRUE", "FALSE", "True", "False"};
    if (secret && std::find(std::begin(flags), std::end(flags), value) != std::end(flags)) secret = false;
    if (secret) {
        add(value);
        // Also its lines, so a multi-line secret printed line by line is caught.
        if (value.find('\n') != npos) {
            std::stringstream ss(value);
            std::string line;
            while (std::getline(ss, line)) add(trim_js(line));
        }
    }
    // Passwords inside URLs, whatever the key.
    size_t from = 0;
    while (true) {
        size_t sep = value.find("://", from);
        if (sep == npos) break;
        size_t a = sep + 3;
        size_t end = a;
        while (end < value.size() && value[end] != '/' && value[end] != '?' && value[end] != '#' && !is_ws(value[end])) ++end;
        size_t at = value.rfind('@', end == 0 ? 0 : end - 1);
        if (at != npos && at >= a && at < end) {
            size_t colon = value.find(':', a);
            if (colon != npos && colon < at) add(value.substr(colon + 1, at - colon - 1));
        }
        from = end > a ? end : a;
    }
}

std::string Redactor::apply(const std::string& text) const {
    std::string out = redact_url_passwords(text);
    for (const auto& s : secrets_) out = replace_all(out, s, "***");
    return out;
}

}  // namespace pggate
