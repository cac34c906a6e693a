/* The independent reference for WDM layouts: mingw-w64's DDK headers. */
#include <ntddk.h>
