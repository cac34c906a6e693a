/*
 * muxtest.c - the mux tests' shared fixture and protocol (muxtest.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "muxtest.h"

const UCHAR LowerMac[6] = {0x00, 0x15, 0x5D, 0x6E, 0x6B, 0x01};
const UCHAR Peer[6] = {0x00, 0x15, 0x5D, 0x6E, 0x6B, 0x02};
const UCHAR Broadcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* ---- UP: the protocol above the VELANs ----------------------------------- */

volatile LONG UpKeep;

NDIS_HANDLE UpHandle;
static LIST_ENTRY UpBindings;
static KSPIN_LOCK UpLock;

UPB *UpFind(PCWSTR Name)
{
    UPB *found = NULL;
    KIRQL irql;
    KeAcquireSpinLock(&UpLock, &irql);
    for (PLIST_ENTRY e = UpBindings.Flink; e != &UpBindings; e = e->Flink)
        if (MuxNameEqual(CONTAINING_RECORD(e, UPB, Link)->Name, Name))
            found = CONTAINING_RECORD(e, UPB, Link);
    KeReleaseSpinLock(&UpLock, irql);
    return found;
}

ULONG UpCount(void)
{
    ULONG n = 0;
    KIRQL irql;
    KeAcquireSpinLock(&UpLock, &irql);
    for (PLIST_ENTRY e = UpBindings.Flink; e != &UpBindings; e = e->Flink)
        n++;
    KeReleaseSpinLock(&UpLock, irql);
    return n;
}

static VOID UpOidInit(UP_OID *Request, NDIS_REQUEST_TYPE Type, NDIS_OID Id, PVOID Buffer, ULONG Length)
{
    memset(Request, 0, sizeof(*Request));
    Request->Request.Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    Request->Request.Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    Request->Request.Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    Request->Request.RequestType = Type;
    Request->Request.RequestId = Request;
    Request->Request.DATA.QUERY_INFORMATION.Oid = Id;
    Request->Request.DATA.QUERY_INFORMATION.InformationBuffer = Buffer;
    Request->Request.DATA.QUERY_INFORMATION.InformationBufferLength = Length;
    KeInitializeEvent(&Request->Done, NotificationEvent, FALSE);
}

/* Request in flight on u (u->Lock held). */
static VOID UpOidTrackLocked(UPB *u, UP_OID *Request)
{
    u->OidsInFlight++;
    InsertTailList(&u->Oids, &Request->Link);
    KeClearEvent(&u->OidsDone);
}

/* Request no longer in flight on u; the last one wakes an unbind.  Request
 * is not touched after: its issuer may be gone. */
static VOID UpOidRelease(UPB *u, UP_OID *Request)
{
    KIRQL irql;
    KeAcquireSpinLock(&u->Lock, &irql);
    RemoveEntryList(&Request->Link);
    if (--u->OidsInFlight == 0)
        KeSetEvent(&u->OidsDone, IO_NO_INCREMENT, FALSE);
    KeReleaseSpinLock(&u->Lock, irql);
}

NDIS_STATUS UpOid(UPB *u, NDIS_REQUEST_TYPE Type, NDIS_OID Id, PVOID Buffer, ULONG Length, ULONG *Bytes)
{
    UP_OID r;
    NDIS_STATUS status;
    KIRQL irql;
    UpOidInit(&r, Type, Id, Buffer, Length);
    KeAcquireSpinLock(&u->Lock, &irql);
    UpOidTrackLocked(u, &r);
    KeReleaseSpinLock(&u->Lock, irql);
    status = NdisOidRequest(u->Binding, &r.Request);
    if (status == NDIS_STATUS_PENDING) {
        KeWaitForSingleObject(&r.Done, Executive, KernelMode, FALSE, NULL);
        status = r.Status;
    } else {
        UpOidRelease(u, &r);
    }
    if (Bytes != NULL)
        *Bytes = Type == NdisRequestSetInformation ? r.Request.DATA.SET_INFORMATION.BytesRead
                                                   : r.Request.DATA.QUERY_INFORMATION.BytesWritten;
    return status;
}

BOOLEAN UpOidStart(PCWSTR Name, UP_OID *Request, NDIS_REQUEST_TYPE Type, NDIS_OID Id, PVOID Buffer, ULONG Length,
                   NDIS_STATUS *Status)
{
    UPB *u = NULL;
    KIRQL irql;
    UpOidInit(Request, Type, Id, Buffer, Length);
    KeAcquireSpinLock(&UpLock, &irql);
    for (PLIST_ENTRY e = UpBindings.Flink; e != &UpBindings; e = e->Flink)
        if (MuxNameEqual(CONTAINING_RECORD(e, UPB, Link)->Name, Name))
            u = CONTAINING_RECORD(e, UPB, Link);
    if (u != NULL) {
        KeAcquireSpinLockAtDpcLevel(&u->Lock);
        UpOidTrackLocked(u, Request);
        KeReleaseSpinLockFromDpcLevel(&u->Lock);
    }
    KeReleaseSpinLock(&UpLock, irql);
    if (u == NULL)
        return FALSE;
    *Status = NdisOidRequest(u->Binding, &Request->Request);
    if (*Status != NDIS_STATUS_PENDING)
        UpOidRelease(u, Request);
    return TRUE;
}

static NDIS_STATUS UpBind(NDIS_HANDLE Context, NDIS_HANDLE BindContext, PNDIS_BIND_PARAMETERS Parameters)
{
    NDIS_MEDIUM medium = NdisMedium802_3;
    NET_BUFFER_LIST_POOL_PARAMETERS pp;
    NDIS_OPEN_PARAMETERS op;
    NDIS_STATUS status;
    UINT selected;
    UCHAR mac[6];
    ULONG filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
    KIRQL irql;
    UPB *u;
    USHORT n;
    UNREFERENCED_PARAMETER(Context);

    n = Parameters->AdapterName->Length / sizeof(WCHAR);
    if (n >= MUX_INSTANCE_NAME_CHARS)
        return NDIS_STATUS_NOT_SUPPORTED;
    u = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*u), TAG);
    if (u == NULL)
        return NDIS_STATUS_RESOURCES;
    memcpy(u->Name, Parameters->AdapterName->Buffer, n * sizeof(WCHAR));
    if (MuxNameEqual(u->Name, LOWER_NAME)) {
        ExFreePoolWithTag(u, TAG);
        return NDIS_STATUS_NOT_SUPPORTED;   /* only above the VELANs */
    }
    KeInitializeSpinLock(&u->Lock);
    KeInitializeEvent(&u->OpenDone, NotificationEvent, FALSE);
    KeInitializeEvent(&u->CloseDone, NotificationEvent, FALSE);
    KeInitializeEvent(&u->OidsDone, NotificationEvent, TRUE);
    InitializeListHead(&u->Oids);
    memcpy(u->Mac, Parameters->CurrentMacAddress, 6);
    NkNblPoolParametersInit(&pp, TAG);
    u->Pool = NdisAllocateNetBufferListPool(NULL, &pp);
    if (u->Pool == NULL) {
        status = NDIS_STATUS_RESOURCES;
        goto fail;
    }
    memset(&op, 0, sizeof(op));
    op.Header.Type = NDIS_OBJECT_TYPE_OPEN_PARAMETERS;
    op.Header.Revision = NDIS_OPEN_PARAMETERS_REVISION_1;
    op.Header.Size = NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1;
    op.AdapterName = Parameters->AdapterName;
    op.MediumArray = &medium;
    op.MediumArraySize = 1;
    op.SelectedMediumIndex = &selected;
    status = NdisOpenAdapterEx(UpHandle, u, &op, BindContext, &u->Binding);
    if (status == NDIS_STATUS_PENDING) {
        KeWaitForSingleObject(&u->OpenDone, Executive, KernelMode, FALSE, NULL);
        status = u->OpenStatus;
    }
    if (status != NDIS_STATUS_SUCCESS)
        goto fail;
    /* What TCP/IP does first: its address, then a filter. */
    if (UpOid(u, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac, sizeof(mac), NULL) !=
            NDIS_STATUS_SUCCESS ||
        memcmp(mac, u->Mac, 6) != 0 ||
        UpOid(u, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof(filter), NULL) !=
            NDIS_STATUS_SUCCESS) {
        if (NdisCloseAdapterEx(u->Binding) == NDIS_STATUS_PENDING)
            KeWaitForSingleObject(&u->CloseDone, Executive, KernelMode, FALSE, NULL);
        status = NDIS_STATUS_FAILURE;
        goto fail;
    }
    KeAcquireSpinLock(&UpLock, &irql);
    InsertTailList(&UpBindings, &u->Link);
    KeReleaseSpinLock(&UpLock, irql);
    return NDIS_STATUS_SUCCESS;
fail:
    if (u->Pool != NULL)
        NdisFreeNetBufferListPool(u->Pool);
    ExFreePoolWithTag(u, TAG);
    return status;
}

static NDIS_STATUS UpUnbind(NDIS_HANDLE UnbindContext, NDIS_HANDLE Context)
{
    UPB *u = Context;
    KIRQL irql;
    UNREFERENCED_PARAMETER(UnbindContext);
    KeAcquireSpinLock(&UpLock, &irql);
    RemoveEntryList(&u->Link);
    KeReleaseSpinLock(&UpLock, irql);
    /* Out of the list: no new UpOidStart.  Those in flight are cancelled
     * (as TCP/IP's unbind does) and waited for before the close.  Only
     * their ids are used: a cancel of one completed meanwhile is a no-op. */
    for (;;) {
        PVOID ids[8];
        ULONG n = 0;
        KeAcquireSpinLock(&u->Lock, &irql);
        for (PLIST_ENTRY e = u->Oids.Flink; e != &u->Oids && n < RTL_NUMBER_OF(ids); e = e->Flink)
            ids[n++] = CONTAINING_RECORD(e, UP_OID, Link)->Request.RequestId;
        KeReleaseSpinLock(&u->Lock, irql);
        if (n == 0)
            break;
        for (ULONG i = 0; i < n; i++)
            NdisCancelOidRequest(u->Binding, ids[i]);
        KeWaitForSingleObject(&u->OidsDone, Executive, KernelMode, FALSE, NULL);
    }
    if (u->Kept != NULL)
        NdisReturnNetBufferLists(u->Binding, u->Kept, 0);
    if (NdisCloseAdapterEx(u->Binding) == NDIS_STATUS_PENDING)
        KeWaitForSingleObject(&u->CloseDone, Executive, KernelMode, FALSE, NULL);
    NdisFreeNetBufferListPool(u->Pool);
    ExFreePoolWithTag(u, TAG);
    return NDIS_STATUS_SUCCESS;
}

static VOID UpOpenComplete(NDIS_HANDLE c, NDIS_STATUS s)
{
    UPB *u = c;
    u->OpenStatus = s;
    KeSetEvent(&u->OpenDone, IO_NO_INCREMENT, FALSE);
}

static VOID UpCloseComplete(NDIS_HANDLE c)
{
    KeSetEvent(&((UPB *)c)->CloseDone, IO_NO_INCREMENT, FALSE);
}

static VOID UpOidComplete(NDIS_HANDLE c, PNDIS_OID_REQUEST r, NDIS_STATUS s)
{
    UP_OID *request = CONTAINING_RECORD(r, UP_OID, Request);
    UPB *u = c;
    request->Status = s;
    InterlockedIncrement(&request->Completions);
    UpOidRelease(u, request);
    KeSetEvent(&request->Done, IO_NO_INCREMENT, FALSE);
}

static VOID UpStatus(NDIS_HANDLE c, PNDIS_STATUS_INDICATION s)
{
    UPB *u = c;
    u->LastStatusCode = s->StatusCode;
    InterlockedIncrement(&u->StatusCount);
}

static NDIS_STATUS UpPnpEvent(NDIS_HANDLE c, PNET_PNP_EVENT_NOTIFICATION n)
{
    UPB *u = c;
    NDIS_STATUS status = NDIS_STATUS_SUCCESS;
    KIRQL irql;
    if (u == NULL)
        return NDIS_STATUS_SUCCESS;
    KeAcquireSpinLock(&u->Lock, &irql);
    if (n->NetPnPEvent.NetEvent == NetEventPause) {
        u->Paused = TRUE;
        if (u->SendsInFlight != 0) {
            u->PendingPause = n;
            status = NDIS_STATUS_PENDING;
        }
    } else if (n->NetPnPEvent.NetEvent == NetEventRestart) {
        u->Paused = FALSE;
    }
    KeReleaseSpinLock(&u->Lock, irql);
    return status;
}

static VOID UpReceive(NDIS_HANDLE c, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Count, ULONG Flags)
{
    UPB *u = c;
    UNREFERENCED_PARAMETER(Port);
    UNREFERENCED_PARAMETER(Count);
    for (PNET_BUFFER_LIST nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
        NK_MDL_SPAN span = NkMdlSpanFromNb(NET_BUFFER_LIST_FIRST_NB(nbl));
        NDIS_NET_BUFFER_LIST_8021Q_INFO info;
        SIZE_T n;
        NkMdlCopySpanToFlat(u->LastFrame, sizeof(u->LastFrame), &span, &n);
        info.Value = NET_BUFFER_LIST_INFO(nbl, Ieee8021QNetBufferListInfo);
        u->LastLength = (ULONG)n;
        u->LastPriority = info.TagHeader.UserPriority;
        InterlockedIncrement(&u->Received);
    }
    if (!NDIS_TEST_RECEIVE_CAN_PEND(Flags))
        return;
    if (__atomic_load_n(&UpKeep, __ATOMIC_ACQUIRE) && u->Kept == NULL) {
        u->Kept = Nbls;
        return;
    }
    NdisReturnNetBufferLists(u->Binding, Nbls, NDIS_TEST_RECEIVE_AT_DISPATCH_LEVEL(Flags)
                                                   ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
}

static VOID UpSendComplete(NDIS_HANDLE c, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    UPB *u = c;
    PNET_PNP_EVENT_NOTIFICATION pause = NULL;
    PNET_BUFFER_LIST nbl, next;
    LONG n = 0;
    KIRQL irql;
    UNREFERENCED_PARAMETER(Flags);
    for (nbl = Nbls; nbl != NULL; nbl = next) {
        PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(nbl));
        PVOID va = MmGetMdlVirtualAddress(mdl);
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        u->LastSendStatus = NET_BUFFER_LIST_STATUS(nbl);
        if (u->LastSendStatus != NDIS_STATUS_SUCCESS)
            InterlockedIncrement(&u->SendsFailed);
        NdisFreeNetBufferList(nbl);
        NdisFreeMdl(mdl);
        ExFreePoolWithTag(va, TAG);
        n++;
    }
    KeAcquireSpinLock(&u->Lock, &irql);
    u->SendsInFlight -= n;
    if (u->SendsInFlight == 0 && u->PendingPause != NULL) {
        pause = u->PendingPause;
        u->PendingPause = NULL;
    }
    KeReleaseSpinLock(&u->Lock, irql);
    InterlockedAdd(&u->SendsCompleted, n);  /* after LastSendStatus: WaitCount's readers see it */
    if (pause != NULL)
        NdisCompleteNetPnPEvent(u->Binding, pause, NDIS_STATUS_SUCCESS);
}

/* Registers UP and waits for its binds; with MayFail (the allocation
 * sweep) a refused registration is returned, not asserted. */
NDIS_STATUS UpRegisterEx(BOOLEAN MayFail)
{
    NDIS_STATUS status;
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c;
    InitializeListHead(&UpBindings);
    KeInitializeSpinLock(&UpLock);
    memset(&c, 0, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
    c.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    c.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    c.MajorNdisVersion = 6;
    c.MinorNdisVersion = 30;
    RtlInitUnicodeString(&c.Name, L"UPTEST");
    c.BindAdapterHandlerEx = UpBind;
    c.UnbindAdapterHandlerEx = UpUnbind;
    c.OpenAdapterCompleteHandlerEx = UpOpenComplete;
    c.CloseAdapterCompleteHandlerEx = UpCloseComplete;
    c.NetPnPEventHandler = UpPnpEvent;
    c.OidRequestCompleteHandler = UpOidComplete;
    c.StatusHandlerEx = UpStatus;
    c.ReceiveNetBufferListsHandler = UpReceive;
    c.SendNetBufferListsCompleteHandler = UpSendComplete;
    status = NdisRegisterProtocolDriver(NULL, &c, &UpHandle);
    if (!MayFail)
        assert_int_equal(status, NDIS_STATUS_SUCCESS);
    if (status != NDIS_STATUS_SUCCESS) {
        UpHandle = NULL;
        return status;
    }
    NkHostWaitBinds();
    return status;
}

/* One frame from u's VELAN, with 802.1Q priority Priority in its NBL.
 * FALSE if an allocation failed or the binding is paused. */
BOOLEAN UpSend(UPB *u, const UCHAR *Frame, ULONG Length, ULONG Priority)
{
    NDIS_NET_BUFFER_LIST_8021Q_INFO info;
    PUCHAR buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, Length, TAG);
    PMDL mdl = buf ? NdisAllocateMdl(u->Binding, buf, Length) : NULL;
    PNET_BUFFER_LIST nbl = mdl ? NdisAllocateNetBufferAndNetBufferList(u->Pool, 0, 0, mdl, 0, Length) : NULL;
    KIRQL irql;

    if (nbl == NULL)
        goto fail;
    memcpy(buf, Frame, Length);
    info.Value = NULL;
    info.TagHeader.UserPriority = Priority;
    NET_BUFFER_LIST_INFO(nbl, Ieee8021QNetBufferListInfo) = info.Value;
    KeAcquireSpinLock(&u->Lock, &irql);
    if (u->Paused) {
        KeReleaseSpinLock(&u->Lock, irql);
        NdisFreeNetBufferList(nbl);
        goto fail;
    }
    u->SendsInFlight++;
    KeReleaseSpinLock(&u->Lock, irql);
    NdisSendNetBufferLists(u->Binding, nbl, NDIS_DEFAULT_PORT_NUMBER, 0);
    return TRUE;
fail:
    if (mdl != NULL)
        NdisFreeMdl(mdl);
    if (buf != NULL)
        ExFreePoolWithTag(buf, TAG);
    return FALSE;
}

/* ---- the fixture ----------------------------------------------------------- */

FIXTURE F;

void SeedVelan(const VELAN_SPEC *v)
{
    WCHAR key[256];
    size_t n = 0;
    const WCHAR *base = NK_HOST_NET_CLASS_KEY L"\\";
    while (base[n] != 0) {
        key[n] = base[n];
        n++;
    }
    for (size_t i = 0; v->Guid[i] != 0; i++)
        key[n++] = v->Guid[i];
    key[n] = 0;
    if (v->VlanId >= 0) {
        ULONG vid = (ULONG)v->VlanId;
        assert_int_equal(NkHostRegistrySetValue(key, L"VlanID", REG_DWORD, &vid, sizeof(vid)), STATUS_SUCCESS);
    }
    if (v->NetworkAddress != NULL) {
        ULONG chars = 0;
        while (v->NetworkAddress[chars] != 0)
            chars++;
        assert_int_equal(NkHostRegistrySetValue(key, L"NetworkAddress", REG_SZ, v->NetworkAddress,
                                                (chars + 1) * sizeof(WCHAR)),
                         STATUS_SUCCESS);
    }
}

/* UpperBindings = \Device\<guid> of each spec. */
void SeedUpperBindings(const VELAN_SPEC *Specs, ULONG Count)
{
    WCHAR multi[1024];
    size_t n = 0;
    for (ULONG s = 0; s < Count; s++) {
        const WCHAR *prefix = L"\\Device\\";
        for (size_t i = 0; prefix[i] != 0; i++)
            multi[n++] = prefix[i];
        for (size_t i = 0; Specs[s].Guid[i] != 0; i++)
            multi[n++] = Specs[s].Guid[i];
        multi[n++] = 0;
    }
    multi[n++] = 0;
    assert_int_equal(NkHostRegistrySetValue(LOWER_KEY, L"UpperBindings", REG_MULTI_SZ, multi,
                                            (ULONG)(n * sizeof(WCHAR))),
                     STATUS_SUCCESS);
}

void NameOf(const VELAN_SPEC *v, WCHAR *Out)
{
    const WCHAR *prefix = L"\\Device\\";
    size_t n = 0;
    for (size_t i = 0; prefix[i] != 0; i++)
        Out[n++] = prefix[i];
    for (size_t i = 0; v->Guid[i] != 0; i++)
        Out[n++] = v->Guid[i];
    Out[n] = 0;
}

/* Waits up to 5 s for the adapter to exist (Present) or be gone. */
BOOLEAN WaitAdapter(PCWSTR Name, BOOLEAN Present)
{
    for (int i = 0; i < 500; i++) {
        if ((NkHostFindAdapter(Name) != NULL) == Present)
            return TRUE;
        usleep(10000);
    }
    return FALSE;
}

/* Waits up to 5 s for *Counter to reach Value. */
BOOLEAN WaitCount(volatile LONG *Counter, LONG Value)
{
    for (int i = 0; i < 500; i++) {
        if (__atomic_load_n(Counter, __ATOMIC_ACQUIRE) >= Value)
            return TRUE;
        usleep(10000);
    }
    return FALSE;
}

/* The driver loaded over one lower adapter with the given VELANs; those
 * with Up set are waited for, and UP is bound to them. */
void Load(const VELAN_SPEC *Specs, ULONG Count, const BOOLEAN *Up)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(SERVICE);
    WCHAR name[128];

    NkHostReset();
    memset(&F, 0, sizeof(F));
    for (ULONG i = 0; i < Count; i++)
        SeedVelan(&Specs[i]);
    SeedUpperBindings(Specs, Count);
    assert_int_equal(NkHostAddAdapter(LOWER_NAME, LowerMac, 1500, &F.Lower), STATUS_SUCCESS);
    assert_int_equal(FxDriverEntry(&F.Driver, &path), STATUS_SUCCESS);
    F.Loaded = TRUE;
    NkHostWaitBinds();
    for (ULONG i = 0; i < Count; i++) {
        NameOf(&Specs[i], name);
        if (Up == NULL || Up[i])
            assert_true(WaitAdapter(name, TRUE));
    }
    UpRegister();
}

void Unload(void)
{
    if (UpHandle != NULL) {
        NdisDeregisterProtocolDriver(UpHandle);
        UpHandle = NULL;
    }
    /* NDIS owns an IM driver's DriverUnload: it calls the miniport
     * driver's UnloadHandler. */
    if (F.Loaded)
        F.Driver.DriverUnload(&F.Driver);
    F.Loaded = FALSE;
    if (F.Lower != NULL)
        NkHostRemoveAdapter(F.Lower);
    F.Lower = NULL;
}

/* \\.\Mux's report without asserting (the allocation sweep): the state of
 * the VELAN named Name, or 0 if the report could not be had. */
ULONG VelanStateTry(PCWSTR Name)
{
    static UCHAR buffer[sizeof(MUX_VELAN_LIST) + 4 * sizeof(MUX_VELAN_INFO)];
    PMUX_VELAN_LIST list = (PMUX_VELAN_LIST)buffer;
    PMUX_VELAN_INFO infos = (PMUX_VELAN_INFO)(buffer + sizeof(MUX_VELAN_LIST));
    ULONG bytes, state = 0;
    HANDLE h;

    if (!NT_SUCCESS(NkHostCreateFile(L"\\\\.\\Mux", &h)))
        return 0;
    if (NT_SUCCESS(NkHostDeviceIoControl(h, IOCTL_MUX_QUERY_VELANS, NULL, 0, buffer, sizeof(buffer), &bytes)))
        for (ULONG i = 0; i < list->Returned && i < 4; i++)
            if (MuxNameEqual(infos[i].InstanceName, Name))
                state = infos[i].State;
    (void)NkHostCloseHandle(h);
    return state;
}

/* Waits until NDIS is done starting the VELAN named Name: its adapter
 * exists, or its start failed (in MiniportInitializeEx, or in the host
 * after it: halted), or it never reached MiniportInitializeEx (still
 * "starting" after 200 ms: the host gave up before calling it).  Unloading
 * in between would tear the instance down while NDIS is still setting it
 * up.  TRUE if the adapter is there. */
BOOLEAN WaitStartSettled(PCWSTR Name)
{
    for (int i = 0; i < 500; i++) {
        ULONG state;
        if (NkHostFindAdapter(Name) != NULL)
            return TRUE;
        state = VelanStateTry(Name);
        if (state == MUX_VELAN_STATE_FAILED || state == MUX_VELAN_STATE_HALTED ||
            ((state == MUX_VELAN_STATE_STARTING || state == 0) && i >= 20))
            return FALSE;
        usleep(10000);
    }
    return FALSE;
}

/* \\.\Mux's report. */
ULONG QueryVelans(MUX_VELAN_INFO *Out, ULONG Max)
{
    static UCHAR buffer[sizeof(MUX_VELAN_LIST) + 70 * sizeof(MUX_VELAN_INFO)];
    PMUX_VELAN_LIST list = (PMUX_VELAN_LIST)buffer;
    HANDLE h;
    ULONG bytes;

    assert_int_equal(NkHostCreateFile(L"\\\\.\\Mux", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_MUX_QUERY_VELANS, NULL, 0, buffer, sizeof(buffer), &bytes),
                     STATUS_SUCCESS);
    assert_int_equal(NkHostCloseHandle(h), STATUS_SUCCESS);
    assert_int_equal(list->Version, MUX_VELAN_LIST_VERSION);
    assert_int_equal(list->Returned, list->Total);
    assert_int_equal(bytes, sizeof(MUX_VELAN_LIST) + list->Returned * sizeof(MUX_VELAN_INFO));
    if (Out != NULL)
        memcpy(Out, buffer + sizeof(MUX_VELAN_LIST), min(Max, list->Returned) * sizeof(MUX_VELAN_INFO));
    return list->Returned;
}

const MUX_VELAN_INFO *InfoOf(const MUX_VELAN_INFO *Infos, ULONG Count, PCWSTR Name)
{
    for (ULONG i = 0; i < Count; i++)
        if (MuxNameEqual(Infos[i].InstanceName, Name))
            return &Infos[i];
    return NULL;
}

ULONG Frame(UCHAR *Out, const UCHAR *Dst, const UCHAR *Src, BOOLEAN Tagged, ULONG Vid, ULONG Priority,
                   ULONG Length, UCHAR Seed)
{
    ULONG at = 12;
    memcpy(Out, Dst, 6);
    memcpy(Out + 6, Src, 6);
    if (Tagged) {
        USHORT tci = MuxTci(Vid, Priority);
        Out[at++] = 0x81;
        Out[at++] = 0x00;
        Out[at++] = (UCHAR)(tci >> 8);
        Out[at++] = (UCHAR)tci;
    }
    Out[at++] = 0x88;
    Out[at++] = 0xB5;   /* local experimental EtherType */
    for (; at < Length; at++)
        Out[at] = (UCHAR)(Seed + at);
    return Length;
}

/* Three VELANs: VLAN 0 with a derived address, VLAN 10 with its own, and
 * VLAN 20 with a derived address. */
const VELAN_SPEC Three[3] = {
    {VELAN_GUID(L"1"), -1, NULL},
    {VELAN_GUID(L"2"), 10, L"02-AA-00-00-00-0A"},
    {VELAN_GUID(L"3"), 20, NULL},
};
const UCHAR Velan10Mac[6] = {0x02, 0xAA, 0x00, 0x00, 0x00, 0x0A};

/* Nothing leaked and nothing reported - the KMDF entry stub included: it
 * unbinds after NDIS's unload, which a NoDispatchOverride driver's is. */
void CheckLeaks(void)
{
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}
