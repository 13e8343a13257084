#!/usr/bin/env bash
# The local default database: a private PostgreSQL cluster for this checkout.
#
#   scripts/db.sh start   start (or reuse) the cluster and create the `hds` database
#   scripts/db.sh stop    stop it
#   scripts/db.sh reset   stop it and delete its data
#   scripts/db.sh url     print the DATABASE_URL of the `hds` database
#   scripts/db.sh admin-url  print the URL of the `postgres` maintenance database
#
# The cluster lives in .local/pg (git-ignored) and listens on 127.0.0.1 at
# HDS_PG_PORT (default 54329), so it never collides with a system PostgreSQL.
# When run as root, the server runs as the `postgres` user (initdb refuses root).
# It is tuned for development and tests (fsync off): never point production at it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${HDS_PG_PORT:-54329}"
base="$root/.local/pg"
data="$base/data"
log="$base/server.log"

need_binaries() {
  for b in initdb pg_ctl postgres; do
    if ! command -v "$b" >/dev/null 2>&1; then
      echo "PostgreSQL server binaries not found ($b): install PostgreSQL 15 (e.g. 'apt-get install postgresql-15' and put /usr/lib/postgresql/15/bin on PATH)" >&2
      exit 1
    fi
  done
}

# Run a command as the cluster's owner: `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Where the cluster lives. In the repo when the owner can reach it; otherwise
# (a home folder closed to the postgres user) a folder of our own under /tmp.
choose_base() {
  mkdir -p "$root/.local"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root/.local" 2>/dev/null; then
    local alt="${TMPDIR:-/tmp}/hds-pg-$(printf '%s' "$root" | cksum | cut -d' ' -f1)"
    mkdir -p "$alt"
    ln -sfn "$alt" "$root/.local/pg"
  fi
  mkdir -p "$base"
  # the server sees the real path, never the link through a closed folder
  base="$(readlink -f "$base")"
  data="$base/data"
  log="$base/server.log"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$base"; fi
}

running() { as_owner pg_ctl -D "$data" status >/dev/null 2>&1; }

psql_admin() {
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}

start() {
  need_binaries
  choose_base
  if [ ! -s "$data/PG_VERSION" ]; then
    echo "hds: creating a private PostgreSQL cluster in .local/pg (port $port)" >&2
    as_owner initdb -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 \
      || as_owner initdb -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$base/initdb.log" 2>&1 \
      || { cat "$base/initdb.log" >&2; exit 1; }
    cat >>"$data/postgresql.conf" <<CONF
# hds local default: development and tests only
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 300
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
CONF
  fi
  if ! running; then
    as_owner pg_ctl -D "$data" -l "$log" -w -t 60 start >/dev/null || { tail -20 "$log" >&2; exit 1; }
  fi
  if ! psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'hds'" | grep -q 1; then
    psql_admin -c "CREATE DATABASE hds"
  fi
}

if [ -e "$base" ]; then
  base="$(readlink -f "$base")"
  data="$base/data"
  log="$base/server.log"
fi

case "${1:-}" in
  start) start ;;
  stop) if [ -s "$data/PG_VERSION" ] && running; then as_owner pg_ctl -D "$data" -m fast -w stop >/dev/null; echo "hds: local PostgreSQL stopped"; else echo "hds: local PostgreSQL was not running"; fi ;;
  reset)
    if [ -s "$data/PG_VERSION" ] && running; then as_owner pg_ctl -D "$data" -m fast -w stop >/dev/null; fi
    rm -rf "$base" "$root/.local/pg"
    echo "hds: local PostgreSQL data deleted; the next 'make run' or 'make test' starts clean" ;;
  url) echo "postgres://postgres@127.0.0.1:$port/hds" ;;
  admin-url) echo "postgres://postgres@127.0.0.1:$port/postgres" ;;
  *) echo "usage: $0 start|stop|reset|url|admin-url" >&2; exit 2 ;;
esac
