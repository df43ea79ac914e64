#!/usr/bin/env bash
# Runs a command as a fresh machine would see it: PATH without the external tools the interop
# suites use (keytool/java/javac, openssl, sslscan, chromium), everything else as it is.
#   scripts/without-tools.sh npm test            # every tool hidden
#   HIDE="sslscan" scripts/without-tools.sh npm test
# The suites find tools on PATH only (test/helpers/tools.ts), so they see them as missing.
set -euo pipefail
hide=" ${HIDE:-keytool java javac openssl sslscan chromium} "
shim=$(mktemp -d "${TMPDIR:-/tmp}/sepm-path-XXXXXX")
trap 'rm -rf "$shim"' EXIT
IFS=: read -r -a dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  [ -d "$dir" ] || continue
  for f in "$dir"/*; do
    name=${f##*/}
    [[ "$hide" == *" $name "* ]] && continue
    [ -e "$shim/$name" ] || ln -s "$f" "$shim/$name"
  done
done
PATH="$shim" "$@"
