#!/usr/bin/env bash
# Start PostgreSQL, Redis and OpenSearch on loopback and write var/services.env, which
# `make test` (and the benchmarks) read. `make run` ignores it: it stays embedded.
set -euo pipefail
source "$(dirname "$0")/common.sh"

"$REPO_DIR/services/postgres.sh" start
"$REPO_DIR/services/redis.sh" start
OPENSEARCH_PORT="$OPENSEARCH_PORT" "$REPO_DIR/services/opensearch/start.sh" "$SERVICES_DIR/opensearch"

mkdir -p "$(dirname "$ENV_FILE")"
cat >"$ENV_FILE" <<ENV
DATABASE_URL=postgres://cocrea@127.0.0.1:$POSTGRES_PORT/cocrea
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
SEARCH_ENGINE=opensearch
SEARCH_URL=http://127.0.0.1:$OPENSEARCH_PORT
ENV
echo "Services are up; their addresses are in ${ENV_FILE#"$REPO_DIR"/}"
