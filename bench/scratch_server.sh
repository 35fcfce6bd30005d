# Sourced by the benchmarks: a scratch directory (in /dev/shm when there is one) and a throwaway PostgreSQL server in
# it, the way a user would set one up by hand. PostgreSQL refuses to run as root, so as root it runs as postgres.
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi

# scratch_dir NAME: a fresh directory $d the server's user can write.
scratch_dir() {
  local base=/tmp
  if [ -w /dev/shm ]; then base=/dev/shm; fi
  d=$(mktemp -d "$base/bench-$1-XXXXXX")
  chmod 755 "$d"
  if [ ${#as_pg[@]} -gt 0 ]; then chown postgres "$d"; fi
}

# scratch_start [postgres -c options...]: initdb and start a server in $d/data, listening on a socket in $d only,
# without fsync (user postgres, host $d).
scratch_start() {
  "${as_pg[@]}" "$bin/initdb" -D "$d/data" -U postgres -A trust --no-sync -E UTF8 --locale=C >/dev/null
  "${as_pg[@]}" "$bin/pg_ctl" -D "$d/data" -l "$d/server.log" -o "-k $d -c listen_addresses='' -c fsync=off $*" -w start >/dev/null
}

# scratch_stop [mode=immediate]: stops the server if it runs.
scratch_stop() {
  if [ -f "$d/data/postmaster.pid" ]; then "${as_pg[@]}" "$bin/pg_ctl" -D "$d/data" -m "${1:-immediate}" stop >/dev/null 2>&1 || true; fi
}
