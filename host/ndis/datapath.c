/*
 * datapath.c - in-memory adapters and the data path: sends are captured
 * (and completed at DISPATCH_LEVEL, as NDIS may complete them before
 * NdisSendNetBufferLists returns), injected frames are indicated to every
 * running binding, and NdisReturnNetBufferLists gives them back.  Plus the
 * OID requests a protocol like ndisprot issues.
 *
 * Verifier rules: sending on a paused or closed binding, returning an NBL
 * that was not indicated to that binding (or returning it twice),
 * keeping an NBL indicated with NDIS_RECEIVE_FLAGS_RESOURCES.
 */
#include "ndis_internal.h"

#include <stdlib.h>

/* packet.c: writes an NB's frame to the adapter's interface. */
VOID NkNdisTransmit(NK_ADAPTER *Adapter, PNET_BUFFER Nb);
VOID NkNdisApplyFilter(NK_ADAPTER *Adapter, ULONG Filter);
#include <string.h>

#define NK_ADAPTER_MAGIC 0x4E4B414441505452ull
#define NK_CAPTURE_SLOTS 256
/* Pool tag "NRcv" for the buffers of indicated frames. */
#define NK_RECEIVE_TAG ((ULONG)'N' | ((ULONG)'R' << 8) | ((ULONG)'c' << 16) | ((ULONG)'v' << 24))

/* Marks NBLs the host indicated, in MiniportReserved[0] (the miniport's
 * field: the host is the miniport here), with the binding they went to. */
#define NK_RX_TAG(nbl) ((nbl)->MiniportReserved[0])
#define NK_RX_BINDING(nbl) ((nbl)->MiniportReserved[1])
/* A held send (pend-sends mode): its binding and send flags, in the same
 * miniport fields (a sent NBL is the protocol's, never an indicated one). */
#define NK_HELD_BINDING(nbl) (*(NK_BINDING **)&(nbl)->MiniportReserved[0])
#define NK_HELD_FLAGS(nbl) ((nbl)->MiniportReserved[1])

static NK_ADAPTER *AdapterOf(NK_HOST_ADAPTER *Adapter)
{
    NK_ADAPTER *a = (NK_ADAPTER *)Adapter;
    if (a == NULL || a->Magic != NK_ADAPTER_MAGIC) {
        NkHostViolation("ndis.invalid-adapter", "not an adapter: %p", (void *)Adapter);
        return NULL;
    }
    return a;
}

static VOID CutWires(NK_ADAPTER *a);

NTSTATUS NkNdisCreateAdapter(PCWSTR Name, const UCHAR *Mac, ULONG Mtu, int Socket, NK_ADAPTER **Adapter)
{
    return NkNdisCreateAdapterEx(Name, Mac, Mtu, Socket, NULL, Adapter);
}

NTSTATUS NkNdisCreateAdapterEx(PCWSTR Name, const UCHAR *Mac, ULONG Mtu, int Socket, NK_MINIPORT *Miniport,
                               NK_ADAPTER **Adapter)
{
    NK_ADAPTER *a;
    NET_BUFFER_LIST_POOL_PARAMETERS pp;
    size_t n = 0;
    /* Only an in-memory adapter captures: a packet adapter writes to its
     * interface, a miniport's sends go to its driver. */
    BOOLEAN capture = Socket < 0 && Miniport == NULL;

    *Adapter = NULL;
    while (Name[n])
        n++;
    if (n + 1 > RTL_NUMBER_OF(a->Name) || Mtu < 46 || Mtu + 14 > NK_MAX_FRAME)
        return STATUS_INVALID_PARAMETER;
    a = calloc(1, sizeof(*a));
    if (a == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    a->Capture = capture ? calloc(NK_CAPTURE_SLOTS, sizeof(*a->Capture)) : NULL;
    memset(&pp, 0, sizeof(pp));
    pp.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    pp.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    pp.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    pp.fAllocateNetBuffer = TRUE;
    a->ReceivePool = NdisAllocateNetBufferListPool(NULL, &pp);
    if ((capture && a->Capture == NULL) || a->ReceivePool == NULL) {
        if (a->ReceivePool)
            NdisFreeNetBufferListPool(a->ReceivePool);
        free(a->Capture);
        free(a);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    a->Magic = NK_ADAPTER_MAGIC;
    a->Socket = Socket;
    a->Miniport = Miniport;
    memcpy(a->Name, Name, (n + 1) * sizeof(WCHAR));
    RtlInitUnicodeString(&a->NameString, a->Name);
    memcpy(a->Mac, Mac, 6);
    a->Mtu = Mtu;
    {
        static volatile LONG lastIfIndex;
        a->IfIndexNdis = (NET_IFINDEX)InterlockedIncrement(&lastIfIndex);
    }
    InitializeListHead(&a->Bindings);
    pthread_mutex_lock(&NkNdisLock);
    InsertTailList(&NkAdapters, &a->Link);
    pthread_mutex_unlock(&NkNdisLock);
    *Adapter = a;
    return STATUS_SUCCESS;
}

/* Offers the new adapter to each registered protocol once: a protocol
 * that fails the bind is not asked again (NDIS does not retry either). */
VOID NkNdisBindAll(NK_ADAPTER *a)
{
    NK_PROTOCOL *todo[32];
    ULONG n = 0;

    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = NkProtocols.Flink; e != &NkProtocols && n < RTL_NUMBER_OF(todo); e = e->Flink)
        todo[n++] = CONTAINING_RECORD(e, NK_PROTOCOL, Link);
    pthread_mutex_unlock(&NkNdisLock);
    for (ULONG i = 0; i < n; i++)
        NkNdisBind(todo[i], a);
}

NTSTATUS NkHostAddAdapter(PCWSTR Name, const UCHAR *Mac, ULONG Mtu, NK_HOST_ADAPTER **Adapter)
{
    NK_ADAPTER *a;
    NTSTATUS status = NkNdisCreateAdapter(Name, Mac, Mtu, -1, &a);
    *Adapter = NULL;
    if (!NT_SUCCESS(status))
        return status;
    NkNdisBindAll(a);
    *Adapter = (NK_HOST_ADAPTER *)a;
    return STATUS_SUCCESS;
}

VOID NkHostRemoveAdapter(NK_HOST_ADAPTER *Adapter)
{
    NK_ADAPTER *a = AdapterOf(Adapter);
    if (a == NULL)
        return;
    if (a->Miniport != NULL) {
        /* A device removed: its driver is halted (miniport.c). */
        NkNdisMiniportRemove(a->Miniport, NdisHaltDeviceDisabled);
        return;
    }
    if (a->Socket >= 0)
        NkNdisStopPacketAdapter(a); /* no more receives from the wire */
    CutWires(a);
    NkNdisCancelAdapterBinds(a); /* no bind still to come or in progress */
    while (!IsListEmpty(&a->Bindings))
        NkNdisUnbind(CONTAINING_RECORD(a->Bindings.Flink, NK_BINDING, Link));
    pthread_mutex_lock(&NkNdisLock);
    RemoveEntryList(&a->Link);
    pthread_mutex_unlock(&NkNdisLock);
    NkNdisFreeAdapter(a);
}

VOID NkNdisFreeAdapter(NK_ADAPTER *a)
{
    NdisFreeNetBufferListPool(a->ReceivePool);
    a->Magic = 0;
    free(a->Capture);
    free(a);
}

ULONG NkNdisAdapterFilterLocked(NK_ADAPTER *a)
{
    ULONG filter = 0;
    for (PLIST_ENTRY e = a->Bindings.Flink; e != &a->Bindings; e = e->Flink)
        filter |= CONTAINING_RECORD(e, NK_BINDING, Link)->PacketFilter;
    return filter;
}

VOID NkNdisRefreshFilter(NK_ADAPTER *a)
{
    ULONG filter;
    pthread_mutex_lock(&NkNdisLock);
    filter = NkNdisAdapterFilterLocked(a);
    a->PacketFilter = filter;
    pthread_mutex_unlock(&NkNdisLock);
    NkNdisApplyFilter(a, filter);
}

ULONG NkHostAdapterPacketFilter(NK_HOST_ADAPTER *Adapter)
{
    NK_ADAPTER *a = AdapterOf(Adapter);
    ULONG filter = 0;
    if (a != NULL) {
        pthread_mutex_lock(&NkNdisLock);
        filter = NkNdisAdapterFilterLocked(a);
        pthread_mutex_unlock(&NkNdisLock);
    }
    return filter;
}

/* Would NDIS indicate Frame to the open b?  Its own packet filter decides,
 * as NDIS filters per open: DIRECTED (to the adapter's MAC), BROADCAST,
 * MULTICAST (a group address in the open's list), ALL_MULTICAST (any group
 * address), PROMISCUOUS (everything).  An open with filter 0 receives
 * nothing.  NkNdisLock held. */
BOOLEAN NkNdisFilterAcceptsLocked(NK_BINDING *b, const UCHAR *Frame)
{
    static const UCHAR broadcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    ULONG f = b->PacketFilter;

    if (f & NDIS_PACKET_TYPE_PROMISCUOUS)
        return TRUE;
    if (!(Frame[0] & 1))
        return (f & NDIS_PACKET_TYPE_DIRECTED) && memcmp(Frame, b->Adapter->Mac, 6) == 0;
    if (memcmp(Frame, broadcast, 6) == 0)
        return (f & NDIS_PACKET_TYPE_BROADCAST) != 0;
    if (f & NDIS_PACKET_TYPE_ALL_MULTICAST)
        return TRUE;
    if (f & NDIS_PACKET_TYPE_MULTICAST)
        for (ULONG i = 0; i < b->MulticastCount; i++)
            if (memcmp(Frame, b->Multicast[i], 6) == 0)
                return TRUE;
    return FALSE;
}

/* ---- send ------------------------------------------------------------------------ */

static VOID CaptureNb(NK_ADAPTER *a, PNET_BUFFER nb)
{
    PMDL mdl = NET_BUFFER_CURRENT_MDL(nb);
    ULONG offset = NET_BUFFER_CURRENT_MDL_OFFSET(nb), left = NET_BUFFER_DATA_LENGTH(nb), n = 0;
    ULONG slot;

    if (a->Socket >= 0) {
        NkNdisTransmit(a, nb);
        return;
    }
    pthread_mutex_lock(&NkNdisLock);
    if (a->CaptureCount == NK_CAPTURE_SLOTS) {
        pthread_mutex_unlock(&NkNdisLock);
        return; /* the wire is full: dropped, as a NIC drops */
    }
    slot = (a->CaptureHead + a->CaptureCount) % NK_CAPTURE_SLOTS;
    while (left != 0 && mdl != NULL && n < NK_MAX_FRAME) {
        ULONG avail = MmGetMdlByteCount(mdl) - offset, take = avail < left ? avail : left;
        PUCHAR va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
        if (take > NK_MAX_FRAME - n)
            take = NK_MAX_FRAME - n;
        if (va == NULL)
            break;
        memcpy(a->Capture[slot].Data + n, va + offset, take);
        n += take;
        left -= take;
        offset = 0;
        mdl = mdl->Next;
    }
    a->Capture[slot].Length = n;
    a->CaptureCount++;
    if (a->WireRunning)
        pthread_cond_signal(&a->WireCond);
    pthread_mutex_unlock(&NkNdisLock);
}

/* ---- wires between in-memory adapters ------------------------------------------ */

static void *WireMain(void *Arg)
{
    NK_ADAPTER *a = Arg;
    static _Thread_local UCHAR frame[NK_MAX_FRAME];

    pthread_mutex_lock(&NkNdisLock);
    for (;;) {
        NK_ADAPTER *peer;
        ULONG n;
        while (a->WireRunning && a->CaptureCount == 0)
            pthread_cond_wait(&a->WireCond, &NkNdisLock);
        if (!a->WireRunning)
            break;
        n = a->Capture[a->CaptureHead].Length;
        memcpy(frame, a->Capture[a->CaptureHead].Data, n);
        a->CaptureHead = (a->CaptureHead + 1) % NK_CAPTURE_SLOTS;
        a->CaptureCount--;
        peer = a->Peer;
        if (peer == NULL)
            continue; /* the far end was removed: the frame is lost */
        peer->Feeding++;
        pthread_mutex_unlock(&NkNdisLock);
        NkHostAdapterInject((NK_HOST_ADAPTER *)peer, frame, n, FALSE);
        pthread_mutex_lock(&NkNdisLock);
        peer->Feeding--;
    }
    pthread_mutex_unlock(&NkNdisLock);
    return NULL;
}

static NTSTATUS StartWire(NK_ADAPTER *a, NK_ADAPTER *Peer)
{
    pthread_mutex_lock(&NkNdisLock);
    a->Peer = Peer;
    if (a->WireRunning) {
        pthread_mutex_unlock(&NkNdisLock);
        return STATUS_SUCCESS;
    }
    pthread_cond_init(&a->WireCond, NULL);
    a->WireRunning = TRUE;
    if (pthread_create(&a->Wire, NULL, WireMain, a) != 0) {
        a->WireRunning = FALSE;
        a->Peer = NULL;
        pthread_mutex_unlock(&NkNdisLock);
        pthread_cond_destroy(&a->WireCond);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    pthread_mutex_unlock(&NkNdisLock);
    return STATUS_SUCCESS;
}

NTSTATUS NkHostConnectAdapters(NK_HOST_ADAPTER *A, NK_HOST_ADAPTER *B)
{
    NK_ADAPTER *a = AdapterOf(A), *b = AdapterOf(B);
    NTSTATUS status;
    if (a == NULL || b == NULL)
        return STATUS_INVALID_PARAMETER;
    if (a->Socket >= 0 || b->Socket >= 0)
        return STATUS_NOT_SUPPORTED; /* a real interface has its own wire */
    status = StartWire(a, b);
    if (NT_SUCCESS(status) && b != a)
        status = StartWire(b, a);
    return status;
}

VOID NkHostWaitWire(NK_HOST_ADAPTER *Adapter)
{
    NK_ADAPTER *a = AdapterOf(Adapter);
    if (a == NULL)
        return;
    for (;;) {
        BOOLEAN idle;
        pthread_mutex_lock(&NkNdisLock);
        /* The wire takes a frame off the ring and marks the peer fed in
         * one lock hold: empty and unfed means all of it was delivered. */
        idle = !a->WireRunning || (a->CaptureCount == 0 && (a->Peer == NULL || a->Peer->Feeding == 0));
        pthread_mutex_unlock(&NkNdisLock);
        if (idle)
            return;
        NkSchedPoll();
    }
}

/* Before a is freed: no wire delivers into it, its own wire has stopped. */
static VOID CutWires(NK_ADAPTER *a)
{
    BOOLEAN running;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = NkAdapters.Flink; e != &NkAdapters; e = e->Flink) {
        NK_ADAPTER *x = CONTAINING_RECORD(e, NK_ADAPTER, Link);
        if (x->Peer == a)
            x->Peer = NULL;
    }
    running = a->WireRunning;
    a->WireRunning = FALSE;
    if (running)
        pthread_cond_signal(&a->WireCond);
    pthread_mutex_unlock(&NkNdisLock);
    if (running) {
        pthread_join(a->Wire, NULL);
        pthread_cond_destroy(&a->WireCond);
    }
    for (;;) {
        LONG feeding;
        pthread_mutex_lock(&NkNdisLock);
        feeding = a->Feeding;
        pthread_mutex_unlock(&NkNdisLock);
        if (feeding == 0)
            break;
        NkSchedPoll();
    }
}

static VOID IndicateFrame(NK_ADAPTER *a, const VOID *Frame, ULONG Length, BOOLEAN Resources, NK_BINDING *Sender,
                          BOOLEAN SenderToo);

BOOLEAN NkNdisPeekNb(PNET_BUFFER Nb, PUCHAR Out, ULONG Length)
{
    PMDL mdl = NET_BUFFER_CURRENT_MDL(Nb);
    ULONG offset = NET_BUFFER_CURRENT_MDL_OFFSET(Nb), n = 0;

    if (NET_BUFFER_DATA_LENGTH(Nb) < Length)
        return FALSE;
    while (n < Length && mdl != NULL) {
        ULONG avail = MmGetMdlByteCount(mdl) - offset, take = avail < Length - n ? avail : Length - n;
        PUCHAR va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
        if (va == NULL)
            return FALSE;
        memcpy(Out + n, va + offset, take);
        n += take;
        offset = 0;
        mdl = mdl->Next;
    }
    return n == Length;
}

/* Would any open of b's adapter be indicated this sent frame? */
static BOOLEAN AnyOpenAccepts(NK_BINDING *b, PNET_BUFFER Nb, BOOLEAN SenderToo)
{
    UCHAR header[6];
    BOOLEAN any = FALSE;

    if (!NkNdisPeekNb(Nb, header, sizeof(header)))
        return FALSE;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = b->Adapter->Bindings.Flink; e != &b->Adapter->Bindings && !any; e = e->Flink) {
        NK_BINDING *x = CONTAINING_RECORD(e, NK_BINDING, Link);
        any = (x != b || SenderToo) && NkNdisFilterAcceptsLocked(x, header);
    }
    pthread_mutex_unlock(&NkNdisLock);
    return any;
}

/* NDIS loops every sent frame back to the adapter's other opens whose
 * filter accepts it, and to the sender itself only with
 * NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK - as a copy the receiver may keep
 * (no RESOURCES flag), marked NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET. */
static VOID LoopBack(NK_BINDING *b, PNET_BUFFER Nb, BOOLEAN SenderToo)
{
    static _Thread_local UCHAR frame[NK_MAX_FRAME];
    PMDL mdl = NET_BUFFER_CURRENT_MDL(Nb);
    ULONG offset = NET_BUFFER_CURRENT_MDL_OFFSET(Nb), left = NET_BUFFER_DATA_LENGTH(Nb), n = 0;

    if (left < 14 || left > NK_MAX_FRAME)
        return;
    if (!AnyOpenAccepts(b, Nb, SenderToo))
        return; /* the usual case for a NIC's traffic: nobody here wants it, no copy */
    while (left != 0 && mdl != NULL) {
        ULONG avail = MmGetMdlByteCount(mdl) - offset, take = avail < left ? avail : left;
        PUCHAR va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
        if (va == NULL)
            return;
        memcpy(frame + n, va + offset, take);
        n += take;
        left -= take;
        offset = 0;
        mdl = mdl->Next;
    }
    if (left == 0)
        IndicateFrame(b->Adapter, frame, n, FALSE, b, SenderToo);
}

/* Is a's wire a loopback (NkHostConnectAdapters(a, a))? */
static BOOLEAN WiredToItself(NK_ADAPTER *a)
{
    BOOLEAN self;
    pthread_mutex_lock(&NkNdisLock);
    self = a->WireRunning && a->Peer == a;
    pthread_mutex_unlock(&NkNdisLock);
    return self;
}

/* Onto the wire (or the capture ring), and looped back as NDIS does.
 *
 * A frame reaches each open once per path that exists.  On a loopback
 * adapter the medium itself echoes every frame to the adapter's receive
 * path, which indicates it to every open whose filter accepts it - the
 * sender's included - so NDIS's software loopback, which would hand the
 * same opens the same frame again, is not done there: the echo is the
 * loopback, as on a loopback adapter a driver engineer knows, where a
 * frame written comes back once.  On a wire to another adapter (or a real
 * interface) both paths exist and differ: NDIS loops the frame back to
 * this adapter's opens, the far end receives it from the wire. */
static VOID Transmit(NK_BINDING *b, PNET_BUFFER_LIST Nbl, ULONG SendFlags)
{
    BOOLEAN echoed = b->Adapter->Socket < 0 && WiredToItself(b->Adapter);
    for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(Nbl); nb != NULL; nb = NET_BUFFER_NEXT_NB(nb)) {
        CaptureNb(b->Adapter, nb);
        if (!echoed)
            LoopBack(b, nb, NDIS_TEST_SEND_FLAG(SendFlags, NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK));
    }
}

/* Completes one held NBL to its binding at DISPATCH_LEVEL. */
static VOID CompleteHeld(PNET_BUFFER_LIST Nbl, NDIS_STATUS Status)
{
    NK_BINDING *b = NK_HELD_BINDING(Nbl);
    KIRQL old;

    if (Status == NDIS_STATUS_SUCCESS)
        Transmit(b, Nbl, (ULONG)(ULONG_PTR)NK_HELD_FLAGS(Nbl));
    NK_HELD_BINDING(Nbl) = NULL;
    NK_HELD_FLAGS(Nbl) = NULL;
    NET_BUFFER_LIST_STATUS(Nbl) = Status;
    __atomic_sub_fetch(&b->SendsOutstanding, 1, __ATOMIC_SEQ_CST);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    b->Protocol->Chars.SendNetBufferListsCompleteHandler(b->ProtocolBindingContext, Nbl,
                                                         NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
    KeLowerIrql(old);
}

/* Takes the held NBLs for which Match says yes off the adapter's list. */
static PNET_BUFFER_LIST TakeHeld(NK_ADAPTER *a, NK_BINDING *Binding, BOOLEAN ById, PVOID CancelId)
{
    PNET_BUFFER_LIST taken = NULL, *takenTail = &taken, *link;

    pthread_mutex_lock(&NkNdisLock);
    link = &a->Held;
    while (*link != NULL) {
        PNET_BUFFER_LIST nbl = *link;
        if ((Binding == NULL || NK_HELD_BINDING(nbl) == Binding) &&
            (!ById || NDIS_GET_NET_BUFFER_LIST_CANCEL_ID(nbl) == CancelId)) {
            *link = NET_BUFFER_LIST_NEXT_NBL(nbl);
            NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
            *takenTail = nbl;
            takenTail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
        } else {
            link = &NET_BUFFER_LIST_NEXT_NBL(nbl);
        }
    }
    a->HeldTail = link;
    pthread_mutex_unlock(&NkNdisLock);
    return taken;
}

static ULONG CompleteList(PNET_BUFFER_LIST List, NDIS_STATUS Status)
{
    ULONG n = 0;
    while (List != NULL) {
        PNET_BUFFER_LIST next = NET_BUFFER_LIST_NEXT_NBL(List);
        NET_BUFFER_LIST_NEXT_NBL(List) = NULL;
        CompleteHeld(List, Status);
        List = next;
        n++;
    }
    return n;
}

VOID NkHostSetAdapterPendSends(NK_HOST_ADAPTER *Adapter, BOOLEAN Pend)
{
    NK_ADAPTER *a = AdapterOf(Adapter);
    if (a != NULL)
        a->PendSends = Pend;
}

ULONG NkHostCompleteSends(NK_HOST_ADAPTER *Adapter)
{
    NK_ADAPTER *a = AdapterOf(Adapter);
    return a != NULL ? CompleteList(TakeHeld(a, NULL, FALSE, NULL), NDIS_STATUS_SUCCESS) : 0;
}

VOID NkNdisFlushHeldSends(NK_BINDING *b, NDIS_STATUS Status)
{
    CompleteList(TakeHeld(b->Adapter, b, FALSE, NULL), Status);
}

/* Aborts the held sends of the binding that carry CancelId; sends already
 * completed (the usual case: the host completes at once unless in
 * pend-sends mode) are not affected - the protocol's cancel path must cope
 * with the completion having come first. */
VOID NdisCancelSendNetBufferLists(NDIS_HANDLE NdisBindingHandle, PVOID CancelId)
{
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisCancelSendNetBufferLists");
    if (b == NULL || !NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisCancelSendNetBufferLists"))
        return;
    CompleteList(TakeHeld(b->Adapter, b, TRUE, CancelId), NDIS_STATUS_SEND_ABORTED);
}

VOID NdisSendNetBufferLists(NDIS_HANDLE NdisBindingHandle, PNET_BUFFER_LIST NetBufferLists,
                            NDIS_PORT_NUMBER PortNumber, ULONG SendFlags)
{
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisSendNetBufferLists");
    PNET_BUFFER_LIST nbl;
    KIRQL old;
    LONG count = 0;
    NDIS_STATUS status = NDIS_STATUS_SUCCESS;
    (void)PortNumber;

    if (b == NULL)
        return;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisSendNetBufferLists"))
        return;
    NkSchedPoint();
    if (NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags) && KeGetCurrentIrql() != DISPATCH_LEVEL)
        NkHostViolation("ndis.dispatch-flag-wrong", "NDIS_SEND_FLAGS_DISPATCH_LEVEL set at IRQL %u",
                        KeGetCurrentIrql());
    if (b->Paused || !b->Open) {
        NkHostViolation("ndis.send-while-paused", "NdisSendNetBufferLists on a %s binding",
                        b->Open ? "paused" : "closed");
        status = NDIS_STATUS_PAUSED;
    }
    if (status == NDIS_STATUS_SUCCESS && b->Adapter->Miniport != NULL) {
        NkNdisMiniportSend(b, NetBufferLists, PortNumber, SendFlags); /* to the driver (miniport.c) */
        return;
    }
    if (status == NDIS_STATUS_SUCCESS && b->Adapter->PendSends) {
        /* Held, as a busy NIC holds them, until NkHostCompleteSends,
         * NdisCancelSendNetBufferLists, or a pause. */
        PNET_BUFFER_LIST next;
        pthread_mutex_lock(&NkNdisLock);
        for (nbl = NetBufferLists; nbl != NULL; nbl = next) {
            next = NET_BUFFER_LIST_NEXT_NBL(nbl);
            NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
            NK_HELD_BINDING(nbl) = b;
            NK_HELD_FLAGS(nbl) = (PVOID)(ULONG_PTR)SendFlags;
            if (b->Adapter->Held == NULL)
                b->Adapter->HeldTail = &b->Adapter->Held;
            *b->Adapter->HeldTail = nbl;
            b->Adapter->HeldTail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
            count++;
        }
        b->SendsOutstanding += count;
        pthread_mutex_unlock(&NkNdisLock);
        return;
    }
    for (nbl = NetBufferLists; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
        count++;
        if (status == NDIS_STATUS_SUCCESS)
            Transmit(b, nbl, SendFlags);
        NET_BUFFER_LIST_STATUS(nbl) = status;
    }
    __atomic_add_fetch(&b->SendsOutstanding, count, __ATOMIC_SEQ_CST);
    /* Complete now, at DISPATCH_LEVEL: protocols must cope with a
     * completion before NdisSendNetBufferLists returns. */
    NkSchedPoint(); /* other actions may run between the send and its completion */
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    __atomic_sub_fetch(&b->SendsOutstanding, count, __ATOMIC_SEQ_CST);
    b->Protocol->Chars.SendNetBufferListsCompleteHandler(b->ProtocolBindingContext, NetBufferLists,
                                                         NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
    KeLowerIrql(old);
}

ULONG NkHostAdapterCapture(NK_HOST_ADAPTER *Adapter, PVOID Buffer, ULONG Length)
{
    NK_ADAPTER *a = AdapterOf(Adapter);
    ULONG n = 0;
    if (a == NULL)
        return 0;
    pthread_mutex_lock(&NkNdisLock);
    if (a->CaptureCount != 0) {
        n = a->Capture[a->CaptureHead].Length;
        memcpy(Buffer, a->Capture[a->CaptureHead].Data, n < Length ? n : Length);
        a->CaptureHead = (a->CaptureHead + 1) % NK_CAPTURE_SLOTS;
        a->CaptureCount--;
    }
    pthread_mutex_unlock(&NkNdisLock);
    return n;
}

/* ---- receive ----------------------------------------------------------------------- */

/* With NkNdisLock held: remember / forget an indicated NBL. */
BOOLEAN NkNdisTrackLocked(NK_BINDING *b, PNET_BUFFER_LIST nbl)
{
    for (ULONG i = 0; i < RTL_NUMBER_OF(b->Indicated); i++)
        if (b->Indicated[i] == NULL) {
            b->Indicated[i] = nbl;
            return TRUE;
        }
    return FALSE;
}

BOOLEAN NkNdisUntrackLocked(NK_BINDING *b, PNET_BUFFER_LIST nbl)
{
    for (ULONG i = 0; i < RTL_NUMBER_OF(b->Indicated); i++)
        if (b->Indicated[i] == nbl) {
            b->Indicated[i] = NULL;
            return TRUE;
        }
    return FALSE;
}

/* Frees an NBL IndicateFrames built (never indicated, or taken back). */
static VOID FreeReceived(PNET_BUFFER_LIST Nbl)
{
    PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(Nbl));
    PVOID copy = MmGetMdlVirtualAddress(mdl);
    NdisFreeNetBufferList(Nbl);
    NdisFreeMdl(mdl);
    ExFreePoolWithTag(copy, NK_RECEIVE_TAG);
}

/* Indicates Count frames (at most NK_INDICATE_MAX) to every running open
 * of a whose filter accepts them: to each open, one chain of the frames it
 * accepts, as a NIC indicates what one interrupt brought in - a protocol
 * then takes its locks and services its readers once per chain, not per
 * frame.  A frame looped back from a send skips its sender unless the
 * sender asked for loopback (Sender: the sending open; SenderToo:
 * CHECK_FOR_LOOPBACK).  Frames NDIS cannot indicate (no memory, the open
 * holds too many) are counted as the adapter's receive discards. */
static VOID IndicateFrames(NK_ADAPTER *a, const UCHAR *const *Frames, const ULONG *Lengths, ULONG Count,
                           BOOLEAN Resources, NK_BINDING *Sender, BOOLEAN SenderToo)
{
    /* The lock is not held across the indications (a protocol may call
     * back into NDIS, from any thread); b->Users keeps each binding from
     * being unbound and freed while frames are being handed to it. */
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = a->Bindings.Flink; e != &a->Bindings; e = e->Flink) {
        NK_BINDING *b = CONTAINING_RECORD(e, NK_BINDING, Link);
        PNET_BUFFER_LIST indicated[NK_INDICATE_MAX];
        PNET_BUFFER_LIST chain = NULL, *tail = &chain, nbl;
        BOOLEAN accept[NK_INDICATE_MAX];
        ULONG wanted = 0, n = 0, discards = 0;
        KIRQL old;

        if (!b->Open || b->Paused || b->Pausing || b->Unbinding || (b == Sender && !SenderToo))
            continue;
        for (ULONG i = 0; i < Count; i++) {
            accept[i] = NkNdisFilterAcceptsLocked(b, Frames[i]);
            wanted += accept[i];
        }
        if (wanted == 0)
            continue;
        b->Users++;
        pthread_mutex_unlock(&NkNdisLock);
        /* Each binding gets its own copies, as NDIS clones for each open. */
        for (ULONG i = 0; i < Count; i++) {
            PUCHAR copy;
            PMDL mdl;
            if (!accept[i])
                continue;
            copy = ExAllocatePoolWithTag(NonPagedPoolNx, Lengths[i], NK_RECEIVE_TAG);
            if (copy == NULL) {
                discards++; /* out of memory: this binding misses the frame, as under load */
                continue;
            }
            memcpy(copy, Frames[i], Lengths[i]);
            mdl = NdisAllocateMdl(NULL, copy, Lengths[i]);
            nbl = mdl ? NdisAllocateNetBufferAndNetBufferList(a->ReceivePool, 0, 0, mdl, 0, Lengths[i]) : NULL;
            if (nbl == NULL) {
                if (mdl)
                    NdisFreeMdl(mdl);
                ExFreePoolWithTag(copy, NK_RECEIVE_TAG);
                discards++;
                continue;
            }
            NK_RX_TAG(nbl) = (PVOID)a;
            NK_RX_BINDING(nbl) = (PVOID)b;
            if (Sender != NULL)
                nbl->NblFlags |= NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET;
            *tail = nbl;
            tail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
        }
        /* Tracked in one pass; what does not fit is dropped, as a NIC
         * drops what the protocol leaves it no buffers for. */
        pthread_mutex_lock(&NkNdisLock);
        for (PNET_BUFFER_LIST *p = &chain; (nbl = *p) != NULL;) {
            if (NkNdisTrackLocked(b, nbl)) {
                indicated[n++] = nbl;
                p = &NET_BUFFER_LIST_NEXT_NBL(nbl);
            } else {
                *p = NET_BUFFER_LIST_NEXT_NBL(nbl);
                NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
                FreeReceived(nbl);
                discards++;
            }
        }
        pthread_mutex_unlock(&NkNdisLock);
        if (discards != 0)
            __atomic_add_fetch(&a->ReceiveDiscards, discards, __ATOMIC_RELAXED);
        if (n != 0) {
            __atomic_add_fetch(&b->ReceivesOutstanding, (LONG)n, __ATOMIC_SEQ_CST);
            NkSchedPoint();
            KeRaiseIrql(DISPATCH_LEVEL, &old);
            b->Protocol->Chars.ReceiveNetBufferListsHandler(
                b->ProtocolBindingContext, chain, NDIS_DEFAULT_PORT_NUMBER, n,
                NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL | (Resources ? NDIS_RECEIVE_FLAGS_RESOURCES : 0));
            KeLowerIrql(old);
        }
        for (ULONG i = 0; Resources && i < n; i++) {
            /* The protocol may not keep them: reclaim them now, one by one
             * (it may have relinked the chain; the array is ours). */
            BOOLEAN still;
            nbl = indicated[i];
            pthread_mutex_lock(&NkNdisLock);
            still = NkNdisUntrackLocked(b, nbl);
            if (still)
                NkNdisTrackLocked(b, nbl);
            pthread_mutex_unlock(&NkNdisLock);
            if (!still) {
                NkHostViolation("ndis.resources-returned", "an NBL indicated with RESOURCES was returned");
            } else {
                NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
                NdisReturnNetBufferLists((NDIS_HANDLE)b, nbl, 0);
            }
        }
        pthread_mutex_lock(&NkNdisLock);
        b->Users--;
    }
    pthread_mutex_unlock(&NkNdisLock);
}

static VOID IndicateFrame(NK_ADAPTER *a, const VOID *Frame, ULONG Length, BOOLEAN Resources, NK_BINDING *Sender,
                          BOOLEAN SenderToo)
{
    const UCHAR *frame = Frame;
    IndicateFrames(a, &frame, &Length, 1, Resources, Sender, SenderToo);
}

VOID NkNdisIndicateReceived(NK_ADAPTER *a, const UCHAR *const *Frames, const ULONG *Lengths, ULONG Count)
{
    for (ULONG done = 0; done < Count; done += NK_INDICATE_MAX)
        IndicateFrames(a, Frames + done, Lengths + done,
                       Count - done < NK_INDICATE_MAX ? Count - done : NK_INDICATE_MAX, FALSE, NULL, FALSE);
}

NTSTATUS NkHostAdapterInject(NK_HOST_ADAPTER *Adapter, const VOID *Frame, ULONG Length, BOOLEAN Resources)
{
    NK_ADAPTER *a = AdapterOf(Adapter);
    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    if (Length < 14 || Length > a->Mtu + 14)
        return STATUS_INVALID_BUFFER_SIZE;
    IndicateFrame(a, Frame, Length, Resources, NULL, FALSE);
    return STATUS_SUCCESS;
}

VOID NdisReturnNetBufferLists(NDIS_HANDLE NdisBindingHandle, PNET_BUFFER_LIST NetBufferLists, ULONG ReturnFlags)
{
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisReturnNetBufferLists");
    PNET_BUFFER_LIST nbl, next;
    (void)ReturnFlags;
    if (b == NULL)
        return;
    NkSchedPoint();
    for (nbl = NetBufferLists; nbl != NULL; nbl = next) {
        PMDL mdl;
        PVOID va;
        BOOLEAN ours;
        pthread_mutex_lock(&NkNdisLock);
        ours = NkNdisUntrackLocked(b, nbl);
        pthread_mutex_unlock(&NkNdisLock);
        if (!ours && b->Adapter->Miniport != NULL) {
            NkHostViolation("ndis.miniport.nbl-returned-twice",
                            "NdisReturnNetBufferLists(%p): NBL %p was not indicated to this binding of miniport "
                            "%p, or was returned already", NdisBindingHandle, (void *)nbl,
                            (void *)b->Adapter->Miniport);
            return;
        }
        next = ours ? NET_BUFFER_LIST_NEXT_NBL(nbl) : NULL;
        if (ours && b->Adapter->Miniport != NULL && NkNdisMiniportReturn(b, nbl)) {
            /* The driver's NBL: back to it once every open is done with it. */
            __atomic_sub_fetch(&b->ReceivesOutstanding, 1, __ATOMIC_SEQ_CST);
            continue;
        }
        if (!ours) {
            /* Not one of ours (or already returned): do not touch it, and
             * stop - its Next pointer cannot be trusted either. */
            NkHostViolation("ndis.return-not-owned", "NdisReturnNetBufferLists(%p): NBL %p was not indicated "
                            "to this binding, or was returned already", NdisBindingHandle, (void *)nbl);
            return;
        }
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(nbl));
        NK_RX_TAG(nbl) = NULL;
        __atomic_sub_fetch(&b->ReceivesOutstanding, 1, __ATOMIC_SEQ_CST);
        va = MmGetMdlVirtualAddress(mdl);
        NdisFreeNetBufferList(nbl);
        NdisFreeMdl(mdl);
        ExFreePoolWithTag(va, NK_RECEIVE_TAG);
    }
}

/* ---- OID requests ---------------------------------------------------------------- */

static NDIS_STATUS OidNow(NK_BINDING *b, PNDIS_OID_REQUEST OidRequest);

/* NDIS_OID_REQUEST revisions: a request is the caller's and NDIS writes
 * results into it, so it is validated in place, never copied.  Revision 2
 * (NDIS 6.50) adds Flags, which NDIS reads only from such requests. */
static const NK_NDIS_REVISION OidRevisions[] = {
    {NDIS_OID_REQUEST_REVISION_1, NDIS_SIZEOF_OID_REQUEST_REVISION_1},
    {NDIS_OID_REQUEST_REVISION_2, NDIS_SIZEOF_OID_REQUEST_REVISION_2},
};

/* In pend-OIDs mode every request returns NDIS_STATUS_PENDING and waits
 * for NkHostCompleteOids (or NdisCancelOidRequest), as a slow miniport
 * makes it wait: protocols must handle both paths. */
NDIS_STATUS NdisOidRequest(NDIS_HANDLE NdisBindingHandle, PNDIS_OID_REQUEST OidRequest)
{
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisOidRequest");
    if (b == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    NkSchedPoint();
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisOidRequest"))
        return NDIS_STATUS_FAILURE;
    if (!NkNdisCheckObject(OidRequest ? &OidRequest->Header : NULL, NDIS_OBJECT_TYPE_OID_REQUEST, OidRevisions,
                           RTL_NUMBER_OF(OidRevisions), NULL, "NdisOidRequest"))
        return NDIS_STATUS_INVALID_PARAMETER;
    if (b->Adapter->Miniport != NULL)
        return NkNdisMiniportOid(b, OidRequest); /* the driver answers, one request at a time */
    if (__atomic_load_n(&b->Adapter->PendOids, __ATOMIC_ACQUIRE)) {
        pthread_mutex_lock(&NkNdisLock);
        if (b->PendingOidCount == RTL_NUMBER_OF(b->PendingOids)) {
            pthread_mutex_unlock(&NkNdisLock);
            return NDIS_STATUS_RESOURCES;
        }
        b->PendingOids[b->PendingOidCount++] = OidRequest;
        pthread_mutex_unlock(&NkNdisLock);
        return NDIS_STATUS_PENDING;
    }
    return OidNow(b, OidRequest);
}

/* A direct OID request: the miniport's direct path completes it inline
 * (pend-OIDs mode applies to NdisOidRequest only), so it never pends and
 * ProtocolDirectOidRequestComplete is not called. */
NDIS_STATUS NdisDirectOidRequest(NDIS_HANDLE NdisBindingHandle, PNDIS_OID_REQUEST OidRequest)
{
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisDirectOidRequest");
    if (b == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    NkSchedPoint();
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisDirectOidRequest"))
        return NDIS_STATUS_FAILURE;
    if (!NkNdisCheckObject(OidRequest ? &OidRequest->Header : NULL, NDIS_OBJECT_TYPE_OID_REQUEST, OidRevisions,
                           RTL_NUMBER_OF(OidRevisions), NULL, "NdisDirectOidRequest"))
        return NDIS_STATUS_INVALID_PARAMETER;
    if (b->Adapter->Miniport != NULL)
        return NkNdisMiniportDirectOid(b, OidRequest); /* the driver's direct path */
    return OidNow(b, OidRequest);
}

/* Direct requests to the host's own adapters never pend: there is nothing
 * to cancel; a miniport's driver may have one pending. */
VOID NdisCancelDirectOidRequest(NDIS_HANDLE NdisBindingHandle, PVOID RequestId)
{
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisCancelDirectOidRequest");
    if (b == NULL || !NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisCancelDirectOidRequest"))
        return;
    if (b->Adapter->Miniport != NULL)
        NkNdisMiniportCancelDirectOid(b, RequestId);
}

/* Takes the pended OID at index i off b (NkNdisLock held). */
static PNDIS_OID_REQUEST TakePendedLocked(NK_BINDING *b, ULONG i)
{
    PNDIS_OID_REQUEST r = b->PendingOids[i];
    memmove(&b->PendingOids[i], &b->PendingOids[i + 1], (b->PendingOidCount - i - 1) * sizeof(r));
    b->PendingOidCount--;
    return r;
}

/* Completes a request taken off b: aborted, or by running it.  Without
 * NkNdisLock, as NDIS calls ProtocolOidRequestComplete holding nothing the
 * protocol could meet (completions on two threads may overlap).  The
 * binding is not touched after the handler: an unbind waiting for this
 * completion may free it as soon as the handler has run. */
static VOID CompleteTaken(NK_BINDING *b, PNDIS_OID_REQUEST r, BOOLEAN Abort)
{
    NDIS_STATUS status = Abort ? NDIS_STATUS_REQUEST_ABORTED : OidNow(b, r);
    OID_REQUEST_COMPLETE_HANDLER handler = b->Protocol->Chars.OidRequestCompleteHandler;
    NDIS_HANDLE context = b->ProtocolBindingContext;
    NkSchedPoint();
    handler(context, r, status);
}

VOID NkHostSetAdapterPendOids(NK_HOST_ADAPTER *Adapter, BOOLEAN Pend)
{
    /* Atomic: a test may switch it while a driver thread issues an OID. */
    __atomic_store_n(&((NK_ADAPTER *)Adapter)->PendOids, Pend, __ATOMIC_RELEASE);
}

ULONG NkHostCompleteOids(NK_HOST_ADAPTER *Adapter)
{
    NK_ADAPTER *a = (NK_ADAPTER *)Adapter;
    ULONG n = 0;
    /* One at a time, oldest first, each taken under the lock and completed
     * outside it; requests pended meanwhile are completed too. */
    for (;;) {
        NK_BINDING *b = NULL;
        PNDIS_OID_REQUEST r = NULL;
        pthread_mutex_lock(&NkNdisLock);
        for (PLIST_ENTRY e = a->Bindings.Flink; e != &a->Bindings && r == NULL; e = e->Flink) {
            b = CONTAINING_RECORD(e, NK_BINDING, Link);
            if (b->PendingOidCount != 0)
                r = TakePendedLocked(b, 0);
        }
        pthread_mutex_unlock(&NkNdisLock);
        if (r == NULL)
            return n;
        CompleteTaken(b, r, FALSE);
        n++;
    }
}

ULONG NkHostAdapterHeldOids(NK_HOST_ADAPTER *Adapter)
{
    NK_ADAPTER *a = AdapterOf(Adapter);
    ULONG n = 0;
    if (a == NULL)
        return 0;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = a->Bindings.Flink; e != &a->Bindings; e = e->Flink)
        n += CONTAINING_RECORD(e, NK_BINDING, Link)->PendingOidCount;
    pthread_mutex_unlock(&NkNdisLock);
    return n;
}

VOID NdisCancelOidRequest(NDIS_HANDLE NdisBindingHandle, PVOID RequestId)
{
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisCancelOidRequest");
    PNDIS_OID_REQUEST r = NULL;
    if (b == NULL)
        return;
    if (b->Adapter->Miniport != NULL) {
        NkNdisMiniportCancelOid(b, RequestId);
        return;
    }
    pthread_mutex_lock(&NkNdisLock);
    for (ULONG i = 0; i < b->PendingOidCount; i++) {
        if (b->PendingOids[i]->RequestId == RequestId) {
            r = TakePendedLocked(b, i);
            break; /* one request per ID; an ID not pending is simply ignored */
        }
    }
    pthread_mutex_unlock(&NkNdisLock);
    if (r != NULL)
        CompleteTaken(b, r, TRUE);
}

/* Status indications, as a miniport raises them (link up/down, ...), to
 * every open binding - paused ones and ones being unbound included: NDIS
 * stops indicating status to a binding only when its close completes
 * (NdisCloseAdapterEx waits for the indications in progress), so a
 * protocol must cope with one racing its ProtocolUnbindAdapterEx. */
VOID NkHostIndicateStatus(NK_HOST_ADAPTER *Adapter, NTSTATUS StatusCode, PVOID Buffer, ULONG Length)
{
    NK_ADAPTER *a = (NK_ADAPTER *)Adapter;
    NDIS_STATUS_INDICATION si;
    memset(&si, 0, sizeof(si));
    si.Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
    si.Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
    si.Header.Size = NDIS_SIZEOF_STATUS_INDICATION_REVISION_1;
    si.SourceHandle = (NDIS_HANDLE)a;
    si.StatusCode = StatusCode;
    si.StatusBuffer = Buffer;
    si.StatusBufferSize = Length;
    NkNdisIndicateStatus(a, &si);
}

/* Each open binding gets its own copy of the indication (a protocol may
 * not keep it, but it must not see another's changes either). */
VOID NkNdisIndicateStatus(NK_ADAPTER *a, const NDIS_STATUS_INDICATION *Indication)
{
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = a->Bindings.Flink; e != &a->Bindings; e = e->Flink) {
        NK_BINDING *b = CONTAINING_RECORD(e, NK_BINDING, Link);
        NDIS_STATUS_INDICATION si = *Indication;
        KIRQL old;
        if (!b->Open)
            continue;
        b->StatusUsers++;
        pthread_mutex_unlock(&NkNdisLock);
        NkSchedPoint();
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        b->Protocol->Chars.StatusHandlerEx(b->ProtocolBindingContext, &si);
        KeLowerIrql(old);
        pthread_mutex_lock(&NkNdisLock);
        b->StatusUsers--;
    }
    pthread_mutex_unlock(&NkNdisLock);
}

static NDIS_STATUS OidNow(NK_BINDING *b, PNDIS_OID_REQUEST OidRequest)
{
    if (NkHostShouldFail(NkFaultNdisOid))
        return NDIS_STATUS_RESOURCES;
    return NkNdisOidAnswer(b, OidRequest);
}

NDIS_STATUS NkNdisOidAnswer(NK_BINDING *b, PNDIS_OID_REQUEST OidRequest)
{
    PVOID buf;
    ULONG len, need = 0;
    ULONG64 value = 0;
    PVOID src = &value;
    NDIS_OID oid;
    if (OidRequest->RequestType == NdisRequestSetInformation) {
        oid = OidRequest->DATA.SET_INFORMATION.Oid;
        buf = OidRequest->DATA.SET_INFORMATION.InformationBuffer;
        len = OidRequest->DATA.SET_INFORMATION.InformationBufferLength;
        if (oid == OID_802_3_MULTICAST_LIST) {
            /* This open's list: whole addresses, at most NK_MAX_MULTICAST. */
            if (len % 6 != 0) {
                OidRequest->DATA.SET_INFORMATION.BytesNeeded = len - len % 6 + 6;
                return NDIS_STATUS_INVALID_LENGTH;
            }
            if (len / 6 > NK_MAX_MULTICAST)
                return NDIS_STATUS_MULTICAST_FULL;
            pthread_mutex_lock(&NkNdisLock);
            if (len != 0)
                memcpy(b->Multicast, buf, len);
            b->MulticastCount = len / 6;
            pthread_mutex_unlock(&NkNdisLock);
            OidRequest->DATA.SET_INFORMATION.BytesRead = len;
            return NDIS_STATUS_SUCCESS;
        }
        if (oid != OID_GEN_CURRENT_PACKET_FILTER)
            return NDIS_STATUS_NOT_SUPPORTED;
        if (len < sizeof(ULONG)) {
            OidRequest->DATA.SET_INFORMATION.BytesNeeded = sizeof(ULONG);
            return NDIS_STATUS_INVALID_LENGTH;
        }
        pthread_mutex_lock(&NkNdisLock);
        memcpy(&b->PacketFilter, buf, sizeof(ULONG));
        pthread_mutex_unlock(&NkNdisLock);
        NkNdisRefreshFilter(b->Adapter); /* the adapter gets the union of its opens' */
        OidRequest->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    }
    if (OidRequest->RequestType != NdisRequestQueryInformation &&
        OidRequest->RequestType != NdisRequestQueryStatistics)
        return NDIS_STATUS_NOT_SUPPORTED;
    oid = OidRequest->DATA.QUERY_INFORMATION.Oid;
    buf = OidRequest->DATA.QUERY_INFORMATION.InformationBuffer;
    len = OidRequest->DATA.QUERY_INFORMATION.InformationBufferLength;
    switch (oid) {
    case OID_802_3_CURRENT_ADDRESS:
    case OID_802_3_PERMANENT_ADDRESS:
        src = b->Adapter->Mac;
        need = 6;
        break;
    case OID_GEN_MAXIMUM_FRAME_SIZE:
        value = b->Adapter->Mtu;
        need = sizeof(ULONG);
        break;
    case OID_GEN_CURRENT_PACKET_FILTER:
        value = b->PacketFilter; /* this open's own */
        need = sizeof(ULONG);
        break;
    case OID_802_3_MULTICAST_LIST:
        pthread_mutex_lock(&NkNdisLock);
        need = b->MulticastCount * 6;
        if (len >= need && need != 0)
            memcpy(buf, b->Multicast, need);
        pthread_mutex_unlock(&NkNdisLock);
        if (len < need) {
            OidRequest->DATA.QUERY_INFORMATION.BytesNeeded = need;
            OidRequest->DATA.QUERY_INFORMATION.BytesWritten = 0;
            return NDIS_STATUS_BUFFER_TOO_SHORT;
        }
        OidRequest->DATA.QUERY_INFORMATION.BytesWritten = need;
        return NDIS_STATUS_SUCCESS;
    case OID_802_3_MAXIMUM_LIST_SIZE:
        value = NK_MAX_MULTICAST;
        need = sizeof(ULONG);
        break;
    case OID_GEN_MAXIMUM_TOTAL_SIZE:
        value = b->Adapter->Mtu + 14;
        need = sizeof(ULONG);
        break;
    case OID_GEN_MEDIA_CONNECT_STATUS:
        value = MediaConnectStateConnected;
        need = sizeof(ULONG);
        break;
    case OID_GEN_RCV_DISCARDS:
        /* 64-bit when the buffer holds it, as NDIS 6 statistics are. */
        value = NkNdisReceiveDiscards(b->Adapter);
        need = len >= sizeof(ULONG64) ? sizeof(ULONG64) : sizeof(ULONG);
        break;
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
    if (len < need) {
        OidRequest->DATA.QUERY_INFORMATION.BytesNeeded = need;
        OidRequest->DATA.QUERY_INFORMATION.BytesWritten = 0;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    memcpy(buf, src, need);
    OidRequest->DATA.QUERY_INFORMATION.BytesWritten = need;
    return NDIS_STATUS_SUCCESS;
}
