/*
 * nkminiport.c - the test miniport (see nkminiport.h).
 */
#include "nkminiport.h"
#include <nkhost.h>

#include <ndiskit/mdl.h>
#include <ndiskit/nbl.h>

#include <string.h>

#define TAG ((ULONG)'T' | ((ULONG)'m' << 8) | ((ULONG)'p' << 16) | ((ULONG)'t' << 24))

NDIS_HANDLE NkmDriver;
PDRIVER_OBJECT NkmDriverObject;
LONG NkmUnloads;
NKM_ADAPTER *NkmLast;
LONG NkmHalts;
NDIS_HALT_ACTION NkmLastHaltAction;
BOOLEAN NkmPendOids, NkmPendSends, NkmLoopback, NkmBrokenPause, NkmPendRestart;
BOOLEAN NkmIndicateWhilePaused;
BOOLEAN NkmPendDirect;
NDIS_STATUS NkmInitStatus = NDIS_STATUS_SUCCESS;
NDIS_STATUS NkmRestartStatus = NDIS_STATUS_SUCCESS;
ULONG NkmSkipAttributes;
BOOLEAN NkmReadNetworkAddress;
BOOLEAN NkmInitCallsSetAttributesTwice;
BOOLEAN NkmDeinitInInit;
PKEVENT NkmInitGate;
NDIS_HANDLE volatile NkmInitHandle;
NDIS_STATUS NkmDeinitStatus;

static const UCHAR DefaultMac[6] = {0x02, 0x4e, 0x4b, 0x4d, 0x50, 0x01};

VOID NkmReset(VOID)
{
    NkmLast = NULL;
    NkmHalts = 0;
    NkmPendOids = NkmPendSends = NkmLoopback = NkmBrokenPause = NkmPendRestart = FALSE;
    NkmIndicateWhilePaused = FALSE;
    NkmPendDirect = FALSE;
    NkmDriverObject = NULL;
    NkmUnloads = 0;
    NkmInitStatus = NDIS_STATUS_SUCCESS;
    NkmRestartStatus = NDIS_STATUS_SUCCESS;
    NkmSkipAttributes = 0;
    NkmReadNetworkAddress = FALSE;
    NkmInitCallsSetAttributesTwice = FALSE;
    NkmDeinitInInit = FALSE;
    NkmInitGate = NULL;
    NkmInitHandle = NULL;
}

/* With a->Lock held: a pause waiting for the last NBL completes now. */
static BOOLEAN TakePauseLocked(NKM_ADAPTER *a)
{
    if (a->PausePending && a->RxOutstanding == 0 && a->SendsHeld == 0 && a->Indicating == 0) {
        a->PausePending = FALSE;
        return TRUE;
    }
    return FALSE;
}

static NDIS_STATUS Initialize(NDIS_HANDLE Handle, NDIS_HANDLE DriverContext, PNDIS_MINIPORT_INIT_PARAMETERS Params)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES gen;
    NET_BUFFER_LIST_POOL_PARAMETERS pp;
    NKM_ADAPTER *a;
    NDIS_STATUS status;
    (void)DriverContext;
    (void)Params;

    if (NkmInitGate != NULL) {
        InterlockedExchangePointer((PVOID volatile *)&NkmInitHandle, Handle);
        KeWaitForSingleObject(NkmInitGate, Executive, KernelMode, FALSE, NULL);
    }
    a = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*a), TAG);
    if (a == NULL)
        return NDIS_STATUS_RESOURCES;
    memset(a, 0, sizeof(*a));
    a->Handle = Handle;
    KeInitializeSpinLock(&a->Lock);
    memcpy(a->Mac, DefaultMac, 6);
    if (NkmReadNetworkAddress) {
        NDIS_CONFIGURATION_OBJECT co;
        NDIS_HANDLE config;
        memset(&co, 0, sizeof(co));
        co.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
        co.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
        co.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
        co.NdisHandle = Handle;
        if (NdisOpenConfigurationEx(&co, &config) == NDIS_STATUS_SUCCESS) {
            PVOID addr;
            UINT len;
            NdisReadNetworkAddress(&status, &addr, &len, config);
            if (status == NDIS_STATUS_SUCCESS && len == 6)
                memcpy(a->Mac, addr, 6);
            NdisCloseConfiguration(config);
        }
    }
    a->DeviceContext = NdisIMGetDeviceContext(Handle);
    NkNblPoolParametersInit(&pp, TAG);
    a->Pool = NdisAllocateNetBufferListPool(Handle, &pp);
    if (a->Pool == NULL) {
        status = NDIS_STATUS_RESOURCES;
        goto fail;
    }
    if (NkmSkipAttributes < 2) {
        memset(&reg, 0, sizeof(reg));
        reg.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
        reg.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
        reg.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
        reg.MiniportAdapterContext = a;
        reg.AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_NDIS_WDM;
        reg.InterfaceType = NdisInterfaceInternal;
        status = NdisMSetMiniportAttributes(Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg);
        if (status != NDIS_STATUS_SUCCESS)
            goto fail;
    }
    if (NkmSkipAttributes < 1) {
        memset(&gen, 0, sizeof(gen));
        gen.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
        gen.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
        gen.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
        gen.MediaType = NdisMedium802_3;
        gen.PhysicalMediumType = NdisPhysicalMediumUnspecified;
        gen.MtuSize = 1500;
        gen.MaxXmitLinkSpeed = gen.XmitLinkSpeed = gen.MaxRcvLinkSpeed = gen.RcvLinkSpeed = 1000000000ull;
        gen.MediaConnectState = MediaConnectStateConnected;
        gen.MediaDuplexState = MediaDuplexStateFull;
        gen.LookaheadSize = 1500;
        gen.SupportedPacketFilters = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST |
                                     NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_PROMISCUOUS;
        gen.MaxMulticastListSize = 32;
        gen.MacAddressLength = 6;
        memcpy(gen.PermanentMacAddress, DefaultMac, 6);
        memcpy(gen.CurrentMacAddress, a->Mac, 6);
        status = NdisMSetMiniportAttributes(Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&gen);
        if (status != NDIS_STATUS_SUCCESS)
            goto fail;
        if (NkmInitCallsSetAttributesTwice &&
            (status = NdisMSetMiniportAttributes(Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&gen)) !=
                NDIS_STATUS_SUCCESS)
            goto fail;
    }
    if (NkmDeinitInInit)
        NkmDeinitStatus = NdisIMDeInitializeDeviceInstance(Handle);
    status = NkmInitStatus;
    if (status != NDIS_STATUS_SUCCESS)
        goto fail;
    NkmLast = a;
    return NDIS_STATUS_SUCCESS;
fail:
    if (a->Pool != NULL)
        NdisFreeNetBufferListPool(a->Pool);
    ExFreePoolWithTag(a, TAG);
    return status;
}

static VOID Halt(NDIS_HANDLE Context, NDIS_HALT_ACTION Action)
{
    NKM_ADAPTER *a = Context;
    InterlockedIncrement(&NkmHalts);
    NkmLastHaltAction = Action;
    if (NkmLast == a)
        NkmLast = NULL;
    NdisFreeNetBufferListPool(a->Pool);
    ExFreePoolWithTag(a, TAG);
}

static NDIS_STATUS Pause(NDIS_HANDLE Context, PNDIS_MINIPORT_PAUSE_PARAMETERS Params)
{
    NKM_ADAPTER *a = Context;
    NDIS_STATUS status = NDIS_STATUS_SUCCESS;
    KIRQL irql;
    (void)Params;
    InterlockedIncrement(&a->Pauses);
    KeAcquireSpinLock(&a->Lock, &irql);
    a->Running = FALSE; /* no new indications */
    KeReleaseSpinLock(&a->Lock, irql);
    if (NkmBrokenPause)
        return NDIS_STATUS_SUCCESS; /* the bug the verifier is for */
    KeAcquireSpinLock(&a->Lock, &irql);
    if (a->RxOutstanding != 0 || a->SendsHeld != 0 || a->Indicating != 0) {
        /* Completed by the last return or send completion. */
        a->PausePending = TRUE;
        status = NDIS_STATUS_PENDING;
    }
    KeReleaseSpinLock(&a->Lock, irql);
    return status;
}

static NDIS_STATUS Restart(NDIS_HANDLE Context, PNDIS_MINIPORT_RESTART_PARAMETERS Params)
{
    NKM_ADAPTER *a = Context;
    KIRQL irql;
    (void)Params;
    InterlockedIncrement(&a->Restarts);
    if (NkmRestartStatus != NDIS_STATUS_SUCCESS)
        return NkmRestartStatus;
    KeAcquireSpinLock(&a->Lock, &irql);
    a->Running = TRUE;
    KeReleaseSpinLock(&a->Lock, irql);
    if (NkmPendRestart) {
        NdisMRestartComplete(a->Handle, NDIS_STATUS_SUCCESS); /* before returning: allowed */
        return NDIS_STATUS_PENDING;
    }
    return NDIS_STATUS_SUCCESS;
}

/* Answers r at once: the address, MTU and the receive filter. */
static NDIS_STATUS Answer(NKM_ADAPTER *a, PNDIS_OID_REQUEST r)
{
    PVOID buf = r->DATA.QUERY_INFORMATION.InformationBuffer;
    ULONG len = r->DATA.QUERY_INFORMATION.InformationBufferLength, value;
    a->LastOid = r->DATA.QUERY_INFORMATION.Oid;
    if (r->RequestType == NdisRequestSetInformation) {
        switch (r->DATA.SET_INFORMATION.Oid) {
        case OID_GEN_CURRENT_PACKET_FILTER:
            if (len < sizeof(ULONG))
                return NDIS_STATUS_INVALID_LENGTH;
            memcpy(&a->Filter, buf, sizeof(ULONG));
            r->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
            return NDIS_STATUS_SUCCESS;
        case OID_802_3_MULTICAST_LIST:
            r->DATA.SET_INFORMATION.BytesRead = len;
            return len % 6 == 0 ? NDIS_STATUS_SUCCESS : NDIS_STATUS_INVALID_LENGTH;
        default:
            return NDIS_STATUS_NOT_SUPPORTED;
        }
    }
    switch (r->DATA.QUERY_INFORMATION.Oid) {
    case OID_802_3_CURRENT_ADDRESS:
    case OID_802_3_PERMANENT_ADDRESS:
        if (len < 6) {
            r->DATA.QUERY_INFORMATION.BytesNeeded = 6;
            return NDIS_STATUS_BUFFER_TOO_SHORT;
        }
        memcpy(buf, a->Mac, 6);
        r->DATA.QUERY_INFORMATION.BytesWritten = 6;
        return NDIS_STATUS_SUCCESS;
    case OID_GEN_MAXIMUM_FRAME_SIZE:
        value = 1500;
        break;
    case OID_GEN_CURRENT_PACKET_FILTER:
        value = a->Filter;
        break;
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
    if (len < sizeof(ULONG)) {
        r->DATA.QUERY_INFORMATION.BytesNeeded = sizeof(ULONG);
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    memcpy(buf, &value, sizeof(ULONG));
    r->DATA.QUERY_INFORMATION.BytesWritten = sizeof(ULONG);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS OidRequest(NDIS_HANDLE Context, PNDIS_OID_REQUEST r)
{
    NKM_ADAPTER *a = Context;
    LONG in = InterlockedIncrement(&a->OidsInDriver);
    NDIS_STATUS status;
    if (in > a->MaxOidsInDriver)
        a->MaxOidsInDriver = in;
    InterlockedIncrement(&a->OidsSeen);
    if (NkmPendOids) {
        a->PendingOid = r; /* NDIS gives one at a time: one slot is enough */
        return NDIS_STATUS_PENDING;
    }
    status = Answer(a, r);
    InterlockedDecrement(&a->OidsInDriver);
    return status;
}

BOOLEAN NkmCompleteOid(NKM_ADAPTER *a)
{
    PNDIS_OID_REQUEST r = a->PendingOid;
    NDIS_STATUS status;
    if (r == NULL)
        return FALSE;
    a->PendingOid = NULL;
    status = Answer(a, r);
    InterlockedDecrement(&a->OidsInDriver);
    NdisMOidRequestComplete(a->Handle, r, status);
    return TRUE;
}

/* The direct path: any number at once, answered the same way. */
static NDIS_STATUS DirectOid(NDIS_HANDLE Context, PNDIS_OID_REQUEST r)
{
    NKM_ADAPTER *a = Context;
    InterlockedIncrement(&a->DirectSeen);
    if (NkmPendDirect) {
        a->PendingDirect = r;
        return NDIS_STATUS_PENDING;
    }
    return Answer(a, r);
}

BOOLEAN NkmCompleteDirect(NKM_ADAPTER *a)
{
    PNDIS_OID_REQUEST r = a->PendingDirect;
    if (r == NULL)
        return FALSE;
    a->PendingDirect = NULL;
    NdisMDirectOidRequestComplete(a->Handle, r, Answer(a, r));
    return TRUE;
}

static VOID CancelDirectOid(NDIS_HANDLE Context, PVOID RequestId)
{
    NKM_ADAPTER *a = Context;
    PNDIS_OID_REQUEST r = a->PendingDirect;
    if (r != NULL && r->RequestId == RequestId) {
        a->PendingDirect = NULL;
        NdisMDirectOidRequestComplete(a->Handle, r, NDIS_STATUS_REQUEST_ABORTED);
    }
}

static VOID CancelOid(NDIS_HANDLE Context, PVOID RequestId)
{
    NKM_ADAPTER *a = Context;
    PNDIS_OID_REQUEST r = a->PendingOid;
    if (r != NULL && r->RequestId == RequestId) {
        a->PendingOid = NULL;
        InterlockedDecrement(&a->OidsInDriver);
        NdisMOidRequestComplete(a->Handle, r, NDIS_STATUS_REQUEST_ABORTED);
    }
}

static VOID Send(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    NKM_ADAPTER *a = Context;
    PNET_BUFFER_LIST nbl, next;
    KIRQL irql;
    (void)Port;
    for (nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
        NK_MDL_SPAN span = NkMdlSpanFromNb(NET_BUFFER_LIST_FIRST_NB(nbl));
        SIZE_T n = 0;
        NkMdlCopySpanToFlat(a->LastSent, sizeof(a->LastSent), &span, &n);
        a->LastSentLength = (ULONG)n;
        InterlockedIncrement(&a->SendsSeen);
        if (NkmLoopback)
            (void)NkmIndicate(a, a->LastSent, (ULONG)n, 1, TRUE);
    }
    if (NkmPendSends) {
        KeAcquireSpinLock(&a->Lock, &irql);
        for (nbl = Nbls; nbl != NULL; nbl = next) {
            PNET_BUFFER_LIST *tail = &a->Held;
            next = NET_BUFFER_LIST_NEXT_NBL(nbl);
            NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
            while (*tail != NULL)
                tail = &NET_BUFFER_LIST_NEXT_NBL(*tail);
            *tail = nbl;
            a->SendsHeld++;
        }
        KeReleaseSpinLock(&a->Lock, irql);
        return;
    }
    for (nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
        NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_SUCCESS;
    NdisMSendNetBufferListsComplete(a->Handle, Nbls,
                                    NDIS_TEST_SEND_AT_DISPATCH_LEVEL(Flags) ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL
                                                                            : 0);
}

ULONG NkmCompleteSends(NKM_ADAPTER *a, NDIS_STATUS Status)
{
    PNET_BUFFER_LIST chain, nbl;
    ULONG n = 0;
    BOOLEAN pause;
    KIRQL irql;
    KeAcquireSpinLock(&a->Lock, &irql);
    chain = a->Held;
    a->Held = NULL;
    for (nbl = chain; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
        NET_BUFFER_LIST_STATUS(nbl) = Status;
        n++;
    }
    a->SendsHeld = 0;
    pause = TakePauseLocked(a);
    KeReleaseSpinLock(&a->Lock, irql);
    if (chain != NULL)
        NdisMSendNetBufferListsComplete(a->Handle, chain, 0);
    if (pause)
        NdisMPauseComplete(a->Handle);
    return n;
}

static VOID CancelSend(NDIS_HANDLE Context, PVOID CancelId)
{
    (void)Context;
    (void)CancelId;
}

/* Frees one receive NBL with its MDL and buffer. */
static VOID FreeReceive(PNET_BUFFER_LIST nbl)
{
    PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(nbl));
    PVOID va = MmGetMdlVirtualAddress(mdl);
    NdisFreeNetBufferList(nbl);
    NdisFreeMdl(mdl);
    ExFreePoolWithTag(va, TAG);
}

static VOID ReturnNbls(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    NKM_ADAPTER *a = Context;
    PNET_BUFFER_LIST nbl, next;
    LONG n = 0;
    BOOLEAN pause;
    KIRQL irql;
    (void)Flags;
    for (nbl = Nbls; nbl != NULL; nbl = next) {
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        FreeReceive(nbl);
        n++;
    }
    KeAcquireSpinLock(&a->Lock, &irql);
    a->RxOutstanding -= n;
    a->Returned += n;
    pause = TakePauseLocked(a);
    KeReleaseSpinLock(&a->Lock, irql);
    if (pause)
        NdisMPauseComplete(a->Handle);
}

BOOLEAN NkmIndicate(NKM_ADAPTER *a, const VOID *Frame, ULONG Length, ULONG Count, BOOLEAN Resources)
{
    PNET_BUFFER_LIST chain = NULL, *tail = &chain, nbl, next;
    KIRQL irql;
    ULONG n = 0;
    BOOLEAN pause;
    /* Only while running, counted so a pause waits for this indication. */
    KeAcquireSpinLock(&a->Lock, &irql);
    if (!a->Running && !NkmIndicateWhilePaused) {
        KeReleaseSpinLock(&a->Lock, irql);
        return FALSE;
    }
    a->Indicating++;
    KeReleaseSpinLock(&a->Lock, irql);
    for (ULONG i = 0; i < Count; i++) {
        PUCHAR buf = ExAllocatePoolWithTag(NonPagedPoolNx, Length, TAG);
        PMDL mdl = buf ? NdisAllocateMdl(a->Handle, buf, Length) : NULL;
        nbl = mdl ? NdisAllocateNetBufferAndNetBufferList(a->Pool, 0, 0, mdl, 0, Length) : NULL;
        if (nbl == NULL) {
            if (mdl)
                NdisFreeMdl(mdl);
            if (buf)
                ExFreePoolWithTag(buf, TAG);
            break;
        }
        memcpy(buf, Frame, Length);
        *tail = nbl;
        tail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
        n++;
    }
    KeAcquireSpinLock(&a->Lock, &irql);
    if (!Resources)
        a->RxOutstanding += n;
    if (chain == NULL)
        a->Indicating--;
    pause = chain == NULL && TakePauseLocked(a);
    KeReleaseSpinLock(&a->Lock, irql);
    if (pause)
        NdisMPauseComplete(a->Handle);
    if (chain == NULL)
        return FALSE;
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    NdisMIndicateReceiveNetBufferLists(a->Handle, chain, NDIS_DEFAULT_PORT_NUMBER, n,
                                       NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL |
                                           (Resources ? NDIS_RECEIVE_FLAGS_RESOURCES : 0));
    KeLowerIrql(irql);
    if (Resources) {
        /* Ours again as soon as the call returns. */
        for (nbl = chain; nbl != NULL; nbl = next) {
            next = NET_BUFFER_LIST_NEXT_NBL(nbl);
            FreeReceive(nbl);
        }
    }
    KeAcquireSpinLock(&a->Lock, &irql);
    a->Indicating--;
    pause = TakePauseLocked(a);
    KeReleaseSpinLock(&a->Lock, irql);
    if (pause)
        NdisMPauseComplete(a->Handle);
    return n == Count;
}

static VOID Shutdown(NDIS_HANDLE Context, NDIS_SHUTDOWN_ACTION Action)
{
    (void)Context;
    (void)Action;
}

static VOID DevicePnp(NDIS_HANDLE Context, PNET_DEVICE_PNP_EVENT Event)
{
    (void)Context;
    (void)Event;
}

static VOID Unload(PDRIVER_OBJECT DriverObject)
{
    (void)DriverObject;
    InterlockedIncrement(&NkmUnloads);
    NdisMDeregisterMiniportDriver(NkmDriver);
    NkmDriver = NULL;
}

NDIS_STATUS NkmRegister(PCWSTR Service, UCHAR Revision, BOOLEAN Intermediate)
{
    static WCHAR path[200];
    static const WCHAR prefix[] = L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";
    UNICODE_STRING registryPath;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
    size_t n = 0, m = 0;

    while (prefix[n] != 0)
        path[n] = prefix[n], n++;
    while (Service[m] != 0)
        path[n++] = Service[m++];
    path[n] = 0;
    RtlInitUnicodeString(&registryPath, path);
    memset(&c, 0, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    c.Header.Revision = Revision;
    c.Header.Size = Revision == NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1
                        ? NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1
                        : NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c.MajorNdisVersion = 6;
    c.MinorNdisVersion = 30;
    c.Flags = Intermediate ? NDIS_INTERMEDIATE_DRIVER : 0;
    c.InitializeHandlerEx = Initialize;
    c.HaltHandlerEx = Halt;
    c.PauseHandler = Pause;
    c.RestartHandler = Restart;
    c.OidRequestHandler = OidRequest;
    c.SendNetBufferListsHandler = Send;
    c.ReturnNetBufferListsHandler = ReturnNbls;
    c.CancelSendHandler = CancelSend;
    c.CancelOidRequestHandler = CancelOid;
    c.ShutdownHandlerEx = Shutdown;
    c.DevicePnPEventNotifyHandler = DevicePnp;
    c.UnloadHandler = Unload;
    if (Revision >= NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2) {
        c.DirectOidRequestHandler = DirectOid;
        c.CancelDirectOidRequestHandler = CancelDirectOid;
    }
    return NdisMRegisterMiniportDriver(NkmDriverObject, &registryPath, NULL, &c, &NkmDriver);
}

VOID NkmDeregister(VOID)
{
    NdisMDeregisterMiniportDriver(NkmDriver);
    NkmDriver = NULL;
}
