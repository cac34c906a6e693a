/*
 * test_kmdf_io.c - a KMDF control-device driver written only with WDK
 * names (a small loopback: IOCTL echo, reads parked on a manual queue until
 * a write supplies the data), loaded through our entry stub into the host
 * kernel and driven through <nkhost.h>'s user-mode I/O calls: opens by
 * device name and by symbolic link, buffered IOCTLs with short buffers,
 * pended reads completed by writes, cancellation, close with I/O pending,
 * and unload - each ending without leaks or verifier reports.
 */
#include <ntddk.h>
#include <wdf.h>
#include <wdmsec.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define IOCTL_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

typedef struct _DEVICE_CONTEXT {
    WDFQUEUE Reads;         /* manual: reads wait here for a write */
} DEVICE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, GetDeviceContext)

typedef struct _FILE_CONTEXT {
    ULONG Opened;
} FILE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FILE_CONTEXT, GetFileContext)

static ULONG Creates, Cleanups, Closes;
static BOOLEAN CompleteTwice;

static VOID EvtCreate(WDFDEVICE Device, WDFREQUEST Request, WDFFILEOBJECT FileObject)
{
    UNREFERENCED_PARAMETER(Device);
    GetFileContext(FileObject)->Opened = 1;
    Creates++;
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

static VOID EvtCleanup(WDFFILEOBJECT FileObject)
{
    assert_int_equal(GetFileContext(FileObject)->Opened, 1);
    Cleanups++;
}

static VOID EvtClose(WDFFILEOBJECT FileObject)
{
    UNREFERENCED_PARAMETER(FileObject);
    Closes++;
}

static VOID EvtIoctl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                     ULONG IoControlCode)
{
    PVOID in, out;
    size_t inLen;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    if (IoControlCode != IOCTL_ECHO) {
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
        return;
    }
    status = WdfRequestRetrieveInputBuffer(Request, 1, &in, &inLen);
    if (NT_SUCCESS(status))
        status = WdfRequestRetrieveOutputBuffer(Request, InputBufferLength, &out, NULL);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    /* Buffered I/O: in and out are one buffer; an echo has nothing to move. */
    assert_ptr_equal(in, out);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, inLen);
    if (CompleteTwice)
        WdfRequestComplete(Request, STATUS_SUCCESS);
}

static VOID EvtRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    DEVICE_CONTEXT *dc = GetDeviceContext(WdfIoQueueGetDevice(Queue));
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Length);
    status = WdfRequestForwardToIoQueue(Request, dc->Reads);
    if (!NT_SUCCESS(status))
        WdfRequestComplete(Request, status);
}

static VOID EvtWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    DEVICE_CONTEXT *dc = GetDeviceContext(WdfIoQueueGetDevice(Queue));
    WDFREQUEST read;
    PVOID src, dst;
    size_t dstLen;
    NTSTATUS status;

    status = WdfRequestRetrieveInputBuffer(Request, 1, &src, NULL);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    /* No reader waiting: the frame is dropped, as a NIC drops it. */
    if (NT_SUCCESS(WdfIoQueueRetrieveNextRequest(dc->Reads, &read))) {
        status = WdfRequestRetrieveOutputBuffer(read, 1, &dst, &dstLen);
        if (NT_SUCCESS(status)) {
            size_t n = Length < dstLen ? Length : dstLen;
            memcpy(dst, src, n);
            WdfRequestCompleteWithInformation(read, STATUS_SUCCESS, n);
        } else {
            WdfRequestComplete(read, status);
        }
    }
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, Length);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\NkEcho");
    DECLARE_CONST_UNICODE_STRING(link, L"\\DosDevices\\NkEcho");
    WDF_DRIVER_CONFIG config;
    WDFDRIVER driver;
    PWDFDEVICE_INIT init;
    WDF_FILEOBJECT_CONFIG fileConfig;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_IO_QUEUE_CONFIG queueConfig;
    WDFDEVICE device;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &driver);
    if (!NT_SUCCESS(status))
        return status;
    init = WdfControlDeviceInitAllocate(driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    WdfDeviceInitSetIoType(init, WdfDeviceIoBuffered);
    status = WdfDeviceInitAssignName(init, &name);
    if (!NT_SUCCESS(status))
        goto out;
    WDF_FILEOBJECT_CONFIG_INIT(&fileConfig, EvtCreate, EvtClose, EvtCleanup);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, FILE_CONTEXT);
    WdfDeviceInitSetFileObjectConfig(init, &fileConfig, &attributes);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
    status = WdfDeviceCreate(&init, &attributes, &device);
    if (!NT_SUCCESS(status))
        goto out;
    status = WdfDeviceCreateSymbolicLink(device, &link);
    if (!NT_SUCCESS(status))
        goto out;
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoDeviceControl = EvtIoctl;
    queueConfig.EvtIoRead = EvtRead;
    queueConfig.EvtIoWrite = EvtWrite;
    status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    if (!NT_SUCCESS(status))
        goto out;
    WDF_IO_QUEUE_CONFIG_INIT(&queueConfig, WdfIoQueueDispatchManual);
    status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &GetDeviceContext(device)->Reads);
    if (!NT_SUCCESS(status))
        goto out;
    WdfControlFinishInitializing(device);
out:
    if (init != NULL)
        WdfDeviceInitFree(init);
    return status;
}

/* ---- harness ------------------------------------------------------------------ */

static DRIVER_OBJECT Drv;
static UNICODE_STRING RegPath = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkEcho");

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    Creates = Cleanups = Closes = 0;
    CompleteTwice = FALSE;
    memset(&Drv, 0, sizeof(Drv));
    assert_int_equal(FxDriverEntry(&Drv, &RegPath), STATUS_SUCCESS);
    return 0;
}

static int Teardown(void **state)
{
    (void)state;
    Drv.DriverUnload(&Drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
    return 0;
}

static void test_open_and_close(void **state)
{
    HANDLE a, b, c;
    (void)state;

    assert_int_equal(NkHostCreateFile(L"\\\\.\\NkEcho", &a), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkEcho", &b), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\\\.\\NoSuchDevice", &c), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_null(c);
    assert_int_equal(Creates, 2);
    assert_int_equal(NkHostCloseHandle(a), STATUS_SUCCESS);
    assert_int_equal(NkHostCloseHandle(b), STATUS_SUCCESS);
    assert_int_equal(Cleanups, 2);
    assert_int_equal(Closes, 2);
}

static void test_ioctl_echo(void **state)
{
    HANDLE h;
    UCHAR in[100], out[100];
    ULONG n;
    (void)state;

    for (int i = 0; i < 100; i++)
        in[i] = (UCHAR)(i * 3);
    assert_int_equal(NkHostCreateFile(L"\\\\.\\NkEcho", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_ECHO, in, 100, out, 100, &n), STATUS_SUCCESS);
    assert_int_equal(n, 100);
    assert_memory_equal(in, out, 100);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_ECHO, in, 100, out, 99, &n), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(n, 0);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_ECHO, NULL, 0, out, 100, &n), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_ECHO + 4, in, 1, out, 1, &n), STATUS_INVALID_DEVICE_REQUEST);
    NkHostCloseHandle(h);
}

static void test_read_waits_for_write(void **state)
{
    HANDLE h;
    NK_HOST_IO *io;
    UCHAR frame[60], got[1514];
    ULONG n;
    (void)state;

    memset(frame, 0x5A, sizeof(frame));
    assert_int_equal(NkHostCreateFile(L"\\\\.\\NkEcho", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostReadFileAsync(h, got, sizeof(got), &io), STATUS_PENDING);
    assert_int_equal(NkHostWaitIo(io, 20, &n), STATUS_TIMEOUT);         /* parked */
    assert_int_equal(NkHostWriteFile(h, frame, sizeof(frame), &n), STATUS_SUCCESS);
    assert_int_equal(n, 60);
    assert_int_equal(NkHostWaitIo(io, MAXULONG, &n), STATUS_SUCCESS);
    assert_int_equal(n, 60);
    assert_memory_equal(got, frame, 60);
    NkHostCloseHandle(h);
}

static void test_cancel_and_close_with_pending(void **state)
{
    HANDLE h;
    NK_HOST_IO *a, *b;
    UCHAR buf[64];
    ULONG n;
    (void)state;

    assert_int_equal(NkHostCreateFile(L"\\\\.\\NkEcho", &h), STATUS_SUCCESS);
    assert_int_equal(NkHostReadFileAsync(h, buf, sizeof(buf), &a), STATUS_PENDING);
    assert_int_equal(NkHostReadFileAsync(h, buf, sizeof(buf), &b), STATUS_PENDING);
    NkHostCancelIo(a);
    assert_int_equal(NkHostWaitIo(a, MAXULONG, &n), STATUS_CANCELLED);
    assert_int_equal(n, 0);
    /* Closing the handle cancels what is still pending on it. */
    assert_int_equal(NkHostCloseHandle(h), STATUS_SUCCESS);
    assert_int_equal(NkHostWaitIo(b, MAXULONG, &n), STATUS_CANCELLED);
    assert_int_equal(Cleanups, 1);
    assert_int_equal(Closes, 1);
}

static void test_double_completion_is_caught(void **state)
{
    HANDLE h;
    UCHAR in[4] = {1, 2, 3, 4}, out[4];
    ULONG n;
    (void)state;

    assert_int_equal(NkHostCreateFile(L"\\\\.\\NkEcho", &h), STATUS_SUCCESS);
    NkHostExpectViolations();
    CompleteTwice = TRUE;
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_ECHO, in, 4, out, 4, &n), STATUS_SUCCESS);
    CompleteTwice = FALSE;
    assert_string_equal(NkHostLastViolation(), "wdf.request-completed-twice");
    NkHostCloseHandle(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_and_close, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_ioctl_echo, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_read_waits_for_write, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_cancel_and_close_with_pending, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_double_completion_is_caught, Setup, Teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
