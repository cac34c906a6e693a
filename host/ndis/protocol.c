/*
 * protocol.c - protocol drivers and bindings: NdisRegisterProtocolDriver,
 * binding to in-memory adapters (ProtocolBindAdapterEx with bind
 * parameters, NdisOpenAdapterEx, pended binds completed with
 * NdisCompleteBindAdapterEx), unbinding (ProtocolUnbindAdapterEx,
 * NdisCloseAdapterEx, NdisCompleteUnbindAdapterEx), and the pause/restart
 * PnP events.  Bind, unbind and PnP callbacks run at PASSIVE_LEVEL on the
 * caller's thread, one at a time per binding, as NDIS serialises them.
 *
 * Verifier rules: characteristics that are malformed or miss a required
 * handler; NdisOpenAdapterEx outside the bind callback; closing with
 * sends or receives outstanding; deregistering with bindings open;
 * completing a pause while sends are outstanding.
 */
#include "ndis_internal.h"

#include <stdlib.h>
#include <string.h>

#define NK_PROTOCOL_MAGIC 0x4E4B50524F544F43ull
#define NK_BINDING_MAGIC 0x4E4B42494E44494Eull

pthread_mutex_t NkNdisLock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
LIST_ENTRY NkProtocols = {&NkProtocols, &NkProtocols};
LIST_ENTRY NkAdapters = {&NkAdapters, &NkAdapters};

/* The binding whose ProtocolBindAdapterEx is running on this thread: the
 * BindContext NdisOpenAdapterEx must be given. */
static _Thread_local NK_BINDING *Binding_InBind;

NK_BINDING *NkNdisBindingOf(NDIS_HANDLE Handle, const char *Ddi)
{
    NK_BINDING *b = NULL;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY a = NkAdapters.Flink; a != &NkAdapters && b == NULL; a = a->Flink) {
        NK_ADAPTER *ad = CONTAINING_RECORD(a, NK_ADAPTER, Link);
        for (PLIST_ENTRY e = ad->Bindings.Flink; e != &ad->Bindings; e = e->Flink)
            if (CONTAINING_RECORD(e, NK_BINDING, Link) == Handle) {
                b = (NK_BINDING *)Handle;
                break;
            }
    }
    pthread_mutex_unlock(&NkNdisLock);
    if (b == NULL)
        NkHostViolation("ndis.invalid-binding", "%s(%p): not an NDIS binding handle", Ddi, Handle);
    return b;
}

/* A network PnP notification for Code, carrying Buffer, as NDIS builds it. */
static VOID InitPnpNotification(PNET_PNP_EVENT_NOTIFICATION n, NET_PNP_EVENT_CODE Code, PVOID Buffer, ULONG Length)
{
    memset(n, 0, sizeof(*n));
    n->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    n->Header.Revision = NET_PNP_EVENT_NOTIFICATION_REVISION_1;
    n->Header.Size = NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_1;
    n->NetPnPEvent.NetEvent = Code;
    n->NetPnPEvent.Buffer = Buffer;
    n->NetPnPEvent.BufferLength = Length;
}

/* NetEventBindsComplete to one protocol, with the NULL binding context
 * NDIS always gives it. */
static NDIS_STATUS SendBindsComplete(NK_PROTOCOL *p)
{
    NET_PNP_EVENT_NOTIFICATION n;
    InitPnpNotification(&n, NetEventBindsComplete, NULL, 0);
    NkSchedPoint();
    return p->Chars.NetPnPEventHandler(NULL, &n);
}

/* ---- the bind queue ------------------------------------------------------------ */

/* Binds NDIS starts for a newly registered protocol do not run inside
 * NdisRegisterProtocolDriver: NDIS queues them to a system thread, so they
 * may run before or after the registration returns ("Drivers that call
 * NdisRegisterProtocolDriver must be prepared for an immediate call to any
 * of their ProtocolXxx functions").  The host does the same: one bind
 * thread takes the queue in order, one job at a time (NDIS serialises
 * binds).  The protocol handle is written before any job is queued, so a
 * bind handler can use it.
 *
 * Under the interleaving explorer a host thread would not be scheduled, so
 * jobs queued by an explorer action are "manual": no thread takes them
 * until NkHostWaitBinds is called, and an action calling it delivers them
 * on its own thread - a scenario decides where the binds race.
 */
typedef struct _NK_BIND_JOB {
    LIST_ENTRY Link;
    NK_PROTOCOL *Protocol;
    NK_ADAPTER *Adapter;            /* NULL: NetEventBindsComplete to Protocol */
    NK_BINDING *Binding;            /* non-NULL: unbind it (NdisUnbindAdapter) */
    /* non-NULL: start an IM device instance of Driver named Instance
     * (NdisIMInitializeDeviceInstanceEx), as PnP does on its own thread. */
    NK_MINIPORT_DRIVER *Driver;
    WCHAR Instance[128];
    NDIS_HANDLE DeviceContext;
    BOOLEAN Manual;
} NK_BIND_JOB;

static LIST_ENTRY BindQueue = {&BindQueue, &BindQueue};
static NK_BIND_JOB *BindRunning;    /* the job being delivered (NkNdisLock) */
static KEVENT BindQueued;           /* a synchronization event: wakes the bind thread */
static BOOLEAN BindThreadStarted;
static BOOLEAN BindsHeld;           /* NkHostHoldBinds: the bind thread waits (NkNdisLock) */
static _Thread_local BOOLEAN OnBindThread;

static VOID RunJob(NK_BIND_JOB *Job)
{
    NK_MINIPORT *instance;
    if (Job->Driver != NULL)
        (void)NkNdisStartInstance(Job->Driver, Job->Instance, Job->DeviceContext, &instance);
    else if (Job->Binding != NULL)
        NkNdisUnbind(Job->Binding);
    else if (Job->Adapter != NULL)
        NkNdisBind(Job->Protocol, Job->Adapter);
    else
        SendBindsComplete(Job->Protocol);
}

/* With NkNdisLock: the first job the caller may take (manual ones only on
 * an explorer action). */
static NK_BIND_JOB *FirstJobLocked(BOOLEAN TakeManual)
{
    if (BindsHeld && !TakeManual)
        return NULL;
    for (PLIST_ENTRY e = BindQueue.Flink; e != &BindQueue; e = e->Flink) {
        NK_BIND_JOB *j = CONTAINING_RECORD(e, NK_BIND_JOB, Link);
        if (TakeManual || !j->Manual)
            return j;
    }
    return NULL;
}

/* Takes the next job and delivers it on this thread; FALSE if none. */
static BOOLEAN RunOneJob(BOOLEAN TakeManual)
{
    NK_BIND_JOB *job;
    pthread_mutex_lock(&NkNdisLock);
    job = BindRunning == NULL ? FirstJobLocked(TakeManual) : NULL;
    if (job != NULL) {
        RemoveEntryList(&job->Link);
        BindRunning = job;
    }
    pthread_mutex_unlock(&NkNdisLock);
    if (job == NULL)
        return FALSE;
    RunJob(job);
    pthread_mutex_lock(&NkNdisLock);
    BindRunning = NULL;
    pthread_mutex_unlock(&NkNdisLock);
    free(job);
    return TRUE;
}

static void *BindThreadMain(void *Arg)
{
    (void)Arg;
    OnBindThread = TRUE;
    for (;;) {
        KeWaitForSingleObject(&BindQueued, Executive, KernelMode, FALSE, NULL);
        while (RunOneJob(FALSE))
            ;
    }
    return NULL;
}

/* With NkNdisLock held: the bind thread, started on first use (it lives
 * as long as the process, like NDIS's own worker). */
static BOOLEAN StartBindThreadLocked(VOID)
{
    pthread_t t;
    if (BindThreadStarted)
        return TRUE;
    KeInitializeEvent(&BindQueued, SynchronizationEvent, FALSE);
    if (pthread_create(&t, NULL, BindThreadMain, NULL) != 0)
        return FALSE;
    pthread_detach(t);
    BindThreadStarted = TRUE;
    return TRUE;
}

/* Drops the queued jobs of Protocol (or of Adapter), then waits until the
 * job being delivered is none of theirs: what deregistration and adapter
 * removal need before they unbind. */
static VOID CancelJobs(NK_PROTOCOL *Protocol, NK_ADAPTER *Adapter)
{
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = BindQueue.Flink; e != &BindQueue;) {
        NK_BIND_JOB *j = CONTAINING_RECORD(e, NK_BIND_JOB, Link);
        e = e->Flink;
        if ((Protocol != NULL && j->Protocol == Protocol) || (Adapter != NULL && j->Adapter == Adapter)) {
            RemoveEntryList(&j->Link);
            free(j);
        }
    }
    pthread_mutex_unlock(&NkNdisLock);
    for (;;) {
        BOOLEAN busy;
        pthread_mutex_lock(&NkNdisLock);
        busy = BindRunning != NULL && !OnBindThread &&
               ((Protocol != NULL && BindRunning->Protocol == Protocol) ||
                (Adapter != NULL && BindRunning->Adapter == Adapter));
        pthread_mutex_unlock(&NkNdisLock);
        if (!busy)
            return;
        NkSchedPoll();
    }
}

VOID NkNdisCancelAdapterBinds(NK_ADAPTER *Adapter)
{
    /* First no new ones (a registration racing the removal would queue a
     * bind to an adapter about to be freed), then none queued or running. */
    pthread_mutex_lock(&NkNdisLock);
    Adapter->Removing = TRUE;
    pthread_mutex_unlock(&NkNdisLock);
    CancelJobs(NULL, Adapter);
}

VOID NkHostHoldBinds(BOOLEAN Hold)
{
    pthread_mutex_lock(&NkNdisLock);
    BindsHeld = Hold;
    if (!Hold && !IsListEmpty(&BindQueue) && StartBindThreadLocked())
        KeSetEvent(&BindQueued, IO_NO_INCREMENT, FALSE);
    pthread_mutex_unlock(&NkNdisLock);
}

VOID NkHostWaitBinds(VOID)
{
    BOOLEAN controlled = NkSchedControlled();
    if (OnBindThread)
        return; /* from a callback the bind thread is delivering: it would wait for itself */
    NkHostHoldBinds(FALSE); /* waiting for the binds is asking for them */
    /* A schedule point even with nothing queued: an explorer action may
     * call this in a loop waiting for a registration to queue binds. */
    NkSchedPoint();
    for (;;) {
        BOOLEAN busy;
        if (controlled && RunOneJob(TRUE))
            continue;
        pthread_mutex_lock(&NkNdisLock);
        if (!controlled) {
            /* Jobs an explorer action queued and left: the bind thread takes them now. */
            BOOLEAN handed = FALSE;
            for (PLIST_ENTRY e = BindQueue.Flink; e != &BindQueue; e = e->Flink) {
                NK_BIND_JOB *j = CONTAINING_RECORD(e, NK_BIND_JOB, Link);
                handed |= j->Manual;
                j->Manual = FALSE;
            }
            if (handed && StartBindThreadLocked())
                KeSetEvent(&BindQueued, IO_NO_INCREMENT, FALSE);
        }
        busy = !IsListEmpty(&BindQueue) || BindRunning != NULL;
        pthread_mutex_unlock(&NkNdisLock);
        if (!busy)
            return;
        NkSchedPoll();
    }
}

/* Queues a bind to every adapter there is, each once (a failed bind is
 * not retried), then NetEventBindsComplete, all behind the jobs already
 * queued (unless !BindsComplete: a re-enumeration).  FALSE if the jobs
 * could not be allocated (nothing queued). */
static BOOLEAN QueueInitialBinds(NK_PROTOCOL *p, BOOLEAN BindsComplete)
{
    LIST_ENTRY jobs;
    BOOLEAN manual = NkSchedControlled(), ok = TRUE;
    InitializeListHead(&jobs);
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY a = NkAdapters.Flink; ok; a = a->Flink) {
        NK_BIND_JOB *j;
        if (a == &NkAdapters && !BindsComplete)
            break;
        if (a != &NkAdapters && CONTAINING_RECORD(a, NK_ADAPTER, Link)->Removing)
            continue; /* going away: no bind to it */
        j = calloc(1, sizeof(*j));
        if (j == NULL) {
            ok = FALSE;
            break;
        }
        j->Protocol = p;
        j->Adapter = a == &NkAdapters ? NULL : CONTAINING_RECORD(a, NK_ADAPTER, Link);
        j->Manual = manual;
        InsertTailList(&jobs, &j->Link);
        if (a == &NkAdapters)
            break; /* the BindsComplete job is last */
    }
    if (ok && !manual && !StartBindThreadLocked())
        ok = FALSE;
    if (ok) {
        while (!IsListEmpty(&jobs))
            InsertTailList(&BindQueue, RemoveHeadList(&jobs));
        if (!manual)
            KeSetEvent(&BindQueued, IO_NO_INCREMENT, FALSE);
    }
    pthread_mutex_unlock(&NkNdisLock);
    while (!IsListEmpty(&jobs))
        free(CONTAINING_RECORD(RemoveHeadList(&jobs), NK_BIND_JOB, Link));
    return ok;
}

/* Same-named?  Device instance names compare case-insensitively. */
static BOOLEAN SameName(PCWSTR A, PCUNICODE_STRING B)
{
    USHORT n = B->Length / sizeof(WCHAR), i;
    for (i = 0; i < n && A[i] != 0; i++)
        if (NkNdisUpcase(A[i]) != NkNdisUpcase(B->Buffer[i]))
            return FALSE;
    return i == n && A[i] == 0;
}

NDIS_STATUS NkNdisQueueInstanceStart(NK_MINIPORT_DRIVER *Driver, PCUNICODE_STRING Name, NDIS_HANDLE DeviceContext)
{
    BOOLEAN manual = NkSchedControlled();
    NK_BIND_JOB *j;
    USHORT n = Name->Length / sizeof(WCHAR);

    if (n == 0 || n >= RTL_NUMBER_OF(j->Instance))
        return NDIS_STATUS_INVALID_PARAMETER;
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NDIS_STATUS_RESOURCES;
    j = calloc(1, sizeof(*j));
    if (j == NULL)
        return NDIS_STATUS_RESOURCES;
    j->Driver = Driver;
    memcpy(j->Instance, Name->Buffer, n * sizeof(WCHAR));
    j->DeviceContext = DeviceContext;
    j->Manual = manual;
    pthread_mutex_lock(&NkNdisLock);
    if (!manual && !StartBindThreadLocked()) {
        pthread_mutex_unlock(&NkNdisLock);
        free(j);
        return NDIS_STATUS_RESOURCES;
    }
    InsertTailList(&BindQueue, &j->Link);
    if (!manual)
        KeSetEvent(&BindQueued, IO_NO_INCREMENT, FALSE);
    pthread_mutex_unlock(&NkNdisLock);
    return NDIS_STATUS_SUCCESS;
}

/* Drops Driver's queued instance start named Name (every one of Driver's
 * with Name NULL): TRUE if one was dropped.  With Name NULL it also waits
 * for a start of Driver's being delivered (deregistration). */
BOOLEAN NkNdisCancelInstanceStart(NK_MINIPORT_DRIVER *Driver, PCUNICODE_STRING Name)
{
    BOOLEAN dropped = FALSE;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = BindQueue.Flink; e != &BindQueue;) {
        NK_BIND_JOB *j = CONTAINING_RECORD(e, NK_BIND_JOB, Link);
        e = e->Flink;
        if (j->Driver == Driver && (Name == NULL || SameName(j->Instance, Name))) {
            RemoveEntryList(&j->Link);
            free(j);
            dropped = TRUE;
            if (Name != NULL)
                break;
        }
    }
    pthread_mutex_unlock(&NkNdisLock);
    while (Name == NULL) {
        BOOLEAN busy;
        pthread_mutex_lock(&NkNdisLock);
        busy = BindRunning != NULL && !OnBindThread && BindRunning->Driver == Driver;
        pthread_mutex_unlock(&NkNdisLock);
        if (!busy)
            break;
        NkSchedPoll();
    }
    return dropped;
}

/* The revisions of NDIS_PROTOCOL_DRIVER_CHARACTERISTICS: 6.0 drivers pass
 * revision 1 (through SendNetBufferListsCompleteHandler), 6.1 and later
 * revision 2 (adds DirectOidRequestCompleteHandler). */
static const NK_NDIS_REVISION ProtocolCharsRevisions[] = {
    {NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1, NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1},
    {NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2, NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2},
};

NDIS_STATUS NdisRegisterProtocolDriver(NDIS_HANDLE ProtocolDriverContext,
                                       PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS Chars, PNDIS_HANDLE NdisProtocolHandle)
{
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c;
    NK_PROTOCOL *p;

    *NdisProtocolHandle = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisRegisterProtocolDriver"))
        return NDIS_STATUS_FAILURE;
    /* Read by the caller's revision: never more bytes than it passed. */
    if (!NkNdisTakeObject(Chars ? &Chars->Header : NULL, NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS,
                          ProtocolCharsRevisions, RTL_NUMBER_OF(ProtocolCharsRevisions), &c, sizeof(c),
                          "NdisRegisterProtocolDriver"))
        return NDIS_STATUS_BAD_VERSION;
    if (c.MajorNdisVersion != 6) {
        NkHostViolation("ndis.bad-characteristics", "protocol characteristics: NDIS major version %u, not 6",
                        (unsigned)c.MajorNdisVersion);
        return NDIS_STATUS_BAD_VERSION;
    }
    if (!c.BindAdapterHandlerEx || !c.UnbindAdapterHandlerEx || !c.OpenAdapterCompleteHandlerEx ||
        !c.CloseAdapterCompleteHandlerEx || !c.NetPnPEventHandler || !c.OidRequestCompleteHandler ||
        !c.StatusHandlerEx || !c.ReceiveNetBufferListsHandler || !c.SendNetBufferListsCompleteHandler ||
        c.Name.Length == 0) {
        NkHostViolation("ndis.bad-characteristics", "a required protocol handler or the name is missing");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NDIS_STATUS_RESOURCES;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NDIS_STATUS_RESOURCES;
    p->Magic = NK_PROTOCOL_MAGIC;
    p->Chars = c;
    p->Context = ProtocolDriverContext;
    /* The handle is the caller's before any bind can start. */
    *NdisProtocolHandle = (NDIS_HANDLE)p;
    pthread_mutex_lock(&NkNdisLock);
    InsertTailList(&NkProtocols, &p->Link);
    pthread_mutex_unlock(&NkNdisLock);
    if (!QueueInitialBinds(p, TRUE)) {
        pthread_mutex_lock(&NkNdisLock);
        RemoveEntryList(&p->Link);
        pthread_mutex_unlock(&NkNdisLock);
        p->Magic = 0;
        free(p);
        *NdisProtocolHandle = NULL;
        return NDIS_STATUS_RESOURCES;
    }
    /* The binds may run from here on, before this returns or after. */
    NkSchedPoint();
    return NDIS_STATUS_SUCCESS;
}

VOID NdisDeregisterProtocolDriver(NDIS_HANDLE NdisProtocolHandle)
{
    NK_PROTOCOL *p = (NK_PROTOCOL *)NdisProtocolHandle;
    if (p == NULL || p->Magic != NK_PROTOCOL_MAGIC) {
        NkHostViolation("ndis.invalid-protocol", "NdisDeregisterProtocolDriver(%p)", NdisProtocolHandle);
        return;
    }
    /* Binds not yet delivered are dropped, one being delivered finishes;
     * then NDIS unbinds every binding, waiting for each. */
    CancelJobs(p, NULL);
    for (;;) {
        NK_BINDING *b = NULL;
        pthread_mutex_lock(&NkNdisLock);
        for (PLIST_ENTRY a = NkAdapters.Flink; a != &NkAdapters && b == NULL; a = a->Flink) {
            NK_ADAPTER *ad = CONTAINING_RECORD(a, NK_ADAPTER, Link);
            for (PLIST_ENTRY e = ad->Bindings.Flink; e != &ad->Bindings; e = e->Flink)
                if (CONTAINING_RECORD(e, NK_BINDING, Link)->Protocol == p) {
                    b = CONTAINING_RECORD(e, NK_BINDING, Link);
                    break;
                }
        }
        pthread_mutex_unlock(&NkNdisLock);
        if (b == NULL)
            break;
        NkNdisUnbind(b);
    }
    pthread_mutex_lock(&NkNdisLock);
    RemoveEntryList(&p->Link);
    pthread_mutex_unlock(&NkNdisLock);
    p->Magic = 0;
    free(p);
}

/* The protocol asks to be unbound: NDIS calls ProtocolUnbindAdapterEx
 * later, from its own thread (the bind thread here), never inside this
 * call; the binding's jobs are dropped if it goes another way first. */
NDIS_STATUS NdisUnbindAdapter(NDIS_HANDLE NdisBindingHandle)
{
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisUnbindAdapter");
    NK_BIND_JOB *j;
    BOOLEAN queued = FALSE;

    if (b == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisUnbindAdapter"))
        return NDIS_STATUS_FAILURE;
    j = calloc(1, sizeof(*j));
    if (j == NULL)
        return NDIS_STATUS_RESOURCES;
    j->Protocol = b->Protocol;
    j->Adapter = b->Adapter;
    j->Binding = b;
    j->Manual = NkSchedControlled();
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = BindQueue.Flink; e != &BindQueue; e = e->Flink)
        queued |= CONTAINING_RECORD(e, NK_BIND_JOB, Link)->Binding == b;
    queued |= b->Unbinding || (BindRunning != NULL && BindRunning->Binding == b);
    if (!queued && (j->Manual || StartBindThreadLocked())) {
        InsertTailList(&BindQueue, &j->Link);
        if (!j->Manual)
            KeSetEvent(&BindQueued, IO_NO_INCREMENT, FALSE);
        j = NULL;
    }
    pthread_mutex_unlock(&NkNdisLock);
    if (j != NULL) {
        free(j);
        if (!queued)
            return NDIS_STATUS_RESOURCES;
    }
    return NDIS_STATUS_PENDING; /* the unbind comes later, whatever asked for it */
}

/* NDIS offers the protocol every adapter it is not bound to (again, a
 * failed bind included), from the bind thread. */
VOID NdisReEnumerateProtocolBindings(NDIS_HANDLE NdisProtocolHandle)
{
    NK_PROTOCOL *p = (NK_PROTOCOL *)NdisProtocolHandle;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisReEnumerateProtocolBindings"))
        return;
    if (p == NULL || p->Magic != NK_PROTOCOL_MAGIC) {
        NkHostViolation("ndis.invalid-protocol", "NdisReEnumerateProtocolBindings(%p)", NdisProtocolHandle);
        return;
    }
    (void)QueueInitialBinds(p, FALSE); /* bound pairs are skipped by NkNdisBind */
}

/* ---- bind ----------------------------------------------------------------------- */

/* Open and Paused are read under NkNdisLock by the indication paths on
 * other threads: every write takes it too. */
static VOID SetOpen(NK_BINDING *b, BOOLEAN Open)
{
    pthread_mutex_lock(&NkNdisLock);
    b->Open = Open;
    pthread_mutex_unlock(&NkNdisLock);
}

static VOID SetPaused(NK_BINDING *b, BOOLEAN Paused)
{
    pthread_mutex_lock(&NkNdisLock);
    b->Paused = Paused;
    pthread_mutex_unlock(&NkNdisLock);
}

static NDIS_STATUS SendPnp(NK_BINDING *b, NET_PNP_EVENT_CODE Code);
static NDIS_STATUS SendPause(NK_BINDING *b, ULONG Reason);
static VOID DrainAsync(NK_BINDING *b);

VOID NkNdisBind(NK_PROTOCOL *Protocol, NK_ADAPTER *Adapter)
{
    NK_BINDING *b;
    NDIS_BIND_PARAMETERS bp;
    NDIS_STATUS status;
    BOOLEAN bound = FALSE;

    b = calloc(1, sizeof(*b));
    if (b == NULL)
        return;
    b->Magic = NK_BINDING_MAGIC;
    b->Protocol = Protocol;
    b->Adapter = Adapter;
    KeInitializeEvent(&b->BindDone, NotificationEvent, FALSE);
    KeInitializeEvent(&b->UnbindDone, NotificationEvent, FALSE);
    KeInitializeEvent(&b->PnpDone, NotificationEvent, FALSE);
    /* A registration and an adapter arrival racing may both offer the
     * pair: NDIS binds a protocol to an adapter once. */
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = Adapter->Bindings.Flink; e != &Adapter->Bindings; e = e->Flink)
        bound |= CONTAINING_RECORD(e, NK_BINDING, Link)->Protocol == Protocol;
    bound |= Adapter->Removing; /* going away: not bound now */
    if (!bound)
        InsertTailList(&Adapter->Bindings, &b->Link);
    pthread_mutex_unlock(&NkNdisLock);
    if (bound) {
        free(b);
        return;
    }

    memset(&bp, 0, sizeof(bp));
    bp.Header.Type = NDIS_OBJECT_TYPE_BIND_PARAMETERS;
    bp.Header.Revision = NDIS_BIND_PARAMETERS_REVISION_1;
    bp.Header.Size = NDIS_SIZEOF_BIND_PARAMETERS_REVISION_1;
    bp.AdapterName = &Adapter->NameString;
    bp.MediaType = NdisMedium802_3;
    bp.MtuSize = Adapter->Mtu;
    bp.MaxXmitLinkSpeed = bp.XmitLinkSpeed = bp.MaxRcvLinkSpeed = bp.RcvLinkSpeed = 10000000000ull;
    bp.MediaConnectState = MediaConnectStateConnected;
    bp.MediaDuplexState = MediaDuplexStateFull;
    bp.LookaheadSize = Adapter->Mtu;
    bp.MacAddressLength = 6;
    memcpy(bp.CurrentMacAddress, Adapter->Mac, 6);
    bp.PhysicalMediumType = NdisPhysicalMedium802_3;
    bp.BoundAdapterName = &Adapter->NameString;

    NkSchedPoint();
    Binding_InBind = b;
    status = Protocol->Chars.BindAdapterHandlerEx(Protocol->Context, (NDIS_HANDLE)b, &bp);
    Binding_InBind = NULL;
    if (status == NDIS_STATUS_PENDING) {
        KeWaitForSingleObject(&b->BindDone, Executive, KernelMode, FALSE, NULL);
        status = b->BindStatus;
    }
    DrainAsync(b);
    if (status == NDIS_STATUS_SUCCESS && b->Open) {
        /* Bound: the binding is Paused until NDIS restarts it. */
        if (SendPnp(b, NetEventRestart) == NDIS_STATUS_SUCCESS) {
            pthread_mutex_lock(&NkNdisLock);
            b->Bound = TRUE;
            pthread_mutex_unlock(&NkNdisLock);
        }
    }
    if (status != NDIS_STATUS_SUCCESS) {
        if (b->Open)
            NkHostViolation("ndis.bind-failed-open", "ProtocolBindAdapterEx failed (0x%08x) with the adapter still "
                            "open: close it before failing the bind", (unsigned)status);
        pthread_mutex_lock(&NkNdisLock);
        RemoveEntryList(&b->Link);
        pthread_mutex_unlock(&NkNdisLock);
        b->Magic = 0;
        free(b);
    } else if (!b->Open) {
        NkHostViolation("ndis.bind-without-open", "ProtocolBindAdapterEx succeeded without NdisOpenAdapterEx");
    }
}

/* ---- pended open and close: completed on another thread ------------------------------ */

static void *OpenCompletion(void *Arg)
{
    NK_BINDING *b = Arg;
    /* The handle is written before the completion, as NDIS does: the
     * protocol reads it in ProtocolOpenAdapterCompleteEx. */
    SetOpen(b, TRUE);
    *b->PendingBindingHandle = (NDIS_HANDLE)b;
    b->Protocol->Chars.OpenAdapterCompleteHandlerEx(b->ProtocolBindingContext, NDIS_STATUS_SUCCESS);
    __atomic_sub_fetch(&b->AsyncPending, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void *CloseCompletion(void *Arg)
{
    NK_BINDING *b = Arg;
    b->Protocol->Chars.CloseAdapterCompleteHandlerEx(b->ProtocolBindingContext);
    __atomic_sub_fetch(&b->AsyncPending, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* Runs Completion(b) on a thread of its own; FALSE if none could start
 * (the caller then completes synchronously). */
static BOOLEAN StartCompletion(NK_BINDING *b, void *(*Completion)(void *))
{
    pthread_t t;
    __atomic_add_fetch(&b->AsyncPending, 1, __ATOMIC_SEQ_CST);
    if (pthread_create(&t, NULL, Completion, b) != 0) {
        __atomic_sub_fetch(&b->AsyncPending, 1, __ATOMIC_SEQ_CST);
        return FALSE;
    }
    pthread_detach(t);
    return TRUE;
}

/* Before a binding is freed: its pended completions have run. */
static VOID DrainAsync(NK_BINDING *b)
{
    while (__atomic_load_n(&b->AsyncPending, __ATOMIC_SEQ_CST) != 0)
        NkSchedPoll();
}

VOID NkHostSetAdapterPendOpens(NK_HOST_ADAPTER *Adapter, BOOLEAN Pend)
{
    ((NK_ADAPTER *)Adapter)->PendOpens = Pend;
}

static const NK_NDIS_REVISION OpenRevisions[] = {
    {NDIS_OPEN_PARAMETERS_REVISION_1, NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1},
};

NDIS_STATUS NdisOpenAdapterEx(NDIS_HANDLE NdisProtocolHandle, NDIS_HANDLE ProtocolBindingContext,
                              PNDIS_OPEN_PARAMETERS OpenParameters, NDIS_HANDLE BindContext,
                              PNDIS_HANDLE NdisBindingHandle)
{
    NK_BINDING *b = (NK_BINDING *)BindContext;
    NDIS_OPEN_PARAMETERS op;
    BOOLEAN ether = FALSE;

    *NdisBindingHandle = NULL;
    if (b == NULL || b != Binding_InBind || b->Protocol != (NK_PROTOCOL *)NdisProtocolHandle) {
        NkHostViolation("ndis.open-outside-bind", "NdisOpenAdapterEx must be called from ProtocolBindAdapterEx "
                        "with its BindContext");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (!NkNdisTakeObject(OpenParameters ? &OpenParameters->Header : NULL, NDIS_OBJECT_TYPE_OPEN_PARAMETERS,
                          OpenRevisions, RTL_NUMBER_OF(OpenRevisions), &op, sizeof(op), "NdisOpenAdapterEx"))
        return NDIS_STATUS_INVALID_PARAMETER;
    if (op.MediumArray == NULL || op.SelectedMediumIndex == NULL) {
        NkHostViolation("ndis.bad-open-parameters", "NdisOpenAdapterEx: no MediumArray or SelectedMediumIndex");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    for (UINT i = 0; i < op.MediumArraySize; i++) {
        if (op.MediumArray[i] == NdisMedium802_3) {
            *op.SelectedMediumIndex = i;
            ether = TRUE;
        }
    }
    if (!ether)
        return NDIS_STATUS_UNSUPPORTED_MEDIA;
    if (NkHostShouldFail(NkFaultNdisOpen))
        return NDIS_STATUS_RESOURCES;
    b->ProtocolBindingContext = ProtocolBindingContext;
    /* An open binding starts Paused; NDIS restarts it once the bind is done. */
    SetPaused(b, TRUE);
    if (b->Adapter->PendOpens) {
        b->PendingBindingHandle = NdisBindingHandle;
        if (StartCompletion(b, OpenCompletion))
            return NDIS_STATUS_PENDING;
    }
    SetOpen(b, TRUE);
    *NdisBindingHandle = (NDIS_HANDLE)b;
    return NDIS_STATUS_SUCCESS;
}

VOID NdisCompleteBindAdapterEx(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status)
{
    NK_BINDING *b = (NK_BINDING *)BindAdapterContext;
    b->BindStatus = Status;
    KeSetEvent(&b->BindDone, IO_NO_INCREMENT, FALSE);
}

/* ---- unbind ------------------------------------------------------------------------ */

static VOID DrainCount(LONG *Count)
{
    for (;;) {
        LONG users;
        pthread_mutex_lock(&NkNdisLock);
        users = *Count;
        pthread_mutex_unlock(&NkNdisLock);
        if (users == 0)
            return;
        NkSchedPoll();
    }
}

VOID NkNdisDrainUsers(NK_BINDING *b)
{
    DrainCount(&b->Users);
}

VOID NkNdisUnbind(NK_BINDING *b)
{
    NDIS_STATUS status;

    /* NDIS pauses a running binding before it unbinds it, and indicates
     * no more receives or PnP events to it from then on; status
     * indications may still come until NdisCloseAdapterEx. */
    if (b->Open && !b->Paused)
        SendPause(b, NDIS_PAUSE_UNBIND_PROTOCOL);
    pthread_mutex_lock(&NkNdisLock);
    b->Unbinding = TRUE;
    pthread_mutex_unlock(&NkNdisLock);
    NkNdisDrainUsers(b);
    NkSchedPoint();
    status = b->Protocol->Chars.UnbindAdapterHandlerEx((NDIS_HANDLE)b, b->ProtocolBindingContext);
    if (status == NDIS_STATUS_PENDING)
        KeWaitForSingleObject(&b->UnbindDone, Executive, KernelMode, FALSE, NULL);
    if (b->Open) {
        NkHostViolation("ndis.unbind-without-close", "ProtocolUnbindAdapterEx finished without NdisCloseAdapterEx");
        SetOpen(b, FALSE); /* no status indications into the binding about to be freed */
        DrainCount(&b->StatusUsers);
    }
    DrainAsync(b);
    if (b->Adapter->Miniport != NULL)
        NkNdisMiniportForgetBinding(b);
    pthread_mutex_lock(&NkNdisLock);
    RemoveEntryList(&b->Link);
    pthread_mutex_unlock(&NkNdisLock);
    NkNdisRefreshFilter(b->Adapter); /* its filter no longer counts */
    b->Magic = 0;
    free(b);
}

NDIS_STATUS NdisCloseAdapterEx(NDIS_HANDLE NdisBindingHandle)
{
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisCloseAdapterEx");
    if (b == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisCloseAdapterEx"))
        return NDIS_STATUS_FAILURE;
    if (b->PendingOidCount != 0 || b->MiniportOids != 0)
        NkHostViolation("ndis.close-with-oids", "NdisCloseAdapterEx with %lu OID request(s) pending: cancel or "
                        "wait for them first", (unsigned long)(b->PendingOidCount + (ULONG)b->MiniportOids));
    if (b->SendsOutstanding != 0 || b->ReceivesOutstanding != 0)
        NkHostViolation("ndis.close-with-io", "NdisCloseAdapterEx with %ld send(s) and %ld receive(s) outstanding",
                        (long)b->SendsOutstanding, (long)b->ReceivesOutstanding);
    SetOpen(b, FALSE);
    /* Closed: nothing more is indicated, and a status indication still in
     * the protocol's handler (they may race the unbind) finishes first. */
    DrainCount(&b->StatusUsers);
    if (b->Adapter->PendOpens && StartCompletion(b, CloseCompletion))
        return NDIS_STATUS_PENDING;
    return NDIS_STATUS_SUCCESS;
}

VOID NdisCompleteUnbindAdapterEx(NDIS_HANDLE UnbindContext)
{
    NK_BINDING *b = (NK_BINDING *)UnbindContext;
    KeSetEvent(&b->UnbindDone, IO_NO_INCREMENT, FALSE);
}

/* ---- PnP: pause and restart ------------------------------------------------------- */

static NDIS_STATUS SendPnpEx(NK_BINDING *b, NET_PNP_EVENT_CODE Code, PVOID Buffer, ULONG Length)
{
    NET_PNP_EVENT_NOTIFICATION n;
    NDIS_STATUS status;

    InitPnpNotification(&n, Code, Buffer, Length);
    KeResetEvent(&b->PnpDone);
    if (Code == NetEventPause) {
        /* No new indications from here on; those in progress finish first. */
        pthread_mutex_lock(&NkNdisLock);
        b->Pausing = TRUE;
        pthread_mutex_unlock(&NkNdisLock);
        NkNdisDrainUsers(b);
        /* Sends the adapter holds (pend-sends mode) come back aborted, or
         * the protocol's pause, which waits for them, would never end. */
        NkNdisFlushHeldSends(b, NDIS_STATUS_SEND_ABORTED);
    }
    /* Restarting: the protocol may send again as soon as it is ready,
     * which can be before its handler returns. */
    if (Code == NetEventRestart)
        SetPaused(b, FALSE);
    NkSchedPoint();
    status = b->Protocol->Chars.NetPnPEventHandler(b->ProtocolBindingContext, &n);
    if (status == NDIS_STATUS_PENDING) {
        KeWaitForSingleObject(&b->PnpDone, Executive, KernelMode, FALSE, NULL);
        status = b->PnpStatus;
    }
    if (Code == NetEventPause && status == NDIS_STATUS_SUCCESS) {
        if (b->SendsOutstanding != 0)
            NkHostViolation("ndis.pause-with-sends", "pause completed with %ld send(s) outstanding",
                            (long)b->SendsOutstanding);
        SetPaused(b, TRUE);
    }
    if (Code == NetEventPause) {
        pthread_mutex_lock(&NkNdisLock);
        b->Pausing = FALSE;
        pthread_mutex_unlock(&NkNdisLock);
    }
    if (Code == NetEventRestart && status != NDIS_STATUS_SUCCESS)
        SetPaused(b, TRUE); /* a failed restart leaves the binding paused */
    return status;
}

/* What NDIS passes with NetEventRestart: NDIS_PROTOCOL_RESTART_PARAMETERS
 * with no filter modules under the protocol (an empty name list), the
 * adapter's interface as the bound interface, and a restart attribute
 * chain of one OID_GEN_MINIPORT_RESTART_ATTRIBUTES entry describing the
 * adapter (what may have changed while the binding was paused). */
typedef struct _NK_RESTART {
    NDIS_PROTOCOL_RESTART_PARAMETERS Parameters;
    union {
        NDIS_RESTART_ATTRIBUTES Attributes;
        UCHAR Space[FIELD_OFFSET(NDIS_RESTART_ATTRIBUTES, Data) + sizeof(NDIS_RESTART_GENERAL_ATTRIBUTES)];
    } DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) Chain;
} NK_RESTART;

static VOID InitRestart(NK_RESTART *r, NK_ADAPTER *a)
{
    PNDIS_RESTART_GENERAL_ATTRIBUTES g = (PNDIS_RESTART_GENERAL_ATTRIBUTES)r->Chain.Attributes.Data;

    memset(r, 0, sizeof(*r));
    r->Parameters.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_RESTART_PARAMETERS;
    r->Parameters.Header.Revision = NDIS_PROTOCOL_RESTART_PARAMETERS_REVISION_1;
    r->Parameters.Header.Size = NDIS_SIZEOF_PROTOCOL_RESTART_PARAMETERS_REVISION_1;
    r->Parameters.FilterModuleNameBuffer = NULL; /* no filter modules: an empty list */
    r->Parameters.FilterModuleNameBufferLength = 0;
    r->Parameters.RestartAttributes = &r->Chain.Attributes;
    r->Parameters.BoundIfIndex = a->IfIndexNdis;
    r->Parameters.BoundIfNetluid.Info.IfType = 6; /* IF_TYPE_ETHERNET_CSMACD */
    r->Parameters.BoundIfNetluid.Info.NetLuidIndex = a->IfIndexNdis;
    r->Chain.Attributes.Next = NULL;
    r->Chain.Attributes.Oid = OID_GEN_MINIPORT_RESTART_ATTRIBUTES;
    r->Chain.Attributes.DataLength = sizeof(*g);
    g->Header.Type = NDIS_OBJECT_TYPE_RESTART_GENERAL_ATTRIBUTES;
    g->Header.Revision = NDIS_RESTART_GENERAL_ATTRIBUTES_REVISION_2;
    g->Header.Size = NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_2;
    g->MtuSize = a->Mtu;
    g->MaxXmitLinkSpeed = g->MaxRcvLinkSpeed = 10000000000ull;
    g->LookaheadSize = a->Mtu;
    g->SupportedPacketFilters = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST |
                                NDIS_PACKET_TYPE_ALL_MULTICAST | NDIS_PACKET_TYPE_BROADCAST |
                                NDIS_PACKET_TYPE_PROMISCUOUS;
    g->MaxMulticastListSize = NK_MAX_MULTICAST;
    g->MaxLookaheadSizeAccessed = (ULONG)NDIS_MAX_LOOKAHEAD_SIZE_ACCESSED_UNDEFINED;
}

/* NetEventPause carries NDIS_PROTOCOL_PAUSE_PARAMETERS: why (for drivers
 * of NDIS 6.40 and later the reason is always NDIS_PAUSE_NDIS_INTERNAL). */
static NDIS_STATUS SendPause(NK_BINDING *b, ULONG Reason)
{
    NDIS_PROTOCOL_PAUSE_PARAMETERS p;
    memset(&p, 0, sizeof(p));
    p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    p.Header.Revision = NDIS_PROTOCOL_PAUSE_PARAMETERS_REVISION_1;
    p.Header.Size = NDIS_SIZEOF_PROTOCOL_PAUSE_PARAMETERS_REVISION_1;
    p.PauseReason = b->Protocol->Chars.MinorNdisVersion >= 40 ? NDIS_PAUSE_NDIS_INTERNAL : Reason;
    return SendPnpEx(b, NetEventPause, &p, sizeof(p));
}

static NDIS_STATUS SendPnp(NK_BINDING *b, NET_PNP_EVENT_CODE Code)
{
    if (Code == NetEventRestart) {
        NK_RESTART r;
        InitRestart(&r, b->Adapter);
        return SendPnpEx(b, Code, &r.Parameters, sizeof(r.Parameters));
    }
    if (Code == NetEventPause)
        return SendPause(b, NDIS_PAUSE_NDIS_INTERNAL);
    return SendPnpEx(b, Code, NULL, 0);
}

VOID NdisCompleteNetPnPEvent(NDIS_HANDLE NdisBindingHandle, PNET_PNP_EVENT_NOTIFICATION NetPnPEventNotification,
                             NDIS_STATUS Status)
{
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisCompleteNetPnPEvent");
    (void)NetPnPEventNotification;
    if (b == NULL)
        return;
    b->PnpStatus = Status;
    KeSetEvent(&b->PnpDone, IO_NO_INCREMENT, FALSE);
}

/* For each open binding of Adapter, deliver Code; the worst status wins. */
static NTSTATUS PnpAll(NK_ADAPTER *Adapter, NET_PNP_EVENT_CODE Code, PVOID Buffer, ULONG Length)
{
    NDIS_STATUS worst = NDIS_STATUS_SUCCESS;
    PLIST_ENTRY e;
    for (e = Adapter->Bindings.Flink; e != &Adapter->Bindings; e = e->Flink) {
        NK_BINDING *b = CONTAINING_RECORD(e, NK_BINDING, Link);
        NDIS_STATUS s;
        if (!b->Bound)
            continue; /* still binding: NDIS serializes PnP events after the bind */
        s = Buffer == NULL ? SendPnp(b, Code) : SendPnpEx(b, Code, Buffer, Length);
        if (s != NDIS_STATUS_SUCCESS)
            worst = s;
    }
    return worst;
}

/* A miniport adapter pauses top down (its bindings, then the driver) and
 * restarts bottom up, as NDIS pauses and restarts a whole stack. */
NTSTATUS NkHostPauseAdapter(NK_HOST_ADAPTER *Adapter)
{
    NK_ADAPTER *a = (NK_ADAPTER *)Adapter;
    NTSTATUS status = PnpAll(a, NetEventPause, NULL, 0);
    if (a->Miniport != NULL) {
        NTSTATUS s = NkNdisMiniportPause(a->Miniport);
        if (NT_SUCCESS(status))
            status = s;
    }
    return status;
}

NTSTATUS NkHostRestartAdapter(NK_HOST_ADAPTER *Adapter)
{
    NK_ADAPTER *a = (NK_ADAPTER *)Adapter;
    if (a->Miniport != NULL) {
        NTSTATUS status = NkNdisMiniportRestart(a->Miniport);
        if (!NT_SUCCESS(status))
            return status; /* the stack stays paused */
    }
    return PnpAll(a, NetEventRestart, NULL, 0);
}

NTSTATUS NkHostIndicatePnpEvent(NK_HOST_ADAPTER *Adapter, ULONG Code, PVOID Buffer, ULONG Length)
{
    if (Code == NetEventPause)
        return NkHostPauseAdapter(Adapter); /* as pause/restart, with their state */
    if (Code == NetEventRestart)
        return NkHostRestartAdapter(Adapter);
    return PnpAll((NK_ADAPTER *)Adapter, (NET_PNP_EVENT_CODE)Code, Buffer, Length);
}

NTSTATUS NkHostBindsComplete(NK_HOST_ADAPTER *Adapter)
{
    /* Protocol-wide, to every protocol with a binding on the adapter. */
    NK_ADAPTER *a = (NK_ADAPTER *)Adapter;
    NK_PROTOCOL *todo[32];
    ULONG n = 0;
    NDIS_STATUS worst = NDIS_STATUS_SUCCESS;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = a->Bindings.Flink; e != &a->Bindings && n < RTL_NUMBER_OF(todo); e = e->Flink)
        todo[n++] = CONTAINING_RECORD(e, NK_BINDING, Link)->Protocol;
    pthread_mutex_unlock(&NkNdisLock);
    for (ULONG i = 0; i < n; i++) {
        NDIS_STATUS s = SendBindsComplete(todo[i]);
        if (s != NDIS_STATUS_SUCCESS)
            worst = s;
    }
    return worst;
}

/* ---- leaks and reset ------------------------------------------------------------ */

SIZE_T NkNdisReportLeaks(VOID)
{
    SIZE_T n = 0;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = NkProtocols.Flink; e != &NkProtocols; e = e->Flink) {
        n++;
        NkHostViolation("ndis.protocol-leak", "a protocol driver is still registered (NdisDeregisterProtocolDriver "
                        "missing from unload)");
    }
    pthread_mutex_unlock(&NkNdisLock);
    return n + NkNdisMiniportReportLeaks();
}

/* NkHostReset: forget protocols, adapters and bindings without callbacks. */
VOID NkNdisDrainBinds(VOID)
{
    /* Binds still queued are forgotten; one being delivered finishes first. */
    for (;;) {
        BOOLEAN running;
        pthread_mutex_lock(&NkNdisLock);
        while (!IsListEmpty(&BindQueue))
            free(CONTAINING_RECORD(RemoveHeadList(&BindQueue), NK_BIND_JOB, Link));
        running = BindRunning != NULL;
        pthread_mutex_unlock(&NkNdisLock);
        if (!running)
            break;
        NkSchedPoll();
    }
}

VOID NkNdisReset(VOID)
{
    NkNdisDrainBinds();
    NkHostHoldBinds(FALSE);
    NkNdisMiniportReset(); /* instances first: they are on the adapter list too */
    NkNdisSupportReset();
    NkNdisNblReset();
    /* Receiver threads first, without the lock: they take it to indicate. */
    for (PLIST_ENTRY e = NkAdapters.Flink; e != &NkAdapters; e = e->Flink) {
        NK_ADAPTER *a = CONTAINING_RECORD(e, NK_ADAPTER, Link);
        if (a->Socket >= 0)
            NkNdisStopPacketAdapter(a);
    }
    pthread_mutex_lock(&NkNdisLock);
    while (!IsListEmpty(&NkAdapters)) {
        NK_ADAPTER *a = CONTAINING_RECORD(RemoveHeadList(&NkAdapters), NK_ADAPTER, Link);
        while (!IsListEmpty(&a->Bindings))
            free(CONTAINING_RECORD(RemoveHeadList(&a->Bindings), NK_BINDING, Link));
        a->Magic = 0;
        free(a->ReceivePool); /* a plain allocation (nbl.c); its NBLs went with the pool reset */
        free(a->Capture);
        free(a);
    }
    while (!IsListEmpty(&NkProtocols))
        free(CONTAINING_RECORD(RemoveHeadList(&NkProtocols), NK_PROTOCOL, Link));
    pthread_mutex_unlock(&NkNdisLock);
}
