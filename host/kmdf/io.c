/*
 * io.c - I/O queues and requests.
 *
 * A request is always on its queue's Requests list until completed;
 * InQueue says whether it is still waiting there (the driver cannot touch
 * it) or has been presented to / retrieved by the driver (the driver owns
 * it and must complete, forward or requeue it).  Sequential queues present
 * one request at a time, parallel queues every request at once, manual
 * queues none.  Callbacks run without the object lock held.
 *
 * The verifier catches what KMDF's verifier catches: completing a request
 * twice, completing one still marked cancelable or still in a queue,
 * forwarding one the driver does not own, and unmarking a request that is
 * not cancelable.
 */
#include "kmdf_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static NK_WDF_REQUEST *RequestOf(WDFREQUEST Handle, const char *Ddi)
{
    NK_WDF_OBJECT *o = NkWdfLookup((WDFOBJECT)Handle, Ddi);
    if (o != NULL && o->Type != NkWdfTypeRequest) {
        NkHostViolation("wdf.wrong-type", "%s(%p): not a WDFREQUEST", Ddi, (void *)Handle);
        return NULL;
    }
    return (NK_WDF_REQUEST *)o;
}

static NK_WDF_QUEUE *QueueOf(WDFQUEUE Handle, const char *Ddi)
{
    NK_WDF_OBJECT *o = NkWdfLookup((WDFOBJECT)Handle, Ddi);
    if (o != NULL && o->Type != NkWdfTypeQueue) {
        NkHostViolation("wdf.wrong-type", "%s(%p): not a WDFQUEUE", Ddi, (void *)Handle);
        return NULL;
    }
    return (NK_WDF_QUEUE *)o;
}

static VOID CompleteDdi(WDFREQUEST Request, NTSTATUS Status, ULONG_PTR Information, BOOLEAN UseInformation,
                        const char *Ddi);

/* ---- synchronization scopes ------------------------------------------------------- */

/* The scope an object's callbacks have: its own, else its parent's, up to
 * the driver (whose default is none). */
static WDF_SYNCHRONIZATION_SCOPE ScopeOf(NK_WDF_OBJECT *o)
{
    for (; o != NULL; o = o->Parent)
        if (o->SyncScope == WdfSynchronizationScopeDevice || o->SyncScope == WdfSynchronizationScopeQueue ||
            o->SyncScope == WdfSynchronizationScopeNone)
            return o->SyncScope;
    return WdfSynchronizationScopeNone;
}

/* Whether callbacks run at PASSIVE_LEVEL: the object's level, else its
 * parent's; KMDF's driver object defaults to WdfExecutionLevelDispatch. */
static BOOLEAN PassiveLevelOf(NK_WDF_OBJECT *o)
{
    for (; o != NULL; o = o->Parent)
        if (o->ExecLevel == WdfExecutionLevelPassive || o->ExecLevel == WdfExecutionLevelDispatch)
            return o->ExecLevel == WdfExecutionLevelPassive;
    return FALSE;
}

static NK_WDF_SYNC *UseSync(NK_WDF_SYNC *s, BOOLEAN Passive)
{
    NkWdfLock();
    if (!s->Used) {
        KeInitializeSpinLock(&s->Spin);
        KeInitializeEvent(&s->Free, SynchronizationEvent, TRUE);
        s->Passive = Passive;
        s->Used = TRUE;
    }
    NkWdfUnlock();
    return s;
}

NK_WDF_SYNC *NkWdfSyncLockOf(NK_WDF_OBJECT *o)
{
    if (o->Type == NkWdfTypeQueue)
        return ((NK_WDF_QUEUE *)o)->SyncLock;
    if (o->Type == NkWdfTypeDevice && ScopeOf(o) == WdfSynchronizationScopeDevice)
        return UseSync(&((NK_WDF_DEVICE *)o)->Sync, PassiveLevelOf(o));
    return NULL;
}

BOOLEAN NkWdfSyncAcquire(NK_WDF_SYNC *s)
{
    unsigned long self = (unsigned long)pthread_self();
    KIRQL old;
    if (s == NULL || __atomic_load_n(&s->Owner, __ATOMIC_ACQUIRE) == self)
        return FALSE;
    if (s->Passive) {
        KeWaitForSingleObject(&s->Free, Executive, KernelMode, FALSE, NULL);
    } else {
        KeAcquireSpinLock(&s->Spin, &old); /* the callbacks run at DISPATCH_LEVEL, as in KMDF */
        s->OldIrql = old;
    }
    __atomic_store_n(&s->Owner, self, __ATOMIC_RELEASE);
    return TRUE;
}

static VOID PresentReady(NK_WDF_QUEUE *q);

VOID NkWdfSyncRelease(NK_WDF_SYNC *s, BOOLEAN Acquired)
{
    NK_WDF_QUEUE *deferred[NK_WDF_SYNC_DEFERRED];
    ULONG n;
    if (!Acquired)
        return;
    NkWdfLock();
    n = s->DeferredCount;
    memcpy(deferred, s->Deferred, n * sizeof(deferred[0]));
    s->DeferredCount = 0;
    NkWdfUnlock();
    __atomic_store_n(&s->Owner, 0, __ATOMIC_RELEASE);
    if (s->Passive)
        KeSetEvent(&s->Free, IO_NO_INCREMENT, FALSE);
    else
        KeReleaseSpinLock(&s->Spin, s->OldIrql);
    /* What arrived or was freed up while the scope was busy. */
    for (ULONG i = 0; i < n; i++)
        PresentReady(deferred[i]);
}

/* With q's scope held by this thread: note q for presenting on release. */
static BOOLEAN Defer(NK_WDF_QUEUE *q)
{
    NK_WDF_SYNC *s = q->SyncLock;
    BOOLEAN noted = FALSE;
    NkWdfLock();
    for (ULONG i = 0; i < s->DeferredCount && !noted; i++)
        noted = s->Deferred[i] == q;
    if (!noted && s->DeferredCount < NK_WDF_SYNC_DEFERRED) {
        s->Deferred[s->DeferredCount++] = q;
        noted = TRUE;
    }
    NkWdfUnlock();
    return noted; /* FALSE: no room, present now (nested) */
}

/* Calls the queue's callback for r (which the driver now owns). */
static VOID PresentCallback(NK_WDF_QUEUE *q, NK_WDF_REQUEST *r);

static VOID Present(NK_WDF_QUEUE *q, NK_WDF_REQUEST *r)
{
    BOOLEAN held = NkWdfSyncAcquire(q->SyncLock);
    PresentCallback(q, r);
    NkWdfSyncRelease(q->SyncLock, held);
}

static VOID PresentCallback(NK_WDF_QUEUE *q, NK_WDF_REQUEST *r)
{
    WDFQUEUE qh = (WDFQUEUE)q;
    WDFREQUEST rh = (WDFREQUEST)r;
    PWDF_IO_QUEUE_CONFIG c = &q->Config;

    switch (r->Parameters.Type) {
    case WdfRequestTypeRead:
        if (c->EvtIoRead) {
            c->EvtIoRead(qh, rh, r->Parameters.Parameters.Read.Length);
            return;
        }
        break;
    case WdfRequestTypeWrite:
        if (c->EvtIoWrite) {
            c->EvtIoWrite(qh, rh, r->Parameters.Parameters.Write.Length);
            return;
        }
        break;
    case WdfRequestTypeDeviceControl:
        if (c->EvtIoDeviceControl) {
            c->EvtIoDeviceControl(qh, rh, r->Parameters.Parameters.DeviceIoControl.OutputBufferLength,
                                  r->Parameters.Parameters.DeviceIoControl.InputBufferLength,
                                  r->Parameters.Parameters.DeviceIoControl.IoControlCode);
            return;
        }
        break;
    default:
        break;
    }
    if (c->EvtIoDefault) {
        c->EvtIoDefault(qh, rh);
        return;
    }
    /* No callback for this type: the framework fails it, as KMDF does. */
    CompleteDdi(rh, STATUS_INVALID_DEVICE_REQUEST, 0, TRUE, "(no queue callback)");
}

/* With the lock held: the next waiting request this queue may present now. */
static NK_WDF_REQUEST *NextToPresentLocked(NK_WDF_QUEUE *q)
{
    if (q->Config.DispatchType == WdfIoQueueDispatchManual || !q->Accepting || q->Stopped)
        return NULL;
    if (q->Config.DispatchType == WdfIoQueueDispatchSequential && q->Presented > 0)
        return NULL;
    /* A parallel queue may cap how many requests the driver has at once
     * (WDF_IO_QUEUE_CONFIG.Settings.Parallel.NumberOfPresentedRequests). */
    if (q->Config.DispatchType == WdfIoQueueDispatchParallel &&
        q->Config.Settings.Parallel.NumberOfPresentedRequests != (ULONG)-1 &&
        q->Config.Settings.Parallel.NumberOfPresentedRequests != 0 &&
        q->Presented >= q->Config.Settings.Parallel.NumberOfPresentedRequests)
        return NULL;
    for (PLIST_ENTRY e = q->Requests.Flink; e != &q->Requests; e = e->Flink) {
        NK_WDF_REQUEST *r = CONTAINING_RECORD(e, NK_WDF_REQUEST, QueueLink);
        if (r->InQueue) {
            r->InQueue = FALSE;
            q->Presented++;
            return r;
        }
    }
    return NULL;
}

static VOID PresentReady(NK_WDF_QUEUE *q)
{
    if (q->SyncLock != NULL &&
        __atomic_load_n(&q->SyncLock->Owner, __ATOMIC_ACQUIRE) == (unsigned long)pthread_self() && Defer(q))
        return; /* inside a callback of this scope: presented when it returns */
    for (;;) {
        NK_WDF_REQUEST *r;
        NkWdfLock();
        r = NextToPresentLocked(q);
        NkWdfUnlock();
        if (r == NULL)
            return;
        Present(q, r);
    }
}

/* A stopped queue whose driver-owned requests are all completed calls the
 * StopComplete callback WdfIoQueueStop was given; a drained or purged queue
 * with no request left calls its DrainComplete/PurgeComplete.  Each once,
 * without the lock. */
static VOID StopCompleteIfIdle(NK_WDF_QUEUE *q)
{
    PFN_WDF_IO_QUEUE_STATE cb = NULL, idle = NULL;
    WDFCONTEXT ctx = NULL, idleCtx = NULL;
    NkWdfLock();
    if (q->Stopped && q->Presented == 0 && q->StopComplete != NULL) {
        cb = q->StopComplete;
        ctx = q->StopContext;
        q->StopComplete = NULL;
    }
    if (q->IdleComplete != NULL && IsListEmpty(&q->Requests)) {
        idle = q->IdleComplete;
        idleCtx = q->IdleContext;
        q->IdleComplete = NULL;
    }
    NkWdfUnlock();
    if (cb != NULL)
        cb((WDFQUEUE)q, ctx);
    if (idle != NULL)
        idle((WDFQUEUE)q, idleCtx);
}

/* With the lock held: no request waits on q (the driver may own some). */
static BOOLEAN NothingWaitingLocked(NK_WDF_QUEUE *q)
{
    for (PLIST_ENTRY e = q->Requests.Flink; e != &q->Requests; e = e->Flink)
        if (CONTAINING_RECORD(e, NK_WDF_REQUEST, QueueLink)->InQueue)
            return FALSE;
    return TRUE;
}

/* The ready notification of a manual queue: due when a request arrives on
 * a queue nothing waited on (WasEmpty), unless the queue is stopped. */
static VOID NotifyReady(NK_WDF_QUEUE *q, BOOLEAN WasEmpty)
{
    PFN_WDF_IO_QUEUE_STATE cb = NULL;
    WDFCONTEXT ctx = NULL;
    if (!WasEmpty)
        return;
    NkWdfLock();
    if (q->ReadyNotify != NULL && !q->Stopped && !NothingWaitingLocked(q)) {
        cb = q->ReadyNotify;
        ctx = q->ReadyContext;
    }
    NkWdfUnlock();
    if (cb != NULL)
        cb((WDFQUEUE)q, ctx);
}

static VOID CompleteLocked(NK_WDF_REQUEST *r, NTSTATUS Status, ULONG_PTR Information)
{
    NK_WDF_QUEUE *q = r->Queue;
    r->Completed = TRUE;
    r->Status = Status;
    r->Information = Information;
    if (q != NULL) {
        RemoveEntryList(&r->QueueLink);
        InitializeListHead(&r->QueueLink);
        if (!r->InQueue && q->Presented > 0)
            q->Presented--;
        r->InQueue = FALSE;
    }
    KeSetEvent(&r->Done, IO_NO_INCREMENT, FALSE);
}

/* Puts r on q: waiting, then presented if the queue's type allows. */
static NTSTATUS Enqueue(NK_WDF_QUEUE *q, NK_WDF_REQUEST *r)
{
    BOOLEAN wasEmpty;
    NkWdfLock();
    if (!q->Accepting) {
        NkWdfUnlock();
        return STATUS_INVALID_DEVICE_STATE;
    }
    wasEmpty = NothingWaitingLocked(q);
    r->Queue = q;
    r->InQueue = TRUE;
    InsertTailList(&q->Requests, &r->QueueLink);
    NkWdfUnlock();
    PresentReady(q);
    NotifyReady(q, wasEmpty);
    return STATUS_SUCCESS;
}

/* Completes a request the framework ends itself, outside any queue, and
 * runs the completion hook of whoever issued it. */
static VOID CompleteNow(NK_WDF_REQUEST *Request, NTSTATUS Status)
{
    VOID (*hook)(NK_WDF_REQUEST *);
    NkWdfLock();
    hook = Request->OnComplete;
    CompleteLocked(Request, Status, 0);
    NkWdfUnlock();
    if (hook != NULL)
        hook(Request);
}

/* A read or write of zero bytes, for a queue that did not ask for them. */
static BOOLEAN ZeroLengthRefused(const NK_WDF_QUEUE *q, const NK_WDF_REQUEST *r)
{
    if (q->Config.AllowZeroLengthRequests)
        return FALSE;
    return (r->Parameters.Type == WdfRequestTypeRead && r->Parameters.Parameters.Read.Length == 0) ||
           (r->Parameters.Type == WdfRequestTypeWrite && r->Parameters.Parameters.Write.Length == 0);
}

/* Puts a new request on the device's queue for its type; on failure the
 * caller completes it.  Zero-length reads and writes never reach a queue
 * created without AllowZeroLengthRequests: KMDF completes them itself
 * with STATUS_SUCCESS and no bytes (WDF_IO_QUEUE_CONFIG), so a driver
 * written for Windows never sees one, and a test must not expect the
 * driver's own answer to them. */
static NTSTATUS QueueRequest(NK_WDF_DEVICE *Device, NK_WDF_REQUEST *Request)
{
    NK_WDF_QUEUE *q = Device->Dispatch[Request->Parameters.Type] ? Device->Dispatch[Request->Parameters.Type]
                                                                 : Device->DefaultQueue;
    if (q == NULL)
        return STATUS_INVALID_DEVICE_REQUEST;
    if (ZeroLengthRefused(q, Request)) {
        CompleteNow(Request, STATUS_SUCCESS);
        return STATUS_SUCCESS;
    }
    return Enqueue(q, Request);
}

VOID NkWdfDispatchRequest(NK_WDF_DEVICE *Device, NK_WDF_REQUEST *Request)
{
    NTSTATUS status = STATUS_SUCCESS;
    /* The request context the driver asked for (WdfDeviceInitSetRequestAttributes). */
    if (Device->HasRequestAttributes)
        status = NkWdfApplyAttributes(&Request->Object, &Device->RequestAttributes);
    if (NT_SUCCESS(status) && Device->InCallerContext != NULL) {
        /* In the sender's thread, before any queue: the driver enqueues it
         * (WdfDeviceEnqueueRequest) or completes it. */
        NkWdfReference(&Request->Object); /* completing it may free it (an I/O target's request) */
        Request->InCallerContext = TRUE;
        Device->InCallerContext((WDFDEVICE)Device, (WDFREQUEST)Request);
        NkWdfLock();
        Request->InCallerContext = FALSE;
        NkWdfUnlock();
        NkWdfRelease(&Request->Object);
        return;
    }
    if (NT_SUCCESS(status))
        status = QueueRequest(Device, Request);
    if (!NT_SUCCESS(status))
        CompleteNow(Request, status);
}

static NTSTATUS NTAPI NkWdfDeviceEnqueueRequest(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device, WDFREQUEST Request)
{
    NK_WDF_DEVICE *d = (NK_WDF_DEVICE *)NkWdfLookupType((WDFOBJECT)Device, NkWdfTypeDevice, "WDFDEVICE",
                                                       "WdfDeviceEnqueueRequest");
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfDeviceEnqueueRequest");
    BOOLEAN inCaller;
    (void)Globals;
    if (d == NULL || r == NULL)
        return STATUS_INVALID_PARAMETER;
    NkWdfLock();
    inCaller = r->InCallerContext && r->Queue == NULL && !r->Completed;
    if (inCaller)
        r->InCallerContext = FALSE; /* the queue has it from now on */
    NkWdfUnlock();
    if (!inCaller) {
        NkHostViolation("wdf.enqueue-outside-caller-context", "WdfDeviceEnqueueRequest(%p): only for a request "
                        "EvtIoInCallerContext has and has not queued yet", (void *)Request);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    return QueueRequest(d, r); /* on failure the driver completes it */
}

/* METHOD_NEITHER (or a WdfDeviceIoNeither device): the caller's own
 * buffers, valid only in the caller's context.  The host's callers are
 * this process, so the buffer is the request's copy of it. */
static NTSTATUS UnsafeUserBuffer(WDFREQUEST Request, size_t Minimum, PVOID *Buffer, size_t *Length, BOOLEAN Output,
                                 const char *Ddi)
{
    NK_WDF_REQUEST *r = RequestOf(Request, Ddi);
    SIZE_T len;
    *Buffer = NULL;
    if (Length != NULL)
        *Length = 0;
    if (r == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, Ddi))
        return STATUS_INVALID_DEVICE_STATE;
    if (!r->InCallerContext) {
        NkHostViolation("wdf.unsafe-buffer-context", "%s(%p): only in EvtIoInCallerContext, the caller's context",
                        Ddi, (void *)Request);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (!r->Neither || (Output ? r->Parameters.Type == WdfRequestTypeWrite : r->Parameters.Type == WdfRequestTypeRead))
        return STATUS_INVALID_DEVICE_REQUEST;
    len = Output ? r->OutputLength : r->InputLength;
    if (len < Minimum || (len == 0 && Minimum == 0 && r->SystemBuffer == NULL))
        return STATUS_BUFFER_TOO_SMALL;
    *Buffer = r->SystemBuffer;
    if (Length != NULL)
        *Length = len;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfRequestRetrieveUnsafeUserInputBuffer(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                                size_t MinimumRequiredLength, PVOID *InputBuffer,
                                                                size_t *Length)
{
    (void)Globals;
    return UnsafeUserBuffer(Request, MinimumRequiredLength, InputBuffer, Length, FALSE,
                            "WdfRequestRetrieveUnsafeUserInputBuffer");
}

static NTSTATUS NTAPI NkWdfRequestRetrieveUnsafeUserOutputBuffer(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                                 size_t MinimumRequiredLength, PVOID *OutputBuffer,
                                                                 size_t *Length)
{
    (void)Globals;
    return UnsafeUserBuffer(Request, MinimumRequiredLength, OutputBuffer, Length, TRUE,
                            "WdfRequestRetrieveUnsafeUserOutputBuffer");
}

/* Probing and locking a user buffer: a memory object over it, parented to
 * the request (so it is unlocked when the request goes). */
static NTSTATUS ProbeAndLock(WDFREQUEST Request, PVOID Buffer, size_t Length, WDFMEMORY *MemoryObject, const char *Ddi)
{
    NK_WDF_REQUEST *r = RequestOf(Request, Ddi);
    WDF_OBJECT_ATTRIBUTES a;
    NK_WDF_OBJECT *m;
    NTSTATUS status;
    *MemoryObject = NULL;
    if (r == NULL || Buffer == NULL || Length == 0)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, Ddi))
        return STATUS_INVALID_DEVICE_STATE;
    if (!r->InCallerContext) {
        NkHostViolation("wdf.unsafe-buffer-context", "%s(%p): only in EvtIoInCallerContext, the caller's context",
                        Ddi, (void *)Request);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = (WDFOBJECT)Request;
    status = NkWdfMemoryCreate(&a, NULL, Buffer, Length, FALSE, &m);
    if (NT_SUCCESS(status))
        *MemoryObject = (WDFMEMORY)m;
    return status;
}

static NTSTATUS NTAPI NkWdfRequestProbeAndLockUserBufferForRead(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                                PVOID Buffer, size_t Length, WDFMEMORY *MemoryObject)
{
    (void)Globals;
    return ProbeAndLock(Request, Buffer, Length, MemoryObject, "WdfRequestProbeAndLockUserBufferForRead");
}

static NTSTATUS NTAPI NkWdfRequestProbeAndLockUserBufferForWrite(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                                 PVOID Buffer, size_t Length, WDFMEMORY *MemoryObject)
{
    (void)Globals;
    return ProbeAndLock(Request, Buffer, Length, MemoryObject, "WdfRequestProbeAndLockUserBufferForWrite");
}

VOID NkWdfCancelRequest(NK_WDF_REQUEST *r)
{
    PFN_WDF_REQUEST_CANCEL routine = NULL;
    NK_WDF_QUEUE *q;
    BOOLEAN onQueue = FALSE;

    NkWdfLock();
    if (r->Completed) {
        NkWdfUnlock();
        return;
    }
    r->CancelRequested = TRUE;
    q = r->Queue;
    if (r->InQueue) {
        onQueue = TRUE;
        r->InQueue = FALSE;  /* the driver (or we) own it now */
        if (q != NULL)
            q->Presented++;
    } else if (r->CancelRoutine != NULL) {
        routine = r->CancelRoutine;
        r->CancelRoutine = NULL;
    }
    NkWdfUnlock();
    if (!onQueue && routine == NULL)
        NkWdfCancelSent(r); /* the driver sent it on: cancel that */
    if (onQueue) {
        if (q != NULL && q->Config.EvtIoCanceledOnQueue != NULL) {
            BOOLEAN held = NkWdfSyncAcquire(q->SyncLock);
            q->Config.EvtIoCanceledOnQueue((WDFQUEUE)q, (WDFREQUEST)r);
            NkWdfSyncRelease(q->SyncLock, held);
        } else {
            CompleteDdi((WDFREQUEST)r, STATUS_CANCELLED, 0, TRUE, "(cancel on queue)");
        }
    } else if (routine != NULL) {
        /* The cancel routine runs in the scope of the queue that presented it. */
        NK_WDF_SYNC *sync = q != NULL ? q->SyncLock : NULL;
        BOOLEAN held = NkWdfSyncAcquire(sync);
        routine((WDFREQUEST)r);
        NkWdfSyncRelease(sync, held);
    }
}

/* ---- queue DDIs ------------------------------------------------------------------- */

static NTSTATUS NTAPI NkWdfIoQueueCreate(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config,
                                         PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue)
{
    NK_WDF_OBJECT *dev = NkWdfLookupType((WDFOBJECT)Device, NkWdfTypeDevice, "WDFDEVICE", "WdfIoQueueCreate"), *o;
    NK_WDF_DEVICE *d = (NK_WDF_DEVICE *)dev;
    NK_WDF_QUEUE *q;
    WDF_OBJECT_ATTRIBUTES a;
    NTSTATUS status;
    (void)Globals;

    if (Queue != NULL)
        *Queue = NULL;
    if (dev == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfIoQueueCreate"))
        return STATUS_INVALID_DEVICE_STATE;
    if (Config->Size != sizeof(WDF_IO_QUEUE_CONFIG) || Config->DispatchType <= WdfIoQueueDispatchInvalid ||
        Config->DispatchType >= WdfIoQueueDispatchMax) {
        NkHostViolation("wdf.bad-config", "WdfIoQueueCreate: WDF_IO_QUEUE_CONFIG not initialised");
        return STATUS_INVALID_PARAMETER;
    }
    if (Config->DefaultQueue && d->DefaultQueue != NULL)
        return STATUS_INVALID_DEVICE_STATE; /* one default queue per device */
    if (QueueAttributes != NULL) {
        a = *QueueAttributes;
        if (a.ParentObject == NULL)
            a.ParentObject = (WDFOBJECT)Device;
    } else {
        WDF_OBJECT_ATTRIBUTES_INIT(&a);
        a.ParentObject = (WDFOBJECT)Device;
    }
    status = NkWdfCreate(sizeof(NK_WDF_QUEUE), NkWdfTypeQueue, &a, NULL, &o);
    if (!NT_SUCCESS(status))
        return status;
    q = (NK_WDF_QUEUE *)o;
    q->Device = d;
    q->Config = *Config;
    q->Accepting = TRUE;
    InitializeListHead(&q->Requests);
    switch (ScopeOf(o)) {
    case WdfSynchronizationScopeDevice:
        q->SyncLock = UseSync(&d->Sync, PassiveLevelOf(&d->Object));
        break;
    case WdfSynchronizationScopeQueue:
        q->SyncLock = UseSync(&q->Sync, PassiveLevelOf(o));
        break;
    default:
        break;
    }
    if (Config->DefaultQueue)
        d->DefaultQueue = q;
    if (Queue != NULL)
        *Queue = (WDFQUEUE)q;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfDeviceConfigureRequestDispatching(PWDF_DRIVER_GLOBALS Globals, WDFDEVICE Device,
                                                             WDFQUEUE Queue, WDF_REQUEST_TYPE RequestType)
{
    NK_WDF_OBJECT *dev = NkWdfLookupType((WDFOBJECT)Device, NkWdfTypeDevice, "WDFDEVICE",
                                         "WdfDeviceConfigureRequestDispatching");
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfDeviceConfigureRequestDispatching");
    (void)Globals;
    if (dev == NULL || q == NULL || (ULONG)RequestType >= WdfRequestTypeMax)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfDeviceConfigureRequestDispatching"))
        return STATUS_INVALID_DEVICE_STATE;
    ((NK_WDF_DEVICE *)dev)->Dispatch[RequestType] = q;
    return STATUS_SUCCESS;
}

static WDFDEVICE NTAPI NkWdfIoQueueGetDevice(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueGetDevice");
    (void)Globals;
    return q ? (WDFDEVICE)q->Device : NULL;
}

static NTSTATUS NTAPI NkWdfIoQueueRetrieveNextRequest(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue,
                                                      WDFREQUEST *OutRequest)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueRetrieveNextRequest");
    NTSTATUS status = STATUS_NO_MORE_ENTRIES;
    (void)Globals;
    *OutRequest = NULL;
    if (q == NULL)
        return STATUS_INVALID_PARAMETER;
    NkWdfLock();
    for (PLIST_ENTRY e = q->Requests.Flink; e != &q->Requests; e = e->Flink) {
        NK_WDF_REQUEST *r = CONTAINING_RECORD(e, NK_WDF_REQUEST, QueueLink);
        if (r->InQueue) {
            r->InQueue = FALSE;
            q->Presented++;
            *OutRequest = (WDFREQUEST)r;
            status = STATUS_SUCCESS;
            break;
        }
    }
    NkWdfUnlock();
    return status;
}

static VOID NTAPI NkWdfIoQueueStart(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueStart");
    (void)Globals;
    if (q == NULL)
        return;
    NkWdfLock();
    q->Accepting = TRUE;
    q->Stopped = FALSE;
    q->StopComplete = NULL;
    NkWdfUnlock();
    PresentReady(q);
    NotifyReady(q, TRUE); /* documented: a started queue that is not empty notifies */
}

static VOID NTAPI NkWdfIoQueueStop(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopComplete,
                                   WDFCONTEXT Context)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueStop");
    (void)Globals;
    if (q == NULL || !NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfIoQueueStop"))
        return;
    /* Stopped: nothing more is presented, but new requests are still
     * accepted and kept (even after a drain or purge), as documented. */
    NkWdfLock();
    q->Stopped = TRUE;
    q->Accepting = TRUE;
    q->StopComplete = StopComplete;
    q->StopContext = Context;
    NkWdfUnlock();
    StopCompleteIfIdle(q);
}

/* Stop accepting, cancel what waits and what the driver holds cancelable,
 * then wait for the driver to complete the rest. */
static VOID NTAPI NkWdfIoQueuePurgeSynchronously(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueuePurgeSynchronously");
    (void)Globals;
    if (q == NULL || !NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfIoQueuePurgeSynchronously"))
        return;
    NkWdfLock();
    q->Accepting = FALSE;
    NkWdfUnlock();
    for (;;) {
        NK_WDF_REQUEST *victim = NULL;
        BOOLEAN empty;
        NkWdfLock();
        empty = IsListEmpty(&q->Requests);
        for (PLIST_ENTRY e = q->Requests.Flink; e != &q->Requests; e = e->Flink) {
            NK_WDF_REQUEST *r = CONTAINING_RECORD(e, NK_WDF_REQUEST, QueueLink);
            if (!r->CancelRequested && (r->InQueue || r->CancelRoutine != NULL)) {
                victim = r;
                break;
            }
        }
        NkWdfUnlock();
        if (empty)
            return;
        if (victim != NULL) {
            NkWdfCancelRequest(victim);
        } else {
            struct timespec ts = {0, 1000000}; /* the driver still owns some: let it finish */
            nanosleep(&ts, NULL);
        }
    }
}

/* ---- request DDIs ------------------------------------------------------------------ */

static VOID CompleteDdi(WDFREQUEST Request, NTSTATUS Status, ULONG_PTR Information, BOOLEAN UseInformation,
                        const char *Ddi)
{
    NK_WDF_REQUEST *r = RequestOf(Request, Ddi);
    VOID (*hook)(NK_WDF_REQUEST *);
    NK_WDF_QUEUE *q;
    if (r == NULL)
        return;
    NkWdfLock();
    if (r->Completed) {
        NkWdfUnlock();
        NkHostViolation("wdf.request-completed-twice", "%s(%p): already completed", Ddi, (void *)Request);
        return;
    }
    if (r->InQueue) {
        NkWdfUnlock();
        NkHostViolation("wdf.complete-not-owned", "%s(%p): the request is still in a queue", Ddi, (void *)Request);
        return;
    }
    if (r->CancelRoutine != NULL) {
        NkWdfUnlock();
        NkHostViolation("wdf.complete-cancelable", "%s(%p): still marked cancelable (call "
                        "WdfRequestUnmarkCancelable first)", Ddi, (void *)Request);
        return;
    }
    if (r->DriverCreated) {
        /* Documented: a request the driver created is deleted, never completed. */
        NkWdfUnlock();
        NkHostViolation("wdf.complete-created-request", "%s(%p): the driver created this request "
                        "(WdfRequestCreate): delete it with WdfObjectDelete instead", Ddi, (void *)Request);
        return;
    }
    q = r->Queue;
    hook = r->OnComplete; /* read now: once Done is set the waiter may free r */
    CompleteLocked(r, Status, UseInformation ? Information : r->Information);
    NkWdfUnlock();
    if (q != NULL) {
        PresentReady(q); /* a sequential queue may present the next one */
        StopCompleteIfIdle(q);
    }
    if (hook != NULL)
        hook(r); /* last: it frees r */
}

VOID NkWdfCompleteRequest(NK_WDF_REQUEST *Request, NTSTATUS Status, ULONG_PTR Information)
{
    CompleteDdi((WDFREQUEST)Request, Status, Information, TRUE, "WdfRequestCompleteWithInformation");
}

static VOID NTAPI NkWdfRequestComplete(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request, NTSTATUS Status)
{
    (void)Globals;
    CompleteDdi(Request, Status, 0, FALSE, "WdfRequestComplete");
}

static VOID NTAPI NkWdfRequestCompleteWithInformation(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                      NTSTATUS Status, ULONG_PTR Information)
{
    (void)Globals;
    CompleteDdi(Request, Status, Information, TRUE, "WdfRequestCompleteWithInformation");
}

static VOID NTAPI NkWdfRequestSetInformation(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request, ULONG_PTR Information)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestSetInformation");
    (void)Globals;
    if (r != NULL)
        r->Information = Information;
}

static ULONG_PTR NTAPI NkWdfRequestGetInformation(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestGetInformation");
    (void)Globals;
    return r ? r->Information : 0;
}

static VOID NTAPI NkWdfRequestGetParameters(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                            PWDF_REQUEST_PARAMETERS Parameters)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestGetParameters");
    (void)Globals;
    if (Parameters->Size != sizeof(WDF_REQUEST_PARAMETERS)) {
        NkHostViolation("wdf.bad-config", "WdfRequestGetParameters: WDF_REQUEST_PARAMETERS not initialised");
        return;
    }
    if (r != NULL)
        *Parameters = r->Parameters;
}

static NTSTATUS RetrieveBuffer(WDFREQUEST Request, size_t Minimum, PVOID *Buffer, size_t *Length, BOOLEAN Output,
                               const char *Ddi)
{
    NK_WDF_REQUEST *r = RequestOf(Request, Ddi);
    SIZE_T len;
    *Buffer = NULL;
    if (Length != NULL)
        *Length = 0;
    if (r == NULL)
        return STATUS_INVALID_PARAMETER;
    switch (r->Parameters.Type) {
    case WdfRequestTypeRead:
        if (!Output)
            return STATUS_INVALID_DEVICE_REQUEST;
        len = r->OutputLength;
        break;
    case WdfRequestTypeWrite:
        if (Output)
            return STATUS_INVALID_DEVICE_REQUEST;
        len = r->InputLength;
        break;
    case WdfRequestTypeDeviceControl:
        len = Output ? r->OutputLength : r->InputLength;
        break;
    default:
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (r->Neither)
        return STATUS_INVALID_DEVICE_REQUEST; /* METHOD_NEITHER: only the unsafe user-buffer DDIs */
    if (len == 0 || len < Minimum)
        return STATUS_BUFFER_TOO_SMALL;
    /* The direct side is the caller's buffer, mapped; the other side (or
     * both, for buffered I/O) is the system buffer. */
    if (r->DirectMdl != NULL && Output != r->DirectIsInput)
        *Buffer = MmGetSystemAddressForMdlSafe(r->DirectMdl, NormalPagePriority | MdlMappingNoExecute);
    else
        *Buffer = r->SystemBuffer;
    if (*Buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (Length != NULL)
        *Length = len;
    return STATUS_SUCCESS;
}

NTSTATUS NkWdfRequestBuffer(NK_WDF_REQUEST *Request, BOOLEAN Output, PVOID *Buffer, SIZE_T *Length)
{
    size_t length = 0;
    NTSTATUS status = RetrieveBuffer((WDFREQUEST)Request, 0, Buffer, &length, Output, "(forwarding a request)");
    *Length = length;
    if (status == STATUS_BUFFER_TOO_SMALL || status == STATUS_INVALID_DEVICE_REQUEST) {
        /* No such buffer: forwarded as empty. */
        *Buffer = NULL;
        *Length = 0;
        status = STATUS_SUCCESS;
    }
    return status;
}

/* The MDL of a request's input or output buffer: the caller's own for the
 * direct side, else one the framework builds for the system buffer. */
static NTSTATUS RetrieveMdl(WDFREQUEST Request, PMDL *Mdl, BOOLEAN Output, const char *Ddi)
{
    NK_WDF_REQUEST *r = RequestOf(Request, Ddi);
    PVOID buffer;
    size_t length;
    NTSTATUS status;

    *Mdl = NULL;
    if (r == NULL)
        return STATUS_INVALID_PARAMETER;
    if (r->DirectMdl != NULL && Output != r->DirectIsInput) {
        *Mdl = r->DirectMdl;
        return STATUS_SUCCESS;
    }
    status = RetrieveBuffer(Request, 0, &buffer, &length, Output, Ddi);
    if (!NT_SUCCESS(status))
        return status;
    NkWdfLock();
    if (r->SystemBufferMdl == NULL) {
        /* One MDL for the whole system buffer serves either side. */
        r->SystemBufferMdl = malloc(MmSizeOfMdl(r->SystemBuffer, r->SystemBufferLength));
        if (r->SystemBufferMdl != NULL) {
            MmInitializeMdl(r->SystemBufferMdl, r->SystemBuffer, r->SystemBufferLength);
            MmBuildMdlForNonPagedPool(r->SystemBufferMdl);
        }
    }
    *Mdl = r->SystemBufferMdl;
    NkWdfUnlock();
    return *Mdl != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* Back to the head of the manual queue it was retrieved from; refused
 * (STATUS_INVALID_DEVICE_REQUEST, as documented) for a request that did
 * not come from a queue, is not the driver's, is cancelable, or whose
 * queue is not manual. */
static NTSTATUS NTAPI NkWdfRequestRequeue(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestRequeue");
    NK_WDF_QUEUE *q;
    (void)Globals;
    if (r == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfRequestRequeue"))
        return STATUS_INVALID_DEVICE_STATE;
    NkWdfLock();
    q = r->Queue;
    if (q == NULL || r->InQueue || r->Completed || r->CancelRoutine != NULL ||
        q->Config.DispatchType != WdfIoQueueDispatchManual) {
        NkWdfUnlock();
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    RemoveEntryList(&r->QueueLink);
    InsertHeadList(&q->Requests, &r->QueueLink);
    r->InQueue = TRUE;
    if (q->Presented > 0)
        q->Presented--;
    NkWdfUnlock();
    StopCompleteIfIdle(q);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfRequestRetrieveInputWdmMdl(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request, PMDL *Mdl)
{
    (void)Globals;
    return RetrieveMdl(Request, Mdl, FALSE, "WdfRequestRetrieveInputWdmMdl");
}

static NTSTATUS NTAPI NkWdfRequestRetrieveOutputWdmMdl(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request, PMDL *Mdl)
{
    (void)Globals;
    return RetrieveMdl(Request, Mdl, TRUE, "WdfRequestRetrieveOutputWdmMdl");
}

static NTSTATUS NTAPI NkWdfRequestRetrieveInputBuffer(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                      size_t MinimumRequiredLength, PVOID *Buffer, size_t *Length)
{
    (void)Globals;
    return RetrieveBuffer(Request, MinimumRequiredLength, Buffer, Length, FALSE, "WdfRequestRetrieveInputBuffer");
}

static NTSTATUS NTAPI NkWdfRequestRetrieveOutputBuffer(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                       size_t MinimumRequiredSize, PVOID *Buffer, size_t *Length)
{
    (void)Globals;
    return RetrieveBuffer(Request, MinimumRequiredSize, Buffer, Length, TRUE, "WdfRequestRetrieveOutputBuffer");
}

static WDFFILEOBJECT NTAPI NkWdfRequestGetFileObject(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestGetFileObject");
    (void)Globals;
    return r ? (WDFFILEOBJECT)r->File : NULL;
}

/* Every request the host creates comes from its user-mode I/O calls
 * (<nkhost.h> NkHostCreateFile and friends, `ndiskit host run`'s clients):
 * UserMode, as the I/O manager reports for a request from a process. */
static KPROCESSOR_MODE NTAPI NkWdfRequestGetRequestorMode(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    (void)Globals;
    (void)RequestOf(Request, "WdfRequestGetRequestorMode");
    return UserMode;
}

static WDFQUEUE NTAPI NkWdfRequestGetIoQueue(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestGetIoQueue");
    (void)Globals;
    return r ? (WDFQUEUE)r->Queue : NULL;
}

static NTSTATUS NTAPI NkWdfRequestForwardToIoQueue(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                   WDFQUEUE DestinationQueue)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestForwardToIoQueue");
    NK_WDF_QUEUE *dst = QueueOf(DestinationQueue, "WdfRequestForwardToIoQueue"), *src;
    BOOLEAN wasEmpty;
    (void)Globals;
    if (r == NULL || dst == NULL)
        return STATUS_INVALID_PARAMETER;
    NkWdfLock();
    if (r->InQueue || r->Completed || r->CancelRoutine != NULL) {
        NkWdfUnlock();
        NkHostViolation("wdf.forward-not-owned", "WdfRequestForwardToIoQueue(%p): the driver does not own it "
                        "(queued, completed or cancelable)", (void *)Request);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (dst == r->Queue || dst->Device != r->Queue->Device || !dst->Accepting) {
        NkWdfUnlock();
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    src = r->Queue;
    RemoveEntryList(&r->QueueLink);
    if (src->Presented > 0)
        src->Presented--;
    wasEmpty = NothingWaitingLocked(dst);
    r->Queue = dst;
    r->InQueue = TRUE;
    InsertTailList(&dst->Requests, &r->QueueLink);
    NkWdfUnlock();
    PresentReady(src);
    PresentReady(dst);
    NotifyReady(dst, wasEmpty);
    StopCompleteIfIdle(src); /* forwarding hands the request on: src owns one fewer */
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI NkWdfRequestMarkCancelableEx(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                   PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestMarkCancelableEx");
    NTSTATUS status = STATUS_SUCCESS;
    (void)Globals;
    if (r == NULL)
        return STATUS_INVALID_PARAMETER;
    NkWdfLock();
    if (r->CancelRequested)
        status = STATUS_CANCELLED; /* already canceled: the caller completes it */
    else
        r->CancelRoutine = EvtRequestCancel;
    NkWdfUnlock();
    return status;
}

static NTSTATUS NTAPI NkWdfRequestUnmarkCancelable(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestUnmarkCancelable");
    NTSTATUS status;
    (void)Globals;
    if (r == NULL)
        return STATUS_INVALID_PARAMETER;
    NkWdfLock();
    if (r->CancelRoutine != NULL) {
        r->CancelRoutine = NULL;
        status = STATUS_SUCCESS;
    } else if (r->CancelRequested) {
        status = STATUS_CANCELLED; /* the cancel routine has it (or will) */
    } else {
        status = STATUS_INVALID_DEVICE_STATE;
    }
    NkWdfUnlock();
    if (status == STATUS_INVALID_DEVICE_STATE)
        NkHostViolation("wdf.unmark-not-cancelable", "WdfRequestUnmarkCancelable(%p): not marked cancelable",
                        (void *)Request);
    return status;
}

static BOOLEAN NTAPI NkWdfRequestIsCanceled(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestIsCanceled");
    (void)Globals;
    return r ? r->CancelRequested : FALSE;
}

/* ---- more queue DDIs ------------------------------------------------------------- */

static NTSTATUS NTAPI NkWdfIoQueueReadyNotify(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue,
                                              PFN_WDF_IO_QUEUE_STATE QueueReady, WDFCONTEXT Context)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueReadyNotify");
    NTSTATUS status = STATUS_SUCCESS;
    (void)Globals;
    if (q == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfIoQueueReadyNotify"))
        return STATUS_INVALID_DEVICE_STATE;
    NkWdfLock();
    if (q->Config.DispatchType != WdfIoQueueDispatchManual) {
        status = STATUS_INVALID_DEVICE_REQUEST;        /* only manual queues notify */
    } else if (QueueReady != NULL && q->ReadyNotify != NULL) {
        status = STATUS_INVALID_DEVICE_REQUEST;        /* deregister (NULL) first */
    } else if (QueueReady == NULL && q->ReadyNotify != NULL && !q->Stopped) {
        status = STATUS_INVALID_DEVICE_REQUEST;        /* documented: stop the queue first */
    } else {
        q->ReadyNotify = QueueReady;
        q->ReadyContext = QueueReady != NULL ? Context : NULL;
    }
    NkWdfUnlock();
    if (status == STATUS_INVALID_DEVICE_REQUEST)
        NkHostViolation("wdf.queue-ready-notify", "WdfIoQueueReadyNotify(%p): the queue is not manual, already "
                        "has a callback, or is deregistered while running", (void *)Queue);
    else if (QueueReady != NULL)
        NotifyReady(q, TRUE); /* requests already waiting: the callback may run before this returns */
    return status;
}

static WDF_IO_QUEUE_STATE NTAPI NkWdfIoQueueGetState(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue,
                                                     PULONG QueueRequests, PULONG DriverRequests)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueGetState");
    ULONG waiting = 0, owned = 0;
    int state = 0;
    (void)Globals;
    if (q != NULL) {
        NkWdfLock();
        for (PLIST_ENTRY e = q->Requests.Flink; e != &q->Requests; e = e->Flink)
            if (CONTAINING_RECORD(e, NK_WDF_REQUEST, QueueLink)->InQueue)
                waiting++;
        owned = q->Presented;
        if (q->Accepting)
            state |= WdfIoQueueAcceptRequests;
        if (!q->Stopped)
            state |= WdfIoQueueDispatchRequests;
        NkWdfUnlock();
        if (waiting == 0)
            state |= WdfIoQueueNoRequests;
        if (owned == 0)
            state |= WdfIoQueueDriverNoRequests;
    }
    if (QueueRequests != NULL)
        *QueueRequests = waiting;
    if (DriverRequests != NULL)
        *DriverRequests = owned;
    return (WDF_IO_QUEUE_STATE)state;
}

/* Cancels what waits on q and what the driver holds cancelable. */
static VOID CancelQueued(NK_WDF_QUEUE *q, BOOLEAN DriverOwnedToo)
{
    for (;;) {
        NK_WDF_REQUEST *victim = NULL;
        NkWdfLock();
        for (PLIST_ENTRY e = q->Requests.Flink; e != &q->Requests; e = e->Flink) {
            NK_WDF_REQUEST *r = CONTAINING_RECORD(e, NK_WDF_REQUEST, QueueLink);
            if (!r->CancelRequested && (r->InQueue || (DriverOwnedToo && r->CancelRoutine != NULL))) {
                victim = r;
                break;
            }
        }
        NkWdfUnlock();
        if (victim == NULL)
            return;
        NkWdfCancelRequest(victim);
    }
}

/* Drain (Purge == FALSE) or purge: stop accepting; a purge also cancels;
 * Done runs once no request is left on the queue. */
static VOID DrainOrPurge(NK_WDF_QUEUE *q, BOOLEAN Purge, PFN_WDF_IO_QUEUE_STATE Done, WDFCONTEXT Context)
{
    NkWdfLock();
    q->Accepting = FALSE;
    q->IdleComplete = Done;
    q->IdleContext = Context;
    NkWdfUnlock();
    if (Purge)
        CancelQueued(q, TRUE);
    StopCompleteIfIdle(q);
}

static VOID NTAPI SignalEvent(WDFQUEUE Queue, WDFCONTEXT Context)
{
    (void)Queue;
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
}

static VOID NTAPI NkWdfIoQueueDrain(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE DrainComplete,
                                    WDFCONTEXT Context)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueDrain");
    (void)Globals;
    if (q != NULL && NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfIoQueueDrain"))
        DrainOrPurge(q, FALSE, DrainComplete, Context);
}

static VOID NTAPI NkWdfIoQueuePurge(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE PurgeComplete,
                                    WDFCONTEXT Context)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueuePurge");
    (void)Globals;
    if (q != NULL && NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfIoQueuePurge"))
        DrainOrPurge(q, TRUE, PurgeComplete, Context);
}

static VOID NTAPI NkWdfIoQueueDrainSynchronously(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueDrainSynchronously");
    KEVENT done;
    (void)Globals;
    if (q == NULL || !NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfIoQueueDrainSynchronously"))
        return;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    DrainOrPurge(q, FALSE, SignalEvent, &done);
    KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
}

static VOID NTAPI NkWdfIoQueueStopSynchronously(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueStopSynchronously");
    KEVENT done;
    (void)Globals;
    if (q == NULL || !NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfIoQueueStopSynchronously"))
        return;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    NkWdfLock();
    q->Stopped = TRUE;
    q->Accepting = TRUE;
    q->StopComplete = SignalEvent;
    q->StopContext = &done;
    NkWdfUnlock();
    StopCompleteIfIdle(q);
    KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
}

/* Stop, then cancel what waits and what the driver holds cancelable; new
 * requests are still accepted (and wait), as documented. */
static VOID StopAndPurge(NK_WDF_QUEUE *q, PFN_WDF_IO_QUEUE_STATE Done, WDFCONTEXT Context)
{
    NkWdfLock();
    q->Stopped = TRUE;
    q->Accepting = TRUE;
    q->StopComplete = Done;
    q->StopContext = Context;
    NkWdfUnlock();
    CancelQueued(q, TRUE);
    StopCompleteIfIdle(q);
}

static VOID NTAPI NkWdfIoQueueStopAndPurge(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue,
                                           PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete, WDFCONTEXT Context)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueStopAndPurge");
    (void)Globals;
    if (q != NULL && NkHostCheckIrqlMax(DISPATCH_LEVEL, "WdfIoQueueStopAndPurge"))
        StopAndPurge(q, StopAndPurgeComplete, Context);
}

static VOID NTAPI NkWdfIoQueueStopAndPurgeSynchronously(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueStopAndPurgeSynchronously");
    KEVENT done;
    (void)Globals;
    if (q == NULL || !NkHostCheckIrqlMax(PASSIVE_LEVEL, "WdfIoQueueStopAndPurgeSynchronously"))
        return;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    StopAndPurge(q, SignalEvent, &done);
    KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
}

/* With the lock held: the first waiting request of q matching File (any
 * file if File is NULL), after After if given. */
static NK_WDF_REQUEST *FindWaitingLocked(NK_WDF_QUEUE *q, NK_WDF_FILE *File, NK_WDF_REQUEST *After)
{
    PLIST_ENTRY e = After != NULL ? After->QueueLink.Flink : q->Requests.Flink;
    for (; e != &q->Requests; e = e->Flink) {
        NK_WDF_REQUEST *r = CONTAINING_RECORD(e, NK_WDF_REQUEST, QueueLink);
        if (r->InQueue && (File == NULL || r->File == File))
            return r;
    }
    return NULL;
}

static NTSTATUS NTAPI NkWdfIoQueueRetrieveRequestByFileObject(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue,
                                                              WDFFILEOBJECT FileObject, WDFREQUEST *OutRequest)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueRetrieveRequestByFileObject");
    NK_WDF_FILE *f = (NK_WDF_FILE *)NkWdfLookupType((WDFOBJECT)FileObject, NkWdfTypeFileObject, "WDFFILEOBJECT",
                                                    "WdfIoQueueRetrieveRequestByFileObject");
    NK_WDF_REQUEST *r;
    (void)Globals;
    *OutRequest = NULL;
    if (q == NULL || f == NULL)
        return STATUS_INVALID_PARAMETER;
    NkWdfLock();
    r = FindWaitingLocked(q, f, NULL);
    if (r != NULL) {
        r->InQueue = FALSE;
        q->Presented++;
        *OutRequest = (WDFREQUEST)r;
    }
    NkWdfUnlock();
    return r != NULL ? STATUS_SUCCESS : STATUS_NO_MORE_ENTRIES;
}

/* WdfIoQueueFindRequest hands out a reference the driver drops with
 * WdfObjectDereference; the request stays in the queue. */
static NTSTATUS NTAPI NkWdfIoQueueFindRequest(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue, WDFREQUEST FoundRequest,
                                              WDFFILEOBJECT FileObject, PWDF_REQUEST_PARAMETERS Parameters,
                                              WDFREQUEST *OutRequest)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueFindRequest");
    NK_WDF_REQUEST *after = NULL, *r;
    NK_WDF_FILE *f = NULL;
    NTSTATUS status = STATUS_SUCCESS;
    (void)Globals;
    *OutRequest = NULL;
    if (q == NULL)
        return STATUS_INVALID_PARAMETER;
    if (FoundRequest != NULL && (after = RequestOf(FoundRequest, "WdfIoQueueFindRequest")) == NULL)
        return STATUS_INVALID_PARAMETER;
    if (FileObject != NULL && (f = (NK_WDF_FILE *)NkWdfLookupType((WDFOBJECT)FileObject, NkWdfTypeFileObject,
                                                                  "WDFFILEOBJECT", "WdfIoQueueFindRequest")) == NULL)
        return STATUS_INVALID_PARAMETER;
    NkWdfLock();
    if (after != NULL && (after->Queue != q || !after->InQueue)) {
        status = STATUS_NOT_FOUND; /* FoundRequest left the queue meanwhile */
        r = NULL;
    } else {
        r = FindWaitingLocked(q, f, after);
        if (r == NULL)
            status = STATUS_NO_MORE_ENTRIES;
    }
    if (r != NULL) {
        r->Object.References++;
        r->Object.DriverReferences++;
        if (Parameters != NULL)
            *Parameters = r->Parameters;
        *OutRequest = (WDFREQUEST)r;
    }
    NkWdfUnlock();
    return status;
}

static NTSTATUS NTAPI NkWdfIoQueueRetrieveFoundRequest(PWDF_DRIVER_GLOBALS Globals, WDFQUEUE Queue,
                                                       WDFREQUEST FoundRequest, WDFREQUEST *OutRequest)
{
    NK_WDF_QUEUE *q = QueueOf(Queue, "WdfIoQueueRetrieveFoundRequest");
    NK_WDF_REQUEST *r = RequestOf(FoundRequest, "WdfIoQueueRetrieveFoundRequest");
    NTSTATUS status = STATUS_NOT_FOUND;
    (void)Globals;
    *OutRequest = NULL;
    if (q == NULL || r == NULL)
        return STATUS_INVALID_PARAMETER;
    NkWdfLock();
    if (r->Queue == q && r->InQueue) {
        r->InQueue = FALSE;
        q->Presented++;
        *OutRequest = FoundRequest;
        status = STATUS_SUCCESS;
    }
    NkWdfUnlock();
    return status;
}

/* ---- more request DDIs ------------------------------------------------------------- */

static NTSTATUS NTAPI NkWdfRequestGetStatus(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestGetStatus");
    NTSTATUS status;
    (void)Globals;
    if (r == NULL)
        return STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(NkWdfSentStatus(r, &status)))
        return status;
    NkWdfLock();
    status = r->Completed ? r->Status : STATUS_PENDING;
    NkWdfUnlock();
    return status;
}

static VOID NTAPI NkWdfRequestCompleteWithPriorityBoost(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                        NTSTATUS Status, CCHAR PriorityBoost)
{
    (void)Globals;
    (void)PriorityBoost; /* one scheduler class on the host */
    CompleteDdi(Request, Status, 0, FALSE, "WdfRequestCompleteWithPriorityBoost");
}

/* The old form: a request already canceled is cancelled at once (its
 * routine runs), since there is no status to return. */
static VOID NTAPI NkWdfRequestMarkCancelable(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                             PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    NK_WDF_REQUEST *r = RequestOf(Request, "WdfRequestMarkCancelable");
    BOOLEAN now = FALSE;
    (void)Globals;
    if (r == NULL)
        return;
    NkWdfLock();
    if (r->CancelRequested)
        now = TRUE;
    else
        r->CancelRoutine = EvtRequestCancel;
    NkWdfUnlock();
    if (now)
        EvtRequestCancel(Request);
}

static BOOLEAN NTAPI NkWdfRequestIsFrom32BitProcess(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    (void)Globals;
    (void)RequestOf(Request, "WdfRequestIsFrom32BitProcess");
    return FALSE; /* the host's callers are 64-bit processes */
}

static BOOLEAN NTAPI NkWdfRequestIsReserved(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    (void)Globals;
    (void)RequestOf(Request, "WdfRequestIsReserved");
    return FALSE; /* the host never runs short of requests: no forward-progress reserve */
}

static ULONG NTAPI NkWdfRequestGetRequestorProcessId(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request)
{
    (void)Globals;
    (void)RequestOf(Request, "WdfRequestGetRequestorProcessId");
    return (ULONG)getpid();
}

/* A memory object over the request's buffer, parented to the request (so
 * it goes with it); valid until the request completes. */
static NTSTATUS RetrieveMemory(WDFREQUEST Request, WDFMEMORY *Memory, BOOLEAN Output, const char *Ddi)
{
    WDF_OBJECT_ATTRIBUTES a;
    NK_WDF_OBJECT *m;
    PVOID buffer;
    size_t length;
    NTSTATUS status;

    *Memory = NULL;
    status = RetrieveBuffer(Request, 1, &buffer, &length, Output, Ddi);
    if (!NT_SUCCESS(status))
        return status;
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = (WDFOBJECT)Request;
    status = NkWdfMemoryCreate(&a, NULL, buffer, length, FALSE, &m);
    if (NT_SUCCESS(status))
        *Memory = (WDFMEMORY)m;
    return status;
}

static NTSTATUS NTAPI NkWdfRequestRetrieveInputMemory(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                      WDFMEMORY *Memory)
{
    (void)Globals;
    return RetrieveMemory(Request, Memory, FALSE, "WdfRequestRetrieveInputMemory");
}

static NTSTATUS NTAPI NkWdfRequestRetrieveOutputMemory(PWDF_DRIVER_GLOBALS Globals, WDFREQUEST Request,
                                                       WDFMEMORY *Memory)
{
    (void)Globals;
    return RetrieveMemory(Request, Memory, TRUE, "WdfRequestRetrieveOutputMemory");
}

VOID NkWdfRegisterIoDdis(VOID)
{
    NK_WDF_REGISTER(WdfIoQueueCreate, NkWdfIoQueueCreate);
    NK_WDF_REGISTER(WdfDeviceConfigureRequestDispatching, NkWdfDeviceConfigureRequestDispatching);
    NK_WDF_REGISTER(WdfIoQueueGetDevice, NkWdfIoQueueGetDevice);
    NK_WDF_REGISTER(WdfIoQueueRetrieveNextRequest, NkWdfIoQueueRetrieveNextRequest);
    NK_WDF_REGISTER(WdfIoQueueStart, NkWdfIoQueueStart);
    NK_WDF_REGISTER(WdfIoQueueStop, NkWdfIoQueueStop);
    NK_WDF_REGISTER(WdfIoQueuePurgeSynchronously, NkWdfIoQueuePurgeSynchronously);
    NK_WDF_REGISTER(WdfRequestComplete, NkWdfRequestComplete);
    NK_WDF_REGISTER(WdfRequestCompleteWithInformation, NkWdfRequestCompleteWithInformation);
    NK_WDF_REGISTER(WdfRequestSetInformation, NkWdfRequestSetInformation);
    NK_WDF_REGISTER(WdfRequestGetInformation, NkWdfRequestGetInformation);
    NK_WDF_REGISTER(WdfRequestGetParameters, NkWdfRequestGetParameters);
    NK_WDF_REGISTER(WdfRequestRetrieveInputBuffer, NkWdfRequestRetrieveInputBuffer);
    NK_WDF_REGISTER(WdfRequestRetrieveOutputBuffer, NkWdfRequestRetrieveOutputBuffer);
    NK_WDF_REGISTER(WdfRequestRequeue, NkWdfRequestRequeue);
    NK_WDF_REGISTER(WdfRequestRetrieveInputWdmMdl, NkWdfRequestRetrieveInputWdmMdl);
    NK_WDF_REGISTER(WdfRequestRetrieveOutputWdmMdl, NkWdfRequestRetrieveOutputWdmMdl);
    NK_WDF_REGISTER(WdfRequestGetFileObject, NkWdfRequestGetFileObject);
    NK_WDF_REGISTER(WdfRequestGetRequestorMode, NkWdfRequestGetRequestorMode);
    NK_WDF_REGISTER(WdfRequestGetIoQueue, NkWdfRequestGetIoQueue);
    NK_WDF_REGISTER(WdfRequestForwardToIoQueue, NkWdfRequestForwardToIoQueue);
    NK_WDF_REGISTER(WdfRequestMarkCancelableEx, NkWdfRequestMarkCancelableEx);
    NK_WDF_REGISTER(WdfRequestUnmarkCancelable, NkWdfRequestUnmarkCancelable);
    NK_WDF_REGISTER(WdfRequestIsCanceled, NkWdfRequestIsCanceled);
    NK_WDF_REGISTER(WdfIoQueueReadyNotify, NkWdfIoQueueReadyNotify);
    NK_WDF_REGISTER(WdfIoQueueGetState, NkWdfIoQueueGetState);
    NK_WDF_REGISTER(WdfIoQueueDrain, NkWdfIoQueueDrain);
    NK_WDF_REGISTER(WdfIoQueueDrainSynchronously, NkWdfIoQueueDrainSynchronously);
    NK_WDF_REGISTER(WdfIoQueuePurge, NkWdfIoQueuePurge);
    NK_WDF_REGISTER(WdfIoQueueStopSynchronously, NkWdfIoQueueStopSynchronously);
    NK_WDF_REGISTER(WdfIoQueueStopAndPurge, NkWdfIoQueueStopAndPurge);
    NK_WDF_REGISTER(WdfIoQueueStopAndPurgeSynchronously, NkWdfIoQueueStopAndPurgeSynchronously);
    NK_WDF_REGISTER(WdfIoQueueRetrieveRequestByFileObject, NkWdfIoQueueRetrieveRequestByFileObject);
    NK_WDF_REGISTER(WdfIoQueueFindRequest, NkWdfIoQueueFindRequest);
    NK_WDF_REGISTER(WdfIoQueueRetrieveFoundRequest, NkWdfIoQueueRetrieveFoundRequest);
    NK_WDF_REGISTER(WdfRequestIsReserved, NkWdfRequestIsReserved);
    NK_WDF_REGISTER(WdfDeviceEnqueueRequest, NkWdfDeviceEnqueueRequest);
    NK_WDF_REGISTER(WdfRequestRetrieveUnsafeUserInputBuffer, NkWdfRequestRetrieveUnsafeUserInputBuffer);
    NK_WDF_REGISTER(WdfRequestRetrieveUnsafeUserOutputBuffer, NkWdfRequestRetrieveUnsafeUserOutputBuffer);
    NK_WDF_REGISTER(WdfRequestProbeAndLockUserBufferForRead, NkWdfRequestProbeAndLockUserBufferForRead);
    NK_WDF_REGISTER(WdfRequestProbeAndLockUserBufferForWrite, NkWdfRequestProbeAndLockUserBufferForWrite);
    NK_WDF_REGISTER(WdfRequestGetStatus, NkWdfRequestGetStatus);
    NK_WDF_REGISTER(WdfRequestCompleteWithPriorityBoost, NkWdfRequestCompleteWithPriorityBoost);
    NK_WDF_REGISTER(WdfRequestMarkCancelable, NkWdfRequestMarkCancelable);
    NK_WDF_REGISTER(WdfRequestIsFrom32BitProcess, NkWdfRequestIsFrom32BitProcess);
    NK_WDF_REGISTER(WdfRequestGetRequestorProcessId, NkWdfRequestGetRequestorProcessId);
    NK_WDF_REGISTER(WdfRequestRetrieveInputMemory, NkWdfRequestRetrieveInputMemory);
    NK_WDF_REGISTER(WdfRequestRetrieveOutputMemory, NkWdfRequestRetrieveOutputMemory);
}
