#!/bin/sh
# test_timesheet_demo.sh DEMO TIMESHEET CASES: the demo data command,
# driven as an operator would, against the private Redis of
# support/with_redis.sh (SB_REDIS_URL): it writes the demo tenant, a second
# run writes nothing new, the timesheet actor answers from what it wrote
# (CASES/week.*), and bad usage or an unreachable Redis exits 64 / 69.
set -u
demo=$1 timesheet=$2 cases=$3
failed=0
check () {     # check WHAT EXPECTED ACTUAL
    if [ "$2" != "$3" ]; then
        echo "FAIL $1: expected '$2', got '$3'" >&2; failed=1
    else
        echo "ok   $1"
    fi
}
first=$("$demo" --until 2026-03-06 2>&1)
check "first run" "tenant demo: 4 employees, 115 entries written and 0 already there, 2026-02-04 to 2026-03-05" "$first"
again=$("$demo" --until 2026-03-06 2>&1)
check "second run" "tenant demo: 4 employees, 0 entries written and 115 already there, 2026-02-04 to 2026-03-05" "$again"
check "tenant profile" "Europe/London" "$(redis-cli -s "${SB_REDIS_URL#unix:}" hget sb:tenant:demo timezone)"
check "directory" "D003" "$(redis-cli -s "${SB_REDIS_URL#unix:}" get sb:dir:demo:phone:+15551234569)"
if "$timesheet" --harness "$cases/week.input.json" --expect "$cases/week.expected.jsonl"; then
    echo "ok   the actor reads the demo data"
else
    echo "FAIL the actor's answer from the demo data" >&2; failed=1
fi
"$demo" --until 2026-02-30 > /dev/null 2>&1
check "bad --until" 64 $?
"$demo" --what > /dev/null 2>&1
check "unknown option" 64 $?
SB_REDIS_URL=tcp://127.0.0.1:1 "$demo" > /dev/null 2>&1
check "Redis unreachable" 69 $?
"$demo" --help | grep -q "Usage: timesheet-demo"
check "--help" 0 $?
exit $failed
