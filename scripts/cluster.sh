#!/usr/bin/env bash
# Starts a local three-node cluster: a throwaway PostgreSQL (scripts/with-postgres.sh) and `contractshield serve`
# on ports 8001–8003 (or $CLUSTER_PORTS), all sharing one database and one files directory. Ctrl-C stops everything.
#
#   scripts/cluster.sh            # release build
#   CLUSTER_CONFIG=debug scripts/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."

config=${CLUSTER_CONFIG:-release}
swift build -c "$config" --product contractshield >&2
binary=$(swift build -c "$config" --show-bin-path)/contractshield

if [ -z "${CONTRACTSHIELD_TEST_POSTGRES:-}" ]; then
    exec scripts/with-postgres.sh "$0" "$@"
fi

ports=(${CLUSTER_PORTS:-8001 8002 8003})
work=$(mktemp -d /tmp/cs-cluster.XXXXXX)
pids=()
stop() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap stop EXIT INT TERM

for port in "${ports[@]}"; do
    CONTRACTSHIELD_DATABASE="$CONTRACTSHIELD_TEST_POSTGRES" CONTRACTSHIELD_FILES_DIR="$work/files" \
        "$binary" serve --port "$port" --data-dir "$work/node-$port" >"$work/node-$port.log" 2>&1 &
    pids+=($!)
done
for port in "${ports[@]}"; do
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
        sleep 0.1
    done
    curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "cluster: node on $port did not start:" >&2; cat "$work/node-$port.log" >&2; exit 1; }
done

echo "cluster: PostgreSQL at $CONTRACTSHIELD_TEST_POSTGRES"
for port in "${ports[@]}"; do echo "cluster: node http://127.0.0.1:$port  (ws://127.0.0.1:$port/ws/review/{task_id}, log $work/node-$port.log)"; done
echo "cluster: Ctrl-C stops the nodes and PostgreSQL"
if [ -n "${CLUSTER_RUN:-}" ]; then
    # A script to run against the cluster (benchmarks, failover drills) instead of waiting for Ctrl-C.
    CLUSTER_PIDS="${pids[*]}" CLUSTER_WORK="$work" bash -c "$CLUSTER_RUN"
else
    wait
fi
