/*
 * printf_table.h - Microsoft's printf conversions the client library's
 * printf family implements (crt.c), with what Microsoft's C runtime prints:
 *
 *   X(expected, format, arguments...)
 *
 * The includer defines W(s), a WCHAR string literal (u"" on Linux, L"" on
 * Windows).  ASCII only: MSVC prints WCHAR text in the locale's code page,
 * the library in UTF-8, which agree on ASCII.  Used by tests/host/
 * test_client.c against the library and by tests/wine/printf_check.c
 * against msvcrt's _snprintf under Wine (wine.printf_table).
 */
#define NK_PRINTF_TABLE(X)                                                              \
    X("[lo0]", "[%ws]", W("lo0"))                                                       \
    X("[lo0]", "[%S]", W("lo0"))                                                        \
    X("  lo0|", "%5ws|", W("lo0"))                                                      \
    X("lo0  |", "%-5ws|", W("lo0"))                                                     \
    X("lo|", "%.2ws|", W("lo0"))                                                        \
    X("   lo|", "%5.2ws|", W("lo0"))                                                    \
    X("lo|", "%.*ws|", 2, W("lo0"))                                                     \
    X("  lo|", "%*.*ws|", 4, 2, W("lo0"))                                               \
    X("lo0  |", "%*ws|", -5, W("lo0"))                                                  \
    X(" 0. lo0\n     - in-memory lo0\n", "%2d. %ws\n     - %ws\n", 0, W("lo0"),         \
      W("in-memory lo0"))                                                               \
    X("A|B", "%wc|%C", (WCHAR)'A', (WCHAR)'B')                                          \
    X("  A|", "%3wc|", (WCHAR)'A')                                                      \
    X("narrow|n|NARROW", "%hs|%hc|%hS", "narrow", 'n', "NARROW")                        \
    X("-5000000000", "%I64d", -5000000000LL)                                            \
    X("ffffffff|7", "%I32x|%I32d", 0xFFFFFFFFu, 7)                                      \
    X("18446744073709551615", "%I64u", 18446744073709551615ULL)                         \
    X("42 lo0 7", "%Iu %ws %d", (size_t)42, W("lo0"), 7)                                \
    X("0x1f|  3.50|-7 |%|ab", "%#x|%6.2f|%-3d|%%|%.2s", 31, 3.5, -7, "abc")             \
    X("(null)", "%ws", (const WCHAR *)0)
