/*
 * test_kmdf_direct.c - direct I/O under the host kernel.  A device with
 * WdfDeviceIoDirect gets its read and write buffers in place (the caller's
 * own memory, described by an MDL), and so does the output buffer of a
 * METHOD_OUT_DIRECT IOCTL while its input stays buffered; METHOD_NEITHER
 * buffers are not handed out by WdfRequestRetrieve*Buffer; and the WDM MDL
 * of a buffered request describes its system buffer.
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

#define IOCTL_COPY_OUT_DIRECT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x920, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_NEITHER         CTL_CODE(FILE_DEVICE_UNKNOWN, 0x921, METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_BUFFERED_MDL    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x922, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

/* What the driver saw, for the test to compare with its own buffers. */
static PVOID SeenInput, SeenOutput, SeenMdlVa;

static VOID EvtRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PVOID out;
    PMDL mdl;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Queue);
    status = WdfRequestRetrieveOutputBuffer(Request, 1, &out, NULL);
    if (NT_SUCCESS(status))
        status = WdfRequestRetrieveOutputWdmMdl(Request, &mdl);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    SeenOutput = out;
    SeenMdlVa = MmGetMdlVirtualAddress(mdl);
    RtlFillMemory(out, Length, 0xA5);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, Length);
}

static VOID EvtWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PVOID in;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Queue);
    status = WdfRequestRetrieveInputBuffer(Request, 1, &in, NULL);
    if (NT_SUCCESS(status))
        SeenInput = in;
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? Length : 0);
}

static VOID EvtIoctl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                     ULONG IoControlCode)
{
    PVOID in = NULL, out = NULL;
    PMDL mdl;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);

    switch (IoControlCode) {
    case IOCTL_COPY_OUT_DIRECT:
        status = WdfRequestRetrieveInputBuffer(Request, InputBufferLength, &in, NULL);
        if (NT_SUCCESS(status))
            status = WdfRequestRetrieveOutputBuffer(Request, InputBufferLength, &out, NULL);
        if (!NT_SUCCESS(status))
            break;
        SeenInput = in;
        SeenOutput = out;
        RtlCopyMemory(out, in, InputBufferLength);
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, InputBufferLength);
        return;
    case IOCTL_NEITHER:
        status = WdfRequestRetrieveInputBuffer(Request, 1, &in, NULL);
        break;
    case IOCTL_BUFFERED_MDL:
        status = WdfRequestRetrieveOutputBuffer(Request, 1, &out, NULL);
        if (NT_SUCCESS(status))
            status = WdfRequestRetrieveOutputWdmMdl(Request, &mdl);
        if (NT_SUCCESS(status)) {
            SeenOutput = out;
            SeenMdlVa = MmGetMdlVirtualAddress(mdl);
        }
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    WdfRequestComplete(Request, status);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\NkDirect");
    WDF_IO_QUEUE_CONFIG queueConfig;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoRead = EvtRead;
    queueConfig.EvtIoWrite = EvtWrite;
    queueConfig.EvtIoDeviceControl = EvtIoctl;
    return KmdfTestCreateControlDevice(DriverObject, RegistryPath, &name, WdfDeviceIoDirect, &queueConfig, NULL,
                                       NULL);
}

static void test_direct_io(void **state)
{
    DRIVER_OBJECT drv;
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkDirect");
    UCHAR in[100], out[100];
    HANDLE h;
    ULONG n;
    (void)state;

    NkHostReset();
    memset(&drv, 0, sizeof(drv));
    assert_int_equal(FxDriverEntry(&drv, &path), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\Device\\NkDirect", &h), STATUS_SUCCESS);

    /* Read: the driver writes straight into our buffer, through its MDL. */
    memset(out, 0, sizeof(out));
    assert_int_equal(NkHostReadFile(h, out, sizeof(out), &n), STATUS_SUCCESS);
    assert_int_equal(n, sizeof(out));
    assert_ptr_equal(SeenOutput, out);
    assert_ptr_equal(SeenMdlVa, out);
    for (size_t i = 0; i < sizeof(out); i++)
        assert_int_equal(out[i], 0xA5);

    /* Write: the driver reads our buffer in place. */
    memset(in, 0x3C, sizeof(in));
    assert_int_equal(NkHostWriteFile(h, in, sizeof(in), &n), STATUS_SUCCESS);
    assert_int_equal(n, sizeof(in));
    assert_ptr_equal(SeenInput, in);

    /* METHOD_OUT_DIRECT: input copied to a system buffer, output in place. */
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (UCHAR)i;
    memset(out, 0, sizeof(out));
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_COPY_OUT_DIRECT, in, sizeof(in), out, sizeof(out), &n),
                     STATUS_SUCCESS);
    assert_int_equal(n, sizeof(in));
    assert_ptr_not_equal(SeenInput, in);
    assert_ptr_equal(SeenOutput, out);
    assert_memory_equal(in, out, sizeof(in));

    /* METHOD_NEITHER: no buffer from the framework. */
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_NEITHER, in, sizeof(in), out, sizeof(out), &n),
                     STATUS_INVALID_DEVICE_REQUEST);

    /* A buffered IOCTL's MDL describes the system buffer, not ours. */
    assert_int_equal(NkHostDeviceIoControl(h, IOCTL_BUFFERED_MDL, in, 4, out, 4, &n), STATUS_SUCCESS);
    assert_ptr_equal(SeenMdlVa, SeenOutput);
    assert_ptr_not_equal(SeenOutput, out);

    NkHostCloseHandle(h);
    drv.DriverUnload(&drv);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_direct_io)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
