/*
 * recv.c - frames from the lower adapter to the VELANs.
 *
 * A frame's VLAN is its 802.1Q tag's VID, or 0 when it has no tag (or a
 * priority-only tag).  It goes to each VELAN of that VLAN that is running
 * and whose packet filter and multicast list take its destination - the
 * lower adapter may be promiscuous on their behalf, so this filter is what
 * the VELAN's protocols see.  A tagged frame whose VID no VELAN has is
 * dropped and counted on the adapter (UnknownVlanDrops).  Frames too
 * short for their header (or their tag) are dropped.
 *
 * Each VELAN gets its own copy, without the tag, its priority in the NBL's
 * 802.1Q information: copies because one frame may go to several VELANs
 * and the lower adapter may have indicated it with RESOURCES; the lower
 * NBLs are returned at once.  Each copy counts as outstanding on its VELAN
 * until its protocols return it (MuxReturnNbls).
 */
#include "recv.h"
#include "send.h"
#include "velan.h"

/* Indicates one stripped copy of the frame to Velan, which already counts
 * it as outstanding. */
static VOID IndicateCopy(PMUX_VELAN Velan, PCNK_MDL_SPAN Span, SIZE_T Length, const MUX_FRAME_HEADER *Header,
                         BOOLEAN AtDispatch)
{
    NDIS_NET_BUFFER_LIST_8021Q_INFO info;
    SIZE_T out = Header->Tagged ? Length - MUX_VLAN_TAG : Length, written;
    PNET_BUFFER_LIST copy;
    PUCHAR buffer;
    ULONG cast;

    copy = MuxCopyAllocate(Velan, out, &buffer);
    if (copy == NULL) {
        InterlockedIncrement64(&Velan->Stats.RcvNoBuffer);
        MuxVelanOutstandingDone(Velan);
        return;
    }
    if (!NT_SUCCESS(MuxVlanStripCopy(Span, Length, Header, buffer, out, &written)) || written != out) {
        MuxCopyFree(copy);
        MuxVelanOutstandingDone(Velan);
        return;
    }
    info.Value = NULL;
    info.TagHeader.UserPriority = Header->Priority;
    NET_BUFFER_LIST_INFO(copy, Ieee8021QNetBufferListInfo) = info.Value;
    copy->SourceHandle = Velan->MiniportHandle;
    cast = MuxCastOf(Header->Destination);
    InterlockedIncrement64(&Velan->Stats.RcvOk);
    InterlockedIncrement64(&Velan->Stats.RcvFrames[cast]);
    InterlockedAdd64(&Velan->Stats.RcvBytes[cast], (LONG64)out);
    NdisMIndicateReceiveNetBufferLists(Velan->MiniportHandle, copy, NDIS_DEFAULT_PORT_NUMBER, 1,
                                       AtDispatch ? NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL : 0);
}

static VOID ReceiveFrame(PMUX_ADAPTER Adapter, PNET_BUFFER Nb, BOOLEAN AtDispatch)
{
    PMUX_VELAN targets[MUX_MAX_VELANS];
    NK_MDL_SPAN span = NkMdlSpanFromNb(Nb);
    SIZE_T length = NET_BUFFER_DATA_LENGTH(Nb);
    MUX_FRAME_HEADER header;
    BOOLEAN known = FALSE;
    ULONG n = 0, vid, i;
    KIRQL irql;

    if (!NT_SUCCESS(MuxVlanParse(&span, length, &header)))
        return;     /* runt, truncated tag, or a chain shorter than its DataLength */
    vid = header.Tagged ? header.VlanId : 0;

    KeAcquireSpinLock(&Adapter->Lock, &irql);
    for (PLIST_ENTRY e = Adapter->Velans.Flink; e != &Adapter->Velans && n < MUX_MAX_VELANS; e = e->Flink) {
        PMUX_VELAN v = CONTAINING_RECORD(e, MUX_VELAN, Link);
        KeAcquireSpinLockAtDpcLevel(&v->Lock);
        if (v->Initialized && v->VlanId == vid) {
            known = TRUE;
            if (v->State == MUX_VELAN_STATE_RUNNING) {
                if (MuxFilterAccepts(v->PacketFilter, v->Mac, &v->Multicast, header.Destination)) {
                    v->Outstanding++;   /* under the lock: a pause cannot complete past it */
                    targets[n++] = v;
                } else {
                    InterlockedIncrement64(&v->Stats.FilteredOut);
                }
            }
        }
        KeReleaseSpinLockFromDpcLevel(&v->Lock);
    }
    KeReleaseSpinLock(&Adapter->Lock, irql);

    if (!known && vid != 0)
        InterlockedIncrement64(&Adapter->UnknownVlanDrops);
    for (i = 0; i < n; i++)
        IndicateCopy(targets[i], &span, length, &header, AtDispatch);
}

_Use_decl_annotations_
VOID MuxReceive(PNK_BINDING Binding, PNET_BUFFER_LIST Nbls, ULONG Count, ULONG Flags)
{
    PMUX_ADAPTER adapter = (PMUX_ADAPTER)NkBindingContext(Binding);
    BOOLEAN atDispatch = NDIS_TEST_RECEIVE_AT_DISPATCH_LEVEL(Flags);
    UNREFERENCED_PARAMETER(Count);

    for (PNET_BUFFER_LIST nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
        for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl); nb != NULL; nb = NET_BUFFER_NEXT_NB(nb))
            ReceiveFrame(adapter, nb, atDispatch);
    /* Everything was copied: the lower NBLs go back now, unless they were
     * lent only for this call (RESOURCES), in which case NDIS has them. */
    if (NDIS_TEST_RECEIVE_CAN_PEND(Flags))
        NkBindingReturn(Binding, Nbls, atDispatch ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
}

_Use_decl_annotations_
VOID MuxReturnNbls(PMUX_VELAN Velan, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    PNET_BUFFER_LIST nbl, next;
    UNREFERENCED_PARAMETER(Flags);

    for (nbl = Nbls; nbl != NULL; nbl = next) {
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
        MuxCopyFree(nbl);
        MuxVelanOutstandingDone(Velan);
    }
}
