/*
 * mini_sample.c - the smallest NDIS 6 miniport driver, written only with
 * WDK names: an Ethernet adapter that answers its address and packet
 * filter, completes every send at once and never receives.  Built for
 * Windows (a checked image) and for the host, where
 * `ndiskit host run mini_sample.so --miniport {GUID}` starts an instance
 * of it as PnP would start a device.  Each instance logs its start and its
 * halt; unloading deregisters (NDIS calls MiniportDriverUnload).
 */
#define NDIS_MINIPORT_DRIVER 1
#define NDIS630_MINIPORT 1
#include <ndis.h>

DRIVER_INITIALIZE DriverEntry;

#define MINI_TAG ((ULONG)'M' | ((ULONG)'i' << 8) | ((ULONG)'n' << 16) | ((ULONG)'i' << 24))

typedef struct _MINI_ADAPTER {
    NDIS_HANDLE Handle;
    ULONG Filter;
    volatile LONG Sent;
} MINI_ADAPTER;

static NDIS_HANDLE Driver;
static const UCHAR Mac[6] = {0x02, 0x4e, 0x4b, 0x4d, 0x49, 0x01}; /* locally administered */

static NDIS_STATUS MiniInitialize(NDIS_HANDLE Handle, NDIS_HANDLE DriverContext, PNDIS_MINIPORT_INIT_PARAMETERS Params)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES gen;
    MINI_ADAPTER *a;
    NDIS_STATUS status;
    UNREFERENCED_PARAMETER(DriverContext);
    UNREFERENCED_PARAMETER(Params);

    a = NdisAllocateMemoryWithTagPriority(Handle, sizeof(*a), MINI_TAG, NormalPoolPriority);
    if (a == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(a, sizeof(*a));
    a->Handle = Handle;
    NdisZeroMemory(&reg, sizeof(reg));
    reg.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    reg.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    reg.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    reg.MiniportAdapterContext = a;
    reg.AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_NDIS_WDM;
    reg.InterfaceType = NdisInterfaceInternal;
    status = NdisMSetMiniportAttributes(Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg);
    if (status != NDIS_STATUS_SUCCESS)
        goto fail;
    NdisZeroMemory(&gen, sizeof(gen));
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
    gen.SupportedPacketFilters = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
    gen.MacAddressLength = 6;
    NdisMoveMemory(gen.PermanentMacAddress, Mac, 6);
    NdisMoveMemory(gen.CurrentMacAddress, Mac, 6);
    status = NdisMSetMiniportAttributes(Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&gen);
    if (status != NDIS_STATUS_SUCCESS)
        goto fail;
    DbgPrint("minisample: initialized\n");
    return NDIS_STATUS_SUCCESS;
fail:
    NdisFreeMemory(a, 0, 0);
    return status;
}

static VOID MiniHalt(NDIS_HANDLE Context, NDIS_HALT_ACTION Action)
{
    MINI_ADAPTER *a = Context;
    UNREFERENCED_PARAMETER(Action);
    DbgPrint("minisample: halted after %ld send(s)\n", (long)a->Sent);
    NdisFreeMemory(a, 0, 0);
}

static NDIS_STATUS MiniPause(NDIS_HANDLE Context, PNDIS_MINIPORT_PAUSE_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Params);
    return NDIS_STATUS_SUCCESS; /* nothing is ever outstanding */
}

static NDIS_STATUS MiniRestart(NDIS_HANDLE Context, PNDIS_MINIPORT_RESTART_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Params);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS MiniOid(NDIS_HANDLE Context, PNDIS_OID_REQUEST r)
{
    MINI_ADAPTER *a = Context;
    PVOID buf = r->DATA.QUERY_INFORMATION.InformationBuffer;
    ULONG len = r->DATA.QUERY_INFORMATION.InformationBufferLength;
    if (r->RequestType == NdisRequestSetInformation && r->DATA.SET_INFORMATION.Oid == OID_GEN_CURRENT_PACKET_FILTER) {
        if (len < sizeof(ULONG))
            return NDIS_STATUS_INVALID_LENGTH;
        NdisMoveMemory(&a->Filter, buf, sizeof(ULONG));
        r->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    }
    if (r->RequestType == NdisRequestQueryInformation &&
        (r->DATA.QUERY_INFORMATION.Oid == OID_802_3_CURRENT_ADDRESS ||
         r->DATA.QUERY_INFORMATION.Oid == OID_802_3_PERMANENT_ADDRESS)) {
        if (len < 6) {
            r->DATA.QUERY_INFORMATION.BytesNeeded = 6;
            return NDIS_STATUS_BUFFER_TOO_SHORT;
        }
        NdisMoveMemory(buf, Mac, 6);
        r->DATA.QUERY_INFORMATION.BytesWritten = 6;
        return NDIS_STATUS_SUCCESS;
    }
    return NDIS_STATUS_NOT_SUPPORTED;
}

static VOID MiniCancelOid(NDIS_HANDLE Context, PVOID RequestId)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(RequestId); /* nothing ever pends */
}

/* The wire is nowhere: every frame is "sent" at once. */
static VOID MiniSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    MINI_ADAPTER *a = Context;
    PNET_BUFFER_LIST nbl;
    UNREFERENCED_PARAMETER(Port);
    for (nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
        NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_SUCCESS;
        InterlockedIncrement(&a->Sent);
    }
    NdisMSendNetBufferListsComplete(a->Handle, Nbls,
                                    NDIS_TEST_SEND_AT_DISPATCH_LEVEL(Flags) ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL
                                                                            : 0);
}

static VOID MiniReturn(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Nbls);
    UNREFERENCED_PARAMETER(Flags); /* it never indicates */
}

static VOID MiniCancelSend(NDIS_HANDLE Context, PVOID CancelId)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(CancelId);
}

static VOID MiniShutdown(NDIS_HANDLE Context, NDIS_SHUTDOWN_ACTION Action)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Action);
}

static VOID MiniDevicePnp(NDIS_HANDLE Context, PNET_DEVICE_PNP_EVENT Event)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Event);
}

static VOID MiniUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(Driver);
    DbgPrint("minisample: unloaded\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
    NDIS_STATUS status;
    NdisZeroMemory(&c, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    c.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c.MajorNdisVersion = 6;
    c.MinorNdisVersion = 30;
    c.InitializeHandlerEx = MiniInitialize;
    c.HaltHandlerEx = MiniHalt;
    c.UnloadHandler = MiniUnload;
    c.PauseHandler = MiniPause;
    c.RestartHandler = MiniRestart;
    c.OidRequestHandler = MiniOid;
    c.SendNetBufferListsHandler = MiniSend;
    c.ReturnNetBufferListsHandler = MiniReturn;
    c.CancelSendHandler = MiniCancelSend;
    c.CancelOidRequestHandler = MiniCancelOid;
    c.ShutdownHandlerEx = MiniShutdown;
    c.DevicePnPEventNotifyHandler = MiniDevicePnp;
    status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &c, &Driver);
    return status == NDIS_STATUS_SUCCESS ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
