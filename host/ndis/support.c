/*
 * support.c - the NDIS support library every driver type uses, over the
 * host's NT core: memory (pool), spin locks and events (KSPIN_LOCK,
 * KEVENT), timer objects (KTIMER + KDPC), I/O work items (IO_WORKITEM),
 * generic objects, time, version and the error log.
 *
 * IRQL rules are the DDI reference's and are checked through the
 * verifier: a routine called above its maximum reports "irql.*" and
 * returns its failure value without doing anything.
 */
#include "ndis_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NK_TIMER_MAGIC 0x4E4B4E444953544Dull
#define NK_WORKITEM_MAGIC 0x4E4B4E4453574B49ull
/* Pool tags of what NDIS allocates for itself: "NkTm", "NkWi". */
#define NK_TIMER_TAG ((ULONG)'N' | ((ULONG)'k' << 8) | ((ULONG)'T' << 16) | ((ULONG)'m' << 24))
#define NK_WORKITEM_TAG ((ULONG)'N' | ((ULONG)'k' << 8) | ((ULONG)'W' << 16) | ((ULONG)'i' << 24))

/* ---- memory ----------------------------------------------------------------------- */

/* Non-paged pool under the caller's tag, so the leak report names the
 * driver's tag.  Priority only says how hard to try; the host's pool
 * does not run low, so every priority is served the same. */
PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag, EX_POOL_PRIORITY Priority)
{
    (void)NdisHandle;
    (void)Priority;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateMemoryWithTagPriority"))
        return NULL;
    if (Length == 0)
        return NULL;
    return ExAllocatePool2(POOL_FLAG_NON_PAGED, Length, Tag);
}

/* The NDIS 5 form, still exported: NDIS_STATUS_FAILURE and *VirtualAddress
 * NULL when the pool cannot satisfy it. */
NDIS_STATUS NdisAllocateMemoryWithTag(PVOID *VirtualAddress, UINT Length, ULONG Tag)
{
    *VirtualAddress = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateMemoryWithTag"))
        return NDIS_STATUS_FAILURE;
    if (Length == 0)
        return NDIS_STATUS_FAILURE;
    *VirtualAddress = ExAllocatePool2(POOL_FLAG_NON_PAGED, Length, Tag);
    return *VirtualAddress != NULL ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

/* The tag must be the one the memory was allocated with (a mismatch is
 * the pool's "pool.tag-mismatch" finding, as Windows bugchecks). */
VOID NdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, ULONG Tag)
{
    (void)NdisHandle;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeMemoryWithTagPriority"))
        return;
    ExFreePoolWithTag(VirtualAddress, Tag);
}

/* ---- spin locks ------------------------------------------------------------------- */

VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateSpinLock"))
        return;
    KeInitializeSpinLock(&SpinLock->SpinLock);
    SpinLock->OldIrql = PASSIVE_LEVEL;
}

/* Nothing to release; freeing a held lock is a finding (its holder would
 * release memory that may be reused). */
VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeSpinLock"))
        return;
    if (__atomic_load_n(&SpinLock->SpinLock, __ATOMIC_ACQUIRE) != 0)
        NkHostViolation("ndis.free-held-spinlock", "NdisFreeSpinLock(%p) while the lock is held", (void *)SpinLock);
}

/* The previous IRQL is kept in the lock: it is written only by the holder. */
VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    KIRQL old;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAcquireSpinLock"))
        return;
    old = KeAcquireSpinLockRaiseToDpc(&SpinLock->SpinLock);
    SpinLock->OldIrql = old;
}

VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    KeReleaseSpinLock(&SpinLock->SpinLock, SpinLock->OldIrql);
}

VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    KeAcquireSpinLockAtDpcLevel(&SpinLock->SpinLock);
}

VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    KeReleaseSpinLockFromDpcLevel(&SpinLock->SpinLock);
}

/* ---- events ----------------------------------------------------------------------- */

/* NDIS events are notification events, initially not signalled. */
VOID NdisInitializeEvent(PNDIS_EVENT Event)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisInitializeEvent"))
        return;
    KeInitializeEvent(&Event->Event, NotificationEvent, FALSE);
}

VOID NdisSetEvent(PNDIS_EVENT Event)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisSetEvent"))
        return;
    KeSetEvent(&Event->Event, IO_NO_INCREMENT, FALSE);
}

VOID NdisResetEvent(PNDIS_EVENT Event)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisResetEvent"))
        return;
    KeResetEvent(&Event->Event);
}

/* MsToWait 0 waits forever.  TRUE if the event is signalled. */
BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait)
{
    LARGE_INTEGER timeout;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisWaitEvent"))
        return FALSE;
    timeout.QuadPart = -(LONGLONG)MsToWait * 10000;
    return KeWaitForSingleObject(&Event->Event, Executive, KernelMode, FALSE, MsToWait == 0 ? NULL : &timeout) ==
           STATUS_SUCCESS;
}

/* ---- timer objects ---------------------------------------------------------------- */

typedef struct _NK_NDIS_TIMER {
    ULONG64 Magic;
    KTIMER Timer;
    KDPC Dpc;
    PNDIS_TIMER_FUNCTION Function;
    PVOID Context;                  /* NdisSetTimerObject may replace it */
} NK_NDIS_TIMER;

static const NK_NDIS_REVISION TimerRevisions[] = {
    {NDIS_TIMER_CHARACTERISTICS_REVISION_1, NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1},
};

static NK_NDIS_TIMER *TimerOf(NDIS_HANDLE Handle, const char *Ddi)
{
    NK_NDIS_TIMER *t = (NK_NDIS_TIMER *)Handle;
    if (t == NULL || t->Magic != NK_TIMER_MAGIC) {
        NkHostViolation("ndis.invalid-timer", "%s(%p): not a timer object", Ddi, Handle);
        return NULL;
    }
    return t;
}

/* The DPC: the driver's NDIS_TIMER_FUNCTION at DISPATCH_LEVEL, as NDIS
 * calls it (SystemSpecific1 is the KDPC, the others NULL). */
static VOID NTAPI TimerDpc(PKDPC Dpc, PVOID DeferredContext, PVOID Arg1, PVOID Arg2)
{
    NK_NDIS_TIMER *t = DeferredContext;
    PVOID context = __atomic_load_n(&t->Context, __ATOMIC_ACQUIRE);
    (void)Arg1;
    (void)Arg2;
    t->Function(Dpc, context, NULL, NULL);
}

NDIS_STATUS NdisAllocateTimerObject(NDIS_HANDLE NdisHandle, PNDIS_TIMER_CHARACTERISTICS TimerCharacteristics,
                                    PNDIS_HANDLE pTimerObject)
{
    NDIS_TIMER_CHARACTERISTICS c;
    NK_NDIS_TIMER *t;

    (void)NdisHandle;
    *pTimerObject = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateTimerObject"))
        return NDIS_STATUS_FAILURE;
    if (!NkNdisTakeObject(TimerCharacteristics ? &TimerCharacteristics->Header : NULL,
                          NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS, TimerRevisions, RTL_NUMBER_OF(TimerRevisions), &c,
                          sizeof(c), "NdisAllocateTimerObject"))
        return NDIS_STATUS_INVALID_PARAMETER;
    if (c.TimerFunction == NULL) {
        NkHostViolation("ndis.bad-timer", "NdisAllocateTimerObject: no TimerFunction");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    /* Under the driver's AllocationTag, so a timer never freed is reported
     * as the driver's leak. */
    t = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*t), c.AllocationTag != 0 ? c.AllocationTag : NK_TIMER_TAG);
    if (t == NULL)
        return NDIS_STATUS_RESOURCES;
    t->Magic = NK_TIMER_MAGIC;
    t->Function = c.TimerFunction;
    t->Context = c.FunctionContext;
    KeInitializeTimerEx(&t->Timer, NotificationTimer);
    KeInitializeDpc(&t->Dpc, TimerDpc, t);
    *pTimerObject = (NDIS_HANDLE)t;
    return NDIS_STATUS_SUCCESS;
}

/* TRUE if the timer was already queued (it is re-armed).  A non-NULL
 * FunctionContext replaces the one from the characteristics. */
BOOLEAN NdisSetTimerObject(NDIS_HANDLE TimerObject, LARGE_INTEGER DueTime, LONG MillisecondsPeriod,
                           PVOID FunctionContext)
{
    NK_NDIS_TIMER *t;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisSetTimerObject") ||
        (t = TimerOf(TimerObject, "NdisSetTimerObject")) == NULL)
        return FALSE;
    if (MillisecondsPeriod < 0) {
        NkHostViolation("ndis.bad-timer", "NdisSetTimerObject: negative period %ld", (long)MillisecondsPeriod);
        return FALSE;
    }
    if (FunctionContext != NULL)
        __atomic_store_n(&t->Context, FunctionContext, __ATOMIC_RELEASE);
    return KeSetTimerEx(&t->Timer, DueTime, MillisecondsPeriod, &t->Dpc);
}

/* TRUE if the timer was queued and is no longer; a timer function already
 * running finishes on its own (NdisFreeTimerObject waits for it). */
BOOLEAN NdisCancelTimerObject(NDIS_HANDLE TimerObject)
{
    NK_NDIS_TIMER *t;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisCancelTimerObject") ||
        (t = TimerOf(TimerObject, "NdisCancelTimerObject")) == NULL)
        return FALSE;
    return KeCancelTimer(&t->Timer);
}

/* Cancels the timer and waits for a timer function in progress, so the
 * driver may free what the function uses once this returns. */
VOID NdisFreeTimerObject(NDIS_HANDLE TimerObject)
{
    NK_NDIS_TIMER *t;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisFreeTimerObject") ||
        (t = TimerOf(TimerObject, "NdisFreeTimerObject")) == NULL)
        return;
    KeCancelTimer(&t->Timer);
    KeRemoveQueueDpc(&t->Dpc);
    KeFlushQueuedDpcs();
    t->Magic = 0;
    ExFreePool(t);
}

/* ---- I/O work items --------------------------------------------------------------- */

/* The device NDIS work items run for (IoAllocateWorkItem needs one): NDIS
 * itself, which is never unloaded. */
static DEVICE_OBJECT NdisDevice;

typedef struct _NK_NDIS_WORKITEM {
    ULONG64 Magic;
    PIO_WORKITEM Io;
    NDIS_IO_WORKITEM_ROUTINE Routine;
    PVOID Context;
} NK_NDIS_WORKITEM;

static NK_NDIS_WORKITEM *WorkItemOf(NDIS_HANDLE Handle, const char *Ddi)
{
    NK_NDIS_WORKITEM *w = (NK_NDIS_WORKITEM *)Handle;
    if (w == NULL || w->Magic != NK_WORKITEM_MAGIC) {
        NkHostViolation("ndis.invalid-workitem", "%s(%p): not an NDIS I/O work item", Ddi, Handle);
        return NULL;
    }
    return w;
}

/* Runs at PASSIVE_LEVEL on a host worker thread.  The routine may free
 * the work item: nothing of it is touched after the call. */
static VOID NTAPI WorkItemTrampoline(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    NK_NDIS_WORKITEM *w = Context;
    NDIS_IO_WORKITEM_ROUTINE routine = w->Routine;
    PVOID context = w->Context;
    (void)DeviceObject;
    routine(context, (NDIS_HANDLE)w);
}

/* NdisObjectHandle is any NDIS handle the driver owns (a protocol, a
 * binding, a generic object, ...); the item is not tied to it here. */
NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle)
{
    NK_NDIS_WORKITEM *w;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateIoWorkItem"))
        return NULL;
    if (NdisObjectHandle == NULL) {
        NkHostViolation("ndis.invalid-handle", "NdisAllocateIoWorkItem(NULL)");
        return NULL;
    }
    w = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*w), NK_WORKITEM_TAG);
    if (w == NULL)
        return NULL;
    w->Io = IoAllocateWorkItem(&NdisDevice);
    if (w->Io == NULL) {
        ExFreePoolWithTag(w, NK_WORKITEM_TAG);
        return NULL;
    }
    w->Magic = NK_WORKITEM_MAGIC;
    return (NDIS_HANDLE)w;
}

VOID NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine, PVOID WorkItemContext)
{
    NK_NDIS_WORKITEM *w;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisQueueIoWorkItem") ||
        (w = WorkItemOf(NdisIoWorkItemHandle, "NdisQueueIoWorkItem")) == NULL)
        return;
    if (Routine == NULL) {
        NkHostViolation("ndis.invalid-workitem", "NdisQueueIoWorkItem: no routine");
        return;
    }
    w->Routine = Routine;
    w->Context = WorkItemContext;
    /* Queued twice before it ran: the I/O manager's finding. */
    IoQueueWorkItem(w->Io, WorkItemTrampoline, DelayedWorkQueue, w);
}

VOID NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle)
{
    NK_NDIS_WORKITEM *w;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeIoWorkItem") ||
        (w = WorkItemOf(NdisIoWorkItemHandle, "NdisFreeIoWorkItem")) == NULL)
        return;
    w->Magic = 0;
    IoFreeWorkItem(w->Io);
    ExFreePoolWithTag(w, NK_WORKITEM_TAG);
}

/* ---- generic objects -------------------------------------------------------------- */

/* NDIS_GENERIC_OBJECT followed by the Size bytes the caller asked for,
 * from pool under the caller's Tag (a leak names it).  Live objects are
 * listed, so freeing something else is reported, not dereferenced. */
typedef struct _NK_GENERIC {
    LIST_ENTRY Link;
    NDIS_GENERIC_OBJECT Object;
} NK_GENERIC;

static pthread_mutex_t GenericLock = PTHREAD_MUTEX_INITIALIZER;
static LIST_ENTRY Generics = {&Generics, &Generics};

PNDIS_GENERIC_OBJECT NdisAllocateGenericObject(PDRIVER_OBJECT DriverObject, ULONG Tag, USHORT Size)
{
    NK_GENERIC *g;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateGenericObject"))
        return NULL;
    g = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*g) + Size, Tag);
    if (g == NULL)
        return NULL;
    g->Object.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    g->Object.Header.Revision = NDIS_OBJECT_REVISION_1;
    g->Object.Header.Size = sizeof(g->Object);
    g->Object.Caller = __builtin_return_address(0);
    g->Object.CallersCaller = NULL;
    g->Object.DriverObject = DriverObject;
    pthread_mutex_lock(&GenericLock);
    InsertTailList(&Generics, &g->Link);
    pthread_mutex_unlock(&GenericLock);
    return &g->Object;
}

VOID NdisFreeGenericObject(PNDIS_GENERIC_OBJECT NdisObject)
{
    NK_GENERIC *found = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeGenericObject"))
        return;
    pthread_mutex_lock(&GenericLock);
    for (PLIST_ENTRY e = Generics.Flink; e != &Generics; e = e->Flink)
        if (&CONTAINING_RECORD(e, NK_GENERIC, Link)->Object == NdisObject) {
            found = CONTAINING_RECORD(e, NK_GENERIC, Link);
            RemoveEntryList(&found->Link);
            break;
        }
    pthread_mutex_unlock(&GenericLock);
    if (found == NULL) {
        NkHostViolation("ndis.invalid-generic-object", "NdisFreeGenericObject(%p): not a generic object NDIS "
                        "allocated (or freed twice)", (void *)NdisObject);
        return;
    }
    ExFreePool(found);
}

/* NkHostReset: the pool forgot the objects; forget the list too. */
VOID NkNdisSupportReset(VOID)
{
    pthread_mutex_lock(&GenericLock);
    InitializeListHead(&Generics);
    pthread_mutex_unlock(&GenericLock);
}

/* ---- time, version, error log ------------------------------------------------------ */

/* Milliseconds since the host kernel's clock started (the interrupt
 * time, which counts from boot on Windows). */
VOID NdisGetSystemUpTimeEx(PLARGE_INTEGER pSystemUpTime)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisGetSystemUpTimeEx")) {
        pSystemUpTime->QuadPart = 0;
        return;
    }
    pSystemUpTime->QuadPart = (LONGLONG)(KeQueryInterruptTime() / 10000);
}

/* Sleeps at least the time asked; PASSIVE_LEVEL only. */
VOID NdisMSleep(ULONG MicrosecondsToSleep)
{
    LARGE_INTEGER interval;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisMSleep"))
        return;
    interval.QuadPart = -(LONGLONG)MicrosecondsToSleep * 10;
    KeDelayExecutionThread(KernelMode, FALSE, &interval);
}

/* The host implements NDIS 6.80 (the revision its structures have). */
UINT NdisGetVersion(VOID)
{
    return NDIS_RUNTIME_VERSION_680;
}

/* The system event log is the host log: one line with the code and values
 * (NkHostLogContains finds it). */
VOID __cdecl NdisWriteErrorLogEntry(NDIS_HANDLE NdisAdapterHandle, NDIS_ERROR_CODE ErrorCode,
                                    ULONG NumberOfErrorValues, ...)
{
    char line[256];
    int n;
    va_list ap;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisWriteErrorLogEntry"))
        return;
    n = snprintf(line, sizeof(line), "NDIS error log: adapter %p code 0x%08lx", NdisAdapterHandle,
                 (unsigned long)ErrorCode);
    va_start(ap, NumberOfErrorValues);
    for (ULONG i = 0; i < NumberOfErrorValues && n > 0 && (size_t)n < sizeof(line); i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, " 0x%08lx", (unsigned long)va_arg(ap, ULONG));
    va_end(ap);
    DbgPrintEx(0, 0, "%s\n", line);
}

/* One log line: the code, the unique value, the strings, the data size. */
NDIS_STATUS NdisWriteEventLogEntry(PVOID LogHandle, NDIS_STATUS EventCode, ULONG UniqueEventValue,
                                   USHORT NumStrings, PVOID StringsList, ULONG DataSize, PVOID Data)
{
    char line[512];
    PCWSTR s = StringsList;
    int n;

    (void)Data;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisWriteEventLogEntry"))
        return NDIS_STATUS_FAILURE;
    if (NumStrings != 0 && StringsList == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    n = snprintf(line, sizeof(line), "NDIS event log: %p event 0x%08lx unique 0x%08lx data %lu bytes", LogHandle,
                 (unsigned long)(ULONG)EventCode, (unsigned long)UniqueEventValue, (unsigned long)DataSize);
    for (USHORT i = 0; i < NumStrings && n > 0 && (size_t)n < sizeof(line) - 4; i++) {
        n += snprintf(line + n, sizeof(line) - (size_t)n, " \"");
        for (; *s != 0; s++)
            if ((size_t)n < sizeof(line) - 3)
                line[n++] = *s < 0x80 ? (char)*s : '?';
        s++; /* past the terminator: the next string */
        n += snprintf(line + n, sizeof(line) - (size_t)n, "\"");
    }
    DbgPrintEx(0, 0, "%s\n", line);
    return NDIS_STATUS_SUCCESS;
}
