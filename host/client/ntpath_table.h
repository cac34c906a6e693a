/*
 * ntpath_table.h - what CreateFile makes of a path, one row per case:
 *
 *   X(path, nt, error, wine)
 *     path   the Win32 path (ASCII)
 *     nt     the NT path the client library sends (NULL: it fails first)
 *     error  the Win32 error it fails with then (0 when nt is given)
 *     wine   1: Wine agrees - its ntdll's RtlDosPathNameToNtPathName_U gives
 *            nt, or its CreateFileA fails with error;  0: not comparable
 *            there (Wine has no network, so UNC paths fail differently)
 *
 * Used by tests/host/test_client.c against the library (NkWin32PathToNt)
 * and by tests/wine/ntpath_check.c against Wine (wine.ntpath_table).
 */
#define NK_NTPATH_TABLE(X)                                                                 \
    X("\\\\.\\NdisProt", "\\??\\NdisProt", 0, 1)                                          \
    X("\\\\.\\\\NdisProt", "\\??\\NdisProt", 0, 1) /* prottest's doubled separator */     \
    X("\\\\.\\\\\\NdisProt", "\\??\\NdisProt", 0, 1)                                      \
    X("//./NdisProt", "\\??\\NdisProt", 0, 1)                                             \
    X("\\/.\\NdisProt", "\\??\\NdisProt", 0, 1)                                           \
    X("//?/NdisProt", "\\??\\NdisProt", 0, 1) /* only \\?\ exactly is verbatim */         \
    X("\\\\?\\NdisProt", "\\??\\NdisProt", 0, 1)                                          \
    X("\\\\?\\\\NdisProt", "\\??\\\\NdisProt", 0, 1)                                      \
    X("\\\\?\\Ndis/Prot. ", "\\??\\Ndis/Prot. ", 0, 1)                                    \
    X("\\\\.\\ndisprot", "\\??\\ndisprot", 0, 1) /* case is the lookup's business */      \
    X("\\\\.\\Global\\NdisProt", "\\??\\Global\\NdisProt", 0, 1)                          \
    X("\\\\.\\GLOBALROOT\\Device\\NdisProt", "\\??\\GLOBALROOT\\Device\\NdisProt", 0, 1)  \
    X("\\\\?\\GLOBALROOT\\Device\\NdisProt", "\\??\\GLOBALROOT\\Device\\NdisProt", 0, 1)  \
    X("\\\\.\\NdisProt.", "\\??\\NdisProt", 0, 1)                                         \
    X("\\\\.\\NdisProt. . ", "\\??\\NdisProt", 0, 1)                                      \
    X("\\\\.\\NdisProt\\", "\\??\\NdisProt\\", 0, 1)                                      \
    X("\\\\.\\NdisProt//", "\\??\\NdisProt\\", 0, 1)                                      \
    X("\\\\.\\X\\..\\NdisProt", "\\??\\NdisProt", 0, 1)                                   \
    X("\\\\.\\..\\..\\NdisProt", "\\??\\NdisProt", 0, 1) /* never above \\.\ */           \
    X("\\\\.\\.\\NdisProt\\.", "\\??\\NdisProt", 0, 1)                                    \
    X("\\\\.\\a.\\b", "\\??\\a\\b", 0, 1)                                                 \
    X("\\\\.\\a...\\b", "\\??\\a..\\b", 0, 1)                                             \
    X("\\\\.\\C:\\x", "\\??\\C:\\x", 0, 1)                                                \
    X("", NULL, 3 /* ERROR_PATH_NOT_FOUND */, 1)                                          \
    X("\\\\.", NULL, 123 /* ERROR_INVALID_NAME */, 1)                                     \
    X("\\\\.\\", NULL, 123, 1)                                                            \
    X("\\\\.\\\\", NULL, 123, 1)                                                          \
    X("\\\\.\\..", NULL, 123, 1)                                                          \
    X("\\\\?\\", NULL, 123, 1)                                                            \
    X("NdisProt", NULL, 2 /* ERROR_FILE_NOT_FOUND */, 1)                                  \
    X("C:\\NdisProt", NULL, 2, 1)                                                         \
    X("\\NdisProt", NULL, 2, 1)                                                           \
    X("C:\\dir\\file", NULL, 3, 1)                                                        \
    X("dir/file", NULL, 3, 1)                                                             \
    X("\\Device\\NdisProt", NULL, 3, 1) /* an NT path is not a Win32 one */               \
    X("\\\\server\\share", NULL, 53 /* ERROR_BAD_NETPATH */, 0)                           \
    X("\\\\.NdisProt", NULL, 53, 0)                                                       \
    X("\\\\", NULL, 53, 0)
