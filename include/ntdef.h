/*
 * ntdef.h - NT base types for ndiskit (clean-room, written from the Windows
 * data-type and kernel reference documentation).
 *
 * Two targets, one layout:
 *  - Windows kernel (--target=x86_64-pc-windows-msvc): the types are exactly
 *    the WDK's (ULONG is unsigned long, WCHAR is wchar_t, ...), so WDK-style
 *    sources compile unchanged.
 *  - Host (x86_64 Linux, gcc or clang; NDISKIT_HOST): the same sizes and
 *    alignments from fixed-width types.  ULONG is 32 bits although Linux's
 *    long is 64.  WCHAR is wchar_t too, which requires -fshort-wchar so that
 *    L"..." literals are UTF-16 code units; the build passes it everywhere
 *    these headers are used, and the assertion below catches a build that
 *    does not.  Structures with bit-fields are marked NDISKIT_MS_STRUCT so
 *    they get the Microsoft bit-field layout on the host as well.
 *
 * CI proves every declared layout against the WDK's (tests/abi).
 */
#ifndef NDISKIT_NTDEF_H
#define NDISKIT_NTDEF_H

#include <stddef.h> /* wchar_t; freestanding, no CRT */
#include <driverspecs.h>

#if defined(_WIN64) && defined(_MSC_VER)
#define NDISKIT_WINDOWS 1
#elif defined(__x86_64__) && defined(__linux__)
#ifndef NDISKIT_HOST
#define NDISKIT_HOST 1
#endif
#else
#error "ndiskit supports x86_64-pc-windows-msvc (kernel) and x86_64 Linux (host) only"
#endif

/* ------------------------------------------------------------------------
 * Compiler glue.
 */
#ifdef NDISKIT_WINDOWS
#define NTAPI              __stdcall
#define FASTCALL           __fastcall
#define NTSYSAPI           __declspec(dllimport)
#define NTKERNELAPI        __declspec(dllimport)
#define NTHALAPI           __declspec(dllimport)
#define DECLSPEC_IMPORT    __declspec(dllimport)
#define DECLSPEC_NORETURN  __declspec(noreturn)
#define DECLSPEC_ALIGN(x)  __declspec(align(x))
#define NDISKIT_MS_STRUCT
#define DECLSPEC_SELECTANY __declspec(selectany)
#else
#define NTAPI
#define FASTCALL
#define __cdecl
#define NTSYSAPI
#define NTKERNELAPI
#define NTHALAPI
#define DECLSPEC_IMPORT
#define DECLSPEC_NORETURN  __attribute__((noreturn))
#define DECLSPEC_ALIGN(x)  __attribute__((aligned(x)))
/* Microsoft bit-field layout for the few structures that use bit-fields. */
#define NDISKIT_MS_STRUCT  __attribute__((ms_struct))
/* ELF has no COMDAT "pick any" for data; a weak definition merges the same way. */
#define DECLSPEC_SELECTANY __attribute__((weak))
#endif

#define FORCEINLINE        static __inline__ __attribute__((always_inline))
#define NTAPI_INLINE       NTAPI
#define DECLSPEC_NOINLINE  __attribute__((noinline))
#define UNREFERENCED_PARAMETER(p) ((void)(p))
#define C_ASSERT(e)        _Static_assert((e), #e)

#ifdef __cplusplus
#define EXTERN_C extern "C"
#else
#define EXTERN_C extern
#endif

#define TRUE  1
#define FALSE 0

#define IN
#define OUT
#define OPTIONAL
#define CONST const
#define VOID  void

/* ------------------------------------------------------------------------
 * Scalar types.
 */
typedef void *PVOID, **PPVOID;
typedef const void *PCVOID;
typedef char CHAR, *PCHAR, *PSTR, *LPSTR;
typedef const char *PCSTR, *PCCH, *LPCSTR;
typedef unsigned char UCHAR, *PUCHAR, BYTE, *PBYTE;
typedef short SHORT, *PSHORT;
typedef unsigned short USHORT, *PUSHORT, WORD, *PWORD;
typedef int INT, *PINT;
typedef unsigned int UINT, *PUINT;
#ifdef NDISKIT_WINDOWS
typedef long LONG, *PLONG;
typedef unsigned long ULONG, *PULONG, DWORD, *PDWORD;
#else
typedef int LONG, *PLONG;
typedef unsigned int ULONG, *PULONG, DWORD, *PDWORD;
#endif
typedef long long LONGLONG, *PLONGLONG, LONG64, *PLONG64, INT64;
typedef unsigned long long ULONGLONG, *PULONGLONG, ULONG64, *PULONG64, UINT64, DWORD64;
typedef char CCHAR, *PCCHAR;
typedef signed char INT8;
typedef unsigned char UINT8;
typedef short INT16;
typedef unsigned short UINT16;
typedef int INT32;
typedef unsigned int UINT32, ULONG32, *PULONG32;
typedef long long LONG_PTR, *PLONG_PTR, INT_PTR, SSIZE_T;
typedef unsigned long long ULONG_PTR, *PULONG_PTR, UINT_PTR, SIZE_T, *PSIZE_T, DWORD_PTR;
typedef ULONG_PTR KAFFINITY, *PKAFFINITY;
typedef UCHAR BOOLEAN, *PBOOLEAN;
typedef int BOOL;
typedef LONG NTSTATUS, *PNTSTATUS;
typedef PVOID HANDLE, *PHANDLE;
typedef ULONG LOGICAL;
typedef ULONG CLONG;
typedef ULONG ACCESS_MASK, *PACCESS_MASK;
typedef UCHAR KIRQL, *PKIRQL;
typedef CHAR KPROCESSOR_MODE;
typedef LONG KPRIORITY;
typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;
typedef ULONG SECURITY_INFORMATION;
typedef USHORT RTL_ATOM;

typedef wchar_t WCHAR, *PWCHAR, *PWCH, *PWSTR, *LPWSTR;
typedef const wchar_t *PCWSTR, *LPCWSTR, *PCWCH;
#ifdef NDISKIT_HOST
_Static_assert(sizeof(wchar_t) == 2, "ndiskit host builds need -fshort-wchar (WCHAR is UTF-16)");
#endif

#define MAXUCHAR    0xff
#define MAXUSHORT   0xffff
#define MAXULONG    0xffffffffu
#define MAXLONG     0x7fffffff
#define MAXLONGLONG 0x7fffffffffffffffll
#define MAXULONG_PTR (~(ULONG_PTR)0)
#define MAXSIZE_T   (~(SIZE_T)0)

typedef union _LARGE_INTEGER {
    struct {
        ULONG LowPart;
        LONG HighPart;
    };
    struct {
        ULONG LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    struct {
        ULONG LowPart;
        ULONG HighPart;
    };
    struct {
        ULONG LowPart;
        ULONG HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef struct _GUID {
    ULONG Data1;
    USHORT Data2;
    USHORT Data3;
    UCHAR Data4[8];
} GUID, *PGUID, *LPGUID;
typedef const GUID *LPCGUID, *PCGUID;

/* ------------------------------------------------------------------------
 * Status values: an NTSTATUS is a signed 32-bit value; >= 0 is success.
 */
#define NT_SUCCESS(Status)     (((NTSTATUS)(Status)) >= 0)
#define NT_INFORMATION(Status) ((((ULONG)(Status)) >> 30) == 1)
#define NT_WARNING(Status)     ((((ULONG)(Status)) >> 30) == 2)
#define NT_ERROR(Status)       ((((ULONG)(Status)) >> 30) == 3)

/* ------------------------------------------------------------------------
 * Lists and strings.
 */
typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
    struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

/* Length and MaximumLength are in bytes; Buffer need not be NUL-terminated. */
typedef struct _UNICODE_STRING {
    USHORT Length;
    USHORT MaximumLength;
    _Field_size_bytes_part_(MaximumLength, Length) PWCH Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

typedef struct _STRING {
    USHORT Length;
    USHORT MaximumLength;
    PCHAR Buffer;
} STRING, ANSI_STRING, *PSTRING, *PANSI_STRING;
typedef const STRING *PCSTRING, *PCANSI_STRING;

/* A UNICODE_STRING for a string literal, without a runtime call. */
#define RTL_CONSTANT_STRING(s) \
    { (USHORT)(sizeof(s) - sizeof((s)[0])), (USHORT)sizeof(s), (PVOID)(s) }

/* Declares a read-only UNICODE_STRING _var holding a string literal. */
#define DECLARE_CONST_UNICODE_STRING(_var, _string)                             \
    const WCHAR _var##_buffer[] = _string;                                      \
    const UNICODE_STRING _var = {sizeof(_string) - sizeof(WCHAR), sizeof(_string), \
                                 (PWCH)_var##_buffer}

/* ------------------------------------------------------------------------
 * Field and size helpers.
 */
#define FIELD_OFFSET(type, field)    ((LONG)__builtin_offsetof(type, field))
#define RTL_FIELD_SIZE(type, field)  (sizeof(((type *)0)->field)) /* unevaluated */
#define RTL_SIZEOF_THROUGH_FIELD(type, field) \
    (FIELD_OFFSET(type, field) + RTL_FIELD_SIZE(type, field))
#define RTL_NUMBER_OF(a)             (sizeof(a) / sizeof((a)[0]))
#define ARRAYSIZE(a)                 RTL_NUMBER_OF(a)
/* offsetof rather than &((type *)0)->field: the latter is undefined
 * behaviour that UBSan rightly reports in host builds. */
#define CONTAINING_RECORD(address, type, field) \
    ((type *)((PCHAR)(address) - __builtin_offsetof(type, field)))
#define ALIGN_DOWN_BY(length, alignment) \
    ((ULONG_PTR)(length) & ~((ULONG_PTR)(alignment) - 1))
#define ALIGN_UP_BY(length, alignment) \
    (ALIGN_DOWN_BY(((ULONG_PTR)(length) + (alignment) - 1), alignment))
#define ALIGN_DOWN_POINTER_BY(address, alignment) \
    ((PVOID)((ULONG_PTR)(address) & ~((ULONG_PTR)(alignment) - 1)))
#define ALIGN_UP_POINTER_BY(address, alignment) \
    (ALIGN_DOWN_POINTER_BY(((ULONG_PTR)(address) + (alignment) - 1), alignment))

typedef struct _OBJECT_ATTRIBUTES {
    ULONG Length;
    HANDLE RootDirectory;
    PUNICODE_STRING ObjectName;
    ULONG Attributes;
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;

#define OBJ_INHERIT          0x00000002
#define OBJ_PERMANENT        0x00000010
#define OBJ_EXCLUSIVE        0x00000020
#define OBJ_CASE_INSENSITIVE 0x00000040
#define OBJ_OPENIF           0x00000080
#define OBJ_KERNEL_HANDLE    0x00000200

#define InitializeObjectAttributes(p, n, a, r, s) do { \
        (p)->Length = sizeof(OBJECT_ATTRIBUTES);        \
        (p)->RootDirectory = (r);                       \
        (p)->Attributes = (a);                          \
        (p)->ObjectName = (n);                          \
        (p)->SecurityDescriptor = (s);                  \
        (p)->SecurityQualityOfService = NULL;           \
    } while (0)

/* ------------------------------------------------------------------------
 * Names WDK sources take for granted from ntdef.h (issue 14: Microsoft's
 * samples compile unchanged).
 */

/* A pointer through which data may sit at any address.  x64 loads and
 * stores tolerate misalignment, so the qualifier only documents intent;
 * the WDK spells it __unaligned for AMD64, which clang accepts with MS
 * extensions.  Packed structures (pshpack1.h) are what actually makes the
 * members byte-aligned, on both targets. */
#if defined(NDISKIT_WINDOWS) && defined(_MSC_EXTENSIONS)
#define UNALIGNED __unaligned
#else
#define UNALIGNED
#endif
#define UNALIGNED64 UNALIGNED

/* A read-only NUL-terminated char string (RtlInitAnsiString). */
typedef const char *PCSZ;

/* min/max as the WDK's ntdef.h has them (both arguments may be evaluated
 * twice); NOMINMAX keeps them out, as with the WDK. */
#ifndef NOMINMAX
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#endif

#endif /* NDISKIT_NTDEF_H */
