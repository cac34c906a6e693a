/*
 * ntstatus_check.c - compares every row of host/client/ntstatus_map.h (the
 * client library's NTSTATUS -> Win32 error table) with what ntdll's
 * RtlNtStatusToDosError returns under Wine, whose table follows Windows.
 */
#include <windows.h>
#include <stdio.h>

#include "ntstatus_map.h"

typedef ULONG(WINAPI *RTL_NT_STATUS_TO_DOS_ERROR)(LONG);

int main(void)
{
    RTL_NT_STATUS_TO_DOS_ERROR map =
        (RTL_NT_STATUS_TO_DOS_ERROR)(void *)GetProcAddress(GetModuleHandleA("ntdll.dll"), "RtlNtStatusToDosError");
    int bad = 0, rows = 0;

    if (map == NULL) {
        printf("FAIL ntdll!RtlNtStatusToDosError not found\n");
        return 1;
    }
#define CHECK(status, error, name)                                                                       \
    do {                                                                                                 \
        ULONG got = map((LONG)(status));                                                                 \
        rows++;                                                                                          \
        if (got != (error)) {                                                                            \
            printf("FAIL %-32s 0x%08lX: table says %lu, ntdll says %lu\n", #name, (unsigned long)(status), \
                   (unsigned long)(error), (unsigned long)got);                                          \
            bad++;                                                                                       \
        }                                                                                                \
    } while (0);
    NK_STATUS_MAP_LIST(CHECK)
    /* Unlisted statuses: the table's default, as the client library returns. */
    if (map((LONG)0xC0FFEE00) != 317) {
        printf("FAIL unlisted status: ntdll says %lu, not ERROR_MR_MID_NOT_FOUND\n", map((LONG)0xC0FFEE00));
        bad++;
    }
    printf("%d rows checked, %d differ\n", rows, bad);
    return bad != 0;
}
