#!/usr/bin/env bash
# Start one local OpenSearch 2.19 node (cluster "cocrea") in the background.
#
#   services/opensearch/start.sh [DATA_DIR]
#
# DATA_DIR defaults to var/services/opensearch under the repository root. It
# holds the index data, opensearch.log and opensearch.pid.
# Environment:
#   OPENSEARCH_PORT           HTTP port on 127.0.0.1 (default 9200)
#   OPENSEARCH_START_TIMEOUT  seconds to wait for yellow health (default 120)
#   OPENSEARCH_JAVA           java binary, 17 or newer (default: java on PATH)
#
# The node is built from Maven Central jars (see pom.xml) on first use and
# rebuilt when pom.xml or src/ change. Stop it with stop.sh DATA_DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
data_dir="${1:-$repo_root/var/services/opensearch}"
mkdir -p "$data_dir"
data_dir="$(cd "$data_dir" && pwd)"

port="${OPENSEARCH_PORT:-9200}"
timeout="${OPENSEARCH_START_TIMEOUT:-120}"
java_bin="${OPENSEARCH_JAVA:-java}"
log_file="$data_dir/opensearch.log"
pid_file="$data_dir/opensearch.pid"
main_class="org.cocrea.opensearch.LocalNode"
url="http://127.0.0.1:$port"

for tool in "$java_bin" curl; do
    command -v "$tool" >/dev/null || { echo "opensearch: '$tool' not found" >&2; exit 1; }
done

# Is something already answering on the port?
if answer="$(curl -s --max-time 3 "$url/")" && [[ -n "$answer" ]]; then
    if [[ "$answer" == *'"cluster_name"'* ]]; then
        echo "opensearch: a node already answers on $url, nothing to do"
        exit 0
    fi
    echo "opensearch: port $port is in use by something that is not OpenSearch" >&2
    exit 1
fi

# Build (or rebuild) when the sources changed since the last build.
stamp="$here/target/build.sha256"
sources_hash="$(cd "$here" && find pom.xml src -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)"
if [[ ! -d "$here/target/lib" || ! -f "$stamp" || "$(cat "$stamp")" != "$sources_hash" ]]; then
    echo "opensearch: building node with Maven (first build downloads jars to ~/.m2)"
    mvn_args=(-q -B -Dstyle.color=never -f "$here/pom.xml" clean package)
    # Offline first (fast, works without network once ~/.m2 is filled), then online.
    if ! mvn -o "${mvn_args[@]}" >/dev/null 2>&1; then
        if ! mvn_out="$(mvn "${mvn_args[@]}" 2>&1)"; then
            echo "$mvn_out" >&2
            echo "opensearch: Maven build failed" >&2
            exit 1
        fi
    fi
    echo "$sources_hash" >"$stamp"
fi

# A node from this DATA_DIR that is still starting up: just wait for it.
pid=""
launched=0
if [[ -f "$pid_file" ]]; then
    pid="$(cat "$pid_file")"
    if ! kill -0 "$pid" 2>/dev/null || ! grep -qa "$main_class" "/proc/$pid/cmdline" 2>/dev/null; then
        rm -f "$pid_file"   # stale
        pid=""
    else
        echo "opensearch: node from $data_dir already running (pid $pid), waiting for it"
    fi
fi

if [[ -z "$pid" ]]; then
    java_major="$("$java_bin" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
    # OpenSearch 2.x date handling wants the COMPAT locale data, removed in Java 23.
    locale_providers="SPI,COMPAT"
    if (( ${java_major:-0} >= 23 )); then locale_providers="SPI,CLDR"; fi

    mkdir -p "$data_dir/tmp"
    echo "opensearch: starting node on $url (data: $data_dir, log: $log_file)"
    nohup "$java_bin" \
        -Xms512m -Xmx512m \
        -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow \
        -Dfile.encoding=UTF-8 -Djava.awt.headless=true \
        -Djava.io.tmpdir="$data_dir/tmp" \
        -Djava.locale.providers="$locale_providers" \
        -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true \
        -Dio.netty.recycler.maxCapacityPerThread=0 \
        -Dlog4j2.disable.jmx=true \
        -Dcocrea.opensearch.logfile="$log_file" \
        -cp "$here/target/classes:$here/target/lib/*" \
        "$main_class" \
        -Epath.home="$data_dir" \
        -Ecluster.name=cocrea \
        -Ediscovery.type=single-node \
        -Enetwork.host=127.0.0.1 \
        -Ehttp.port="$port" \
        -Etransport.port=9300-9400 \
        -Ecluster.routing.allocation.disk.threshold_enabled=false \
        >>"$log_file" 2>&1 </dev/null &
    pid=$!
    launched=1
    echo "$pid" >"$pid_file"
fi

fail() {
    echo "opensearch: $1" >&2
    echo "---- last lines of $log_file ----" >&2
    tail -n 40 "$log_file" >&2 || true
    exit 1
}

deadline=$((SECONDS + timeout))
while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$pid_file"
        fail "node process $pid exited during startup"
    fi
    if curl -sf --max-time 5 "$url/_cluster/health?wait_for_status=yellow&timeout=4s" >/dev/null; then
        echo "opensearch: ready on $url (pid $pid, ready after ${SECONDS}s)"
        exit 0
    fi
    sleep 0.5
done

if (( launched )); then
    kill -TERM "$pid" 2>/dev/null || true
    rm -f "$pid_file"
    fail "node did not reach yellow health on $url within ${timeout}s (sent SIGTERM to pid $pid)"
fi
fail "node pid $pid did not reach yellow health on $url within ${timeout}s (left running; see stop.sh)"
