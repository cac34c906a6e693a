/*
 * miniport.c - a VELAN as NDIS sees it: an 802.3 virtual miniport.
 *
 * NDIS calls MiniportInitializeEx on a thread of its own after
 * NdisIMInitializeDeviceInstanceEx (velan.c); the VELAN's context is the
 * MUX_VELAN that asked.  Its configuration is read there: an invalid
 * VlanID or NetworkAddress fails only that VELAN, with the reason in the
 * debug log, while its siblings come up.  Pause completes once the
 * VELAN's send copies are back from the lower adapter and its indicated
 * NBLs are back from its protocols (MuxVelanOutstandingDone); halt waits
 * for status indications in progress and releases the VELAN's NBL pool.
 */
#include "miniport.h"
#include "oid.h"
#include "recv.h"
#include "send.h"
#include "velan.h"

static MINIPORT_INITIALIZE MuxInitialize;
static MINIPORT_HALT MuxHalt;
static MINIPORT_PAUSE MuxPause;
static MINIPORT_RESTART MuxRestart;
static MINIPORT_OID_REQUEST MuxMpOidRequest;
static MINIPORT_CANCEL_OID_REQUEST MuxMpCancelOidRequest;
static MINIPORT_SEND_NET_BUFFER_LISTS MuxMpSend;
static MINIPORT_RETURN_NET_BUFFER_LISTS MuxMpReturn;
static MINIPORT_CANCEL_SEND MuxMpCancelSend;
static MINIPORT_DEVICE_PNP_EVENT_NOTIFY MuxMpDevicePnpEvent;
static MINIPORT_SHUTDOWN MuxMpShutdown;

static NDIS_STATUS SetAttributes(PMUX_VELAN Velan, NDIS_HANDLE Miniport)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES gen;
    PMUX_ADAPTER adapter = Velan->Adapter;
    NDIS_LINK_STATE link;
    NDIS_STATUS status;
    ULONG mtu;
    KIRQL irql;

    RtlZeroMemory(&reg, sizeof(reg));
    reg.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    reg.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    reg.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    reg.MiniportAdapterContext = Velan;
    reg.AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND;
    reg.CheckForHangTimeInSeconds = 0;
    reg.InterfaceType = NdisInterfaceInternal;
    status = NdisMSetMiniportAttributes(Miniport, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg);
    if (status != NDIS_STATUS_SUCCESS)
        return status;

    KeAcquireSpinLock(&adapter->Lock, &irql);
    link = adapter->LinkState;
    KeReleaseSpinLock(&adapter->Lock, irql);
    mtu = adapter->Mtu != 0 ? adapter->Mtu : MUX_DEFAULT_MTU;
    if (Velan->VlanId != 0 && mtu > MUX_VLAN_TAG)
        mtu -= MUX_VLAN_TAG;

    RtlZeroMemory(&gen, sizeof(gen));
    gen.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
    gen.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    gen.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    gen.MediaType = NdisMedium802_3;
    gen.PhysicalMediumType = NdisPhysicalMediumUnspecified;
    gen.MtuSize = mtu;
    gen.MaxXmitLinkSpeed = link.XmitLinkSpeed;
    gen.XmitLinkSpeed = link.XmitLinkSpeed;
    gen.MaxRcvLinkSpeed = link.RcvLinkSpeed;
    gen.RcvLinkSpeed = link.RcvLinkSpeed;
    gen.MediaConnectState = link.MediaConnectState;
    gen.MediaDuplexState = link.MediaDuplexState;
    gen.LookaheadSize = mtu;
    gen.MacOptions = NDIS_MAC_OPTION_NO_LOOPBACK | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND |
                     NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_8021P_PRIORITY;
    gen.SupportedPacketFilters = MUX_SUPPORTED_FILTERS;
    gen.MaxMulticastListSize = MUX_MAX_MULTICAST;
    gen.MacAddressLength = MUX_ETH_ADDRESS;
    RtlCopyMemory(gen.PermanentMacAddress, Velan->PermanentMac, MUX_ETH_ADDRESS);
    RtlCopyMemory(gen.CurrentMacAddress, Velan->Mac, MUX_ETH_ADDRESS);
    gen.AccessType = NET_IF_ACCESS_BROADCAST;
    gen.DirectionType = NET_IF_DIRECTION_SENDRECEIVE;
    gen.ConnectionType = NET_IF_CONNECTION_DEDICATED;
    gen.IfType = IF_TYPE_ETHERNET_CSMACD;
    gen.IfConnectorPresent = FALSE;     /* virtual: no connector of its own */
    gen.SupportedStatistics =
        NDIS_STATISTICS_XMIT_OK_SUPPORTED | NDIS_STATISTICS_RCV_OK_SUPPORTED | NDIS_STATISTICS_XMIT_ERROR_SUPPORTED |
        NDIS_STATISTICS_RCV_NO_BUFFER_SUPPORTED | NDIS_STATISTICS_DIRECTED_BYTES_XMIT_SUPPORTED |
        NDIS_STATISTICS_DIRECTED_FRAMES_XMIT_SUPPORTED | NDIS_STATISTICS_MULTICAST_BYTES_XMIT_SUPPORTED |
        NDIS_STATISTICS_MULTICAST_FRAMES_XMIT_SUPPORTED | NDIS_STATISTICS_BROADCAST_BYTES_XMIT_SUPPORTED |
        NDIS_STATISTICS_BROADCAST_FRAMES_XMIT_SUPPORTED | NDIS_STATISTICS_DIRECTED_BYTES_RCV_SUPPORTED |
        NDIS_STATISTICS_DIRECTED_FRAMES_RCV_SUPPORTED | NDIS_STATISTICS_MULTICAST_BYTES_RCV_SUPPORTED |
        NDIS_STATISTICS_MULTICAST_FRAMES_RCV_SUPPORTED | NDIS_STATISTICS_BROADCAST_BYTES_RCV_SUPPORTED |
        NDIS_STATISTICS_BROADCAST_FRAMES_RCV_SUPPORTED | NDIS_STATISTICS_RCV_DISCARDS_SUPPORTED |
        NDIS_STATISTICS_XMIT_DISCARDS_SUPPORTED | NDIS_STATISTICS_GEN_STATISTICS_SUPPORTED;
    gen.SupportedPauseFunctions = NdisPauseFunctionsUnsupported;
    gen.SupportedOidList = (PNDIS_OID)MuxSupportedOids;
    gen.SupportedOidListLength = MuxSupportedOidCount * sizeof(NDIS_OID);
    gen.AutoNegotiationFlags = 0;
    return NdisMSetMiniportAttributes(Miniport, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&gen);
}

static NDIS_STATUS MuxInitialize(NDIS_HANDLE Miniport, NDIS_HANDLE DriverContext,
                                 PNDIS_MINIPORT_INIT_PARAMETERS Parameters)
{
    PMUX_VELAN velan = (PMUX_VELAN)Parameters->IMDeviceInstanceContext;
    NET_BUFFER_LIST_POOL_PARAMETERS pool;
    NDIS_STATUS status;
    KIRQL irql;
    UNREFERENCED_PARAMETER(DriverContext);

    if (velan == NULL)
        return NDIS_STATUS_FAILURE; /* not a device instance this driver asked for */
    KeAcquireSpinLock(&velan->Lock, &irql);
    if (velan->Abandoned) {
        /* Its name left UpperBindings before NDIS got to start it. */
        KeReleaseSpinLock(&velan->Lock, irql);
        return NDIS_STATUS_FAILURE;
    }
    velan->InitEntered = TRUE;
    KeReleaseSpinLock(&velan->Lock, irql);
    /* NDIS may start a VELAN again after halting it (disable, enable):
     * each start begins from a clean state. */
    NkEventReset(&velan->HaltDone);
    velan->MiniportHandle = Miniport;
    velan->Outstanding = 0;
    velan->PausePending = FALSE;
    velan->PacketFilter = 0;
    velan->Multicast.Count = 0;
    velan->Lookahead = 0;
    status = MuxVelanReadConfig(velan, Miniport);
    if (status != NDIS_STATUS_SUCCESS)
        goto out;
    status = SetAttributes(velan, Miniport);
    if (status != NDIS_STATUS_SUCCESS) {
        NkLogError("%ws: NdisMSetMiniportAttributes: 0x%08x", velan->InstanceName, (unsigned)status);
        goto out;
    }
    NkNblPoolParametersInit(&pool, MUX_TAG);
    velan->NblPool = NdisAllocateNetBufferListPool(Miniport, &pool);
    if (velan->NblPool == NULL) {
        status = NDIS_STATUS_RESOURCES;
        goto out;
    }
    KeAcquireSpinLock(&velan->Lock, &irql);
    velan->Initialized = TRUE;
    velan->State = MUX_VELAN_STATE_PAUSED;
    KeReleaseSpinLock(&velan->Lock, irql);
    NkLogInfo("%ws: VLAN %lu, %02x-%02x-%02x-%02x-%02x-%02x", velan->InstanceName, (unsigned long)velan->VlanId,
              velan->Mac[0], velan->Mac[1], velan->Mac[2], velan->Mac[3], velan->Mac[4], velan->Mac[5]);
out:
    if (status != NDIS_STATUS_SUCCESS) {
        KeAcquireSpinLock(&velan->Lock, &irql);
        velan->State = MUX_VELAN_STATE_FAILED;
        KeReleaseSpinLock(&velan->Lock, irql);
    }
    NkEventSet(&velan->InitDone);
    return status;
}

static VOID MuxHalt(NDIS_HANDLE Context, NDIS_HALT_ACTION Action)
{
    PMUX_VELAN velan = (PMUX_VELAN)Context;
    KIRQL irql;
    UNREFERENCED_PARAMETER(Action);

    KeAcquireSpinLock(&velan->Lock, &irql);
    velan->Initialized = FALSE;
    velan->State = MUX_VELAN_STATE_HALTED;
    KeReleaseSpinLock(&velan->Lock, irql);
    MuxVelanWaitIdle(velan);
    /* NDIS paused the VELAN first: nothing of its pool is out. */
    if (velan->NblPool != NULL) {
        NdisFreeNetBufferListPool(velan->NblPool);
        velan->NblPool = NULL;
    }
    MuxAdapterUpdateReceive(velan->Adapter);   /* it no longer needs what it asked for */
    NkEventSet(&velan->HaltDone);
}

static NDIS_STATUS MuxPause(NDIS_HANDLE Context, PNDIS_MINIPORT_PAUSE_PARAMETERS Parameters)
{
    PMUX_VELAN velan = (PMUX_VELAN)Context;
    NDIS_STATUS status;
    KIRQL irql;
    UNREFERENCED_PARAMETER(Parameters);

    KeAcquireSpinLock(&velan->Lock, &irql);
    if (velan->Outstanding == 0) {
        velan->State = MUX_VELAN_STATE_PAUSED;
        status = NDIS_STATUS_SUCCESS;
    } else {
        velan->State = MUX_VELAN_STATE_PAUSING;
        velan->PausePending = TRUE;     /* the last one back calls NdisMPauseComplete */
        status = NDIS_STATUS_PENDING;
    }
    KeReleaseSpinLock(&velan->Lock, irql);
    return status;
}

static NDIS_STATUS MuxRestart(NDIS_HANDLE Context, PNDIS_MINIPORT_RESTART_PARAMETERS Parameters)
{
    PMUX_VELAN velan = (PMUX_VELAN)Context;
    KIRQL irql;
    UNREFERENCED_PARAMETER(Parameters);

    KeAcquireSpinLock(&velan->Lock, &irql);
    velan->State = MUX_VELAN_STATE_RUNNING;
    KeReleaseSpinLock(&velan->Lock, irql);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS MuxMpOidRequest(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request)
{
    return MuxOidRequest((PMUX_VELAN)Context, Request);
}

static VOID MuxMpCancelOidRequest(NDIS_HANDLE Context, PVOID RequestId)
{
    MuxOidCancel((PMUX_VELAN)Context, RequestId);
}

static VOID MuxMpSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    UNREFERENCED_PARAMETER(Port);
    MuxSendNbls((PMUX_VELAN)Context, Nbls, Flags);
}

static VOID MuxMpReturn(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    MuxReturnNbls((PMUX_VELAN)Context, Nbls, Flags);
}

/* Copies are already below; the lower adapter completes them soon enough
 * (a pause of the lower binding aborts them), so nothing is held here to
 * cancel. */
static VOID MuxMpCancelSend(NDIS_HANDLE Context, PVOID CancelId)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(CancelId);
}

static VOID MuxMpDevicePnpEvent(NDIS_HANDLE Context, PNET_DEVICE_PNP_EVENT Event)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Event);
}

static VOID MuxMpShutdown(NDIS_HANDLE Context, NDIS_SHUTDOWN_ACTION Action)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Action);
}

_Use_decl_annotations_
VOID MuxMiniportCharacteristics(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars, MINIPORT_DRIVER_UNLOAD Unload)
{
    RtlZeroMemory(Chars, sizeof(*Chars));
    Chars->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    Chars->Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars->Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars->MajorNdisVersion = MUX_MAJOR_NDIS;
    Chars->MinorNdisVersion = MUX_MINOR_NDIS;
    Chars->MajorDriverVersion = 1;
    Chars->MinorDriverVersion = 0;
    Chars->Flags = NDIS_INTERMEDIATE_DRIVER;
    Chars->InitializeHandlerEx = MuxInitialize;
    Chars->HaltHandlerEx = MuxHalt;
    Chars->UnloadHandler = Unload;
    Chars->PauseHandler = MuxPause;
    Chars->RestartHandler = MuxRestart;
    Chars->OidRequestHandler = MuxMpOidRequest;
    Chars->CancelOidRequestHandler = MuxMpCancelOidRequest;
    Chars->SendNetBufferListsHandler = MuxMpSend;
    Chars->ReturnNetBufferListsHandler = MuxMpReturn;
    Chars->CancelSendHandler = MuxMpCancelSend;
    Chars->DevicePnPEventNotifyHandler = MuxMpDevicePnpEvent;
    Chars->ShutdownHandlerEx = MuxMpShutdown;
}
