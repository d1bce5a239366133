#!/usr/bin/env bash
# Stop what services/up.sh started and throw its data away.
set -uo pipefail
source "$(dirname "$0")/common.sh"

"$REPO_DIR/services/opensearch/stop.sh" "$SERVICES_DIR/opensearch"
"$REPO_DIR/services/redis.sh" stop
"$REPO_DIR/services/postgres.sh" stop
rm -f "$ENV_FILE"
