-- memory service, seed 001 Phase B: edge lookups by source and destination node (per scope)
CREATE INDEX memory_edges_src_idx ON memory_edges (scope_key, src_node_id);
CREATE INDEX memory_edges_dst_idx ON memory_edges (scope_key, dst_node_id);
