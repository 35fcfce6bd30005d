-- The latest nodes of a kind in one scope (the memory API's list endpoint).
SELECT node_id, content, updated_at
FROM memory_nodes
WHERE scope_key = $1 AND kind = $2
ORDER BY updated_at DESC
LIMIT 50;
