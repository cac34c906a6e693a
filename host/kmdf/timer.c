/*
 * timer.c - WDFTIMER, WDFDPC and WDFWORKITEM on the NT core's KTIMER, KDPC
 * and IO_WORKITEM (host/nt/timer.c): the clock thread expires the timer
 * and runs the DPC, a worker thread runs the work item.
 *
 * The routine the NT core calls gets the object's handle, not a pointer:
 * it takes a reference only if the handle is still a live object of the
 * right type, so a timer or DPC that fires while the driver deletes its
 * object calls nothing instead of touching freed memory (deletion cancels
 * what is still queued).  A queued work item cannot be cancelled, so it
 * holds a reference from WdfWorkItemEnqueue until its callback returns.
 *
 * AutomaticSerialization runs the callback holding the parent's
 * synchronization-scope lock (io.c).  Not emulated: WdfExecutionLevelPassive
 * timers (timer callbacks always run at DISPATCH_LEVEL, so a passive-level
 * timer that waits is reported by the IRQL checks).
 */
#include "kmdf_internal.h"

#define NK_STATUS_WDF_PARENT_NOT_SPECIFIED ((NTSTATUS)0xC0200211L)

typedef struct _NK_WDF_TIMER {
    NK_WDF_OBJECT Object;
    KTIMER Timer;
    KDPC Dpc;
    WDF_TIMER_CONFIG Config;
    NK_WDF_SYNC *Serialize;     /* AutomaticSerialization: the parent scope's lock */
} NK_WDF_TIMER;

typedef struct _NK_WDF_DPC {
    NK_WDF_OBJECT Object;
    KDPC Dpc;
    WDF_DPC_CONFIG Config;
    NK_WDF_SYNC *Serialize;
} NK_WDF_DPC;

typedef struct _NK_WDF_WORKITEM {
    NK_WDF_OBJECT Object;
    PIO_WORKITEM Item;
    WDF_WORKITEM_CONFIG Config;
    BOOLEAN Queued;             /* enqueued, callback not started yet */
    LONG Running;               /* callbacks in progress */
    pthread_t Runner;           /* the thread running the callback ... */
    BOOLEAN HasRunner;          /* ... while one runs */
    KEVENT Idle;                /* signalled while neither queued nor running */
    NK_WDF_SYNC *Serialize;
} NK_WDF_WORKITEM;

/* The device an object belongs to (itself or an ancestor), or NULL. */
static NK_WDF_DEVICE *DeviceAncestor(NK_WDF_OBJECT *o)
{
    NK_WDF_DEVICE *d = NULL;
    NkWdfLock();
    for (; o != NULL && d == NULL; o = o->Parent)
        if (o->Type == NkWdfTypeDevice)
            d = (NK_WDF_DEVICE *)o;
    NkWdfUnlock();
    return d;
}

/* The framework's rule for timers, DPCs and work items: the attributes
 * must name a parent; for DPCs and work items it must lead to a device. */
static NTSTATUS CheckParent(PWDF_OBJECT_ATTRIBUTES Attributes, BOOLEAN NeedDevice, const char *Ddi)
{
    NK_WDF_OBJECT *parent;
    if (Attributes == NULL || Attributes->ParentObject == NULL) {
        NkHostViolation("wdf.no-parent", "%s: WDF_OBJECT_ATTRIBUTES.ParentObject is required", Ddi);
        return NK_STATUS_WDF_PARENT_NOT_SPECIFIED;
    }
    parent = NkWdfLookup(Attributes->ParentObject, Ddi);
    if (parent == NULL)
        return STATUS_INVALID_PARAMETER;
    if (NeedDevice && DeviceAncestor(parent) == NULL) {
        NkHostViolation("wdf.parent-not-device", "%s: the parent must be a device or descend from one", Ddi);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

/* AutomaticSerialization: the lock of the parent's synchronization scope
 * (NULL if the parent has none: nothing to serialize with).  Timers and
 * DPCs run at DISPATCH_LEVEL, so their parent's scope must be a spin lock;
 * work items run at PASSIVE_LEVEL and need a passive-level scope. */
static NTSTATUS SerializationLock(BOOLEAN AutomaticSerialization, PWDF_OBJECT_ATTRIBUTES Attributes,
                                  BOOLEAN PassiveCallback, NK_WDF_SYNC **Lock, const char *Ddi)
{
    NK_WDF_OBJECT *parent;
    NK_WDF_SYNC *s;
    *Lock = NULL;
    if (!AutomaticSerialization || Attributes == NULL || Attributes->ParentObject == NULL)
        return STATUS_SUCCESS;
    parent = NkWdfLookup(Attributes->ParentObject, Ddi);
    if (parent == NULL)
        return STATUS_INVALID_PARAMETER;
    s = NkWdfSyncLockOf(parent);
    if (s != NULL && s->Passive != PassiveCallback) {
        NkHostViolation("wdf.serialization-level", "%s: AutomaticSerialization with a parent whose callbacks run at "
                        "%s level: this callback runs at %s level", Ddi, s->Passive ? "passive" : "dispatch",
                        PassiveCallback ? "passive" : "dispatch");
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    *Lock = s;
    return STATUS_SUCCESS;
}

/* ---- timers ------------------------------------------------------------------------ */

static VOID NTAPI TimerDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    NK_WDF_TIMER *t = (NK_WDF_TIMER *)NkWdfReferenceIfLive(Context, NkWdfTypeTimer);
    BOOLEAN held;
    (void)Dpc; /* may be freed memory if the timer was deleted meanwhile: only Context is used */
    (void)Arg1;
    (void)Arg2;
    if (t == NULL)
        return;
    held = NkWdfSyncAcquire(t->Serialize);
    t->Config.EvtTimerFunc((WDFTIMER)t);
    NkWdfSyncRelease(t->Serialize, held);
    NkWdfRelease(&t->Object);
}

/* Both: nothing may still be armed or queued in memory about to be freed. */
static VOID TimerDestroy(NK_WDF_OBJECT *o)
{
    NkTimersCheckFree(o, o->Type == NkWdfTypeTimer ? sizeof(NK_WDF_TIMER) : sizeof(NK_WDF_DPC),
                      "WDF timer/DPC object destruction");
}

/* Starting or queueing an object the driver already deleted. */
static BOOLEAN Deleted(NK_WDF_OBJECT *o, const char *Ddi)
{
    BOOLEAN deleted;
    NkWdfLock();
    deleted = o->State != NkWdfLive;
    NkWdfUnlock();
    if (deleted)
        NkHostViolation("wdf.use-after-delete", "%s(%p): the object was deleted", Ddi, (void *)o);
    return deleted;
}

static VOID TimerDispose(NK_WDF_OBJECT *o)
{
    NK_WDF_TIMER *t = (NK_WDF_TIMER *)o;
    /* Deleting a timer stops it; a callback already running keeps its own
     * reference, so nothing waits here (the tree lock is held). */
    KeCancelTimer(&t->Timer);
    KeRemoveQueueDpc(&t->Dpc);
}

static NK_WDF_TIMER *TimerOf(WDFTIMER Handle, const char *Ddi)
{
    return (NK_WDF_TIMER *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeTimer, "WDFTIMER", Ddi);
}

static NTSTATUS NTAPI NkWdfTimerCreate(PWDF_DRIVER_GLOBALS Globals, PWDF_TIMER_CONFIG Config,
                                       PWDF_OBJECT_ATTRIBUTES Attributes, WDFTIMER *Timer)
{
    NK_WDF_OBJECT *o;
    NK_WDF_TIMER *t;
    NK_WDF_SYNC *serialize;
    NTSTATUS status;
    (void)Globals;
    *Timer = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfTimerCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    /* KMDF before 1.13 had the 32-byte structure without UseHighResolutionTimer. */
    if (Config == NULL || (Config->Size != sizeof(WDF_TIMER_CONFIG) && Config->Size != 32) ||
        Config->EvtTimerFunc == NULL) {
        NkHostViolation("wdf.bad-config", "WdfTimerCreate: WDF_TIMER_CONFIG not initialised or no EvtTimerFunc");
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    if (Config->Period > MAXLONG)
        return STATUS_INVALID_PARAMETER;
    status = CheckParent(Attributes, FALSE, "WdfTimerCreate");
    if (NT_SUCCESS(status))
        status = SerializationLock(Config->AutomaticSerialization, Attributes, FALSE, &serialize, "WdfTimerCreate");
    if (!NT_SUCCESS(status))
        return status;
    status = NkWdfCreate(sizeof(NK_WDF_TIMER), NkWdfTypeTimer, Attributes, NULL, &o);
    if (!NT_SUCCESS(status))
        return status;
    t = (NK_WDF_TIMER *)o;
    RtlCopyMemory(&t->Config, Config, Config->Size);
    t->Serialize = serialize;
    KeInitializeTimerEx(&t->Timer, NotificationTimer);
    KeInitializeDpc(&t->Dpc, TimerDpc, o);
    o->FrameworkDispose = TimerDispose;
    o->FrameworkDestroy = TimerDestroy;
    *Timer = (WDFTIMER)o;
    return STATUS_SUCCESS;
}

static BOOLEAN NTAPI NkWdfTimerStart(PWDF_DRIVER_GLOBALS Globals, WDFTIMER Timer, LONGLONG DueTime)
{
    NK_WDF_TIMER *t = TimerOf(Timer, "WdfTimerStart");
    LARGE_INTEGER due;
    (void)Globals;
    if (t == NULL || !NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfTimerStart") || Deleted(&t->Object, "WdfTimerStart"))
        return FALSE;
    due.QuadPart = DueTime; /* negative: relative, 100 ns units; positive: absolute system time */
    return KeSetTimerEx(&t->Timer, due, (LONG)t->Config.Period, &t->Dpc);
}

static BOOLEAN NTAPI NkWdfTimerStop(PWDF_DRIVER_GLOBALS Globals, WDFTIMER Timer, BOOLEAN Wait)
{
    NK_WDF_TIMER *t = TimerOf(Timer, "WdfTimerStop");
    BOOLEAN wasQueued;
    (void)Globals;
    if (t == NULL)
        return FALSE;
    /* Waiting for the callback is only possible at PASSIVE_LEVEL (and so
     * never from the timer's own callback, which runs at DISPATCH_LEVEL). */
    if (!NkHostCheckIrqlMax(Wait ? PASSIVE_LEVEL : DISPATCH_LEVEL, "WdfTimerStop"))
        return FALSE;
    wasQueued = KeCancelTimer(&t->Timer);
    KeRemoveQueueDpc(&t->Dpc);
    if (Wait)
        KeFlushQueuedDpcs(); /* a callback already running finishes first */
    return wasQueued;
}

static WDFOBJECT NTAPI NkWdfTimerGetParentObject(PWDF_DRIVER_GLOBALS Globals, WDFTIMER Timer)
{
    NK_WDF_TIMER *t = TimerOf(Timer, "WdfTimerGetParentObject");
    (void)Globals;
    return t != NULL ? (WDFOBJECT)t->Object.Parent : NULL;
}

/* ---- DPCs -------------------------------------------------------------------------- */

static VOID NTAPI DpcRoutine(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    NK_WDF_DPC *d = (NK_WDF_DPC *)NkWdfReferenceIfLive(Context, NkWdfTypeDpc);
    BOOLEAN held;
    (void)Dpc;
    (void)Arg1;
    (void)Arg2;
    if (d == NULL)
        return;
    held = NkWdfSyncAcquire(d->Serialize);
    d->Config.EvtDpcFunc((WDFDPC)d);
    NkWdfSyncRelease(d->Serialize, held);
    NkWdfRelease(&d->Object);
}

static VOID DpcDispose(NK_WDF_OBJECT *o)
{
    KeRemoveQueueDpc(&((NK_WDF_DPC *)o)->Dpc);
}

static NK_WDF_DPC *DpcOf(WDFDPC Handle, const char *Ddi)
{
    return (NK_WDF_DPC *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeDpc, "WDFDPC", Ddi);
}

static NTSTATUS NTAPI NkWdfDpcCreate(PWDF_DRIVER_GLOBALS Globals, PWDF_DPC_CONFIG Config,
                                     PWDF_OBJECT_ATTRIBUTES Attributes, WDFDPC *Dpc)
{
    NK_WDF_OBJECT *o;
    NK_WDF_DPC *d;
    NK_WDF_SYNC *serialize;
    NTSTATUS status;
    (void)Globals;
    *Dpc = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfDpcCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    if (Config == NULL || Config->Size != sizeof(WDF_DPC_CONFIG) || Config->EvtDpcFunc == NULL) {
        NkHostViolation("wdf.bad-config", "WdfDpcCreate: WDF_DPC_CONFIG not initialised or no EvtDpcFunc");
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    status = CheckParent(Attributes, TRUE, "WdfDpcCreate");
    if (NT_SUCCESS(status))
        status = SerializationLock(Config->AutomaticSerialization, Attributes, FALSE, &serialize, "WdfDpcCreate");
    if (!NT_SUCCESS(status))
        return status;
    status = NkWdfCreate(sizeof(NK_WDF_DPC), NkWdfTypeDpc, Attributes, NULL, &o);
    if (!NT_SUCCESS(status))
        return status;
    d = (NK_WDF_DPC *)o;
    d->Config = *Config;
    d->Serialize = serialize;
    KeInitializeDpc(&d->Dpc, DpcRoutine, o);
    o->FrameworkDispose = DpcDispose;
    o->FrameworkDestroy = TimerDestroy;
    *Dpc = (WDFDPC)o;
    return STATUS_SUCCESS;
}

static BOOLEAN NTAPI NkWdfDpcEnqueue(PWDF_DRIVER_GLOBALS Globals, WDFDPC Dpc)
{
    NK_WDF_DPC *d = DpcOf(Dpc, "WdfDpcEnqueue");
    (void)Globals;
    if (d == NULL || Deleted(&d->Object, "WdfDpcEnqueue"))
        return FALSE;
    return KeInsertQueueDpc(&d->Dpc, NULL, NULL); /* FALSE: already queued */
}

static BOOLEAN NTAPI NkWdfDpcCancel(PWDF_DRIVER_GLOBALS Globals, WDFDPC Dpc, BOOLEAN Wait)
{
    NK_WDF_DPC *d = DpcOf(Dpc, "WdfDpcCancel");
    BOOLEAN removed;
    (void)Globals;
    if (d == NULL || !NkHostCheckIrqlMax(Wait ? PASSIVE_LEVEL : DISPATCH_LEVEL, "WdfDpcCancel"))
        return FALSE;
    removed = KeRemoveQueueDpc(&d->Dpc);
    if (Wait)
        KeFlushQueuedDpcs();
    return removed;
}

static WDFOBJECT NTAPI NkWdfDpcGetParentObject(PWDF_DRIVER_GLOBALS Globals, WDFDPC Dpc)
{
    NK_WDF_DPC *d = DpcOf(Dpc, "WdfDpcGetParentObject");
    (void)Globals;
    return d != NULL ? (WDFOBJECT)d->Object.Parent : NULL;
}

static PKDPC NTAPI NkWdfDpcWdmGetDpc(PWDF_DRIVER_GLOBALS Globals, WDFDPC Dpc)
{
    NK_WDF_DPC *d = DpcOf(Dpc, "WdfDpcWdmGetDpc");
    (void)Globals;
    return d != NULL ? &d->Dpc : NULL;
}

/* ---- work items ---------------------------------------------------------------------- */

static VOID NTAPI WorkItemRoutine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    NK_WDF_WORKITEM *w = Context; /* WdfWorkItemEnqueue's reference keeps it valid */
    BOOLEAN live;
    (void)DeviceObject;
    NkWdfLock();
    w->Queued = FALSE;
    w->Running++;
    live = w->Object.State == NkWdfLive; /* deleted while queued: the callback does not run */
    w->Runner = pthread_self();
    w->HasRunner = TRUE;
    NkWdfUnlock();
    if (live) {
        BOOLEAN held = NkWdfSyncAcquire(w->Serialize);
        w->Config.EvtWorkItemFunc((WDFWORKITEM)w);
        NkWdfSyncRelease(w->Serialize, held);
    }
    /* The queue's reference goes under the tree lock together with the
     * signal: a flusher woken by it releases its own reference only after
     * this one, so once WdfWorkItemFlush returns the work item holds
     * nothing (a leak check right after sees no half-released item). */
    NkWdfLock();
    w->HasRunner = FALSE;
    if (--w->Running == 0 && !w->Queued)
        KeSetEvent(&w->Idle, IO_NO_INCREMENT, FALSE);
    NkWdfRelease(&w->Object);
    NkWdfUnlock();
}

static VOID WorkItemDestroy(NK_WDF_OBJECT *o)
{
    NK_WDF_WORKITEM *w = (NK_WDF_WORKITEM *)o;
    /* The last reference: never queued now (the queue holds one). */
    if (w->Item != NULL)
        IoFreeWorkItem(w->Item);
    w->Item = NULL;
}

static NK_WDF_WORKITEM *WorkItemOf(WDFWORKITEM Handle, const char *Ddi)
{
    return (NK_WDF_WORKITEM *)NkWdfLookupType((WDFOBJECT)Handle, NkWdfTypeWorkItem, "WDFWORKITEM", Ddi);
}

static NTSTATUS NTAPI NkWdfWorkItemCreate(PWDF_DRIVER_GLOBALS Globals, PWDF_WORKITEM_CONFIG Config,
                                          PWDF_OBJECT_ATTRIBUTES Attributes, WDFWORKITEM *WorkItem)
{
    NK_WDF_OBJECT *o;
    NK_WDF_WORKITEM *w;
    NK_WDF_DEVICE *device;
    NK_WDF_SYNC *serialize;
    NTSTATUS status;
    (void)Globals;
    *WorkItem = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfWorkItemCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    if (Config == NULL || Config->Size != sizeof(WDF_WORKITEM_CONFIG) || Config->EvtWorkItemFunc == NULL) {
        NkHostViolation("wdf.bad-config", "WdfWorkItemCreate: WDF_WORKITEM_CONFIG not initialised or no callback");
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    status = CheckParent(Attributes, TRUE, "WdfWorkItemCreate");
    if (NT_SUCCESS(status))
        status = SerializationLock(Config->AutomaticSerialization, Attributes, TRUE, &serialize, "WdfWorkItemCreate");
    if (!NT_SUCCESS(status))
        return status;
    device = DeviceAncestor(NkWdfLookup(Attributes->ParentObject, "WdfWorkItemCreate"));
    status = NkWdfCreate(sizeof(NK_WDF_WORKITEM), NkWdfTypeWorkItem, Attributes, NULL, &o);
    if (!NT_SUCCESS(status))
        return status;
    w = (NK_WDF_WORKITEM *)o;
    w->Config = *Config;
    w->Serialize = serialize;
    KeInitializeEvent(&w->Idle, NotificationEvent, TRUE);
    o->FrameworkDestroy = WorkItemDestroy;
    /* The I/O work item references the device object while queued, which
     * keeps the driver loaded until the callback returns, as on Windows. */
    w->Item = IoAllocateWorkItem(NkWdfWdmDevice(device));
    if (w->Item == NULL) {
        NkWdfDelete(o);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    *WorkItem = (WDFWORKITEM)o;
    return STATUS_SUCCESS;
}

static VOID NTAPI NkWdfWorkItemEnqueue(PWDF_DRIVER_GLOBALS Globals, WDFWORKITEM WorkItem)
{
    NK_WDF_WORKITEM *w = WorkItemOf(WorkItem, "WdfWorkItemEnqueue");
    BOOLEAN queue;
    (void)Globals;
    if (w == NULL || !NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfWorkItemEnqueue"))
        return;
    NkWdfLock();
    /* Documented: enqueuing one that is queued (callback not started) does
     * nothing; once its callback runs it may be enqueued again. */
    queue = !w->Queued && w->Object.State == NkWdfLive;
    if (queue) {
        w->Queued = TRUE;
        KeClearEvent(&w->Idle);
        w->Object.References++; /* the queue's: released after the callback */
    }
    NkWdfUnlock();
    if (queue)
        IoQueueWorkItem(w->Item, WorkItemRoutine, DelayedWorkQueue, w);
}

static VOID NTAPI NkWdfWorkItemFlush(PWDF_DRIVER_GLOBALS Globals, WDFWORKITEM WorkItem)
{
    NK_WDF_WORKITEM *w = WorkItemOf(WorkItem, "WdfWorkItemFlush");
    (void)Globals;
    if (w == NULL || !NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfWorkItemFlush"))
        return;
    NkWdfLock();
    if (w->HasRunner && pthread_equal(w->Runner, pthread_self())) {
        /* From its own callback it would wait for itself. */
        NkWdfUnlock();
        NkHostViolation("wdf.workitem-flush-self", "WdfWorkItemFlush(%p) while its callback runs: deadlock",
                        (void *)WorkItem);
        return;
    }
    NkWdfReference(&w->Object);
    NkWdfUnlock();
    KeWaitForSingleObject(&w->Idle, Executive, KernelMode, FALSE, NULL);
    NkWdfRelease(&w->Object);
}

static WDFOBJECT NTAPI NkWdfWorkItemGetParentObject(PWDF_DRIVER_GLOBALS Globals, WDFWORKITEM WorkItem)
{
    NK_WDF_WORKITEM *w = WorkItemOf(WorkItem, "WdfWorkItemGetParentObject");
    (void)Globals;
    return w != NULL ? (WDFOBJECT)w->Object.Parent : NULL;
}

VOID NkWdfRegisterTimerDdis(VOID)
{
    NK_WDF_REGISTER(WdfTimerCreate, NkWdfTimerCreate);
    NK_WDF_REGISTER(WdfTimerStart, NkWdfTimerStart);
    NK_WDF_REGISTER(WdfTimerStop, NkWdfTimerStop);
    NK_WDF_REGISTER(WdfTimerGetParentObject, NkWdfTimerGetParentObject);
    NK_WDF_REGISTER(WdfDpcCreate, NkWdfDpcCreate);
    NK_WDF_REGISTER(WdfDpcEnqueue, NkWdfDpcEnqueue);
    NK_WDF_REGISTER(WdfDpcCancel, NkWdfDpcCancel);
    NK_WDF_REGISTER(WdfDpcGetParentObject, NkWdfDpcGetParentObject);
    NK_WDF_REGISTER(WdfDpcWdmGetDpc, NkWdfDpcWdmGetDpc);
    NK_WDF_REGISTER(WdfWorkItemCreate, NkWdfWorkItemCreate);
    NK_WDF_REGISTER(WdfWorkItemEnqueue, NkWdfWorkItemEnqueue);
    NK_WDF_REGISTER(WdfWorkItemFlush, NkWdfWorkItemFlush);
    NK_WDF_REGISTER(WdfWorkItemGetParentObject, NkWdfWorkItemGetParentObject);
}
