/*
 * safe_sample.c - a KMDF driver built from the safe layer's kernel
 * helpers (<ndiskit/sync.h>, <ndiskit/thread.h>, <ndiskit/log.h>): it
 * starts a worker thread in DriverEntry and joins it in EvtDriverUnload.
 * Built for Windows (into a checked image) and for the host, where
 * tests/host/test_hostrun.c runs it under `ndiskit host run`.
 */
#define NK_LOG_PREFIX "safesample: "
#include <ntddk.h>
#include <wdf.h>
#include <ndiskit/log.h>
#include <ndiskit/sync.h>
#include <ndiskit/thread.h>

DRIVER_INITIALIZE DriverEntry;

static NK_THREAD_SET Threads;
static NK_THREAD Worker;
static NK_EVENT Started;

static VOID NTAPI WorkerMain(PVOID Context)
{
    PNK_THREAD self = Context;
    ULONG ticks = 0;

    NkLogInfo("worker running");
    NkEventSet(&Started);
    while (NkEventWait(&self->Stop, 10) == STATUS_TIMEOUT)
        ticks++;
    NkLogInfo("worker stopping after %lu ticks", ticks);
}

static VOID EvtDriverUnload(WDFDRIVER Driver)
{
    UNREFERENCED_PARAMETER(Driver);
    NkLogInfo("unloading: joined %lu thread(s)", NkThreadSetStopAndJoinAll(&Threads));
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = EvtDriverUnload;
    status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
    if (!NT_SUCCESS(status)) {
        NkLogError("WdfDriverCreate failed: 0x%08x", (unsigned)status);
        return status;
    }
    NkThreadSetInit(&Threads);
    NkEventInit(&Started, FALSE, FALSE);
    status = NkThreadSetStart(&Threads, &Worker, DriverObject, WorkerMain, &Worker);
    if (!NT_SUCCESS(status)) {
        NkLogError("worker thread: 0x%08x", (unsigned)status);
        return status;
    }
    /* Up and running before DriverEntry returns: an unload that follows at
     * once still finds a thread to join. */
    NkEventWait(&Started, NK_WAIT_FOREVER);
    return STATUS_SUCCESS;
}
