#!/bin/sh
# with_redis.sh SEED... -- COMMAND [ARG...]
#
# Runs COMMAND with a private, empty redis-server (no TCP, a unix socket in
# a temporary folder, no persistence), its URL in SB_REDIS_URL, after
# loading each SEED file (redis-cli commands, one per line; '#' comments).
# Actor fixtures that need Redis data run through this (tests/CMakeLists.txt).
# Exits with COMMAND's status; 2 if Redis cannot be started or seeded.
set -u
seeds=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do seeds="$seeds $1"; shift; done
[ $# -gt 1 ] || { echo "usage: with_redis.sh SEED... -- COMMAND [ARG...]" >&2; exit 2; }
shift
dir=$(mktemp -d "${TMPDIR:-/tmp}/sb-fixture-redis.XXXXXX") || exit 2
sock="$dir/redis.sock"
redis-server --port 0 --unixsocket "$sock" --save "" --appendonly no \
             --dir "$dir" --daemonize no --loglevel warning > "$dir/log" 2>&1 &
pid=$!
cleanup () { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
tries=0
until redis-cli -s "$sock" ping > /dev/null 2>&1; do
    tries=$((tries + 1))
    if [ $tries -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "with_redis.sh: redis-server did not start:" >&2; cat "$dir/log" >&2; exit 2
    fi
    sleep 0.05
done
for seed in $seeds; do
    if ! grep -v '^[[:space:]]*\(#\|$\)' "$seed" | redis-cli -s "$sock" > "$dir/seed.out" 2>&1 \
    || grep -q '^ERR\|^(error)' "$dir/seed.out"; then
        echo "with_redis.sh: seeding from $seed failed:" >&2; cat "$dir/seed.out" >&2; exit 2
    fi
done
SB_REDIS_URL="unix:$sock" "$@"
