# Shared by the service scripts: where throw-away data lives and which ports are used.
# Ports are unusual on purpose, so a system PostgreSQL or Redis on the default port is
# never touched.
SERVICES_DIR="${COCREA_SERVICES_DIR:-${TMPDIR:-/tmp}/cocrea-services}"
POSTGRES_PORT="${COCREA_POSTGRES_PORT:-55432}"
REDIS_PORT="${COCREA_REDIS_PORT:-56379}"
OPENSEARCH_PORT="${OPENSEARCH_PORT:-9200}"
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="$REPO_DIR/var/services.env"

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq "$seconds"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "error: $what did not become ready within ${seconds}s" >&2
  return 1
}
