#!/bin/bash
#   test_sbkeys.sh — sbkeys as an operator meets it: --help, a new pair
#   (public 0644, secret 0600, both with name and created), never an
#   overwrite, the public key printed in Z85, and every mistake refused
#   with a precise message and its exit code.
#   Usage: test_sbkeys.sh SBKEYS_BINARY
set -uo pipefail
sbkeys=$1
program=$sbkeys label=sbkeys
source "$(dirname "$0")/cli_expect.sh"

expect 0 "Usage: sbkeys" --help
expect 0 "public key " new broker-a --dir "$work"
check '[ "$(stat -c %a "$work/broker-a.key_secret")" = 600 ]' "secret file not 0600"
check '[ "$(stat -c %a "$work/broker-a.key")" = 644 ]' "public file not 0644"
check 'grep -q "name = \"broker-a\"" "$work/broker-a.key"' "no name in the certificate"
check 'grep -q "created = " "$work/broker-a.key"' "no created in the certificate"
check 'grep -q "secret-key" "$work/broker-a.key_secret"' "no secret key in the secret file"
check '! grep -q "secret-key" "$work/broker-a.key"' "a secret key in the public file"
before=$(md5sum "$work/broker-a.key_secret")
expect 73 "broker-a.key exists: not overwritten" new broker-a --dir "$work"
check '[ "$(md5sum "$work/broker-a.key_secret")" = "$before" ]' "the secret file changed"
rm "$work/broker-a.key"
expect 73 "broker-a.key_secret exists: not overwritten" new broker-a --dir "$work"

# public: the same key as in the file, from the public or the secret file
"$sbkeys" new client --dir "$work" > /dev/null
key=$(sed -n 's/^ *public-key = "\(.*\)"$/\1/p' "$work/client.key")
check '[ ${#key} -eq 40 ]' "no 40-character public key in client.key"
expect 0 "$key" public "$work/client.key"
expect 0 "$key" public "$work/client.key_secret"
check '[ "$("$sbkeys" public "$work/client.key")" = "$key" ]' "public prints more than the key"

expect 65 "not a CURVE certificate" public /etc/hostname
expect 65 "cannot read" public "$work/missing.key"
expect 73 "not a directory" new x --dir "$work/missing"
expect 64 "is not a name" new ../escape --dir "$work"
expect 64 "unknown command" frobnicate
expect 64 "no command"

finish
