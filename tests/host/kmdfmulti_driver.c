/*
 * kmdfmulti_driver.c - a small KMDF driver built twice, as two .so files
 * (kmdfmulti_a, kmdfmulti_b: MULTI_A or MULTI_B), so test_kmdf_multi can
 * bind two KMDF drivers through the real entry stub in one process.
 *
 * Each has a control device \Device\NkMulti<ID> whose IOCTL answers with
 * the driver's letter, and an object created without a parent (so the
 * framework parents it to this driver's WDFDRIVER) whose EvtCleanup
 * counts: deleting the other driver must not run it.  The test reaches the
 * driver through the exported Multi... symbols (dlsym), which call DDIs
 * with this driver's own globals.
 */
#include <ntddk.h>
#include <wdf.h>

#include "kmdftest.h"

/* Which of the two builds this is (CMake defines MULTI_A or MULTI_B). */
#ifdef MULTI_B
#define MULTI_ID 'B'
#define MULTI_DEVICE L"\\Device\\NkMultiB"
#else
#define MULTI_ID 'A'
#define MULTI_DEVICE L"\\Device\\NkMultiA"
#endif

#define IOCTL_MULTI_WHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x950, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;

/* Read by the test through dlsym. */
__attribute__((visibility("default"))) WDFDRIVER MultiDriver;
__attribute__((visibility("default"))) LONG MultiCleanups;

static VOID EvtOrphanCleanup(WDFOBJECT Object)
{
    UNREFERENCED_PARAMETER(Object);
    InterlockedIncrement(&MultiCleanups);
}

static VOID EvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                               size_t InputBufferLength, ULONG IoControlCode)
{
    PCHAR out;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    if (IoControlCode != IOCTL_MULTI_WHO) {
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
        return;
    }
    status = WdfRequestRetrieveOutputBuffer(Request, 1, (PVOID *)&out, NULL);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    *out = MULTI_ID;
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 1);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DECLARE_CONST_UNICODE_STRING(name, MULTI_DEVICE);
    WDF_IO_QUEUE_CONFIG queue;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFOBJECT orphan;
    NTSTATUS status;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queue, WdfIoQueueDispatchSequential);
    queue.EvtIoDeviceControl = EvtIoDeviceControl;
    status = KmdfTestCreateControlDevice(DriverObject, RegistryPath, &name, WdfDeviceIoBuffered, &queue, NULL, NULL);
    if (!NT_SUCCESS(status))
        return status;
    MultiDriver = WdfGetDriver();
    MultiCleanups = 0;
    /* No ParentObject: the framework parents it to this driver. */
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.EvtCleanupCallback = EvtOrphanCleanup;
    return WdfObjectCreate(&attributes, &orphan);
}

/* WdfWdmDriverGetWdfDriverHandle asked by this driver (a PVOID: the test
 * does not include <wdf.h>, and calls it through a pointer of this type). */
__attribute__((visibility("default"))) PVOID MultiDriverOf(PDRIVER_OBJECT DriverObject)
{
    return (PVOID)WdfWdmDriverGetWdfDriverHandle(DriverObject);
}

/* A second WdfDriverCreate by this driver: a finding (wdf.driver-twice). */
__attribute__((visibility("default"))) NTSTATUS MultiCreateDriverAgain(PDRIVER_OBJECT DriverObject,
                                                                       PUNICODE_STRING RegistryPath)
{
    WDFDRIVER driver;
    return KmdfTestCreateDriver(DriverObject, RegistryPath, &driver);
}

/* One more object without a parent, with the counting cleanup. */
__attribute__((visibility("default"))) NTSTATUS MultiCreateOrphan(VOID)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFOBJECT orphan;
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.EvtCleanupCallback = EvtOrphanCleanup;
    return WdfObjectCreate(&attributes, &orphan);
}
