#!/usr/bin/env bash
# Stop the local OpenSearch node started by start.sh.
#
#   services/opensearch/stop.sh [DATA_DIR]
#
# Sends SIGTERM to the pid in DATA_DIR/opensearch.pid, waits up to
# OPENSEARCH_STOP_TIMEOUT seconds (default 30), then SIGKILL. Not running is fine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
data_dir="${1:-$repo_root/var/services/opensearch}"
pid_file="$data_dir/opensearch.pid"
timeout="${OPENSEARCH_STOP_TIMEOUT:-30}"
main_class="org.cocrea.opensearch.LocalNode"

if [[ ! -f "$pid_file" ]]; then
    echo "opensearch: not running (no $pid_file)"
    exit 0
fi
pid="$(cat "$pid_file")"

# Only signal the process if it is still our node (pids get reused).
if ! kill -0 "$pid" 2>/dev/null || ! grep -qa "$main_class" "/proc/$pid/cmdline" 2>/dev/null; then
    echo "opensearch: not running (stale pid file, pid $pid)"
    rm -f "$pid_file"
    exit 0
fi

echo "opensearch: stopping pid $pid"
kill -TERM "$pid" 2>/dev/null || true
for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
    echo "opensearch: pid $pid still alive after ${timeout}s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -f "$pid_file"
echo "opensearch: stopped"
