#include "harness/expr_normalize.h"

#include <gtest/gtest.h>

namespace pggate {
namespace {

TEST(ExprNormalize, PgDumpSpellingOfAnInListMatchesTheOriginal) {
    const std::string original =
        "CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'running'::character varying])::text[])))";
    const std::string restored =
        "CHECK (((status)::text = ANY (ARRAY[('pending'::character varying)::text, ('running'::character varying)::text])))";
    EXPECT_EQ(normalize_expression(restored), original);
    EXPECT_EQ(normalize_expression(original), original);
}

TEST(ExprNormalize, TypmodsQuotesAndEscapedLiterals) {
    EXPECT_EQ(normalize_expression("x = ANY (ARRAY[('it''s'::character varying(20))::text, ('b'::character varying(20))::text])"),
              "x = ANY ((ARRAY['it''s'::character varying(20), 'b'::character varying(20)])::text[])");
}

TEST(ExprNormalize, LeavesOtherArraysAlone) {
    for (const std::string e : {"ARRAY[1, 2]", "ARRAY[('a'::text)::varchar, ('b'::bpchar)::text]", "'ARRAY[(''x''::t)::u]'",
                                "ARRAY[(a)::text, ('b'::character varying)::text]", "ARRAY[('a'::character varying)::text"})
        EXPECT_EQ(normalize_expression(e), e) << e;
}

}  // namespace
}  // namespace pggate
