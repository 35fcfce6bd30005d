#include "harness/schema_diff.h"

#include <gtest/gtest.h>

namespace pggate {
namespace {

void add(Snapshot& s, const std::string& kind, const std::string& id, const std::string& parent,
         std::map<std::string, std::string> attrs) {
    s.objects[snapshot_key(kind, id)] = CatalogObject{kind, id, parent, std::move(attrs)};
}

Snapshot base() {
    Snapshot s;
    add(s, "table", "public.t", "", {{"table_kind", "regular"}});
    add(s, "column", "public.t.id", "public.t", {{"type", "integer"}, {"not_null", "true"}, {"position", "1"}});
    add(s, "column", "public.t.name", "public.t", {{"type", "text"}, {"not_null", "false"}, {"position", "2"}});
    add(s, "constraint", "public.t.t_pkey", "public.t", {{"definition", "PRIMARY KEY (id)"}});
    return s;
}

TEST(SchemaDiff, EqualSnapshotsHaveNoDifferences) {
    EXPECT_TRUE(diff_snapshots(base(), base(), {}).empty());
}

TEST(SchemaDiff, MissingExtraAndChanged) {
    Snapshot other = base();
    other.objects.erase(snapshot_key("constraint", "public.t.t_pkey"));
    other.objects[snapshot_key("column", "public.t.name")].attrs["type"] = "character varying(50)";
    add(other, "index", "public.t_name_idx", "public.t", {{"definition", "CREATE INDEX ON public.t USING btree (name)"}});
    auto d = diff_snapshots(base(), other, {});
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0].kind, "column");
    EXPECT_EQ(d[0].change, "changed");
    EXPECT_EQ(d[0].changed_attrs, std::vector<std::string>{"type"});
    EXPECT_EQ(d[1].kind, "constraint");
    EXPECT_EQ(d[1].change, "missing");
    EXPECT_EQ(d[2].kind, "index");
    EXPECT_EQ(d[2].change, "extra");
}

TEST(SchemaDiff, AMissingTableIsOneDifferenceNotOnePerPart) {
    Snapshot other;
    auto d = diff_snapshots(base(), other, {});
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].kind, "table");
    EXPECT_EQ(d[0].change, "missing");
}

TEST(SchemaDiff, IgnoreRulesCoverTheTableAndItsParts) {
    Snapshot other;
    DiffPolicy p;
    p.ignore.push_back({"table", "public.t"});
    EXPECT_TRUE(diff_snapshots(base(), other, p).empty());
    DiffPolicy glob;
    glob.ignore.push_back({"*", "public.*"});
    EXPECT_TRUE(diff_snapshots(base(), other, glob).empty());
}

TEST(SchemaDiff, ColumnOrderFollowsPolicy) {
    Snapshot other = base();
    other.objects[snapshot_key("column", "public.t.id")].attrs["position"] = "2";
    other.objects[snapshot_key("column", "public.t.name")].attrs["position"] = "1";
    EXPECT_TRUE(diff_snapshots(base(), other, {}).empty());
    DiffPolicy warn;
    warn.column_order = "warn";
    auto d = diff_snapshots(base(), other, warn);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].kind, "column-order");
    EXPECT_EQ(d[0].reference_definition, "id, name");
    EXPECT_EQ(d[0].other_definition, "name, id");
}

// ---------------------------------------------------------------------------------------------------------
// Deferred expressions (catalog.h): node trees compared in a form that promises equal spelling.

// A CHECK (b > 0) as PostgreSQL 15 stores it, on the column with attnum `attnum`, written at `location`.
std::string check_tree(int attnum, int location) {
    return "{OPEXPR :opno 521 :opfuncid 147 :opresulttype 16 :opretset false :opcollid 0 :inputcollid 0 :args ({VAR :varno 1 "
           ":varattno " + std::to_string(attnum) + " :vartype 23 :vartypmod -1 :varcollid 0 :varlevelsup 0 :varnosyn 1 :varattnosyn " +
           std::to_string(attnum) + " :location " + std::to_string(location) + "} {CONST :consttype 23 :consttypmod -1 :constcollid 0 "
           ":constlen 4 :constbyval true :constisnull false :location " + std::to_string(location + 4) + " :constvalue 4 [ 0 0 0 0 0 0 0 0 ]}) "
           ":location " + std::to_string(location + 2) + "}";
}

TEST(DeferredExpr, ColumnNumbersReadAsNamesAndLocationsDropped) {
    const std::vector<std::string> abc{"", "a", "b", "c"}, bac{"", "b", "a", "c"};
    auto first = comparable_node_tree(check_tree(2, 7), &abc);  // b is column 2 here
    auto second = comparable_node_tree(check_tree(1, 30), &bac);  // and column 1 there, written elsewhere
    ASSERT_TRUE(first && second);
    EXPECT_EQ(*first, *second);
    EXPECT_EQ(first->find("location"), std::string::npos) << *first;
    EXPECT_NE(first->find(":varattno b"), std::string::npos) << *first;
    // The same column number naming another column is another expression (the column-order trap).
    auto other = comparable_node_tree(check_tree(2, 7), &bac);
    ASSERT_TRUE(other);
    EXPECT_NE(*first, *other);
}

TEST(DeferredExpr, NothingIsPromisedForUserObjectsOrUnknownColumns) {
    const std::vector<std::string> abc{"", "a", "b", "c"};
    // A user type's OID (>= 16384) differs between databases: no promise.
    std::string user_type = check_tree(1, 0);
    user_type.replace(user_type.find(":vartype 23"), 11, ":vartype 16391");
    EXPECT_FALSE(comparable_node_tree(user_type, &abc));
    // Neither for OIDs initdb assigns per cluster (12000 and up), nor for a column the layout does not know.
    std::string initdb_oid = check_tree(1, 0);
    initdb_oid.replace(initdb_oid.find(":inputcollid 0"), 14, ":inputcollid 12345");
    EXPECT_FALSE(comparable_node_tree(initdb_oid, &abc));
    EXPECT_FALSE(comparable_node_tree(check_tree(7, 0), &abc));
    EXPECT_FALSE(comparable_node_tree(check_tree(1, 0), nullptr));
    // Numbers inside names, and escaped text, are not numbers of their own.
    EXPECT_TRUE(comparable_node_tree("{ALIAS :aliasname col99999 :colnames (\"x\\ 123456\")}", &abc));
}

TEST(DeferredExpr, ValuesCompareByComparableFormNotBySerial) {
    const std::string a = "CHECK \x01" "3\x02{A}\x03 NOT VALID", b = "CHECK \x01" "17\x02{A}\x03 NOT VALID";
    EXPECT_TRUE(same_value(a, b));
    EXPECT_FALSE(same_value(a, "CHECK \x01" "3\x02{B}\x03 NOT VALID"));
    EXPECT_FALSE(same_value(a, "CHECK \x01" "3\x02{A}\x03"));
    EXPECT_FALSE(same_value(a, "CHECK (a > 0) NOT VALID"));
    EXPECT_EQ(deferred_serials(a + " and " + b), (std::vector<size_t>{3, 17}));
    EXPECT_TRUE(deferred_serials("CHECK (a > 0)").empty());
}

TEST(DeferredExpr, DiffComparesDeferredValuesByTheirForms) {
    Snapshot a = base(), b = base();
    a.objects[snapshot_key("constraint", "public.t.t_pkey")].attrs["definition"] = "CHECK \x01" "0\x02{A}\x03";
    b.objects[snapshot_key("constraint", "public.t.t_pkey")].attrs["definition"] = "CHECK \x01" "5\x02{A}\x03";
    EXPECT_TRUE(diff_snapshots(a, b, {}).empty());
    b.objects[snapshot_key("constraint", "public.t.t_pkey")].attrs["definition"] = "CHECK \x01" "5\x02{B}\x03";
    auto d = diff_snapshots(a, b, {});
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(deferred_serials(d[0].other_definition), std::vector<size_t>{5});
}

}  // namespace
}  // namespace pggate
