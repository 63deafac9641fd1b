#!/bin/bash
#   test_envelope_tool.sh — drives the envelope tool as a user would: every
#   example validates and survives encode/decode; every bad-NAME.json fixture
#   is refused with exit 65 and a message containing bad-NAME.expect.
#   Usage: test_envelope_tool.sh ENVELOPE_BINARY FIXTURE_DIR
set -uo pipefail
tool=$1 fixtures=$2
program=$tool label=envelope
source "$(dirname "$0")/cli_expect.sh"

"$tool" --help | grep -q "Usage: envelope" && pass || fail "--help prints usage"
"$tool" frobnicate 2>/dev/null; [ $? -eq 64 ] && pass || fail "unknown command exits 64"

# Every type's example is valid, and msgpack round-trips it unchanged
for type in $("$tool" types); do
    "$tool" example "$type" > "$work/ex.json" || { fail "example $type"; continue; }
    "$tool" validate "$work/ex.json" > /dev/null || { fail "example $type does not validate"; continue; }
    "$tool" encode "$work/ex.json" > "$work/ex.mp" || { fail "encode $type"; continue; }
    "$tool" decode "$work/ex.mp" > "$work/back.json" || { fail "decode $type"; continue; }
    "$tool" validate "$work/back.json" > /dev/null || { fail "decoded $type invalid"; continue; }
    "$tool" encode "$work/back.json" | cmp -s - "$work/ex.mp" && pass || fail "$type: round trip changed the bytes"
done

# Several envelopes in one input (JSON lines) are all checked
cat "$fixtures"/valid-*.json "$fixtures"/valid-*.json > "$work/many.jsonl"
"$tool" validate "$work/many.jsonl" | grep -q "^2 envelopes valid" && pass || fail "validate counts JSON lines"

# Garbage bytes are refused with a reason, never a crash
head -c 17 /dev/urandom > "$work/noise"
printf '\xdd\xff\xff\xff\xff\xdd\xff\xff\xff\xff\xdd\xff\xff\xff\xff\x00\x00' > "$work/bomb"
for input in noise bomb; do
    "$tool" decode "$work/$input" 2> "$work/err"
    rc=$?
    [ $rc -eq 65 ] && grep -q "msgpack\|envelope" "$work/err" && pass \
        || fail "decode $input: exit $rc, $(cat "$work/err")"
done

for input in "$fixtures"/bad-*.json; do
    name=$(basename "$input" .json)
    expected=$(cat "$fixtures/$name.expect")
    "$tool" validate "$input" > /dev/null 2> "$work/err"
    rc=$?
    if [ $rc -eq 65 ] && grep -qF -- "$expected" "$work/err"; then
        pass
    else
        fail "$name: exit $rc, got '$(cat "$work/err")', expected '$expected'"
    fi
done
for input in "$fixtures"/valid-*.json; do
    "$tool" validate "$input" > /dev/null && pass || fail "$(basename "$input") refused"
done

finish
