/*
 * test_kmdf_queue.c - queue state under the host kernel: WdfIoQueueStop
 * keeps accepting requests but presents none, and calls its StopComplete
 * callback only once every request the driver owns from the queue is
 * completed; WdfIoQueueStart presents what waited; WdfRequestRequeue puts
 * a request back at the head of its manual queue, and is refused elsewhere.  A small driver holds
 * one request on demand so the test controls what the driver owns.
 */
#include <ntddk.h>
#include <wdf.h>
#include <nkhost.h>

#include "kmdftest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define IOCTL_HOLD CTL_CODE(FILE_DEVICE_UNKNOWN, 0x910, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_NOW  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x911, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_PARK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x912, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

static WDFQUEUE Queue, Manual;
static WDFREQUEST Held;
static LONG Stopped;
static WDFCONTEXT StoppedContext;

static VOID EvtIoctl(WDFQUEUE Q, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                     ULONG IoControlCode)
{
    UNREFERENCED_PARAMETER(Q);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    if (IoControlCode == IOCTL_HOLD) {
        Held = Request; /* the driver owns it until the test completes it */
    } else if (IoControlCode == IOCTL_PARK) {
        NTSTATUS status = WdfRequestForwardToIoQueue(Request, Manual);
        if (!NT_SUCCESS(status))
            WdfRequestComplete(Request, status);
    } else {
        WdfRequestComplete(Request, STATUS_SUCCESS);
    }
}

static LONG Reads;          /* reads presented to the driver */
static BOOLEAN AllowZero;   /* the default queue's AllowZeroLengthRequests */

static VOID EvtRead(WDFQUEUE Q, WDFREQUEST Request, size_t Length)
{
    UNREFERENCED_PARAMETER(Q);
    InterlockedIncrement(&Reads);
    /* A driver that gets a zero-length read answers it itself. */
    WdfRequestCompleteWithInformation(Request, Length == 0 ? STATUS_BUFFER_TOO_SMALL : STATUS_SUCCESS, 0);
}

static VOID EvtStopped(WDFQUEUE Q, WDFCONTEXT Context)
{
    assert_ptr_equal(Q, Queue);
    StoppedContext = Context;
    InterlockedIncrement(&Stopped);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\NkQueue");
    WDF_IO_QUEUE_CONFIG queueConfig;
    WDFDEVICE device;
    NTSTATUS status;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoDeviceControl = EvtIoctl;
    queueConfig.EvtIoRead = EvtRead;
    queueConfig.AllowZeroLengthRequests = AllowZero;
    status = KmdfTestCreateControlDevice(DriverObject, RegistryPath, &name, WdfDeviceIoBuffered, &queueConfig,
                                         &device, &Queue);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT(&queueConfig, WdfIoQueueDispatchManual);
    return WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &Manual);
}

static void test_stop_and_start(void **state)
{
    DRIVER_OBJECT drv;
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkQueue");
    NK_HOST_IO *held, *waiting;
    HANDLE h;
    ULONG n;
    (void)state;

    NkHostReset();
    memset(&drv, 0, sizeof(drv));
    assert_int_equal(FxDriverEntry(&drv, &path), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkQueue", &h), STATUS_SUCCESS);

    /* The driver owns one request when the queue stops. */
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_HOLD, NULL, 0, NULL, 0, &held), STATUS_PENDING);
    assert_non_null(Held);
    WdfIoQueueStop(Queue, EvtStopped, (WDFCONTEXT)&Stopped);
    assert_int_equal(Stopped, 0);                              /* not while the driver owns one */

    /* A stopped queue accepts a new request but does not present it. */
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_NOW, NULL, 0, NULL, 0, &waiting), STATUS_PENDING);
    assert_int_equal(NkHostWaitIo(waiting, 50, &n), STATUS_TIMEOUT);

    WdfRequestComplete(Held, STATUS_SUCCESS);                  /* the last owned one */
    assert_int_equal(Stopped, 1);
    assert_ptr_equal(StoppedContext, &Stopped);
    assert_int_equal(NkHostWaitIo(held, MAXULONG, &n), STATUS_SUCCESS);
    assert_int_equal(NkHostWaitIo(waiting, 50, &n), STATUS_TIMEOUT);

    WdfIoQueueStart(Queue);                                    /* what waited is presented */
    assert_int_equal(NkHostWaitIo(waiting, MAXULONG, &n), STATUS_SUCCESS);

    /* Stopping an idle queue calls back at once. */
    WdfIoQueueStop(Queue, EvtStopped, NULL);
    assert_int_equal(Stopped, 2);
    WdfIoQueueStart(Queue);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_NOW, NULL, 0, NULL, 0, &n), STATUS_SUCCESS);

    NkHostCloseHandle(h);
    drv.DriverUnload(&drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* WdfRequestRequeue: back to the head of a manual queue, and only there. */
static void test_requeue(void **state)
{
    DRIVER_OBJECT drv;
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkQueue");
    NK_HOST_IO *first, *second;
    WDFREQUEST r, again;
    HANDLE h;
    ULONG n;
    (void)state;

    NkHostReset();
    memset(&drv, 0, sizeof(drv));
    Held = NULL;
    assert_int_equal(FxDriverEntry(&drv, &path), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkQueue", &h), STATUS_SUCCESS);

    /* A request from a parallel queue cannot be requeued. */
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_HOLD, NULL, 0, NULL, 0, &first), STATUS_PENDING);
    assert_int_equal(WdfRequestRequeue(Held), STATUS_INVALID_DEVICE_REQUEST);
    WdfRequestComplete(Held, STATUS_SUCCESS);
    assert_int_equal(NkHostWaitIo(first, MAXULONG, &n), STATUS_SUCCESS);

    /* Two parked on the manual queue; the first retrieved and requeued
     * comes back first again. */
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_PARK, NULL, 0, NULL, 0, &first), STATUS_PENDING);
    assert_int_equal(NkHostDeviceIoControlAsync(h, IOCTL_PARK, NULL, 0, NULL, 0, &second), STATUS_PENDING);
    assert_int_equal(WdfIoQueueRetrieveNextRequest(Manual, &r), STATUS_SUCCESS);
    assert_int_equal(WdfRequestRequeue(r), STATUS_SUCCESS);
    assert_int_equal(WdfRequestRequeue(r), STATUS_INVALID_DEVICE_REQUEST);   /* not ours any more */
    assert_int_equal(WdfIoQueueRetrieveNextRequest(Manual, &again), STATUS_SUCCESS);
    assert_ptr_equal(again, r);
    WdfRequestCompleteWithInformation(again, STATUS_SUCCESS, 0);
    assert_int_equal(NkHostWaitIo(first, MAXULONG, &n), STATUS_SUCCESS);
    assert_int_equal(NkHostWaitIo(second, 20, &n), STATUS_TIMEOUT);
    assert_int_equal(WdfIoQueueRetrieveNextRequest(Manual, &r), STATUS_SUCCESS);
    WdfRequestComplete(r, STATUS_CANCELLED);
    assert_int_equal(NkHostWaitIo(second, MAXULONG, &n), STATUS_CANCELLED);

    NkHostCloseHandle(h);
    drv.DriverUnload(&drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* Zero-length reads: KMDF completes them with STATUS_SUCCESS itself unless
 * the queue asked for them with AllowZeroLengthRequests. */
static void test_zero_length_requests(void **state)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkQueue");
    (void)state;

    for (int allow = 0; allow <= 1; allow++) {
        DRIVER_OBJECT drv;
        UCHAR buf[4];
        HANDLE h;
        ULONG n = 99;

        NkHostReset();
        AllowZero = (BOOLEAN)allow;
        Reads = 0;
        memset(&drv, 0, sizeof(drv));
        assert_int_equal(FxDriverEntry(&drv, &path), STATUS_SUCCESS);
        assert_int_equal(NkHostCreateFile(L"\\Device\\NkQueue", &h), STATUS_SUCCESS);
        if (allow) {
            assert_int_equal(NkHostReadFile(h, buf, 0, &n), STATUS_BUFFER_TOO_SMALL); /* the driver's answer */
            assert_int_equal(Reads, 1);
        } else {
            assert_int_equal(NkHostReadFile(h, buf, 0, &n), STATUS_SUCCESS);          /* the framework's */
            assert_int_equal(n, 0);
            assert_int_equal(Reads, 0);
        }
        assert_int_equal(NkHostReadFile(h, buf, sizeof(buf), &n), STATUS_SUCCESS);
        assert_int_equal(Reads, allow + 1);
        NkHostCloseHandle(h);
        drv.DriverUnload(&drv);
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
    AllowZero = FALSE;
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_stop_and_start), cmocka_unit_test(test_requeue),
                                       cmocka_unit_test(test_zero_length_requests)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
