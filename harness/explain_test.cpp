// Plan walking and leaf counting on canned EXPLAIN (FORMAT JSON, VERBOSE) output (PostgreSQL 15 shapes).
#include "harness/explain.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace pggate {
namespace {

// r: RANGE (k) with leaves r1, r2, rd (default) and r3 (LIST (v): r3a, r3b, r3d);
// h: HASH (id) with h0, h1; plain table "other".
PartitionCatalog catalog() {
    PartitionCatalog c;
    c.tables.push_back({"public.h", true, "HASH (id)", {"public.h0", "public.h1"}});
    c.tables.push_back({"public.r", true, "RANGE (k)", {"public.r1", "public.r2", "public.r3a", "public.r3b", "public.r3d", "public.rd"}});
    c.tables.push_back({"public.r3", false, "LIST (v)", {"public.r3a", "public.r3b", "public.r3d"}});
    return c;
}

std::string scan(const std::string& rel, const std::string& alias, const std::string& extra = "",
                 const std::string& type = "Seq Scan") {
    return R"({"Node Type": ")" + type + R"(", "Relation Name": ")" + rel + R"(", "Schema": "public", "Alias": ")" + alias + "\"" +
           extra + "}";
}

std::string plan(const std::string& root) { return R"([{"Plan": )" + root + R"(, "Planning Time": 0.1}])"; }

const TablePruning* find(const PruningReport& r, const std::string& t) {
    for (const auto& x : r.tables)
        if (x.table == t) return &x;
    return nullptr;
}

TEST(ExplainWalk, SingleSurvivingPartitionWithoutAppend) {
    PruningReport r = summarize_pruning(walk_explain_json(plan(scan("r1", "x"))), catalog(), {"public.r"});
    ASSERT_EQ(r.tables.size(), 1u);
    EXPECT_EQ(r.tables[0].table, "public.r");
    EXPECT_EQ(r.tables[0].partitions_scanned, 1);
    EXPECT_EQ(r.tables[0].partitions_total, 6);
    EXPECT_EQ(r.tables[0].scanned, std::vector<std::string>{"public.r1"});
    EXPECT_TRUE(r.tables[0].in_plan);
}

TEST(ExplainWalk, AllPrunedIsResultWithOneTimeFilterFalse) {
    std::string p = plan(R"({"Node Type": "Result", "Output": ["k", "v"], "One-Time Filter": "false"})");
    PruningReport r = summarize_pruning(walk_explain_json(p), catalog(), {"public.r"});
    ASSERT_EQ(r.tables.size(), 1u);
    EXPECT_TRUE(r.one_time_false);
    EXPECT_FALSE(r.tables[0].in_plan);
    EXPECT_EQ(r.tables[0].partitions_scanned, 0);
    EXPECT_EQ(r.tables[0].partitions_total, 6);
    // Not declared: the table is simply absent.
    EXPECT_TRUE(summarize_pruning(walk_explain_json(p), catalog(), {}).tables.empty());
}

TEST(ExplainWalk, NestedMergeAppendOverSubPartitions) {
    std::string inner = R"({"Node Type": "Merge Append", "Subplans Removed": 1, "Plans": [)" + scan("r3a", "r_2") + "," +
                        scan("r3b", "r_3", "", "Index Scan") + "]}";
    std::string outer = R"({"Node Type": "Merge Append", "Subplans Removed": 2, "Plans": [)" + scan("r1", "r_1") + "," + inner + "]}";
    PruningReport r = summarize_pruning(walk_explain_json(plan(outer)), catalog(), {"public.r", "public.r3"});
    EXPECT_EQ(r.subplans_removed, 3);  // child nodes, not leaves: reported, never subtracted
    ASSERT_EQ(r.tables.size(), 2u);
    EXPECT_EQ(r.tables[0].table, "public.r");
    EXPECT_EQ(r.tables[0].partitions_scanned, 3);
    EXPECT_EQ(r.tables[1].table, "public.r3");
    EXPECT_EQ(r.tables[1].partitions_scanned, 2);
    EXPECT_EQ(r.tables[1].partitions_total, 3);
}

TEST(ExplainWalk, UndeclaredRootsAppearButNotIntermediateTables) {
    std::string inner = R"({"Node Type": "Append", "Plans": [)" + scan("r3a", "r_2") + "]}";
    std::string outer = R"({"Node Type": "Append", "Plans": [)" + scan("r1", "r_1") + "," + inner + "]}";
    PruningReport r = summarize_pruning(walk_explain_json(plan(outer)), catalog(), {});
    ASSERT_EQ(r.tables.size(), 1u);
    EXPECT_EQ(r.tables[0].table, "public.r");
    EXPECT_FALSE(r.tables[0].declared);
    EXPECT_EQ(r.tables[0].partitions_scanned, 2);
}

TEST(ExplainWalk, SubplansRemovedAtExecutorStartLeavesOnlyRemainingScans) {
    std::string p = plan(R"({"Node Type": "Append", "Subplans Removed": 5, "Plans": [)" + scan("rd", "r_6") + "]}");
    PruningReport r = summarize_pruning(walk_explain_json(p), catalog(), {"public.r"});
    EXPECT_EQ(r.subplans_removed, 5);
    EXPECT_EQ(r.tables[0].partitions_scanned, 1);
    EXPECT_EQ(r.tables[0].scanned, std::vector<std::string>{"public.rd"});
}

TEST(ExplainWalk, UpdateCountsScanNodesNotTargetTables) {
    std::string p = plan(R"({"Node Type": "ModifyTable", "Operation": "Update", "Relation Name": "r", "Schema": "public",
        "Alias": "r", "Target Tables": [{"Relation Name": "r1", "Schema": "public", "Alias": "r_1"},
        {"Relation Name": "r2", "Schema": "public", "Alias": "r_2"}],
        "Plans": [{"Node Type": "Append", "Subplans Removed": 1, "Plans": [)" + scan("r2", "r_2") + "]}]}");
    PruningReport r = summarize_pruning(walk_explain_json(p), catalog(), {"public.r"});
    EXPECT_EQ(r.tables[0].partitions_scanned, 1);
    EXPECT_EQ(r.tables[0].scanned, std::vector<std::string>{"public.r2"});
}

TEST(ExplainWalk, DeleteOfOnePartitionIsCountedFromItsScan) {
    std::string p = plan(R"({"Node Type": "ModifyTable", "Operation": "Delete", "Relation Name": "r1", "Schema": "public",
        "Alias": "r", "Plans": [)" + scan("r1", "r", "", "Index Scan") + "]}");
    PruningReport r = summarize_pruning(walk_explain_json(p), catalog(), {"public.r"});
    EXPECT_EQ(r.tables[0].partitions_scanned, 1);
}

TEST(ExplainWalk, CteAndSubqueryScansResolveToTheirRelations) {
    std::string p = plan(R"({"Node Type": "Hash Join", "Plans": [
        {"Node Type": "CTE Scan", "CTE Name": "recent", "Alias": "recent", "Parent Relationship": "Outer"},
        {"Node Type": "Subquery Scan", "Alias": "sub", "Plans": [)" + scan("r2", "r_1") + R"(]},
        {"Node Type": "Append", "Parent Relationship": "InitPlan", "Subplan Name": "CTE recent", "Plans": [)" +
                         scan("r1", "r_2") + "," + scan("rd", "r_3", "", "Bitmap Heap Scan") + "]}]}");
    PruningReport r = summarize_pruning(walk_explain_json(p), catalog(), {"public.r"});
    EXPECT_EQ(r.tables[0].partitions_scanned, 3);
    EXPECT_EQ(r.tables[0].scanned, (std::vector<std::string>{"public.r1", "public.r2", "public.rd"}));
}

TEST(ExplainWalk, AliasDoesNotMatterOnlyTheRelationName) {
    // An alias that looks like another partition's name is ignored.
    PruningReport r = summarize_pruning(walk_explain_json(plan(scan("r2", "r1"))), catalog(), {"public.r"});
    EXPECT_EQ(r.tables[0].scanned, std::vector<std::string>{"public.r2"});
}

TEST(ExplainWalk, JoinOfTwoPartitionedTables) {
    std::string p = plan(R"({"Node Type": "Nested Loop", "Plans": [)" + scan("r1", "a") + R"(,
        {"Node Type": "Append", "Plans": [)" + scan("h0", "b_1", "", "Index Scan") + "," + scan("h1", "b_2") + "]}," +
                         scan("other", "o") + "]}");
    PruningReport r = summarize_pruning(walk_explain_json(p), catalog(), {"public.r"});
    ASSERT_EQ(r.tables.size(), 2u);
    EXPECT_EQ(r.tables[0].table, "public.r");
    EXPECT_EQ(r.tables[0].partitions_scanned, 1);
    const TablePruning* h = find(r, "public.h");
    ASSERT_NE(h, nullptr);
    EXPECT_FALSE(h->declared);
    EXPECT_EQ(h->partitions_scanned, 2);
    EXPECT_EQ(h->partitions_total, 2);
}

TEST(ExplainWalk, AnalyzeLoopsZeroIsNotExecutedNotScanned) {
    std::string p = plan(R"({"Node Type": "Append", "Actual Loops": 1, "Plans": [)" + scan("r1", "r_1", R"(, "Actual Loops": 1)") +
                         "," + scan("r2", "r_2", R"(, "Actual Loops": 0)") + "]}");
    PruningReport r = summarize_pruning(walk_explain_json(p), catalog(), {"public.r"});
    EXPECT_TRUE(r.analyzed);
    EXPECT_EQ(r.tables[0].partitions_scanned, 1);
    EXPECT_EQ(r.tables[0].not_executed, std::vector<std::string>{"public.r2"});
}

TEST(ExplainWalk, SameLeafTwiceIsCountedOnceAndExecutedWins) {
    std::string p = plan(R"({"Node Type": "Hash Join", "Plans": [)" + scan("r1", "a", R"(, "Actual Loops": 0)") + "," +
                         scan("r1", "b", R"(, "Actual Loops": 1)") + "]}");
    PruningReport r = summarize_pruning(walk_explain_json(p), catalog(), {"public.r"});
    EXPECT_EQ(r.tables[0].partitions_scanned, 1);
    EXPECT_TRUE(r.tables[0].not_executed.empty());
}

TEST(ExplainWalk, WithoutVerboseMatchesByBareName) {
    PruningReport r = summarize_pruning(walk_explain_json(R"([{"Plan": {"Node Type": "Seq Scan", "Relation Name": "r3b", "Alias": "t"}}])"),
                                        catalog(), {"public.r"});
    EXPECT_EQ(r.tables[0].scanned, std::vector<std::string>{"public.r3b"});
}

TEST(ExplainWalk, BadJsonThrows) { EXPECT_THROW(walk_explain_json("not json"), std::runtime_error); }

TEST(ExplainWalk, JsonReportHasTheDocumentedKeys) {
    PruningReport r = summarize_pruning(walk_explain_json(plan(scan("r1", "x"))), catalog(), {"public.r"});
    std::string j = pruning_report_json(r);
    for (const char* key : {"\"tables\"", "\"table\": \"public.r\"", "\"partitions_total\": 6", "\"partitions_scanned\": 1", "\"scanned\""})
        EXPECT_NE(j.find(key), std::string::npos) << key << "\n" << j;
    EXPECT_NE(pruning_report_text(r).find("1/6"), std::string::npos);
}

}  // namespace
}  // namespace pggate
