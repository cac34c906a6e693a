/*
 * hello.c - the smallest useful WDM driver: a control device with one IOCTL
 * that echoes its input.  It exists to prove the toolchain end to end: built
 * on Linux with clang + lld-link against ndiskit's own headers and import
 * libraries, loaded as a kernel service (tests/wine runs it under Wine).
 *
 * Every failure path returns an NTSTATUS; nothing here can bugcheck.
 */
#include <ntddk.h>
#include "hello_ioctl.h"

#define HELLO_PREFIX "ndiskit-hello: "

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD HelloUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE)
static DRIVER_DISPATCH HelloCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
static DRIVER_DISPATCH HelloDeviceControl;

static UNICODE_STRING HelloDeviceName = RTL_CONSTANT_STRING(HELLO_DEVICE_NAME);
static UNICODE_STRING HelloLinkName = RTL_CONSTANT_STRING(HELLO_DOS_DEVICE_NAME);

static NTSTATUS HelloComplete(_Inout_ PIRP Irp, _In_ NTSTATUS Status, _In_ ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

_Use_decl_annotations_
static NTSTATUS NTAPI HelloCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return HelloComplete(Irp, STATUS_SUCCESS, 0);
}

/*
 * METHOD_BUFFERED: the I/O manager gives us one system buffer holding the
 * input, and copies Information bytes of it back to the caller's output
 * buffer.  Echoing is therefore "report the input length", after checking
 * that the caller's output buffer can hold it.
 */
_Use_decl_annotations_
static NTSTATUS NTAPI HelloDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG InLength = Stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG OutLength = Stack->Parameters.DeviceIoControl.OutputBufferLength;

    UNREFERENCED_PARAMETER(DeviceObject);

    if (Stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_HELLO_ECHO)
        return HelloComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    if (InLength > HELLO_ECHO_MAX_BYTES)
        return HelloComplete(Irp, STATUS_INVALID_BUFFER_SIZE, 0);
    if (OutLength < InLength)
        return HelloComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    if (InLength != 0 && Irp->AssociatedIrp.SystemBuffer == NULL)
        return HelloComplete(Irp, STATUS_INVALID_PARAMETER, 0);

    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, HELLO_PREFIX "echo %lu bytes\n", InLength);
    return HelloComplete(Irp, STATUS_SUCCESS, InLength);
}

_Use_decl_annotations_
static VOID NTAPI HelloUnload(PDRIVER_OBJECT DriverObject)
{
    IoDeleteSymbolicLink(&HelloLinkName);
    if (DriverObject->DeviceObject != NULL)
        IoDeleteDevice(DriverObject->DeviceObject);
    /* tests/wine looks for this line to prove that unload ran. */
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, HELLO_PREFIX "unloaded\n");
}

_Use_decl_annotations_
NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device = NULL;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);

    Status = IoCreateDevice(DriverObject, 0, &HelloDeviceName, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &Device);
    if (!NT_SUCCESS(Status))
        goto out;

    Status = IoCreateSymbolicLink(&HelloLinkName, &HelloDeviceName);
    if (!NT_SUCCESS(Status)) {
        IoDeleteDevice(Device);
        goto out;
    }

    Device->Flags |= DO_BUFFERED_IO;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = HelloCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = HelloCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = HelloDeviceControl;
    DriverObject->DriverUnload = HelloUnload;
    /* Created outside AddDevice: the I/O manager would clear this after
     * DriverEntry anyway, but being explicit keeps the rule visible. */
    Device->Flags &= ~DO_DEVICE_INITIALIZING;
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, HELLO_PREFIX "loaded\n");

out:
    return Status;
}
