#!/bin/sh
# dist/ndisprot/prottest.exe (the mingw-w64 build) under wine64: -h and --help print
# the usage and exits 0; a bad option exits 1; with no ndisprot loaded, the
# first call (CreateFile on \\.\NdisProt) fails with a clear message and
# exit status 2.
#   run_prottest.sh PREFIX_DIR PROTTEST_EXE
set -u
prefix=$1
exe=$2
here=$(dirname "$0")
fail() { echo "FAIL: $*"; exit 1; }

for opt in -h --help; do
    out=$("$here/run_exe.sh" "$prefix" "$exe" $opt) || fail "$opt exited $?"
    printf '%s\n' "$out" | grep -q "usage: prottest" || fail "$opt printed no usage: $out"
done

"$here/run_exe.sh" "$prefix" "$exe" -z x >/dev/null
[ $? -eq 1 ] || fail "a bad option did not exit 1"

out=$("$here/run_exe.sh" "$prefix" "$exe" -n 1 '\DEVICE\{00000000-0000-0000-0000-000000000000}')
rc=$?
[ $rc -eq 2 ] || fail "without the driver: exit $rc, not 2: $out"
printf '%s\n' "$out" | grep -qF 'cannot open \\.\NdisProt: CreateFile failed: error 2 (not found): is ndisprot loaded?' ||
    fail "unclear error: $out"
echo "prottest.exe under Wine: usage, bad option, missing driver - all as expected"
