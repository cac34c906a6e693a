/*
 * test_unload.c - a KMDF + NDIS driver on the safe layer unloading with
 * everything still going: a binding open on an adapter, a worker thread
 * running, a read parked in a manual queue until its handle closes, a
 * caller still inside the driver when the unload begins.  The
 * driver's EvtDriverUnload is one call (NkDriverCoreUnload); the unload
 * must finish with nothing leaked and no verifier finding, and the
 * driver context must be unreachable afterwards.
 */
#include <ndiskit/context.h>
#include <ndiskit/driver.h>
#include <wdf.h>
#include <nkhost.h>

#include <wdmsec.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define IOCTL_WORK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x930, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

typedef struct {
    NK_DRIVER_CORE Core;
    NK_THREAD Worker;
    WDFQUEUE Parked;                /* manual: reads wait here */
    volatile LONG Bindings;
} DRIVER_CTX;
NK_CONTEXT_TYPE(DRIVER_CTX, DriverCtx)

static const UCHAR Mac[6] = {0x02, 0x00, 0x5e, 0x77, 0x00, 0x01};
static volatile LONG Drops, WorkerLoops;

static NTSTATUS Bound(PNK_BINDING Binding, PNDIS_BIND_PARAMETERS Parameters)
{
    DRIVER_CTX *ctx = DriverCtxGet(WdfGetDriver());
    (void)Binding;
    (void)Parameters;
    if (ctx == NULL)
        return STATUS_DELETE_PENDING;
    InterlockedIncrement(&ctx->Bindings);
    return STATUS_SUCCESS;
}

static VOID Unbinding(PNK_BINDING Binding)
{
    /* Still reachable: the protocol goes before the framework teardown. */
    DRIVER_CTX *ctx = DriverCtxGet(WdfGetDriver());
    (void)Binding;
    if (ctx != NULL)
        InterlockedDecrement(&ctx->Bindings);
}

static const NK_PROTOCOL_CALLBACKS Callbacks = {
    .Bound = Bound,
    .Unbinding = Unbinding,
};

static VOID NTAPI Worker(PVOID Context)
{
    PNK_THREAD self = Context;
    while (NkEventWait(&self->Stop, 1) == STATUS_TIMEOUT)
        InterlockedIncrement(&WorkerLoops);
}

static VOID EvtRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    DRIVER_CTX *ctx = DriverCtxGet(WdfGetDriver());
    NTSTATUS status = STATUS_DELETE_PENDING;
    (void)Queue;
    (void)Length;
    if (ctx != NULL)
        status = WdfRequestForwardToIoQueue(Request, ctx->Parked);
    if (!NT_SUCCESS(status))
        WdfRequestComplete(Request, status);
}

static VOID EvtIoctl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                     ULONG IoControlCode)
{
    DRIVER_CTX *ctx = DriverCtxGet(WdfGetDriver());
    (void)Queue;
    (void)OutputBufferLength;
    (void)InputBufferLength;
    if (ctx == NULL || IoControlCode != IOCTL_WORK || !NkDriverCoreEnter(&ctx->Core)) {
        WdfRequestComplete(Request, STATUS_DELETE_PENDING);
        return;
    }
    /* ... work with driver state, safe from the unload ... */
    NkDriverCoreLeave(&ctx->Core);
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

static NTSTATUS InitDriverCtx(WDFOBJECT Driver, DRIVER_CTX *Ctx, PVOID Argument)
{
    (void)Driver;
    (void)Argument;
    NkDriverCoreInit(&Ctx->Core);
    return STATUS_SUCCESS;
}

VOID DriverCtxDrop(WDFOBJECT Driver, DRIVER_CTX *Ctx)
{
    (void)Driver;
    (void)Ctx;
    InterlockedIncrement(&Drops);
}

static VOID EvtDriverUnload(WDFDRIVER Driver)
{
    DRIVER_CTX *ctx = DriverCtxGet(Driver);
    if (ctx != NULL)
        NkDriverCoreUnload(&ctx->Core);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\NkUnload");
    WDF_DRIVER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES a;
    WDF_IO_QUEUE_CONFIG q;
    PWDFDEVICE_INIT init;
    WDFDRIVER driver;
    WDFDEVICE device;
    DRIVER_CTX *ctx;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = EvtDriverUnload;
    DriverCtxAttributes(&a);
    status = WdfDriverCreate(DriverObject, RegistryPath, &a, &config, &driver);
    if (NT_SUCCESS(status))
        status = DriverCtxInit(driver, InitDriverCtx, NULL);
    if (!NT_SUCCESS(status))
        return status;
    ctx = DriverCtxGet(driver);

    init = WdfControlDeviceInitAllocate(driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = WdfDeviceInitAssignName(init, &name);
    if (NT_SUCCESS(status))
        status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &device);
    if (init != NULL)
        WdfDeviceInitFree(init);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&q, WdfIoQueueDispatchParallel);
    q.EvtIoRead = EvtRead;
    q.EvtIoDeviceControl = EvtIoctl;
    status = WdfIoQueueCreate(device, &q, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    if (NT_SUCCESS(status)) {
        WDF_IO_QUEUE_CONFIG_INIT(&q, WdfIoQueueDispatchManual);
        status = WdfIoQueueCreate(device, &q, WDF_NO_OBJECT_ATTRIBUTES, &ctx->Parked);
    }
    if (!NT_SUCCESS(status))
        return status;
    WdfControlFinishInitializing(device);

    status = NkDriverCoreRegisterProtocol(&ctx->Core, L"NKUNLOAD", 6, 30, &Callbacks, NULL);
    if (status != NDIS_STATUS_SUCCESS)
        return STATUS_UNSUCCESSFUL;
    return NkDriverCoreStartThread(&ctx->Core, &ctx->Worker, DriverObject, Worker, &ctx->Worker);
}

static VOID NTAPI UnloadThread(PVOID Context)
{
    PDRIVER_OBJECT drv = Context;
    drv->DriverUnload(drv);
}

static void test_unload_with_everything_going(void **state)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkUnload");
    DRIVER_OBJECT drv;
    NK_HOST_ADAPTER *adapter;
    NK_HOST_IO *read;
    UCHAR buffer[64];
    DEVICE_OBJECT unloader;
    NK_THREAD t;
    HANDLE h;
    ULONG n;
    DRIVER_CTX *ctx;
    (void)state;

    NkHostReset();
    memset(&drv, 0, sizeof(drv));
    memset(&unloader, 0, sizeof(unloader));
    Drops = 0;
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-UNLOAD}", Mac, 1500, &adapter), STATUS_SUCCESS);
    assert_int_equal(FxDriverEntry(&drv, &path), STATUS_SUCCESS);
    NkHostWaitBinds();                                 /* NDIS binds from its own thread */
    ctx = DriverCtxGet(WdfGetDriver());
    assert_non_null(ctx);
    assert_int_equal(ctx->Bindings, 1);                /* bound after registration */

    /* A read parked in the manual queue; an IOCTL enters and leaves the core. */
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkUnload", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostReadFileAsync(h, buffer, sizeof(buffer), &read), STATUS_PENDING);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_WORK, NULL, 0, NULL, 0, &n), STATUS_SUCCESS);
    /* The process exits: the handle closes, and the parked read is cancelled. */
    NkHostCloseHandle(h);
    assert_int_equal(NkHostWaitIo(read, MAXULONG, &n), STATUS_CANCELLED);

    /* A user still inside the driver (as an NDIS callback or a DPC may be)
     * when the unload begins: the unload waits for it, and no one new gets in. */
    assert_true(NkDriverCoreEnter(&ctx->Core));
    assert_int_equal(NkThreadStart(&t, &unloader, UnloadThread, &drv), STATUS_SUCCESS);
    assert_int_equal(NkThreadStopAndJoin(&t, 50), STATUS_TIMEOUT); /* waiting for us */
    assert_false(NkDriverCoreEnter(&ctx->Core));       /* the door is closed */
    assert_int_equal(ctx->Bindings, 1);                /* nothing torn down under us */
    NkDriverCoreLeave(&ctx->Core);
    assert_int_equal(NkThreadStopAndJoin(&t, NK_WAIT_FOREVER), STATUS_SUCCESS);

    /* Protocol deregistered (the binding unbound), thread joined, and only
     * then the framework teardown with the context's drop. */
    assert_int_equal(Drops, 1);
    assert_true(WorkerLoops > 0);
    assert_int_equal(NkHostObjectReferences(&drv), 0);
    NkHostRemoveAdapter(adapter);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_unload_with_everything_going)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
