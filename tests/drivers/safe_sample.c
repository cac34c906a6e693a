/*
 * safe_sample.c - a KMDF driver built on the safe layer: its state lives in
 * a typed driver context (<ndiskit/context.h>), a worker thread started
 * once the context is live is joined when the context is dropped
 * (<ndiskit/thread.h>), and it logs through <ndiskit/log.h>.  Built for
 * Windows (into a checked image) and for the host, where
 * tests/host/test_hostrun.c runs it under `ndiskit host run`.
 */
#define NK_LOG_PREFIX "safesample: "
#include <ntddk.h>
#include <wdf.h>
#include <ndiskit/context.h>
#include <ndiskit/log.h>
#include <ndiskit/sync.h>
#include <ndiskit/thread.h>

DRIVER_INITIALIZE DriverEntry;

typedef struct {
    NK_THREAD_SET Threads;
    NK_THREAD Worker;
    NK_EVENT Started;
} DRIVER_CTX;
NK_CONTEXT_TYPE(DRIVER_CTX, DriverCtx)

static VOID NTAPI WorkerMain(PVOID Context)
{
    PNK_THREAD self = Context;
    DRIVER_CTX *ctx = DriverCtxGet(WdfGetDriver());
    ULONG ticks = 0;

    if (ctx == NULL)
        return; /* the driver is going away already */
    NkLogInfo("worker running");
    NkEventSet(&ctx->Started);
    while (NkEventWait(&self->Stop, 10) == STATUS_TIMEOUT)
        ticks++;
    NkLogInfo("worker stopping after %lu ticks", ticks);
}

static NTSTATUS InitDriverCtx(WDFOBJECT Driver, DRIVER_CTX *Ctx, PVOID Argument)
{
    UNREFERENCED_PARAMETER(Driver);
    UNREFERENCED_PARAMETER(Argument);
    NkThreadSetInit(&Ctx->Threads);
    NkEventInit(&Ctx->Started, FALSE, FALSE);
    return STATUS_SUCCESS;
}

/* From the driver's EvtDestroy: nothing else can reach the context now. */
VOID DriverCtxDrop(WDFOBJECT Driver, DRIVER_CTX *Ctx)
{
    UNREFERENCED_PARAMETER(Driver);
    NkLogInfo("unloading: joined %lu thread(s)", NkThreadSetStopAndJoinAll(&Ctx->Threads));
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
    DriverCtxAttributes(&attributes);
    status = WdfDriverCreate(DriverObject, RegistryPath, &attributes, &config, &driver);
    if (NT_SUCCESS(status))
        status = DriverCtxInit(driver, InitDriverCtx, NULL);
    if (!NT_SUCCESS(status)) {
        NkLogError("driver set-up failed: 0x%08x", (unsigned)status);
        return status;
    }
    ctx = DriverCtxGet(driver);
    status = NkThreadSetStart(&ctx->Threads, &ctx->Worker, DriverObject, WorkerMain, &ctx->Worker);
    if (!NT_SUCCESS(status)) {
        NkLogError("worker thread: 0x%08x", (unsigned)status);
        return status;
    }
    /* Up and running before DriverEntry returns: an unload that follows at
     * once still finds a thread to join. */
    NkEventWait(&ctx->Started, NK_WAIT_FOREVER);
    return STATUS_SUCCESS;
}
