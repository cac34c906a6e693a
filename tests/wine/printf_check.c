/*
 * printf_check.c - prints every row of host/client/printf_table.h (the
 * Microsoft printf conversions the client library implements) with
 * msvcrt's _snprintf under Wine, whose C runtime follows Microsoft's, and
 * compares with the table.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "printf_table.h"

#define W(s) L##s

int main(void)
{
    char got[256];
    int rows = 0, bad = 0;

#define ROW(expected, ...)                                                                         \
    do {                                                                                           \
        rows++;                                                                                    \
        memset(got, 0, sizeof(got));                                                               \
        _snprintf(got, sizeof(got) - 1, __VA_ARGS__);                                              \
        if (strcmp(got, (expected)) != 0) {                                                        \
            printf("FAIL %s: table says \"%s\", msvcrt prints \"%s\"\n", #__VA_ARGS__, (expected), got); \
            bad++;                                                                                 \
        }                                                                                          \
    } while (0);
    NK_PRINTF_TABLE(ROW)

    printf("%d rows, %d differ\n", rows, bad);
    return bad != 0;
}
