/*
 * ntstatus_map.h - the NTSTATUS -> Win32 error mapping of the statuses
 * drivers complete I/O with, as Windows' RtlNtStatusToDosError does it.
 *
 * One X-macro list, NK_STATUS_MAP(status, win32 error, name), used by the
 * client library (win32.c) and by tests/wine/ntstatus_check.c, which runs
 * under Wine and compares every row with ntdll's RtlNtStatusToDosError.
 * Any status not listed maps to ERROR_MR_MID_NOT_FOUND (317), as there.
 */
#define NK_STATUS_MAP_LIST(X)                                  \
    X(0x00000102u, 1460u, STATUS_TIMEOUT)                      \
    X(0x00000103u, 997u, STATUS_PENDING)                       \
    X(0x80000005u, 234u, STATUS_BUFFER_OVERFLOW)               \
    X(0x80000006u, 18u, STATUS_NO_MORE_FILES)                  \
    X(0x80000011u, 170u, STATUS_DEVICE_BUSY)                   \
    X(0x8000001Au, 259u, STATUS_NO_MORE_ENTRIES)               \
    X(0xC0000001u, 31u, STATUS_UNSUCCESSFUL)                   \
    X(0xC0000002u, 1u, STATUS_NOT_IMPLEMENTED)                 \
    X(0xC0000004u, 24u, STATUS_INFO_LENGTH_MISMATCH)           \
    X(0xC0000005u, 998u, STATUS_ACCESS_VIOLATION)              \
    X(0xC0000008u, 6u, STATUS_INVALID_HANDLE)                  \
    X(0xC000000Du, 87u, STATUS_INVALID_PARAMETER)              \
    X(0xC000000Eu, 433u, STATUS_NO_SUCH_DEVICE)                \
    X(0xC000000Fu, 2u, STATUS_NO_SUCH_FILE)                    \
    X(0xC0000010u, 1u, STATUS_INVALID_DEVICE_REQUEST)          \
    X(0xC0000011u, 38u, STATUS_END_OF_FILE)                    \
    X(0xC0000013u, 21u, STATUS_NO_MEDIA_IN_DEVICE)             \
    X(0xC0000017u, 8u, STATUS_NO_MEMORY)                       \
    X(0xC0000022u, 5u, STATUS_ACCESS_DENIED)                   \
    X(0xC0000023u, 122u, STATUS_BUFFER_TOO_SMALL)              \
    X(0xC0000024u, 6u, STATUS_OBJECT_TYPE_MISMATCH)            \
    X(0xC0000033u, 123u, STATUS_OBJECT_NAME_INVALID)           \
    X(0xC0000034u, 2u, STATUS_OBJECT_NAME_NOT_FOUND)           \
    X(0xC0000035u, 183u, STATUS_OBJECT_NAME_COLLISION)         \
    X(0xC000003Au, 3u, STATUS_OBJECT_PATH_NOT_FOUND)           \
    X(0xC0000043u, 32u, STATUS_SHARING_VIOLATION)              \
    X(0xC0000056u, 5u, STATUS_DELETE_PENDING)                  \
    X(0xC0000095u, 534u, STATUS_INTEGER_OVERFLOW)              \
    X(0xC000009Au, 1450u, STATUS_INSUFFICIENT_RESOURCES)       \
    X(0xC000009Du, 1167u, STATUS_DEVICE_NOT_CONNECTED)         \
    X(0xC00000A3u, 21u, STATUS_DEVICE_NOT_READY)               \
    X(0xC00000B5u, 121u, STATUS_IO_TIMEOUT)                    \
    X(0xC00000BBu, 50u, STATUS_NOT_SUPPORTED)                  \
    X(0xC00000C0u, 55u, STATUS_DEVICE_DOES_NOT_EXIST)          \
    X(0xC00000E8u, 1784u, STATUS_INVALID_USER_BUFFER)          \
    X(0xC0000120u, 995u, STATUS_CANCELLED)                     \
    X(0xC0000184u, 22u, STATUS_INVALID_DEVICE_STATE)           \
    X(0xC0000185u, 1117u, STATUS_IO_DEVICE_ERROR)              \
    X(0xC0000206u, 1784u, STATUS_INVALID_BUFFER_SIZE)          \
    X(0xC000020Cu, 64u, STATUS_CONNECTION_DISCONNECTED)        \
    X(0xC000020Du, 64u, STATUS_CONNECTION_RESET)               \
    X(0xC0000225u, 1168u, STATUS_NOT_FOUND)                    \
    X(0xC0000236u, 1225u, STATUS_CONNECTION_REFUSED)           \
    X(0xC000023Cu, 1231u, STATUS_NETWORK_UNREACHABLE)          \
    X(0xC0000241u, 1236u, STATUS_CONNECTION_ABORTED)         \
    X(0xC00002B6u, 1617u, STATUS_DEVICE_REMOVED)
