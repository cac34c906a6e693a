#!/bin/sh
# Runs a mingw-w64 test program under wine64 in the shared test prefix and
# passes its output and exit status through.
#   run_exe.sh PREFIX_DIR EXE [ARGS...]
set -u
prefix=$1
shift
. "$(dirname "$0")/wine_prefix.sh"
export WINEDEBUG=-all
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$WINE" "$@" >"$out" 2>&1
rc=$?
"$WINESERVER" -k >/dev/null 2>&1
"$WINESERVER" -w >/dev/null 2>&1
tr -d '\r' <"$out"
exit "$rc"
