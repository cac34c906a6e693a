/*
 * test_kmdf_misuse.c - a deliberately wrong KMDF driver: each IOCTL makes
 * one request-handling mistake the framework's verifier catches, and the
 * test checks the host kernel reports it by rule id (and stays usable).
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

#define IOCTL_COMPLETE_TWICE      CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_COMPLETE_CANCELABLE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_UNMARK_UNMARKED     CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

static VOID EvtCancel(WDFREQUEST Request)
{
    WdfRequestComplete(Request, STATUS_CANCELLED);
}

static VOID EvtIoctl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                     ULONG IoControlCode)
{
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    switch (IoControlCode) {
    case IOCTL_COMPLETE_TWICE:
        WdfRequestComplete(Request, STATUS_SUCCESS);
        WdfRequestComplete(Request, STATUS_SUCCESS);              /* wrong */
        break;
    case IOCTL_COMPLETE_CANCELABLE:
        (void)WdfRequestMarkCancelableEx(Request, EvtCancel);
        WdfRequestComplete(Request, STATUS_SUCCESS);              /* wrong: still cancelable */
        (void)WdfRequestUnmarkCancelable(Request);
        WdfRequestComplete(Request, STATUS_SUCCESS);              /* the right order */
        break;
    case IOCTL_UNMARK_UNMARKED:
        (void)WdfRequestUnmarkCancelable(Request);                /* wrong: never marked */
        WdfRequestComplete(Request, STATUS_SUCCESS);
        break;
    default:
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
    }
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\NkMisuse");
    WDF_IO_QUEUE_CONFIG queueConfig;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoDeviceControl = EvtIoctl;
    return KmdfTestCreateControlDevice(DriverObject, RegistryPath, &name, WdfDeviceIoBuffered, &queueConfig, NULL,
                                       NULL);
}

static void test_request_misuse(void **state)
{
    DRIVER_OBJECT drv;
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkMisuse");
    HANDLE h;
    ULONG n;
    (void)state;

    NkHostReset();
    memset(&drv, 0, sizeof(drv));
    assert_int_equal(FxDriverEntry(&drv, &path), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkMisuse", &h), STATUS_SUCCESS);
    NkHostExpectViolations();
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_COMPLETE_TWICE, NULL, 0, NULL, 0, &n), STATUS_SUCCESS);
    assert_int_equal(NkHostViolationCountOf("wdf.request-completed-twice"), 1);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_COMPLETE_CANCELABLE, NULL, 0, NULL, 0, &n), STATUS_SUCCESS);
    assert_int_equal(NkHostViolationCountOf("wdf.complete-cancelable"), 1);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_UNMARK_UNMARKED, NULL, 0, NULL, 0, &n), STATUS_SUCCESS);
    assert_int_equal(NkHostViolationCountOf("wdf.unmark-not-cancelable"), 1);
    assert_int_equal(NkHostViolationCount(), 3);
    NkHostCloseHandle(h);
    drv.DriverUnload(&drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_request_misuse)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
