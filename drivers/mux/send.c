/*
 * send.c - a VELAN's sends.
 *
 * Every NET_BUFFER of a protocol's NBL is copied into the driver's own
 * buffer (allocated per send: an NBL from the VELAN's pool over an MDL
 * over pool memory), with an 802.1Q tag inserted after the addresses when
 * the VELAN's VLAN ID or the NBL's 802.1Q priority is non-zero, and sent on
 * the lower binding.  Copying, rather than chaining a tag MDL in front of
 * the protocol's buffers, keeps the protocol's NBL untouched and lets a
 * frame whose header straddles MDLs be tagged without rewriting its chain.
 *
 * The original NBL records how many of its copies are still out (its
 * MiniportReserved[0]) and the first failure (MiniportReserved[1]); the
 * last copy to complete returns it to the protocol with that status.  Each
 * copy counts as outstanding on the VELAN until it comes back, so a pause
 * completes only after the lower adapter has returned every copy.
 */
#include "send.h"
#include "velan.h"

#define ORIG_PENDING(_Nbl) ((volatile LONG *)&(_Nbl)->MiniportReserved[0])
#define ORIG_STATUS(_Nbl)  ((volatile LONG *)&(_Nbl)->MiniportReserved[1])

/* In a copy's ProtocolReserved (we are the protocol on the lower binding). */
#define COPY_ORIGINAL(_Nbl) ((_Nbl)->ProtocolReserved[0])
#define COPY_VELAN(_Nbl)    ((_Nbl)->ProtocolReserved[1])
#define COPY_INFO(_Nbl)     ((_Nbl)->ProtocolReserved[2])   /* cast | bytes << 2 */

_Use_decl_annotations_
PNET_BUFFER_LIST MuxCopyAllocate(PMUX_VELAN Velan, SIZE_T Length, PUCHAR *Buffer)
{
    PNET_BUFFER_LIST nbl = NULL;
    PUCHAR buffer;
    PMDL mdl = NULL;

    *Buffer = NULL;
    buffer = (PUCHAR)ExAllocatePool2(POOL_FLAG_NON_PAGED, Length, MUX_TAG);
    if (buffer == NULL)
        return NULL;
    mdl = NdisAllocateMdl(Velan->MiniportHandle, buffer, (UINT)Length);
    if (mdl == NULL)
        goto fail;
    nbl = NdisAllocateNetBufferAndNetBufferList(Velan->NblPool, 0, 0, mdl, 0, Length);
    if (nbl == NULL)
        goto fail;
    *Buffer = buffer;
    return nbl;
fail:
    if (mdl != NULL)
        NdisFreeMdl(mdl);
    ExFreePoolWithTag(buffer, MUX_TAG);
    return NULL;
}

_Use_decl_annotations_
VOID MuxCopyFree(PNET_BUFFER_LIST Nbl)
{
    PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(Nbl));
    PVOID buffer = MmGetMdlVirtualAddress(mdl);

    NdisFreeNetBufferList(Nbl);
    NdisFreeMdl(mdl);
    ExFreePoolWithTag(buffer, MUX_TAG);
}

/* One copy of Original is done: the last one completes Original. */
static VOID OriginalDone(PMUX_VELAN Velan, PNET_BUFFER_LIST Original, NDIS_STATUS Status, BOOLEAN AtDispatch)
{
    if (Status != NDIS_STATUS_SUCCESS)
        (void)InterlockedCompareExchange(ORIG_STATUS(Original), (LONG)Status, (LONG)NDIS_STATUS_SUCCESS);
    if (InterlockedDecrement(ORIG_PENDING(Original)) != 0)
        return;
    NET_BUFFER_LIST_STATUS(Original) = (NDIS_STATUS)*ORIG_STATUS(Original);
    Original->MiniportReserved[0] = NULL;
    Original->MiniportReserved[1] = NULL;
    Original->Next = NULL;
    NdisMSendNetBufferListsComplete(Velan->MiniportHandle, Original,
                                    AtDispatch ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL : 0);
}

/* A copy of one NET_BUFFER, tagged if Tag.  NULL on failure, *Status why. */
static PNET_BUFFER_LIST CopyOne(PMUX_VELAN Velan, PNET_BUFFER Nb, BOOLEAN Tag, USHORT Tci, PNDIS_STATUS Status)
{
    NK_MDL_SPAN span = NkMdlSpanFromNb(Nb);
    SIZE_T length = NET_BUFFER_DATA_LENGTH(Nb), written;
    SIZE_T out = length + (Tag ? MUX_VLAN_TAG : 0);
    PNET_BUFFER_LIST copy;
    PUCHAR buffer;

    if (length < MUX_ETH_HEADER || out > MUX_MAX_FRAME) {
        *Status = NDIS_STATUS_INVALID_LENGTH;
        return NULL;
    }
    copy = MuxCopyAllocate(Velan, out, &buffer);
    if (copy == NULL) {
        *Status = NDIS_STATUS_RESOURCES;
        return NULL;
    }
    if (!NT_SUCCESS(MuxVlanInsertCopy(&span, length, Tag, Tci, buffer, out, &written)) || written != out) {
        /* The NET_BUFFER's chain holds less than its DataLength. */
        MuxCopyFree(copy);
        *Status = NDIS_STATUS_INVALID_DATA;
        return NULL;
    }
    COPY_VELAN(copy) = Velan;
    COPY_INFO(copy) = (PVOID)(ULONG_PTR)(MuxCastOf(buffer) | ((ULONG_PTR)out << 2));
    *Status = NDIS_STATUS_SUCCESS;
    return copy;
}

_Use_decl_annotations_
VOID MuxSendNbls(PMUX_VELAN Velan, PNET_BUFFER_LIST Nbls, ULONG SendFlags)
{
    BOOLEAN atDispatch = NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags);
    PNET_BUFFER_LIST nbl, next, copy, chain, *tail;
    NDIS_NET_BUFFER_LIST_8021Q_INFO info;
    NDIS_STATUS status;
    BOOLEAN running, tag;
    ULONG priority;
    USHORT tci;
    KIRQL irql;

    for (nbl = Nbls; nbl != NULL; nbl = next) {
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
        *ORIG_PENDING(nbl) = 1;             /* ours until every copy is out */
        *ORIG_STATUS(nbl) = (LONG)NDIS_STATUS_SUCCESS;

        /* Checked and counted in one lock hold: a pause that starts now
         * waits for this NBL (the count is held until every copy is out). */
        KeAcquireSpinLock(&Velan->Lock, &irql);
        running = Velan->State == MUX_VELAN_STATE_RUNNING;
        if (running)
            Velan->Outstanding++;
        KeReleaseSpinLock(&Velan->Lock, irql);
        if (!running) {
            InterlockedIncrement64(&Velan->Stats.XmitDiscards);
            OriginalDone(Velan, nbl, NDIS_STATUS_PAUSED, atDispatch);
            continue;
        }

        info.Value = NET_BUFFER_LIST_INFO(nbl, Ieee8021QNetBufferListInfo);
        priority = info.TagHeader.UserPriority;
        tag = Velan->VlanId != 0 || priority != 0;
        tci = MuxTci(Velan->VlanId, priority);

        chain = NULL;
        tail = &chain;
        for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl); nb != NULL; nb = NET_BUFFER_NEXT_NB(nb)) {
            copy = CopyOne(Velan, nb, tag, tci, &status);
            if (copy == NULL) {
                InterlockedIncrement64(&Velan->Stats.XmitDiscards);
                (void)InterlockedCompareExchange(ORIG_STATUS(nbl), (LONG)status, (LONG)NDIS_STATUS_SUCCESS);
                continue;
            }
            COPY_ORIGINAL(copy) = nbl;
            InterlockedIncrement(ORIG_PENDING(nbl));
            MuxVelanOutstandingAdd(Velan);
            *tail = copy;
            tail = &NET_BUFFER_LIST_NEXT_NBL(copy);
        }

        if (chain != NULL) {
            status = NkBindingSend(Velan->Adapter->Binding, chain, atDispatch ? NDIS_SEND_FLAGS_DISPATCH_LEVEL : 0);
            if (status != NDIS_STATUS_SUCCESS) {
                /* The lower binding is paused or closing: nothing was sent. */
                for (copy = chain; copy != NULL; copy = chain) {
                    chain = NET_BUFFER_LIST_NEXT_NBL(copy);
                    NET_BUFFER_LIST_NEXT_NBL(copy) = NULL;
                    InterlockedIncrement64(&Velan->Stats.XmitError);
                    MuxCopyFree(copy);
                    OriginalDone(Velan, nbl, status, atDispatch);
                    MuxVelanOutstandingDone(Velan);
                }
            }
        }
        OriginalDone(Velan, nbl, NDIS_STATUS_SUCCESS, atDispatch);  /* drops the "ours" count */
        MuxVelanOutstandingDone(Velan);                             /* and the pause guard */
    }
}

_Use_decl_annotations_
VOID MuxSendComplete(PNK_BINDING Binding, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    BOOLEAN atDispatch = NDIS_TEST_SEND_COMPLETE_AT_DISPATCH_LEVEL(Flags);
    PNET_BUFFER_LIST copy, next, original;
    NDIS_STATUS status;
    PMUX_VELAN velan;
    ULONG_PTR info;
    UNREFERENCED_PARAMETER(Binding);

    for (copy = Nbls; copy != NULL; copy = next) {
        next = NET_BUFFER_LIST_NEXT_NBL(copy);
        NET_BUFFER_LIST_NEXT_NBL(copy) = NULL;
        original = (PNET_BUFFER_LIST)COPY_ORIGINAL(copy);
        velan = (PMUX_VELAN)COPY_VELAN(copy);
        info = (ULONG_PTR)COPY_INFO(copy);
        status = NET_BUFFER_LIST_STATUS(copy);
        if (status == NDIS_STATUS_SUCCESS) {
            InterlockedIncrement64(&velan->Stats.XmitOk);
            InterlockedIncrement64(&velan->Stats.XmitFrames[info & 3]);
            InterlockedAdd64(&velan->Stats.XmitBytes[info & 3], (LONG64)(info >> 2));
        } else {
            InterlockedIncrement64(&velan->Stats.XmitError);
        }
        MuxCopyFree(copy);
        OriginalDone(velan, original, status, atDispatch);
        MuxVelanOutstandingDone(velan);
    }
}
