#!/usr/bin/env bash
# scope-purge: remove one tenant's scope from the memory tables (seed 001, Phase C, §3.3).
#
#   scripts/admin/scope-purge.sh --tenant-id T --scope S --confirm [--mode partition|delete]
#
#   --mode partition (default): TRUNCATE, in one transaction, the hash partition that holds the scope
#       in memory_nodes, memory_edges and memory_commits, after proving that each holds no row of any
#       other tenant or scope (scopes share hash partitions; truncating a shared one would delete
#       someone else's memory). Refuses, changing nothing, when one is shared.
#   --mode delete: the old path, DELETE … WHERE tenant_id AND scope_key, kept for comparison only.
#
# Destructive, so it refuses (exit 2) unless --tenant-id, --scope and --confirm are all given.
# Outbox events of the scope are left to the outbox retention job (scripts/jobs/outbox-retention.sh).
set -euo pipefail

mode=partition tenant="" scope="" confirm=no
while [ $# -gt 0 ]; do
  case "$1" in
    --tenant-id) tenant=${2:-}; shift 2 || shift ;;
    --tenant-id=*) tenant=${1#*=}; shift ;;
    --scope) scope=${2:-}; shift 2 || shift ;;
    --scope=*) scope=${1#*=}; shift ;;
    --mode) mode=${2:-}; shift 2 || shift ;;
    --mode=*) mode=${1#*=}; shift ;;
    --confirm) confirm=yes; shift ;;
    *) echo "scope-purge: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [ -z "$tenant" ] || [ -z "$scope" ]; then
  echo "scope-purge: refusing: --tenant-id and --scope are both required (a purge names exactly one tenant's scope)" >&2
  exit 2
fi
if [ "$confirm" != yes ]; then
  echo "scope-purge: refusing: this deletes every memory of scope '$scope' of tenant '$tenant'; pass --confirm" >&2
  exit 2
fi
: "${DATABASE_URL:?scope-purge: DATABASE_URL is not set}"
psql=(psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -v tenant="$tenant" -v scope="$scope")

case "$mode" in
  partition)
    "${psql[@]}" -f "$(dirname "$0")/scope-purge-partition.sql"
    ;;
  delete)
    "${psql[@]}" <<'SQL'
BEGIN;
DELETE FROM memory_edges   WHERE tenant_id = :'tenant' AND scope_key = :'scope';
DELETE FROM memory_commits WHERE tenant_id = :'tenant' AND scope_key = :'scope';
DELETE FROM memory_nodes   WHERE tenant_id = :'tenant' AND scope_key = :'scope';
COMMIT;
SQL
    ;;
  *)
    echo "scope-purge: --mode must be partition or delete, not '$mode'" >&2
    exit 2
    ;;
esac
echo "scope-purge: purged scope '$scope' of tenant '$tenant' ($mode)"
