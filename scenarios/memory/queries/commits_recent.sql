-- The commit log of one scope, newest first.
SELECT commit_id, parent_commit_id, author, message, created_at
FROM memory_commits
WHERE scope_key = $1
ORDER BY created_at DESC
LIMIT 20;
