#include "harness/pg.h"

#include <gtest/gtest.h>

#include "harness/provider.h"

namespace pggate {
namespace {

TEST(Conninfo, RedactionDropsPasswordsInBothForms) {
    std::string kv = redact_conninfo("host=db.example port=5433 user=admin password=s3cret dbname=app");
    EXPECT_EQ(kv.find("s3cret"), std::string::npos);
    EXPECT_NE(kv.find("host=db.example"), std::string::npos);
    std::string uri = redact_conninfo("postgresql://admin:s3cret@db.example:5433/app?sslmode=require");
    EXPECT_EQ(uri.find("s3cret"), std::string::npos);
    EXPECT_NE(uri.find("user=admin"), std::string::npos);
    EXPECT_EQ(redact_conninfo("not a dsn = = ="), "<unparsable connection string>");
}

TEST(Conninfo, DbnameIsReplacedAndEverythingElseKept) {
    std::string c = conninfo_with_dbname("postgresql://u:p@h:1/old", "new_db");
    EXPECT_NE(c.find("dbname=new_db"), std::string::npos);
    EXPECT_NE(c.find("password=p"), std::string::npos);
    EXPECT_EQ(c.find("old"), std::string::npos);
}

TEST(Conninfo, UrlForToolsHandlesSocketsAndEscapes) {
    EXPECT_EQ(conninfo_to_url("host=/dev/shm/pggate-x port=5432 user=postgres dbname=chain"),
              "postgresql://postgres@/chain?host=%2Fdev%2Fshm%2Fpggate-x&port=5432");
    EXPECT_EQ(conninfo_to_url("host=h port=6 user=u password=p@ss dbname=d"), "postgresql://u:p%40ss@h:6/d");
    EXPECT_EQ(conninfo_to_url("host=h user=u password=p dbname=d", false), "postgresql://u@h/d");
}

TEST(Conninfo, ClientEnvCarriesPgVariables) {
    auto env = client_env_for("host=/tmp/x port=5432 user=postgres dbname=init");
    EXPECT_EQ(env["PGHOST"], "/tmp/x");
    EXPECT_EQ(env["PGDATABASE"], "init");
    EXPECT_EQ(env["DATABASE_URL"], "postgresql://postgres@/init?host=%2Ftmp%2Fx&port=5432");
}

TEST(Durations, ParseUnits) {
    EXPECT_EQ(parse_duration_ms("500ms"), 500);
    EXPECT_EQ(parse_duration_ms("30s"), 30000);
    EXPECT_EQ(parse_duration_ms("2m"), 120000);
    EXPECT_EQ(parse_duration_ms("1h"), 3600000);
    EXPECT_FALSE(parse_duration_ms("soon"));
    EXPECT_FALSE(parse_duration_ms("10 parsecs"));
}

TEST(Quoting, IdentifiersAndLiterals) {
    EXPECT_EQ(quote_ident("we\"ird"), "\"we\"\"ird\"");
    EXPECT_EQ(quote_literal("it's"), "'it''s'");
}

}  // namespace
}  // namespace pggate
