/*
 * send.c - frames from writes to the adapter.
 *
 * A write carries one frame; a batched write (IOCTL_NDISPROT_WRITE_BATCH)
 * carries up to NDISPROT_MAX_BATCH_FRAMES, each with a result of its own.
 * Each frame is checked as the sample checks it - at least an Ethernet
 * header, at most MTU + header, and from a user-mode caller the adapter's
 * own source MAC - and sent as one NBL with NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK
 * (so a frame to our own MAC comes back to our reads).
 *
 * The source MAC is checked on bytes the caller can no longer change: a
 * write's frame is copied into pool first (direct I/O would leave it in
 * the caller's pages, where it could be rewritten after the check), and a
 * batched write's frames are in the I/O manager's system buffer already.
 *
 * Every NBL of a request carries the request's cancel ID, so cancelling
 * the request (CancelIoEx, or the thread exiting) asks NDIS to abort
 * whatever is still queued below us.  The request completes once every
 * NBL has come back, in SendComplete or from a refused send.
 */
#include "ndisprot.h"

/* What an NBL of ours carries, in its ProtocolReserved. */
#define NBL_REQUEST(Nbl) ((Nbl)->ProtocolReserved[0])  /* WDFREQUEST */
#define NBL_INDEX(Nbl) ((Nbl)->ProtocolReserved[1])    /* the record's index in a batch */
#define NBL_COPY(Nbl) ((Nbl)->ProtocolReserved[2])     /* pool copy of a write's frame, or NULL */

/* The checks a frame must pass before it is sent. */
static NTSTATUS CheckFrame(PNDISPROT_OPEN Open, const UCHAR *Frame, SIZE_T Length, KPROCESSOR_MODE Mode)
{
    if (Length < NDISPROT_ETH_HEADER)
        return STATUS_BUFFER_TOO_SMALL;
    if (Length > (SIZE_T)Open->MaxFrameSize + NDISPROT_ETH_HEADER)
        return STATUS_INVALID_BUFFER_SIZE;
    if (Mode == UserMode && RtlCompareMemory(Frame + 6, Open->Mac, 6) != 6)
        return STATUS_INVALID_PARAMETER; /* no spoofed source addresses from user mode */
    if (ReadAcquire(&Open->LowPower))
        return STATUS_DEVICE_NOT_READY; /* the adapter is in low power */
    return STATUS_SUCCESS;
}

/* A frame refused before sending counts as a send error. */
static VOID CountRefused(PNDISPROT_OPEN Open)
{
    KIRQL irql;
    KeAcquireSpinLock(&Open->Lock, &irql);
    Open->Stats.SendErrors++;
    KeReleaseSpinLock(&Open->Lock, irql);
}

static VOID FreeNbl(PNET_BUFFER_LIST Nbl)
{
    PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(Nbl));
    PVOID copy = NBL_COPY(Nbl);

    NdisFreeNetBufferList(Nbl);
    if (mdl != NULL)
        IoFreeMdl(mdl);
    if (copy != NULL)
        ExFreePoolWithTag(copy, NDISPROT_TAG);
}

/* An NBL for Length bytes at Data (non-paged, ours until it completes). */
static PNET_BUFFER_LIST AllocateNbl(PNDISPROT_OPEN Open, PNDISPROT_WRITE Write, WDFREQUEST Request, PUCHAR Data,
                                    ULONG Length, ULONG_PTR Index, PVOID Copy)
{
    PNET_BUFFER_LIST nbl;
    PMDL mdl;

    mdl = IoAllocateMdl(Data, Length, FALSE, FALSE, NULL);
    if (mdl == NULL)
        return NULL;
    MmBuildMdlForNonPagedPool(mdl);
    nbl = NdisAllocateNetBufferAndNetBufferList(Open->NblPool, 0, 0, mdl, 0, Length);
    if (nbl == NULL) {
        IoFreeMdl(mdl);
        return NULL;
    }
    nbl->SourceHandle = Open->Binding->Handle;
    NBL_REQUEST(nbl) = Request;
    NBL_INDEX(nbl) = (PVOID)Index;
    NBL_COPY(nbl) = Copy;
    NDIS_SET_NET_BUFFER_LIST_CANCEL_ID(nbl, Write->CancelId);
    return nbl;
}

static PVOID NewCancelId(NDISPROT_GLOBALS *Globals)
{
    ULONG64 n = (ULONG64)InterlockedIncrement64(&Globals->NextCancelId);
    return (PVOID)(ULONG_PTR)(((ULONG64)Globals->CancelIdPrefix << 56) | (n & 0x00FFFFFFFFFFFFFFull));
}

/* Every NBL is back (and the cancel routine, if it ran, is done): the
 * results go to the caller and the open's I/O reference is dropped. */
static VOID CompleteWrite(WDFREQUEST Request)
{
    PNDISPROT_WRITE w = NdisprotWriteGet(Request);
    NDISPROT_GLOBALS *globals = NdisprotGlobalsGet(WdfGetDriver());
    PNDISPROT_OPEN open = w->Open;
    ULONG_PTR information = 0;
    NTSTATUS status = ReadAcquire(&w->Sent) != 0 ? STATUS_SUCCESS : w->FirstError;

    if (w->Results != NULL) {
        PVOID out;
        /* The system buffer holds the frames until here: the results go
         * over them only now that nothing reads them any more. */
        if (NT_SUCCESS(WdfRequestRetrieveOutputBuffer(Request, (size_t)w->Frames * sizeof(LONG), &out, NULL))) {
            RtlCopyMemory(out, w->Results, (size_t)w->Frames * sizeof(LONG));
            information = (ULONG_PTR)w->Frames * sizeof(LONG);
        }
        ExFreePoolWithTag(w->Results, NDISPROT_TAG);
        w->Results = NULL;
    } else if (NT_SUCCESS(status)) {
        information = w->Bytes;
    }
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? information : 0);
    if (globals != NULL)
        NdisprotOpenRelease(globals, open);
}

/* The last NBL came back.  If the request was cancelable and its cancel
 * routine has run (or is about to), the second of the two completes it. */
static VOID LastNblDone(WDFREQUEST Request)
{
    PNDISPROT_WRITE w = NdisprotWriteGet(Request);

    if (w->Cancelable && WdfRequestUnmarkCancelable(Request) == STATUS_CANCELLED &&
        InterlockedIncrement(&w->CancelRace) != 2)
        return;
    CompleteWrite(Request);
}

static VOID EvtWriteCanceled(WDFREQUEST Request)
{
    PNDISPROT_WRITE w = NdisprotWriteGet(Request);

    /* The open cannot close under us: the request holds an I/O reference,
     * and the unbind waits for it. */
    NdisCancelSendNetBufferLists(w->Open->Binding->Handle, w->CancelId);
    if (InterlockedIncrement(&w->CancelRace) == 2)
        CompleteWrite(Request);
}

/* NBLs of ours are back (sent, failed, or refused before sending). */
static VOID NblsDone(PNDISPROT_OPEN Open, PNET_BUFFER_LIST Nbls)
{
    PNET_BUFFER_LIST next;

    for (PNET_BUFFER_LIST nbl = Nbls; nbl != NULL; nbl = next) {
        /* Everything we need from the NBL, before it is freed. */
        WDFREQUEST request = NBL_REQUEST(nbl);
        ULONG index = (ULONG)(ULONG_PTR)NBL_INDEX(nbl);
        ULONG bytes = NET_BUFFER_DATA_LENGTH(NET_BUFFER_LIST_FIRST_NB(nbl));
        NTSTATUS status = NdisprotNdisToNtStatus(NET_BUFFER_LIST_STATUS(nbl));
        PNDISPROT_WRITE w = NdisprotWriteGet(request);
        KIRQL irql;

        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
        FreeNbl(nbl);

        KeAcquireSpinLock(&Open->Lock, &irql);
        if (NT_SUCCESS(status)) {
            Open->Stats.FramesSent++;
            Open->Stats.BytesSent += bytes;
        } else {
            Open->Stats.SendErrors++;
        }
        KeReleaseSpinLock(&Open->Lock, irql);
        if (w->Results != NULL)
            w->Results[index] = status;
        if (NT_SUCCESS(status))
            InterlockedIncrement(&w->Sent);
        else
            InterlockedCompareExchange((volatile LONG *)&w->FirstError, status, STATUS_SUCCESS);
        if (InterlockedDecrement(&w->Outstanding) == 0)
            LastNblDone(request);
    }
}

VOID NdisprotSendComplete(PNK_BINDING Binding, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    UNREFERENCED_PARAMETER(Flags);
    NblsDone(NkBindingContext(Binding), Nbls);
}

/* Sends Chain (Count NBLs, all of Request) - or, if there are none, completes
 * the request now.  After this the request is no longer the caller's. */
static VOID SendChain(PNDISPROT_OPEN Open, WDFREQUEST Request, PNET_BUFFER_LIST Chain, ULONG Count)
{
    PNDISPROT_WRITE w = NdisprotWriteGet(Request);
    NDIS_STATUS status;

    if (Count == 0) {
        CompleteWrite(Request);
        return;
    }
    w->Outstanding = (LONG)Count;
    if (WdfRequestMarkCancelableEx(Request, EvtWriteCanceled) == STATUS_CANCELLED) {
        status = NDIS_STATUS_SEND_ABORTED; /* cancelled already: send nothing */
    } else {
        w->Cancelable = TRUE;
        status = NkBindingSend(Open->Binding, Chain, NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK);
        if (status == NDIS_STATUS_SUCCESS)
            return; /* back through NdisprotSendComplete, maybe already */
    }
    for (PNET_BUFFER_LIST nbl = Chain; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
        NET_BUFFER_LIST_STATUS(nbl) = status;
    NblsDone(Open, Chain);
}

/* The request's write context, with an I/O reference on the file's open.
 * On failure the request is completed here. */
static PNDISPROT_WRITE BeginWrite(NDISPROT_GLOBALS *Globals, WDFREQUEST Request)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    PNDISPROT_OPEN open;
    PNDISPROT_WRITE w;
    NTSTATUS status;

    open = NdisprotOpenAcquire(Globals, WdfRequestGetFileObject(Request));
    if (open == NULL) {
        WdfRequestComplete(Request, STATUS_INVALID_HANDLE);
        return NULL;
    }
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, NDISPROT_WRITE);
    status = WdfObjectAllocateContext(Request, &attributes, (PVOID *)&w);
    if (!NT_SUCCESS(status)) {
        NdisprotOpenRelease(Globals, open);
        WdfRequestComplete(Request, status);
        return NULL;
    }
    RtlZeroMemory(w, sizeof(*w));
    w->Open = open;
    w->CancelId = NewCancelId(Globals);
    w->FirstError = STATUS_SUCCESS;
    return w;
}

VOID NdisprotEvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    NDISPROT_GLOBALS *globals = NdisprotGlobalsEnter();
    PNET_BUFFER_LIST nbl = NULL;
    PNDISPROT_WRITE w;
    PUCHAR copy = NULL;
    PVOID data;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Queue);

    if (globals == NULL) {
        WdfRequestComplete(Request, STATUS_DELETE_PENDING);
        return;
    }
    w = BeginWrite(globals, Request);
    if (w == NULL)
        goto out;
    status = Length < NDISPROT_ETH_HEADER ? STATUS_BUFFER_TOO_SMALL
             : Length > (SIZE_T)w->Open->MaxFrameSize + NDISPROT_ETH_HEADER ? STATUS_INVALID_BUFFER_SIZE
                                                                              : STATUS_SUCCESS;
    if (NT_SUCCESS(status))
        status = WdfRequestRetrieveInputBuffer(Request, Length, &data, NULL);
    if (NT_SUCCESS(status)) {
        copy = ExAllocatePool2(POOL_FLAG_NON_PAGED, Length, NDISPROT_TAG);
        status = copy != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
    }
    if (NT_SUCCESS(status)) {
        RtlCopyMemory(copy, data, Length);
        status = CheckFrame(w->Open, copy, Length, WdfRequestGetRequestorMode(Request));
    }
    if (NT_SUCCESS(status)) {
        nbl = AllocateNbl(w->Open, w, Request, copy, (ULONG)Length, 0, copy);
        status = nbl != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
    }
    if (!NT_SUCCESS(status)) {
        if (copy != NULL)
            ExFreePoolWithTag(copy, NDISPROT_TAG);
        w->FirstError = status;
        CountRefused(w->Open);
        CompleteWrite(Request);
        goto out;
    }
    w->Bytes = Length;
    SendChain(w->Open, Request, nbl, 1);
out:
    NdisprotGlobalsLeave(globals);
}

VOID NdisprotWriteBatch(NDISPROT_GLOBALS *Globals, WDFREQUEST Request, size_t InputLength, size_t OutputLength)
{
    KPROCESSOR_MODE mode = WdfRequestGetRequestorMode(Request);
    PNET_BUFFER_LIST chain = NULL, *tail = &chain;
    ULONG frames = 0, sent = 0;
    PNDISPROT_WRITE w;
    PUCHAR buffer = NULL;
    SIZE_T offset;
    NTSTATUS status;

    w = BeginWrite(Globals, Request);
    if (w == NULL)
        return;
    /* The framing first, before anything is allocated or sent: every
     * record must lie inside the buffer, with its reserved fields zero. */
    status = InputLength < sizeof(NDISPROT_FRAME_HEADER)
                 ? STATUS_BUFFER_TOO_SMALL
                 : WdfRequestRetrieveInputBuffer(Request, InputLength, (PVOID *)&buffer, NULL);
    for (offset = 0; NT_SUCCESS(status) && offset < InputLength;) {
        const NDISPROT_FRAME_HEADER *h = (const NDISPROT_FRAME_HEADER *)(buffer + offset);
        if (InputLength - offset < sizeof(*h) || h->Length > InputLength - offset - sizeof(*h) ||
            h->OriginalLength != 0 || h->Timestamp != 0 || h->Flags != 0 || h->Reserved != 0 ||
            ++frames > NDISPROT_MAX_BATCH_FRAMES) {
            status = STATUS_INVALID_PARAMETER;
            break;
        }
        offset += NDISPROT_FRAME_RECORD_SIZE(h->Length);
    }
    if (NT_SUCCESS(status) && OutputLength < (SIZE_T)frames * sizeof(LONG))
        status = STATUS_BUFFER_TOO_SMALL;
    if (NT_SUCCESS(status)) {
        w->Results = ExAllocatePool2(POOL_FLAG_NON_PAGED, (SIZE_T)frames * sizeof(LONG), NDISPROT_TAG);
        if (w->Results == NULL)
            status = STATUS_INSUFFICIENT_RESOURCES;
    }
    if (!NT_SUCCESS(status)) {
        w->FirstError = status;
        CompleteWrite(Request); /* nothing sent */
        return;
    }

    w->Frames = frames;
    offset = 0;
    for (ULONG i = 0; i < frames; i++) {
        PNDISPROT_FRAME_HEADER h = (PNDISPROT_FRAME_HEADER)(buffer + offset);
        PNET_BUFFER_LIST nbl = NULL;

        status = CheckFrame(w->Open, NDISPROT_FRAME_DATA(h), h->Length, mode);
        if (NT_SUCCESS(status)) {
            nbl = AllocateNbl(w->Open, w, Request, NDISPROT_FRAME_DATA(h), h->Length, i, NULL);
            if (nbl == NULL)
                status = STATUS_INSUFFICIENT_RESOURCES;
        }
        w->Results[i] = status;
        if (nbl != NULL) {
            *tail = nbl;
            tail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
            sent++;
        } else {
            CountRefused(w->Open);
            w->FirstError = status;
        }
        offset += NDISPROT_FRAME_RECORD_SIZE(h->Length);
    }
    if (sent != 0)
        w->FirstError = STATUS_SUCCESS; /* from here, the sends' own failures */
    SendChain(w->Open, Request, chain, sent);
}
