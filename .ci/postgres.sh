#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:${PGPORT:-5432} with a trusting `postgres` role.
# Installs it from Debian's packages when absent. Idempotent: an already running server is reused.
set -euo pipefail
PGPORT="${PGPORT:-5432}"
PGDATA_DIR="${PGDATA_DIR:-/tmp/warehouse-bot-pg}"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

if pg_isready -q -h 127.0.0.1 -p "$PGPORT" 2>/dev/null; then
  echo "postgres: already running on 127.0.0.1:$PGPORT"
  exit 0
fi

if [ -z "$(pg_bin)" ]; then
  echo "postgres: installing from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql postgresql-contrib >/dev/null
fi
BIN=$(pg_bin)

RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
  RUN_AS=(runuser -u postgres --)
fi

if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
  rm -rf "$PGDATA_DIR"
  mkdir -p "$PGDATA_DIR"
  [ "$(id -u)" = "0" ] && chown postgres "$PGDATA_DIR"
  "${RUN_AS[@]}" "$BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
mkdir -p "$PGDATA_DIR/run"
[ "$(id -u)" = "0" ] && chown postgres "$PGDATA_DIR/run"
"${RUN_AS[@]}" "$BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $PGPORT -k $PGDATA_DIR/run -c fsync=off -c synchronous_commit=off -c max_connections=300" start >/dev/null
echo "postgres: started on 127.0.0.1:$PGPORT ($("$BIN/postgres" --version))"
