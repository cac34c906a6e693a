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

NDIS_STATUS NdisRegisterProtocolDriver(NDIS_HANDLE ProtocolDriverContext,
                                       PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS Chars, PNDIS_HANDLE NdisProtocolHandle)
{
    NK_PROTOCOL *p;

    *NdisProtocolHandle = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisRegisterProtocolDriver"))
        return NDIS_STATUS_FAILURE;
    if (Chars->Header.Type != NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS ||
        Chars->Header.Size < NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 ||
        Chars->MajorNdisVersion != 6) {
        NkHostViolation("ndis.bad-characteristics", "protocol characteristics header or version is wrong");
        return NDIS_STATUS_BAD_VERSION;
    }
    if (!Chars->BindAdapterHandlerEx || !Chars->UnbindAdapterHandlerEx || !Chars->OpenAdapterCompleteHandlerEx ||
        !Chars->CloseAdapterCompleteHandlerEx || !Chars->NetPnPEventHandler || !Chars->OidRequestCompleteHandler ||
        !Chars->StatusHandlerEx || !Chars->ReceiveNetBufferListsHandler ||
        !Chars->SendNetBufferListsCompleteHandler || Chars->Name.Length == 0) {
        NkHostViolation("ndis.bad-characteristics", "a required protocol handler or the name is missing");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NDIS_STATUS_RESOURCES;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NDIS_STATUS_RESOURCES;
    p->Magic = NK_PROTOCOL_MAGIC;
    p->Chars = *Chars;
    p->Context = ProtocolDriverContext;
    pthread_mutex_lock(&NkNdisLock);
    InsertTailList(&NkProtocols, &p->Link);
    pthread_mutex_unlock(&NkNdisLock);
    *NdisProtocolHandle = (NDIS_HANDLE)p;

    /* Offer every adapter there is, each once (a failed bind is not
     * retried). */
    {
        NK_ADAPTER *todo[32];
        ULONG n = 0;
        pthread_mutex_lock(&NkNdisLock);
        for (PLIST_ENTRY a = NkAdapters.Flink; a != &NkAdapters && n < RTL_NUMBER_OF(todo); a = a->Flink)
            todo[n++] = CONTAINING_RECORD(a, NK_ADAPTER, Link);
        pthread_mutex_unlock(&NkNdisLock);
        for (ULONG i = 0; i < n; i++)
            NkNdisBind(p, todo[i]);
    }
    /* The initial binds are done: say so, protocol-wide (NULL context). */
    SendBindsComplete(p);
    return NDIS_STATUS_SUCCESS;
}

VOID NdisDeregisterProtocolDriver(NDIS_HANDLE NdisProtocolHandle)
{
    NK_PROTOCOL *p = (NK_PROTOCOL *)NdisProtocolHandle;
    if (p == NULL || p->Magic != NK_PROTOCOL_MAGIC) {
        NkHostViolation("ndis.invalid-protocol", "NdisDeregisterProtocolDriver(%p)", NdisProtocolHandle);
        return;
    }
    /* NDIS unbinds every binding first, waiting for each. */
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
static VOID DrainAsync(NK_BINDING *b);

VOID NkNdisBind(NK_PROTOCOL *Protocol, NK_ADAPTER *Adapter)
{
    NK_BINDING *b = calloc(1, sizeof(*b));
    NDIS_BIND_PARAMETERS bp;
    NDIS_STATUS status;

    if (b == NULL)
        return;
    b->Magic = NK_BINDING_MAGIC;
    b->Protocol = Protocol;
    b->Adapter = Adapter;
    KeInitializeEvent(&b->BindDone, NotificationEvent, FALSE);
    KeInitializeEvent(&b->UnbindDone, NotificationEvent, FALSE);
    KeInitializeEvent(&b->PnpDone, NotificationEvent, FALSE);
    pthread_mutex_lock(&NkNdisLock);
    InsertTailList(&Adapter->Bindings, &b->Link);
    pthread_mutex_unlock(&NkNdisLock);

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

NDIS_STATUS NdisOpenAdapterEx(NDIS_HANDLE NdisProtocolHandle, NDIS_HANDLE ProtocolBindingContext,
                              PNDIS_OPEN_PARAMETERS OpenParameters, NDIS_HANDLE BindContext,
                              PNDIS_HANDLE NdisBindingHandle)
{
    NK_BINDING *b = (NK_BINDING *)BindContext;
    BOOLEAN ether = FALSE;

    *NdisBindingHandle = NULL;
    if (b == NULL || b != Binding_InBind || b->Protocol != (NK_PROTOCOL *)NdisProtocolHandle) {
        NkHostViolation("ndis.open-outside-bind", "NdisOpenAdapterEx must be called from ProtocolBindAdapterEx "
                        "with its BindContext");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    for (UINT i = 0; i < OpenParameters->MediumArraySize; i++) {
        if (OpenParameters->MediumArray[i] == NdisMedium802_3) {
            *OpenParameters->SelectedMediumIndex = i;
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
        SendPnp(b, NetEventPause);
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
    if (b->PendingOidCount != 0)
        NkHostViolation("ndis.close-with-oids", "NdisCloseAdapterEx with %lu OID request(s) pending: cancel or "
                        "wait for them first", (unsigned long)b->PendingOidCount);
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

static NDIS_STATUS SendPnp(NK_BINDING *b, NET_PNP_EVENT_CODE Code)
{
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
        s = SendPnpEx(b, Code, Buffer, Length);
        if (s != NDIS_STATUS_SUCCESS)
            worst = s;
    }
    return worst;
}

NTSTATUS NkHostPauseAdapter(NK_HOST_ADAPTER *Adapter)
{
    return PnpAll((NK_ADAPTER *)Adapter, NetEventPause, NULL, 0);
}

NTSTATUS NkHostRestartAdapter(NK_HOST_ADAPTER *Adapter)
{
    return PnpAll((NK_ADAPTER *)Adapter, NetEventRestart, NULL, 0);
}

NTSTATUS NkHostIndicatePnpEvent(NK_HOST_ADAPTER *Adapter, ULONG Code, PVOID Buffer, ULONG Length)
{
    if (Code == NetEventPause || Code == NetEventRestart)
        return PnpAll((NK_ADAPTER *)Adapter, (NET_PNP_EVENT_CODE)Code, NULL, 0); /* as pause/restart, with their state */
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
    return n;
}

/* NkHostReset: forget protocols, adapters and bindings without callbacks. */
VOID NkNdisReset(VOID)
{
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
