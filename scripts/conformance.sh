#!/usr/bin/env bash
# Autobahn conformance: starts `contractshield serve --conformance` on a free port and drives every Autobahn
# TestSuite fuzzingclient case (kosoku, installed by scripts/setup-conformance.sh) against its raw echo route
# /ws/conformance, then prints the verdicts per behaviour, for the plain cases (1–11) and for the
# permessage-deflate ones (12, 13). Exits 1 if any case FAILED (or closed wrongly); cases the driver itself
# could not run (ERROR) are listed with its reason.
#
# Usage: scripts/conformance.sh [kosoku options, e.g. -i '1.*' -x '9.*' -p 2]
# The server binary is CONTRACTSHIELD_BIN, or the release build if there is one, else the debug build.
# Reports (index.json and one page per case) go to CONFORMANCE_REPORTS, default .build/conformance.
set -euo pipefail
cd "$(dirname "$0")/.."

kosoku=.venv/bin/kosoku
[ -x "$kosoku" ] || { echo "conformance: $kosoku missing; run scripts/setup-conformance.sh" >&2; exit 2; }
bin=${CONTRACTSHIELD_BIN:-}
if [ -z "$bin" ]; then
    for candidate in .build/release/contractshield .build/debug/contractshield; do
        [ -x "$candidate" ] && { bin=$candidate; break; }
    done
fi
[ -n "$bin" ] || { swift build --product contractshield; bin=.build/debug/contractshield; }
reports=${CONFORMANCE_REPORTS:-.build/conformance}

data=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --port "$port" --data-dir "$data" --conformance --log-level error &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
# A debug build on a busy machine (the test suite runs this next to everything else) can take many seconds to
# listen; driving the cases before it does only collects "connection refused" for each of them.
listening=false
for _ in $(seq 1 240); do
    kill -0 "$server" 2>/dev/null || { echo "conformance: the server exited before listening" >&2; exit 2; }
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
        listening=true
        break
    fi
    sleep 0.25
done
$listening || { echo "conformance: the server did not listen on port $port within 60 s" >&2; exit 2; }

rm -rf "$reports"
# kosoku exits 1 when a case did not pass; the summary below decides.
"$kosoku" "ws://127.0.0.1:$port/ws/conformance" -o "$reports" "$@" > "$reports.log" 2>&1 || true
tail -n 1 "$reports.log"

python3 - "$reports/index.json" <<'PY'
import collections, json, sys

def key(case):
    return [int(part) for part in case.split(".")]

cases = next(iter(json.load(open(sys.argv[1])).values()))
groups = collections.defaultdict(dict)
for case, verdict in cases.items():
    compressed = case.split(".")[0] in ("12", "13")
    groups["permessage-deflate (12-13)" if compressed else "plain (1-11)"][case] = verdict
for name, members in sorted(groups.items(), reverse=True):
    behaviour = collections.Counter(v["behavior"] for v in members.values())
    closing = collections.Counter(v["behaviorClose"] for v in members.values())
    print(f"{name}: {len(members)} cases; behavior " + ", ".join(f"{k} {n}" for k, n in sorted(behaviour.items()))
          + "; close " + ", ".join(f"{k} {n}" for k, n in sorted(closing.items())))
# ERROR: the driver could not run the case to a verdict (its own crash); listed, not counted against the server.
errors = collections.defaultdict(list)
for case, verdict in cases.items():
    if verdict["behavior"] == "ERROR":
        result = json.load(open(sys.argv[1].rsplit("/", 1)[0] + "/" + verdict["reportfile"])).get("result", "")
        errors[result].append(case)
for result, members in errors.items():
    print(f"ERROR in the driver ({result}): " + " ".join(sorted(members, key=key)))
bad_close = ("FAILED", "WRONG CODE", "UNCLEAN", "FAILED BY CLIENT")
failed = [c for c, v in cases.items()
          if v["behavior"] == "FAILED" or (v["behavior"] != "ERROR" and v["behaviorClose"] in bad_close)]
if failed:
    print("FAILED: " + " ".join(sorted(failed, key=key)))
    sys.exit(1)
PY
