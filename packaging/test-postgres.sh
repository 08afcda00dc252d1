#!/usr/bin/env bash
# Run the test suite against a real PostgreSQL server: a throwaway cluster in a temporary
# folder, reached only through a unix socket there, trusted for local connections and
# stopped (and deleted) when the run ends however it ends. Arguments go on to pytest.
#
# Installs PostgreSQL with apt-get when no server binaries are found (Debian/Ubuntu). initdb
# refuses to run as root, so as root the cluster belongs to the "postgres" account.
set -euo pipefail
cd "$(dirname "$0")/.."

find_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then
        echo "$found"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

PG_BIN=$(find_bin)
if [ -z "$PG_BIN" ]; then
    echo "PostgreSQL not found: installing it with apt-get" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends postgresql
    PG_BIN=$(find_bin)
fi
[ -n "$PG_BIN" ] || { echo "no PostgreSQL server binaries (initdb, pg_ctl)" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    OWNER=postgres
    id "$OWNER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /bin/sh "$OWNER"
    as_owner() { runuser -u "$OWNER" -- "$@"; }
else
    OWNER=$(id -un)
    as_owner() { "$@"; }
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rectify-pg.XXXXXX")
chmod 755 "$WORK"
[ "$(id -u)" -ne 0 ] || chown "$OWNER" "$WORK"
PORT=${RECTIFY_PG_PORT:-54329}  # only names the socket file: no TCP port is opened

stop_cluster() {
    as_owner "$PG_BIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap stop_cluster EXIT

as_owner "$PG_BIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; exit 1; }
# durability is pointless for a cluster deleted at the end, and costs minutes of fsync
as_owner "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 60 start -o \
    "-k $WORK -p $PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off \
     -c full_page_writes=off -c max_connections=50" \
    || { cat "$WORK/server.log" >&2; exit 1; }

export RECTIFY_TEST_DB="postgresql://postgres@/postgres?host=$WORK&port=$PORT"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $WORK (socket)" >&2
started=$(date +%s)
status=0
packaging/test.sh "$@" || status=$?
echo "PostgreSQL test run: $(( $(date +%s) - started )) s" >&2
exit "$status"
