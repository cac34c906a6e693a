/*
 * test_client.c - the client library's Windows conventions that need no
 * server: WCHAR's size, CreateFileW's argument forms, printf's %ws and
 * friends, sscanf_s, and the Win32 -> NT path table (ntpath.h).
 *
 * Built twice: with the platform's 32-bit wchar_t and with -fshort-wchar
 * (NK_SHORT_WCHAR), the two ways a tool may be built.
 */
#include <windows.h>
#include <winioctl.h>
#include <winerror.h>
#include <winsock.h>
#include <ntddndis.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ntpath.h"
#include "ntpath_table.h"
#include "printf_table.h"

_Static_assert(sizeof(WCHAR) == 2, "WCHAR is UTF-16, as drivers expect");
_Static_assert(sizeof(DWORD) == 4 && sizeof(ULONG) == 4 && sizeof(LONG) == 4 && sizeof(INT) == 4, "Win32 sizes");
_Static_assert(sizeof(ULONG_PTR) == sizeof(void *), "pointer-sized");
_Static_assert(MEMORY_ALLOCATION_ALIGNMENT == 16, "x64");
_Static_assert(OID_802_3_CURRENT_ADDRESS == 0x01010102, "ntddndis.h shares include/ndis/oids.h");
_Static_assert(sizeof(NDIS_OID) == 4 && sizeof(NDIS_PORT_NUMBER) == 4, "ntddndis.h types");
_Static_assert(ERROR_NO_MORE_ITEMS == 259 && ERROR_FILENAME_EXCED_RANGE == 206 && ERROR_BAD_NETPATH == 53,
               "winerror.h values");
#ifdef NK_SHORT_WCHAR
_Static_assert(sizeof(wchar_t) == 2, "built with -fshort-wchar");
#else
_Static_assert(sizeof(wchar_t) == 4, "built without -fshort-wchar");
#endif

#include <pshpack1.h>
typedef struct {
    UCHAR A;
    ULONG B;
} PACKED1;
#include <poppack.h>
typedef struct {
    UCHAR A;
    ULONG B;
} UNPACKED;
_Static_assert(sizeof(PACKED1) == 5 && sizeof(UNPACKED) == 8, "pshpack1.h and poppack.h pair up");

/* SAL annotations, old and new, compile to nothing. */
static _Success_(return != 0) BOOL Annotated(_In_reads_bytes_(n) const void *p, _In_ SIZE_T n,
                                              _Out_writes_(1) PULONG out, __in int a, __out int *b)
{
    (void)p;
    *out = (ULONG)n;
    *b = a;
    return TRUE;
}

/* A tool's own printf-like function keeps its format checking: windows.h's
 * printf must not turn the archetype's name into something else. */
static int __attribute__((format(printf, 1, 2))) Logged(const char *Format, ...);
static int Logged(const char *Format, ...)
{
    return Format[0];
}

/* Everything printed through the windows.h printf family, as text. */
static char *Printed(const char *Format, ...)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    va_list ap;
    int n;

    assert_non_null(f);
    va_start(ap, Format);
    n = vfprintf(f, Format, ap);
    va_end(ap);
    fclose(f);
    assert_int_equal(n, (int)strlen(text));
    return text;
}

#define assert_printed(expected, ...)                   \
    do {                                                \
        char *t_ = Printed(__VA_ARGS__);                \
        assert_string_equal(t_, expected);              \
        free(t_);                                       \
    } while (0)

static void test_types_and_annotations(void **state)
{
    ULONG out = 0;
    int b = 0;
    (void)state;
    assert_true(Annotated("x", 7, &out, 3, &b));
    assert_int_equal(out, 7);
    assert_int_equal(b, 3);
    assert_int_equal(htons(0x1234), 0x3412);
    assert_int_equal(ntohs(htons(0x8e88)), 0x8e88);
    assert_true(FAILED(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)));
    assert_int_equal((uint32_t)HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), 0x80070005u);
    assert_true(SUCCEEDED(S_OK));
    assert_int_equal(Logged("%d", 1), '%');
}

static void test_printf_wide(void **state)
{
    static const WCHAR name[] = {'\\', 'D', 'E', 'V', 'I', 'C', 'E', '\\', 'l', 'o', '0', 0};
    static const WCHAR accents[] = {'c', 0xE9, 0xD83D, 0xDE00, 0}; /* c, e-acute, U+1F600 */
    static const WCHAR lone[] = {'a', 0xD800, 'b', 0};
    int count = -1;
    long long big = -5000000000LL;
    (void)state;

    assert_printed("\\DEVICE\\lo0", "%ws", name);
    assert_printed(" 0. \\DEVICE\\lo0\n     - \\DEVICE\\lo0\n", "%2d. %ws\n     - %ws\n", 0, name, name);
    assert_printed("[\\DEVICE\\lo0]", "[%S]", name);
    assert_printed("c\xC3\xA9\xF0\x9F\x98\x80", "%ws", accents);
    assert_printed("a\xEF\xBF\xBD" "b", "%ws", lone);
    assert_printed("(null)", "%ws", (const WCHAR *)NULL);
    /* Width counts characters, precision UTF-16 units read. */
    assert_printed("   c\xC3\xA9|", "%5.2ws|", accents);
    assert_printed("\\DE  |", "%-5.3ws|", name);
    assert_printed("\\DE|", "%.*ws|", 3, name);
    assert_printed("x=A y=\xC3\xA9", "x=%wc y=%C", (WCHAR)'A', (WCHAR)0xE9);
    assert_printed("narrow narrow", "%hs %hS", "narrow", "narrow");
    /* MSVC's size prefixes. */
    assert_printed("-5000000000 ffffffff 18446744073709551615 7", "%I64d %I32x %Iu %ws%d", big, 0xFFFFFFFFu,
                   (size_t)-1, (const WCHAR *)u"", 7);
    /* Everything else is glibc's, mixed in. */
    assert_printed("0x1f|  3.50|-7 |%|ab", "%#x|%6.2f|%-3d|%%|%.2s", 31, 3.5, -7, "abc");
    assert_printed("ab\\DEVICE\\lo0", "ab%ws%n", name, &count);
    assert_int_equal(count, 13);
    /* No Microsoft conversion: straight to glibc. */
    assert_printed("plain 42 str", "plain %d %s", 42, "str");
    /* Not a conversion: printed as written. */
    assert_printed("%y 5 \\DE", "%y %d %.3ws", 5, name);
}

/* The rows Wine's msvcrt agrees with (wine.printf_table), through printf's
 * path into a stream and snprintf's into a buffer. */
static void test_printf_table(void **state)
{
    char buffer[256];
    (void)state;
#define W(s) u##s
#define ROW(expected, ...)                                                      \
    do {                                                                        \
        char *t_ = Printed(__VA_ARGS__);                                        \
        if (strcmp(t_, (expected)) != 0)                                        \
            fail_msg("%s: \"%s\", expected \"%s\"", #__VA_ARGS__, t_, (expected)); \
        free(t_);                                                               \
        assert_int_equal(snprintf(buffer, sizeof(buffer), __VA_ARGS__), (int)strlen(expected)); \
        assert_string_equal(buffer, (expected));                                \
    } while (0);
    NK_PRINTF_TABLE(ROW)
#undef ROW
#undef W
}

static void test_sprintf_family(void **state)
{
    static const WCHAR name[] = {'l', 'o', '0', 0};
    char buf[16], tiny[5];
    (void)state;

    memset(buf, 'z', sizeof(buf));
    assert_int_equal(sprintf(buf, "[%ws] %d", name, 42), 8);
    assert_string_equal(buf, "[lo0] 42");
    assert_int_equal(snprintf(tiny, sizeof(tiny), "%S-%S", name, name), 7); /* the whole length */
    assert_string_equal(tiny, "lo0-");
    assert_int_equal(snprintf(NULL, 0, "%ws", name), 3);
    assert_int_equal(snprintf(tiny, sizeof(tiny), "%d", 123456), 6); /* glibc's path */
    assert_string_equal(tiny, "1234");
    assert_int_equal(sprintf_s(buf, sizeof(buf), "%ws:%I64u", name, (unsigned long long)7), 5);
    assert_string_equal(buf, "lo0:7");
    assert_int_equal(sprintf_s(tiny, sizeof(tiny), "%ws%ws", name, name), -1);
    assert_string_equal(tiny, "");
    assert_int_equal(sprintf_s(tiny, sizeof(tiny), "%ws!", name), 4);
    assert_string_equal(tiny, "lo0!");
}

static void test_sscanf_s(void **state)
{
    unsigned mac[6] = {0};
    char word[8], chars[3], set[8];
    int n = -1, a = 0;
    (void)state;

    /* prottest's -m parsing. */
    assert_int_equal(sscanf_s("02:1a:ff:00:9:c", "%2x:%2x:%2x:%2x:%2x:%2x", &mac[0], &mac[1], &mac[2], &mac[3],
                              &mac[4], &mac[5]),
                     6);
    assert_int_equal(mac[1], 0x1a);
    assert_int_equal(mac[2], 0xff);
    assert_int_equal(mac[5], 0xc);
    assert_int_equal(sscanf_s("02:zz", "%2x:%2x", &mac[0], &mac[1]), 1);
    assert_int_equal(sscanf_s("", "%d", &a), EOF);
    assert_int_equal(sscanf_s("   ", "%d", &a), EOF);
    /* Sizes follow %s, %c and %[ pointers. */
    assert_int_equal(sscanf_s("hello 12", "%s %d", word, (unsigned)sizeof(word), &a), 2);
    assert_string_equal(word, "hello");
    assert_int_equal(a, 12);
    assert_int_equal(sscanf_s("abc", "%2c", chars, (unsigned)sizeof(chars)), 1);
    assert_memory_equal(chars, "ab", 2);
    assert_int_equal(sscanf_s("xyz123", "%[a-z]%n", set, (unsigned)sizeof(set), &n), 1);
    assert_string_equal(set, "xyz");
    assert_int_equal(n, 3);
    /* Too long for the buffer: emptied, the scan ends there. */
    memset(word, 'q', sizeof(word));
    a = 99;
    assert_int_equal(sscanf_s("abcdefghij 5", "%s %d", word, (unsigned)sizeof(word), &a), 0);
    assert_int_equal(word[0], '\0');
    assert_int_equal(a, 99);
    /* What was read must fit, not the width: msvcrt takes %5c of "abc" into
     * 3 bytes; 4 characters do not fit. */
    memset(chars, 'q', sizeof(chars));
    assert_int_equal(sscanf_s("abc", "%5c", chars, (unsigned)sizeof(chars)), 1);
    assert_memory_equal(chars, "abc", 3);
    assert_int_equal(sscanf_s("abcd", "%5c", chars, (unsigned)sizeof(chars)), 0);
    assert_int_equal(chars[0], '\0');
    /* Suppression, literals, %%. */
    assert_int_equal(sscanf_s("skip 7%", "%*s %d%%", &a), 1);
    assert_int_equal(a, 7);
    assert_int_equal(sscanf_s("x", "%s", (char *)NULL, 4u), 0);
    /* %n stores through the size its length modifier names: %hhn one byte, %lln eight. */
    {
        struct {
            signed char c;
            char guard[7];
        } small;
        short h = -1;
        long long ll = -1;
        memset(&small, 'G', sizeof(small));
        assert_int_equal(sscanf_s("abc de", "%*s%hhn %*s%hn%lln", &small.c, &h, &ll), 0);
        assert_int_equal(small.c, 3);
        assert_memory_equal(small.guard, "GGGGGGG", 7);
        assert_int_equal(h, 6);
        assert_true(ll == 6);
    }
}

/* sscanf_s reads what users type (prottest's -m): random input against
 * formats with sized fields must never write past a buffer (ASan watches)
 * and must leave every string field terminated. */
static void test_sscanf_s_random_input(void **state)
{
    static const char *const formats[] = {"%2x:%2x:%2x:%2x:%2x:%2x", "%s %d", "%3c%n", "%[a-f0-9:]%n %s",
                                          "%*s %5s", "%d%%%x", "%9[^:]:%s"};
    static const char alphabet[] = "0123456789abcdefxyz: %-\t\n[]^";
    uint32_t seed = 12345;
    int converted = 0;
    (void)state;

    for (int round = 0; round < 20000; round++) {
        char input[40], *a = malloc(4), *b = malloc(6);
        unsigned u[6];
        int n = 0, d = 0;
        size_t len;
        assert_non_null(a);
        assert_non_null(b);
        seed = seed * 1103515245u + 12345u;
        len = (seed >> 16) % sizeof(input);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            input[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        input[len] = '\0';
        memset(a, 'q', 4);
        memset(b, 'q', 6);
        switch (round % 7) {
        case 0: converted += sscanf_s(input, formats[0], &u[0], &u[1], &u[2], &u[3], &u[4], &u[5]) > 0; break;
        case 1: converted += sscanf_s(input, formats[1], a, 4u, &d) > 0; break;
        case 2: converted += sscanf_s(input, formats[2], a, 4u, &n) > 0; break;
        case 3: converted += sscanf_s(input, formats[3], a, 4u, &n, b, 6u) > 0; break;
        case 4: converted += sscanf_s(input, formats[4], b, 6u) > 0; break;
        case 5: converted += sscanf_s(input, formats[5], &d, &u[0]) > 0; break;
        case 6: converted += sscanf_s(input, formats[6], a, 4u, b, 6u) > 0; break;
        }
        /* A string field is either untouched or terminated within its buffer. */
        if (round % 7 != 2)
            assert_true(memchr(a, 'q', 4) == a || memchr(a, '\0', 4) != NULL);
        free(a);
        free(b);
    }
    assert_true(converted > 2000); /* the inputs do reach the conversions */
}

/* With no server at all, every form of CreateFileW reaches the library
 * and fails the way Windows does with no such device. */
static void test_createfilew_forms(void **state)
{
    WCHAR buffer[] = {'\\', '\\', '.', '\\', 'N', 'o', 'n', 'e', 0};
    WCHAR longName[1100];
    HANDLE h;
    (void)state;

    setenv("NDISKIT_HOST_SOCKET", "/nonexistent-ndiskit-test/socket", 1);
    h = CreateFileW(L"\\\\.\\None", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_equal(h, INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_FILE_NOT_FOUND);
    h = CreateFileW(buffer, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_equal(h, INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_FILE_NOT_FOUND);
    h = CreateFileW(NULL, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_equal(h, INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    for (size_t i = 0; i < 1099; i++)
        longName[i] = 'x';
    longName[1099] = 0;
    h = CreateFileW(longName, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_ptr_equal(h, INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), ERROR_FILENAME_EXCED_RANGE);
}

/* CreateFile's paths as Windows makes NT paths of them (ntpath.c), or the
 * error CreateFile fails with before any lookup: ntpath_table.h, which
 * wine.ntpath_table checks against Wine. */
static void test_win32_paths(void **state)
{
#define NK_ROW(path, nt, error, wine) {path, nt, error},
    static const struct {
        const char *Path;
        const char *Nt; /* NULL: fails with Error */
        uint32_t Error;
    } rows[] = {NK_NTPATH_TABLE(NK_ROW)};
#undef NK_ROW
    uint16_t in[64], out[64];
    (void)state;

    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        size_t n = strlen(rows[r].Path), got = 99;
        uint32_t e;
        for (size_t i = 0; i < n; i++)
            in[i] = (unsigned char)rows[r].Path[i];
        e = NkWin32PathToNt(in, n, out, 64, &got);
        if (rows[r].Nt == NULL) {
            if (e != rows[r].Error)
                fail_msg("%s: error %u, expected %u", rows[r].Path, (unsigned)e, (unsigned)rows[r].Error);
            assert_int_equal(got, 0);
            continue;
        }
        if (e != 0)
            fail_msg("%s: error %u, expected %s", rows[r].Path, (unsigned)e, rows[r].Nt);
        char text[64];
        for (size_t i = 0; i < got; i++)
            text[i] = (char)out[i];
        text[got] = '\0';
        if (strcmp(text, rows[r].Nt) != 0)
            fail_msg("%s: %s, expected %s", rows[r].Path, text, rows[r].Nt);
    }

    /* Capacity: the result must fit, whatever its form. */
    {
        static const char *const fits[] = {"\\\\.\\abcdef", "\\\\?\\abcdef", "\\\\.\\abc\\"};
        for (size_t r = 0; r < 3; r++) {
            size_t n = strlen(fits[r]), got;
            for (size_t i = 0; i < n; i++)
                in[i] = (unsigned char)fits[r][i];
            for (size_t cap = 0; cap < 12; cap++) {
                uint32_t e = NkWin32PathToNt(in, n, out, cap, &got);
                size_t need = r == 2 ? 8 : 10;
                assert_int_equal(e, cap >= need ? ERROR_SUCCESS : ERROR_FILENAME_EXCED_RANGE);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types_and_annotations),
        cmocka_unit_test(test_printf_wide),
        cmocka_unit_test(test_printf_table),
        cmocka_unit_test(test_sprintf_family),
        cmocka_unit_test(test_sscanf_s),
        cmocka_unit_test(test_sscanf_s_random_input),
        cmocka_unit_test(test_createfilew_forms),
        cmocka_unit_test(test_win32_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
