// The static half of the migration-safety gate: one bad and one good example per rule, at the exact
// line and column; the chain state (tables created in the same file / an earlier file, CHECK constraints
// validated earlier, lock_timeout); parse errors; and a fuzz over mutated migration statements.
#include "gates/migration-safety/migration_lint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

namespace pggate {
namespace {

const std::string kPrefix = "migration-safety.";

LintResult lint(const std::string& sql, const std::vector<std::string>& large = {}, const std::vector<std::string>& preexisting = {},
                const std::string& schema_sql = "") {
    TableModel model;
    model.large_globs = large;
    if (!schema_sql.empty()) learn_tables(model, schema_sql);
    LintResult r = lint_migration_text("db/migrations/005_change.sql", sql, model, preexisting);
    EXPECT_TRUE(r.problems.empty()) << (r.problems.empty() ? "" : r.problems[0].message);
    return r;
}

std::string dump(const LintResult& r) {
    std::string s;
    for (const auto& f : r.findings)
        s += f.rule + "@" + std::to_string(f.line) + ":" + std::to_string(f.column) + "[" + f.severity + "," + f.table + "] ";
    return s.empty() ? "(none)" : s;
}

std::vector<LintFinding> of(const LintResult& r, const std::string& rule) {
    std::vector<LintFinding> out;
    for (const auto& f : r.findings)
        if (f.rule == kPrefix + rule) out.push_back(f);
    return out;
}

// Exactly one finding, of `rule`, at line:column.
void expect_only(const LintResult& r, const std::string& rule, int line, int column, const std::string& severity = "warning",
                 const std::string& table = "public.orders") {
    ASSERT_EQ(r.findings.size(), 1u) << dump(r);
    const LintFinding& f = r.findings[0];
    EXPECT_EQ(f.rule, kPrefix + rule) << dump(r);
    EXPECT_EQ(f.line, line) << dump(r);
    EXPECT_EQ(f.column, column) << dump(r);
    EXPECT_EQ(f.severity, severity) << dump(r);
    EXPECT_EQ(f.table, table) << dump(r);
    EXPECT_EQ(f.file, "db/migrations/005_change.sql");
    EXPECT_FALSE(f.message.empty());
    EXPECT_FALSE(f.fix.empty());
    EXPECT_FALSE(f.statement.empty());
    EXPECT_EQ(f.statement.find('\n'), std::string::npos);
}

const std::string kTimeout = "SET lock_timeout = '2s';\n";

// ---- index-without-concurrently

TEST(MigrationLintIndex, CreateIndexWithoutConcurrently) {
    LintResult r = lint("-- speed up the customer page\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n");
    expect_only(r, "index-without-concurrently", 2, 1);
    EXPECT_NE(r.findings[0].message.find("SHARE lock"), std::string::npos);
    EXPECT_NE(r.findings[0].fix.find("CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);"), std::string::npos)
        << r.findings[0].fix;
    EXPECT_NE(r.findings[0].fix.find("DROP INDEX CONCURRENTLY IF EXISTS public.orders_customer_idx;"), std::string::npos);
    EXPECT_EQ(r.findings[0].statement, "CREATE INDEX orders_customer_idx ON orders (customer_id)");

    LintResult good = lint("DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;\n"
                           "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n");
    EXPECT_TRUE(good.findings.empty()) << dump(good);
}

TEST(MigrationLintIndex, AddPrimaryKeyWithoutUsingIndex) {
    LintResult r = lint("ALTER TABLE orders ADD PRIMARY KEY (id);\n");
    expect_only(r, "index-without-concurrently", 1, 24);
    EXPECT_NE(r.findings[0].message.find("ACCESS EXCLUSIVE"), std::string::npos);
    EXPECT_NE(r.findings[0].fix.find("CREATE UNIQUE INDEX CONCURRENTLY orders_pkey_idx ON public.orders (id);"), std::string::npos)
        << r.findings[0].fix;
    EXPECT_NE(r.findings[0].fix.find("ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_pkey_idx"), std::string::npos);

    LintResult unique = lint("ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref);\n");
    expect_only(unique, "index-without-concurrently", 1, 24);

    LintResult good = lint(kTimeout + "CREATE UNIQUE INDEX CONCURRENTLY orders_ref_idx ON orders (ref);\n"
                                      "ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE USING INDEX orders_ref_idx;\n");
    EXPECT_TRUE(of(good, "index-without-concurrently").empty()) << dump(good);
    EXPECT_TRUE(of(good, "access-exclusive-lock").empty()) << dump(good);
}

TEST(MigrationLintIndex, PartitionedParentGetsTheOnlyFix) {
    LintResult r = lint("CREATE INDEX events_at_idx ON events (created_at);\n", {}, {},
                        "CREATE TABLE events (id bigint, created_at timestamptz) PARTITION BY RANGE (created_at);\n"
                        "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n");
    expect_only(r, "index-without-concurrently", 1, 1, "error", "public.events");
    EXPECT_NE(r.findings[0].fix.find("ON ONLY public.events"), std::string::npos) << r.findings[0].fix;
    EXPECT_NE(r.findings[0].fix.find("ATTACH PARTITION"), std::string::npos);
    EXPECT_NE(r.findings[0].fix.find("public.events_2026"), std::string::npos);
    EXPECT_NE(r.findings[0].message.find("is partitioned"), std::string::npos) << r.findings[0].message;
    // The ON ONLY step itself builds nothing.
    LintResult only = lint("CREATE INDEX events_at_idx ON ONLY events (created_at);\n");
    EXPECT_TRUE(only.findings.empty()) << dump(only);
}

// ---- set-not-null-without-check

TEST(MigrationLintNotNull, SetNotNullWithoutCheck) {
    LintResult r = lint("ALTER TABLE orders\n  ALTER COLUMN customer_id SET NOT NULL;\n");
    expect_only(r, "set-not-null-without-check", 2, 3);
    EXPECT_NE(r.findings[0].message.find("ACCESS EXCLUSIVE"), std::string::npos);
    EXPECT_NE(r.findings[0].fix.find("CHECK (customer_id IS NOT NULL) NOT VALID"), std::string::npos) << r.findings[0].fix;

    LintResult good = lint(kTimeout +
                           "ALTER TABLE orders ADD CONSTRAINT orders_customer_nn CHECK (customer_id IS NOT NULL) NOT VALID;\n"
                           "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_nn;\n"
                           "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n"
                           "ALTER TABLE orders DROP CONSTRAINT orders_customer_nn;\n");
    EXPECT_TRUE(good.findings.empty()) << dump(good);
}

TEST(MigrationLintNotNull, NotValidCheckThatWasNeverValidatedDoesNotCount) {
    LintResult r = lint(kTimeout +
                        "ALTER TABLE orders ADD CONSTRAINT orders_customer_nn CHECK (customer_id IS NOT NULL) NOT VALID;\n"
                        "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n");
    expect_only(r, "set-not-null-without-check", 3, 20);
    EXPECT_NE(r.findings[0].message.find("orders_customer_nn"), std::string::npos);
}

TEST(MigrationLintNotNull, AlreadyNotNullOrCheckedAtCreation) {
    // Columns declared NOT NULL, or covered by a CHECK, in the CREATE TABLE of an earlier file need no scan.
    std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "miglint_notnull";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "1.sql") << "CREATE TABLE orders (a int NOT NULL, b int CHECK (b IS NOT NULL), c int, d int,\n"
                                    "  CONSTRAINT d_nn CHECK (d IS NOT NULL AND d > 0));\n";
    std::ofstream(dir / "2.sql") << kTimeout << "ALTER TABLE orders ALTER COLUMN a SET NOT NULL, ALTER COLUMN b SET NOT NULL,\n"
                                                "  ALTER COLUMN c SET NOT NULL, ALTER COLUMN d SET NOT NULL;\n";
    LintResult r = lint_migrations({{(dir / "1.sql").string(), "1.sql", ""}, {(dir / "2.sql").string(), "2.sql", ""}}, {});
    ASSERT_EQ(r.findings.size(), 1u) << dump(r);
    EXPECT_EQ(r.findings[0].rule, kPrefix + "set-not-null-without-check");
    EXPECT_EQ(r.findings[0].line, 3);
    EXPECT_EQ(r.findings[0].column, 3);
}

// ---- constraint-without-not-valid

TEST(MigrationLintConstraint, ForeignKeyWithoutNotValid) {
    LintResult r = lint("ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n");
    expect_only(r, "constraint-without-not-valid", 1, 24);
    EXPECT_NE(r.findings[0].message.find("SHARE ROW EXCLUSIVE"), std::string::npos);
    EXPECT_NE(r.findings[0].fix.find("FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;"), std::string::npos)
        << r.findings[0].fix;
    EXPECT_NE(r.findings[0].fix.find("VALIDATE CONSTRAINT orders_customer_fk;"), std::string::npos);

    LintResult good = lint("ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n"
                           "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;\n");
    EXPECT_TRUE(good.findings.empty()) << dump(good);  // SHARE ROW EXCLUSIVE, then SHARE UPDATE EXCLUSIVE: no ACCESS EXCLUSIVE
}

TEST(MigrationLintConstraint, CheckWithoutNotValid) {
    LintResult r = lint("ALTER TABLE orders ADD CHECK (amount >= 0);\n");
    expect_only(r, "constraint-without-not-valid", 1, 24);
    EXPECT_NE(r.findings[0].fix.find("ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID;"), std::string::npos) << r.findings[0].fix;

    LintResult good = lint(kTimeout + "ALTER TABLE orders ADD CONSTRAINT orders_amount_ck CHECK (amount >= 0) NOT VALID;\n"
                                      "ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_ck;\n");
    EXPECT_TRUE(good.findings.empty()) << dump(good);
}

TEST(MigrationLintConstraint, ColumnLevelConstraintOnlyWhenTheDefaultFillsRows) {
    LintResult r = lint(kTimeout + "ALTER TABLE orders ADD COLUMN region text DEFAULT 'eu' CHECK (region <> '');\n");
    expect_only(r, "constraint-without-not-valid", 2, 56);
    LintResult fk = lint(kTimeout + "ALTER TABLE orders ADD COLUMN shop_id bigint DEFAULT 1 REFERENCES shops (id);\n");
    expect_only(fk, "constraint-without-not-valid", 2, 56);
    EXPECT_NE(fk.findings[0].fix.find("FOREIGN KEY (shop_id) REFERENCES shops (id) NOT VALID"), std::string::npos) << fk.findings[0].fix;
    LintResult no_default = lint(kTimeout + "ALTER TABLE orders ADD COLUMN shop_id bigint REFERENCES shops (id);\n");
    EXPECT_TRUE(no_default.findings.empty()) << dump(no_default);
}

// ---- type-change-rewrite

TEST(MigrationLintType, TypeChangeRewrites) {
    LintResult r = lint("ALTER TABLE orders ALTER COLUMN amount TYPE bigint;\n");
    expect_only(r, "type-change-rewrite", 1, 20);
    EXPECT_NE(r.findings[0].message.find("ACCESS EXCLUSIVE"), std::string::npos);
    EXPECT_NE(r.findings[0].message.find("current type"), std::string::npos);  // not seen in the chain
    EXPECT_NE(r.findings[0].fix.find("ADD COLUMN amount_new bigint"), std::string::npos) << r.findings[0].fix;
}

TEST(MigrationLintType, BinaryCoercibleChangesAreNotRewrites) {
    const std::string created = "CREATE TABLE orders (code varchar(50), note varchar(20), total numeric(10,2), v varchar(10), t text);\n";
    std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "miglint_types";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "001.sql") << created;
    std::ofstream(dir / "002.sql") << kTimeout
                                   << "ALTER TABLE orders ALTER COLUMN code TYPE varchar(100);\n"
                                      "ALTER TABLE orders ALTER COLUMN note TYPE text;\n"
                                      "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);\n"
                                      "ALTER TABLE orders ALTER COLUMN v TYPE varchar;\n"
                                      "ALTER TABLE orders ALTER COLUMN t TYPE varchar;\n"
                                      "ALTER TABLE orders ALTER COLUMN code TYPE varchar(10);\n"      // shrinks: rewrite
                                      "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,3);\n";  // scale changes: rewrite
    LintResult r = lint_migrations({{(dir / "001.sql").string(), "001.sql", "001"}, {(dir / "002.sql").string(), "002.sql", "002"}}, {});
    ASSERT_TRUE(r.problems.empty());
    ASSERT_EQ(r.findings.size(), 2u) << dump(r);
    EXPECT_EQ(r.findings[0].rule, kPrefix + "type-change-rewrite");
    EXPECT_EQ(r.findings[0].line, 7);
    EXPECT_EQ(r.findings[1].line, 8);
    EXPECT_EQ(r.findings[0].file, "002.sql");
    EXPECT_EQ(r.findings[0].origin, "migration 002");
    EXPECT_NE(r.findings[0].message.find("was created by migration 001"), std::string::npos) << r.findings[0].message;
}

TEST(MigrationLintType, EnumConversionNeedsAPreCheck) {
    LintResult r = lint("ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::order_status;\n");
    expect_only(r, "type-change-rewrite", 1, 20);
    EXPECT_NE(r.findings[0].message.find("enum"), std::string::npos);
    EXPECT_NE(r.findings[0].fix.find("enum_range(NULL::order_status)"), std::string::npos) << r.findings[0].fix;
}

// ---- table-rewrite

TEST(MigrationLintRewrite, VolatileDefault) {
    LintResult r = lint("ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n");
    expect_only(r, "table-rewrite", 1, 50);
    EXPECT_NE(r.findings[0].fix.find("SET DEFAULT gen_random_uuid()"), std::string::npos) << r.findings[0].fix;

    LintResult good = lint(kTimeout + "ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT now();\n"
                                      "ALTER TABLE orders ADD COLUMN flag boolean NOT NULL DEFAULT false;\n"
                                      "ALTER TABLE orders ADD COLUMN added_at timestamptz DEFAULT CURRENT_TIMESTAMP;\n");
    EXPECT_TRUE(good.findings.empty()) << dump(good);
}

TEST(MigrationLintRewrite, EveryRewritingForm) {
    struct Case {
        std::string sql;
        int column;
    } cases[] = {
        {"ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;", 45},
        {"ALTER TABLE orders ADD COLUMN seq bigserial;", 35},
        {"ALTER TABLE orders ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;", 40},
        {"ALTER TABLE orders SET LOGGED;", 20},
        {"ALTER TABLE orders SET UNLOGGED;", 20},
        {"ALTER TABLE orders SET TABLESPACE fast_ssd;", 20},
        {"ALTER TABLE orders SET ACCESS METHOD heap2;", 20},
        {"VACUUM FULL orders;", 1},
        {"CLUSTER orders USING orders_pkey;", 1},
    };
    for (const auto& c : cases) {
        LintResult r = lint(c.sql + "\n");
        SCOPED_TRACE(c.sql);
        expect_only(r, "table-rewrite", 1, c.column);
    }
}

// ---- access-exclusive-lock

TEST(MigrationLintLock, AccessExclusiveWithoutLockTimeout) {
    LintResult r = lint("ALTER TABLE orders DROP COLUMN legacy;\n");
    expect_only(r, "access-exclusive-lock", 1, 20, "info");
    EXPECT_NE(r.findings[0].fix.find("SET lock_timeout = '2s';"), std::string::npos);
    LintResult big = lint("ALTER TABLE orders DROP COLUMN legacy;\n", {"orders"});
    expect_only(big, "access-exclusive-lock", 1, 20, "warning");

    for (const std::string& set : {std::string("SET lock_timeout = '2s';\n"), std::string("SET LOCAL lock_timeout TO 5000;\n"),
                                   std::string("SELECT set_config('lock_timeout', '3s', true);\n")}) {
        LintResult good = lint(set + "ALTER TABLE orders DROP COLUMN legacy;\n");
        EXPECT_TRUE(good.findings.empty()) << set << dump(good);
    }
    // A timeout of 0 waits forever; RESET drops it.
    expect_only(lint("SET lock_timeout = 0;\nALTER TABLE orders DROP COLUMN legacy;\n"), "access-exclusive-lock", 2, 20, "info");
    expect_only(lint(kTimeout + "RESET lock_timeout;\nALTER TABLE orders DROP COLUMN legacy;\n"), "access-exclusive-lock", 3, 20, "info");
    // SET LOCAL ends with its transaction.
    LintResult local = lint("BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE orders DROP COLUMN a;\nCOMMIT;\n"
                            "ALTER TABLE orders DROP COLUMN b;\n");
    expect_only(local, "access-exclusive-lock", 5, 20, "info");
}

TEST(MigrationLintLock, StatementsTakingAccessExclusive) {
    const char* bad[] = {
        "ALTER TABLE orders ALTER COLUMN state SET DEFAULT 'new';",
        "ALTER TABLE orders DROP CONSTRAINT orders_amount_ck;",
        "ALTER TABLE orders ADD COLUMN note text;",
        "ALTER TABLE orders DETACH PARTITION orders_2020;",
        "DROP TABLE orders;",
        "TRUNCATE orders;",
        "LOCK TABLE orders;",
        "REINDEX TABLE orders;",
        "ALTER TABLE orders RENAME CONSTRAINT a TO b;",
        "CREATE TABLE orders_2027 PARTITION OF orders FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');",
        "REFRESH MATERIALIZED VIEW order_totals;",
    };
    for (const char* sql : bad) {
        LintResult r = lint(std::string(sql) + "\n");
        ASSERT_EQ(of(r, "access-exclusive-lock").size(), 1u) << sql << " → " << dump(r);
        EXPECT_EQ(r.findings.size(), 1u) << sql << " → " << dump(r);
    }
    const char* fine[] = {
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_ck;",
        "ALTER TABLE orders ALTER COLUMN amount SET STATISTICS 500;",
        "ALTER TABLE orders SET (autovacuum_vacuum_scale_factor = 0.01);",
        "ALTER TABLE orders DETACH PARTITION orders_2020 CONCURRENTLY;",
        "ALTER TABLE orders DISABLE TRIGGER orders_audit;",
        "LOCK TABLE orders IN SHARE MODE;",
        "REINDEX TABLE CONCURRENTLY orders;",
        "DROP INDEX CONCURRENTLY orders_old_idx;",
        "ALTER INDEX orders_old_idx RENAME TO orders_older_idx;",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;",
    };
    for (const char* sql : fine) {
        LintResult r = lint(std::string(sql) + "\n");
        EXPECT_TRUE(r.findings.empty()) << sql << " → " << dump(r);
    }
}

TEST(MigrationLintLock, AttachOfAPreExistingTable) {
    // ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the attached table.
    LintResult fresh = lint("CREATE TABLE orders_2027 (LIKE orders);\n"
                            "ALTER TABLE orders ATTACH PARTITION orders_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');\n");
    EXPECT_TRUE(fresh.findings.empty()) << dump(fresh);
    LintResult old = lint("ALTER TABLE orders ATTACH PARTITION orders_archive FOR VALUES FROM ('2000-01-01') TO ('2020-01-01');\n");
    expect_only(old, "access-exclusive-lock", 1, 20, "info", "public.orders_archive");
}

TEST(MigrationLintLock, NoDoubleReport) {
    // A statement with a specific finding gets no access-exclusive-lock as well.
    LintResult r = lint("ALTER TABLE orders ADD COLUMN note text, ALTER COLUMN customer_id SET NOT NULL;\n");
    expect_only(r, "set-not-null-without-check", 1, 42);
}

// ---- rename-without-compat-view

TEST(MigrationLintRename, TableRenameWithoutView) {
    LintResult r = lint(kTimeout + "ALTER TABLE orders RENAME TO purchases;\n");
    expect_only(r, "rename-without-compat-view", 2, 20);
    EXPECT_NE(r.findings[0].fix.find("CREATE VIEW public.orders AS SELECT * FROM public.purchases;"), std::string::npos) << r.findings[0].fix;

    LintResult good = lint(kTimeout + "ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases;\n");
    EXPECT_TRUE(good.findings.empty()) << dump(good);
    // Without lock_timeout the rename still takes ACCESS EXCLUSIVE.
    LintResult lock = lint("ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases;\n");
    expect_only(lock, "access-exclusive-lock", 1, 20, "info");
}

TEST(MigrationLintRename, ColumnRename) {
    LintResult r = lint(kTimeout + "ALTER TABLE orders RENAME COLUMN customer TO customer_id;\n");
    expect_only(r, "rename-without-compat-view", 2, 20);
    LintResult good = lint(kTimeout + "ALTER TABLE orders RENAME COLUMN customer TO customer_id;\n"
                                      "CREATE VIEW orders_v1 AS SELECT *, customer_id AS customer FROM orders;\n");
    EXPECT_TRUE(good.findings.empty()) << dump(good);
}

TEST(MigrationLintRename, RenamedTableKeepsItsState) {
    // Declared large under its old name, still large under the new one; a table created in the same file stays new.
    LintResult r = lint(kTimeout + "ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases;\n"
                                   "CREATE INDEX purchases_at_idx ON purchases (created_at);\n",
                        {"orders"});
    expect_only(r, "index-without-concurrently", 4, 1, "error", "public.purchases");
    LintResult fresh = lint("CREATE TABLE tmp (id int);\nALTER TABLE tmp RENAME TO fresh;\nCREATE INDEX ON fresh (id);\n");
    EXPECT_TRUE(fresh.findings.empty()) << dump(fresh);
}

// ---- invalid-on-failure

TEST(MigrationLintInvalid, ConcurrentIndexWithoutCleanup) {
    LintResult r = lint("CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status);\n");
    expect_only(r, "invalid-on-failure", 1, 1, "info");
    EXPECT_NE(r.findings[0].message.find("INVALID"), std::string::npos);
    EXPECT_NE(r.findings[0].message.find("IF NOT EXISTS"), std::string::npos);
    EXPECT_NE(r.findings[0].fix.find("DROP INDEX CONCURRENTLY IF EXISTS public.orders_status_idx;"), std::string::npos);

    LintResult good = lint("DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;\n"
                           "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n");
    EXPECT_TRUE(good.findings.empty()) << dump(good);
}

// ---- chain state

TEST(MigrationLintChain, TableCreatedInTheSameFileIsNew) {
    LintResult r = lint("CREATE TABLE orders (id bigint, customer_id bigint, amount int, status text);\n"
                        "CREATE INDEX orders_customer_idx ON orders (customer_id);\n"
                        "ALTER TABLE orders ADD PRIMARY KEY (id);\n"
                        "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n"
                        "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n"
                        "ALTER TABLE orders ALTER COLUMN amount TYPE bigint;\n"
                        "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n"
                        "ALTER TABLE orders DROP COLUMN status;\n"
                        "CREATE INDEX CONCURRENTLY orders_amount_idx ON orders (amount);\n"
                        "ALTER TABLE orders RENAME COLUMN amount TO total;\n"
                        "ALTER TABLE orders RENAME TO purchases;\n"
                        "TRUNCATE purchases;\n"
                        "DROP TABLE purchases;\n",
                        {"orders"});
    EXPECT_TRUE(r.findings.empty()) << dump(r);
    EXPECT_EQ(r.statements, 13);
}

TEST(MigrationLintChain, TableCreatedInAnEarlierFileIsPreExisting) {
    std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "miglint_chain";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "001_orders.sql") << "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n"
                                             "CREATE INDEX orders_customer_idx ON orders (customer_id);\n";
    std::ofstream(dir / "002_index.sql") << "\nCREATE INDEX orders_id_customer_idx ON orders (id, customer_id);\n";
    LintResult r = lint_migrations({{(dir / "001_orders.sql").string(), "migrations/001_orders.sql", "001"},
                                    {(dir / "002_index.sql").string(), "migrations/002_index.sql", "002"}},
                                   {});
    ASSERT_TRUE(r.problems.empty());
    EXPECT_EQ(r.files, 2);
    ASSERT_EQ(r.findings.size(), 1u) << dump(r);
    EXPECT_EQ(r.findings[0].rule, kPrefix + "index-without-concurrently");
    EXPECT_EQ(r.findings[0].severity, "warning");
    EXPECT_EQ(r.findings[0].file, "migrations/002_index.sql");
    EXPECT_EQ(r.findings[0].line, 2);
    EXPECT_EQ(r.findings[0].column, 1);
    EXPECT_NE(r.findings[0].message.find("created by migration 001"), std::string::npos) << r.findings[0].message;
}

TEST(MigrationLintChain, DeclaredLargeIsAnError) {
    LintResult r = lint("CREATE INDEX orders_customer_idx ON orders (customer_id);\n", {"public.ord*"});
    expect_only(r, "index-without-concurrently", 1, 1, "error");
    EXPECT_NE(r.findings[0].message.find("declared large"), std::string::npos);
}

TEST(MigrationLintChain, CheckValidatedInAnEarlierFile) {
    std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "miglint_check";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "1.sql") << kTimeout << "ALTER TABLE orders ADD CONSTRAINT orders_customer_nn CHECK (customer_id IS NOT NULL) NOT VALID;\n";
    std::ofstream(dir / "2.sql") << kTimeout << "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_nn;\n";
    std::ofstream(dir / "3.sql") << kTimeout << "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n"
                                 << "ALTER TABLE orders DROP CONSTRAINT orders_customer_nn;\n";
    std::vector<MigrationLintInput> files;
    for (const char* f : {"1.sql", "2.sql", "3.sql"}) files.push_back({(dir / f).string(), f, ""});
    LintResult r = lint_migrations(files, {});
    EXPECT_TRUE(r.problems.empty());
    EXPECT_TRUE(r.findings.empty()) << dump(r);
    // Without the VALIDATE file, the SET NOT NULL scans.
    LintResult unvalidated = lint_migrations({files[0], files[2]}, {});
    ASSERT_EQ(unvalidated.findings.size(), 1u) << dump(unvalidated);
    EXPECT_EQ(unvalidated.findings[0].rule, kPrefix + "set-not-null-without-check");
    EXPECT_EQ(unvalidated.findings[0].file, "3.sql");
    EXPECT_EQ(unvalidated.findings[0].line, 2);
}

TEST(MigrationLintChain, PreexistingParameterAndCreateIfNotExists) {
    // CREATE TABLE IF NOT EXISTS of a table that already exists creates nothing: it keeps its rows.
    LintResult r = lint("CREATE TABLE IF NOT EXISTS orders (id int);\nCREATE INDEX orders_id_idx ON orders (id);\n", {}, {"orders"});
    expect_only(r, "index-without-concurrently", 2, 1);
    LintResult fresh = lint("CREATE TABLE IF NOT EXISTS orders (id int);\nCREATE INDEX orders_id_idx ON orders (id);\n");
    EXPECT_TRUE(fresh.findings.empty()) << dump(fresh);
}

TEST(MigrationLintChain, SearchPathAndSchemas) {
    LintResult r = lint("SET search_path TO billing, public;\nCREATE INDEX invoices_due_idx ON invoices (due_at);\n", {"billing.invoices"});
    expect_only(r, "index-without-concurrently", 2, 1, "error", "billing.invoices");
    LintResult q = lint("CREATE INDEX invoices_due_idx ON billing.invoices (due_at);\n");
    expect_only(q, "index-without-concurrently", 1, 1, "warning", "billing.invoices");
}

TEST(MigrationLintChain, DbmateUpSectionOnly) {
    std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "miglint_dbmate";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "20260101_idx.sql") << "-- migrate:up\nCREATE INDEX orders_x_idx ON orders (x);\n\n"
                                               "-- migrate:down\nDROP TABLE orders;\n";
    MigrationLintInput in{(dir / "20260101_idx.sql").string(), "db/20260101_idx.sql", "20260101", ScriptSection::dbmate_up};
    LintResult r = lint_migrations({in}, {});
    ASSERT_EQ(r.findings.size(), 1u) << dump(r);
    EXPECT_EQ(r.findings[0].rule, kPrefix + "index-without-concurrently");
    EXPECT_EQ(r.findings[0].line, 2);
}

TEST(MigrationLintChain, DoBlocksAndFunctionsAreOutOfScope) {
    LintResult r = lint("DO $$ BEGIN EXECUTE 'CREATE INDEX i ON orders (a)'; END $$;\n"
                        "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ TRUNCATE orders $$;\n");
    EXPECT_TRUE(r.findings.empty()) << dump(r);
}

// ---- problems

TEST(MigrationLintProblems, ParseErrorNamesTheLine) {
    TableModel model;
    LintResult r = lint_migration_text("db/migrations/007_bad.sql", "CREATE TABLE ok (id int);\nALTER TABLE orders ADD COLUMN;\n", model);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].file, "db/migrations/007_bad.sql");
    EXPECT_EQ(r.problems[0].line, 2);
    EXPECT_GT(r.problems[0].column, 0);
    EXPECT_EQ(r.problems[0].message.rfind("db/migrations/007_bad.sql:2:", 0), 0u) << r.problems[0].message;
    EXPECT_TRUE(r.findings.empty());
}

TEST(MigrationLintProblems, UnreadableFileAndTheRestStillLinted) {
    std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "miglint_missing";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "2.sql") << "CREATE INDEX orders_x_idx ON orders (x);\n";
    LintResult r = lint_migrations({{(dir / "nope.sql").string(), "migrations/1.sql", "1"}, {(dir / "2.sql").string(), "migrations/2.sql", "2"}}, {});
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].file, "migrations/1.sql");
    EXPECT_EQ(r.problems[0].message.rfind("migrations/1.sql:", 0), 0u) << r.problems[0].message;
    EXPECT_EQ(r.findings.size(), 1u) << dump(r);
}

// ---- fuzz

TEST(MigrationLintFuzz, MutatedMigrationsNeverCrashOrThrow) {
    const std::vector<std::string> corpus = {
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount numeric(10,2), code varchar(20));",
        "CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);",
        "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
        "CREATE INDEX orders_customer_idx ON orders (customer_id) WHERE amount > 0;",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_code_idx ON orders USING btree (lower(code));",
        "DROP INDEX CONCURRENTLY IF EXISTS orders_code_idx;",
        "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL UNIQUE;",
        "ALTER TABLE ONLY public.orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE NOT VALID;",
        "ALTER TABLE orders VALIDATE CONSTRAINT fk, ALTER COLUMN customer_id SET NOT NULL, DROP CONSTRAINT IF EXISTS k;",
        "ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2), ALTER COLUMN code SET DATA TYPE text USING code::text;",
        "ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::order_status;",
        "ALTER TABLE orders ADD CONSTRAINT ck CHECK (amount IS NOT NULL AND amount >= 0) NOT VALID;",
        "ALTER TABLE orders RENAME TO purchases; CREATE VIEW orders AS SELECT * FROM purchases;",
        "ALTER TABLE purchases RENAME COLUMN amount TO total;",
        "ALTER TABLE events DETACH PARTITION events_2026 CONCURRENTLY;",
        "ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
        "SET lock_timeout = '2s'; SET search_path TO app, public; RESET ALL;",
        "SELECT set_config('lock_timeout', '1s', false), pg_catalog.set_config('search_path', '', false);",
        "VACUUM (FULL, ANALYZE) orders; CLUSTER orders USING orders_pkey; REINDEX INDEX orders_code_idx;",
        "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE; TRUNCATE orders, events RESTART IDENTITY;",
        "DROP TABLE IF EXISTS orders, events CASCADE;",
        "DO $$ BEGIN ALTER TABLE orders ADD COLUMN x int; END $$;",
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$;",
        "ALTER TABLE \"Orders\" ADD COLUMN \"Note\" text DEFAULT E'it''s \\' here' CHECK (\"Note\" <> '');",
        "BEGIN; ALTER TABLE orders SET TABLESPACE fast, SET LOGGED; COMMIT;",
        "ALTER TABLE orders ADD COLUMN g int GENERATED ALWAYS AS (id * 2) STORED, ADD COLUMN s bigserial;",
        "-- migrate:up\n/* nested /* comment */ */ CREATE INDEX ON orders ((amount * 2));",
        "CREATE TABLE IF NOT EXISTS t AS SELECT 1 AS x; ALTER TABLE t ALTER COLUMN x TYPE bigint;",
    };
    std::mt19937 rng(20260108);
    auto pick = [&](size_t n) { return static_cast<size_t>(rng() % std::max<size_t>(n, 1)); };
    const std::string alphabet = " ,;()'\"$-/*\n\\:.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_\xc3\xa9";
    const std::vector<std::string> words = {"ALTER", "TABLE", "INDEX", "CONCURRENTLY", "ONLY", "NOT", "VALID", "NULL", "CHECK", "TYPE",
                                            "USING", "RENAME", "TO", "DROP", "COLUMN", "ADD", "CONSTRAINT", "DEFAULT", "random()",
                                            "$$", "$x$", "'", "\"", "(", ")", ",", ";", "--", "/*", "*/", "E'\\'"};
    int parsed = 0;
    for (int i = 0; i < 5000; ++i) {
        std::string s;
        int n = 1 + static_cast<int>(pick(4));
        for (int k = 0; k < n; ++k) s += corpus[pick(corpus.size())] + (pick(3) ? "\n" : " ");
        int mutations = static_cast<int>(pick(6));
        for (int m = 0; m < mutations && !s.empty(); ++m) {
            size_t at = pick(s.size() + 1);
            switch (pick(5)) {
                case 0: s.erase(at, 1 + pick(12)); break;
                case 1: s.insert(at, 1, alphabet[pick(alphabet.size())]); break;
                case 2: s.insert(at, " " + words[pick(words.size())] + " "); break;
                case 3: if (at < s.size()) s[at] = alphabet[pick(alphabet.size())]; break;
                default: s = s.substr(0, at); break;  // truncation
            }
        }
        TableModel model;
        if (pick(2)) model.large_globs = {"public.*"};
        if (pick(3) == 0) learn_tables(model, corpus[1] + corpus[2]);
        std::vector<std::string> pre;
        if (pick(2)) pre = {"orders", "app.events"};
        LintResult r;
        ASSERT_NO_THROW(r = lint_migration_text("fuzz.sql", s, model, pre)) << s;
        if (r.problems.empty()) ++parsed;
        for (const auto& f : r.findings) {
            ASSERT_GE(f.line, 1) << s;
            ASSERT_GE(f.column, 1) << s;
            ASSERT_EQ(f.rule.rfind(kPrefix, 0), 0u);
        }
    }
    EXPECT_GT(parsed, 500);  // the mutations leave a good share of inputs parseable
}

}  // namespace
}  // namespace pggate
