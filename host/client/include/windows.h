/*
 * windows.h - the Win32 subset a user-mode tool uses to talk to a driver,
 * for Linux builds of such tools against `ndiskit host run`.
 *
 * A tool written for Windows (CreateFile on \\.\Name, DeviceIoControl,
 * ReadFile, WriteFile, CloseHandle, GetLastError) builds here unchanged and
 * talks to the driver the host kernel runs.  Types have their Win32 sizes
 * (DWORD and ULONG are 32 bits here too).  Only synchronous I/O: an
 * OVERLAPPED argument fails with ERROR_NOT_SUPPORTED.
 *
 * WCHAR is 16 bits, as on Windows, because tools exchange WCHAR buffers
 * with drivers (names, bindings) that are UTF-16.  Built with
 * -fshort-wchar, wchar_t is that same type and L"..." is UTF-16; without
 * it wchar_t is 32 bits, and CreateFileW still takes an L"..." literal
 * (converted on the way in), but a WCHAR buffer is not a wchar_t one.
 *
 * printf, fprintf, sprintf, snprintf (and their v forms) and sprintf_s
 * understand Microsoft's %ws, %S, %wc and %C (a WCHAR string or character,
 * printed as UTF-8) and its I64/I32/I size prefixes; everything else is
 * glibc's.  %ls and %lc stay glibc's (wchar_t), and so do wprintf and the
 * other wide-format functions.  sscanf_s takes Microsoft's buffer sizes
 * after %s, %c and %[ arguments.  MSVC's #pragma warning and #pragma prefast are
 * unknown to gcc and clang: at most a warning (-Wunknown-pragmas), never
 * an error.
 */
#ifndef NDISKIT_CLIENT_WINDOWS_H
#define NDISKIT_CLIENT_WINDOWS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <sal.h>
#include <winerror.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int BOOL, *PBOOL, *LPBOOL;
typedef int INT, *PINT, *LPINT;
typedef uint8_t BYTE, UCHAR, BOOLEAN, *PUCHAR, *LPBYTE, *PBYTE, *PBOOLEAN;
typedef int16_t SHORT, *PSHORT;
typedef uint16_t WORD, USHORT, *PUSHORT, *PWORD, *LPWORD;
typedef uint32_t DWORD, ULONG, UINT, *PDWORD, *LPDWORD, *PULONG, *PUINT;
typedef int32_t LONG, *PLONG, *LPLONG;
typedef int64_t LONGLONG, LONG64, *PLONGLONG;
typedef uint64_t ULONGLONG, ULONG64, DWORD64, *PULONGLONG;
typedef intptr_t INT_PTR, LONG_PTR, *PINT_PTR, *PLONG_PTR;
typedef uintptr_t UINT_PTR, ULONG_PTR, DWORD_PTR, *PUINT_PTR, *PULONG_PTR;
typedef size_t SIZE_T, *PSIZE_T;
typedef ptrdiff_t SSIZE_T;
typedef float FLOAT;
typedef char CHAR, *PCHAR, *LPCH, *PCH;
typedef uint16_t WCHAR, *PWCHAR, *LPWCH, *PWCH;
typedef void VOID, *PVOID, *LPVOID, *HANDLE, **PHANDLE;
typedef const void *LPCVOID, *PCVOID;
typedef char *LPSTR, *PSTR, *PZZSTR;
typedef const char *LPCSTR, *PCSTR, *PCZZSTR;
typedef WCHAR *LPWSTR, *PWSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR;
typedef int32_t HRESULT;
#ifdef UNICODE
typedef WCHAR TCHAR, *PTCHAR;
typedef LPWSTR LPTSTR, PTSTR;
typedef LPCWSTR LPCTSTR, PCTSTR;
#else
typedef char TCHAR, *PTCHAR;
typedef LPSTR LPTSTR, PTSTR;
typedef LPCSTR LPCTSTR, PCTSTR;
#endif

#if defined(__WCHAR_MAX__) && __WCHAR_MAX__ <= 0xFFFF
_Static_assert(sizeof(wchar_t) == sizeof(WCHAR), "a 16-bit wchar_t is WCHAR");
#endif

/* Calling conventions and MSVC keywords: nothing to say on x86-64 Linux
 * (clang's -fms-extensions knows them itself). */
#ifndef _MSC_EXTENSIONS
#define __cdecl
#define __stdcall
#define __fastcall
#define __forceinline inline __attribute__((always_inline))
/* __declspec(align(n)), (noreturn), (noinline), (deprecated), (selectany),
 * (thread), (dllimport), (dllexport). */
#define __declspec(x) NK_DECLSPEC_##x
#ifndef NK_DECLSPEC_align /* a build may give it MSVC's meaning for scalars: see README */
#define NK_DECLSPEC_align(n) __attribute__((aligned(n)))
#endif
#define NK_DECLSPEC_noreturn __attribute__((noreturn))
#define NK_DECLSPEC_noinline __attribute__((noinline))
#define NK_DECLSPEC_deprecated __attribute__((deprecated))
#define NK_DECLSPEC_selectany __attribute__((weak))
#define NK_DECLSPEC_thread _Thread_local
#define NK_DECLSPEC_dllimport
#define NK_DECLSPEC_dllexport __attribute__((visibility("default")))
#endif
#define CALLBACK
#define APIENTRY
#define WINAPIV
#define CONST const
#define IN
#define OUT
#define OPTIONAL
#define UNREFERENCED_PARAMETER(p) ((void)(p))

/* What HeapAlloc and malloc align to on x64 Windows. */
#define MEMORY_ALLOCATION_ALIGNMENT 16
#define MAX_PATH 260
#define ARRAYSIZE(a) (sizeof(a) / sizeof((a)[0]))
#if !defined(NOMINMAX) && !defined(min)
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#if !defined(NOMINMAX) && !defined(max)
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#ifdef UNICODE
#define TEXT(s) u##s
#else
#define TEXT(s) s
#endif

#define WINAPI
#define TRUE 1
#define FALSE 0
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)

typedef struct _OVERLAPPED {
    uintptr_t Internal;
    uintptr_t InternalHigh;
    DWORD Offset;
    DWORD OffsetHigh;
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/* CreateFile arguments (accepted; the host does no access checks beyond
 * the server socket's permissions). */
#define GENERIC_READ 0x80000000u
#define GENERIC_WRITE 0x40000000u
#define GENERIC_EXECUTE 0x20000000u
#define GENERIC_ALL 0x10000000u
#define FILE_SHARE_READ 0x1u
#define FILE_SHARE_WRITE 0x2u
#define FILE_SHARE_DELETE 0x4u
#define CREATE_NEW 1
#define CREATE_ALWAYS 2
#define OPEN_EXISTING 3
#define OPEN_ALWAYS 4
#define TRUNCATE_EXISTING 5
#define FILE_ATTRIBUTE_NORMAL 0x80u
#define FILE_FLAG_OVERLAPPED 0x40000000u

/* Opens a device as Windows does: the Win32 path is made an NT path
 * (\\.\Name and //./Name become \??\Name, separators collapsed, "." and
 * ".." applied, trailing dots and spaces dropped; \\?\Name is taken as
 * is), which the host kernel looks up like the object manager (\??\ and
 * \GLOBAL??\ links, \??\Global\, \??\GLOBALROOT\Device\X, case-blind).
 * An empty component or no name (\\.\) is ERROR_INVALID_NAME.  There is
 * no file system: a file path fails with ERROR_FILE_NOT_FOUND, or
 * ERROR_PATH_NOT_FOUND when a directory is named too (and for ""), a UNC
 * path with ERROR_BAD_NETPATH (host/client/ntpath_table.h). */
HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
BOOL WINAPI CloseHandle(HANDLE hObject);
BOOL WINAPI DeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode, LPVOID lpInBuffer, DWORD nInBufferSize,
                            LPVOID lpOutBuffer, DWORD nOutBufferSize, LPDWORD lpBytesReturned,
                            LPOVERLAPPED lpOverlapped);
BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead, LPDWORD lpNumberOfBytesRead,
                     LPOVERLAPPED lpOverlapped);
BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                      LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);
DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);
void WINAPI Sleep(DWORD dwMilliseconds);

/* What Windows' RtlNtStatusToDosError gives for the statuses drivers
 * complete requests with (ERROR_MR_MID_NOT_FOUND for the rest). */
ULONG WINAPI RtlNtStatusToDosError(LONG Status);

/* CreateFileW with an L"..." string while wchar_t is 32 bits (no
 * -fshort-wchar): the name is converted to UTF-16 first.  The macro picks
 * it by the argument's type, so CreateFileW(L"\\\\.\\X", ...) and
 * CreateFileW(aWcharBuffer, ...) both work. */
HANDLE WINAPI NkCreateFileWFromWchar(const wchar_t *lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                                     LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                                     DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
#if !defined(__cplusplus) && defined(__WCHAR_MAX__) && __WCHAR_MAX__ > 0xFFFF
#define CreateFileW(Name, ...)                                                                           \
    _Generic((Name), wchar_t *: NkCreateFileWFromWchar, const wchar_t *: NkCreateFileWFromWchar, \
             default: CreateFileW)(Name, __VA_ARGS__)
#endif

/* printf, fprintf, sprintf, snprintf and their v forms with Microsoft's
 * conversions (see the top of this file): a tool's printf("%ws\n", name)
 * prints a WCHAR string.  <stdio.h> is included above, so the tool's own
 * later #include <stdio.h> cannot undo these. */
int NkPrintf(const char *Format, ...);
int NkFprintf(FILE *Stream, const char *Format, ...);
int NkVprintf(const char *Format, va_list Args);
int NkVfprintf(FILE *Stream, const char *Format, va_list Args);
int NkSprintf(char *Buffer, const char *Format, ...);
int NkSnprintf(char *Buffer, size_t Size, const char *Format, ...);
int NkVsprintf(char *Buffer, const char *Format, va_list Args);
int NkVsnprintf(char *Buffer, size_t Size, const char *Format, va_list Args);
#undef printf
#undef fprintf
#undef vprintf
#undef vfprintf
#undef sprintf
#undef snprintf
#undef vsprintf
#undef vsnprintf
/* Function-like, so that a tool's __attribute__((format(printf, 1, 2)))
 * still names glibc's archetype. */
#define printf(...) NkPrintf(__VA_ARGS__)
#define fprintf(...) NkFprintf(__VA_ARGS__)
#define vprintf(...) NkVprintf(__VA_ARGS__)
#define vfprintf(...) NkVfprintf(__VA_ARGS__)
#define sprintf(...) NkSprintf(__VA_ARGS__)
#define snprintf(...) NkSnprintf(__VA_ARGS__)
#define vsprintf(...) NkVsprintf(__VA_ARGS__)
#define vsnprintf(...) NkVsnprintf(__VA_ARGS__)

/* Microsoft's sprintf_s (same conversions): text that does not fit with
 * its terminator leaves the buffer empty and returns -1. */
int sprintf_s(char *Buffer, size_t Size, const char *Format, ...);

/* Microsoft's sscanf_s: after the pointer of each %s, %c or %[ comes the
 * buffer's size in characters (unsigned).  A field that does not fit
 * leaves the buffer empty and ends the scan, as there. */
int sscanf_s(const char *Buffer, const char *Format, ...);

#ifdef UNICODE
#define CreateFile CreateFileW
#else
#define CreateFile CreateFileA
#endif

#ifdef __cplusplus
}
#endif

#endif
