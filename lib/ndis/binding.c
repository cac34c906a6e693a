/*
 * binding.c - the NDIS protocol binding layer (see <ndiskit/binding.h>).
 *
 * Each binding's state, in-flight counts and OID list are under its spin
 * lock; the NDIS calls themselves are made without it.  A pause that must
 * wait for sends is pended and completed by the send completion that
 * drains them; an unbind waits on Drained, which the last send
 * completion, NBL return or OID completion sets while the binding closes.
 * Whatever sets Drained (or CallbacksDone) does it under b->Lock as its
 * last touch of the binding: the unbind frees it only after taking that
 * lock again (SetState), so the setter is out before the memory goes.
 */
#include <ndiskit/binding.h>
#include <ndiskit/log.h>

#define NK_BINDING_TAG ((ULONG)'bdkN')

/* The driver's one registration, for protocol-wide PnP events. */
static PNK_PROTOCOL Registered;

static SIZE_T BindingSize(PNK_PROTOCOL Protocol)
{
    return ((sizeof(NK_BINDING) + 15) & ~(SIZE_T)15) + Protocol->Callbacks->BindingContextSize;
}

static ULONG CountNbls(PNET_BUFFER_LIST Nbl)
{
    ULONG n = 0;
    for (; Nbl != NULL; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl))
        n++;
    return n;
}

/* With b->Lock held: a closing binding with nothing in flight may close. */
static VOID CheckDrainedLocked(PNK_BINDING b)
{
    if (ReadAcquire(&b->State) == NkBindingClosing && b->SendsInFlight == 0 && b->ReceivesHeld == 0 && b->OidsInFlight == 0)
        NkEventSet(&b->Drained);
}

static VOID SetState(PNK_BINDING b, NK_BINDING_STATE State)
{
    KIRQL irql;
    KeAcquireSpinLock(&b->Lock, &irql);
    WriteRelease(&b->State, State);
    CheckDrainedLocked(b);
    KeReleaseSpinLock(&b->Lock, irql);
}

/* Closes the adapter, waiting if NDIS pends it.  PASSIVE_LEVEL. */
static VOID CloseAdapter(PNK_BINDING b)
{
    if (NdisCloseAdapterEx(b->Handle) == NDIS_STATUS_PENDING)
        NkEventWait(&b->CloseDone, NK_WAIT_FOREVER);
}

static VOID FreeBinding(PNK_BINDING b)
{
    PNK_PROTOCOL p = b->Protocol;
    KIRQL irql;
    KeAcquireSpinLock(&p->Lock, &irql);
    if (!IsListEmpty(&b->Link)) {
        RemoveEntryList(&b->Link);
        InterlockedDecrement(&p->BindingCount);
    }
    KeReleaseSpinLock(&p->Lock, irql);
    ExFreePoolWithTag(b, NK_BINDING_TAG);
}

/* ---- status and PnP delivery ------------------------------------------------------- *
 *
 * NDIS may call ProtocolStatusEx for a binding that is being unbound until
 * its close completes, and on another thread than the unbind.  The driver
 * gets Status and PnpEvent only while Delivering (from Bound's success
 * until the unbind starts), and each one in progress is counted, so that
 * Unbinding - which frees what those callbacks use - runs only after the
 * last of them has left.  The same discipline as held receives: counted
 * in, counted out, waited for. */

/* <= DISPATCH_LEVEL: TRUE if the driver may be called (then LeaveCallback). */
static BOOLEAN EnterCallback(PNK_BINDING b)
{
    BOOLEAN enter;
    KIRQL irql;
    KeAcquireSpinLock(&b->Lock, &irql);
    enter = b->Delivering;
    if (enter)
        b->CallbacksActive++;
    KeReleaseSpinLock(&b->Lock, irql);
    return enter;
}

static VOID LeaveCallback(PNK_BINDING b)
{
    KIRQL irql;
    KeAcquireSpinLock(&b->Lock, &irql);
    if (--b->CallbacksActive == 0 && !b->Delivering)
        NkEventSet(&b->CallbacksDone);
    KeReleaseSpinLock(&b->Lock, irql); /* the last touch: the unbind may free b after this */
}

/* PASSIVE_LEVEL: no new Status/PnpEvent callbacks; waits for those running. */
static VOID StopCallbacks(PNK_BINDING b)
{
    BOOLEAN wait;
    KIRQL irql;
    KeAcquireSpinLock(&b->Lock, &irql);
    b->Delivering = FALSE;
    wait = b->CallbacksActive != 0;
    KeReleaseSpinLock(&b->Lock, irql);
    if (wait)
        NkEventWait(&b->CallbacksDone, NK_WAIT_FOREVER);
}

/* ---- binding and unbinding ----------------------------------------------------- */

static NDIS_STATUS BindAdapter(NDIS_HANDLE ProtocolDriverContext, NDIS_HANDLE BindContext,
                               PNDIS_BIND_PARAMETERS BindParameters)
{
    PNK_PROTOCOL p = ProtocolDriverContext;
    NDIS_MEDIUM medium = NdisMedium802_3;
    NDIS_OPEN_PARAMETERS op;
    UINT selected;
    PNK_BINDING b;
    NDIS_STATUS status;
    KIRQL irql;

    b = ExAllocatePool2(POOL_FLAG_NON_PAGED, BindingSize(p), NK_BINDING_TAG);
    if (b == NULL)
        return NDIS_STATUS_RESOURCES;
    b->Protocol = p;
    WriteRelease(&b->State, NkBindingOpening);
    KeInitializeSpinLock(&b->Lock);
    InitializeListHead(&b->Oids);
    InitializeListHead(&b->Link);
    NkEventInit(&b->OpenDone, FALSE, FALSE);
    NkEventInit(&b->CloseDone, FALSE, FALSE);
    NkEventInit(&b->Drained, FALSE, FALSE);
    NkEventInit(&b->CallbacksDone, FALSE, FALSE);
    if (BindParameters->MacAddressLength == 6)
        RtlCopyMemory(b->Mac, BindParameters->CurrentMacAddress, 6);
    b->Mtu = BindParameters->MtuSize;

    RtlZeroMemory(&op, sizeof(op));
    op.Header.Type = NDIS_OBJECT_TYPE_OPEN_PARAMETERS;
    op.Header.Revision = NDIS_OPEN_PARAMETERS_REVISION_1;
    op.Header.Size = NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1;
    op.AdapterName = BindParameters->AdapterName;
    op.MediumArray = &medium;
    op.MediumArraySize = 1;
    op.SelectedMediumIndex = &selected;
    status = NdisOpenAdapterEx(p->Handle, b, &op, BindContext, &b->Handle);
    if (status == NDIS_STATUS_PENDING) {
        /* ProtocolOpenAdapterCompleteEx comes on another thread. */
        NkEventWait(&b->OpenDone, NK_WAIT_FOREVER);
        status = b->OpenStatus;
    }
    if (status != NDIS_STATUS_SUCCESS) {
        NkLogWarning("open of %wZ failed: 0x%08x", BindParameters->AdapterName, (unsigned)status);
        WriteRelease(&b->State, NkBindingFailed);
        FreeBinding(b);
        return status;
    }
    /* Open: Paused until NDIS restarts the binding. */
    SetState(b, NkBindingPaused);
    KeAcquireSpinLock(&p->Lock, &irql);
    InsertTailList(&p->Bindings, &b->Link);
    InterlockedIncrement(&p->BindingCount);
    KeReleaseSpinLock(&p->Lock, irql);
    if (p->Callbacks->Bound != NULL) {
        NTSTATUS bound = p->Callbacks->Bound(b, BindParameters);
        if (!NT_SUCCESS(bound)) {
            StopCallbacks(b); /* none were delivered; none will be */
            SetState(b, NkBindingClosing);
            NkEventWait(&b->Drained, NK_WAIT_FOREVER);
            CloseAdapter(b);
            WriteRelease(&b->State, NkBindingFailed);
            FreeBinding(b);
            return bound == STATUS_INSUFFICIENT_RESOURCES ? NDIS_STATUS_RESOURCES : NDIS_STATUS_FAILURE;
        }
    }
    /* The driver's context is ready: status and PnP events may reach it. */
    KeAcquireSpinLock(&b->Lock, &irql);
    b->Delivering = TRUE;
    KeReleaseSpinLock(&b->Lock, irql);
    return NDIS_STATUS_SUCCESS;
}

static VOID OpenAdapterComplete(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS Status)
{
    PNK_BINDING b = ProtocolBindingContext;
    b->OpenStatus = Status;
    NkEventSet(&b->OpenDone);
}

static VOID CancelOids(PNK_BINDING b);

static NDIS_STATUS UnbindAdapter(NDIS_HANDLE UnbindContext, NDIS_HANDLE ProtocolBindingContext)
{
    PNK_BINDING b = ProtocolBindingContext;
    PNK_PROTOCOL p = b->Protocol;
    UNREFERENCED_PARAMETER(UnbindContext);

    SetState(b, NkBindingClosing); /* from here NkBindingOid* refuses new requests */
    /* OID requests still in flight are cancelled first, so Unbinding may wait
     * for a thread that is itself waiting on one; their completions drain them. */
    CancelOids(b);
    /* Status indications may still come until the close; the driver's
     * stop here, and those in progress finish before Unbinding frees what
     * they use. */
    StopCallbacks(b);
    if (p->Callbacks->Unbinding != NULL)
        p->Callbacks->Unbinding(b);
    NkEventWait(&b->Drained, NK_WAIT_FOREVER);
    CloseAdapter(b);
    SetState(b, NkBindingClosed);
    FreeBinding(b);
    return NDIS_STATUS_SUCCESS;
}

static VOID CancelOids(PNK_BINDING b)
{
    KIRQL irql;

    for (;;) {
        PNK_OID o = NULL;
        KeAcquireSpinLock(&b->Lock, &irql);
        for (PLIST_ENTRY e = b->Oids.Flink; e != &b->Oids; e = e->Flink) {
            PNK_OID x = CONTAINING_RECORD(e, NK_OID, Link);
            if (!x->CancelSent) {
                o = x;
                x->CancelSent = TRUE; /* cancel each once */
                break;
            }
        }
        KeReleaseSpinLock(&b->Lock, irql);
        if (o == NULL)
            break;
        NdisCancelOidRequest(b->Handle, o);
    }
}

static VOID CloseAdapterComplete(NDIS_HANDLE ProtocolBindingContext)
{
    PNK_BINDING b = ProtocolBindingContext;
    NkEventSet(&b->CloseDone);
}

/* ---- PnP events ---------------------------------------------------------------------- */

static NDIS_STATUS NetPnPEvent(NDIS_HANDLE ProtocolBindingContext, PNET_PNP_EVENT_NOTIFICATION Event)
{
    PNK_BINDING b = ProtocolBindingContext;
    NDIS_STATUS status = NDIS_STATUS_SUCCESS;
    KIRQL irql;

    if (b == NULL) {
        /* Protocol-wide (NULL context, as NDIS sends NetEventBindsComplete). */
        PNK_PROTOCOL p = Registered;
        if (p == NULL)
            return NDIS_STATUS_SUCCESS;
        if (Event->NetPnPEvent.NetEvent == NetEventBindsComplete)
            NkEventSet(&p->BindsComplete);
        return p->Callbacks->PnpEvent != NULL ? p->Callbacks->PnpEvent(NULL, Event) : NDIS_STATUS_SUCCESS;
    }
    switch (Event->NetPnPEvent.NetEvent) {
    case NetEventPause:
        KeAcquireSpinLock(&b->Lock, &irql);
        if (b->SendsInFlight != 0) {
            /* A pause completes only once the sends are back. */
            WriteRelease(&b->State, NkBindingPausing);
            b->PendingPause = Event;
            status = NDIS_STATUS_PENDING;
        } else {
            WriteRelease(&b->State, NkBindingPaused);
        }
        KeReleaseSpinLock(&b->Lock, irql);
        return status;
    case NetEventRestart:
        SetState(b, NkBindingRestarting);
        SetState(b, NkBindingRunning);
        return NDIS_STATUS_SUCCESS;
    case NetEventBindsComplete:
        NkEventSet(&b->Protocol->BindsComplete);
        break;
    default:
        break;
    }
    if (b->Protocol->Callbacks->PnpEvent != NULL && EnterCallback(b)) {
        status = b->Protocol->Callbacks->PnpEvent(b, Event);
        LeaveCallback(b);
    }
    return status;
}

/* ---- data path --------------------------------------------------------------------- */

static VOID ReceiveNetBufferLists(NDIS_HANDLE ProtocolBindingContext, PNET_BUFFER_LIST NetBufferLists,
                                  NDIS_PORT_NUMBER PortNumber, ULONG NumberOfNetBufferLists, ULONG ReceiveFlags)
{
    PNK_BINDING b = ProtocolBindingContext;
    BOOLEAN resources = NDIS_TEST_RECEIVE_CANNOT_PEND(ReceiveFlags);
    UNREFERENCED_PARAMETER(PortNumber);

    if (!resources)
        InterlockedAdd(&b->ReceivesHeld, (LONG)NumberOfNetBufferLists);
    if (b->Protocol->Callbacks->Receive != NULL)
        b->Protocol->Callbacks->Receive(b, NetBufferLists, NumberOfNetBufferLists, ReceiveFlags);
    else if (!resources)
        NkBindingReturn(b, NetBufferLists, NDIS_TEST_RECEIVE_AT_DISPATCH_LEVEL(ReceiveFlags)
                                                ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
}

static VOID SendNetBufferListsComplete(NDIS_HANDLE ProtocolBindingContext, PNET_BUFFER_LIST NetBufferLists,
                                       ULONG SendCompleteFlags)
{
    PNK_BINDING b = ProtocolBindingContext;
    PNET_PNP_EVENT_NOTIFICATION pause = NULL;
    LONG n = (LONG)CountNbls(NetBufferLists);
    KIRQL irql;

    if (b->Protocol->Callbacks->SendComplete != NULL)
        b->Protocol->Callbacks->SendComplete(b, NetBufferLists, SendCompleteFlags);
    KeAcquireSpinLock(&b->Lock, &irql);
    b->SendsInFlight -= n;
    if (b->SendsInFlight == 0 && b->PendingPause != NULL) {
        pause = b->PendingPause;
        b->PendingPause = NULL;
        WriteRelease(&b->State, NkBindingPaused);
    }
    CheckDrainedLocked(b);
    KeReleaseSpinLock(&b->Lock, irql);
    if (pause != NULL)
        NdisCompleteNetPnPEvent(b->Handle, pause, NDIS_STATUS_SUCCESS);
}

NDIS_STATUS NkBindingSend(PNK_BINDING Binding, PNET_BUFFER_LIST NetBufferLists, ULONG SendFlags)
{
    NK_BINDING_STATE state;
    KIRQL irql;

    KeAcquireSpinLock(&Binding->Lock, &irql);
    state = (NK_BINDING_STATE)ReadAcquire(&Binding->State);
    if (state == NkBindingRunning)
        Binding->SendsInFlight += (LONG)CountNbls(NetBufferLists);
    KeReleaseSpinLock(&Binding->Lock, irql);
    if (state != NkBindingRunning)
        return state >= NkBindingClosing ? NDIS_STATUS_CLOSING : NDIS_STATUS_PAUSED;
    NdisSendNetBufferLists(Binding->Handle, NetBufferLists, NDIS_DEFAULT_PORT_NUMBER,
                           SendFlags & ~NDIS_SEND_FLAGS_DISPATCH_LEVEL);
    return NDIS_STATUS_SUCCESS;
}

VOID NkBindingReturn(PNK_BINDING Binding, PNET_BUFFER_LIST NetBufferLists, ULONG ReturnFlags)
{
    LONG n = (LONG)CountNbls(NetBufferLists);
    KIRQL irql;

    NdisReturnNetBufferLists(Binding->Handle, NetBufferLists, ReturnFlags & ~NDIS_RETURN_FLAGS_DISPATCH_LEVEL);
    KeAcquireSpinLock(&Binding->Lock, &irql);
    /* Atomic even under the lock: ReceiveNetBufferLists adds without it (the
     * receive path takes no lock), so a plain read-modify-write here could
     * lose a concurrent add and leave the count short - an unbind would then
     * wait for a receive that was already returned. */
    InterlockedAdd(&Binding->ReceivesHeld, -n);
    CheckDrainedLocked(Binding);
    KeReleaseSpinLock(&Binding->Lock, irql);
}

static VOID StatusEx(NDIS_HANDLE ProtocolBindingContext, PNDIS_STATUS_INDICATION StatusIndication)
{
    PNK_BINDING b = ProtocolBindingContext;
    /* Dropped before Bound succeeded (the driver's context is not ready)
     * and once the unbind has begun (it is going). */
    if (b->Protocol->Callbacks->Status != NULL && EnterCallback(b)) {
        b->Protocol->Callbacks->Status(b, StatusIndication);
        LeaveCallback(b);
    }
}

/* ---- OID requests -------------------------------------------------------------------- */

static VOID FinishOid(PNK_BINDING b, PNK_OID o, NDIS_STATUS Status)
{
    PNDIS_OID_REQUEST r = &o->Request;
    ULONG length, bytes, needed;
    KIRQL irql;

    if (r->RequestType == NdisRequestSetInformation) {
        length = r->DATA.SET_INFORMATION.InformationBufferLength;
        bytes = r->DATA.SET_INFORMATION.BytesRead;
        needed = r->DATA.SET_INFORMATION.BytesNeeded;
    } else {
        length = r->DATA.QUERY_INFORMATION.InformationBufferLength;
        bytes = r->DATA.QUERY_INFORMATION.BytesWritten;
        needed = r->DATA.QUERY_INFORMATION.BytesNeeded;
    }
    if (bytes > length)
        bytes = length; /* never more than the buffer, whatever the miniport said */
    /* Off the list first, so an unbind does not cancel it again; still
     * counted, so the binding outlives the completion. */
    KeAcquireSpinLock(&b->Lock, &irql);
    RemoveEntryList(&o->Link);
    InitializeListHead(&o->Link);
    KeReleaseSpinLock(&b->Lock, irql);
    o->Completion(b, o, Status, bytes, needed);
    /* The reference goes last, with the drained check, under the lock: had
     * it gone before the completion, another OID's (or a return's) check
     * could let the unbind free b while this one still had b->Lock to take. */
    KeAcquireSpinLock(&b->Lock, &irql);
    b->OidsInFlight--;
    CheckDrainedLocked(b);
    KeReleaseSpinLock(&b->Lock, irql);
}

static VOID OidRequestComplete(NDIS_HANDLE ProtocolBindingContext, PNDIS_OID_REQUEST OidRequest, NDIS_STATUS Status)
{
    FinishOid(ProtocolBindingContext, CONTAINING_RECORD(OidRequest, NK_OID, Request), Status);
}

NDIS_STATUS NkBindingOidAsync(PNK_BINDING Binding, PNK_OID Request, NDIS_REQUEST_TYPE Type, NDIS_OID Oid,
                              PVOID Buffer, ULONG Length, NK_OID_COMPLETION *Completion, PVOID Context)
{
    PNDIS_OID_REQUEST r = &Request->Request;
    NDIS_STATUS status;
    KIRQL irql;

    RtlZeroMemory(Request, sizeof(*Request));
    r->Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    r->Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    r->Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    r->RequestType = Type;
    r->RequestId = Request;
    if (Type == NdisRequestSetInformation) {
        r->DATA.SET_INFORMATION.Oid = Oid;
        r->DATA.SET_INFORMATION.InformationBuffer = Buffer;
        r->DATA.SET_INFORMATION.InformationBufferLength = Length;
    } else {
        r->DATA.QUERY_INFORMATION.Oid = Oid;
        r->DATA.QUERY_INFORMATION.InformationBuffer = Buffer;
        r->DATA.QUERY_INFORMATION.InformationBufferLength = Length;
    }
    Request->Completion = Completion;
    Request->Context = Context;
    KeAcquireSpinLock(&Binding->Lock, &irql);
    if (ReadAcquire(&Binding->State) >= NkBindingClosing) {
        KeReleaseSpinLock(&Binding->Lock, irql);
        return NDIS_STATUS_CLOSING;
    }
    InsertTailList(&Binding->Oids, &Request->Link);
    Binding->OidsInFlight++;
    KeReleaseSpinLock(&Binding->Lock, irql);
    status = NdisOidRequest(Binding->Handle, r);
    if (status != NDIS_STATUS_PENDING)
        FinishOid(Binding, Request, status); /* completed at once: the same path */
    return NDIS_STATUS_PENDING;
}

VOID NkBindingCancelOid(PNK_BINDING Binding, PNK_OID Request)
{
    BOOLEAN inFlight = FALSE;
    KIRQL irql;
    KeAcquireSpinLock(&Binding->Lock, &irql);
    for (PLIST_ENTRY e = Binding->Oids.Flink; e != &Binding->Oids; e = e->Flink)
        inFlight |= e == &Request->Link;
    KeReleaseSpinLock(&Binding->Lock, irql);
    if (inFlight)
        NdisCancelOidRequest(Binding->Handle, Request);
}

typedef struct {
    NK_OID Oid;
    NK_EVENT Done;
    NDIS_STATUS Status;
    ULONG Bytes, Needed;
} NK_SYNC_OID;

static VOID SyncOidDone(PNK_BINDING Binding, PNK_OID Oid, NDIS_STATUS Status, ULONG Bytes, ULONG Needed)
{
    NK_SYNC_OID *s = CONTAINING_RECORD(Oid, NK_SYNC_OID, Oid);
    UNREFERENCED_PARAMETER(Binding);
    s->Status = Status;
    s->Bytes = Bytes;
    s->Needed = Needed;
    NkEventSet(&s->Done);
}

NDIS_STATUS NkBindingOid(PNK_BINDING Binding, NDIS_REQUEST_TYPE Type, NDIS_OID Oid, PVOID Buffer, ULONG Length,
                         PULONG Bytes)
{
    NK_SYNC_OID s;
    NDIS_STATUS status;

    if (Bytes != NULL)
        *Bytes = 0;
    NkEventInit(&s.Done, FALSE, FALSE);
    status = NkBindingOidAsync(Binding, &s.Oid, Type, Oid, Buffer, Length, SyncOidDone, NULL);
    if (status != NDIS_STATUS_PENDING)
        return status;
    NkEventWait(&s.Done, NK_WAIT_FOREVER);
    if (Bytes != NULL)
        *Bytes = s.Status == NDIS_STATUS_BUFFER_TOO_SHORT || s.Status == NDIS_STATUS_INVALID_LENGTH ? s.Needed
                                                                                                   : s.Bytes;
    return s.Status;
}

/* ---- the protocol ------------------------------------------------------------------------- */

NDIS_STATUS NkProtocolRegister(PNK_PROTOCOL Protocol, PCWSTR Name, UCHAR MajorVersion, UCHAR MinorVersion,
                               const NK_PROTOCOL_CALLBACKS *Callbacks, PVOID DriverContext)
{
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c;

    RtlZeroMemory(Protocol, sizeof(*Protocol));
    Protocol->Callbacks = Callbacks;
    Protocol->DriverContext = DriverContext;
    NkEventInit(&Protocol->BindsComplete, FALSE, FALSE);
    KeInitializeSpinLock(&Protocol->Lock);
    InitializeListHead(&Protocol->Bindings);

    RtlZeroMemory(&c, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
    c.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    c.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    c.MajorNdisVersion = MajorVersion;
    c.MinorNdisVersion = MinorVersion;
    RtlInitUnicodeString(&c.Name, Name);
    c.BindAdapterHandlerEx = BindAdapter;
    c.UnbindAdapterHandlerEx = UnbindAdapter;
    c.OpenAdapterCompleteHandlerEx = OpenAdapterComplete;
    c.CloseAdapterCompleteHandlerEx = CloseAdapterComplete;
    c.NetPnPEventHandler = NetPnPEvent;
    c.OidRequestCompleteHandler = OidRequestComplete;
    c.StatusHandlerEx = StatusEx;
    c.ReceiveNetBufferListsHandler = ReceiveNetBufferLists;
    c.SendNetBufferListsCompleteHandler = SendNetBufferListsComplete;
    Registered = Protocol;
    /* Binds can start before this returns; NDIS writes the handle first. */
    return NdisRegisterProtocolDriver(Protocol, &c, &Protocol->Handle);
}

VOID NkProtocolDeregister(PNK_PROTOCOL Protocol)
{
    if (Protocol->Handle == NULL)
        return;
    NdisDeregisterProtocolDriver(Protocol->Handle);
    Protocol->Handle = NULL;
    Registered = NULL;
}

NTSTATUS NkProtocolWaitBindsComplete(PNK_PROTOCOL Protocol, ULONG Ms)
{
    return NkEventWait(&Protocol->BindsComplete, Ms);
}
