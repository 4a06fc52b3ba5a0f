#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the runtime's tests and benchmark.
#
#   eval "$(scripts/postgres-for-tests.sh start)"   # starts it (or finds it running), exports
#                                                    # CPN_TEST_POSTGRES_URL and CPN_PG_DIR
#   scripts/postgres-for-tests.sh url                # prints the URL of the running server
#   scripts/postgres-for-tests.sh stop               # stops it and deletes its data
#   scripts/postgres-for-tests.sh crash              # stops it as a crash would (data kept)
#   scripts/postgres-for-tests.sh resume             # starts it again on its data and port
#
# A run that must not share its server with anyone (make test) gives it its own directory:
#   eval "$(CPN_PG_DIR=$(mktemp -u /tmp/cpn-pg-XXXXXX) scripts/postgres-for-tests.sh start)"
# and the `stop` after the eval stops that one (CPN_PG_DIR is exported by start).
#
# Debian's postgresql package provides the server (/usr/lib/postgresql/N/bin). PostgreSQL
# refuses to run as root, so as root the server runs as the `postgres` user (or `nobody`).
# Settings: CPN_PG_DIR (data, default /tmp/cpn-postgres-test), CPN_PG_PORT (default 54329,
# or the next free port).
set -euo pipefail

dir="${CPN_PG_DIR:-/tmp/cpn-postgres-test}"
port_file="$dir.port"
want_port="${CPN_PG_PORT:-54329}"

bin=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$candidate/pg_ctl" ]; then bin="$candidate"; break; fi
done
if [ -z "$bin" ] && command -v pg_ctl >/dev/null; then bin="$(dirname "$(command -v pg_ctl)")"; fi
if [ -z "$bin" ]; then
  echo "postgres-for-tests: no PostgreSQL server found; install it: apt-get install -y postgresql" >&2
  exit 2
fi

# Who runs the server: ourselves, or an unprivileged user when we are root.
as_user() { "$@"; }
owner="$(id -un)"
if [ "$(id -u)" = "0" ]; then
  if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
  as_user() { runuser -u "$owner" -- "$@"; }
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

url() { echo "postgres://cpn@127.0.0.1:$(cat "$port_file")/cpn"; }

running() { [ -f "$port_file" ] && as_user "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; }

# The server inherits every descriptor left open here; a caller that waits for a pipe or a
# descriptor of its own to close (Foundation's Process does) would wait for the server.
close_inherited() {
  local fd
  for fd in $(ls /proc/$$/fd 2>/dev/null); do
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

start() {
  close_inherited
  if running; then echo "export CPN_PG_DIR=$dir CPN_TEST_POSTGRES_URL=$(url)"; return; fi
  rm -rf "$dir" "$port_file"
  mkdir -p "$dir"
  chown "$owner" "$dir" 2>/dev/null || true
  chmod 700 "$dir"
  port="$want_port"
  while ! port_free "$port"; do port=$((port + 1)); done
  as_user "$bin/initdb" -D "$dir" -U cpn --auth=trust --encoding=UTF8 --no-locale >"$dir.initdb.log" 2>&1 || {
    echo "postgres-for-tests: initdb failed:" >&2; cat "$dir.initdb.log" >&2; exit 2; }
  as_user "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
    -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=200 -c shared_buffers=64MB" start >/dev/null || {
    echo "postgres-for-tests: the server did not start:" >&2; tail -20 "$dir/server.log" >&2; exit 2; }
  echo "$port" >"$port_file"
  as_user "$bin/psql" -h 127.0.0.1 -p "$port" -U cpn -d postgres -qc "CREATE DATABASE cpn" >/dev/null
  echo "export CPN_PG_DIR=$dir CPN_TEST_POSTGRES_URL=$(url)"
}

# A crash of the server, for the tests that kill one mid-run: no shutdown checkpoint, the
# next start replays the write-ahead log (the data directory stays).
crash() {
  if running; then as_user "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true; fi
}

# Starts a crashed or stopped server again on its data directory and port.
resume() {
  close_inherited
  if running; then echo "export CPN_PG_DIR=$dir CPN_TEST_POSTGRES_URL=$(url)"; return; fi
  [ -f "$port_file" ] || { echo "postgres-for-tests: no server was started in $dir" >&2; exit 2; }
  as_user "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $(cat "$port_file") -k $dir -c max_connections=200 -c shared_buffers=64MB" start >/dev/null || {
    echo "postgres-for-tests: the server did not start again:" >&2; tail -20 "$dir/server.log" >&2; exit 2; }
  echo "export CPN_PG_DIR=$dir CPN_TEST_POSTGRES_URL=$(url)"
}

stop() {
  if [ -d "$dir" ]; then as_user "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir" "$port_file" "$dir.initdb.log"
}

case "${1:-start}" in
  start) start ;;
  url) running && url || { echo "postgres-for-tests: not running; run: $0 start" >&2; exit 1; } ;;
  stop) stop ;;
  crash) crash ;;
  resume) resume ;;
  *) echo "usage: $0 [start|url|crash|resume|stop]" >&2; exit 2 ;;
esac
