#!/bin/bash
#   test_broker_cli.sh — the broker program as an operator meets it: --help,
#   and every start-up mistake refused with a precise message and the exit
#   code supervisors act on (78: do not restart; 69: try again later).
#   Usage: test_broker_cli.sh BROKER_BINARY
set -uo pipefail
broker=$1
program=$broker label=broker
source "$(dirname "$0")/cli_expect.sh"

expect 0 "Usage: broker" --help
printf 'broker\n    colour = red\n' > "$work/unknown.zpl"
# Each run binds an ipc endpoint of its own: the default port (5555) may be
# taken by a fleet running on this machine
expect 78 "broker/colour: unknown key" -c "$work/unknown.zpl" -e "ipc://$work/b.ipc"
printf 'broker\n    heartbeat = often\n' > "$work/number.zpl"
expect 78 "broker/heartbeat: 'often' is not a number" -c "$work/number.zpl" -e "ipc://$work/b.ipc"
printf 'routes\n    no.such = echo\n' > "$work/route.zpl"
expect 78 "routes/no.such: no such message type" -c "$work/route.zpl" -r tcp://127.0.0.1:1 \
    -e "ipc://$work/b.ipc"
printf 'broker\n    endpoint = tcp://127.0.0.1:5555\n  bad indent\n' > "$work/syntax.zpl"
expect 78 "syntax.zpl:3: not valid ZPL" -c "$work/syntax.zpl"
expect 78 "cannot read" -c "$work/missing.zpl"
expect 78 "unknown option" --frobnicate 1
# Nothing listens on port 1: Redis unreachable is worth a later restart
expect 69 "cannot connect to Redis at tcp://127.0.0.1:1" -e "ipc://$work/b.ipc" -r tcp://127.0.0.1:1
expect 78 "cannot bind not-an-endpoint" -e not-an-endpoint -r tcp://127.0.0.1:1

finish
