#!/usr/bin/env python3
"""Generates the project of bench/partition_pruning.sh: a RANGE-partitioned table `big` with P
partitions on k (WIDTH keys each) and Q queries declared in pggate.yaml, 90% pruned to one or two
partitions (pass) and every tenth filtering on a non-key column (scans everything: over budget).
Usage: gen_pruning_project.py DIR P Q WIDTH"""
import os, sys

d, P, Q, W = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(os.path.join(d, "sql/init.sql"), "w") as f:
    f.write("CREATE TABLE big (id bigint NOT NULL, k int NOT NULL, created_at timestamptz NOT NULL, payload text)"
            " PARTITION BY RANGE (k);\n")
    for i in range(P):
        f.write(f"CREATE TABLE big_{i:04d} PARTITION OF big FOR VALUES FROM ({i * W}) TO ({(i + 1) * W});\n")
    f.write("CREATE INDEX big_k_idx ON big (k);\n")
lines = ["project: bench-pruning", "init:", "  scripts: [sql/init.sql]", "paths: [init]", "gates:",
         "  replay: {}", "  partition-pruning:", "    database: init", "    queries:"]
for q in range(Q):
    part = (q * 37) % P
    lo = part * W + (q * 13) % (W // 2)
    if q % 10 == 9:
        sql = f"SELECT count(*) FROM big WHERE payload = 'row {q}'"
    elif q % 3 == 0:
        sql = f"SELECT * FROM big WHERE k = {lo}"
    elif q % 3 == 1:
        sql = f"SELECT id, payload FROM big WHERE k >= {lo} AND k < {lo + W}"
    else:
        sql = f"SELECT b.id FROM big b JOIN (SELECT {lo} AS k) s ON s.k = b.k WHERE b.k = {lo} ORDER BY b.created_at LIMIT 10"
    name = f"q{q:03d}"
    with open(os.path.join(d, f"queries/{name}.sql"), "w") as f:
        f.write(sql + ";\n")
    lines.append(f"      - {{name: {name}, file: queries/{name}.sql, table: public.big, max_partitions: 2}}")
with open(os.path.join(d, "pggate.yaml"), "w") as f:
    f.write("\n".join(lines) + "\n")
