-- One node of one scope: scope_key = $1 prunes memory_nodes to the one hash partition of that scope.
SELECT node_id, kind, content, updated_at
FROM memory_nodes
WHERE scope_key = $1 AND node_id = $2;
