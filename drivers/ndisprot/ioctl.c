/*
 * ioctl.c - ndisprot's IOCTLs: the sample's six, and ndiskit's extensions
 * (protuser.h).
 *
 * All are METHOD_BUFFERED except the batched read, so the buffers are the
 * I/O manager's copies: each handler checks the lengths before reading a
 * field, reads a field once, and returns as Information only bytes it
 * wrote.  Handlers that need an adapter take an I/O reference on the
 * file's open for as long as they use it; without one they fail with
 * STATUS_INVALID_HANDLE (no OPEN_DEVICE yet, or the adapter went away;
 * STATUS_DEVICE_NOT_CONNECTED for the sample's two OID IOCTLs).
 */
#include "ndisprot.h"

/* The sample lets user mode set only 802.11 OIDs and the multicast list:
 * everything else (the packet filter above all) is the driver's to manage. */
static BOOLEAN SetOidAllowed(ULONG Oid)
{
    return (Oid & 0xFFFF0000u) == 0x0D010000u || (Oid & 0xFFFF0000u) == 0x0D020000u ||
           Oid == OID_802_3_MULTICAST_LIST;
}

static NTSTATUS QueryOid(PNDISPROT_OPEN Open, PUCHAR Buffer, size_t InLength, size_t OutLength,
                         PULONG_PTR Information)
{
    PNDISPROT_QUERY_OID q = (PNDISPROT_QUERY_OID)Buffer;
    ULONG offset = FIELD_OFFSET(NDISPROT_QUERY_OID, Data);
    ULONG oid, bytes = 0;
    NDIS_STATUS status;

    if (InLength < offset || OutLength < sizeof(*q))
        return STATUS_BUFFER_TOO_SMALL;
    if (OutLength - offset > MAXULONG)
        return STATUS_INVALID_PARAMETER;
    oid = q->Oid;
    if (q->PortNumber != NDIS_DEFAULT_PORT_NUMBER)
        return STATUS_NOT_SUPPORTED; /* the binding layer queries the default port only */
    status = NkBindingOid(Open->Binding, NdisRequestQueryInformation, oid, q->Data, (ULONG)(OutLength - offset),
                          &bytes);
    if (status != NDIS_STATUS_SUCCESS)
        return NdisprotNdisToNtStatus(status);
    *Information = offset + bytes; /* bytes is clamped to the buffer by the binding layer */
    return STATUS_SUCCESS;
}

static NTSTATUS SetOid(PNDISPROT_OPEN Open, PUCHAR Buffer, size_t InLength)
{
    PNDISPROT_SET_OID s = (PNDISPROT_SET_OID)Buffer;
    ULONG offset = FIELD_OFFSET(NDISPROT_SET_OID, Data);
    ULONG oid;
    NDIS_STATUS status;

    if (InLength < offset)
        return STATUS_BUFFER_TOO_SMALL;
    if (InLength - offset > MAXULONG)
        return STATUS_INVALID_PARAMETER;
    oid = s->Oid;
    if (!SetOidAllowed(oid))
        return STATUS_INVALID_PARAMETER;
    if (s->PortNumber != NDIS_DEFAULT_PORT_NUMBER)
        return STATUS_NOT_SUPPORTED;
    status = NkBindingOid(Open->Binding, NdisRequestSetInformation, oid, s->Data, (ULONG)(InLength - offset), NULL);
    return NdisprotNdisToNtStatus(status);
}

static NTSTATUS SetPromiscuous(PNDISPROT_OPEN Open, PUCHAR Buffer, size_t InLength)
{
    ULONG filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_BROADCAST;
    ULONG enable;
    NTSTATUS status;
    KIRQL irql;

    if (InLength < sizeof(ULONG))
        return STATUS_BUFFER_TOO_SMALL;
    enable = *(PULONG)Buffer;
    if (enable > 1)
        return STATUS_INVALID_PARAMETER;
    if (enable)
        filter |= NDIS_PACKET_TYPE_PROMISCUOUS;
    status = NdisprotSetPacketFilter(Open, filter);
    if (NT_SUCCESS(status)) {
        KeAcquireSpinLock(&Open->Lock, &irql);
        Open->Promiscuous = (BOOLEAN)enable;
        KeReleaseSpinLock(&Open->Lock, irql);
    }
    return status;
}

/* A status indication for the open: completes one waiting INDICATE_STATUS
 * request with the code and as much of the status buffer as fits
 * (STATUS_BUFFER_OVERFLOW if not all of it did).
 *
 * NDIS may indicate status while the binding is being unbound, but the
 * binding layer calls this only between Bound's success and Unbinding,
 * never during either: the status queue exists for all of it.  (A NULL
 * check here would not do: Unbinding deletes the queue on another thread
 * between the check and the use.) */
VOID NdisprotStatusIndicate(PNDISPROT_OPEN Open, PNDIS_STATUS_INDICATION Indication)
{
    PNDISPROT_INDICATE_STATUS out;
    WDFREQUEST request;
    size_t capacity;
    ULONG copied;
    NTSTATUS status;

    if (!NT_SUCCESS(WdfIoQueueRetrieveNextRequest(Open->StatusQueue, &request)))
        return; /* nobody is waiting: the sample drops it too */
    status = WdfRequestRetrieveOutputBuffer(request, sizeof(*out), (PVOID *)&out, &capacity);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(request, status);
        return;
    }
    copied = Indication->StatusBufferSize;
    if (Indication->StatusBuffer == NULL)
        copied = 0;
    if (copied > capacity - sizeof(*out)) {
        copied = (ULONG)(capacity - sizeof(*out));
        status = STATUS_BUFFER_OVERFLOW;
    }
    out->IndicatedStatus = (ULONG)Indication->StatusCode;
    out->StatusBufferOffset = sizeof(*out);
    out->StatusBufferLength = copied;
    if (copied != 0)
        RtlCopyMemory(out + 1, Indication->StatusBuffer, copied);
    WdfRequestCompleteWithInformation(request, status, sizeof(*out) + copied);
}

static NTSTATUS QueueStatusRequest(PNDISPROT_OPEN Open, WDFREQUEST Request, size_t OutLength)
{
    NTSTATUS status = STATUS_INVALID_HANDLE;
    KIRQL irql;

    if (OutLength < sizeof(NDISPROT_INDICATE_STATUS))
        return STATUS_BUFFER_TOO_SMALL;
    KeAcquireSpinLock(&Open->Lock, &irql);
    if (Open->Receiving)
        status = WdfRequestForwardToIoQueue(Request, Open->StatusQueue);
    KeReleaseSpinLock(&Open->Lock, irql);
    return NT_SUCCESS(status) ? STATUS_PENDING : status;
}

/* The IOCTLs that work on the file's open.  STATUS_PENDING: the request
 * was queued and is no longer ours. */
static NTSTATUS OpenIoctl(NDISPROT_GLOBALS *Globals, WDFREQUEST Request, ULONG Code, PUCHAR Buffer,
                          size_t InLength, size_t OutLength, PULONG_PTR Information)
{
    PNDISPROT_OPEN open = NdisprotOpenAcquire(Globals, WdfRequestGetFileObject(Request));
    NTSTATUS status;

    /* The sample answers an OID request on a handle without an adapter
     * with STATUS_DEVICE_NOT_CONNECTED; the extensions use
     * STATUS_INVALID_HANDLE, as reads and writes do. */
    if (open == NULL)
        return Code == IOCTL_NDISPROT_QUERY_OID_VALUE || Code == IOCTL_NDISPROT_SET_OID_VALUE
                   ? STATUS_DEVICE_NOT_CONNECTED
                   : STATUS_INVALID_HANDLE;
    switch (Code) {
    case IOCTL_NDISPROT_QUERY_OID_VALUE:
        status = QueryOid(open, Buffer, InLength, OutLength, Information);
        break;
    case IOCTL_NDISPROT_SET_OID_VALUE:
        status = SetOid(open, Buffer, InLength);
        break;
    case IOCTL_NDISPROT_INDICATE_STATUS:
        status = QueueStatusRequest(open, Request, OutLength);
        break;
    case IOCTL_NDISPROT_SET_ETHERTYPES:
        status = NdisprotSetEtherTypes(open, Buffer, InLength);
        break;
    case IOCTL_NDISPROT_SET_PROMISCUOUS:
        status = SetPromiscuous(open, Buffer, InLength);
        break;
    case IOCTL_NDISPROT_SET_QUEUE_LENGTH:
        status = InLength < sizeof(ULONG) ? STATUS_BUFFER_TOO_SMALL : NdisprotSetQueueLength(open, *(PULONG)Buffer);
        break;
    case IOCTL_NDISPROT_GET_STATISTICS:
        /* A client built against the first version passes its 72 bytes:
         * it gets those, and the appended fields only if it has room. */
        if (OutLength < NDISPROT_STATISTICS_V1_SIZE) {
            status = STATUS_BUFFER_TOO_SMALL;
        } else {
            NDISPROT_STATISTICS stats;
            SIZE_T size = OutLength < sizeof(stats) ? OutLength : sizeof(stats);
            NdisprotGetStatistics(open, &stats);
            RtlCopyMemory(Buffer, &stats, size);
            *Information = size;
            status = STATUS_SUCCESS;
        }
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    NdisprotOpenRelease(Globals, open);
    return status;
}

VOID NdisprotEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                                size_t InputBufferLength, ULONG IoControlCode)
{
    NDISPROT_GLOBALS *globals = NdisprotGlobalsEnter();
    ULONG_PTR information = 0;
    PUCHAR buffer = NULL;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Queue);

    if (globals == NULL) {
        WdfRequestComplete(Request, STATUS_DELETE_PENDING);
        return;
    }
    /* METHOD_BUFFERED: one system buffer, max(in, out) bytes, for both. */
    if (METHOD_FROM_CTL_CODE(IoControlCode) == METHOD_BUFFERED &&
        (InputBufferLength != 0 || OutputBufferLength != 0)) {
        size_t length;
        status = InputBufferLength != 0 ? WdfRequestRetrieveInputBuffer(Request, 0, (PVOID *)&buffer, &length)
                                        : WdfRequestRetrieveOutputBuffer(Request, 0, (PVOID *)&buffer, &length);
        if (!NT_SUCCESS(status))
            goto complete;
    }

    switch (IoControlCode) {
    case IOCTL_NDISPROT_BIND_WAIT:
        status = NkProtocolWaitBindsComplete(&globals->Core.Protocol, NDISPROT_BIND_WAIT_MS);
        if (status == STATUS_TIMEOUT)
            status = STATUS_IO_TIMEOUT; /* an error, as the sample's caller expects one */
        break;
    case IOCTL_NDISPROT_QUERY_BINDING:
        status = buffer == NULL ? STATUS_BUFFER_TOO_SMALL
                                : NdisprotQueryBinding(globals, buffer, InputBufferLength, OutputBufferLength,
                                                       &information);
        break;
    case IOCTL_NDISPROT_OPEN_DEVICE:
        status = buffer == NULL ? STATUS_INVALID_PARAMETER
                                : NdisprotOpenDevice(globals, WdfRequestGetFileObject(Request), (PCWCH)buffer,
                                                     InputBufferLength);
        break;
    case IOCTL_NDISPROT_READ_BATCH:
        NdisprotReadBatch(globals, Request, OutputBufferLength);
        goto out;
    case IOCTL_NDISPROT_WRITE_BATCH:
        NdisprotWriteBatch(globals, Request, InputBufferLength, OutputBufferLength);
        goto out;
    case IOCTL_NDISPROT_QUERY_OID_VALUE:
    case IOCTL_NDISPROT_SET_OID_VALUE:
    case IOCTL_NDISPROT_INDICATE_STATUS:
    case IOCTL_NDISPROT_SET_ETHERTYPES:
    case IOCTL_NDISPROT_SET_PROMISCUOUS:
    case IOCTL_NDISPROT_SET_QUEUE_LENGTH:
    case IOCTL_NDISPROT_GET_STATISTICS:
        /* Each checks its lengths before it touches buffer (NULL when both are 0). */
        status = OpenIoctl(globals, Request, IoControlCode, buffer, InputBufferLength, OutputBufferLength,
                           &information);
        if (status == STATUS_PENDING)
            goto out;
        break;
    default:
        status = STATUS_NOT_SUPPORTED; /* as the sample answers an unknown code */
        break;
    }
complete:
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? information : 0);
out:
    NdisprotGlobalsLeave(globals);
}
