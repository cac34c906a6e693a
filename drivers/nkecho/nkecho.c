/*
 * nkecho.c - a KMDF control-device driver: \\.\NkEcho echoes IOCTL_NKECHO_ECHO
 * and loops writes back to reads (a read waits on a manual queue until a
 * write supplies its data; a write with no reader waiting is dropped, as a
 * NIC drops a frame nobody receives).
 *
 * Written only with WDK names, it is built twice from this one source:
 * for Windows into dist/nkecho/nkecho.sys (KMDF 1.15, our entry stub), and
 * for the host kernel by tests/host/test_kmdf_io.c, which drives it through
 * the host's user-mode I/O calls.
 */
#include <ntddk.h>
#include <wdf.h>
#include <wdmsec.h>

#include "nkecho_ioctl.h"

DRIVER_INITIALIZE DriverEntry;

typedef struct _DEVICE_CONTEXT {
    WDFQUEUE Reads;         /* manual: reads wait here for a write */
} DEVICE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, GetDeviceContext)

typedef struct _FILE_CONTEXT {
    ULONG Opened;
} FILE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FILE_CONTEXT, GetFileContext)

static VOID EvtCreate(WDFDEVICE Device, WDFREQUEST Request, WDFFILEOBJECT FileObject)
{
    UNREFERENCED_PARAMETER(Device);
    GetFileContext(FileObject)->Opened = 1;
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "nkecho: create\n");
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

static VOID EvtCleanup(WDFFILEOBJECT FileObject)
{
    if (GetFileContext(FileObject)->Opened == 1)
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "nkecho: cleanup\n");
}

static VOID EvtClose(WDFFILEOBJECT FileObject)
{
    UNREFERENCED_PARAMETER(FileObject);
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "nkecho: close\n");
}

static VOID EvtIoctl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                     ULONG IoControlCode)
{
    PVOID in, out;
    size_t inLen;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(OutputBufferLength);
    if (IoControlCode != IOCTL_NKECHO_ECHO) {
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
    /* Buffered I/O: in and out are one buffer, so the echo is already in
     * place; copy anyway, so the driver is right for any I/O type. */
    if (out != in)
        RtlMoveMemory(out, in, inLen);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, inLen);
}

static VOID EvtRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    DEVICE_CONTEXT *dc = GetDeviceContext(WdfIoQueueGetDevice(Queue));
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Length);
    status = WdfRequestForwardToIoQueue(Request, dc->Reads);
    if (!NT_SUCCESS(status))
        WdfRequestComplete(Request, status);
    else /* tests wait for this line: a read is pending in the driver */
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "nkecho: read queued\n");
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

