#   cli_expect.sh — sourced by the tests of a program as an operator meets
#   it (test_broker_cli.sh, test_sbkeys.sh, test_envelope_tool.sh): a
#   scratch folder, counters, and the checks. Before sourcing, set
#   `program` (the binary) and `label` (its name in failure lines).
#     expect CODE TEXT ARGS...   runs the program with ARGS (10 s at most):
#                                exit CODE and TEXT in its output
#     check CONDITION MESSAGE    CONDITION (evaluated) holds
#     finish                     prints the counts; fails if any failed
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 passed=0
fail () { echo "FAIL: $*"; failures=$((failures + 1)); }
pass () { passed=$((passed + 1)); }
check () { if eval "$1"; then pass; else fail "$2"; fi; }

expect () {
    local code=$1 text=$2
    shift 2
    timeout 10 "$program" "$@" > "$work/out" 2>&1
    local rc=$?
    if [ $rc -eq "$code" ] && grep -qF -- "$text" "$work/out"; then
        pass
    else
        fail "$label $*: exit $rc (expected $code), output: $(head -c 300 "$work/out")"
    fi
}

finish () {
    echo "$passed passed, $failures failed"
    [ $failures -eq 0 ]
}
