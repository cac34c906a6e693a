# Sourced by the Wine tests: WINE, WINESERVER and a ready 64-bit prefix.
#   prefix=PREFIX_DIR; . wine_prefix.sh   (POSIX sh: "." takes no arguments)
# The prefix is created on first use (wineboot takes a few seconds) and
# reused; the tests that share it hold the CTest resource lock "wineprefix".
WINE=${WINE:-/usr/lib/wine/wine64}
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver}
if [ ! -x "$WINE" ]; then
    echo "$0: $WINE not found (scripts/deps installs wine64)" >&2
    exit 1
fi
export WINEPREFIX="$prefix" WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    mkdir -p "$WINEPREFIX"
    WINEDEBUG=-all "$WINE" wineboot -i >"$WINEPREFIX.boot.log" 2>&1 || { cat "$WINEPREFIX.boot.log" >&2; exit 1; }
    # wineboot returns before services.exe has settled; a service created in
    # that window cannot be started (ERROR_SERVICE_DOES_NOT_EXIST).
    "$WINESERVER" -w
fi
