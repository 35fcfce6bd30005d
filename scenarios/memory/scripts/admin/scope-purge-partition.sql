-- The partition path of scope-purge (run by scope-purge.sh with -v tenant=… -v scope=…).
-- Each memory table is HASH-partitioned by scope_key: the scope lives in exactly one partition per
-- table. That partition is truncated only when it holds nothing but this scope (scope keys are
-- "<tenant>/<scope>", so that is also this tenant); otherwise the purge refuses and nothing changes
-- (one transaction for all three tables).
\o /dev/null
SELECT set_config('scope_purge.tenant', :'tenant', false), set_config('scope_purge.scope', :'scope', false);
\o

DO $purge$
DECLARE
    v_tenant text := current_setting('scope_purge.tenant');
    v_scope  text := current_setting('scope_purge.scope');
    v_table  text;
    v_part   regclass;
    v_others bigint;
BEGIN
    -- Scope keys are "<tenant>/<scope>": the scope must belong to the tenant the operator named.
    IF left(v_scope, length(v_tenant) + 1) <> v_tenant || '/' THEN
        RAISE EXCEPTION 'scope-purge: refusing: scope % does not belong to tenant %', v_scope, v_tenant;
    END IF;
    FOREACH v_table IN ARRAY ARRAY['memory_edges', 'memory_commits', 'memory_nodes'] LOOP
        -- The partition the scope's rows are in: one probe of the primary key (scope_key first), pruned
        -- to that partition. No row: nothing of this scope in this table.
        EXECUTE format('SELECT tableoid::regclass FROM %I WHERE scope_key = $1 LIMIT 1', v_table) INTO v_part USING v_scope;
        CONTINUE WHEN v_part IS NULL;
        -- Only this scope in the partition: its smallest and largest scope_key are this one (two probes
        -- of the primary key, whose first column is scope_key; an empty partition has nothing to lose).
        EXECUTE format('SELECT count(*) FILTER (WHERE k IS DISTINCT FROM $1) FROM (SELECT min(scope_key) FROM %1$s '
                       'UNION ALL SELECT max(scope_key) FROM %1$s) AS bounds(k) WHERE k IS NOT NULL', v_part)
           INTO v_others USING v_scope;
        IF v_others > 0 THEN
            RAISE EXCEPTION 'scope-purge: refusing: partition % of % also holds rows of other scopes', v_part, v_table
                USING HINT = 'Give the scope a partition of its own, or run with --mode delete in a maintenance window.';
        END IF;
        EXECUTE format('TRUNCATE %s', v_part);
        RAISE NOTICE 'scope-purge: truncated % (%)', v_part, v_table;
    END LOOP;
END
$purge$;
