#!/usr/bin/env bash
# Start or stop a throw-away Redis on 127.0.0.1 (Debian's redis-server package).
# Usage: services/redis.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/common.sh"

DIR="$SERVICES_DIR/redis"
if ! command -v redis-server >/dev/null; then
  echo "error: Redis is not installed (apt-get install redis-server)" >&2
  exit 1
fi

case "${1:-}" in
  start)
    if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
      echo "Redis already answers on 127.0.0.1:$REDIS_PORT"
      exit 0
    fi
    mkdir -p "$DIR"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$DIR" \
      --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --save "" --appendonly no
    wait_for 30 "Redis" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
    echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) ready on 127.0.0.1:$REDIS_PORT"
    ;;
  stop)
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    rm -rf "$DIR"
    echo "Redis stopped"
    ;;
  status)
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
