/*
 * nkproto.c - the shared test protocol (see nkproto.h).
 */
#include "nkproto.h"
#include <nkhost.h>

#include <ndiskit/mdl.h>
#include <ndiskit/nbl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

NDIS_HANDLE Protocol;
OPEN *Open;
BOOLEAN KeepReceives;
volatile LONG TotalReceived;
BOOLEAN PauseIgnoresSends;
ULONG ProtocolFilter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;

#define TAG ((ULONG)'T' | ((ULONG)'p' << 8) | ((ULONG)'r' << 16) | ((ULONG)'t' << 24))

NDIS_STATUS Oid(OPEN *o, NDIS_REQUEST_TYPE Type, NDIS_OID Id, PVOID Buffer, ULONG Length)
{
    NDIS_OID_REQUEST r;
    memset(&r, 0, sizeof(r));
    r.Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    r.Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    r.Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    r.RequestType = Type;
    r.DATA.QUERY_INFORMATION.Oid = Id;
    r.DATA.QUERY_INFORMATION.InformationBuffer = Buffer;
    r.DATA.QUERY_INFORMATION.InformationBufferLength = Length;
    return NdisOidRequest(o->Binding, &r);
}

/* Closes o's binding, waiting if NDIS pends the close. */
static VOID CloseBinding(OPEN *o)
{
    if (NdisCloseAdapterEx(o->Binding) == NDIS_STATUS_PENDING)
        KeWaitForSingleObject(&o->CloseDone, Executive, KernelMode, FALSE, NULL);
}

static NDIS_STATUS BindAdapter(NDIS_HANDLE ProtocolDriverContext, NDIS_HANDLE BindContext,
                               PNDIS_BIND_PARAMETERS BindParameters)
{
    NDIS_MEDIUM medium = NdisMedium802_3;
    UINT selected;
    NDIS_OPEN_PARAMETERS op;
    NET_BUFFER_LIST_POOL_PARAMETERS pp;
    NDIS_STATUS status;
    OPEN *o;
    ULONG filter = ProtocolFilter;
    UCHAR mac[6];

    UNREFERENCED_PARAMETER(ProtocolDriverContext);
    o = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*o), TAG);
    if (o == NULL)
        return NDIS_STATUS_RESOURCES;
    memset(o, 0, sizeof(*o));
    KeInitializeSpinLock(&o->Lock);
    KeInitializeEvent(&o->OpenDone, NotificationEvent, FALSE);
    KeInitializeEvent(&o->CloseDone, NotificationEvent, FALSE);
    memcpy(o->Mac, BindParameters->CurrentMacAddress, 6);
    o->Mtu = BindParameters->MtuSize;
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
    op.AdapterName = BindParameters->AdapterName;
    op.MediumArray = &medium;
    op.MediumArraySize = 1;
    op.SelectedMediumIndex = &selected;
    status = NdisOpenAdapterEx(Protocol, o, &op, BindContext, &o->Binding);
    if (status == NDIS_STATUS_PENDING) {
        /* Completed on another thread: the bind waits for it (at PASSIVE_LEVEL). */
        KeWaitForSingleObject(&o->OpenDone, Executive, KernelMode, FALSE, NULL);
        status = o->OpenStatus;
    }
    if (status != NDIS_STATUS_SUCCESS)
        goto fail;
    Open = o;
    if (Oid(o, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac, sizeof(mac)) != NDIS_STATUS_SUCCESS ||
        memcmp(mac, o->Mac, 6) != 0 ||
        Oid(o, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof(filter)) !=
            NDIS_STATUS_SUCCESS) {
        CloseBinding(o);
        Open = NULL;
        status = NDIS_STATUS_FAILURE;
        goto fail;
    }
    return NDIS_STATUS_SUCCESS;
fail:
    if (o->Pool)
        NdisFreeNetBufferListPool(o->Pool);
    ExFreePoolWithTag(o, TAG);
    return status;
}

static NDIS_STATUS UnbindAdapter(NDIS_HANDLE UnbindContext, NDIS_HANDLE ProtocolBindingContext)
{
    OPEN *o = ProtocolBindingContext;
    UNREFERENCED_PARAMETER(UnbindContext);
    if (o->Kept != NULL) {
        NdisReturnNetBufferLists(o->Binding, o->Kept, 0);
        o->Kept = NULL;
    }
    CloseBinding(o);
    NdisFreeNetBufferListPool(o->Pool);
    Open = NULL;
    ExFreePoolWithTag(o, TAG);
    return NDIS_STATUS_SUCCESS;
}

static VOID OpenComplete(NDIS_HANDLE c, NDIS_STATUS s)
{
    OPEN *o = c;
    o->OpenStatus = s;
    o->OpenCompletedOn = PsGetCurrentThreadId();
    KeSetEvent(&o->OpenDone, IO_NO_INCREMENT, FALSE);
}

static VOID CloseComplete(NDIS_HANDLE c)
{
    OPEN *o = c;
    KeSetEvent(&o->CloseDone, IO_NO_INCREMENT, FALSE);
}
static VOID OidComplete(NDIS_HANDLE c, PNDIS_OID_REQUEST r, NDIS_STATUS s)
{
    OPEN *o = c;
    (void)r;
    o->OidsCompleted++;
    o->LastOidStatus = s;
}

static VOID Status(NDIS_HANDLE c, PNDIS_STATUS_INDICATION s)
{
    OPEN *o = c;
    assert_int_equal(s->Header.Type, NDIS_OBJECT_TYPE_STATUS_INDICATION);
    o->LastStatusCode = s->StatusCode;
}

static NDIS_STATUS PnpEvent(NDIS_HANDLE ProtocolBindingContext, PNET_PNP_EVENT_NOTIFICATION Notification)
{
    OPEN *o = ProtocolBindingContext;
    NDIS_STATUS status = NDIS_STATUS_SUCCESS;
    KIRQL irql;

    if (o == NULL)
        return NDIS_STATUS_SUCCESS; /* binds complete etc. before any binding */
    KeAcquireSpinLock(&o->Lock, &irql);
    o->LastPnpEvent = Notification->NetPnPEvent.NetEvent;
    o->LastPnpBufferLength = Notification->NetPnPEvent.BufferLength;
    switch (Notification->NetPnPEvent.NetEvent) {
    case NetEventPause:
        /* A pause may not complete while sends are outstanding: pend it
         * until the last one completes (SendComplete finishes it). */
        o->Paused = TRUE;
        if (o->SendsInFlight != 0 && !PauseIgnoresSends) {
            o->PendingPause = Notification;
            status = NDIS_STATUS_PENDING;
        }
        break;
    case NetEventRestart:
        o->Paused = FALSE;
        break;
    default:
        break;
    }
    KeReleaseSpinLock(&o->Lock, irql);
    return status;
}

static VOID Receive(NDIS_HANDLE ProtocolBindingContext, PNET_BUFFER_LIST NetBufferLists, NDIS_PORT_NUMBER PortNumber,
                    ULONG NumberOfNetBufferLists, ULONG ReceiveFlags)
{
    OPEN *o = ProtocolBindingContext;
    PNET_BUFFER_LIST nbl;
    ULONG count = 0;

    UNREFERENCED_PARAMETER(PortNumber);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    /* A chain (a packet adapter indicates what one recvmmsg brought in):
     * each frame counted, the last one kept. */
    NK_FOR_EACH_NBL(nbl, NetBufferLists) {
        NK_MDL_SPAN span = NkMdlSpanFromNb(NET_BUFFER_LIST_FIRST_NB(nbl));
        SIZE_T n;
        NkMdlCopySpanToFlat(o->LastFrame, sizeof(o->LastFrame), &span, &n);
        o->LastLength = (ULONG)n;
        o->Received++;
        InterlockedIncrement(&TotalReceived);
        count++;
    }
    assert_int_equal(count, NumberOfNetBufferLists);
    if (count > o->LongestChain)
        o->LongestChain = count;
    if (NDIS_TEST_RECEIVE_CANNOT_PEND(ReceiveFlags))
        return;                                   /* copied: nothing to return */
    if (KeepReceives && o->Kept == NULL)
        o->Kept = NetBufferLists;                 /* returned later */
    else
        NdisReturnNetBufferLists(o->Binding, NetBufferLists, NDIS_RETURN_FLAGS_DISPATCH_LEVEL);
}

static VOID SendComplete(NDIS_HANDLE ProtocolBindingContext, PNET_BUFFER_LIST NetBufferLists, ULONG Flags)
{
    OPEN *o = ProtocolBindingContext;
    PNET_BUFFER_LIST nbl, next;
    UNREFERENCED_PARAMETER(Flags);
    PNET_PNP_EVENT_NOTIFICATION pause = NULL;
    LONG n = 0;
    KIRQL irql;
    for (nbl = NetBufferLists; nbl != NULL; nbl = next) {
        PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(nbl));
        PVOID va = MmGetMdlVirtualAddress(mdl);
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
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

NDIS_STATUS RegisterEx(BOOLEAN MayFail, BOOLEAN WaitBinds)
{
    NDIS_STATUS status;
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c;
    memset(&c, 0, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
    c.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    c.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    c.MajorNdisVersion = 6;
    c.MinorNdisVersion = 30;
    RtlInitUnicodeString(&c.Name, L"NKTEST");
    c.BindAdapterHandlerEx = BindAdapter;
    c.UnbindAdapterHandlerEx = UnbindAdapter;
    c.OpenAdapterCompleteHandlerEx = OpenComplete;
    c.CloseAdapterCompleteHandlerEx = CloseComplete;
    c.NetPnPEventHandler = PnpEvent;
    c.OidRequestCompleteHandler = OidComplete;
    c.StatusHandlerEx = Status;
    c.ReceiveNetBufferListsHandler = Receive;
    c.SendNetBufferListsCompleteHandler = SendComplete;
    status = NdisRegisterProtocolDriver(NULL, &c, &Protocol);
    if (!MayFail)
        assert_int_equal(status, NDIS_STATUS_SUCCESS);
    /* NDIS binds from its own thread, before or after the registration
     * returns: these tests start once the binds are done. */
    if (status == NDIS_STATUS_SUCCESS && WaitBinds)
        NkHostWaitBinds();
    return status;
}

BOOLEAN Send(const UCHAR *frame, ULONG length)
{
    PUCHAR buf = ExAllocatePoolWithTag(NonPagedPoolNx, length, TAG);
    PMDL mdl = buf ? NdisAllocateMdl(Open->Binding, buf, length) : NULL;
    PNET_BUFFER_LIST nbl = mdl ? NdisAllocateNetBufferAndNetBufferList(Open->Pool, 0, 0, mdl, 0, length) : NULL;
    if (nbl == NULL) {
        if (mdl)
            NdisFreeMdl(mdl);
        if (buf)
            ExFreePoolWithTag(buf, TAG);
        return FALSE;
    }
    memcpy(buf, frame, length);
    {
        KIRQL irql;
        KeAcquireSpinLock(&Open->Lock, &irql);
        Open->SendsInFlight++;
        KeReleaseSpinLock(&Open->Lock, irql);
    }
    NdisSendNetBufferLists(Open->Binding, nbl, NDIS_DEFAULT_PORT_NUMBER, 0);
    return TRUE;
}

BOOLEAN GatedSend(const UCHAR *frame, ULONG length)
{
    OPEN *o = Open;
    PUCHAR buf;
    PMDL mdl;
    PNET_BUFFER_LIST nbl;
    KIRQL irql;

    if (o == NULL)
        return FALSE;
    buf = ExAllocatePoolWithTag(NonPagedPoolNx, length, TAG);
    mdl = buf ? NdisAllocateMdl(o->Binding, buf, length) : NULL;
    nbl = mdl ? NdisAllocateNetBufferAndNetBufferList(o->Pool, 0, 0, mdl, 0, length) : NULL;
    if (nbl == NULL)
        goto fail;
    memcpy(buf, frame, length);
    /* Counted in flight before the pause check's lock is dropped, so a
     * pause that starts now waits for this send. */
    KeAcquireSpinLock(&o->Lock, &irql);
    if (o->Paused) {
        KeReleaseSpinLock(&o->Lock, irql);
        NdisFreeNetBufferList(nbl);
        goto fail;
    }
    o->SendsInFlight++;
    KeReleaseSpinLock(&o->Lock, irql);
    NdisSendNetBufferLists(o->Binding, nbl, NDIS_DEFAULT_PORT_NUMBER, 0);
    return TRUE;
fail:
    if (mdl)
        NdisFreeMdl(mdl);
    if (buf)
        ExFreePoolWithTag(buf, TAG);
    return FALSE;
}

