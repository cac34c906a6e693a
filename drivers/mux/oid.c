/*
 * oid.c - what a VELAN answers, what it forwards, and what the lower
 * adapter must receive for all of them.
 *
 * A VELAN owns its identity and its receive settings: its address, packet
 * filter, multicast list and counters, and the link as it reports it.
 * Those OIDs are answered here, and a filter or list change recomputes the
 * lower adapter's settings (MuxAdapterUpdateReceive).  Anything else (the
 * lower hardware's offloads, power, vendor extensions) is passed to the
 * lower adapter with NdisOidRequest through the binding layer, and the
 * answer comes back to the VELAN's protocol through NdisMOidRequestComplete.
 */
#include "oid.h"

const NDIS_OID MuxSupportedOids[] = {
    OID_GEN_SUPPORTED_LIST, OID_GEN_HARDWARE_STATUS, OID_GEN_MEDIA_SUPPORTED, OID_GEN_MEDIA_IN_USE,
    OID_GEN_MAXIMUM_LOOKAHEAD, OID_GEN_MAXIMUM_FRAME_SIZE, OID_GEN_LINK_SPEED, OID_GEN_TRANSMIT_BUFFER_SPACE,
    OID_GEN_RECEIVE_BUFFER_SPACE, OID_GEN_TRANSMIT_BLOCK_SIZE, OID_GEN_RECEIVE_BLOCK_SIZE, OID_GEN_VENDOR_ID,
    OID_GEN_VENDOR_DESCRIPTION, OID_GEN_VENDOR_DRIVER_VERSION, OID_GEN_DRIVER_VERSION,
    OID_GEN_CURRENT_PACKET_FILTER, OID_GEN_CURRENT_LOOKAHEAD, OID_GEN_MAXIMUM_TOTAL_SIZE, OID_GEN_MAC_OPTIONS,
    OID_GEN_MEDIA_CONNECT_STATUS, OID_GEN_MAXIMUM_SEND_PACKETS, OID_GEN_LINK_STATE, OID_GEN_STATISTICS,
    OID_GEN_XMIT_OK, OID_GEN_RCV_OK, OID_GEN_XMIT_ERROR, OID_GEN_RCV_ERROR, OID_GEN_RCV_NO_BUFFER,
    OID_GEN_RCV_DISCARDS, OID_GEN_XMIT_DISCARDS, OID_GEN_DIRECTED_BYTES_XMIT, OID_GEN_DIRECTED_FRAMES_XMIT,
    OID_GEN_MULTICAST_BYTES_XMIT, OID_GEN_MULTICAST_FRAMES_XMIT, OID_GEN_BROADCAST_BYTES_XMIT,
    OID_GEN_BROADCAST_FRAMES_XMIT, OID_GEN_DIRECTED_BYTES_RCV, OID_GEN_DIRECTED_FRAMES_RCV,
    OID_GEN_MULTICAST_BYTES_RCV, OID_GEN_MULTICAST_FRAMES_RCV, OID_GEN_BROADCAST_BYTES_RCV,
    OID_GEN_BROADCAST_FRAMES_RCV, OID_802_3_PERMANENT_ADDRESS, OID_802_3_CURRENT_ADDRESS,
    OID_802_3_MULTICAST_LIST, OID_802_3_MAXIMUM_LIST_SIZE,
};
const ULONG MuxSupportedOidCount = RTL_NUMBER_OF(MuxSupportedOids);

/* A request passed to the lower adapter. */
typedef struct _MUX_OID_FORWARD {
    NK_OID Oid;                         /* first: the binding layer's request */
    PNDIS_OID_REQUEST Request;          /* the VELAN's */
    PMUX_VELAN Velan;
    LIST_ENTRY Link;                    /* on Velan->Oids */
    volatile LONG Refs;                 /* in flight + Forward while it issues + a canceller looking at it */
    BOOLEAN Cancelled;                  /* MuxOidCancel saw it (Velan->Lock) */
} MUX_OID_FORWARD, *PMUX_OID_FORWARD;

/* ------------------------------------------------------------------------
 * The lower adapter's receive settings.
 */

/* Adapter->Lock held: the union of the initialized VELANs' needs. */
static ULONG ComputeReceive(PMUX_ADAPTER Adapter, PMUX_MULTICAST_TABLE List)
{
    ULONG filter = 0, limit, i;
    BOOLEAN promiscuous = FALSE, overflow = FALSE;

    limit = min(Adapter->LowerMaxMulticast, (ULONG)MUX_MAX_MULTICAST);
    List->Count = 0;
    for (PLIST_ENTRY e = Adapter->Velans.Flink; e != &Adapter->Velans; e = e->Flink) {
        PMUX_VELAN v = CONTAINING_RECORD(e, MUX_VELAN, Link);
        ULONG f;
        KeAcquireSpinLockAtDpcLevel(&v->Lock);
        f = v->Initialized ? v->PacketFilter : 0;
        if (f != 0) {
            /* A VELAN has its own address: the lower adapter sees unicasts
             * to it only when promiscuous (as Microsoft's sample does). */
            if ((f & NDIS_PACKET_TYPE_PROMISCUOUS) ||
                ((f & NDIS_PACKET_TYPE_DIRECTED) && !MuxMacEqual(v->Mac, Adapter->Mac)))
                promiscuous = TRUE;
            filter |= f & (NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_MULTICAST |
                           NDIS_PACKET_TYPE_ALL_MULTICAST);
            if (f & NDIS_PACKET_TYPE_MULTICAST) {
                for (i = 0; i < v->Multicast.Count; i++) {
                    if (MuxMulticastTableContains(List, v->Multicast.Addresses[i]))
                        continue;
                    if (List->Count >= limit) {
                        overflow = TRUE;
                        continue;
                    }
                    RtlCopyMemory(List->Addresses[List->Count++], v->Multicast.Addresses[i], MUX_ETH_ADDRESS);
                }
            }
        }
        KeReleaseSpinLockFromDpcLevel(&v->Lock);
    }
    if (promiscuous)
        filter |= NDIS_PACKET_TYPE_PROMISCUOUS;
    if (overflow)
        filter |= NDIS_PACKET_TYPE_ALL_MULTICAST;
    return filter;
}

static BOOLEAN TablesEqual(const MUX_MULTICAST_TABLE *A, const MUX_MULTICAST_TABLE *B)
{
    if (A->Count != B->Count)
        return FALSE;
    for (ULONG i = 0; i < A->Count; i++)
        if (!MuxMacEqual(A->Addresses[i], B->Addresses[i]))
            return FALSE;
    return TRUE;
}

static VOID IssueFilter(PMUX_ADAPTER Adapter);
static VOID IssueList(PMUX_ADAPTER Adapter);

static VOID FilterDone(PNK_BINDING Binding, PNK_OID Oid, NDIS_STATUS Status, ULONG Bytes, ULONG Needed)
{
    PMUX_ADAPTER adapter = (PMUX_ADAPTER)Oid->Context;
    BOOLEAN again;
    KIRQL irql;
    UNREFERENCED_PARAMETER(Binding);
    UNREFERENCED_PARAMETER(Bytes);
    UNREFERENCED_PARAMETER(Needed);

    KeAcquireSpinLock(&adapter->Lock, &irql);
    if (Status == NDIS_STATUS_SUCCESS)
        adapter->FilterSent = adapter->FilterValue;
    else
        NkLogWarning("lower packet filter 0x%x: 0x%08x", (unsigned)adapter->FilterValue, (unsigned)Status);
    adapter->FilterBusy = FALSE;
    again = adapter->FilterAgain;
    adapter->FilterAgain = FALSE;
    KeReleaseSpinLock(&adapter->Lock, irql);
    if (again)
        IssueFilter(adapter);
}

static VOID IssueFilter(PMUX_ADAPTER Adapter)
{
    MUX_MULTICAST_TABLE unused;     /* 196 bytes: the union's list, not needed here */
    NDIS_STATUS status;
    ULONG filter;
    KIRQL irql;

    KeAcquireSpinLock(&Adapter->Lock, &irql);
    if (Adapter->Unbinding) {
        KeReleaseSpinLock(&Adapter->Lock, irql);
        return;
    }
    if (Adapter->FilterBusy) {
        Adapter->FilterAgain = TRUE;
        KeReleaseSpinLock(&Adapter->Lock, irql);
        return;
    }
    filter = ComputeReceive(Adapter, &unused);
    if (filter == Adapter->FilterSent) {
        KeReleaseSpinLock(&Adapter->Lock, irql);
        return;
    }
    Adapter->FilterBusy = TRUE;
    Adapter->FilterValue = filter;
    KeReleaseSpinLock(&Adapter->Lock, irql);
    status = NkBindingOidAsync(Adapter->Binding, &Adapter->FilterOid, NdisRequestSetInformation,
                               OID_GEN_CURRENT_PACKET_FILTER, &Adapter->FilterValue, sizeof(ULONG), FilterDone,
                               Adapter);
    if (status != NDIS_STATUS_PENDING) {
        /* Refused without completion (the binding is not open, or closing). */
        KeAcquireSpinLock(&Adapter->Lock, &irql);
        Adapter->FilterBusy = FALSE;
        Adapter->FilterAgain = FALSE;
        KeReleaseSpinLock(&Adapter->Lock, irql);
    }
}

static VOID ListDone(PNK_BINDING Binding, PNK_OID Oid, NDIS_STATUS Status, ULONG Bytes, ULONG Needed)
{
    PMUX_ADAPTER adapter = (PMUX_ADAPTER)Oid->Context;
    BOOLEAN again;
    KIRQL irql;
    UNREFERENCED_PARAMETER(Binding);
    UNREFERENCED_PARAMETER(Bytes);
    UNREFERENCED_PARAMETER(Needed);

    KeAcquireSpinLock(&adapter->Lock, &irql);
    if (Status == NDIS_STATUS_SUCCESS)
        (void)MuxMulticastTableSet(&adapter->ListSent, adapter->ListValue, adapter->ListCount * MUX_ETH_ADDRESS);
    else
        NkLogWarning("lower multicast list (%u entries): 0x%08x", (unsigned)adapter->ListCount, (unsigned)Status);
    adapter->ListBusy = FALSE;
    again = adapter->ListAgain;
    adapter->ListAgain = FALSE;
    KeReleaseSpinLock(&adapter->Lock, irql);
    if (again)
        IssueList(adapter);
}

static VOID IssueList(PMUX_ADAPTER Adapter)
{
    MUX_MULTICAST_TABLE table, *list = &table;
    NDIS_STATUS status;
    KIRQL irql;

    if (Adapter->LowerMaxMulticast == 0)
        return; /* the lower adapter has no list: ALL_MULTICAST stands in (ComputeReceive) */
    KeAcquireSpinLock(&Adapter->Lock, &irql);
    if (Adapter->Unbinding) {
        KeReleaseSpinLock(&Adapter->Lock, irql);
        return;
    }
    if (Adapter->ListBusy) {
        Adapter->ListAgain = TRUE;
        KeReleaseSpinLock(&Adapter->Lock, irql);
        return;
    }
    (void)ComputeReceive(Adapter, list);
    if (TablesEqual(list, &Adapter->ListSent)) {
        KeReleaseSpinLock(&Adapter->Lock, irql);
        return;
    }
    Adapter->ListBusy = TRUE;
    Adapter->ListCount = list->Count;
    for (ULONG i = 0; i < list->Count; i++)
        RtlCopyMemory(Adapter->ListValue + i * MUX_ETH_ADDRESS, list->Addresses[i], MUX_ETH_ADDRESS);
    KeReleaseSpinLock(&Adapter->Lock, irql);
    status = NkBindingOidAsync(Adapter->Binding, &Adapter->ListOid, NdisRequestSetInformation,
                               OID_802_3_MULTICAST_LIST, Adapter->ListValue, Adapter->ListCount * MUX_ETH_ADDRESS,
                               ListDone, Adapter);
    if (status != NDIS_STATUS_PENDING) {
        KeAcquireSpinLock(&Adapter->Lock, &irql);
        Adapter->ListBusy = FALSE;
        Adapter->ListAgain = FALSE;
        KeReleaseSpinLock(&Adapter->Lock, irql);
    }
}

_Use_decl_annotations_
VOID MuxAdapterUpdateReceive(PMUX_ADAPTER Adapter)
{
    /* The list first: a filter gaining MULTICAST then finds it in place. */
    IssueList(Adapter);
    IssueFilter(Adapter);
}

/* ------------------------------------------------------------------------
 * Answers.
 */

static NDIS_STATUS Answer(PNDIS_OID_REQUEST Request, const VOID *Data, ULONG Length)
{
    if (Request->DATA.QUERY_INFORMATION.InformationBufferLength < Length) {
        Request->DATA.QUERY_INFORMATION.BytesWritten = 0;
        Request->DATA.QUERY_INFORMATION.BytesNeeded = Length;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    if (Length != 0)
        RtlCopyMemory(Request->DATA.QUERY_INFORMATION.InformationBuffer, Data, Length);
    Request->DATA.QUERY_INFORMATION.BytesWritten = Length;
    Request->DATA.QUERY_INFORMATION.BytesNeeded = 0;
    return NDIS_STATUS_SUCCESS;
}

/* A counter OID: 4 bytes if the buffer holds only 4, else 8, as NDIS's
 * statistics OIDs allow. */
static NDIS_STATUS AnswerCounter(PNDIS_OID_REQUEST Request, LONG64 Value)
{
    ULONG64 v = (ULONG64)Value;
    ULONG v32 = (ULONG)v;
    if (Request->DATA.QUERY_INFORMATION.InformationBufferLength == sizeof(ULONG))
        return Answer(Request, &v32, sizeof(v32));
    return Answer(Request, &v, sizeof(v));
}

static VOID FillStatistics(PMUX_VELAN Velan, PNDIS_STATISTICS_INFO Info)
{
    const MUX_STATS *s = &Velan->Stats;

    RtlZeroMemory(Info, sizeof(*Info));
    Info->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    Info->Header.Revision = NDIS_STATISTICS_INFO_REVISION_1;
    Info->Header.Size = NDIS_SIZEOF_STATISTICS_INFO_REVISION_1;
    Info->SupportedStatistics =
        NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_RCV | NDIS_STATISTICS_FLAGS_VALID_MULTICAST_FRAMES_RCV |
        NDIS_STATISTICS_FLAGS_VALID_BROADCAST_FRAMES_RCV | NDIS_STATISTICS_FLAGS_VALID_BYTES_RCV |
        NDIS_STATISTICS_FLAGS_VALID_RCV_DISCARDS | NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_XMIT |
        NDIS_STATISTICS_FLAGS_VALID_MULTICAST_FRAMES_XMIT | NDIS_STATISTICS_FLAGS_VALID_BROADCAST_FRAMES_XMIT |
        NDIS_STATISTICS_FLAGS_VALID_BYTES_XMIT | NDIS_STATISTICS_FLAGS_VALID_XMIT_ERROR |
        NDIS_STATISTICS_FLAGS_VALID_XMIT_DISCARDS | NDIS_STATISTICS_FLAGS_VALID_DIRECTED_BYTES_RCV |
        NDIS_STATISTICS_FLAGS_VALID_MULTICAST_BYTES_RCV | NDIS_STATISTICS_FLAGS_VALID_BROADCAST_BYTES_RCV |
        NDIS_STATISTICS_FLAGS_VALID_DIRECTED_BYTES_XMIT | NDIS_STATISTICS_FLAGS_VALID_MULTICAST_BYTES_XMIT |
        NDIS_STATISTICS_FLAGS_VALID_BROADCAST_BYTES_XMIT;
    Info->ifInDiscards = (ULONG64)s->RcvNoBuffer;
    Info->ifHCInUcastPkts = (ULONG64)s->RcvFrames[MUX_CAST_DIRECTED];
    Info->ifHCInMulticastPkts = (ULONG64)s->RcvFrames[MUX_CAST_MULTICAST];
    Info->ifHCInBroadcastPkts = (ULONG64)s->RcvFrames[MUX_CAST_BROADCAST];
    Info->ifHCInUcastOctets = (ULONG64)s->RcvBytes[MUX_CAST_DIRECTED];
    Info->ifHCInMulticastOctets = (ULONG64)s->RcvBytes[MUX_CAST_MULTICAST];
    Info->ifHCInBroadcastOctets = (ULONG64)s->RcvBytes[MUX_CAST_BROADCAST];
    Info->ifHCInOctets = Info->ifHCInUcastOctets + Info->ifHCInMulticastOctets + Info->ifHCInBroadcastOctets;
    Info->ifHCOutUcastPkts = (ULONG64)s->XmitFrames[MUX_CAST_DIRECTED];
    Info->ifHCOutMulticastPkts = (ULONG64)s->XmitFrames[MUX_CAST_MULTICAST];
    Info->ifHCOutBroadcastPkts = (ULONG64)s->XmitFrames[MUX_CAST_BROADCAST];
    Info->ifHCOutUcastOctets = (ULONG64)s->XmitBytes[MUX_CAST_DIRECTED];
    Info->ifHCOutMulticastOctets = (ULONG64)s->XmitBytes[MUX_CAST_MULTICAST];
    Info->ifHCOutBroadcastOctets = (ULONG64)s->XmitBytes[MUX_CAST_BROADCAST];
    Info->ifHCOutOctets = Info->ifHCOutUcastOctets + Info->ifHCOutMulticastOctets + Info->ifHCOutBroadcastOctets;
    Info->ifOutErrors = (ULONG64)s->XmitError;
    Info->ifOutDiscards = (ULONG64)s->XmitDiscards;
}

/* The payload a VELAN carries: the lower MTU, less a tag's 4 bytes when the
 * VELAN tags its frames (the lower adapter's frame size does not grow). */
static ULONG VelanMtu(PMUX_VELAN Velan)
{
    ULONG mtu = Velan->Adapter->Mtu != 0 ? Velan->Adapter->Mtu : MUX_DEFAULT_MTU;
    return Velan->VlanId != 0 && mtu > MUX_VLAN_TAG ? mtu - MUX_VLAN_TAG : mtu;
}

/* Returns NDIS_STATUS_NOT_SUPPORTED for OIDs the VELAN does not answer. */
static NDIS_STATUS Query(PMUX_VELAN Velan, PNDIS_OID_REQUEST Request)
{
    const MUX_STATS *s = &Velan->Stats;
    PMUX_ADAPTER adapter = Velan->Adapter;
    NDIS_LINK_STATE link;
    NDIS_STATISTICS_INFO stats;
    MUX_MULTICAST_TABLE list;
    UCHAR mac[MUX_ETH_ADDRESS];
    ULONG u;
    KIRQL irql;

    KeAcquireSpinLock(&adapter->Lock, &irql);
    link = adapter->LinkState;
    KeReleaseSpinLock(&adapter->Lock, irql);

    switch (Request->DATA.QUERY_INFORMATION.Oid) {
    case OID_GEN_SUPPORTED_LIST:
        return Answer(Request, MuxSupportedOids, (ULONG)sizeof(MuxSupportedOids));
    case OID_GEN_HARDWARE_STATUS:
        u = NdisHardwareStatusReady;
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_MEDIA_SUPPORTED:
    case OID_GEN_MEDIA_IN_USE:
        u = NdisMedium802_3;
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_MAXIMUM_LOOKAHEAD:
    case OID_GEN_MAXIMUM_FRAME_SIZE:
        u = VelanMtu(Velan);
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_CURRENT_LOOKAHEAD:
        KeAcquireSpinLock(&Velan->Lock, &irql);
        u = Velan->Lookahead != 0 ? Velan->Lookahead : VelanMtu(Velan);
        KeReleaseSpinLock(&Velan->Lock, irql);
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_MAXIMUM_TOTAL_SIZE:
    case OID_GEN_TRANSMIT_BLOCK_SIZE:
    case OID_GEN_RECEIVE_BLOCK_SIZE:
        u = VelanMtu(Velan) + MUX_ETH_HEADER;
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_TRANSMIT_BUFFER_SPACE:
    case OID_GEN_RECEIVE_BUFFER_SPACE:
        u = (VelanMtu(Velan) + MUX_ETH_HEADER) * 32;
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_LINK_SPEED:
        /* In units of 100 bit/s. */
        u = link.XmitLinkSpeed == NDIS_LINK_SPEED_UNKNOWN ? 0 : (ULONG)min(link.XmitLinkSpeed / 100, (ULONG64)MAXULONG);
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_MEDIA_CONNECT_STATUS:
        u = link.MediaConnectState == MediaConnectStateConnected ? NdisMediaStateConnected
                                                                  : NdisMediaStateDisconnected;
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_LINK_STATE:
        return Answer(Request, &link, NDIS_SIZEOF_LINK_STATE_REVISION_1);
    case OID_GEN_VENDOR_ID:
        u = MUX_VENDOR_ID;
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_VENDOR_DESCRIPTION:
        return Answer(Request, MUX_VENDOR_DESCRIPTION, (ULONG)sizeof(MUX_VENDOR_DESCRIPTION));
    case OID_GEN_VENDOR_DRIVER_VERSION:
        u = 0x00010000;
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_DRIVER_VERSION: {
        USHORT v = MUX_DRIVER_VERSION;
        return Answer(Request, &v, sizeof(v));
    }
    case OID_GEN_MAC_OPTIONS:
        u = NDIS_MAC_OPTION_NO_LOOPBACK | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND | NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA |
            NDIS_MAC_OPTION_8021P_PRIORITY;
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_MAXIMUM_SEND_PACKETS:
        u = 1;
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_CURRENT_PACKET_FILTER:
        KeAcquireSpinLock(&Velan->Lock, &irql);
        u = Velan->PacketFilter;
        KeReleaseSpinLock(&Velan->Lock, irql);
        return Answer(Request, &u, sizeof(u));
    case OID_802_3_PERMANENT_ADDRESS:
    case OID_802_3_CURRENT_ADDRESS:
        KeAcquireSpinLock(&Velan->Lock, &irql);
        RtlCopyMemory(mac, Request->DATA.QUERY_INFORMATION.Oid == OID_802_3_CURRENT_ADDRESS ? Velan->Mac
                                                                                            : Velan->PermanentMac,
                      MUX_ETH_ADDRESS);
        KeReleaseSpinLock(&Velan->Lock, irql);
        return Answer(Request, mac, MUX_ETH_ADDRESS);
    case OID_802_3_MULTICAST_LIST:
        KeAcquireSpinLock(&Velan->Lock, &irql);
        list = Velan->Multicast;
        KeReleaseSpinLock(&Velan->Lock, irql);
        return Answer(Request, list.Addresses, list.Count * MUX_ETH_ADDRESS);
    case OID_802_3_MAXIMUM_LIST_SIZE:
        u = MUX_MAX_MULTICAST;
        return Answer(Request, &u, sizeof(u));
    case OID_GEN_STATISTICS:
        FillStatistics(Velan, &stats);
        return Answer(Request, &stats, (ULONG)sizeof(stats));
    case OID_GEN_XMIT_OK:
        return AnswerCounter(Request, s->XmitOk);
    case OID_GEN_RCV_OK:
        return AnswerCounter(Request, s->RcvOk);
    case OID_GEN_XMIT_ERROR:
        return AnswerCounter(Request, s->XmitError);
    case OID_GEN_RCV_ERROR:
        return AnswerCounter(Request, 0);
    case OID_GEN_RCV_NO_BUFFER:
    case OID_GEN_RCV_DISCARDS:
        return AnswerCounter(Request, s->RcvNoBuffer);
    case OID_GEN_XMIT_DISCARDS:
        return AnswerCounter(Request, s->XmitDiscards);
    case OID_GEN_DIRECTED_BYTES_XMIT:
        return AnswerCounter(Request, s->XmitBytes[MUX_CAST_DIRECTED]);
    case OID_GEN_DIRECTED_FRAMES_XMIT:
        return AnswerCounter(Request, s->XmitFrames[MUX_CAST_DIRECTED]);
    case OID_GEN_MULTICAST_BYTES_XMIT:
        return AnswerCounter(Request, s->XmitBytes[MUX_CAST_MULTICAST]);
    case OID_GEN_MULTICAST_FRAMES_XMIT:
        return AnswerCounter(Request, s->XmitFrames[MUX_CAST_MULTICAST]);
    case OID_GEN_BROADCAST_BYTES_XMIT:
        return AnswerCounter(Request, s->XmitBytes[MUX_CAST_BROADCAST]);
    case OID_GEN_BROADCAST_FRAMES_XMIT:
        return AnswerCounter(Request, s->XmitFrames[MUX_CAST_BROADCAST]);
    case OID_GEN_DIRECTED_BYTES_RCV:
        return AnswerCounter(Request, s->RcvBytes[MUX_CAST_DIRECTED]);
    case OID_GEN_DIRECTED_FRAMES_RCV:
        return AnswerCounter(Request, s->RcvFrames[MUX_CAST_DIRECTED]);
    case OID_GEN_MULTICAST_BYTES_RCV:
        return AnswerCounter(Request, s->RcvBytes[MUX_CAST_MULTICAST]);
    case OID_GEN_MULTICAST_FRAMES_RCV:
        return AnswerCounter(Request, s->RcvFrames[MUX_CAST_MULTICAST]);
    case OID_GEN_BROADCAST_BYTES_RCV:
        return AnswerCounter(Request, s->RcvBytes[MUX_CAST_BROADCAST]);
    case OID_GEN_BROADCAST_FRAMES_RCV:
        return AnswerCounter(Request, s->RcvFrames[MUX_CAST_BROADCAST]);
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
}

static NDIS_STATUS Set(PMUX_VELAN Velan, PNDIS_OID_REQUEST Request)
{
    PVOID buffer = Request->DATA.SET_INFORMATION.InformationBuffer;
    ULONG length = Request->DATA.SET_INFORMATION.InformationBufferLength;
    NDIS_STATUS status;
    ULONG value;
    KIRQL irql;

    switch (Request->DATA.SET_INFORMATION.Oid) {
    case OID_GEN_CURRENT_PACKET_FILTER:
        if (length < sizeof(ULONG)) {
            Request->DATA.SET_INFORMATION.BytesNeeded = sizeof(ULONG);
            return NDIS_STATUS_INVALID_LENGTH;
        }
        RtlCopyMemory(&value, buffer, sizeof(value));
        if (value & ~MUX_SUPPORTED_FILTERS)
            return NDIS_STATUS_NOT_SUPPORTED;
        KeAcquireSpinLock(&Velan->Lock, &irql);
        Velan->PacketFilter = value;
        KeReleaseSpinLock(&Velan->Lock, irql);
        Request->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        MuxAdapterUpdateReceive(Velan->Adapter);
        return NDIS_STATUS_SUCCESS;
    case OID_802_3_MULTICAST_LIST:
        if (length != 0 && buffer == NULL)
            return NDIS_STATUS_INVALID_DATA;
        KeAcquireSpinLock(&Velan->Lock, &irql);
        status = MuxMulticastTableSet(&Velan->Multicast, buffer, length);
        KeReleaseSpinLock(&Velan->Lock, irql);
        if (status != NDIS_STATUS_SUCCESS)
            return status;
        Request->DATA.SET_INFORMATION.BytesRead = length;
        MuxAdapterUpdateReceive(Velan->Adapter);
        return NDIS_STATUS_SUCCESS;
    case OID_GEN_CURRENT_LOOKAHEAD:
        if (length < sizeof(ULONG)) {
            Request->DATA.SET_INFORMATION.BytesNeeded = sizeof(ULONG);
            return NDIS_STATUS_INVALID_LENGTH;
        }
        RtlCopyMemory(&value, buffer, sizeof(value));
        if (value > VelanMtu(Velan))
            return NDIS_STATUS_INVALID_DATA;
        KeAcquireSpinLock(&Velan->Lock, &irql);
        Velan->Lookahead = value;
        KeReleaseSpinLock(&Velan->Lock, irql);
        Request->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    case OID_802_3_CURRENT_ADDRESS:
    case OID_802_3_PERMANENT_ADDRESS:
        /* The VELAN's address comes from its configuration only. */
        return NDIS_STATUS_NOT_SUPPORTED;
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
}

/* ------------------------------------------------------------------------
 * Forwarding.
 */

static VOID ForwardRelease(PMUX_OID_FORWARD Forward)
{
    if (InterlockedDecrement(&Forward->Refs) == 0)
        ExFreePoolWithTag(Forward, MUX_TAG);
}

static VOID ForwardDone(PNK_BINDING Binding, PNK_OID Oid, NDIS_STATUS Status, ULONG Bytes, ULONG Needed)
{
    PMUX_OID_FORWARD forward = CONTAINING_RECORD(Oid, MUX_OID_FORWARD, Oid);
    PMUX_VELAN velan = forward->Velan;
    PNDIS_OID_REQUEST request = forward->Request;
    KIRQL irql;
    UNREFERENCED_PARAMETER(Binding);

    KeAcquireSpinLock(&velan->Lock, &irql);
    RemoveEntryList(&forward->Link);
    KeReleaseSpinLock(&velan->Lock, irql);
    /* The layer clamps Bytes to the buffer; both request kinds keep the
     * counts at the same offsets only by accident, so set each by name. */
    if (request->RequestType == NdisRequestSetInformation) {
        request->DATA.SET_INFORMATION.BytesRead = Bytes;
        request->DATA.SET_INFORMATION.BytesNeeded = Needed;
    } else {
        request->DATA.QUERY_INFORMATION.BytesWritten = Bytes;
        request->DATA.QUERY_INFORMATION.BytesNeeded = Needed;
    }
    NdisMOidRequestComplete(velan->MiniportHandle, request, Status);
    ForwardRelease(forward);
}

/* The forward is on Velan->Oids before it is issued, so a cancel may find
 * it at any point: Forward keeps its own reference until it is done with
 * it (a refused request is freed by the last release, not outright), and a
 * cancel that came before the lower binding had the request is repeated
 * once it has it. */
static NDIS_STATUS Forward(PMUX_VELAN Velan, PNDIS_OID_REQUEST Request)
{
    PMUX_OID_FORWARD forward;
    NDIS_STATUS status;
    BOOLEAN cancelled;
    KIRQL irql;

    if (Request->RequestType == NdisRequestMethod)
        return NDIS_STATUS_NOT_SUPPORTED; /* no method OIDs pass a VLAN */
    forward = (PMUX_OID_FORWARD)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*forward), MUX_TAG);
    if (forward == NULL)
        return NDIS_STATUS_RESOURCES;
    RtlZeroMemory(forward, sizeof(*forward));
    forward->Request = Request;
    forward->Velan = Velan;
    forward->Refs = 2; /* the completion's, and this function's */
    KeAcquireSpinLock(&Velan->Lock, &irql);
    InsertTailList(&Velan->Oids, &forward->Link);
    KeReleaseSpinLock(&Velan->Lock, irql);
    status = NkBindingOidAsync(Velan->Adapter->Binding, &forward->Oid,
                               Request->RequestType == NdisRequestSetInformation ? NdisRequestSetInformation
                                                                                 : NdisRequestQueryInformation,
                               Request->DATA.Oid, Request->DATA.QUERY_INFORMATION.InformationBuffer,
                               Request->DATA.QUERY_INFORMATION.InformationBufferLength, ForwardDone, NULL);
    if (status != NDIS_STATUS_PENDING) {
        /* Refused (the binding is closing): no completion will come. */
        KeAcquireSpinLock(&Velan->Lock, &irql);
        RemoveEntryList(&forward->Link);
        KeReleaseSpinLock(&Velan->Lock, irql);
        ForwardRelease(forward);
        ForwardRelease(forward);
        return status == NDIS_STATUS_SUCCESS ? NDIS_STATUS_FAILURE : status;
    }
    KeAcquireSpinLock(&Velan->Lock, &irql);
    cancelled = forward->Cancelled;
    KeReleaseSpinLock(&Velan->Lock, irql);
    if (cancelled)
        NkBindingCancelOid(Velan->Adapter->Binding, &forward->Oid); /* a no-op if it completed meanwhile */
    ForwardRelease(forward);
    return NDIS_STATUS_PENDING;
}

_Use_decl_annotations_
NDIS_STATUS MuxOidRequest(PMUX_VELAN Velan, PNDIS_OID_REQUEST Request)
{
    NDIS_STATUS status;

    switch (Request->RequestType) {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics:
        status = Query(Velan, Request);
        break;
    case NdisRequestSetInformation:
        status = Set(Velan, Request);
        break;
    default:
        status = NDIS_STATUS_NOT_SUPPORTED;
        break;
    }
    if (status == NDIS_STATUS_NOT_SUPPORTED && Request->DATA.Oid != OID_802_3_CURRENT_ADDRESS &&
        Request->DATA.Oid != OID_802_3_PERMANENT_ADDRESS && Request->DATA.Oid != OID_GEN_CURRENT_PACKET_FILTER)
        status = Forward(Velan, Request);
    return status;
}

_Use_decl_annotations_
VOID MuxOidCancel(PMUX_VELAN Velan, PVOID RequestId)
{
    PMUX_OID_FORWARD found = NULL;
    KIRQL irql;

    KeAcquireSpinLock(&Velan->Lock, &irql);
    for (PLIST_ENTRY e = Velan->Oids.Flink; e != &Velan->Oids; e = e->Flink) {
        PMUX_OID_FORWARD f = CONTAINING_RECORD(e, MUX_OID_FORWARD, Link);
        if (f->Request->RequestId == RequestId) {
            found = f;
            f->Cancelled = TRUE; /* Forward repeats it if the request was not issued yet */
            InterlockedIncrement(&f->Refs); /* kept while the cancel looks at it */
            break;
        }
    }
    KeReleaseSpinLock(&Velan->Lock, irql);
    if (found != NULL) {
        NkBindingCancelOid(Velan->Adapter->Binding, &found->Oid);
        ForwardRelease(found);
    }
}
