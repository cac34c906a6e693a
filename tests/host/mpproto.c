/*
 * mpproto.c - the re-registrable test protocol (see mpproto.h).
 */
#include "mpproto.h"
#include <nkhost.h>

#include <ndiskit/mdl.h>
#include <ndiskit/nbl.h>

#include <string.h>

#define TAG ((ULONG)'T' | ((ULONG)'m' << 8) | ((ULONG)'p' << 16) | ((ULONG)'r' << 24))

/* The protocol a handle's registration is (ProtocolDriverContext). */
static NDIS_STATUS Bind(NDIS_HANDLE DriverContext, NDIS_HANDLE BindContext, PNDIS_BIND_PARAMETERS Params)
{
    MP_PROTO *p = DriverContext;
    NDIS_MEDIUM medium = NdisMedium802_3;
    UINT selected;
    NDIS_OPEN_PARAMETERS op;
    NET_BUFFER_LIST_POOL_PARAMETERS pp;
    NDIS_STATUS status;
    MP_OPEN *o;

    if (p->Only != NULL) {
        /* Declines every other adapter (a protocol bound above an IM only). */
        UNICODE_STRING only;
        RtlInitUnicodeString(&only, p->Only);
        if (!RtlEqualUnicodeString(&only, Params->AdapterName, TRUE))
            return NDIS_STATUS_NOT_SUPPORTED;
    }
    o = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*o), TAG);
    if (o == NULL)
        return NDIS_STATUS_RESOURCES;
    memset(o, 0, sizeof(*o));
    o->Proto = p;
    KeInitializeSpinLock(&o->Lock);
    KeInitializeEvent(&o->OidsIdle, NotificationEvent, TRUE);
    memcpy(o->Mac, Params->CurrentMacAddress, 6);
    NkNblPoolParametersInit(&pp, TAG);
    o->Pool = NdisAllocateNetBufferListPool(NULL, &pp);
    if (o->Pool == NULL) {
        status = NDIS_STATUS_RESOURCES;
        goto fail;
    }
    memset(&op, 0, sizeof(op));
    op.Header.Type = NDIS_OBJECT_TYPE_OPEN_PARAMETERS;
    op.Header.Revision = NDIS_OPEN_PARAMETERS_REVISION_1;
    op.Header.Size = NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1;
    op.AdapterName = Params->AdapterName;
    op.MediumArray = &medium;
    op.MediumArraySize = 1;
    op.SelectedMediumIndex = &selected;
    status = NdisOpenAdapterEx(p->Handle, o, &op, BindContext, &o->Binding);
    if (status != NDIS_STATUS_SUCCESS)
        goto fail;
    o->ImContext = NdisIMGetBindingContext(o->Binding);
    p->Open = o;
    if (p->Filter != 0) {
        ULONG filter = p->Filter;
        status = MpOid(p, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof(filter));
        if (status != NDIS_STATUS_SUCCESS) {
            p->Open = NULL;
            (void)NdisCloseAdapterEx(o->Binding);
            goto fail;
        }
    }
    return NDIS_STATUS_SUCCESS;
fail:
    if (o->Pool != NULL)
        NdisFreeNetBufferListPool(o->Pool);
    ExFreePoolWithTag(o, TAG);
    return status;
}

static NDIS_STATUS Unbind(NDIS_HANDLE UnbindContext, NDIS_HANDLE BindingContext)
{
    MP_OPEN *o = BindingContext;
    MP_PROTO *p = o->Proto;
    KIRQL irql;
    (void)UnbindContext;
    (void)MpReturnKept(p);
    /* No new OIDs from here; a correct protocol closes only once the ones
     * it issued are back. */
    KeAcquireSpinLock(&p->Lock, &irql);
    if (p->Open == o)
        p->Open = NULL;
    KeReleaseSpinLock(&p->Lock, irql);
    KeWaitForSingleObject(&o->OidsIdle, Executive, KernelMode, FALSE, NULL);
    (void)NdisCloseAdapterEx(o->Binding);
    NdisFreeNetBufferListPool(o->Pool);
    ExFreePoolWithTag(o, TAG);
    return NDIS_STATUS_SUCCESS;
}

static VOID OpenComplete(NDIS_HANDLE Context, NDIS_STATUS Status)
{
    (void)Context;
    (void)Status;
}

static VOID CloseComplete(NDIS_HANDLE Context)
{
    (void)Context;
}

static VOID OidDone(MP_OPEN *o)
{
    KIRQL irql;
    KeAcquireSpinLock(&o->Proto->Lock, &irql);
    if (--o->OidsInFlight == 0)
        KeSetEvent(&o->OidsIdle, IO_NO_INCREMENT, FALSE);
    KeReleaseSpinLock(&o->Proto->Lock, irql);
}

static VOID OidComplete(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request, NDIS_STATUS Status)
{
    MP_OPEN *o = Context;
    (void)Request;
    o->LastOidStatus = Status;
    InterlockedIncrement(&o->OidsCompleted);
    OidDone(o);
}

static VOID DirectOidComplete(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request, NDIS_STATUS Status)
{
    MP_OPEN *o = Context;
    (void)Request;
    o->LastDirectStatus = Status;
    InterlockedIncrement(&o->DirectCompleted);
}

NDIS_STATUS MpDirectOid(MP_PROTO *p, PNDIS_OID_REQUEST r, NDIS_OID Oid, PVOID Buffer, ULONG Length)
{
    MP_OPEN *o = p->Open;
    if (o == NULL)
        return NDIS_STATUS_ADAPTER_NOT_READY;
    memset(r, 0, sizeof(*r));
    r->Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    r->Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    r->Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    r->RequestType = NdisRequestQueryInformation;
    r->RequestId = r;
    r->DATA.QUERY_INFORMATION.Oid = Oid;
    r->DATA.QUERY_INFORMATION.InformationBuffer = Buffer;
    r->DATA.QUERY_INFORMATION.InformationBufferLength = Length;
    return NdisDirectOidRequest(o->Binding, r);
}

static VOID StatusEx(NDIS_HANDLE Context, PNDIS_STATUS_INDICATION Indication)
{
    MP_OPEN *o = Context;
    o->LastStatusCode = Indication->StatusCode;
    InterlockedIncrement(&o->Statuses);
}

static NDIS_STATUS Pnp(NDIS_HANDLE Context, PNET_PNP_EVENT_NOTIFICATION Event)
{
    MP_OPEN *o = Context;
    NDIS_STATUS status = NDIS_STATUS_SUCCESS;
    KIRQL irql;
    if (o == NULL)
        return NDIS_STATUS_SUCCESS;
    KeAcquireSpinLock(&o->Lock, &irql);
    o->LastPnpEvent = Event->NetPnPEvent.NetEvent;
    if (Event->NetPnPEvent.NetEvent == NetEventPause) {
        o->Paused = TRUE;
        if (o->SendsInFlight != 0) {
            o->PendingPause = Event; /* the last send completion finishes it */
            status = NDIS_STATUS_PENDING;
        }
    } else if (Event->NetPnPEvent.NetEvent == NetEventRestart) {
        o->Paused = FALSE;
    }
    KeReleaseSpinLock(&o->Lock, irql);
    return status;
}

static VOID Receive(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Count, ULONG Flags)
{
    MP_OPEN *o = Context;
    PNET_BUFFER_LIST nbl, next, back = NULL, *backTail = &back;
    (void)Port;
    (void)Count;
    for (nbl = Nbls; nbl != NULL; nbl = next) {
        NK_MDL_SPAN span = NkMdlSpanFromNb(NET_BUFFER_LIST_FIRST_NB(nbl));
        SIZE_T n = 0;
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NkMdlCopySpanToFlat(o->LastFrame, sizeof(o->LastFrame), &span, &n);
        o->LastLength = (ULONG)n;
        InterlockedIncrement(&o->Received);
        if (NDIS_TEST_RECEIVE_CANNOT_PEND(Flags))
            continue; /* copied: the miniport has it back on return */
        NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
        if (o->Proto->Keep && o->KeptCount < (LONG)RTL_NUMBER_OF(o->Kept)) {
            o->Kept[InterlockedIncrement(&o->KeptCount) - 1] = nbl;
        } else {
            *backTail = nbl;
            backTail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
        }
    }
    if (back != NULL)
        NdisReturnNetBufferLists(o->Binding, back, NDIS_RETURN_FLAGS_DISPATCH_LEVEL);
}

static VOID SendComplete(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    MP_OPEN *o = Context;
    PNET_BUFFER_LIST nbl, next;
    PNET_PNP_EVENT_NOTIFICATION pause = NULL;
    LONG n = 0;
    KIRQL irql;
    (void)Flags;
    for (nbl = Nbls; nbl != NULL; nbl = next) {
        PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(nbl));
        PVOID va = MmGetMdlVirtualAddress(mdl);
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        o->LastSendStatus = NET_BUFFER_LIST_STATUS(nbl);
        NdisFreeNetBufferList(nbl);
        NdisFreeMdl(mdl);
        ExFreePoolWithTag(va, TAG);
        InterlockedIncrement(&o->SendsCompleted);
        n++;
    }
    KeAcquireSpinLock(&o->Lock, &irql);
    o->SendsInFlight -= n;
    if (o->SendsInFlight == 0 && o->PendingPause != NULL) {
        pause = o->PendingPause;
        o->PendingPause = NULL;
    }
    KeReleaseSpinLock(&o->Lock, irql);
    if (pause != NULL)
        NdisCompleteNetPnPEvent(o->Binding, pause, NDIS_STATUS_SUCCESS);
}

NDIS_STATUS MpRegister(MP_PROTO *p, PCWSTR Name, ULONG Filter)
{
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c;
    size_t n = 0;
    NDIS_STATUS status;
    while (Name[n] != 0 && n + 1 < RTL_NUMBER_OF(p->Name))
        p->Name[n] = Name[n], n++;
    p->Name[n] = 0;
    p->Filter = Filter;
    p->Open = NULL;
    KeInitializeSpinLock(&p->Lock);
    memset(&c, 0, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
    c.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    c.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    c.MajorNdisVersion = 6;
    c.MinorNdisVersion = 30;
    RtlInitUnicodeString(&c.Name, p->Name);
    c.BindAdapterHandlerEx = Bind;
    c.UnbindAdapterHandlerEx = Unbind;
    c.OpenAdapterCompleteHandlerEx = OpenComplete;
    c.CloseAdapterCompleteHandlerEx = CloseComplete;
    c.NetPnPEventHandler = Pnp;
    c.OidRequestCompleteHandler = OidComplete;
    c.StatusHandlerEx = StatusEx;
    c.ReceiveNetBufferListsHandler = Receive;
    c.SendNetBufferListsCompleteHandler = SendComplete;
    c.DirectOidRequestCompleteHandler = DirectOidComplete;
    status = NdisRegisterProtocolDriver(p, &c, &p->Handle);
    if (status == NDIS_STATUS_SUCCESS)
        NkHostWaitBinds();
    return status;
}

VOID MpDeregister(MP_PROTO *p)
{
    NdisDeregisterProtocolDriver(p->Handle);
    p->Handle = NULL;
}

BOOLEAN MpSend(MP_PROTO *p, const VOID *Frame, ULONG Length)
{
    MP_OPEN *o;
    PUCHAR buf = NULL;
    PMDL mdl = NULL;
    PNET_BUFFER_LIST nbl = NULL;
    KIRQL irql, irql2;
    /* The open is looked up, checked and counted under the protocol's lock
     * the unbind takes: once counted, its pause waits for this send. */
    KeAcquireSpinLock(&p->Lock, &irql);
    o = p->Open;
    if (o != NULL) {
        BOOLEAN paused;
        KeAcquireSpinLock(&o->Lock, &irql2);
        paused = o->Paused;
        if (!paused)
            o->SendsInFlight++;
        KeReleaseSpinLock(&o->Lock, irql2);
        if (paused)
            o = NULL;
    }
    KeReleaseSpinLock(&p->Lock, irql);
    if (o == NULL)
        return FALSE;
    buf = ExAllocatePoolWithTag(NonPagedPoolNx, Length, TAG);
    mdl = buf ? NdisAllocateMdl(o->Binding, buf, Length) : NULL;
    nbl = mdl ? NdisAllocateNetBufferAndNetBufferList(o->Pool, 0, 0, mdl, 0, Length) : NULL;
    if (nbl == NULL) {
        /* Not sent after all: uncounted (a pause waiting for it goes on). */
        PNET_PNP_EVENT_NOTIFICATION pause = NULL;
        KeAcquireSpinLock(&o->Lock, &irql);
        if (--o->SendsInFlight == 0 && o->PendingPause != NULL) {
            pause = o->PendingPause;
            o->PendingPause = NULL;
        }
        KeReleaseSpinLock(&o->Lock, irql);
        if (pause != NULL)
            NdisCompleteNetPnPEvent(o->Binding, pause, NDIS_STATUS_SUCCESS);
        goto fail;
    }
    memcpy(buf, Frame, Length);
    NdisSendNetBufferLists(o->Binding, nbl, NDIS_DEFAULT_PORT_NUMBER, 0);
    return TRUE;
fail:
    if (mdl)
        NdisFreeMdl(mdl);
    if (buf)
        ExFreePoolWithTag(buf, TAG);
    return FALSE;
}

NDIS_STATUS MpOidAsync(MP_PROTO *p, PNDIS_OID_REQUEST r, NDIS_REQUEST_TYPE Type, NDIS_OID Oid, PVOID Buffer,
                       ULONG Length)
{
    MP_OPEN *o;
    NDIS_STATUS status;
    KIRQL irql;
    memset(r, 0, sizeof(*r));
    r->Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    r->Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    r->Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    r->RequestType = Type;
    r->RequestId = r;
    r->DATA.QUERY_INFORMATION.Oid = Oid;
    r->DATA.QUERY_INFORMATION.InformationBuffer = Buffer;
    r->DATA.QUERY_INFORMATION.InformationBufferLength = Length;
    /* Counted under the lock the unbind takes: it waits for this one. */
    KeAcquireSpinLock(&p->Lock, &irql);
    o = p->Open;
    if (o != NULL && o->OidsInFlight++ == 0)
        KeResetEvent(&o->OidsIdle);
    KeReleaseSpinLock(&p->Lock, irql);
    if (o == NULL)
        return NDIS_STATUS_ADAPTER_NOT_READY;
    status = NdisOidRequest(o->Binding, r);
    if (status != NDIS_STATUS_PENDING)
        OidDone(o);
    return status;
}

/* The request a synchronous MpOid waits on, with its completion event. */
typedef struct _MP_SYNC_OID {
    NDIS_OID_REQUEST Request;
} MP_SYNC_OID;

NDIS_STATUS MpOid(MP_PROTO *p, NDIS_REQUEST_TYPE Type, NDIS_OID Oid, PVOID Buffer, ULONG Length)
{
    MP_SYNC_OID s;
    MP_OPEN *o = p->Open;
    LONG before;
    NDIS_STATUS status;
    if (o == NULL)
        return NDIS_STATUS_ADAPTER_NOT_READY;
    before = o->OidsCompleted;
    status = MpOidAsync(p, &s.Request, Type, Oid, Buffer, Length);
    if (status != NDIS_STATUS_PENDING)
        return status;
    /* Completed through OidComplete: wait for the count to move. */
    while (o->OidsCompleted == before)
        KeDelayExecutionThread(KernelMode, FALSE, &(LARGE_INTEGER){.QuadPart = -10000});
    return o->LastOidStatus;
}

ULONG MpReturnKept(MP_PROTO *p)
{
    MP_OPEN *o = p->Open;
    LONG n;
    if (o == NULL)
        return 0;
    n = InterlockedExchange(&o->KeptCount, 0);
    for (LONG i = 0; i < n; i++)
        NdisReturnNetBufferLists(o->Binding, o->Kept[i], 0);
    return (ULONG)n;
}
