/*
 * ntstrsafe.h - bounded string copy, concatenation, formatting and length
 * for kernel code (clean-room, written from the ntstrsafe DDI reference).
 *
 * Every routine takes the destination's size - in characters (Cch) or in
 * bytes (Cb) - never writes outside it, and leaves the destination
 * NUL-terminated whenever its size is at least one character.  Results:
 *
 *   STATUS_SUCCESS            the whole result fitted.
 *   STATUS_BUFFER_OVERFLOW    it did not: the destination holds as much as
 *                             fitted, truncated and NUL-terminated (a
 *                             warning: NT_SUCCESS is false).
 *   STATUS_INVALID_PARAMETER  a size of 0 or above NTSTRSAFE_MAX_CCH
 *                             characters, a NULL string, a destination
 *                             that is not NUL-terminated within its size
 *                             (Cat), a string longer than the bound
 *                             (Length), or a format this implementation
 *                             refuses (below).  When the destination has
 *                             room for one character it is set to "".
 *
 * A and W forms: A works on char strings, W on WCHAR (UTF-16) strings;
 * Cb sizes of W routines are byte counts and an odd byte is not used.
 * RtlUnicodeString{Init,Validate,Copy,CopyString,Cat,CatString,Printf,
 * VPrintf} work on UNICODE_STRINGs (counted, not NUL-terminated, at most
 * NTSTRSAFE_UNICODE_STRING_MAX_CCH characters) and
 * RtlStringC{ch,b}CopyUnicodeString copy one into a terminated buffer.
 * Not provided: the ...Ex forms and the remaining UNICODE_STRING ones.
 *
 * All routines are inline (no library to link, on either target), take
 * no locks, allocate nothing and may run at any IRQL when their buffers
 * are resident.  NTSTRSAFE_LIB (which makes the WDK use a static library)
 * is accepted and changes nothing.  NTSTRSAFE_NO_CB_FUNCTIONS and
 * NTSTRSAFE_NO_CCH_FUNCTIONS leave out the byte- or character-counted
 * forms, as in the WDK.
 *
 * Printf formats follow the Microsoft C runtime's kernel formatter:
 *   %[flags][width][.precision][size]type
 *   flags     - + space # 0
 *   width,    decimal digits or * (an int argument; a negative width means
 *   precision '-' and its absolute value; a negative precision is ignored)
 *   size      hh h l w ll I64 I32 I z; l and I32 are 32 bits (LONG/ULONG),
 *             ll and I64 64 bits, I and z pointer-sized
 *   types     d i u o x X c C s S p Z %
 *   strings   in A routines %s is a char string and %S a WCHAR string; in
 *             W routines %s is WCHAR and %S char (the legacy Microsoft
 *             rule); %hs always char, %ls and %ws always WCHAR.  %Z is a
 *             PANSI_STRING and %wZ a PUNICODE_STRING (Length counted, need
 *             not be NUL-terminated), as the kernel's DbgPrint takes them.
 *             A NULL string (or UNICODE_STRING/its Buffer) prints "(null)".
 *             A WCHAR outside ASCII written into a char result becomes '?';
 *             a char written into a WCHAR result is widened unchanged.
 *   %c %C     a character, narrow or wide by the same rule as %s %S.
 *   %p        the pointer as 16 upper-case hexadecimal digits.
 * Refused with STATUS_INVALID_PARAMETER: %n (writes through an argument,
 * which strsafe forbids), floating point (%e %f %g %a: kernel code cannot
 * use the FPU without saving its state), and any other type character.
 */
#ifndef NDISKIT_NTSTRSAFE_H
#define NDISKIT_NTSTRSAFE_H

#include <ntddk.h>
#include <stdarg.h>

#define NTSTRSAFE_MAX_CCH     2147483647
#define NTSTRSAFE_MAX_LENGTH  (NTSTRSAFE_MAX_CCH - 1)
#define NTSTRSAFE_UNICODE_STRING_MAX_CCH 32767

typedef char *NTSTRSAFE_PSTR;
typedef const char *NTSTRSAFE_PCSTR;
typedef WCHAR *NTSTRSAFE_PWSTR;
typedef const WCHAR *NTSTRSAFE_PCWSTR;

#define NTSTRSAFEDDI  static __inline__ __attribute__((unused)) NTSTATUS NTAPI
#define NTSTRSAFEWORKER static __inline__ __attribute__((unused))

/* ------------------------------------------------------------------------
 * Workers shared by the A and W forms.  A string is a pointer and a
 * character width (1 for char, 2 for WCHAR).
 */
NTSTRSAFEWORKER unsigned NtStrSafeAt(const void *s, int wide, size_t i)
{
    return wide ? (unsigned)((const WCHAR *)s)[i] : (unsigned)(unsigned char)((const char *)s)[i];
}

NTSTRSAFEWORKER void NtStrSafeSet(void *s, int wide, size_t i, unsigned ch)
{
    if (wide)
        ((WCHAR *)s)[i] = (WCHAR)ch;
    else
        ((char *)s)[i] = (char)ch;
}

/* A character of width srcWide stored into a string of width dstWide. */
NTSTRSAFEWORKER unsigned NtStrSafeConvert(unsigned ch, int srcWide, int dstWide)
{
    if (srcWide && !dstWide && ch > 0x7f)
        return '?';
    return ch;
}

/* Length of s, looking at no more than max characters; max + 1 when no
 * NUL is found within max (the caller decides what that means). */
NTSTRSAFEWORKER size_t NtStrSafeLen(const void *s, int wide, size_t max)
{
    size_t n = 0;
    while (n < max && NtStrSafeAt(s, wide, n) != 0)
        n++;
    return n < max ? n : max + 1;
}

/* A destination of cch characters is usable when 0 < cch <= MAX. */
NTSTRSAFEWORKER NTSTATUS NtStrSafeCheckDest(void *dest, int wide, size_t cch)
{
    if (dest == NULL || cch == 0)
        return STATUS_INVALID_PARAMETER;
    if (cch > NTSTRSAFE_MAX_CCH) {
        NtStrSafeSet(dest, wide, 0, 0);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

/* Copies at most maxSrc characters of src to dest + at, within cch;
 * always terminates. */
NTSTRSAFEWORKER NTSTATUS NtStrSafeCopyAt(void *dest, int wide, size_t cch, size_t at,
                                         const void *src, size_t maxSrc)
{
    size_t i = 0;
    while (i < maxSrc && NtStrSafeAt(src, wide, i) != 0) {
        if (at + 1 >= cch) {
            NtStrSafeSet(dest, wide, at, 0);
            return STATUS_BUFFER_OVERFLOW;
        }
        NtStrSafeSet(dest, wide, at++, NtStrSafeAt(src, wide, i++));
    }
    NtStrSafeSet(dest, wide, at, 0);
    return STATUS_SUCCESS;
}

NTSTRSAFEWORKER NTSTATUS NtStrSafeCopyWorker(void *dest, int wide, size_t cch, const void *src,
                                             size_t maxSrc)
{
    NTSTATUS status = NtStrSafeCheckDest(dest, wide, cch);
    if (!NT_SUCCESS(status))
        return status;
    if (src == NULL || maxSrc > NTSTRSAFE_MAX_CCH) {
        NtStrSafeSet(dest, wide, 0, 0);
        return STATUS_INVALID_PARAMETER;
    }
    return NtStrSafeCopyAt(dest, wide, cch, 0, src, maxSrc);
}

NTSTRSAFEWORKER NTSTATUS NtStrSafeCatWorker(void *dest, int wide, size_t cch, const void *src,
                                            size_t maxSrc)
{
    NTSTATUS status = NtStrSafeCheckDest(dest, wide, cch);
    size_t len;
    if (!NT_SUCCESS(status))
        return status;
    len = NtStrSafeLen(dest, wide, cch);
    if (len >= cch) {
        /* Not terminated within its own size: a caller bug.  Terminate the
         * last character so later readers stop inside the buffer. */
        NtStrSafeSet(dest, wide, cch - 1, 0);
        return STATUS_INVALID_PARAMETER;
    }
    if (src == NULL || maxSrc > NTSTRSAFE_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    return NtStrSafeCopyAt(dest, wide, cch, len, src, maxSrc);
}

NTSTRSAFEWORKER NTSTATUS NtStrSafeLengthWorker(const void *s, int wide, size_t cchMax,
                                               size_t *pcch)
{
    size_t len;
    if (s == NULL || cchMax == 0 || cchMax > NTSTRSAFE_MAX_CCH) {
        if (pcch != NULL)
            *pcch = 0;
        return STATUS_INVALID_PARAMETER;
    }
    len = NtStrSafeLen(s, wide, cchMax);
    if (len >= cchMax) {
        if (pcch != NULL)
            *pcch = 0;
        return STATUS_INVALID_PARAMETER;
    }
    if (pcch != NULL)
        *pcch = len;
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------------------------
 * The formatter.  Output goes to a sink that keeps room for the NUL and
 * remembers that something did not fit; formatting stops there.
 */
typedef struct _NTSTRSAFE_SINK {
    void *Buf;
    size_t Cap;       /* characters, the NUL included; >= 1 */
    size_t Len;
    int Wide;
    int Full;
} NTSTRSAFE_SINK;

NTSTRSAFEWORKER void NtStrSafePut(NTSTRSAFE_SINK *s, unsigned ch)
{
    if (s->Full)
        return;
    if (s->Len + 1 >= s->Cap) {
        s->Full = 1;
        return;
    }
    NtStrSafeSet(s->Buf, s->Wide, s->Len++, ch);
}

NTSTRSAFEWORKER void NtStrSafePad(NTSTRSAFE_SINK *s, unsigned ch, size_t n)
{
    while (n-- > 0 && !s->Full)
        NtStrSafePut(s, ch);
}

/* Emits n characters of a string of width srcWide, padded to width. */
NTSTRSAFEWORKER void NtStrSafePutString(NTSTRSAFE_SINK *s, const void *str, int srcWide, size_t n,
                                        size_t width, int left)
{
    size_t pad = width > n ? width - n : 0;
    if (!left)
        NtStrSafePad(s, ' ', pad);
    for (size_t i = 0; i < n && !s->Full; i++)
        NtStrSafePut(s, NtStrSafeConvert(NtStrSafeAt(str, srcWide, i), srcWide, s->Wide));
    if (left)
        NtStrSafePad(s, ' ', pad);
}

#define NTSTRSAFE_F_LEFT  0x01
#define NTSTRSAFE_F_PLUS  0x02
#define NTSTRSAFE_F_SPACE 0x04
#define NTSTRSAFE_F_ALT   0x08
#define NTSTRSAFE_F_ZERO  0x10

NTSTRSAFEWORKER void NtStrSafePutNumber(NTSTRSAFE_SINK *s, ULONGLONG v, int negative,
                                        unsigned base, int upper, unsigned flags, size_t width,
                                        long long precision)
{
    char digits[24];
    char prefix[2];
    size_t nd = 0, np = 0, zeros = 0, total;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    if (!(precision == 0 && v == 0)) {
        do {
            digits[nd++] = set[v % base];
            v /= base;
        } while (v != 0);
    }
    if (negative)
        prefix[np++] = '-';
    else if (flags & NTSTRSAFE_F_PLUS)
        prefix[np++] = '+';
    else if (flags & NTSTRSAFE_F_SPACE)
        prefix[np++] = ' ';
    if ((flags & NTSTRSAFE_F_ALT) && base == 16 && nd > 0 && !(nd == 1 && digits[0] == '0')) {
        prefix[np++] = '0';
        prefix[np++] = upper ? 'X' : 'x';
    }
    if ((flags & NTSTRSAFE_F_ALT) && base == 8 && (nd == 0 || digits[nd - 1] != '0') &&
        (precision < 0 || (size_t)precision <= nd))
        digits[nd++] = '0';
    if (precision >= 0 && (size_t)precision > nd)
        zeros = (size_t)precision - nd;
    total = np + zeros + nd;
    if (precision < 0 && (flags & NTSTRSAFE_F_ZERO) && !(flags & NTSTRSAFE_F_LEFT) && width > total) {
        zeros += width - total;
        total = width;
    }
    if (!(flags & NTSTRSAFE_F_LEFT) && width > total)
        NtStrSafePad(s, ' ', width - total);
    for (size_t i = 0; i < np; i++)
        NtStrSafePut(s, (unsigned char)prefix[i]);
    NtStrSafePad(s, '0', zeros);
    while (nd > 0 && !s->Full)
        NtStrSafePut(s, (unsigned char)digits[--nd]);
    if ((flags & NTSTRSAFE_F_LEFT) && width > total)
        NtStrSafePad(s, ' ', width - total);
}

/* Formats fmt (of width fmtWide; the result has the same width) into
 * dest of cch characters, the NUL included; the caller has checked dest
 * and cch.  Without Terminate (a UNICODE_STRING result) the last of the
 * cch characters is never written and no NUL is stored; *Written gets the
 * characters produced either way. */
NTSTRSAFEWORKER NTSTATUS NtStrSafeVPrintfWorker(void *dest, int wide, size_t cch, const void *fmt,
                                                va_list ap, int Terminate, size_t *Written)
{
    NTSTRSAFE_SINK s = {dest, cch, 0, wide, 0};
    size_t i = 0;
    unsigned ch;

    *Written = 0;
    if (fmt == NULL) {
        if (Terminate)
            NtStrSafeSet(dest, wide, 0, 0);
        return STATUS_INVALID_PARAMETER;
    }
    while ((ch = NtStrSafeAt(fmt, wide, i++)) != 0 && !s.Full) {
        unsigned flags = 0;
        size_t width = 0;
        long long precision = -1;
        int size = 0;            /* -2 hh, -1 h, 0 int, 1 l/I32, 2 ll/I64, 3 I/z */
        int strWide = -1;        /* -1: default of the routine, 0 narrow, 1 wide */

        if (ch != '%') {
            NtStrSafePut(&s, ch);
            continue;
        }
        for (;; i++) {
            ch = NtStrSafeAt(fmt, wide, i);
            if (ch == '-') flags |= NTSTRSAFE_F_LEFT;
            else if (ch == '+') flags |= NTSTRSAFE_F_PLUS;
            else if (ch == ' ') flags |= NTSTRSAFE_F_SPACE;
            else if (ch == '#') flags |= NTSTRSAFE_F_ALT;
            else if (ch == '0') flags |= NTSTRSAFE_F_ZERO;
            else break;
        }
        if (ch == '*') {
            int w = va_arg(ap, int);
            i++;
            if (w < 0) {
                flags |= NTSTRSAFE_F_LEFT;
                width = (size_t)(-(long long)w);
            } else {
                width = (size_t)w;
            }
        } else {
            while ((ch = NtStrSafeAt(fmt, wide, i)) >= '0' && ch <= '9') {
                /* Widths past the buffer only pad into truncation; cap
                 * them so the arithmetic cannot wrap. */
                if (width < NTSTRSAFE_MAX_CCH)
                    width = width * 10 + (ch - '0');
                i++;
            }
        }
        if (NtStrSafeAt(fmt, wide, i) == '.') {
            i++;
            precision = 0;
            if (NtStrSafeAt(fmt, wide, i) == '*') {
                int p = va_arg(ap, int);
                i++;
                precision = p < 0 ? -1 : p;
            } else {
                while ((ch = NtStrSafeAt(fmt, wide, i)) >= '0' && ch <= '9') {
                    if (precision < NTSTRSAFE_MAX_CCH)
                        precision = precision * 10 + (ch - '0');
                    i++;
                }
            }
        }
        ch = NtStrSafeAt(fmt, wide, i);
        if (ch == 'h') {
            i++;
            size = -1;
            strWide = 0;
            if (NtStrSafeAt(fmt, wide, i) == 'h') {
                i++;
                size = -2;
            }
        } else if (ch == 'l') {
            i++;
            size = 1;
            strWide = 1;
            if (NtStrSafeAt(fmt, wide, i) == 'l') {
                i++;
                size = 2;
            }
        } else if (ch == 'w') {
            i++;
            size = 1;
            strWide = 1;
        } else if (ch == 'z') {
            i++;
            size = 3;
        } else if (ch == 'I') {
            i++;
            if (NtStrSafeAt(fmt, wide, i) == '6' && NtStrSafeAt(fmt, wide, i + 1) == '4') {
                i += 2;
                size = 2;
            } else if (NtStrSafeAt(fmt, wide, i) == '3' && NtStrSafeAt(fmt, wide, i + 1) == '2') {
                i += 2;
                size = 1;
            } else {
                size = 3;
            }
        }
        ch = NtStrSafeAt(fmt, wide, i++);
        switch (ch) {
        case '%':
            NtStrSafePut(&s, '%');
            break;
        case 'd':
        case 'i': {
            long long v;
            if (size == 2 || size == 3)
                v = va_arg(ap, long long);
            else if (size == 1)
                v = va_arg(ap, LONG);
            else
                v = va_arg(ap, int);
            if (size == -1)
                v = (short)v;
            else if (size == -2)
                v = (signed char)v;
            NtStrSafePutNumber(&s, v < 0 ? 0 - (ULONGLONG)v : (ULONGLONG)v, v < 0, 10, 0, flags,
                               width, precision);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            ULONGLONG v;
            if (size == 2 || size == 3)
                v = va_arg(ap, unsigned long long);
            else if (size == 1)
                v = va_arg(ap, ULONG);
            else
                v = va_arg(ap, unsigned int);
            if (size == -1)
                v = (unsigned short)v;
            else if (size == -2)
                v = (unsigned char)v;
            NtStrSafePutNumber(&s, v, 0, ch == 'u' ? 10 : ch == 'o' ? 8 : 16, ch == 'X',
                               flags & ~(NTSTRSAFE_F_PLUS | NTSTRSAFE_F_SPACE), width, precision);
            break;
        }
        case 'p':
            NtStrSafePutNumber(&s, (ULONG_PTR)va_arg(ap, void *), 0, 16, 1,
                               (flags & NTSTRSAFE_F_LEFT), width, 2 * sizeof(void *));
            break;
        case 'c':
        case 'C': {
            /* Both promote to int. */
            int w = strWide >= 0 ? strWide : (ch == 'c') == (wide != 0);
            unsigned c = (unsigned)va_arg(ap, int);
            WCHAR wc = (WCHAR)c;
            char nc = (char)c;
            NtStrSafePutString(&s, w ? (const void *)&wc : (const void *)&nc, w, 1, width,
                               flags & NTSTRSAFE_F_LEFT);
            break;
        }
        case 's':
        case 'S': {
            int w = strWide >= 0 ? strWide : (ch == 's') == (wide != 0);
            const void *str = va_arg(ap, const void *);
            size_t n;
            if (str == NULL) {
                str = "(null)";
                w = 0;
            }
            n = NtStrSafeLen(str, w, precision >= 0 ? (size_t)precision : (size_t)NTSTRSAFE_MAX_CCH);
            if (precision >= 0 && n > (size_t)precision)
                n = (size_t)precision;
            NtStrSafePutString(&s, str, w, n, width, flags & NTSTRSAFE_F_LEFT);
            break;
        }
        case 'Z': {
            /* %wZ: PUNICODE_STRING; %Z / %hZ: PANSI_STRING. */
            const void *str = NULL;
            size_t n = 0;
            int w = strWide == 1;
            if (w) {
                PCUNICODE_STRING u = va_arg(ap, PCUNICODE_STRING);
                if (u != NULL && u->Buffer != NULL) {
                    str = u->Buffer;
                    n = u->Length / sizeof(WCHAR);
                }
            } else {
                PCANSI_STRING a = va_arg(ap, PCANSI_STRING);
                if (a != NULL && a->Buffer != NULL) {
                    str = a->Buffer;
                    n = a->Length;
                }
            }
            if (str == NULL) {
                str = "(null)";
                w = 0;
                n = 6;
            }
            if (precision >= 0 && n > (size_t)precision)
                n = (size_t)precision;
            NtStrSafePutString(&s, str, w, n, width, flags & NTSTRSAFE_F_LEFT);
            break;
        }
        default:
            /* %n, floating point, an unknown type or a format that ends
             * inside a conversion. */
            if (Terminate)
                NtStrSafeSet(dest, wide, 0, 0);
            return STATUS_INVALID_PARAMETER;
        }
    }
    if (Terminate)
        NtStrSafeSet(dest, wide, s.Len, 0);
    *Written = s.Len;
    return s.Full ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NTSTRSAFEWORKER NTSTATUS NtStrSafeVPrintf(void *dest, int wide, size_t cch, const void *fmt,
                                          va_list ap)
{
    NTSTATUS status = NtStrSafeCheckDest(dest, wide, cch);
    size_t written;
    if (!NT_SUCCESS(status))
        return status;
    return NtStrSafeVPrintfWorker(dest, wide, cch, fmt, ap, 1, &written);
}

/* A byte count of WCHARs as characters; above the limit stays above it. */
NTSTRSAFEWORKER size_t NtStrSafeCbW(size_t cb)
{
    return cb > (size_t)NTSTRSAFE_MAX_CCH * sizeof(WCHAR) ? (size_t)NTSTRSAFE_MAX_CCH + 1
                                                          : cb / sizeof(WCHAR);
}



/* ------------------------------------------------------------------------
 * Character-counted routines.
 */
#ifndef NTSTRSAFE_NO_CCH_FUNCTIONS

/* Copies pszSrc into pszDest (cchDest characters). */
NTSTRSAFEDDI RtlStringCchCopyA(_Out_writes_(cchDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cchDest,
                               _In_ NTSTRSAFE_PCSTR pszSrc)
{
    return NtStrSafeCopyWorker(pszDest, 0, cchDest, pszSrc, NTSTRSAFE_MAX_CCH);
}
NTSTRSAFEDDI RtlStringCchCopyW(_Out_writes_(cchDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cchDest,
                               _In_ NTSTRSAFE_PCWSTR pszSrc)
{
    return NtStrSafeCopyWorker(pszDest, 1, cchDest, pszSrc, NTSTRSAFE_MAX_CCH);
}

/* Copies at most cchToCopy characters of pszSrc. */
NTSTRSAFEDDI RtlStringCchCopyNA(_Out_writes_(cchDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cchDest,
                                _In_reads_(cchToCopy) NTSTRSAFE_PCSTR pszSrc, _In_ size_t cchToCopy)
{
    return NtStrSafeCopyWorker(pszDest, 0, cchDest, pszSrc, cchToCopy);
}
NTSTRSAFEDDI RtlStringCchCopyNW(_Out_writes_(cchDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cchDest,
                                _In_reads_(cchToCopy) NTSTRSAFE_PCWSTR pszSrc, _In_ size_t cchToCopy)
{
    return NtStrSafeCopyWorker(pszDest, 1, cchDest, pszSrc, cchToCopy);
}

/* Appends pszSrc to the string already in pszDest. */
NTSTRSAFEDDI RtlStringCchCatA(_Inout_updates_(cchDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cchDest,
                              _In_ NTSTRSAFE_PCSTR pszSrc)
{
    return NtStrSafeCatWorker(pszDest, 0, cchDest, pszSrc, NTSTRSAFE_MAX_CCH);
}
NTSTRSAFEDDI RtlStringCchCatW(_Inout_updates_(cchDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cchDest,
                              _In_ NTSTRSAFE_PCWSTR pszSrc)
{
    return NtStrSafeCatWorker(pszDest, 1, cchDest, pszSrc, NTSTRSAFE_MAX_CCH);
}

/* Appends at most cchToAppend characters of pszSrc. */
NTSTRSAFEDDI RtlStringCchCatNA(_Inout_updates_(cchDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cchDest,
                               _In_reads_(cchToAppend) NTSTRSAFE_PCSTR pszSrc, _In_ size_t cchToAppend)
{
    return NtStrSafeCatWorker(pszDest, 0, cchDest, pszSrc, cchToAppend);
}
NTSTRSAFEDDI RtlStringCchCatNW(_Inout_updates_(cchDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cchDest,
                               _In_reads_(cchToAppend) NTSTRSAFE_PCWSTR pszSrc, _In_ size_t cchToAppend)
{
    return NtStrSafeCatWorker(pszDest, 1, cchDest, pszSrc, cchToAppend);
}

NTSTRSAFEDDI RtlStringCchVPrintfA(_Out_writes_(cchDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cchDest,
                                  _In_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat, _In_ va_list argList)
{
    return NtStrSafeVPrintf(pszDest, 0, cchDest, pszFormat, argList);
}
NTSTRSAFEDDI RtlStringCchVPrintfW(_Out_writes_(cchDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cchDest,
                                  _In_ _Printf_format_string_ NTSTRSAFE_PCWSTR pszFormat, _In_ va_list argList)
{
    return NtStrSafeVPrintf(pszDest, 1, cchDest, pszFormat, argList);
}
static __inline__ __attribute__((unused)) NTSTATUS __cdecl
RtlStringCchPrintfA(_Out_writes_(cchDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cchDest,
                    _In_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS status;
    va_start(ap, pszFormat);
    status = NtStrSafeVPrintf(pszDest, 0, cchDest, pszFormat, ap);
    va_end(ap);
    return status;
}
static __inline__ __attribute__((unused)) NTSTATUS __cdecl
RtlStringCchPrintfW(_Out_writes_(cchDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cchDest,
                    _In_ _Printf_format_string_ NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS status;
    va_start(ap, pszFormat);
    status = NtStrSafeVPrintf(pszDest, 1, cchDest, pszFormat, ap);
    va_end(ap);
    return status;
}

/* The length of psz in characters (without the NUL), which must be found
 * within cchMax characters; pcchLength may be NULL. */
NTSTRSAFEDDI RtlStringCchLengthA(_In_reads_or_z_(cchMax) NTSTRSAFE_PCSTR psz, _In_ size_t cchMax,
                                 _Out_opt_ size_t *pcchLength)
{
    return NtStrSafeLengthWorker(psz, 0, cchMax, pcchLength);
}
NTSTRSAFEDDI RtlStringCchLengthW(_In_reads_or_z_(cchMax) NTSTRSAFE_PCWSTR psz, _In_ size_t cchMax,
                                 _Out_opt_ size_t *pcchLength)
{
    return NtStrSafeLengthWorker(psz, 1, cchMax, pcchLength);
}

#endif /* NTSTRSAFE_NO_CCH_FUNCTIONS */

/* ------------------------------------------------------------------------
 * Byte-counted routines: the same operations, sizes in bytes.  The limit
 * is NTSTRSAFE_MAX_CCH characters, in bytes.
 */
#ifndef NTSTRSAFE_NO_CB_FUNCTIONS

NTSTRSAFEDDI RtlStringCbCopyA(_Out_writes_bytes_(cbDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cbDest,
                              _In_ NTSTRSAFE_PCSTR pszSrc)
{
    return NtStrSafeCopyWorker(pszDest, 0, cbDest, pszSrc, NTSTRSAFE_MAX_CCH);
}
NTSTRSAFEDDI RtlStringCbCopyW(_Out_writes_bytes_(cbDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cbDest,
                              _In_ NTSTRSAFE_PCWSTR pszSrc)
{
    return NtStrSafeCopyWorker(pszDest, 1, NtStrSafeCbW(cbDest), pszSrc, NTSTRSAFE_MAX_CCH);
}

NTSTRSAFEDDI RtlStringCbCopyNA(_Out_writes_bytes_(cbDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cbDest,
                               _In_reads_bytes_(cbToCopy) NTSTRSAFE_PCSTR pszSrc, _In_ size_t cbToCopy)
{
    return NtStrSafeCopyWorker(pszDest, 0, cbDest, pszSrc, cbToCopy);
}
NTSTRSAFEDDI RtlStringCbCopyNW(_Out_writes_bytes_(cbDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cbDest,
                               _In_reads_bytes_(cbToCopy) NTSTRSAFE_PCWSTR pszSrc, _In_ size_t cbToCopy)
{
    return NtStrSafeCopyWorker(pszDest, 1, NtStrSafeCbW(cbDest), pszSrc, NtStrSafeCbW(cbToCopy));
}

NTSTRSAFEDDI RtlStringCbCatA(_Inout_updates_bytes_(cbDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cbDest,
                             _In_ NTSTRSAFE_PCSTR pszSrc)
{
    return NtStrSafeCatWorker(pszDest, 0, cbDest, pszSrc, NTSTRSAFE_MAX_CCH);
}
NTSTRSAFEDDI RtlStringCbCatW(_Inout_updates_bytes_(cbDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cbDest,
                             _In_ NTSTRSAFE_PCWSTR pszSrc)
{
    return NtStrSafeCatWorker(pszDest, 1, NtStrSafeCbW(cbDest), pszSrc, NTSTRSAFE_MAX_CCH);
}

NTSTRSAFEDDI RtlStringCbCatNA(_Inout_updates_bytes_(cbDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cbDest,
                              _In_reads_bytes_(cbToAppend) NTSTRSAFE_PCSTR pszSrc, _In_ size_t cbToAppend)
{
    return NtStrSafeCatWorker(pszDest, 0, cbDest, pszSrc, cbToAppend);
}
NTSTRSAFEDDI RtlStringCbCatNW(_Inout_updates_bytes_(cbDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cbDest,
                              _In_reads_bytes_(cbToAppend) NTSTRSAFE_PCWSTR pszSrc, _In_ size_t cbToAppend)
{
    return NtStrSafeCatWorker(pszDest, 1, NtStrSafeCbW(cbDest), pszSrc, NtStrSafeCbW(cbToAppend));
}

NTSTRSAFEDDI RtlStringCbVPrintfA(_Out_writes_bytes_(cbDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cbDest,
                                 _In_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat, _In_ va_list argList)
{
    return NtStrSafeVPrintf(pszDest, 0, cbDest, pszFormat, argList);
}
NTSTRSAFEDDI RtlStringCbVPrintfW(_Out_writes_bytes_(cbDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cbDest,
                                 _In_ _Printf_format_string_ NTSTRSAFE_PCWSTR pszFormat, _In_ va_list argList)
{
    return NtStrSafeVPrintf(pszDest, 1, NtStrSafeCbW(cbDest), pszFormat, argList);
}
static __inline__ __attribute__((unused)) NTSTATUS __cdecl
RtlStringCbPrintfA(_Out_writes_bytes_(cbDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cbDest,
                   _In_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS status;
    va_start(ap, pszFormat);
    status = NtStrSafeVPrintf(pszDest, 0, cbDest, pszFormat, ap);
    va_end(ap);
    return status;
}
static __inline__ __attribute__((unused)) NTSTATUS __cdecl
RtlStringCbPrintfW(_Out_writes_bytes_(cbDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cbDest,
                   _In_ _Printf_format_string_ NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS status;
    va_start(ap, pszFormat);
    status = NtStrSafeVPrintf(pszDest, 1, NtStrSafeCbW(cbDest), pszFormat, ap);
    va_end(ap);
    return status;
}

/* The length of psz in bytes (without the NUL), found within cbMax bytes. */
NTSTRSAFEDDI RtlStringCbLengthA(_In_reads_or_z_(cbMax) NTSTRSAFE_PCSTR psz, _In_ size_t cbMax,
                                _Out_opt_ size_t *pcbLength)
{
    return NtStrSafeLengthWorker(psz, 0, cbMax, pcbLength);
}
NTSTRSAFEDDI RtlStringCbLengthW(_In_reads_or_z_(cbMax) NTSTRSAFE_PCWSTR psz, _In_ size_t cbMax,
                                _Out_opt_ size_t *pcbLength)
{
    size_t cch = 0;
    NTSTATUS status = NtStrSafeLengthWorker(psz, 1, NtStrSafeCbW(cbMax), &cch);
    if (pcbLength != NULL)
        *pcbLength = cch * sizeof(WCHAR);
    return status;
}

#endif /* NTSTRSAFE_NO_CB_FUNCTIONS */

/* ------------------------------------------------------------------------
 * UNICODE_STRING routines.  A UNICODE_STRING is valid when Length and
 * MaximumLength are even, Length <= MaximumLength <= 2 *
 * NTSTRSAFE_UNICODE_STRING_MAX_CCH and Buffer is non-NULL unless
 * MaximumLength is 0.  Results in a UNICODE_STRING are counted (Length),
 * not NUL-terminated, and never exceed MaximumLength; a refused call
 * (STATUS_INVALID_PARAMETER) leaves the destination as it was.
 */
#ifndef NTSTRSAFE_NO_UNICODE_STRING_FUNCTIONS

NTSTRSAFEWORKER int NtStrSafeUnicodeValid(PCUNICODE_STRING s)
{
    return s != NULL && (s->Length & 1) == 0 && (s->MaximumLength & 1) == 0 &&
           s->Length <= s->MaximumLength &&
           s->MaximumLength <= NTSTRSAFE_UNICODE_STRING_MAX_CCH * sizeof(WCHAR) &&
           (s->Buffer != NULL || s->MaximumLength == 0);
}

/* Stores n characters of src after the first `at` characters of dest. */
NTSTRSAFEWORKER NTSTATUS NtStrSafeUnicodePut(PUNICODE_STRING dest, size_t at, const WCHAR *src,
                                             size_t n)
{
    size_t cap = dest->MaximumLength / sizeof(WCHAR);
    size_t fit;
    if (n > 0 && at >= cap)
        return STATUS_INVALID_PARAMETER;    /* no room at all: the destination is full */
    fit = n < cap - at ? n : cap - at;
    for (size_t i = 0; i < fit; i++)        /* element-wise: src may be unaligned for memcpy's sake */
        dest->Buffer[at + i] = src[i];
    dest->Length = (USHORT)((at + fit) * sizeof(WCHAR));
    return fit < n ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

/* DestinationString describes SourceString (NULL: an empty string). */
NTSTRSAFEDDI RtlUnicodeStringInit(_Out_ PUNICODE_STRING DestinationString, _In_opt_ NTSTRSAFE_PCWSTR pszSrc)
{
    size_t n = 0;
    if (DestinationString == NULL)
        return STATUS_INVALID_PARAMETER;
    DestinationString->Length = 0;
    DestinationString->MaximumLength = 0;
    DestinationString->Buffer = NULL;
    if (pszSrc == NULL)
        return STATUS_SUCCESS;
    n = NtStrSafeLen(pszSrc, 1, NTSTRSAFE_UNICODE_STRING_MAX_CCH);
    if (n >= NTSTRSAFE_UNICODE_STRING_MAX_CCH)
        return STATUS_INVALID_PARAMETER;    /* the NUL must fit as well */
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    DestinationString->Buffer = (PWCH)pszSrc;
    return STATUS_SUCCESS;
}

NTSTRSAFEDDI RtlUnicodeStringValidate(_In_ PCUNICODE_STRING SourceString)
{
    return NtStrSafeUnicodeValid(SourceString) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

NTSTRSAFEDDI RtlUnicodeStringCopy(_Inout_ PUNICODE_STRING DestinationString, _In_ PCUNICODE_STRING SourceString)
{
    if (!NtStrSafeUnicodeValid(DestinationString) || !NtStrSafeUnicodeValid(SourceString))
        return STATUS_INVALID_PARAMETER;
    return NtStrSafeUnicodePut(DestinationString, 0, SourceString->Buffer,
                               SourceString->Length / sizeof(WCHAR));
}

NTSTRSAFEDDI RtlUnicodeStringCopyString(_Inout_ PUNICODE_STRING DestinationString, _In_ NTSTRSAFE_PCWSTR pszSrc)
{
    size_t n;
    if (!NtStrSafeUnicodeValid(DestinationString) || pszSrc == NULL)
        return STATUS_INVALID_PARAMETER;
    /* Past the limit, the rest could never fit anyway. */
    n = NtStrSafeLen(pszSrc, 1, NTSTRSAFE_UNICODE_STRING_MAX_CCH + 1);
    return NtStrSafeUnicodePut(DestinationString, 0, pszSrc, n);
}

NTSTRSAFEDDI RtlUnicodeStringCat(_Inout_ PUNICODE_STRING DestinationString, _In_ PCUNICODE_STRING SourceString)
{
    if (!NtStrSafeUnicodeValid(DestinationString) || !NtStrSafeUnicodeValid(SourceString))
        return STATUS_INVALID_PARAMETER;
    return NtStrSafeUnicodePut(DestinationString, DestinationString->Length / sizeof(WCHAR),
                               SourceString->Buffer, SourceString->Length / sizeof(WCHAR));
}

NTSTRSAFEDDI RtlUnicodeStringCatString(_Inout_ PUNICODE_STRING DestinationString, _In_ NTSTRSAFE_PCWSTR pszSrc)
{
    size_t n;
    if (!NtStrSafeUnicodeValid(DestinationString) || pszSrc == NULL)
        return STATUS_INVALID_PARAMETER;
    n = NtStrSafeLen(pszSrc, 1, NTSTRSAFE_UNICODE_STRING_MAX_CCH + 1);
    return NtStrSafeUnicodePut(DestinationString, DestinationString->Length / sizeof(WCHAR), pszSrc, n);
}

NTSTRSAFEDDI RtlUnicodeStringVPrintf(_Inout_ PUNICODE_STRING DestinationString,
                                     _In_ _Printf_format_string_ NTSTRSAFE_PCWSTR pszFormat, _In_ va_list argList)
{
    size_t written = 0;
    NTSTATUS status;
    if (!NtStrSafeUnicodeValid(DestinationString) || pszFormat == NULL)
        return STATUS_INVALID_PARAMETER;
    /* Capacity plus one for the NUL the worker would reserve but, told
     * not to terminate, never writes. */
    status = NtStrSafeVPrintfWorker(DestinationString->Buffer, 1,
                                    DestinationString->MaximumLength / sizeof(WCHAR) + 1, pszFormat,
                                    argList, 0, &written);
    if (status == STATUS_INVALID_PARAMETER)
        return status;
    DestinationString->Length = (USHORT)(written * sizeof(WCHAR));
    return status;
}

static __inline__ __attribute__((unused)) NTSTATUS __cdecl
RtlUnicodeStringPrintf(_Inout_ PUNICODE_STRING DestinationString,
                       _In_ _Printf_format_string_ NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS status;
    va_start(ap, pszFormat);
    status = RtlUnicodeStringVPrintf(DestinationString, pszFormat, ap);
    va_end(ap);
    return status;
}

/* A UNICODE_STRING into a NUL-terminated buffer (at most
 * NTSTRSAFE_UNICODE_STRING_MAX_CCH characters). */
NTSTRSAFEDDI RtlStringCchCopyUnicodeString(_Out_writes_(cchDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cchDest,
                                           _In_ PCUNICODE_STRING SourceString)
{
    size_t n, fit;
    if (pszDest == NULL || cchDest == 0)
        return STATUS_INVALID_PARAMETER;
    if (cchDest > NTSTRSAFE_UNICODE_STRING_MAX_CCH || !NtStrSafeUnicodeValid(SourceString)) {
        pszDest[0] = 0;
        return STATUS_INVALID_PARAMETER;
    }
    n = SourceString->Length / sizeof(WCHAR);
    fit = n < cchDest - 1 ? n : cchDest - 1;
    for (size_t i = 0; i < fit; i++)
        pszDest[i] = SourceString->Buffer[i];
    pszDest[fit] = 0;
    return fit < n ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NTSTRSAFEDDI RtlStringCbCopyUnicodeString(_Out_writes_bytes_(cbDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cbDest,
                                          _In_ PCUNICODE_STRING SourceString)
{
    return RtlStringCchCopyUnicodeString(pszDest, NtStrSafeCbW(cbDest), SourceString);
}

#endif /* NTSTRSAFE_NO_UNICODE_STRING_FUNCTIONS */

#endif /* NDISKIT_NTSTRSAFE_H */
