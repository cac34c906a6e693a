/*
 * wdfldr.h - the KMDF loader (wdfldr.sys) interface a driver's entry stub
 * uses to bind to the installed framework.
 *
 * Before DriverEntry runs, the stub calls WdfVersionBind with a
 * WDF_BIND_INFO naming the framework ("KmdfLibrary"), the version the
 * driver was built for and its function table; the loader loads
 * Wdf01000.sys, fills the table and returns the driver's globals.  On
 * unload (after the driver's own unload) the stub calls WdfVersionUnbind.
 * WDF_BIND_INFO2 (KMDF 1.25+) additionally lets a driver run on an older
 * framework than it was built for, down to MinimumVersionRequired.
 */
#ifndef NDISKIT_WDFLDR_H
#define NDISKIT_WDFLDR_H

#include <ntddk.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef ULONG WDF_MAJOR_VERSION;
typedef ULONG WDF_MINOR_VERSION;
typedef ULONG WDF_BUILD_NUMBER;
typedef PVOID WDF_COMPONENT_GLOBALS, *PWDF_COMPONENT_GLOBALS;

#ifndef NDISKIT_WDFFUNC_DEFINED
#define NDISKIT_WDFFUNC_DEFINED
typedef VOID (NTAPI *WDFFUNC)(VOID);
#endif

typedef struct _WDF_VERSION {
    WDF_MAJOR_VERSION Major;
    WDF_MINOR_VERSION Minor;
    WDF_BUILD_NUMBER Build;
} WDF_VERSION, *PWDF_VERSION;

typedef struct _LIBRARY_MODULE *PLIBRARY_MODULE;

typedef struct _WDF_BIND_INFO {
    ULONG Size;
    PWCHAR Component;           /* L"KmdfLibrary" */
    WDF_VERSION Version;        /* the version the driver was built for */
    ULONG FuncCount;            /* entries in FuncTable */
    WDFFUNC *FuncTable;         /* filled in by the loader */
    PLIBRARY_MODULE Module;     /* the loader's; drivers leave it NULL */
} WDF_BIND_INFO, *PWDF_BIND_INFO;

typedef struct _WDF_BIND_INFO2 {
    WDF_BIND_INFO V1;
    WDF_MINOR_VERSION *MinimumVersionRequired;
    BOOLEAN *ClientVersionHigherThanFramework;   /* out */
    ULONG *FuncCountPtr;                         /* out: usable DDIs */
    ULONG *StructCountPtr;                       /* out: usable structures */
    size_t **StructTable;                        /* out: the framework's structure sizes */
} WDF_BIND_INFO2, *PWDF_BIND_INFO2;

/* Header of the interfaces WdfLdrQueryInterface returns. */
typedef struct _WDF_INTERFACE_HEADER {
    const GUID *InterfaceType;
    ULONG InterfaceSize;
} WDF_INTERFACE_HEADER, *PWDF_INTERFACE_HEADER;

/* Class extensions (NetAdapterCx and the like); opaque to ndiskit. */
typedef struct _WDF_CLASS_BIND_INFO *PWDF_CLASS_BIND_INFO;

/* ---- wdfldr.sys exports (lib/imports/wdfldr.def) ---------------------- */

_Must_inspect_result_ _IRQL_requires_(PASSIVE_LEVEL)
DECLSPEC_IMPORT NTSTATUS NTAPI WdfVersionBind(_In_ PDRIVER_OBJECT DriverObject,
                                              _In_ PUNICODE_STRING RegistryPath,
                                              _Inout_ PWDF_BIND_INFO BindInfo,
                                              _Out_ PWDF_COMPONENT_GLOBALS *ComponentGlobals);

_IRQL_requires_(PASSIVE_LEVEL)
DECLSPEC_IMPORT NTSTATUS NTAPI WdfVersionUnbind(_In_ PUNICODE_STRING RegistryPath,
                                                _In_ PWDF_BIND_INFO BindInfo,
                                                _In_ PWDF_COMPONENT_GLOBALS ComponentGlobals);

_Must_inspect_result_ _IRQL_requires_(PASSIVE_LEVEL)
DECLSPEC_IMPORT NTSTATUS NTAPI WdfVersionBindClass(_In_ PWDF_BIND_INFO BindInfo,
                                                   _In_ PWDF_COMPONENT_GLOBALS Globals,
                                                   _In_ PWDF_CLASS_BIND_INFO ClassBindInfo);

_IRQL_requires_(PASSIVE_LEVEL)
DECLSPEC_IMPORT VOID NTAPI WdfVersionUnbindClass(_In_ PWDF_BIND_INFO BindInfo,
                                                 _In_ PWDF_COMPONENT_GLOBALS Globals,
                                                 _In_ PWDF_CLASS_BIND_INFO ClassBindInfo);

_Must_inspect_result_ _IRQL_requires_(PASSIVE_LEVEL)
DECLSPEC_IMPORT NTSTATUS NTAPI WdfLdrQueryInterface(_Inout_ PWDF_INTERFACE_HEADER LoaderInterface);

#ifdef __cplusplus
}
#endif

#endif /* NDISKIT_WDFLDR_H */
