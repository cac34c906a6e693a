/*
 * test_kmdf_caller.c - EvtIoInCallerContext: every request reaches the
 * driver in the sender's context first; the driver takes the caller's
 * METHOD_NEITHER buffers there (WdfRequestRetrieveUnsafeUser...Buffer,
 * WdfRequestProbeAndLockUserBuffer...) and queues the request with
 * WdfDeviceEnqueueRequest, or completes it at once.  Using those DDIs
 * anywhere else is reported.
 */
#include <ntddk.h>
#include <wdf.h>
#include <nkhost.h>

#include "kmdftest.h"

#include <wdmsec.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"

#define IOCTL_NEITHER  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x950, METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_REFUSE   CTL_CODE(FILE_DEVICE_UNKNOWN, 0x951, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_LATE     CTL_CODE(FILE_DEVICE_UNKNOWN, 0x952, METHOD_NEITHER, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

typedef struct _CALLER {
    WDFMEMORY In, Out;
} CALLER;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(CALLER, GetCaller)

static DRIVER_OBJECT Drv;
static LONG Queued;

static VOID EvtInCaller(WDFDEVICE Device, WDFREQUEST Request)
{
    WDF_REQUEST_PARAMETERS p;
    WDF_OBJECT_ATTRIBUTES a;
    CALLER *c;
    PVOID in, out;
    size_t inLength, outLength;
    NTSTATUS status;

    WDF_REQUEST_PARAMETERS_INIT(&p);
    WdfRequestGetParameters(Request, &p);
    if (p.Parameters.DeviceIoControl.IoControlCode == IOCTL_REFUSE) {
        WdfRequestComplete(Request, STATUS_ACCESS_DENIED); /* never reaches a queue */
        return;
    }
    if (p.Parameters.DeviceIoControl.IoControlCode == IOCTL_NEITHER) {
        WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, CALLER);
        status = WdfObjectAllocateContext(Request, &a, (PVOID *)&c);
        if (NT_SUCCESS(status))
            status = WdfRequestRetrieveUnsafeUserInputBuffer(Request, 4, &in, &inLength);
        if (NT_SUCCESS(status))
            status = WdfRequestRetrieveUnsafeUserOutputBuffer(Request, 4, &out, &outLength);
        if (NT_SUCCESS(status))
            status = WdfRequestProbeAndLockUserBufferForRead(Request, in, inLength, &c->In);
        if (NT_SUCCESS(status))
            status = WdfRequestProbeAndLockUserBufferForWrite(Request, out, outLength, &c->Out);
        if (!NT_SUCCESS(status)) {
            WdfRequestComplete(Request, status);
            return;
        }
    }
    status = WdfDeviceEnqueueRequest(Device, Request);
    if (!NT_SUCCESS(status))
        WdfRequestComplete(Request, status);
}

static VOID EvtIoctl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                     ULONG IoControlCode)
{
    ULONG v = 0;
    PVOID p;
    size_t n;
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    InterlockedIncrement(&Queued);
    if (IoControlCode == IOCTL_LATE) {
        /* Too late: the caller's context is gone. */
        WdfRequestComplete(Request, WdfRequestRetrieveUnsafeUserInputBuffer(Request, 1, &p, &n));
        return;
    }
    /* The locked buffers, used later from the queue. */
    WdfMemoryCopyToBuffer(GetCaller(Request)->In, 0, &v, sizeof(v));
    v++;
    WdfMemoryCopyFromBuffer(GetCaller(Request)->Out, 0, &v, sizeof(v));
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, sizeof(v));
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\NkCaller");
    WDF_IO_QUEUE_CONFIG queueConfig;
    WDFDRIVER driver;
    WDFDEVICE device;
    PWDFDEVICE_INIT init;
    NTSTATUS status;

    status = KmdfTestCreateDriver(DriverObject, RegistryPath, &driver);
    if (!NT_SUCCESS(status))
        return status;
    init = WdfControlDeviceInitAllocate(driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    WdfDeviceInitSetIoInCallerContextCallback(init, EvtInCaller);
    status = WdfDeviceInitAssignName(init, &name);
    if (NT_SUCCESS(status))
        status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &device);
    if (init != NULL)
        WdfDeviceInitFree(init);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoDeviceControl = EvtIoctl;
    status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    if (NT_SUCCESS(status))
        WdfControlFinishInitializing(device);
    return status;
}

static void test_in_caller_context(void **state)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkCaller");
    ULONG in = 41, out = 0, n = 0;
    HANDLE h;
    (void)state;

    memset(&Drv, 0, sizeof(Drv));
    Queued = 0;
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkCaller", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_NEITHER, &in, sizeof(in), &out, sizeof(out), &n), STATUS_SUCCESS);
    assert_int_equal(out, 42);
    assert_int_equal(Queued, 1);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_REFUSE, NULL, 0, NULL, 0, &n), STATUS_ACCESS_DENIED);
    assert_int_equal(Queued, 1);

    NkHostExpectViolations();
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_LATE, &in, sizeof(in), NULL, 0, &n),
                     STATUS_INVALID_DEVICE_REQUEST);
    assert_int_equal(NkHostViolationCountOf("wdf.unsafe-buffer-context"), 1);
    NkHostCloseHandle(h);
    Drv.DriverUnload(&Drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

int main(void)
{
    (void)TeardownNoLeaks; /* this test provokes findings on purpose and checks leaks itself */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_in_caller_context, Setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
