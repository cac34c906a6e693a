#!/bin/sh
# Wine round trip for drivers/hello: load dist/hello/hello.sys as a kernel
# service under Debian's wine64, drive it from hello_client.exe, and check
# that DriverEntry, the IOCTL and DriverUnload all ran.
#
#   run_hello.sh CLIENT_EXE DRIVER_SYS PREFIX_DIR
#
# PREFIX_DIR is set up by wine_prefix.sh.
set -u
client=$1 driver=$2 prefix=$3
. "$(dirname "$0")/wine_prefix.sh"
# debugstr shows the driver's DbgPrint output; everything else stays quiet.
export WINEDEBUG=-all,warn+debugstr
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

"$WINE" "$client" "$driver" >"$log/out" 2>"$log/err"
rc=$?
# Stop the prefix's wineserver so no daemon keeps CTest's pipes open.
"$WINESERVER" -k >/dev/null 2>&1
"$WINESERVER" -w >/dev/null 2>&1

tr -d '\r' <"$log/out"
echo "--- driver debug output"
grep 'ndiskit-hello' "$log/err" | sed 's/^.*ndiskit-hello/ndiskit-hello/'
if ! grep -q 'ndiskit-hello: loaded' "$log/err"; then
    echo "FAIL DriverEntry's DbgPrint not seen"; rc=1
fi
if ! grep -q 'ndiskit-hello: unloaded' "$log/err"; then
    echo "FAIL DriverUnload's DbgPrint not seen"; rc=1
fi
if [ "$rc" -ne 0 ]; then
    echo "--- wine stderr (last 40 lines)"
    tail -n 40 "$log/err"
fi
exit "$rc"
