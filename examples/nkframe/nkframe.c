/*
 * nkframe.c - the driver of README's "Writing a driver with ndiskit",
 * built and run exactly as the walkthrough says (examples/nkframe/
 * CMakeLists.txt; the test example.nkframe runs it).
 *
 * A KMDF control device, \\.\NkFrame, over an NDIS protocol on the binding
 * layer: WriteFile sends one Ethernet frame on the first adapter bound
 * (with NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK, so the sender sees it too);
 * ReadFile returns the last frame received (0 bytes before the first).
 */
#define NK_LOG_PREFIX "nkframe: "
#include <ntddk.h>
#include <wdf.h>
#include <wdmsec.h>
#include <ndiskit/context.h>
#include <ndiskit/driver.h>
#include <ndiskit/log.h>
#include <ndiskit/mdl.h>

#define NKFRAME_TAG 'rFkN'
#define NKFRAME_MIN 14u   /* an Ethernet header */
#define NKFRAME_MAX 1514u /* header + MTU 1500 */

DRIVER_INITIALIZE DriverEntry;

/* Driver-wide state: a typed context on the WDFDRIVER. */
typedef struct {
    NK_DRIVER_CORE Core;   /* users, protocol, threads: taken down in that order */
    KSPIN_LOCK Lock;       /* Binding */
    PNK_BINDING Binding;   /* the adapter writes go to, NULL while none */
    KSPIN_LOCK RxLock;     /* Last, LastLength (apart: a loopback receive can run inside a send) */
    ULONG LastLength;
    ULONG Received;
    UCHAR Last[NKFRAME_MAX];
} DRIVER_CTX;
NK_CONTEXT_TYPE(DRIVER_CTX, DriverCtx)

/* Per binding: the NBL pool its sends come from. */
typedef struct {
    NDIS_HANDLE NblPool;
} BINDING_CTX;

static NTSTATUS InitDriverCtx(WDFOBJECT Driver, DRIVER_CTX *Ctx, PVOID Argument)
{
    UNREFERENCED_PARAMETER(Driver);
    UNREFERENCED_PARAMETER(Argument);
    NkDriverCoreInit(&Ctx->Core);
    KeInitializeSpinLock(&Ctx->Lock);
    KeInitializeSpinLock(&Ctx->RxLock);
    return STATUS_SUCCESS;
}

/* NK_CONTEXT_TYPE(DRIVER_CTX, DriverCtx) declares DriverCtxDrop; we define
 * it.  It runs last, from the driver object's EvtDestroy, when nothing
 * else can reach the context: the unload has unbound every adapter. */
VOID DriverCtxDrop(WDFOBJECT Driver, DRIVER_CTX *Ctx)
{
    UNREFERENCED_PARAMETER(Driver);
    NkLogInfo("unloaded after %lu frame(s) received", Ctx->Received);
}

/* ---- NDIS: the binding layer's callbacks ---------------------------------- */

/* PASSIVE_LEVEL, the binding Paused and open. */
static NTSTATUS Bound(PNK_BINDING Binding, PNDIS_BIND_PARAMETERS Parameters)
{
    DRIVER_CTX *ctx = Binding->Protocol->DriverContext;
    BINDING_CTX *b = NkBindingContext(Binding);
    NET_BUFFER_LIST_POOL_PARAMETERS pool;
    ULONG filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
    KIRQL irql;

    RtlZeroMemory(&pool, sizeof(pool));
    pool.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    pool.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    pool.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    pool.ProtocolId = NDIS_PROTOCOL_ID_DEFAULT;
    pool.fAllocateNetBuffer = TRUE; /* one NET_BUFFER comes with each NBL */
    pool.PoolTag = NKFRAME_TAG;
    b->NblPool = NdisAllocateNetBufferListPool(Binding->Handle, &pool);
    if (b->NblPool == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (NkBindingOid(Binding, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof(filter),
                     NULL) != NDIS_STATUS_SUCCESS) {
        NdisFreeNetBufferListPool(b->NblPool);
        return STATUS_UNSUCCESSFUL;
    }
    KeAcquireSpinLock(&ctx->Lock, &irql);
    if (ctx->Binding == NULL)
        ctx->Binding = Binding;
    KeReleaseSpinLock(&ctx->Lock, irql);
    NkLogInfo("bound to %wZ", Parameters->AdapterName);
    return STATUS_SUCCESS;
}

/* PASSIVE_LEVEL, the binding Closing: no write can start a send on it any
 * more, and the pause before the unbind waited for the sends in flight. */
static VOID Unbinding(PNK_BINDING Binding)
{
    DRIVER_CTX *ctx = Binding->Protocol->DriverContext;
    BINDING_CTX *b = NkBindingContext(Binding);
    KIRQL irql;

    KeAcquireSpinLock(&ctx->Lock, &irql);
    if (ctx->Binding == Binding)
        ctx->Binding = NULL;
    KeReleaseSpinLock(&ctx->Lock, irql);
    NdisFreeNetBufferListPool(b->NblPool);
}

/* <= DISPATCH_LEVEL: keep a copy of the first NET_BUFFER of each NBL. */
static VOID Receive(PNK_BINDING Binding, PNET_BUFFER_LIST Nbls, ULONG Count, ULONG Flags)
{
    DRIVER_CTX *ctx = Binding->Protocol->DriverContext;
    PNET_BUFFER_LIST nbl;
    KIRQL irql;

    UNREFERENCED_PARAMETER(Count);
    for (nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
        PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl);
        NK_MDL_SPAN span = NkMdlSpanFromNb(nb);
        ULONG n = NET_BUFFER_DATA_LENGTH(nb) < NKFRAME_MAX ? NET_BUFFER_DATA_LENGTH(nb) : NKFRAME_MAX;
        KeAcquireSpinLock(&ctx->RxLock, &irql);
        if (NT_SUCCESS(NkMdlCopySpanToFlat(ctx->Last, n, &span, NULL))) {
            ctx->LastLength = n;
            ctx->Received++;
        }
        KeReleaseSpinLock(&ctx->RxLock, irql);
    }
    /* Without NDIS_RECEIVE_FLAGS_RESOURCES the NBLs are ours until returned. */
    if (!NDIS_TEST_RECEIVE_CANNOT_PEND(Flags))
        NkBindingReturn(Binding, Nbls, NDIS_TEST_RECEIVE_AT_DISPATCH_LEVEL(Flags) ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
}

/* Frees what SendFrame allocated: the NBL (with its NET_BUFFER), the MDL,
 * the copy of the frame. */
static VOID FreeSent(PNET_BUFFER_LIST Nbl)
{
    PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(Nbl));
    PVOID data = MmGetMdlVirtualAddress(mdl);

    NdisFreeNetBufferList(Nbl);
    NdisFreeMdl(mdl);
    ExFreePoolWithTag(data, NKFRAME_TAG);
}

/* <= DISPATCH_LEVEL: every NBL NkBindingSend accepted comes back here. */
static VOID SendComplete(PNK_BINDING Binding, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    PNET_BUFFER_LIST next;

    UNREFERENCED_PARAMETER(Binding);
    UNREFERENCED_PARAMETER(Flags);
    for (; Nbls != NULL; Nbls = next) {
        next = NET_BUFFER_LIST_NEXT_NBL(Nbls);
        NET_BUFFER_LIST_NEXT_NBL(Nbls) = NULL;
        FreeSent(Nbls);
    }
}

static const NK_PROTOCOL_CALLBACKS Callbacks = {
    .BindingContextSize = sizeof(BINDING_CTX),
    .Bound = Bound,
    .Unbinding = Unbinding,
    .Receive = Receive,
    .SendComplete = SendComplete,
};

/* Sends Length bytes at Frame on the current binding: STATUS_SUCCESS, or
 * STATUS_DEVICE_NOT_READY with nothing sent (no adapter, or paused). */
static NTSTATUS SendFrame(DRIVER_CTX *Ctx, const VOID *Frame, ULONG Length)
{
    PUCHAR copy;
    PMDL mdl = NULL;
    PNET_BUFFER_LIST nbl = NULL;
    NTSTATUS status = STATUS_DEVICE_NOT_READY;
    KIRQL irql;

    /* The frame is copied: the NBL outlives the write request. */
    copy = ExAllocatePool2(POOL_FLAG_NON_PAGED, Length, NKFRAME_TAG);
    if (copy == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlCopyMemory(copy, Frame, Length);

    /* Under the lock the binding cannot be unbound (Unbinding takes it). */
    KeAcquireSpinLock(&Ctx->Lock, &irql);
    if (Ctx->Binding != NULL) {
        BINDING_CTX *b = NkBindingContext(Ctx->Binding);
        mdl = NdisAllocateMdl(Ctx->Binding->Handle, copy, Length);
        if (mdl != NULL)
            nbl = NdisAllocateNetBufferAndNetBufferList(b->NblPool, 0, 0, mdl, 0, Length);
        if (nbl == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
        } else {
            nbl->SourceHandle = Ctx->Binding->Handle;
            /* At DISPATCH_LEVEL (the spin lock): say so.  On success the
             * NBL is NDIS's until SendComplete; otherwise (NDIS_STATUS_PAUSED
             * while the adapter pauses) it is still ours. */
            if (NkBindingSend(Ctx->Binding, nbl, NDIS_SEND_FLAGS_DISPATCH_LEVEL | NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK) ==
                NDIS_STATUS_SUCCESS)
                status = STATUS_SUCCESS;
        }
    }
    KeReleaseSpinLock(&Ctx->Lock, irql);
    if (!NT_SUCCESS(status)) {
        if (nbl != NULL)
            FreeSent(nbl);
        else {
            if (mdl != NULL)
                NdisFreeMdl(mdl);
            ExFreePoolWithTag(copy, NKFRAME_TAG);
        }
    }
    return status;
}

/* ---- KMDF: the control device --------------------------------------------- */

static VOID EvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    DRIVER_CTX *ctx = DriverCtxGet(WdfGetDriver());
    PVOID frame;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Queue);
    if (ctx == NULL || !NkDriverCoreEnter(&ctx->Core)) {
        WdfRequestComplete(Request, STATUS_DELETE_PENDING); /* unloading */
        return;
    }
    if (Length < NKFRAME_MIN || Length > NKFRAME_MAX)
        status = STATUS_INVALID_BUFFER_SIZE;
    else
        status = WdfRequestRetrieveInputBuffer(Request, Length, &frame, NULL);
    if (NT_SUCCESS(status))
        status = SendFrame(ctx, frame, (ULONG)Length);
    NkDriverCoreLeave(&ctx->Core);
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? Length : 0);
}

static VOID EvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    DRIVER_CTX *ctx = DriverCtxGet(WdfGetDriver());
    PVOID out;
    ULONG n = 0;
    NTSTATUS status;
    KIRQL irql;

    UNREFERENCED_PARAMETER(Queue);
    if (ctx == NULL || !NkDriverCoreEnter(&ctx->Core)) {
        WdfRequestComplete(Request, STATUS_DELETE_PENDING);
        return;
    }
    status = WdfRequestRetrieveOutputBuffer(Request, 1, &out, NULL);
    if (NT_SUCCESS(status)) {
        KeAcquireSpinLock(&ctx->RxLock, &irql);
        n = ctx->LastLength < Length ? ctx->LastLength : (ULONG)Length;
        RtlCopyMemory(out, ctx->Last, n);
        KeReleaseSpinLock(&ctx->RxLock, irql);
    }
    NkDriverCoreLeave(&ctx->Core);
    WdfRequestCompleteWithInformation(Request, status, n);
}

static NTSTATUS CreateControlDevice(WDFDRIVER Driver)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\NkFrame");
    DECLARE_CONST_UNICODE_STRING(link, L"\\DosDevices\\Global\\NkFrame");
    WDF_IO_QUEUE_CONFIG queueConfig;
    PWDFDEVICE_INIT init;
    WDFDEVICE device;
    NTSTATUS status;

    init = WdfControlDeviceInitAllocate(Driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    WdfDeviceInitSetIoType(init, WdfDeviceIoBuffered);
    status = WdfDeviceInitAssignName(init, &name);
    if (NT_SUCCESS(status))
        status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &device);
    if (NT_SUCCESS(status)) {
        WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
        queueConfig.EvtIoRead = EvtIoRead;
        queueConfig.EvtIoWrite = EvtIoWrite;
        status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    }
    if (NT_SUCCESS(status))
        status = WdfDeviceCreateSymbolicLink(device, &link);
    if (NT_SUCCESS(status))
        WdfControlFinishInitializing(device);
    if (init != NULL)
        WdfDeviceInitFree(init);
    return status; /* a device created before a failure goes with the driver object */
}

/* Users first, then the protocol (every adapter unbound), then threads. */
static VOID EvtDriverUnload(WDFDRIVER Driver)
{
    DRIVER_CTX *ctx = DriverCtxGet(Driver);
    if (ctx != NULL)
        NkDriverCoreUnload(&ctx->Core);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFDRIVER driver;
    DRIVER_CTX *ctx;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = EvtDriverUnload;
    DriverCtxAttributes(&attributes);
    status = WdfDriverCreate(DriverObject, RegistryPath, &attributes, &config, &driver);
    if (NT_SUCCESS(status))
        status = DriverCtxInit(driver, InitDriverCtx, NULL);
    if (NT_SUCCESS(status))
        status = CreateControlDevice(driver);
    if (!NT_SUCCESS(status)) {
        NkLogError("driver set-up failed: 0x%08x", (unsigned)status);
        return status;
    }
    ctx = DriverCtxGet(driver);
    if (NkDriverCoreRegisterProtocol(&ctx->Core, L"NKFRAME", 6, 30, &Callbacks, ctx) != NDIS_STATUS_SUCCESS) {
        NkLogError("NdisRegisterProtocolDriver failed");
        return STATUS_UNSUCCESSFUL;
    }
    return STATUS_SUCCESS;
}
