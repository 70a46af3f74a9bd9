#!/usr/bin/env bash
# Runs a command next to two throwaway PostgreSQL servers, then stops them and deletes their data:
#
#   scripts/with-postgres.sh bash scripts/test.sh
#
# Each: initdb in a temp directory, a free port in 5500–5599 (the first server: $PGPORT if set), trust auth on
# 127.0.0.1 only. As root it runs the servers as `nobody` (PostgreSQL refuses to run as root). The command sees
#   CONTRACTSHIELD_TEST_POSTGRES=postgres://csci@127.0.0.1:PORT/contractshield  the server the tests share (they
#       create their own databases beside it);
#   CONTRACTSHIELD_TEST_OUTAGE_POSTGRES, CONTRACTSHIELD_TEST_OUTAGE_PG_CTL  a second server, and a command that runs
#       pg_ctl on it as its owner (`"$CONTRACTSHIELD_TEST_OUTAGE_PG_CTL" stop -m fast`, then `… start`), for the
#       drills that stop PostgreSQL under running nodes without taking it away from every other test.
# Needs scripts/setup-postgres.sh (Debian's postgresql) to have run.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "with-postgres: no PostgreSQL server found; run scripts/setup-postgres.sh" >&2; exit 1; }

root=$(mktemp -d /tmp/cs-postgres.XXXXXX)
as_server=()
if [ "$(id -u)" = 0 ]; then
    chown nobody: "$root"
    as_server=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
# Each step must be able to find the data directory whatever the caller's working directory is.
server() { (cd "$root" && "${as_server[@]}" "$@"); }

servers=()
stop() {
    for dir in "${servers[@]}"; do server "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; done
    rm -rf "$root"
}
trap stop EXIT

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_server NAME PORTS: sets $url and $ctl, the new server's URL and its pg_ctl command.
start_server() {
    local dir="$root/$1" ports=$2 port options started=
    server mkdir "$dir"
    server "$bindir/initdb" -D "$dir/data" -U csci --auth=trust -E UTF8 --locale=C.UTF-8 >"$root/$1-initdb.log" 2>&1 \
        || { cat "$root/$1-initdb.log" >&2; exit 1; }
    servers+=("$dir")
    for port in $ports; do
        port_is_free "$port" || continue
        # fsync off: the data is thrown away afterwards, and tests run several times faster without it. Commits
        # stay synchronous (cheap without fsync), so that a crashed server (`stop -m immediate`) loses no commit it
        # acknowledged, as on a production server.
        options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300"
        if server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "$options" start >/dev/null; then
            started=$port
            break
        fi
    done
    [ -n "$started" ] || { echo "with-postgres: could not start PostgreSQL on a free port" >&2; cat "$dir/server.log" >&2; exit 1; }
    # pg_ctl with the same data directory, user, port and settings. It closes every inherited descriptor first: a
    # server it starts would keep them open, and a caller waiting for its output or its exit (Foundation's Process)
    # would wait as long as the server runs.
    cat >"$root/$1-pg_ctl" <<CTL
#!/usr/bin/env bash
for fd in /proc/self/fd/*; do fd=\${fd##*/}; [ "\$fd" -gt 2 ] && exec {fd}>&-; done 2>/dev/null
cd "$root" && exec ${as_server[*]} "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "$options" "\$@" </dev/null
CTL
    chmod 755 "$root/$1-pg_ctl"
    url="postgres://csci@127.0.0.1:$started/contractshield?sslmode=disable"
    ctl="$root/$1-pg_ctl"
    echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $started ($1)" >&2
}

start_server shared "${PGPORT:-$(seq 5500 5599)}"
export CONTRACTSHIELD_TEST_POSTGRES="$url"
start_server outage "$(seq 5500 5599)"
export CONTRACTSHIELD_TEST_OUTAGE_POSTGRES="$url" CONTRACTSHIELD_TEST_OUTAGE_PG_CTL="$ctl"
"$@"
