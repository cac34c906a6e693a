/*
 * control.c - \Device\Mux, a KMDF control device, and its one IOCTL.
 *
 * Microsoft's sample creates \Device\Mux (\DosDevices\Mux) for its notify
 * object's private events; here it reports the VELANs
 * (IOCTL_MUX_QUERY_VELANS, muxioctl.h) so tests and administrators can see
 * what each UpperBindings became.  The device admits SYSTEM and
 * Administrators only.
 *
 * A KMDF control device in an NDIS miniport driver: the driver is created
 * with WdfDriverInitNoDispatchOverride (NDIS owns the driver's dispatch
 * table, as KMDF requires of a miniport), so on Windows the framework
 * never sees this device's IRPs - they reach the driver object's
 * MajorFunction entries, which NdisMRegisterMiniportDriver filled with
 * NDIS's routines.  MuxControlHookDispatch puts a small WDM dispatch in
 * front of NDIS's for create, close, cleanup and device control: IRPs for
 * \Device\Mux are answered here (the same QueryVelans), every other one
 * goes on to NDIS.  The host kernel serves the device through the
 * framework (EvtIoDeviceControl), which is what the host tests exercise;
 * the WDM path is built for Windows only.
 */
#include "control.h"
#include "velan.h"

#include <ndiskit/target.h>
#include <wdmsec.h>

static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;

/* Fills Buffer (Length bytes) with the list; returns the status and the
 * bytes written. */
static NTSTATUS QueryVelans(PUCHAR Buffer, SIZE_T Length, PULONG_PTR Written)
{
    PMUX_VELAN_LIST list = (PMUX_VELAN_LIST)Buffer;
    PMUX_VELAN_INFO out = (PMUX_VELAN_INFO)(Buffer + sizeof(MUX_VELAN_LIST));
    SIZE_T room;
    ULONG total = 0, returned = 0;
    KIRQL irql;

    *Written = 0;
    if (Length < sizeof(MUX_VELAN_LIST))
        return STATUS_BUFFER_TOO_SMALL;
    room = (Length - sizeof(MUX_VELAN_LIST)) / sizeof(MUX_VELAN_INFO);

    KeAcquireSpinLock(&MuxGlobals.Lock, &irql);
    for (PLIST_ENTRY a = MuxGlobals.Adapters.Flink; a != &MuxGlobals.Adapters; a = a->Flink) {
        PMUX_ADAPTER adapter = CONTAINING_RECORD(a, MUX_ADAPTER, Link);
        KeAcquireSpinLockAtDpcLevel(&adapter->Lock);
        for (PLIST_ENTRY e = adapter->Velans.Flink; e != &adapter->Velans; e = e->Flink) {
            if (returned < room)
                MuxVelanFillInfo(CONTAINING_RECORD(e, MUX_VELAN, Link), &out[returned++]);
            total++;
        }
        KeReleaseSpinLockFromDpcLevel(&adapter->Lock);
    }
    KeReleaseSpinLock(&MuxGlobals.Lock, irql);

    list->Version = MUX_VELAN_LIST_VERSION;
    list->Total = total;
    list->Returned = returned;
    list->Reserved = 0;
    *Written = sizeof(MUX_VELAN_LIST) + (SIZE_T)returned * sizeof(MUX_VELAN_INFO);
    return returned < total ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

static VOID EvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputLength, size_t InputLength,
                               ULONG IoControlCode)
{
    ULONG_PTR written = 0;
    PVOID buffer = NULL;
    size_t length = 0;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(InputLength);

    if (!NkRundownAcquire(&MuxGlobals.Users)) {
        WdfRequestComplete(Request, STATUS_DELETE_PENDING);
        return;
    }
    switch (IoControlCode) {
    case IOCTL_MUX_QUERY_VELANS:
        if (OutputLength < sizeof(MUX_VELAN_LIST)) {
            status = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        status = WdfRequestRetrieveOutputBuffer(Request, sizeof(MUX_VELAN_LIST), &buffer, &length);
        if (NT_SUCCESS(status))
            status = QueryVelans((PUCHAR)buffer, length, &written);
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    (void)NkRundownRelease(&MuxGlobals.Users);
    WdfRequestCompleteWithInformation(Request, status, written);
}

/* ---- WDM dispatch in front of NDIS's (see the header) ----------------------
 * Windows only: the host kernel serves KMDF devices through the framework
 * and implements no IRP completion (IofCompleteRequest) for drivers. */
#if NK_TARGET_WINDOWS

static PDRIVER_DISPATCH NdisDispatch[IRP_MJ_MAXIMUM_FUNCTION + 1];
static PDEVICE_OBJECT ControlDeviceObject;

static const UCHAR HookedMajors[] = {IRP_MJ_CREATE, IRP_MJ_CLOSE, IRP_MJ_CLEANUP, IRP_MJ_DEVICE_CONTROL};

static DRIVER_DISPATCH MuxDispatch;

static NTSTATUS MuxDispatch(PDEVICE_OBJECT Device, PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    ULONG_PTR written = 0;
    NTSTATUS status;

    if (Device != ControlDeviceObject || Device == NULL) {
        if (NdisDispatch[sp->MajorFunction] != NULL)
            return NdisDispatch[sp->MajorFunction](Device, Irp);
        status = STATUS_INVALID_DEVICE_REQUEST;
        goto out;
    }
    switch (sp->MajorFunction) {
    case IRP_MJ_CREATE:
    case IRP_MJ_CLOSE:
    case IRP_MJ_CLEANUP:
        status = STATUS_SUCCESS;
        break;
    case IRP_MJ_DEVICE_CONTROL:
        if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_MUX_QUERY_VELANS) {
            status = STATUS_INVALID_DEVICE_REQUEST;
            break;
        }
        if (!NkRundownAcquire(&MuxGlobals.Users)) {
            status = STATUS_DELETE_PENDING;
            break;
        }
        /* METHOD_BUFFERED: the I/O manager's system buffer, output length. */
        status = QueryVelans((PUCHAR)Irp->AssociatedIrp.SystemBuffer,
                             sp->Parameters.DeviceIoControl.OutputBufferLength, &written);
        (void)NkRundownRelease(&MuxGlobals.Users);
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
out:
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = written;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

#endif

_Use_decl_annotations_
VOID MuxControlHookDispatch(PDRIVER_OBJECT DriverObject)
{
#if NK_TARGET_WINDOWS
    for (ULONG i = 0; i < RTL_NUMBER_OF(HookedMajors); i++) {
        UCHAR major = HookedMajors[i];
        if (DriverObject->MajorFunction[major] == MuxDispatch)
            continue;
        NdisDispatch[major] = DriverObject->MajorFunction[major];
        DriverObject->MajorFunction[major] = MuxDispatch;
    }
#else
    UNREFERENCED_PARAMETER(DriverObject);
#endif
}

_Use_decl_annotations_
NTSTATUS MuxControlCreate(WDFDRIVER Driver)
{
    DECLARE_CONST_UNICODE_STRING(name, MUX_DEVICE_NAME_W);
    DECLARE_CONST_UNICODE_STRING(link, MUX_LINK_NAME_W);
    WDF_IO_QUEUE_CONFIG queueConfig;
    PWDFDEVICE_INIT init;
    WDFDEVICE device = NULL;
    NTSTATUS status;

    init = WdfControlDeviceInitAllocate(Driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = WdfDeviceInitAssignName(init, &name);
    if (!NT_SUCCESS(status))
        goto out;
    status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &device);
    if (!NT_SUCCESS(status))
        goto out;
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoDeviceControl = EvtIoDeviceControl;
    status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    if (!NT_SUCCESS(status))
        goto out;
    status = WdfDeviceCreateSymbolicLink(device, &link);
    if (!NT_SUCCESS(status))
        goto out;
    MuxGlobals.ControlDevice = device;
#if NK_TARGET_WINDOWS
    ControlDeviceObject = WdfDeviceWdmGetDeviceObject(device);
#endif
    WdfControlFinishInitializing(device);
    device = NULL;
out:
    if (init != NULL)
        WdfDeviceInitFree(init);
    if (device != NULL)
        WdfObjectDelete(device);    /* NoDispatchOverride: no driver-object teardown deletes it for us */
    return status;
}

_Use_decl_annotations_
VOID MuxControlDelete(VOID)
{
    if (MuxGlobals.ControlDevice != NULL) {
#if NK_TARGET_WINDOWS
        ControlDeviceObject = NULL;
#endif
        WdfObjectDelete(MuxGlobals.ControlDevice);
        MuxGlobals.ControlDevice = NULL;
    }
}
