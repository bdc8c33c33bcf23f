#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server on loopback, with SENSEVOICE_TEST_POSTGRES_URL
# exported for the PostgreSQL tests; the server and its folder are removed when the command ends.
# Usage: scripts/with-test-postgres.sh COMMAND [ARGS...]
# Needs Debian's `postgresql` package (scripts/install-deps.sh --test). An URL already in
# SENSEVOICE_TEST_POSTGRES_URL is used as it is. As root, the server runs as the `postgres` user
# (or `nobody`), since initdb refuses to run as root.
set -euo pipefail
if [[ -n "${SENSEVOICE_TEST_POSTGRES_URL:-}" ]]; then
    "$@"
    exit $?
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
    echo "with-test-postgres: PostgreSQL server programs not found under /usr/lib/postgresql; run scripts/install-deps.sh --test" >&2
    exit 1
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/sensevoice-pg.XXXXXX")
chmod 755 "$dir"
as_user=()
if [[ $(id -u) -eq 0 ]]; then
    user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    chown "$user" "$dir"
    as_user=(runuser -u "$user" --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
    "${as_user[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as_user[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
}
# Durability off: the cluster lives for one test run.
"${as_user[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
}
export SENSEVOICE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
echo "with-test-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
