/*
 * test_kmdf_iotarget.c - I/O targets between two control devices of one
 * driver: \Device\NkUpper forwards requests it receives to \Device\NkLower
 * (WdfRequestFormatRequestUsingCurrentType + WdfRequestSend, send-and-
 * forget or with a completion routine), and the test itself opens a target
 * on the lower device by name to send synchronously (with a timeout that
 * cancels), and to send driver-created requests with completion routines,
 * cancel them, stop and close the target.
 */
#include <ntddk.h>
#include <wdf.h>
#include <wdmsec.h>
#include <nkhost.h>

#include "kmdftest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"

#define IOCTL_REVERSE  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x930, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_HOLD     CTL_CODE(FILE_DEVICE_UNKNOWN, 0x931, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_FORGET   CTL_CODE(FILE_DEVICE_UNKNOWN, 0x932, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_ROUTINE  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x933, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

static WDFDRIVER Driver;
static WDFDEVICE Upper, Lower;
static WDFIOTARGET UpperTarget; /* the upper device's target on the lower one */
static DRIVER_OBJECT Drv;
static LONG LowerOpens;

static VOID EvtCancelHeld(WDFREQUEST Request)
{
    WdfRequestComplete(Request, STATUS_CANCELLED);
}

/* The lower device reverses the input into the output, or holds the request cancelable. */
static VOID EvtLowerIoctl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                          ULONG IoControlCode)
{
    PUCHAR in, out;
    size_t inLength, outLength;
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    if (IoControlCode == IOCTL_HOLD) {
        if (!NT_SUCCESS(WdfRequestMarkCancelableEx(Request, EvtCancelHeld)))
            WdfRequestComplete(Request, STATUS_CANCELLED);
        return;
    }
    if (!NT_SUCCESS(WdfRequestRetrieveInputBuffer(Request, 1, (PVOID *)&in, &inLength)) ||
        !NT_SUCCESS(WdfRequestRetrieveOutputBuffer(Request, inLength, (PVOID *)&out, &outLength))) {
        WdfRequestComplete(Request, STATUS_INVALID_PARAMETER);
        return;
    }
    /* METHOD_BUFFERED: in and out are one system buffer, so swap in place. */
    for (size_t i = 0; i < inLength / 2; i++) {
        UCHAR c = in[i];
        out[i] = in[inLength - 1 - i];
        out[inLength - 1 - i] = c;
    }
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, inLength);
}

static VOID EvtForwarded(WDFREQUEST Request, WDFIOTARGET Target, PWDF_REQUEST_COMPLETION_PARAMS Params,
                         WDFCONTEXT Context)
{
    assert_ptr_equal(Target, UpperTarget);
    assert_ptr_equal(Context, &LowerOpens);
    assert_int_equal(Params->Type, WdfRequestTypeDeviceControl);
    WdfRequestCompleteWithInformation(Request, Params->IoStatus.Status, Params->IoStatus.Information);
}

/* The upper device forwards to the lower one, as a filter would. */
static VOID EvtUpperIoctl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                          ULONG IoControlCode)
{
    WDF_REQUEST_SEND_OPTIONS options;
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    WdfRequestFormatRequestUsingCurrentType(Request);
    if (IoControlCode == IOCTL_FORGET) {
        WDF_REQUEST_SEND_OPTIONS_INIT(&options, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET);
        if (!WdfRequestSend(Request, UpperTarget, &options))
            WdfRequestComplete(Request, WdfRequestGetStatus(Request));
        return;
    }
    WdfRequestSetCompletionRoutine(Request, EvtForwarded, &LowerOpens);
    if (!WdfRequestSend(Request, UpperTarget, WDF_NO_SEND_OPTIONS))
        WdfRequestComplete(Request, WdfRequestGetStatus(Request));
}

static VOID EvtLowerCreate(WDFDEVICE Device, WDFREQUEST Request, WDFFILEOBJECT FileObject)
{
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(FileObject);
    InterlockedIncrement(&LowerOpens);
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

static NTSTATUS MakeDevice(PCUNICODE_STRING Name, PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL Ioctl,
                           PFN_WDF_DEVICE_FILE_CREATE Create, WDFDEVICE *Device)
{
    WDF_IO_QUEUE_CONFIG queueConfig;
    WDF_FILEOBJECT_CONFIG fileConfig;
    PWDFDEVICE_INIT init = WdfControlDeviceInitAllocate(Driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    NTSTATUS status;
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (Create != NULL) {
        WDF_FILEOBJECT_CONFIG_INIT(&fileConfig, Create, WDF_NO_EVENT_CALLBACK, WDF_NO_EVENT_CALLBACK);
        WdfDeviceInitSetFileObjectConfig(init, &fileConfig, WDF_NO_OBJECT_ATTRIBUTES);
    }
    status = WdfDeviceInitAssignName(init, Name);
    if (NT_SUCCESS(status))
        status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, Device);
    if (init != NULL)
        WdfDeviceInitFree(init);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoDeviceControl = Ioctl;
    status = WdfIoQueueCreate(*Device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    if (NT_SUCCESS(status))
        WdfControlFinishInitializing(*Device);
    return status;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(upper, L"\\Device\\NkUpper");
    DECLARE_CONST_UNICODE_STRING(lower, L"\\Device\\NkLower");
    WDF_IO_TARGET_OPEN_PARAMS open;
    NTSTATUS status;

    status = KmdfTestCreateDriver(DriverObject, RegistryPath, &Driver);
    if (NT_SUCCESS(status))
        status = MakeDevice(&lower, EvtLowerIoctl, EvtLowerCreate, &Lower);
    if (NT_SUCCESS(status))
        status = MakeDevice(&upper, EvtUpperIoctl, NULL, &Upper);
    if (NT_SUCCESS(status))
        status = WdfIoTargetCreate(Upper, WDF_NO_OBJECT_ATTRIBUTES, &UpperTarget);
    if (NT_SUCCESS(status)) {
        WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&open, &lower, GENERIC_READ | GENERIC_WRITE);
        status = WdfIoTargetOpen(UpperTarget, &open);
    }
    return status;
}

static void Load(void)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkTarget");
    memset(&Drv, 0, sizeof(Drv));
    LowerOpens = 0;
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);
}

static void Unload(void)
{
    Drv.DriverUnload(&Drv);
}

static void test_forwarding(void **state)
{
    UCHAR in[4] = {1, 2, 3, 4}, out[8];
    HANDLE h;
    ULONG n = 0;
    (void)state;

    Load();
    assert_int_equal(LowerOpens, 1); /* the target's open reached EvtDeviceFileCreate */
    assert_int_equal(WdfIoTargetGetState(UpperTarget), WdfIoTargetStarted);
    assert_ptr_equal(WdfIoTargetGetDevice(UpperTarget), Upper);
    assert_ptr_equal(WdfIoTargetWdmGetTargetDeviceObject(UpperTarget), WdfDeviceWdmGetDeviceObject(Lower));
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkUpper", &h), STATUS_SUCCESS);

    memset(out, 0, sizeof(out));
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_FORGET, in, sizeof(in), out, sizeof(out), &n), STATUS_SUCCESS);
    assert_int_equal(n, 4);
    assert_int_equal(out[0], 4);
    assert_int_equal(out[3], 1);

    memset(out, 0, sizeof(out));
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_ROUTINE, in, sizeof(in), out, sizeof(out), &n), STATUS_SUCCESS);
    assert_int_equal(n, 4);
    assert_int_equal(out[0], 4);

    /* The lower device's failure comes back up. */
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_ROUTINE, in, sizeof(in), out, 2, &n), STATUS_INVALID_PARAMETER);

    /* Cancelling the upper request cancels what it sent on. */
    {
        NK_HOST_IO *io;
        assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_HOLD, NULL, 0, NULL, 0, &io), STATUS_PENDING);
        NkHostCancelIo(io);
        assert_int_equal(NkHostWaitIo(io, MAXULONG, &n), STATUS_CANCELLED);
    }

    /* A stopped target refuses the send: the request fails with its status. */
    WdfIoTargetStop(UpperTarget, WdfIoTargetWaitForSentIoToComplete);
    assert_int_equal(WdfIoTargetGetState(UpperTarget), WdfIoTargetStopped);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_ROUTINE, in, sizeof(in), out, sizeof(out), &n),
                     STATUS_INVALID_DEVICE_STATE);
    assert_int_equal(WdfIoTargetStart(UpperTarget), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_FORGET, in, sizeof(in), out, sizeof(out), &n), STATUS_SUCCESS);

    NkHostCloseHandle(h);
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static KEVENT Completed;
static WDF_REQUEST_COMPLETION_PARAMS Seen;

static VOID EvtSent(WDFREQUEST Request, WDFIOTARGET Target, PWDF_REQUEST_COMPLETION_PARAMS Params,
                    WDFCONTEXT Context)
{
    UNREFERENCED_PARAMETER(Request);
    UNREFERENCED_PARAMETER(Target);
    UNREFERENCED_PARAMETER(Context);
    Seen = *Params;
    KeSetEvent(&Completed, IO_NO_INCREMENT, FALSE);
}

static void test_test_side_target(void **state)
{
    DECLARE_CONST_UNICODE_STRING(lower, L"\\Device\\NkLower");
    WDF_IO_TARGET_OPEN_PARAMS open;
    WDF_MEMORY_DESCRIPTOR inDesc, outDesc;
    WDF_REQUEST_SEND_OPTIONS options;
    WDF_REQUEST_REUSE_PARAMS reuse;
    WDF_REQUEST_COMPLETION_PARAMS params;
    WDFIOTARGET target;
    WDFREQUEST request;
    WDFMEMORY inMem, outMem;
    UCHAR in[3] = {7, 8, 9}, out[3];
    PUCHAR outBuf;
    ULONG_PTR bytes = 0;
    LARGE_INTEGER wait;
    (void)state;

    Load();
    assert_int_equal(WdfIoTargetCreate(Lower, WDF_NO_OBJECT_ATTRIBUTES, &target), STATUS_SUCCESS);
    assert_int_equal(WdfIoTargetGetState(target), WdfIoTargetClosed);
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&open, &lower, GENERIC_ALL);
    assert_int_equal(WdfIoTargetOpen(target, &open), STATUS_SUCCESS);
    assert_int_equal(LowerOpens, 2);

    /* Synchronous, with plain buffers. */
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&inDesc, in, sizeof(in));
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&outDesc, out, sizeof(out));
    assert_int_equal(WdfIoTargetSendIoctlSynchronously(target, WDF_NO_HANDLE, IOCTL_REVERSE, &inDesc, &outDesc,
                                                       WDF_NO_SEND_OPTIONS, &bytes), STATUS_SUCCESS);
    assert_int_equal(bytes, 3);
    assert_int_equal(out[0], 9);

    /* Synchronous with a timeout: the held request is cancelled. */
    WDF_REQUEST_SEND_OPTIONS_INIT(&options, 0);
    WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&options, WDF_REL_TIMEOUT_IN_MS(10));
    assert_int_equal(WdfIoTargetSendIoctlSynchronously(target, WDF_NO_HANDLE, IOCTL_HOLD, NULL, NULL, &options,
                                                       &bytes), STATUS_IO_TIMEOUT);

    /* Asynchronous, a driver-created request with memory objects. */
    KeInitializeEvent(&Completed, NotificationEvent, FALSE);
    assert_int_equal(WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, target, &request), STATUS_SUCCESS);
    assert_int_equal(WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, in, sizeof(in), &inMem), STATUS_SUCCESS);
    assert_int_equal(WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 0, 3, &outMem, (PVOID *)&outBuf),
                     STATUS_SUCCESS);
    assert_int_equal(WdfIoTargetFormatRequestForIoctl(target, request, IOCTL_REVERSE, inMem, NULL, outMem, NULL),
                     STATUS_SUCCESS);
    WdfRequestSetCompletionRoutine(request, EvtSent, NULL);
    assert_true(WdfRequestSend(request, target, WDF_NO_SEND_OPTIONS));
    wait.QuadPart = -10LL * 1000 * 10000;
    assert_int_equal(KeWaitForSingleObject(&Completed, Executive, KernelMode, FALSE, &wait), STATUS_SUCCESS);
    assert_int_equal(Seen.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(Seen.IoStatus.Information, 3);
    assert_ptr_equal(Seen.Parameters.Ioctl.Output.Buffer, outMem);
    assert_int_equal(outBuf[0], 9);
    WdfRequestGetCompletionParams(request, &params);
    assert_int_equal(params.IoStatus.Information, 3);
    assert_int_equal(WdfRequestGetStatus(request), STATUS_SUCCESS);

    /* Reused, held by the lower device, cancelled by the sender. */
    WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS, STATUS_SUCCESS);
    assert_int_equal(WdfRequestReuse(request, &reuse), STATUS_SUCCESS);
    KeClearEvent(&Completed);
    assert_int_equal(WdfIoTargetFormatRequestForIoctl(target, request, IOCTL_HOLD, NULL, NULL, NULL, NULL),
                     STATUS_SUCCESS);
    WdfRequestSetCompletionRoutine(request, EvtSent, NULL);
    assert_true(WdfRequestSend(request, target, WDF_NO_SEND_OPTIONS));
    assert_int_equal(WdfRequestGetStatus(request), STATUS_PENDING);
    assert_true(WdfRequestCancelSentRequest(request));
    assert_int_equal(KeWaitForSingleObject(&Completed, Executive, KernelMode, FALSE, &wait), STATUS_SUCCESS);
    assert_int_equal(Seen.IoStatus.Status, STATUS_CANCELLED);
    assert_false(WdfRequestCancelSentRequest(request)); /* completed: nothing to cancel */

    /* Misuse: send unformatted, complete a driver-created request. */
    NkHostExpectViolations();
    assert_int_equal(WdfRequestReuse(request, &reuse), STATUS_SUCCESS);
    assert_false(WdfRequestSend(request, target, WDF_NO_SEND_OPTIONS));
    assert_int_equal(NkHostViolationCountOf("wdf.send-unformatted"), 1);
    WdfRequestComplete(request, STATUS_SUCCESS);
    assert_int_equal(NkHostViolationCountOf("wdf.complete-created-request"), 1);
    assert_int_equal(WdfIoTargetOpen((WDFIOTARGET)request, &open), STATUS_INVALID_PARAMETER);
    assert_int_equal(NkHostViolationCountOf("wdf.wrong-type"), 1);

    WdfObjectDelete(request);
    WdfObjectDelete(inMem);
    WdfObjectDelete(outMem);
    WdfIoTargetClose(target);
    assert_int_equal(WdfIoTargetGetState(target), WdfIoTargetClosed);
    WdfObjectDelete(target);
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* Every allocation of loading the two devices and the target, and of one
 * forwarded request, failed in turn: each failure ends cleanly. */
static void test_allocation_failure_sweep(void **state)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkTarget");
    UCHAR in[2] = {1, 2}, out[2];
    ULONG64 sites;
    HANDLE h;
    ULONG n;
    (void)state;

    /* Count the sites once, with nothing failing. */
    memset(&Drv, 0, sizeof(Drv));
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkUpper", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_ROUTINE, in, sizeof(in), out, sizeof(out), &n), STATUS_SUCCESS);
    NkHostCloseHandle(h);
    Unload();
    sites = NkHostFaultSiteCount(NkFaultPoolAllocation);
    assert_true(sites >= 8);
    for (ULONG64 k = 1; k <= sites; k++) {
        NTSTATUS status;
        NkHostReset();
        NkHostFailNth(NkFaultPoolAllocation, k);
        memset(&Drv, 0, sizeof(Drv));
        status = FxDriverEntry(&Drv, &path);
        if (NT_SUCCESS(status)) {
            status = NkHostCreateFile(L"\\Device\\NkUpper", &h);
            if (NT_SUCCESS(status)) {
                status = NkHostDeviceIoControl(h, IOCTL_ROUTINE, in, sizeof(in), out, sizeof(out), &n);
                assert_true(status == STATUS_SUCCESS || status == STATUS_INSUFFICIENT_RESOURCES);
                NkHostCloseHandle(h);
            }
            Unload();
        } else {
            assert_int_equal(status, STATUS_INSUFFICIENT_RESOURCES);
        }
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_forwarding, Setup, TeardownNoLeaks),
        cmocka_unit_test_setup_teardown(test_test_side_target, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_allocation_failure_sweep, Setup, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
