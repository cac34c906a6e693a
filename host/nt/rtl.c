/*
 * rtl.c - the Rtl string and memory routines.  Case-insensitive
 * comparisons fold ASCII only (the kernel uses the full Unicode upcase
 * table; device and adapter names in tests are ASCII).
 */
#include "nt_internal.h"

static WCHAR Upcase(WCHAR c)
{
    return c >= L'a' && c <= L'z' ? (WCHAR)(c - (L'a' - L'A')) : c;
}

VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    SIZE_T n = 0;
    if (SourceString != NULL)
        while (SourceString[n])
            n++;
    if (n * sizeof(WCHAR) > MAXUSHORT - sizeof(WCHAR))
        n = (MAXUSHORT - sizeof(WCHAR)) / sizeof(WCHAR); /* as Windows: truncated, not overflowed */
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = SourceString ? (USHORT)(n * sizeof(WCHAR) + sizeof(WCHAR)) : 0;
    DestinationString->Buffer = (PWCH)SourceString;
}

VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    USHORT n;
    if (SourceString == NULL) {
        DestinationString->Length = 0;
        return;
    }
    n = SourceString->Length < DestinationString->MaximumLength ? SourceString->Length
                                                                 : DestinationString->MaximumLength;
    RtlCopyMemory(DestinationString->Buffer, SourceString->Buffer, n);
    DestinationString->Length = n;
    /* NUL-terminate when there is room, as the kernel does. */
    if (n + sizeof(WCHAR) <= DestinationString->MaximumLength)
        DestinationString->Buffer[n / sizeof(WCHAR)] = L'\0';
}

LONG NTAPI RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                   BOOLEAN CaseInSensitive)
{
    USHORT n1 = String1->Length / sizeof(WCHAR), n2 = String2->Length / sizeof(WCHAR);
    USHORT n = n1 < n2 ? n1 : n2;
    NkHostCheckIrqlMax(PASSIVE_LEVEL, "RtlCompareUnicodeString");
    for (USHORT i = 0; i < n; i++) {
        WCHAR a = String1->Buffer[i], b = String2->Buffer[i];
        if (CaseInSensitive) {
            a = Upcase(a);
            b = Upcase(b);
        }
        if (a != b)
            return (LONG)a - (LONG)b;
    }
    return (LONG)n1 - (LONG)n2;
}

BOOLEAN NTAPI RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                    BOOLEAN CaseInSensitive)
{
    if (String1->Length != String2->Length)
        return FALSE;
    return RtlCompareUnicodeString(String1, String2, CaseInSensitive) == 0;
}

SIZE_T NTAPI RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
    const UCHAR *a = Source1, *b = Source2;
    SIZE_T i = 0;
    while (i < Length && a[i] == b[i])
        i++;
    return i;
}

NTSTATUS NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW lpVersionInformation)
{
    /* The host kernel implements the Windows 10 22H2 DDI behaviour. */
    lpVersionInformation->dwMajorVersion = 10;
    lpVersionInformation->dwMinorVersion = 0;
    lpVersionInformation->dwBuildNumber = 19045;
    lpVersionInformation->dwPlatformId = 2;
    lpVersionInformation->szCSDVersion[0] = L'\0';
    return STATUS_SUCCESS;
}
