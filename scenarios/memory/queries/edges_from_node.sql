-- Outgoing edges of a node with their target nodes. The join on scope_key carries the equality to
-- memory_nodes, so both tables are pruned to one partition.
SELECT e.edge_id, e.relation, n.node_id, n.kind
FROM memory_edges AS e
JOIN memory_nodes AS n ON n.scope_key = e.scope_key AND n.node_id = e.dst_node_id
WHERE e.scope_key = $1 AND e.src_node_id = $2;
