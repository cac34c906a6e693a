/*
 * recv.c - frames from the adapter to reads.
 *
 * Every frame indicated to an open that a file has opened is checked
 * against the open's EtherType list (after at most one 802.1Q tag, as the
 * sample does), copied out of its MDL chain - starting at the NET_BUFFER's
 * current offset, never at the MDL's start - into a frame of its own, and
 * queued.  The NBLs go back to NDIS at once, so a slow reader never holds
 * the miniport's buffers.  A full queue drops its oldest frame.  Reads and
 * batched reads wait in the open's manual queue and are completed here as
 * frames arrive.
 */
#include "ndisprot.h"

#include <ndiskit/mdl.h>

#define ETHERTYPE_VLAN 0x8100

/* <= DISPATCH_LEVEL; Open->Lock held. */
static BOOLEAN AcceptsEtherType(PNDISPROT_OPEN Open, USHORT Outer, USHORT Inner)
{
    if (Open->AllEtherTypes)
        return TRUE;
    for (ULONG i = 0; i < Open->EtherTypeCount; i++) {
        if (Open->EtherTypes[i] == Outer || (Inner != 0 && Open->EtherTypes[i] == Inner))
            return TRUE;
    }
    return FALSE;
}

static VOID FreeFrameList(PLIST_ENTRY List)
{
    while (!IsListEmpty(List)) {
        PNDISPROT_FRAME f = CONTAINING_RECORD(RemoveHeadList(List), NDISPROT_FRAME, Link);
        ExFreePoolWithTag(f, NDISPROT_TAG);
    }
}

/* Open->Lock held: moves the oldest frames beyond the queue length to Dropped. */
static VOID TrimQueue(PNDISPROT_OPEN Open, PLIST_ENTRY Dropped)
{
    while (Open->FrameCount > Open->QueueLength) {
        InsertTailList(Dropped, RemoveHeadList(&Open->Frames));
        Open->FrameCount--;
        Open->Stats.DroppedQueueFull++;
    }
}

static VOID QueueFrame(PNDISPROT_OPEN Open, PNET_BUFFER Nb, LONGLONG Now)
{
    NK_MDL_SPAN span = NkMdlSpanFromNb(Nb);
    ULONG length = NET_BUFFER_DATA_LENGTH(Nb);
    ULONG captured = length < NDISPROT_MAX_CAPTURE ? length : NDISPROT_MAX_CAPTURE;
    UCHAR storage[NDISPROT_ETH_HEADER + NDISPROT_VLAN_TAG];
    USHORT outer, inner = 0;
    PNDISPROT_FRAME frame;
    LIST_ENTRY dropped;
    PUCHAR header;
    BOOLEAN accept;
    KIRQL irql;

    InitializeListHead(&dropped);
    if (length < NDISPROT_ETH_HEADER ||
        !NT_SUCCESS(NkMdlSpanPeek(&span, length >= sizeof(storage) ? sizeof(storage) : NDISPROT_ETH_HEADER,
                                  storage, (PVOID *)&header))) {
        /* A runt, or a NET_BUFFER shorter than it says. */
        KeAcquireSpinLock(&Open->Lock, &irql);
        Open->Stats.FramesIndicated++;
        Open->Stats.DroppedFilter++;
        KeReleaseSpinLock(&Open->Lock, irql);
        return;
    }
    outer = (USHORT)(header[12] << 8 | header[13]);
    if (outer == ETHERTYPE_VLAN && length >= sizeof(storage))
        inner = (USHORT)(header[16] << 8 | header[17]);
    KeAcquireSpinLock(&Open->Lock, &irql);
    if (!Open->Receiving) {
        KeReleaseSpinLock(&Open->Lock, irql);
        return;
    }
    Open->Stats.FramesIndicated++;
    accept = AcceptsEtherType(Open, outer, inner);
    if (!accept)
        Open->Stats.DroppedFilter++;
    KeReleaseSpinLock(&Open->Lock, irql);
    if (!accept)
        return;

    /* Copied outside the lock: only the queueing is serialised. */
    frame = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*frame) + captured, NDISPROT_TAG);
    if (frame != NULL && !NT_SUCCESS(NkMdlCopySpanToFlat(frame->Data, captured, &span, NULL))) {
        ExFreePoolWithTag(frame, NDISPROT_TAG);
        frame = NULL;
    }
    KeAcquireSpinLock(&Open->Lock, &irql);
    if (frame == NULL) {
        Open->Stats.DroppedNoResources++;
    } else if (!Open->Receiving) {
        InsertTailList(&dropped, &frame->Link); /* the file went while we copied */
    } else {
        frame->Length = captured;
        frame->OriginalLength = length;
        frame->Timestamp = Now;
        InsertTailList(&Open->Frames, &frame->Link);
        Open->FrameCount++;
        Open->Stats.FramesReceived++;
        Open->Stats.BytesReceived += length;
        TrimQueue(Open, &dropped);
    }
    KeReleaseSpinLock(&Open->Lock, irql);
    FreeFrameList(&dropped);
}

VOID NdisprotReceive(PNK_BINDING Binding, PNET_BUFFER_LIST Nbls, ULONG Count, ULONG Flags)
{
    PNDISPROT_OPEN open = NkBindingContext(Binding);
    LARGE_INTEGER now;
    UNREFERENCED_PARAMETER(Count);

    if (*(volatile BOOLEAN *)&open->Receiving) { /* a hint; QueueFrame checks it under the lock */
        KeQuerySystemTimePrecise(&now);
        for (PNET_BUFFER_LIST nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
            for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl); nb != NULL; nb = NET_BUFFER_NEXT_NB(nb))
                QueueFrame(open, nb, now.QuadPart);
        }
    }
    /* Everything was copied: the NBLs go back now (unless NDIS lent them
     * only for this call, with NDIS_RECEIVE_FLAGS_RESOURCES). */
    if (!NDIS_TEST_RECEIVE_CANNOT_PEND(Flags))
        NkBindingReturn(Binding, Nbls, NDIS_TEST_RECEIVE_AT_DISPATCH_LEVEL(Flags) ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
    NdisprotServiceReads(open);
}

/* The first Capacity bytes of records for Frames (already taken off the
 * queue), the first frame truncated if it alone does not fit. */
static ULONG_PTR WriteRecords(PUCHAR Buffer, SIZE_T Capacity, PLIST_ENTRY Frames)
{
    SIZE_T offset = 0, end = 0;

    for (PLIST_ENTRY e = Frames->Flink; e != Frames; e = e->Flink) {
        PNDISPROT_FRAME f = CONTAINING_RECORD(e, NDISPROT_FRAME, Link);
        PNDISPROT_FRAME_HEADER h = (PNDISPROT_FRAME_HEADER)(Buffer + offset);
        SIZE_T room = Capacity - offset - sizeof(*h);
        ULONG copied = f->Length <= room ? f->Length : (ULONG)room;

        if (offset > end)
            RtlZeroMemory(Buffer + end, offset - end); /* the previous record's padding */
        h->Length = copied;
        h->OriginalLength = f->OriginalLength;
        h->Timestamp = f->Timestamp;
        h->Flags = copied < f->OriginalLength ? NDISPROT_FRAME_TRUNCATED : 0;
        h->Reserved = 0;
        RtlCopyMemory(NDISPROT_FRAME_DATA(h), f->Data, copied);
        end = offset + sizeof(*h) + copied;
        offset += NDISPROT_FRAME_RECORD_SIZE(copied);
    }
    return end;
}

/* Takes the frames that fit a request of Capacity bytes off the queue
 * (Open->Lock held): one for a read, as many whole records as fit (at
 * least one) for a batched read. */
static ULONG TakeFrames(PNDISPROT_OPEN Open, BOOLEAN Batch, SIZE_T Capacity, PLIST_ENTRY Taken)
{
    SIZE_T offset = 0;
    ULONG n = 0;

    while (!IsListEmpty(&Open->Frames)) {
        PNDISPROT_FRAME f = CONTAINING_RECORD(Open->Frames.Flink, NDISPROT_FRAME, Link);
        if (n != 0 && (!Batch || offset + sizeof(NDISPROT_FRAME_HEADER) + f->Length > Capacity))
            break;
        InsertTailList(Taken, RemoveHeadList(&Open->Frames));
        n++;
        offset += NDISPROT_FRAME_RECORD_SIZE(f->Length);
        if (offset >= Capacity)
            break;
    }
    Open->FrameCount -= n;
    Open->Stats.FramesRead += n;
    return n;
}

VOID NdisprotServiceReads(PNDISPROT_OPEN Open)
{
    for (;;) {
        WDF_REQUEST_PARAMETERS params;
        WDFREQUEST request;
        LIST_ENTRY taken;
        PUCHAR buffer;
        size_t capacity;
        ULONG_PTR information;
        BOOLEAN batch;
        NTSTATUS status;
        KIRQL irql;

        InitializeListHead(&taken);
        KeAcquireSpinLock(&Open->Lock, &irql);
        if (!Open->Receiving || IsListEmpty(&Open->Frames) ||
            !NT_SUCCESS(WdfIoQueueRetrieveNextRequest(Open->ReadQueue, &request))) {
            KeReleaseSpinLock(&Open->Lock, irql);
            return;
        }
        WDF_REQUEST_PARAMETERS_INIT(&params);
        WdfRequestGetParameters(request, &params);
        batch = params.Type == WdfRequestTypeDeviceControl;
        status = WdfRequestRetrieveOutputBuffer(request, batch ? sizeof(NDISPROT_FRAME_HEADER) : 1,
                                                (PVOID *)&buffer, &capacity);
        if (NT_SUCCESS(status))
            TakeFrames(Open, batch, capacity, &taken);
        KeReleaseSpinLock(&Open->Lock, irql);

        information = 0;
        if (NT_SUCCESS(status) && batch) {
            information = WriteRecords(buffer, capacity, &taken);
        } else if (NT_SUCCESS(status)) {
            PNDISPROT_FRAME f = CONTAINING_RECORD(taken.Flink, NDISPROT_FRAME, Link);
            information = f->Length <= capacity ? f->Length : capacity; /* truncated, as the sample does */
            RtlCopyMemory(buffer, f->Data, information);
        }
        WdfRequestCompleteWithInformation(request, status, information);
        FreeFrameList(&taken);
    }
}

VOID NdisprotFlushFrames(PNDISPROT_OPEN Open)
{
    LIST_ENTRY frames;
    KIRQL irql;

    InitializeListHead(&frames);
    KeAcquireSpinLock(&Open->Lock, &irql);
    while (!IsListEmpty(&Open->Frames))
        InsertTailList(&frames, RemoveHeadList(&Open->Frames));
    Open->FrameCount = 0;
    KeReleaseSpinLock(&Open->Lock, irql);
    FreeFrameList(&frames);
}

VOID NdisprotResetSettings(PNDISPROT_OPEN Open)
{
    KIRQL irql;

    KeAcquireSpinLock(&Open->Lock, &irql);
    Open->QueueLength = NDISPROT_DEFAULT_QUEUE_LENGTH;
    Open->AllEtherTypes = FALSE;
    Open->EtherTypeCount = 1;
    Open->EtherTypes[0] = NDISPROT_DEFAULT_ETHERTYPE;
    Open->Promiscuous = FALSE;
    RtlZeroMemory(&Open->Stats, sizeof(Open->Stats));
    KeReleaseSpinLock(&Open->Lock, irql);
}

NTSTATUS NdisprotSetEtherTypes(PNDISPROT_OPEN Open, const VOID *Buffer, SIZE_T Length)
{
    const NDISPROT_ETHERTYPE_FILTER *f = Buffer;
    USHORT types[NDISPROT_MAX_ETHERTYPES];
    ULONG count = 0;
    KIRQL irql;

    if (Length < FIELD_OFFSET(NDISPROT_ETHERTYPE_FILTER, EtherTypes))
        return STATUS_BUFFER_TOO_SMALL;
    if ((f->Flags & ~(ULONG)NDISPROT_ETHERTYPES_ALL) != 0)
        return STATUS_INVALID_PARAMETER;
    if (!(f->Flags & NDISPROT_ETHERTYPES_ALL)) {
        count = f->Count;
        if (count == 0 || count > NDISPROT_MAX_ETHERTYPES)
            return STATUS_INVALID_PARAMETER;
        if (Length < FIELD_OFFSET(NDISPROT_ETHERTYPE_FILTER, EtherTypes) + count * sizeof(USHORT))
            return STATUS_BUFFER_TOO_SMALL;
        RtlCopyMemory(types, f->EtherTypes, count * sizeof(USHORT)); /* read once: the buffer is the caller's */
    }
    KeAcquireSpinLock(&Open->Lock, &irql);
    Open->AllEtherTypes = count == 0;
    if (count != 0) {
        RtlCopyMemory(Open->EtherTypes, types, count * sizeof(USHORT));
        Open->EtherTypeCount = count;
    }
    KeReleaseSpinLock(&Open->Lock, irql);
    return STATUS_SUCCESS;
}

NTSTATUS NdisprotSetQueueLength(PNDISPROT_OPEN Open, ULONG Frames)
{
    LIST_ENTRY dropped;
    KIRQL irql;

    if (Frames == 0 || Frames > NDISPROT_MAX_QUEUE_LENGTH)
        return STATUS_INVALID_PARAMETER;
    InitializeListHead(&dropped);
    KeAcquireSpinLock(&Open->Lock, &irql);
    Open->QueueLength = Frames;
    TrimQueue(Open, &dropped);
    KeReleaseSpinLock(&Open->Lock, irql);
    FreeFrameList(&dropped);
    return STATUS_SUCCESS;
}

VOID NdisprotGetStatistics(PNDISPROT_OPEN Open, PNDISPROT_STATISTICS Stats)
{
    KIRQL irql;

    ULONG64 discards;
    BOOLEAN known = NdisprotQueryReceiveDiscards(Open, &discards);

    KeAcquireSpinLock(&Open->Lock, &irql);
    *Stats = Open->Stats;
    Stats->QueuedFrames = Open->FrameCount;
    Stats->QueueLength = Open->QueueLength;
    Stats->AdapterReceiveDiscards = known && Open->DiscardsKnown ? discards - Open->DiscardsAtOpen
                                                                 : NDISPROT_STATISTIC_UNKNOWN;
    KeReleaseSpinLock(&Open->Lock, irql);
}

/* The adapter's receive discards (OID_GEN_RCV_DISCARDS, 64-bit or 32-bit
 * as the miniport answers).  PASSIVE_LEVEL: the OID is a round trip to the
 * miniport.  FALSE if it does not report them. */
BOOLEAN NdisprotQueryReceiveDiscards(PNDISPROT_OPEN Open, ULONG64 *Discards)
{
    ULONG64 value = 0;
    ULONG bytes = 0;
    NDIS_STATUS status = NkBindingOid(Open->Binding, NdisRequestQueryStatistics, OID_GEN_RCV_DISCARDS, &value,
                                      sizeof(value), &bytes);
    if (status != NDIS_STATUS_SUCCESS || (bytes != sizeof(ULONG) && bytes != sizeof(ULONG64)))
        return FALSE;
    *Discards = bytes == sizeof(ULONG) ? (ULONG)value : value;
    return TRUE;
}

/* Forwards a read or batched read to the open's queue - only while a file
 * has it open, checked under the lock the cleanup and unbind clear it
 * under, so nothing is queued after they purge - then serves it if frames
 * are waiting. */
static VOID QueueRead(NDISPROT_GLOBALS *Globals, WDFREQUEST Request)
{
    PNDISPROT_OPEN open = NdisprotOpenAcquire(Globals, WdfRequestGetFileObject(Request));
    NTSTATUS status = STATUS_INVALID_HANDLE;
    KIRQL irql;

    if (open == NULL)
        goto complete;
    KeAcquireSpinLock(&open->Lock, &irql);
    if (open->Receiving)
        status = WdfRequestForwardToIoQueue(Request, open->ReadQueue);
    KeReleaseSpinLock(&open->Lock, irql);
    if (NT_SUCCESS(status))
        NdisprotServiceReads(open);
    NdisprotOpenRelease(Globals, open);
    if (NT_SUCCESS(status))
        return;
complete:
    WdfRequestComplete(Request, status);
}

VOID NdisprotEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    NDISPROT_GLOBALS *globals = NdisprotGlobalsEnter();
    UNREFERENCED_PARAMETER(Queue);

    if (globals == NULL) {
        WdfRequestComplete(Request, STATUS_DELETE_PENDING);
        return;
    }
    if (Length == 0)
        WdfRequestComplete(Request, STATUS_BUFFER_TOO_SMALL);
    else
        QueueRead(globals, Request);
    NdisprotGlobalsLeave(globals);
}

VOID NdisprotReadBatch(NDISPROT_GLOBALS *Globals, WDFREQUEST Request, size_t OutputLength)
{
    if (OutputLength < sizeof(NDISPROT_FRAME_HEADER) + NDISPROT_ETH_HEADER)
        WdfRequestComplete(Request, STATUS_BUFFER_TOO_SMALL);
    else
        QueueRead(Globals, Request);
}
