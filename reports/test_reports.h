// Realistic reports for the reports/ unit tests (no database, no earlier runs needed).
#pragma once
#include "reports/report.h"

namespace pggate::test {

inline Report full_report() {
    Report r;
    r.tool_version = "0.1.0";
    r.command = "run";
    r.project = "capacity";
    r.config_file = "/work/main/scenarios/capacity/pggate.yaml";
    r.run_id = "8fc9ea33";
    r.started_at = "2026-11-21T21:08:56Z";
    r.duration_ms = 1187.64;
    r.provider_kind = "local";
    r.provider_description = "local PostgreSQL 15.20, data in /dev/shm/pggate-uTlDIw, unix socket only";
    r.server_version = "15.20";
    r.provider_metrics = {{"startup_ms", 160.8}, {"initdb_cached", 1}};
    PathReport init{"init", "init", "ok", 666.8, {}};
    init.steps.push_back({"sql/init_postgresql.sql", "script", "sql/init_postgresql.sql", "", true, 253, 233.6});
    init.steps.push_back({"alembic stamp 20251219161048", "stamp", "migrations/versions/a.py", "20251219161048", true, 0, 80});
    PathReport chain{"init-upgrade", "init_upgrade", "failed", 120, {}};
    chain.steps.push_back({"revision 20251224120000", "migration", "migrations/versions/b.py", "20251224120000", false, 3, 31});
    r.paths = {init, chain, PathReport{"chain", "chain", "skipped", 0, {}}};

    GateResult replay;
    replay.id = "replay";
    replay.status = "fail";
    replay.summary = "init-upgrade path failed in revision 20251224120000";
    replay.duration_ms = 790.9;
    replay.metrics = {{"steps", 7}};
    Finding f;
    f.rule = "replay.upgrade-from-init-failed";
    f.severity = "error";
    f.message = "column \"instance_ids\" of relation \"credentials\" does not exist (SQLSTATE 42703) after 31 ms";
    f.object = "revision 20251224120000";
    f.location = Location{"migrations/versions/20251224120000_drop_credentials_instance_ids.py", 22, 5};
    f.details = {{"sqlstate", "42703"}, {"statement", "ALTER TABLE credentials DROP COLUMN instance_ids"}};
    replay.findings.push_back(f);
    r.gates.push_back(replay);

    GateResult eq;
    eq.id = "schema-equality";
    eq.status = "fail";
    eq.summary = "2 differences between init and chain";
    eq.duration_ms = 120.2;
    Finding c;
    c.rule = "schema-equality.constraint.missing";
    c.severity = "error";
    c.message = "constraint public.t.t_pkey exists in chain path but not in init path: PRIMARY KEY (id, period_start)";
    c.object = "public.t.t_pkey";
    c.details = {{"compared", "init path"}, {"reference", "chain path"}};
    eq.findings.push_back(c);
    Finding w;
    w.rule = "schema-equality.column-order.changed";
    w.severity = "warning";
    w.message = "column order of public.t differs";
    w.object = "public.t";
    w.location = Location{"sql/init_postgresql.sql", 40, 0};
    eq.findings.push_back(w);
    r.gates.push_back(eq);

    GateResult cfg;
    cfg.id = "config";
    cfg.status = "pass";
    cfg.summary = "12 keys checked";
    cfg.duration_ms = 3.4;
    Finding i;
    i.rule = "config.unknown-key";
    i.severity = "info";
    i.message = "FEATURE_X is not described by the rules";
    i.object = "FEATURE_X";
    i.location = Location{".env.prod", 3, 0};
    cfg.findings.push_back(i);
    r.gates.push_back(cfg);

    GateResult skipped;
    skipped.id = "pruning";
    skipped.status = "skip";
    skipped.summary = "no pruning checks configured";
    r.gates.push_back(skipped);

    GateResult clean;
    clean.id = "lint";
    clean.status = "pass";
    clean.summary = "no findings";
    clean.duration_ms = 1.5;
    r.gates.push_back(clean);
    settle_outcome(r);
    return r;
}

}  // namespace pggate::test
