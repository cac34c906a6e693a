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
#include "nt_internal.h" /* the NT core's hooks: dispatcher lock, timer checks */

typedef enum _NK_WDF_TYPE {
    NkWdfTypeGeneric = 1,
    NkWdfTypeDriver,
    NkWdfTypeSpinLock,
    NkWdfTypeWaitLock,
    NkWdfTypeDevice,
    NkWdfTypeQueue,
    NkWdfTypeRequest,
    NkWdfTypeFileObject,
    NkWdfTypeMemory,
    NkWdfTypeLookaside,
    NkWdfTypeCollection,
    NkWdfTypeString,
    NkWdfTypeTimer,
    NkWdfTypeWorkItem,
    NkWdfTypeDpc,
    NkWdfTypeKey,
    NkWdfTypeIoTarget,
    NkWdfTypeWmiProvider,
    NkWdfTypeWmiInstance,
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
    /* A context added with WdfObjectAllocateContext has its own callbacks,
     * called after the object's, in the order the contexts were added. */
    PFN_WDF_OBJECT_CONTEXT_CLEANUP Cleanup;
    PFN_WDF_OBJECT_CONTEXT_DESTROY Destroy;
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
    /* The framework's own part of deletion, for object types that hold
     * something: Dispose runs (tree lock held) after the driver's cleanup
     * callbacks and must not wait; Destroy runs just before the memory is
     * freed, when no reference is left. */
    VOID (*FrameworkDispose)(struct _NK_WDF_OBJECT *Object);
    VOID (*FrameworkDestroy)(struct _NK_WDF_OBJECT *Object);
    /* As created (InheritFromParent is resolved by the users). */
    WDF_SYNCHRONIZATION_SCOPE SyncScope;
    WDF_EXECUTION_LEVEL ExecLevel;
} NK_WDF_OBJECT;

struct _NK_WDF_QUEUE;
struct _NK_WDF_FILE;

/* The framework's presentation lock for a synchronization scope
 * (WDF_OBJECT_ATTRIBUTES.SynchronizationScope Device or Queue): the
 * callbacks of the scope's queues, and the timers, DPCs and work items
 * with AutomaticSerialization under it, run holding it - a spin lock
 * (callbacks at DISPATCH_LEVEL) or, at WdfExecutionLevelPassive, a
 * passive-level lock.  A callback that completes or forwards a request
 * does not present the next one inside itself: the queue is noted and
 * presented once the outermost holder lets go. */
#define NK_WDF_SYNC_DEFERRED 16
typedef struct _NK_WDF_SYNC {
    BOOLEAN Used;                   /* a scope uses it */
    BOOLEAN Passive;
    KSPIN_LOCK Spin;
    KEVENT Free;                    /* the passive lock: a synchronization event */
    KIRQL OldIrql;
    unsigned long Owner;            /* pthread of the holder, 0 if none (atomic) */
    struct _NK_WDF_QUEUE *Deferred[NK_WDF_SYNC_DEFERRED];
    ULONG DeferredCount;
} NK_WDF_SYNC;

/* A control device.  Created from a PWDFDEVICE_INIT; opened by name
 * through the host's user-mode I/O API (<nkhost.h> NkHostCreateFile). */
typedef struct _NK_WDF_DEVICE {
    NK_WDF_OBJECT Object;
    WCHAR Name[128];
    WCHAR Link[128];                /* symbolic link, without "\\DosDevices\\" */
    WCHAR Sddl[256];
    WDF_DEVICE_IO_TYPE IoType;
    BOOLEAN Exclusive;
    BOOLEAN Initialized;            /* WdfControlFinishInitializing ran */
    BOOLEAN HasFileConfig;
    WDF_FILEOBJECT_CONFIG FileConfig;
    WDF_OBJECT_ATTRIBUTES FileAttributes;
    BOOLEAN HasFileAttributes;
    LONG Opens;
    BOOLEAN HasRequestAttributes;   /* WdfDeviceInitSetRequestAttributes */
    WDF_OBJECT_ATTRIBUTES RequestAttributes;
    PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION ShutdownNotification; /* kept; the host never shuts down */
    PFN_WDF_IO_IN_CALLER_CONTEXT InCallerContext;  /* sees each request before any queue */
    NK_WDF_SYNC Sync;               /* SynchronizationScope Device */
    /* WdfDeviceMiniportCreate: NDIS's device object, not Wdm; no name, no I/O. */
    PDEVICE_OBJECT MiniportDevice, MiniportAttached, MiniportPdo;
    struct _NK_WDF_QUEUE *DefaultQueue;
    struct _NK_WDF_QUEUE *Dispatch[WdfRequestTypeMax]; /* WdfDeviceConfigureRequestDispatching */
    DEVICE_OBJECT Wdm;
    LIST_ENTRY TableLink;           /* in the device name table */
} NK_WDF_DEVICE;

typedef struct _NK_WDF_FILE {
    NK_WDF_OBJECT Object;
    NK_WDF_DEVICE *Device;
    FILE_OBJECT Wdm;
} NK_WDF_FILE;

typedef struct _NK_WDF_QUEUE {
    NK_WDF_OBJECT Object;
    NK_WDF_DEVICE *Device;
    WDF_IO_QUEUE_CONFIG Config;
    LIST_ENTRY Requests;            /* every request of this queue not yet completed */
    ULONG Presented;                /* presented to the driver, not yet completed */
    BOOLEAN Accepting;              /* false after purge: new requests fail */
    BOOLEAN Stopped;                /* WdfIoQueueStop: requests wait, none presented */
    PFN_WDF_IO_QUEUE_STATE StopComplete; /* due once Presented reaches 0 */
    WDFCONTEXT StopContext;
    PFN_WDF_IO_QUEUE_STATE IdleComplete; /* drain/purge: due once Requests is empty */
    WDFCONTEXT IdleContext;
    PFN_WDF_IO_QUEUE_STATE ReadyNotify;  /* manual queue: called when it stops being empty */
    WDFCONTEXT ReadyContext;
    NK_WDF_SYNC Sync;               /* SynchronizationScope Queue */
    NK_WDF_SYNC *SyncLock;          /* the scope's lock its callbacks hold, or NULL */
} NK_WDF_QUEUE;

/* One I/O request.  The caller's side (userio.c) waits on Done. */
typedef struct _NK_WDF_REQUEST {
    NK_WDF_OBJECT Object;
    WDF_REQUEST_PARAMETERS Parameters;
    NK_WDF_FILE *File;
    NK_WDF_QUEUE *Queue;            /* the queue it is in or was presented by */
    BOOLEAN InQueue;                /* waiting in Queue, not yet with the driver */
    LIST_ENTRY QueueLink;
    PVOID SystemBuffer;             /* buffered I/O: one buffer, in then out */
    SIZE_T SystemBufferLength;
    /* Direct I/O (a device's reads and writes with WdfDeviceIoDirect, the
     * output buffer of METHOD_IN_DIRECT/OUT_DIRECT IOCTLs): the caller's
     * own buffer, described by an MDL, used in place. */
    PMDL DirectMdl;
    BOOLEAN DirectIsInput;          /* a direct write: the input side is direct */
    PMDL SystemBufferMdl;           /* built on demand by Retrieve...WdmMdl */
    BOOLEAN Neither;                /* METHOD_NEITHER: no buffers the framework can give */
    SIZE_T InputLength, OutputLength;
    NTSTATUS Status;
    ULONG_PTR Information;
    BOOLEAN Completed;
    BOOLEAN CancelRequested;
    PFN_WDF_REQUEST_CANCEL CancelRoutine;  /* set while marked cancelable */
    KEVENT Done;
    /* I/O targets (iotarget.c): a request the driver created
     * (WdfRequestCreate) is never completed by the driver; one the host
     * sends to a target device on the driver's behalf calls OnComplete
     * (without the lock, in the completing thread) once completed. */
    BOOLEAN DriverCreated;
    BOOLEAN InCallerContext;                   /* EvtIoInCallerContext has it now */
    struct _NK_WDF_SEND *Send;                 /* formatting and sending state */
    VOID (*OnComplete)(struct _NK_WDF_REQUEST *Request);
    PVOID OnCompleteContext;
} NK_WDF_REQUEST;

/* io.c: hands a new request to the device's queue for its type (or
 * completes it STATUS_INVALID_DEVICE_REQUEST if none takes it). */
VOID NkWdfDispatchRequest(_In_ NK_WDF_DEVICE *Device, _In_ NK_WDF_REQUEST *Request);
/* io.c: what WdfRequestRetrieveInput/OutputBuffer would give the driver
 * (no minimum; the buffer may be NULL with length 0). */
NTSTATUS NkWdfRequestBuffer(_In_ NK_WDF_REQUEST *Request, _In_ BOOLEAN Output, _Out_ PVOID *Buffer,
                            _Out_ SIZE_T *Length);
/* io.c: completes a request the driver owns (as WdfRequestCompleteWithInformation). */
VOID NkWdfCompleteRequest(_In_ NK_WDF_REQUEST *Request, _In_ NTSTATUS Status, _In_ ULONG_PTR Information);
/* iotarget.c: STATUS_SUCCESS and *Status if Request was sent to a target
 * (STATUS_PENDING while it is, else what the target completed it with). */
NTSTATUS NkWdfSentStatus(_In_ NK_WDF_REQUEST *Request, _Out_ NTSTATUS *Status);
/* iotarget.c: cancels what Request sent on to a target, if anything. */
VOID NkWdfCancelSent(_In_ NK_WDF_REQUEST *Request);
/* io.c: cancels Request wherever it is (queue or cancelable in the driver). */
VOID NkWdfCancelRequest(_In_ NK_WDF_REQUEST *Request);
/* device.c: the WDM device object of a framework device (a miniport's is NDIS's). */
PDEVICE_OBJECT NkWdfWdmDevice(_In_ NK_WDF_DEVICE *Device);
/* driver.c: the WDF_DRIVER_CONFIG.DriverInitFlags the calling driver (the
 * one Globals were bound for) was created with; 0 before WdfDriverCreate. */
ULONG NkWdfDriverFlags(_In_opt_ PWDF_DRIVER_GLOBALS Globals);
/* device.c: the device a user-mode name refers to, or NULL. */
NK_WDF_DEVICE *NkWdfFindDevice(_In_z_ PCWSTR Name);
/* device.c: removes a destroyed device from the name table. */
VOID NkWdfForgetDevice(_In_ NK_WDF_DEVICE *Device);
/* Locks the object tree (recursive); the I/O paths use it too. */
VOID NkWdfLock(VOID);
VOID NkWdfUnlock(VOID);
VOID NkWdfRegisterDeviceDdis(VOID);
VOID NkWdfRegisterIoDdis(VOID);

/* Looks Handle up among live objects; reports "wdf.invalid-handle" (as
 * Ddi) and returns NULL if it is not one. */
NK_WDF_OBJECT *NkWdfLookup(_In_opt_ WDFOBJECT Handle, _In_z_ const char *Ddi);

/* Creates an object of Size bytes (>= sizeof(NK_WDF_OBJECT)) with the
 * attributes' callbacks, context and parent (DefaultParent if none). */
NTSTATUS NkWdfCreate(_In_ SIZE_T Size, _In_ NK_WDF_TYPE Type, _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
                     _In_opt_ NK_WDF_OBJECT *DefaultParent, _Out_ NK_WDF_OBJECT **Object);

/* NkWdfLookup that also checks the type: "wdf.wrong-type" naming TypeName. */
NK_WDF_OBJECT *NkWdfLookupType(_In_opt_ WDFOBJECT Handle, _In_ NK_WDF_TYPE Type, _In_z_ const char *TypeName,
                               _In_z_ const char *Ddi);
/* A reference on Handle if it is a live (not deleted) object of Type, for
 * callbacks the host delivers from a DPC or work item that may race with
 * the object's deletion; NULL (silently) otherwise. */
NK_WDF_OBJECT *NkWdfReferenceIfLive(_In_ PVOID Handle, _In_ NK_WDF_TYPE Type);
VOID NkWdfReference(_In_ NK_WDF_OBJECT *Object);
VOID NkWdfRelease(_In_ NK_WDF_OBJECT *Object);

/* Gives an object the framework creates for the driver (a request) the
 * context and callbacks of Attributes, as if created with them. */
NTSTATUS NkWdfApplyAttributes(_In_ NK_WDF_OBJECT *Object, _In_ PWDF_OBJECT_ATTRIBUTES Attributes);

/* io.c: the presentation lock of Object's synchronization scope (Object a
 * queue or a device), or NULL.  Acquire returns FALSE, doing nothing, if
 * this thread already holds it. */
NK_WDF_SYNC *NkWdfSyncLockOf(_In_ NK_WDF_OBJECT *Object);
BOOLEAN NkWdfSyncAcquire(_In_opt_ NK_WDF_SYNC *Sync);
VOID NkWdfSyncRelease(_In_opt_ NK_WDF_SYNC *Sync, _In_ BOOLEAN Acquired);

/* Deletes Object and its descendants (children first). */
VOID NkWdfDelete(_In_ NK_WDF_OBJECT *Object);

/* driver.c: the WDFDRIVER of the calling driver (the one Globals, the first
 * parameter of every DDI, were bound for): the default parent of what it
 * creates.  NULL before its WdfDriverCreate, after its unload, or for
 * globals no bind handed out. */
NK_WDF_OBJECT *NkWdfDriverOf(_In_opt_ PWDF_DRIVER_GLOBALS Globals);

/* The function table WdfVersionBind hands out; slot i is the DDI with
 * table index i: a counting trampoline to the host's implementation, or
 * the slot's stub, which reports the DDI by name and fails the call. */
extern WDFFUNC NkWdfFunctionTable[WdfFunctionTableNumEntries];
/* What each Register...Ddis function registered (NULL: unimplemented). */
extern WDFFUNC NkWdfImplementation[WdfFunctionTableNumEntries];
VOID NkWdfRegister(_In_ ULONG Index, _In_ WDFFUNC Function);
/* Registers Function as DDI Name, refusing to compile if its type is not
 * exactly the DDI's PFN type. */
#include "ddipfn.h"
#define NK_WDF_REGISTER(Name, Function)                                                          \
    do {                                                                                         \
        _Static_assert(__builtin_types_compatible_p(__typeof__(&(Function)), NK_PFN_##Name),     \
                       #Function " does not have " #Name "'s type");                            \
        NkWdfRegister(Name##TableIndex, (WDFFUNC)(Function));                                    \
    } while (0)

/* One slot of the table (ddis.c, generated by scripts/gen-wdf-ddis). */
typedef struct _NK_WDF_DDI {
    const char *Name;
    const char *Area;       /* the WDK header that declares it */
    ULONG Since;            /* first KMDF 1.x whose table has it */
    WDFFUNC Stub;           /* reports wdf.unimplemented; same type as the DDI */
    WDFFUNC Counter;        /* counts, then calls NkWdfImplementation[i]; NULL if undeclared */
} NK_WDF_DDI;
extern const NK_WDF_DDI NkWdfDdis[WdfFunctionTableNumEntries];
/* driver.c: the coverage record's hooks for the generated code. */
VOID NkWdfCountCall(_In_ ULONG Index);
VOID NkWdfUnimplemented(_In_ ULONG Index);
VOID NkWdfRegisterObjectDdis(VOID);
VOID NkWdfRegisterDriverDdis(VOID);
VOID NkWdfRegisterSyncDdis(VOID);
VOID NkWdfRegisterMemoryDdis(VOID);
VOID NkWdfRegisterTimerDdis(VOID);
VOID NkWdfRegisterRegistryDdis(VOID);
VOID NkWdfRegisterIoTargetDdis(VOID);
VOID NkWdfRegisterWmiDdis(VOID);
/* memory.c: a memory object over Buffer (owned: freed with the object),
 * parented to DefaultParent (the calling driver's WDFDRIVER, or NULL when
 * the attributes always name a parent) unless the attributes name one. */
NTSTATUS NkWdfMemoryCreate(_In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes, _In_opt_ NK_WDF_OBJECT *DefaultParent,
                           _In_ PVOID Buffer, _In_ SIZE_T Size, _In_ BOOLEAN Owned, _Out_ NK_WDF_OBJECT **Memory);
/* memory.c: a memory object's buffer and size. */
PVOID NkWdfMemoryBuffer(_In_ NK_WDF_OBJECT *Memory, _Out_ SIZE_T *Size);
/* memory.c: a new string object holding a copy of Value (NULL: empty),
 * parented to DefaultParent unless the attributes name a parent. */
NTSTATUS NkWdfStringCreateObject(_In_opt_ PCUNICODE_STRING Value, _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
                                 _In_opt_ NK_WDF_OBJECT *DefaultParent, _Out_ NK_WDF_OBJECT **String);
/* driver.c: the RegistryPath DriverEntry received ("" if none). */
PCWSTR NkWdfDriverRegistryPath(_In_ NK_WDF_OBJECT *Driver);
/* memory.c: a string object's text (not NUL-terminated), or NULL. */
BOOLEAN NkWdfStringGet(_In_ WDFSTRING String, _Out_ PUNICODE_STRING Value, _In_z_ const char *Ddi);
NTSTATUS NkWdfStringSet(_In_ WDFSTRING String, _In_ PCUNICODE_STRING Value, _In_z_ const char *Ddi);
/* memory.c: collections, for the registry's multi-strings. */
NTSTATUS NkWdfCollectionAppend(_In_ WDFCOLLECTION Collection, _In_ WDFOBJECT Item, _In_z_ const char *Ddi);
ULONG NkWdfCollectionCount(_In_ WDFCOLLECTION Collection);
WDFOBJECT NkWdfCollectionItem(_In_ WDFCOLLECTION Collection, _In_ ULONG Index);

SIZE_T NkWdfReportLeaks(VOID);

#endif
