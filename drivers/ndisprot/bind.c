/*
 * bind.c - ndisprot's NDIS side and the list of opens.
 *
 * The binding layer (<ndiskit/binding.h>) does the NDIS protocol work:
 * it opens every 802.3 adapter, keeps the pause/restart state, waits for
 * sends, held receives and OIDs before closing.  This file adds what
 * ndisprot needs per binding: an NBL pool, the read and status queues, the
 * adapter's names for IOCTL_NDISPROT_QUERY_BINDING, and the association
 * with the one file that opened it.
 *
 * Lock order: Globals.Lock, then an open's Lock.  Neither is held across a
 * call into NDIS or a wait.
 */
#include "ndisprot.h"

/* ---- opens and files ----------------------------------------------------------------- */

PNDISPROT_OPEN NdisprotOpenAcquire(NDISPROT_GLOBALS *Globals, WDFFILEOBJECT File)
{
    PNDISPROT_OPEN open;
    KIRQL irql;

    KeAcquireSpinLock(&Globals->Lock, &irql);
    open = NdisprotFileGet(File)->Open;
    if (open != NULL && !open->Unbinding)
        open->IoRefs++;
    else
        open = NULL;
    KeReleaseSpinLock(&Globals->Lock, irql);
    return open;
}

VOID NdisprotOpenRelease(NDISPROT_GLOBALS *Globals, PNDISPROT_OPEN Open)
{
    KIRQL irql;

    KeAcquireSpinLock(&Globals->Lock, &irql);
    if (--Open->IoRefs == 0 && Open->Unbinding)
        NkEventSet(&Open->IoDone);
    KeReleaseSpinLock(&Globals->Lock, irql);
}

NTSTATUS NdisprotNdisToNtStatus(NDIS_STATUS Status)
{
    switch (Status) {
    case NDIS_STATUS_SUCCESS:
        return STATUS_SUCCESS;
    case NDIS_STATUS_BUFFER_TOO_SHORT:
    case NDIS_STATUS_INVALID_LENGTH:
        return STATUS_BUFFER_TOO_SMALL;
    case NDIS_STATUS_NOT_SUPPORTED:
    case NDIS_STATUS_INVALID_OID:
        return STATUS_NOT_SUPPORTED;
    case NDIS_STATUS_RESOURCES:
    case NDIS_STATUS_MULTICAST_FULL:
        return STATUS_INSUFFICIENT_RESOURCES;
    case NDIS_STATUS_INVALID_DATA:
        return STATUS_INVALID_PARAMETER;
    case NDIS_STATUS_REQUEST_ABORTED: /* an OID request */
    case NDIS_STATUS_SEND_ABORTED:    /* a send (a different code) */
        return STATUS_CANCELLED;
    case NDIS_STATUS_PAUSED:
    case NDIS_STATUS_LOW_POWER_STATE:
        return STATUS_DEVICE_NOT_READY;
    case NDIS_STATUS_CLOSING:
    case NDIS_STATUS_ADAPTER_REMOVED:
        return STATUS_DEVICE_REMOVED;
    default:
        return STATUS_UNSUCCESSFUL;
    }
}

NTSTATUS NdisprotSetPacketFilter(PNDISPROT_OPEN Open, ULONG Filter)
{
    NDIS_STATUS status = NkBindingOid(Open->Binding, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER,
                                      &Filter, sizeof(Filter), NULL);
    return NdisprotNdisToNtStatus(status);
}

/* Adapter device names are "\DEVICE\{GUID}": ASCII.  Compared here, under
 * a spin lock, where RtlEqualUnicodeString (PASSIVE_LEVEL) may not run. */
static BOOLEAN SameDeviceName(PCUNICODE_STRING A, PCUNICODE_STRING B)
{
    if (A->Length != B->Length)
        return FALSE;
    for (USHORT i = 0; i < A->Length / sizeof(WCHAR); i++) {
        WCHAR a = A->Buffer[i], b = B->Buffer[i];
        if (a >= L'a' && a <= L'z')
            a = (WCHAR)(a - (L'a' - L'A'));
        if (b >= L'a' && b <= L'z')
            b = (WCHAR)(b - (L'a' - L'A'));
        if (a != b)
            return FALSE;
    }
    return TRUE;
}

/* IOCTL_NDISPROT_OPEN_DEVICE: associate File with the adapter named Name. */
NTSTATUS NdisprotOpenDevice(NDISPROT_GLOBALS *Globals, WDFFILEOBJECT File, PCWCH Name, SIZE_T NameBytes)
{
    PNDISPROT_FILE file = NdisprotFileGet(File);
    PNDISPROT_OPEN open = NULL;
    UNICODE_STRING name;
    NTSTATUS status;
    ULONG64 discards = 0;
    BOOLEAN known;
    KIRQL irql;

    /* UTF-16, a trailing NUL optional (clients of the sample send either). */
    NameBytes &= ~(SIZE_T)1;
    while (NameBytes >= sizeof(WCHAR) && Name[NameBytes / sizeof(WCHAR) - 1] == L'\0')
        NameBytes -= sizeof(WCHAR);
    if (NameBytes == 0 || NameBytes > MAXUSHORT)
        return STATUS_INVALID_PARAMETER;
    name.Buffer = (PWCH)Name;
    name.Length = name.MaximumLength = (USHORT)NameBytes;

    KeAcquireSpinLock(&Globals->Lock, &irql);
    if (file->Open != NULL) {
        status = STATUS_DEVICE_BUSY; /* this handle is bound already */
        goto unlock;
    }
    status = STATUS_OBJECT_NAME_NOT_FOUND;
    for (PLIST_ENTRY e = Globals->Opens.Flink; e != &Globals->Opens; e = e->Flink) {
        PNDISPROT_OPEN o = CONTAINING_RECORD(e, NDISPROT_OPEN, Link);
        if (!o->Unbinding && SameDeviceName(&o->DeviceName, &name)) {
            open = o;
            break;
        }
    }
    if (open == NULL)
        goto unlock;
    if (open->File != NULL) {
        open = NULL;
        status = STATUS_DEVICE_BUSY; /* another handle has this adapter */
        goto unlock;
    }
    open->File = File;
    file->Open = open;
    open->IoRefs++; /* held while we set it up */
    status = STATUS_SUCCESS;
unlock:
    KeReleaseSpinLock(&Globals->Lock, irql);
    if (open == NULL)
        return status;

    NdisprotResetSettings(open);
    /* The adapter's discard counter is global; this open's statistics
     * report what it discarded from now on. */
    known = NdisprotQueryReceiveDiscards(open, &discards);
    KeAcquireSpinLock(&open->Lock, &irql);
    open->DiscardsAtOpen = discards;
    open->DiscardsKnown = known;
    open->Receiving = TRUE;
    KeReleaseSpinLock(&open->Lock, irql);
    status = NdisprotSetPacketFilter(open, NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST |
                                               NDIS_PACKET_TYPE_BROADCAST);
    if (!NT_SUCCESS(status)) {
        /* Undo: the handle stays unbound, the adapter free for another. */
        KeAcquireSpinLock(&open->Lock, &irql);
        open->Receiving = FALSE;
        KeReleaseSpinLock(&open->Lock, irql);
        NdisprotFlushFrames(open);
        KeAcquireSpinLock(&Globals->Lock, &irql);
        if (file->Open == open) {
            file->Open = NULL;
            open->File = NULL;
        }
        KeReleaseSpinLock(&Globals->Lock, irql);
        NkLogWarning("%wZ: packet filter: 0x%08x", &open->DeviceName, (unsigned)status);
    }
    NdisprotOpenRelease(Globals, open);
    return status;
}

/* Empties both manual queues (pending requests complete STATUS_CANCELLED)
 * and, unless the open is going, starts them again for the next file. */
static VOID PurgeQueues(PNDISPROT_OPEN Open, BOOLEAN Restart)
{
    WdfIoQueuePurgeSynchronously(Open->ReadQueue);
    WdfIoQueuePurgeSynchronously(Open->StatusQueue);
    if (Restart) {
        WdfIoQueueStart(Open->ReadQueue);
        WdfIoQueueStart(Open->StatusQueue);
    }
}

/* The last handle to File is closed: release its adapter, as the sample
 * does - pending reads and status requests cancelled, the packet filter
 * back to 0, the multicast list the user joined emptied, queued frames
 * freed, the settings back to their defaults.
 *
 * The adapter stays File's (open->File) until all of that is done: were it
 * marked free first, another handle's OPEN_DEVICE could take it in the
 * meantime and have its filter zeroed, its reads purged and its settings
 * reset by this cleanup.  It gets STATUS_DEVICE_BUSY instead, as for any
 * adapter in use. */
VOID NdisprotFileCleanup(NDISPROT_GLOBALS *Globals, WDFFILEOBJECT File)
{
    PNDISPROT_FILE file = NdisprotFileGet(File);
    PNDISPROT_OPEN open;
    KIRQL irql;

    KeAcquireSpinLock(&Globals->Lock, &irql);
    open = file->Open;
    file->Open = NULL; /* this handle's I/O fails from here */
    if (open != NULL) {
        if (open->Unbinding) {
            open->File = NULL;
            open = NULL; /* the unbind is doing it */
        } else {
            open->IoRefs++;
        }
    }
    KeReleaseSpinLock(&Globals->Lock, irql);
    if (open == NULL)
        return;

    KeAcquireSpinLock(&open->Lock, &irql);
    open->Receiving = FALSE;
    KeReleaseSpinLock(&open->Lock, irql);
    PurgeQueues(open, TRUE);
    (void)NdisprotSetPacketFilter(open, 0);
    /* An empty list: NDIS keeps each open's, and the next user of this
     * adapter must not inherit this one's groups. */
    (void)NkBindingOid(open->Binding, NdisRequestSetInformation, OID_802_3_MULTICAST_LIST, NULL, 0, NULL);
    NdisprotFlushFrames(open);
    NdisprotResetSettings(open);
    /* Reset: now the adapter is free (unless an unbind detached it meanwhile). */
    KeAcquireSpinLock(&Globals->Lock, &irql);
    if (open->File == File)
        open->File = NULL;
    KeReleaseSpinLock(&Globals->Lock, irql);
    NdisprotOpenRelease(Globals, open);
}

/* IOCTL_NDISPROT_QUERY_BINDING: the Index'th binding's device name and
 * description, each NUL-terminated, after the fixed structure. */
NTSTATUS NdisprotQueryBinding(NDISPROT_GLOBALS *Globals, PUCHAR Buffer, SIZE_T InLength, SIZE_T Length,
                              PULONG_PTR Information)
{
    PNDISPROT_QUERY_BINDING q = (PNDISPROT_QUERY_BINDING)Buffer;
    ULONG index, i = 0;
    NTSTATUS status = STATUS_NO_MORE_ENTRIES;
    KIRQL irql;

    *Information = 0;
    if (InLength < sizeof(*q) || Length < sizeof(*q))
        return STATUS_BUFFER_TOO_SMALL;
    index = q->BindingIndex;
    KeAcquireSpinLock(&Globals->Lock, &irql);
    for (PLIST_ENTRY e = Globals->Opens.Flink; e != &Globals->Opens; e = e->Flink) {
        PNDISPROT_OPEN o = CONTAINING_RECORD(e, NDISPROT_OPEN, Link);
        SIZE_T nameBytes, descrBytes, need;
        if (o->Unbinding || i++ != index)
            continue;
        nameBytes = o->DeviceName.Length + sizeof(WCHAR);
        descrBytes = o->Description.Length + sizeof(WCHAR);
        need = sizeof(*q) + nameBytes + descrBytes;
        if (Length < need) {
            status = STATUS_BUFFER_OVERFLOW;
            break;
        }
        RtlZeroMemory(Buffer, need);
        q->BindingIndex = index;
        q->DeviceNameOffset = sizeof(*q);
        q->DeviceNameLength = o->DeviceName.Length;
        RtlCopyMemory(Buffer + q->DeviceNameOffset, o->DeviceName.Buffer, o->DeviceName.Length);
        q->DeviceDescrOffset = (ULONG)(sizeof(*q) + nameBytes);
        q->DeviceDescrLength = o->Description.Length;
        if (o->Description.Length != 0)
            RtlCopyMemory(Buffer + q->DeviceDescrOffset, o->Description.Buffer, o->Description.Length);
        *Information = need;
        status = STATUS_SUCCESS;
        break;
    }
    KeReleaseSpinLock(&Globals->Lock, irql);
    return status;
}

/* ---- the binding layer's callbacks --------------------------------------------------- */

static VOID FreeOpen(PNDISPROT_OPEN Open)
{
    if (Open->ReadQueue != NULL) {
        WdfObjectDelete(Open->ReadQueue);
        Open->ReadQueue = NULL;
    }
    if (Open->StatusQueue != NULL) {
        WdfObjectDelete(Open->StatusQueue);
        Open->StatusQueue = NULL;
    }
    if (Open->NblPool != NULL) {
        NdisFreeNetBufferListPool(Open->NblPool);
        Open->NblPool = NULL;
    }
    if (Open->DeviceName.Buffer != NULL) {
        ExFreePoolWithTag(Open->DeviceName.Buffer, NDISPROT_TAG);
        Open->DeviceName.Buffer = NULL;
    }
    if (Open->Description.Buffer != NULL) {
        NdisFreeMemory(Open->Description.Buffer, 0, 0);
        Open->Description.Buffer = NULL;
    }
}

static NTSTATUS CreateManualQueue(WDFDEVICE Device, WDFQUEUE *Queue)
{
    WDF_IO_QUEUE_CONFIG config;
    WDF_IO_QUEUE_CONFIG_INIT(&config, WdfIoQueueDispatchManual);
    return WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, Queue);
}

/* PASSIVE_LEVEL, binding Paused and open. */
static NTSTATUS Bound(PNK_BINDING Binding, PNDIS_BIND_PARAMETERS Parameters)
{
    PNDISPROT_OPEN open = NkBindingContext(Binding);
    NDISPROT_GLOBALS *globals = Binding->Protocol->DriverContext;
    NET_BUFFER_LIST_POOL_PARAMETERS pool;
    USHORT nameBytes = Parameters->AdapterName != NULL ? Parameters->AdapterName->Length : 0;
    NTSTATUS status;
    KIRQL irql;

    RtlZeroMemory(open, sizeof(*open));
    open->Binding = Binding;
    KeInitializeSpinLock(&open->Lock);
    InitializeListHead(&open->Frames);
    NkEventInit(&open->IoDone, FALSE, FALSE);
    RtlCopyMemory(open->Mac, Binding->Mac, sizeof(open->Mac));
    open->MaxFrameSize = Binding->Mtu;
    NdisprotResetSettings(open);

    if (nameBytes == 0)
        return STATUS_INVALID_PARAMETER;
    open->DeviceName.Buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, nameBytes, NDISPROT_TAG);
    if (open->DeviceName.Buffer == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    RtlCopyMemory(open->DeviceName.Buffer, Parameters->AdapterName->Buffer, nameBytes);
    open->DeviceName.Length = open->DeviceName.MaximumLength = nameBytes;
    /* The friendly name is only for display: a bind does not fail without it. */
    if (NdisQueryAdapterInstanceName(&open->Description, Binding->Handle) != NDIS_STATUS_SUCCESS)
        RtlZeroMemory(&open->Description, sizeof(open->Description));

    NkNblPoolParametersInit(&pool, NDISPROT_NBL_POOL_TAG);
    open->NblPool = NdisAllocateNetBufferListPool(Binding->Handle, &pool);
    if (open->NblPool == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    status = CreateManualQueue(globals->ControlDevice, &open->ReadQueue);
    if (NT_SUCCESS(status))
        status = CreateManualQueue(globals->ControlDevice, &open->StatusQueue);
    if (!NT_SUCCESS(status))
        goto fail;

    KeAcquireSpinLock(&globals->Lock, &irql);
    InsertTailList(&globals->Opens, &open->Link);
    open->Listed = TRUE;
    KeReleaseSpinLock(&globals->Lock, irql);
    NkLogInfo("bound to %wZ (%wZ), MTU %lu", &open->DeviceName, &open->Description, open->MaxFrameSize);
    return STATUS_SUCCESS;

fail:
    FreeOpen(open);
    NkLogWarning("bind failed: 0x%08x", (unsigned)status);
    return status;
}

/* PASSIVE_LEVEL, binding Closing.  Detach the file, cancel what waits,
 * wait for every I/O path (and write in flight) still using the open. */
static VOID Unbinding(PNK_BINDING Binding)
{
    PNDISPROT_OPEN open = NkBindingContext(Binding);
    NDISPROT_GLOBALS *globals = Binding->Protocol->DriverContext;
    BOOLEAN wait;
    KIRQL irql;

    KeAcquireSpinLock(&globals->Lock, &irql);
    if (open->Listed) {
        RemoveEntryList(&open->Link);
        open->Listed = FALSE;
    }
    open->Unbinding = TRUE;
    if (open->File != NULL) {
        NdisprotFileGet(open->File)->Open = NULL; /* the handle's I/O now fails STATUS_INVALID_HANDLE */
        open->File = NULL;
    }
    wait = open->IoRefs != 0;
    KeReleaseSpinLock(&globals->Lock, irql);

    KeAcquireSpinLock(&open->Lock, &irql);
    open->Receiving = FALSE;
    KeReleaseSpinLock(&open->Lock, irql);
    PurgeQueues(open, FALSE);
    if (wait)
        NkEventWait(&open->IoDone, NK_WAIT_FOREVER);
    NdisprotFlushFrames(open);
    NkLogInfo("unbinding from %wZ", &open->DeviceName);
    FreeOpen(open);
}

/* Only between Bound and Unbinding (the binding layer's window), so the
 * open is whole while this runs. */
static VOID Status(PNK_BINDING Binding, PNDIS_STATUS_INDICATION Indication)
{
    NdisprotStatusIndicate(NkBindingContext(Binding), Indication);
}

static NDIS_STATUS PnpEvent(PNK_BINDING Binding, PNET_PNP_EVENT_NOTIFICATION Event)
{
    PNDISPROT_OPEN open;

    if (Binding == NULL)
        return NDIS_STATUS_SUCCESS; /* protocol-wide: BindsComplete is the layer's */
    open = NkBindingContext(Binding);
    if (Event->NetPnPEvent.NetEvent == NetEventSetPower &&
        Event->NetPnPEvent.BufferLength >= sizeof(NET_DEVICE_POWER_STATE) && Event->NetPnPEvent.Buffer != NULL) {
        NET_DEVICE_POWER_STATE state = *(PNET_DEVICE_POWER_STATE)Event->NetPnPEvent.Buffer;
        /* Both ways: writes fail in low power and work again in D0. */
        InterlockedExchange(&open->LowPower, state != NetDeviceStateD0);
        if (state != NetDeviceStateD0)
            NdisprotFlushFrames(open);
    }
    return NDIS_STATUS_SUCCESS;
}

const NK_PROTOCOL_CALLBACKS NdisprotProtocol = {
    .BindingContextSize = sizeof(NDISPROT_OPEN),
    .Bound = Bound,
    .Unbinding = Unbinding,
    .Receive = NdisprotReceive,
    .SendComplete = NdisprotSendComplete,
    .Status = Status,
    .PnpEvent = PnpEvent,
};
