/*
 * kmdf_versions.c - compiled once per supported KMDF_VERSION_MINOR: the
 * function table has that version's size, and DDIs newer than the version
 * are not declared (a driver built for 1.15 cannot call a 1.21 DDI by
 * mistake and fault on an older framework).
 */
#include <ntddk.h>
#include <wdf.h>

#if KMDF_VERSION_MINOR >= 31
#define EXPECTED_ENTRIES 458
#elif KMDF_VERSION_MINOR >= 25
#define EXPECTED_ENTRIES 453
#elif KMDF_VERSION_MINOR >= 23
#define EXPECTED_ENTRIES 451
#elif KMDF_VERSION_MINOR >= 21
#define EXPECTED_ENTRIES 448
#elif KMDF_VERSION_MINOR >= 19
#define EXPECTED_ENTRIES 446
#else
#define EXPECTED_ENTRIES 444
#endif

_Static_assert(WdfFunctionTableNumEntries == EXPECTED_ENTRIES, "table size of this KMDF version");
#if KMDF_VERSION_MINOR >= 31
_Static_assert(WDF_STRUCTURE_TABLE_NUM_ENTRIES == 81, "structure table");
_Static_assert(sizeof(WDF_DEVICE_STATE) == 32 && WdfSpecialFileMax == 7, "1.31 grew these");
#else
_Static_assert(WDF_STRUCTURE_TABLE_NUM_ENTRIES == 80, "structure table");
_Static_assert(sizeof(WDF_DEVICE_STATE) == 28 && WdfSpecialFileMax == 5, "as before 1.31");
#endif
_Static_assert(WDF_ALWAYS_AVAILABLE_FUNCTION_COUNT <= WdfFunctionTableNumEntries, "always-available");
_Static_assert(WdfDriverCreateTableIndex == 116, "ABI index");

/* A 1.21 DDI: declared from 1.21 on, absent before. */
#if KMDF_VERSION_MINOR >= 21
ULONG CallerPid(WDFREQUEST Request)
{
    return WdfRequestGetRequestorProcessId(Request);
}
#else
#define WdfRequestGetRequestorProcessId 0
_Static_assert(WdfRequestGetRequestorProcessId == 0, "not declared before 1.21");
#endif
