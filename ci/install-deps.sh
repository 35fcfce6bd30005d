#!/usr/bin/env bash
# Installs every Debian package pggate needs to build, test and run. Idempotent; Debian 12, as root
# (or with sudo). Prints nothing but a line when everything is already there.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libpq-dev libpqxx-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libpg-query-dev libgtest-dev
  postgresql-15          # server binaries for the embedded local provider (contrib extensions included)
  alembic python3-sqlalchemy python3-psycopg2   # the seeds' migration tool, driven by pggate
  chromium               # the HTML report's browser test renders it headless
  podman runc iptables   # the container provider's tests (rootful podman; runc: crun fails on hybrid cgroups)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 2; }
  SUDO="sudo"
fi
# pggate starts its own private servers: the package's default cluster (and its port 5432) is not wanted.
$SUDO mkdir -p /etc/postgresql-common
echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
