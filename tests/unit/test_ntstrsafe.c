/*
 * ntstrsafe.h: every routine against its documented results - fits, exact
 * fit, one character too many, zero and oversized destinations, the
 * NTSTRSAFE_MAX_CCH limit, unterminated inputs - and every printf
 * conversion, flag, width and precision.  Destinations are heap blocks of
 * exactly the size passed in, so a write one past the end is an ASan
 * report; the byte after a refused call is checked to be untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ntstrsafe.h>

/* A destination of exactly n chars (or WCHARs), filled with 'X'. */
static char *NewA(size_t n)
{
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    memset(p, 'X', n ? n : 1);
    return p;
}

static WCHAR *NewW(size_t n)
{
    WCHAR *p = malloc((n ? n : 1) * sizeof(WCHAR));
    assert_non_null(p);
    for (size_t i = 0; i < (n ? n : 1); i++)
        p[i] = L'X';
    return p;
}

static size_t WLen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void AssertWEqual(const WCHAR *got, const WCHAR *want)
{
    size_t n = WLen(want);
    if (WLen(got) != n || memcmp(got, want, n * sizeof(WCHAR)) != 0) {
        char g[256] = {0}, w[256] = {0};
        for (size_t i = 0; i < 255 && got[i]; i++)
            g[i] = got[i] < 0x80 ? (char)got[i] : '?';
        for (size_t i = 0; i < 255 && want[i]; i++)
            w[i] = want[i] < 0x80 ? (char)want[i] : '?';
        fail_msg("wide strings differ: got \"%s\", want \"%s\"", g, w);
    }
}

/* ------------------------------------------------------------------------
 * Copy.
 */
static void test_copy_fits_and_exact_fit(void **state)
{
    (void)state;
    char *d = NewA(6);
    assert_int_equal(RtlStringCchCopyA(d, 6, "abc"), STATUS_SUCCESS);
    assert_string_equal(d, "abc");
    /* Exact fit: 5 characters and the NUL in 6. */
    assert_int_equal(RtlStringCchCopyA(d, 6, "abcde"), STATUS_SUCCESS);
    assert_string_equal(d, "abcde");
    /* One too many: truncated, terminated, a warning. */
    assert_int_equal(RtlStringCchCopyA(d, 6, "abcdef"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "abcde");
    assert_false(NT_SUCCESS(STATUS_BUFFER_OVERFLOW));
    free(d);

    d = NewA(1);
    assert_int_equal(RtlStringCchCopyA(d, 1, ""), STATUS_SUCCESS);
    assert_int_equal(d[0], 0);
    d[0] = 'X';
    assert_int_equal(RtlStringCchCopyA(d, 1, "a"), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d[0], 0);
    free(d);
}

static void test_copy_bad_sizes(void **state)
{
    (void)state;
    char *d = NewA(4);
    /* Zero size: nothing may be written. */
    assert_int_equal(RtlStringCchCopyA(d, 0, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[0], 'X');
    assert_int_equal(RtlStringCbCopyA(d, 0, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[0], 'X');
    /* Above the limit: refused, the destination emptied. */
    assert_int_equal(RtlStringCchCopyA(d, (size_t)NTSTRSAFE_MAX_CCH + 1, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[0], 0);
    assert_int_equal(d[1], 'X');
    d[0] = 'X';
    assert_int_equal(RtlStringCchCopyA(d, (size_t)-1, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[0], 0);
    /* At the limit: accepted (only what the string needs is written). */
    assert_int_equal(RtlStringCchCopyA(d, NTSTRSAFE_MAX_CCH, "ab"), STATUS_SUCCESS);
    assert_string_equal(d, "ab");
    assert_int_equal(RtlStringCbCopyA(d, NTSTRSAFE_MAX_CCH, "abc"), STATUS_SUCCESS);
    assert_string_equal(d, "abc");
    assert_int_equal(RtlStringCbCopyA(d, (size_t)NTSTRSAFE_MAX_CCH + 1, "a"), STATUS_INVALID_PARAMETER);
    /* NULL source or destination. */
    assert_int_equal(RtlStringCchCopyA(d, 4, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[0], 0);
    assert_int_equal(RtlStringCchCopyA(NULL, 4, "a"), STATUS_INVALID_PARAMETER);
    free(d);
}

static void test_copy_wide_and_bytes(void **state)
{
    (void)state;
    WCHAR *w = NewW(4);
    assert_int_equal(RtlStringCchCopyW(w, 4, L"xyz"), STATUS_SUCCESS);
    AssertWEqual(w, L"xyz");
    assert_int_equal(RtlStringCchCopyW(w, 4, L"wxyz"), STATUS_BUFFER_OVERFLOW);
    AssertWEqual(w, L"wxy");
    /* 9 bytes hold 4 WCHARs; the odd byte is not used. */
    assert_int_equal(RtlStringCbCopyW(w, 9, L"abc"), STATUS_SUCCESS);
    AssertWEqual(w, L"abc");
    assert_int_equal(RtlStringCbCopyW(w, 8, L"abcd"), STATUS_BUFFER_OVERFLOW);
    AssertWEqual(w, L"abc");
    /* One byte cannot hold a WCHAR: refused, nothing written. */
    w[0] = L'X';
    assert_int_equal(RtlStringCbCopyW(w, 1, L""), STATUS_INVALID_PARAMETER);
    assert_int_equal(w[0], L'X');
    assert_int_equal(RtlStringCbCopyW(w, (size_t)NTSTRSAFE_MAX_CCH * 2 + 2, L"a"),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(w[0], 0);
    assert_int_equal(RtlStringCbCopyW(w, (size_t)NTSTRSAFE_MAX_CCH * 2, L"a"), STATUS_SUCCESS);
    free(w);

    char *a = NewA(3);
    assert_int_equal(RtlStringCbCopyA(a, 3, "ab"), STATUS_SUCCESS);
    assert_int_equal(RtlStringCbCopyA(a, 3, "abc"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(a, "ab");
    free(a);
}

static void test_copy_n(void **state)
{
    (void)state;
    char *d = NewA(5);
    /* The source need not be terminated within cchToCopy. */
    char src[3] = {'p', 'q', 'r'};
    assert_int_equal(RtlStringCchCopyNA(d, 5, src, 3), STATUS_SUCCESS);
    assert_string_equal(d, "pqr");
    assert_int_equal(RtlStringCchCopyNA(d, 5, "hello", 2), STATUS_SUCCESS);
    assert_string_equal(d, "he");
    assert_int_equal(RtlStringCchCopyNA(d, 5, "hello", 9), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "hell");
    assert_int_equal(RtlStringCchCopyNA(d, 5, "hello", 0), STATUS_SUCCESS);
    assert_string_equal(d, "");
    assert_int_equal(RtlStringCchCopyNA(d, 5, "hello", (size_t)NTSTRSAFE_MAX_CCH + 1),
                     STATUS_INVALID_PARAMETER);
    assert_string_equal(d, "");
    assert_int_equal(RtlStringCbCopyNA(d, 5, "hello", 4), STATUS_SUCCESS);
    assert_string_equal(d, "hell");
    free(d);

    WCHAR *w = NewW(5);
    WCHAR wsrc[2] = {L'm', L'n'};
    assert_int_equal(RtlStringCchCopyNW(w, 5, wsrc, 2), STATUS_SUCCESS);
    AssertWEqual(w, L"mn");
    /* cbToCopy 3 is one WCHAR. */
    assert_int_equal(RtlStringCbCopyNW(w, 10, L"hello", 3), STATUS_SUCCESS);
    AssertWEqual(w, L"h");
    assert_int_equal(RtlStringCbCopyNW(w, 10, L"hello", 10), STATUS_BUFFER_OVERFLOW);
    AssertWEqual(w, L"hell");
    free(w);
}

/* ------------------------------------------------------------------------
 * Concatenation.
 */
static void test_cat(void **state)
{
    (void)state;
    char *d = NewA(8);
    assert_int_equal(RtlStringCchCopyA(d, 8, "ab"), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCatA(d, 8, "cd"), STATUS_SUCCESS);
    assert_string_equal(d, "abcd");
    assert_int_equal(RtlStringCchCatA(d, 8, "efg"), STATUS_SUCCESS); /* exact fit */
    assert_string_equal(d, "abcdefg");
    assert_int_equal(RtlStringCchCatA(d, 8, ""), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCatA(d, 8, "h"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "abcdefg");
    assert_int_equal(RtlStringCchCopyA(d, 8, "abcde"), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCatA(d, 8, "xyz"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "abcdexy");
    /* A destination not terminated within its size: refused, and
     * terminated at its last character. */
    memset(d, 'Q', 8);
    assert_int_equal(RtlStringCchCatA(d, 8, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[7], 0);
    assert_int_equal(d[0], 'Q');
    assert_int_equal(RtlStringCchCatA(d, 0, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchCatA(d, (size_t)NTSTRSAFE_MAX_CCH + 1, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[0], 0);
    assert_int_equal(RtlStringCchCatA(d, 8, NULL), STATUS_INVALID_PARAMETER);
    /* CatN. */
    assert_int_equal(RtlStringCchCopyA(d, 8, "ab"), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCatNA(d, 8, "cdef", 2), STATUS_SUCCESS);
    assert_string_equal(d, "abcd");
    assert_int_equal(RtlStringCbCatNA(d, 8, "efghij", 6), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "abcdefg");
    assert_int_equal(RtlStringCbCatA(d, 8, "z"), STATUS_BUFFER_OVERFLOW);
    free(d);

    WCHAR *w = NewW(6);
    assert_int_equal(RtlStringCbCopyW(w, 12, L"ab"), STATUS_SUCCESS);
    assert_int_equal(RtlStringCbCatW(w, 12, L"cde"), STATUS_SUCCESS);
    AssertWEqual(w, L"abcde");
    assert_int_equal(RtlStringCchCatW(w, 6, L"f"), STATUS_BUFFER_OVERFLOW);
    AssertWEqual(w, L"abcde");
    assert_int_equal(RtlStringCchCopyW(w, 6, L"a"), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCatNW(w, 6, L"bcdefg", 3), STATUS_SUCCESS);
    AssertWEqual(w, L"abcd");
    assert_int_equal(RtlStringCbCatNW(w, 12, L"efg", 6), STATUS_BUFFER_OVERFLOW);
    AssertWEqual(w, L"abcde");
    free(w);
}

/* ------------------------------------------------------------------------
 * Length.
 */
static void test_length(void **state)
{
    (void)state;
    size_t n = 99;
    assert_int_equal(RtlStringCchLengthA("abc", 4, &n), STATUS_SUCCESS);
    assert_int_equal(n, 3);
    assert_int_equal(RtlStringCchLengthA("abc", 10, NULL), STATUS_SUCCESS);
    /* The NUL must lie within cchMax. */
    n = 99;
    assert_int_equal(RtlStringCchLengthA("abc", 3, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(n, 0);
    char raw[4] = {'a', 'b', 'c', 'd'}; /* unterminated: must not be read past */
    assert_int_equal(RtlStringCchLengthA(raw, sizeof(raw), &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchLengthA("", 1, &n), STATUS_SUCCESS);
    assert_int_equal(n, 0);
    assert_int_equal(RtlStringCchLengthA("a", 0, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchLengthA("a", (size_t)NTSTRSAFE_MAX_CCH + 1, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchLengthA("a", NTSTRSAFE_MAX_CCH, &n), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchLengthA(NULL, 5, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCbLengthA("abcd", 5, &n), STATUS_SUCCESS);
    assert_int_equal(n, 4);

    assert_int_equal(RtlStringCchLengthW(L"wxyz", 5, &n), STATUS_SUCCESS);
    assert_int_equal(n, 4);
    /* Bytes for the Cb form; 9 bytes are 4 WCHARs, not enough for "wxyz". */
    assert_int_equal(RtlStringCbLengthW(L"wxyz", 10, &n), STATUS_SUCCESS);
    assert_int_equal(n, 8);
    assert_int_equal(RtlStringCbLengthW(L"wxyz", 9, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(n, 0);
    WCHAR wraw[2] = {L'a', L'b'};
    assert_int_equal(RtlStringCchLengthW(wraw, 2, &n), STATUS_INVALID_PARAMETER);
}

/* ------------------------------------------------------------------------
 * Printf: conversions.
 */
static void CheckA(const char *want, NTSTATUS wantStatus, size_t cch, const char *fmt, ...)
{
    char *d = NewA(cch);
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = RtlStringCchVPrintfA(d, cch, fmt, ap);
    va_end(ap);
    if (st != wantStatus || strcmp(d, want) != 0)
        fail_msg("format \"%s\" into %zu: got 0x%08x \"%s\", want 0x%08x \"%s\"", fmt, cch,
                 (unsigned)st, d, (unsigned)wantStatus, want);
    free(d);
}

/* Conversions whose meaning is the C standard's must agree with the
 * host's snprintf. */
static void CheckAsC(const char *fmt, ...)
{
    char want[256], *d = NewA(256);
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    vsnprintf(want, sizeof(want), fmt, ap);
    NTSTATUS st = RtlStringCchVPrintfA(d, 256, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    if (st != STATUS_SUCCESS || strcmp(d, want) != 0)
        fail_msg("format \"%s\": got 0x%08x \"%s\", snprintf says \"%s\"", fmt, (unsigned)st, d, want);
    free(d);
}

static void test_printf_integers(void **state)
{
    (void)state;
    static const int ints[] = {0, 1, -1, 7, -42, 123456, -2147483647 - 1, 2147483647};
    static const char *const ifmts[] = {
        "%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%8.3d", "%-8.3d|", "%.0d",
        "%+05d", "% 05d", "%u", "%x", "%X", "%o", "%#x", "%#X", "%#o", "%08x", "%#08x", "%.0x",
        "%#.0o", "%-#10x|", "%10.6X", "%hd", "%hu", "%hx", "%hhd", "%hhu", "%hhx"};
    for (size_t f = 0; f < ARRAYSIZE(ifmts); f++)
        for (size_t i = 0; i < ARRAYSIZE(ints); i++)
            CheckAsC(ifmts[f], ints[i]);
    /* '*' width and precision, negative width meaning '-', negative
     * precision meaning none. */
    CheckAsC("%*d|", 6, 42);
    CheckAsC("%*d|", -6, 42);
    CheckAsC("%.*d", 4, 42);
    CheckAsC("%.*d", -4, 42);
    CheckAsC("%*.*x|", 8, 3, 0xab);
    CheckAsC("%lld %llu %llx", -9000000000ll, 18446744073709551615ull, 0x123456789abcdefull);
    CheckAsC("%zu %zx", (size_t)123, (size_t)0xfffffffffull);
    CheckAsC("100%% %c%c", 'o', 'k');
    CheckAsC("%5c|%-5c|", 'a', 'b');

    /* Microsoft sizes: l and I32 are 32 bits, I64 and I pointer/64 bits. */
    CheckA("4294967295 -1 ffffffff", STATUS_SUCCESS, 64, "%lu %ld %lx", (ULONG)0xffffffffu,
           (LONG)-1, (ULONG)0xffffffffu);
    CheckA("FFFFFFFFFFFFFFFF 18446744073709551615", STATUS_SUCCESS, 64, "%I64X %I64u",
           0xffffffffffffffffull, 0xffffffffffffffffull);
    CheckA("-5 7 1f", STATUS_SUCCESS, 64, "%I64d %I32u %Ix", -5ll, 7u, (ULONG_PTR)0x1f);
    CheckA("123 -9", STATUS_SUCCESS, 64, "%Iu %Id", (SIZE_T)123, (LONG_PTR)-9);
    CheckA("12345678", STATUS_SUCCESS, 64, "%I64x", 0x12345678ull);
}

static void test_printf_strings_and_chars(void **state)
{
    (void)state;
    CheckAsC("[%s]", "hello");
    CheckAsC("[%10s]", "hi");
    CheckAsC("[%-10s]", "hi");
    CheckAsC("[%.3s]", "hello");
    CheckAsC("[%8.2s]", "hello");
    CheckAsC("[%.*s]", 2, "hello");
    CheckAsC("[%.0s]", "hello");
    CheckAsC("[%s]", "");
    /* The precision bounds the read: an unterminated array is fine. */
    char raw[3] = {'a', 'b', 'c'};
    CheckA("[ab]", STATUS_SUCCESS, 16, "[%.2s]", raw);
    /* In A routines %S, %ws and %ls take WCHAR strings; %hs char. */
    CheckA("[wide|wide|wide|narrow]", STATUS_SUCCESS, 64, "[%S|%ws|%ls|%hs]", L"wide", L"wide",
           L"wide", "narrow");
    CheckA("[  wi]", STATUS_SUCCESS, 64, "[%4.2ws]", L"wide");
    /* WCHARs outside ASCII cannot be represented: '?'. */
    CheckA("[a?b]", STATUS_SUCCESS, 64, "[%S]", L"a\x00e9" L"b");
    CheckA("[(null)|(null)]", STATUS_SUCCESS, 64, "[%s|%S]", (char *)NULL, (WCHAR *)NULL);
    CheckA("[W|n|w]", STATUS_SUCCESS, 64, "[%C|%hc|%wc]", L'W', 'n', L'w');

    /* %wZ: a UNICODE_STRING, by Length, not necessarily terminated;
     * %Z: an ANSI_STRING. */
    WCHAR buf[5] = {L'a', L'b', L'c', L'd', L'e'};
    UNICODE_STRING u = {3 * sizeof(WCHAR), sizeof(buf), buf};
    char abuf[4] = {'x', 'y', 'z', 'w'};
    ANSI_STRING a = {3, sizeof(abuf), abuf};
    CheckA("[abc|xyz]", STATUS_SUCCESS, 64, "[%wZ|%Z]", &u, &a);
    CheckA("[  abc|ab]", STATUS_SUCCESS, 64, "[%5wZ|%.2wZ]", &u, &u);
    UNICODE_STRING empty = {0, 0, NULL};
    CheckA("[(null)|(null)|(null)]", STATUS_SUCCESS, 64, "[%wZ|%wZ|%Z]", &empty,
           (PUNICODE_STRING)NULL, (PANSI_STRING)NULL);
}

static void test_printf_pointer(void **state)
{
    (void)state;
    CheckA("000000000000ABCD", STATUS_SUCCESS, 64, "%p", (void *)0xabcd);
    CheckA("0000000000000000", STATUS_SUCCESS, 64, "%p", (void *)NULL);
    CheckA("[FFFFFFFFFFFFFFFF]", STATUS_SUCCESS, 64, "[%p]", (void *)~(ULONG_PTR)0);
    CheckA("[  0000000000000001|0000000000000001  ]", STATUS_SUCCESS, 64, "[%18p|%-18p]",
           (void *)1, (void *)1);
}

static void test_printf_refused(void **state)
{
    (void)state;
    int n = 0;
    CheckA("", STATUS_INVALID_PARAMETER, 16, "abc%n", &n);
    assert_int_equal(n, 0);
    CheckA("", STATUS_INVALID_PARAMETER, 16, "%f", 1.5);
    CheckA("", STATUS_INVALID_PARAMETER, 16, "%e", 1.5);
    CheckA("", STATUS_INVALID_PARAMETER, 16, "%g", 1.5);
    CheckA("", STATUS_INVALID_PARAMETER, 16, "%q");
    CheckA("", STATUS_INVALID_PARAMETER, 16, "trailing %");
    CheckA("", STATUS_INVALID_PARAMETER, 16, "%5");
    char *d = NewA(4);
    assert_int_equal(RtlStringCchPrintfA(d, 4, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[0], 0);
    d[0] = 'X';
    assert_int_equal(RtlStringCchPrintfA(d, 0, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[0], 'X');
    assert_int_equal(RtlStringCchPrintfA(d, (size_t)NTSTRSAFE_MAX_CCH + 1, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[0], 0);
    assert_int_equal(RtlStringCbPrintfA(d, 0, "a"), STATUS_INVALID_PARAMETER);
    free(d);
}

/* ------------------------------------------------------------------------
 * Printf: truncation.
 */
static void test_printf_truncation(void **state)
{
    (void)state;
    CheckA("12345", STATUS_SUCCESS, 6, "%d", 12345);          /* exact fit */
    CheckA("12345", STATUS_BUFFER_OVERFLOW, 6, "%d", 123456);  /* one over */
    CheckA("", STATUS_BUFFER_OVERFLOW, 1, "%d", 1);
    CheckA("", STATUS_SUCCESS, 1, "");
    CheckA("ab", STATUS_BUFFER_OVERFLOW, 3, "a%s", "bcdef");
    CheckA("   ", STATUS_BUFFER_OVERFLOW, 4, "%10d", 5);       /* inside padding */
    CheckA("0x0", STATUS_BUFFER_OVERFLOW, 4, "%#010x", 0xff);  /* inside zeros */
    CheckA("-", STATUS_BUFFER_OVERFLOW, 2, "%d", -5);          /* after the sign */
    CheckA("00000000", STATUS_BUFFER_OVERFLOW, 9, "%p", (void *)0x12);
    /* A width of INT_MAX pads only as far as the buffer (and returns at
     * once rather than counting out two billion spaces). */
    CheckA("       ", STATUS_BUFFER_OVERFLOW, 8, "%*d", 2147483647, 1);
    CheckA("       ", STATUS_BUFFER_OVERFLOW, 8, "%2147483647d", 1);
    CheckA("0000000", STATUS_BUFFER_OVERFLOW, 8, "%.2147483647d", 1);
    /* Byte-counted: 5 bytes are 5 chars, or 2 WCHARs. */
    char *a = NewA(5);
    assert_int_equal(RtlStringCbPrintfA(a, 5, "%s", "abcd"), STATUS_SUCCESS);
    assert_string_equal(a, "abcd");
    assert_int_equal(RtlStringCbPrintfA(a, 5, "%s", "abcde"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(a, "abcd");
    free(a);
    WCHAR *w = NewW(2);
    assert_int_equal(RtlStringCbPrintfW(w, 5, L"%d", 7), STATUS_SUCCESS);
    AssertWEqual(w, L"7");
    assert_int_equal(RtlStringCbPrintfW(w, 5, L"%d", 77), STATUS_BUFFER_OVERFLOW);
    AssertWEqual(w, L"7");
    assert_int_equal(RtlStringCbPrintfW(w, 1, L"x"), STATUS_INVALID_PARAMETER);
    free(w);
}

/* ------------------------------------------------------------------------
 * Printf: wide routines.
 */
static void CheckW(const WCHAR *want, NTSTATUS wantStatus, size_t cch, const WCHAR *fmt, ...)
{
    WCHAR *d = NewW(cch);
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = RtlStringCchVPrintfW(d, cch, fmt, ap);
    va_end(ap);
    assert_int_equal(st, wantStatus);
    AssertWEqual(d, want);
    free(d);
}

static void test_printf_wide(void **state)
{
    (void)state;
    /* In W routines %s is a WCHAR string and %S a char string (the legacy
     * Microsoft rule); %hs and %ws say it explicitly. */
    CheckW(L"[wide|narrow|n2|w2]", STATUS_SUCCESS, 64, L"[%s|%S|%hs|%ws]", L"wide", "narrow", "n2",
           L"w2");
    CheckW(L"[\x00e9|\x00e9]", STATUS_SUCCESS, 64, L"[%s|%S]", L"\x00e9", "\xe9");
    CheckW(L"[W|n|c|d]", STATUS_SUCCESS, 64, L"[%c|%C|%hc|%wc]", L'W', 'n', 'c', L'd');
    CheckW(L"-00042|   2a|+7", STATUS_SUCCESS, 64, L"%06d|%5x|%+d", -42, 42, 7);
    CheckW(L"4294967295 FFFFFFFFFFFFFFFF", STATUS_SUCCESS, 64, L"%lu %I64X", (ULONG)0xffffffffu,
           0xffffffffffffffffull);
    CheckW(L"000000000000BEEF", STATUS_SUCCESS, 64, L"%p", (void *)0xbeef);
    WCHAR buf[3] = {L'u', L'v', L'w'};
    UNICODE_STRING u = {sizeof(buf), sizeof(buf), buf};
    CheckW(L"<uvw>", STATUS_SUCCESS, 64, L"<%wZ>", &u);
    CheckW(L"(null)", STATUS_SUCCESS, 64, L"%s", (WCHAR *)NULL);
    CheckW(L"abc", STATUS_BUFFER_OVERFLOW, 4, L"abc%s", L"def");
    CheckW(L"", STATUS_INVALID_PARAMETER, 4, L"%n", (int *)NULL);
    WCHAR *d = NewW(8);
    assert_int_equal(RtlStringCchPrintfW(d, 8, L"%d-%d", 1, 2), STATUS_SUCCESS);
    AssertWEqual(d, L"1-2");
    assert_int_equal(RtlStringCbPrintfW(d, 16, L"%u", 1234567u), STATUS_SUCCESS);
    AssertWEqual(d, L"1234567");
    assert_int_equal(RtlStringCbPrintfW(d, 16, L"%u", 12345678u), STATUS_BUFFER_OVERFLOW);
    AssertWEqual(d, L"1234567");
    free(d);
}

/* The exported-style entry points with variable arguments. */
static void test_printf_entry_points(void **state)
{
    (void)state;
    char *a = NewA(32);
    assert_int_equal(RtlStringCchPrintfA(a, 32, "%s=%d", "x", 5), STATUS_SUCCESS);
    assert_string_equal(a, "x=5");
    assert_int_equal(RtlStringCbPrintfA(a, 32, "%08X", 0xbeefu), STATUS_SUCCESS);
    assert_string_equal(a, "0000BEEF");
    free(a);
}

/* ------------------------------------------------------------------------
 * UNICODE_STRING routines: counted results, never past MaximumLength.
 */
static UNICODE_STRING NewU(USHORT maxChars)
{
    UNICODE_STRING u = {0, (USHORT)(maxChars * sizeof(WCHAR)), maxChars ? NewW(maxChars) : NULL};
    return u;
}

static void AssertU(const UNICODE_STRING *u, const WCHAR *want)
{
    size_t n = WLen(want);
    assert_int_equal(u->Length, n * sizeof(WCHAR));
    assert_memory_equal(u->Buffer, want, n * sizeof(WCHAR));
}

static void test_unicode_string(void **state)
{
    (void)state;
    UNICODE_STRING d = NewU(5), src;
    assert_int_equal(RtlUnicodeStringInit(&src, L"abc"), STATUS_SUCCESS);
    assert_int_equal(src.Length, 6);
    assert_int_equal(src.MaximumLength, 8);
    assert_int_equal(RtlUnicodeStringInit(&src, NULL), STATUS_SUCCESS);
    assert_int_equal(src.Length, 0);
    assert_null(src.Buffer);

    assert_int_equal(RtlUnicodeStringCopyString(&d, L"abc"), STATUS_SUCCESS);
    AssertU(&d, L"abc");
    assert_int_equal(d.Buffer[3], L'X');      /* not NUL-terminated */
    assert_int_equal(RtlUnicodeStringCatString(&d, L"de"), STATUS_SUCCESS); /* exact fit */
    AssertU(&d, L"abcde");
    /* Full: refused, unchanged. */
    assert_int_equal(RtlUnicodeStringCatString(&d, L"f"), STATUS_INVALID_PARAMETER);
    AssertU(&d, L"abcde");
    assert_int_equal(RtlUnicodeStringCatString(&d, L""), STATUS_SUCCESS);
    assert_int_equal(RtlUnicodeStringCopyString(&d, L"123456"), STATUS_BUFFER_OVERFLOW);
    AssertU(&d, L"12345");
    assert_int_equal(RtlUnicodeStringCopyString(&d, L"xy"), STATUS_SUCCESS);
    assert_int_equal(RtlUnicodeStringCatString(&d, L"zzzz"), STATUS_BUFFER_OVERFLOW);
    AssertU(&d, L"xyzzz");

    /* Counted sources may hold no NUL at all. */
    WCHAR raw[3] = {L'p', L'q', L'r'};
    UNICODE_STRING s3 = {sizeof(raw), sizeof(raw), raw};
    assert_int_equal(RtlUnicodeStringCopy(&d, &s3), STATUS_SUCCESS);
    AssertU(&d, L"pqr");
    assert_int_equal(RtlUnicodeStringCat(&d, &s3), STATUS_BUFFER_OVERFLOW);
    AssertU(&d, L"pqrpq");

    /* Invalid strings: odd lengths, Length > MaximumLength, NULL buffer. */
    UNICODE_STRING odd = {3, 8, raw}, over = {8, 6, raw}, nobuf = {0, 4, NULL};
    assert_int_equal(RtlUnicodeStringValidate(&odd), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringValidate(&over), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringValidate(&nobuf), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringValidate(&s3), STATUS_SUCCESS);
    assert_int_equal(RtlUnicodeStringCopy(&d, &odd), STATUS_INVALID_PARAMETER);
    AssertU(&d, L"pqrpq");
    assert_int_equal(RtlUnicodeStringCopy(&over, &s3), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringCopyString(&d, NULL), STATUS_INVALID_PARAMETER);
    UNICODE_STRING empty = {0, 0, NULL};
    assert_int_equal(RtlUnicodeStringCopyString(&empty, L"a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringCopyString(&empty, L""), STATUS_SUCCESS);

    /* Printf: counted, truncated at MaximumLength, no NUL written. */
    d.Length = 0;
    for (int i = 0; i < 5; i++)
        d.Buffer[i] = L'X';
    assert_int_equal(RtlUnicodeStringPrintf(&d, L"%d-%s", 12, L"a"), STATUS_SUCCESS);
    AssertU(&d, L"12-a");
    assert_int_equal(d.Buffer[4], L'X');
    assert_int_equal(RtlUnicodeStringPrintf(&d, L"%05d", 42), STATUS_SUCCESS); /* exact fit */
    AssertU(&d, L"00042");
    assert_int_equal(RtlUnicodeStringPrintf(&d, L"%wZ%wZ", &s3, &s3), STATUS_BUFFER_OVERFLOW);
    AssertU(&d, L"pqrpq");
    assert_int_equal(RtlUnicodeStringPrintf(&d, L"%n", (int *)NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringPrintf(&empty, L"x"), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(empty.Length, 0);

    /* Into a terminated buffer. */
    WCHAR *w = NewW(4);
    assert_int_equal(RtlStringCchCopyUnicodeString(w, 4, &s3), STATUS_SUCCESS);
    AssertWEqual(w, L"pqr");
    assert_int_equal(RtlStringCbCopyUnicodeString(w, 6, &s3), STATUS_BUFFER_OVERFLOW);
    AssertWEqual(w, L"pq");
    assert_int_equal(RtlStringCchCopyUnicodeString(w, NTSTRSAFE_UNICODE_STRING_MAX_CCH + 1, &s3),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(w[0], 0);
    assert_int_equal(RtlStringCchCopyUnicodeString(w, 4, &odd), STATUS_INVALID_PARAMETER);
    free(w);
    free(d.Buffer);
}

/* ------------------------------------------------------------------------
 * Random formats against the host's snprintf: C-standard conversions with
 * random flags, widths, precisions (literal or *) and values, formatted
 * into destinations of random size.  A result must be snprintf's output
 * cut to the destination, with STATUS_BUFFER_OVERFLOW exactly when it did
 * not fit.  The seed is printed; NDISKIT_TEST_SEED replays one.
 */
static unsigned long long Rng;

static unsigned long long Next(void)
{
    Rng ^= Rng << 13;
    Rng ^= Rng >> 7;
    Rng ^= Rng << 17;
    return Rng;
}

static unsigned long long SeedFromEnv(void)
{
    const char *e = getenv("NDISKIT_TEST_SEED");
    return e ? strtoull(e, NULL, 0) : 0x5DEECE66Dull;
}

static int PrintSeed(void **state)
{
    (void)state;
    fprintf(stderr, "test_ntstrsafe: random seed 0x%llx (set NDISKIT_TEST_SEED to replay)\n",
            SeedFromEnv());
    return 0;
}

static NTSTATUS CallA(char *d, size_t cch, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = RtlStringCchVPrintfA(d, cch, fmt, ap);
    va_end(ap);
    return st;
}

static void test_printf_random_vs_snprintf(void **state)
{
    (void)state;
    static const char conv[] = "diuxXocs";
    static const char *const sizes[] = {"", "h", "hh", "ll"};
    static const char *const strs[] = {"", "a", "hello", "a longer string of text"};
    Rng = SeedFromEnv() | 1;
    for (int iter = 0; iter < 20000; iter++) {
        char fmt[64], want[512];
        size_t f = 0;
        char c = conv[Next() % (sizeof(conv) - 1)];
        int starW = 0, starP = 0, w = 0, p = -1;
        f += (size_t)snprintf(fmt + f, sizeof(fmt) - f, "<%%");
        for (int k = 0; k < 5; k++)
            if (Next() % 3 == 0)
                fmt[f++] = "-+ #0"[k];
        if (Next() % 2) {
            if (Next() % 4 == 0) {
                starW = 1;
                w = (int)(Next() % 41) - 20;
                fmt[f++] = '*';
            } else {
                w = (int)(Next() % 20);
                f += (size_t)snprintf(fmt + f, sizeof(fmt) - f, "%d", w);
            }
        }
        if (Next() % 2) {
            if (Next() % 4 == 0) {
                starP = 1;
                p = (int)(Next() % 31) - 10;
                f += (size_t)snprintf(fmt + f, sizeof(fmt) - f, ".*");
            } else {
                p = (int)(Next() % 20);
                f += (size_t)snprintf(fmt + f, sizeof(fmt) - f, ".%d", p);
            }
        }
        /* '#' and '0' with c and s, and '+'/' ' with them, are undefined in
         * C: keep those conversions to '-' only. */
        if (c == 'c' || c == 's') {
            size_t start = 2;
            size_t o = start;
            for (size_t i = start; i < f; i++)
                if (fmt[i] != '+' && fmt[i] != ' ' && fmt[i] != '#' && fmt[i] != '0')
                    fmt[o++] = fmt[i];
            f = o;
            if (c == 'c') {                 /* precision is undefined for %c */
                char *dot = memchr(fmt, '.', f);
                if (dot != NULL) {
                    f = (size_t)(dot - fmt);
                    starP = 0;
                }
            }
        } else if (c != 'c' && c != 's') {
            f += (size_t)snprintf(fmt + f, sizeof(fmt) - f, "%s", sizes[Next() % 4]);
        }
        fmt[f++] = c;
        fmt[f++] = '>';
        fmt[f] = 0;

        long long iv = (long long)Next();
        switch (Next() % 4) {
        case 0: iv = (int)(iv % 1000); break;
        case 1: iv = (int)iv; break;
        case 2: break;
        default: iv = 0; break;
        }
        const char *sv = strs[Next() % 4];
        int isLL = strstr(fmt, "ll") != NULL;
        size_t cch = 1 + Next() % 48;
        char *d = NewA(cch);
        NTSTATUS st;
        int n;
#define RUN(...)                                                     \
    do {                                                             \
        n = snprintf(want, sizeof(want), fmt, __VA_ARGS__);          \
        st = CallA(d, cch, fmt, __VA_ARGS__);                        \
    } while (0)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        if (c == 's') {
            if (starW && starP) RUN(w, p, sv);
            else if (starW) RUN(w, sv);
            else if (starP) RUN(p, sv);
            else RUN(sv);
        } else if (isLL) {
            if (starW && starP) RUN(w, p, iv);
            else if (starW) RUN(w, iv);
            else if (starP) RUN(p, iv);
            else RUN(iv);
        } else {
            int v = c == 'c' ? 'A' + (int)(Next() % 26) : (int)iv;
            if (starW && starP) RUN(w, p, v);
            else if (starW) RUN(w, v);
            else if (starP) RUN(p, v);
            else RUN(v);
        }
#pragma GCC diagnostic pop
#undef RUN
        assert_true(n >= 0);
        NTSTATUS expect = (size_t)n < cch ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW;
        size_t keep = (size_t)n < cch ? (size_t)n : cch - 1;
        if (st != expect || strlen(d) != keep || memcmp(d, want, keep) != 0)
            fail_msg("seed 0x%llx iteration %d: format \"%s\" into %zu: got 0x%08x \"%s\", "
                     "snprintf \"%s\"", SeedFromEnv(), iter, fmt, cch, (unsigned)st, d, want);
        free(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_fits_and_exact_fit),
        cmocka_unit_test(test_copy_bad_sizes),
        cmocka_unit_test(test_copy_wide_and_bytes),
        cmocka_unit_test(test_copy_n),
        cmocka_unit_test(test_cat),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_printf_integers),
        cmocka_unit_test(test_printf_strings_and_chars),
        cmocka_unit_test(test_printf_pointer),
        cmocka_unit_test(test_printf_refused),
        cmocka_unit_test(test_printf_truncation),
        cmocka_unit_test(test_printf_wide),
        cmocka_unit_test(test_printf_entry_points),
        cmocka_unit_test(test_unicode_string),
        cmocka_unit_test_setup(test_printf_random_vs_snprintf, PrintSeed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
