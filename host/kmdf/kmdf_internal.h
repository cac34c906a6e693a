/*
 * kmdf_internal.h - the host kernel's KMDF: what its files share.
 *
 * Every framework object starts with NK_WDF_OBJECT; a handle is its
 * address.  Handles are validated against a registry of live objects
 * before use, so a driver that uses a deleted handle gets a verifier
 * report, not a use-after-free.
 */
#ifndef NDISKIT_HOST_KMDF_INTERNAL_H
#define NDISKIT_HOST_KMDF_INTERNAL_H

#define _GNU_SOURCE 1
#include <ntddk.h>
#define KMDF_VERSION_MINOR 33
#include <wdf.h>
#include <wdfldr.h>
#include <nkhost.h>

typedef enum _NK_WDF_TYPE {
    NkWdfTypeGeneric = 1,
    NkWdfTypeDriver,
    NkWdfTypeSpinLock,
    NkWdfTypeWaitLock,
} NK_WDF_TYPE;

typedef enum _NK_WDF_STATE {
    NkWdfLive,          /* created, not deleted */
    NkWdfDisposed,      /* deleted (cleanup ran); alive while referenced */
} NK_WDF_STATE;

typedef struct _NK_WDF_CONTEXT {
    ULONG64 Magic;
    struct _NK_WDF_CONTEXT *Next;
    struct _NK_WDF_OBJECT *Object;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO Type;    /* the UniqueType record */
    SIZE_T Size;
    /* 16-byte aligned data follows */
} __attribute__((aligned(16))) NK_WDF_CONTEXT;

typedef struct _NK_WDF_OBJECT {
    ULONG64 Magic;
    NK_WDF_TYPE Type;
    NK_WDF_STATE State;
    LONG References;                        /* creation + driver + children */
    LONG DriverReferences;                  /* taken with WdfObjectReference */
    struct _NK_WDF_OBJECT *Parent;
    LIST_ENTRY Children;
    LIST_ENTRY Sibling;
    LIST_ENTRY Registry;                    /* all live handles */
    PFN_WDF_OBJECT_CONTEXT_CLEANUP Cleanup;
    PFN_WDF_OBJECT_CONTEXT_DESTROY Destroy;
    NK_WDF_CONTEXT *Contexts;
    KSPIN_LOCK ObjectLock;                  /* WdfObjectAcquireLock */
    KIRQL ObjectLockIrql;
} NK_WDF_OBJECT;

/* Looks Handle up among live objects; reports "wdf.invalid-handle" (as
 * Ddi) and returns NULL if it is not one. */
NK_WDF_OBJECT *NkWdfLookup(_In_opt_ WDFOBJECT Handle, _In_z_ const char *Ddi);

/* Creates an object of Size bytes (>= sizeof(NK_WDF_OBJECT)) with the
 * attributes' callbacks, context and parent (DefaultParent if none). */
NTSTATUS NkWdfCreate(_In_ SIZE_T Size, _In_ NK_WDF_TYPE Type, _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
                     _In_opt_ NK_WDF_OBJECT *DefaultParent, _Out_ NK_WDF_OBJECT **Object);

/* Deletes Object and its descendants (children first). */
VOID NkWdfDelete(_In_ NK_WDF_OBJECT *Object);

/* The driver object of the bound driver, the default parent. */
extern NK_WDF_OBJECT *NkWdfDriverObject;

/* The function table WdfVersionBind hands out; slot i is the DDI with
 * table index i, or a trap for DDIs the host kernel does not implement. */
extern WDFFUNC NkWdfFunctionTable[WdfFunctionTableNumEntries];
VOID NkWdfRegister(_In_ ULONG Index, _In_ WDFFUNC Function);
VOID NkWdfRegisterObjectDdis(VOID);
VOID NkWdfRegisterDriverDdis(VOID);
VOID NkWdfRegisterSyncDdis(VOID);

SIZE_T NkWdfReportLeaks(VOID);

#endif
