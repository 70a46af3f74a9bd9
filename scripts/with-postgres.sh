#!/usr/bin/env bash
# Runs a command next to a throwaway PostgreSQL server, then stops it and deletes its data:
#
#   scripts/with-postgres.sh bash scripts/test.sh
#
# initdb in a temp directory, a free port in 5500–5599 (or $PGPORT), trust auth on 127.0.0.1 only. As root it runs
# the server as `nobody` (PostgreSQL refuses to run as root). The command sees
# CONTRACTSHIELD_TEST_POSTGRES=postgres://csci@127.0.0.1:PORT/contractshield (tests create their own databases
# beside it). Needs scripts/setup-postgres.sh (Debian's postgresql) to have run.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "with-postgres: no PostgreSQL server found; run scripts/setup-postgres.sh" >&2; exit 1; }

dir=$(mktemp -d /tmp/cs-postgres.XXXXXX)
as_server=()
if [ "$(id -u)" = 0 ]; then
    chown nobody: "$dir"
    as_server=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
# Each step must be able to find the data directory whatever the caller's working directory is.
server() { (cd "$dir" && "${as_server[@]}" "$@"); }

stop() {
    server "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

server "$bindir/initdb" -D "$dir/data" -U csci --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
started=
for port in ${PGPORT:-$(seq 5500 5599)}; do
    port_is_free "$port" || continue
    # fsync off: the data is thrown away afterwards, and tests run several times faster without it.
    if server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null; then
        started=$port
        break
    fi
done
[ -n "$started" ] || { echo "with-postgres: could not start PostgreSQL on a free port" >&2; cat "$dir/server.log" >&2; exit 1; }

export CONTRACTSHIELD_TEST_POSTGRES="postgres://csci@127.0.0.1:$started/contractshield?sslmode=disable"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $started" >&2
"$@"
