#include "harness/dotenv.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>

namespace pggate {
namespace {

std::map<std::string, std::string> parse_map(const std::string& text) {
    std::map<std::string, std::string> m;
    for (const auto& e : parse_dotenv(".env", text).entries) m[e.key] = e.value;
    return m;
}

const EnvEntry* find(const DotenvFile& f, const std::string& key) {
    const EnvEntry* last = nullptr;
    for (const auto& e : f.entries)
        if (e.key == key) last = &e;
    return last;
}

int count_rule(const std::vector<EnvProblem>& ps, const std::string& rule) {
    int n = 0;
    for (const auto& p : ps) n += p.rule == rule;
    return n;
}

// The cases of motdotla/dotenv's own test file (tests/.env), with the values dotenv.parse gives.
TEST(Dotenv, ParsesLikeMotdotlaDotenv) {
    auto m = parse_map(
        "BASIC=basic\n"
        "\n"
        "# previous line intentionally left blank\n"
        "AFTER_LINE=after_line\n"
        "EMPTY=\n"
        "EMPTY_SINGLE_QUOTES=''\n"
        "EMPTY_DOUBLE_QUOTES=\"\"\n"
        "EMPTY_BACKTICKS=``\n"
        "SINGLE_QUOTES='single_quotes'\n"
        "SINGLE_QUOTES_SPACED='    single quotes    '\n"
        "DOUBLE_QUOTES=\"double_quotes\"\n"
        "DOUBLE_QUOTES_SPACED=\"    double quotes    \"\n"
        "DOUBLE_QUOTES_INSIDE_SINGLE='double \"quotes\" work inside single quotes'\n"
        "DOUBLE_QUOTES_WITH_NO_SPACE_BRACKET=\"{ port: $MONGOLAB_PORT}\"\n"
        "SINGLE_QUOTES_INSIDE_DOUBLE=\"single 'quotes' work inside double quotes\"\n"
        "BACKTICKS_INSIDE_SINGLE='`backticks` work inside single quotes'\n"
        "BACKTICKS_INSIDE_DOUBLE=\"`backticks` work inside double quotes\"\n"
        "BACKTICKS=`backticks`\n"
        "BACKTICKS_SPACED=`    backticks    `\n"
        "DOUBLE_QUOTES_INSIDE_BACKTICKS=`double \"quotes\" work inside backticks`\n"
        "SINGLE_QUOTES_INSIDE_BACKTICKS=`single 'quotes' work inside backticks`\n"
        "DOUBLE_AND_SINGLE_QUOTES_INSIDE_BACKTICKS=`double \"quotes\" and single 'quotes' work inside backticks`\n"
        "EXPAND_NEWLINES=\"expand\\nnew\\nlines\"\n"
        "DONT_EXPAND_UNQUOTED=dontexpand\\nnewlines\n"
        "DONT_EXPAND_SQUOTED='dontexpand\\nnewlines'\n"
        "# COMMENTS=work\n"
        "INLINE_COMMENTS=inline comments # work #very #well\n"
        "INLINE_COMMENTS_SINGLE_QUOTES='inline comments outside of #singlequotes' # work\n"
        "INLINE_COMMENTS_DOUBLE_QUOTES=\"inline comments outside of #doublequotes\" # work\n"
        "INLINE_COMMENTS_BACKTICKS=`inline comments outside of #backticks` # work\n"
        "INLINE_COMMENTS_SPACE=inline comments start with a#number sign. no space required.\n"
        "EQUAL_SIGNS=equals==\n"
        "RETAIN_INNER_QUOTES={\"foo\": \"bar\"}\n"
        "RETAIN_INNER_QUOTES_AS_STRING='{\"foo\": \"bar\"}'\n"
        "RETAIN_INNER_QUOTES_AS_BACKTICKS=`{\"foo\": \"bar's\"}`\n"
        "TRIM_SPACE_FROM_UNQUOTED=    some spaced out string\n"
        "USERNAME=therealnerdybeast@example.tld\n"
        "    SPACED_KEY = parsed\n");
    EXPECT_EQ(m["BASIC"], "basic");
    EXPECT_EQ(m["AFTER_LINE"], "after_line");
    EXPECT_EQ(m["EMPTY"], "");
    EXPECT_EQ(m["EMPTY_SINGLE_QUOTES"], "");
    EXPECT_EQ(m["EMPTY_DOUBLE_QUOTES"], "");
    EXPECT_EQ(m["EMPTY_BACKTICKS"], "");
    EXPECT_EQ(m["SINGLE_QUOTES"], "single_quotes");
    EXPECT_EQ(m["SINGLE_QUOTES_SPACED"], "    single quotes    ");
    EXPECT_EQ(m["DOUBLE_QUOTES"], "double_quotes");
    EXPECT_EQ(m["DOUBLE_QUOTES_SPACED"], "    double quotes    ");
    EXPECT_EQ(m["DOUBLE_QUOTES_INSIDE_SINGLE"], "double \"quotes\" work inside single quotes");
    EXPECT_EQ(m["DOUBLE_QUOTES_WITH_NO_SPACE_BRACKET"], "{ port: $MONGOLAB_PORT}");
    EXPECT_EQ(m["SINGLE_QUOTES_INSIDE_DOUBLE"], "single 'quotes' work inside double quotes");
    EXPECT_EQ(m["BACKTICKS_INSIDE_SINGLE"], "`backticks` work inside single quotes");
    EXPECT_EQ(m["BACKTICKS_INSIDE_DOUBLE"], "`backticks` work inside double quotes");
    EXPECT_EQ(m["BACKTICKS"], "backticks");
    EXPECT_EQ(m["BACKTICKS_SPACED"], "    backticks    ");
    EXPECT_EQ(m["DOUBLE_QUOTES_INSIDE_BACKTICKS"], "double \"quotes\" work inside backticks");
    EXPECT_EQ(m["SINGLE_QUOTES_INSIDE_BACKTICKS"], "single 'quotes' work inside backticks");
    EXPECT_EQ(m["DOUBLE_AND_SINGLE_QUOTES_INSIDE_BACKTICKS"], "double \"quotes\" and single 'quotes' work inside backticks");
    EXPECT_EQ(m["EXPAND_NEWLINES"], "expand\nnew\nlines");
    EXPECT_EQ(m["DONT_EXPAND_UNQUOTED"], "dontexpand\\nnewlines");
    EXPECT_EQ(m["DONT_EXPAND_SQUOTED"], "dontexpand\\nnewlines");
    EXPECT_EQ(m.count("COMMENTS"), 0u);
    EXPECT_EQ(m["INLINE_COMMENTS"], "inline comments");
    EXPECT_EQ(m["INLINE_COMMENTS_SINGLE_QUOTES"], "inline comments outside of #singlequotes");
    EXPECT_EQ(m["INLINE_COMMENTS_DOUBLE_QUOTES"], "inline comments outside of #doublequotes");
    EXPECT_EQ(m["INLINE_COMMENTS_BACKTICKS"], "inline comments outside of #backticks");
    EXPECT_EQ(m["INLINE_COMMENTS_SPACE"], "inline comments start with a");
    EXPECT_EQ(m["EQUAL_SIGNS"], "equals==");
    EXPECT_EQ(m["RETAIN_INNER_QUOTES"], "{\"foo\": \"bar\"}");
    EXPECT_EQ(m["RETAIN_INNER_QUOTES_AS_STRING"], "{\"foo\": \"bar\"}");
    EXPECT_EQ(m["RETAIN_INNER_QUOTES_AS_BACKTICKS"], "{\"foo\": \"bar's\"}");
    EXPECT_EQ(m["TRIM_SPACE_FROM_UNQUOTED"], "some spaced out string");
    EXPECT_EQ(m["USERNAME"], "therealnerdybeast@example.tld");
    EXPECT_EQ(m["SPACED_KEY"], "parsed");
}

// dotenv's tests/.env-multiline.
TEST(Dotenv, MultiLineValuesAndLineNumbers) {
    DotenvFile f = parse_dotenv("multi.env",
                                "BASIC=basic\n"
                                "MULTI_DOUBLE_QUOTED=\"THIS\n"
                                "IS\n"
                                "A\n"
                                "MULTILINE\n"
                                "STRING\"\n"
                                "\n"
                                "MULTI_SINGLE_QUOTED='THIS\n"
                                "IS\n"
                                "A\n"
                                "MULTILINE\n"
                                "STRING'\n"
                                "MULTI_BACKTICKED=`THIS\n"
                                "IS\n"
                                "A\n"
                                "\"MULTILINE'S\"\n"
                                "STRING`\n"
                                "MULTI_PEM_DOUBLE_QUOTED=\"-----BEGIN PUBLIC KEY-----\n"
                                "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnNl1tL3QjKp3DZWM0T3u\n"
                                "-----END PUBLIC KEY-----\"\n"
                                "AFTER=after\n");
    EXPECT_TRUE(f.problems.empty());
    ASSERT_EQ(f.entries.size(), 6u);
    EXPECT_EQ(find(f, "MULTI_DOUBLE_QUOTED")->value, "THIS\nIS\nA\nMULTILINE\nSTRING");
    EXPECT_EQ(find(f, "MULTI_DOUBLE_QUOTED")->line, 2);
    EXPECT_EQ(find(f, "MULTI_SINGLE_QUOTED")->value, "THIS\nIS\nA\nMULTILINE\nSTRING");
    EXPECT_EQ(find(f, "MULTI_SINGLE_QUOTED")->line, 8);
    EXPECT_EQ(find(f, "MULTI_BACKTICKED")->value, "THIS\nIS\nA\n\"MULTILINE'S\"\nSTRING");
    EXPECT_EQ(find(f, "MULTI_PEM_DOUBLE_QUOTED")->value,
              "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnNl1tL3QjKp3DZWM0T3u\n-----END PUBLIC KEY-----");
    EXPECT_EQ(find(f, "AFTER")->line, 21);
    EXPECT_EQ(find(f, "AFTER")->value, "after");
}

TEST(Dotenv, ExportCrlfColonAndQuirks) {
    DotenvFile f = parse_dotenv(".env",
                                "export EXPORTED=yes\r\n"
                                "  export   INDENTED = 'x'  # trailing comment\r\n"
                                "COLON: value with colon\r\n"
                                "DOTTED.KEY-NAME=ok\r\n"
                                "ESCAPED_DQ=\"say \\\"hi\\\"\"\r\n"
                                "TAB=\"a\\tb\"\r\n"
                                "UNTERMINATED=\"abc\r\n"
                                "NEXT=1\r\n");
    EXPECT_EQ(find(f, "EXPORTED")->value, "yes");
    EXPECT_EQ(find(f, "EXPORTED")->line, 1);
    EXPECT_EQ(find(f, "INDENTED")->value, "x");
    EXPECT_EQ(find(f, "INDENTED")->quote, EnvQuote::single);
    EXPECT_EQ(find(f, "COLON")->value, "value with colon");
    EXPECT_EQ(find(f, "DOTTED.KEY-NAME")->value, "ok");
    // dotenv keeps the backslashes of \" and \t (only \n and \r are expanded) — and pggate warns.
    EXPECT_EQ(find(f, "ESCAPED_DQ")->value, "say \\\"hi\\\"");
    EXPECT_EQ(find(f, "TAB")->value, "a\\tb");
    // An unclosed quote is kept as a character of the value, and the next line is not swallowed.
    EXPECT_EQ(find(f, "UNTERMINATED")->value, "\"abc");
    EXPECT_EQ(find(f, "NEXT")->value, "1");
    EXPECT_EQ(find(f, "NEXT")->line, 8);
    EXPECT_EQ(count_rule(f.problems, "config.ambiguous-syntax"), 3);  // \", \t, unterminated
    EXPECT_EQ(count_rule(f.problems, "config.syntax"), 0);
}

TEST(Dotenv, UnclosedQuoteSwallowsUpToALaterClosingQuoteLikeDotenv) {
    // dotenv's regex lets a double-quoted value run to the next quote that ends a line.
    DotenvFile f = parse_dotenv(".env", "A=\"one\nB=two\"\nC=3\n");
    ASSERT_NE(find(f, "A"), nullptr);
    EXPECT_EQ(find(f, "A")->value, "one\nB=two");
    EXPECT_EQ(find(f, "B"), nullptr);
    EXPECT_EQ(find(f, "C")->line, 3);
}

TEST(Dotenv, MalformedLinesAreReportedWithLine) {
    DotenvFile f = parse_dotenv(".env.prod", "GOOD=1\nthis is not an assignment\n=novalue\nKEY WITH SPACE=1\nOK=2\n");
    ASSERT_EQ(count_rule(f.problems, "config.syntax"), 3);
    EXPECT_EQ(f.problems[0].line, 2);
    EXPECT_EQ(f.problems[0].file, ".env.prod");
    EXPECT_EQ(f.problems[1].line, 3);
    EXPECT_EQ(f.problems[2].line, 4);
    EXPECT_EQ(f.entries.size(), 2u);
}

TEST(Dotenv, DuplicateKeysWarnWithBothLinesLastWins) {
    DotenvFile f = parse_dotenv(".env", "A=1\nB=2\nA=3\n");
    ASSERT_EQ(count_rule(f.problems, "config.duplicate-key"), 1);
    EXPECT_EQ(f.problems[0].line, 3);
    EXPECT_EQ(f.problems[0].other_line, 1);
    EXPECT_NE(f.problems[0].message.find("lines 1 and 3"), std::string::npos);
    EXPECT_EQ(find(f, "A")->value, "3");
}

TEST(Dotenv, HashGluedToUnquotedValueIsCutAndWarned) {
    DotenvFile f = parse_dotenv(".env", "COLOR=#fff\nPASS=abc#def\n");
    EXPECT_EQ(find(f, "COLOR")->value, "");
    EXPECT_EQ(find(f, "PASS")->value, "abc");
    EXPECT_EQ(count_rule(f.problems, "config.ambiguous-syntax"), 1);
    for (const auto& p : f.problems) EXPECT_EQ(p.message.find("def"), std::string::npos) << p.message;
}

TEST(Dotenv, ExpansionLikeDotenvExpand) {
    std::map<std::string, std::string> penv{{"MACHINE", "machine_env"}, {"EMPTY_ENV", ""}};
    std::map<std::string, std::string> earlier{{"BASIC", "basic"}, {"ONE", "one"}, {"TWO", "two"}, {"MACHINE", "file"},
                                               {"POSTGRESQL.BASE.USER", "postgres"}};
    auto x = [&](const std::string& s) { return expand_dotenv_value(s, earlier, penv); };
    EXPECT_EQ(x("$BASIC"), "basic");
    EXPECT_EQ(x("${BASIC}"), "basic");
    EXPECT_EQ(x("$MACHINE"), "machine_env");  // the process environment wins
    EXPECT_EQ(x("\\$ESCAPED"), "$ESCAPED");
    EXPECT_EQ(x("${MACHINE:-default}"), "machine_env");
    EXPECT_EQ(x("${UNDEFINED:-default}"), "default");
    EXPECT_EQ(x("${UNDEFINED-default}"), "default");
    EXPECT_EQ(x("${EMPTY_ENV:-default}"), "default");
    EXPECT_EQ(x("${MACHINE:-${UNDEFINED:-default}}"), "machine_env");
    EXPECT_EQ(x("${UNDEFINED:-${MACHINE:-default}}"), "machine_env");
    EXPECT_EQ(x("${UNDEFINED:-${UNDEFINED_2:-default}}"), "default");
    EXPECT_EQ(x("${UNDEFINED:-${MACHINE}${UNDEFINED_3:-default}}"), "machine_envdefault");
    EXPECT_EQ(x("${UNDEFINED:-/default/path:with/colon}"), "/default/path:with/colon");
    EXPECT_EQ(x("${ONE}${TWO}"), "onetwo");
    EXPECT_EQ(x("$ONE$TWO"), "onetwo");
    EXPECT_EQ(x("${POSTGRESQL.BASE.USER}"), "postgres");
    EXPECT_EQ(x("$"), "$");
    EXPECT_EQ(x("${BASIC:+set}"), "set");
    EXPECT_EQ(x("${UNDEFINED:+set}"), "");
    EXPECT_EQ(x("${unclosed"), "${unclosed");
    std::vector<std::string> unresolved;
    EXPECT_EQ(expand_dotenv_value("a${NOPE}b$ALSO_NOPE", earlier, penv, &unresolved), "ab");
    EXPECT_EQ(unresolved, (std::vector<std::string>{"NOPE", "ALSO_NOPE"}));
    unresolved.clear();
    expand_dotenv_value("${NOPE:-x}${BASIC:-${NOPE2}}", earlier, penv, &unresolved);
    EXPECT_TRUE(unresolved.empty());
}

struct TempFiles {
    std::string dir;
    TempFiles() {
        char tmpl[] = "/tmp/pggate-dotenv-XXXXXX";
        dir = mkdtemp(tmpl);
    }
    ~TempFiles() { std::system(("rm -rf '" + dir + "'").c_str()); }
    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(dir + "/" + name, std::ios::binary) << text;
        return dir + "/" + name;
    }
};

TEST(Dotenv, LayeringLaterFileWinsProcessEnvWinsSingleQuotesLiteral) {
    TempFiles t;
    std::string a = t.write(".env", "HOST=db.internal\nPORT=5432\nURL=postgres://app@${HOST}:${PORT}/x\nLIT='${HOST}'\n");
    std::string b = t.write(".env.prod", "PORT=6432\nURL2=postgres://app@${HOST}:${PORT}/y\nONLY_FILE=f\n");
    EnvLayerOptions o;
    o.files = {a, b};
    o.labels = {".env", ".env.prod"};
    o.process_env = std::map<std::string, std::string>{{"ONLY_FILE", "from-env"}, {"RULE_KEY", "r"}, {"PATH", "/bin"}};
    o.process_keys = {"RULE_KEY"};
    LayeredEnv env = load_layered_env(o);
    EXPECT_EQ(env.values.at("PORT").value, "6432");
    EXPECT_EQ(env.values.at("PORT").file, ".env.prod");
    EXPECT_EQ(env.values.at("PORT").line, 1);
    ASSERT_EQ(env.overridden.at("PORT").size(), 1u);
    EXPECT_EQ(env.overridden.at("PORT")[0].file, ".env");
    EXPECT_EQ(env.values.at("URL").value, "postgres://app@db.internal:5432/x");  // expanded when its line was read
    EXPECT_EQ(env.values.at("URL2").value, "postgres://app@db.internal:6432/y");
    EXPECT_EQ(env.values.at("LIT").value, "${HOST}");
    EXPECT_EQ(env.values.at("ONLY_FILE").value, "from-env");
    EXPECT_TRUE(env.values.at("ONLY_FILE").from_process);
    EXPECT_EQ(env.values.at("RULE_KEY").value, "r");
    EXPECT_EQ(env.values.count("PATH"), 0u);  // unrelated process variables are not config keys
    EXPECT_TRUE(env.problems.empty());
}

TEST(Dotenv, MissingRequiredFileAndUnresolvedReference) {
    TempFiles t;
    std::string a = t.write(".env", "URL=http://${NOT_SET}/x\n");
    EnvLayerOptions o;
    o.files = {a, t.dir + "/.env.nope"};
    o.labels = {".env", ".env.nope"};
    o.required = {true, true};
    o.use_process_env = false;
    LayeredEnv env = load_layered_env(o);
    EXPECT_EQ(count_rule(env.problems, "config.file-missing"), 1);
    ASSERT_EQ(count_rule(env.problems, "config.unresolved-reference"), 1);
    EXPECT_EQ(env.values.at("URL").value, "http:///x");
}

TEST(Dotenv, DefaultFilesFollowDotenvFlow) {
    EXPECT_EQ(default_env_files("prod"), (std::vector<std::string>{".env", ".env.local", ".env.prod", ".env.prod.local"}));
    EXPECT_EQ(default_env_files("ci"), (std::vector<std::string>{".env", ".env.ci", ".env.ci.local"}));
}

TEST(Dotenv, SecretsAreRedacted) {
    EXPECT_TRUE(is_secret_name("DATABASE_URL"));
    EXPECT_TRUE(is_secret_name("stripe_api_key"));
    EXPECT_TRUE(is_secret_name("JWT_SECRET"));
    EXPECT_TRUE(is_secret_name("SENTRY_DSN"));
    EXPECT_FALSE(is_secret_name("APP_ENV"));
    EXPECT_EQ(display_value("DATABASE_URL", "postgres://u:pw@h/db", true), "***");
    EXPECT_EQ(display_value("REDIS_URL", "redis://:hunter22@cache:6379/0", false), "redis://:***@cache:6379/0");
    EXPECT_EQ(redact_url_passwords("see postgres://app:s3cr3t@db:5432/x and https://u:p@ss@h/"),
              "see postgres://app:***@db:5432/x and https://u:***@h/");
    Redactor r;
    r.add_value_of("JWT_SECRET", "very-secret-value", true);
    r.add_value_of("REDIS_URL", "redis://:hunter22@cache:6379/0", false);
    r.add_value_of("SHORT_TOKEN", "ab", true);
    EXPECT_EQ(r.apply("token very-secret-value leaked; pw hunter22; ab stays"), "token *** leaked; pw ***; ab stays");
    r.add_value_of("API_KEY_ENABLED", "false", true);  // a flag is not a secret, even under a secret-looking name
    EXPECT_EQ(r.apply("TLS_ENABLED=false"), "TLS_ENABLED=false");
}

// Bounded random-input fuzz: mutated and random dotenv texts; parsing and expansion must never throw,
// never crash, and every entry must have a key and a line inside the file.
TEST(Dotenv, FuzzParserAndExpander) {
    const std::vector<std::string> corpus = {
        "A=1\nB='x'\nC=\"y\\nz\"\n",
        "export K=v # c\n",
        "M=\"multi\nline\"\nN=`b`\n",
        "X=${Y:-${Z:-d}}\\$ $W\n",
        "K: v\nK2:\n'q'\n",
        "\xEF\xBB\xBF" "BOM=1\r\nCR=2\rLF=3\n",
        "Q=\"a\\\"b\\\"\"\nR='it\\'s'\n",
        "# only comment\n\n   \n",
        "U=\"unterminated\nV=1\n",
        "${A}=${B:+${C-}}\n",
    };
    const std::string alphabet = "AZaz_09.-=:#'\"`\\$ {}\n\r\texport+";
    std::mt19937 rng(20240601u);
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    // 20,000 by default (well under a second); PGGATE_FUZZ_INPUTS=N runs more.
    const int kInputs = std::getenv("PGGATE_FUZZ_INPUTS") ? std::max(1, std::atoi(std::getenv("PGGATE_FUZZ_INPUTS"))) : 20000;
    int ran = 0;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kInputs; ++i) {
        std::string s;
        if (i % 4 == 0) {
            size_t len = pick(120);
            for (size_t j = 0; j < len; ++j) s += (pick(10) == 0) ? static_cast<char>(pick(256)) : alphabet[pick(alphabet.size())];
        } else {
            s = corpus[pick(corpus.size())];
            size_t edits = 1 + pick(8);
            for (size_t k = 0; k < edits; ++k) {
                size_t op = pick(4);
                size_t at = s.empty() ? 0 : pick(s.size() + 1);
                if (op == 0) s.insert(at, 1, alphabet[pick(alphabet.size())]);
                else if (op == 1 && !s.empty() && at < s.size()) s.erase(at, 1);
                else if (op == 2) s.insert(at, corpus[pick(corpus.size())]);
                else if (!s.empty() && at < s.size()) s[at] = static_cast<char>(pick(256));
            }
        }
        std::string failure;
        try {
            DotenvFile f = parse_dotenv("fuzz.env", s);
            int lines = 1;
            for (char c : s) lines += (c == '\n' || c == '\r');
            std::map<std::string, std::string> earlier;
            for (const auto& e : f.entries) {
                if (e.key.empty() || e.line < 1 || e.line > lines) failure = "bad entry " + e.key;
                earlier[e.key] = expand_dotenv_value(e.raw, earlier, {});
            }
            for (const auto& p : f.problems)
                if (p.line < 1) failure = "problem without a line";
            Redactor r;
            for (const auto& e : f.entries) r.add_value_of(e.key, e.value, true);
            (void)r.apply(s);
        } catch (const std::exception& e) {
            failure = std::string("exception: ") + e.what();
        }
        ASSERT_EQ(failure, "") << "input #" << i;
        ++ran;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[ fuzz     ] dotenv parser+expander: %d inputs, no crash, no exception (%.2f s)\n", ran, secs);
    EXPECT_EQ(ran, kInputs);
}

}  // namespace
}  // namespace pggate
