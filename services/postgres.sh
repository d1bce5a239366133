#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL on 127.0.0.1 (Debian's postgresql package).
# Usage: services/postgres.sh start|stop|restart|status (restart keeps the data)
set -euo pipefail
source "$(dirname "$0")/common.sh"

DIR="$SERVICES_DIR/postgres"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [[ -z "$PGBIN" ]]; then
  echo "error: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi

# PostgreSQL refuses to run as root: as root, run it as the postgres system user.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"; then
      echo "PostgreSQL already answers on 127.0.0.1:$POSTGRES_PORT"
      exit 0
    fi
    mkdir -p "$DIR"
    [[ "$(id -u)" == 0 ]] && chown postgres: "$DIR"
    if [[ ! -f "$DIR/data/PG_VERSION" ]]; then
      as_owner "$PGBIN/initdb" -D "$DIR/data" -U cocrea --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
    fi
    # fsync off: the data is thrown away, and tests run faster. Benchmarks that need
    # durable settings pass COCREA_POSTGRES_DURABLE=1.
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [[ "${COCREA_POSTGRES_DURABLE:-0}" == 1 ]] && durability=""
    as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $POSTGRES_PORT -k $DIR -c max_connections=200 $durability" >/dev/null
    wait_for 30 "PostgreSQL" "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"
    "$PGBIN/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U cocrea -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'cocrea'" | grep -q 1 \
      || "$PGBIN/createdb" -h 127.0.0.1 -p "$POSTGRES_PORT" -U cocrea cocrea
    echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$POSTGRES_PORT (data: $DIR)"
    ;;
  stop)
    if [[ -f "$DIR/data/postmaster.pid" ]]; then
      as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$DIR"
    echo "PostgreSQL stopped"
    ;;
  restart)
    as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 restart >/dev/null
    wait_for 30 "PostgreSQL" "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"
    echo "PostgreSQL restarted"
    ;;
  status)
    "$PGBIN/pg_isready" -h 127.0.0.1 -p "$POSTGRES_PORT"
    ;;
  *)
    echo "usage: $0 start|stop|restart|status" >&2
    exit 2
    ;;
esac
