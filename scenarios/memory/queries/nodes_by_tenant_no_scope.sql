-- BROKEN on purpose: counts a tenant's nodes by kind without scope_key, the hash partition key of
-- memory_nodes, so every one of the 32 partitions is scanned. Fix: add `AND scope_key = $3` (one scope)
-- or `AND scope_key = ANY($3::text[])` (the tenant's scopes).
SELECT kind, count(*)
FROM memory_nodes
WHERE tenant_id = $1 AND kind = $2
GROUP BY kind;
