/*
 * Every ntstrsafe.h routine compiled for the Windows kernel with the kernel
 * flags: the object may need nothing but what ntoskrnl.exe exports for the
 * compiler (memcpy, memset, memmove) - no CRT helper, no floating point,
 * no stack probe.  Checked by undefined_check.py.
 */
#include <ntddk.h>
#include <ntstrsafe.h>

NTSTATUS NtStrSafeKernelUse(PWSTR w, size_t cw, PSTR a, size_t ca, PUNICODE_STRING u,
                            PCUNICODE_STRING src, size_t *len);
NTSTATUS NtStrSafeKernelUse(PWSTR w, size_t cw, PSTR a, size_t ca, PUNICODE_STRING u,
                            PCUNICODE_STRING src, size_t *len)
{
    NTSTATUS s = 0;
    s |= RtlStringCchCopyW(w, cw, L"x");
    s |= RtlStringCbCopyA(a, ca, "x");
    s |= RtlStringCchCopyNA(a, ca, "xyz", 2);
    s |= RtlStringCbCopyNW(w, cw * 2, L"xyz", 4);
    s |= RtlStringCchCatW(w, cw, L"y");
    s |= RtlStringCbCatA(a, ca, "y");
    s |= RtlStringCchCatNA(a, ca, "zz", 1);
    s |= RtlStringCbCatNW(w, cw * 2, L"zz", 2);
    s |= RtlStringCchPrintfA(a, ca, "%s %d %I64x %p %wZ", "a", 1, 2ull, (void *)w, src);
    s |= RtlStringCbPrintfW(w, cw * 2, L"%s %u %lx %c", L"w", 3u, 4ul, L'c');
    s |= RtlStringCchLengthW(w, cw, len);
    s |= RtlStringCbLengthA(a, ca, len);
    s |= RtlUnicodeStringCopy(u, src);
    s |= RtlUnicodeStringCatString(u, L"q");
    s |= RtlUnicodeStringPrintf(u, L"%d", 5);
    s |= RtlStringCchCopyUnicodeString(w, cw, src);
    return s;
}
