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

}  // namespace
}  // namespace pggate
